"""The readers of measured data, on real BioLogic files and on broken copies of them.

The real files live in ``../shared/data/third_party`` beside the repository (their README
says what each is); the tests that need them skip when that folder is absent. Broken
files are written to ``tmp_path``; every error must be one line naming the file and the
line (or column) at fault.
"""

import sys

import numpy as np
import pandas as pd
import pytest

from ssbsim.data import read_cycle_table, read_timeseries
from ssbsim.data.series import cycles_from_current
from ssbsim.errors import InputError

from ..conftest import SHARED_DATA, needs_third_party

THIRD_PARTY = SHARED_DATA
PEIS = THIRD_PARTY / "biologic_peis_impedance_py.mpt"
GCPL = THIRD_PARTY / "biologic_gcpl_5cycles_navani.mpr"
MB = THIRD_PARTY / "biologic_mb_navani.mpr"
PEIS_HEADER_LINE, PEIS_ROWS = 61, 43  # column names on line 61, data on lines 62-104

needs_files = needs_third_party


def peis_lines():
    return PEIS.read_bytes().decode("latin-1").split("\n")


def write(path, lines, encoding="latin-1"):
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def error(path, reader=read_timeseries):
    """The message of the InputError ``reader`` raises on ``path``, checked to be one line
    naming the file."""
    with pytest.raises(InputError) as info:
        reader(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}:"), message
    return message


# --- BioLogic text export (.mpt) ----------------------------------------------------------


@needs_files
def test_peis_mpt_header_and_columns():
    frame = read_timeseries(PEIS)
    assert frame.attrs["source"] == str(PEIS)
    assert len(frame) == PEIS_ROWS
    assert list(frame.columns[:4]) == ["time_s", "voltage_V", "current_A", "cycle"]
    # the other columns under their own names; latin-1 "µ" decoded
    for name in ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Cs/\u00b5F", "I Range", "|I|/A"):
        assert name in frame.columns, name
    # converted columns are not kept twice
    for name in ("time/s", "<Ewe>/V", "<I>/mA", "cycle number"):
        assert name not in frame.columns
    freq = frame["freq/Hz"].to_numpy()
    assert freq[0] == pytest.approx(1000.3201) and freq[-1] == pytest.approx(0.01689554)
    assert np.all(np.diff(freq) < 0)  # a sweep from 1 kHz down (stopped at 16.9 mHz)
    assert frame["Re(Z)/Ohm"].iloc[0] == pytest.approx(65.470886)


@needs_files
def test_peis_mpt_maps_to_a_time_series():
    """An impedance run has the mean potential and current: a valid, short time series."""
    frame = read_timeseries(PEIS)
    raw = peis_lines()[PEIS_HEADER_LINE].split("\t")  # first data line
    assert frame["time_s"].iloc[0] == pytest.approx(float(raw[5]))
    assert frame["voltage_V"].iloc[0] == pytest.approx(float(raw[6]))  # <Ewe>/V
    assert frame["current_A"].iloc[0] == pytest.approx(-float(raw[7]) * 1e-3)  # -<I>/mA
    assert frame["current_A"].iloc[0] == pytest.approx(4.8041187e-5)
    assert np.all(np.diff(frame["time_s"]) > 0)
    assert frame["cycle"].dtype == np.int64
    assert set(frame["cycle"]) == {2}  # 'cycle number' 1 in the file, counted from 0


@needs_files
@pytest.mark.parametrize("variant", ["decimal comma", "BT-Lab", "CRLF"])
def test_mpt_variants_parse_identically(tmp_path, variant):
    lines = peis_lines()
    if variant == "decimal comma":
        lines = lines[:PEIS_HEADER_LINE] + [line.replace(".", ",") for line in lines[PEIS_HEADER_LINE:]]
        assert "," in lines[-1]
    elif variant == "BT-Lab":
        lines[0] = "BT-Lab ASCII FILE"
    else:
        lines = [line + "\r" for line in lines]
    copy = write(tmp_path / "variant.mpt", lines)
    expected, got = read_timeseries(PEIS), read_timeseries(copy)
    pd.testing.assert_frame_equal(got, expected)
    assert got.attrs["source"] == str(copy)


