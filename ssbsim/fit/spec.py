"""Fit specifications (TOML): what to fit, to which data, on which protocol.

::

    description = "Cell A interphase kinetics from the brief's targets"
    experiment = "cutoff_sweep"          # as for `ssbsim run`; a data set may name its own
    parameter_set = "asakura2020"
    starts = 3                           # multi-start: local fits from this many points
    [set]                                # optional: conditions of the data, as --set gives them;
    "Positive electrode active material loading [kg.m-2]" = 0.08   # not written with the fit
    [options]                            # optional model options
    [[data]]
    file = "sweep_targets.csv"           # relative to this spec
    quantity = "coulombic_efficiency"    # a cycles.csv column, "voltage" (time series), or of a
                                         # voltammogram "current" or "onset_V", or a stepwise-CV
                                         # criterion "memory", "reverse_fraction", "soar"
                                         # (fit/voltammetry_data.py)
    weight = 1.0                         # optional
    experiment = "formation_4p15V"       # optional, overrides the spec's
    [[data]]                             # targets of the brief as data (fit/target_data.py):
    file = "asakura2020_targets.csv"     # a targets table (fit/targets.py), its rows with
    target = "T6"                        # this id and this metric, a function of the cycle
    metric = "within_step_share"         # table (targets.TABLE_METRICS); no 'quantity'. Each
                                         # row a point: its value +- tolerance, or its bound
    [[data]]                             # a cycler file replayed (fit/replay.py): its measured
    file = "cell.mpr"                    # current drives the model, its voltage is fitted
    quantity = "voltage"
    replay = "current"                   # no experiment: the protocol is the file's current
    cycles = [2, 3]                      # optional window: the file's cycles (inclusive)
    time_h = [0, 40]                     # optional window: hours from the file's first point
    [fit."SE anion (0) decomposition rate constant [A.m-2]"]
    bounds = [1e-5, 1e-1]
    initial = 3e-3                       # optional: default the set's value, kept in bounds
    scale = "log"                        # or "linear"; default log for positive bounds
    max_evaluations = 20                 # optional: trials per start (SciPy's max_nfev)
    extrapolate = true                   # optional: cycle jumping in the trials of long protocols
                                         # (fit/problem.py; ``ssbsim fit --extrapolate``)

``experiment`` may be left out when every data set replays its file.

Every key is checked; errors name the file and the line.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..errors import InputError
from ..observables.cycles import COLUMNS
from ..parameters.loader import check_value
from ..resources import check_file, is_path, resolve
from ..specs import (
    check_description,
    check_not_fixed,
    check_reaches_model,
    from_mapping,
    load_named_experiment,
    load_setup,
)
from ..tomlfile import array_of_tables, line_of, read_toml

TOP_LEVEL = {
    "description",
    "experiment",
    "parameter_set",
    "starts",
    "options",
    "data",
    "fit",
    "set",
    "max_evaluations",
    "extrapolate",
}
DATA_KEYS = {
    "file",
    "quantity",
    "weight",
    "experiment",
    "spectrum",
    "area_cm2",
    "replay",
    "cycles",
    "time_h",
    "target",
    "metric",
}
TARGET_KEYS = ("target", "metric")  # a targets table's rows (fit/target_data.py)
FIT_KEYS = {"bounds", "initial", "scale"}
TIME_SERIES = "voltage"
SPECTRUM = "impedance"  # a measured spectrum against the run's spectrum number `spectrum`
CIRCUIT_FITTED = ("r0_ohm_cm2", "r1_ohm_cm2", "r2_ohm_cm2")  # per cycle, from impedance_fits.csv
VOLTAMMETRIC = ("onset_V", "current", "memory", "reverse_fraction", "soar")  # fit/voltammetry_data.py


@dataclass
class DataSpec:
    file: Path
    quantity: str
    experiment: str
    weight: float = 1.0
    line: int | None = None
    spectrum: int = 0
    area_cm2: float | None = None
    window: object = None  # replay.Window of a replayed file (replay = "current"), else None
    targets: tuple = ()  # the targets table's rows (target = "..."), else empty


@dataclass
class FitParameter:
    name: str
    low: float
    high: float
    initial: float
    scale: str = "log"

    def to_unit(self, value):
        """The optimiser's coordinate of ``value``."""
        import numpy as np

        return float(np.log(value)) if self.scale == "log" else float(value)

    def from_unit(self, u):
        import numpy as np

        return float(np.exp(u)) if self.scale == "log" else float(u)


@dataclass
class FitSpec:
    source: Path
    experiment: str
    parameter_set: object  # ParameterSet
    data: list
    parameters: list
    options: dict = field(default_factory=dict)
    starts: int = 3
    description: str = ""
    max_evaluations: int | None = None
    extrapolate: bool = False

    @property
    def name(self):
        return self.source.stem


def _where(text, key, fallback=None):
    return line_of(text, key) or fallback


