"""The README's Python examples are executed as written (in a fresh folder), and what they
claim is checked: the run's figures are the ones ``ssbsim run`` writes, the fit recovers
the conductivity the data were simulated with, the fit of the real cycler file replays
its current, the study on the passed-in Client runs its cases and leaves the Client open."""

import json
import re
from pathlib import Path

import pytest

from .conftest import SHARED_DATA, needs_third_party

ROOT = Path(__file__).resolve().parent.parent

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


def block(marker):
    found = [code for code in BLOCKS if marker in code]
    assert len(found) == 1, f"one README python block with {marker!r}"
    return found[0]


def execute(code, folder, monkeypatch):
    monkeypatch.chdir(folder)
    namespace = {"__name__": "readme"}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def test_every_python_block_is_executed():
    markers = ("ssbsim.run(", "ssbsim.fit(", "ssbsim.study(", "pybamm.ParameterValues(")
    assert all(any(m in code for m in markers) for code in BLOCKS), "a README python block no test runs"


def test_run_example(tmp_path, monkeypatch):
    ns = execute(block("result = ssbsim.run("), tmp_path, monkeypatch)
    result = ns["result"]
    assert set(ns["figures"]) == {p.name for p in (tmp_path / "out").glob("*.png")}
    assert result._repr_html_().count("<tr>") == 10 + 1  # body rows: 10 of the 40 cycles, and "..."
    assert ns["fig"].axes and repr(result).splitlines()[0].endswith(
        f"{len(result.cycles)} of 40 cycles, {result.wall_time:.1f} s>"
    )


@pytest.mark.slow
def test_fit_example(tmp_path, monkeypatch):
    ns = execute(block("fitted = ssbsim.fit("), tmp_path, monkeypatch)
    fitted, name = ns["fitted"], "SE conductivity [S.m-1]"
    assert fitted.values[name] == pytest.approx(0.05, rel=0.01) and fitted.converged
    low, high = fitted.intervals[name]
    assert low < fitted.values[name] < high
    assert repr(fitted).splitlines()[:2] == ["<ssbsim fit fit: 1 parameter, 10 data points>", fitted.lines()[0][0]]
    written = {p.name for p in (tmp_path / "out" / "fit").iterdir()}
    assert {"fit.json", "fitted_parameter_set.toml", *ns["figures"]} <= written


@needs_third_party
def test_replay_example(tmp_path, monkeypatch):
    """Run as written "from the repository root, with ../shared beside it": a copy of that
    layout (docs/ and ../shared linked) in a fresh folder, so that out/ lands there."""
    pytest.importorskip("galvani", reason="reading the .mpr needs the optional galvani (ssbsim[mpr])")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "docs").symlink_to(ROOT / "docs")
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent.parent)
    replayed, name = (
        execute(block("replayed = ssbsim.fit("), tmp_path / "repo", monkeypatch)["replayed"],
        ("Positive electrode active material loading [kg.m-2]"),
    )
    (fitted,) = replayed.spec.parameters
    (low, high), value = replayed.intervals[name], replayed.values[name]  # an interval: not at a bound
    assert fitted.name == name and replayed.converged and not replayed.warnings
    assert (fitted.low, fitted.high) == (0.02, 0.5) and fitted.low < low < value < high < fitted.high
    assert replayed.problem.n_data == 7526  # "7 526 points of cycle 2"
    out = tmp_path / "repo" / "out" / "navani_fit"
    assert {p.name for p in out.iterdir()} == {"fit.json", "fitted_parameter_set.toml", *replayed.figures()}
    (coverage,) = json.loads((out / "fit.json").read_text())["data"]
    assert coverage["unreached"] == 0 and coverage["excluded"]["outside the window"] > 0


@pytest.mark.slow
def test_study_example(tmp_path, monkeypatch):
    ns = execute(block("ssbsim.study("), tmp_path, monkeypatch)
    cases = ns["done"].cases
    assert list(cases["status"]) == ["ok", "ok"] and list(cases["SE conductivity [S.m-1]"]) == [0.05, 0.2]
    # a 4x more conductive SE loses less voltage: more capacity to the same cutoff (last cycle: C/5)
    assert cases["last_discharge_capacity_mAh_g"].iloc[1] > cases["last_discharge_capacity_mAh_g"].iloc[0]
    files = ns["done"].files
    assert files and all((tmp_path / "out" / "study" / p.name).is_file() for p in files)


def test_pybamm_tools_example(tmp_path, monkeypatch):
    """ "With PyBaMM's own tools": the set by name, CellModel, initial_soc, QuickPlot,
    voltage components, save; the saved simulation starts at the OCV of x = 0.5."""
    import matplotlib.pyplot as plt
    import pybamm

    import ssbsim
    from ssbsim.model.ocp import MSMR

    execute(block("pybamm.ParameterValues("), tmp_path, monkeypatch)
    ocv = pybamm.load_sim(tmp_path / "discharge.pkl").solution["Open-circuit voltage [V]"].entries[0]
    assert ocv == pytest.approx(
        MSMR.numeric(ssbsim.load_parameter_set("asakura2020")).potential(0.5, 298.15)[0], abs=1e-6
    )
    plt.close("all")


def test_one_entry_point_draws_every_readme_figure():
    """``benchmarks/readme_figures.py`` draws every figure the README shows (but the solver
    benchmark's own) and nothing that is not in benchmarks/figures/, and every name the
    README gives for one of them is one of its names."""
    import importlib.util

    path = ROOT / "benchmarks" / "readme_figures.py"
    loader = importlib.util.spec_from_file_location("readme_figures", path)
    script = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(script)
    readme = (ROOT / "README.md").read_text()
    shown = set(re.findall(r"\]\(benchmarks/figures/([\w.]+\.png)\)", readme)) - {"solvers_work_precision.png"}
    drawn = [file for files, _ in script.FIGURES.values() for file in files]
    assert shown <= set(drawn) and len(set(drawn)) == len(drawn)
    assert all((ROOT / "benchmarks" / "figures" / file).is_file() for file in drawn)
    named = re.findall(r"`benchmarks/readme_figures\.py (\w+)`", readme)
    assert len(named) == 4 and set(named) <= set(script.FIGURES)
    assert {p.name for p in (ROOT / "benchmarks").glob("*_figure.py")} == set()  # the former scripts are gone
