r"""One local least-squares search: SciPy's bounded trust-region reflective method, started
with a trust region that is a fraction of each parameter's range.

SciPy sizes the first trust region by the norm of the starting point, |u0|. In the
optimiser's log coordinates that is the size of the logarithms (ln 1e-4 = -9.2,
ln 5e-8 = -16.8): the first step of a fit may then jump ten decades, onto a plateau where
nothing changes any more and the search stops there (measured: a 3-parameter recovery
started 50 % off went from cost 588 to a plateau at 585, where the truth has 10, and
called it converged). The search therefore runs in coordinates d centred on the start
and scaled by INITIAL_TRUST of each range,

    u = u0 + INITIAL_TRUST (high - low) d,      d0 = 0,

for which SciPy's first trust region has radius 1 in d (a start on a bound is first moved
INSIDE of the range inside: SciPy sizes the region of a start within 1e-10 of a bound by
that distance, and the search would not move). Derivatives stay forward
differences in u with the step DIFF_STEP max(1, |u|) SciPy took before (reversed at a
bound), unless ``jac`` (u -> dr/du) is given. The result is SciPy's, with ``x``
and ``jac`` back in u.

A start already at the minimum. SciPy's tolerances (relative changes of 1e-8) are not met
at once there: the objective of an ODE fit carries the solver's noise, and the search
takes its trial steps down to that level (measured: asakura2020_interphase from its
converged values, 52 solves, 176 s, for a change of r.r by 0.0016). Given ``settled``
(r, J -> the least decrease of r.r worth a search), the start's Gauss-Newton step
:math:`\delta = \arg\min |r + J\delta|` within the bounds predicts the decrease
:math:`r\cdot r - |r + J\delta|^2`; below ``settled`` the start is returned as the
minimum (status 1), from one residual and one Jacobian.
"""

import numpy as np
from scipy.optimize import OptimizeResult, least_squares

#: relative finite-difference step in the optimiser's coordinates: well above the
#: solver's noise (rtol 1e-4), which a 1e-3 step does not clear for parameters that act
#: only logarithmically (passivated growth): measured, a recovery fit stalled at its start
DIFF_STEP = 1e-2
#: first trust region, as a fraction of each parameter's range (optimiser's coordinates)
INITIAL_TRUST = 0.25
#: a start on a bound is moved this fraction of the range inside
INSIDE = 1e-6


def forward_differences(f, u, r, low, high, step=DIFF_STEP):
    """dr/du by forward differences from (u, r = f(u)) with SciPy's step
    ``step`` max(1, |u|) (signed as u), reversed where it would cross a bound and the
    reversed one does not."""
    h = step * np.where(u >= 0, 1.0, -1.0) * np.maximum(1.0, np.abs(u))
    crosses = (u + h < low) | (u + h > high)
    h = np.where(crosses & (u - h >= low) & (u - h <= high), -h, h)
    J = np.empty((len(r), len(u)))
    for k in range(len(u)):
        shifted = u.copy()
        shifted[k] += h[k]
        J[:, k] = (f(shifted) - r) / (shifted[k] - u[k])
    return J


def predicted_decrease(r, J, u, low, high):
    """The decrease of r.r the Gauss-Newton step from ``u`` within the bounds predicts."""
    from scipy.optimize import lsq_linear

    after = r + J @ lsq_linear(J, -r, bounds=(low - u, high - u)).x
    return float(r @ r - after @ after)


def search(f, u0, low, high, jac=None, settled=None, **options):
    """Minimise |f(u)|^2 / 2 within [low, high] from u0 (``options``: SciPy's, e.g.
    ``max_nfev``, ``ftol``, ``xtol``); returns SciPy's result in u. ``settled``: see the
    module docstring."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    inside = INSIDE * (high - low)  # d0 = 0 strictly inside: on a bound SciPy would shrink the first region to ~0
    u0 = np.clip(np.asarray(u0, dtype=float), low + inside, high - inside)
    scale = INITIAL_TRUST * (high - low)
    last = {}

    def at(d):
        return u0 + scale * d

    def residuals(d):
        if "d" in last and np.array_equal(last["d"], d):
            return last["r"]
        r = f(at(d))
        last["d"], last["r"] = d.copy(), r
        return r

    def jacobian(d):
        u = at(d)
        if jac is not None:
            return jac(u) * scale
        r = last["r"] if "d" in last and np.array_equal(last["d"], d) else f(u)
        return forward_differences(f, u, r, low, high) * scale

    if jac is not None and settled is not None:
        r, J = residuals(np.zeros_like(u0)), jac(u0)
        decrease, least = predicted_decrease(r, J, u0, low, high), settled(r, J)
        if decrease < least:
            message = f"at the minimum: the Gauss-Newton step predicts r.r lower by {decrease:.3g}, below {least:.3g}"
            g = J.T @ r
            return OptimizeResult(
                x=u0, fun=r, jac=J, cost=0.5 * float(r @ r), grad=g, status=1, message=message, nfev=1, njev=1
            )
    solution = least_squares(
        residuals, np.zeros_like(u0), jac=jacobian, bounds=((low - u0) / scale, (high - u0) / scale), **options
    )
    solution.x = np.clip(at(solution.x), low, high)
    solution.jac = solution.jac / scale
    return solution