def load_fit_spec(name_or_path, base=None, name="fit"):
    """Load and check a fit spec by path (or by the stem of a shipped calibration), or
    given as a dict (``specs.from_mapping``: files relative to ``base``)."""
    if isinstance(name_or_path, dict):
        path, data, text = from_mapping(name_or_path, name, base)
    else:
        path = _resolve(name_or_path)
        data, text = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL:
            raise InputError(path, f"unknown key {key!r} (allowed: {', '.join(sorted(TOP_LEVEL))})", line_of(text, key))
    for key in ("data", "fit"):
        if key not in data:
            raise InputError(path, f"missing {key!r} tables")
    entries = data.get("data")
    replays_only = isinstance(entries, list) and all(isinstance(e, dict) and "replay" in e for e in entries)
    _, pset, options = load_setup(path, data, text, need_experiment=not replays_only)
    starts = data.get("starts", 3)
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise InputError(path, f"'starts' must be a positive integer, got {starts!r}", line_of(text, "starts"))
    limits.check("starts", starts, path, "'starts'", line_of(text, "starts"))
    check_description(path, data, text)
    extrapolate = data.get("extrapolate", False)
    if not isinstance(extrapolate, bool):
        raise InputError(
            path, f"'extrapolate' must be true or false, got {extrapolate!r}", line_of(text, "extrapolate")
        )
    max_evaluations = data.get("max_evaluations")
    if max_evaluations is not None and (
        isinstance(max_evaluations, bool) or not isinstance(max_evaluations, int) or max_evaluations < 1
    ):
        raise InputError(
            path,
            f"'max_evaluations' must be a positive integer, got {max_evaluations!r}",
            line_of(text, "max_evaluations"),
        )

    datasets = []
    for n, (entry, where) in enumerate(array_of_tables(path, text, data["data"], "data", DATA_KEYS, "data")):
        is_target = any(key in entry for key in TARGET_KEYS)
        for key in ("file", *(TARGET_KEYS if is_target else ("quantity",))):
            if not isinstance(entry.get(key), str):
                raise InputError(path, f"data {n + 1}: '{key}' must be given as text", where)
        quantity = entry["metric"] if is_target else entry["quantity"]
        if is_target:
            _check_target_entry(path, n, entry, where)
        elif (
            quantity not in (TIME_SERIES, SPECTRUM, *CIRCUIT_FITTED, *VOLTAMMETRIC)
            and quantity not in COLUMNS
            and not quantity.startswith("decomposition_charge_")
        ):
            raise InputError(
                path,
                f"data {n + 1}: quantity {quantity!r} is none of 'voltage', 'impedance', "
                f"{', '.join(map(repr, VOLTAMMETRIC))}, {', '.join(CIRCUIT_FITTED)} "
                f"and no cycles.csv column ({', '.join(COLUMNS[1:])})",
                where,
            )
        weight = entry.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight < math.inf:
            raise InputError(path, f"data {n + 1}: 'weight' must be a positive number, got {weight!r}", where)
        file = path.parent / entry["file"]
        try:
            check_file(file, "data file")
        except InputError as err:
            raise InputError(path, f"data {n + 1}: {err}", where) from None
        window = _window(path, n, entry, where)
        if window is not None:
            data_experiment = None  # the replayed file is the protocol
        else:
            data_experiment = entry.get("experiment", data.get("experiment"))
            if not isinstance(data_experiment, str):
                raise InputError(path, f"data {n + 1}: 'experiment' must name an experiment", where)
            load_named_experiment(path, data_experiment, where)
        spectrum, area = entry.get("spectrum", 0), entry.get("area_cm2")
        if isinstance(spectrum, bool) or not isinstance(spectrum, int) or spectrum < 0:
            raise InputError(
                path, f"data {n + 1}: 'spectrum' must be a spectrum number from 0, got {spectrum!r}", where
            )
        if area is not None and (isinstance(area, bool) or not isinstance(area, (int, float)) or not area > 0):
            raise InputError(path, f"data {n + 1}: 'area_cm2' must be a positive number, got {area!r}", where)
        targets = _targets(path, n, entry, file, data_experiment, where) if is_target else ()
        datasets.append(
            DataSpec(file, quantity, data_experiment, float(weight), where, spectrum, area, window, tuple(targets))
        )

    raw_fit = data["fit"]
    if not isinstance(raw_fit, dict) or not raw_fit:
        raise InputError(path, 'needs at least one [fit."<parameter name>"] table', line_of(text, "fit"))
    parameters = []
    for name, entry in raw_fit.items():
        where = _where(text, f'fit."{name}"', line_of(text, name))
        if not isinstance(entry, dict):
            raise InputError(path, f"fit {name!r} must be a table with 'bounds'", where)
        unknown = set(entry) - FIT_KEYS
        if unknown:
            raise InputError(
                path, f"fit {name!r}: unknown key {sorted(unknown)[0]!r} (allowed: bounds, initial, scale)", where
            )
        if name not in pset:
            # a name the set could hold but does not (unknown, derived, wrong unit) gets the loader's message
            check_value(name, 1.0, path, where)
            raise InputError(path, f"fit {name!r}: not a parameter of {pset.source}", where)
        check_reaches_model(path, f"fit {name!r}", name, pset, options, where)
        for d in (d for d in datasets if d.window is None):
            check_not_fixed(path, f"fit {name!r}", name, load_named_experiment(path, d.experiment, d.line), where)
        bounds = entry.get("bounds")
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
        ):
            raise InputError(path, f"fit {name!r}: 'bounds' must be [low, high], got {bounds!r}", where)
        low, high = (float(b) for b in bounds)
        if not low < high:
            raise InputError(path, f"fit {name!r}: bounds must have low < high, got [{low:g}, {high:g}]", where)
        for b in (low, high):
            check_value(name, b, path, where)
        scale = entry.get("scale", "log" if low > 0 else "linear")
        if scale not in ("log", "linear"):
            raise InputError(path, f'fit {name!r}: \'scale\' must be "log" or "linear", got {scale!r}', where)
        if scale == "log" and not low > 0:
            raise InputError(path, f"fit {name!r}: a log scale needs positive bounds, got [{low:g}, {high:g}]", where)
        initial = entry.get("initial", min(max(pset[name], low), high))
        if isinstance(initial, bool) or not isinstance(initial, (int, float)) or not low <= initial <= high:
            raise InputError(
                path, f"fit {name!r}: 'initial' must be a number within the bounds, got {initial!r}", where
            )
        parameters.append(FitParameter(name, low, high, float(initial), scale))
    return FitSpec(
        path,
        data.get("experiment"),
        pset,
        datasets,
        parameters,
        dict(options),
        starts,
        data.get("description", ""),
        max_evaluations,
        extrapolate,
    )


