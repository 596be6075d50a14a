"""Studies on a Dask cluster started by hand, as the README describes (``dask scheduler``,
``dask worker``, then ``ssbsim study --scheduler`` or ``ssbsim.study(client=...)``), on
localhost; an address where nothing answers; the dashboard line of a local cluster."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.study.runner import _client, _close, dashboard_line

SHORT = (
    'description = "short"\ntemperature_C = 25\n[[block]]\nrepeat = 3\n'
    'steps = ["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
)
SIGMA = "SE conductivity [S.m-1]"
STUDY = {"experiment": "short.toml", "design": "grid", "vary": {SIGMA: {"values": [0.03, 0.24]}}}


def dask(*argv, log):
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}
    return subprocess.Popen([sys.executable, "-m", "dask", *argv], stdout=log, stderr=log, env=env)


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    """A scheduler and one worker process, each started by hand as on a cluster."""
    folder = tmp_path_factory.mktemp("cluster")
    with open(folder / "dask.log", "w") as log:
        started = [dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(folder / "scheduler.json"), log=log)]  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not (folder / "scheduler.json").is_file() and time.monotonic() < deadline:
                time.sleep(0.2)
            address = json.loads((folder / "scheduler.json").read_text())["address"]
            started.append(dask("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard", log=log))
            from distributed import Client

            with Client(address, timeout="30s") as client:
                client.wait_for_workers(1, timeout=120)
            yield address
        finally:
            for process in reversed(started):
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "short.toml").write_text(SHORT)
    return tmp_path


def test_cli_and_python_api_on_a_hand_started_cluster(address, spec, monkeypatch):
    from distributed import Client

    monkeypatch.chdir(spec)
    (spec / "study.toml").write_text(
        'experiment = "short.toml"\ndesign = "grid"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.03, 0.24]\n'
    )
    assert main(["study", "study.toml", "-o", "cli", "--scheduler", address, "-q"]) == 0
    with Client(address) as client:
        done = ssbsim.study(STUDY, "api", client=client, progress=False)
        assert client.status == "running"  # the caller's client is left open
    import pandas as pd

    cli = pd.read_parquet(spec / "cli" / "cases.parquet")
    assert list(done.cases["status"]) == ["ok", "ok"]
    # the command and the function are the same computation on the same workers
    metrics = [c for c in cli.columns if not c.endswith("_s") and c != "error"]  # not the timings
    pd.testing.assert_frame_equal(done.cases[metrics].reset_index(drop=True), cli[metrics].reset_index(drop=True))
    # physics: the 8x more conductive SE loses less voltage at 1C: more capacity to the cutoff
    assert cli["first_discharge_capacity_mAh_g"].iloc[1] > cli["first_discharge_capacity_mAh_g"].iloc[0]
    assert repr(done).startswith("<ssbsim study study: 2 cases (0 failed)")


def test_client_and_scheduler_together_is_bad_input(spec, monkeypatch):
    monkeypatch.chdir(spec)
    with pytest.raises(ssbsim.InputError, match="not both"):
        ssbsim.study(STUDY, "out", client=object(), scheduler="tcp://127.0.0.1:1")
    assert not (spec / "out").exists()


def test_an_address_where_nothing_answers_fails_in_seconds(spec, monkeypatch, capsys):
    monkeypatch.chdir(spec)
    monkeypatch.delenv("SSBSIM_SCHEDULER_TIMEOUT", raising=False)  # the default timeout
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (spec / "study.toml").write_text(f'experiment = "short.toml"\n[vary."{SIGMA}"]\nvalues = [0.03]\n')
    before = sorted(p.name for p in spec.iterdir())
    start = time.monotonic()
    status = main(["study", "study.toml", "-o", "out", "--scheduler", f"tcp://127.0.0.1:{port}"])
    took = time.monotonic() - start
    err = capsys.readouterr().err
    assert status == 2 and took < 5, (status, took)
    assert err.count("\n") == 1 and err.startswith("ssbsim: error: --scheduler:") and f"127.0.0.1:{port}" in err
    assert sorted(p.name for p in spec.iterdir()) == before  # nothing written


def test_a_local_cluster_says_where_its_dashboard_is():
    """The line a study on a local cluster prints (study/runner.py), on such a cluster."""
    import importlib.util

    client = _client(None, 1)
    try:
        line = dashboard_line(client)
        if importlib.util.find_spec("bokeh") is None:
            assert line == "no Dask dashboard: it needs bokeh (pip install 'bokeh>=3.1', ssbsim's 'dashboard' extra)"
        else:
            assert line == f"Dask dashboard: {client.dashboard_link}" and client.dashboard_link.startswith("http")
    finally:
        _close(client)
