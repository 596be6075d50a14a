"""Up-front limits on the size of a job, so that a typo (``repeat = 1000000000``,
``period = "0.001 seconds"``, a 1000 x 1000 grid) is refused in a second with one line
instead of running for hours or exhausting memory.

Every shipped experiment, study and fit is far inside the defaults. A limit is raised
for one command with ``--limit NAME=VALUE`` (``ssbsim run ... --limit cycles=50000``) or
for a session with the environment variable ``SSBSIM_LIMITS="cycles=50000,cases=1e6"``
(the command line wins). ``ssbsim`` copies ``--limit`` into the environment of its own
process, so that local Dask workers see it too.
"""

import os

from .errors import InputError

ENVIRONMENT = "SSBSIM_LIMITS"

#: name -> (default, what is counted)
LIMITS = {
    "cycles": (20_000, "cycles of an experiment (repeats included)"),
    "points": (2_000_000, "stored time points of a run (each step's duration, or PyBaMM's default, over the period)"),
    "cases": (100_000, "cases of a study"),
    "starts": (50, "starts of a fit"),
    "workers": (256, "worker processes of a local Dask cluster"),
    "bins": (100, "particle size bins"),
    "mesh": (1_000, "finite-volume cells per particle or across the composite"),
    "extends": (32, "parameter sets chained by 'extends'"),
}


def _parse(text, source):
    out = {}
    for item in (text or "").replace(";", ",").split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in LIMITS:
            raise InputError(source, f"{item.strip()!r}: expected NAME=VALUE with NAME one of {', '.join(LIMITS)}")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not number >= 1 or number != int(number):
            raise InputError(source, f"limit {name!r}: {value.strip()!r} is not a positive whole number")
        out[name] = int(number)
    return out


def apply_command_line(items):
    """Merge ``--limit NAME=VALUE`` items into this process's environment (CLI only)."""
    if not items:
        return
    merged = {**_parse(os.environ.get(ENVIRONMENT), ENVIRONMENT), **_parse(",".join(items), "--limit")}
    os.environ[ENVIRONMENT] = ",".join(f"{k}={v}" for k, v in merged.items())


def limit(name):
    """The current value of limit ``name``."""
    return _parse(os.environ.get(ENVIRONMENT), ENVIRONMENT).get(name, LIMITS[name][0])


def check(name, amount, source, what, where=None):
    """InputError naming ``source`` (and ``where``) if ``amount`` exceeds limit ``name``."""
    allowed = limit(name)
    if amount > allowed:
        raise InputError(
            source,
            f"{what}: {amount:,.0f} {LIMITS[name][1]} exceed the limit of {allowed:,} "
            f"(raise it with --limit {name}=N or {ENVIRONMENT}={name}=N)",
            where,
        )
    return amount


def check_count(name, value, source):
    """InputError naming ``source`` unless ``value`` (a number of starts, of workers) is
    None or at least 1 and within limit ``name``."""
    if value is not None:
        if value < 1:
            raise InputError(source, f"must be at least 1, got {value}")
        check(name, value, source, source)
