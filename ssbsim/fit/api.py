"""``ssbsim.fit``: the Python face of ``ssbsim fit``.

::

    fitted = ssbsim.fit("asakura2020_interphase")   # a shipped calibration, a spec file or a dict
    fitted.values, fitted.intervals, fitted.converged
    fitted.figures()                                # {file name: matplotlib Figure}, drawn on demand
    fitted.save("out/fit")                          # fit.json, fitted_parameter_set.toml, figures

``ssbsim fit`` is :func:`prepare`, :func:`solve` and :meth:`FitOutcome.write_files` with
the command's messages and output-folder checks around them.
"""

import math
from functools import partial

from .. import interrupt, limits
from ..errors import InputError, SimulationError
from ..outputs import owned_by, save_folder

FIT_FILES = owned_by({"fit.json", "fitted_parameter_set.toml"})  # what a fit writes (figures: any .png)

INTERVALS = ("profile", "linear")
JACOBIANS = ("auto", "finite differences")


def prepare(spec, starts=None, update=False, base=None, name="fit", starts_source="starts", extrapolate=None):
    """The fit problem of ``spec`` (a shipped calibration's stem, a path, a dict or a
    loaded FitSpec), its data read and checked before anything is solved. ``update``:
    check that the spec's parameter set file can take the fitted values; ``extrapolate``:
    cycle jumping in long trials (``fit/problem.py``; None: as the spec says)."""
    from dataclasses import replace

    from .problem import Problem
    from .report import check_update
    from .spec import FitSpec, load_fit_spec

    spec = spec if isinstance(spec, FitSpec) else load_fit_spec(spec, base=base, name=name)
    limits.check_count("starts", starts, starts_source)
    if update:
        check_update(spec)
    if extrapolate is not None:
        spec = replace(spec, extrapolate=bool(extrapolate))
    return Problem(spec)


def solve(problem, starts=None, intervals="profile", verbose=False, jacobian="auto", progress=False):
    """Fit ``problem`` (from :func:`prepare`); a :class:`FitOutcome`. ``jacobian``: "auto"
    (forward sensitivities where the problem allows, ``fit/jacobian.py``) or "finite
    differences"; ``progress``: a progress line on stderr (``fit/progress.py``). A Ctrl-C raises
    ``Interrupted`` naming the best trial so far; a fit no trial of which could be
    simulated raises SimulationError."""
    from .engine import fit
    from .progress import FitProgress

    if intervals not in INTERVALS:
        raise InputError("intervals", f"must be one of {', '.join(INTERVALS)}, got {intervals!r}")
    if jacobian not in JACOBIANS:
        raise InputError("jacobian", f"must be one of {', '.join(JACOBIANS)}, got {jacobian!r}")
    line = FitProgress(lambda: problem.n_solves, show=progress)
    try:
        result = fit(
            problem,
            starts=starts,
            verbose=verbose,
            intervals=intervals,
            sensitivities=jacobian == "auto",
            progress=line,
        )
    except KeyboardInterrupt:
        cost, best = problem.best
        said = ", ".join(f"{name!r} = {value:.5g}" for name, value in (best or {}).items())
        raise interrupt.Interrupted(
            f"after {problem.n_solves} solves; nothing written"
            + (f"; best trial so far (cost {cost:.5g}): {said}" if best else "")
        ) from None
    finally:
        line.close()
    if not math.isfinite(result.cost) or result.cost >= 0.5 * problem.n_data * 100.0**2:
        raise SimulationError("no trial point could be simulated")
    return FitOutcome(problem, result)


