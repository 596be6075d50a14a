"""Model options: which form each mechanism takes, and the mesh.

Options select between formulations of the same physics; parameter values stay in the
parameter set. Unknown options or values raise :class:`ssbsim.errors.InputError`.
"""

from collections.abc import Mapping

from ..errors import InputError

#: option -> (default, allowed values or a type, one-line meaning)
OPTIONS = {
    "particle": (
        "single",
        ("single", "distribution"),
        "one particle radius, or a lognormal size distribution in bins",
    ),
    "cathode": (
        "averaged",
        ("averaged", "resolved"),
        "single-particle composite (SPMe-like), or through-thickness resolution",
    ),
    "working electrode": (
        "composite",
        ("composite", "SE:carbon"),
        "composite cathode with an intercalation host, or SE:carbon without one (voltammetry of the SE)",
    ),
    "interphase": (
        "none",
        ("none", "decomposition"),
        "cathode/SE interphase: none, or passivating decomposition of the SE anions",
    ),
    "capacitance": (
        "none",
        ("none", "double layers"),
        "interface double layers and SE geometric capacitance (impedance runs): none, or on",
    ),
    "SE inventory": (
        "unlimited",
        ("unlimited", "contact"),
        "SE anions that can decompose: unlimited, or the finite amount in contact with the cathode (a state)",
    ),
    "interphase growth": (
        "passivating",
        ("passivating", "leaky", "cracking", "leaky cracking"),
        "how a product film limits its anion's oxidation: passivating (log law), leaky (electrons also "
        "cross it by a path that does not close), cracking (the particles' volume change breaks it), or both",
    ),
    "active material loss": (
        "none",
        ("none", "film isolation"),
        "particles cut off by their interphase film (lognormal spread of the film among particles)",
    ),
    "SE conversion": (
        "none",
        ("none", "first order"),
        "slow chemical conversion of the composite's SE into a poorer conductor that cuts particles off "
        "(se_conversion.py): none, or first order in time",
    ),
    "SE anions": (0, "count", "number of SE anion families (set from the parameter set)"),
    "current balance": (
        "explicit",
        ("explicit", "algebraic"),
        "explicit where exact enough (single particle, averaged composite), else algebraic",
    ),
    "particle size bins": (5, int, "number of size bins when particle = distribution"),
    "radial points": (20, int, "finite-volume cells per particle radius"),
    "radial mesh": (
        "surface-refined",
        ("surface-refined", "uniform"),
        "radial cells shrinking towards the particle surface (exponential, stretch 2.3), or uniform",
    ),
    "through-thickness points": (10, int, "cells across the composite when resolved"),
}


#: smallest value of integer options other than 1: the particle's finite volumes need three
#: cells (with two, building the mesh fails); a size distribution needs two bins (one bin is
#: particle = "single")
MINIMUM = {"radial points": 3, "particle size bins": 2}
#: integer options bounded by a work-size limit (``ssbsim.limits``)
LIMITED = {"particle size bins": "bins", "radial points": "mesh", "through-thickness points": "mesh"}


#: PyBaMM battery options that PyBaMM's tools read from any model, answered as they hold
#: for every ssbsim cell but neither settable nor listed: each electrode has one particle
#: phase (``pybamm.plot_voltage_components`` reads it)
PYBAMM_READS = {"particle phases": "1"}


class ModelOptions(Mapping):
    """Validated, immutable model options (a Mapping, deliberately not a dict: PyBaMM
    would otherwise try to read them as lithium-ion battery options)."""

    def __init__(self, options=None, source="options"):
        values = {key: default for key, (default, _, _) in OPTIONS.items()}
        for key, value in dict(options or {}).items():
            if key not in OPTIONS:
                raise InputError(source, f"unknown model option (known: {', '.join(OPTIONS)})", key)
            _, allowed, _ = OPTIONS[key]
            if allowed in (int, "count"):
                if isinstance(value, str) and value.strip().lstrip("+").isdigit():
                    value = int(value)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise InputError(source, f"must be an integer, got {value!r}", key)
                minimum = MINIMUM.get(key, 1 if allowed is int else 0)
                if value < minimum:
                    raise InputError(source, f"must be at least {minimum}, got {value}", key)
                if key in LIMITED:
                    from .. import limits

                    limits.check(LIMITED[key], value, source, "the option", key)
            elif value not in allowed:
                raise InputError(source, f"must be one of {', '.join(allowed)}, got {value!r}", key)
            values[key] = value
        self._values = values

    def __getitem__(self, key):
        if key not in self._values and key in PYBAMM_READS:
            return PYBAMM_READS[key]
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"ModelOptions({self._values!r})"

    @property
    def particle_labels(self):
        """Suffixes naming the particle populations: "" for one size, " 1".." N"."""
        if self["working electrode"] == "SE:carbon":
            return []  # no intercalation host
        if self["particle"] == "single":
            return [""]
        return [f" {k}" for k in range(1, self["particle size bins"] + 1)]
