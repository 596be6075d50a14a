"""The published targets of the brief (§3, Cell A; §1, Cell B), read from one calibration
table per cell, and the named metrics that measure them on simulated runs.

Cell A's table is ``parameter_sets/calibration/asakura2020_targets.csv``; another cell's is
``<parameter set>_targets.csv`` beside it (``table_of``). One row per target:
``id, group, quantity, experiment, metric, column, cycles, argument, data, value, unit,
rule, tolerance, source, known_gap``.

- A target whose number is a per-cycle value names the fit data table that holds it
  (``data``, beside the targets table, a source per row) and gives no value: the value,
  the rule and the tolerance are read from that table's ``<column>`` and
  ``<column>_sigma`` (abs: within sigma) or ``<column>_min`` / ``<column>_max`` (at least /
  at most) at ``cycles`` -- the same numbers ``ssbsim fit`` fits to.
- Any other target gives ``value``, ``rule`` (abs, rel, min, max), ``tolerance`` (for min
  and max: the scale of its penalty in a fit) and ``source`` in the row.
- ``metric`` names a function of METRICS; ``column`` and ``argument`` are its inputs;
  ``cycles`` is "15", "1,2", "2-5", "10-" (to the end) or "all"; ``experiment`` is a run
  of RUNS or, run as it is, the stem of a shipped experiment. ``known_gap``: a target the
  model does not meet, and why (reported, not fitted).

    python -m ssbsim.fit.targets               # Cell A's full calibration table, then T13
                                               # (Cell A under stack pressure, asakura2020_pressure)
    python -m ssbsim.fit.targets duchene2020   # that of Cell C (its set and its targets table)
    python -m ssbsim.fit.targets he2018        # Cell B's
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .residual import met

TABLE = "asakura2020_targets.csv"
COLUMNS = (
    "id",
    "group",
    "quantity",
    "experiment",
    "metric",
    "column",
    "cycles",
    "argument",
    "data",
    "value",
    "unit",
    "rule",
    "tolerance",
    "source",
    "known_gap",
)
DEFAULT_SET = "asakura2020"
RULES = ("abs", "rel", "min", "max")


def _cycles(result):
    return result.cycles.set_index("cycle")


def _series(result, column):
    """A per-cycle column; "decomposition_charge" sums the anions' decomposition charges."""
    c = _cycles(result)
    if column == "decomposition_charge":
        return c[[col for col in c.columns if col.startswith("decomposition_charge_")]].sum(axis=1)
    return c[column]


def _select(series, cycles):
    """The entries of ``series`` at the cycles of a "cycles" text."""
    if cycles == "all":
        return series
    if cycles.endswith("-"):
        return series.loc[int(cycles[:-1]) :]
    if "-" in cycles:
        first, last = (int(n) for n in cycles.split("-"))
        return series.loc[first:last]
    return series.loc[[int(n) for n in cycles.split(",") if int(n) in series.index]]


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


def capacity_jump(result, t):
    """Discharge capacity gain from the 4.05 V to the 4.10 V cutoff [mAh/g] (last cycles of
    the steps), or -1 if it is not the largest gain between consecutive cutoffs."""
    gains = np.diff(_series(result, "discharge_capacity_mAh_g").loc[list(range(5, 41, 5))].to_numpy())
    return float(gains[0]) if gains[0] == gains.max() else -1.0


def within_step_share(result, t):
    """Share of the R2 growth that happens within cutoff steps rather than at the step
    changes: R2 from the 2nd to the 5th cycle of a step, over R2 from the 2nd cycle of a
    step to the 2nd cycle of the next (the impedance cycles), for steps at the cutoffs
    listed in ``argument``."""
    cutoffs = [float(u) for u in t.argument.split()]
    c = _cycles(result)
    r2 = c["cathode_interphase_resistance_ohm_cm2"]
    within = between = 0.0
    for first in c.index[(c.index - 1) % 5 == 0]:
        if round(c.loc[first, "upper_cutoff_V"], 2) in cutoffs and first + 6 in c.index:
            within += r2[first + 4] - r2[first + 1]
            between += r2[first + 6] - r2[first + 1]
    return within / between


def within_step_capacity_loss(result, t):
    """Smallest discharge capacity lost from the first to the last cycle of a cutoff step
    [mAh/g], over the steps at the cutoffs listed in ``argument``."""
    cutoffs = [float(u) for u in t.argument.split()]
    c = _cycles(result)
    losses = []
    for first in c.index[(c.index - 1) % 5 == 0]:
        if round(c.loc[first, "upper_cutoff_V"], 2) in cutoffs and first + 4 in c.index:
            losses.append(c.loc[first, "discharge_capacity_mAh_g"] - c.loc[first + 4, "discharge_capacity_mAh_g"])
    return float(min(losses))


def energy_retention(result, t):
    """Discharge energy of the cycle in ``cycles`` over that of the cycle in ``argument``."""
    c = _cycles(result)
    energy = c["discharge_capacity_mAh_g"] * c["mean_discharge_voltage_V"]
    return float(energy.loc[int(t.cycles)] / energy.loc[int(t.argument)])


