"""The initial state at the measured OCV, and the capacitance option (issue 10)."""

import pytest

import ssbsim
from ssbsim.errors import InputError
from ssbsim.model import CellModel
from ssbsim.model.ocp import MSMR


def test_initial_state_is_the_measured_initial_ocv(cell_a):
    """The paper's cells rest at ~2.4 V before cycling (BRIEF §2): the initial filling of
    the set is the MSMR filling at 2.40 V, so the first spectrum is taken there."""
    msmr = MSMR.numeric(dict(cell_a))
    x0 = cell_a["Initial positive electrode stoichiometry"]
    assert msmr.potential([x0], cell_a["Ambient temperature [K]"])[0] == pytest.approx(2.40, abs=0.01)


def test_first_point_of_a_run_is_at_the_initial_ocv(sweep):
    assert sweep.solution["Voltage [V]"].entries[0] == pytest.approx(2.40, abs=0.03)


def test_double_layers_need_the_averaged_composite():
    with pytest.raises(InputError, match="capacitance"):
        CellModel({"capacitance": "double layers", "cathode": "resolved"})


def test_capacitances_do_not_enter_the_cycling_model():
    """Cycling runs use the model without capacitances: no extra states, same equations."""
    plain = CellModel({"interphase": "decomposition", "SE anions": 2})
    with_c = CellModel({"interphase": "decomposition", "SE anions": 2, "capacitance": "double layers"})
    assert {v.name for v in with_c.rhs} - {v.name for v in plain.rhs} == {
        "Anode overpotential [V]",
        "Separator ohmic drop [V]",
        "Positive electrode surface potential difference [V]",
    }
    assert ssbsim.load_parameter_set("asakura2020").model_options().get("capacitance") == "none"
