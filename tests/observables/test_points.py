"""Variables at the ends of steps (``observables/points.py``) are PyBaMM's own values there:
the cycle table reads them without observing the variables at every stored point."""

import numpy as np
import pybamm

from ssbsim.observables.cycles import step_bounds
from ssbsim.observables.points import FIRST, LAST, PointValues


def test_values_at_step_ends_are_pybamms_observed_values(sweep):
    solution = sweep.solution
    steps = [s for cycle in solution.cycles for s in cycle.steps if not isinstance(s, pybamm.EmptySolution)]
    bounds = [b for cycle in step_bounds(solution) for b in cycle]
    assert len(steps) == len(bounds) > 80
    points = PointValues()
    for name in ("Discharge capacity [A.h]", "Cathode interphase resistance [Ohm.m2]", "Voltage [V]"):
        full = np.broadcast_to(solution[name].entries, solution.t.shape)
        ends = points.values(name, [(step, end) for step in steps for end in (FIRST, LAST)])[:, 0]
        expected = np.ravel([(full[a], full[b - 1]) for a, b in bounds])
        np.testing.assert_allclose(ends, expected, rtol=1e-12, atol=0)
    # one function per variable, reused
    assert len(points._functions) == 3
