"""What T10 (BRIEF §3) says of a stepwise cyclic voltammogram, as numbers.

On a voltammogram frame (``voltammetry.voltammogram``), per cycle the forward (anodic)
scan is the part up to the cycle's upper limit and the reverse scan the rest:

- ``soar``: the current at the top of a forward scan over the current of the same scan
  ``SOAR_SPAN`` = 0.25 V below its top (T10: >= 10 for the scan to 4.40 V, against 4.15 V);
- ``reverse_fraction``: per cycle, cathodic charge of the reverse scan over anodic charge
  of the forward scan (T10: < 0.10 from 4.30 V on);
- ``memory``: per cycle, the forward current at 50 mV below the previous cycle's upper
  limit over the previous forward current there (T10: < 0.20 where the current soars).

The columns of ``summary`` are also fit data (``quantity = "memory"`` etc.,
``fit/voltammetry_data.py``), so that the T10 fit spec and the tests read one definition.
"""

import numpy as np
import pandas as pd

SOAR_SPAN = 0.25  # V: T10 compares the top of the 4.40 V scan with the same scan at 4.15 V


def _scans(frame):
    for cycle, part in frame.groupby("cycle", sort=True):
        E = part["potential_V"].to_numpy()
        k = int(np.argmax(E))
        yield cycle, part.iloc[: k + 1], part.iloc[k:]


def _current_at(scan, potential):
    E, i = scan["potential_V"].to_numpy(), scan["current_density_mA_cm2"].to_numpy()
    return float(np.interp(potential, E, i)) if E[0] <= potential <= E[-1] else np.nan


def _charge(scan, sign):
    t, i = scan["time_s"].to_numpy(), scan["current_density_mA_cm2"].to_numpy()
    return float(np.trapezoid(np.maximum(sign * i, 0), t))


def _soar(forward, below):
    return float(forward["current_density_mA_cm2"].iloc[-1]) / _current_at(forward, below)


def summary(frame, below=0.05):
    """DataFrame per cycle: ``upper_V``, ``top_current``, ``soar``, ``reverse_fraction``,
    ``memory`` (NaN for the first cycle)."""
    rows, previous = [], None
    for cycle, forward, reverse in _scans(frame):
        upper = float(forward["potential_V"].iloc[-1])
        row = {
            "cycle": cycle,
            "upper_V": upper,
            "top_current": float(forward["current_density_mA_cm2"].iloc[-1]),
            "soar": _soar(forward, upper - SOAR_SPAN),
            "reverse_fraction": _charge(reverse, -1) / max(_charge(forward, 1), np.finfo(float).tiny),
            "memory": np.nan,
        }
        if previous is not None:
            at = previous[0] - below
            row["memory"] = _current_at(forward, at) / _current_at(previous[1], at)
        rows.append(row)
        previous = (upper, forward)
    return pd.DataFrame(rows)


def soar(frame, top=4.40, below=4.15):
    """Current at the top of the scan to ``top`` V over that scan's current at ``below`` V."""
    for _, forward, _ in _scans(frame):
        if abs(forward["potential_V"].iloc[-1] - top) < 1e-3:
            return _soar(forward, below)
    return np.nan
