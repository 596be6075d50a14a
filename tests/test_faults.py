"""Faults (issue 16): Ctrl-C and SIGKILL of run, fit and study and of a Dask worker, a
full disk, a killed swap of an output folder, two studies in one folder, a cluster that
cannot start, corrupt study state, and the work-size limits. Each test asserts the
contract: the exit status, one final line and no traceback, the previous outputs intact or
replaced as a whole, the completed work kept."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from ssbsim_processes import ENV, previous_run, start  # tests/ssbsim_processes.py

import ssbsim
from ssbsim import limits, outputs
from ssbsim.cli import main
from ssbsim.errors import InputError
from ssbsim.study.design import cases as design_cases
from ssbsim.study.lock import StudyLock
from ssbsim.study.spec import load_study_spec
from ssbsim.study.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHORT = (
    'description = "short"\ntemperature_C = 25\n[[block]]\nrepeat = 2\n'
    'steps = ["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
)
LONG_CYCLES = 15_000  # not done in the seconds before a Ctrl-C (3000 cycles of 2C took ~6 s by 2026-11-22)
LONG = SHORT.replace("repeat = 2", f"repeat = {LONG_CYCLES}").replace("1C", "2C")
SE = "SE conductivity [S.m-1]"
DEAD_PID = 2**22 + 17  # above Linux's largest pid: never a running process


def wait_for(condition, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def leftovers(folder):
    return [p.name for p in folder.iterdir() if ".ssbsim-" in p.name or p.name.endswith(".tmp")]


# --- ssbsim run --------------------------------------------------------------------------


def test_ctrl_c_during_run_keeps_the_completed_cycles(tmp_path):
    (tmp_path / "long.toml").write_text(LONG)
    before = previous_run(tmp_path / "out")
    process = start(["run", "long.toml", "-o", "out", "--overwrite", "-q", "--no-figures"], tmp_path)
    process.stderr.readline()  # the run has started: inputs checked
    time.sleep(6)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("ssbsim: interrupted: "), err
    if "no cycle completed" in err:  # interrupted while building: the previous run stays
        assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    else:
        n = int(last.split("after ")[1].split(" of ")[0])
        assert 0 < n < LONG_CYCLES
        cycles = pd.read_csv(tmp_path / "out" / "cycles.csv")
        assert list(cycles["cycle"]) == list(range(1, n + 1))
        meta = json.loads((tmp_path / "out" / "run.json").read_text())
        assert meta["cycles_completed"] == n and meta["cycles_planned"] == LONG_CYCLES
        assert (tmp_path / "out" / "timeseries.parquet").is_file()
    assert leftovers(tmp_path) == []


def test_second_ctrl_c_stops_at_once_and_keeps_the_previous_outputs(tmp_path):
    (tmp_path / "long.toml").write_text(LONG)
    before = previous_run(tmp_path / "out")
    process = start(["run", "long.toml", "-o", "out", "--overwrite", "-q", "--no-figures"], tmp_path)
    assert process.stderr.readline().startswith(f"ssbsim: long ({LONG_CYCLES} cycles)")  # Ctrl-C is now deferred
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    # the second once the first is taken (its line), so that it is the second one
    first = process.stderr.readline()
    assert first.startswith("ssbsim: interrupted: finishing the current step"), first
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("ssbsim: interrupted")
    now = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert now == before or set(now) >= {"cycles.csv", "run.json", "timeseries.parquet"}
    assert leftovers(tmp_path) == []


#: ``ssbsim ARGV`` with a Ctrl-C (SIGINT to itself) as it starts writing the outputs of a complete solve
CTRL_C_WHILE_WRITING = """
import os, signal, sys
from ssbsim.cli import main
from ssbsim.simulation.result import Result
original = Result.write_files
def write_files(self, folder, figures=True):
    os.kill(os.getpid(), signal.SIGINT)
    return original(self, folder, figures)
