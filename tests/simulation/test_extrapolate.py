"""Cycle jumping (ssbsim run --extrapolate): one row per cycle, far fewer cycles
simulated, the capacity of the last cycle as in the full run."""

import numpy as np
import pytest

import ssbsim
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.simulation.extrapolate import plan_jump, run_extrapolated

#: without the issue-9 ageing mechanisms the cycle-end states drift smoothly; with them ("cracking" breaks ~8 %
#: of the [B12H12]2- layer every cycle and regrows it) the jump's curvature control sees noise and jumps little
SMOOTH = {"SE inventory": "unlimited", "interphase growth": "passivating", "active material loss": "none"}


@pytest.mark.parametrize(
    "options",
    [
        SMOOTH,
        pytest.param(
            {},
            marks=pytest.mark.xfail(
                strict=True,
                reason="issue 12 open: with the shipped 'leaky cracking' growth, cycle jumping simulates "
                "146 of 150 cycles (jumps stay ~2 cycles): the cracked share of the film oscillates per cycle",
            ),
        ),
    ],
    ids=["without ageing mechanisms", "shipped ageing"],
)
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
