"""Numbers that must not depend on numerical settings: the output period (item 1 of
issue 12) and the radial mesh (item 2)."""

import numpy as np
import pytest

import ssbsim
from ssbsim.observables.cycles import step_bounds
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import Block, ExperimentSpec

#: every rate of the shipped experiments (C/10 ... 1C) and beyond, up to 5C
RATES = ["C/10", "C/5", "C/2", "1C", "2C", "5C"]


def with_period(spec, period):
    return ExperimentSpec(spec.name, spec.blocks, spec.description, spec.temperature_C, period, spec.source)


def test_efficiencies_and_mean_voltages_do_not_depend_on_the_output_period():
    """Energies come from an integrated state, not from the stored points: 30 s or 10 min
    of output period give the same energy efficiency (< 0.05 points) and mean voltages
    (< 1 mV). The trapezoid rule on the stored points moved them by 0.24 points and
    10 mV on the cutoff sweep."""
    spec = load_experiment("cutoff_sweep")
    fine = ssbsim.run(with_period(spec, "30 seconds")).cycles
    coarse = ssbsim.run(with_period(spec, "10 minutes")).cycles
    assert len(fine) == len(coarse) == spec.n_cycles
    assert np.max(np.abs(fine["energy_efficiency"] - coarse["energy_efficiency"])) < 5e-4
    for column in ["mean_discharge_voltage_V", "mean_charge_voltage_V"]:
        assert np.max(np.abs(fine[column] - coarse[column])) < 1e-3
    for column in ["discharge_capacity_mAh_g", "charge_capacity_mAh_g"]:
        assert np.max(np.abs(fine[column] / coarse[column] - 1)) < 1e-4


def test_energy_counter_is_the_integral_of_power(cell_a):
    """The energy state against the trapezoid rule on a dense (10 s) output."""
    spec = ExperimentSpec(
        "dense", [Block(["Charge at C/5 until 4.15 V", "Discharge at C/5 until 2.5 V"])], period="10 seconds"
    )
    solution = ssbsim.run(spec).solution
    t, V, I = solution.t, solution["Voltage [V]"].entries, solution["Current [A]"].entries
    E = solution["Discharge energy [W.h]"].entries
    for a, b in step_bounds(solution)[0]:  # charge, then discharge
        trapezoid = np.trapezoid(I[a:b] * V[a:b], t[a:b]) / 3600
        assert E[b - 1] - E[a] == pytest.approx(trapezoid, rel=2e-4)


@pytest.mark.parametrize("options", [{}, {"particle": "distribution"}])
def test_default_radial_mesh_is_converged_up_to_5C(options):
    """Charge and discharge capacity of every rate up to 5C within 0.5 % of a 4x finer
    mesh (the uniform 20-cell mesh was 5.5 % off at 5C)."""
    blocks = [Block([f"Charge at {rate} until 4.15 V", f"Discharge at {rate} until 2.5 V"]) for rate in RATES]
    spec = ExperimentSpec("rates", blocks)
    points = ssbsim.model.OPTIONS["radial points"][0]
    default = ssbsim.run(spec, options=options).cycles
    fine = ssbsim.run(spec, options={**options, "radial points": 4 * points}).cycles
    for column in ["charge_capacity_mAh_g", "discharge_capacity_mAh_g"]:
        error = np.abs(default[column] / fine[column] - 1)
        assert error.max() < 0.005, dict(zip(RATES, error))
