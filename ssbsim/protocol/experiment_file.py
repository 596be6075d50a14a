"""Experiment files (TOML): the cycling protocol, checked line by line.

::

    description = "Cutoff-voltage sweep (Asakura et al. 2020, Fig. 2)"
    temperature_C = 25            # optional; else the parameter set's ambient temperature
    period = "2 minutes"          # optional: spacing of the stored time series
    [[block]]
    repeat = 5                    # every repeat of a block is one cycle
    steps = ["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"]

Steps are PyBaMM step strings. C-rates refer to the cathode's theoretical capacity
times its loading. Errors name the file, the line and the step.
"""

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..resources import resolve
from ..tomlfile import array_of_tables, line_of, read_toml
from .steps import check_step, one_line, voltages

TOP_LEVEL = {"description", "temperature_C", "period", "block"}
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

    def cycles(self):
        return [tuple(b.steps) for b in self.blocks for _ in range(b.repeat)]

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

    def pybamm_experiment(self, solver_steps=False):
        """The ``pybamm.Experiment``; with ``solver_steps`` it has no output period, so that
        the solution holds the solver's own steps (ssbsim's runs: see observables/quadrature.py)."""
        from ..pybamm_import import import_pybamm

        return import_pybamm().Experiment(self.cycles(), period=None if solver_steps else self.period)

    @property
    def period_seconds(self):
        """Spacing of the stored time series [s] (PyBaMM's default when not given)."""
        from ..pybamm_import import import_pybamm

        return float(import_pybamm().Experiment(["Rest for 1 hour"], period=self.period).steps[0].period)


def truncated(spec, n_cycles):
    """The first ``n_cycles`` cycles of ``spec`` (for quick fits and previews)."""
    blocks, left = [], n_cycles
    for block in spec.blocks:
        if left <= 0:
            break
        blocks.append(Block(block.steps, min(block.repeat, left), block.lines))
        left -= blocks[-1].repeat
    return ExperimentSpec(spec.name, blocks, spec.description, spec.temperature_C, spec.period, spec.source)


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
    blocks = []
    for n, (raw, where) in enumerate(array_of_tables(path, text, data.get("block"), "block", BLOCK_KEYS, "block")):
        repeat = raw.get("repeat", 1)
        if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
            raise InputError(path, f"block {n + 1}: 'repeat' must be a positive integer, got {repeat!r}", where)
        steps = raw.get("steps")
        if not isinstance(steps, list) or not steps:
            raise InputError(path, f"block {n + 1}: 'steps' must be a non-empty list of step strings", where)
        lines = []
        for step in steps:
            lines.append(_line_of_step(text, step, where))
            check_step(step, path, lines[-1])
        blocks.append(Block(steps=list(steps), repeat=repeat, lines=lines))
    return ExperimentSpec(
        name=Path(path).stem,
        blocks=blocks,
        description=description,
        temperature_C=None if temperature is None else float(temperature),
        period=period,
        source=str(path),
    )


def _line_of_step(text, step, default):
    if isinstance(step, str):
        for i, ln in enumerate(text.splitlines()):
            if f'"{step}"' in ln or f"'{step}'" in ln:
                if default is None or i + 1 >= default:
                    return i + 1
    return default
