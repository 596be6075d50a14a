"""ssbsim's model used the way PyBaMM's own docs use a model: parameter sets by name,
``sim.plot()`` / ``QuickPlot``, the open-circuit voltage, ``initial_soc``, and
``sim.save`` / ``pybamm.load_sim``."""

import pickle
import tomllib
from pathlib import Path

import numpy as np
import pybamm
import pytest

import ssbsim
from ssbsim.model import CellModel
from ssbsim.model.ocp import MSMR
from ssbsim.parameters import DEFAULT_PARAMETER_SET, pybamm_sets
from ssbsim.simulation.initial_state import initial_stoichiometry
from ssbsim.simulation.pybamm_simulation import Simulation

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(path.stem for path in (ROOT / "parameter_sets").glob("*.toml"))
CURRENT = 5e-5  # A: about C/4 for Cell A


def _cell_a_values(current=CURRENT):
    values = pybamm.ParameterValues("asakura2020")
    values["Current function [A]"] = current
    return values


def test_every_shipped_set_is_a_pybamm_parameter_set():
    entries = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["pybamm_parameter_sets"]
    assert sorted(entries) == SHIPPED
    for name in SHIPPED:
        assert entries[name] == f"ssbsim.parameters.pybamm_sets:{name}"
        assert name in pybamm.parameter_sets
        assert pybamm.parameter_sets.get_docstring(name).strip()
        values = pybamm.ParameterValues(name)
        pset = ssbsim.load_parameter_set(name)
        for key in pset:
            assert values[key] == pset[key], key
        # derived values and the OCP function for the set's own options: what its model reads
        model = CellModel(parameter_set=name)
        assert dict(model.options) == dict(pset.model_options())
        assert set(pybamm_sets.values_for_pybamm(name)) == set(model.default_parameter_values.keys())


def test_default_model_is_cell_a_with_its_interphase():
    model = CellModel()
    assert dict(model.options) == dict(ssbsim.load_parameter_set(DEFAULT_PARAMETER_SET).model_options())
    assert model.options["interphase"] == "decomposition"
    assert model.options["SE anions"] == 2
    # explicit options are taken as given (the runs pass the set's, so Cell A is unchanged)
    assert CellModel({"interphase": "none"}).options["interphase"] == "none"


@pytest.fixture(scope="module")
def discharge():
    """As in PyBaMM's getting-started notebook: a model, a simulation, a solve."""
    model = CellModel()
    sim = Simulation(model, parameter_values=_cell_a_values())
    sim.solve([0, 3600], initial_soc=0.5)
    return sim


def test_quick_plot_has_default_variables(discharge):
    quick_plot = discharge.plot(show_plot=False)
    names = [name for group in quick_plot.variables for name in group]
    assert "Voltage [V]" in names and "Open-circuit voltage [V]" in names
    assert len(quick_plot.variables) == len(CellModel().default_quick_plot_variables)
    again = pybamm.QuickPlot(discharge.solution)
    again.plot(0)
    assert again.variables.keys() == quick_plot.variables.keys()
    quick_plot.fig.clf()
    again.fig.clf()