@needs_files
def test_truncated_mpt(tmp_path):
    lines = peis_lines()
    cut = PEIS_HEADER_LINE + 20  # line 82, cut in the middle
    line = lines[cut - 1]
    path = write(tmp_path / "cut.mpt", lines[: cut - 1] + [line[: len(line) // 2]])
    message = error(path)
    assert f"{path}:{cut}:" in message and "truncated" in message
    assert f"where the header (line {PEIS_HEADER_LINE}) has 18" in message


@needs_files
def test_mpt_wrong_first_line(tmp_path):
    lines = peis_lines()
    lines[0] = "Some other ASCII FILE"
    message = error(write(tmp_path / "first.mpt", lines))
    assert "first.mpt:1:" in message and "'EC-Lab ASCII FILE'" in message


@needs_files
@pytest.mark.parametrize(
    "line, fragment",
    [
        ("Nb header lines : 500", "'Nb header lines : 500' but the file has only 104 lines"),
        ("Nb header lines : lots", "expected 'Nb header lines : N'"),
        ("Number of lines 61", "expected 'Nb header lines : N'"),
    ],
)
def test_mpt_bad_header_count(tmp_path, line, fragment):
    lines = peis_lines()
    lines[1] = line
    message = error(write(tmp_path / "count.mpt", lines))
    assert "count.mpt:2:" in message and fragment in message


@needs_files
def test_mpt_missing_voltage_column(tmp_path):
    lines = peis_lines()
    lines[PEIS_HEADER_LINE - 1] = lines[PEIS_HEADER_LINE - 1].replace("<Ewe>/V", "<Ece>/V")
    message = error(write(tmp_path / "novolt.mpt", lines))
    assert f"novolt.mpt:{PEIS_HEADER_LINE}: no voltage column" in message
    assert "'<Ece>/V'" in message and "'freq/Hz'" in message  # lists what is there


@needs_files
def test_mpt_unknown_unit(tmp_path):
    lines = peis_lines()
    lines[PEIS_HEADER_LINE - 1] = lines[PEIS_HEADER_LINE - 1].replace("time/s", "time/ms")
    message = error(write(tmp_path / "unit.mpt", lines))
    assert f"unit.mpt:{PEIS_HEADER_LINE}: column 'time/ms': unit 'ms' for time" in message


@needs_files
def test_mpt_non_numeric_cell(tmp_path):
    lines = peis_lines()
    bad = 70
    fields = lines[bad - 1].split("\t")
    fields[1] = "n/a"
    lines[bad - 1] = "\t".join(fields)
    message = error(write(tmp_path / "cell.mpt", lines))
    assert f"cell.mpt:{bad}: column 'Re(Z)/Ohm': 'n/a' is not a number" in message


def mpt(path, header, rows):
    """A small EC-Lab text export: column names on line 4, data from line 5."""
    lines = ["EC-Lab ASCII FILE", "Nb header lines : 4", "", "\t".join(header) + "\t"]
    return write(path, lines + ["\t".join(map(str, row)) for row in rows] + [""])


def test_mpt_column_choice_units_and_cycles(tmp_path):
    path = mpt(
        tmp_path / "gcpl.mpt",
        ["time/s", "Ewe/V", "Ecell/V", "I/mA", "cycle number", "half cycle"],
        [[0, 1.5, 3.5, -1, 0, 0], [1, 1.4, 3.4, -1, 0, 0], [2, 1.9, 3.9, 2, 1, 2]],
    )
    frame = read_timeseries(path)
    assert list(frame["voltage_V"]) == [3.5, 3.4, 3.9]  # Ecell, the full cell, before Ewe
    np.testing.assert_allclose(frame["current_A"], [1e-3, 1e-3, -2e-3])  # -I/mA, in A
    assert list(frame["cycle"]) == [1, 1, 2]  # cycle number + 1
    assert list(frame.columns) == ["time_s", "voltage_V", "current_A", "cycle", "Ewe/V", "half cycle"]


def test_mpt_half_cycles_and_units(tmp_path):
    path = mpt(
        tmp_path / "half.mpt",
        ["time/min", "Ewe/mV", "<I>/uA", "half cycle"],
        [[0, 3500, 5, 0], [1, 3400, 5, 1], [2, 3900, -5, 2], [3, 3800, 5, 3]],
    )
    frame = read_timeseries(path)
    np.testing.assert_allclose(frame["time_s"], [0, 60, 120, 180])
    np.testing.assert_allclose(frame["voltage_V"], [3.5, 3.4, 3.9, 3.8])
    np.testing.assert_allclose(frame["current_A"], [-5e-6, -5e-6, 5e-6, -5e-6])
    assert list(frame["cycle"]) == [1, 1, 2, 2]  # half cycle // 2 + 1
    assert "half cycle" in frame.columns  # kept: it tells charge from discharge


def test_mpt_current_from_charge(tmp_path):
    """No current column (as in some GCPL files): from the charge, 1 mA.h per hour = 1 mA."""
    path = mpt(
        tmp_path / "q.mpt",
        ["time/h", "Ewe/V", "(Q-Qo)/mA.h"],
        [[0, 3.0, 0], [1, 3.5, 1], [2, 3.9, 2], [3, 3.5, 1], [4, 3.6, 1.5]],
    )
    frame = read_timeseries(path)
    np.testing.assert_allclose(frame["current_A"], [-1e-3, -1e-3, -1e-3, 1e-3, -0.5e-3])
    assert list(frame["cycle"]) == [1, 1, 1, 1, 2]
    assert "(Q-Qo)/mA.h" in frame.columns and "derived" in frame.attrs["current_A"]


@pytest.mark.parametrize(
    "header, rows, where, fragment",
    [
        (["time/s", "Ewe/V", "I/mA"], [], None, "no data after the column names (line 4)"),
        (["time/s", "Ewe/V", "I/mA"], [[0, 3, 1], [2, 3, 1], [1, 3, 1]], 7, "time goes back, from 2 s to 1 s"),
        (["time/s", "Ewe/V", "I"], [[0, 3, 1]], 4, "column 'I': no unit for current"),
        (
            ["time/s", "Ewe/V", "I/mA", "cycle number"],
            [[0, 3, 1, 0], [1, 3, 1, 0.5]],
            6,
            "column 'cycle number': 0.5 is not a whole number",
        ),
        (["time/s", "Ewe/V", "control/V/mA"], [[0, 3, 1]], 4, "no current column"),
    ],
)
def test_bad_small_mpt(tmp_path, header, rows, where, fragment):
    path = mpt(tmp_path / "small.mpt", header, rows)
    message = error(path)
    assert message.startswith(f"{path}:{where}: " if where else f"{path}: ") and fragment in message, message


# --- EC-Lab binary (.mpr) -----------------------------------------------------------------


@needs_files
def test_gcpl_mpr():
    frame = read_timeseries(GCPL)
    assert len(frame) == 46102
    assert frame.attrs["source"] == str(GCPL)
    assert "derived" in frame.attrs["current_A"]  # this file stores no current: from dq/mA.h
    v = frame["voltage_V"]
    assert v.min() > 2.0 - 5e-3 and v.max() < 3.8 + 5e-3
    assert v.min() < 2.01 and v.max() > 3.79
    assert np.all(np.diff(frame["time_s"]) > 0)
    # C/24: 88.8 uA while a current flows (EC-Lab's set point, control/V/mA, in mA)
    flowing = frame["current_A"].abs() > 1e-6
    assert frame["current_A"][flowing].abs().median() == pytest.approx(88.796e-6, rel=1e-3)
    # half cycles: 0 the first discharge (after a rest), then charge/discharge pairs
    sign = frame[flowing].groupby("half cycle")["current_A"].median().pipe(np.sign)
    assert list(sign.index) == [0, *range(2, 14)]  # the file has no half cycle 1
    assert list(sign) == [1] + [-1, 1] * 6  # ssbsim's convention: discharge positive
    end = frame.groupby("half cycle")["voltage_V"].last()
    assert np.all(end[sign > 0] < 2.01) and np.all(end[sign < 0] > 3.79)  # discharged / charged
    # cycles: the first discharge, then 6 charge+discharge cycles (the file name says 5)
    assert sorted(set(frame["cycle"])) == list(range(1, 8))
    np.testing.assert_array_equal(frame["cycle"], cycles_from_current(frame["current_A"]))


@needs_files
def test_mb_mpr():
    frame = read_timeseries(MB)
    assert len(frame) == 1501
    assert "I/mA" not in frame.columns and "control/V" in frame.columns
    assert frame["current_A"].iloc[0] == pytest.approx(0.04469791e-3)  # -I/mA, in A
    assert frame["voltage_V"].between(-1.651, -1.649).all()
    assert frame["time_s"].iloc[0] == pytest.approx(16.1674)  # a file from within a run
    pd.testing.assert_frame_equal(read_timeseries(str(MB)), frame)
    assert set(frame["cycle"]) == {1}


@needs_files
def test_truncated_mpr(tmp_path):
    path = tmp_path / "cut.mpr"
    path.write_bytes(GCPL.read_bytes()[:10_000])
    message = error(path)
    assert "not a readable EC-Lab .mpr file" in message and "truncated" in message


def test_mpr_not_an_mpr(tmp_path):
    path = tmp_path / "text.mpr"
    path.write_text("EC-Lab ASCII FILE\n")
    assert "not a readable EC-Lab .mpr file" in error(path)


def test_mpr_without_galvani(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "galvani", None)
    path = tmp_path / "any.mpr"
    path.write_bytes(b"")
    assert error(path) == (
        f"{path}: reading EC-Lab .mpr files needs the optional extra: pip install 'ssbsim[mpr]' (galvani, GPL-3.0)"
    )


def test_unknown_suffix_and_missing_file(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("time_s,voltage_V,current_A\n")
    assert "unknown time-series format '.txt'" in error(path)
    assert "cannot read" in error(tmp_path / "absent.mpt")


# --- CSV time series ----------------------------------------------------------------------


def csv(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "header, scale",
    [
        ("time_s,voltage_V,current_A", (1, 1, 1)),
        ("time_h,voltage_mV,current_mA", (3600, 1e-3, 1e-3)),
        ("time/min,voltage/V,current/uA", (60, 1, 1e-6)),
        ("time [s],voltage [V],current [\u00b5A]", (1, 1, 1e-6)),
        ("Time (h),Voltage (V),Current (mA)", (3600, 1, 1e-3)),
    ],
)
def test_csv_units(tmp_path, header, scale):
    path = csv(tmp_path / "series.csv", f"{header},step\n0,3.5,1,a\n1,3.4,1,a\n2,3.3,-2,b\n")
    frame = read_timeseries(path)
    np.testing.assert_allclose(frame["time_s"], np.array([0, 1, 2]) * scale[0])
    np.testing.assert_allclose(frame["voltage_V"], np.array([3.5, 3.4, 3.3]) * scale[1])
    np.testing.assert_allclose(frame["current_A"], np.array([1, 1, -2]) * scale[2])  # sign kept
    assert list(frame["cycle"]) == [1, 1, 2]  # from the current: a charge after a discharge
    assert list(frame.columns) == ["time_s", "voltage_V", "current_A", "cycle", "step"]
    assert list(frame["step"]) == ["a", "a", "b"]
    assert frame.attrs["source"] == str(path)


def test_csv_in_ssbsims_own_format(tmp_path):
    """ssbsim's timeseries.csv reads back: time_s is used, time_h kept, cycle taken as is."""
    written = pd.DataFrame(
        {
            "time_s": [0.0, 10, 20],
            "time_h": [0, 10 / 3600, 20 / 3600],
            "cycle": [1, 1, 2],
            "step": [1, 2, 1],
            "current_A": [-1e-4, 1e-4, -1e-4],
            "voltage_V": [3.0, 3.9, 3.2],
            "discharge_capacity_Ah": [0, 1e-6, 0],
        }
    )
    written.to_csv(tmp_path / "timeseries.csv", index=False)
    frame = read_timeseries(tmp_path / "timeseries.csv")
    for name in ("time_s", "voltage_V", "current_A", "cycle", "time_h", "step", "discharge_capacity_Ah"):
        np.testing.assert_allclose(frame[name], written[name])


def test_cycles_from_current():
    assert list(cycles_from_current([0, 1, 1, 0, -1, -1, 1e-9, 1, 0, -1])) == [1, 1, 1, 1, 2, 2, 2, 2, 2, 3]
    assert list(cycles_from_current([-1, -1, 0, 1, 1, -1])) == [1, 1, 1, 1, 1, 2]
    assert list(cycles_from_current([])) == []


@pytest.mark.parametrize(
    "text, where, fragment",
    [
        ("time_s,voltage_V,current_A\n0,3.5,1\n5,3.4,1\n4,3.3,1\n", 4, "time goes back, from 5 s to 4 s"),
        ("time_s,voltage_V,current_A\n0,3.5,1\n1,three,1\n", 3, "column 'voltage_V': 'three' is not a number"),
        ("time_s,voltage_V,current_A\n0,3.5,1\n1,,1\n", 3, "column 'voltage_V': empty cell"),
        ("time_s,voltage_V,current_A\n0,3.5,1\n1,3.4\n", 3, "2 fields where the header has 3"),
        ("time_s,voltage_V,current_A\n0,3.5,1\n1,3.4", 3, "(the file looks truncated)"),
        (
            "time_s,current_A,temperature_C\n0,1,25\n",
            1,
            "no voltage column (e.g. 'voltage_V'); the columns are: 'time_s', 'current_A'",
        ),
        ("time_s,voltage_V,current_kA\n0,3.5,1\n", 1, "column 'current_kA': unit 'kA' for current (allowed: A, mA,"),
        ("time_s,voltage_V,current\n0,3.5,1\n", 1, "column 'current': no unit for current"),
        ("time_s,voltage_V,current_A,cycle\n0,3.5,1,1\n1,3.5,1,1.5\n", 3, "column 'cycle': 1.5 is not a whole number"),
        ("time_s,voltage_V,current_A,cycle\n0,3.5,1,0\n", 2, "cycle numbers start at 1, found 0"),
        ("time_s,voltage_V,time_s\n0,3.5,1\n", 1, "column 'time_s' appears twice"),
        ("", 1, "empty file"),
    ],
)
def test_bad_csv_series(tmp_path, text, where, fragment):
    path = csv(tmp_path / "bad.csv", text)
    message = error(path)
    assert message.startswith(f"{path}:{where}: ") and fragment in message, message


# --- cycle tables -------------------------------------------------------------------------


def test_cycle_table(tmp_path):
    path = csv(
        tmp_path / "ce.csv",
        "cycle,coulombic_efficiency,discharge_capacity_mAh_g,coulombic_efficiency_min,"
        "decomposition_charge_B12H12_mAh_g,source,note\n"
        '1,0.82,101.5,,0.7,doi:10.1039/d0ee01569e,"first cycle, SEI"\n'
        "2,,99,0.95,,Fig. 3b,\n"
        "10,0.991,,,,,read off a plot\n",
    )
    frame = read_cycle_table(path)
    assert list(frame.columns) == [
        "cycle",
        "coulombic_efficiency",
        "discharge_capacity_mAh_g",
        "coulombic_efficiency_min",
        "decomposition_charge_B12H12_mAh_g",
        "source",
        "note",
    ]
    assert list(frame["cycle"]) == [1, 2, 10] and frame["cycle"].dtype == np.int64
    np.testing.assert_allclose(frame["coulombic_efficiency"], [0.82, np.nan, 0.991])
    np.testing.assert_allclose(frame["coulombic_efficiency_min"], [np.nan, 0.95, np.nan])
    assert list(frame["source"]) == ["doi:10.1039/d0ee01569e", "Fig. 3b", ""]
    assert frame["note"].iloc[0] == "first cycle, SEI"
    assert frame.attrs["source"] == str(path)
    pd.testing.assert_frame_equal(read_cycle_table(str(path)), frame)


def test_resistance_table(tmp_path):
    path = csv(
        tmp_path / "eis.csv",
        "cycle,electrolyte_resistance_ohm_cm2,cathode_interphase_resistance_ohm_cm2,"
        "cathode_interphase_resistance_ohm_cm2_max,source\n"
        "1,12.5,30,,impedance fit\n20,12.9,,400,impedance fit (arc not closed)\n",
    )
    frame = read_cycle_table(path)
    np.testing.assert_allclose(frame["cathode_interphase_resistance_ohm_cm2"], [30, np.nan])
    np.testing.assert_allclose(frame["cathode_interphase_resistance_ohm_cm2_max"], [np.nan, 400])


@pytest.mark.parametrize(
    "text, where, fragment",
    [
        (
            "cycle,coulombic_efficency\n1,0.9\n",
            1,
            "unknown column 'coulombic_efficency'; did you mean 'coulombic_efficiency'?",
        ),
        ("cycle,cathode_interphase_resistance_ohm\n1,30\n", 1, "did you mean 'cathode_interphase_resistance_ohm_cm2'?"),
        ("cycle,colour\n1,red\n", 1, "unknown column 'colour'"),
        ("coulombic_efficiency\n0.9\n", 1, "no 'cycle' column"),
        ("cycle,coulombic_efficiency\n1,0.9\n2.5,0.95\n", 3, "column 'cycle': 2.5 is not a whole number"),
        ("cycle,coulombic_efficiency\n1,0.9\n0,0.95\n", 3, "column 'cycle': 0 is not a positive cycle number"),
        ("cycle,coulombic_efficiency\n1,0.9\n,0.95\n", 3, "column 'cycle': empty cell"),
        ("cycle,coulombic_efficiency\n1,0.9\n2,95%\n", 3, "column 'coulombic_efficiency': '95%' is not a number"),
        (
            "cycle,energy_efficiency_min,energy_efficiency_max\n1,0.9,0.8\n",
            2,
            "'energy_efficiency_min' (0.9) is above 'energy_efficiency_max' (0.8)",
        ),
    ],
)
def test_bad_cycle_table(tmp_path, text, where, fragment):
    path = csv(tmp_path / "table.csv", text)
    message = error(path, read_cycle_table)
    assert message.startswith(f"{path}:{where}: ") and fragment in message, message
