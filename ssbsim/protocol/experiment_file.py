"""Experiment files (TOML): the cycling protocol, checked line by line.

::

    description = "Cutoff-voltage sweep (Asakura et al. 2020, Fig. 2)"
    temperature_C = 25            # optional; else the parameter set's ambient temperature
    period = "2 minutes"          # optional: spacing of the stored time series
    parameter_set = "asakura2020" # optional: the cell when the run names none
    [[block]]
    repeat = 5                    # every repeat of a block is one cycle
    steps = ["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"]

Steps are PyBaMM step strings, potential sweeps ``"Sweep to 6.0 V at 10 uV/s"``
(``sweep.py``) or ``"Impedance from 200 kHz to 10 mHz"`` (a spectrum recorded at that
point, ``impedance_step.py``). C-rates refer to the cathode's theoretical capacity
times its loading. Errors name the file, the line and the step.
"""

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..errors import InputError
from ..resources import resolve
from ..tomlfile import array_of_tables, line_of, read_toml
from .impedance_step import is_impedance, parse_impedance_step
from .steps import check_step, one_line, voltages
from .sweep import STORED_STEP_V, Sweep, is_sweep, with_starts

TOP_LEVEL = {"description", "temperature_C", "period", "parameter_set", "block"}
BLOCK_KEYS = {"repeat", "steps"}


@dataclass
class Block:
    steps: list
    repeat: int = 1
    lines: list | None = None  # line of each step in the file, for messages


@dataclass
class ExperimentSpec:
    """A checked experiment: blocks of steps; ``cycles()`` lists one tuple per cycle."""

    name: str
    blocks: list
    description: str = ""
    temperature_C: float | None = None
    period: str | None = None
    source: str = "<memory>"
    parameter_set: str | None = None  # the cell it is meant for, when the run names none

    def cycles(self):
        """The cycling steps of each cycle (impedance steps left out)."""
        out = []
        for block in self.blocks:
            out.extend([tuple(s for s in block.steps if not is_impedance(s))] * block.repeat)
        return out

    def impedance_requests(self):
        """[(cycle index from 0, cycling steps done before it in that cycle, ImpedanceStep)]."""
        out, cycle = [], 0
        for block in self.blocks:
            for _ in range(block.repeat):
                done = 0
                for text in block.steps:
                    if is_impedance(text):
                        out.append((cycle, done, parse_impedance_step(text, self.source)))
                    else:
                        done += 1
                cycle += 1
        return out

    @property
    def n_cycles(self):
        return sum(b.repeat for b in self.blocks)

    def step_voltages(self):
        """(step text, line, voltage) for every cut-off or hold voltage of the protocol."""
        out = []
        for block in self.blocks:
            lines = block.lines or [None] * len(block.steps)
            for text, line in zip(block.steps, lines):
                for volts in voltages(text):
                    out.append((text, line, float(volts)))
        return out

    def sweeps(self):
        """The cycles with each sweep step a Sweep with its start potential (``sweep.py``)."""
        lines = [
            tuple(n for s, n in zip(b.steps, b.lines or [None] * len(b.steps)) if not is_impedance(s))
            for b in self.blocks
            for _ in range(b.repeat)
        ]
        return with_starts(self.cycles(), self.source, lines)

    @property
    def has_sweeps(self):
        return any(is_sweep(text) for block in self.blocks for text in block.steps)

    def pybamm_experiment(self, solver_steps=False):
        """The ``pybamm.Experiment``; with ``solver_steps`` it has no output period, so that
        the solution holds the solver's own steps (ssbsim's runs: see observables/quadrature.py).
        Sweeps keep their stored resolution (the file's period, else ``sweep.STORED_STEP_V``)."""
        from ..pybamm_import import import_pybamm

        pybamm = import_pybamm()
        period = None if solver_steps else self.period
        if not self.has_sweeps:
            return pybamm.Experiment(self.cycles(), period=period)
        from ..simulation.sweep_step import SweepStep

        sweep_period = self.period_seconds if self.period else None
        cycles = [tuple(s if isinstance(s, str) else SweepStep(s, sweep_period) for s in c) for c in self.sweeps()]
        return pybamm.Experiment(cycles, period=period)

    @property
    def period_seconds(self):
        """Spacing of the stored time series [s] (PyBaMM's default when not given)."""
        from ..pybamm_import import import_pybamm

        step = import_pybamm().Experiment(["Rest for 1 hour"], period=self.period).steps[0]
        return float(step.period if step.period is not None else step.default_period())


def truncated(spec, n_cycles):
    """The first ``n_cycles`` cycles of ``spec`` (for quick fits and previews)."""
    blocks, left = [], n_cycles
    for block in spec.blocks:
        if left <= 0:
            break
        blocks.append(Block(block.steps, min(block.repeat, left), block.lines))
        left -= blocks[-1].repeat
    return ExperimentSpec(
        spec.name, blocks, spec.description, spec.temperature_C, spec.period, spec.source, spec.parameter_set
    )


