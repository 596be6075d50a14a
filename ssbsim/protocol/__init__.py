"""Protocols: experiment files and their translation into ``pybamm.Experiment``."""

from .experiment_file import ExperimentSpec, load_experiment

__all__ = ["ExperimentSpec", "load_experiment"]
