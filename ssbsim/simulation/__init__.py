"""Running experiments: the PyBaMM simulation, its result and the outputs."""

from ..pybamm_import import import_pybamm

import_pybamm()  # before the modules here import it: no telemetry prompt (see there)
