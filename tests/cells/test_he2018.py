"""Cell B (BRIEF §1; issue 14): TiS2 | Na3NH2B12H12 | Na at 353 K (He et al., J. Power
Sources 2018, doi:10.1016/j.jpowsour.2018.06.054) against its published numbers, from the
shipped parameter set and experiment file."""

import numpy as np
import pandas as pd
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.fit.spec import load_fit_spec
from ssbsim.fit.targets import evaluate, load_targets, table_of
from ssbsim.model.ocp import MSMR

DOI = "doi:10.1016/j.jpowsour.2018.06.054"
TARGETS = load_targets(table_of("he2018"))


@pytest.fixture(scope="module")
def table(cell_b):
    return evaluate({"he2018_cycling": cell_b}, TARGETS)


@pytest.mark.parametrize("row", range(len(TARGETS)), ids=[f"{t.id}: {t.quantity}" for t in TARGETS])
def test_target(table, row):
    r = table.iloc[row]
    assert r["ok"], (
        f"{r['id']} {r['quantity']}: simulated {r['simulated']:.4g}, target {r['target']:g} ({r['tolerance']})"
    )


def test_targets_are_the_published_numbers_with_their_source():
    values = {(t.cycles, t.column): t.value for t in TARGETS}
    assert values[("2", "discharge_capacity_mAh_g")] == 146
    assert values[("100", "discharge_capacity_mAh_g")] == 102
    assert values[("200", "discharge_capacity_mAh_g")] == 77
    for t in TARGETS:
        assert DOI in t.source, t.quantity
        assert t.tolerance == (10 if t.unit == "mAh/g" else 0.01)


def test_first_step_is_a_discharge_of_empty_TiS2(cell_b):
    pset = ssbsim.load_parameter_set("he2018")
    assert pset["Initial positive electrode stoichiometry"] < 0.01
    first = cell_b.solution.cycles[0].steps[0]
    assert first["Current [A]"].entries[0] > 0  # discharge
    assert first["Voltage [V]"].entries[0] > 2.35  # empty TiS2 sits above both plateaus


def test_ocp_has_two_plateaus_in_the_published_ranges():
    """MSMR isotherm of the set: the Na of each plateau goes in within 2.1-2.3 V and
    1.2-1.7 V (10-90 % of its filling)."""
    pset = ssbsim.load_parameter_set("he2018")
    U = MSMR.numeric(pset).potential([0.05, 0.45, 0.55, 0.95], 353.15)
    tol = 0.005
    assert 2.1 - tol <= U[1] < U[0] <= 2.3 + tol
    assert 1.2 - tol <= U[3] < U[2] <= 1.7 + tol
    # the window 1.0-2.4 V holds nearly all of the cycled Na at equilibrium
    x = MSMR.numeric(pset).occupancy(np.array([2.4, 1.0]), 353.15)
    assert x[0] < 0.01 and x[1] > 0.98


def test_fade_is_hyperbolic_in_cycle_number(cell_b):
    """The conversion runs in time, and a cycle at 0.1C lasts in proportion to its
    capacity: 1/Q grows linearly with the cycle number (se_conversion.py), more nearly than
    ln Q falls linearly (a loss per cycle or per charge passed)."""
    q = cell_b.cycles.set_index("cycle")["discharge_capacity_mAh_g"].loc[2:]
    n = q.index.to_numpy(float)

    def rms_misfit(y):
        return np.sqrt(np.mean((y - np.polyval(np.polyfit(n, y, 1), n)) ** 2)) / np.ptp(y)

    assert rms_misfit(1 / q.to_numpy()) < 0.01
    assert rms_misfit(1 / q.to_numpy()) < rms_misfit(np.log(q.to_numpy())) / 3


def test_fade_comes_from_the_SE_conversion_alone(cell_b):
    c = cell_b.cycles
    psi = cell_b.solution["Composite SE unconverted share"].entries
    assert 0.45 < psi[-1] < 0.6  # about half the composite's SE converted in 200 cycles
    assert c["electrolyte_resistance_ohm_cm2"].nunique() == 1  # the separator is not converted
    assert (c["cathode_interphase_resistance_ohm_cm2"] == 0).all()  # no decomposition in 1.0-2.4 V
    np.testing.assert_allclose(c["anode_interface_resistance_ohm_cm2"], c["anode_interface_resistance_ohm_cm2"][0])


def test_every_fitted_value_names_the_fit_that_made_it():
    pset = ssbsim.load_parameter_set("he2018")
    spec = load_fit_spec("he2018_fade")
    fitted = {name for name, source in pset.provenance.items() if source.startswith("fitted:")}
    assert fitted == {p.name for p in spec.parameters}
    for name in fitted:
        assert "`ssbsim fit he2018_fade`" in pset.provenance[name]
    assert all(source.startswith(("doi:", "estimate:", "fitted:")) for source in pset.provenance.values())


def test_cli_runs_the_shipped_files(cell_b, tmp_path, capsys):
    assert main(["run", "he2018_cycling", "-p", "he2018", "-o", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert " 200 " in printed or "\n  200" in printed
    cycles = pd.read_csv(tmp_path / "cycles.csv")
    assert len(cycles) == 200
    np.testing.assert_allclose(cycles["discharge_capacity_mAh_g"], cell_b.cycles["discharge_capacity_mAh_g"], rtol=1e-4)
