"""Profile-likelihood 95 % intervals: what the data allow for each parameter.

For the residuals r(u) of the fit (u: the optimiser's coordinates, log or linear per
parameter), with the noise scale s^2 = r*.r* / (m - p) from the best fit (m measured
values, p parameters), the profile of parameter i is

    Delta_i(a) = (min_{u: u_i = a} r.r - r*.r*) / s^2

(every other parameter re-optimised at each a). The 95 % interval is where
Delta_i <= F_{1,m-p}(0.95), the 95 % point of the F distribution, since s^2 is estimated
from the same data (profile t-intervals; chi2_1(0.95) = 3.84 as m grows, 3.96 for
m - p = 80). Unlike the linearised interval u_i +- 1.96 sqrt(C_ii), C = s^2 (J^T J)^-1, it
follows the curvature and the correlations of the model. Where the profile stays below
the threshold up to a bound, the data do not bound the parameter on that side: the
interval ends at the bound and the parameter is not identifiable.

Each end is located directly (after Venzon & Moolgavkar 1988, doi:10.2307/2347496): the
point where the others are optimal for u_i and the profile is at the threshold, found by
Gauss-Newton steps on the linearised residuals r + J du. From a point x (residuals r, J),
with P the projection off the columns of the others in J, the linearised profile is
|P (r + J_i t)|^2 for a step t in u_i: t solves |P (r + J_i t)|^2 = r*.r* + threshold s^2
(the outer root on the side; from the best fit this is the linearised end), limited to
[1/4, 4] times the distance from the fit so far and to the bound, and the others take their
least-squares step. An other whose step would cross its bound is held on it and t solved
again without it (a least-squares step clipped afterwards misses the threshold: measured on
the issue-13 recovery, the film resistance spread fitted 0.02 % below its bound, correlated
+0.99 with the isolating film resistance, sent the latter's upper end from Delta 3.9
predicted to 61 measured; its direct search failed and bracketing took 60 solves, held: 2
solves for the end; all 18 ends 102 solves instead of 173). Each step costs one solve (plain
residuals: Delta is measured, never predicted); J starts at the fit's Jacobian, follows by
Broyden's rank-one update, and is computed afresh (one solve with sensitivities) at the
REFRESH-th trial. A point x is the end when its measured Delta (an upper bound of the profile at x_i) is within
PROFILE_TOLERANCE of the threshold and Delta - gain, the Gauss-Newton estimate with the
others re-optimised (gain: the predicted drop of Delta), within [threshold -
SHORT_TOLERANCE, threshold + PROFILE_TOLERANCE] (tighter on the short side, where the
interval would be too narrow); a point within PROFILE_TOLERANCE
whose estimate is lower has its others re-optimised once (t = 0; on a fresh Jacobian), and
is the end if that does not lower Delta (the predicted drop was solver noise: measured on
the resistivity of the issue-13 recovery, a predicted drop of 0.8 raised Delta by 1.5). At the bound with
Delta below the threshold, the parameter is not bounded on that side. Measured on the
issue-13 recovery (9 parameters, ``benchmarks/bench_fit.py 5``): 2-11 solves an end, 67
for all 18 (fresh Jacobians included), where the bracketing below took 614.

An end the linearised profile puts at or beyond its bound (a parameter the data do not
determine on that side) has its bound tested first (``_bound_first``): u_i on the bound, the
others at their least-squares step on the linearised residuals, a few Gauss-Newton steps of
the others on Broyden's updates and, unless Delta is still above BOUND_SKIP thresholds,
one re-optimisation of them. Delta measured
below the threshold at the bound makes the bound the end (an upper bound of the profile:
the interval can only be too wide, never too narrow); above, the re-optimised point is the
outer side of the bracket for what follows. Before, such ends walked to the bound through
the direct search and bracketing's re-optimisations (measured on the shipped
asakura2020_interphase, 2026-11-22: the [B12H12]2- rate constant's upper end 34 solves;
10 of 18 ends 1062 solves). With the bound tested first, the upper ends of the
[B12H12]2- passivation length, the SE contact fraction, the isolating film resistance, the
cracking coefficient and the film resistance spread are their bounds in 2-6 solves each (a
residual evaluation is two solves there: two experiments); the ends inside the bounds
cost what they did (the [B12H12]2- rate constant's lower end 144 solves, 124 before).

An end the direct search does not settle in DIRECT_TRIALS solves is bracketed (counted in
``Profile.bracketed``, stated in fit.json's method): on the signed root z = sqrt(Delta),
nearly linear in a, the first
trial is the linearised half-width (or, if the direct search measured a point below the
threshold, or the bound test one above, the step from those), later ones extrapolate z to its 95 % value, then,
once bracketed, interpolate (regula falsi, Illinois variant) until |Delta - threshold| <
PROFILE_TOLERANCE; out of trials, the outer side of the bracket is the end. At each
trial the other parameters start from the last trial below the threshold (at first the
best fit) moved along the linearised conditional direction (from that trial's Jacobian),
take up to TRIAL_STEPS Gauss-Newton steps on Broyden's updates (one solve each; a Delta
below the threshold less PROFILE_TOLERANCE is kept as it is: the profile is lower still,
the trial below the threshold either way) and are otherwise re-optimised by SciPy's least
squares (fresh Jacobians) to a cost change below CONVERGED (units of Delta); a trial
that ends above the threshold is re-optimised once more from that trial unmoved, and the
lower one kept. Starting from a trial above the threshold, as a plain continuation would,
carries a failed re-optimisation (a plateau where the decomposition saturates) from trial
to trial: walls in the profile that end the interval
short of the truth.

The profile's points (``Profile.points``, fit.json's ``profiles``) are those computed with
the others re-optimised: the fit, the ends, and the bracketing's trials.

Every solve of the profiles is a measured cost: one below the fit's by more than
PROFILE_TOLERANCE (in Delta) raises LowerMinimum at once (the fit goes on from there,
``fit/engine.py``); the lowest one below by more than NOTED is kept (``Profiler.lowest``) and
reported: the fit is not at its minimum, though its interval ends stand.
"""

