"""Derivatives of the per-cycle observables (``cycles.py``) with respect to the input
parameters whose forward sensitivities a solve computed (``calculate_sensitivities``),
the steps' moving ends included (``simulation/event_sensitivities.py``).

With S the state sensitivities and X a model variable, X at the start or the end of a step
moves by X_y S + X_p (at the end, S is the total derivative: the end time moves with the
parameters). A step's capacity is the change of the counter Q over the step, so its
derivative is the difference of dQ/dp at the step's two ends; the charge and discharge
capacities are the sums by sign, as in the cycle table (``cycles.charge_and_discharge``),
and

    d CE/dp = (dq_dis/dp - CE dq_ch/dp) / q_ch,   d q_irr/dp = dq_ch/dp - dq_dis/dp.

Energies. A step's energy is the quadrature of the power P = IV over the solver's
intervals (``quadrature.py``: Simpson, m sub-intervals by the voltage swing), in the
step's own time s, up to its end tau. Its derivative is that of the integral with a
moving end,

    dE/dp = int_0^tau (P_y S + P_p) ds + P(tau) dtau/dp,

with S at fixed time since the start of the step (the end point's S without its
ydot dtau/dp: the last term accounts for the moving end), integrated by the same rule on
the same nodes, with the state and S between the solver's points from
``simulation/step_interpolation.py``. Then

    d EE/dp = (de_dis/dp - EE de_ch/dp) / e_ch,   d V_mean/dp = (de/dp - V_mean dq/dp) / q

for the energy efficiency and the mean voltages. Resistances are read at the end of the
cycle. The maximum voltage has no derivative here: a fit asking for it uses finite
differences (``fit/jacobian.py``).
"""

import numpy as np

from ..pybamm_import import import_pybamm
from ..simulation.event_sensitivities import points_jacobian, variable_sensitivity
from ..simulation.step_interpolation import StepInterpolant
from .cycles import END_OF_CYCLE, ENERGY_COLUMNS, OHM_M2_TO_OHM_CM2, charge_and_discharge
from .quadrature import interior_nodes, subdivisions

pybamm = import_pybamm()  # not imported by the package: the figure processes draw without PyBaMM

#: cycle-table columns with derivatives here
COLUMNS = (
    "charge_capacity_mAh_g",
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "irreversible_capacity_mAh_g",
    *ENERGY_COLUMNS,
    *END_OF_CYCLE,
)
COUNTER = "Discharge capacity [A.h]"


def cycle_sensitivities(simulation, solution, cycle_steps, active_mass_kg, complete_only=True, wanted=None):
    """{column: array (cycles x parameters)} for the COLUMNS above, one row per cycle of
    the cycle table (the same cycles: complete ones unless ``complete_only`` is False).
    ``wanted``: {column: (1-based) cycle numbers} of the values needed (None: all); the
    others are NaN, and a cycle's energies are integrated only where an energy column
    of it is wanted."""
    rows = []
    n_p = len(solution.all_models[-1].calculate_sensitivities)
    for n, cycle in enumerate(solution.cycles):
        steps = [s for s in cycle.steps if not isinstance(s, pybamm.EmptySolution)]
        expected = cycle_steps[n] if n < len(cycle_steps) else ()
        if complete_only and len(cycle.steps) < len(expected) or not steps:
            break
        columns = [col for col in COLUMNS if wanted is None or n + 1 in wanted.get(col, ())]
        rows.append(_cycle(simulation, steps, active_mass_kg, columns) if columns else {})
    blank = np.full(n_p, np.nan)
    return {col: np.array([row.get(col, blank) for row in rows]).reshape(len(rows), n_p) for col in COLUMNS}


