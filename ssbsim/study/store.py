"""The results of a study on disk: written as cases finish, resumable, never duplicated.

Each finished case is appended to ``cases.jsonl`` (flushed and fsynced: a killed study
keeps every case that finished) and ``cases.parquet`` is rewritten from it atomically at
most once a second and at the end. A rerun into the same folder reads both, skips the
cases already there and adds only the others; ``study.json`` records which study the
folder holds, so that a different spec is refused rather than mixed in.

The journal is the record: a corrupt ``cases.parquet`` is rebuilt from it; a corrupt
journal line (a kill mid-write, an edit) is skipped and its case runs again; a corrupt
``study.json`` is rewritten when every journal row is a case of this study, else the
folder is refused with one line. The caller holds the folder's lock (``study/lock.py``).
"""

import json
import os
import time
from pathlib import Path

import pandas as pd

from .. import atomic, interrupt
from ..errors import InputError


def _journal_rows(path, cases):
    """{case: row} of the journal lines that are rows of one of ``cases`` (a list of
    {name: value}); other lines are skipped (their cases run again)."""
    rows = {}
    if not path.is_file():
        return rows
    for line in path.read_text(errors="replace").splitlines():
        try:
            row = json.loads(line)
            case = row["case"]
        except (json.JSONDecodeError, TypeError, KeyError):  # a line cut by a kill, or edited
            continue
        if isinstance(case, int) and 0 <= case < len(cases) and _matches(row, cases[case]):
            rows.setdefault(case, row)
    return rows


def _matches(row, values):
    return all(isinstance(row.get(k), (int, float)) and abs(row[k] - v) <= 1e-12 * abs(v) for k, v in values.items())


def _read_meta(meta):
    try:
        held = json.loads(meta.read_text())
        return held if isinstance(held, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


class Store:
    def __init__(self, outdir, spec, n_cases, cases=None):
        self.outdir = Path(outdir)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.parquet = self.outdir / "cases.parquet"
        self.journal = self.outdir / "cases.jsonl"
        self.notes = []  # what was repaired, for the command to print
        for stale in self.outdir.glob(".*.tmp"):  # atomic writes cut by a kill (we hold the lock)
            stale.unlink(missing_ok=True)
        meta = self.outdir / "study.json"
        fingerprint = spec.fingerprint()
        cases = cases if cases is not None else [{}] * n_cases
        self.rows = _journal_rows(self.journal, cases)
        if os.path.lexists(meta):
            held = _read_meta(meta)
            if held is None:
                if self.journal.is_file() and not self.rows:
                    raise InputError(meta, "is corrupt and the journal holds no case of this study: remove the folder")
                self.notes.append(f"{meta} was corrupt: rewritten ({len(self.rows)} cases from the journal)")
                self._write_meta(meta, spec, fingerprint, n_cases)
            elif held.get("fingerprint") != fingerprint:
                raise InputError(
                    self.outdir, f"holds a different study ({held.get('spec')}); choose another -o or remove the folder"
                )
        else:
            self._write_meta(meta, spec, fingerprint, n_cases)
        try:
            stored = pd.read_parquet(self.parquet).to_dict("records") if self.parquet.is_file() else []
        except Exception:  # a damaged file: the journal has every row
            stored = []
            self.notes.append(f"{self.parquet} was unreadable: rebuilt from {self.journal.name}")
        for row in stored:
            case = int(row.get("case", -1))
            if 0 <= case < len(cases) and _matches(row, cases[case]):
                self.rows.setdefault(case, row)
        self._last_write = 0.0
        self._handle = open(self.journal, "a")
        if self._handle.tell() and not self.journal.read_bytes().endswith(b"\n"):
            self._handle.write("\n")  # the last line was cut by a kill: start a new one

    @staticmethod
    def _write_meta(meta, spec, fingerprint, n_cases):
        atomic.write_text(
            meta,
            json.dumps(
                {
                    "fingerprint": fingerprint,
                    "spec": str(spec.source),
                    "cases": n_cases,
                    "varied": [v.name for v in spec.varied],
                    "design": spec.design,
                },
                indent=2,
            )
            + "\n",
        )

    @property
    def done(self):
        return set(self.rows)

    def add(self, row):
        case = int(row["case"])
        if case in self.rows:
            return
        line = json.dumps(row, default=float) + "\n"
        with interrupt.held():  # a Ctrl-C between the two would make the count and the journal differ
            self._handle.write(line)
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self.rows[case] = row
        if time.monotonic() - self._last_write > 1.0:
            self.write()

    @property
    def frame(self):
        frame = pd.DataFrame(sorted(self.rows.values(), key=lambda r: r["case"]))
        if len(frame):
            ordered = ["case"] + [c for c in frame.columns if c not in ("case", "status", "error", "wall_s")]
            frame = frame[ordered + [c for c in ("status", "error", "wall_s") if c in frame.columns]]
        return frame

    def write(self):
        with atomic.atomic_path(self.parquet) as tmp:
            self.frame.to_parquet(tmp, index=False)
        self._last_write = time.monotonic()

    def close(self):
        self.write()
        self._handle.close()
