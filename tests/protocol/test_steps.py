"""Step strings: the voltages and C-rates ssbsim reads from them and rewrites, against
PyBaMM's own parse of the same strings."""

import math

import pytest

from ssbsim.errors import InputError
from ssbsim.protocol import load_experiment
from ssbsim.protocol.steps import check_step, upper_cutoff, voltages, with_c_rate, with_upper_cutoff
from ssbsim.protocol.sweep import is_sweep
from ssbsim.resources import shipped

STEPS = [
    "Charge at C/10 until 4.05 V",
    "Discharge at C/10 until 2.5 V",
    "Hold at 4.1 V until C/50",
    "Rest for 30 minutes",
    "Charge at 1C for 20 minutes or until 4.3 V",
    "Discharge at 0.5 C until 2.5V",
    "Charge at 1 mA until 4.2 V",
    "Hold at 4.2 V for 1 hour or until C/20",
    "Charge at C/5 until 4.15 V (1 minute period)",
]


def pybamm_voltages(text):
    """The voltages PyBaMM reads from a step: a voltage-controlled value and the voltage end conditions."""
    step = check_step(text, "test", None)
    found = [abs(step.value)] if type(step).__name__ == "Voltage" else []
    return found + [t.value for t in step.termination if type(t).__name__ == "VoltageTermination"]


@pytest.mark.parametrize("text", STEPS)
def test_voltages_are_pybamms(text):
    assert voltages(text) == pytest.approx(pybamm_voltages(text))


def test_voltages_of_every_shipped_step_are_pybamms():
    texts = {s for name in shipped("experiments") for cycle in load_experiment(name).cycles() for s in cycle}
    texts = {s for s in texts if not is_sweep(s)}  # ssbsim's own step, not PyBaMM's (test_voltammetry.py)
    assert len(texts) > 5
    for text in texts:
        assert voltages(text) == pytest.approx(pybamm_voltages(text)), text


def test_upper_cutoff_of_a_cycle_is_its_highest_charge_or_hold_voltage():
    assert upper_cutoff(["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"]) == 4.05
    assert upper_cutoff(["Charge at C/10 until 4.05 V", "Hold at 4.1 V until C/50", "Rest for 1 hour"]) == 4.1
    # a discharge cut-off is not an upper cutoff, even if it were higher
    assert upper_cutoff(["Discharge at C/10 until 4.5 V", "Charge at 1C until 4.2 V"]) == 4.2
    assert math.isnan(upper_cutoff(["Rest for 1 hour", "Discharge at C/10 until 2.5 V"]))


def test_with_upper_cutoff_sets_charge_cutoffs_and_hold_voltages_only():
    assert with_upper_cutoff("Charge at C/10 until 4.05 V", 4.3) == "Charge at C/10 until 4.3 V"
    assert with_upper_cutoff("Charge at 1C for 20 minutes or until 4.3 V", 4.125) == (
        "Charge at 1C for 20 minutes or until 4.125 V"
    )
    assert with_upper_cutoff("Hold at 4.1 V until C/50", 4.25) == "Hold at 4.25 V until C/50"
    assert with_upper_cutoff("Hold at 4.2 V for 1 hour or until C/20", 4.0) == "Hold at 4 V for 1 hour or until C/20"
    for unchanged in ("Discharge at C/10 until 2.5 V", "Rest for 30 minutes", "Hold at 1 mA until 4.1 V"):
        assert with_upper_cutoff(unchanged, 4.3) == unchanged
    assert voltages(with_upper_cutoff("Charge at C/5 until 4.15 V (1 minute period)", 4.4)) == [4.4]


def test_with_c_rate_sets_the_rate_of_c_rate_charge_and_discharge_steps():
    assert with_c_rate("Charge at C/10 until 4.05 V", 0.5) == "Charge at 0.5C until 4.05 V"
    assert with_c_rate("Discharge at 1C until 2.5 V", 2) == "Discharge at 2C until 2.5 V"
    assert with_c_rate("Discharge at 0.5 C until 2.5V", 0.2) == "Discharge at 0.2C until 2.5V"
    for unchanged in ("Charge at 1 mA until 4.2 V", "Hold at 4.1 V until C/50", "Rest for 30 minutes"):
        assert with_c_rate(unchanged, 3) == unchanged
    step = check_step(with_c_rate("Charge at C/10 until 4.05 V", 0.25), "test", None)
    assert step.value == pytest.approx(-0.25)  # PyBaMM: negative on charge


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "non-empty string"),
        ("Charge at C/10 until", "step 'Charge at C/10 until'"),
        ("Charge at -1C until 4.1 V", "rate must be positive"),
        ("Hold at 12 V until C/50", "hold voltage must be between 0 and 10 V"),
        ("Charge at 1C until 11 V", "cut-off voltage must be between 0 and 10 V"),
        ("Charge at 1C for 0 minutes", "duration must be positive"),
    ],
)
def test_check_step_names_the_step_and_the_reason(text, reason):
    with pytest.raises(InputError, match="exp.toml:7:") as err:
        check_step(text, "exp.toml", 7)
    assert reason in str(err.value) and "\n" not in str(err.value)
