"""A run's figures drawn in two more processes, on the second core, while the run solves
and writes its tables (``ssbsim run``; the Python API draws them in its own process).

:meth:`FigureProcess.start` forks the ``ssbsim`` process (POSIX ``os.fork``; elsewhere it
returns None and the figures are drawn in the process itself, after the tables) before
the model is built. The child imports matplotlib and draws a first figure (fonts, caches)
while the parent solves, then waits. After the solve, :meth:`FigureProcess.draw` hands it
the result -- its tables pickled, without the PyBaMM solution -- and the staging folder,
and the parent writes cycles.csv, the time series and the spectra meanwhile. The child
forks a second child, and the two take the figures one at a time from a shared queue
(a pipe of figure indices, one byte each), each writing its figures into the folder
(``save_png``: atomically); the first reports on all of them. The function ``draw``
returns waits for that report and returns the paths; a figure that failed in a child
raises its exception in the parent (as in a serial run: same exit status), a child that
died raises an ``OutputError`` (exit 1). The parent swaps the folder in only after that.

The parent never imports matplotlib: it is no longer on the path from start to exit.
The children ignore SIGINT (a Ctrl-C is the parent's, which stops the run and still has
the completed cycles drawn) and form a process group of their own; they end at the end
of their job, or at the end of file when the parent closes the job pipe -- also when
the parent is killed. :meth:`close` kills the group if it has not reported (the run
failed, a second Ctrl-C) and reaps the child."""

import gc
import os
import pickle
import signal
import struct
import threading
from copy import copy
from pathlib import Path

from ..errors import OutputError

_LENGTH = struct.Struct("<Q")


def _send(fd, obj):
    """Write ``obj`` pickled, after its length, to the file descriptor ``fd``."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd):
    """The object :func:`_send` wrote to the other end of ``fd``; None at end of file."""

    def read(n):
        chunks = []
        while n:
            chunk = os.read(fd, min(n, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    head = read(_LENGTH.size)
    body = head and read(_LENGTH.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def _portable(err, name):
    """``err`` as it can travel to the parent (pickled), noting the figure and the
    child's traceback."""
    import traceback

    where = "".join(traceback.format_exception(err)).rstrip()
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        err = RuntimeError(f"{type(err).__name__}: {err}")
    err.add_note(f"while drawing {name} in the figure process:\n{where}")
    return err


def _warm_up():
    """Import what the figures use and draw one (fonts, text and tick caches)."""
    from io import BytesIO

    from . import dqdv, labels  # noqa: F401 - imported for the figures
    from .figures import impedance  # noqa: F401
    from .figures.canvas import PNG_DPI, subplots

    fig, ax = subplots()
    ax.plot([1, 2], [1, 2])
    ax.set_xlabel("Cycle")
    ax.set_title("Resistances — warm-up", fontsize="medium")
    fig.savefig(BytesIO(), dpi=PNG_DPI, format="png", pil_kwargs={"compress_level": 1})


def _drain(queue, names, figures, folder):
    """Draw the figures whose indices this process takes from the pipe ``queue`` (one
    byte each) until it is empty: ``{file name: None or the exception}``."""
    from .figures.canvas import save_png

    report = {}
    while index := os.read(queue, 1):
        name = names[index[0]]
        try:
            save_png(figures[name](), Path(folder) / name)
            report[name] = None
        except Exception as err:
            report[name] = _portable(err, name)
    return report


def _serve(jobs, reports):
    """The child: warm up, take one job (a result and a folder), draw its figures with
    a second child forked now (each takes the next figure from a shared pipe as it
    finishes one), report ``{file name: None or the exception}`` for every figure."""
    _warm_up()
    job = _receive(jobs)
    if job is None:  # the parent needs no figures after all
        return
    result, folder = job
    figures = result._figures()
    names = list(reversed(figures))  # the impedance figures and the interphase, the costliest, first
    queue, fill = os.pipe()
    os.write(fill, bytes(range(len(names))))
    os.close(fill)  # read to its end, the queue is empty
    part, part_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(part)
            os.close(reports)  # the parent sees the end of file when the first child ends
            _send(part_write, _drain(queue, names, figures, folder))
        finally:
            os._exit(0)
    os.close(part_write)
    report = _drain(queue, names, figures, folder)
    report.update(_receive(part) or {})
    _, status = os.waitpid(pid, 0)
    for name in names:
        if name not in report:  # the second child died drawing it
            report[name] = OutputError(f"{name} was not drawn: the second figure process ended ({_ended(status)})")
    _send(reports, report)


def _ended(status):
    """How a process ended, from its ``waitpid`` status."""
    return f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"


class FigureProcess:
    """The parent's handle on the figure process (see the module docstring)."""

    def __init__(self, pid, jobs, reports):
        self.pid, self.jobs, self.reports = pid, jobs, reports
        self.reported = False
        self.ended = "running"

    @classmethod
    def start(cls):
        """Fork the figure process; None where ``os.fork`` does not exist."""
        if not hasattr(os, "fork"):
            return None
        jobs_read, jobs_write = os.pipe()
        reports_read, reports_write = os.pipe()
        gc.freeze()  # idempotent; see cli/run.py: the pages shared since the fork stay shared
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller
            status = 1
            try:
                os.setpgid(0, 0)  # a process group of its own, with its child: killed together
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(jobs_write)
                os.close(reports_read)
                _serve(jobs_read, reports_write)
                status = 0
            finally:
                os._exit(status)
        os.close(jobs_read)
        os.close(reports_write)
        try:
            os.setpgid(pid, pid)  # also here: set before either process goes on
        except OSError:  # the child did it first
            pass
        return cls(pid, jobs_write, reports_read)

    def draw(self, result, folder):
        """Hand the figures of ``result`` to the child, to be written into ``folder``;
        returns a function that waits for them and returns their paths."""
        view = copy(result)
        view.timeseries  # noqa: B018 - computed here, from the solution the child does not get
        if view.impedance is not None:  # once, here: the table needs them too
            view.impedance_fits  # noqa: B018
        view.solution = None
        job = (view, str(folder))

        def send():
            try:
                _send(self.jobs, job)
            except OSError:  # the child is gone: wait() says so
                pass
            finally:
                self._close_jobs()

        # a thread: the child may still be importing, the pipe holds 64 kB of the ~1 MB
        sender = threading.Thread(target=send, daemon=True)
        sender.start()

        def wait():
            report = _receive(self.reports)
            self.reported = report is not None
            sender.join()
            self.close()
            if report is None:
                raise OutputError(f"the figure process ended without drawing the figures ({self.ended})")
            for failure in report.values():
                if failure is not None:
                    raise failure
            return [Path(folder) / name for name in report]

        return wait

    def _close_jobs(self):
        if self.jobs is not None:
            jobs, self.jobs = self.jobs, None
            os.close(jobs)

    def close(self):
        """Reap the child; killed first unless it has reported (the run failed before
        handing it work, or a second Ctrl-C stopped the parent)."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        if not self.reported:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped elsewhere
            status = 0
        self._close_jobs()
        os.close(self.reports)
        self.ended = _ended(status)
