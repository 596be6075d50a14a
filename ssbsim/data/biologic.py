"""BioLogic (EC-Lab, BT-Lab) files: the ``.mpt`` text export and the ``.mpr`` binary.

Columns are named ``quantity/unit`` (``time/s``, ``Ewe/V``, ``<I>/mA``, ``(Q-Qo)/mA.h``).
The voltage is ``Ecell`` (full cell), else ``Ewe``, else ``<Ewe>`` (mean, in impedance
runs); the current ``I``, else ``<I>``, else the charge ``dq`` (or ``Q-Qo``) over the
time step -- some GCPL files store no current. BioLogic's current is positive for
oxidation of the working electrode (charge of a cathode), so it is negated. Cycles come
from ``cycle number`` (counted from 0), else ``half cycle`` (two per cycle), else from
the current.
"""

import re

import numpy as np

from ..errors import InputError
from .series import current_from_charge, integer_cycles, standard_frame
from .textfile import read_text
from .units import factor

FIRST_LINES = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")
#: quantity -> the column names (without unit) that give it, by preference
NAMES = {
    "time": ("time",),
    "voltage": ("Ecell", "Ewe", "<Ewe>"),
    "current": ("I", "<I>"),
    "charge": ("dq", "(Q-Qo)"),
}
WANTED = {
    "time": "time/s",
    "voltage": "Ecell/V, Ewe/V or <Ewe>/V",
    "current": "I/mA, <I>/mA, or dq/mA.h or (Q-Qo)/mA.h to derive it from",
}
MPR_EXTRA = "reading EC-Lab .mpr files needs the optional extra: pip install 'ssbsim[mpr]' (galvani, GPL-3.0)"


def split_unit(column):
    """(name, unit) of a BioLogic column: ``control/V/mA`` -> ``('control/V', 'mA')``."""
    name, slash, unit = column.rpartition("/")
    return (name, unit) if slash else (column, None)


def find(columns, quantity, source, where):
    """(column, factor to SI) of the first column giving ``quantity``, or None."""
    names = {}
    for column in columns:
        names.setdefault(split_unit(column)[0], column)
    for name in NAMES[quantity]:
        if name in names:
            column = names[name]
            return column, factor(quantity, column, split_unit(column)[1], source, where)
    return None


def frame(columns, source, where, header_where=None):
    """The standard frame from BioLogic ``columns`` (name -> array)."""
    found = {q: find(columns, q, source, header_where) for q in ("time", "voltage", "current")}
    if found["current"] is None:
        found["charge"] = find(columns, "charge", source, header_where)
    missing = [q for q in ("time", "voltage") if found[q] is None]
    if found["current"] is None and found["charge"] is None:
        missing.append("current")
    if missing:
        raise InputError(
            source,
            f"no {missing[0]} column ({WANTED[missing[0]]}); the columns are: {', '.join(map(repr, columns))}",
            header_where,
        )
    converted = {q: np.asarray(columns[hit[0]], dtype=float) * hit[1] for q, hit in found.items() if hit}
    dropped = [found[q][0] for q in ("time", "voltage", "current") if found[q]]
    if found["current"] is not None:
        current = -converted["current"]
    else:  # BioLogic's sign, so negated too
        increments = found["charge"][0].startswith("dq")
        current = -current_from_charge(converted["time"], converted["charge"], increments)
    if "cycle number" in columns:
        cycle = integer_cycles(np.asarray(columns["cycle number"], dtype=float), "cycle number", source, where) + 1
        dropped.append("cycle number")
    elif "half cycle" in columns:
        cycle = integer_cycles(np.asarray(columns["half cycle"], dtype=float), "half cycle", source, where) // 2 + 1
    else:
        cycle = None
    result = standard_frame(columns, source, where, converted["time"], converted["voltage"], current, cycle, dropped)
    if found["current"] is None:
        result.attrs["current_A"] = f"derived from {found['charge'][0]!r} over the time step"
    return result


