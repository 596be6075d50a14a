"""The calibration targets of the brief (§3, Cell A) as code: how each is measured on a
simulated run, its published value and the tolerance a reader accepts.

Tolerances (BRIEF §3): capacities ±5 mAh/g, voltages ±30 mV, resistances ±25 %,
Coulombic efficiency ±1.5 percentage points. Sources: Asakura et al., Energy Environ.
Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

CAPACITY_TOL = 5.0  # mAh/g
VOLTAGE_TOL = 0.030  # V
RESISTANCE_TOL = 0.25  # relative


def plateau_voltages(result, cycle, plateau_potential, band=0.1):
    """(charge, discharge) median voltage of ``cycle`` within ``band`` of a plateau."""
    ts = result.timeseries
    part = ts[ts["cycle"] == cycle]
    near = (part["voltage_V"] - plateau_potential).abs() < band
    charge = part[near & (part["current_A"] < 0)]["voltage_V"]
    discharge = part[near & (part["current_A"] > 0)]["voltage_V"]
    return float(charge.median()), float(discharge.median())


def plateau_overpotential(result, cycle, plateau_potentials=(3.6, 4.0)):
    """Largest half charge/discharge gap over the plateaus of ``cycle`` [V]."""
    gaps = [np.subtract(*plateau_voltages(result, cycle, u)) / 2 for u in plateau_potentials]
    return float(max(gaps))


def _cycles(result):
    return result.cycles.set_index("cycle")


@dataclass
class Target:
    """A published value, how to measure it on a run, and what counts as agreement."""

    id: str
    quantity: str
    value: float
    unit: str
    experiment: str
    measure: Callable
    rule: str = "abs"  # "abs": |sim - value| <= tol; "rel": relative; "max": sim <= value; "min": sim > value
    tolerance: float = 0.0

    def check(self, simulated):
        if self.rule == "abs":
            return abs(simulated - self.value) <= self.tolerance
        if self.rule == "rel":
            return abs(simulated - self.value) <= self.tolerance * abs(self.value)
        if self.rule == "max":
            return simulated <= self.value
        return simulated > self.value

    def tolerance_text(self):
        return {
            "abs": f"±{self.tolerance:g} {self.unit}",
            "rel": f"±{self.tolerance:.0%}",
            "max": "at most",
            "min": "more than",
        }[self.rule]


# cycle numbers in the shipped protocols
SWEEP_LAST_AT = {4.05: 5, 4.10: 10, 4.15: 15}  # last cycle at each upper cutoff
RATE_LAST_AT = {"C/10": 5, "C/5": 10, "C/2": 15, "1C": 20}

CELL_A_TARGETS = [
    Target("T1", "first plateau (mid-point of charge and discharge), C/10", 3.6, "V", "cutoff_sweep",
           lambda r: float(np.mean(plateau_voltages(r, 15, 3.6))), "abs", VOLTAGE_TOL),
    Target("T1", "second plateau (mid-point of charge and discharge), C/10", 4.0, "V", "cutoff_sweep",
           lambda r: float(np.mean(plateau_voltages(r, 15, 4.0))), "abs", VOLTAGE_TOL),
    Target("T1", "mean discharge voltage, C/10, 4.15 V cutoff", 3.8, "V", "cutoff_sweep",
           lambda r: _cycles(r).loc[15, "mean_discharge_voltage_V"], "abs", VOLTAGE_TOL),
    Target("T2", "discharge capacity, C/10, 4.15 V", 104.0, "mAh/g", "rate_test",
           lambda r: _cycles(r).loc[RATE_LAST_AT["C/10"], "discharge_capacity_mAh_g"], "abs", CAPACITY_TOL),
    Target("T2", "discharge capacity, C/5, 4.15 V", 99.0, "mAh/g", "rate_test",
           lambda r: _cycles(r).loc[RATE_LAST_AT["C/5"], "discharge_capacity_mAh_g"], "abs", CAPACITY_TOL),
    Target("T2", "discharge capacity, 1C, 4.15 V", 74.0, "mAh/g", "rate_test",
           lambda r: _cycles(r).loc[RATE_LAST_AT["1C"], "discharge_capacity_mAh_g"], "abs", CAPACITY_TOL),
    Target("T3", "plateau overpotential, C/10, cycles 1-2", 0.030, "V", "rate_test",
           lambda r: max(plateau_overpotential(r, c) for c in (1, 2)), "max"),
    Target("T3", "plateau overpotential, C/5, first two C/5 cycles", 0.030, "V", "rate_test",
           lambda r: max(plateau_overpotential(r, c) for c in (6, 7)), "max"),
    Target("T4", "R0 (SE), largest over the sweep", 50.0, "ohm cm2", "cutoff_sweep",
           lambda r: float(_cycles(r)["electrolyte_resistance_ohm_cm2"].max()), "rel", RESISTANCE_TOL),
    Target("T4", "R0 (SE), smallest over the sweep", 50.0, "ohm cm2", "cutoff_sweep",
           lambda r: float(_cycles(r)["electrolyte_resistance_ohm_cm2"].min()), "rel", RESISTANCE_TOL),
    Target("T5", "R1 (Na interface) before cycling", 31.0, "ohm cm2", "cutoff_sweep",
           lambda r: float(r.timeseries["anode_interface_resistance_ohm_cm2"].iloc[0]), "rel", RESISTANCE_TOL),
    Target("T5", "R1 (Na interface) after the 40-cycle sweep", 77.0, "ohm cm2", "cutoff_sweep",
           lambda r: _cycles(r).loc[40, "anode_interface_resistance_ohm_cm2"], "rel", RESISTANCE_TOL),
    Target("T8", "capacity gain 4.05 -> 4.10 V cutoff (-1 if not the largest step)", 5.0, "mAh/g",
           "cutoff_sweep", lambda r: _capacity_jump(r), "min"),
]


def _capacity_jump(result):
    """Discharge capacity gain from the 4.05 V to the 4.10 V cutoff [mAh/g], or -1 if it is
    not the largest gain between consecutive cutoffs (so the T8 check fails)."""
    c = _cycles(result)["discharge_capacity_mAh_g"]
    last = [c.loc[n] for n in (5, 10, 15, 20, 25, 30, 35, 40)]
    gains = np.diff(last)
    return float(gains[0]) if gains[0] == gains.max() else -1.0


def evaluate(results, targets=CELL_A_TARGETS):
    """DataFrame: id, quantity, target, simulated, tolerance, ok -- from ``results``, a
    mapping experiment name -> Result."""
    rows = []
    for t in targets:
        simulated = float(t.measure(results[t.experiment]))
        rows.append(
            {
                "id": t.id,
                "quantity": t.quantity,
                "target": t.value,
                "simulated": simulated,
                "unit": t.unit,
                "tolerance": t.tolerance_text(),
                "ok": bool(t.check(simulated)),
            }
        )
    return pd.DataFrame(rows)


def markdown(table):
    """The calibration table as Markdown (for notes and the README)."""
    lines = ["| id | quantity | target | simulated | tolerance | ok |", "|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        lines.append(
            f"| {r['id']} | {r['quantity']} | {r['target']:g} {r['unit']} | {r['simulated']:.4g} {r['unit']} | {r['tolerance']} | {'yes' if r['ok'] else 'NO'} |"
        )
    return "\n".join(lines)
