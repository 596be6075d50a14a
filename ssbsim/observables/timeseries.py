"""The full time series of a run, one row per stored time point."""

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


def timeseries(solution, active_mass_kg):
    """DataFrame: time_s, cycle, step, the SERIES columns, the specific capacity and the
    cumulative charge that went into SE decomposition."""
    t = solution.t
    cycle = np.zeros(t.shape, dtype=int)
    step = np.zeros(t.shape, dtype=int)
    for n, steps in enumerate(step_bounds(solution)):
        for k, (a, b) in enumerate(steps):
            cycle[a:b], step[a:b] = n + 1, k + 1
    data = {"time_s": t, "time_h": t / 3600, "cycle": cycle, "step": step}
    for column, (variable, factor) in SERIES.items():
        values = solution[variable].entries * factor
        if values.ndim > 1:  # resolved through the composite: its mean over x
            values = values.mean(axis=0)
        data[column] = np.broadcast_to(values, t.shape)
    frame = pd.DataFrame(data)
    frame["discharge_capacity_mAh_g"] = frame["discharge_capacity_Ah"] / active_mass_kg
    released = solution["Na released by SE decomposition [mol]"].entries
    frame["decomposition_charge_mAh_g"] = np.broadcast_to(released, t.shape) * F / 3600 / active_mass_kg
    return frame
