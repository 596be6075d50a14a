"""Step strings: what ssbsim reads and rewrites in them, on top of PyBaMM's parser.

PyBaMM 26 (``pybamm.step.string``) parses a step as::

    <Verb> at <value> [for <duration>] [or until <condition>] [(<period> period)]

with ``Verb`` one of Charge, Discharge, Hold (and ``Rest for ...``), ``value`` a current,
C-rate, power, resistance or voltage ("C/10", "1C", "4.1 V") and ``condition`` a voltage,
current or C-rate ("4.05 V", "C/50"). :func:`check_step` checks a step with that parser. The
rest reads the text itself, so that it works without PyBaMM and keeps the user's text
(rewriting one number leaves every other character as written):

Sweeps (``"Sweep to 6.0 V at 10 uV/s"``) are ssbsim's own step (``sweep.py``).

* :func:`voltages`: every voltage a step holds at, stops at or sweeps to (checked against the
  cell's voltage window before a run);
* :func:`upper_cutoff`: the highest voltage a cycle's charge and hold steps aim at (the
  ``upper_cutoff_V`` column of ``cycles.csv``);
* :func:`with_upper_cutoff`, :func:`with_c_rate`: a step with its charge cut-off / hold
  voltage or its C-rate replaced (the protocol quantities of ``ssbsim study``).
"""

import math
import re

from ..errors import InputError
from .impedance_step import is_impedance, parse_impedance_step
from .sweep import is_sweep, parse_sweep

_NUMBER = r"[0-9.]+"
#: a voltage the step holds at ("Hold at 4.1 V") or stops at ("until 4.05 V")
_VOLTAGE = re.compile(rf"\b(at|until)(\s+)({_NUMBER})(\s*V\b)")
#: the C-rate a step is driven at ("at C/10", "at 1C", "at 0.5 C")
_C_RATE = re.compile(rf"\b(at\s+)(C/{_NUMBER}|{_NUMBER}\s*C)(?=\s|$)")


def kind(text):
    """The verb of a step, lower case: "charge", "discharge", "hold", "rest"."""
    words = text.split()
    return words[0].lower() if words else ""


def voltages(text):
    """Every voltage the step holds at, stops at or sweeps to, in the order written."""
    if is_sweep(text):
        return [parse_sweep(text).target]
    return [float(m[3]) for m in _VOLTAGE.finditer(text)]


def upper_cutoff(steps):
    """Highest voltage a cycle's charge, hold and sweep steps aim at; NaN if none does."""
    volts = [v for text in steps if kind(text) in ("charge", "hold", "sweep") for v in voltages(text)]
    return max(volts) if volts else math.nan


def with_upper_cutoff(text, volts):
    """``text`` with its charge cut-off voltages ("until X V" of a charge step) or its
    hold voltage ("Hold at X V") set to ``volts``; other steps unchanged."""
    verb = kind(text)

    def new(m):
        return f"{m[1]}{m[2]}{volts:.4g}{m[4]}"

    if verb == "charge":
        return _VOLTAGE.sub(lambda m: new(m) if m[1] == "until" else m[0], text)
    m = _VOLTAGE.search(text)
    if verb == "hold" and m and m[1] == "at" and text[: m.start()].strip().lower() == "hold":
        return text[: m.start()] + new(m) + text[m.end() :]
    return text


def with_c_rate(text, rate):
    """``text`` with the C-rate of a charge or discharge step set to ``rate``; other
    steps, and steps driven by a current or power, unchanged."""
    if kind(text) not in ("charge", "discharge"):
        return text
    return _C_RATE.sub(lambda m: f"{m[1]}{rate:.4g}C", text)


def c_rate(text):
    """The C-rate a charge or discharge step is driven at (``"at C/10"`` -> 0.1), or None
    (a rest, hold, current or power step)."""
    if kind(text) not in ("charge", "discharge"):
        return None
    m = _C_RATE.search(text)
    if m is None:
        return None
    rate = m[2].replace(" ", "")
    return 1.0 / float(rate[2:]) if rate.startswith("C/") else float(rate[:-1])


#: PyBaMM step types the cell model cannot drive (it has no power or resistance control)
UNSUPPORTED = {"Power": "power", "Resistance": "resistance"}


def one_line(err):
    """PyBaMM's message of a failed parse, on one line."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    if not lines:
        return type(err).__name__
    detail = [ln for ln in lines if ln.startswith("The following")]
    first = lines[0].split(" For example")[0]  # pybamm's examples follow on the next lines
    return first.rstrip(":. ") + (f" ({detail[0]})" if detail else "")


def check_step(text, source, where):
    """The ``pybamm.step`` of a step string; InputError with a one-line reason if it is
    not valid or its numbers are out of range."""
    from ..pybamm_import import import_pybamm

    if not isinstance(text, str) or not text.strip():
        raise InputError(source, f"a step must be a non-empty string, got {text!r}", where)
    if is_sweep(text):
        return parse_sweep(text, source, where)
    if is_impedance(text):  # not a PyBaMM step: a spectrum recorded there (impedance_step.py)
        return parse_impedance_step(text, source, where)
    pybamm = import_pybamm()
    try:
        step = pybamm.step.string(text)
    except Exception as err:  # pybamm raises ValueError, TypeError, ZeroDivisionError
        raise InputError(source, f"step {text!r}: {one_line(err)}", where) from None
    if type(step).__name__ in UNSUPPORTED:
        raise InputError(
            source,
            f"step {text!r}: {UNSUPPORTED[type(step).__name__]} steps are not supported by the cell model "
            "(use a current, a C-rate or a voltage)",
            where,
        )
    value = step.value
    if isinstance(value, (int, float)):
        verb = kind(text)
        if verb in ("charge", "discharge") and not (value > 0 if verb == "discharge" else value < 0):
            raise InputError(source, f"step {text!r}: rate must be positive (the verb gives the direction)", where)
        if verb == "hold" and not 0 < value < 10:
            raise InputError(source, f"step {text!r}: hold voltage must be between 0 and 10 V", where)
    if step.duration is not None and step.duration <= 0:
        raise InputError(source, f"step {text!r}: duration must be positive", where)
    for term in step.termination:
        if type(term).__name__ == "VoltageTermination" and not 0 < term.value < 10:
            raise InputError(source, f"step {text!r}: cut-off voltage must be between 0 and 10 V", where)
    return step
