"""Observables computed from a solution: the per-cycle table, the time series, figures.

The package does not import PyBaMM: the figure modules draw from tables, in processes
that never import it (``figure_process.py``); the modules that use PyBaMM import it
through ``pybamm_import.import_pybamm`` (no telemetry prompt)."""
