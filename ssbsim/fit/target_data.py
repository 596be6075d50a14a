"""Targets of the brief as fit data: metrics of a run's cycle table (``fit/targets.py``).

::

    [[data]]
    file = "asakura2020_targets.csv"    # a targets table, relative to the spec
    target = "T6"                       # its rows of this id
    metric = "within_step_share"        # and this metric (one of targets.TABLE_METRICS)

Each selected row is one point, m = metric(cycle table), with the row's value and
tolerance (``Target.bounds``): a value +- tolerance is a residual (m - v) / sigma, a
bound ("min"/"max") is zero inside it (``residual.bound_residual``, as for the
``_min``/``_max`` columns of a data table).

Derivatives by the chain rule, with c the entries of the columns the metric reads
(``Target.columns``) and dc/dp their forward sensitivities (``cycle_sensitivities``):

    dm/dp = sum_c dm/dc dc/dp,   dm/dc = (m(c + h e_c) - m(c - h e_c)) / 2h

central differences of the metric on the table (no solves), h = STEP times the column's
largest magnitude; only entries with dm/dc != 0 enter. The metric reads any cycle, so the
run is not cut after the last cycle with data and the sensitivities of its columns are
taken at every cycle (``Problem.simulate``).
"""

from types import SimpleNamespace

import numpy as np

STEP = 1e-6


def select(path, target, metric):
    """The rows of the targets table ``path`` with id ``target`` and ``metric``."""
    from .targets import load_targets

    rows = load_targets(path)
    return [t for t in rows if t.id == target and t.metric == metric]


class TargetDataset:
    """Rows of a targets table, measured on the cycle table of the data set's run."""

    def __init__(self, spec):
        self.spec = spec
        self.quantity = spec.quantity  # the metric
        self.experiment = spec.experiment
        self.weight = spec.weight
        self.targets = spec.targets
        self.x = np.arange(1, len(self.targets) + 1)  # row numbers, not cycles
        self.values, self.low, self.high, self.sigma = np.array([t.bounds() for t in self.targets], dtype=float).T
        self.columns = tuple(dict.fromkeys(c for t in self.targets for c in t.columns()))

    def __len__(self):
        return len(self.targets)

    def _measure(self, cycles):
        run = SimpleNamespace(cycles=cycles)
        out = []
        for t in self.targets:
            try:
                with np.errstate(divide="ignore", invalid="ignore"):
                    out.append(float(t.measure(run)))
            except (KeyError, IndexError, ValueError, ZeroDivisionError):  # the run stopped short
                out.append(np.nan)
        return np.where(np.isfinite(out), out, np.nan)

    def simulated(self, result):
        return self._measure(result.cycles)

    def residuals(self, result):
        from .problem import scaled_residuals

        return scaled_residuals(self, result, None if result is None else self.simulated(result))

    def derivatives(self, result, n_parameters):
        """(metrics, d metrics / dp) from ``result``'s cycle sensitivities; None without."""
        sensitivities = getattr(result, "cycle_sensitivities", None)
        if sensitivities is None:
            return None
        table = result.cycles.reset_index(drop=True)
        simulated = self._measure(table)
        dm_dp = np.zeros((len(self.targets), n_parameters))
        shifted = table.copy()  # one entry moved at a time, then put back
        for column in self.columns:
            entries = table[column].to_numpy(dtype=float)
            h = STEP * max(float(np.nanmax(np.abs(entries), initial=0.0)), 1e-12)
            for row in range(len(table)):
                shifted.loc[row, column] = entries[row] + h
                up = self._measure(shifted)
                shifted.loc[row, column] = entries[row] - h
                down = self._measure(shifted)
                shifted.loc[row, column] = entries[row]
                dm_dc = (up - down) / (2 * h)
                used = np.isfinite(dm_dc) & (dm_dc != 0)
                if used.any():
                    dm_dp[used] += dm_dc[used, None] * sensitivities[column][row]
        return simulated, dm_dp
