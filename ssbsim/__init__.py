"""ssbsim: physics-based simulation of all-solid-state sodium cells on PyBaMM.

The pipeline, one subpackage per stage::

    model -> parameters -> protocol -> simulation -> observables

``load_parameter_set`` and ``run`` are the Python face of ``ssbsim run``, ``fit`` of
``ssbsim fit`` and ``study`` of ``ssbsim study`` (``fit`` and ``study`` are also the
subpackages that do the work: callable packages, see ``callable_package.py``).
``CellModel`` and ``Simulation`` are the model and a ``pybamm.Simulation`` for use as in
PyBaMM (``pybamm.ParameterValues("asakura2020")`` finds the shipped sets).

Importing ssbsim changes nothing global and imports neither PyBaMM nor matplotlib: the
functions below are loaded on first use (module ``__getattr__``), so ``ssbsim --help``
and ``ssbsim list`` start fast.
"""

import importlib

from .errors import InputError, SimulationError, SsbsimError

__version__ = "0.1.0"

_LAZY = {
    "load_parameter_set": "ssbsim.parameters",
    "load_experiment": "ssbsim.protocol",
    "run": "ssbsim.simulation.run",
    "CellModel": "ssbsim.model",
    "Simulation": "ssbsim.simulation.pybamm_simulation",
}
_PACKAGES = ("fit", "study")  # callable subpackages

__all__ = [
    "CellModel",
    "InputError",
    "Simulation",
    "SimulationError",
    "SsbsimError",
    "fit",
    "load_experiment",
    "load_parameter_set",
    "run",
    "study",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _PACKAGES:
        return importlib.import_module(f"ssbsim.{name}")
    raise AttributeError(f"module 'ssbsim' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_PACKAGES))
