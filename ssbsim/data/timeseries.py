"""``read_timeseries``: a measured time series, whatever the file format."""

from pathlib import Path

from ..errors import InputError
from .biologic import read_mpr, read_mpt
from .csvseries import read_csv_series

READERS = {".mpt": read_mpt, ".mpr": read_mpr, ".csv": read_csv_series}


def read_timeseries(path):
    """DataFrame of a measured time series: ``time_s``, ``voltage_V``, ``current_A``
    (positive on discharge), ``cycle`` (from 1), then the file's other columns under their
    own names; ``attrs["source"]`` is the file. By suffix: BioLogic ``.mpt`` (text) or
    ``.mpr`` (binary, needs the optional galvani), or ``.csv`` (units in the column names)."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(path, f"unknown time-series format {path.suffix!r} (known: {', '.join(READERS)})")
    return reader(path)
