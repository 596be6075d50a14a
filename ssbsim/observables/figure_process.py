"""A run's figures drawn in two more processes, on the second core, while the run solves
and writes its tables (``ssbsim run``; the Python API draws them in its own process).

:meth:`FigureProcess.start` forks the ``ssbsim`` process (``os.fork``, on Linux only: on
macOS a fork without exec of a process that has loaded system frameworks, as NumPy's
Accelerate BLAS, is unsafe -- Python's multiprocessing spawns there since 3.8; elsewhere
it returns None and the figures are drawn in the process itself, after the tables) before
it imports PyBaMM (``cli.run.start_figures``), with NumPy and pandas imported. While the
parent imports PyBaMM (the other core is idle then) and solves, the child imports
matplotlib, draws a first figure (fonts, caches), makes the canvases of the figures
(``canvas.prepare``) and forks a second child; both wait for a job, each on a pipe of its
own. Neither ever imports PyBaMM: the figures are drawn from tables
(``run_figures.FigureTables``), and the modules they use do not import it. After the solve,
:meth:`FigureProcess.draw` hands them the result -- its tables pickled, without the
PyBaMM solution -- and the staging folder: the cycle table at once, then the time
series as soon as the parent has computed it, then the impedance spectra with their
circuit fits (``LATE``; recorded meanwhile by the spectra process,
``simulation/spectra_process.py``, else here when first read), each read when a figure
needs it; the parent writes cycles.csv, the time series and the spectra meanwhile. The
two take the figures one at a time from a shared queue (a pipe of indices into
``ORDER``, one byte each; those of the cycle table first), each writing its figures into the folder
(``save_png``: atomically), an impedance figure only if the spectra hold any; the first
reports on all of them. The function
``draw`` returns waits for that report and returns the paths; a figure that failed in a
child raises its exception in the parent (as in a serial run: same exit status), a child
that died raises an ``OutputError`` (exit 1). The parent swaps the folder in only after
that.

The parent never imports matplotlib: it is no longer on the path from start to exit.
The children ignore SIGINT (a Ctrl-C is the parent's, which stops the run and still has
the completed cycles drawn) and form a process group of their own; they end at the end
of their job, or at the end of file when the parent closes the job pipe -- also when
the parent is killed. :meth:`close` kills the group if it has not reported (the run
failed, a second Ctrl-C) and reaps the child."""

import gc
import os
import queue
import signal
import threading
from functools import partial
from pathlib import Path

from ..errors import OutputError
from ..forked import can_fork, ended, message, portable, reap, write_all
from ..forked import receive as _receive
from ..forked import send as _send
from .run_figures import FigureTables

#: what ends a sender's queue (``_post``)
_END = None


class _Outbox:
    """A sender's queue (``_post``): what is put is pickled at once, by the thread that
    puts it; the sender thread only writes. (Pickled in the sender, the cycle table
    reached the figure processes ~30 ms after the solve instead of ~3: the thread took
    turns at the GIL with the run computing its time series.)"""

    def __init__(self):
        self.queue = queue.SimpleQueue()

    def put(self, obj):
        self.queue.put(obj if obj is _END else message(obj))


def _post(fd, *objs):
    """Send ``objs`` and then what is put into the returned queue to ``fd``, in order, in a
    thread, which closes ``fd`` at ``_END``: the reader may still be importing or
    drawing, and a pipe holds 64 kB (a run's tables ~1 MB). A reader that is gone (the
    figure process ended) leaves the thread to end at once. Returns (queue, thread)."""
    items = _Outbox()
    for obj in objs:
        items.put(obj)

    def send():
        try:
            while (data := items.queue.get()) is not _END:
                write_all(fd, data)
        except OSError:  # the child is gone: wait() says so
            pass
        finally:
            os.close(fd)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return items, thread


def _warm_up():
    """Import what the figures use, draw one (fonts, text and tick caches), make the
    canvases of the run's figures (``canvas.prepare``)."""
    from io import BytesIO

    from ..protocol import experiment_file  # noqa: F401 - unpickled with the job (~10 ms, not after the solve)
    from . import dqdv, labels  # noqa: F401 - imported for the figures
    from .figures import impedance  # noqa: F401
    from .figures.canvas import PNG_DPI, prepare, subplots

    fig, ax = subplots()
    ax.plot([1, 2], [1, 2])
    ax.set_xlabel("Cycle")
    ax.set_title("Resistances — warm-up", fontsize="medium")
    fig.savefig(BytesIO(), dpi=PNG_DPI, format="png", pil_kwargs={"compress_level": 1})
    prepare()  # the canvases of the figures, their ticks made


