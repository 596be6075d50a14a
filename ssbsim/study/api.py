"""``ssbsim.study``: the Python face of ``ssbsim study``.

::

    from distributed import Client
    with Client("tcp://head:8786") as client:       # or no client: a local cluster
        done = ssbsim.study("cutoff_temperature", "out/study", client=client)
    done.cases                                      # DataFrame, one row per case (cases.parquet)

The output folder is the study's store: rows are written as cases finish, and calling
again with the same folder resumes (``study/runner.py``).
"""

from pathlib import Path

from ..errors import InputError
from ..outputs import owned_by

STUDY_FILES = owned_by({"study.json", "cases.jsonl", "cases.parquet", "sensitivity.csv", ".lock"})


def load(spec, base=None, name="study"):
    """A StudySpec from a shipped study's stem, a path, a dict (files relative to
    ``base``), or a StudySpec."""
    from .spec import StudySpec, load_study_spec

    return spec if isinstance(spec, StudySpec) else load_study_spec(spec, base=base, name=name)


def study(spec, output=None, *, client=None, scheduler=None, workers=None, progress=True, base=None, name="study"):
    """Run (or resume) a parameter study, as ``ssbsim study`` does.

    ``spec``: the stem of a shipped study (``ssbsim list``), a path to a study spec TOML,
    or the same as a dict (files relative to ``base``; ``name`` names it). ``output``:
    the folder (default ``results/study_<name>``). The cases run on ``client`` (an open
    ``distributed.Client``, left open), else on the scheduler at address ``scheduler``,
    else on a local cluster of ``workers`` processes (default: one per core). Returns a
    :class:`StudyOutcome`; bad input raises ``ssbsim.InputError``."""
    from .. import limits
    from ..outputs import check_output
    from .runner import run_study, summarise

    spec = load(spec, base, name)
    if client is not None and scheduler is not None:
        raise InputError("study", "give a client or a scheduler address, not both")
    limits.check_count("workers", workers, "workers")
    outdir = Path(output or f"results/study_{spec.name}")
    check_output(outdir, STUDY_FILES, source="output")
    frame = run_study(spec, outdir, scheduler=scheduler, workers=workers, progress=progress, client=client)
    return StudyOutcome(spec, frame, outdir, summarise(spec, frame, outdir))


class StudyOutcome:
    """``.cases`` (DataFrame: the varied values, metrics, status, error, wall_s of every
    case), ``.folder`` (where the study and its figures are), ``.files`` (the figures
    and tables written from the cases), ``.spec``."""

    def __init__(self, spec, cases, folder, files):
        self.spec, self.cases, self.folder, self.files = spec, cases, folder, files

    @property
    def failed(self):
        """The cases that failed (DataFrame)."""
        return self.cases[self.cases["status"] != "ok"] if len(self.cases) else self.cases

    def __repr__(self):
        return (
            f"<ssbsim study {self.spec.name}: {len(self.cases)} cases ({len(self.failed)} failed), "
            f"{', '.join(v.name for v in self.spec.varied)} varied, in {self.folder}/>"
        )
