"""Protocol quantities varied like parameters: upper cutoff, C-rate, temperature.

``protocol: upper cutoff [V]`` replaces the voltage of every charge step's cut-off and of
every hold; ``protocol: C-rate`` the rate of every charge and discharge step given as a
C-rate; ``protocol: temperature [C]`` the experiment's temperature. The new steps are
checked like those of an experiment file.
"""

from ..errors import InputError
from ..protocol.experiment_file import Block, ExperimentSpec
from ..protocol.steps import check_step, with_c_rate, with_upper_cutoff


def _step(text, values):
    if "protocol: upper cutoff [V]" in values:
        text = with_upper_cutoff(text, values["protocol: upper cutoff [V]"])
    if "protocol: C-rate" in values:
        text = with_c_rate(text, values["protocol: C-rate"])
    return text


def vary_protocol(experiment, values, source="study"):
    """``experiment`` with the protocol quantities among ``values`` applied."""
    if not any(name.startswith("protocol: ") for name in values):
        return experiment
    blocks = []
    for block in experiment.blocks:
        steps = [_step(s, values) for s in block.steps]
        for s in steps:
            check_step(s, source, None)
        blocks.append(Block(steps, block.repeat, block.lines))
    temperature = values.get("protocol: temperature [C]", experiment.temperature_C)
    varied = ExperimentSpec(
        experiment.name, blocks, experiment.description, temperature, experiment.period, experiment.source
    )
    if varied.cycles() == experiment.cycles() and temperature == experiment.temperature_C:
        return experiment
    return varied


def protocol_key(values):
    """The part of a case that changes the protocol (cases sharing it share a build)."""
    return tuple(sorted((k, v) for k, v in values.items() if k.startswith("protocol: ")))


__all__ = ["vary_protocol", "protocol_key", "InputError"]
