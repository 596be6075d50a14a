"""A profile interval end bracketed: the fallback for an end the direct search
(``profile_end.py``) does not settle in its trials (counted in ``Profile.bracketed``,
stated in fit.json's method).

On the signed root z = sqrt(Delta), nearly linear in u_i, the end is where z reaches
z95 = sqrt(threshold). The first trial is the linearised half-width (or, if the direct
search measured a point below the threshold, or the bound test, ``bound_first.py``, one
above, the step from those); later ones extrapolate z to z95 from the trial h below
(1.1 h z95 / z, at most 4 h) or above (h z95 / z, at least h / 4), then, once bracketed by
trials h0 (below) and h1 (above), interpolate

    h = h0 - f0 (h1 - h0) / (f1 - f0),      f = z - z95,

(regula falsi, Illinois variant: the retained side's f halved when the same side is
replaced twice in a row; Dowell & Jarratt 1971, BIT 11, 168-174) until |Delta - threshold|
< PROFILE_TOLERANCE; out of MAX_TRIALS trials, the outer side of the bracket is the end.

At each trial the other parameters start from the last trial below the threshold (at
first the best fit) moved along the linearised conditional direction (from that trial's
Jacobian), take up to TRIAL_STEPS Gauss-Newton steps on Broyden's updates (one solve
each, ``trial_steps.py``; a Delta below the threshold less PROFILE_TOLERANCE is kept as it
is: the profile is lower still, the trial below the threshold either way) and are
otherwise re-optimised by SciPy's least squares (fresh Jacobians) to a cost change below
CONVERGED (units of Delta); a trial that ends above the threshold is re-optimised once
more from that trial unmoved, and the lower one kept. Starting from a trial above the
threshold, as a plain continuation would, carries a failed re-optimisation (a plateau
where the decomposition saturates) from trial to trial: walls in the profile that end the
interval short of the truth.
"""

import numpy as np

from .lower_cost import LowerMinimum
from .trial_steps import PROFILE_TOLERANCE, TrialSteps

MAX_TRIALS = 6  # per side, bracketing


class Bracketing(TrialSteps):
    """The bracketing of ``Profiler`` (``intervals.py``)."""

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
