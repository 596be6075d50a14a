"""Atomic file writes: a reader sees the old file or the new one, never half of one.

A new file gets the user's normal permissions (0666 less the umask, as ``open`` gives);
replacing a file keeps its permissions.
"""

import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path


def _new_temporary(path):
    """Create an empty file beside ``path`` (mode 0666 less the umask) and return its path."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` at once."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temporary(path)
    try:
        yield tmp
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(path, text):
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
