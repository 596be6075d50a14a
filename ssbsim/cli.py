"""The ``ssbsim`` command: ``ssbsim run`` and ``ssbsim list``.

Exit status: 0 on success; 2 on bad input, with one line naming the file and the key or
line at fault; 1 when the simulation itself fails, with the reason.
"""

import argparse
import math
import os
import sys

from .errors import InputError, SimulationError

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


def cmd_run(args):
    from .model.options import ModelOptions
    from .simulation.run import prepare, run

    overrides = _pairs(args.set, "--set", _number)
    options = _pairs(args.option, "--option", lambda name, value: value)
    ModelOptions(options, source="--option")  # name --option, not the merged options, in errors
    spec, pset, _ = prepare(args.experiment, args.parameter_set, overrides, options)
    outdir = args.output or f"results/{spec.name}"
    print(f"ssbsim: {spec.name} ({spec.n_cycles} cycles) on {pset.source}", file=sys.stderr)
    try:
        result = run(spec, args.parameter_set, overrides=overrides, options=options, progress=not args.quiet)
    except SimulationError as err:
        partial = getattr(err, "result", None)
        if partial is not None and len(partial.cycles):
            partial.save(outdir, figures=not args.no_figures)
            print(format_table(partial.cycles))
            print(f"ssbsim: partial results in {outdir}", file=sys.stderr)
        raise
    result.save(outdir, figures=not args.no_figures)
    if not args.quiet:
        print(format_table(result.cycles))
    print(
        f"ssbsim: wrote {outdir}/ (cycles.csv, timeseries.parquet, run.json, figures) in {result.wall_time:.1f} s",
        file=sys.stderr,
    )
    return 0


def cmd_fit(args):
    from .fit.engine import fit
    from .fit.problem import Problem
    from .fit.report import check_update, update_parameter_set, write
    from .fit.spec import load_fit_spec

    spec = load_fit_spec(args.spec)
    if args.update:
        check_update(spec)  # before anything is computed
    problem = Problem(spec)  # reads and checks the data before anything is solved
    outdir = args.output or f"results/fit_{spec.name}"
    print(
        f"ssbsim: fitting {len(spec.parameters)} parameters to {problem.n_data} data points "
        f"({', '.join(sorted(problem.experiments))}), {args.starts or spec.starts} starts",
        file=sys.stderr,
    )
    result = fit(problem, starts=args.starts, verbose=args.verbose, intervals=args.intervals)
    if not math.isfinite(result.cost) or result.cost >= 0.5 * problem.n_data * 100.0**2:
        raise SimulationError("no trial point could be simulated")
    write(spec, problem, result, outdir, with_figures=not args.no_figures)
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
    print(f"ssbsim: wrote {outdir}/ (fit.json, fitted_parameter_set.toml, figures)", file=sys.stderr)
    return 0


def cmd_study(args):
    from .study.runner import run_study, summarise
    from .study.spec import load_study_spec

    spec = load_study_spec(args.spec)
    outdir = args.output or f"results/study_{spec.name}"
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", f"must be at least 1, got {args.workers}")
    frame = run_study(spec, outdir, scheduler=args.scheduler, workers=args.workers, progress=not args.quiet)
    summarise(spec, frame, outdir)
    failed = int((frame["status"] != "ok").sum()) if len(frame) else 0
    print(f"ssbsim: {len(frame)} cases in {outdir}/cases.parquet ({failed} failed)", file=sys.stderr)
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
    study.set_defaults(func=cmd_study)
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
    args = build_parser().parse_args(argv)
    setup_process(args.command)
    try:
        return args.func(args)
    except InputError as err:
        print(f"ssbsim: error: {err}", file=sys.stderr)
        return 2
    except SimulationError as err:
        print(f"ssbsim: simulation failed: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