from dataclasses import dataclass, field

import numpy as np

CHI2_95 = 3.841459
#: accepted misfit of an interval end, in units of Delta (3.84 +- 0.5: 93.2-96.6 %)
PROFILE_TOLERANCE = 0.5
MAX_TRIALS = 6  # per side, bracketing
#: a profile point this far below the fit (units of Delta) is reported (``Profiler.lowest``):
#: five times the scatter of Delta between neighbouring trials of the shipped calibration
#: with cycle jumping (r.r 0.01, s^2 0.49: ``fit/problem.py``)
NOTED = 0.1
#: the same below the threshold for an end located directly: its re-optimised Delta is a
#: Gauss-Newton estimate (measured: 3.46 where a full re-optimisation gave 3.19)
SHORT_TOLERANCE = 0.25
#: Gauss-Newton steps (one solve each) of the others in a trial before SciPy's re-optimisation
TRIAL_STEPS = 3
#: a bound tested first whose Delta after those steps is above this multiple of the
#: threshold is not re-optimised: the end is inside (measured: the [B12H12]2- rate
#: constant's lower bound, Delta 72 on the linear prediction and 64 re-optimised in 52
#: solves, for a threshold of 10.1)
BOUND_SKIP = 3.0
DIRECT_TRIALS = 6  # solves per end located directly before bracketing takes over
REFRESH = 3  # trial at which an end not yet located takes a fresh Jacobian
MAX_NFEV = 8  # optimiser iterations per trial (each: one solve plus one per free parameter)
CONVERGED = 0.02  # change of Delta per iteration below which a trial is done


class LowerMinimum(Exception):
    """A profile found a point of lower cost than the fit: the fit stopped short."""

    def __init__(self, u, r):
        super().__init__("lower minimum")
        self.u, self.r = u, r


