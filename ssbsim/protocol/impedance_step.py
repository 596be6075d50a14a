"""The impedance step of experiment files: ``"Impedance from 200 kHz to 10 mHz"``,
optionally ``", 5 points per decade"`` (default 10).

It records the small-signal spectrum of the cell at the state reached there, without
changing that state (``ssbsim/simulation/impedance.py``), so it is not a PyBaMM step: the
experiment file keeps it in place, PyBaMM's experiment gets the steps without it.
"""

import re
from dataclasses import dataclass

from ..errors import InputError

UNITS = {"mhz": 1e-3, "hz": 1.0, "khz": 1e3}
_NUMBER = r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(mHz|Hz|kHz|MHz)"
_STEP = re.compile(
    rf"impedance\s+from\s+{_NUMBER}\s+to\s+{_NUMBER}(?:\s*,\s*([0-9]+)\s+points?\s+per\s+decade)?",
    re.IGNORECASE,
)
DEFAULT_POINTS_PER_DECADE = 10


@dataclass(frozen=True)
class ImpedanceStep:
    high_Hz: float
    low_Hz: float
    points_per_decade: int = DEFAULT_POINTS_PER_DECADE

    def frequencies(self):
        from ..simulation.impedance import frequencies

        return frequencies(self.high_Hz, self.low_Hz, self.points_per_decade)


def is_impedance(text):
    return isinstance(text, str) and text.strip().lower().startswith("impedance")


def _hertz(value, unit, text, source, where):
    if unit == "MHz":  # megahertz; "mHz" is millihertz
        factor = 1e6
    else:
        factor = UNITS[unit.lower()]
    hertz = float(value) * factor
    if not hertz > 0:
        raise InputError(source, f"step {text!r}: frequencies must be positive", where)
    return hertz


def parse_impedance_step(text, source="<memory>", where=None):
    """ImpedanceStep of ``text``; InputError naming the step if it is malformed."""
    m = _STEP.fullmatch(text.strip())
    if m is None:
        raise InputError(
            source,
            f"step {text!r}: expected 'Impedance from <f> <unit> to <f> <unit>[, N points per decade]' "
            "(units mHz, Hz, kHz, MHz)",
            where,
        )
    high = _hertz(m.group(1), m.group(2), text, source, where)
    low = _hertz(m.group(3), m.group(4), text, source, where)
    if high < low:
        high, low = low, high
    if not high > low:
        raise InputError(source, f"step {text!r}: the two frequencies must differ", where)
    per_decade = int(m.group(5)) if m.group(5) else DEFAULT_POINTS_PER_DECADE
    if not 1 <= per_decade <= 100:
        raise InputError(source, f"step {text!r}: points per decade must be from 1 to 100, got {per_decade}", where)
    return ImpedanceStep(high, low, per_decade)
