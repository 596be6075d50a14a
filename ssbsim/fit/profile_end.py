"""A profile interval end located directly, after Venzon & Moolgavkar (1988,
doi:10.2307/2347496): the point where the other parameters are optimal for u_i and the
profile is at the threshold.

From the best fit, each trial is the Gauss-Newton step onto the threshold of the
linearised profile (``trial_steps.py``: from the fit it is the linearised end), one solve
each, J starting at the fit's Jacobian, following by Broyden's updates and computed afresh
(one solve with sensitivities) at the REFRESH-th trial. A point x is the end when its
measured Delta (an upper bound of the profile at x_i) is within PROFILE_TOLERANCE of the
threshold and Delta - gain, the Gauss-Newton estimate with the others re-optimised (gain:
the predicted drop of Delta), within [threshold - SHORT_TOLERANCE, threshold +
PROFILE_TOLERANCE] (tighter on the short side, where the interval would be too narrow); a
point within PROFILE_TOLERANCE whose estimate is lower has its others re-optimised once
(t = 0; on a fresh Jacobian), and is the end if that does not lower Delta (the predicted
drop was solver noise: measured on the resistivity of the issue-13 recovery, a predicted
drop of 0.8 raised Delta by 1.5). At the bound with Delta below the threshold, the
parameter is not bounded on that side. Measured on the issue-13 recovery (9 parameters,
``benchmarks/bench_fit.py 5``): 2-11 solves an end, 67 for all 18 (fresh Jacobians
included), where bracketing (``bracketing.py``) took 614.

An end not settled in DIRECT_TRIALS solves is left to bracketing, with the furthest point
measured below the threshold as its seed.
"""

import numpy as np

from .lower_cost import LowerMinimum
from .trial_steps import PROFILE_TOLERANCE, TrialSteps

#: the same below the threshold for an end located directly: its re-optimised Delta is a
#: Gauss-Newton estimate (measured: 3.46 where a full re-optimisation gave 3.19)
SHORT_TOLERANCE = 0.25
DIRECT_TRIALS = 6  # solves per end located directly before bracketing takes over
REFRESH = 3  # trial at which an end not yet located takes a fresh Jacobian


class DirectEnd(TrialSteps):
    """The direct search of ``Profiler`` (``intervals.py``)."""

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
