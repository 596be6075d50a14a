"""Forward sensitivities through a cycling experiment whose steps end on cut-off
voltages (``simulation/event_sensitivities.py``, ``observables/cycle_sensitivities.py``)
against central finite differences of re-solves: step end times, per-cycle capacities,
coulombic efficiency, irreversible capacity, energy efficiency and mean discharge
voltage (energies: the quadrature with the steps' moving ends), R2 and the [B12H12]2-
film thickness at the end of each cycle, for
the [B12H12]2- decomposition rate constant and passivation length, in log space as the
fit uses them. Both at tight solver tolerances, so that the 1 % is the method's, not the
solver's noise.

The same for the first three cycles of the formation protocol (issue 13: the cracking
coefficient and the [CB11H12]- parameters at cycle 1). A re-solve's capacity scatters
about its smooth dependence on p by up to ~0.4 rtol |q| (IDA's step sequence changes
with p: measured on cycle 1's discharge, +-1.7e-5 mAh/g at rtol 1e-6, 3.7e-7 at 1e-8),
so a central difference with step H in ln p carries up to rtol |q| / H of noise: at
rtol 1e-6 and H = 1e-3 that is ~0.01 mAh/g per unit ln p, the size of the cycle-1
"disagreement" once measured (-0.0157 against -0.0065), which was that noise. Here
rtol 1e-8 and H = 1e-2: noise below 1e-4 mAh/g, truncation error (H^2) below 0.01 %.
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
RTOL = 1e-8
COLUMNS = [
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "cathode_interphase_resistance_ohm_cm2",
    "irreversible_capacity_mAh_g",
    "energy_efficiency",
    "mean_discharge_voltage_V",
]
#: issue 13: the cracking coefficient and the [CB11H12]- parameters, formation cycles 1-3
FORMATION_NAMES = sorted(
    [
        "Positive electrode interphase cracking coefficient [m2.C-1]",
        *(anion_names(1)[key] for key in ("rate", "resistivity", "length")),
    ]
)
FORMATION_COLUMNS = ["charge_capacity_mAh_g", "discharge_capacity_mAh_g", "coulombic_efficiency"]
FORMATION_H = 1e-2


def _simulation(cell_a, experiment="cutoff_sweep", names=NAMES):
    spec, pset, options = prepare(truncated(load_experiment(experiment), 3), cell_a)
    solver = CellModel(options).solver()
    solver.rtol, solver.atol = RTOL, RTOL * 1e-2
    simulation = build_simulation(spec, pset, options, inputs=names, solver=solver, impedance=False)
    return simulation, spec, pset, options


def _observed(simulation, solution, spec, pset, options, columns=COLUMNS):
    """Step end times, the cycle-table columns and the film at the end of each cycle."""
    from ssbsim.simulation.result import Result

    cycles = Result(solution, spec, pset, options).cycles
    film = [cycle.steps[-1]["Cathode interphase layer 0 thickness [m]"].entries[-1] for cycle in solution.cycles]
    return {
        "step end time [s]": np.array([sub.t[-1] for sub in solution.sub_solutions]),
        **{col: cycles[col].to_numpy() for col in columns},
        FILM: np.array(film),
    }


def _sensitivities(cell_a, experiment, names, columns):
    """(the solve's event-corrected sensitivities {quantity: d/d ln p}, the solve, its
    run's (simulation, spec, pset, options))."""
    from ssbsim.simulation.result import Result

    simulation, spec, pset, options = _simulation(cell_a, experiment, names)
    base = {n: cell_a[n] for n in names}
    solution = simulation.solve(inputs=base, calculate_sensitivities=True)
    scale = np.array([base[n] for n in names])  # d/d ln p = p d/dp
    mass = Result(solution, spec, pset, options, energies=False).active_mass_kg
    table = cycle_sensitivities(simulation, solution, spec.cycles(), mass)
    sens = {col: table[col] * scale for col in columns}
    return sens, solution, (simulation, spec, pset, options)


def _central_differences(cell_a, experiment, names, columns, h):
    """{quantity: central differences in ln p (cycles or steps x parameters)} of re-solves."""
    plain, spec, pset, options = _simulation(cell_a, experiment, names)
    base = {n: cell_a[n] for n in names}
    fd = {}
    for j, name in enumerate(names):
        up, down = (
            _observed(
                plain, plain.solve(inputs={**base, name: base[name] * np.exp(s * h)}), spec, pset, options, columns
            )
            for s in (1, -1)
        )
        for key in up:
            fd.setdefault(key, np.zeros((len(up[key]), len(names))))[:, j] = (up[key] - down[key]) / (2 * h)
    return fd


@pytest.fixture(scope="module")
def derivatives(cell_a):
    """{quantity: (event-corrected sensitivities, central differences)}, d/d ln p."""
    sens, solution, (simulation, *_) = _sensitivities(cell_a, "cutoff_sweep", NAMES, COLUMNS)
    scale = np.array([cell_a[n] for n in NAMES])
    sens["step end time [s]"] = step_end_times(simulation, solution) * scale
    sens[FILM] = np.array([variable_sensitivity(simulation, c.steps[-1], -1, FILM)[1] for c in solution.cycles]) * scale
    fd = _central_differences(cell_a, "cutoff_sweep", NAMES, COLUMNS, H)
    return {key: (sens[key], fd[key]) for key in sens}


@pytest.fixture(scope="module")
def formation_derivatives(cell_a):
    """{column: (sensitivities, central differences, values)} of the first three cycles
    of the formation protocol, d/d ln p."""
    sens, solution, run = _sensitivities(cell_a, "formation_4p15V", FORMATION_NAMES, FORMATION_COLUMNS)
    values = _observed(run[0], solution, *run[1:], FORMATION_COLUMNS)
    fd = _central_differences(cell_a, "formation_4p15V", FORMATION_NAMES, FORMATION_COLUMNS, FORMATION_H)
    return {key: (sens[key], fd[key], values[key]) for key in sens}


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


@pytest.mark.parametrize("quantity", FORMATION_COLUMNS)
def test_formation_cycles_sensitivities_match_finite_differences(formation_derivatives, quantity):
    """Issue 13: cycles 1-3 of the formation, the cracking coefficient and the [CB11H12]-
    rate constant, resistivity and passivation length, to 1 % plus the differences' noise
    (module docstring: rtol |q| / H; 1e-4 mAh/g, 1e-6 in CE). The cycle-1 discharge
    capacity's derivative in the cracking coefficient is -0.0157 here; the -0.0065 once
    measured would fail by 0.009, 35 times this allowance."""
    sens, fd, values = formation_derivatives[quantity]
    assert sens.shape == fd.shape == (3, len(FORMATION_NAMES))
    assert np.all(np.abs(fd) > 0)
    noise = RTOL * np.max(np.abs(values)) / FORMATION_H
    np.testing.assert_allclose(sens, fd, rtol=0.01, atol=noise)
