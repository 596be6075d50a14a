"""Per-cycle observables: definitions checked against the raw time series."""

import numpy as np
import pandas as pd
import pytest


def test_capacities_are_the_integrated_current(sweep):
    ts = sweep.timeseries
    row = sweep.cycles.iloc[20]
    part = ts[ts["cycle"] == row["cycle"]]
    t, I = part["time_s"].to_numpy(), part["current_A"].to_numpy()
    charge = -np.trapezoid(np.minimum(I, 0), t) / 3600 / sweep.active_mass_kg
    discharge = np.trapezoid(np.maximum(I, 0), t) / 3600 / sweep.active_mass_kg
    assert row["charge_capacity_mAh_g"] == pytest.approx(charge, rel=1e-3)
    assert row["discharge_capacity_mAh_g"] == pytest.approx(discharge, rel=1e-3)


def test_efficiencies_and_mean_voltages_are_consistent(sweep):
    c = sweep.cycles
    assert np.allclose(c["coulombic_efficiency"], c["discharge_capacity_mAh_g"] / c["charge_capacity_mAh_g"])
    assert (c["energy_efficiency"] < c["coulombic_efficiency"]).all()  # a voltage hysteresis costs energy
    assert (c["mean_discharge_voltage_V"] < c["mean_charge_voltage_V"]).all()
    assert ((c["mean_discharge_voltage_V"] > 3.6) & (c["mean_discharge_voltage_V"] < 4.0)).all()


def test_energy_integration_is_converged(sweep):
    """Energies come from the stored points: refining the output changes them < 0.1 %."""
    import ssbsim
    from ssbsim.protocol.experiment_file import ExperimentSpec

    spec = ssbsim.load_experiment("cutoff_sweep")
    fine = ExperimentSpec(spec.name, spec.blocks[:3], spec.description, spec.temperature_C, "20 seconds", spec.source)
    coarse = sweep.cycles.iloc[:5]
    refined = ssbsim.run(fine).cycles
    np.testing.assert_allclose(coarse["mean_discharge_voltage_V"], refined["mean_discharge_voltage_V"], rtol=1e-3)


def test_cycle_table_without_energies_keeps_the_rest(sweep):
    """Studies skip the energy quadrature when no metric needs it: the energy columns
    are NaN, every other column as with the energies."""
    from ssbsim.observables.cycles import ENERGY_COLUMNS, cycle_table

    solution, spec = sweep.solution, sweep.experiment
    lean = cycle_table(solution, spec.cycles(), sweep.active_mass_kg, energies=False)
    full = cycle_table(solution, spec.cycles(), sweep.active_mass_kg)
    assert lean[list(ENERGY_COLUMNS)].isna().all().all()
    pd.testing.assert_frame_equal(lean.drop(columns=list(ENERGY_COLUMNS)), full.drop(columns=list(ENERGY_COLUMNS)))


def test_a_used_up_inventory_is_written_as_zero_not_as_the_solvers_undershoot(sweep):
    """The [B12H12]2- in contact is used up in the cutoff sweep: its share is written 0,
    never a negative below the solver's atol (-4e-64), while the state itself never goes
    below -atol (so no real negative is hidden); a share below -atol would be written."""
    from ssbsim.observables.cycles import INVENTORY_ATOL, inventory_share

    share = sweep.cycles["anion_inventory_remaining_B12H12"]
    assert (share >= 0).all() and share.iloc[-1] == 0 and share.iloc[0] > 0.1
    state = sweep.solution["SE anion 0 contact inventory remaining"].entries
    assert state.min() > -INVENTORY_ATOL
    assert [inventory_share(x) for x in (-5e-82, 3e-7, 0.25, -2e-3)] == [0.0, 0.0, 0.25, -2e-3]
