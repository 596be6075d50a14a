"""Voltammetry of the SE on the SE:carbon electrode (issue 11): the capacitor limit, the
Tafel tail, target T10 (BRIEF §3), the outputs and the speed of the stepwise CV."""

import numpy as np
import pandas as pd
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.constants import F, R
from ssbsim.observables import stepwise_cv
from ssbsim.observables.onset import onset_table
from ssbsim.observables.voltammetry import voltammogram
from ssbsim.parameters.registry import CAPACITANCE, CARBON, anion_names
from ssbsim.protocol.experiment_file import Block, ExperimentSpec

SET = "asakura2020_se_carbon"


@pytest.fixture(scope="module")
def se_carbon():
    return ssbsim.load_parameter_set(SET)


@pytest.fixture(scope="module")
def lsv():
    return ssbsim.run("voltammetry_lsv")


@pytest.fixture(scope="module")
def stepwise():
    return ssbsim.run("voltammetry_stepwise_cv")


def contact_area(pset):
    return pset[CARBON.loading.name] * pset[CARBON.ssa.name] * pset[CARBON.contact.name]


def spec(*steps, temperature_C=25.0):
    return ExperimentSpec("test", [Block(list(steps))], temperature_C=temperature_C)


def test_a_pure_capacitor_gives_i_equal_C_v(se_carbon):
    experiment = spec("Hold at 2.0 V for 1 minute", "Sweep to 2.5 V at 10 mV/s", "Sweep to 2.0 V at 1 mV/s")
    result = ssbsim.run(experiment, SET, options={"interphase": "none"})
    frame = voltammogram(result)
    C = se_carbon[CAPACITANCE.C_cathode.name] * contact_area(se_carbon) * 0.1  # F/m2 -> mA/cm2 per V/s
    for scan, rate in ((1, 10e-3), (2, -1e-3)):
        part = frame[frame["scan"] == scan]
        middle = part[(part["potential_V"] - 2.25).abs() < 0.2]["current_density_mA_cm2"]
        assert len(middle) > 10
        np.testing.assert_allclose(middle, C * rate, rtol=1e-3)


def test_no_decomposition_below_the_tafel_tail(lsv, se_carbon):
    s = lsv.solution
    E = s["Positive electrode surface potential difference [V]"].entries
    t = s.t
    sweeping = t > 600  # after the hold at 2.0 V
    A_c = contact_area(se_carbon)
    capacitive = se_carbon[CAPACITANCE.C_cathode.name] * A_c * 10e-6
    T = 333.15
    for k in (0, 1):
        names = anion_names(k)
        j = -s[f"Cathode decomposition current density of anion {k} [A.m-2]"].entries * A_c
        rate = se_carbon[names["rate"]] * np.exp(
            se_carbon[names["energy"]] / R * (1 / se_carbon["Reference temperature [K]"] - 1 / T)
        )
        tafel = (
            A_c
            * se_carbon[names["fraction"]]
            * rate
            * np.exp(se_carbon[names["alpha"]] * F / (R * T) * (E - se_carbon[names["potential"]]))
        )
        low = sweeping & (E < 3.0)
        # below the onsets the decomposition is the film-free Tafel law and nothing else ...
        np.testing.assert_allclose(j[low], tafel[low], rtol=1e-3)
        # ... and far below them it is nothing next to the double layer
        assert np.all(j[sweeping & (E < 2.6)] < 1e-2 * capacitive)


def test_T10_onsets_at_10_uV_s_and_60_C(lsv):
    onsets = onset_table(voltammogram(lsv))
    assert list(onsets["cycle"]) == [1, 1]
    assert onsets["onset_V"].to_numpy() == pytest.approx([3.45, 4.20], abs=0.05)


def test_T10_stepwise_current_soars_above_4p20_V(stepwise):
    assert stepwise_cv.soar(voltammogram(stepwise), top=4.40, below=4.15) >= 10


def test_T10_stepwise_reverse_scans_carry_almost_no_cathodic_charge(stepwise):
    table = stepwise_cv.summary(voltammogram(stepwise))
    high = table[table["upper_V"] >= 4.30 - 1e-9]
    assert len(high) == 15
    assert (high["reverse_fraction"] < 0.10).all()


def test_T10_stepwise_next_scan_stays_low_up_to_the_previous_limit(stepwise):
    table = stepwise_cv.summary(voltammogram(stepwise))
    after = table[table["upper_V"].shift(1) >= 4.20 - 1e-9]
    assert (after["memory"] < 0.20).all()


