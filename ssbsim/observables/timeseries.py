"""The full time series of a run, sampled at the experiment's period.

The solution holds the solver's own steps (``observables/quadrature.py``); each step is
sampled from its start every ``period`` seconds and at its end: the ends are the solver's
own points, the times between them are evaluated from the solver's interpolant of the
state (the solver's steps can be hours long at C/10 and cross a plateau, so a straight
line between them would not do). The number of rows follows the period, as in the
experiment file, and the steps stay separate (a step's jump in voltage is not smeared)."""

import numpy as np
import pandas as pd

from ..constants import F
from .cycles import OHM_M2_TO_OHM_CM2, step_bounds

#: column -> (model variable, factor)
SERIES = {
    "current_A": ("Current [A]", 1.0),
    "voltage_V": ("Voltage [V]", 1.0),
    "discharge_capacity_Ah": ("Discharge capacity [A.h]", 1.0),
    "temperature_C": ("Ambient temperature [C]", 1.0),
    "anode_overpotential_V": ("Anode overpotential [V]", 1.0),
    "cathode_surface_potential_difference_V": (
        "Positive electrode surface potential difference [V]",
        1.0,
    ),
    "electrolyte_resistance_ohm_cm2": ("Electrolyte resistance [Ohm.m2]", OHM_M2_TO_OHM_CM2),
    "anode_interface_resistance_ohm_cm2": ("Anode interface resistance [Ohm.m2]", OHM_M2_TO_OHM_CM2),
    "cathode_interphase_resistance_ohm_cm2": ("Cathode interphase resistance [Ohm.m2]", OHM_M2_TO_OHM_CM2),
}


def sample_times(t, steps, period):
    """Sample times of each step (start, stop) of the solution arrays: every ``period``
    seconds from its start, and its end."""
    out = []
    for a, b in steps:
        t0, t1 = t[a], t[b - 1]
        grid = t0 + period * np.arange(int(np.floor((t1 - t0) / period)) + 1) if period else np.empty(0)
        grid = grid[grid < t1 - 1e-9 * max(1.0, abs(t1))]
        out.append(np.append(grid, t1))
    return out


def timeseries(solution, active_mass_kg, period=None):
    """DataFrame: time_s, cycle, step, the SERIES columns, the specific capacity and the
    cumulative charge that went into SE decomposition; one row per ``period`` seconds of
    each step and one at its end (every stored point if ``period`` is None)."""
    t = solution.t
    bounds = step_bounds(solution)
    flat = [(n, k, a, b) for n, steps in enumerate(bounds) for k, (a, b) in enumerate(steps)]
    if period is None:
        grids = [t[a:b] for _, _, a, b in flat]
    else:
        grids = sample_times(t, [(a, b) for _, _, a, b in flat], period)
    lengths = [len(g) for g in grids]
    times = np.concatenate(grids) if grids else np.empty(0)
    cycle = np.repeat([n + 1 for n, _, _, _ in flat], lengths).astype(int)
    step = np.repeat([k + 1 for _, k, _, _ in flat], lengths).astype(int)

    # the times strictly inside the steps, evaluated in one call per variable
    inner = [g[1:-1] for g in grids] if period is not None else [np.empty(0) for _ in grids]
    inner_t = np.concatenate(inner) if inner else np.empty(0)

    def sampled(variable, factor=1.0, values=None):
        values = np.broadcast_to(solution[variable].entries * factor if values is None else values, t.shape)
        if period is None:
            return np.concatenate([values[a:b] for _, _, a, b in flat]) if flat else np.empty(0)
        middle = np.empty(0)
        if len(inner_t):
            middle = np.asarray(solution[variable](inner_t)) * factor
            if middle.ndim > 1:  # resolved through the composite: its mean over x
                middle = middle.mean(axis=0)
            middle = np.broadcast_to(middle, inner_t.shape)
        out, k = [], 0
        for g, (_, _, a, b) in zip(grids, flat):
            n = len(g) - 2
            if n < 0:  # a single point
                out.append(values[b - 1 : b])
                continue
            out.append(np.concatenate([values[a : a + 1], middle[k : k + n], values[b - 1 : b]]))
            k += n
        return np.concatenate(out) if out else np.empty(0)

    data = {"time_s": times, "time_h": times / 3600, "cycle": cycle, "step": step}
    for column, (variable, factor) in SERIES.items():
        values = solution[variable].entries * factor
        if values.ndim > 1:  # resolved through the composite: its mean over x
            values = values.mean(axis=0)
        data[column] = sampled(variable, factor, values)
    frame = pd.DataFrame(data)
    frame["discharge_capacity_mAh_g"] = frame["discharge_capacity_Ah"] / active_mass_kg
    released = sampled("Na released by SE decomposition [mol]")
    frame["decomposition_charge_mAh_g"] = released * F / 3600 / active_mass_kg
    return frame
