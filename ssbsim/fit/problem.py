"""The fit objective: simulated observables against measured data, as scaled residuals.

Each run a data set needs is built once and re-solved for every trial
(``simulation/reuse.py``).

With ``extrapolate`` (the spec's key, ``ssbsim fit --extrapolate``), the trials of an
experiment of at least EXTRAPOLATE_FROM cycles whose data are all per-cycle quantities
jump cycles (``simulation/extrapolate.py``, tolerance JUMP_TOLERANCE): the rows of the
skipped cycles are interpolated, and their derivatives carried through the jumps
(``simulation/jump_sensitivities.py``). All trials jump as the first one did (the plan,
``ReusableRuns.plans``): the simulated cycles stay the same ones, and the residuals do not
jump with the jump lengths. They still scatter: the windows' single-cycle slopes carry the
solver's noise, times the jump (measured near the fitted values: the cost 0.330-0.334
between trials 1e-4 apart, 0.3362 +- 1e-5 without jumps; with jumps sized trial by trial
0.331-0.340), small against the 95 % threshold of the intervals (F s^2 = 2.3 in r.r). A
search that ends is checked (``replan``): the plan made at its end point, if it moves a
residual by more than REPLAN, is kept and the search goes on from there once
(``fit/engine.py``). Measured on asakura2020_interphase at the fitted values before its
refit (2026-11-22, formation_4p15V, 800 cycles, tolerance 5e-3): 55-58 cycles simulated
(and 6 probe cycles), a trial 0.22 s instead of 2.8 s, with nine sensitivities 1.75 s instead of 13.6 s (load 1.4); the
extrapolated rows against the full run's: the discharge capacity within 0.06-0.14 mAh/g
(sigma 5), the energy efficiency within 1.7-2.6e-4 (sigma 0.02), the coulombic efficiency
within 1.1-1.9e-4 (sigma 0.015, or a bound with 0.001) (``benchmarks/bench_calibration.py``).

Residuals, per data point: (simulated - measured) / sigma, times the data set's weight.
sigma is the table's ``<quantity>_sigma`` column, else 1 % of the measured value. A value
given only as a bound (``<quantity>_min`` / ``_max``) contributes only when the
simulation comes within sigma/2 of it or beyond (``residual.bound_residual``).

Points the data set leaves out before the fit (outside a replay window,
``fit/replay.py``) are counted as ``excluded``. A point a trial's simulation does not
reach (the run stopped before that time or cycle) has no residual: the optimiser, which
needs one, gets UNREACHED_RESIDUAL there, and every such trial is counted
(``Problem.trials_short``; why a trial's run stopped, with counts: ``Problem.failures``, in fit.json's
``trials_short.reasons``). At the fitted values each data set's points are counted
(``Problem.coverage``: used, excluded, unreached); a fit whose own simulation leaves
points unreached is reported as failed, with the count (``fit/engine.py``), so the
stand-in value is never a silent part of a result.
"""

import numpy as np

from ..errors import InputError, SimulationError
from ..protocol import load_experiment
from ..protocol.experiment_file import truncated
from ..resources import beside
from ..simulation.cycle_jumps import DEFAULT_TOLERANCE
from ..simulation.reuse import ReusableRuns
from .replay import ReplayDataset
from .residual import bound_residual
from .spec import CIRCUIT_FITTED, SPECTRUM, TIME_SERIES
from .target_data import TargetDataset
from .voltammetry_data import QUANTITIES as VOLTAMMETRIC
from .voltammetry_data import dataset as voltammetric

#: residual of a point a trial's simulation does not reach (counted, see above)
UNREACHED_RESIDUAL = 100.0
#: cycle jumping (``extrapolate``): from this many cycles, at this tolerance (``cycle_jumps.py``)
EXTRAPOLATE_FROM = 100
JUMP_TOLERANCE = DEFAULT_TOLERANCE  # the runs' own (5e-3 let a skipped row's CE reach 1.0005 with the refit values)
#: a search ends with the jump plan of its end point if that moves a residual by more than this
REPLAN = 0.1
DEFAULT_RELATIVE_SIGMA = 0.01


