"""Study specifications (TOML): which parameters and protocol quantities to vary, how.

::

    description = "Upper cutoff x temperature, formation + long-term cycling"
    experiment = "formation_4p30V"
    parameter_set = "asakura2020"
    design = "grid"                      # or "latin_hypercube", "sobol"
    samples = 64                         # sampled designs: points (sobol: base samples N)
    seed = 0                             # sampled designs
    metrics = ["mean_discharge_voltage_V"]   # optional: more cycles.csv quantities
    [options]                            # optional model options
    [set]                                # optional: fixed parameter values, as --set gives them
    [vary."protocol: upper cutoff [V]"]
    values = [4.10, 4.20, 4.30]
    [vary."SE anion (1) decomposition rate constant [A.m-2]"]
    range = [1e-3, 1e-1]
    scale = "log"                        # or "linear"
    points = 3                           # grid with a range: number of values

Varied parameters are named as in the parameter set; protocol quantities are
``protocol: upper cutoff [V]`` (every charge and hold step), ``protocol: C-rate`` (every
charge and discharge step) and ``protocol: temperature [C]``. Every key is checked;
errors name the file and the line.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..errors import InputError
from ..observables.cycles import COLUMNS
from ..parameters.loader import check_value
from ..protocol.steps import with_c_rate, with_upper_cutoff
from ..resources import check_file, is_path, shipped_dir
from ..specs import check_description, check_not_fixed, check_reaches_model, from_mapping, load_setup
from ..tomlfile import line_of, read_toml

TOP_LEVEL = {
    "description",
    "experiment",
    "parameter_set",
    "design",
    "samples",
    "seed",
    "options",
    "metrics",
    "vary",
    "set",
}
VARY_KEYS = {"values", "range", "scale", "points"}
DESIGNS = ("grid", "latin_hypercube", "sobol")
PROTOCOL = {
    "protocol: upper cutoff [V]": (2.0, 6.0),
    "protocol: C-rate": (1e-3, 20.0),
    "protocol: temperature [C]": (-40.0, 150.0),
}


@dataclass
class Varied:
    name: str
    values: list | None = None  # explicit values
    low: float | None = None
    high: float | None = None
    scale: str = "linear"
    points: int | None = None

    @property
    def is_protocol(self):
        return self.name.startswith("protocol: ")


@dataclass
class StudySpec:
    source: Path
    experiment: object  # ExperimentSpec
    parameter_set: object  # ParameterSet
    design: str
    varied: list
    samples: int | None = None
    seed: int = 0
    options: dict = field(default_factory=dict)
    metrics: list = field(default_factory=list)
    description: str = ""

    @property
    def name(self):
        return self.source.stem

    @property
    def n_cases(self):
        """Number of cases of the design, counted without building them."""
        if self.design == "grid":
            n = 1
            for v in self.varied:
                n *= len(v.values) if v.values is not None else v.points
            return n
        if self.design == "sobol":
            return self.samples * (len(self.varied) + 2)
        return self.samples

    def fingerprint(self):
        """Identifies the study: a rerun into the same folder must be the same study."""
        text = json.dumps(
            {
                "experiment": self.experiment.cycles(),
                "temperature": self.experiment.temperature_C,
                "parameters": dict(self.parameter_set),
                "design": self.design,
                "samples": self.samples,
                "seed": self.seed,
                "options": self.options,
                "metrics": self.metrics,
                "varied": [v.__dict__ for v in self.varied],
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_varied_value(name, value, path, where):
    if name in PROTOCOL:
        low, high = PROTOCOL[name]
        if not _number(value) or not low <= value <= high:
            raise InputError(path, f"vary {name!r}: {value!r} is not a number between {low:g} and {high:g}", where)
        return float(value)
    return check_value(name, value, path, where)


def load_study_spec(name_or_path, base=None, name="study"):
    """Load and check a study spec by path (or by the stem of a shipped study), or given
    as a dict (``specs.from_mapping``: files relative to ``base``)."""
    if isinstance(name_or_path, dict):
        path, data, text = from_mapping(name_or_path, name, base)
    else:
        path = _resolve(name_or_path)
        data, text = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL:
            raise InputError(path, f"unknown key {key!r} (allowed: {', '.join(sorted(TOP_LEVEL))})", line_of(text, key))
    if "vary" not in data:
        raise InputError(path, "missing 'vary'")
    experiment, pset, options = load_setup(path, data, text)
    check_description(path, data, text)
    design = data.get("design", "grid")
    if design not in DESIGNS:
        raise InputError(path, f"'design' must be one of {', '.join(DESIGNS)}, got {design!r}", line_of(text, "design"))
    samples = data.get("samples")
    if design != "grid":
        if not _number(samples) or isinstance(samples, float) or not samples >= 2:
            raise InputError(
                path,
                f"design {design!r} needs 'samples', an integer of at least 2, got {samples!r}",
                line_of(text, "samples") or line_of(text, "design"),
            )
    seed = data.get("seed", 0)
    if not _number(seed) or isinstance(seed, float):
        raise InputError(path, f"'seed' must be an integer, got {seed!r}", line_of(text, "seed"))
    metrics = data.get("metrics", [])
    if not isinstance(metrics, list) or not all(isinstance(m, str) for m in metrics):
        raise InputError(path, "'metrics' must be a list of cycles.csv column names", line_of(text, "metrics"))
    for m in metrics:
        if m not in COLUMNS[1:] and not m.startswith("decomposition_charge_"):
            raise InputError(
                path, f"metric {m!r} is not a cycles.csv column ({', '.join(COLUMNS[1:])})", line_of(text, "metrics")
            )

    vary = data["vary"]
    if not isinstance(vary, dict) or not vary:
        raise InputError(path, 'needs at least one [vary."<name>"] table', line_of(text, "vary"))
    varied = []
    for name, entry in vary.items():
        where = line_of(text, f'vary."{name}"') or line_of(text, name)
        if not isinstance(entry, dict):
            raise InputError(path, f"vary {name!r} must be a table with 'values' or 'range'", where)
        unknown = set(entry) - VARY_KEYS
        if unknown:
            raise InputError(
                path,
                f"vary {name!r}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(VARY_KEYS))})",
                where,
            )
        if name not in PROTOCOL and name.startswith("protocol:"):
            raise InputError(path, f"vary {name!r}: unknown protocol quantity (known: {', '.join(PROTOCOL)})", where)
        if name not in PROTOCOL and name not in pset:
            check_value(name, 1.0, path, where)  # unknown, derived or wrong unit: the loader's message
            raise InputError(path, f"vary {name!r}: not a parameter of {pset.source}", where)
        check_not_fixed(
            path, f"vary {name!r}", name, experiment, where, protocol_temperature="protocol: temperature [C]" in vary
        )
        _check_reaches_protocol(path, name, experiment, where)
        if name not in PROTOCOL:
            check_reaches_model(path, f"vary {name!r}", name, pset, options, where)
        if ("values" in entry) == ("range" in entry):
            raise InputError(path, f"vary {name!r}: give either 'values' or 'range'", where)
        scale = entry.get("scale", "linear")
        if scale not in ("linear", "log"):
            raise InputError(path, f'vary {name!r}: \'scale\' must be "linear" or "log", got {scale!r}', where)
        if "values" in entry:
            values = entry["values"]
            if not isinstance(values, list) or not values:
                raise InputError(path, f"vary {name!r}: 'values' must be a non-empty list", where)
            if design != "grid":
                raise InputError(
                    path, f"vary {name!r}: design {design!r} samples a 'range'; 'values' lists are for grids", where
                )
            varied.append(Varied(name, [_check_varied_value(name, v, path, where) for v in values]))
            continue
        bounds = entry["range"]
        if not isinstance(bounds, list) or len(bounds) != 2 or not all(_number(b) for b in bounds):
            raise InputError(path, f"vary {name!r}: 'range' must be [low, high], got {bounds!r}", where)
        low, high = (_check_varied_value(name, b, path, where) for b in bounds)
        if not low < high:
            raise InputError(path, f"vary {name!r}: range must have low < high, got [{low:g}, {high:g}]", where)
        if scale == "log" and not low > 0:
            raise InputError(path, f"vary {name!r}: a log scale needs a positive range", where)
        points = entry.get("points")
        if design == "grid":
            if not _number(points) or isinstance(points, float) or points < 2:
                raise InputError(path, f"vary {name!r}: a grid over a 'range' needs 'points', an integer >= 2", where)
        varied.append(Varied(name, None, low, high, scale, points))
    spec = StudySpec(
        path, experiment, pset, design, varied, samples, int(seed), options, list(metrics), data.get("description", "")
    )
    limits.check("cases", spec.n_cases, path, f"design {design!r}", line_of(text, "design") or line_of(text, "vary"))
    _check_protocol_points(path, text, spec)
    return spec


def _resolve(name_or_path):
    path = Path(name_or_path)
    if not is_path(name_or_path):
        path = shipped_dir("experiments") / "studies" / f"{name_or_path}.toml"
        if not path.is_file():
            raise InputError(name_or_path, "no shipped study of this name (give a path to a .toml file)")
        return path
    return check_file(path, "study spec file")


def _check_protocol_points(path, text, spec):
    """The 'points' limit at the slowest varied C-rate (the longest steps)."""
    from ..protocol.experiment_file import check_points
    from .protocol import vary_protocol

    for v in spec.varied:
        if v.name == "protocol: C-rate":
            slowest = min(v.values) if v.values is not None else v.low
            varied = vary_protocol(spec.experiment, {v.name: slowest}, source=path)
            check_points(varied, line_of(text, f'vary."{v.name}"'), source=path)


#: protocol quantity -> (rewrite of a step, the steps it changes)
_PROTOCOL_STEPS = {
    "protocol: upper cutoff [V]": (lambda text: with_upper_cutoff(text, 4.321), "charge cut-off or hold voltage"),
    "protocol: C-rate": (lambda text: with_c_rate(text, 0.4321), "step driven at a C-rate"),
}


def _check_reaches_protocol(path, name, experiment, where):
    """InputError if varying the protocol quantity ``name`` changes no step."""
    if name not in _PROTOCOL_STEPS:
        return
    rewrite, what = _PROTOCOL_STEPS[name]
    if all(rewrite(text) == text for block in experiment.blocks for text in block.steps):
        raise InputError(
            path, f"vary {name!r}: the experiment {experiment.name!r} has no {what}, so nothing would vary", where
        )