#: metric name -> f(result, target) -> simulated value
METRICS = {
    "cycle": lambda r, t: float(_select(_series(r, t.column), t.cycles).iloc[0]),
    "smallest": lambda r, t: float(_select(_series(r, t.column), t.cycles).min()),
    "largest": lambda r, t: float(_select(_series(r, t.column), t.cycles).max()),
    "initial": lambda r, t: float(r.timeseries[t.column].iloc[0]),
    "plateau_mid_voltage": lambda r, t: float(np.mean(plateau_voltages(r, int(t.cycles), float(t.argument)))),
    "plateau_overpotential": lambda r, t: max(plateau_overpotential(r, int(c)) for c in t.cycles.split(",")),
    "capacity_jump": capacity_jump,
    "within_step_share": within_step_share,
    "within_step_capacity_loss": within_step_capacity_loss,
    "energy_retention": energy_retention,
    # mean charge minus mean discharge voltage of the cycle in ``cycles``
    "voltage_gap": lambda r, t: float(
        _series(r, "mean_charge_voltage_V").loc[int(t.cycles)]
        - _series(r, "mean_discharge_voltage_V").loc[int(t.cycles)]
    ),
    # mean over ``cycles`` minus mean over the cycles in ``argument``
    "mean_difference": lambda r, t: float(
        _select(_series(r, t.column), t.cycles).mean() - _select(_series(r, t.column), t.argument).mean()
    ),
    # largest over ``cycles`` minus the value at the last of them
    "drop_to_last": lambda r, t: float(
        _select(_series(r, t.column), t.cycles).max() - _select(_series(r, t.column), t.cycles).iloc[-1]
    ),
    # first over second of the two ``cycles``
    "cycle_ratio": lambda r, t: float(np.divide(*_select(_series(r, t.column), t.cycles).to_numpy())),
    # this run over the reference run (RUNS), at ``cycles``
    "reference_ratio": lambda r, t: float(
        _select(_series(r, t.column), t.cycles).iloc[0] / _select(_series(r.reference, t.column), t.cycles).iloc[0]
    ),
}

#: the metrics that are functions of the run's cycle table alone, and the columns each
#: reads besides its ``column`` (fit data: ``fit/target_data.py``)
TABLE_METRICS = {
    "cycle": (),
    "smallest": (),
    "largest": (),
    "mean_difference": (),
    "drop_to_last": (),
    "cycle_ratio": (),
    "capacity_jump": ("discharge_capacity_mAh_g",),
    "within_step_share": ("cathode_interphase_resistance_ohm_cm2",),
    "within_step_capacity_loss": ("discharge_capacity_mAh_g",),
    "energy_retention": ("discharge_capacity_mAh_g", "mean_discharge_voltage_V"),
    "voltage_gap": ("mean_charge_voltage_V", "mean_discharge_voltage_V"),
}

#: run key -> (experiment, overrides, reference run a ratio is taken against)
RUNS = {
    "cutoff_sweep": ("cutoff_sweep", {}, None),
    "rate_test": ("rate_test", {}, None),
    "formation_4p15V": ("formation_4p15V", {}, None),
    "formation_4p15V_60C": ("formation_4p15V", {"Ambient temperature [K]": 333.15}, "formation_4p15V"),
    # T13: the pressure cell's thick cathode (8.0 mg cm-2), on asakura2020_pressure
    "pressure_cell": ("pressure_cell", {"Positive electrode active material loading [kg.m-2]": 0.08}, None),
    "he2018_cycling": ("he2018_cycling", {}, None),
}
#: Cell A under stack pressure (T13): its targets table is ``asakura2020_pressure_targets.csv``
PRESSURE_SET = "asakura2020_pressure"


def run_of(key):
    """(experiment, overrides, reference) of run ``key``: RUNS, else a shipped experiment
    of that stem run as it is; None if neither."""
    from ..resources import shipped

    if key in RUNS:
        return RUNS[key]
    return (key, {}, None) if key in shipped("experiments") else None


@dataclass
class Target:
    """A published value, how to measure it on a run, and what counts as agreement."""

    id: str
    group: str
    quantity: str
    experiment: str
    metric: str
    value: float
    unit: str
    rule: str  # "abs": |sim - value| <= tol; "rel": relative; "max": sim <= value; "min": sim >= value
    tolerance: float
    column: str = ""
    cycles: str = ""
    argument: str = ""
    source: str = ""
    known_gap: str = ""

    def measure(self, result):
        return METRICS[self.metric](result, self)

    def columns(self):
        """The cycle-table columns a TABLE_METRICS metric reads."""
        return tuple(dict.fromkeys(((self.column,) if self.column else ()) + TABLE_METRICS[self.metric]))

    def bounds(self):
        """(value, low, high, sigma) of the shared residual (``residual.bound_residual``)."""
        nan = float("nan")
        sigma = self.tolerance * abs(self.value) if self.rule == "rel" else self.tolerance
        if self.rule == "min":
            return nan, self.value, nan, sigma
        if self.rule == "max":
            return nan, nan, self.value, sigma
        return self.value, nan, nan, sigma

    def check(self, simulated):
        return met(simulated, *self.bounds())

    def tolerance_text(self):
        return {
            "abs": f"±{self.tolerance:g} {self.unit}".rstrip(),
            "rel": f"±{self.tolerance:.0%}",
            "max": "at most",
            "min": "at least",
        }[self.rule]