def _cycle(simulation, steps, active_mass_kg, columns):
    energies = any(col in ENERGY_COLUMNS for col in columns)
    changes = []
    for step in steps:
        q0, dq0 = variable_sensitivity(simulation, step, 0, COUNTER)
        q1, dq1 = variable_sensitivity(simulation, step, -1, COUNTER)
        e, de = step_energy_sensitivity(simulation, step) if energies else (np.nan, np.full_like(dq0, np.nan))
        changes.append((q1 - q0, np.vstack([[q1 - q0, e], np.column_stack([dq1 - dq0, de])])))
    zero = np.zeros_like(changes[0][1])
    charge, discharge = charge_and_discharge(changes, zero)
    (q_ch, e_ch), dq_ch, de_ch = charge[0], charge[1:, 0], charge[1:, 1]
    (q_dis, e_dis), dq_dis, de_dis = discharge[0], discharge[1:, 0], discharge[1:, 1]

    def ratio(a, da, b, db):  # d(a/b)
        return (da - a / b * db) / b if b > 0 else np.nan * da

    row = {
        "charge_capacity_mAh_g": dq_ch / active_mass_kg,
        "discharge_capacity_mAh_g": dq_dis / active_mass_kg,
        "coulombic_efficiency": ratio(q_dis, dq_dis, q_ch, dq_ch),
        "irreversible_capacity_mAh_g": (dq_ch - dq_dis) / active_mass_kg,
        "energy_efficiency": ratio(e_dis, de_dis, e_ch, de_ch),
        "mean_discharge_voltage_V": ratio(e_dis, de_dis, q_dis, dq_dis),
        "mean_charge_voltage_V": ratio(e_ch, de_ch, q_ch, dq_ch),
    }
    for col, variable in END_OF_CYCLE.items():
        if col in columns:
            row[col] = variable_sensitivity(simulation, steps[-1], -1, variable)[1] * OHM_M2_TO_OHM_CM2
    return {col: row[col] for col in columns}


def _power(model):
    return model.get_processed_variable_or_event("Voltage [V]") * model.get_processed_variable_or_event("Current [A]")


def step_energy_sensitivity(simulation, step):
    """(E [W.h], dE/dp [W.h per unit of each parameter]) of a one-step solution, positive
    on discharge: the quadrature of ``quadrature.step_energies`` and its derivative with
    the step's moving end (module docstring)."""
    model = step.all_models[-1]
    interpolant = StepInterpolant(simulation, step)
    t, y, S, dtau = interpolant.t, interpolant.y, interpolant.S, interpolant.dtau
    power = ("power", "Voltage [V] x Current [A]")

    def dP(times, states, sens):
        value, _, g_y, g_p = points_jacobian(simulation, step, power, lambda: _power(model), times, states)
        return value, np.einsum("kn,knp->kp", g_y, sens) + g_p

    P, dP_points = dP(t, y, S)
    if not len(interpolant.left):
        return 0.0, P[-1] * dtau / 3600
    left, right, h, states_at = interpolant.left, interpolant.right, interpolant.h, interpolant.at

    everywhere = np.arange(len(left))
    mid_t, mid_y, _ = states_at(everywhere, np.full(len(left), 0.5))
    V_key = ("variable", "Voltage [V]")
    V = points_jacobian(simulation, step, V_key, lambda: model.get_processed_variable_or_event("Voltage [V]"), t, y)[0]
    V_mid = points_jacobian(
        simulation, step, V_key, lambda: model.get_processed_variable_or_event("Voltage [V]"), mid_t, mid_y
    )[0]
    m = subdivisions(V[left], V[right], V_mid)
    interval, fraction, weights = interior_nodes(m)
    inner, d_inner = dP(*states_at(interval, fraction))
    scale = h / (6 * m)
    energy = np.sum(scale * (P[left] + P[right] + np.bincount(interval, weights * inner, len(left))))
    sums = np.zeros((len(left), d_inner.shape[1]))
    np.add.at(sums, interval, weights[:, None] * d_inner)
    d_energy = scale @ (dP_points[left] + dP_points[right] + sums) + P[-1] * dtau
    return energy / 3600, d_energy / 3600
