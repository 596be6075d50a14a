"""Bounded, multi-start least squares, and what the fit tells about its parameters.

Each start runs SciPy's trust-region reflective least squares in the optimiser's
coordinates (log or linear per parameter), its first trust region a quarter of each range
(``fit/local.py``). Derivatives (``fit/jacobian.py``) come from
IDAKLU's forward sensitivities, with the end of every step that stops on an event (a
cutoff voltage) moving with the parameters, where the problem allows (every fitted
parameter an input, every data set a per-cycle quantity with derivatives or a voltage
time series), else from
finite differences of re-solves; ``FitResult.jacobian`` (fit.json) says which, and why.
The first start is the spec's initial point, the others a scrambled Sobol sample of the
bounds (seeded, so a fit is reproducible; ``fit/starts.py``).

At the best point, with r the residuals (n of them, m of which are measured values
rather than bounds) and p parameters, the noise scale is s^2 = r.r / (m - p) (the
misfit sets the noise level; 1, the data's sigma, when m <= p). The 95 % intervals (``ci95``) are profile-likelihood
intervals by default (``fit/intervals.py``): every other parameter re-optimised, the
interval where the profile rises by F_{1,m-p}(0.95) s^2 in r.r (~ chi2_1(0.95) = 3.84). A parameter whose
profile reaches a bound is not identifiable from the data. The linearised intervals
u +- 1.96 sqrt(C_ii), C = s^2 (J^T J)^-1 (J the Jacobian in the optimiser's coordinates),
are kept as ``ci95_linear`` and used alone with ``intervals="linear"``; the correlation is
C_ij / sqrt(C_ii C_jj).

A parameter that ends at one of its bounds (within AT_BOUND of the range, in the
optimiser's coordinates) is flagged (``at_bound``: "lower" or "upper"): the optimum may lie
beyond the bound, so its interval is cut by the bound, not by the data; it counts as not
identifiable, the fit warns in one line, and the reports (fit.json, the printed values,
the fitted parameter set: ``report.py``) give no 95 % interval for it (fit.json keeps the
one-sided one as ``bounded_interval``). With a problem that counts its points
(``Problem.coverage``), the fitted simulation must reach every data point: points it does
not reach make the fit fail, with the count.

Convergence: a start has converged when the optimiser stopped on one of its tolerances
(not on its evaluation budget); the best fit has converged when, besides, no profile
found a lower cost (if one does, the fit goes on from there, at most twice). Starts are
compared: a start that ends within the 95 % threshold of the best cost but outside the
best fit's intervals means several minima, and the fit says so. A local search also stops
on its tolerances on a plateau where nothing changes (measured: a cutoff-sweep fit
started where the decomposition saturates, cost 585 where the truth has 10): when every
data point carries its own sigma (``Problem.noise_known``), a best fit with r.r above the
99.9 % point of chi2_{m-p} is reported (``misfit_warning``).
"""

import time
from dataclasses import dataclass, field

import numpy as np

from . import identifiability, lower_cost
from .intervals import Profiler, threshold
from .jacobian import Derivatives
from .local import DIFF_STEP, search
from .lower_cost import LowerMinimum
from .progress import FitProgress
from .starts import start_points
from .trial_steps import PROFILE_TOLERANCE

Z95 = 1.959964
METHODS = {
    "profile": "profile likelihood (F_1,m-p(0.95) ~ chi2_1(0.95) = 3.84, noise scale from the fit)",
    "linear": "linearised: s^2 (J^T J)^-1 (noise scale from the fit)",
}
MAX_RESTARTS = 2
#: a fitted value within this fraction of the range (optimiser's coordinates) of a bound is at it
AT_BOUND = 1e-3
#: with the data's own sigma, a misfit above this point of chi2_{m-p} is reported
MISFIT_P = 0.999
#: a start is taken as the minimum when its Gauss-Newton step predicts r.r lower by less
#: than this fraction of the 95 % profile threshold (F s^2; ``fit/local.py``): the
#: intervals would move by a few per cent of their width at most
SETTLED = 0.05


