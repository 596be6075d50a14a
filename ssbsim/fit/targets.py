"""The calibration targets of the brief (§3, Cell A) as code: how each is measured on a
simulated run, its published value and the tolerance a reader accepts.

Tolerances (BRIEF §3): capacities ±5 mAh/g, voltages ±30 mV, resistances ±25 %,
Coulombic efficiency ±1.5 percentage points, energy efficiency ±2 points. Sources: Asakura et al., Energy Environ.
Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
    tolerance: float = 0.0  # for "max"/"min": the scale of the penalty in a fit
    known_gap: str = ""  # a target the model does not meet, and why (reported, not fitted)

    def check(self, simulated):
        if self.rule == "abs":
            return abs(simulated - self.value) <= self.tolerance
        if self.rule == "rel":
            return abs(simulated - self.value) <= self.tolerance * abs(self.value)
        if self.rule == "max":
            return simulated <= self.value
        return simulated >= self.value

    def residual(self, simulated):
        """Scaled misfit for least squares. Inequalities are zero once met with a margin
        of half their scale, so that a fit does not settle on the bound itself."""
        scale = self.tolerance or 1.0
        if self.rule == "abs":
            return (simulated - self.value) / scale
        if self.rule == "rel":
            return np.log(max(simulated, 1e-300) / self.value) / scale
        if self.rule == "max":
            return max(0.0, simulated - (self.value - scale / 2)) / scale
        return max(0.0, (self.value + scale / 2) - simulated) / scale

    def tolerance_text(self):
        return {
            "abs": f"±{self.tolerance:g} {self.unit}".rstrip(),
            "rel": f"±{self.tolerance:.0%}",
            "max": "at most",
            "min": "at least",
        }[self.rule]


# cycle numbers in the shipped protocols
SWEEP_LAST_AT = {4.05: 5, 4.10: 10, 4.15: 15}  # last cycle at each upper cutoff
RATE_LAST_AT = {"C/10": 5, "C/5": 10, "C/2": 15, "1C": 20}

CELL_A_TARGETS = [
    Target(
        "T1",
        "first plateau (mid-point of charge and discharge), C/10",
        3.6,
        "V",
        "cutoff_sweep",
        lambda r: float(np.mean(plateau_voltages(r, 15, 3.6))),
        "abs",
        VOLTAGE_TOL,
    ),
    Target(
        "T1",
        "second plateau (mid-point of charge and discharge), C/10",
        4.0,
        "V",
        "cutoff_sweep",
        lambda r: float(np.mean(plateau_voltages(r, 15, 4.0))),
        "abs",
        VOLTAGE_TOL,
    ),
    Target(
        "T1",
        "mean discharge voltage, C/10, 4.15 V cutoff",
        3.8,
        "V",
        "cutoff_sweep",
        lambda r: _cycles(r).loc[15, "mean_discharge_voltage_V"],
        "abs",
        VOLTAGE_TOL,
    ),
    Target(
        "T2",
        "discharge capacity, C/10, 4.15 V",
        104.0,
        "mAh/g",
        "rate_test",
        lambda r: _cycles(r).loc[RATE_LAST_AT["C/10"], "discharge_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target(
        "T2",
        "discharge capacity, C/5, 4.15 V",
        99.0,
        "mAh/g",
        "rate_test",
        lambda r: _cycles(r).loc[RATE_LAST_AT["C/5"], "discharge_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target(
        "T2",
        "discharge capacity, 1C, 4.15 V",
        74.0,
        "mAh/g",
        "rate_test",
        lambda r: _cycles(r).loc[RATE_LAST_AT["1C"], "discharge_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target(
        "T3",
        "plateau overpotential, C/10, cycles 1-2",
        0.030,
        "V",
        "rate_test",
        lambda r: max(plateau_overpotential(r, c) for c in (1, 2)),
        "max",
        VOLTAGE_TOL,
    ),
    Target(
        "T3",
        "plateau overpotential, C/5, first two C/5 cycles",
        0.030,
        "V",
        "rate_test",
        lambda r: max(plateau_overpotential(r, c) for c in (6, 7)),
        "max",
        VOLTAGE_TOL,
    ),
    Target(
        "T4",
        "R0 (SE), largest over the sweep",
        50.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: float(_cycles(r)["electrolyte_resistance_ohm_cm2"].max()),
        "rel",
        RESISTANCE_TOL,
    ),
    Target(
        "T4",
        "R0 (SE), smallest over the sweep",
        50.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: float(_cycles(r)["electrolyte_resistance_ohm_cm2"].min()),
        "rel",
        RESISTANCE_TOL,
    ),
    Target(
        "T5",
        "R1 (Na interface) before cycling",
        31.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: float(r.timeseries["anode_interface_resistance_ohm_cm2"].iloc[0]),
        "rel",
        RESISTANCE_TOL,
    ),
    Target(
        "T5",
        "R1 (Na interface) after the 40-cycle sweep",
        77.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: _cycles(r).loc[40, "anode_interface_resistance_ohm_cm2"],
        "rel",
        RESISTANCE_TOL,
    ),
    Target(
        "T8",
        "capacity gain 4.05 -> 4.10 V cutoff (-1 if not the largest step)",
        5.0,
        "mAh/g",
        "cutoff_sweep",
        lambda r: _capacity_jump(r),
        "min",
        CAPACITY_TOL,
    ),
]


def _ce(result, cycles):
    c = _cycles(result)["coulombic_efficiency"]
    return c.loc[[n for n in cycles if n in c.index]]


def _r2(result, cycle):
    return _cycles(result).loc[cycle, "cathode_interphase_resistance_ohm_cm2"]


def _within_step_share(result, cutoffs):
    """Share of the R2 growth that happens within cutoff steps rather than at the step
    changes: R2 from the 2nd to the 5th cycle of a step, over R2 from the 2nd cycle of a
    step to the 2nd cycle of the next (the impedance cycles), for steps at ``cutoffs``."""
    c = _cycles(result)
    within = between = 0.0
    for first in c.index[(c.index - 1) % 5 == 0]:
        if round(c.loc[first, "upper_cutoff_V"], 2) in cutoffs and first + 6 in c.index:
            within += _r2(result, first + 4) - _r2(result, first + 1)
            between += _r2(result, first + 6) - _r2(result, first + 1)
    return within / between


def _within_step_capacity_loss(result, cutoffs):
    """Smallest discharge capacity lost from the first to the last cycle of a cutoff step,
    over the steps at ``cutoffs`` [mAh/g]."""
    c = _cycles(result)
    losses = []
    for first in c.index[(c.index - 1) % 5 == 0]:
        if round(c.loc[first, "upper_cutoff_V"], 2) in cutoffs and first + 4 in c.index:
            losses.append(c.loc[first, "discharge_capacity_mAh_g"] - c.loc[first + 4, "discharge_capacity_mAh_g"])
    return float(min(losses))


def _decomposition(result, cycle):
    c = _cycles(result)
    return float(c.loc[cycle, [col for col in c.columns if col.startswith("decomposition_charge_")]].sum())


CE_TOL = 0.015
EE_TOL = 0.02  # energy efficiency, BRIEF §3
RETENTION_TOL = 5.0 / 99.0  # energy retention: the capacity tolerance relative to the first C/5 cycle


def _energy_retention(result, cycle):
    c = _cycles(result)
    energy = c["discharge_capacity_mAh_g"] * c["mean_discharge_voltage_V"]
    return float(energy.loc[cycle] / energy.loc[3])


#: T6, T7, T9, T11, T12: the interphase and the ageing it causes. Impedance in the paper is measured in the 2nd cycle
#: of each cutoff step (cycles 2, 7, 12, ...), after a 30 min rest at the top of charge.
CELL_A_INTERPHASE_TARGETS = [
    Target(
        "T6",
        "R2 before cycling",
        0.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: float(r.timeseries["cathode_interphase_resistance_ohm_cm2"].iloc[0]),
        "abs",
        1.0,
    ),
    Target(
        "T6",
        "R2, largest for cutoffs up to 4.15 V (cycles 1-15)",
        80.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: max(_r2(r, n) for n in range(1, 16)),
        "max",
        20.0,
    ),
    Target(
        "T6", "R2 at 4.20 V (cycle 17)", 100.0, "ohm cm2", "cutoff_sweep", lambda r: _r2(r, 17), "rel", RESISTANCE_TOL
    ),
    Target(
        "T6",
        "R2 at the end of the 4.40 V step (cycle 40)",
        1000.0,
        "ohm cm2",
        "cutoff_sweep",
        lambda r: _r2(r, 40),
        "rel",
        RESISTANCE_TOL,
    ),
    Target(
        "T6",
        "R2 growth within cutoff steps, share, 4.05-4.25 V (grows with cutoff)",
        0.3,
        "",
        "cutoff_sweep",
        lambda r: _within_step_share(r, (4.05, 4.10, 4.15, 4.20, 4.25)),
        "max",
        0.1,
    ),
    Target(
        "T6",
        "R2 growth within cutoff steps, share, 4.30-4.35 V (grows cycle after cycle)",
        0.4,
        "",
        "cutoff_sweep",
        lambda r: _within_step_share(r, (4.30, 4.35)),
        "min",
        0.1,
    ),
    Target("T7", "CE, cycle 1 (4.05 V)", 0.914, "", "cutoff_sweep", lambda r: _ce(r, [1]).iloc[0], "abs", CE_TOL),
    Target(
        "T7",
        "CE, smallest of cycles 2-5 (> 98.5 %)",
        0.985,
        "",
        "cutoff_sweep",
        lambda r: _ce(r, range(2, 6)).min(),
        "min",
        0.005,
    ),
    Target(
        "T7",
        "CE, smallest of cycles 6-25, up to 4.25 V (> 99 %)",
        0.99,
        "",
        "cutoff_sweep",
        lambda r: _ce(r, range(6, 26)).min(),
        "min",
        0.005,
    ),
    Target(
        "T7",
        "CE drop from 4.30 V: mean CE 16-25 minus mean CE 26-40 (> 0)",
        0.0,
        "",
        "cutoff_sweep",
        lambda r: _ce(r, range(16, 26)).mean() - _ce(r, range(26, 41)).mean(),
        "min",
        0.001,
    ),
    Target(
        "T7",
        "capacity decrease after 4.30 V: largest of cycles 26-40 minus cycle 40 (> 0)",
        0.0,
        "mAh/g",
        "cutoff_sweep",
        lambda r: (
            _cycles(r).loc[26:40, "discharge_capacity_mAh_g"].max() - _cycles(r).loc[40, "discharge_capacity_mAh_g"]
        ),
        "min",
        0.5,
    ),
    Target(
        "T7",
        "capacity decrease within each step from 4.30 V: smallest of (first - last cycle of the step) (> 0)",
        0.0,
        "mAh/g",
        "cutoff_sweep",
        lambda r: _within_step_capacity_loss(r, (4.30, 4.35, 4.40)),
        "min",
        0.1,
    ),
    Target(
        "T9",
        "formation to 4.15 V: CE, cycle 1",
        0.914,
        "",
        "formation_4p15V",
        lambda r: _ce(r, [1]).iloc[0],
        "abs",
        CE_TOL,
    ),
    Target(
        "T9",
        "formation: irreversible capacity, cycle 1",
        10.0,
        "mAh/g",
        "formation_4p15V",
        lambda r: _cycles(r).loc[1, "irreversible_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target("T9", "formation: CE, cycle 2", 0.985, "", "formation_4p15V", lambda r: _ce(r, [2]).iloc[0], "abs", CE_TOL),
    Target(
        "T9",
        "formation: CE, smallest from cycle 10 on (> 99.8 %)",
        0.998,
        "",
        "formation_4p15V",
        lambda r: _ce(r, range(10, len(r.cycles) + 1)).min(),
        "min",
        0.001,
    ),
    Target(
        "T12",
        "long-term 4.15 V: discharge capacity, first C/5 cycle (3)",
        99.0,
        "mAh/g",
        "formation_4p15V",
        lambda r: _cycles(r).loc[3, "discharge_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: discharge capacity, cycle 400",
        90.0,
        "mAh/g",
        "formation_4p15V",
        lambda r: _cycles(r).loc[400, "discharge_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: discharge capacity, cycle 800",
        78.0,
        "mAh/g",
        "formation_4p15V",
        lambda r: _cycles(r).loc[800, "discharge_capacity_mAh_g"],
        "abs",
        CAPACITY_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: energy efficiency, cycle 1",
        0.906,
        "",
        "formation_4p15V",
        lambda r: _cycles(r).loc[1, "energy_efficiency"],
        "abs",
        EE_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: energy efficiency, cycle 400",
        0.945,
        "",
        "formation_4p15V",
        lambda r: _cycles(r).loc[400, "energy_efficiency"],
        "abs",
        EE_TOL,
        known_gap="with the resistive fade of the calibrated interphase, lowering the energy efficiency at "
        "cycle 400 below 96.5 % (more film, or more isolation, by cycle 400) drops the capacity at "
        "cycle 800 below 73 mAh/g (T12's lower bound): the model misses it by ~0.1 point (docs/ageing.md)",
    ),
    Target(
        "T12",
        "long-term 4.15 V: energy efficiency, cycle 800",
        0.920,
        "",
        "formation_4p15V",
        lambda r: _cycles(r).loc[800, "energy_efficiency"],
        "abs",
        EE_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: energy retention, cycle 400 (discharge energy / first C/5 cycle's)",
        0.89,
        "",
        "formation_4p15V",
        lambda r: _energy_retention(r, 400),
        "abs",
        RETENTION_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: energy retention, cycle 800",
        0.76,
        "",
        "formation_4p15V",
        lambda r: _energy_retention(r, 800),
        "abs",
        RETENTION_TOL,
    ),
    Target(
        "T12",
        "long-term 4.15 V: mean charge - discharge voltage, cycle 800 (~300 mV overpotential)",
        0.300,
        "V",
        "formation_4p15V",
        lambda r: _cycles(r).loc[800, "mean_charge_voltage_V"] - _cycles(r).loc[800, "mean_discharge_voltage_V"],
        "abs",
        VOLTAGE_TOL,
    ),
    Target(
        "T11",
        "decomposition in the first cycle, 60 °C / 25 °C (> 1)",
        1.0,
        "",
        "formation_4p15V_60C",
        lambda r: _decomposition(r, 1) / _decomposition(r.reference, 1),
        "min",
        0.1,
    ),
    Target(
        "T11",
        "R0 at 60 °C / 25 °C (< 1)",
        1.0,
        "",
        "formation_4p15V_60C",
        lambda r: (
            _cycles(r).loc[1, "electrolyte_resistance_ohm_cm2"]
            / _cycles(r.reference).loc[1, "electrolyte_resistance_ohm_cm2"]
        ),
        "max",
        0.1,
    ),
]

#: run key -> (experiment, overrides); "reference" names the run a ratio is taken against
RUNS = {
    "cutoff_sweep": ("cutoff_sweep", {}, None),
    "rate_test": ("rate_test", {}, None),
    "formation_4p15V": ("formation_4p15V", {}, None),
    "formation_4p15V_60C": ("formation_4p15V", {"Ambient temperature [K]": 333.15}, "formation_4p15V"),
}


def simulate(targets, parameter_set, cycles=None, run=None):
    """Results of the runs ``targets`` need, on ``parameter_set``: key -> Result.
    ``cycles`` caps the number of cycles of each run (for fast fits)."""
    from .. import load_experiment
    from .. import run as run_experiment
    from ..protocol.experiment_file import truncated

    run = run or run_experiment
    keys = list(dict.fromkeys(t.experiment for t in targets))
    keys += [RUNS[k][2] for k in keys if RUNS[k][2] and RUNS[k][2] not in keys]
    results = {}
    for key in sorted(keys, key=lambda k: RUNS[k][2] is not None):
        experiment, overrides, reference = RUNS[key]
        spec = load_experiment(experiment)
        if cycles:
            spec = truncated(spec, cycles)
        results[key] = run(spec, parameter_set, overrides=overrides or None)
        results[key].reference = results.get(reference)
    return results


def _capacity_jump(result):
    """Discharge capacity gain from the 4.05 V to the 4.10 V cutoff [mAh/g], or -1 if it is
    not the largest gain between consecutive cutoffs (so the T8 check fails)."""
    c = _cycles(result)["discharge_capacity_mAh_g"]
    last = [c.loc[n] for n in (5, 10, 15, 20, 25, 30, 35, 40)]
    gains = np.diff(last)
    return float(gains[0]) if gains[0] == gains.max() else -1.0


def evaluate(results, targets=CELL_A_TARGETS):
    """DataFrame: id, quantity, target, simulated, tolerance, ok -- from ``results``, a
    mapping run key (see RUNS) -> Result."""
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
                "known_gap": t.known_gap,
            }
        )
    return pd.DataFrame(rows)


def markdown(table):
    """The calibration table as Markdown (for notes and the README)."""
    lines = ["| id | quantity | target | simulated | tolerance | ok |", "|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        unit = f" {r['unit']}" if r["unit"] else ""
        lines.append(
            f"| {r['id']} | {r['quantity']} | {r['target']:g}{unit} | {r['simulated']:.4g}{unit} | {r['tolerance']} | "
            f"{'yes' if r['ok'] else 'no (known gap)' if r.get('known_gap') else 'NO'} |"
        )
    return "\n".join(lines)


def main():
    """Print the calibration table of Cell A (all targets) as Markdown; exit 1 if a
    target that is not a known gap is missed."""
    from .. import load_parameter_set

    pset = load_parameter_set("asakura2020")
    targets = CELL_A_TARGETS + CELL_A_INTERPHASE_TARGETS
    table = evaluate(simulate(targets, pset), targets)
    print(markdown(table))
    for _, row in table[table["known_gap"] != ""].iterrows():
        print(f"\nknown gap, {row['id']} {row['quantity']}: {row['known_gap']}")
    return 0 if (table["ok"] | (table["known_gap"] != "")).all() else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
