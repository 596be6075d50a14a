"""ssbsim: physics-based simulation of all-solid-state sodium cells on PyBaMM.

The pipeline, one subpackage per stage::

    model -> parameters -> protocol -> simulation -> observables

``load_parameter_set`` and ``run`` are the Python face of ``ssbsim run``; ``CellModel``
and ``Simulation`` are the model and a ``pybamm.Simulation`` for use as in PyBaMM
(``pybamm.ParameterValues("asakura2020")`` finds the shipped sets).

Importing ssbsim changes nothing global and imports neither PyBaMM nor matplotlib: the
functions below are loaded on first use (module ``__getattr__``), so ``ssbsim --help``
and ``ssbsim list`` start fast.
"""

import importlib

from .errors import InputError, SimulationError, SsbsimError

__version__ = "0.1.0"

_LAZY = {
    "CellModel": "ssbsim.model",
    "Simulation": "ssbsim.simulation.pybamm_simulation",
    "load_parameter_set": "ssbsim.parameters",
    "load_experiment": "ssbsim.protocol",
    "run": "ssbsim.simulation.run",
}

__all__ = [
    "CellModel",
    "InputError",
    "Simulation",
    "SimulationError",
    "SsbsimError",
    "load_experiment",
    "load_parameter_set",
    "run",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ssbsim' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
