"""Ageing of Cell A (issue 9): a finite SE inventory, interphase growth that does not
stop, and the capacity fade it causes."""

import json
from pathlib import Path

import numpy as np
import pytest

import ssbsim
from ssbsim.protocol.experiment_file import truncated

OLD_OPTIONS = {"SE inventory": "unlimited", "interphase growth": "passivating", "active material loss": "none"}
ANIONS = ("B12H12", "CB11H12")


def _conservation(result):
    sol = result.solution
    for k in range(2):
        consumed = sol[f"SE anion {k} consumed from the contact inventory [mol]"].entries
        in_film = sol[f"SE anion {k} in the film [mol]"].entries
        # two independent states: the inventory left and the film grown
        assert consumed[-1] > 0
        np.testing.assert_allclose(in_film, consumed, rtol=1e-3, atol=1e-6 * consumed[-1])
    total = sol["Total Na [mol]"].entries
    # Na metal + Na in the cathode - Na+ released by decomposition: three independent states
    np.testing.assert_allclose(total, total[0], rtol=2e-5)


@pytest.mark.slow
def test_anion_and_Na_conservation_over_800_cycles_25C(formation):
    _conservation(formation)


@pytest.mark.slow
def test_anion_and_Na_conservation_over_800_cycles_60C(formation_60C):
    _conservation(formation_60C)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["formation", "formation_60C"])
def test_inventory_columns_are_fractions_that_never_rise(which, request):
    c = request.getfixturevalue(which).cycles
    for anion in ANIONS:
        remaining = c[f"anion_inventory_remaining_{anion}"].to_numpy()
        # a used-up inventory is 0, not the solver's undershoot below it (cycles.inventory_share)
        assert np.all((remaining >= 0) & (remaining <= 1))
        assert np.all(np.diff(remaining) <= 1e-9)
    # the [B12H12]2- in contact is used up, before the [CB11H12]- (whose contact inventory,
    # with the refit interphase values, runs out at 60 °C too, in cycle 712 of 800);
    # decomposition cannot exceed what exists (the shares stay in [0, 1], above)
    b12, cb11 = (c[f"anion_inventory_remaining_{a}"].to_numpy() for a in ("B12H12", "CB11H12"))
    assert b12[-1] == 0 and np.all(b12 <= cb11)
    assert np.argmax(b12 == 0) < (np.argmax(cb11 == 0) if cb11[-1] == 0 else len(cb11))


@pytest.mark.slow
def test_hotter_cell_consumes_more_SE(formation, formation_60C):
    cold = formation.cycles.iloc[-1]
    hot = formation_60C.cycles.iloc[-1]
    assert hot["anion_inventory_remaining_CB11H12"] < cold["anion_inventory_remaining_CB11H12"]


def test_mechanisms_off_give_the_earlier_results():
    """With the SE inventory unlimited, passivating growth, no loss of active material and
    the earlier parameter values, the cutoff sweep is the earlier model's (stored from
    commit dba4b80, main before issue 9 was merged, whose default model it is; first
    stored from b4771b7, regenerated because main's physics changed since: cathode
    exchange current and initial state (issue 10), radial mesh and exact energies (12); last
    from dba4b80 with the particle filling solved in units of 1e-3 as now, particle.py, which
    moved R2 by up to 0.9 %, toward a run at rtol 1e-7: 1.8 % -> 1.2 % off)."""
    baseline = json.loads((Path(__file__).parent / "data" / "passivating_interphase_baseline.json").read_text())
    result = ssbsim.run("cutoff_sweep", overrides=baseline["parameters"], options=OLD_OPTIONS)
    for column, values in baseline["cutoff_sweep"].items():
        np.testing.assert_allclose(result.cycles[column], values, rtol=2e-4, atol=2e-4, err_msg=column)


STEPS = ["Charge at C/10 until 4.30 V", "Discharge at C/10 until 2.5 V"]


def _short(options, overrides=None):
    spec = ssbsim.load_experiment("cutoff_sweep")
    return ssbsim.run(truncated(spec, 12), overrides=overrides, options=options).cycles