@dataclass
class FitResult:
    names: list
    values: dict
    ci95: dict
    correlation: list
    cost: float
    n_solves: int
    starts: list = field(default_factory=list)  # per start: initial, final, cost, converged, stop_reason
    wall_s: float = 0.0
    n_solves_fit: int = 0  # of n_solves, before the intervals
    threshold: float = 3.841459  # rise of the profile that bounds the 95 % interval
    residuals: np.ndarray = None
    success: bool = True
    method: str = METHODS["profile"]
    ci95_linear: dict = field(default_factory=dict)
    identifiable: dict = field(default_factory=dict)
    converged: bool = True
    stop_reason: str = ""
    noise_scale: float = 1.0
    profiles: dict = field(default_factory=dict)  # name -> [(value, Delta), ...]
    starts_agree: bool = True
    warnings: list = field(default_factory=list)
    at_bound: dict = field(default_factory=dict)  # name -> "lower" | "upper" | None
    coverage: list = field(default_factory=list)  # per data set: points used, excluded, unreached
    trials_short: int = 0  # trials whose simulation did not reach every data point
    failures: dict = field(default_factory=dict)  # why trials' runs stopped -> count (Problem.failures)
    jacobian: str = ""  # how the derivatives were taken (fit/jacobian.py)
    lower_point: dict = None  # a profile's point below the fit's cost: {cost, delta, values} (lower_cost.lower_point)


def n_measured(problem, n):
    """Residuals that are measured values (bounds met give zero residuals: not counted)."""
    try:
        bounds_only = sum(
            int(np.sum(~np.isfinite(d.values) & (np.isfinite(d.low) | np.isfinite(d.high)))) for d in problem.datasets
        )
    except (AttributeError, TypeError):
        return n
    return max(n - bounds_only, 1)


def noise_scale(r, dof):
    """s^2 = r.r / (m - p); 1 (the data's sigma taken as the noise) when there are no
    more measured values than parameters."""
    return max(float(r @ r) / dof, 1e-300) if dof >= 1 else 1.0


def _converged(solution):
    return solution.status > 0


