"""How the ``ssbsim`` process ends (``cli.exit_now``): its output flushed, the ``atexit``
functions run, its exit status kept -- without the interpreter's teardown."""

import os
import subprocess
import sys

from ssbsim_processes import ENV

PROGRAM = """
import atexit, sys
from ssbsim.cli import main
atexit.register(lambda: print("atexit ran", flush=True))
sys.argv = ["ssbsim", *sys.argv[1:]]
main()
print("main() returned")
"""


def ssbsim(*argv):
    return subprocess.run([sys.executable, "-c", PROGRAM, *argv], capture_output=True, text=True, env=ENV)


def test_the_process_ends_with_its_output_and_status():
    done = ssbsim("list")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Parameter sets") and "cutoff_sweep" in done.stdout  # all of it, flushed
    assert lines[-1] == "atexit ran"  # the exit functions ran, after the output
    assert "main() returned" not in done.stdout  # the ssbsim process ends in main()


def test_bad_input_keeps_exit_status_2():
    done = ssbsim("run", "no_such_experiment")
    assert done.returncode == 2
    assert done.stderr.startswith("ssbsim: error: no_such_experiment") and done.stderr.count("\n") == 1
    assert done.stdout == "atexit ran\n"


def test_a_thread_left_running_is_waited_for():
    """A thread the interpreter would wait for at its exit: it is (no ``os._exit``)."""
    program = PROGRAM.replace(
        "main()\n",
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread done', flush=True))).start()\n"
        "main()\n",
    )
    done = subprocess.run([sys.executable, "-c", program, "list"], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-3:] == [
        "main() returned",
        "thread done",
        "atexit ran",
    ]


def test_a_profiler_writes_its_output(tmp_path):
    """Under ``python -m cProfile -o FILE -m ssbsim``, which writes FILE at the exit."""
    out = tmp_path / "ssbsim.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "ssbsim", "list"], capture_output=True, env=ENV
    )
    assert done.returncode == 0 and out.stat().st_size > 0


def test_main_called_with_arguments_returns():
    from ssbsim.cli import main

    assert main(["list"]) == 0


def test_a_reader_that_went_away_ends_the_process_quietly():
    """``ssbsim list | head``: the pipe's reader has gone; no traceback, no "failed" line,
    the SIGPIPE status of a Unix tool."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ssbsim", "list"], stdout=write_end, stderr=subprocess.PIPE, text=True, env=ENV
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == ""