def _check_target_entry(path, n, entry, where):
    """InputError if the data set ``n`` of targets has a key of another kind of data, or a
    metric that is not a function of the cycle table."""
    from .targets import TABLE_METRICS

    for key in ("quantity", "replay", "spectrum", "area_cm2"):
        if key in entry:
            raise InputError(path, f"data {n + 1}: {key!r} does not go with 'target' and 'metric'", where)
    if entry["metric"] not in TABLE_METRICS:
        raise InputError(
            path,
            f"data {n + 1}: metric {entry['metric']!r} is not a function of the cycle table "
            f"({', '.join(TABLE_METRICS)})",
            where,
        )


def _targets(path, n, entry, file, experiment, where):
    """The rows of the targets table ``file`` data set ``n`` selects, all on ``experiment``."""
    from .target_data import select
    from .targets import run_of

    try:
        rows = select(file, entry["target"], entry["metric"])
    except InputError as err:
        raise InputError(path, f"data {n + 1}: {err}", where) from None
    if not rows:
        raise InputError(
            path, f"data {n + 1}: {file.name} has no target {entry['target']!r} with metric {entry['metric']!r}", where
        )
    for t in rows:
        if run_of(t.experiment) != (experiment, {}, None):
            raise InputError(
                path,
                f"data {n + 1}: target {t.id} ({t.quantity}) is measured on the run {t.experiment!r}, "
                f"not on the experiment {experiment!r}",
                where,
            )
    return rows


def _window(path, n, entry, where):
    """The replay window of data set ``n`` (None without ``replay``); InputError on a bad one."""
    from .replay import MODES, Window

    if "replay" not in entry:
        for key in ("cycles", "time_h"):
            if key in entry:
                raise InputError(
                    path, f'data {n + 1}: {key!r} is a window of a replayed file (replay = "current")', where
                )
        return None
    if entry["replay"] not in MODES:
        raise InputError(
            path, f"data {n + 1}: 'replay' must be {' or '.join(map(repr, MODES))}, got {entry['replay']!r}", where
        )
    if entry["quantity"] != TIME_SERIES:
        raise InputError(path, f'data {n + 1}: a replayed file is fitted on quantity = "{TIME_SERIES}"', where)
    if "experiment" in entry:
        raise InputError(path, f"data {n + 1}: a replayed file is its own protocol: no 'experiment'", where)
    limits_ = {}
    for key, whole in (("cycles", True), ("time_h", False)):
        if key not in entry:
            continue
        pair = entry[key]
        kinds = (int,) if whole else (int, float)
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(v, kinds) and not isinstance(v, bool) for v in pair)
            or not (1 if whole else 0) <= pair[0] <= pair[1]
        ):
            what = "cycle numbers from 1" if whole else "hours from 0"
            raise InputError(path, f"data {n + 1}: {key!r} must be [first, last], {what}, got {pair!r}", where)
        limits_[key] = tuple(pair)
    return Window(**limits_)


def _resolve(name_or_path):
    path = Path(name_or_path)
    if is_path(name_or_path):
        return check_file(path, "fit spec file")
    candidate = Path(resolve("asakura2020", "parameter_sets")).parent / "calibration" / f"{name_or_path}.toml"
    if not candidate.is_file():
        raise InputError(name_or_path, "no shipped fit spec of this name (give a path to a .toml file)")
    return candidate