def scaled_residuals(dataset, result, simulated=None):
    """Weighted scaled residuals of ``dataset`` against ``result`` (None: a failed run);
    sets ``dataset.unreached``, the number of its points without a simulated value."""
    sim = np.full(len(dataset.values), np.nan) if result is None else simulated
    if sim is None:
        sim = dataset.simulated(result)
    r = dataset.weight * bound_residual(sim, dataset.values, dataset.low, dataset.high, dataset.sigma)
    missing = ~np.isfinite(r)
    dataset.unreached = int(np.sum(missing))
    return np.where(missing, UNREACHED_RESIDUAL, r)


class Dataset:
    """One measured data set and how to compare a run with it."""

    def __init__(self, spec, source):
        from ..data import read_cycle_table, read_timeseries

        self.spec = spec
        self.quantity = spec.quantity
        self.experiment = spec.experiment
        self.weight = spec.weight
        self.excluded = {}
        self.sigma_measured = False  # every point's sigma given by the data table
        if spec.quantity == SPECTRUM:
            from ..data.spectrum import read_spectrum

            frame = read_spectrum(spec.file, spec.area_cm2)
            self.x = frame["frequency_Hz"].to_numpy()
            z = frame["z_real_ohm_cm2"].to_numpy() + 1j * frame["z_imag_ohm_cm2"].to_numpy()
            self.values = np.concatenate([z.real, z.imag])  # real parts, then imaginary parts
            self.low = self.high = np.full_like(self.values, np.nan)
            self.sigma = np.tile(DEFAULT_RELATIVE_SIGMA * np.abs(z), 2)  # 1 % of |Z|
        elif spec.quantity == TIME_SERIES:
            frame = read_timeseries(spec.file)
            self.x = frame["time_s"].to_numpy()
            self.values = frame["voltage_V"].to_numpy()
            self.low = self.high = np.full_like(self.values, np.nan)
            self.sigma = np.full_like(self.values, np.nan)
        else:
            frame = read_cycle_table(spec.file)
            q = spec.quantity
            columns = [c for c in (q, f"{q}_min", f"{q}_max") if c in frame.columns]
            if not columns:
                raise InputError(
                    source, f"data file {spec.file.name} has no column {q!r}, {q}_min or {q}_max", spec.line
                )
            rows = frame[frame[columns].notna().any(axis=1)]
            self.x = rows["cycle"].to_numpy(dtype=int)
            self.values = rows[q].to_numpy(dtype=float) if q in rows else np.full(len(rows), np.nan)
            self.low = rows[f"{q}_min"].to_numpy(dtype=float) if f"{q}_min" in rows else np.full(len(rows), np.nan)
            self.high = rows[f"{q}_max"].to_numpy(dtype=float) if f"{q}_max" in rows else np.full(len(rows), np.nan)
            self.sigma = (
                rows[f"{q}_sigma"].to_numpy(dtype=float) if f"{q}_sigma" in rows else np.full(len(rows), np.nan)
            )
            self.sigma_measured = bool(np.all(np.isfinite(self.sigma) & (self.sigma > 0)))
        if not len(self.x):
            raise InputError(source, f"data file {spec.file.name} has no values of {spec.quantity!r}", spec.line)
        reference = np.where(
            np.isfinite(self.values), self.values, np.where(np.isfinite(self.low), self.low, self.high)
        )
        self.sigma = np.where(np.isfinite(self.sigma), self.sigma, DEFAULT_RELATIVE_SIGMA * np.abs(reference))
        self.sigma = np.where(self.sigma > 0, self.sigma, DEFAULT_RELATIVE_SIGMA)
        self.frame = frame

    def __len__(self):
        return len(self.values)

    def simulated(self, result):
        """The simulated quantity at the data's cycles or times (NaN where missing)."""
        if self.quantity == TIME_SERIES:
            t = self.x
            inside = t <= result.solution.t[-1]
            out = np.full(len(t), np.nan)
            out[inside] = result.solution["Voltage [V]"](t[inside])
            return out
        if self.quantity == SPECTRUM:
            return self._simulated_spectrum(result)
        if self.quantity in CIRCUIT_FITTED:
            fits = result.impedance_fits.drop_duplicates("cycle", keep="last").set_index("cycle")
            return fits[self.quantity].reindex(self.x).to_numpy(dtype=float)
        cycles = result.cycles.set_index("cycle")
        if self.quantity not in cycles.columns:
            return np.full(len(self.x), np.nan)
        return cycles[self.quantity].reindex(self.x).to_numpy(dtype=float)

    def _simulated_spectrum(self, result):
        """The run's spectrum number ``spec.spectrum`` at the measured frequencies (log-f
        interpolation), real parts then imaginary parts; NaN outside its range."""
        sim = result.impedance
        sim = sim[sim["spectrum"] == self.spec.spectrum] if sim is not None else sim
        if sim is None or not len(sim):
            return np.full(len(self.values), np.nan)
        order = np.argsort(sim["frequency_Hz"].to_numpy())
        logf, at = np.log(sim["frequency_Hz"].to_numpy()[order]), np.log(self.x)
        inside = (at >= logf[0]) & (at <= logf[-1])
        parts = [
            np.where(inside, np.interp(at, logf, sim[column].to_numpy()[order]), np.nan)
            for column in ("z_real_ohm_cm2", "z_imag_ohm_cm2")
        ]
        return np.concatenate(parts)

    def residuals(self, result):
        return scaled_residuals(self, result)


