"""Calibration and fitting: the targets of the brief (one table, ``targets``), fit specs, the
least-squares engine and the fit reports; the shipped calibrations are fit specs run by
``ssbsim fit``.

The package is also the function ``ssbsim.fit(spec, ...)`` (``fit/api.py``), the Python
face of ``ssbsim fit``."""

from ..callable_package import make_callable

make_callable(__name__, "ssbsim.fit.api:fit")
