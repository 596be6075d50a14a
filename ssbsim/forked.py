"""Pickled messages between the ``ssbsim`` process and the processes it forks (the figure
processes, ``observables/figure_process.py``; the spectra process,
``simulation/spectra_process.py``): each message its length, then its pickle, on a pipe;
an exception raised in a child travels to the parent to be raised there."""

import os
import pickle
import signal
import struct
import sys

_LENGTH = struct.Struct("<Q")


def can_fork():
    """Whether the ``ssbsim`` process may fork workers: Linux only (on macOS a fork without
    exec of a process that has loaded system frameworks, as NumPy's Accelerate BLAS, is
    unsafe -- Python's multiprocessing spawns there since 3.8; Windows has no fork)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def send(fd, obj):
    """Write ``obj`` pickled, after its length, to the file descriptor ``fd``."""
    write_all(fd, message(obj))


def message(obj):
    """``obj`` as :func:`send` writes it: its pickle after its length."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def write_all(fd, data):
    """Write the bytes ``data`` to the file descriptor ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def receive(fd):
    """The object :func:`send` wrote to the other end of ``fd``; None at end of file."""

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


def portable(err, doing):
    """``err`` as it can travel to the parent (pickled), noting what the child was
    ``doing`` and its traceback."""
    import traceback

    where = "".join(traceback.format_exception(err)).rstrip()
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        err = RuntimeError(f"{type(err).__name__}: {err}")
    err.add_note(f"while {doing}:\n{where}")
    return err


def ended(status):
    """How a process ended, from its ``waitpid`` status."""
    return f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"


def reap(pid, kill, group=False):
    """Wait for the child ``pid`` to end, killed first if ``kill`` (with ``group``, its
    process group); how it ended (``ended``)."""
    if kill:
        try:
            (os.killpg if group else os.kill)(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped elsewhere
        status = 0
    return ended(status)
