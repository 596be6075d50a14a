"""Fits with cycle jumping (``extrapolate``, fit/problem.py) and a start already at the
minimum (fit/local.py)."""

import numpy as np
import pytest

from ssbsim.fit.api import prepare
from ssbsim.fit.local import predicted_decrease, search
from ssbsim.simulation.cycle_jumps import DEFAULT_TOLERANCE


def test_cycle_jumping_applies_to_the_long_protocol_with_per_cycle_data_only():
    problem = prepare("asakura2020_interphase", extrapolate=True)
    assert problem.jumps["formation_4p15V"] is not None  # 800 cycles, per-cycle data
    assert problem.jumps["cutoff_sweep"] is None  # 40 cycles: every one simulated
    assert problem.extrapolation == {
        "experiments": ["formation_4p15V"],
        "tolerance": DEFAULT_TOLERANCE,
        "from_cycles": 100,
    }
    assert prepare("asakura2020_interphase", extrapolate=False).extrapolation is None


def test_a_start_at_the_minimum_ends_after_one_residual_and_one_jacobian():
    """Linear residuals r = A u - b: at the least-squares solution the Gauss-Newton step
    predicts no decrease and the search stops there; from elsewhere it searches."""
    rng = np.random.default_rng(0)
    A, b = rng.standard_normal((12, 3)), rng.standard_normal(12)
    low, high = np.full(3, -10.0), np.full(3, 10.0)
    best = np.linalg.lstsq(A, b, rcond=None)[0]
    calls = []

    def f(u):
        calls.append(u)
        return A @ u - b

    def settled(r, J):
        return 1e-6

    solution = search(f, best, low, high, jac=lambda u: A, settled=settled)
    assert len(calls) == 1 and solution.status == 1 and "at the minimum" in solution.message
    assert np.allclose(solution.x, best)
    assert predicted_decrease(f(best + 1.0), A, best + 1.0, low, high) > 1e-6
    calls.clear()
    far = search(f, best + 1.0, low, high, jac=lambda u: A, settled=settled)
    assert len(calls) > 1 and np.allclose(far.x, best, atol=1e-6)


def test_the_predicted_decrease_respects_the_bounds():
    """The Gauss-Newton step that would leave the bounds is limited to them: the decrease
    is the one reachable inside, never negative."""
    A, b = np.eye(2), np.array([5.0, 0.0])
    u = np.array([0.0, 0.0])
    r = A @ u - b
    inside = predicted_decrease(r, A, u, np.array([-1.0, -1.0]), np.array([1.0, 1.0]))
    assert inside == pytest.approx(25.0 - 16.0)  # r = (-5, 0) -> (-4, 0) at the bound u = (1, 0)
