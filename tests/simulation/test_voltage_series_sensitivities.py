"""The voltage at fixed absolute times and its forward-sensitivity derivatives
(``simulation/step_interpolation.py``) against central finite differences of re-solves
(fourth order),
on a charge to a cut-off voltage (its end moves with the parameters), a rest and a
discharge to a cut-off: every sample after the charge needs the time shift of its step's
start. For the cathode's particle diffusivity and exchange-current density, in log space as
the fit uses them, at tight solver tolerances (the 1 % is the method's, not the solver's
noise)."""

import numpy as np
import pytest

from ssbsim.model import CellModel
from ssbsim.protocol import load_experiment
from ssbsim.simulation import step_interpolation
from ssbsim.simulation.run import build_simulation, prepare
from ssbsim.simulation.step_interpolation import variable_at_times

NAMES = sorted(["Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]"])
STEPS = ["Charge at 1C until 4.15 V", "Rest for 20 minutes", "Discharge at 1C until 3.0 V"]
#: step in ln p of the fourth-order central differences: the exchange-current density moves
#: the voltage by millivolts only (a smaller step is the solver's noise), the diffusivity moves
#: the end of the discharge non-linearly (a larger one is the truncation's error)
H = 5e-3


def _simulation(folder, cell_a):
    path = folder / "charge_rest_discharge.toml"
    path.write_text("[[block]]\nsteps = [" + ", ".join(f'"{s}"' for s in STEPS) + "]\n")
    spec, pset, options = prepare(load_experiment(str(path)), cell_a)
    solver = CellModel(options).solver()
    solver.rtol, solver.atol = 1e-8, 1e-10
    return build_simulation(spec, pset, options, inputs=NAMES, solver=solver, impedance=False)


@pytest.fixture(scope="module")
def voltages(tmp_path_factory, cell_a):
    """(times, step of each time, sensitivities d/d ln p, central differences, values,
    PyBaMM's values, the simulation and its base solution)."""
    folder = tmp_path_factory.mktemp("series")
    simulation = _simulation(folder, cell_a)
    base = {n: cell_a[n] for n in NAMES}
    solution = simulation.solve(inputs=base, calculate_sensitivities=True)
    ends = np.array([s.t[-1] for s in solution.cycles[0].steps])
    # samples off the steps' ends: a sample crossing into the next step would not be differentiable
    times = np.linspace(10, ends[-1] - 10, 120)
    times = times[np.min(np.abs(times[:, None] - ends[None, :]), axis=1) > 15]
    values, sens = variable_at_times(simulation, solution, "Voltage [V]", times)
    sens = sens * np.array([base[n] for n in NAMES])
    plain = _simulation(folder, cell_a)
    fd = np.zeros_like(sens)
    for j, name in enumerate(NAMES):
        v = {
            k: plain.solve(inputs={**base, name: base[name] * np.exp(k * H)})["Voltage [V]"](times)
            for k in (-2, -1, 1, 2)
        }
        fd[:, j] = (v[-2] - 8 * v[-1] + 8 * v[1] - v[2]) / (12 * H)
    step = np.searchsorted(ends, times)
    return times, step, sens, fd, values, solution["Voltage [V]"](times), simulation, solution


def test_values_are_pybamms_interpolation(voltages):
    _, _, _, _, values, pybamm_values, *_ = voltages
    np.testing.assert_allclose(values, pybamm_values, atol=1e-9)


@pytest.mark.parametrize("step", [0, 1, 2], ids=["charge", "rest", "discharge"])
def test_voltage_sensitivities_match_central_differences(voltages, step):
    _, steps, sens, fd, *_ = voltages
    rows = steps == step
    assert rows.sum() >= 10
    for j, name in enumerate(NAMES):
        assert np.linalg.norm(fd[rows, j]) > 1e-4, name
        assert np.linalg.norm(sens[rows, j] - fd[rows, j]) < 0.01 * np.linalg.norm(fd[rows, j]), name


def test_without_the_time_shift_later_steps_are_wrong(voltages, cell_a, monkeypatch):
    """The check above can fail: with the steps' starts held fixed (no time shift), the
    rest after the event-ended charge comes out far off."""
    times, steps, _, fd, _, _, simulation, solution = voltages
    monkeypatch.setattr(step_interpolation, "step_duration", lambda simulation, step: np.zeros(len(NAMES)))
    raw = variable_at_times(simulation, solution, "Voltage [V]", times)[1] * np.array([cell_a[n] for n in NAMES])
    rows = steps == 1
    assert np.linalg.norm(raw[rows] - fd[rows]) > 0.1 * np.linalg.norm(fd[rows])


def test_samples_after_the_end_have_no_value_and_no_derivative(voltages):
    *_, simulation, solution = voltages
    values, sens = variable_at_times(simulation, solution, "Voltage [V]", [solution.t[-1] + 100.0])
    assert np.isnan(values[0]) and np.all(sens == 0)
