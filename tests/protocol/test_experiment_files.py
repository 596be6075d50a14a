"""The shipped experiment files: the protocols of the paper."""

import pybamm
import pytest

import ssbsim
from ssbsim.protocol.steps import upper_cutoff
from ssbsim.resources import shipped


@pytest.mark.parametrize("name", shipped("experiments"))
def test_every_experiment_loads_and_names_its_source(name):
    spec = ssbsim.load_experiment(name)
    # Cell A's protocols (no parameter set named, or Cell A's own sets), Cell B's, Cell C's
    author = {"he2018": "He et al.", "duchene2020": "Duchêne"}.get(spec.parameter_set, "Asakura")
    assert author in spec.description
    assert isinstance(spec.pybamm_experiment(), pybamm.Experiment)
    assert spec.n_cycles == len(spec.cycles())


def test_cutoff_sweep_is_the_papers_protocol():
    spec = ssbsim.load_experiment("cutoff_sweep")
    assert spec.n_cycles == 40
    cutoffs = [upper_cutoff(steps) for steps in spec.cycles()]
    assert cutoffs == [round(4.05 + 0.05 * (n // 5), 2) for n in range(40)]
    # the 30 min rest at the top of the second cycle of every step
    rests = [n for n, steps in enumerate(spec.cycles()) if "Rest for 30 minutes" in steps]
    assert rests == [1 + 5 * k for k in range(8)]
    assert spec.temperature_C == 25


@pytest.mark.parametrize("name, cycles, cutoff", [("formation_4p15V", 800, 4.15), ("formation_4p30V", 200, 4.30)])
def test_formation_protocols(name, cycles, cutoff):
    spec = ssbsim.load_experiment(name)
    assert spec.n_cycles == cycles
    assert all(upper_cutoff(steps) == cutoff for steps in spec.cycles())
    assert spec.cycles()[0][0].startswith("Charge at C/10") and spec.cycles()[2][0].startswith("Charge at C/5")


def test_upper_cutoff_reads_charge_and_hold_steps():
    assert (
        upper_cutoff(["Charge at C/10 until 4.2 V", "Hold at 4.25 V until C/50", "Discharge at C/10 until 2.5 V"])
        == 4.25
    )
    assert upper_cutoff(["Rest for 1 hour"]) != upper_cutoff(["Rest for 1 hour"])  # NaN