def _from_data(path, row, line):
    """(value, rule, tolerance, source) of a target whose number is in the data table ``path``."""
    from ..data import read_cycle_table

    frame = read_cycle_table(path).set_index("cycle")
    cycles, q = row["cycles"], row["column"]
    rows = _select(frame, cycles)
    for column, rule in ((q, "abs"), (f"{q}_min", "min"), (f"{q}_max", "max")):
        if column in rows and rows[column].notna().any():
            values = rows[column].dropna().unique()
            sigmas = rows.loc[rows[column].notna(), f"{q}_sigma"].unique() if f"{q}_sigma" in rows else []
            if len(values) != 1 or len(sigmas) != 1:
                raise InputError(path, f"target on line {line}: needs one {column} and one {q}_sigma at {cycles}")
            sources = rows.loc[rows[column].notna(), "source"].unique() if "source" in rows else []
            return float(values[0]), rule, float(sigmas[0]), f"{path.name}: {' / '.join(sources)}"
    raise InputError(path, f"target on line {line}: no {q}, {q}_min or {q}_max at cycles {cycles}")


def load_targets(table=None):
    """The targets of the calibration table ``table`` (a path, or the name of a shipped
    one; default: Cell A's)."""
    from ..resources import shipped_dir

    path = Path(table or TABLE)
    if not path.is_file():
        path = shipped_dir("parameter_sets") / "calibration" / path.name
    from ..data.textfile import numbers, read_csv

    header, fields, lines = read_csv(path)
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputError(path, f"not a targets table: no column {', '.join(map(repr, missing))}", 1)
    targets = []
    for values, n in zip(fields, lines, strict=True):
        row = {name: value.strip() for name, value in zip(header, values, strict=True)}
        if row["metric"] not in METRICS or run_of(row["experiment"]) is None:
            raise InputError(path, f"unknown metric {row['metric']!r} or run {row['experiment']!r}", n)
        if row["data"]:
            value, rule, tolerance, source = _from_data(path.parent / row["data"], row, n)
        else:
            if row["rule"] not in RULES:
                raise InputError(path, f"rule must be one of {', '.join(RULES)}, got {row['rule']!r}", n)
            value, tolerance = (float(numbers([row[k]], k, path, [n])[0]) for k in ("value", "tolerance"))
            rule, source = row["rule"], row["source"]
        fields = {k: row[k] for k in ("id", "group", "quantity", "experiment", "metric", "unit", "column")}
        fields.update({k: row[k] for k in ("cycles", "argument", "known_gap")})
        targets.append(Target(value=value, rule=rule, tolerance=tolerance, source=source, **fields))
    return targets


def simulate(targets, parameter_set):
    """Results of the runs ``targets`` need, on ``parameter_set``: key -> Result."""
    from .. import load_experiment, run

    keys = list(dict.fromkeys(t.experiment for t in targets))
    keys += [run_of(k)[2] for k in keys if run_of(k)[2] and run_of(k)[2] not in keys]
    results = {}
    for key in sorted(keys, key=lambda k: run_of(k)[2] is not None):
        experiment, overrides, reference = run_of(key)
        results[key] = run(load_experiment(experiment), parameter_set, overrides=overrides or None)
        results[key].reference = results.get(reference)
    return results


def evaluate(results, targets):
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
                "ok": t.check(simulated),
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


def table_of(parameter_set):
    """Path of the shipped targets table of a shipped parameter set (``<stem>_targets.csv``)."""
    from ..resources import shipped_dir

    path = shipped_dir("parameter_sets") / "calibration" / f"{parameter_set}_targets.csv"
    if not path.is_file():
        raise InputError(parameter_set, f"no targets table {path.name} among the shipped calibrations")
    return path


def main(argv=None):
    """Print the calibration table of each named shipped cell (default: Cell A, then Cell A
    under stack pressure) as Markdown; exit 1 if a target that is not a known gap is missed."""
    import sys

    from .. import load_parameter_set

    names = (sys.argv[1:] if argv is None else argv) or [DEFAULT_SET, PRESSURE_SET]
    try:
        return _print_tables(names, load_parameter_set)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _print_tables(names, load_parameter_set):
    ok = True
    for name in names:
        targets = load_targets(table_of(name))
        table = evaluate(simulate(targets, load_parameter_set(name)), targets)
        print(f"{name}:\n{markdown(table)}")
        for _, row in table[table["known_gap"] != ""].iterrows():
            print(f"\nknown gap, {row['id']} {row['quantity']}: {row['known_gap']}")
        ok = ok and bool((table["ok"] | (table["known_gap"] != "")).all())
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