def fit(
    spec,
    *,
    starts=None,
    intervals="profile",
    verbose=False,
    base=None,
    name="fit",
    jacobian="auto",
    progress=False,
    extrapolate=None,
):
    """Fit the parameters of ``spec`` to its data, as ``ssbsim fit`` does.

    ``spec``: the stem of a shipped calibration (``ssbsim list``), a path to a fit spec
    TOML, or the same as a dict (its data files relative to ``base``, default the current
    folder; ``name`` names it in messages and outputs). ``starts``: number of local fits
    (default: the spec's); ``intervals``: "profile" (profile likelihood) or "linear";
    ``jacobian``: "auto" (forward sensitivities where the problem allows) or "finite
    differences"; ``progress``: a progress line on stderr; ``extrapolate``: cycle jumping
    in the trials of long protocols (None: as the spec says; ``fit/problem.py``). Returns a :class:`FitOutcome`;
    bad input raises ``ssbsim.InputError``."""
    problem = prepare(spec, starts=starts, base=base, name=name, extrapolate=extrapolate)
    return solve(problem, starts, intervals, verbose, jacobian, progress)


class FitOutcome:
    """A finished fit: ``.values`` and ``.intervals`` (95 %, per parameter name; None at a bound),
    ``.converged``, ``.warnings``, ``.cost``; ``.result`` is the engine's full record
    (what fit.json holds), ``.spec`` and ``.problem`` what was fitted."""

    def __init__(self, problem, result):
        self.problem = problem
        self.spec = problem.spec
        self.result = result

    values = property(lambda self: dict(self.result.values))
    intervals = property(  # None for a parameter at a bound: no 95 % interval is claimed
        lambda self: {n: None if self.result.at_bound.get(n) else tuple(ci) for n, ci in self.result.ci95.items()}
    )
    converged = property(lambda self: self.result.converged)
    identifiable = property(lambda self: dict(self.result.identifiable))
    warnings = property(lambda self: list(self.result.warnings))
    cost = property(lambda self: self.result.cost)

    def lines(self):
        """(stdout lines, stderr lines) of ``ssbsim fit``'s report."""
        from .report import interval_text

        r = self.result
        values = [f"{name} = {r.values[name]:.5g}  ({interval_text(r, name)})" for name in r.names]
        verdict = "converged" if r.converged else "did not converge"
        notes = [f"{r.method}; {verdict} ({r.stop_reason})"]
        notes += [f"ssbsim: warning: {line}" for line in r.warnings]
        notes.append(f"cost {r.cost:.5g}, {r.n_solves} solves, {r.wall_s:.1f} s; derivatives: {r.jacobian}")
        return values, notes

    def __repr__(self):
        values, notes = self.lines()
        n, m = len(self.spec.parameters), self.problem.n_data
        return "\n".join(
            [f"<ssbsim fit {self.spec.name}: {n} parameter{'s' * (n != 1)}, {m} data points>", *values, *notes]
        )

    def figures(self):
        """``{file name: Figure}``: data against the fitted simulation with residuals, one
        per data set, and the profiles (as written by :meth:`save`). Each call solves
        the model at the fitted values once more."""
        from .report import data_figures, profile_plot

        out = data_figures(self.problem, self.result)
        profile = profile_plot(self.result)
        if profile is not None:
            out["fit_profiles.png"] = profile
        return out

    def save(self, folder, figures=True, overwrite=False):
        """Write what ``ssbsim fit`` writes into ``folder``, as a unit, with the command's
        rules: a folder holding other files is refused (``InputError``), one holding
        another fit's outputs too unless ``overwrite``. Returns the paths."""
        return save_folder(folder, FIT_FILES, partial(self.write_files, figures=figures), overwrite)

    def write_files(self, folder, figures=True):
        """Write fit.json, fitted_parameter_set.toml and (``figures``) the figures into
        the existing ``folder`` (no checks: the command's staging folder); returns the
        paths."""
        from .report import write

        return write(self.spec, self.problem, self.result, folder, with_figures=figures)

    def update_parameter_set(self):
        """Write the fitted values into the spec's parameter set file (``--update``);
        returns the backup of the original."""
        from .report import update_parameter_set

        return update_parameter_set(self.spec, self.result)
