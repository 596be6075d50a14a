"""Output folders written as a unit.

A command that writes a folder of results (``ssbsim run``, ``fit``, ``onset``) writes it
into a hidden sibling staging folder, ``.<name>.ssbsim-<pid>.partial``, and swaps it in
at the end: the previous folder is renamed aside, the new one renamed into place, the old
one deleted. A reader therefore finds the previous outputs or the new ones, never a mix;
a run killed at any point leaves the previous folder (or, killed between the two renames,
its copy aside, which the next command into the same folder puts back).

:func:`check_output` runs before anything is computed: the folder must be creatable and
writable, and an existing folder is only replaced when it holds nothing but what ssbsim
writes there -- ``-o ~/Documents`` is refused, not emptied -- and, for ``run``, ``fit`` and
``onset``, only with ``--overwrite``: without it a folder that holds another run's outputs is refused
(exit 2, before anything is computed), never replaced silently nor diverted to another
name that a script would not look in. The Python faces (``Result.save``,
``FitOutcome.save``) follow the same rules with ``overwrite=True``: :func:`save_folder`.
"""

import os
import secrets
import shutil
from pathlib import Path

from .errors import InputError, OutputError

_STAGING = ".ssbsim-"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(path):
    """(kind, leftover path) of staging and set-aside folders of ``path`` from processes
    that no longer run."""
    out = []
    if not path.parent.is_dir():
        return out
    prefix = f".{path.name}{_STAGING}"
    for entry in path.parent.iterdir():
        if not entry.name.startswith(prefix):
            continue
        pid, _, kind = entry.name[len(prefix) :].partition(".")
        pid = pid.split("-")[0]
        if pid.isdigit() and not _alive(int(pid)) and kind in ("partial", "old"):
            out.append((kind, entry))
    return out


def recover(path):
    """Put back a previous folder a killed swap left aside; remove dead staging folders."""
    path = Path(path)
    for kind, entry in _leftovers(path):
        if kind == "old" and not os.path.lexists(path):
            os.rename(entry, path)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _nearest_existing(path):
    for parent in [path, *path.parents]:
        if os.path.lexists(parent):
            return parent
    return Path(".")


def check_output(path, owned, source="-o", overwrite=True, flag="--overwrite"):
    """InputError unless ``path`` can become an output folder: creatable and writable,
    and, if it exists, a folder holding only names in ``owned`` (what the command
    writes) or hidden leftovers of ssbsim; with ``overwrite`` False, one holding nothing
    but hidden leftovers (the outputs of another run are refused; the message names
    ``flag``, the way to allow it)."""
    path = Path(path)
    if os.path.islink(path) and not path.exists():
        raise InputError(source, f"{path} is a dangling symbolic link")
    here, target = Path.cwd().resolve(), path.resolve()
    if target == here or target in here.parents:
        raise InputError(source, f"{path} is the current folder or holds it: choose a folder of its own")
    if path.exists():
        if not path.is_dir():
            raise InputError(source, f"{path} exists and is not a folder")
        foreign = sorted(p.name for p in path.iterdir() if not owned(p.name))
        if foreign:
            raise InputError(
                source,
                f"{path} holds files ssbsim did not write ({foreign[0]!r}"
                + (f" and {len(foreign) - 1} more" if len(foreign) > 1 else "")
                + "): choose another folder",
            )
        if not overwrite and any(not p.name.startswith(".") for p in path.iterdir()):
            raise InputError(
                source,
                f"{path} holds the outputs of another run: pass {flag} to replace them, or choose another folder",
            )
    parent = _nearest_existing(path.parent)
    if not parent.is_dir():
        raise InputError(source, f"{path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(source, f"{path}: cannot write in {parent} (permission denied)")


def owned_by(names):
    """``owned`` for :func:`check_output`: the ``names``, figures, and ssbsim's own
    temporary files."""
    return lambda name: name in names or name.endswith(".png") or (name.startswith(".") and name.endswith(".tmp"))


class OutputFolder:
    """``with OutputFolder(path) as staging:`` write into ``staging``; on leaving the
    block without an error the staging folder replaces ``path`` (``.replaced`` says
    whether there was a previous folder); on an error it is removed and ``path`` is
    untouched."""

    def __init__(self, path):
        self.path = Path(os.path.realpath(path))  # a link to a folder: replace the folder it names
        self.replaced = False
        self.staging = None

    def __enter__(self):
        recover(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.staging = self.path.with_name(f".{self.path.name}{_STAGING}{os.getpid()}-{secrets.token_hex(3)}.partial")
        self.staging.mkdir()
        return self.staging

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return False
        aside = self.staging.with_name(self.staging.name.replace(".partial", ".old"))
        try:
            if os.path.lexists(self.path):
                os.rename(self.path, aside)
                os.rename(self.staging, self.path)
                self.replaced = True
                shutil.rmtree(aside, ignore_errors=True)
            else:
                os.rename(self.staging, self.path)
        except BaseException:
            shutil.rmtree(self.staging, ignore_errors=True)
            if aside.exists() and not os.path.lexists(self.path):
                os.rename(aside, self.path)
            raise
        return False

    def describe(self):
        return "replaced the previous outputs" if self.replaced else "new folder"


def fail_message(path):
    """What became of ``path`` when writing new outputs failed."""
    path = Path(path)
    return f"the previous outputs in {path} are intact" if path.exists() else f"nothing written to {path}"


def write_outputs(outdir, write):
    """Call ``write(folder)`` on a staging folder that then replaces ``outdir`` as a
    unit; returns how (new folder, or replaced). OutputError if the disk refuses."""
    folder = OutputFolder(outdir)
    try:
        with folder as staging:
            write(staging)
    except OSError as err:
        reason = err.strerror or str(err)
        raise OutputError(f"cannot write {outdir}: {reason}; {fail_message(outdir)}") from None
    return folder.describe()


def save_folder(outdir, owned, write, overwrite):
    """The Python faces' ``save``: :func:`check_output` (``overwrite=True`` to replace
    another run's outputs), then ``write(folder) -> paths`` as a unit; returns the
    paths as they are in ``outdir``."""
    check_output(outdir, owned, source=outdir, overwrite=overwrite, flag="overwrite=True")
    written = []
    write_outputs(outdir, lambda staging: written.extend(Path(p).relative_to(staging) for p in write(staging)))
    return [Path(outdir) / p for p in written]
