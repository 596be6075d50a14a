"""``pybamm.Simulation`` with one PyBaMM 26 hot spot short-circuited.

In the "unified" experiment mode PyBaMM works out which end condition stopped a step by
evaluating each condition's variable on the step's solution at the event time through
``ProcessedVariable.__call__``, an xarray interpolation: about 3 ms per step, 40 % of
the wall time of the cutoff sweep with the interphase model. The event time is the last
point of the step's solution, so the value there is the variable's last entry, read
from the step's cached ``last_state`` (one point, not the step's hundreds of solver steps,
which ssbsim keeps: ``observables/quadrature.py``). The tests check that both ways name
the same end conditions, and that PyBaMM still calls this private method once per end
condition of each step (tests/simulation).

It also sets the initial state of charge its own way (``initial_state.py``): PyBaMM's
``Simulation.set_initial_state`` always calls its lithium-ion electrode-SOH machinery,
which needs PyBaMM's battery options and a negative electrode. ``CellModel`` with
``pybamm.Simulation`` works for everything else; for ``initial_soc`` use this class
(``ssbsim.Simulation``).
"""

import pybamm

from .. import interrupt
from ..parameters.registry import PARTICLE
from .initial_state import initial_stoichiometry


class Simulation(pybamm.Simulation):
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

    def _evaluate_step_termination_expression_from_solution(self, term, step_solution, step):
        last = step_solution.last_state

        class LastPoint(dict):
            def __missing__(self, key):
                value = last[key].entries[..., -1]
                self[key] = value
                return value

        try:
            return term.get_event_expression(LastPoint(), step)
        except (KeyError, NotImplementedError):  # pragma: no cover - as PyBaMM
            return None

    def solve(self, *args, **kwargs):
        level = pybamm.logger.level
        try:
            return super().solve(*args, **kwargs)
        finally:
            pybamm.logger.setLevel(level)  # a stop after Ctrl-C silences PyBaMM's log for this solve only

    def _get_built_experiment_solver(self, key):
        """The solver of the next step; after a deferred Ctrl-C (``ssbsim.interrupt``) one
        whose step fails at once, so PyBaMM stops the experiment as after a solver
        failure and keeps the cycles completed so far."""
        solver = super()._get_built_experiment_solver(key)
        if not interrupt.requested():
            return solver
        pybamm.logger.setLevel("CRITICAL")  # the stop is reported by ssbsim, not logged as a solver error
        return _Stopping(solver)


class _Stopping:
    """A solver whose ``step`` raises ``pybamm.SolverError("interrupted by the user")``."""

    def __init__(self, solver):
        self._solver = solver

    def __getattr__(self, name):
        return getattr(self._solver, name)

    def step(self, *args, **kwargs):
        raise pybamm.SolverError("interrupted by the user")
