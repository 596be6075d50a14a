"""Time series in a plain CSV file with a header line.

Column names carry their unit as ``name_unit``, ``name/unit`` or ``name [unit]``:
``time_s``, ``time/h``, ``voltage [V]``, ``current_mA``; ``cycle`` has none. The current
is in ssbsim's convention (positive on discharge), as in ssbsim's own ``timeseries.csv``;
without a ``cycle`` column, cycles are counted from the current. Where two columns give
the same quantity (``time_s`` and ``time_h``) the first is used.
"""

import re

import numpy as np

from ..errors import InputError
from .series import integer_cycles, standard_frame
from .textfile import check_header, numbers, read_csv
from .units import factor

QUANTITIES = {"time": "time_s", "voltage": "voltage_V", "current": "current_A"}  # with an example
_BRACKETS = re.compile(r"(.*?)\s*[\[(]\s*([^\])]*?)\s*[\])]")


def split_unit(column):
    """(name, unit) of a CSV column name; the unit is None when there is none."""
    m = _BRACKETS.fullmatch(column)
    if m:
        return m.group(1), m.group(2)
    for sep in ("/", "_"):
        name, found, unit = column.rpartition(sep)
        if found and name:
            return name, unit
    return column, None


def read_csv_series(path):
    """Time series of a CSV file (see the module docstring)."""
    header, rows, lines = read_csv(path)
    check_header(path, header, lambda c: c.lower() == "cycle" or split_unit(c)[0].strip().lower() in QUANTITIES)
    values = {name: [row[j] for row in rows] for j, name in enumerate(header)}
    found, cycle_column = {}, None
    for column in header:
        name, unit = split_unit(column)
        name = name.strip().lower()
        if column.lower() == "cycle" and cycle_column is None:
            cycle_column = column
        elif name in QUANTITIES and name not in found:
            found[name] = column, factor(name, column, unit, path, 1)
    missing = [q for q in QUANTITIES if q not in found]
    if missing:
        raise InputError(
            path,
            f"no {missing[0]} column (e.g. {QUANTITIES[missing[0]]!r}); "
            f"the columns are: {', '.join(map(repr, header))}",
            1,
        )
    converted = {q: numbers(values[c], c, path, lines) * f for q, (c, f) in found.items()}
    where = lines.__getitem__
    cycle = None
    if cycle_column is not None:
        cycle = integer_cycles(numbers(values[cycle_column], cycle_column, path, lines), cycle_column, path, where)
    dropped = [c for c, _ in found.values()] + [cycle_column]
    others = {name: _column(values[name]) for name in header if name not in dropped}
    return standard_frame(others, path, where, converted["time"], converted["voltage"], converted["current"], cycle)


def _column(texts):
    """Numbers (empty cells NaN) if every cell is one, else the text as it is."""
    try:
        return np.array([float(t) if t.strip() else np.nan for t in texts])
    except ValueError:
        return np.array(texts, dtype=object)
