"""Parameter sets: the registry of every parameter (``registry.py``), loading, checking,
provenance and derived quantities. Imports no PyBaMM."""

from .loader import ParameterSet, load_parameter_set

#: the parameter set of runs that name none (Cell A), and of ``CellModel()``
DEFAULT_PARAMETER_SET = "asakura2020"

__all__ = ["DEFAULT_PARAMETER_SET", "ParameterSet", "load_parameter_set"]