def _drain(shared, names, result, folder):
    """Draw the figures whose indices this process takes from the pipe ``shared`` (one
    byte each, into ``names``) until it is empty, those ``result`` has (``_figure``):
    ``{file name: None or the exception}``."""
    from .figures.canvas import save_png

    report = {}
    while index := os.read(shared, 1):
        name = names[index[0]]
        try:
            make = _figure(result, name)
            if make is None:
                continue
            save_png(make(), Path(folder) / name)
            report[name] = None
        except Exception as err:
            report[name] = portable(err, f"drawing {name} in the figure process")
    return report


def _figure(result, name):
    """The function drawing the figure ``name`` of ``result``, None if it has none; an
    impedance figure once the spectra have arrived (``LATE``), the others at once."""
    from .figures.impedance import IMPEDANCE_FIGURES

    figures = result._impedance_figures() if name in IMPEDANCE_FIGURES else result._cycle_figures()
    return figures.get(name)


def _names(result):
    """The figures the drawing processes share out, by index: ``ORDER``, then any other
    figure of the cycle table."""
    return (*ORDER, *(name for name in result._cycle_figures() if name not in ORDER))


def _serve(jobs, late, reports):
    """The child: warm up, fork the second drawing process, then each takes its job (a
    result and a folder: ``jobs``, a pipe each; the tables the parent computes after it:
    ``late``, a pipe each) and the figures one at a time from a shared pipe as it
    finishes one; this one reports ``{file name: None or the exception}`` for every figure."""
    gc.disable()  # no collection while importing and warming up: everything made stays
    _warm_up()
    gc.freeze()  # matplotlib's objects too: no collection visits them while drawing (0.02 s each)
    gc.enable()
    queue, fill = os.pipe()
    part, part_write = os.pipe()
    pid = os.fork()  # now, while the run solves: ~10-30 ms not spent after it
    if pid == 0:
        try:
            for fd in (part, reports, fill, jobs[0], late[0]):
                os.close(fd)  # the parent sees the end of file when the first child ends
            drawn = _take(jobs[1], late[1], queue)
            _send(part_write, drawn and drawn[1])
        finally:
            os._exit(0)
    for fd in (part_write, jobs[1], late[1]):
        os.close(fd)
    drawn = _take(jobs[0], late[0], queue, fill)
    if drawn is None:  # the parent needs no figures after all
        os.waitpid(pid, 0)
        return
    names, report = drawn
    report.update(_receive(part) or {})
    _, status = os.waitpid(pid, 0)
    for name in names:
        if name not in report:  # the second child died drawing it
            report[name] = OutputError(f"{name} was not drawn: the second figure process ended ({ended(status)})")
    _send(reports, report)


def _take(job, late, queue, fill=None):
    """One drawing process: its job from the pipe ``job`` (the first fills the shared
    ``queue`` with the indices of the figures, through ``fill``), then its figures;
    (names, report), or None when the parent sends no job."""
    received = _receive(job)
    if received is None:
        if fill is not None:
            os.close(fill)  # the other one sees an empty queue
        return None
    result, folder = received
    _arriving(result, late)
    names = _names(result)
    if fill is not None:
        os.write(fill, bytes(range(len(names))))
        os.close(fill)  # read to its end, the queue is empty
    report = _drain(queue, names, result, folder)
    if fill is None:
        return None, report
    return [name for name in names if name in report or _figure(result, name) is not None], report


#: the order in which the figures are taken: those of the cycle table first (the parent
#: sends it as soon as the solve ends), the costliest first, then each as its tables
#: arrive (``LATE``: the time series, then the spectra with their circuit fits) (CPU s,
#: cutoff sweep: interphase 0.14, capacity 0.07, resistances 0.05; dqdv 0.09,
#: voltage_capacity 0.07; nyquist 0.12, resistances_fitted 0.08)
ORDER = (
    "interphase.png",
    "capacity_efficiency.png",
    "resistances.png",
    "dqdv.png",
    "voltage_capacity.png",
    "nyquist.png",
    "resistances_fitted.png",
)
#: the tables the parent computes after handing out the cycle table, sent after the job
#: as they are ready: the time series, then the spectra with their fits (``FigureProcess.draw``)
LATE = ("timeseries", "impedance", "impedance_fits")


