"""Reading the TOML files users write (parameter sets, experiments, specs), with errors
that name the file and the line."""

import re
import tomllib
from pathlib import Path

from .errors import InputError


def line_of(text, key):
    """1-based line where ``key`` is first written in ``text`` (quoted or bare, as a key or
    a table header), or None."""
    k = re.escape(key)
    pattern = re.compile(r'^[ \t]*(?:("?)' + k + r'\1[ \t]*=|\[\[?[ \t]*("?)' + k + r"\2[ \t]*\])", re.MULTILINE)
    m = pattern.search(text)
    if m is None:
        m = re.search(re.escape(f'"{key}"'), text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def read_toml(path):
    """(data, text) of a TOML file; unreadable or malformed files raise InputError."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        line = err.object.count(b"\n", 0, err.start) + 1
        raise InputError(path, f"not UTF-8 text (byte {err.start})", line) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"\(at line (\d+), column \d+\)", str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        raise InputError(path, f"not valid TOML: {message}", m.group(1) if m else None) from None


def array_of_tables(path, text, value, header, allowed, label):
    """[(entry, line)] for a TOML array of tables ``[[header]]``: checked to be a non-empty
    list of tables with only ``allowed`` keys; ``label`` names an entry in messages."""
    if not isinstance(value, list) or not value:
        raise InputError(path, f"needs at least one [[{header}]] table")
    lines = [i + 1 for i, ln in enumerate(text.splitlines()) if ln.strip().startswith(f"[[{header}]]")]
    entries = []
    for n, entry in enumerate(value):
        where = lines[n] if n < len(lines) else None
        if not isinstance(entry, dict):
            raise InputError(path, f"{label} {n + 1} must be a table", where)
        unknown = set(entry) - set(allowed)
        if unknown:
            raise InputError(
                path,
                f"{label} {n + 1}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(allowed))})",
                where,
            )
        entries.append((entry, where))
    return entries