def test_stepwise_cv_is_33_cycles_with_their_upper_limits(stepwise):
    limits = [round(2.8 + 0.1 * k, 2) for k in range(13)] + [round(4.05 + 0.05 * k, 2) for k in range(20)]
    cycles = stepwise.cycles
    assert len(cycles) == 33
    assert cycles["upper_cutoff_V"].to_numpy() == pytest.approx(limits)
    assert cycles["max_voltage_V"].to_numpy() == pytest.approx(limits, abs=1e-6)
    # no intercalation host: nothing per gram, but the efficiencies are ratios of charges (per
    # step: a reverse scan whose net charge is still anodic counts as charge, CE 0)
    assert cycles["charge_capacity_mAh_g"].isna().all() and cycles["discharge_capacity_mAh_g"].isna().all()
    assert ((cycles["coulombic_efficiency"] >= 0) & (cycles["coulombic_efficiency"] <= 1)).all()
    assert cycles["coulombic_efficiency"].iloc[-1] < 0.05  # the decomposition is irreversible


def test_stepwise_cv_runs_in_under_10_s(stepwise):
    assert stepwise.wall_time < 10


def test_run_writes_voltammogram_and_onsets_and_onset_reads_them_back(tmp_path, capsys):
    out = tmp_path / "lsv"
    assert main(["run", "voltammetry_lsv", "-o", str(out), "-q"]) == 0
    frame = pd.read_csv(out / "voltammogram.csv")
    assert list(frame.columns[:2]) == ["cycle", "scan"]
    assert {"time_s", "potential_V", "current_density_mA_cm2"} <= set(frame.columns)
    assert frame["potential_V"].min() == pytest.approx(2.0) and frame["potential_V"].max() == pytest.approx(6.0)
    onsets = pd.read_csv(out / "onsets.csv")
    assert list(onsets.columns) == ["cycle", "onset_V"] and len(onsets) == 2
    assert (out / "voltammogram.png").read_bytes()[:4] == b"\x89PNG"
    assert not (out / "voltage_capacity.png").exists()  # no per-gram figures without a host
    assert len(pd.read_csv(out / "cycles.csv")) == 1
    capsys.readouterr()
    assert main(["onset", str(out / "voltammogram.csv"), "-o", str(tmp_path / "again")]) == 0
    again = pd.read_csv(tmp_path / "again" / "onsets.csv")
    np.testing.assert_allclose(again["onset_V"], onsets["onset_V"], atol=1e-3)


def test_onset_of_an_ec_lab_cv_export(tmp_path, capsys):
    """A CV as EC-Lab exports it (Ewe/V, <I>/mA, anodic positive): onset of a known kink."""
    E = np.concatenate([np.arange(2.5, 4.5, 1e-3), np.arange(4.5, 2.5, -1e-3)])
    i_mA = np.where(np.gradient(E) > 0, 1e-3 + 0.5 * np.maximum(E - 3.9, 0), -1e-3)
    header = ["time/s", "Ewe/V", "<I>/mA", "cycle number"]
    lines = ["EC-Lab ASCII FILE", "Nb header lines : 4", "Cyclic Voltammetry", "\t".join(header)]
    lines += [f"{10.0 * n:.1f}\t{e:.4f}\t{i:.6f}\t1" for n, (e, i) in enumerate(zip(E, i_mA))]
    path = tmp_path / "cv.mpt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    assert main(["onset", str(path), "-o", str(tmp_path / "out")]) == 0
    onsets = pd.read_csv(tmp_path / "out" / "onsets.csv")
    assert onsets["onset_V"].to_numpy() == pytest.approx([3.9], abs=2e-3)


@pytest.mark.parametrize(
    "step, message",
    [
        ("Sweep to 4.0 V at 10 nV/s", "rate unit 'nV/s'"),
        ("Sweep to 4.0 V at 0 mV/s", "sweep rate must be positive"),
        ("Sweep 4.0 V", 'a sweep reads "Sweep to'),
        ("Sweep to 12 V at 1 mV/s", "between 0 and 10 V"),
    ],
)
def test_bad_sweep_steps_exit_2_naming_the_line(tmp_path, capsys, step, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'[[block]]\nsteps = ["Hold at 2.0 V for 1 minute", "{step}"]\n')
    assert main(["run", str(path), "-p", SET]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.toml:2:" in err and "Traceback" not in err


def test_potential_control_with_every_interface_capacitive_is_refused(capsys):
    assert main(["run", "voltammetry_lsv", "--option", "capacitance=double layers"]) == 2
    assert 'needs capacitance = "none"' in capsys.readouterr().err


def test_a_sweep_needs_a_known_start_potential(tmp_path, capsys):
    path = tmp_path / "nostart.toml"
    path.write_text('[[block]]\nsteps = ["Rest for 1 minute", "Sweep to 4.0 V at 1 mV/s"]\n')
    assert main(["run", str(path), "-p", SET]) == 2
    assert "starts from the potential the step before it" in capsys.readouterr().err


def test_sweep_rates_in_every_unit():
    from ssbsim.protocol.sweep import parse_sweep

    for text, rate in [
        ("Sweep to 4 V at 10 uV/s", 1e-5),
        ("Sweep to 4 V at 10 µV/s", 1e-5),
        ("Sweep to 4 V at 2 mV/s", 2e-3),
        ("sweep to 4.5 V at 0.1 V/s", 0.1),
    ]:
        assert parse_sweep(text).rate == pytest.approx(rate)
