"""The standard time-series frame the readers build: ``time_s``, ``voltage_V``,
``current_A`` (positive on discharge), ``cycle`` (from 1), then the file's other columns."""

import numpy as np
import pandas as pd

from ..errors import InputError


def cycles_from_current(current):
    """Cycle numbers from 1: a new cycle starts at each charge (current < 0) that follows
    a discharge (current > 0). Currents below 1e-3 of the largest (rests) are ignored."""
    current = np.asarray(current, dtype=float)
    scale = np.nanmax(np.abs(current)) if len(current) else 0.0
    sign = np.where(np.abs(current) > 1e-3 * scale, np.sign(current), 0.0)
    cycle = np.ones(len(current), dtype=np.int64)
    moving = np.flatnonzero(sign)
    if len(moving) > 1:
        starts = moving[1:][(sign[moving[1:]] < 0) & (sign[moving[:-1]] > 0)]
        step = np.zeros(len(current), dtype=np.int64)
        step[starts] = 1
        cycle += np.cumsum(step)
    return cycle


def current_from_charge(time_s, charge_C, increments):
    """Current (A, the file's sign) from a charge column: per-point increments (``dq``)
    or a cumulative charge (``Q-Qo``), over the time since the previous point."""
    dq = charge_C if increments else np.diff(charge_C, prepend=charge_C[:1])
    dt = np.diff(time_s, prepend=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        current = np.where(dt > 0, dq / dt, np.nan)
    return pd.Series(current).ffill().bfill().fillna(0.0).to_numpy()


def integer_cycles(values, column, source, where):
    """int array of cycle numbers from the float ``values``; InputError if not whole."""
    bad = np.flatnonzero(~np.isfinite(values) | (values != np.round(values)))
    if len(bad):
        raise InputError(source, f"column {column!r}: {float(values[bad[0]]):g} is not a whole number", where(bad[0]))
    return values.astype(np.int64)


def standard_frame(columns, source, where, time, voltage, current, cycle, dropped=()):
    """The standard frame from ``columns`` (name -> array) and the converted ``time``,
    ``voltage``, ``current`` (SI, ssbsim's sign) and ``cycle`` (None: from the current);
    the columns named in ``dropped`` were converted and are left out. ``where(i)`` names
    the line (or point) of row ``i`` in the file. Checks the values are finite and the time
    never goes back."""
    if not len(time):
        raise InputError(source, "no data rows")
    for name, values in (("time", time), ("voltage", voltage), ("current", current)):
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            raise InputError(source, f"{name} is not a finite number ({values[bad[0]]})", where(bad[0]))
    back = np.flatnonzero(np.diff(time) < 0)
    if len(back):
        i = back[0] + 1
        raise InputError(source, f"time goes back, from {time[i - 1]:g} s to {time[i]:g} s", where(i))
    if cycle is None:
        cycle = cycles_from_current(current)
    elif len(cycle) and cycle.min() < 1:
        i = int(np.argmin(cycle))
        raise InputError(source, f"cycle numbers start at 1, found {cycle[i]}", where(i))
    data = {"time_s": time, "voltage_V": voltage, "current_A": current + 0.0, "cycle": cycle}  # no -0.0
    for name, values in columns.items():
        if name not in dropped and name not in data:
            data[name] = values
    frame = pd.DataFrame(data)
    frame.attrs["source"] = str(source)
    return frame
