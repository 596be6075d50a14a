"""The two-line onset extraction (BRIEF §2) on curves whose answer is known."""

import numpy as np
import pandas as pd
import pytest

from ssbsim.observables.onset import onset_table, two_line_onsets


def kinked(E, kinks):
    """Background 0.1 + 0.02 (E - 2) plus, per (potential, slope, cap) a ramp from the
    potential up, levelling off at ``cap`` (a plateau before the next wave)."""
    i = 0.1 + 0.02 * (E - 2.0)
    for at, slope, cap in kinks:
        i = i + np.clip(slope * (E - at), 0, cap)
    return i


@pytest.mark.parametrize("step", [1e-3, 2.5e-3])
def test_onset_of_a_two_line_curve_is_exact(step):
    E = np.arange(2.0, 4.5 + step / 2, step)
    assert two_line_onsets(E, kinked(E, [(3.7, 5.0, np.inf)])) == pytest.approx([3.7], abs=1e-9)


def test_two_waves_two_exact_onsets():
    E = np.arange(2.0, 6.0, 1e-3)
    i = kinked(E, [(3.45, 2.0, 1.0), (4.20, 40.0, np.inf)])
    assert two_line_onsets(E, i) == pytest.approx([3.45, 4.20], abs=1e-9)


def test_no_onset_on_a_capacitive_scan_or_noise():
    rng = np.random.default_rng(1)
    E = np.arange(2.5, 4.0, 1e-3)
    assert two_line_onsets(E, np.full_like(E, 0.07)) == []
    assert two_line_onsets(E, 0.07 + 1e-3 * rng.standard_normal(len(E))) == []


def test_onsets_survive_measurement_noise():
    rng = np.random.default_rng(2)
    E = np.arange(2.0, 6.0, 1e-3)
    i = kinked(E, [(3.45, 2.0, 1.0), (4.20, 40.0, np.inf)]) + 0.01 * rng.standard_normal(len(E))
    assert two_line_onsets(E, i) == pytest.approx([3.45, 4.20], abs=0.01)


def test_onset_table_reads_only_anodic_scans():
    up = np.arange(2.5, 4.5, 1e-3)
    E = np.concatenate([up, up[::-1]])
    i = np.concatenate([kinked(up, [(3.7, 5.0, np.inf)]), -0.07 * np.ones(len(up))])
    frame = pd.DataFrame({"cycle": 1, "time_s": np.arange(len(E)), "potential_V": E, "current_density_mA_cm2": i})
    table = onset_table(frame)
    assert list(table["cycle"]) == [1]
    assert table["onset_V"].iloc[0] == pytest.approx(3.7, abs=1e-9)
