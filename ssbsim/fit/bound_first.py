"""The bound tested first: a profile interval end that the linearised profile puts at or
beyond its bound (a parameter the data do not determine on that side).

The linearised half-width of u_i, sqrt(threshold C_ii) with C = s^2 (J^T J)^-1, reaching
the bound marks such an end. Its bound is tested before any search: u_i on the bound, the
others at their least-squares step on the linearised residuals r* + J_i (bound - u*_i)
(held on their bounds: ``trial_steps.py``), a few Gauss-Newton steps of the others on
Broyden's updates and, unless Delta is still above BOUND_SKIP thresholds, one
re-optimisation of them. Delta measured below the threshold at the bound makes the bound
the end (an upper bound of the profile: the interval can only be too wide, never too
narrow); above, the re-optimised point is the outer side of the bracket for what follows
(``bracketing.py``). Before, such ends walked to the bound through the direct search and
bracketing's re-optimisations (measured on the shipped asakura2020_interphase,
2026-11-22: the [B12H12]2- rate constant's upper end 34 solves; 10 of 18 ends 1062
solves). With the bound tested first, the upper ends of the [B12H12]2- passivation length,
the SE contact fraction, the isolating film resistance, the cracking coefficient and the
film resistance spread are their bounds in 2-6 solves each (a residual evaluation is two
solves there: two experiments); the ends inside the bounds cost what they did (the
[B12H12]2- rate constant's lower end 144 solves, 124 before).
"""

import numpy as np

from .trial_steps import TrialSteps

#: a bound tested first whose Delta after those steps is above this multiple of the
#: threshold is not re-optimised: the end is inside (measured: the [B12H12]2- rate
#: constant's lower bound, Delta 72 on the linear prediction and 64 re-optimised in 52
#: solves, for a threshold of 10.1)
BOUND_SKIP = 3.0


class BoundFirst(TrialSteps):
    """The bound test of ``Profiler`` (``intervals.py``)."""

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
