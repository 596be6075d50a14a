"""Cycle jumping (ssbsim run --extrapolate): one row per cycle, far fewer cycles
simulated, the capacity of the last cycle as in the full run."""

import numpy as np
import pytest

import ssbsim
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.simulation.extrapolate import SETTLE, jumped, plan_jump, run_extrapolated

#: without the issue-9 ageing mechanisms the cycle-end states drift smoothly; with them ("cracking" breaks ~8 %
#: of the [B12H12]2- layer every cycle) the passivating layer's cycle-end values are geometric in the cycle number,
#: which the jump extrapolates in log space (simulation/extrapolate.py)
SMOOTH = {"SE inventory": "unlimited", "interphase growth": "passivating", "active material loss": "none"}


@pytest.mark.parametrize("options", [SMOOTH, {}], ids=["without ageing mechanisms", "shipped ageing"])
def test_extrapolated_run_matches_the_full_run(options):
    spec = truncated(load_experiment("formation_4p15V"), 150)
    full = ssbsim.run(spec, options=options)
    jumped = run_extrapolated(spec, options=options)
    cycles = jumped.cycles
    assert list(cycles["cycle"]) == list(range(1, 151))
    assert cycles["simulated"].iloc[:5].all() and cycles["simulated"].iloc[-1]
    assert cycles["simulated"].sum() < 75
    assert not cycles.drop(columns="simulated").isna().any().any()
    last_full, last_jumped = full.cycles.iloc[-1], cycles.iloc[-1]
    assert abs(last_jumped["discharge_capacity_mAh_g"] / last_full["discharge_capacity_mAh_g"] - 1) < 0.01
    assert abs(last_jumped["coulombic_efficiency"] - last_full["coulombic_efficiency"]) < 1e-3
    # the slow states: R1 and R2 within the full run's own time-stepping error (a few %)
    for column in ["anode_interface_resistance_ohm_cm2", "cathode_interphase_resistance_ohm_cm2"]:
        assert abs(last_jumped[column] / last_full[column] - 1) < 0.05
    # the time series carries the simulated cycles under their own numbers
    simulated = set(cycles.loc[cycles["simulated"], "cycle"])
    assert set(jumped.timeseries["cycle"]) == simulated
    assert jumped.metadata()["cycles_simulated"] == len(simulated)


def test_jump_follows_the_curvature_of_the_states():
    """A straight drift is jumped as far as allowed; curvature shortens the jump as
    sqrt(2 tolerance / curvature)."""
    line = [np.array([1.0, 2.0 + k * 0.01]) for k in range(3)]
    assert plan_jump(line, 2, remaining=100, tolerance=1e-3, max_jump=50) == 50
    bent = [np.array([1.0, 2.0 + 0.01 * k + 1e-5 * k**2]) for k in range(3)]
    short = plan_jump(bent, 2, remaining=100, tolerance=1e-3, max_jump=50)
    assert 2 <= short < 50
    assert plan_jump(line, 2, remaining=4) == 0  # the block's end is simulated


def test_geometric_states_are_jumped_in_log_space():
    """A layer kept at 0.93 of its thickness per cycle: the linear rule cannot jump it
    (its curvature stays (1 - r)^2 y), the log rule jumps as far as allowed and lands on
    the geometric sequence; the other states stay linear."""
    ends = [np.array([1.0 + 0.01 * k, 14.0 * 0.93**k]) for k in range(3)]
    assert plan_jump(ends, 2, remaining=100, tolerance=1e-2, max_jump=50) == 0
    mask = np.array([False, True])
    assert plan_jump(ends, 2, remaining=100, tolerance=1e-2, max_jump=50, geometric=mask) == 50
    np.testing.assert_allclose(jumped(ends, 2, 50, mask), [1.0 + 0.01 * 52, 14.0 * 0.93**52], rtol=1e-12)
    # a geometric state that is not positive at every end is extrapolated linearly
    flat = [np.array([1.0, 0.0 + 0.01 * k]) for k in range(3)]
    np.testing.assert_allclose(jumped(flat, 2, 10, mask), [1.0, 0.12])


def test_after_a_jump_the_curvature_is_the_change_of_slope_across_it():
    """End states carrying the solver's error (+-1e-4 on a slope of 1e-3 per cycle): the
    three-point curvature sees the noise and barely jumps; the change of slope across the
    previous jump (30 cycles) divides it by 30. The jump grows at most twofold (+ SETTLE)."""
    noise = [1e-4, -1e-4, 1e-4]

    def window(start):
        return [np.array([2.0 + 1e-3 * (start + k) + noise[k]]) for k in range(3)]

    before, now = window(0), window(32)
    short = plan_jump(now, 1, remaining=1000, tolerance=1e-2)
    assert short <= 10
    longer = plan_jump(now, 1, remaining=1000, tolerance=1e-2, previous=(before, 32, 29))
    assert longer == 2 * 29 + SETTLE
