"""``ssbsim study`` on a real local Dask cluster of 2 worker processes."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.model import CellModel
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.study.design import cases
from ssbsim.study.runner import run_study, summarise
from ssbsim.study.spec import load_study_spec
from ssbsim.study.worker import metrics

SHORT = (
    'description = "short"\ntemperature_C = 25\n[[block]]\nrepeat = 3\n'
    'steps = ["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
)
SIGMA = "SE conductivity [S.m-1]"


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c.scheduler_address


def write(tmp_path, body, experiment=SHORT):
    (tmp_path / "short.toml").write_text(experiment)
    (tmp_path / "study.toml").write_text('experiment = "short.toml"\n' + body)
    return load_study_spec(tmp_path / "study.toml")


def test_grid_equals_serial_runs(tmp_path, cluster):
    spec = write(
        tmp_path,
        'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.06, 0.24]\n'
        '[vary."protocol: upper cutoff [V]"]\nvalues = [4.10, 4.30]\n',
    )
    frame = run_study(spec, tmp_path / "out", scheduler=cluster, progress=False)
    assert list(frame["case"]) == [0, 1, 2, 3] and (frame["status"] == "ok").all()
    base = ssbsim.load_experiment(tmp_path / "short.toml")
    # the workers integrate with compiled functions (study/worker.py): so does the serial run,
    # so that both are the same computation, not two runs that agree to the solver's rtol
    solver = CellModel(ssbsim.load_parameter_set("asakura2020").model_options()).solver(compile=True)
    for _, row in frame.iterrows():
        steps = [s.replace("4.15 V", f"{row['protocol: upper cutoff [V]']:.4g} V") for s in base.blocks[0].steps]
        spec = ExperimentSpec("s", [Block(steps, 3)], "", 25.0)
        serial = ssbsim.run(spec, overrides={SIGMA: row[SIGMA]}, solver=solver)
        expected = metrics(serial.cycles)
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, rel=1e-4, abs=1e-9), name
    # the higher cutoff and the better SE give more capacity
    best = frame.loc[frame["first_discharge_capacity_mAh_g"].idxmax()]
    assert best[SIGMA] == 0.24 and best["protocol: upper cutoff [V]"] == 4.30


def test_failing_cases_are_recorded_and_the_rest_complete(tmp_path, cluster):
    (tmp_path / "half.toml").write_text(
        'extends = "asakura2020"\n[parameters]\n'
        '"Initial positive electrode stoichiometry" = { value = 0.5, source = "estimate: test" }\n'
    )
    spec = write(
        tmp_path,
        'parameter_set = "half.toml"\ndesign = "grid"\n'
        '[vary."Na metal anode thickness [m]"]\nvalues = [1e-4, 1e-9, 5e-5]\n',
        experiment='description = "discharge first"\n[[block]]\nrepeat = 2\n'
        'steps = ["Discharge at 1C until 2.5 V", "Charge at 1C until 4.15 V"]\n',
    )
    frame = run_study(spec, tmp_path / "out", scheduler=cluster, progress=False)
    assert list(frame["status"]) == ["ok", "failed", "ok"]
    failed = frame.iloc[1]
    assert "Na metal anode exhausted" in failed["error"]
    assert np.isfinite(frame.iloc[[0, 2]]["capacity_retention"]).all()


def test_killed_study_resumes_with_one_row_per_case(tmp_path):
    # enough cases that the kill lands part-way: with the built model loaded from the cache
    # (simulation/build_cache.py) a case takes a few tens of ms, and 14 once finished between polls
    n = 40
    grid = f'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nrange = [0.02, 0.3]\nscale = "log"\npoints = {n}\n'
    spec = write(tmp_path, grid)
    command = [
        sys.executable,
        "-m",
        "ssbsim",
        "study",
        str(spec.source),
        "-o",
        str(tmp_path / "out"),
        "--workers",
        "2",
        "-q",
    ]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = tmp_path / "out" / "cases.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline:
        if journal.is_file() and len(journal.read_text().splitlines()) >= 4:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = len(journal.read_text().splitlines())
    assert 4 <= finished_before < n, "the study should have been killed part-way"
    assert main(["study", str(spec.source), "-o", str(tmp_path / "out"), "--workers", "2", "-q"]) == 0
    frame = pd.read_parquet(tmp_path / "out" / "cases.parquet")
    assert sorted(frame["case"]) == list(range(n))
    assert (frame["status"] == "ok").all()
    rows = [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]
    assert len({r["case"] for r in rows}) == len(rows) == n  # no case ran twice
    # a third run finds nothing to do
    assert main(["study", str(spec.source), "-o", str(tmp_path / "out"), "--workers", "2", "-q"]) == 0
    assert len(pd.read_parquet(tmp_path / "out" / "cases.parquet")) == n


def test_sobol_indices_rank_the_influential_parameter(tmp_path, cluster):
    spec = write(
        tmp_path,
        'design = "sobol"\nsamples = 8\nseed = 1\n'
        '[vary."SE conductivity [S.m-1]"]\nrange = [0.01, 0.3]\nscale = "log"\n'
        '[vary."Na metal anode thickness [m]"]\nrange = [5e-5, 2e-4]\n',
        experiment=SHORT.replace("1C", "3C"),
    )
    assert len(cases(spec)) == 8 * (2 + 2)
    frame = run_study(spec, tmp_path / "out", scheduler=cluster, progress=False)
    summarise(spec, frame, tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "sensitivity.csv")
    capacity = table[table["metric"] == "first_discharge_capacity_mAh_g"].set_index("parameter")
    assert capacity.loc[SIGMA, "ST"] > 0.5
    assert abs(capacity.loc["Na metal anode thickness [m]", "ST"]) < 0.05
    assert (tmp_path / "out" / "sensitivity.png").is_file()


def test_designs(tmp_path):
    grid = write(
        tmp_path,
        'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nrange = [0.01, 1.0]\nscale = "log"\npoints = 3\n'
        '[vary."protocol: temperature [C]"]\nvalues = [25, 60]\n',
    )
    points = cases(grid)
    assert len(points) == 6
    assert [p[SIGMA] for p in points[::2]] == pytest.approx([0.01, 0.1, 1.0])
    lhs = write(
        tmp_path,
        'design = "latin_hypercube"\nsamples = 10\n[vary."SE conductivity [S.m-1]"]\nrange = [0.0, 1.0]\n'.replace(
            "0.0, 1.0", "0.01, 1.01"
        ),
    )
    values = sorted(p[SIGMA] for p in cases(lhs))
    strata = np.floor((np.array(values) - 0.01) / 0.1)
    assert sorted(strata) == list(range(10))  # one sample in each tenth of the range


@pytest.mark.parametrize(
    "body, expected",
    [
        ('design = "fancy"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.1]\n', "'design'"),
        ('design = "sobol"\n[vary."SE conductivity [S.m-1]"]\nrange = [0.1, 0.2]\n', "'samples'"),
        ('[vary."SE conductivty [S.m-1]"]\nvalues = [0.1]\n', "did you mean"),
        ('[vary."SE conductivity [S.m-1]"]\nvalues = [-0.1]\n', "positive"),
        ('[vary."SE conductivity [S.m-1]"]\nrange = [0.1, 0.2]\n', "'points'"),
        ('[vary."SE conductivity [S.m-1]"]\nvalues = [0.1]\nrange = [0.1, 0.2]\n', "either"),
        ('[vary."protocol: upper cutoff [V]"]\nvalues = [9.5]\n', "between"),
        ('[vary."protocol: voltage"]\nvalues = [4.2]\n', "unknown protocol quantity"),
        ('metrics = ["capacity"]\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.1]\n', "not a cycles.csv column"),
        ('[vary."Positive electrode thickness [m]"]\nvalues = [1e-5]\n', "derived"),
    ],
)
def test_bad_spec_exit_2(tmp_path, capsys, body, expected):
    (tmp_path / "short.toml").write_text(SHORT)
    (tmp_path / "study.toml").write_text('experiment = "short.toml"\n' + body)
    status = main(["study", str(tmp_path / "study.toml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and expected in err[0] and "study.toml" in err[0]
    assert not (tmp_path / "out").exists()


def test_a_folder_holding_another_study_is_refused(tmp_path, cluster, capsys):
    spec = write(tmp_path, 'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.1]\n')
    run_study(spec, tmp_path / "out", scheduler=cluster, progress=False)
    other = write(tmp_path, 'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.2]\n')
    assert main(["study", str(other.source), "-o", str(tmp_path / "out"), "--scheduler", cluster]) == 2
    assert "holds a different study" in capsys.readouterr().err


def test_a_study_on_an_in_process_client_leaves_the_users_pybamm_log_level(tmp_path, cluster):
    """Using ssbsim changes nothing global: a worker thread in the user's process leaves
    PyBaMM's log level as the user set it; a worker process quiets it to ERROR."""
    import logging

    import pybamm
    from distributed import Client

    spec = write(
        tmp_path, f'design = "grid"\n[vary."{SIGMA}"]\nvalues = [0.1]\n', SHORT.replace("repeat = 3", "repeat = 1")
    )
    before = pybamm.logger.level
    pybamm.logger.setLevel(logging.INFO)
    try:
        with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=":0") as client:
            done = ssbsim.study(spec, tmp_path / "in_process", client=client, progress=False)
        assert list(done.cases["status"]) == ["ok"]
        assert pybamm.logger.level == logging.INFO
        run_study(spec, tmp_path / "processes", scheduler=cluster, progress=False)
        with Client(cluster) as client:
            levels = client.run(lambda: (os.getpid(), __import__("pybamm").logger.level))
        assert logging.ERROR in {level for _, level in levels.values()}  # the worker that ran the case
        assert os.getpid() not in {pid for pid, _ in levels.values()} and pybamm.logger.level == logging.INFO
    finally:
        pybamm.logger.setLevel(before)
