"""ssbsim's IDAKLU solver (``model/solver.py``) hands IDA a zero first guess of the state
derivatives instead of PyBaMM's right-hand-side evaluation: IDA computes the consistent
initial state itself, so the solution must be PyBaMM's, bit for bit."""

import inspect

import numpy as np
import pybamm

from ssbsim.casadi_call import Buffered
from ssbsim.model import CellModel
from ssbsim.model.solver import IDAKLUSolver
from ssbsim.protocol.experiment_file import Block, ExperimentSpec

SPEC = ExperimentSpec(
    "switches",
    [Block(["Charge at C/5 until 4.1 V", "Rest for 10 minutes", "Discharge at 1C until 2.5 V"], 2)],
)


def _solve(cell_a, solver_class, **kwargs):
    options = cell_a.model_options()
    model = CellModel(options)
    solver = solver_class(on_extrapolation="ignore", options=model.solver()._options)
    simulation = pybamm.Simulation(
        model,
        parameter_values=cell_a.pybamm_values(options),
        experiment=SPEC.pybamm_experiment(solver_steps=True),
        solver=solver,
        experiment_model_mode="unified",
    )
    return simulation.solve(**kwargs)


def test_the_solution_is_pybamms_bit_for_bit(cell_a, monkeypatch):
    name = "_rhs_dot_consistent_initialization"
    assert callable(getattr(pybamm.IDAKLUSolver, name, None)), f"pybamm.IDAKLUSolver.{name} is gone"
    assert list(inspect.signature(getattr(pybamm.IDAKLUSolver, name)).parameters) == list(
        inspect.signature(getattr(IDAKLUSolver, name)).parameters
    )
    calls = []
    override = IDAKLUSolver._rhs_dot_consistent_initialization

    def counted(self, y0, *args):
        ydot0 = override(self, y0, *args)
        calls.append(not ydot0.any())
        return ydot0

    monkeypatch.setattr(IDAKLUSolver, name, counted)
    used = []  # the solver that solved (PyBaMM copies the one it is given)
    set_up = IDAKLUSolver.set_up
    monkeypatch.setattr(IDAKLUSolver, "set_up", lambda self, *a, **k: used.append(self) or set_up(self, *a, **k))
    ours, theirs = _solve(cell_a, IDAKLUSolver), _solve(cell_a, pybamm.IDAKLUSolver)
    # PyBaMM still asks for the guess, once per step, and gets zeros
    assert len(calls) == 6 and all(calls)
    assert ours.solver_statistics == theirs.solver_statistics
    assert len(ours.all_ts) == len(theirs.all_ts) == 6
    for a, b in zip(ours.all_ys, theirs.all_ys):
        assert np.array_equal(a, b)
    # the events at each step's end, through the function's buffer: the same closest event
    steps = [(a, b) for x, y in zip(ours.cycles, theirs.cycles) for a, b in zip(x.steps, y.steps)]
    assert [a.termination for a, _ in steps] == [b.termination for _, b in steps]
    assert [a.closest_event_idx for a, _ in steps] == [b.closest_event_idx for _, b in steps]
    assert any(a.closest_event_idx is not None for a, _ in steps)
    events = used[-1]._setup["rootfn_casadi"]
    assert isinstance(events, Buffered)
    t, y, p = 10.0, ours.all_ys[0][:, -1], np.array([298.15, 1.0, 1e-4])
    np.testing.assert_array_equal(events(t, y, p), events.function(t, y, p).full().ravel())


def test_sensitivities_keep_pybamms_guess(cell_a, monkeypatch):
    """With forward sensitivities the derivatives seed the sensitivities' initial values:
    PyBaMM's guess is kept."""
    name = "Positive particle diffusivity [m2.s-1]"
    values = cell_a.pybamm_values(cell_a.model_options())
    guesses = []
    base = pybamm.IDAKLUSolver._rhs_dot_consistent_initialization

    def recorded(self, y0, model, time, inputs_dict):
        guesses.append(base(self, y0, model, time, inputs_dict))
        return guesses[-1]

    monkeypatch.setattr(pybamm.IDAKLUSolver, "_rhs_dot_consistent_initialization", recorded)
    model = CellModel(cell_a.model_options())
    values[name] = "[input]"
    simulation = pybamm.Simulation(
        model,
        parameter_values=values,
        experiment=pybamm.Experiment(["Charge at C/5 for 10 minutes"]),
        solver=IDAKLUSolver(on_extrapolation="ignore", options=model.solver()._options),
    )
    simulation.solve(inputs={name: float(cell_a[name])}, calculate_sensitivities=[name])
    assert guesses and all(g.any() for g in guesses)
