"""The impedance step of experiment files."""

import pytest

from ssbsim.errors import InputError
from ssbsim.protocol import load_experiment
from ssbsim.protocol.impedance_step import parse_impedance_step


def test_parses_frequencies_and_points_per_decade():
    step = parse_impedance_step("Impedance from 200 kHz to 10 mHz")
    assert (step.high_Hz, step.low_Hz, step.points_per_decade) == (2e5, 1e-2, 10)
    step = parse_impedance_step("impedance from 1 Hz to 1 MHz, 5 points per decade")
    assert (step.high_Hz, step.low_Hz, step.points_per_decade) == (1e6, 1.0, 5)
    assert len(step.frequencies()) == 31


@pytest.mark.parametrize(
    "text", ["Impedance from 200 kHz", "Impedance from 0 Hz to 1 Hz", "Impedance from 1 Hz to 1 Hz", "Impedance at 1 V"]
)
def test_bad_impedance_steps_are_input_errors(text):
    with pytest.raises(InputError, match="step"):
        parse_impedance_step(text, "x.toml", 3)


def test_experiment_file_places_spectra_and_keeps_them_out_of_pybamm(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text(
        '[[block]]\nrepeat = 2\nsteps = ["Impedance from 1 kHz to 1 Hz", "Charge at C/10 until 4.0 V", '
        '"Impedance from 1 kHz to 1 Hz, 3 points per decade", "Discharge at C/10 until 2.5 V"]\n'
    )
    spec = load_experiment(path)
    assert spec.cycles() == [("Charge at C/10 until 4.0 V", "Discharge at C/10 until 2.5 V")] * 2
    assert [(c, done, s.points_per_decade) for c, done, s in spec.impedance_requests()] == [
        (0, 0, 10),
        (0, 1, 3),
        (1, 0, 10),
        (1, 1, 3),
    ]


def test_a_cycle_of_impedance_only_is_refused(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[[block]]\nsteps = ["Impedance from 1 kHz to 1 Hz"]\n')
    with pytest.raises(InputError, match="besides impedance"):
        load_experiment(path)
