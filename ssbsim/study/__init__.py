"""Batch parameter studies on a distributed engine (Dask): ``ssbsim study``."""
