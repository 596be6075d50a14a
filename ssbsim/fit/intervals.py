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

Each end (``Profiler._locate``) is found by one of three mechanisms, in this order:

- an end the linearised profile puts at or beyond its bound has its bound tested first
  (``bound_first.py``);
- otherwise, or if the bound is not the end, it is located directly, after Venzon &
  Moolgavkar 1988 (``profile_end.py``);
- an end the direct search does not settle is bracketed (``bracketing.py``).

All three step with Gauss-Newton steps on the linearised residuals and Broyden's updates
of the Jacobian (``trial_steps.py``), and every solve is checked against the fit's cost
(``lower_cost.py``: a lower one beyond the tolerance raises LowerMinimum, the lowest
below NOTED is kept as ``Profiler.lowest`` and reported).

The profile's points (``Profile.points``, fit.json's ``profiles``) are those computed with
the others re-optimised: the fit, the ends, and the bracketing's trials.
"""

from dataclasses import dataclass, field

from .bound_first import BoundFirst
from .bracketing import Bracketing
from .profile_end import DirectEnd

CHI2_95 = 3.841459


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


class Profiler(BoundFirst, DirectEnd, Bracketing):
    """Profiles of every parameter about the best fit ``u_best`` (residuals ``r_best``,
    Jacobian ``jac``) of ``residuals(u)`` within ``low``/``high``; ``s2`` is the noise
    scale. Raises LowerMinimum if a trial beats the fit by more than PROFILE_TOLERANCE.
    ``announce(i, side)``, if given, is called as the search for an end begins (side 0:
    lower, 1: upper)."""

    def __init__(self, residuals, u_best, r_best, jac, low, high, s2, threshold=CHI2_95, jacobian=None, announce=None):
        super().__init__(residuals, u_best, r_best, jac, low, high, s2, threshold, jacobian)
        self.announce = announce

    @property
    def lowest(self):
        """(Delta, u, r) of the lowest point measured below -NOTED, or None."""
        return self.f.lowest

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


def threshold(dof):
    """95 % point of Delta: F_{1,dof}(0.95) (chi2_1(0.95) for dof -> infinity)."""
    from scipy.stats import f

    return float(f.ppf(0.95, 1, dof)) if dof >= 1 else CHI2_95
