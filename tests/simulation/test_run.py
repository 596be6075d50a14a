"""``ssbsim.run`` and ``ssbsim run``: the interface contract of BRIEF §4."""

import json
import subprocess
import sys

import pandas as pd
import pybamm
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.observables.cycles import COLUMNS

CONTRACT_COLUMNS = [
    "cycle",
    "charge_capacity_mAh_g",
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "energy_efficiency",
    "mean_discharge_voltage_V",
    "max_voltage_V",
    "electrolyte_resistance_ohm_cm2",
    "anode_interface_resistance_ohm_cm2",
    "cathode_interphase_resistance_ohm_cm2",
    "temperature_C",
]


def test_python_api_returns_cycles_and_solution(sweep):
    assert isinstance(sweep.solution, pybamm.Solution)
    assert isinstance(sweep.cycles, pd.DataFrame)
    assert set(CONTRACT_COLUMNS) <= set(sweep.cycles.columns)
    assert list(sweep.cycles["cycle"]) == list(range(1, 41))
    assert (sweep.cycles["temperature_C"] == 25).all()
    assert sweep.cycles["max_voltage_V"].round(3).tolist() == sweep.cycles["upper_cutoff_V"].round(3).tolist()


def test_load_parameter_set_is_a_mapping_of_full_names(cell_a):
    assert cell_a["SE conductivity [S.m-1]"] == pytest.approx(0.12)


def test_overrides_reach_the_model():
    spec = ssbsim.load_experiment("cutoff_sweep")
    thin = ssbsim.run(spec, overrides={"Separator thickness [m]": 3.215e-4})
    assert thin.cycles["electrolyte_resistance_ohm_cm2"].iloc[0] == pytest.approx(26.79, rel=1e-3)


def test_command_writes_the_contract(tmp_path):
    out = tmp_path / "sweep"
    status = main(["run", "cutoff_sweep", "-o", str(out), "-q"])
    assert status == 0
    cycles = pd.read_csv(out / "cycles.csv")
    assert list(cycles.columns)[: len(COLUMNS)] == COLUMNS and len(cycles) == 40
    assert {"decomposition_charge_B12H12_mAh_g", "decomposition_charge_CB11H12_mAh_g"} <= set(cycles.columns)
    series = pd.read_parquet(out / "timeseries.parquet")
    assert {"time_s", "cycle", "voltage_V", "current_A"} <= set(series.columns)
    assert series["cycle"].max() == 40
    meta = json.loads((out / "run.json").read_text())
    assert meta["cycles_completed"] == 40
    for figure in ("voltage_capacity.png", "capacity_efficiency.png", "resistances.png", "interphase.png"):
        assert (out / figure).read_bytes()[:4] == b"\x89PNG"
    assert not list(out.glob(".*.tmp"))  # no temporary files left behind


def test_set_and_option_on_the_command_line(tmp_path):
    out = tmp_path / "o"
    status = main(
        [
            "run",
            "rate_test",
            "-o",
            str(out),
            "-q",
            "--no-figures",
            "--set",
            "SE conductivity [S.m-1]=0.24",
            "--option",
            "cathode=resolved",
        ]
    )
    assert status == 0
    meta = json.loads((out / "run.json").read_text())
    assert meta["overrides"]["SE conductivity [S.m-1]"] == 0.24
    assert meta["options"]["cathode"] == "resolved"
    assert pd.read_csv(out / "cycles.csv")["electrolyte_resistance_ohm_cm2"].iloc[0] == pytest.approx(26.79, rel=1e-3)