class Problem:
    """Residuals of a FitSpec as a function of the fitted parameter values."""

    def __init__(self, spec):
        self.spec = spec
        self.parameters = spec.parameters
        self.names = [p.name for p in self.parameters]
        # compiled whatever the length: a fit re-solves each run hundreds of times (the
        # cutoff sweep: 0.2 s of CPU a solve compiled, 0.54 s not; compilation ~3 s once,
        # cached on disk; benchmarks/bench_sensitivities.py)
        self.runs = ReusableRuns(spec.parameter_set, self.names, spec.options, source=spec.source, compile=True)
        self.datasets = [_dataset(d, spec.source) for d in spec.data]
        self.best = (np.inf, None)  # (cost, values) of the best trial so far
        self.trials_short = 0  # trials whose simulation did not reach every data point
        self.failures = {}  # why a trial's run stopped (SimulationError's message) -> count
        self.n_trials = 0
        self.experiments = {d.experiment: d.protocol for d in self.datasets if isinstance(d, ReplayDataset)}
        for key in dict.fromkeys(d.experiment for d in self.datasets if not isinstance(d, ReplayDataset)):
            experiment = load_experiment(beside(spec.source, key))
            uses = [d for d in self.datasets if d.experiment == key]
            if all(
                d.quantity not in (TIME_SERIES, SPECTRUM, *VOLTAMMETRIC) and not isinstance(d, TargetDataset)
                for d in uses
            ):
                # cycles after the last one with data would be simulated for nothing
                last = max(int(d.x.max()) for d in uses if len(d))
                if last > experiment.n_cycles:
                    raise InputError(spec.source, f"data for cycle {last} but {key} has {experiment.n_cycles} cycles")
                experiment = truncated(experiment, last)
            self.experiments[key] = experiment
        self.jumps = {key: self._jumps(key) for key in self.experiments}
        self.planned_at = None  # the values at which the jump plans were made
        self.last_values = None  # the values of the last trial

    def _jumps(self, key):
        """The jump tolerance of experiment ``key``'s trials (None: every cycle simulated)."""
        from ..observables.cycle_sensitivities import COLUMNS

        uses = [d for d in self.datasets if d.experiment == key]
        long = self.experiments[key].n_cycles >= EXTRAPOLATE_FROM
        per_cycle = all(type(d) is Dataset and d.quantity in COLUMNS for d in uses)
        return JUMP_TOLERANCE if self.spec.extrapolate and long and per_cycle else None

    @property
    def extrapolation(self):
        """What fit.json says of cycle jumping: the experiments that jump and the tolerance."""
        jumping = sorted(key for key, tolerance in self.jumps.items() if tolerance is not None)
        if not jumping:
            return None
        return {"experiments": jumping, "tolerance": JUMP_TOLERANCE, "from_cycles": EXTRAPOLATE_FROM}

    @property
    def n_data(self):
        return sum(len(d) for d in self.datasets)

    @property
    def noise_known(self):
        """Whether every residual is (simulated - measured) / the data's own sigma, unweighted."""
        return all(getattr(d, "sigma_measured", False) and d.weight == 1 for d in self.datasets)

    @property
    def n_solves(self):
        return self.runs.n_solves

    def simulate(self, values, sensitivities=False):
        """experiment -> Result (partial, or None, where the run failed) at ``values``."""
        results = {}
        for key, experiment in self.experiments.items():
            # derivatives only of the cycles with data (the energy quadrature is per step)
            wanted = {}
            for d in self.datasets if sensitivities else ():
                if isinstance(d, TargetDataset) and d.experiment == key:  # a metric reads any cycle
                    for column in d.columns:
                        wanted.setdefault(column, set()).update(range(1, experiment.n_cycles + 1))
                elif d.experiment == key:
                    kind = float if d.quantity == TIME_SERIES else int  # times [s] or cycle numbers
                    wanted.setdefault(d.quantity, set()).update(kind(x) for x in d.x)
            try:
                results[key] = self.runs.run(
                    experiment, values, key=key, sensitivities=sensitivities, wanted=wanted, jumps=self.jumps[key]
                )
            except SimulationError as err:  # a trial the cell cannot run: far from the data
                self.failures[str(err)] = self.failures.get(str(err), 0) + 1
                results[key] = getattr(err, "result", None)
        return results

    def residuals(self, values):
        planned = bool(self.runs.plans)
        results = self.simulate(values)
        if not planned and self.runs.plans:
            self.planned_at = dict(values)
        return self._residuals(values, results)

    def residuals_and_jacobian(self, values):
        """(residuals, d residuals / d parameter values) from one solve per experiment
        with sensitivities (``fit/jacobian.py``); the Jacobian is None if a run failed."""
        from .jacobian import dataset_jacobian

        results = self.simulate(values, sensitivities=True)
        r = self._residuals(values, results)
        blocks = [dataset_jacobian(d, results[d.experiment], len(self.names)) for d in self.datasets]
        return r, None if any(b is None for b in blocks) else np.vstack(blocks)

    def _residuals(self, values, results):
        r = np.concatenate([d.residuals(results[d.experiment]) for d in self.datasets])
        self.last_values = dict(values)  # the counts of unreached points are of these values
        self.n_trials += 1
        self.trials_short += any(getattr(d, "unreached", 0) for d in self.datasets)
        cost = 0.5 * float(np.sum(r**2))
        if cost < self.best[0]:  # kept for an interrupted fit
            self.best = (cost, dict(values))
        return r

    def replan(self, values):
        """Make the jump plans again at ``values`` (the end of a search); whether that
        moved a residual by more than REPLAN (the search should go on with them)."""
        if not self.runs.plans or self.planned_at == dict(values):
            return False
        before = self.residuals(values)
        self.runs.plans.clear()
        return bool(np.max(np.abs(self.residuals(values) - before)) > REPLAN)

    def coverage(self, values):
        """Per data set at ``values``: points compared, excluded before the fit (by
        reason) and not reached by the simulation (solved again unless the last trial was
        at ``values``)."""
        if self.last_values != dict(values):
            self.residuals(values)
        return [
            {
                "data": n,
                "file": d.spec.file.name,
                "quantity": d.quantity,
                "points": len(d),
                "used": len(d) - d.unreached,
                "excluded": dict(getattr(d, "excluded", {})),
                "unreached": d.unreached,
            }
            for n, d in enumerate(self.datasets, start=1)
        ]


def _dataset(spec, source):
    if spec.targets:
        return TargetDataset(spec)
    if spec.quantity in VOLTAMMETRIC:
        return voltammetric(spec, source)
    if getattr(spec, "window", None) is not None:  # replay = "current"
        return ReplayDataset(spec, source, DEFAULT_RELATIVE_SIGMA)
    return Dataset(spec, source)
