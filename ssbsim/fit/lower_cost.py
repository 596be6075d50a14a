"""Lower costs the profiles meet: the fit is checked by every solve of its intervals.

Every solve of the profiles (``intervals.py``), the re-optimisations' included, is a
measured cost, in units of the profile statistic Delta = (r.r - r*.r*) / s^2 about the
fit r*. One below the fit's by more than the tolerance of the interval ends raises
LowerMinimum at once (the fit goes on from there, ``fit/engine.py``). The lowest one below
it by more than NOTED is kept (``MeasuredCost.lowest``, ``Profiler.lowest``) and reported
(``lower_point``, fit.json's ``lower_point``): the fit is not at its minimum, though its
interval ends, within their tolerance of it, stand.
"""

import numpy as np

#: a profile point this far below the fit (units of Delta) is reported (``Profiler.lowest``):
#: five times the scatter of Delta between neighbouring trials of the shipped calibration
#: with cycle jumping (r.r 0.01, s^2 0.49: ``fit/problem.py``)
NOTED = 0.1


class LowerMinimum(Exception):
    """A profile found a point of lower cost than the fit: the fit stopped short."""

    def __init__(self, u, r):
        super().__init__("lower minimum")
        self.u, self.r = u, r


class MeasuredCost:
    """``residuals(u)`` with every cost checked against the fit: ``delta(r)`` (Delta of
    residuals r) below -``tolerance`` raises LowerMinimum; ``lowest`` is (Delta, u, r) of
    the lowest point measured below -NOTED, or None."""

    def __init__(self, residuals, delta, tolerance):
        self.residuals, self.delta, self.tolerance = residuals, delta, tolerance
        self.lowest = None

    def __call__(self, u):
        r = self.residuals(u)
        d = self.delta(r)
        if d < -self.tolerance:
            raise LowerMinimum(np.array(u, dtype=float), r)
        if d < (self.lowest[0] if self.lowest else -NOTED):
            self.lowest = (d, np.array(u, dtype=float), r)
        return r


def lower_point(lowest, values_at):
    """The lowest point measured below the fit by more than NOTED (``MeasuredCost.lowest``;
    ``values_at``: u -> parameter values) as {cost, delta, values}, or None."""
    if lowest is None:
        return None
    d, u, r = lowest
    return {"cost": 0.5 * float(r @ r), "delta": float(d), "values": values_at(u)}
