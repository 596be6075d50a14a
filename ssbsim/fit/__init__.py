"""Calibration and fitting: the targets of the brief (one table, ``targets``), fit specs, the
least-squares engine and the fit reports; the shipped calibrations are fit specs run by
``ssbsim fit``."""
