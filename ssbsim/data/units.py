"""Units of the columns the readers convert, as factors to SI (s, V, A, C)."""

from ..errors import InputError

UNITS = {
    "time": {"s": 1.0, "min": 60.0, "h": 3600.0},
    "voltage": {"V": 1.0, "mV": 1e-3},
    "current": {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "\u00b5A": 1e-6, "\u03bcA": 1e-6},
    "charge": {"C": 1.0, "mC": 1e-3, "A.h": 3600.0, "mA.h": 3.6, "uA.h": 3.6e-3, "\u00b5A.h": 3.6e-3},
}


def factor(quantity, column, unit, source, where=None):
    """Factor from ``unit`` to SI for ``quantity``; InputError naming ``column`` if the
    unit is missing or unknown."""
    allowed = UNITS[quantity]
    if unit not in allowed:
        said = f"unit {unit!r}" if unit else "no unit"
        raise InputError(source, f"column {column!r}: {said} for {quantity} (allowed: {', '.join(allowed)})", where)
    return allowed[unit]
