"""Reading and checking parameter sets (TOML), with the provenance of every value.

A parameter set file::

    description = "Cell A: Na | Na4(CB11H12)2(B12H12) | Na3(VOPO4)2F"
    extends = "asakura2020"          # optional: start from another set
    [options]                        # optional: default model options for this cell
    particle = "single"
    [parameters]
    "SE conductivity [S.m-1]" = { value = 0.12, source = "doi:10.1039/d0ee01569e" }

Every value is checked for name, unit, type and range; errors name the file, line and
key. ``source`` records provenance: ``doi:...``, ``estimate: why`` or
``fitted: to what, with which command``.
"""

import difflib
import re
from collections.abc import Mapping

from .. import limits
from ..errors import InputError
from ..model.options import ModelOptions
from ..resources import beside, resolve
from ..tomlfile import line_of, read_toml
from . import registry
from .derived import derive
from .entries import check_range, split_unit
from .registry import DERIVED, count_anions

TOP_LEVEL = {"description", "cell", "references", "extends", "options", "anions", "parameters"}
PROVENANCE_PREFIXES = ("doi:", "estimate:", "fitted:")


def check_value(name, value, source, where=None):
    """The float value of parameter ``name``; InputError naming ``source`` if not valid."""
    entry = registry.lookup(name)
    if entry is None or not entry.settable:
        if entry is not None:
            raise InputError(source, f"{name!r} is derived ({entry.how}); set those instead", where)
        base, unit = split_unit(name)
        for known in registry.known_names():
            known_base, known_unit = split_unit(known)
            if known_base == base and known_unit != unit:
                if unit is None or known_unit is None:
                    raise InputError(source, f"{name!r}: wrong unit, this parameter is {known!r}", where)
                raise InputError(
                    source, f"{name!r}: wrong unit [{unit}], this parameter is in [{known_unit}] (SI)", where
                )
        close = difflib.get_close_matches(name, registry.known_names(), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(source, f"unknown parameter {name!r}{hint}", where)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(source, f"{name!r} must be a number, got {value!r}", where)
    problem = check_range(float(value), entry.range)
    if problem:
        raise InputError(source, f"{name!r} {problem}", where)
    return float(value)


def check_carbon_electrode(options, values, source):
    """InputError unless ``options`` and ``values`` describe a complete SE:carbon working
    electrode (``ssbsim/model/carbon_electrode.py``)."""
    if options["working electrode"] != "SE:carbon":
        return
    if options["cathode"] != "averaged":
        raise InputError(source, 'working electrode = "SE:carbon" needs cathode = "averaged"', "cathode")
    for entry in (*registry.CARBON, registry.CAPACITANCE.C_cathode):
        if entry.name not in values:
            raise InputError(source, 'needed for working electrode = "SE:carbon"', entry.name)


_INDEX = re.compile(r"\((\d+)\)")


def check_families(values, source, where=lambda name: None):
    """InputError if a parameter of an SE anion or MSMR reaction (k) lies beyond the
    families the set describes: k must continue 0, 1, ... with every parameter given,
    else it would be silently ignored."""
    families = {"SE anion": registry.ANION, "MSMR reaction": registry.MSMR}
    for label, family in families.items():
        n = family.count(values)
        for name in values:
            if family.match(name) is None:
                continue
            k = int(_INDEX.search(name)[1])
            if k >= n:
                raise InputError(
                    source,
                    f"{name!r}: {label} ({k}) would be ignored, the set describes {n} "
                    f"(numbered from 0, each with all its parameters)",
                    where(name),
                )


class ParameterSet(Mapping):
    """Parameter name -> value (SI), with ``provenance``, ``description`` and ``options``."""

    def __init__(self, values, provenance, description="", options=None, source="<memory>", anions=()):
        self._values = dict(values)
        self.anions = list(anions)  # display names of the SE anions (0), (1), ...
        self.provenance = dict(provenance)
        self.description = description
        self.options = dict(options or {})
        self.source = str(source)
        self._base = None  # (set, source, names) this one overrides: whom to blame in derive()

    def __getitem__(self, name):
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"ParameterSet({self.source!r}, {len(self)} parameters)"

    def with_overrides(self, overrides, source="--set"):
        """A copy with ``overrides`` (name -> value) checked and applied."""
        values, provenance = dict(self._values), dict(self.provenance)
        for name, value in (overrides or {}).items():
            values[name] = check_value(name, value, source)
            provenance[name] = f"override: {source}"
        check_families(values, source)
        changed = ParameterSet(values, provenance, self.description, self.options, self.source, self.anions)
        changed._base = (self, source, frozenset(overrides or ()))
        return changed

    def model_options(self, options=None, source="options"):
        """Model options: the set's defaults, then ``options``; the number of SE anions
        comes from the set."""
        options = dict(options or {})
        if "SE anions" in options:
            raise InputError(source, "is counted from the parameter set's SE anion parameters", "SE anions")
        merged = ModelOptions({**self.options, **options, "SE anions": count_anions(self._values)}, source=source)
        if merged["interphase"] == "decomposition" and merged["SE anions"] == 0:
            raise InputError(
                self.source,
                "interphase = \"decomposition\" needs the SE anion parameters ('SE anion (0) ...')",
                "interphase",
            )
        check_carbon_electrode(merged, self._values, self.source)
        return merged

    def pybamm_dict(self, options):
        """Parameter name -> value for PyBaMM, with every derived quantity, for ``options``."""
        from ..model.ocp import ocp_function

        values = self._derive(options)
        values[DERIVED.U.name] = ocp_function(values, values[registry.CELL.T_amb.name])
        values.setdefault(DERIVED.I.name, 0.0)
        return values

    def pybamm_values(self, options):
        """A ``pybamm.ParameterValues`` with every derived quantity, for ``options``."""
        import pybamm

        return pybamm.ParameterValues(self.pybamm_dict(options))

    def _derive(self, options):
        """Derived values of the final (merged) values for the final ``options``; an
        inconsistency names the override that caused it, else the file that should hold
        the value (a set's own check never sees options or values only its overrides add)."""
        if self._base is None:
            return derive(self._values, options, source=self.source)
        base, source, names = self._base
        try:
            return derive(self._values, options, source=source)
        except InputError as err:
            if err.where in names:
                raise
            try:
                base._derive(options)
            except InputError as base_err:  # the base is at fault on its own: blame it
                return derive(self._values, options, source=base_err.source)
            raise  # the base alone is consistent: the override caused it


def load_parameter_set(name_or_path, _seen=()):
    """Load, check and return a parameter set by shipped stem or by path."""
    path = resolve(name_or_path, "parameter_sets")
    data, text = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL:
            raise InputError(path, f"unknown key {key!r} (allowed: {', '.join(sorted(TOP_LEVEL))})", line_of(text, key))
    values, provenance, options, anions = {}, {}, {}, []
    if "extends" in data:
        extends, where = data["extends"], line_of(text, "extends")
        if not isinstance(extends, str):
            raise InputError(path, "'extends' must name a parameter set", where)
        try:
            base_path = resolve(beside(path, extends), "parameter_sets")
        except InputError as err:
            raise InputError(path, f"'extends': {err}", where) from None
        seen = _seen + (path.resolve(),)
        if base_path.resolve() in seen:
            raise InputError(path, f"'extends' {extends!r} forms a cycle", where)
        limits.check("extends", len(seen), path, f"'extends' {extends!r}", where)
        base = load_parameter_set(base_path, seen)
        values, provenance, options = dict(base), dict(base.provenance), dict(base.options)
        anions = base.anions
    if "options" in data:
        if not isinstance(data["options"], dict):
            raise InputError(path, "'options' must be a table", line_of(text, "options"))
        options.update(data["options"])
        ModelOptions(options, source=path)
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise InputError(path, "'parameters' must be a table", line_of(text, "parameters"))
    for name, entry in parameters.items():
        where = line_of(text, name)
        if isinstance(entry, dict):
            unknown = set(entry) - {"value", "source"}
            if unknown or "value" not in entry:
                raise InputError(path, f'{name!r} must be a number or {{ value = ..., source = "..." }}', where)
            value, source = entry["value"], entry.get("source", "")
            if not isinstance(source, str):
                raise InputError(path, f"{name!r}: source must be text", where)
        else:
            value, source = entry, ""
        values[name] = check_value(name, value, path, where)
        provenance[name] = source
    missing = [name for name in registry.REQUIRED if name not in values]
    if missing:
        raise InputError(
            path,
            f"missing required parameter {missing[0]!r}"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
        )
    if "anions" in data:
        anions = data["anions"]
        if not isinstance(anions, list) or not all(isinstance(a, str) and a.isidentifier() for a in anions):
            raise InputError(path, "'anions' must be a list of names (letters, digits, _)", line_of(text, "anions"))
    if anions and len(anions) != count_anions(values):
        raise InputError(
            path,
            f"'anions' names {len(anions)} anions but the parameters describe {count_anions(values)}",
            line_of(text, "anions"),
        )
    check_families(values, path, lambda name: line_of(text, name))
    description = data.get("description", "")
    if not isinstance(description, str):
        raise InputError(path, "'description' must be text", line_of(text, "description"))
    return ParameterSet(values, provenance, description, options, path, anions)