def _arriving(result, late):
    """Let ``result`` read its ``LATE`` tables from the pipe ``late`` when a figure first
    needs them."""

    def arrive(self, name):
        while name not in self.__dict__:
            tables = _receive(late)
            if tables is None:
                raise OutputError("the figures' tables did not arrive: the run ended")
            self.__dict__.update(tables)
        return self.__dict__[name]

    late_tables = {name: property(partial(arrive, name=name)) for name in LATE}
    result.__class__ = type("Arriving", (type(result),), late_tables)


class FigureProcess:
    """The parent's handle on the figure process (see the module docstring)."""

    def __init__(self, pid, jobs, reports, late):
        self.pid, self.jobs, self.reports, self.late = pid, jobs, reports, late
        self.reported = False
        self.ended = "running"

    @classmethod
    def start(cls):
        """Fork the figure process; None where forking is not safe (see the module docstring)."""
        if not can_fork():
            return None
        import numpy  # noqa: F401 - the run imports them too: shared with the figure processes
        import pandas  # noqa: F401

        jobs = [os.pipe(), os.pipe()]  # one for each drawing process: its reader alone
        late = [os.pipe(), os.pipe()]
        reports_read, reports_write = os.pipe()
        # no gc.freeze() here: forked before PyBaMM is imported, the two share little, and a
        # freeze undone when the command fails at once (cli.main unfreezes for a caller in the
        # same process) left that caller's collector collecting its whole heap far more often
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller
            status = 1
            try:
                os.setpgid(0, 0)  # a process group of its own, with its child: killed together
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(reports_read)
                for _, write in jobs + late:
                    os.close(write)
                _serve([read for read, _ in jobs], [read for read, _ in late], reports_write)
                status = 0
            finally:
                os._exit(status)
        os.close(reports_write)
        for read, _ in jobs + late:
            os.close(read)
        try:
            os.setpgid(pid, pid)  # also here: set before either process goes on
        except OSError:  # the child did it first
            pass
        return cls(pid, [write for _, write in jobs], reports_read, [write for _, write in late])

    def draw(self, result, folder):
        """Hand the figures of ``result`` to the child, to be written into ``folder``;
        returns a function that waits for them and returns their paths. The cycle table
        goes at once, the ``LATE`` tables as they are computed here -- the spectra first,
        if ``result`` records them on first use (``run(..., spectra_later=True)``) -- while
        the figures of the cycle table are drawn."""
        view = FigureTables(result)  # without PyBaMM's solution, nor any object of PyBaMM's
        jobs, self.jobs = self.jobs, []
        senders = [_post(fd, (view, str(folder)), _END)[1] for fd in jobs]
        late, self.late = self.late, []
        posts = [_post(fd) for fd in late]
        senders += [thread for _, thread in posts]
        # computed here, from the solution the child does not get; the tables need them too
        tables = self._late_tables(result)
        self._forward(posts, tables, end=False)  # the time series now

        def wait():
            self._forward(posts, tables, end=True)  # the spectra, read by now to be written
            report = _receive(self.reports)
            self.reported = report is not None
            for sender in senders:
                sender.join()
            self.close()
            if report is None:
                raise OutputError(f"the figure process ended without drawing the figures ({self.ended})")
            for failure in report.values():
                if failure is not None:
                    raise failure
            return [Path(folder) / name for name in report]

        return wait

    @staticmethod
    def _late_tables(result):
        """The ``LATE`` tables of ``result`` in two messages: the time series (computed
        here), then the spectra with their circuit fits (recorded meanwhile by a spectra
        process, ``simulation/spectra_process.py``, or here when first read)."""
        yield {"timeseries": result.timeseries}
        spectra = {"impedance": result.impedance}
        if spectra["impedance"] is not None:
            spectra["impedance_fits"] = result.impedance_fits
        yield spectra

    @staticmethod
    def _forward(posts, tables, end):
        """Put the next message of ``tables`` (``end``: all that are left, then ``_END``)
        into the senders' queues ``posts``; ``_END`` also when computing one fails."""
        try:
            for message in tables:
                for items, _ in posts:
                    items.put(message)
                if not end:
                    return
        except BaseException:
            end = True
            raise
        finally:
            if end:
                for items, _ in posts:
                    items.put(_END)

    def _close_pipes(self):
        """Close the pipes not handed to a sender: the child sees their end."""
        fds, self.jobs, self.late = [*self.jobs, *self.late], [], []
        for fd in fds:
            os.close(fd)

    def close(self):
        """Reap the child; killed first unless it has reported (the run failed before
        handing it work, or a second Ctrl-C stopped the parent)."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        self.ended = reap(pid, kill=not self.reported, group=True)
        self._close_pipes()
        os.close(self.reports)
