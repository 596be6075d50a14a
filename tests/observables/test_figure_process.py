"""``ssbsim run`` draws its figures in forked processes (``observables/figure_process.py``):
when the command exits the folder holds them; a figure that fails there fails the run as
it would in the process itself (exit status, the previous outputs intact); without
``os.fork`` they are drawn in the process; no process is left behind."""

import os
import signal
import sys
import time

import pytest
from ssbsim_processes import finished, previous_run, processes_of, start  # tests/ssbsim_processes.py

from ssbsim.cli import main
from ssbsim.observables.figure_process import FigureProcess, can_fork

SHORT = '[[block]]\nrepeat = 2\nsteps = ["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
FIGURES = {"capacity_efficiency.png", "dqdv.png", "interphase.png", "resistances.png", "voltage_capacity.png"}
#: with a 1 nm anode the discharge strips it at once: the run stops in its first step
FIRST_STEP_FAILS = '[[block]]\nsteps = ["Discharge at 1C until 2.5 V", "Charge at 1C until 4.15 V"]\n'

#: ``ssbsim ARGV`` with the dQ/dV figure function replaced by the code in argv[1]
#: (``make``) in the figure process, which the parent leaves without matplotlib
RUN = """
import sys
import ssbsim.observables.figure_process as figure_process
from ssbsim.cli import main
warm_up = figure_process._warm_up
def patched():
    warm_up()
    import ssbsim.observables.figures.cycling as cycling
    namespace = {}
    exec(sys.argv[1], namespace)
    cycling.FIGURES["dqdv.png"] = namespace.get("make", cycling.FIGURES["dqdv.png"])
figure_process._warm_up = patched
status = main(sys.argv[2:])
print("parent imported matplotlib:", "matplotlib" in sys.modules)
sys.exit(status)
"""


def ssbsim(tmp_path, make, *argv):
    (tmp_path / "short.toml").write_text(SHORT)
    return finished(["run", "short.toml", "-o", "out", "-q", *argv], tmp_path, ("-c", RUN, make))


PLAIN = ""


