"""ssbsim's IDAKLU solver (``model/solver.py``) hands IDA a zero first guess of the state
derivatives instead of PyBaMM's right-hand-side evaluation: IDA computes the consistent
initial state itself, so the solution must be PyBaMM's, bit for bit."""

import inspect

import numpy as np
import pybamm

from ssbsim.casadi_call import Buffered
from ssbsim.model import CellModel
from ssbsim.model.solver import IDAKLUSolver, _Converted
from ssbsim.protocol.experiment_file import Block, ExperimentSpec

SPEC = ExperimentSpec(
    "switches",
    [Block(["Charge at C/5 until 4.1 V", "Rest for 10 minutes", "Discharge at 1C until 2.5 V"], 2)],
)


def _simulation(cell_a, solver_class):
    options = cell_a.model_options()
    model = CellModel(options)
    solver = solver_class(on_extrapolation="ignore", options=model.solver()._options)
    return pybamm.Simulation(
        model,
        parameter_values=cell_a.pybamm_values(options),
        experiment=SPEC.pybamm_experiment(solver_steps=True),
        solver=solver,
        experiment_model_mode="unified",
    )


def _solve(cell_a, solver_class, **kwargs):
    return _simulation(cell_a, solver_class).solve(**kwargs)


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


SET_UP_FUNCTIONS = (
    "initial_conditions_eval",
    "rhs_eval",
    "jac_rhs_eval",
    "algebraic_eval",
    "jac_algebraic_eval",
    "rhs_algebraic_eval",
    "jac_rhs_algebraic_eval",
    "jac_rhs_algebraic_action_eval",
)


def test_set_up_converts_each_node_once_into_pybamms_functions(cell_a, monkeypatch):
    """One node cache for all the set-up's conversions: every expression node converted to
    CasADi once (PyBaMM converts many several times), into the same functions (serialised
    forms equal), and the model's equations and events restored afterwards."""
    converted, setting_up = {"ours": [], "theirs": []}, []
    inner = pybamm.Symbol._to_casadi_inner

    def counted(self, t, y, y_dot, inputs, casadi_symbols):
        if setting_up and casadi_symbols.get(self) is None:
            converted[setting_up[-1]].append(self)
        return inner(self, t, y, y_dot, inputs, casadi_symbols)

    monkeypatch.setattr(pybamm.Symbol, "_to_casadi_inner", counted)
    set_up = pybamm.IDAKLUSolver.set_up

    def flagged(self, *args, **kwargs):
        setting_up.append(label)
        try:
            return set_up(self, *args, **kwargs)
        finally:
            setting_up.pop()

    monkeypatch.setattr(pybamm.IDAKLUSolver, "set_up", flagged)
    models = {}
    for label, solver_class in (("ours", IDAKLUSolver), ("theirs", pybamm.IDAKLUSolver)):
        simulation = _simulation(cell_a, solver_class)
        simulation.build_for_experiment()
        model = models[label] = simulation._built_experiment_model
        before = model.concatenated_rhs, model.concatenated_algebraic, model.events, list(model.events)
        simulation.solve()
        assert (model.concatenated_rhs, model.concatenated_algebraic, model.events, list(model.events)) == before
    # the wrappers stand for their trees in each conversion; the trees' nodes once
    ours = [node for node in converted["ours"] if not isinstance(node, _Converted)]
    assert len(ours) == len({id(node) for node in ours})
    assert len(converted["theirs"]) > 2 * len(ours)
    for name in SET_UP_FUNCTIONS:
        assert getattr(models["ours"], name).serialize() == getattr(models["theirs"], name).serialize(), name
    ours_events, theirs_events = (models[k].terminate_events_eval for k in ("ours", "theirs"))
    assert len(ours_events) == len(theirs_events) > 1
    assert [e.serialize() for e in ours_events] == [e.serialize() for e in theirs_events]
