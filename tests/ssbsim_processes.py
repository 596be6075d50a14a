"""Subprocesses of ssbsim for the tests of faults, interrupts and figure processes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}


def start(argv, cwd, program=("-m", "ssbsim")):
    """``ssbsim ARGV`` (or ``python PROGRAM ARGV``) in a process of its own, with SIGINT at
    its default as from a terminal: a pytest started in the background of a shell without
    job control ignores SIGINT, a child inherits that, and Python then installs no handler
    (the signal would be lost and a fit would run to its end, exit 0)."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:  # a caught signal is reset to its default in the child
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, *program, *argv],
            cwd=cwd,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def finished(argv, cwd, program=("-m", "ssbsim"), env=None):
    """``ssbsim ARGV`` (or ``python PROGRAM ARGV``) run to its end in ``cwd``: the
    ``CompletedProcess``, its output as text. ``env``: variables set besides ENV's."""
    return subprocess.run(
        [sys.executable, *program, *argv],
        cwd=cwd,
        env={**ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def previous_run(folder):
    """A previous run's outputs, to check they survive or are replaced as a whole."""
    folder.mkdir()
    (folder / "cycles.csv").write_text("cycle\nold\n")
    (folder / "run.json").write_text('{"old": true}\n')
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def processes_of(tmp_path, name="short.toml"):
    """Running processes whose command line names the experiment ``name`` and whose
    folder is ``tmp_path`` (the forked figure and spectra processes keep their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and name.encode() in (entry / "cmdline").read_bytes():
                if (entry / "cwd").resolve() == tmp_path.resolve():
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
