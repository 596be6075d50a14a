"""Parameter sets: the registry of every parameter (``registry.py``), loading, checking,
provenance and derived quantities. Imports no PyBaMM."""

from .loader import ParameterSet, load_parameter_set

__all__ = ["ParameterSet", "load_parameter_set"]
