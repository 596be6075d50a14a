"""What fit and study specs share: the experiment, the parameter set and the model options
they name, read and checked with messages that point into the spec."""

from .errors import InputError
from .parameters import load_parameter_set
from .protocol import load_experiment
from .resources import beside
from .tomlfile import line_of


def from_mapping(spec, name, base=None):
    """(path, data, text) of a spec given as a dict, read as if it were the file
    ``<base>/<name>.toml``: relative file names in it resolve against ``base`` (default:
    the current folder), and ``text`` is the dict written as TOML, so that messages can
    name its lines. Values TOML cannot hold are an InputError."""
    import os
    import tomllib
    from pathlib import Path

    import tomlkit

    def plain(value):  # paths as text, numpy scalars as Python numbers, tuples as lists
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        return value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value

    path = Path(base if base is not None else Path.cwd()) / f"{name}.toml"
    try:
        text = tomlkit.dumps(plain(spec))
        return path, tomllib.loads(text), text
    except Exception as err:  # a value TOML cannot hold: tomlkit's own exception types vary
        raise InputError(path, f"the spec cannot be written as TOML: {err}") from None


def load_setup(path, data, text, need_experiment=True):
    """(ExperimentSpec, ParameterSet, options) named by the spec at ``path``; the
    parameter set with the spec's optional ``[set]`` table (name = value) applied; the
    experiment is None when it may be left out (``need_experiment`` false) and is."""
    experiment = None
    if "experiment" not in data and need_experiment:
        raise InputError(path, "missing 'experiment'")
    if "experiment" in data and not isinstance(data["experiment"], str):
        raise InputError(path, "'experiment' must name an experiment", line_of(text, "experiment"))
    if "experiment" in data:
        try:
            experiment = load_experiment(beside(path, data["experiment"]))
        except InputError as err:
            raise InputError(path, f"'experiment': {err}", line_of(text, "experiment")) from None
    name = data.get("parameter_set", "asakura2020")
    if not isinstance(name, str):
        raise InputError(path, "'parameter_set' must name a parameter set", line_of(text, "parameter_set"))
    try:
        pset = load_parameter_set(beside(path, name))
    except InputError as err:
        raise InputError(path, f"'parameter_set': {err}", line_of(text, "parameter_set")) from None
    overrides = data.get("set", {})
    if not isinstance(overrides, dict):
        raise InputError(path, "'set' must be a table of parameter name = value", line_of(text, "set"))
    if overrides:  # the conditions of the data (a loading, a pressure), as --set would give them
        pset = pset.with_overrides(overrides, source=f"{path}: set")
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise InputError(path, "'options' must be a table", line_of(text, "options"))
    pset.model_options(options, source=path)
    return experiment, pset, dict(options)


def load_named_experiment(path, name, where):
    """An experiment named inside the spec at ``path`` (line ``where``)."""
    try:
        return load_experiment(beside(path, name))
    except InputError as err:
        raise InputError(path, f"'experiment': {err}", where) from None


def check_description(path, data, text):
    """InputError unless the optional 'description' is text."""
    if not isinstance(data.get("description", ""), str):
        raise InputError(path, "'description' must be text", line_of(text, "description"))


def check_not_fixed(path, label, name, experiment, where, protocol_temperature=False):
    """InputError if the parameter ``name`` that a spec varies or fits would never reach
    the model: the experiment's ``temperature_C`` (or a varied protocol temperature)
    replaces the ambient temperature in every run."""
    from .parameters.registry import CELL

    if name != CELL.T_amb.name:
        return
    if experiment.temperature_C is not None:
        raise InputError(
            path,
            f"{label}: the experiment {experiment.name!r} sets temperature_C = {experiment.temperature_C:g}, "
            f"which replaces {name!r} in every run (vary 'protocol: temperature [C]' instead, "
            "or remove temperature_C from the experiment)",
            where,
        )
    if protocol_temperature:
        raise InputError(
            path, f"{label}: 'protocol: temperature [C]' is varied too and replaces {name!r}; vary only one", where
        )


def check_reaches_model(path, label, name, pset, options, where):
    """InputError if ``name`` enters the equations only as itself (an input parameter) and
    the model built with these options does not use it: every value would give the same
    result."""
    from .model.parameter_use import used_parameters
    from .parameters import registry

    entry = registry.lookup(name)
    if entry is None or entry.rebuild:
        return
    merged = pset.model_options(options, source=path)
    if name not in used_parameters(merged):
        said = ", ".join(f"{k} = {v}" for k, v in merged.items() if k in ("interphase", "particle", "cathode"))
        raise InputError(path, f"{label}: the model ({said}) does not use {name!r}, so nothing would change", where)
