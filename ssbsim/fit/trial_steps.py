"""Gauss-Newton steps on the linearised profile, Broyden's Jacobian updates and the
re-optimisation of the other parameters: what every search for a profile interval end
(``intervals.py``) steps with.

For the residuals r(u) of the fit (u: the optimiser's coordinates), best fit u* with
residuals r* and noise scale s^2, a point x (residuals r, Jacobian J) and parameter i,
let P be the projection off the columns of the others in J. The linearised profile of u_i
is |P (r + J_i t)|^2 for a step t in u_i (Gauss-Newton on r + J du: Nocedal & Wright
2006, Numerical Optimization, 2nd ed., section 10.3). The step onto the threshold solves

    |P (r + J_i t)|^2 = r*.r* + threshold s^2,

a quadratic in t whose outer root on the side is taken (the nearest approach where the
linearised profile stays above, or is flat), limited to [1/4, 4] times the distance from
the fit so far and to the bound; the others take their least-squares step
-(J_o^+)(r + J_i t). An other whose step would cross its bound is held on it and t solved
again without it (a least-squares step clipped afterwards misses the threshold: measured
on the issue-13 recovery, the film resistance spread fitted 0.02 % below its bound,
correlated +0.99 with the isolating film resistance, sent the latter's upper end from
Delta 3.9 predicted to 61 measured; its direct search failed and bracketing took 60
solves, held: 2 solves for the end; all 18 ends 102 solves instead of 173). The predicted
drop of Delta from re-optimising the others at this u_i is
gain = (r.r - |P r|^2) / s^2.

Each step costs one solve (plain residuals: Delta is measured, never predicted); between
fresh Jacobians, J follows Broyden's rank-one update by the step dx and the change dr of
the residuals it made (Broyden 1965, Math. Comp. 19, 577-593),

    J <- J + (dr - J dx) dx^T / (dx.dx).

``_steps`` takes up to TRIAL_STEPS such steps of the others at fixed u_i while Delta
falls; ``_reoptimise`` re-optimises them with SciPy's trust-region least squares
(``fit/local.py``; fresh Jacobians) to a change of Delta below CONVERGED per iteration, or
MAX_NFEV iterations.

Every solve goes through ``lower_cost.MeasuredCost``: a cost below the fit's by more than
PROFILE_TOLERANCE ends the profiles (``LowerMinimum``).
"""

import numpy as np

from .lower_cost import MeasuredCost

#: accepted misfit of an interval end, in units of Delta (3.84 +- 0.5: 93.2-96.6 %)
PROFILE_TOLERANCE = 0.5
#: Gauss-Newton steps (one solve each) of the others in a trial before SciPy's re-optimisation
TRIAL_STEPS = 3
MAX_NFEV = 8  # optimiser iterations per trial (each: one solve plus one per free parameter)
CONVERGED = 0.02  # change of Delta per iteration below which a trial is done


