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
    """Cell A starts discharged (OCV 2.40 V): a 1C discharge falls at once; it stops at the 2.2 V
    cut-off, not at 1.2 V."""
    message, volts, t_end = _stopped_run(tmp_path, "Discharge at 1C for 2 hours", {"Lower voltage cut-off [V]": 2.2})
    assert volts.min() == pytest.approx(2.2, abs=1e-6)
    assert t_end < 2 * 3600
    assert "Lower voltage cut-off [V]" in message


def test_a_start_outside_the_cutoffs_is_bad_input(tmp_path):
    """The cell starts at rest at the OCP of its initial filling, at the run's temperature:
    He 2018's TiS2 (x0 = 1e-3) is at 2.440 V at 25 °C and 2.486 V at 80 °C. An upper cut-off
    of 2.46 V lies above the first and below the second: bad input only at 80 °C, caught
    before anything is solved (not PyBaMM's "non-positive at initial conditions")."""
    from ssbsim.errors import InputError
    from ssbsim.simulation.initial_state import open_circuit_voltage
    from ssbsim.simulation.run import prepare

    path = tmp_path / "rest.toml"
    cutoff = {"Upper voltage cut-off [V]": 2.46}
    for celsius, volts in ((25, 2.440), (80, 2.486)):
        path.write_text(
            f'description = "rest"\ntemperature_C = {celsius}\n\n[[block]]\nsteps = ["Rest for 1 minute"]\n'
        )
        _, pset, options = prepare(str(path), "he2018")
        assert open_circuit_voltage(pset, options) == pytest.approx(volts, abs=1e-3)
    path.write_text(path.read_text().replace("temperature_C = 80", "temperature_C = 25"))
    assert prepare(str(path), "he2018", overrides=cutoff)[1]["Upper voltage cut-off [V]"] == 2.46  # 2.440 V < 2.46 V
    path.write_text(path.read_text().replace("temperature_C = 25", "temperature_C = 80"))
    rested = ssbsim.run(str(path), "he2018", overrides={"Upper voltage cut-off [V]": 2.5})
    assert rested.solution["Voltage [V]"].entries[0] == pytest.approx(2.486, abs=1e-3)  # the model starts there
    with pytest.raises(InputError, match=r"^--set:Upper voltage cut-off \[V\]: 2\.46 V is below .* 2\.486 V"):
        prepare(str(path), "he2018", overrides=cutoff)
