"""Observables computed from a solution: the per-cycle table, the time series, figures."""

from ..pybamm_import import import_pybamm

import_pybamm()  # before the modules here import it: no telemetry prompt (see there)
