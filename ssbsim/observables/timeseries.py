"""The full time series of a run, sampled at the experiment's period.

The solution holds the solver's own steps (``observables/quadrature.py``); each step is
sampled from its start every ``period`` seconds and at its end, by linear interpolation
between the solver's steps (its start and end values are the solver's own), so the number
of rows follows the period, as in the experiment file, and the steps stay separate (a
current step's jump in voltage is not smeared)."""

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
    """Indices into the rows of the sampled series: (step number, time) for each step
    (start, stop) of the solution arrays, every ``period`` from its start and at its end."""
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

    def sampled(values):
        values = np.broadcast_to(values, t.shape)
        if period is None:
            return np.concatenate([values[a:b] for _, _, a, b in flat]) if flat else np.empty(0)
        return np.concatenate([np.interp(g, t[a:b], values[a:b]) for g, (_, _, a, b) in zip(grids, flat)])

    data = {"time_s": times, "time_h": times / 3600, "cycle": cycle, "step": step}
    for column, (variable, factor) in SERIES.items():
        values = solution[variable].entries * factor
        if values.ndim > 1:  # resolved through the composite: its mean over x
            values = values.mean(axis=0)
        data[column] = sampled(values)
    frame = pd.DataFrame(data)
    frame["discharge_capacity_mAh_g"] = frame["discharge_capacity_Ah"] / active_mass_kg
    released = solution["Na released by SE decomposition [mol]"].entries
    frame["decomposition_charge_mAh_g"] = sampled(released) * F / 3600 / active_mass_kg
    return frame
