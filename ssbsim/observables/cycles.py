"""Per-cycle observables: the ``cycles.csv`` table of the interface contract.

Capacities are differences of the model's exact counter :math:`Q = \\int I\\,dt` over
each step; energies :math:`\\int IV\\,dt` are integrated over the solver's own steps
(Simpson's rule on IDA's interpolant, ``quadrature.py``), so neither they nor the mean
voltages :math:`E/Q` depend on the output period. Steps are summed by sign: charge steps (and voltage holds on
charge) add to the charge side, discharge steps to the discharge side. Capacities are per gram
of cathode active material (the whole loading, as in the paper); efficiencies are
fractions; resistances are area-specific (per geometric area) and taken from the model
state at the end of the cycle. With an interphase, the charge that went into the
decomposition of each SE anion during the cycle is reported too, in the same unit, and
with a finite SE inventory the share of each anion's contact inventory left at the end
of the cycle (``anion_inventory_remaining_<anion>``, in [0, 1], never rising; 0 below the
solver's atol, ``inventory_share``).
"""

import numpy as np
import pandas as pd

from ..protocol.steps import upper_cutoff
from ..pybamm_import import import_pybamm
from .points import FIRST, LAST, PointValues
from .quadrature import step_energies

pybamm = import_pybamm()  # not imported by the package: the figure processes draw without PyBaMM

#: cycles.csv column -> model variable, for the state read at the end of each cycle
END_OF_CYCLE = {
    "electrolyte_resistance_ohm_cm2": "Electrolyte resistance [Ohm.m2]",
    "anode_interface_resistance_ohm_cm2": "Anode interface resistance [Ohm.m2]",
    "cathode_interphase_resistance_ohm_cm2": "Cathode interphase resistance [Ohm.m2]",
    "composite_ionic_resistance_ohm_cm2": "Composite ionic resistance [Ohm.m2]",
}
OHM_M2_TO_OHM_CM2 = 1e4

COLUMNS = [
    "cycle",
    "charge_capacity_mAh_g",
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "energy_efficiency",
    "mean_discharge_voltage_V",
    "mean_charge_voltage_V",
    "max_voltage_V",
    "upper_cutoff_V",
    "electrolyte_resistance_ohm_cm2",
    "anode_interface_resistance_ohm_cm2",
    "cathode_interphase_resistance_ohm_cm2",
    "composite_ionic_resistance_ohm_cm2",
    "temperature_C",
    "irreversible_capacity_mAh_g",
]


def decomposition_column(name):
    return f"decomposition_charge_{name}_mAh_g"


def inventory_column(name):
    return f"anion_inventory_remaining_{name}"


#: the solver's absolute tolerance on a contact-inventory share (a state of scale 1;
#: ``CellModel.solver``: PyBaMM's atol, 1e-6)
INVENTORY_ATOL = 1e-6


def inventory_share(value):
    """A contact-inventory share as ``cycles.csv`` gives it: 0 where ``|value|`` is below
    the solver's absolute tolerance. The share decays exponentially once its anion
    decomposes fast (d theta/dt = -a theta, a >= 0: theta never crosses 0); IDA's BDF
    steps overshoot such a decay across zero by far less than atol (-4e-64 in the cutoff
    sweep) and the floor max(theta, 0) of the rate (``model/interphase.py``) then holds it
    there. Below atol the solver does not resolve the share: 0 is what it knows. A share
    below -atol would be a real error, and is written as it is."""
    return 0.0 if abs(value) < INVENTORY_ATOL else float(value)


def step_bounds(solution):
    """[(cycle index, [(start, stop) of each step in the full arrays])] for the cycles."""
    bounds, start = [], 0
    for cycle in solution.cycles:
        steps = []
        for step in cycle.steps:
            if isinstance(step, pybamm.EmptySolution):  # ended at once: not in the arrays
                continue
            steps.append((start, start + len(step.t)))
            start += len(step.t)
        bounds.append(steps)
    return bounds


def charge_and_discharge(changes, zero):
    """(charge side, discharge side) of a cycle's steps, each counted positive: ``changes``
    holds per step (the change of the discharge counter Q over the step, the amounts of
    the step that add up over the cycle -- capacity, energy or their derivatives -- as
    an array shaped like ``zero``). A step with Q rising (discharge, rest) adds to the
    discharge side, one with Q falling (charge, a voltage hold on charge) to the charge
    side, with its sign reversed."""
    charge, discharge = zero, zero
    for dq, amounts in changes:
        if dq >= 0:
            discharge = discharge + amounts
        else:
            charge = charge - amounts
    return charge, discharge