@dataclass
class Profile:
    """The profile of one parameter: trials (coordinate, Delta), interval in the
    optimiser's coordinates, and whether each end stayed inside the bounds."""

    index: int
    points: list = field(default_factory=list)  # (u_i, Delta)
    ends: list = field(default_factory=lambda: [None, None])  # [low, high] in u
    bounded: list = field(default_factory=lambda: [True, True])  # False: ran into the bound
    bracketed: int = 0  # ends the direct search left to bracketing

    @property
    def identifiable(self):
        return all(self.bounded)


class Profiler:
    """Profiles of every parameter about the best fit ``u_best`` (residuals ``r_best``,
    Jacobian ``jac``) of ``residuals(u)`` within ``low``/``high``; ``s2`` is the noise
    scale. Raises LowerMinimum if a trial beats the fit by more than PROFILE_TOLERANCE.
    ``announce(i, side)``, if given, is called as the search for an end begins (side 0:
    lower, 1: upper)."""

    def __init__(self, residuals, u_best, r_best, jac, low, high, s2, threshold=CHI2_95, jacobian=None, announce=None):
        self.lowest = None  # (Delta, u, r) of the lowest point measured below -NOTED

        def measured(u):  # every solve, the re-optimisations' included
            r = residuals(u)
            d = self.delta(r)
            if d < -PROFILE_TOLERANCE:
                raise LowerMinimum(np.array(u, dtype=float), r)
            if d < (self.lowest[0] if self.lowest else -NOTED):
                self.lowest = (d, np.array(u, dtype=float), r)
            return r

        self.f = measured
        self.announce = announce
        self.jacobian = jacobian  # of residuals(u), or SciPy's finite differences
        self.u = np.asarray(u_best, dtype=float)
        self.r = np.asarray(r_best, dtype=float)
        self.J = np.asarray(jac, dtype=float)
        self.low, self.high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        self.s2 = float(s2)
        self.rr = float(self.r @ self.r)
        self.threshold = float(threshold)
        self.z = float(np.sqrt(threshold))
        self._seed = {"below": None, "above": None}

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

    def profile(self, i):
        result = Profile(i)
        for side, sign in enumerate((-1.0, 1.0)):
            if self.announce is not None:
                self.announce(i, side)
            result.ends[side], result.bounded[side] = self._locate(i, sign, result)
        result.points.append((float(self.u[i]), 0.0))
        result.points.sort()
        return result

    def _locate(self, i, sign, result):
        """One end of ``result`` (a Profile): the bound tested first where the linearised
        profile puts the end beyond it, else (or if that fails) located directly, else
        bracketed. Returns (u_i, inside the bounds)."""
        self._seed = {"below": None, "above": None}  # brackets the bound test and the direct search leave
        located = None
        room = (self.u[i] - self.low[i]) if sign < 0 else (self.high[i] - self.u[i])
        if room > 0 and self.linear_halfwidth(i) >= room:  # linearised: the data do not bound this side
            located = self._bound_first(i, sign, result.points)
        if located is None:
            located = self._end(i, sign, result.points)
        if located is None:  # the direct search did not settle: bracket the end
            result.bracketed += 1
            located = self._side(i, sign, result.points)
        return located

    def _bound_first(self, i, sign, points):
        """The bound of an end the linearised profile puts beyond it, tested first: u_i on
        the bound, the others at their least-squares step on the linearised residuals there
        (held on their bounds), then Gauss-Newton steps of the
        others (``_steps``); unless Delta is still above BOUND_SKIP times the threshold
        there (the end is inside: left to the direct search), SciPy's re-optimisation of the
        others. Below the threshold (a measured Delta: an upper bound of the profile) the end
        is the bound: (bound, False). Else None, a re-optimised point left as the outer
        side of the bracket (``_side``)."""
        bound = self.low[i] if sign < 0 else self.high[i]
        others = [k for k in range(len(self.u)) if k != i]
        start = self.u.copy()
        start[i] = bound
        predicted = self.r + self.J[:, i] * (bound - self.u[i])  # the residuals there before the others move
        step, _ = self._model_step(i, sign, start, predicted, self.J, bound, move=False)
        start[others] += step[others]
        x, r, J = self._steps(i, np.clip(start, self.low, self.high), self.J.copy(), self.threshold)
        d = self.delta(r)
        if d >= BOUND_SKIP * self.threshold:
            return None
        reoptimised = d >= self.threshold and others
        if reoptimised:
            x, r, _ = self._reoptimise(x, others, J[:, others])
            d = self.delta(r)
        points.append((float(bound), float(d)))
        if d < self.threshold:
            return float(bound), False
        if reoptimised:  # not a Delta after a few steps only: that would make the bracket's outer side the bound
            self._seed["above"] = [abs(bound - self.u[i]), np.sqrt(d) - self.z]
        return None

    def _end(self, i, sign, points):
        """One end located directly (see the module docstring): (u_i, inside the bounds),
        or None when DIRECT_TRIALS solves do not settle it."""
        bound = self.low[i] if sign < 0 else self.high[i]
        if sign * (bound - self.u[i]) <= 0:
            return float(self.u[i]), False
        x, r, J = self.u.copy(), self.r.copy(), self.J.copy()
        polished = None  # (u_i, Delta) of a point within the tolerance whose others are being re-optimised
        for trial in range(DIRECT_TRIALS + 1):
            if trial == REFRESH and callable(self.jacobian):  # not settled on Broyden's updates
                J = np.asarray(self.jacobian(x), dtype=float)
            d = self.delta(r)
            within = abs(d - self.threshold) < PROFILE_TOLERANCE
            step, gain = self._model_step(i, sign, x, r, J, bound, move=not within)
            if trial and within and d - gain <= self.threshold - SHORT_TOLERANCE and callable(self.jacobian):
                J = np.asarray(self.jacobian(x), dtype=float)  # the others re-optimised on a fresh Jacobian
                step, gain = self._model_step(i, sign, x, r, J, bound, move=False)
            if trial:
                if d < -PROFILE_TOLERANCE:
                    raise LowerMinimum(x, r)
                below = self._seed.get("below")
                if d < self.threshold and (below is None or sign * (x[i] - below[0][i]) > 0):
                    self._seed["below"] = (x.copy(), J.copy(), d)  # bracketing starts here (``_side``)
                if polished and d >= polished[1]:  # re-optimising the others did not lower it
                    points.append(polished)
                    return polished[0], True
                # d bounds the profile at u_i from above; d - gain is its Gauss-Newton estimate
                settled = within and d - gain > self.threshold - SHORT_TOLERANCE
                if settled or (x[i] == bound and d < self.threshold):
                    points.append((float(x[i]), float(d)))
                    return float(x[i]), settled
                if trial == DIRECT_TRIALS:
                    return None
            polished = (float(x[i]), d) if trial and within else None
            x_new = np.clip(x + step, self.low, self.high)
            if sign * (x_new[i] - bound) >= -1e-12 * (self.high[i] - self.low[i]):
                x_new[i] = bound
            r_new = self.f(x_new)
            J = self._broyden(J, x_new - x, r_new - r)
            x, r = x_new, r_new
        return None

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

    def _side(self, i, sign, points):
        room = (self.u[i] - self.low[i]) if sign < 0 else (self.high[i] - self.u[i])
        if room <= 0:
            return float(self.u[i]), False
        h = self.linear_halfwidth(i)
        h = min(h if np.isfinite(h) and h > 0 else 0.5 * room, room)
        h = max(h, 1e-3 * room)
        others = [k for k in range(len(self.u)) if k != i]
        anchor = (self.u.copy(), self.J[:, others].copy())  # the last trial below the threshold
        below, above, last = None, None, None  # brackets [h, z - z95]
        seed = self._seed
        if seed.get("below") is not None and sign * (seed["below"][0][i] - self.u[i]) > 0:
            x, J, d = seed["below"]  # the direct search's furthest point below the threshold
            below, anchor = [sign * (x[i] - self.u[i]), np.sqrt(max(d, 0.0)) - self.z], (x, J[:, others])
        if seed.get("above") is not None:
            above = list(seed["above"])  # the bound, tested first
        if below or above:
            h = self._next_step(below, above, room)
        for _ in range(MAX_TRIALS):
            x, r, J, d = self._trial(i, others, self.u[i] + sign * h, *anchor)
            if d < -PROFILE_TOLERANCE:
                raise LowerMinimum(x, r)
            points.append((float(x[i]), float(d)))
            miss = np.sqrt(max(d, 0.0)) - self.z
            if abs(d - self.threshold) < PROFILE_TOLERANCE:
                return float(x[i]), True
            side = "below" if miss < 0 else "above"
            if side == "below":
                if h >= room * (1 - 1e-9):
                    return float(self.u[i] + sign * room), False
                if last == "below" and above:  # Illinois: keep regula falsi from creeping
                    above[1] /= 2
                below, anchor = [h, miss], (x, J)
            else:
                if last == "above" and below:
                    below[1] /= 2
                above = [h, miss]
            last = side
            h = self._next_step(below, above, room)
        if above:  # out of trials: the end is inside the bracket; keep its outer side
            return float(self.u[i] + sign * above[0]), True
        return float(self.u[i] + sign * room), False

    def _next_step(self, below, above, room):
        """The next bracketing trial's distance from the fit: regula falsi within a bracket,
        else z extrapolated to its 95 % value from the trial below or above."""
        if below and above:
            (h0, f0), (h1, f1) = below, above
            return h0 - f0 * (h1 - h0) / (f1 - f0)
        if below:
            h, miss = below
            return min(room, h * min(4.0, 1.1 * self.z / max(miss + self.z, self.z / 4)))
        h, miss = above
        return h * max(0.25, self.z / (miss + self.z))

    def _trial(self, i, others, target, anchor, J):
        """The others re-optimised at u_i = ``target``, from the last trial below the
        threshold (``anchor``, its Jacobian ``J`` in the others) moved along the
        linearised profile: first up to TRIAL_STEPS Gauss-Newton steps on Broyden's updates
        (one solve each), and a measured Delta below the threshold less PROFILE_TOLERANCE
        (clear of an end) is taken as it is (the profile is lower
        still: the trial is below the threshold either way); else SciPy's re-optimisation
        from the lowest of them. A trial that ends above the threshold is tried once more from
        the anchor unmoved, the lower of the two kept: the linear step can leave a curved
        valley for a plateau (measured: a [B12H12]2- rate-constant profile, 0.5 % from the
        fit, rose by 100 where the valley rises by < 1), and a false rise ends the interval
        too early. Returns x, r, J, Delta."""
        full_J = self.J.copy()
        full_J[:, others] = J
        start = anchor.copy()
        start[i] = target
        start[others] = anchor[others] + self.direction(i, full_J) * (target - anchor[i])
        x, r, full_J = self._steps(i, np.clip(start, self.low, self.high), full_J, self.threshold - PROFILE_TOLERANCE)
        d = self.delta(r)
        if d < self.threshold - PROFILE_TOLERANCE:
            return x, r, full_J[:, others], d
        x, r, J_new = self._reoptimise(x, others, full_J[:, others])
        d = self.delta(r)
        plain = anchor.copy()
        plain[i] = target
        if d > self.threshold and others and not np.array_equal(plain, start):
            x2, r2, J2 = self._reoptimise(plain, others, J)
            if self.delta(r2) < d:
                x, r, J_new, d = x2, r2, J2, self.delta(r2)
        return x, r, J_new, d

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


def threshold(dof):
    """95 % point of Delta: F_{1,dof}(0.95) (chi2_1(0.95) for dof -> infinity)."""
    from scipy.stats import f

    return float(f.ppf(0.95, 1, dof)) if dof >= 1 else CHI2_95
