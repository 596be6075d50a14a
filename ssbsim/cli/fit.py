"""``ssbsim fit``: parameters fitted to measured data (the Python face: ``ssbsim.fit``)."""

import sys

from .. import interrupt
from ..outputs import check_output, write_outputs
from .common import limit_option, output_option, overwrite_option


def add(sub):
    fit = sub.add_parser(
        "fit",
        help="fit parameters to measured data",
        description=(
            "Fit the parameters of SPEC to its data; write fit.json, fitted_parameter_set.toml and figures to OUTDIR."
        ),
    )
    fit.add_argument("spec", help="fit spec TOML (see README), or the stem of a shipped calibration")
    output_option(fit, "results/fit_<spec>")
    overwrite_option(fit)
    fit.add_argument("--starts", type=int, default=None, help="number of starts (default: the spec's)")
    fit.add_argument(
        "--intervals",
        choices=("profile", "linear"),
        default="profile",
        help="95 %% intervals: profile likelihood (default) or linearised (faster, overconfident when nonlinear)",
    )
    fit.add_argument(
        "--finite-differences",
        action="store_true",
        help="derivatives by finite differences even where forward sensitivities are available",
    )
    fit.add_argument(
        "--extrapolate",
        action="store_true",
        help="cycle jumping in the trials of long protocols (as the spec's extrapolate = true)",
    )
    fit.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    fit.add_argument("-v", "--verbose", action="store_true", help="print every trial")
    fit.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    fit.add_argument(
        "--update",
        action="store_true",
        help=(
            "also write the fitted values, with their provenance, into the spec's parameter set file (for maintainers)"
        ),
    )
    limit_option(fit)
    fit.set_defaults(func=command)


def command(args):
    from ..fit.api import FIT_FILES, prepare, solve

    problem = prepare(
        args.spec,
        starts=args.starts,
        update=args.update,
        starts_source="--starts",
        extrapolate=args.extrapolate or None,
    )
    spec = problem.spec
    outdir = args.output or f"results/fit_{spec.name}"
    check_output(outdir, FIT_FILES, overwrite=args.overwrite)
    # the fit stops at once on Ctrl-C: its engine (SciPy) and the figures' modules are
    # imported before it starts, never cut in their import (interrupt.import_first)
    interrupt.import_first("ssbsim.fit.engine", *(() if args.no_figures else interrupt.FIGURE_MODULES))
    print(
        f"ssbsim: fitting {len(spec.parameters)} parameters to {problem.n_data} data points "
        f"({', '.join(sorted(problem.experiments))}), {args.starts or spec.starts} starts",
        file=sys.stderr,
    )
    jacobian = "finite differences" if args.finite_differences else "auto"
    fitted = solve(
        problem,
        starts=args.starts,
        intervals=args.intervals,
        verbose=args.verbose,
        jacobian=jacobian,
        progress=not args.quiet,
    )
    how = write_outputs(outdir, lambda folder: fitted.write_files(folder, figures=not args.no_figures))
    if args.update:
        backup = fitted.update_parameter_set()
        print(f"ssbsim: updated {spec.parameter_set.source} (the original kept as {backup})", file=sys.stderr)
    values, notes = fitted.lines()
    for line in values:
        print(line)
    for line in notes:
        print(line, file=sys.stderr)
    print(f"ssbsim: wrote {outdir}/ (fit.json, fitted_parameter_set.toml, figures; {how})", file=sys.stderr)
    return 0
