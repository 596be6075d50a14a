"""``read_voltammogram``: a measured or simulated voltammogram, whatever the file format.

ssbsim's own ``voltammogram.csv`` (``cycle, time_s, potential_V,
current_density_mA_cm2``, anodic positive) is read as it is. Any other time series that
``read_timeseries`` reads (EC-Lab ``.mpt``/``.mpr``, CSV with ``time``, ``voltage``,
``current`` columns) gives the potential from its voltage and the anodic current from
its current (ssbsim's sign is positive on discharge, i.e. cathodic, so it is negated),
per ``area_cm2`` if given (else in mA: the onsets do not depend on the scale).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .textfile import numbers, read_csv
from .timeseries import read_timeseries

OWN = ("cycle", "time_s", "potential_V", "current_density_mA_cm2")


def read_voltammogram(path, area_cm2=None):
    """DataFrame ``cycle, time_s, potential_V, current_density_mA_cm2`` (and ``scan``
    where the file has it)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        header, rows, lines = read_csv(path)
        if all(name in header for name in OWN):
            data = {name: numbers([row[header.index(name)] for row in rows], name, path, lines) for name in OWN}
            if "scan" in header:
                data["scan"] = numbers([row[header.index("scan")] for row in rows], "scan", path, lines)
            frame = pd.DataFrame(data)
            frame["cycle"] = frame["cycle"].astype(int)
            return frame
    series = read_timeseries(path)
    scale = 1e3 / area_cm2 if area_cm2 else 1e3
    frame = pd.DataFrame(
        {
            "cycle": series["cycle"].to_numpy(),
            "time_s": series["time_s"].to_numpy(),
            "potential_V": series["voltage_V"].to_numpy(),
            "current_density_mA_cm2": -series["current_A"].to_numpy() * scale,
        }
    )
    if not np.isfinite(frame["potential_V"]).all():
        raise InputError(path, "potential is not a finite number everywhere")
    return frame
