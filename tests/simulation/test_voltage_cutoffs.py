"""The cell's voltage cut-offs ("Lower/Upper voltage cut-off [V]") stop any step, also one
ended by a time, where a cycler's safety limit would: at the cut-off, not 1 V beyond it
(PyBaMM's experiment machinery moves model events named "Minimum/Maximum voltage [V]" 1 V
outwards, so stock PyBaMM models run past their cut-offs in such steps), and the run says so."""

import pytest

import ssbsim
from ssbsim.errors import SimulationError


def _stopped_run(tmp_path, step, overrides):
    path = tmp_path / "one_step.toml"
    path.write_text(f'description = "one step"\ntemperature_C = 25\n\n[[block]]\nsteps = ["{step}"]\n')
    with pytest.raises(SimulationError) as stop:
        ssbsim.run(str(path), "asakura2020", overrides=overrides)
    solution = stop.value.result.solution
    return str(stop.value), solution["Voltage [V]"].entries, solution["Time [s]"].entries[-1]


def test_a_timed_charge_stops_at_the_upper_cutoff(tmp_path):
    """Cell A at 1C reaches 3.95 V in 20 minutes; with a 3.8 V cut-off it stops there (at
    ~1067 s, 38.6 of 43.4 mAh/g), and the run names the cut-off."""
    message, volts, t_end = _stopped_run(tmp_path, "Charge at 1C for 20 minutes", {"Upper voltage cut-off [V]": 3.8})
    assert volts.max() == pytest.approx(3.8, abs=1e-6)
    assert t_end < 20 * 60 - 60
    assert "Upper voltage cut-off [V]" in message and "Charge at 1C for 20 minutes" in message


def test_a_timed_discharge_stops_at_the_lower_cutoff(tmp_path):
    """Cell A starts discharged (2.36 V): a 1C discharge falls at once; it stops at the 2.2 V
    cut-off, not at 1.2 V."""
    message, volts, t_end = _stopped_run(tmp_path, "Discharge at 1C for 2 hours", {"Lower voltage cut-off [V]": 2.2})
    assert volts.min() == pytest.approx(2.2, abs=1e-6)
    assert t_end < 2 * 3600
    assert "Lower voltage cut-off [V]" in message