def read_mpt(path):
    """Time series of an EC-Lab/BT-Lab text export (``.mpt``; latin-1, tab-separated,
    decimal points or commas)."""
    text = read_text(path, encoding="latin-1")
    ends_with_newline = text.endswith("\n")
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if ends_with_newline:
        lines.pop()
    if not lines or lines[0].strip() not in FIRST_LINES:
        found = lines[0].strip()[:40] if lines else ""
        raise InputError(
            path,
            f"not a BioLogic text export: the first line is {found!r}, "
            "expected 'EC-Lab ASCII FILE' or 'BT-Lab ASCII FILE'",
            1,
        )
    m = re.fullmatch(r"Nb header lines\s*:\s*(\d+)", lines[1].strip()) if len(lines) > 1 else None
    if m is None:
        raise InputError(path, "expected 'Nb header lines : N' (N: the line of the column names)", 2)
    n = int(m.group(1))
    if n < 3:
        raise InputError(path, f"'Nb header lines : {n}': the column names come after line 2", 2)
    if n > len(lines):
        raise InputError(path, f"'Nb header lines : {n}' but the file has only {len(lines)} lines", 2)
    header = lines[n - 1].split("\t")
    while header and not header[-1].strip():
        header.pop()  # EC-Lab ends the header line with a tab
    header = [name.strip() for name in header]
    if not header or "" in header:
        raise InputError(path, "the column names have an empty field", n)
    rows, numbers = [], []
    for k in range(n, len(lines)):
        line = lines[k]
        if not line.strip():
            continue
        fields = line.replace(",", ".").split("\t")  # tab-separated: a comma is a decimal comma
        if len(fields) == len(header) + 1 and not fields[-1].strip():
            fields.pop()
        cut = " (the file looks truncated)" if k == len(lines) - 1 and not ends_with_newline else ""
        if len(fields) != len(header):
            raise InputError(path, f"{len(fields)} fields where the header (line {n}) has {len(header)}{cut}", k + 1)
        rows.append(fields)
        numbers.append(k + 1)
    if not rows:
        raise InputError(path, f"no data after the column names (line {n})")
    try:
        data = np.array(rows, dtype=float)
    except ValueError:  # find the culprit
        last = len(lines) if not ends_with_newline else None
        data = np.array([_floats(path, header, fields, line, line == last) for fields, line in zip(rows, numbers)])
    columns = {name: data[:, j] for j, name in enumerate(header)}
    return frame(columns, path, lambda i: numbers[i], header_where=n)


def read_mpr(path):
    """Time series of an EC-Lab binary file (``.mpr``), read with the optional galvani."""
    try:
        from galvani import BioLogic
    except ImportError:
        raise InputError(path, MPR_EXTRA) from None
    try:
        mpr = BioLogic.MPRfile(str(path))
        data = mpr.data
    except OSError as err:
        if err.errno is not None:  # the file itself; galvani's own OSErrors have no errno
            raise InputError(path, f"cannot read: {err.strerror}") from None
        raise InputError(path, f"not a readable EC-Lab .mpr file (truncated?): {_one_line(err)}") from None
    except Exception as err:  # galvani raises ValueError, NotImplementedError, struct.error, ...
        raise InputError(path, f"not a readable EC-Lab .mpr file: {_one_line(err)}") from None
    columns = {name: np.asarray(data[name]) for name in data.dtype.names}
    return frame(columns, path, lambda i: f"point {i + 1}", header_where=None)


def _floats(path, header, fields, line, last):
    """The numbers of a data line of an .mpt file; InputError naming the line and column."""
    values = []
    for name, field in zip(header, fields):
        try:
            values.append(float(field))
        except ValueError:
            cut = " (the file looks truncated)" if last else ""
            raise InputError(path, f"column {name!r}: {field.strip()!r} is not a number{cut}", line) from None
    return values


def _one_line(err):
    return " ".join(str(err).split()) or type(err).__name__