def test_simulation_failure_exits_1_with_the_reason(tmp_path):
    """Valid input the cell cannot follow: a 1 nm Na foil runs out in the second cycle's
    discharge. The completed cycle is kept, the reason is given."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ssbsim",
            "run",
            "cutoff_sweep",
            "-o",
            str(tmp_path / "out"),
            "-q",
            "--set",
            "Na metal anode thickness [m]=1e-9",
            "--set",
            "Initial positive electrode stoichiometry=0.5",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "stopped after" in run.stderr and "Na metal anode exhausted" in run.stderr


@pytest.mark.parametrize("quiet", [["-q"], []], ids=["-q", "default"])
def test_a_failed_solve_is_reported_in_one_line_without_the_solvers_own(tmp_path, quiet):
    """A case IDA cannot integrate (a [CB11H12]- product that conducts electrons like a
    metal, 1e2 S/m: above 4.20 V the leak current is a near-vertical wall, IDA_CONV_FAIL in
    the first charge; 1e3 S/m, the case before the refit of the interphase values, now
    fails the error test, IDA_ERR_FAIL): stderr has ssbsim's lines only, not SUNDIALS's "[ERROR][rank 0]..."
    nor PyBaMM's "Simulation error: ..." log line."""
    experiment = tmp_path / "one_cycle.toml"
    experiment.write_text(
        'description = "one cycle"\n[[block]]\n'
        'steps = ["Charge at C/10 until 4.40 V", "Discharge at C/10 until 2.50 V"]\n'
    )
    run = subprocess.run(
        [sys.executable, "-m", "ssbsim", "run", str(experiment), "-o", str(tmp_path / "out"), "--no-figures"]
        + quiet
        + ["--set", "SE anion (1) product electronic conductivity [S.m-1]=1e2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("ssbsim: simulation failed:") and "IDA_CONV_FAIL" in lines[-1]
    assert all(line.startswith("ssbsim:") for line in lines), run.stderr
    assert "[ERROR]" not in run.stderr and "Simulation error" not in run.stderr


def test_help_and_list():
    run = subprocess.run([sys.executable, "-m", "ssbsim", "--help"], capture_output=True, text=True)
    assert run.returncode == 0 and "run" in run.stdout and "list" in run.stdout
    run = subprocess.run([sys.executable, "-m", "ssbsim", "list"], capture_output=True, text=True)
    assert run.returncode == 0
    for name in ("asakura2020", "cutoff_sweep", "rate_test", "formation_4p15V", "formation_4p30V"):
        assert name in run.stdout


def test_runs_without_spectra_have_the_same_cycles():
    """Studies read only the cycle table: their re-solved runs skip the impedance spectra
    the experiment asks for, and nothing else changes."""
    from ssbsim.protocol.experiment_file import truncated
    from ssbsim.simulation.reuse import ReusableRuns

    spec = truncated(ssbsim.load_experiment("cutoff_sweep"), 2)  # a spectrum at the OCV and one in cycle 2
    pset = ssbsim.load_parameter_set("asakura2020")
    name = "SE anion (1) decomposition rate constant [A.m-2]"
    values = {name: pset[name]}
    with_spectra = ReusableRuns(pset, [name]).run(spec, values)
    without = ReusableRuns(pset, [name], impedance=False).run(spec, values)
    assert with_spectra.impedance is not None and len(with_spectra.impedance)
    assert without.impedance is None
    pd.testing.assert_frame_equal(without.cycles, with_spectra.cycles)


#: Cell A's values of the parameters that only its growth and loss laws need; Cell C
#: (duchene2020: passivating growth, no film isolation) has none of them
LEAKY_CRACKING = {
    "Positive electrode interphase cracking coefficient [m2.C-1]": 4.88e-05,
    "Positive electrode isolating film resistance [Ohm.m2]": 49.62,
    "Positive electrode film resistance spread": 2.999,
    "SE anion (0) product electronic conductivity [S.m-1]": 0.0,
    "SE anion (1) product electronic conductivity [S.m-1]": 1e-8,
}
LEAKY_OPTIONS = {"interphase growth": "leaky cracking", "active material loss": "film isolation"}


def test_overrides_supply_what_an_option_needs(tmp_path):
    """Options switched on for a set that lacks their parameters, with --set giving them:
    the merged values are checked, not the set alone, and the run is the one of a set that
    extends Cell C with the same values."""
    argv = ["run", "duchene2020_cycling", "-p", "duchene2020", "-o", str(tmp_path / "o"), "-q", "--no-figures"]
    for key, value in LEAKY_OPTIONS.items():
        argv += ["--option", f"{key}={value}"]
    for name, value in LEAKY_CRACKING.items():
        argv += ["--set", f"{name}={value}"]
    assert main(argv) == 0
    meta = json.loads((tmp_path / "o" / "run.json").read_text())
    assert LEAKY_CRACKING.items() <= meta["overrides"].items()
    assert {key: meta["options"][key] for key in LEAKY_OPTIONS} == LEAKY_OPTIONS

    child = tmp_path / "child.toml"
    lines = [
        f'"{name}" = {{ value = {value!r}, source = "estimate: Cell A" }}' for name, value in LEAKY_CRACKING.items()
    ]
    options = [f'"{key}" = "{value}"' for key, value in LEAKY_OPTIONS.items()]
    child.write_text("\n".join(['extends = "duchene2020"', "[options]", *options, "[parameters]", *lines]) + "\n")
    extended = ssbsim.run("duchene2020_cycling", str(child)).cycles
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "o" / "cycles.csv"), extended, check_dtype=False, rtol=1e-5)
    plain = ssbsim.run("duchene2020_cycling", "duchene2020").cycles
    # film isolation takes active material out: less capacity by the last cycle
    assert extended["discharge_capacity_mAh_g"].iloc[-1] < plain["discharge_capacity_mAh_g"].iloc[-1]
