"""Cell A against the published targets of the brief (T1-T9, T11, T12) within its tolerances."""

import pytest

from ssbsim.fit.targets import CELL_A_INTERPHASE_TARGETS, CELL_A_TARGETS, evaluate


@pytest.fixture(scope="module")
def table(sweep, rate):
    return evaluate({"cutoff_sweep": sweep, "rate_test": rate})


@pytest.fixture(scope="module")
def interphase_table(sweep, formation, formation_60C):
    formation_60C.reference = formation
    results = {"cutoff_sweep": sweep, "formation_4p15V": formation, "formation_4p15V_60C": formation_60C}
    assert {t.experiment for t in CELL_A_INTERPHASE_TARGETS} <= set(results)
    return evaluate(results, CELL_A_INTERPHASE_TARGETS)


def _check(row):
    assert row["ok"], (
        f"{row['id']} {row['quantity']}: simulated {row['simulated']:.4g} {row['unit']}, "
        f"target {row['target']:g} ({row['tolerance']})"
    )


@pytest.mark.parametrize("row", range(len(CELL_A_TARGETS)), ids=[f"{t.id}: {t.quantity}" for t in CELL_A_TARGETS])
def test_target(table, row):
    _check(table.iloc[row])


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=f"known gap: {t.known_gap}", strict=True)) if t.known_gap else n
        for n, t in enumerate(CELL_A_INTERPHASE_TARGETS)
    ],
    ids=[f"{t.id}: {t.quantity}" for t in CELL_A_INTERPHASE_TARGETS],
)
def test_interphase_target(interphase_table, row):
    _check(interphase_table.iloc[row])


def test_T8_capacity_jumps_when_the_second_plateau_is_reached(sweep):
    """T8 in full: the 4.10 V step adds the most capacity of any step of the sweep."""
    c = sweep.cycles.set_index("cycle")["discharge_capacity_mAh_g"]
    last = [c.loc[n] for n in range(5, 41, 5)]
    gains = [b - a for a, b in zip(last, last[1:])]
    assert gains[0] > 5 and gains[0] == max(gains)
