"""Reading text data files: the text of a file, and rows of a CSV with their line numbers."""

import csv
import io

import numpy as np

from ..errors import InputError


def read_text(path, encoding="utf-8-sig"):
    """The text of ``path``; latin-1 if it is not ``encoding``; InputError if unreadable."""
    from ..resources import check_file

    check_file(path, "data file")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror}") from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_csv(path):
    """(header, rows, lines) of a CSV file with a header line: ``rows`` are lists of
    fields, ``lines`` the 1-based line of each row. Blank rows are skipped; a row with the
    wrong number of fields, or a repeated column name, is an InputError."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise InputError(path, "empty file: expected a header line with the column names", 1)
        for k, name in enumerate(header):
            if not name:
                raise InputError(path, f"column {k + 1} of the header has no name", 1)
            if name in header[:k]:
                raise InputError(path, f"column {name!r} appears twice in the header", 1)
        rows, lines = [], []
        last = None if text.endswith("\n") else text.count("\n") + 1  # a line cut short?
        for row in reader:
            if not any(field.strip() for field in row):
                continue
            if len(row) != len(header):
                cut = " (the file looks truncated)" if reader.line_num == last else ""
                raise InputError(path, f"{len(row)} fields where the header has {len(header)}{cut}", reader.line_num)
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as err:
        raise InputError(path, f"not valid CSV: {err}", reader.line_num) from None
    return header, rows, lines


def numbers(values, column, source, lines, empty=False):
    """float array of the text ``values`` of ``column``; empty cells are NaN if ``empty``,
    else an error; a non-number is an InputError naming the line and column."""
    out = np.empty(len(values))
    for i, value in enumerate(values):
        value = value.strip()
        if not value and empty:
            out[i] = np.nan
            continue
        try:
            out[i] = float(value)
        except ValueError:
            said = f"{_short(value)!r} is not a number" if value else "empty cell"
            raise InputError(source, f"column {column!r}: {said}", lines[i]) from None
        if abs(out[i]) == np.inf:
            raise InputError(source, f"column {column!r}: {value!r} is not a finite number", lines[i])
    return out


def _short(text, n=24):
    return text if len(text) <= n else text[:n] + "..."


def check_header(path, header, known):
    """InputError, echoing nothing of the file, if none of the ``header`` names is
    ``known``: the file is not a table of this kind (and may be private: its first line
    must not end up in a message or a log)."""
    if not any(known(name) for name in header):
        raise InputError(
            path, "not a table ssbsim reads: the first line names none of the known columns (see the README)", 1
        )