@pytest.mark.skipif(not can_fork(), reason="Linux: figures drawn by forked processes")
def test_the_figures_are_written_when_the_command_exits_and_the_parent_never_imports_matplotlib(tmp_path):
    done = ssbsim(tmp_path, PLAIN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "parent imported matplotlib: False"
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert FIGURES <= names and {"cycles.csv", "timeseries.parquet", "run.json"} <= names
    for name in FIGURES:
        assert (tmp_path / "out" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [n for n in os.listdir(tmp_path) if ".ssbsim-" in n] and processes_of(tmp_path) == []


#: a dQ/dV figure that fails if its process has imported PyBaMM
WITHOUT_PYBAMM = (
    "import sys\nfrom ssbsim.observables.figures.cycling import dqdv_figure\n"
    "def make(result):\n"
    "    assert 'pybamm' not in sys.modules, 'the figure process imported PyBaMM'\n"
    "    return dqdv_figure(result)"
)


@pytest.mark.skipif(not can_fork(), reason="Linux: figures drawn by forked processes")
def test_the_figure_processes_never_import_pybamm(tmp_path):
    """They are forked before the run imports PyBaMM and draw from its tables alone
    (``run_figures.FigureTables``): PyBaMM's import is not theirs to pay."""
    done = ssbsim(tmp_path, WITHOUT_PYBAMM)
    assert done.returncode == 0, done.stderr
    assert "dqdv.png" in {p.name for p in (tmp_path / "out").iterdir()}


@pytest.mark.parametrize(
    "make, status, message",
    [
        ("def make(result):\n    raise ValueError('a figure bug')", 1, "ValueError: a figure bug"),
        (
            "import errno, os\ndef make(result):\n"
            "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), 'dqdv.png')",
            1,
            "ssbsim: error: cannot write out: No space left on device; the previous outputs in out are intact",
        ),
        (
            "import os, signal\ndef make(result):\n    os.kill(os.getpid(), signal.SIGKILL)",
            1,
            "(killed by signal 9)",
        ),
    ],
    ids=["exception", "disk-full", "killed"],
)
def test_a_figure_that_fails_in_its_process_fails_the_run(tmp_path, make, status, message):
    """The exception comes back to the parent (same exit status and message as drawn
    in the process itself); a figure process that dies is an error too. The previous
    outputs stay, nothing is left behind."""
    before = previous_run(tmp_path / "out")
    done = ssbsim(tmp_path, make, "--overwrite")
    assert done.returncode == status, done.stderr
    assert message in done.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert not [n for n in os.listdir(tmp_path) if ".ssbsim-" in n]
    assert processes_of(tmp_path) == []


@pytest.mark.parametrize("platform", ["no fork", "darwin"])
def test_without_fork_the_figures_are_drawn_in_the_process(tmp_path, monkeypatch, platform):
    """No ``os.fork`` (Windows), or macOS, where a fork without exec of a process that has
    loaded system frameworks is unsafe: no figure process, the run draws them itself."""
    (tmp_path / "short.toml").write_text(SHORT)
    monkeypatch.chdir(tmp_path)
    forked = []
    if platform == "no fork":
        monkeypatch.delattr(os, "fork", raising=False)
    else:
        monkeypatch.setattr(sys, "platform", platform)
        monkeypatch.setattr(os, "fork", lambda: forked.append(1) or 0)  # recorded, not made
    assert FigureProcess.start() is None
    assert main(["run", "short.toml", "-o", "out", "-q"]) == 0 and forked == []
    assert FIGURES <= {p.name for p in (tmp_path / "out").iterdir()}


@pytest.mark.skipif(not can_fork(), reason="Linux: figures drawn by forked processes")
def test_a_run_that_fails_before_drawing_leaves_no_figure_process(tmp_path):
    """A failure in the first step: one line (what stopped the run, and that nothing was
    written), exit 1, and the figure process, forked before the solve, is gone."""
    (tmp_path / "short.toml").write_text(FIRST_STEP_FAILS)
    argv = ["--set", "Na metal anode thickness [m]=1e-9", "--set", "Initial positive electrode stoichiometry=0.5"]
    done = finished(["run", "short.toml", "-o", "out", *argv], tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("ssbsim: short (1 cycles)"), done.stderr
    assert lines[1].startswith("ssbsim: simulation failed: stopped after 0 of 1 cycles: ")
    assert "Na metal anode exhausted" in lines[1] and lines[1].endswith("; nothing written to out")
    assert not (tmp_path / "out").exists() and processes_of(tmp_path) == []


@pytest.mark.skipif(not can_fork(), reason="Linux: figures drawn by forked processes")
def test_ctrl_c_keeps_the_completed_cycles_with_their_figures(tmp_path):
    (tmp_path / "short.toml").write_text(SHORT.replace("repeat = 2", "repeat = 10000").replace("1C", "2C"))
    process = start(["run", "short.toml", "-o", "out", "-q"], tmp_path)
    process.stderr.readline()  # the banner: a Ctrl-C now stops the run and keeps the cycles
    time.sleep(8)  # 10 000 cycles take ~20 s on a quiet machine (3000 took 6.4 s): still solving
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("ssbsim: interrupted: "), err
    if "no cycle completed" not in last:
        assert FIGURES <= {p.name for p in (tmp_path / "out").iterdir()}
    assert processes_of(tmp_path) == []


#: two short cycles with a spectrum before the first and one at the top of the second
IMPEDANCE = '"Impedance from 200 kHz to 10 mHz"'
WITH_SPECTRA = (
    f'[[block]]\nsteps = [{IMPEDANCE}, "Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
    f'[[block]]\nsteps = ["Charge at 1C until 4.15 V", {IMPEDANCE}, "Discharge at 1C until 2.5 V"]\n'
)


@pytest.mark.skipif(not can_fork(), reason="Linux: figures drawn by forked processes")
def test_the_figure_processes_draw_the_figures_the_process_draws_pixel_for_pixel(tmp_path):
    """``ssbsim run`` hands out the cycle table first and records the spectra meanwhile
    (``run(..., spectra_later=True)``, ``LATE``): the same files, the same circuit fits,
    the same pixels as the figures a Result draws and saves in its own process."""
    import numpy as np
    from PIL import Image

    import ssbsim

    (tmp_path / "spectra.toml").write_text(WITH_SPECTRA)
    done = finished(["run", "spectra.toml", "-o", "forked", "-q"], tmp_path)
    assert done.returncode == 0, done.stderr
    ssbsim.run(tmp_path / "spectra.toml").save(tmp_path / "here")
    forked, here = ({p.name: p for p in (tmp_path / name).iterdir()} for name in ("forked", "here"))
    assert set(forked) == set(here) and {"nyquist.png", "resistances_fitted.png"} | FIGURES <= set(forked)
    assert forked["impedance_fits.csv"].read_bytes() == here["impedance_fits.csv"].read_bytes()
    for name in forked:
        if name.endswith(".png"):
            assert np.array_equal(np.asarray(Image.open(forked[name])), np.asarray(Image.open(here[name]))), name


def test_spectra_recorded_later_are_those_recorded_at_once(tmp_path):
    """``run(..., spectra_later=True)``: the spectra are recorded when first read, the
    same as recorded at once; a copy or pickle of the result records them first."""
    import pickle

    import pandas as pd

    from ssbsim.simulation.run import run

    (tmp_path / "spectra.toml").write_text(WITH_SPECTRA)
    at_once = run(tmp_path / "spectra.toml")
    later = run(tmp_path / "spectra.toml", spectra_later=True)
    pending = run(tmp_path / "spectra.toml", spectra_later=True)
    assert callable(vars(later)["impedance"]) and callable(vars(pending)["impedance"])
    pd.testing.assert_frame_equal(later.impedance, at_once.impedance)
    assert not callable(vars(later)["impedance"])
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(pending)).impedance, at_once.impedance)