#: the columns that need the energies (``energies=False`` leaves them NaN)
ENERGY_COLUMNS = ("energy_efficiency", "mean_discharge_voltage_V", "mean_charge_voltage_V")


def cycle_table(solution, cycle_steps, active_mass_kg, anions=(), complete_only=True, energies=True):
    """DataFrame with one row per (completed) cycle: the COLUMNS above, then the
    decomposition charge of each SE anion named in ``anions`` (if the model has them).
    ``energies=False`` skips the energy quadrature (its columns are NaN): studies that
    do not ask for them save a fifth of a case."""
    V = solution["Voltage [V]"].entries
    decomposition, inventory = {}, {}
    model_variables = solution.all_models[0].variables
    for k, name in enumerate(anions):
        variable = f"Cathode decomposition charge of anion {k} [A.h]"
        if variable in model_variables:
            decomposition[decomposition_column(name)] = variable
        variable = f"SE anion {k} contact inventory remaining"
        if variable in model_variables:
            inventory[inventory_column(name)] = variable
    bounds = step_bounds(solution)
    flat = [step for steps in bounds for step in steps]
    energies = iter(step_energies(solution, flat) if energies else [np.nan] * len(flat))
    # the cycles of the table, and their steps' solutions
    cycles = []
    for n, (cycle, steps) in enumerate(zip(solution.cycles, bounds)):
        expected = cycle_steps[n] if n < len(cycle_steps) else ()
        if complete_only and len(cycle.steps) < len(expected) or not steps:
            break
        cycles.append([step for step in cycle.steps if not isinstance(step, pybamm.EmptySolution)])
    # the variables read at the ends of steps and cycles only (observables/points.py)
    points = PointValues()
    step_ends = [(step, end) for parts in cycles for step in parts for end in (FIRST, LAST)]
    Q = iter(points.values("Discharge capacity [A.h]", step_ends)[:, 0].reshape(-1, 2)) if cycles else iter(())
    first = points.pack([(parts[0], FIRST) for parts in cycles])
    last = points.pack([(parts[-1], LAST) for parts in cycles])

    def at(variable, where):
        return points.values(variable, where)[:, 0] if cycles else np.empty(0)

    T_end = at("Ambient temperature [K]", last)
    decomposed = {col: at(var, last) - at(var, first) for col, var in decomposition.items()}
    remaining = {col: at(var, last) for col, var in inventory.items()}
    end_state = {col: at(var, last) for col, var in END_OF_CYCLE.items()}
    rows = []
    for n, steps in enumerate(bounds[: len(cycles)]):
        expected = cycle_steps[n] if n < len(cycle_steps) else ()
        changes = []
        for _ in steps:
            q_start, q_end = next(Q)
            changes.append((q_end - q_start, np.array([q_end - q_start, next(energies)])))
        (q_ch, e_ch), (q_dis, e_dis) = charge_and_discharge(changes, np.zeros(2))
        start, stop = steps[0][0], steps[-1][1]
        row = {
            "cycle": n + 1,
            "charge_capacity_mAh_g": q_ch / active_mass_kg,  # A.h/kg = mAh/g
            "discharge_capacity_mAh_g": q_dis / active_mass_kg,
            "coulombic_efficiency": q_dis / q_ch if q_ch > 0 else np.nan,
            "energy_efficiency": e_dis / e_ch if e_ch > 0 else np.nan,
            "mean_discharge_voltage_V": e_dis / q_dis if q_dis > 0 else np.nan,
            "mean_charge_voltage_V": e_ch / q_ch if q_ch > 0 else np.nan,
            "max_voltage_V": float(V[start:stop].max()),
            "upper_cutoff_V": upper_cutoff(expected),
            "temperature_C": float(T_end[n]) - 273.15,
            "irreversible_capacity_mAh_g": (q_ch - q_dis) / active_mass_kg,
        }
        for col, charge in decomposed.items():
            row[col] = charge[n] / active_mass_kg
        for col, value in remaining.items():
            row[col] = inventory_share(float(value[n]))
        for col, values in end_state.items():
            row[col] = float(values[n]) * OHM_M2_TO_OHM_CM2
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS + list(decomposition) + list(inventory))
