"""Measured per-cycle values: a CSV with a ``cycle`` column and ``cycles.csv`` quantities.

Columns: ``cycle`` (positive integers, required), any quantity of ``cycles.csv``
(``coulombic_efficiency``, ``cathode_interphase_resistance_ohm_cm2``,
``decomposition_charge_<anion>_mAh_g``, ...), each optionally with ``<quantity>_min`` /
``<quantity>_max`` for a value known only as a bound, ``<quantity>_sigma`` for its
uncertainty (one standard deviation, same unit), and free text in ``source`` and
``note``. Empty cells are NaN: a quantity not given for that cycle.
"""

import difflib
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..observables.cycles import COLUMNS, decomposition_column
from .series import integer_cycles
from .textfile import check_header, numbers, read_csv

# the circuit-fitted resistances of impedance_fits.csv (ssbsim/observables/circuit_fit.py) too
QUANTITIES = [c for c in COLUMNS if c != "cycle"] + ["r0_ohm_cm2", "r1_ohm_cm2", "r2_ohm_cm2"]
TEXT = ("source", "note")
BOUNDS = ("_min", "_max", "_sigma")
_DECOMPOSITION = re.compile(re.escape(decomposition_column("@")).replace("@", r"[A-Za-z_]\w*"))


def is_quantity(name):
    return name in QUANTITIES or _DECOMPOSITION.fullmatch(name) is not None


def known_names():
    names = ["cycle", *QUANTITIES, *TEXT]
    return names + [q + b for q in QUANTITIES for b in BOUNDS]


def read_cycle_table(path):
    """DataFrame of a measured per-cycle table (see the module docstring), in the file's
    column order; ``attrs["source"]`` is the file."""
    path = Path(path)
    header, rows, lines = read_csv(path)
    check_header(path, header, lambda name: name in known_names() or is_quantity(name))
    for name in header:
        base = next((name[: -len(b)] for b in BOUNDS if name.endswith(b)), None)
        if name == "cycle" or name in TEXT or is_quantity(name) or (base and is_quantity(base)):
            continue
        close = difflib.get_close_matches(name, known_names(), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(path, f"unknown column {name!r}{hint}", 1)
    if "cycle" not in header:
        raise InputError(path, f"no 'cycle' column; the columns are: {', '.join(map(repr, header))}", 1)
    data = {}
    for j, name in enumerate(header):
        cells = [row[j] for row in rows]
        if name in TEXT:
            data[name] = [cell.strip() for cell in cells]
        elif name == "cycle":
            cycle = integer_cycles(numbers(cells, name, path, lines), name, path, lines.__getitem__)
            bad = [i for i, c in enumerate(cycle) if c < 1]
            if bad:
                raise InputError(path, f"column 'cycle': {cycle[bad[0]]} is not a positive cycle number", lines[bad[0]])
            data[name] = cycle
        else:
            data[name] = numbers(cells, name, path, lines, empty=True)
    for name in header:
        if name.endswith("_sigma"):
            bad = [i for i, v in enumerate(data[name]) if not v > 0 and v == v]
            if bad:
                raise InputError(
                    path, f"column {name!r}: an uncertainty must be positive, got {data[name][bad[0]]:g}", lines[bad[0]]
                )
        if name.endswith("_min") and name[:-4] + "_max" in data:
            low, high = data[name], data[name[:-4] + "_max"]
            above = [i for i in range(len(rows)) if low[i] > high[i]]
            if above:
                i = above[0]
                raise InputError(path, f"{name!r} ({low[i]:g}) is above {name[:-4] + '_max'!r} ({high[i]:g})", lines[i])
    frame = pd.DataFrame(data, columns=header)
    _check_repeated_cycles(path, frame, lines)
    frame.attrs["source"] = str(path)
    return frame


def _check_repeated_cycles(path, frame, lines):
    """InputError if a cycle appears on two rows with different values (which to fit?)."""
    numeric = [c for c in frame.columns if c != "cycle" and c not in TEXT]
    first = {}
    for i, cycle in enumerate(frame["cycle"]):
        if cycle not in first:
            first[cycle] = i
            continue
        a, b = frame.iloc[first[cycle]][numeric], frame.iloc[i][numeric]
        if not all(x == y or (x != x and y != y) for x, y in zip(a, b)):
            raise InputError(
                path,
                f"cycle {cycle} appears again with different values (first on line {lines[first[cycle]]})",
                lines[i],
            )
