"""Potential sweeps in experiment files: ``"Sweep to 6.0 V at 10 uV/s"``.

A sweep is a linear change of the cell voltage at a constant rate from the present
potential to the target, then the next step. PyBaMM's step strings have no such step, so
ssbsim reads it here and runs it as a voltage-controlled step whose value is a line in
the step time (``ssbsim/simulation/sweep_step.py``). The start potential is taken from
the protocol: the potential a sweep starts from is the one the step before it held or
swept to ("Hold at 2.0 V for 10 minutes", another sweep). A sweep after a current step
or a rest, whose end potential the protocol does not fix, is refused when the file is
read. Rates in uV/s (or µV/s), mV/s or V/s.
"""

import re
from dataclasses import dataclass

from ..errors import InputError

RATE_UNITS = {"uV/s": 1e-6, "\u00b5V/s": 1e-6, "\u03bcV/s": 1e-6, "mV/s": 1e-3, "V/s": 1.0}
_SWEEP = re.compile(r"^\s*sweep\s+to\s+([0-9.]+)\s*V\s+at\s+([0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(\S+)\s*$", re.IGNORECASE)
_HOLD = re.compile(r"^\s*hold\s+at\s+([0-9.]+)\s*V\b", re.IGNORECASE)
#: resolution of a sweep's stored points when the experiment sets no period [V]
STORED_STEP_V = 1e-3


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: ``target`` [V], ``rate`` [V/s, positive], ``start`` [V] once known."""

    target: float
    rate: float
    text: str
    start: float | None = None

    @property
    def duration(self):
        return abs(self.target - self.start) / self.rate

    @property
    def signed_rate(self):
        return self.rate if self.target >= self.start else -self.rate


def is_sweep(text):
    return isinstance(text, str) and text.strip().lower().startswith("sweep")


def parse_sweep(text, source="<step>", where=None):
    """The Sweep of ``text``; InputError with a one-line reason if it is not valid."""
    m = _SWEEP.match(text)
    if m is None:
        raise InputError(
            source, f'step {text!r}: a sweep reads "Sweep to <potential> V at <rate> <uV/s|mV/s|V/s>"', where
        )
    try:
        target, value = float(m[1]), float(m[2])
    except ValueError:
        raise InputError(source, f"step {text!r}: {m[1]!r} or {m[2]!r} is not a number", where) from None
    unit = m[3]
    if unit not in RATE_UNITS:
        raise InputError(source, f"step {text!r}: rate unit {unit!r} (allowed: uV/s, mV/s, V/s)", where)
    if not 0 < target < 10:
        raise InputError(source, f"step {text!r}: target potential must be between 0 and 10 V", where)
    if not value > 0:
        raise InputError(source, f"step {text!r}: sweep rate must be positive", where)
    return Sweep(target, value * RATE_UNITS[unit], text)


def end_potential(text):
    """The potential a step leaves the cell at, if the protocol fixes it (hold, sweep)."""
    if is_sweep(text):
        return parse_sweep(text).target
    m = _HOLD.match(text)
    return float(m[1]) if m else None


def with_starts(cycles, source="<experiment>", lines=None):
    """``cycles`` (tuples of step strings) with every sweep replaced by its Sweep, start
    potential filled in from the step before; InputError if it cannot be known."""
    out, present = [], None
    for n, steps in enumerate(cycles):
        cycle = []
        for k, text in enumerate(steps):
            if is_sweep(text):
                where = lines[n][k] if lines else None
                sweep = parse_sweep(text, source, where)
                if present is None:
                    raise InputError(
                        source,
                        f"step {text!r}: a sweep starts from the potential the step before it held or swept to; "
                        "put a 'Hold at <potential> V for <time>' or another sweep before it",
                        where,
                    )
                if abs(sweep.target - present) < 1e-9:
                    raise InputError(source, f"step {text!r}: sweeps from {present:g} V to the same potential", where)
                cycle.append(Sweep(sweep.target, sweep.rate, text, present))
            else:
                cycle.append(text)
            present = end_potential(text)
        out.append(tuple(cycle))
    return out
