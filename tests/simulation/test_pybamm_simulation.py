"""ssbsim's Simulation reads step end conditions from the last point of each step
instead of PyBaMM's interpolation: both must name the same end conditions."""

import pybamm

from ssbsim.model import CellModel
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.simulation.pybamm_simulation import Simulation


def test_same_step_terminations_as_pybamm(cell_a):
    spec = ExperimentSpec(
        "terminations",
        [
            Block(
                [
                    "Charge at C/5 until 4.1 V",
                    "Hold at 4.1 V until C/50",
                    "Rest for 10 minutes",
                    "Discharge at C/5 until 2.5 V",
                ],
                2,
            ),
            Block(["Charge at 1C for 20 minutes or until 4.3 V", "Discharge at 1C until 2.5 V"], 1),
        ],
    )
    options = cell_a.model_options()
    terminations = []
    for simulation in (pybamm.Simulation, Simulation):
        model = CellModel(options)
        solution = simulation(
            model,
            parameter_values=cell_a.pybamm_values(options),
            experiment=spec.pybamm_experiment(),
            solver=model.default_solver,
            experiment_model_mode="unified",
        ).solve()
        terminations.append([step.termination for cycle in solution.cycles for step in cycle.steps])
    assert terminations[0] == terminations[1]
    assert len(terminations[0]) == 10 and any("4.1" in t for t in terminations[0])
