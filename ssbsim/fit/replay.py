"""Fits that replay the cycler: the measured current drives the model.

A data set of a fit spec with ``replay = "current"`` names a measured time series (any
file ``read_timeseries`` reads: BioLogic ``.mpt``/``.mpr``, CSV) instead of an
experiment. Its window (``cycles = [first, last]`` of the file's cycles, and/or
``time_h = [start, end]`` hours from the file's first point; both inclusive) is cut out,
and the measured current over the window becomes the protocol: one block per measured
cycle, one constant-current step per stretch of constant current, each lasting exactly
as long as it did on the cycler. The simulation starts at the window's first point
(time zero there) from the parameter set's initial state, and its voltage is compared
with the measured one at every measured time of the window.

Why constant-current steps, not a PyBaMM drive cycle (a current interpolant over the
samples): a cycler's current is piecewise constant (GCPL, rests, pulses); as steps, each
switch is a step boundary where the solver restarts, at the measured time, instead of a
kink of the interpolant that the solver has to resolve and that smears a current
reversal over one sample interval; the run is the ordinary experiment machinery
(``cycles.csv``, unified model, input parameters), and the whole-file replay of the 46 102
point GCPL file is 15 steps. A current that is not piecewise constant is still replayed
exactly in charge: each stretch within ``TOLERANCE`` of its first value is one step at
its mean current (the charge of the stretch, integrated as the file gives it, over its
duration); stretches shorter than ``MIN_STEP_S`` (the sample at a switch, where a
``dq``-derived current is a mix of both sides) join the step before them, charge kept.
Why not the file's step protocol ("charge until 3.8 V"): its steps end where the model
reaches the cut-off, not where the cell did, so measured and simulated times part; the
measured current is what the cycler imposed, the measured voltage the response to fit.

Points outside the window are excluded before the fit (counted in ``excluded``). A trial
whose simulation stops before a point of the window (the model cannot carry the measured
current: it reaches the cell's cut-off voltage) does not reach it: the fit counts these
points and reports them (``fit/problem.py``), never as a silent residual.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..protocol.experiment_file import Block, ExperimentSpec

#: a stretch of current ends where the current leaves its first value by more than this
#: fraction of the largest |current| of the window
TOLERANCE = 0.02
#: stretches shorter than this join the step before them [s]
MIN_STEP_S = 1.0
#: currents below this fraction of the largest |current| are rests
REST_FRACTION = 1e-3
#: stored points per replayed step at least: the voltage is compared at the measured
#: times, interpolated between stored points, which the solver alone spaces hours apart
#: on a slow ramp (a piecewise-linear curve that made the cost jagged: measured)
POINTS_PER_STEP = 1000
MODES = ("current",)


@dataclass
class Window:
    """Which part of the file is replayed: cycles [first, last] and hours [start, end]."""

    cycles: tuple | None = None
    time_h: tuple | None = None

    def mask(self, frame):
        keep = np.ones(len(frame), dtype=bool)
        if self.cycles is not None:
            cycle = frame["cycle"].to_numpy()
            keep &= (cycle >= self.cycles[0]) & (cycle <= self.cycles[1])
        if self.time_h is not None:
            t = frame["time_s"].to_numpy() / 3600
            keep &= (t >= self.time_h[0]) & (t <= self.time_h[1])
        return keep

    def describe(self):
        parts = []
        if self.cycles is not None:
            first, last = self.cycles
            parts.append(f"cycle {first}" if first == last else f"cycles {first}-{last}")
        if self.time_h is not None:
            parts.append(f"{self.time_h[0]:g}-{self.time_h[1]:g} h")
        return ", ".join(parts) or "the whole file"


def segments(time_s, current_A, cycle, tolerance=TOLERANCE, min_step_s=MIN_STEP_S):
    """Constant-current steps [(duration_s, current_A, cycle)] that carry the charge of the
    measured current; the current of sample k holds over (t[k-1], t[k]]."""
    t = np.asarray(time_s, dtype=float)
    i = np.asarray(current_A, dtype=float)[1:]
    dt, owner = np.diff(t), np.asarray(cycle)[1:]
    scale = float(np.max(np.abs(i))) if len(i) else 0.0
    out = []  # [duration, charge, cycle, first current]
    for k in range(len(dt)):
        if dt[k] <= 0:
            continue
        last = out[-1] if out else None
        if last is not None and last[2] == owner[k] and abs(i[k] - last[3]) <= tolerance * scale:
            last[0] += dt[k]
            last[1] += i[k] * dt[k]
        else:
            out.append([dt[k], i[k] * dt[k], owner[k], i[k]])
    merged = []
    for step in out:
        if merged and step[0] < min_step_s:
            merged[-1][0] += step[0]
            merged[-1][1] += step[1]
        else:
            merged.append(step)
    if len(merged) > 1 and merged[0][0] < min_step_s:  # a short first stretch joins the next
        merged[1][0] += merged[0][0]
        merged[1][1] += merged[0][1]
        merged.pop(0)
    rest = REST_FRACTION * scale
    return [(d, q / d if abs(q / d) > rest else 0.0, int(c)) for d, q, c, _ in merged]


def step_text(duration_s, current_A, sample_s):
    """The PyBaMM step string of a constant current (positive: discharge) or a rest,
    stored every ``sample_s`` (the data's spacing) or at POINTS_PER_STEP points."""
    period = f"({max(sample_s, duration_s / POINTS_PER_STEP):.6g} second period)"
    if current_A == 0:
        return f"Rest for {duration_s:.10g} seconds {period}"
    verb = "Discharge" if current_A > 0 else "Charge"
    return f"{verb} at {abs(current_A):.8g} A for {duration_s:.10g} seconds {period}"


def replay_experiment(frame, name, source):
    """The ExperimentSpec that drives the model with ``frame``'s current (one block per
    measured cycle)."""
    steps = segments(frame["time_s"].to_numpy(), frame["current_A"].to_numpy(), frame["cycle"].to_numpy())
    if not steps:
        raise InputError(source, f"{name}: the window holds fewer than two points: nothing to replay")
    sample = float(np.median(np.diff(frame["time_s"].to_numpy()))) if len(frame) > 1 else 1.0
    blocks = []
    for duration, current, cycle in steps:
        if not blocks or blocks[-1][0] != cycle:
            blocks.append((cycle, []))
        blocks[-1][1].append(step_text(duration, current, sample))
    return ExperimentSpec(
        name,
        [Block(texts) for _, texts in blocks],
        description=f"replay of the measured current of {name}",
        source=str(source),
    )


class ReplayDataset:
    """A measured voltage series compared with the model driven by the measured current
    over the spec's window (the same interface as ``problem.Dataset``)."""

    quantity = "voltage"
    xlabel = "time_h"

    def __init__(self, spec, source, relative_sigma):
        from ..data import read_timeseries

        self.spec = spec
        self.weight = spec.weight
        frame = read_timeseries(spec.file)
        keep = spec.window.mask(frame)
        self.excluded = {"outside the window": int(np.sum(~keep))}
        frame = frame[keep].reset_index(drop=True)
        if len(frame) < 2:
            raise InputError(
                source, f"data file {spec.file.name}: {spec.window.describe()} holds {len(frame)} points", spec.line
            )
        self.t0 = float(frame["time_s"].iloc[0])
        self.x = frame["time_s"].to_numpy() - self.t0  # simulated time of each point
        self.values = frame["voltage_V"].to_numpy()
        self.low = self.high = np.full(len(self.values), np.nan)
        self.sigma = relative_sigma * np.abs(self.values)
        self.frame = frame
        self.experiment = f"replay {spec.file.name} ({spec.window.describe()})"
        self.protocol = replay_experiment(frame, self.experiment, spec.file)

    def __len__(self):
        return len(self.values)

    def simulated(self, result):
        """Simulated voltage at the measured times; NaN after the simulation's end."""
        out = np.full(len(self.x), np.nan)
        if result is None:
            return out
        inside = self.x <= result.solution.t[-1] * (1 + 1e-9)
        out[inside] = result.solution["Voltage [V]"](np.minimum(self.x[inside], result.solution.t[-1]))
        return out

    def residuals(self, result):
        from .problem import scaled_residuals

        return scaled_residuals(self, result)