def load_experiment(name_or_path):
    """Load and check an experiment by shipped stem or by path."""
    path = resolve(name_or_path, "experiments")
    data, text = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL:
            raise InputError(path, f"unknown key {key!r} (allowed: {', '.join(sorted(TOP_LEVEL))})", line_of(text, key))
    description = data.get("description", "")
    if not isinstance(description, str):
        raise InputError(path, "'description' must be text", line_of(text, "description"))
    temperature = data.get("temperature_C")
    if temperature is not None:
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise InputError(
                path, f"'temperature_C' must be a number in °C, got {temperature!r}", line_of(text, "temperature_C")
            )
        if not -120 <= temperature <= 400:
            raise InputError(
                path,
                f"'temperature_C' must be in °C between -120 and 400, got {temperature:g}",
                line_of(text, "temperature_C"),
            )
    period = data.get("period")
    if period is not None:
        from ..pybamm_import import import_pybamm

        pybamm = import_pybamm()
        if isinstance(period, bool) or not isinstance(period, (str, int, float)):
            raise InputError(
                path, f"'period' must be a time such as \"5 minutes\", got {period!r}", line_of(text, "period")
            )
        try:
            seconds = pybamm.Experiment(["Rest for 1 hour"], period=period).steps[0].period
        except Exception as err:
            raise InputError(path, f"'period' {period!r}: {one_line(err)}", line_of(text, "period")) from None
        if not seconds > 0:
            raise InputError(path, f"'period' {period!r}: must be a positive time", line_of(text, "period"))
    parameter_set = data.get("parameter_set")
    if parameter_set is not None and not isinstance(parameter_set, str):
        raise InputError(path, "'parameter_set' must name a parameter set", line_of(text, "parameter_set"))
    blocks, quoted, n_cycles = [], _quoted_lines(text), 0
    for n, (raw, where) in enumerate(array_of_tables(path, text, data.get("block"), "block", BLOCK_KEYS, "block")):
        repeat = raw.get("repeat", 1)
        if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
            raise InputError(path, f"block {n + 1}: 'repeat' must be a positive integer, got {repeat!r}", where)
        n_cycles += repeat
        limits.check("cycles", n_cycles, path, f"block {n + 1}: 'repeat' = {repeat}", where)
        steps = raw.get("steps")
        if not isinstance(steps, list) or not steps:
            raise InputError(path, f"block {n + 1}: 'steps' must be a non-empty list of step strings", where)
        lines = []
        for step in steps:
            lines.append(_line_of_step(quoted, step, where))
            check_step(step, path, lines[-1])
        if all(is_impedance(step) for step in steps):
            raise InputError(path, f"block {n + 1}: a cycle needs at least one step besides impedance", where)
        blocks.append(Block(steps=list(steps), repeat=repeat, lines=lines))
    spec = ExperimentSpec(
        name=Path(path).stem,
        blocks=blocks,
        description=description,
        temperature_C=None if temperature is None else float(temperature),
        period=period,
        source=str(path),
        parameter_set=parameter_set,
    )
    spec.sweeps()  # every sweep has a known start potential
    check_points(spec, line_of(text, "period"))
    return spec


_QUOTED = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'")


def _quoted_lines(text):
    """{quoted text: [lines where it appears]}: one pass over the file, so that finding
    the line of every step stays linear in the size of the file."""
    found = {}
    for i, ln in enumerate(text.splitlines()):
        for m in _QUOTED.finditer(ln):
            found.setdefault(m[1] if m[1] is not None else m[2], []).append(i + 1)
    return found


def _line_of_step(quoted, step, default):
    """First line at or after ``default`` (the block's line) where ``step`` is written."""
    lines = quoted.get(step, []) if isinstance(step, str) else []
    k = bisect.bisect_left(lines, default or 0)
    return lines[k] if k < len(lines) else default


def check_points(spec, where=None, source=None):
    """InputError if the run would store more time points than the 'points' limit: each
    step's duration (or PyBaMM's default for a step that ends on a condition: twice the
    time at its C-rate, else 24 h) over its period (the file's, else PyBaMM's 60 s); a
    sweep stores one point per ``STORED_STEP_V`` unless the file sets a period; impedance
    steps store none. ``source`` names the file to blame (default: the experiment's)."""
    from ..pybamm_import import import_pybamm

    pybamm = import_pybamm()
    period_s = pybamm.Experiment(["Rest for 1 hour"], period=spec.period).steps[0].period if spec.period else None
    per_step = {}

    def points(step):
        if isinstance(step, Sweep):  # duration known once its start potential is
            return step.duration / period_s + 1 if period_s else abs(step.target - step.start) / STORED_STEP_V + 1
        if step not in per_step:
            parsed = pybamm.step.string(step)
            duration = parsed.duration or parsed.default_duration(parsed.value)
            per_step[step] = float(duration) / float(parsed.period or period_s or parsed.default_period()) + 1
        return per_step[step]

    if spec.has_sweeps:  # at most the 'cycles' limit of cycles, each with its sweeps' starts
        total = sum(points(step) for cycle in spec.sweeps() for step in cycle)
    else:
        steps = [(text, block.repeat) for block in spec.blocks for text in block.steps if not is_impedance(text)]
        total = sum(points(text) * repeat for text, repeat in steps)
    limits.check("points", total, source or spec.source, "the steps' durations over 'period'", where)
