"""Parameter sets: loading, checking, provenance and derived quantities."""

from .loader import ParameterSet, load_parameter_set

__all__ = ["ParameterSet", "load_parameter_set"]
