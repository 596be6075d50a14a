"""Reading the TOML files users write (parameter sets, experiments, specs), with errors
that name the file and the line; and writing every TOML file ssbsim writes (through
tomlkit: strings are escaped, a rewritten file keeps its comments and layout; the text is
re-parsed before it is written, and written atomically; imported by the writers only:
not on the path of a run, 5 ms)."""

import os
import re
import shutil
import tomllib
from functools import lru_cache
from pathlib import Path

from . import atomic
from .errors import InputError


def line_of(text, key):
    """1-based line where ``key`` is first written in ``text`` (quoted or bare, as a key or
    a table header), else the line of its first quoted mention (``"key"``), or None."""
    line = _key_lines(text).get(key)
    if line is None:
        at = text.find(f'"{key}"')
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
    return line


#: a key as written (bare, quoted or dotted: ``fit."name"``) at the start of a line before
#: its ``=``, or in a table header
_TOKEN = r'((?:"[^"\n]*"|[^\s"=\[\]])+)'
_KEY = re.compile(r"^[ \t]*" + _TOKEN + r"[ \t]*=", re.MULTILINE)
_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*" + _TOKEN + r"[ \t]*\]", re.MULTILINE)


@lru_cache(maxsize=8)
def _key_lines(text):
    """{key: 1-based line where it is first written as a key or table header} of ``text``,
    a quoted key also by its unquoted text: one pass for all keys (a parameter set names
    ~80; a pattern compiled per key cost 0.05 s of every run)."""
    found = sorted((m.start(), m.group(1)) for pattern in (_KEY, _HEADER) for m in pattern.finditer(text))
    lines = {}
    for start, key in found:
        line = text.count("\n", 0, start) + 1
        lines.setdefault(key, line)
        if len(key) > 1 and key[0] == key[-1] == '"':
            lines.setdefault(key[1:-1], line)
    return lines


def read_toml(path):
    """(data, text) of a TOML file; unreadable or malformed files raise InputError."""
    from .resources import check_file

    path = check_file(path)
    try:
        text = path.read_bytes().decode("utf-8")
        text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        line = err.object.count(b"\n", 0, err.start) + 1
        raise InputError(path, f"not UTF-8 text (byte {err.start})", line) from None
    try:
        return tomllib.loads(text), text
    except RecursionError:
        raise InputError(path, "not valid TOML: nested too deeply") from None
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


def _checked_text(path, document):
    """The text of a tomlkit ``document``, parsed back (InputError if it does not parse)."""
    import tomlkit

    text = tomlkit.dumps(document)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(path, f"refusing to write invalid TOML ({err})") from None
    return text


def write_toml(path, document):
    """Write a tomlkit ``document`` to ``path`` atomically, once its text parses back."""
    atomic.write_text(path, _checked_text(path, document))


def parameter_entry(value, source):
    """``{ value = ..., source = "..." }`` of a parameter set."""
    import tomlkit

    entry = tomlkit.inline_table()
    entry.update({"value": float(value), "source": str(source)})
    return entry


def write_parameter_set(path, comment, description, extends, entries):
    """Write a parameter set: ``entries`` maps names to (value, source)."""
    import tomlkit

    document = tomlkit.document()
    for line in str(comment).splitlines():
        document.add(tomlkit.comment(line))
    document["description"] = str(description)
    document["extends"] = str(extends)
    parameters = tomlkit.table()
    for name, (value, source) in entries.items():
        parameters[name] = parameter_entry(value, source)
    document["parameters"] = parameters
    write_toml(path, document)


def check_updatable(path, names):
    """InputError unless the parameter set at ``path`` is writable and defines each of
    ``names`` itself (a value inherited through 'extends' lives in another file)."""
    path = Path(path)
    data, text = read_toml(path)
    # a file marked read-only (no write bit) is refused even where the user could override it (root)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK) or not path.stat().st_mode & 0o222:
        raise InputError(path, "not writable: cannot update the parameter set (nothing written)")
    own = data.get("parameters", {})
    for name in names:
        if name not in own:
            where = f" but inherited through 'extends' ({data['extends']})" if "extends" in data else ""
            raise InputError(
                path, f"{name!r} is not defined in this file{where}: cannot update it here (nothing written)"
            )
    return text


def _backup_path(path):
    backup = path.with_name(path.name + ".bak")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.bak{n}")
    return backup


def update_parameter_set(path, entries):
    """Replace value and source of each of ``entries`` ({name: (value, source)}) in the
    parameter set at ``path``, keeping everything else of the file (comments, layout,
    permissions). The original is kept as ``<file>.bak`` (or ``.bakN``, never overwriting
    an earlier backup); returns the backup's path."""
    import tomlkit

    path = Path(path)
    document = tomlkit.parse(check_updatable(path, entries))
    for name, (value, source) in entries.items():
        entry = document["parameters"][name]
        if isinstance(entry, dict):  # keep the entry's own layout
            entry["value"], entry["source"] = float(value), str(source)
        else:
            document["parameters"][name] = parameter_entry(value, source)
    text = _checked_text(path, document)
    backup = _backup_path(path)
    shutil.copy2(path, backup)
    atomic.write_text(path, text)
    return backup
