"""The ``ssbsim`` command: ``ssbsim run``, ``fit``, ``study``, ``onset`` and ``list``.

One module per command (``run.py``, ``fit.py``, ``study.py``, ``onset.py``,
``listing.py``), each ``add(subparsers)`` and ``command(args)``: parse, call the Python
API (``ssbsim.run``, ``ssbsim.fit``, ``ssbsim.study``), print. Here: the parser, the
process set-up and the exit status.

Exit status: 0 on success; 2 on bad input, with one line naming the file and the key or
line at fault; 1 when the simulation itself fails, with the reason (or the outputs cannot
be written); 130 when interrupted by Ctrl-C, after keeping what was done; 141, silently,
when the reader of the output closes it (``ssbsim list | head``).
"""

import gc
import os
import signal
import sys

from .. import __version__, interrupt, limits
from ..errors import InputError, OutputError, SimulationError
from . import fit, listing, onset, run, study
from .common import Parser

EXIT_BROKEN_PIPE = 141  # the shell's status for a command ended by SIGPIPE (128 + 13)


def build_parser():
    parser = Parser(
        prog="ssbsim",
        description="Simulate all-solid-state Na cells with a voltage-dependent cathode/SE interphase.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in (run, fit, study, onset, listing):
        command.add(sub)
    return parser


def setup_process(command, before_pybamm=None):
    """What the ``ssbsim`` process (never a library user's) is set up with: PyBaMM's
    telemetry off (no prompt, also in Dask workers, which inherit the environment), a
    non-interactive matplotlib backend, and for the commands that solve (``list`` does not
    import PyBaMM) PyBaMM's log at ERROR, without the solver's own lines on a failed solve:
    ssbsim reports it in one line (``report_failures_only``). ``before_pybamm`` is called
    in between, with the environment set and PyBaMM not imported yet (``run`` forks its
    figure processes then).

    OpenBLAS runs one thread unless the user chose otherwise (``OPENBLAS_NUM_THREADS``,
    read when NumPy and SciPy are first imported, here): ssbsim's dense linear algebra is
    a few dozen states, below OpenBLAS's threading thresholds, and its idle threads only
    spin -- 0.2-0.3 s of CPU of every ``ssbsim run cutoff_sweep`` (importing PyBaMM 1.25
    -> 1.03 s of CPU), taken from the figure processes on a 2-core machine; the same
    results to the bit (cycles.csv, impedance_fits.csv, the figures' PNG files)."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    os.environ["MPLBACKEND"] = "Agg"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if before_pybamm is not None:
        before_pybamm()
    if command != "list":
        import pybamm

        from ..simulation.progress import report_failures_only

        pybamm.set_logging_level("ERROR")
        report_failures_only()


def main(argv=None):
    try:
        status = _main(argv)
    except KeyboardInterrupt:  # a Ctrl-C while the outcome of an earlier one is reported
        print("ssbsim: interrupted", file=sys.stderr)
        status = interrupt.EXIT_STATUS
    if argv is not None:  # called from Python: its objects are collected again (``run.command``)
        gc.unfreeze()
    if status == interrupt.EXIT_STATUS and argv is None:
        # the ssbsim process itself: the interrupt is reported, let it exit with that status
        # (a further Ctrl-C during the interpreter's shutdown would end it by the signal)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if argv is None:
        exit_now(status)
    return status


def exit_now(status):
    """End the ``ssbsim`` process with ``status`` once its output is out: standard
    output and error flushed, the ``atexit`` functions run (logging's flush among them),
    then ``os._exit`` -- without the interpreter's teardown of every module (PyBaMM,
    CasADi, pandas: ~0.05 s of each run, after everything is written). Its outputs are
    complete by then: files are written atomically, the figure processes reaped. Returns
    (the interpreter exits as usual) while a thread is left that it would wait for, or
    under a profiler or tracer (``python -m cProfile -o ...``: it writes at the exit)."""
    import atexit
    import threading

    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()[1:]):
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``ssbsim run ... | head``) or stream
            pass
    atexit._run_exitfuncs()
    os._exit(status)


def _main(argv):
    args = build_parser().parse_args(argv)
    saved = os.environ.get(limits.ENVIRONMENT)
    try:
        limits.apply_command_line(getattr(args, "limit", None))
        early = getattr(args, "before_pybamm", None)
        setup_process(args.command, early and (lambda: early(args)))
        return args.func(args)
    except InputError as err:
        print(f"ssbsim: error: {err}", file=sys.stderr)
        return 2
    except SimulationError as err:
        print(f"ssbsim: simulation failed: {err}", file=sys.stderr)
        return 1
    except interrupt.Interrupted as err:
        print(f"ssbsim: interrupted: {err}", file=sys.stderr)
        return interrupt.EXIT_STATUS
    except KeyboardInterrupt:
        print("ssbsim: interrupted: nothing written", file=sys.stderr)
        return interrupt.EXIT_STATUS
    except OutputError as err:
        print(f"ssbsim: error: {err}", file=sys.stderr)
        return 1
    # the last line of defence of the one-line contract: faults nobody planned for
    except MemoryError:
        print(f"ssbsim: failed: out of memory (see the work-size limits: {limits.ENVIRONMENT})", file=sys.stderr)
        return 1
    except RecursionError:
        print("ssbsim: failed: an input nested too deeply (recursion limit)", file=sys.stderr)
        return 1
    except BrokenPipeError as err:
        if err.filename is not None:  # a file of ours, not the reader of our output
            print(f"ssbsim: failed: {err.filename}: {err.strerror or err}", file=sys.stderr)
            return 1
        # the reader of the output went away (``ssbsim list | head``): stop quietly with the
        # status of a Unix tool ended by SIGPIPE; the interpreter's last flush goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        print(f"ssbsim: failed:{where}: {err.strerror or err}", file=sys.stderr)
        return 1
    finally:  # --limit holds for this command only (main may be called again in-process)
        if getattr(args, "painter", None) is not None:  # forked by ``before_pybamm``; closed by the command
            args.painter.close()
        if saved is None:
            os.environ.pop(limits.ENVIRONMENT, None)
        else:
            os.environ[limits.ENVIRONMENT] = saved


if __name__ == "__main__":
    sys.exit(main())
