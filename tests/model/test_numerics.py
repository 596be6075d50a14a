"""Numbers that must not depend on numerical settings: the output period (item 1 of
issue 12) and the radial mesh (item 2)."""

import numpy as np
import pybamm
import pytest

import ssbsim
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import Block, ExperimentSpec, truncated

#: every rate of the shipped experiments (C/10 ... 1C) and beyond, up to 5C
RATES = ["C/10", "C/5", "C/2", "1C", "2C", "5C"]


def with_period(spec, period):
    return ExperimentSpec(spec.name, spec.blocks, spec.description, spec.temperature_C, period, spec.source)


def test_efficiencies_and_mean_voltages_do_not_depend_on_the_output_period():
    """Energies are integrated over the solver's steps, not over the stored points: 30 s or
    10 min of output period give the same energy efficiency (< 0.05 points) and mean
    voltages (< 1 mV). The trapezoid rule on the stored points moved them by 0.24 points
    and 10 mV on the cutoff sweep."""
    spec = load_experiment("cutoff_sweep")
    fine = ssbsim.run(with_period(spec, "30 seconds")).cycles
    coarse = ssbsim.run(with_period(spec, "10 minutes")).cycles
    assert len(fine) == len(coarse) == spec.n_cycles
    assert np.max(np.abs(fine["energy_efficiency"] - coarse["energy_efficiency"])) < 5e-4
    for column in ["mean_discharge_voltage_V", "mean_charge_voltage_V"]:
        assert np.max(np.abs(fine[column] - coarse[column])) < 1e-3
    for column in ["discharge_capacity_mAh_g", "charge_capacity_mAh_g"]:
        assert np.max(np.abs(fine[column] / coarse[column] - 1)) < 1e-4


def test_energies_match_a_tight_tolerance_run():
    """Energies integrated over the solver's steps at the default tolerance against the
    same run at rtol 1e-8: mean voltages within 1 mV, energy efficiency within 0.05 points
    (an integrated energy state was 20 mV off after 100 cycles, the trapezoid rule on
    10-minute output 6 mV)."""
    spec = truncated(load_experiment("formation_4p15V"), 30)
    default = ssbsim.run(spec).cycles
    tight = ssbsim.run(spec, solver=pybamm.IDAKLUSolver(rtol=1e-8, atol=1e-10, on_extrapolation="ignore")).cycles
    for column in ["mean_discharge_voltage_V", "mean_charge_voltage_V"]:
        assert np.max(np.abs(default[column] - tight[column])) < 1e-3
    assert np.max(np.abs(default["energy_efficiency"] - tight["energy_efficiency"])) < 5e-4


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