def test_open_circuit_voltage(discharge, cell_a):
    solution = discharge.solution
    ocv = solution["Open-circuit voltage [V]"].entries
    V = solution["Voltage [V]"].entries
    x_bulk = solution["Positive electrode bulk stoichiometry"].entries
    msmr = MSMR.numeric(cell_a)
    # U of the mean filling, against Na metal (0 V)
    checks = [0, len(ocv) // 2, -1]
    assert ocv[checks] == pytest.approx(msmr.potential(x_bulk[checks], 298.15), abs=2e-3)
    assert np.all(solution["Negative electrode bulk open-circuit potential [V]"].entries == 0)
    # discharging: the voltage lies below the open-circuit voltage, the cell empties towards x = 1
    assert np.all(V[1:] < ocv[1:])
    assert np.all(np.diff(x_bulk) > 0)
    assert np.all(np.diff(solution["Bulk open-circuit voltage [V]"].entries) < 1e-9)


def test_open_circuit_voltage_at_rest(cell_a):
    """At rest without interphase the voltage is the OCV; with it, the SE's oxidation at
    3.8 V is fed by Na inserted into the cathode: self-discharge, the voltage below the OCV."""
    plain = cell_a.model_options({"interphase": "none"})
    sim = Simulation(CellModel(plain), parameter_values=_cell_a_values(0.0))
    solution = sim.solve([0, 60], initial_soc="3.8 V")
    ocv = solution["Open-circuit voltage [V]"].entries
    assert ocv[0] == pytest.approx(3.8, abs=1e-6)
    assert solution["Voltage [V]"].entries == pytest.approx(ocv, abs=1e-6)
    solution = Simulation(CellModel(), parameter_values=_cell_a_values(0.0)).solve([0, 60], initial_soc="3.8 V")
    ocv, V = solution["Open-circuit voltage [V]"].entries, solution["Voltage [V]"].entries
    assert V[0] == pytest.approx(ocv[0], abs=1e-5)  # the decomposition current flows from t = 0
    assert np.all(V[1:] < ocv[1:]) and ocv[-1] < ocv[0] - 1e-3


def test_initial_soc(discharge, cell_a):
    x0 = discharge.solution["Positive particle average stoichiometry"].entries[0]
    assert x0 == pytest.approx(0.5)  # SOC = 1 - x, the empty share of the cycled window
    values = _cell_a_values()
    for soc, x in [(0, 1 - 1e-9), (1, 1e-9), (0.25, 0.75)]:
        assert initial_stoichiometry(soc, values) == pytest.approx(x)
    assert MSMR.numeric(cell_a).potential(initial_stoichiometry("4.0 V", values), 298.15)[0] == pytest.approx(4.0)
    for bad in (1.5, -0.1, "9 V", "half", True):
        with pytest.raises(ValueError):
            initial_stoichiometry(bad, values)
    carbon = Simulation(CellModel(parameter_set="asakura2020_se_carbon"))
    with pytest.raises(ValueError, match="intercalation host"):
        carbon.solve([0, 60], initial_soc=0.5)
    # a second solve from another state rebuilds the initial conditions only
    solution = discharge.solve([0, 60], initial_soc=0.9)
    assert solution["Positive particle average stoichiometry"].entries[0] == pytest.approx(0.1)


def test_model_and_simulation_pickle(tmp_path, discharge):
    model = pickle.loads(pickle.dumps(CellModel()))
    assert model.options["interphase"] == "decomposition"
    path = tmp_path / "sim.pkl"
    discharge.save(str(path))
    loaded = pybamm.load_sim(str(path))
    before = discharge.solve([0, 600], initial_soc=0.5)["Voltage [V]"].entries
    after = loaded.solve([0, 600], initial_soc=0.5)["Voltage [V]"].entries
    assert after == pytest.approx(before, abs=1e-9)
    pickle.dumps(_cell_a_values())


COMPONENTS = [
    "Battery particle concentration overpotential [V]",
    "X-averaged battery reaction overpotential [V]",
    "X-averaged battery concentration overpotential [V]",
    "X-averaged battery electrolyte ohmic losses [V]",
    "X-averaged battery solid phase ohmic losses [V]",
]


@pytest.mark.parametrize(
    "options",
    [None, {"cathode": "resolved", "particle": "distribution", "particle size bins": 3}],
    ids=["cell A", "resolved, size bins"],
)
def test_voltage_components_add_up_to_the_voltage(options, cell_a):
    """V = OCV + the overpotentials - the film ("contact") drop, at every time (to the
    solver's residual of the current balance), so that pybamm.plot_voltage_components
    shows the voltage it plots as their sum."""
    model = CellModel(None if options is None else cell_a.model_options(options))
    values = model.default_parameter_values
    values["Current function [A]"] = CURRENT
    sim = Simulation(model, parameter_values=values)
    solution = sim.solve([0, 1800], initial_soc=0.3)
    total = solution["Battery open-circuit voltage [V]"].entries - solution["Contact overpotential [V]"].entries
    for name in COMPONENTS:
        total = total + solution[name].entries
    assert total == pytest.approx(solution["Voltage [V]"].entries, abs=1e-5)
    # on discharge every part lowers the voltage; the particles' surface fills first
    for name in COMPONENTS[:2] + COMPONENTS[3:4]:
        assert np.all(solution[name].entries[1:] < 0), name
    fig, ax = pybamm.plot_voltage_components(sim, show_plot=False)
    assert ax.get_legend_handles_labels()[1][0] == "Open-circuit voltage"
    fig.clf()