def fit(problem, starts=None, seed=0, verbose=False, intervals="profile", sensitivities=True, progress=None):
    """Fit ``problem`` (a fit.problem.Problem, or anything with ``parameters``,
    ``residuals(values)`` and ``n_solves``); returns a FitResult. ``sensitivities``: take
    the Jacobian from forward sensitivities where the problem allows (False: finite
    differences). ``progress``: a ``progress.FitProgress`` to report to (None: none)."""
    parameters = problem.parameters
    names = [p.name for p in parameters]
    start = time.perf_counter()
    progress = progress or FitProgress(lambda: problem.n_solves, show=False)
    derivatives = Derivatives(problem, parameters, DIFF_STEP, use_sensitivities=sensitivities)

    def jacobian(u, *args):
        with progress.during("Jacobian"):
            return derivatives.jacobian(u, *args)

    jac = jacobian if derivatives.reason is None else None  # None: forward differences

    def values_at(u):
        return {p.name: p.from_unit(x) for p, x in zip(parameters, u)}

    def residuals(u):
        r = derivatives.residuals(u)
        if verbose:
            progress.write(" ".join(f"{v:.4g}" for v in values_at(u).values()) + f" | cost {0.5 * r @ r:.5g}")
        progress.trial(0.5 * float(r @ r))
        return r

    max_nfev = getattr(getattr(problem, "spec", None), "max_evaluations", None)

    def settled(r, J):  # the least decrease of r.r worth a search (fit/local.py)
        dof = n_measured(problem, len(r)) - len(names)
        return SETTLED * threshold(dof) * noise_scale(r, dof)

    def local_fit(u0):
        solution = search(residuals, u0, low, high, jac=jac, max_nfev=max_nfev, settled=settled)
        if hasattr(problem, "replan") and problem.replan(values_at(solution.x)):  # cycle jumps: fit/problem.py
            derivatives.forget()
            solution = search(residuals, solution.x, low, high, jac=jac, max_nfev=max_nfev)
        return solution

    points, low, high = start_points(parameters, starts or getattr(getattr(problem, "spec", None), "starts", 1), seed)
    runs = []
    for k, u0 in enumerate(points, start=1):
        progress.phase(f"start {k} of {len(points)}")
        runs.append((u0, local_fit(u0)))
    best = min(runs, key=lambda run: run[1].cost)[1]
    x, r, J = best.x, best.fun, best.jac
    solves_fit = problem.n_solves
    converged, reasons = _converged(best), [best.message]
    dof = n_measured(problem, len(r)) - len(names)
    s2, limit = noise_scale(r, dof), threshold(dof)

    profiles, lower_point = None, None

    def announce(i, side):
        progress.phase(f"profile end {2 * i + side + 1} of {2 * len(names)} ({names[i]})")

    if intervals == "profile":
        for attempt in range(MAX_RESTARTS + 1):
            profiler = Profiler(residuals, x, r, J, low, high, s2, limit, jacobian=jac, announce=announce)
            try:
                profiles = [profiler.profile(i) for i in range(len(names))]
                lower_point = lower_cost.lower_point(profiler.lowest, values_at)
                if lower_point:
                    converged = False
                    reasons.append(f"a profile found a lower cost ({lower_point['cost']:.5g})")
                break
            except LowerMinimum as lower:
                converged = False
                reasons.append(f"a profile found a lower cost ({0.5 * lower.r @ lower.r:.5g})")
                if attempt == MAX_RESTARTS:
                    x, r = lower.u, lower.r
                    break
                progress.phase("refit from the lower cost a profile found")
                again = local_fit(lower.u)
                x, r, J = again.x, again.fun, again.jac
                converged = _converged(again)
                reasons.append(f"refitted from there: {again.message}")
                s2 = noise_scale(r, dof)
    covariance = s2 * np.linalg.pinv(J.T @ J)
    sd = np.sqrt(np.clip(np.diag(covariance), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(sd, sd)
    ci95_linear = {  # clipped to the bounds
        par.name: [par.from_unit(max(x[k] - Z95 * sd[k], low[k])), par.from_unit(min(x[k] + Z95 * sd[k], high[k]))]
        for k, par in enumerate(parameters)
    }
    if profiles is not None:
        bracketed = sum(prof.bracketed for prof in profiles)
        method = METHODS["profile"] + f"; {2 * len(profiles) - bracketed} of {2 * len(profiles)} ends located directly"
        if bracketed:
            method += f", {bracketed} by bracketing (the direct search did not settle)"
        ci95 = {par.name: [par.from_unit(u) for u in prof.ends] for par, prof in zip(parameters, profiles)}
        identifiable = {par.name: prof.identifiable for par, prof in zip(parameters, profiles)}
        curves = {par.name: [(par.from_unit(u), d) for u, d in prof.points] for par, prof in zip(parameters, profiles)}
    else:
        method = METHODS["linear"] if intervals == "linear" else METHODS["linear"] + " (the profile did not settle)"
        ci95 = ci95_linear
        # linearised: a 95 % interval reaching past a bound is taken as not determined
        identifiable = {
            par.name: bool(x[k] - Z95 * sd[k] > low[k] and x[k] + Z95 * sd[k] < high[k])
            for k, par in enumerate(parameters)
        }
        curves = {}

    at_bound = {par.name: _at_bound(x[k], low[k], high[k]) for k, par in enumerate(parameters)}
    # not determined: an interval that reaches a bound; at a bound, the far one (the near one it always does)
    undetermined = [
        par.name
        for par in parameters
        if not identifiable[par.name]
        and (not at_bound[par.name] or _reaches_far_bound(ci95[par.name], par, at_bound[par.name]))
    ]
    for name, side in at_bound.items():
        if side:  # its intervals stay here, one-sided (the bound ends them): not reported as 95 % ones
            identifiable[name] = False
    warnings = []
    line = bound_warning(parameters, {n: side if n not in undetermined else None for n, side in at_bound.items()})
    if line:
        warnings.append(line)
    line = identifiability.warning(undetermined)
    if line:
        warnings.append(line)
    start_reports, agree = _compare_starts(runs, values_at, ci95, names, float(r @ r), s2, limit)
    if not agree:
        warnings.append(
            "starts disagree: a start ends within the 95 % threshold of the best cost but outside its "
            "intervals (several minima; the intervals describe the best one only)"
        )
    coverage = problem.coverage(values_at(x)) if hasattr(problem, "coverage") else []
    unreached = sum(c["unreached"] for c in coverage)
    if unreached:
        converged = False
        reasons.append(f"the fitted simulation does not reach {unreached} data points")
        warnings.append(
            f"the fitted simulation does not reach {unreached} of {sum(c['points'] for c in coverage)} data points "
            "(it stops before them): the fit is not valid there; narrow the window or widen the bounds"
        )
    line = misfit_warning(float(r @ r), dof) if getattr(problem, "noise_known", False) else None
    if line:
        warnings.append(line)
    if lower_point:
        warnings.append(
            f"a profile found cost {lower_point['cost']:.5g}, below the fit's {0.5 * float(r @ r):.5g} "
            f"(Delta {lower_point['delta']:.3g}, within the tolerance {PROFILE_TOLERANCE} of the interval ends: they "
            "stand): the fit is not at its minimum; refit from fit.json's lower_point values"
        )
    if not converged:
        warnings.append("the fit did not converge: " + "; ".join(reasons))
    return FitResult(
        names=names,
        values=values_at(x),
        ci95=ci95,
        correlation=np.nan_to_num(correlation, nan=0.0).round(6).tolist(),
        cost=0.5 * float(r @ r),
        n_solves=problem.n_solves,
        n_solves_fit=solves_fit,
        threshold=limit,
        starts=start_reports,
        wall_s=time.perf_counter() - start,
        residuals=r,
        success=converged,
        method=method,
        ci95_linear=ci95_linear,
        identifiable=identifiable,
        converged=converged,
        stop_reason="; ".join(reasons),
        noise_scale=s2,
        profiles=curves,
        starts_agree=agree,
        warnings=warnings,
        at_bound=at_bound,
        coverage=coverage,
        trials_short=getattr(problem, "trials_short", 0),
        failures=dict(getattr(problem, "failures", {})),
        jacobian=derivatives.description,
        lower_point=lower_point,
    )


def misfit_warning(rr, dof):
    """With the data's own sigma, r.r of a fit that describes the data is chi2_{m-p}: one
    line (or None) when it exceeds the 99.9 % point of that."""
    from scipy.stats import chi2

    if dof < 1 or rr <= chi2.ppf(MISFIT_P, dof):
        return None
    return (
        f"the misfit is {rr / dof:.3g} times the data's stated noise (r.r = {rr:.4g} for {dof} degrees of freedom, "
        f"above the {100 * MISFIT_P:g} % point {chi2.ppf(MISFIT_P, dof):.4g}): the fit may sit on a plateau or in a "
        "local minimum (try more starts), or the model does not describe these data"
    )


def _at_bound(u, low, high):
    """ "lower"/"upper" if ``u`` is within AT_BOUND of the range from that bound, else None."""
    tolerance = AT_BOUND * (high - low)
    return "lower" if u - low <= tolerance else "upper" if high - u <= tolerance else None


def _reaches_far_bound(interval, parameter, side):
    """Whether ``interval`` reaches the bound opposite to ``side`` (within AT_BOUND)."""
    u = parameter.to_unit(interval[1] if side == "lower" else interval[0])
    low, high = parameter.to_unit(parameter.low), parameter.to_unit(parameter.high)
    far = high if side == "lower" else low
    return abs(u - far) <= AT_BOUND * (high - low)


def bound_warning(parameters, at_bound):
    """One line naming the parameters fitted at a bound (or None)."""
    parts = [
        f"{p.name} at its {at_bound[p.name]} bound ({p.low if at_bound[p.name] == 'lower' else p.high:g})"
        for p in parameters
        if at_bound[p.name]
    ]
    if not parts:
        return None
    return "at a bound, no 95 % interval given (the optimum may lie beyond; widen the bounds): " + "; ".join(parts)


def _compare_starts(runs, values_at, ci95, names, rr_best, s2, limit):
    """Per start: where it began and ended, and whether it agrees with the best fit."""
    reports, agree = [], True
    for u0, solution in runs:
        final = values_at(solution.x)
        delta = (float(solution.fun @ solution.fun) - rr_best) / s2
        inside = all(ci95[n] is None or ci95[n][0] <= final[n] <= ci95[n][1] for n in names)
        if delta <= limit and not inside:
            agree = False
        reports.append(
            {
                "initial": values_at(u0),
                "final": final,
                "cost": float(solution.cost),
                "delta": delta,
                "within_intervals": inside,
                "converged": _converged(solution),
                "stop_reason": solution.message,
            }
        )
    return reports, agree
