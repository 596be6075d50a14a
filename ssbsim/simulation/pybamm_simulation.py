"""``pybamm.Simulation`` with PyBaMM 26's per-step hot spots short-circuited.

A long experiment is thousands of steps, and PyBaMM's experiment loop pays a fixed
Python cost for each: on the 800-cycle formation run (1600 steps) the loop took about
as long again as the integration itself. Three hot spots are replaced here, each by the
same quantity computed once instead of once per step:

- **Which end condition stopped a step** ("unified" experiment mode). PyBaMM builds each
  condition's symbolic event again for every step, tries to evaluate it (the variables
  of a model processed with delayed variable processing are not evaluable, so this
  fails for ssbsim's model) and falls back to evaluating each condition's variable on
  the step's solution at the event time (an observer set up per step; before PyBaMM
  26.10, an xarray interpolation). The event time is the last point of the step's
  solution, so the value there is the variable evaluated at the last state, by a CasADi
  function compiled once per (model, variable) (``observables/points.py``).
- **The step's control target** (``control_target_value``): PyBaMM substitutes the
  parameters into the step's target symbol at every step, and twice for every step of the
  experiment when it sets up the unified model; it is a constant of the step's kind and
  the parameter values, so it is memoised per kind (``_Memoised``), for every step
  before the set-up (``build_for_experiment``).

The tests check that both ways name the same end conditions, that PyBaMM still calls the
two overridden private methods with the signatures used here, and once per step.

PyBaMM's check of every step's last state against ``pybamm.settings.max_y_value`` (1e5;
``Solution.check_ys_are_not_too_large``, on a solution of that one time point) evaluates
each state there by interpolation in time; for a state with a spatial domain, xarray
hands SciPy's ``interp1d`` the single point, whose slope is 0/0: a RuntimeWarning
("invalid value encountered in divide") and NaN, which the check's comparison then lets
pass. ssbsim's states exceed the limit at fit trials far from the data (measured, in the
first profile end of the shipped interphase calibration: a cycle jump landed the
passivating thickness of layer 0 at 1.2e8 nm, the cycle after it ended with a state at
1.1e8 (scaled) and ``extrapolate.overflowed``, ssbsim's own check, stopped that trial's
run). That warning, from SciPy's interpolation module, is therefore ignored during a
solve and where the cycle-jumping driver reads a cycle's last state
(``single_point_interpolation``); every other warning stays.

It also sets the initial state of charge its own way (``initial_state.py``): PyBaMM's
``Simulation.set_initial_state`` always calls its lithium-ion electrode-SOH machinery,
which needs PyBaMM's battery options and a negative electrode. ``CellModel`` with
``pybamm.Simulation`` works for everything else; for ``initial_soc`` use this class
(``ssbsim.Simulation``).
"""

import warnings
from contextlib import contextmanager

import pybamm

from .. import interrupt
from ..observables.points import LAST, PointValues
from ..parameters.registry import PARTICLE
from . import build_cache
from .event_sensitivities import EventAwareSolver, moving_ends_handled, start_record
from .initial_state import initial_stoichiometry


