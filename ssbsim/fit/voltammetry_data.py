"""Voltammetric fit data: onsets (``quantity = "onset_V"``), currents
(``quantity = "current"``) and the stepwise-CV criteria of T10 (``"memory"``,
``"reverse_fraction"``, ``"soar"``).

- ``onset_V``: a table ``cycle, onset_V`` (optional ``onset_V_sigma``, default 0.05 V,
  the accepted tolerance of voltammetric onsets, BRIEF §3), one row per onset; the k-th
  onset of a cycle is compared with the k-th onset the two-line method
  (``observables/onset.py``) finds on the simulated voltammogram of that cycle.
- ``current``: a voltammogram (``read_voltammogram``: ssbsim's ``voltammogram.csv``,
  EC-Lab ``.mpt``, ...); the simulated current density at the data's times. sigma: the
  file's ``current_density_mA_cm2_sigma`` column, else 2 % of the largest measured
  current (a relative sigma would weigh the near-zero background without end).
- ``memory``, ``reverse_fraction``, ``soar``: a table ``cycle`` with the quantity
  ``<q>`` and/or the bounds ``<q>_min``, ``<q>_max`` and optional ``<q>_sigma`` (else 1 %
  of the value or bound), one row per cycle (rows without any are skipped); compared with
  the column of that name of ``observables/stepwise_cv.summary`` of the simulated
  voltammogram (one definition for the fit and the tests).
"""

import numpy as np

from ..data.textfile import numbers, read_csv
from ..data.voltammogram import read_voltammogram
from ..errors import InputError
from ..observables import stepwise_cv
from ..observables.onset import onset_table
from ..observables.voltammetry import voltammogram
from .spec import VOLTAMMETRIC as QUANTITIES

ONSET, CURRENT = QUANTITIES[:2]
STEPWISE = QUANTITIES[2:]  # columns of stepwise_cv.summary
ONSET_SIGMA_V = 0.05
CURRENT_SIGMA = 0.02
STEPWISE_SIGMA = 0.01  # relative


class _Voltammetric:
    def __init__(self, spec):
        self.spec = spec
        self.quantity = spec.quantity
        self.experiment = spec.experiment
        self.weight = spec.weight
        if not hasattr(self, "low"):  # values only
            self.low = self.high = np.full(len(self.x), np.nan)

    def __len__(self):
        return len(self.x)

    def residuals(self, result):
        from .problem import scaled_residuals

        try:
            sim = self.simulated(result) if result is not None else None
        except (KeyError, ValueError):  # no voltammogram in the run
            sim = np.full(len(self.x), np.nan)
        return scaled_residuals(self, result, sim)


class OnsetData(_Voltammetric):
    xlabel = "cycle"

    def __init__(self, spec, source):
        header, rows, lines = read_csv(spec.file)
        for column in ("cycle", ONSET):
            if column not in header:
                raise InputError(source, f"data file {spec.file.name} has no column {column!r}", spec.line)
        wanted = [name for name in ("cycle", ONSET, f"{ONSET}_sigma") if name in header]
        column = {name: numbers([r[header.index(name)] for r in rows], name, spec.file, lines) for name in wanted}
        self.x = column["cycle"].astype(int)
        self.values = column[ONSET]
        self.sigma = column.get(f"{ONSET}_sigma", np.full(len(self.x), ONSET_SIGMA_V))
        super().__init__(spec)

    def simulated(self, result):
        found = onset_table(voltammogram(result))
        out = np.full(len(self.x), np.nan)
        seen = {}
        for n, cycle in enumerate(self.x):
            k = seen.get(cycle, 0)
            seen[cycle] = k + 1
            onsets = found.loc[found["cycle"] == cycle, ONSET].to_numpy()
            if k < len(onsets):
                out[n] = onsets[k]
        return out

    def curve(self, result):
        return self.x, self.simulated(result)


class CurrentData(_Voltammetric):
    xlabel = "time_h"

    def __init__(self, spec, source):
        frame = read_voltammogram(spec.file)
        self.x = frame["time_s"].to_numpy()
        self.values = frame["current_density_mA_cm2"].to_numpy()
        given = "current_density_mA_cm2_sigma"
        scale = CURRENT_SIGMA * max(np.nanmax(np.abs(self.values)), np.finfo(float).tiny)
        self.sigma = frame[given].to_numpy() if given in frame else np.full(len(self.x), scale)
        super().__init__(spec)

    def simulated(self, result):
        frame = voltammogram(result)
        t, i = frame["time_s"].to_numpy(), frame["current_density_mA_cm2"].to_numpy()
        out = np.interp(self.x, t, i, left=np.nan, right=np.nan)
        return out

    def curve(self, result):
        frame = voltammogram(result)
        return frame["time_s"].to_numpy(), frame["current_density_mA_cm2"].to_numpy()


class StepwiseData(_Voltammetric):
    xlabel = "cycle"

    def __init__(self, spec, source):
        header, rows, lines = read_csv(spec.file)
        q = spec.quantity
        given = [name for name in (q, f"{q}_min", f"{q}_max") if name in header]
        if "cycle" not in header or not given:
            raise InputError(
                source, f"data file {spec.file.name} needs columns cycle and {q}, {q}_min or {q}_max", spec.line
            )
        wanted = ["cycle", *given] + ([f"{q}_sigma"] if f"{q}_sigma" in header else [])
        column = {
            name: numbers([r[header.index(name)] for r in rows], name, spec.file, lines, empty=name != "cycle")
            for name in wanted
        }
        keep = np.any([np.isfinite(column[name]) for name in given], axis=0)
        if not keep.any():
            raise InputError(source, f"data file {spec.file.name} has no values of {q!r}", spec.line)
        nan = np.full(int(keep.sum()), np.nan)
        self.x = column["cycle"][keep].astype(int)
        self.values, self.low, self.high = (
            column[n][keep] if n in column else nan for n in (q, f"{q}_min", f"{q}_max")
        )
        reference = np.where(
            np.isfinite(self.values), self.values, np.where(np.isfinite(self.low), self.low, self.high)
        )
        sigma = column[f"{q}_sigma"][keep] if f"{q}_sigma" in column else nan
        self.sigma = np.where(np.isfinite(sigma) & (sigma > 0), sigma, STEPWISE_SIGMA * np.abs(reference))
        super().__init__(spec)

    def simulated(self, result):
        table = stepwise_cv.summary(voltammogram(result)).set_index("cycle")
        return table[self.quantity].reindex(self.x).to_numpy(dtype=float)

    def curve(self, result):
        table = stepwise_cv.summary(voltammogram(result))
        return table["cycle"].to_numpy(), table[self.quantity].to_numpy(dtype=float)


def dataset(spec, source):
    kind = OnsetData if spec.quantity == ONSET else StepwiseData if spec.quantity in STEPWISE else CurrentData
    return kind(spec, source)
