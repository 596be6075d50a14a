"""The ``ssbsim`` command: ``ssbsim run``, ``fit``, ``study``, ``onset`` and ``list``.

Exit status: 0 on success; 2 on bad input, with one line naming the file and the key or
line at fault; 1 when the simulation itself fails, with the reason (or the outputs cannot
be written); 130 when interrupted by Ctrl-C, after keeping what was done.
"""

import argparse
import math
import os
import signal
import sys

from . import interrupt, limits
from .errors import InputError, OutputError, SimulationError
from .outputs import OutputFolder, check_output, fail_message, owned_by

RUN_FILES = owned_by(
    {
        "cycles.csv",
        "timeseries.parquet",
        "run.json",
        "impedance.parquet",  # experiments with impedance steps
        "impedance_fits.csv",
        "voltammogram.csv",  # experiments with sweeps
        "onsets.csv",
    }
)
FIT_FILES = owned_by({"fit.json", "fitted_parameter_set.toml"})
STUDY_FILES = owned_by({"study.json", "cases.jsonl", "cases.parquet", "sensitivity.csv", ".lock"})

SUMMARY_COLUMNS = {
    "cycle": ("cycle", "{:d}"),
    "upper_cutoff_V": ("Vmax set", "{:.2f}"),
    "charge_capacity_mAh_g": ("Qch mAh/g", "{:.1f}"),
    "discharge_capacity_mAh_g": ("Qdis mAh/g", "{:.1f}"),
    "coulombic_efficiency": ("CE %", "{:.2%}"),
    "mean_discharge_voltage_V": ("Vdis V", "{:.3f}"),
    "electrolyte_resistance_ohm_cm2": ("R0", "{:.1f}"),
    "anode_interface_resistance_ohm_cm2": ("R1", "{:.1f}"),
    "cathode_interphase_resistance_ohm_cm2": ("R2", "{:.1f}"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints usage too)
        self.exit(2, f"ssbsim: error: {message} (see {self.prog} --help)\n")


def _pairs(items, source, parse_value):
    pairs = {}
    for item in items or []:
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip():
            raise InputError(source, f"{item!r} is not NAME=VALUE")
        pairs[name.strip()] = parse_value(name.strip(), value.strip())
    return pairs


def _number(name, value):
    try:
        return float(value)
    except ValueError:
        raise InputError("--set", f"{name!r}: value {value!r} is not a number") from None


def format_table(cycles):
    """The per-cycle table as aligned text (units in the header, ohm cm2 for R)."""
    header = [label for label, _ in SUMMARY_COLUMNS.values()]
    rows = []
    for _, row in cycles.iterrows():
        cells = []
        for column, (_, fmt) in SUMMARY_COLUMNS.items():
            value = row[column]
            value = int(value) if column == "cycle" else value
            cells.append(fmt.format(value) if value == value else "-")
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    lines.append("R0, R1, R2: electrolyte, Na anode interface, cathode interphase [ohm cm2], end of cycle")
    return "\n".join(lines)


def write_outputs(outdir, write):
    """Call ``write(folder)`` on a staging folder that then replaces ``outdir`` as a
    unit; returns how (new folder, or replaced). OutputError if the disk refuses."""
    folder = OutputFolder(outdir)
    try:
        with folder as staging:
            write(staging)
    except OSError as err:
        reason = err.strerror or str(err)
        raise OutputError(f"cannot write {outdir}: {reason}; {fail_message(outdir)}") from None
    return folder.describe()


def cmd_run(args):
    from .model.options import ModelOptions
    from .simulation.run import prepare, run

    overrides = _pairs(args.set, "--set", _number)
    options = _pairs(args.option, "--option", lambda name, value: value)
    ModelOptions(options, source="--option")  # name --option, not the merged options, in errors
    spec, pset, _ = prepare(args.experiment, args.parameter_set, overrides, options)
    outdir = args.output or f"results/{spec.name}"
    check_output(outdir, RUN_FILES)  # before anything is computed
    print(f"ssbsim: {spec.name} ({spec.n_cycles} cycles) on {pset.source}", file=sys.stderr)
    with interrupt.deferred():  # a Ctrl-C stops at the end of a step; the cycles done are written
        try:
            if args.extrapolate:
                from .simulation.extrapolate import run_extrapolated

                result = run_extrapolated(spec, args.parameter_set, overrides=overrides, options=options)
            else:
                result = run(spec, args.parameter_set, overrides=overrides, options=options, progress=not args.quiet)
        except (SimulationError, interrupt.Interrupted) as err:
            partial = getattr(err, "result", None)
            if partial is not None and len(partial.cycles):
                how = write_outputs(outdir, lambda folder: partial.save(folder, figures=not args.no_figures))
                print(format_table(partial.cycles))
                print(f"ssbsim: wrote the {len(partial.cycles)} completed cycles to {outdir}/ ({how})", file=sys.stderr)
            else:
                print(f"ssbsim: no cycle completed: {fail_message(outdir)}", file=sys.stderr)
            raise
    how = write_outputs(outdir, lambda folder: result.save(folder, figures=not args.no_figures))
    if not args.quiet:
        print(format_table(result.cycles))
    print(
        f"ssbsim: wrote {outdir}/ (cycles.csv, timeseries.parquet, run.json, figures; {how}) "
        f"in {result.wall_time:.1f} s",
        file=sys.stderr,
    )
    return 0


def cmd_fit(args):
    from .fit.engine import fit
    from .fit.problem import Problem
    from .fit.report import check_update, update_parameter_set, write
    from .fit.spec import load_fit_spec

    spec = load_fit_spec(args.spec)
    if args.starts is not None:
        if args.starts < 1:
            raise InputError("--starts", f"must be at least 1, got {args.starts}")
        limits.check("starts", args.starts, "--starts", "--starts")
    if args.update:
        check_update(spec)  # before anything is computed
    problem = Problem(spec)  # reads and checks the data before anything is solved
    outdir = args.output or f"results/fit_{spec.name}"
    check_output(outdir, FIT_FILES)
    print(
        f"ssbsim: fitting {len(spec.parameters)} parameters to {problem.n_data} data points "
        f"({', '.join(sorted(problem.experiments))}), {args.starts or spec.starts} starts",
        file=sys.stderr,
    )
    try:
        result = fit(problem, starts=args.starts, verbose=args.verbose, intervals=args.intervals)
    except KeyboardInterrupt:
        cost, best = problem.best
        said = ", ".join(f"{name!r} = {value:.5g}" for name, value in (best or {}).items())
        raise interrupt.Interrupted(
            f"after {problem.n_solves} solves; nothing written"
            + (f"; best trial so far (cost {cost:.5g}): {said}" if best else "")
        ) from None
    if not math.isfinite(result.cost) or result.cost >= 0.5 * problem.n_data * 100.0**2:
        raise SimulationError("no trial point could be simulated")
    how = write_outputs(outdir, lambda folder: write(spec, problem, result, folder, with_figures=not args.no_figures))
    if args.update:
        backup = update_parameter_set(spec, result)
        print(f"ssbsim: updated {spec.parameter_set.source} (the original kept as {backup})", file=sys.stderr)
    for name in result.names:
        lo, hi = result.ci95[name]
        print(f"{name} = {result.values[name]:.5g}  (95 % interval {lo:.4g} to {hi:.4g})")
    verdict = "converged" if result.converged else "did not converge"
    print(f"{result.method}; {verdict} ({result.stop_reason})", file=sys.stderr)
    for line in result.warnings:
        print(f"ssbsim: warning: {line}", file=sys.stderr)
    print(f"cost {result.cost:.5g}, {result.n_solves} solves, {result.wall_s:.1f} s", file=sys.stderr)
    print(f"ssbsim: wrote {outdir}/ (fit.json, fitted_parameter_set.toml, figures; {how})", file=sys.stderr)
    return 0


def cmd_study(args):
    from .study.runner import run_study, summarise
    from .study.spec import load_study_spec

    spec = load_study_spec(args.spec)
    outdir = args.output or f"results/study_{spec.name}"
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", f"must be at least 1, got {args.workers}")
    if args.workers is not None:
        limits.check("workers", args.workers, "--workers", "--workers")
    check_output(outdir, STUDY_FILES)
    frame = run_study(spec, outdir, scheduler=args.scheduler, workers=args.workers, progress=not args.quiet)
    summarise(spec, frame, outdir)
    failed = int((frame["status"] != "ok").sum()) if len(frame) else 0
    print(f"ssbsim: {len(frame)} cases in {outdir}/cases.parquet ({failed} failed)", file=sys.stderr)
    return 0


def cmd_onset(args):
    from . import atomic
    from .observables import voltammetry
    from .observables.figures import save_png
    from .observables.onset import onset_table

    if args.scan_rates:
        return _onset_vs_scan_rate(args)
    if args.file is None:
        raise InputError("ssbsim onset", "give a voltammogram FILE, or --scan-rates")
    from pathlib import Path

    from .data.voltammogram import read_voltammogram

    path = Path(args.file)
    if not path.is_file():
        raise InputError(path, "file not found")
    frame = read_voltammogram(path, area_cm2=args.area)
    onsets = onset_table(frame)
    outdir = Path(args.output or f"results/onset_{path.stem}")
    outdir.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(outdir / "onsets.csv") as tmp:
        onsets.to_csv(tmp, index=False, float_format="%.4f")
    fig = voltammetry.figure(frame, onsets, path.name)
    save_png(fig, outdir / "onsets.png")
    print(onsets.to_string(index=False, float_format="%.3f") if len(onsets) else "no onset found")
    print(f"ssbsim: wrote {outdir}/ (onsets.csv, onsets.png)", file=sys.stderr)
    return 0


def _onset_vs_scan_rate(args):
    from pathlib import Path

    from . import atomic
    from .observables.figures import save_png
    from .simulation.scan_rate import figure, onsets_vs_scan_rate

    try:
        rates = [float(r) for r in args.scan_rates.split(",")]
    except ValueError:
        raise InputError("--scan-rates", f"{args.scan_rates!r} is not a comma-separated list of numbers") from None
    if not rates or not all(r > 0 for r in rates):
        raise InputError("--scan-rates", "scan rates must be positive numbers (uV/s)")
    table = onsets_vs_scan_rate(rates, args.parameter_set or "asakura2020_se_carbon", temperature_C=args.temperature)
    outdir = Path(args.output or "results/onset_vs_scan_rate")
    outdir.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(outdir / "onset_vs_scan_rate.csv") as tmp:
        table.to_csv(tmp, index=False, float_format="%.4f")
    measured = [(10.0, 3.45, "measured, 10 uV/s, 60 °C (Asakura 2020)"), (10.0, 4.20, "_nolegend_")]
    fig = figure(
        table, measured, f"{Path(str(args.parameter_set or 'asakura2020_se_carbon')).stem}, {args.temperature:g} °C"
    )
    save_png(fig, outdir / "onset_vs_scan_rate.png")
    print(table.to_string(index=False, float_format="%.3f"))
    print(f"ssbsim: wrote {outdir}/ (onset_vs_scan_rate.csv, .png)", file=sys.stderr)
    return 0


def _described(paths):
    """(stem, TOML data) of shipped files, read as plain TOML: listing checks nothing and
    needs neither PyBaMM nor the parameter registry."""
    from .tomlfile import read_toml

    return [(path.stem, read_toml(path)[0]) for path in sorted(paths)]


def cmd_list(args):
    from .resources import shipped_dir

    print("Parameter sets (-p NAME):")
    for name, data in _described(shipped_dir("parameter_sets").glob("*.toml")):
        print(f"  {name:28s} {data.get('description', '')}")
    print("Experiments (ssbsim run NAME):")
    for name, data in _described(shipped_dir("experiments").glob("*.toml")):
        n_cycles = sum(block.get("repeat", 1) for block in data.get("block", []))
        print(f"  {name:28s} {n_cycles:4d} cycles  {data.get('description', '')}")
    print("Calibrations (ssbsim fit NAME):")
    for name, data in _described((shipped_dir("parameter_sets") / "calibration").glob("*.toml")):
        print(f"  {name:28s} {data.get('description', '')}")
    print("Studies (ssbsim study NAME):")
    for name, data in _described((shipped_dir("experiments") / "studies").glob("*.toml")):
        print(f"  {name:28s} {data.get('description', '')}")
    return 0


def _limit_option(parser):
    parser.add_argument(
        "--limit",
        action="append",
        metavar="NAME=VALUE",
        help=f"raise a work-size limit ({', '.join(limits.LIMITS)}; see README, or {limits.ENVIRONMENT})",
    )


def build_parser():
    parser = _Parser(
        prog="ssbsim",
        description="Simulate all-solid-state Na cells with a voltage-dependent cathode/SE interphase.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
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
    run.add_argument(
        "-o", "--output", metavar="OUTDIR", default=None, help="output folder (default: results/<experiment>)"
    )
    run.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no table")
    _limit_option(run)
    run.add_argument(
        "--extrapolate",
        action="store_true",
        help="long protocols: simulate representative cycles, extrapolate the slow states in between",
    )
    run.set_defaults(func=cmd_run)
    fit = sub.add_parser(
        "fit",
        help="fit parameters to measured data",
        description=(
            "Fit the parameters of SPEC to its data; write fit.json, fitted_parameter_set.toml and figures to OUTDIR."
        ),
    )
    fit.add_argument("spec", help="fit spec TOML (see README), or the stem of a shipped calibration")
    fit.add_argument(
        "-o", "--output", metavar="OUTDIR", default=None, help="output folder (default: results/fit_<spec>)"
    )
    fit.add_argument("--starts", type=int, default=None, help="number of starts (default: the spec's)")
    fit.add_argument(
        "--intervals",
        choices=("profile", "linear"),
        default="profile",
        help="95 %% intervals: profile likelihood (default) or linearised (faster, overconfident when nonlinear)",
    )
    fit.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    fit.add_argument("-v", "--verbose", action="store_true", help="print every trial")
    fit.add_argument(
        "--update",
        action="store_true",
        help=(
            "also write the fitted values, with their provenance, into the spec's parameter set file (for maintainers)"
        ),
    )
    _limit_option(fit)
    fit.set_defaults(func=cmd_fit)
    study = sub.add_parser(
        "study",
        help="run a parameter study on a Dask cluster",
        description=(
            "Run the cases of SPEC on a local Dask cluster (or the one at --scheduler); write cases.parquet, "
            "figures and, for Sobol designs, sensitivity.csv to OUTDIR. Rerunning resumes."
        ),
    )
    study.add_argument("spec", help="study spec TOML (see README), or the stem of a shipped study")
    study.add_argument(
        "-o", "--output", metavar="OUTDIR", default=None, help="output folder (default: results/study_<spec>)"
    )
    study.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="address of a running Dask scheduler (default: a local cluster)",
    )
    study.add_argument(
        "--workers", type=int, default=None, help="worker processes of the local cluster (default: one per core)"
    )
    study.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _limit_option(study)
    study.set_defaults(func=cmd_study)
    onset = sub.add_parser(
        "onset",
        help="onset potentials of a voltammogram (two-line method)",
        description=(
            "Read FILE (ssbsim's voltammogram.csv, an EC-Lab .mpt/.mpr or a CSV time series), find the onsets of "
            "its anodic scans with the two-line method and write onsets.csv and onsets.png to OUTDIR; or, with "
            "--scan-rates, simulate linear sweeps of PARAMETER_SET at those rates and plot onset against scan rate."
        ),
    )
    onset.add_argument("file", nargs="?", default=None, help="voltammogram file")
    onset.add_argument("--area", type=float, default=None, help="electrode area [cm2] for a file that gives currents")
    onset.add_argument(
        "--scan-rates", default=None, metavar="R1,R2,...", help="simulate sweeps at these rates [uV/s] instead"
    )
    onset.add_argument("-p", "--parameter-set", default=None, help="with --scan-rates (default: asakura2020_se_carbon)")
    onset.add_argument("--temperature", type=float, default=60.0, help="with --scan-rates: [°C] (default 60)")
    onset.add_argument("-o", "--output", metavar="OUTDIR", default=None, help="output folder")
    onset.set_defaults(func=cmd_onset)
    lst = sub.add_parser(
        "list",
        help="list shipped parameter sets, experiments, calibrations and studies",
        description="List shipped parameter sets, experiments, calibrations and studies with their descriptions.",
    )
    lst.set_defaults(func=cmd_list)
    return parser


def setup_process(command):
    """What the ``ssbsim`` process (never a library user's) is set up with: PyBaMM's
    telemetry off (no prompt, also in Dask workers, which inherit the environment), a
    non-interactive matplotlib backend, and PyBaMM's log at ERROR for the commands that
    solve (``list`` does not import PyBaMM)."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    os.environ["MPLBACKEND"] = "Agg"
    if command != "list":
        import pybamm

        pybamm.set_logging_level("ERROR")


def main(argv=None):
    try:
        status = _main(argv)
    except KeyboardInterrupt:  # a Ctrl-C while the outcome of an earlier one is reported
        print("ssbsim: interrupted", file=sys.stderr)
        status = interrupt.EXIT_STATUS
    if status == interrupt.EXIT_STATUS and argv is None:
        # the ssbsim process itself: the interrupt is reported, let it exit with that status
        # (a further Ctrl-C during the interpreter's shutdown would end it by the signal)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return status


def _main(argv):
    args = build_parser().parse_args(argv)
    saved = os.environ.get(limits.ENVIRONMENT)
    try:
        limits.apply_command_line(getattr(args, "limit", None))
        setup_process(args.command)
        return args.func(args)
    except InputError as err:
        print(f"ssbsim: error: {err}", file=sys.stderr)
        return 2
    except SimulationError as err:
        print(f"ssbsim: simulation failed: {err}", file=sys.stderr)
        return 1
    except interrupt.Interrupted as err:
        print(f"ssbsim: interrupted: {err}", file=sys.stderr)
        return interrupt.EXIT_STATUS
    except KeyboardInterrupt:
        print("ssbsim: interrupted: nothing written", file=sys.stderr)
        return interrupt.EXIT_STATUS
    except OutputError as err:
        print(f"ssbsim: error: {err}", file=sys.stderr)
        return 1
    # the last line of defence of the one-line contract: faults nobody planned for
    except MemoryError:
        print(f"ssbsim: failed: out of memory (see the work-size limits: {limits.ENVIRONMENT})", file=sys.stderr)
        return 1
    except RecursionError:
        print("ssbsim: failed: an input nested too deeply (recursion limit)", file=sys.stderr)
        return 1
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        print(f"ssbsim: failed:{where}: {err.strerror or err}", file=sys.stderr)
        return 1
    finally:  # --limit holds for this command only (main may be called again in-process)
        if saved is None:
            os.environ.pop(limits.ENVIRONMENT, None)
        else:
            os.environ[limits.ENVIRONMENT] = saved


if __name__ == "__main__":
    sys.exit(main())
