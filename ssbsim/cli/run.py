"""``ssbsim run``: an experiment on a cell (the Python face: ``ssbsim.run``)."""

import gc
import sys

from .. import interrupt
from ..errors import SimulationError
from ..outputs import check_output, fail_message, write_outputs
from .common import limit_option, number, output_option, overwrite_option, pairs


def add(sub):
    run = sub.add_parser(
        "run",
        help="simulate an experiment on a cell",
        description="Simulate EXPERIMENT on PARAMETER_SET and write cycles.csv, the time series and figures to OUTDIR.",
    )
    run.add_argument(
        "experiment", help="stem of a shipped experiment (see 'ssbsim list') or path to an experiment TOML"
    )
    run.add_argument(
        "-p",
        "--parameter-set",
        default=None,
        help="stem of a shipped parameter set or path to a TOML (default: asakura2020)",
    )
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter by its full name, SI units, e.g. --set 'SE conductivity [S.m-1]=0.2'",
    )
    run.add_argument(
        "--option",
        action="append",
        metavar="KEY=VALUE",
        help="model option, e.g. --option 'cathode=resolved' (see README)",
    )
    output_option(run, "results/<experiment>")
    overwrite_option(run)
    run.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no table")
    limit_option(run)
    run.add_argument(
        "--extrapolate",
        action="store_true",
        help="long protocols: simulate representative cycles, extrapolate the slow states in between",
    )
    run.set_defaults(func=command, before_pybamm=start_figures)


def start_figures(args):
    """Fork the figure processes (``args.painter``) before this process imports PyBaMM:
    they import matplotlib and warm up while it imports PyBaMM and solves, and they never
    import PyBaMM; None with ``--no-figures`` or where forking is unsafe (the figures are
    then drawn here). ``command`` closes them (``cli.main`` too, if it never runs)."""
    from ..observables.figure_process import FigureProcess

    args.painter = None if args.no_figures else FigureProcess.start()


def command(args):
    from ..model.options import ModelOptions
    from ..simulation.result import RUN_FILES
    from ..simulation.run import prepare
    from ..simulation.spectra_process import SpectraProcess

    painter, spectra = getattr(args, "painter", None), SpectraProcess()
    try:
        overrides = pairs(args.set, "--set", number)
        options = pairs(args.option, "--option", lambda name, value: value)
        ModelOptions(options, source="--option")  # name --option, not the merged options, in errors
        spec, pset, _ = prepare(args.experiment, args.parameter_set, overrides, options)
        outdir = args.output or f"results/{spec.name}"
        check_output(outdir, RUN_FILES, overwrite=args.overwrite)  # before anything is computed
        if spec.has_sweeps and painter is not None:  # a voltammogram is drawn here, from the solution
            painter.close()
            painter = None
        # what is alive now (modules, inputs) lives to the end: left out of the garbage
        # collections, the one at exit included, which visit every tracked object (CPU time per
        # run 2.7 -> 2.3 s without figures, at load 10) and, with the spectra process, would copy
        # every page it visits once a fork shares it (main() unfreezes for a caller in the
        # same process)
        gc.freeze()
        return _run(args, spec, pset, overrides, options, outdir, painter or not args.no_figures, spectra)
    finally:
        spectra.close()
        if painter is not None:
            painter.close()


def _run(args, spec, pset, overrides, options, outdir, figures, spectra):
    """Solve, then write the outputs (``figures``: as ``Result.write_files`` takes them;
    ``spectra``: the ``SpectraProcess`` the run may fork to record its spectra)."""
    from ..simulation.result import format_table
    from ..simulation.run import run

    drawn_here = figures is True or spec.has_sweeps  # a voltammogram's tables come with its figure module
    interrupt.import_first(*interrupt.OUTPUT_MODULES, *(interrupt.FIGURE_MODULES if drawn_here else ()))
    with interrupt.deferred():  # a Ctrl-C stops at the end of a step; the cycles done are written
        # the banner once a Ctrl-C is taken as "stop and keep": a script may wait for it
        print(f"ssbsim: {spec.name} ({spec.n_cycles} cycles) on {pset.source}", file=sys.stderr)
        try:
            if args.extrapolate:
                from ..simulation.extrapolate import run_extrapolated

                result = run_extrapolated(spec, args.parameter_set, overrides=overrides, options=options)
            else:  # the inputs loaded and checked above
                later = figures not in (True, False)  # a figure process: the spectra after the cycle table
                result = run(
                    spec, pset, options=options, progress=not args.quiet, spectra_later=later, spectra_process=spectra
                )
        except (SimulationError, interrupt.Interrupted) as err:
            partial = getattr(err, "result", None)
            if partial is not None and len(partial.cycles):
                how = write_outputs(outdir, lambda folder: partial.write_files(folder, figures=figures))
                print(format_table(partial.cycles))
                print(f"ssbsim: wrote the {len(partial.cycles)} completed cycles to {outdir}/ ({how})", file=sys.stderr)
                raise
            # one line: what happened, and what became of the output folder
            what = "no cycle completed" if isinstance(err, interrupt.Interrupted) else str(err)
            raise type(err)(f"{what}; {fail_message(outdir)}") from None
        # a Ctrl-C now lets the outputs be written (a second one stops at once), then ends the run
        interrupt.finishing("writing the outputs")
        how = write_outputs(outdir, lambda folder: result.write_files(folder, figures=figures))
        interrupted = interrupt.requested()
    if not args.quiet:
        print(format_table(result.cycles))
    print(
        f"ssbsim: wrote {outdir}/ (cycles.csv, timeseries.parquet, run.json, figures; {how}) "
        f"in {result.wall_time:.1f} s",
        file=sys.stderr,
    )
    if interrupted:
        raise interrupt.Interrupted(f"while writing the outputs; all {len(result.cycles)} cycles written to {outdir}/")
    return 0