class Simulation(pybamm.Simulation):
    built_from_cache = False  # whether the built model was loaded from the disk cache (build_cache.py)

    def set_initial_state(self, initial_soc, direction=None, inputs=None):
        """``sim.solve(..., initial_soc=...)`` for this cell, in place of PyBaMM's
        lithium-ion electrode-SOH calculation: sets ``"Initial positive electrode
        stoichiometry"`` (:func:`initial_stoichiometry`) on a copy of the parameter values;
        PyBaMM then recomputes the initial conditions of a built model. ``direction``
        changes nothing: the cathode's OCP has no hysteresis."""
        labels = getattr(self._unprocessed_model.options, "particle_labels", None)
        if labels is None:  # not ssbsim's model: PyBaMM's way
            return super().set_initial_state(initial_soc, direction=direction, inputs=inputs)
        if not labels:
            raise ValueError('initial_soc needs an intercalation host; working electrode = "SE:carbon" has none')
        fingerprint = ("ssbsim", initial_soc, self._normalize_inputs(inputs or {}))
        if fingerprint == self._esoh_fingerprint:
            return
        values = self._unprocessed_parameter_values.copy()
        values.update({PARTICLE.x_init.name: initial_stoichiometry(initial_soc, values, inputs)})
        self._parameter_values = values
        self._needs_ic_rebuild = True
        self._built_initial_soc = initial_soc
        self._esoh_fingerprint = fingerprint

    def _decode_combined_step_termination(self, step_solution, step, model, inputs):
        """Name the end condition that stopped ``step`` (the smallest event value at its
        last point), as PyBaMM does, without rebuilding each condition's event. Keeps
        ``step_solution`` as ``last_step_solution`` (read at the step's end by
        ``spectra_process.Streamer``)."""
        self.last_step_solution = step_solution
        if step_solution.termination != f"event: {self._COMBINED_TERMINATION_EVENT}":
            return step_solution.termination
        values = {}
        for term in step.termination:
            value = self._evaluate_step_termination_expression_from_solution(term, step_solution, step)
            if value is not None:
                values[term.get_event_name(step)] = value
        if values:
            step_solution.termination = f"event: {min(values, key=values.get)}"
        return step_solution.termination

    def _evaluate_step_termination_expression_from_solution(self, term, step_solution, step):
        values = _LastPoint(self, step_solution)
        try:
            return term.get_event_expression(values, step)
        except (KeyError, NotImplementedError):  # pragma: no cover - as PyBaMM
            return None

    def solve(self, *args, **kwargs):
        level = pybamm.logger.level
        # sensitivities through the steps' moving ends (event_sensitivities.py)
        self._event_aware = bool(kwargs.get("calculate_sensitivities"))
        if self._event_aware:
            start_record(self)
            pybamm.logger.addFilter(moving_ends_handled)  # PyBaMM's warning that they are not
        try:
            with single_point_interpolation():
                return super().solve(*args, **kwargs)
        finally:
            if pybamm.logger.level != level:  # setLevel clears the logging caches: 14 us a solve
                pybamm.logger.setLevel(level)  # a stop after Ctrl-C silences PyBaMM's log for this solve only
            pybamm.logger.removeFilter(moving_ends_handled)

    def build_for_experiment(self, *args, **kwargs):
        """As PyBaMM's, with every step's control target memoised first: setting up the
        unified model asks each of the experiment's steps for it (twice), 3200 steps in
        the 800-cycle run. A first build is taken from the disk cache of built models, or
        stored there (``build_cache.py``: keyed on the sources, the versions, the options,
        the parameter values and the protocol)."""
        for step in self.experiment.steps if self.experiment is not None else ():
            self._memoise_control_target(step)
        built = self._built_experiment_model is not None or self.steps_to_built_models
        key = None if built or args or kwargs.get("initial_soc") is not None else build_cache.build_key(self)
        if key is None:
            return super().build_for_experiment(*args, **kwargs)
        if build_cache.load(self, key):
            self.built_from_cache = True  # run.json: model_from_cache
            _keyed(self._built_experiment_model, key)
            return None
        before = dict(vars(self))
        out = super().build_for_experiment(*args, **kwargs)
        _keyed(self._built_experiment_model, key)
        build_cache.store(self, key, before)
        return out

    def _build_experiment_step_inputs(self, user_inputs, step, *args, **kwargs):
        self._memoise_control_target(step)
        return super()._build_experiment_step_inputs(user_inputs, step, *args, **kwargs)

    def _memoise_control_target(self, step):
        if "control_target_value" not in vars(step):
            memo = self.__dict__.setdefault("_control_targets", {})
            step.control_target_value = _Memoised(step.control_target_value, memo, step.basic_repr())

    def _points(self):
        """The step-end evaluator of this simulation (``observables/points.py``)."""
        return self.__dict__.setdefault("_point_values", PointValues())

    def _get_built_experiment_solver(self, key):
        """The solver of the next step; after a deferred Ctrl-C (``ssbsim.interrupt``) one
        whose step fails at once, so PyBaMM stops the experiment as after a solver
        failure and keeps the cycles completed so far."""
        solver = super()._get_built_experiment_solver(key)
        if getattr(self, "_event_aware", False):
            solver = EventAwareSolver(solver, self)
        if not interrupt.requested():
            return solver
        pybamm.logger.setLevel("CRITICAL")  # the stop is reported by ssbsim, not logged as a solver error
        return _Stopping(solver)


def _keyed(model, key):
    """``model`` (the built model, if any) marked with its disk-cache ``key``: the key of its
    compiled code is then remembered under it (``model/compiled.py``)."""
    if model is not None:
        model.build_key = key


class _LastPoint(dict):
    """Variables of a step's solution at its last point, evaluated on first use."""

    def __init__(self, simulation, step_solution):
        super().__init__()
        self._simulation = simulation
        self._solution = step_solution

    def __missing__(self, key):
        value = self._simulation._points().value_at(key, self._solution, LAST)
        self[key] = value = float(value[0]) if value.size == 1 else value
        return value


class _Memoised:
    """``step.control_target_value(parameter_values)`` memoised per step kind
    (``basic_repr``: type, value, end conditions, temperature) and parameter values: the
    experiment holds one step object per step of every cycle, all alike within a block."""

    def __init__(self, compute, memo, kind):
        self.compute, self.memo, self.kind = compute, memo, kind

    def __call__(self, parameter_values):
        key = (self.kind, id(parameter_values))
        entry = self.memo.get(key)
        if entry is None or entry[0] is not parameter_values:
            entry = self.memo[key] = (parameter_values, self.compute(parameter_values))
        return entry[1]


class _Stopping:
    """A solver whose ``step`` raises ``pybamm.SolverError("interrupted by the user")``."""

    def __init__(self, solver):
        self._solver = solver

    def __getattr__(self, name):
        return getattr(self._solver, name)

    def step(self, *args, **kwargs):
        raise pybamm.SolverError("interrupted by the user")


@contextmanager
def single_point_interpolation():
    """Ignore SciPy's 0/0 warning from PyBaMM's interpolation of a state on a solution of
    one time point (``Solution.check_ys_are_not_too_large``: see the module docstring)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "invalid value encountered in divide", RuntimeWarning, r"scipy\.interpolate\._interpolate"
        )
        yield
