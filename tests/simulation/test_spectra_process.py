"""``ssbsim run`` records the impedance spectra and fits them in a forked process
(``simulation/spectra_process.py``), each as the solve reaches its state: the same tables
as recorded in the process itself;
a failure there fails the run (exit 1, the previous outputs intact, nothing left
behind); a run whose solve fails kills it."""

import os

import pandas as pd
import pytest
from ssbsim_processes import finished, previous_run, processes_of  # tests/ssbsim_processes.py

from ssbsim.forked import can_fork
from ssbsim.simulation.run import run
from ssbsim.simulation.spectra_process import SpectraProcess

IMPEDANCE = '"Impedance from 200 kHz to 10 mHz"'
#: two short cycles with a spectrum before the first and one at the top of the second
WITH_SPECTRA = (
    f'[[block]]\nsteps = [{IMPEDANCE}, "Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
    f'[[block]]\nsteps = ["Charge at 1C until 4.15 V", {IMPEDANCE}, "Discharge at 1C until 2.5 V"]\n'
)

pytestmark = pytest.mark.skipif(not can_fork(), reason="Linux: spectra recorded by a forked process")


def test_the_spectra_process_records_the_spectra_and_fits_of_the_process_itself(tmp_path):
    (tmp_path / "spectra.toml").write_text(WITH_SPECTRA)
    here = run(tmp_path / "spectra.toml")
    process = SpectraProcess()
    try:
        forked = run(tmp_path / "spectra.toml", spectra_process=process)
        assert process.pid is not None and callable(vars(forked)["impedance"])
        assert sorted(process.streamed) == [0, 1]  # both handed over during the solve
        pd.testing.assert_frame_equal(forked.impedance, here.impedance, check_exact=True)
        assert "impedance_fits" in vars(forked)  # came with the spectra, not fitted here
        pd.testing.assert_frame_equal(forked.impedance_fits, here.impedance_fits, check_exact=True)
        assert len(here.impedance_fits) == 2
    finally:
        process.close()
    assert process.pid is None and process.ended == "exit 0"


def test_states_reached_before_the_impedance_model_is_built_are_sent_after_the_solve(tmp_path, monkeypatch):
    """The spectra process builds its model while the run solves; a run that reaches its
    spectra first (here: the model takes 2 s more) sends their states with the order of
    all, after the solve: the same tables."""
    import time

    import ssbsim.simulation.run as run_module

    (tmp_path / "spectra.toml").write_text(WITH_SPECTRA)
    here = run(tmp_path / "spectra.toml")
    build = run_module.ImpedanceModel

    def slow(values, options):
        time.sleep(2)
        return build(values, options)

    monkeypatch.setattr(run_module, "ImpedanceModel", slow)  # in the process forked by the run
    process = SpectraProcess()
    try:
        forked = run(tmp_path / "spectra.toml", spectra_process=process)
        assert process.streamed == {}  # none sent during the solve
        pd.testing.assert_frame_equal(forked.impedance, here.impedance, check_exact=True)
        pd.testing.assert_frame_equal(forked.impedance_fits, here.impedance_fits, check_exact=True)
    finally:
        process.close()


def test_a_run_without_spectra_forks_no_spectra_process(tmp_path):
    (tmp_path / "short.toml").write_text('[[block]]\nsteps = ["Charge at 1C until 4.15 V"]\n')
    process = SpectraProcess()
    result = run(tmp_path / "short.toml", spectra_process=process)
    assert process.pid is None and result.impedance is None


#: ``ssbsim ARGV`` with the spectra process's spectrum function (or, given ``build``, the
#: impedance model) replaced by argv[1] (``make``)
RUN = """
import sys
import ssbsim.simulation.run as run
import ssbsim.simulation.spectra_process as spectra_process
from ssbsim.cli import main
namespace = {}
exec(sys.argv[1], namespace)
if "build" in namespace:
    run.ImpedanceModel = namespace["build"]
else:
    spectra_process.spectrum_row = namespace["make"]
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("figures", [[], ["--no-figures"]], ids=["figures", "no-figures"])
@pytest.mark.parametrize(
    "make, message",
    [
        ("def make(model, cycle, freqs, y):\n    raise ValueError('a spectra bug')", "ValueError: a spectra bug"),
        (
            "import os, signal\ndef make(model, cycle, freqs, y):\n    os.kill(os.getpid(), signal.SIGKILL)",
            "ssbsim: error: cannot write out: the impedance spectra were not recorded: their process ended "
            "(killed by signal 9); the previous outputs in out are intact",
        ),
        ("def build(values, options):\n    raise ValueError('a model bug')", "ValueError: a model bug"),
    ],
    ids=["exception", "killed", "model"],
)
def test_spectra_that_fail_in_their_process_fail_the_run(tmp_path, make, message, figures):
    """The exception comes back to the parent, a process that died is an error: exit 1,
    the previous outputs stay, no staging folder and no process is left behind."""
    (tmp_path / "short.toml").write_text(WITH_SPECTRA)
    before = previous_run(tmp_path / "out")
    done = finished(["run", "short.toml", "-o", "out", "-q", "--overwrite", *figures], tmp_path, ("-c", RUN, make))
    assert done.returncode == 1, done.stderr
    assert message in done.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert not [n for n in os.listdir(tmp_path) if ".ssbsim-" in n]
    assert processes_of(tmp_path) == []


def test_a_run_that_fails_before_its_spectra_leaves_no_spectra_process(tmp_path):
    """The first step fails: one line, exit 1, and the spectra process forked before the
    solve is gone."""
    (tmp_path / "short.toml").write_text(
        f'[[block]]\nsteps = [{IMPEDANCE}, "Discharge at 1C until 2.5 V", "Charge at 1C until 4.15 V"]\n'
    )
    argv = ["--set", "Na metal anode thickness [m]=1e-9", "--set", "Initial positive electrode stoichiometry=0.5"]
    done = finished(["run", "short.toml", "-o", "out", *argv], tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1].endswith("; nothing written to out")
    assert not (tmp_path / "out").exists() and processes_of(tmp_path) == []