class TrialSteps:
    """The state of the profiles about the best fit ``u_best`` (residuals ``r_best``,
    Jacobian ``jac``) of ``residuals(u)`` within ``low``/``high`` (``s2``: the noise
    scale; ``threshold``: of Delta) and the steps of the module docstring.
    ``jacobian``: of residuals(u), or None for SciPy's finite differences."""

    def __init__(self, residuals, u_best, r_best, jac, low, high, s2, threshold, jacobian=None):
        self.f = MeasuredCost(residuals, self.delta, PROFILE_TOLERANCE)  # every solve, the re-optimisations' included
        self.jacobian = jacobian
        self.u = np.asarray(u_best, dtype=float)
        self.r = np.asarray(r_best, dtype=float)
        self.J = np.asarray(jac, dtype=float)
        self.low, self.high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        self.s2 = float(s2)
        self.rr = float(self.r @ self.r)
        self.threshold = float(threshold)
        self.z = float(np.sqrt(threshold))
        self._seed = {"below": None, "above": None}  # brackets the bound test and the direct search leave

    def delta(self, r):
        return (float(r @ r) - self.rr) / self.s2

    def linear_halfwidth(self, i):
        """1.96 sd of u_i from the linearised covariance."""
        covariance = self.s2 * np.linalg.pinv(self.J.T @ self.J)
        return self.z * float(np.sqrt(max(covariance[i, i], 0.0)))

    def direction(self, i, J):
        """d u_others / d u_i along the linearised profile (least squares of the others)."""
        others = [k for k in range(len(self.u)) if k != i]
        if not others:
            return np.zeros(0)
        Jo = J[:, others]
        return -np.linalg.lstsq(Jo, J[:, i], rcond=None)[0]

    def _model_step(self, i, sign, x, r, J, bound, move=True):
        """The Gauss-Newton step from ``x`` (residuals ``r``, Jacobian ``J``) onto the
        threshold of the linearised profile of u_i, the others whose step would cross their
        bound held on it: (step, the predicted drop of Delta from re-optimising the others
        at this u_i)."""
        step = np.zeros_like(x)
        others = [k for k in range(len(x)) if k != i]
        for _ in range(len(x)):  # others whose step would cross their bound are held on it
            t, gain, Jo = self._onto_threshold(i, sign, x, r + J @ step, J, others, bound, move, r)
            step[i] = t
            if others:
                step[others] = -np.linalg.lstsq(Jo, r + J @ step, rcond=None)[0]
            held = [k for k in others if not self.low[k] <= x[k] + step[k] <= self.high[k]]
            if not held:
                return step, gain
            step[held] = np.clip(x[held] + step[held], self.low[held], self.high[held]) - x[held]
            step[others] = np.where(np.isin(others, held), step[others], 0.0)
            step[i] = 0.0
            others = [k for k in others if k not in held]
        return step, gain

    def _onto_threshold(self, i, sign, x, r, J, others, bound, move, r_here):
        """The step t in u_i onto the threshold of the linearised profile from residuals
        ``r`` (those at ``x``, the held others moved onto their bounds), the others
        ``others`` free: (t, the predicted drop of Delta from ``r_here``, J of the others)."""
        Jo = J[:, others] if others else None
        if others:
            pr = r - Jo @ np.linalg.lstsq(Jo, r, rcond=None)[0]
            pj = J[:, i] - Jo @ np.linalg.lstsq(Jo, J[:, i], rcond=None)[0]
        else:
            pr, pj = r, J[:, i]
        c0, c1, c2 = float(pr @ pr), float(pr @ pj), float(pj @ pj)
        gain = (float(r_here @ r_here) - c0) / self.s2
        target = self.rr + self.threshold * self.s2
        room = sign * (bound - x[i])
        discriminant = c1 * c1 - c2 * (c0 - target)
        if not move:
            t = 0.0
        elif c2 <= 1e-300 or discriminant < 0:  # flat, or the model stays above: nearest approach
            t = room if c2 <= 1e-300 else -c1 / c2
        else:
            t = (-c1 + sign * np.sqrt(discriminant)) / c2  # the outer root on this side
        # at most four times, at least a quarter of the way out so far; never past the bound
        far = abs(x[i] - self.u[i])
        if far > 0:
            t = sign * min(max(sign * t, -0.75 * far), 3.0 * far)
        return min(sign * t, room) * sign, gain, Jo

    @staticmethod
    def _broyden(J, dx, dr):
        """Broyden's rank-one update of the Jacobian ``J`` by the step ``dx`` and the
        change ``dr`` of the residuals it made."""
        norm = float(dx @ dx)
        if norm <= 0:
            return J
        return J + np.outer(dr - J @ dx, dx) / norm

    def _steps(self, i, x, J, enough):
        """Up to TRIAL_STEPS Gauss-Newton steps of the others from ``x`` (u_i held), each one
        solve, on Broyden's updates of ``J``, while Delta falls and is not below ``enough``:
        the lowest (x, r, J)."""
        r = self.f(x)
        for _ in range(TRIAL_STEPS):
            if self.delta(r) < enough:
                break
            step, _ = self._model_step(i, 1.0, x, r, J, x[i], move=False)
            x_new = np.clip(x + step, self.low, self.high)
            x_new[i] = x[i]
            if np.array_equal(x_new, x):
                break
            r_new = self.f(x_new)
            J_new = self._broyden(J, x_new - x, r_new - r)
            if r_new @ r_new >= r @ r:
                return x, r, J_new
            x, r, J = x_new, r_new, J_new
        return x, r, J

    def _reoptimise(self, x, free, J):
        """Re-optimise the parameters ``free`` from ``x`` (SciPy's trust-region least
        squares, finite differences), to a cost change below CONVERGED / 2 s^2 per
        iteration (CONVERGED in units of Delta) or MAX_NFEV iterations."""
        from .local import search

        x = np.clip(x, self.low, self.high)
        if not free:
            return x, self.f(x), J

        def residuals(v):
            trial = x.copy()
            trial[free] = v
            return self.f(trial)

        def jacobian(v):
            trial = x.copy()
            trial[free] = v
            return self.jacobian(trial)[:, free]

        ftol = max(CONVERGED * self.s2 / max(self.rr, 1e-300), 1e-10)
        solution = search(
            residuals,
            x[free],
            self.low[free],
            self.high[free],
            jac=jacobian if callable(self.jacobian) else None,
            ftol=min(ftol, 0.1),
            xtol=1e-3,
            max_nfev=MAX_NFEV,
        )
        x = x.copy()
        x[free] = solution.x
        return x, solution.fun, solution.jac