@pytest.mark.parametrize(
    "switched_off",
    [
        ({"interphase growth": "cracking"}, {"Positive electrode interphase cracking coefficient [m2.C-1]": 0.0}),
        ({"interphase growth": "leaky"}, {"SE anion (0) product electronic conductivity [S.m-1]": 0.0}),
    ],
    ids=["cracking coefficient 0", "leakage 0"],
)
def test_a_growth_law_switched_off_is_the_passivating_law(switched_off):
    options, overrides = switched_off
    overrides = {
        **overrides,
        "SE anion (1) product electronic conductivity [S.m-1]": 0.0,
        "SE anion (0) product electronic conductivity [S.m-1]": 0.0,
    }
    off = _short({"interphase growth": "passivating"})
    on = _short(options, overrides)
    for column in ("cathode_interphase_resistance_ohm_cm2", "irreversible_capacity_mAh_g"):
        # the cracking law integrates its passivating thickness as a state of its own, equal
        # to the film's only to solver precision (rtol 1e-4), which exp(-delta/lambda)
        # amplifies by delta/lambda ~ 10-30
        np.testing.assert_allclose(on[column], off[column], rtol=1e-2, atol=1e-3, err_msg=column)


def test_isolation_switched_off_is_no_loss():
    """Film isolation with a threshold far above any film is no loss of active material."""
    off = _short({"active material loss": "none"})
    on = _short({}, {"Positive electrode isolating film resistance [Ohm.m2]": 1e6})
    for column in ("discharge_capacity_mAh_g", "cathode_interphase_resistance_ohm_cm2"):
        # different state vectors, so different steps: equal to solver precision, which the
        # log-law films amplify (see above)
        np.testing.assert_allclose(on[column], off[column], rtol=5e-3, err_msg=column)


@pytest.mark.slow
def test_isolation_fades_capacity_gradually(formation):
    """With film isolation the capacity fades more, and every 100 cycles a little more,
    than with the same films and no loss of active material (same 800-cycle protocol)."""
    spec = truncated(ssbsim.load_experiment("formation_4p15V"), 400)
    kept = ssbsim.run(spec, options={"active material loss": "none"}).cycles.set_index("cycle")
    lost = formation.cycles.set_index("cycle")
    capacity = "discharge_capacity_mAh_g"
    assert lost.loc[400, capacity] < kept.loc[400, capacity]
    steps = -np.diff(lost.loc[[3, 100, 200, 300, 400], capacity])
    assert np.all(steps > 0)


@pytest.mark.slow
def test_cracking_keeps_the_film_growing(formation):
    """At a fixed cutoff a passivating film grows ever more slowly (log law); when the
    particles' volume change cracks it, it keeps growing cycle after cycle."""
    spec = truncated(ssbsim.load_experiment("formation_4p15V"), 100)
    passivating = ssbsim.run(spec, options={"interphase growth": "passivating"}).cycles.set_index("cycle")
    cracking = formation.cycles.set_index("cycle")
    R2 = "cathode_interphase_resistance_ohm_cm2"
    growth = {name: c.loc[100, R2] - c.loc[90, R2] for name, c in (("p", passivating), ("c", cracking))}
    assert growth["c"] > 3 * growth["p"]


def test_finite_inventory_slows_decomposition():
    """Decomposition falls as the anions in contact are used up: less [B12H12]2- decomposes
    in the first charge than with an unlimited supply, and never more than the inventory."""
    unlimited = _short({"SE inventory": "unlimited"})
    contact = _short({"SE inventory": "contact"})
    column = "decomposition_charge_B12H12_mAh_g"
    assert contact[column].sum() < unlimited[column].sum()
    assert contact["anion_inventory_remaining_B12H12"].iloc[-1] >= 0


@pytest.mark.slow
def test_a_higher_upper_cutoff_fades_faster(formation):
    """4.30 V against 4.15 V over the same 100 cycles: more capacity lost, more R2 grown."""
    high = ssbsim.run(truncated(ssbsim.load_experiment("formation_4p30V"), 100)).cycles.set_index("cycle")
    low = formation.cycles.set_index("cycle")
    loss_high = 1 - high.loc[100, "discharge_capacity_mAh_g"] / high.loc[3, "discharge_capacity_mAh_g"]
    loss_low = 1 - low.loc[100, "discharge_capacity_mAh_g"] / low.loc[3, "discharge_capacity_mAh_g"]
    assert loss_high > 1.5 * loss_low
    R2 = "cathode_interphase_resistance_ohm_cm2"
    assert high.loc[100, R2] - high.loc[3, R2] > low.loc[100, R2] - low.loc[3, R2]
