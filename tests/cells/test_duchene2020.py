"""Cell C, NaCrO2 | Na4(B12H12)(B10H10) | Na (parameter set duchene2020, issue 14): the
published targets of Duchêne et al., Energy Storage Mater. 26 (2020) 543 (via BRIEF §1)
within their tolerances, on the shipped experiment file, and the physics behind them."""

import pytest

import ssbsim
from ssbsim.errors import InputError
from ssbsim.fit.spec import load_fit_spec
from ssbsim.fit.targets import evaluate, load_targets, table_of

SET = "duchene2020"
TARGETS = load_targets(table_of(SET))  # parameter_sets/calibration/duchene2020_targets.csv


@pytest.fixture(scope="module")
def cycling():
    """One C/10 cycle then 100 at C/5, 2.25-3.35 V, 30 °C, from the shipped files."""
    return ssbsim.run(ssbsim.load_experiment("duchene2020_cycling"), SET)


@pytest.fixture(scope="module")
def table(cycling):
    return evaluate({"duchene2020_cycling": cycling}, TARGETS)


def test_targets_cover_the_published_numbers():
    assert [t.quantity.split(",")[0] for t in TARGETS] == [
        "first discharge capacity",
        "capacity retention after 100 cycles at C/5 (cycle 101 / first C/5 cycle",
    ]
    first, retention = TARGETS
    assert (first.value, first.rule, first.tolerance) == (118.0, "abs", 5.0)
    assert (retention.value, retention.rule) == (0.95, "min")
    for t in TARGETS:
        assert "doi:10.1016/j.ensm.2019.11.027" in t.source


@pytest.mark.parametrize("row", range(len(TARGETS)), ids=[f"{t.id}: {t.quantity}" for t in TARGETS])
def test_target(table, row):
    r = table.iloc[row]
    assert r["ok"], (
        f"{r['id']} {r['quantity']}: simulated {r['simulated']:.4g}, target {r['target']:g} ({r['tolerance']})"
    )


def test_protocol_as_published(cycling):
    """C/10 first, then 100 cycles at C/5, at 30 °C."""
    c = cycling.cycles
    assert len(c) == 101
    assert (c["temperature_C"] == 30).all()
    assert cycling.experiment.temperature_C == 30


def test_a_3_volt_cell(cycling):
    """The cell voltage is ~3 V (BRIEF §1): NaCrO2's mean discharge voltage."""
    v = cycling.cycles["mean_discharge_voltage_V"]
    assert v.between(2.95, 3.1).all()


def test_the_less_stable_anion_decomposes_and_passivates(cycling):
    """The 3.35 V cutoff lies above [B10H10]2-'s reference potential (3.15 V) and below
    [B12H12]2-'s (3.45 V): [B10H10]2- decomposes far more; its film makes the decomposition
    self-limiting, and its charge is irreversible (it adds to the charge only)."""
    c = cycling.cycles.set_index("cycle")
    b10, b12 = c["decomposition_charge_B10H10_mAh_g"], c["decomposition_charge_B12H12_mAh_g"]
    assert b10.loc[1] > 10 * b12.loc[1]
    assert b10.loc[101] < 0.1 * b10.loc[1]
    assert b10.loc[[3, 10, 30, 100]].is_monotonic_decreasing
    assert (b10.loc[3:].diff().dropna() < 0.05 * b10.loc[4:]).all()  # solver noise: +2.7 % once (cycle 50)
    assert (c["irreversible_capacity_mAh_g"] >= b10 + b12 - 1e-3).all()
    # from the third cycle on (no change of rate), the decomposition is the whole irreversible charge
    assert (c.loc[3:, "irreversible_capacity_mAh_g"] - (b10 + b12).loc[3:]).abs().max() < 2e-3
    # only the SE in contact with NaCrO2 is consumed, and little of it
    assert 0.5 < c.loc[101, "anion_inventory_remaining_B10H10"] < c.loc[1, "anion_inventory_remaining_B10H10"] < 1


def test_the_fitted_value_names_its_fit_spec():
    """The one fitted value says which shipped calibration made it, and that calibration
    fits it to the first C/10 discharge only."""
    pset = ssbsim.load_parameter_set(SET)
    fitted = {k: s for k, s in pset.provenance.items() if s.startswith("fitted:")}
    assert list(fitted) == ["Positive electrode electrochemically active fraction"]
    assert "`ssbsim fit duchene2020_cell`" in fitted["Positive electrode electrochemically active fraction"]
    spec = load_fit_spec("duchene2020_cell")
    assert [p.name for p in spec.parameters] == list(fitted)
    assert [(d.file.name, d.quantity) for d in spec.data] == [
        ("duchene2020_cycling_targets.csv", "discharge_capacity_mAh_g")
    ]


def test_a_cell_without_a_targets_table_is_bad_input():
    with pytest.raises(InputError, match="no targets table"):
        table_of("asakura2020_se_carbon")
