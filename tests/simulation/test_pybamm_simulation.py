"""ssbsim's Simulation reads step end conditions from the last point of each step
instead of PyBaMM's interpolation: both must name the same end conditions."""

import inspect

import pybamm

from ssbsim.model import CellModel
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.simulation.pybamm_simulation import Simulation


def _solve(simulation, spec, pset):
    """Solve ``spec`` on ``pset`` with ``simulation`` (PyBaMM's class or ssbsim's)."""
    options = pset.model_options()
    model = CellModel(options)
    return simulation(
        model,
        parameter_values=pset.pybamm_values(options),
        experiment=spec.pybamm_experiment(),
        solver=model.default_solver,
        experiment_model_mode="unified",
    ).solve()


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
    terminations = []
    for simulation in (pybamm.Simulation, Simulation):
        solution = _solve(simulation, spec, cell_a)
        terminations.append([step.termination for cycle in solution.cycles for step in cycle.steps])
    assert terminations[0] == terminations[1]
    assert len(terminations[0]) == 10 and any("4.1" in t for t in terminations[0])


def test_the_override_is_the_method_pybamm_calls(cell_a, monkeypatch):
    """If PyBaMM renames or stops calling the private method, the override would silently
    stop applying (and the test above would still pass): count the calls."""
    name = "_evaluate_step_termination_expression_from_solution"
    assert callable(getattr(pybamm.Simulation, name, None)), f"pybamm.Simulation.{name} is gone"
    assert name in vars(Simulation)
    assert list(inspect.signature(getattr(pybamm.Simulation, name)).parameters) == list(
        inspect.signature(getattr(Simulation, name)).parameters
    )
    calls = []
    override = getattr(Simulation, name)

    def counted(self, term, step_solution, step):
        calls.append(str(step))
        return override(self, term, step_solution, step)

    monkeypatch.setattr(Simulation, name, counted)
    spec = ExperimentSpec("two steps", [Block(["Charge at C/5 until 4.1 V", "Discharge at C/5 until 2.5 V"], 1)])
    solution = _solve(Simulation, spec, cell_a)
    ended_on_condition = [
        str(step)
        for cycle, steps in zip(solution.cycles, spec.cycles())
        for step, sol in zip(steps, cycle.steps)
        if sol.termination.startswith("event:")
    ]
    assert ended_on_condition == ["Charge at C/5 until 4.1 V", "Discharge at C/5 until 2.5 V"]
    # one end condition per step: one call per step that ended on it
    assert len(calls) > 0 and calls == ended_on_condition


def test_the_per_step_overrides_are_the_methods_pybamm_calls(cell_a, monkeypatch):
    """The termination decoding and the step inputs are overridden too (memoised per
    step kind): PyBaMM must still call both, with the arguments the overrides take, once
    per step, and the memoised control target must be the one PyBaMM computes."""
    for name in ("_decode_combined_step_termination", "_build_experiment_step_inputs"):
        assert callable(getattr(pybamm.Simulation, name, None)), f"pybamm.Simulation.{name} is gone"
        assert name in vars(Simulation)
    assert list(inspect.signature(pybamm.Simulation._decode_combined_step_termination).parameters) == [
        "self",
        "step_solution",
        "step",
        "model",
        "inputs",
    ]
    assert list(inspect.signature(pybamm.Simulation._build_experiment_step_inputs).parameters)[:3] == [
        "self",
        "user_inputs",
        "step",
    ]
    calls = {"decode": 0, "inputs": 0}
    decode, build_inputs = Simulation._decode_combined_step_termination, Simulation._build_experiment_step_inputs

    def counted_decode(self, *args):
        calls["decode"] += 1
        return decode(self, *args)

    def counted_inputs(self, user_inputs, step, *args, **kwargs):
        calls["inputs"] += 1
        inputs = build_inputs(self, user_inputs, step, *args, **kwargs)
        memoised = step.control_target_value(self._parameter_values)
        assert memoised == type(step).control_target_value(step, self._parameter_values)  # PyBaMM's own
        return inputs

    monkeypatch.setattr(Simulation, "_decode_combined_step_termination", counted_decode)
    monkeypatch.setattr(Simulation, "_build_experiment_step_inputs", counted_inputs)
    spec = ExperimentSpec("two steps", [Block(["Charge at C/5 until 4.1 V", "Discharge at C/5 until 2.5 V"], 3)])
    solution = _solve(Simulation, spec, cell_a)
    assert len(solution.cycles) == 3
    assert calls == {"decode": 6, "inputs": 6}


def test_states_beyond_pybamms_limit_raise_no_runtime_warning(cell_a, monkeypatch):
    """With every state beyond PyBaMM's ``max_y_value`` (lowered here to 1), PyBaMM checks
    each step's last state by interpolating each state on that one time point: SciPy's
    0/0 there warns for the particle's states, with PyBaMM's class; ssbsim's solve ignores
    that one warning (an error here: the run would fail), and the run is the same."""
    import warnings

    import numpy as np
    import pytest

    spec = ExperimentSpec("limit", [Block(["Charge at C/5 for 10 minutes", "Rest for 5 minutes"], 1)])
    reference = _solve(Simulation, spec, cell_a)
    monkeypatch.setattr(pybamm.settings, "max_y_value", 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(RuntimeWarning, match="invalid value encountered in divide"):
            _solve(pybamm.Simulation, spec, cell_a)
        solution = _solve(Simulation, spec, cell_a)
    assert np.array_equal(solution.t, reference.t) and np.array_equal(solution.y, reference.y)
