"""The results of a study on disk: written as cases finish, resumable, never duplicated.

Each finished case is appended to ``cases.jsonl`` (flushed and fsynced: a killed study
keeps every case that finished) and ``cases.parquet`` is rewritten from it atomically at
most once a second and at the end. A rerun into the same folder reads both, skips the
cases already there and adds only the others; ``study.json`` records which study the
folder holds, so that a different spec is refused rather than mixed in.
"""

import json
import os
import time
from pathlib import Path

import pandas as pd

from .. import atomic
from ..errors import InputError


class Store:
    def __init__(self, outdir, spec, n_cases):
        self.outdir = Path(outdir)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.parquet = self.outdir / "cases.parquet"
        self.journal = self.outdir / "cases.jsonl"
        meta = self.outdir / "study.json"
        fingerprint = spec.fingerprint()
        if meta.is_file():
            held = json.loads(meta.read_text())
            if held.get("fingerprint") != fingerprint:
                raise InputError(
                    self.outdir, f"holds a different study ({held.get('spec')}); choose another -o or remove the folder"
                )
        else:
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
        self.rows = {}
        if self.parquet.is_file():
            for row in pd.read_parquet(self.parquet).to_dict("records"):
                self.rows[int(row["case"])] = row
        if self.journal.is_file():
            for line in self.journal.read_text().splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:  # a line cut by a kill: that case runs again
                    continue
                self.rows.setdefault(int(row["case"]), row)
        self._last_write = 0.0
        self._handle = open(self.journal, "a")

    @property
    def done(self):
        return set(self.rows)

    def add(self, row):
        case = int(row["case"])
        if case in self.rows:
            return
        self.rows[case] = row
        self._handle.write(json.dumps(row, default=float) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
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