Result.write_files = write_files
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("figures", [True, False], ids=["figures", "no-figures"])
def test_ctrl_c_while_writing_a_complete_run_writes_it_then_ends_as_interrupted(tmp_path, figures):
    """The solve is complete: a Ctrl-C while its outputs are written lets them be written
    (all cycles, the figures, as a unit, replacing the previous ones), then the command
    ends with the interrupted status and says so."""
    (tmp_path / "short.toml").write_text(SHORT)
    previous_run(tmp_path / "out")
    argv = ["run", "short.toml", "-o", "out", "--overwrite", "-q"] + ["--no-figures"] * (not figures)
    process = start(argv, tmp_path, program=("-c", CTRL_C_WHILE_WRITING))
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1] == "ssbsim: interrupted: while writing the outputs; all 2 cycles written to out/", err
    assert lines[-3] == "ssbsim: interrupted: finishing writing the outputs (Ctrl-C again to stop at once)", err
    assert lines[-2].startswith("ssbsim: wrote out/ (") and "replaced the previous outputs" in lines[-2], err
    assert list(pd.read_csv(tmp_path / "out" / "cycles.csv")["cycle"]) == [1, 2]
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert meta["cycles_completed"] == meta["cycles_planned"] == 2
    assert (tmp_path / "out" / "timeseries.parquet").is_file()
    assert (tmp_path / "out" / "voltage_capacity.png").is_file() == figures
    assert leftovers(tmp_path) == []


