"""Readers for measured data: cycler time series and per-cycle tables.

``read_timeseries`` gives ``time_s``, ``voltage_V``, ``current_A`` (positive on
discharge, ssbsim's convention) and ``cycle`` (from 1) from a BioLogic ``.mpt`` or
``.mpr`` file or a plain CSV; ``read_cycle_table`` reads measured values of the
``cycles.csv`` quantities, per cycle. Bad files raise InputError naming the file and the
line (or column) at fault.
"""

from .cycle_table import read_cycle_table
from .timeseries import read_timeseries

__all__ = ["read_cycle_table", "read_timeseries"]
