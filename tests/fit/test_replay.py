"""Fits that replay the cycler (ssbsim/fit/replay.py): the measured current drives the
model; windows; points outside the window or beyond the simulation are counted, never a
silent residual; parameters at a bound are flagged without an interval."""

import json

import numpy as np
import pandas as pd
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.errors import InputError
from ssbsim.fit.engine import fit
from ssbsim.fit.problem import Problem
from ssbsim.fit.replay import replay_experiment, segments
from ssbsim.fit.report import fit_json, interval_text
from ssbsim.fit.spec import load_fit_spec

from ..conftest import ROOT, SHARED_DATA, needs_third_party

DIFFUSIVITY = "Positive particle diffusivity [m2.s-1]"
SOURCE = """description = "replay source"
period = "30 seconds"
[[block]]
steps = ["Charge at 1C for 20 minutes", "Rest for 10 minutes", "Discharge at 1C for 10 minutes"]
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, cell_a):
    """A 1C cycle of Cell A (no interphase) with 2 mV noise on the voltage: the file a
    cycler would write (time, voltage, current)."""
    folder = tmp_path_factory.mktemp("replay")
    (folder / "source.toml").write_text(SOURCE)
    run = ssbsim.run(folder / "source.toml", options={"interphase": "none"})
    frame = run.timeseries[["time_s", "voltage_V", "current_A", "cycle"]].copy()
    frame["time_s"] += 1000.0  # the file's clock does not start at the window
    frame["voltage_V"] += 0.002 * np.random.default_rng(3).standard_normal(len(frame))
    frame.to_csv(folder / "cell.csv", index=False)
    return folder, run, cell_a[DIFFUSIVITY]


def spec_text(bounds, initial, window="", extra=""):
    return f"""description = "replay"
