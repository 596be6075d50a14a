"""Cell A against the published targets of the brief (T1-T5, T8) within its tolerances."""

import pytest

from ssbsim.fit.targets import CELL_A_TARGETS, evaluate


@pytest.fixture(scope="module")
def table(sweep, rate):
    return evaluate({"cutoff_sweep": sweep, "rate_test": rate})


@pytest.mark.parametrize("row", range(len(CELL_A_TARGETS)), ids=[f"{t.id}: {t.quantity}" for t in CELL_A_TARGETS])
def test_target(table, row):
    r = table.iloc[row]
    assert r["ok"], f"{r['id']} {r['quantity']}: simulated {r['simulated']:.4g} {r['unit']}, target {r['target']:g} ({r['tolerance']})"


def test_T8_capacity_jumps_when_the_second_plateau_is_reached(sweep):
    """T8 in full: the 4.10 V step adds the most capacity of any step of the sweep."""
    c = sweep.cycles.set_index("cycle")["discharge_capacity_mAh_g"]
    last = [c.loc[n] for n in range(5, 41, 5)]
    gains = [b - a for a, b in zip(last, last[1:])]
    assert gains[0] > 5 and gains[0] == max(gains)
