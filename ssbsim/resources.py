"""Where the shipped parameter sets and experiments live.

An installed ssbsim carries them inside the package, as ``ssbsim/parameter_sets`` and
``ssbsim/experiments`` (see ``[tool.setuptools.package-dir]`` in pyproject.toml). An
editable install does not map those folders into the package, so there we fall back to
the source checkout, where they sit beside ``ssbsim/``.
"""

import os
import stat
from pathlib import Path

from .errors import InputError

KINDS = {"parameter_sets": "parameter set", "experiments": "experiment"}


def shipped_dir(kind):
    """Folder of the shipped files of ``kind`` ("parameter_sets" or "experiments")."""
    package = Path(__file__).resolve().parent
    installed = package / kind
    return installed if installed.is_dir() else package.parent / kind


def shipped(kind):
    """Stems of the shipped TOML files of ``kind``, sorted."""
    return sorted(p.stem for p in shipped_dir(kind).glob("*.toml"))


def is_path(name_or_path):
    """Whether a user's reference is a file path (else: the stem of a shipped file)."""
    path = Path(name_or_path)
    return path.suffix == ".toml" or path.parent != Path(".")


def beside(referrer, name_or_path):
    """A file path given inside the file ``referrer`` is relative to that file; a bare
    name stays a shipped stem."""
    path = Path(name_or_path)
    if is_path(name_or_path) and not path.is_absolute():
        return Path(referrer).parent / path
    return name_or_path


def check_file(path, what="file"):
    """InputError unless ``path`` is a regular file (a folder, FIFO or device would hang or
    mislead a reader): names what it is instead."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        said = f"{what} is a dangling symbolic link" if os.path.islink(path) else f"{what} not found"
        raise InputError(path, f"cannot read: {said}") from None
    except OSError as err:
        raise InputError(path, f"{what}: cannot read: {err.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputError(path, f"{what} is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(path, f"{what} is not a regular file (a FIFO, socket or device)")
    return path


def resolve(name_or_path, kind):
    """Path of a shipped file given its stem, or of a user file given its path."""
    path = Path(name_or_path)
    if is_path(name_or_path):
        return check_file(path, f"{KINDS[kind]} file")
    candidate = shipped_dir(kind) / f"{name_or_path}.toml"
    if not candidate.is_file():
        raise InputError(
            name_or_path,
            f"no shipped {KINDS[kind]} of this name "
            f"(shipped: {', '.join(shipped(kind))}; or give a path to a .toml file)",
        )
    return candidate
