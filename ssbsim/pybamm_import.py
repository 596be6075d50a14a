"""Importing PyBaMM without its first-import telemetry prompt, and without changing
anything for the host process.

``import pybamm`` (PyBaMM 26, ``pybamm/__init__.py`` -> ``config.generate()``) asks on
standard input whether to enable telemetry, waiting up to 10 s, unless
``PYBAMM_DISABLE_TELEMETRY`` is set, a test runner or CI is detected, or the user's PyBaMM
config file (``<user config dir>/pybamm/config.yml``) already holds an answer. The same
import decides, once, whether ``pybamm.telemetry`` sends anything. A script that calls
``ssbsim.run(...)`` must not stop on that prompt, and importing ssbsim must not change
the environment, so the subpackages that use PyBaMM import it through
:func:`import_pybamm`: when the user has given no answer (no variable, no config file) the
variable is set for the duration of the first ``import pybamm`` only, and removed again.
PyBaMM then neither prompts, nor writes its config file, nor sends telemetry from this
process; ``os.environ`` is as it was. A user who answered keeps their answer.

``import pybamm`` also imports pooch, which imports ``tqdm.auto``: in a Jupyter kernel
without ipywidgets that prints tqdm's "IProgress not found" warning (on stderr, in the
notebook) and falls back to the text bar. The text bar is what ssbsim wants
(``simulation/progress.py``), so the first import runs with that one warning filtered,
inside ``warnings.catch_warnings``: the caller's filters are as they were afterwards.

(With the dependencies installed today the prompt happens not to show: something PyBaMM
imports loads ``unittest``, which PyBaMM's check takes for a test run; its telemetry client
is then live but skips each event for the same reason. Nothing here relies on that.)
"""

import os
import sys
import warnings
from pathlib import Path

VARIABLE = "PYBAMM_DISABLE_TELEMETRY"


def _answered():
    if os.environ.get(VARIABLE) is not None:
        return True
    try:
        import platformdirs  # a dependency of PyBaMM, which reads its config file with it
    except ImportError:  # pragma: no cover - PyBaMM would not import either
        return False
    return (Path(platformdirs.user_config_dir("pybamm")) / "config.yml").is_file()


def import_pybamm():
    """The ``pybamm`` module, imported without the telemetry prompt and without tqdm's
    "IProgress not found" warning (see above)."""
    if "pybamm" in sys.modules:
        return sys.modules["pybamm"]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        if _answered():
            import pybamm

            return pybamm
        os.environ[VARIABLE] = "true"
        try:
            import pybamm
        finally:
            os.environ.pop(VARIABLE, None)
        return pybamm