WRITES = """
import sys
from ssbsim.cli import main
from ssbsim.simulation.result import Result
original = Result.write_files
def write_files(self, folder, figures=True):
    before = set(sys.modules)
    written = original(self, folder, figures)
    files = {name: getattr(sys.modules[name], "__file__", None) or "" for name in set(sys.modules) - before}
    print("imported while writing:", sorted(name for name, file in files.items() if file.endswith(".so")))
    return written
Result.write_files = write_files
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("figures", [True, False], ids=["figures", "no-figures"])
def test_writing_the_outputs_imports_no_extension_module(tmp_path, figures):
    """A second Ctrl-C stops at once, also while the completed cycles are written: then
    it must not cut an extension module in its first import (measured: matplotlib's
    ft2font, "ImportError: initialization failed", a traceback and SIGABRT at exit). The
    command imports them before it starts (``interrupt.import_first``)."""
    (tmp_path / "short.toml").write_text(SHORT.replace("repeat = 2", "repeat = 1"))
    argv = ["run", "short.toml", "-o", "out", "-q"] + ["--no-figures"] * (not figures)
    done = subprocess.run(
        [sys.executable, "-c", WRITES, *argv], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "imported while writing: []"
    assert (tmp_path / "out" / "voltage_capacity.png").is_file() == figures


def test_sigkill_during_run_leaves_the_previous_outputs(tmp_path):
    (tmp_path / "long.toml").write_text(LONG)
    before = previous_run(tmp_path / "out")
    process = start(["run", "long.toml", "-o", "out", "--overwrite", "-q", "--no-figures"], tmp_path)
    process.stderr.readline()
    time.sleep(4)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before


def test_a_killed_swap_is_put_back_by_the_next_command(tmp_path):
    """Killed between moving the old folder aside and moving the new one in: the next
    command into the same folder restores the old one and removes dead staging folders."""
    aside = tmp_path / f".out.ssbsim-{DEAD_PID}-abc.old"
    aside.mkdir()
    (aside / "cycles.csv").write_text("old\n")
    staging = tmp_path / f".out.ssbsim-{DEAD_PID}-abd.partial"
    staging.mkdir()
    (staging / "cycles.csv").write_text("half\n")
    live = tmp_path / f".out.ssbsim-{os.getpid()}-abe.partial"  # a running command's: kept
    live.mkdir()
    outputs.recover(tmp_path / "out")
    assert (tmp_path / "out" / "cycles.csv").read_text() == "old\n"
    assert not aside.exists() and not staging.exists() and live.exists()


def test_full_disk_is_one_line_and_leaves_the_previous_outputs(tmp_path, monkeypatch, capsys):
    from ssbsim.simulation.result import Result

    (tmp_path / "short.toml").write_text(SHORT)
    before = previous_run(tmp_path / "out")

    def full(self, outdir, figures=True):
        (Path(outdir) / "cycles.csv").write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(Path(outdir) / "timeseries.parquet"))

    monkeypatch.setattr(Result, "write_files", full)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "short.toml", "-o", "out", "--overwrite", "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "Traceback" not in "".join(err)  # the banner, then the error
    assert "No space left on device" in err[-1] and "previous outputs in out are intact" in err[-1]
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert leftovers(tmp_path) == []


def test_a_new_run_replaces_the_whole_folder_and_says_so(tmp_path, monkeypatch, capsys):
    (tmp_path / "short.toml").write_text(SHORT)
    previous_run(tmp_path / "out")
    (tmp_path / "out" / "interphase.png").write_bytes(b"old figure")  # not written by this run
    monkeypatch.chdir(tmp_path)
    os.umask(0o022)
    assert main(["run", "short.toml", "-o", "out", "--overwrite", "-q", "--no-figures"]) == 0
    assert "replaced the previous outputs" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cycles.csv", "run.json", "timeseries.parquet"]
    assert (tmp_path / "out" / "cycles.csv").stat().st_mode & 0o777 == 0o644  # the umask's, not 0600
    assert leftovers(tmp_path) == []


def test_a_folder_with_another_run_is_refused_without_overwrite(tmp_path, monkeypatch, capsys):
    """Exit 2, one line naming the folder and --overwrite, before anything is computed;
    the previous outputs untouched. An empty folder, or hidden leftovers only, are fine."""
    (tmp_path / "short.toml").write_text(SHORT)
    before = previous_run(tmp_path / "out")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "short.toml", "-o", "out", "-q", "--no-figures"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "out holds the outputs of another run" in err[0] and "--overwrite" in err[0]
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert leftovers(tmp_path) == []
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".cycles.csv.0123abcd.tmp").write_text("")
    assert main(["run", "short.toml", "-o", "empty", "-q", "--no-figures"]) == 0
    assert "new folder" not in capsys.readouterr().err  # it existed: replaced as a unit
    assert (tmp_path / "empty" / "cycles.csv").is_file()


def test_outputs_get_the_users_permissions(tmp_path, monkeypatch):
    """Files and the folder as ``open``/``mkdir`` would make them under the umask: a
    group-shared umask gives group-writable outputs, never 0600."""
    (tmp_path / "short.toml").write_text(SHORT)
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o002)
    try:
        assert main(["run", "short.toml", "-o", "out", "-q"]) == 0
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir()}
    assert {"cycles.csv", "run.json", "timeseries.parquet", "voltage_capacity.png"} <= set(modes)
    assert set(modes.values()) == {0o664}, modes
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o775


def test_a_run_with_spectra_can_run_again_into_its_own_folder(tmp_path, monkeypatch, capsys):
    """The impedance files a run writes are its own: the same run again replaces them."""
    (tmp_path / "eis.toml").write_text(
        '[[block]]\nsteps = ["Impedance from 10 kHz to 1 Hz", "Charge at 1C for 5 minutes"]\n'
    )
    monkeypatch.chdir(tmp_path)
    for again in (False, True):
        assert main(["run", "eis.toml", "-o", "out", "-q", "--no-figures"] + ["--overwrite"] * again) == 0
    assert {"impedance.parquet", "impedance_fits.csv"} <= {p.name for p in (tmp_path / "out").iterdir()}
    assert "replaced the previous outputs" in capsys.readouterr().err


def test_a_link_to_an_output_folder_stays_a_link(tmp_path, monkeypatch, capsys):
    (tmp_path / "short.toml").write_text(SHORT)
    previous_run(tmp_path / "real")
    (tmp_path / "link").symlink_to("real")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "short.toml", "-o", "link", "--overwrite", "-q", "--no-figures"]) == 0
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "timeseries.parquet").is_file() and leftovers(tmp_path) == []


def test_a_read_only_parent_is_refused_before_computing(tmp_path, monkeypatch):
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == tmp_path else real(path, mode))
    with pytest.raises(InputError, match=r"cannot write in .*\(permission denied\)"):
        outputs.check_output(tmp_path / "out", outputs.owned_by(set()))


# --- the same folder rules for Result.save, FitOutcome.save and ssbsim onset ------------


def test_result_save_follows_the_rules_of_ssbsim_run(tmp_path, monkeypatch):
    """A folder of another run is refused unless overwrite=True (one line naming it), a
    folder of other files always; a save that fails leaves the previous outputs whole."""
    (tmp_path / "short.toml").write_text(SHORT.replace("repeat = 2", "repeat = 1"))
    result = ssbsim.run(str(tmp_path / "short.toml"))
    out = tmp_path / "out"
    written = result.save(out, figures=False)
    assert sorted(p.name for p in written) == ["cycles.csv", "run.json", "timeseries.parquet"]
    assert all(p.parent == out and p.is_file() for p in written)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(InputError, match=r"out holds the outputs of another run: pass overwrite=True") as err:
        result.save(out, figures=False)
    assert "\n" not in str(err.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.tex").write_text("mine\n")
    with pytest.raises(InputError, match=r"holds files ssbsim did not write \('thesis.tex'\)"):
        result.save(tmp_path / "notes", overwrite=True)
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["thesis.tex"]

    def full(self, outdir, figures=True):
        (Path(outdir) / "cycles.csv").write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(type(result), "write_files", full)
    with pytest.raises(ssbsim.errors.OutputError, match="previous outputs in .*out are intact"):
        result.save(out, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before and leftovers(tmp_path) == []
    monkeypatch.undo()
    (out / "voltage_capacity.png").write_bytes(b"old figure")  # not written by this save: goes
    result.save(out, figures=False, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["cycles.csv", "run.json", "timeseries.parquet"]


def test_fit_outcome_save_follows_the_rules_of_ssbsim_fit(tmp_path, monkeypatch):
    from ssbsim.fit.api import FitOutcome

    def write_files(self, folder, figures=True):
        (Path(folder) / "fit.json").write_text("{}\n")
        return [Path(folder) / "fit.json"]

    monkeypatch.setattr(FitOutcome, "write_files", write_files)
    fitted = object.__new__(FitOutcome)  # the folder rules need no fit
    assert fitted.save(tmp_path / "fit") == [tmp_path / "fit" / "fit.json"]
    with pytest.raises(InputError, match="fit holds the outputs of another run: pass overwrite=True"):
        fitted.save(tmp_path / "fit")
    assert fitted.save(tmp_path / "fit", overwrite=True) == [tmp_path / "fit" / "fit.json"]
    (tmp_path / "fit" / "data.csv").write_text("mine\n")
    with pytest.raises(InputError, match="holds files ssbsim did not write"):
        fitted.save(tmp_path / "fit", overwrite=True)
    assert (tmp_path / "fit" / "data.csv").read_text() == "mine\n"


def test_onset_follows_the_rules_of_ssbsim_run(tmp_path, monkeypatch, capsys):
    """``ssbsim onset FILE``: exit 2 and one line for a folder of other files, or of
    earlier onsets without --overwrite, before the file is read; replaced as a unit with it."""
    potential = [2.5 + 1e-2 * n for n in range(200)]
    rows = [f"1,{10.0 * n},{e:.3f},{1e-3 + 0.5 * max(e - 3.9, 0):.6f}" for n, e in enumerate(potential)]
    header = "cycle,time_s,potential_V,current_density_mA_cm2\n"
    (tmp_path / "lsv.csv").write_text(header + "\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["onset", "lsv.csv", "-o", "out"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["onsets.csv", "onsets.png"]
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    capsys.readouterr()
    assert main(["onset", "lsv.csv", "-o", "out"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "out holds the outputs of another run" in err[0] and "--overwrite" in err[0]
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    (tmp_path / "out" / "stale.png").write_bytes(b"old figure")
    assert main(["onset", "lsv.csv", "-o", "out", "--overwrite"]) == 0
    assert "replaced the previous outputs" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["onsets.csv", "onsets.png"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("mine\n")
    for extra in ([], ["--overwrite"]):
        assert main(["onset", "lsv.csv", "-o", "mine", *extra]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "holds files ssbsim did not write ('thesis.tex')" in err[0]
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["thesis.tex"]
    assert leftovers(tmp_path) == []


# --- ssbsim fit --------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_stopped_fit_writes_nothing_and_leaves_the_parameter_set(tmp_path, sig):
    (tmp_path / "short.toml").write_text(SHORT.replace("repeat = 2", "repeat = 60"))  # a fit of minutes
    cell = (ROOT / "parameter_sets" / "asakura2020.toml").read_text()
    (tmp_path / "cell.toml").write_text(cell)
    (tmp_path / "data.csv").write_text("cycle,discharge_capacity_mAh_g\n1,90\n60,85\n")
    (tmp_path / "fit.toml").write_text(
        'experiment = "short.toml"\nparameter_set = "cell.toml"\nstarts = 5\n'
        '[[data]]\nfile = "data.csv"\nquantity = "discharge_capacity_mAh_g"\n'
        f'[fit."{SE}"]\nbounds = [0.001, 1.0]\n'
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "fit.json").write_text("{}\n")  # a previous fit's
    process = start(["fit", "fit.toml", "-o", "out", "--overwrite", "--update", "--no-figures", "-v"], tmp_path)
    assert process.stderr.readline().startswith("ssbsim: fitting ")  # data checked, the engine imported
    assert "| cost " in process.stdout.readline()  # the first trial solved: the fit has started
    os.killpg(process.pid, sig) if sig == signal.SIGKILL else process.send_signal(sig)
    out, err = process.communicate(timeout=120)
    if sig == signal.SIGINT:
        assert process.returncode == 130, err
        assert "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith("ssbsim: interrupted: after ")
        assert "nothing written" in err
    assert (tmp_path / "cell.toml").read_text() == cell
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["fit.json"]
    assert (tmp_path / "out" / "fit.json").read_text() == "{}\n"
    assert not list(tmp_path.glob("cell.toml.bak*")) and leftovers(tmp_path) == []


# --- ssbsim study ------------------------------------------------------------------------


def study_files(tmp_path, points=6):
    (tmp_path / "short.toml").write_text(SHORT)
    (tmp_path / "study.toml").write_text(
        f'experiment = "short.toml"\ndesign = "grid"\n[vary."{SE}"]\nrange = [0.02, 0.3]\npoints = {points}\n'
    )
    return load_study_spec(tmp_path / "study.toml")


def test_two_studies_in_one_folder(tmp_path, monkeypatch, capsys):
    study_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    with StudyLock(tmp_path / "out"):
        assert main(["study", "study.toml", "-o", "out", "-q"]) == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and f"another ssbsim study (process {os.getpid()}) is running" in line
    assert not (tmp_path / "out" / "cases.jsonl").exists()


def test_a_cluster_that_cannot_start_is_one_line(tmp_path, monkeypatch, capsys):
    import distributed

    def dies(*args, **kwargs):
        raise RuntimeError("Worker failed to start:\nnanny exited")

    study_files(tmp_path)
    monkeypatch.setattr(distributed, "LocalCluster", dies)
    monkeypatch.chdir(tmp_path)
    assert main(["study", "study.toml", "-o", "out", "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not start the local Dask cluster: Worker failed to start: nanny exited" in err[0]


def test_a_killed_study_leaves_no_stale_lock(tmp_path):
    code = (
        f"from ssbsim.study.lock import StudyLock\nwith StudyLock({str(tmp_path)!r}):\n    print('held', flush=True)\n"
    )
    code += "    import time; time.sleep(60)\n"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=ENV)
    assert process.stdout.readline().strip() == "held"
    with pytest.raises(InputError, match=f"process {process.pid}"):
        StudyLock(tmp_path).__enter__()
    process.kill()
    process.wait()
    with StudyLock(tmp_path):
        pass


def test_ctrl_c_during_study_keeps_the_finished_cases(tmp_path):
    study_files(tmp_path, points=40)
    process = start(["study", "study.toml", "-o", "out", "--workers", "1", "-q"], tmp_path)
    journal = tmp_path / "out" / "cases.jsonl"
    assert wait_for(lambda: journal.is_file() and len(journal.read_text().splitlines()) >= 2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("ssbsim: interrupted: ") and "of 40 cases kept" in last, err
    kept = int(last.split("interrupted: ")[1].split(" of ")[0])
    rows = [json.loads(line) for line in journal.read_text().splitlines()]
    assert len({r["case"] for r in rows}) == len(rows) == kept >= 2
    assert len(pd.read_parquet(tmp_path / "out" / "cases.parquet")) == kept
    with StudyLock(tmp_path / "out"):  # released
        pass


def test_a_killed_dask_worker_loses_and_duplicates_nothing(tmp_path):
    from distributed import Client, LocalCluster

    from ssbsim.study.runner import run_study

    spec = study_files(tmp_path, points=8)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            pids = list(client.run(os.getpid).values())
            journal = tmp_path / "out" / "cases.jsonl"

            import threading

            def kill_one():
                if wait_for(lambda: journal.is_file() and journal.read_text().count("\n") >= 1, 60):
                    os.kill(pids[0], signal.SIGKILL)

            killer = threading.Thread(target=kill_one)
            killer.start()
            frame = run_study(spec, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)
            killer.join()
    assert sorted(frame["case"]) == list(range(8))
    rows = [json.loads(line) for line in journal.read_text().splitlines()]
    assert len({r["case"] for r in rows}) == len(rows) == 8


# --- corrupt study state: rebuilt from the journal, or refused in one line ---------------


def journal_rows(spec, n):
    return [
        {"case": k, **values, "status": "ok", "error": "", "wall_s": 1.0}
        for k, values in enumerate(design_cases(spec)[:n])
    ]


def store(tmp_path, spec):
    cases = design_cases(spec)
    return Store(tmp_path / "out", spec, len(cases), cases)


def seed(tmp_path, spec, n=3, extra_lines=()):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    lines = [json.dumps(r) for r in journal_rows(spec, n)] + list(extra_lines)
    (out / "cases.jsonl").write_text("\n".join(lines) + "\n")
    s = store(tmp_path, spec)
    s.close()
    return out


def test_corrupt_study_json_is_rebuilt_from_the_journal(tmp_path):
    spec = study_files(tmp_path)
    out = seed(tmp_path, spec)
    (out / "study.json").write_text("{ not json")
    s = store(tmp_path, spec)
    assert s.done == {0, 1, 2} and any("rewritten" in n for n in s.notes)
    s.close()
    assert json.loads((out / "study.json").read_text())["fingerprint"] == spec.fingerprint()


def test_corrupt_study_json_with_a_foreign_journal_is_refused(tmp_path):
    spec = study_files(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "study.json").write_bytes(b"\x00\xff")
    (out / "cases.jsonl").write_text(json.dumps({"case": 0, SE: 123.0, "status": "ok"}) + "\n")
    with pytest.raises(InputError, match="study.json: is corrupt"):
        store(tmp_path, spec)


def test_corrupt_parquet_is_rebuilt_from_the_journal(tmp_path):
    spec = study_files(tmp_path)
    out = seed(tmp_path, spec)
    (out / "cases.parquet").write_bytes(b"PAR1 garbage")
    s = store(tmp_path, spec)
    assert s.done == {0, 1, 2}
    s.close()
    assert sorted(pd.read_parquet(out / "cases.parquet")["case"]) == [0, 1, 2]


@pytest.mark.parametrize(
    "line",
    ["{ cut by a ki", "[1, 2]", '{"case": "x"}', '{"case": 99}', '{"case": 4, "SE conductivity [S.m-1]": 7.0}', "null"],
)
def test_corrupt_journal_lines_are_skipped(tmp_path, line):
    spec = study_files(tmp_path)
    seed(tmp_path, spec, extra_lines=[line])
    s = store(tmp_path, spec)
    assert s.done == {0, 1, 2}
    s.close()


def test_a_journal_cut_mid_line_gets_a_new_line_for_the_next_row(tmp_path):
    spec = study_files(tmp_path)
    out = seed(tmp_path, spec)
    with open(out / "cases.jsonl", "a") as f:
        f.write('{"case": 3, "SE conductiv')  # killed mid-write
    (out / ".cases.parquet.dead.tmp").write_bytes(b"half")  # an atomic write cut by a kill
    s = store(tmp_path, spec)
    assert not (out / ".cases.parquet.dead.tmp").exists()
    s.add(journal_rows(spec, 5)[4])
    s.close()
    assert store(tmp_path, spec).done == {0, 1, 2, 4}


def test_a_study_with_a_corrupt_record_is_refused_by_the_command(tmp_path, monkeypatch, capsys):
    spec = study_files(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "study.json").write_text("{")
    (out / "cases.jsonl").write_text(json.dumps({"case": 0, SE: 9.0, "status": "ok"}) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["study", "study.toml", "-o", "out", "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "study.json: is corrupt" in err[0]
    assert (out / "study.json").read_text() == "{" and spec.fingerprint()


def test_a_finished_study_with_a_damaged_parquet_is_rebuilt_by_the_command(tmp_path, monkeypatch, capsys):
    spec = study_files(tmp_path, points=3)
    out = seed(tmp_path, spec, n=3)  # every case finished: no cluster is started
    (out / "cases.parquet").write_bytes(b"garbage")
    monkeypatch.chdir(tmp_path)
    assert main(["study", "study.toml", "-o", "out", "-q"]) == 0
    err = capsys.readouterr().err
    assert "cases.parquet was unreadable: rebuilt from cases.jsonl" in err and "Traceback" not in err
    assert sorted(pd.read_parquet(out / "cases.parquet")["case"]) == [0, 1, 2]


# --- limits ------------------------------------------------------------------------------


def test_every_shipped_input_is_inside_the_default_limits():
    from ssbsim.fit.spec import load_fit_spec
    from ssbsim.resources import shipped, shipped_dir

    for name in shipped("experiments"):
        ssbsim.load_experiment(name)
    for path in (shipped_dir("experiments") / "studies").glob("*.toml"):
        load_study_spec(path)
    for path in (shipped_dir("parameter_sets") / "calibration").glob("*.toml"):
        load_fit_spec(path)


def test_a_limit_is_raised_by_the_environment_or_the_command_line(tmp_path, monkeypatch, capsys):
    path = tmp_path / "many.toml"
    path.write_text(SHORT.replace("repeat = 2", "repeat = 25000"))
    with pytest.raises(InputError, match="25,000 cycles .* exceed the limit of 20,000"):
        ssbsim.load_experiment(path)
    monkeypatch.setenv(limits.ENVIRONMENT, "cycles=30000,points=1e8")
    assert ssbsim.load_experiment(path).n_cycles == 25000
    monkeypatch.setenv(limits.ENVIRONMENT, "cycles=lots")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "many.toml", "-o", "out", "-q"]) == 2
    assert "SSBSIM_LIMITS: limit 'cycles': 'lots'" in capsys.readouterr().err
    monkeypatch.delenv(limits.ENVIRONMENT)
    assert main(["run", "many.toml", "-o", "out", "-q", "--limit", "cycles=10", "--limit", "points=5"]) == 2
    assert "limit of 10 " in capsys.readouterr().err
    assert limits.ENVIRONMENT not in os.environ  # --limit holds for that command only


def test_loading_an_experiment_is_linear_in_its_blocks(tmp_path):
    block = '[[block]]\nsteps = ["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'

    def load(n):
        path = tmp_path / f"blocks_{n}.toml"
        path.write_text(block * n)
        start = time.perf_counter()
        spec = ssbsim.load_experiment(path)
        return time.perf_counter() - start, spec

    # a ratio of two sizes measured side by side, not a wall-clock limit: 5x the blocks
    # costs ~5x when linear, ~25x with the old quadratic line search
    small = min(load(1000)[0] for _ in range(2))
    large, spec = min((load(5000) for _ in range(2)), key=lambda pair: pair[0])
    assert large / small < 12.0
    assert spec.n_cycles == 5000 and spec.blocks[-1].lines == [2 * 5000] * 2


def test_a_held_ctrl_c_arrives_after_the_held_statements():
    """interrupt.held(): a SIGINT raised inside is delivered as KeyboardInterrupt only
    after the block, so a study's journal line and its count cannot be cut apart."""
    from ssbsim import interrupt

    done = []
    # Python's own handler, as in an interactive session (pytest run in the background
    # inherits an ignored SIGINT, which held() rightly keeps ignoring)
    outer = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupt.held():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)  # the signal arrives and is recorded, not raised
                done.append("journal line")
                done.append("count")
        assert done == ["journal line", "count"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is back
    finally:
        signal.signal(signal.SIGINT, outer)
