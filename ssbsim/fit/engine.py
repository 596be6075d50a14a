"""Bounded, multi-start least squares, and what the fit tells about its parameters.

Each start runs SciPy's trust-region reflective least squares in the optimiser's
coordinates (log or linear per parameter). Derivatives are finite differences of
re-solves: PyBaMM's forward sensitivities hold the step end times fixed, but in a cycling
protocol the end of every step is an event (a cutoff voltage) whose time moves with the
parameters, and the capacities, efficiencies and resistances per cycle depend on it.
The first start is the spec's initial point, the others a scrambled Sobol sample of the
bounds (seeded, so a fit is reproducible).

At the best point, with J the Jacobian of the residuals r (n data, p parameters):
covariance of the coordinates u, C = s^2 (J^T J)^-1 with s^2 = r.r / (n - p) (the
misfit sets the noise level), 95 % intervals u +- 1.96 sqrt(C_ii) mapped back to the
parameters (asymmetric for log scales), and correlation C_ij / sqrt(C_ii C_jj).
"""

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import qmc

Z95 = 1.959964
#: relative finite-difference step in the optimiser's coordinates: well above the
#: solver's noise (rtol 1e-4), which a 1e-3 step does not clear for parameters that act
#: only logarithmically (passivated growth): measured, a recovery fit stalled at its start
DIFF_STEP = 1e-2


@dataclass
class FitResult:
    names: list
    values: dict
    ci95: dict
    correlation: list
    cost: float
    n_solves: int
    starts: list = field(default_factory=list)  # (initial values, final cost) per start
    wall_s: float = 0.0
    residuals: np.ndarray = None
    success: bool = True


def _start_points(parameters, starts, seed):
    low = np.array([p.to_unit(p.low) for p in parameters])
    high = np.array([p.to_unit(p.high) for p in parameters])
    points = [np.array([p.to_unit(p.initial) for p in parameters])]
    if starts > 1:
        sample = qmc.Sobol(len(parameters), scramble=True, seed=seed).random(starts - 1)
        points += list(qmc.scale(sample, low, high))
    return points, low, high


def fit(problem, starts=None, seed=0, verbose=False):
    """Fit ``problem`` (a fit.problem.Problem); returns a FitResult."""
    parameters = problem.parameters
    start = time.perf_counter()

    def values_at(u):
        return {p.name: p.from_unit(x) for p, x in zip(parameters, u)}

    def residuals(u):
        r = problem.residuals(values_at(u))
        if verbose:
            print(" ".join(f"{v:.4g}" for v in values_at(u).values()), f"| cost {0.5 * r @ r:.5g}", flush=True)
        return r

    points, low, high = _start_points(parameters, starts or problem.spec.starts, seed)
    runs = []
    for u0 in points:
        solution = least_squares(
            residuals, np.clip(u0, low, high), bounds=(low, high), diff_step=DIFF_STEP, x_scale=1.0
        )
        runs.append((u0, solution))
    best = min(runs, key=lambda run: run[1].cost)[1]
    names = [p.name for p in parameters]
    n, p = len(best.fun), len(names)
    s2 = float(best.fun @ best.fun) / max(n - p, 1)
    J = best.jac
    covariance = s2 * np.linalg.pinv(J.T @ J)
    sd = np.sqrt(np.clip(np.diag(covariance), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(sd, sd)
    values = values_at(best.x)
    ci95 = {}
    for k, par in enumerate(parameters):
        lo, hi = best.x[k] - Z95 * sd[k], best.x[k] + Z95 * sd[k]
        ci95[par.name] = [par.from_unit(lo), par.from_unit(hi)]
    return FitResult(
        names=names,
        values=values,
        ci95=ci95,
        correlation=np.nan_to_num(correlation, nan=0.0).round(6).tolist(),
        cost=float(best.cost),
        n_solves=problem.n_solves,
        starts=[(values_at(u0), float(sol.cost)) for u0, sol in runs],
        wall_s=time.perf_counter() - start,
        residuals=best.fun,
        success=bool(best.success),
    )
