"""Ctrl-C (SIGINT) as "stop and keep what is done".

The ``ssbsim`` command (never a library import) runs ``run`` and ``fit`` inside
:func:`deferred`: the first SIGINT only sets a flag, the run stops at the end of the step
it is solving (``simulation.pybamm_simulation``) and the cycles completed so far are
written as a unit (after a complete solve, all of them: the outputs are written, then the
command ends as interrupted; ``finishing``); a second SIGINT interrupts at once.
``study`` needs no deferral: every finished case is already in its journal, so it stops
at once and keeps them.
"""

import signal
import sys
import threading
from contextlib import contextmanager

from .errors import SsbsimError

EXIT_STATUS = 130  # the shell's convention for a command ended by SIGINT
#: extension modules that writing outputs imports: the parquet engine, and for figures
#: matplotlib with its Agg canvas and Pillow (``import_first``)
OUTPUT_MODULES = ("pyarrow.parquet",)
FIGURE_MODULES = ("matplotlib.figure", "matplotlib.backends.backend_agg", "PIL.Image")

_requested = threading.Event()
#: what a deferred SIGINT lets the command finish (``finishing``), for its message
_finishing = ["the current step"]


class Interrupted(SsbsimError):
    """The user interrupted the command; ``.result`` holds what was completed, if any."""

    result = None


def import_first(*modules):
    """Import ``modules`` now, before the work a Ctrl-C may stop. A KeyboardInterrupt
    inside the first import of an extension module leaves it half initialised: measured,
    a second Ctrl-C during matplotlib's import (pybind11's ft2font) while ``ssbsim run``
    wrote the completed cycles gave "ImportError: initialization failed", a traceback,
    and a fatal error (SIGABRT) as the interpreter exited."""
    import importlib

    for name in modules:
        importlib.import_module(name)


def requested():
    """Whether a deferred SIGINT asks the current run to stop."""
    return _requested.is_set()


@contextmanager
def deferred():
    """Defer the first SIGINT (see the module docstring); a no-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        if _requested.is_set():
            raise KeyboardInterrupt
        _requested.set()
        print(f"ssbsim: interrupted: finishing {_finishing[0]} (Ctrl-C again to stop at once)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _requested.clear()
        _finishing[0] = "the current step"


def finishing(what):
    """Inside :func:`deferred`: a first SIGINT from now on lets the command finish
    ``what`` (e.g. "writing the outputs"), which its message says."""
    _finishing[0] = what


@contextmanager
def held():
    """Hold SIGINT back for a few statements that must not be cut in two (a study's
    journal line and its count of kept cases): a Ctrl-C meanwhile is recorded and handed
    to the previous handler when they are done. A no-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and previous is signal.default_int_handler:
            raise KeyboardInterrupt
        if caught and callable(previous):
            previous(signal.SIGINT, None)
