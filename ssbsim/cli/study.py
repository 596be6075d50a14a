"""``ssbsim study``: a parameter study on a Dask cluster (the Python face: ``ssbsim.study``)."""

import sys

from .. import limits
from ..outputs import check_output
from .common import limit_option, output_option


def add(sub):
    study = sub.add_parser(
        "study",
        help="run a parameter study on a Dask cluster",
        description=(
            "Run the cases of SPEC on a local Dask cluster (or the one at --scheduler); write cases.parquet, "
            "figures and, for Sobol designs, sensitivity.csv to OUTDIR. Rerunning resumes."
        ),
    )
    study.add_argument("spec", help="study spec TOML (see README), or the stem of a shipped study")
    output_option(study, "results/study_<spec>")
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
    limit_option(study)
    study.set_defaults(func=command)


def command(args):
    from ..study.api import STUDY_FILES, load, study

    spec = load(args.spec)
    outdir = args.output or f"results/study_{spec.name}"
    limits.check_count("workers", args.workers, "--workers")
    check_output(outdir, STUDY_FILES)  # the command's names for what the call checks again
    done = study(spec, outdir, scheduler=args.scheduler, workers=args.workers, progress=not args.quiet)
    print(f"ssbsim: {len(done.cases)} cases in {outdir}/cases.parquet ({len(done.failed)} failed)", file=sys.stderr)
    return 0