parameter_set = "asakura2020"
starts = 1
max_evaluations = 15
{extra}
[options]
interphase = "none"
[[data]]
file = "cell.csv"
quantity = "voltage"
replay = "current"
{window}
[fit."{DIFFUSIVITY}"]
bounds = [{bounds[0]:.6g}, {bounds[1]:.6g}]
initial = {initial:.6g}
"""


def test_replay_protocol_carries_the_measured_charge_at_the_measured_times(synthetic):
    folder, run, _ = synthetic
    frame = pd.read_csv(folder / "cell.csv")
    steps = segments(frame["time_s"], frame["current_A"], frame["cycle"])
    assert [np.sign(i) for _, i, _ in steps] == [-1, 0, 1]  # charge, rest, discharge
    durations = [d for d, _, _ in steps]
    assert sum(durations) == pytest.approx(frame["time_s"].iloc[-1] - frame["time_s"].iloc[0])
    charge = sum(d * i for d, i, _ in steps)  # A s
    assert charge == pytest.approx(np.trapezoid(run.solution["Current [A]"].entries, run.solution.t), rel=0.02)
    spec = replay_experiment(frame, "cell", folder / "cell.csv")
    assert spec.n_cycles == 1 and spec.blocks[0].steps[0].startswith("Charge at ")


def test_replay_fit_recovers_the_diffusivity(synthetic):
    folder, _, truth = synthetic
    (folder / "fit.toml").write_text(spec_text((truth / 10, truth * 10), 2.5 * truth))
    spec = load_fit_spec(folder / "fit.toml")
    result = fit(Problem(spec), intervals="linear")
    assert result.values[DIFFUSIVITY] == pytest.approx(truth, rel=0.05)
    lo, hi = result.ci95[DIFFUSIVITY]
    assert lo <= truth <= hi
    assert result.at_bound[DIFFUSIVITY] is None
    (coverage,) = result.coverage
    assert coverage["unreached"] == 0 and coverage["used"] == coverage["points"]


def test_points_outside_the_window_are_excluded_and_counted(synthetic):
    folder, _, truth = synthetic
    (folder / "window.toml").write_text(spec_text((truth / 10, truth * 10), truth, "time_h = [0, 0.6]"))
    problem = Problem(load_fit_spec(folder / "window.toml"))
    total = len(pd.read_csv(folder / "cell.csv"))
    (data,) = problem.datasets
    kept = int(np.sum(pd.read_csv(folder / "cell.csv")["time_s"] <= 0.6 * 3600))
    assert len(data) == kept and data.excluded == {"outside the window": total - kept}
    assert problem.coverage({DIFFUSIVITY: truth})[0]["excluded"] == {"outside the window": total - kept}


def test_points_the_simulation_does_not_reach_are_reported_and_fail_the_fit(synthetic, tmp_path, capsys):
    """A file whose last discharge goes on for another hour at 1C, longer than the cell
    holds: the model's run stops at its lower cut-off, and the points after that are
    counted, not scored."""
    folder, _, truth = synthetic
    frame = pd.read_csv(folder / "cell.csv")
    last = frame.iloc[-1]
    more = pd.DataFrame({"time_s": last["time_s"] + 30.0 * np.arange(1, 121), "voltage_V": 3.4})
    more["current_A"], more["cycle"] = last["current_A"], last["cycle"]
    pd.concat([frame, more]).to_csv(tmp_path / "cell.csv", index=False)
    text = spec_text((truth / 2, truth * 2), truth)
    (tmp_path / "short.toml").write_text(text.replace("max_evaluations = 15", "max_evaluations = 2"))
    assert main(["fit", str(tmp_path / "short.toml"), "-o", str(tmp_path / "out"), "--intervals", "linear"]) == 0
    report = json.loads((tmp_path / "out" / "fit.json").read_text())
    (coverage,) = report["data"]
    assert 0 < coverage["unreached"] < coverage["points"]
    assert coverage["used"] == coverage["points"] - coverage["unreached"]
    assert report["converged"] is False and report["trials_short"]["count"] >= 1
    assert any("does not reach" in w for w in report["warnings"])
    assert f"does not reach {coverage['unreached']} of {coverage['points']} data points" in capsys.readouterr().err


class _Quadratic:
    """Residuals with their minimum at a = 0.05, outside the bounds [0.1, 10]."""

    def __init__(self):
        from ssbsim.fit.spec import FitParameter

        self.parameters = [FitParameter("a", 0.1, 10.0, 1.0, "log"), FitParameter("b", 0.1, 10.0, 1.0, "log")]
        self.n_solves = 0
        self.x = np.linspace(0, 1, 30)

    def residuals(self, values):
        self.n_solves += 1
        noise = 0.01 * np.sin(37 * self.x)
        return np.concatenate([(values["a"] - 0.05) / 0.01 + 0 * self.x, (values["b"] - 2.0) * self.x / 0.01 + noise])


def test_a_parameter_at_its_bound_is_flagged_and_gets_no_interval(tmp_path):
    problem = _Quadratic()
    result = fit(problem, starts=1)
    assert result.at_bound == {"a": "lower", "b": None}
    assert not result.identifiable["a"]
    (line,) = [w for w in result.warnings if "at a bound" in w]
    assert "\n" not in line and "a at its lower bound (0.1)" in line
    assert interval_text(result, "a") == "at its lower bound: no 95 % interval"

    class Spec:
        parameters = problem.parameters
        source = tmp_path / "spec.toml"

        class parameter_set:
            source = "asakura2020"

    report = fit_json(Spec, result)["parameters"]
    assert report["a"]["at_bound"] == "lower" and report["a"]["ci95"] is None and report["a"]["ci95_linear"] is None
    assert report["a"]["bounded_interval"][0] == pytest.approx(0.1)  # one-sided: the bound ends it
    assert report["b"]["at_bound"] is None and report["b"]["ci95"][0] < 2.0 < report["b"]["ci95"][1]


def test_bad_replay_specs_name_the_key(synthetic, tmp_path):
    folder, _, truth = synthetic
    (tmp_path / "cell.csv").write_text((folder / "cell.csv").read_text())
    cases = {
        "cycles = [0, 1]": "'cycles' must be [first, last]",
        "time_h = [2, 1]": "'time_h' must be [first, last]",
    }
    for window, message in cases.items():
        (tmp_path / "bad.toml").write_text(spec_text((truth / 10, truth * 10), truth, window))
        with pytest.raises(InputError, match=message.replace("[", r"\[")):
            load_fit_spec(tmp_path / "bad.toml")
    text = spec_text((truth / 10, truth * 10), truth).replace('replay = "current"', 'replay = "voltage"')
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(InputError, match="'replay' must be 'current'"):
        load_fit_spec(tmp_path / "bad.toml")
    text = spec_text((truth / 10, truth * 10), truth).replace('replay = "current"\n', "cycles = [1, 1]\n")
    (tmp_path / "bad.toml").write_text('experiment = "cutoff_sweep"\n' + text)
    with pytest.raises(InputError, match="window of a replayed file"):
        load_fit_spec(tmp_path / "bad.toml")
    (tmp_path / "bad.toml").write_text(spec_text((truth / 10, truth * 10), truth, "cycles = [5, 6]"))
    with pytest.raises(InputError, match="holds 0 points"):
        Problem(load_fit_spec(tmp_path / "bad.toml"))


@needs_third_party
def test_shipped_example_fits_the_navani_gcpl_file_by_replaying_its_current(tmp_path):
    """docs/examples/navani_gcpl_replay.toml, on a 6-hour window and 4 evaluations."""
    pytest.importorskip("galvani")
    example = ROOT / "docs" / "examples" / "navani_gcpl_replay.toml"
    text = example.read_text()
    assert "stand-in" in text and 'replay = "current"' in text
    data = SHARED_DATA / "biologic_gcpl_5cycles_navani.mpr"
    quick = (
        text.replace("../../../shared/data/third_party/biologic_gcpl_5cycles_navani.mpr", data.as_posix())
        .replace(
            'parameter_set = "navani_standin.toml"',
            f'parameter_set = "{(example.parent / "navani_standin.toml").as_posix()}"',
        )
        .replace("cycles = [2, 2]", "cycles = [2, 2]\ntime_h = [3.5, 9.5]")
        .replace("max_evaluations = 30", "max_evaluations = 4")
    )
    (tmp_path / "quick.toml").write_text(quick)
    assert main(["fit", str(tmp_path / "quick.toml"), "-o", str(tmp_path / "out"), "--intervals", "linear"]) == 0
    report = json.loads((tmp_path / "out" / "fit.json").read_text())
    (coverage,) = report["data"]
    assert coverage["unreached"] == 0 and coverage["excluded"]["outside the window"] > 40_000
    value = report["parameters"]["Positive electrode active material loading [kg.m-2]"]["value"]
    assert 0.02 < value < 0.5
    assert (tmp_path / "out" / "fit_data_1_voltage.png").is_file()
