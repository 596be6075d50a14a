"""Variables at the ends of steps (``observables/points.py``) are PyBaMM's own values there:
the cycle table reads them without observing the variables at every stored point."""

import pickle

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


def test_functions_over_the_solvers_symbols_reuse_its_nodes(sweep, monkeypatch):
    """Over the symbols the solver's set-up kept (``model.casadi_conversion``) a variable
    of the model's equations converts without new nodes, to the same values bit for bit;
    the kept nodes do not pickle."""
    steps = [s for cycle in sweep.solution.cycles for s in cycle.steps if not isinstance(s, pybamm.EmptySolution)]
    points = [(step, end) for step in steps for end in (FIRST, LAST)]
    model = steps[0].all_models[0]
    conversion = model.casadi_conversion
    assert conversion.inputs
    converted = len(conversion.nodes)
    shared = PointValues().values("Battery voltage [V]", points)
    assert len(conversion.nodes) == converted
    with monkeypatch.context() as patch:
        patch.setattr(model, "casadi_conversion", None)
        fresh = PointValues().values("Battery voltage [V]", points)
    np.testing.assert_array_equal(shared, fresh)
    assert pickle.loads(pickle.dumps(conversion)).inputs is None
