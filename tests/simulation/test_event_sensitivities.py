"""Forward sensitivities through a cycling experiment whose steps end on cut-off
voltages (``simulation/event_sensitivities.py``, ``observables/cycle_sensitivities.py``)
against central finite differences of re-solves: step end times, per-cycle capacities,
coulombic efficiency, irreversible capacity, energy efficiency and mean discharge
voltage (energies: the quadrature with the steps' moving ends), R2 and the [B12H12]2-
film thickness at the end of each cycle, for
the [B12H12]2- decomposition rate constant and passivation length, in log space as the
fit uses them. Both at tight solver tolerances, so that the 1 % is the method's, not the
solver's noise.
"""

import numpy as np
import pytest

from ssbsim.model import CellModel
from ssbsim.observables.cycle_sensitivities import cycle_sensitivities
from ssbsim.parameters.registry import anion_names
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.simulation import event_sensitivities
from ssbsim.simulation.event_sensitivities import step_end_times, variable_sensitivity
from ssbsim.simulation.run import build_simulation, prepare

NAMES = sorted([anion_names(0)["rate"], anion_names(0)["length"]])
FILM = "Cathode interphase layer 0 thickness [m]"
H = 1e-3  # step in ln p
COLUMNS = [
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "cathode_interphase_resistance_ohm_cm2",
    "irreversible_capacity_mAh_g",
    "energy_efficiency",
    "mean_discharge_voltage_V",
]


def _simulation(cell_a):
    spec, pset, options = prepare(truncated(load_experiment("cutoff_sweep"), 3), cell_a)
    solver = CellModel(options).solver()
    solver.rtol, solver.atol = 1e-8, 1e-10
    simulation = build_simulation(spec, pset, options, inputs=NAMES, solver=solver, impedance=False)
    return simulation, spec, pset, options


def _observed(simulation, solution, spec, pset, options):
    """Step end times, the cycle-table columns and the film at the end of each cycle."""
    from ssbsim.simulation.result import Result

    cycles = Result(solution, spec, pset, options).cycles
    film = [cycle.steps[-1]["Cathode interphase layer 0 thickness [m]"].entries[-1] for cycle in solution.cycles]
    return {
        "step end time [s]": np.array([sub.t[-1] for sub in solution.sub_solutions]),
        **{col: cycles[col].to_numpy() for col in COLUMNS},
        FILM: np.array(film),
    }


@pytest.fixture(scope="module")
def derivatives(cell_a):
    """{quantity: (event-corrected sensitivities, central differences)}, d/d ln p."""
    simulation, spec, pset, options = _simulation(cell_a)
    base = {n: cell_a[n] for n in NAMES}
    solution = simulation.solve(inputs=base, calculate_sensitivities=True)
    scale = np.array([base[n] for n in NAMES])  # d/d ln p = p d/dp
    from ssbsim.simulation.result import Result

    mass = Result(solution, spec, pset, options, energies=False).active_mass_kg
    table = cycle_sensitivities(simulation, solution, spec.cycles(), mass)
    sens = {
        "step end time [s]": step_end_times(simulation, solution) * scale,
        **{col: table[col] * scale for col in COLUMNS},
        FILM: np.array([variable_sensitivity(simulation, c.steps[-1], -1, FILM)[1] for c in solution.cycles]) * scale,
    }
    plain, *_ = _simulation(cell_a)
    fd = {}
    for j, name in enumerate(NAMES):
        up, down = (
            _observed(plain, plain.solve(inputs={**base, name: base[name] * np.exp(s * H)}), spec, pset, options)
            for s in (1, -1)
        )
        for key in up:
            fd.setdefault(key, np.zeros((len(up[key]), len(NAMES))))[:, j] = (up[key] - down[key]) / (2 * H)
    return {key: (sens[key], fd[key]) for key in sens}


@pytest.mark.parametrize("quantity", ["step end time [s]", *COLUMNS, FILM])
def test_event_corrected_sensitivities_match_finite_differences(derivatives, quantity):
    sens, fd = derivatives[quantity]
    assert sens.shape == fd.shape and len(fd) >= 3
    assert np.all(np.abs(fd) > 0)
    np.testing.assert_allclose(sens, fd, rtol=0.01)


def test_without_the_jump_later_steps_are_wrong(cell_a, derivatives, monkeypatch):
    """The check above can fail: PyBaMM's own sensitivities (no correction at the events)
    miss the moving ends, and the discharge capacities come out far off."""
    monkeypatch.setattr(event_sensitivities, "correct_step", lambda solution, model, simulation: np.zeros(2))
    simulation, spec, pset, options = _simulation(cell_a)
    solution = simulation.solve(inputs={n: cell_a[n] for n in NAMES}, calculate_sensitivities=True)
    from ssbsim.simulation.result import Result

    mass = Result(solution, spec, pset, options, energies=False).active_mass_kg
    raw = cycle_sensitivities(simulation, solution, spec.cycles(), mass)["discharge_capacity_mAh_g"]
    raw = raw * np.array([cell_a[n] for n in NAMES])
    fd = derivatives["discharge_capacity_mAh_g"][1]
    assert np.max(np.abs(raw - fd) / np.abs(fd)) > 0.5
