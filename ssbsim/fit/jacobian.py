"""The derivatives of a fit's residuals: forward sensitivities where the problem allows,
finite differences otherwise.

Forward sensitivities (``simulation/event_sensitivities.py``: IDAKLU's sensitivities with
each step's end moving with the parameters; ``observables/cycle_sensitivities.py``: the
per-cycle quantities from them) give the whole Jacobian from one solve per experiment,
instead of one re-solve per parameter. They are used when

- every fitted parameter is a PyBaMM input (not frozen into the mesh, a derived quantity
  or the OCP table: those change the model itself), and
- every data set is a per-cycle quantity with derivatives (``cycle_sensitivities.COLUMNS``:
  capacities, coulombic efficiency, irreversible capacity, energy efficiency, mean
  voltages, resistances at the end of the cycle), a metric of such columns (targets of
  the brief, ``fit/target_data.py``: the metric's derivative on the table times the
  columns' sensitivities) or a voltage time series (the voltage
  and its derivative at the data's absolute times, the steps' starts moving with the
  parameters: ``simulation/step_interpolation.py``); replays, spectra, voltammetry and
  the maximum voltage are not.

Only the cycles and quantities with data are differentiated (``Problem.simulate``: the
energy quadrature's derivative is per step).

Otherwise the fit uses finite differences and says why (``reason``, logged and written to
fit.json). A trial whose run fails has no sensitivities: its Jacobian is then taken by
forward differences (counted in ``fallbacks``).

The residual of a point is r = w (s - v) / sigma (``residual.py``), so dr/ds = w / sigma
where a value is given or a bound is active, 0 elsewhere and at unreached points (a
time series' samples after the end of the run: their residual is a constant stand-in); and
dp/du = p for a parameter on the log scale, 1 on the linear one.
"""

import logging

import numpy as np

from .residual import bound_residual_slope
from .spec import TIME_SERIES

SENSITIVITIES = "forward sensitivities (IDAKLU, step ends moving with the parameters)"
FINITE_DIFFERENCES = "finite differences"

log = logging.getLogger("ssbsim.fit")


def unavailable(problem):
    """Why ``problem``'s Jacobian cannot come from sensitivities (None if it can)."""
    from ..observables.cycle_sensitivities import COLUMNS
    from .problem import Dataset
    from .target_data import TargetDataset

    runs = getattr(problem, "runs", None)
    datasets = getattr(problem, "datasets", None)
    if runs is None or datasets is None:
        return "the problem is not a fit to data sets"
    frozen = [n for n in problem.names if n not in runs.inputs]
    if frozen:
        return f"{frozen[0]!r} changes the model itself (mesh, derived quantity or OCP table), not an input"
    for n, d in enumerate(datasets, start=1):
        if isinstance(d, TargetDataset):
            if not set(d.columns) <= set(COLUMNS):
                return f"data set {n} ({d.quantity}) reads columns without sensitivities ({', '.join(d.columns)})"
        elif type(d) is not Dataset or d.quantity not in (*COLUMNS, TIME_SERIES):
            return f"data set {n} ({getattr(d, 'quantity', type(d).__name__)}) has no sensitivities"
    return None


class Derivatives:
    """Residuals and Jacobian of ``problem`` in the optimiser's coordinates u of
    ``parameters``; ``finite_step``: relative forward-difference step of the fallback."""

    def __init__(self, problem, parameters, finite_step, use_sensitivities=True):
        self.problem = problem
        self.parameters = parameters
        self.finite_step = finite_step
        self.reason = unavailable(problem) if use_sensitivities else "finite differences asked for"
        self.method = SENSITIVITIES if self.reason is None else FINITE_DIFFERENCES
        if self.reason is not None:
            log.info("fit Jacobian by finite differences: %s", self.reason)
        self._last = None  # (u, r, J) of the last Jacobian
        self.fallbacks = 0

    @property
    def description(self):
        if self.reason is not None:
            return f"{self.method} ({self.reason})"
        if self.fallbacks:
            return f"{self.method}; {self.fallbacks} by forward differences (a run failed, no sensitivities)"
        return self.method

    def forget(self):
        """Drop the last Jacobian (the residuals changed: a new jump plan)."""
        self._last = None

    def values_at(self, u):
        return {p.name: p.from_unit(x) for p, x in zip(self.parameters, u)}

    def residuals(self, u):
        """The residuals at ``u``, always from a solve without sensitivities: IDAKLU's
        error control includes the sensitivities when it computes them, so its steps,
        and the simulated values to within its tolerance, would depend on whether
        derivatives were asked for (measured: R2 at cycle 40 moved the fitted resistivity
        of a noise-free fit by 0.2 %)."""
        return self.problem.residuals(self.values_at(np.asarray(u, dtype=float)))

    def jacobian(self, u, *args):
        """dr/du at ``u`` (for SciPy's ``jac``): from the sensitivities of one solve at
        ``u``, else (a run failed) forward differences within the bounds."""
        u = np.array(u, dtype=float)
        if self._last is None or not np.array_equal(self._last[0], u):
            r, dr_dp = self.problem.residuals_and_jacobian(self.values_at(u))
            self._last = (u, r, None if dr_dp is None else dr_dp * self._chain(u))
        _, r, J = self._last
        if J is None:
            self.fallbacks += 1
            J = self._forward_differences(u, self.residuals(u))
        return J

    def _chain(self, u):
        return np.array([np.exp(x) if p.scale == "log" else 1.0 for p, x in zip(self.parameters, u)])

    def _forward_differences(self, u, r):
        from .local import forward_differences

        low = np.array([p.to_unit(p.low) for p in self.parameters])
        high = np.array([p.to_unit(p.high) for p in self.parameters])
        return forward_differences(self.residuals, u, r, low, high, self.finite_step)


def dataset_jacobian(dataset, result, n_parameters):
    """d residuals / dp (points x parameters) of a per-cycle data set, a metric of the cycle
    table or a voltage time series from a ``result`` solved with sensitivities; None if it
    has none (a failed run)."""
    if hasattr(dataset, "derivatives"):  # fit/target_data.py
        found = None if result is None else dataset.derivatives(result, n_parameters)
        if found is None:
            return None
        simulated, ds_dp = found
    elif dataset.quantity == TIME_SERIES:
        series = getattr(result, "voltage_sensitivities", None)
        if series is None:
            return None
        times, derivatives = series
        simulated = dataset.simulated(result)
        ds_dp = derivatives[np.searchsorted(times, dataset.x)]
    else:
        sensitivities = getattr(result, "cycle_sensitivities", None)
        if sensitivities is None:
            return None
        rows = np.asarray(dataset.x, dtype=int) - 1
        reached = (rows >= 0) & (rows < len(result.cycles))
        simulated = np.full(len(rows), np.nan)
        ds_dp = np.zeros((len(rows), n_parameters))
        simulated[reached] = result.cycles[dataset.quantity].to_numpy(dtype=float)[rows[reached]]
        ds_dp[reached] = sensitivities[dataset.quantity][rows[reached]]
    slope = dataset.weight * bound_residual_slope(simulated, dataset.values, dataset.low, dataset.high, dataset.sigma)
    return np.nan_to_num(slope[:, None] * ds_dp)
