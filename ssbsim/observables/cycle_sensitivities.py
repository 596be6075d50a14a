"""Derivatives of the per-cycle observables (``cycles.py``) with respect to the input
parameters whose forward sensitivities a solve computed (``calculate_sensitivities``),
the steps' moving ends included (``simulation/event_sensitivities.py``).

With S the state sensitivities and X a model variable, X at the start or the end of a step
moves by X_y S + X_p (at the end, S is the total derivative: the end time moves with the
parameters). A step's capacity is the change of the counter Q over the step, so its
derivative is the difference of dQ/dp at the step's two ends; the charge and discharge
capacities are the sums by sign, as in the cycle table, and

    d CE/dp = (dq_dis/dp - CE dq_ch/dp) / q_ch,   d q_irr/dp = dq_ch/dp - dq_dis/dp.

Resistances are read at the end of the cycle. Energies, mean and maximum voltages need
the sensitivities along each step and are not given: a fit asking for them uses finite
differences (``fit/jacobian.py``).
"""

import numpy as np
import pybamm

from ..simulation.event_sensitivities import variable_sensitivity
from .cycles import END_OF_CYCLE, OHM_M2_TO_OHM_CM2

#: cycle-table columns with derivatives here
COLUMNS = (
    "charge_capacity_mAh_g",
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "irreversible_capacity_mAh_g",
    *END_OF_CYCLE,
)
COUNTER = "Discharge capacity [A.h]"


def cycle_sensitivities(simulation, solution, cycle_steps, active_mass_kg, complete_only=True):
    """{column: array (cycles x parameters)} for the COLUMNS above, one row per cycle of
    the cycle table (the same cycles: complete ones unless ``complete_only`` is False)."""
    rows = []
    for n, cycle in enumerate(solution.cycles):
        steps = [s for s in cycle.steps if not isinstance(s, pybamm.EmptySolution)]
        expected = cycle_steps[n] if n < len(cycle_steps) else ()
        if complete_only and len(cycle.steps) < len(expected) or not steps:
            break
        rows.append(_cycle(simulation, steps, active_mass_kg))
    n_p = len(solution.all_models[-1].calculate_sensitivities)
    return {col: np.array([row[col] for row in rows]).reshape(len(rows), n_p) for col in COLUMNS}


def _cycle(simulation, steps, active_mass_kg):
    q_ch = q_dis = 0.0
    dq_ch = dq_dis = 0.0
    for step in steps:
        q0, dq0 = variable_sensitivity(simulation, step, 0, COUNTER)
        q1, dq1 = variable_sensitivity(simulation, step, -1, COUNTER)
        if q1 - q0 >= 0:
            q_dis, dq_dis = q_dis + q1 - q0, dq_dis + dq1 - dq0
        else:
            q_ch, dq_ch = q_ch - (q1 - q0), dq_ch - (dq1 - dq0)
    ce = q_dis / q_ch if q_ch > 0 else np.nan
    row = {
        "charge_capacity_mAh_g": dq_ch / active_mass_kg,
        "discharge_capacity_mAh_g": dq_dis / active_mass_kg,
        "coulombic_efficiency": (dq_dis - ce * dq_ch) / q_ch if q_ch > 0 else np.nan * dq_ch,
        "irreversible_capacity_mAh_g": (dq_ch - dq_dis) / active_mass_kg,
    }
    for col, variable in END_OF_CYCLE.items():
        row[col] = variable_sensitivity(simulation, steps[-1], -1, variable)[1] * OHM_M2_TO_OHM_CM2
    return row
