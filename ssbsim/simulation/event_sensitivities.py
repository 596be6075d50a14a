"""Forward sensitivities through an experiment whose steps end on events.

PyBaMM's IDAKLU solver integrates the forward sensitivities S = dy/dp of the states
(``calculate_sensitivities``) within a step, at fixed time. A step that ends on an event
g(t, y, p) = 0 (a cut-off voltage, a current limit) ends at a time that moves with the
parameters; by the implicit function theorem, with S and ydot taken just before the event,

    dtau/dp = -(g_p + g_y S) / (g_t + g_y ydot)          (tau: the step's duration)

and the state at the end of the step moves by its total derivative

    dy_end/dp = S + ydot dtau/dp.

PyBaMM hands S (without the ydot dtau/dp term) to the next step, so from the second step
on every sensitivity misses the earlier steps' moving ends. :class:`EventAwareSolver`
wraps the solver whose ``step`` PyBaMM's experiment loop calls: after a step that ended
on an event it adds ydot dtau/dp to the step's last sensitivities (in place, before PyBaMM
joins the step to the solution and seeds the next step from it) and records dtau/dp.

Frames. The equations of a step do not depend on the absolute time (the step's controls
are constants; its own time runs from the start of the step), so the sensitivities PyBaMM
reports within a step are at fixed time *since the start of the step*, and the next
step's sensitivities start from the corrected dy_end/dp. A step's end time is the sum of
the durations before it: dt_end/dp = sum of dtau/dp (a step that ends on its duration has
dtau/dp = 0). A quantity at fixed absolute time t inside step k follows as
dq/dp = q_p + q_y S - (dq/dt) dt_start_k/dp.

Algebraic states. At the start of each step IDAKLU re-initialises the algebraic states
(IDACalcIC) and, with sensitivities on, their sensitivities too, from the step's own
algebraic equations: a change of control (charge -> rest -> discharge, a current that
switches) needs nothing more here. ``tests/simulation/test_event_sensitivities.py``
checks end times, capacities and end states against central finite differences.
"""

import numpy as np

#: where the record of a solve's step durations is kept on the simulation
RECORD = "_event_sensitivity_record"


class EventAwareSolver:
    """The solver of an experiment step, with the event correction above applied to the
    sensitivities of each step it returns (``simulation``: where the record is kept)."""

    def __init__(self, solver, simulation):
        self._solver = solver
        self._simulation = simulation

    def __getattr__(self, name):
        return getattr(self._solver, name)

    def step(self, old_solution, model, *args, **kwargs):
        solution = self._solver.step(old_solution, model, *args, **kwargs)
        if solution is not old_solution and solution.has_sensitivities():
            record = self._simulation.__dict__.setdefault(RECORD, {})
            record[float(solution.t[-1])] = correct_step(solution, model, self._simulation)
        return solution


def correct_step(solution, model, simulation):
    """Add ydot dtau/dp to the last sensitivities of ``solution`` (one step, just solved)
    if it ended on an event; returns dtau/dp (zeros if it ended on its duration)."""
    names = list(model.calculate_sensitivities)
    termination = solution.termination or ""
    if not termination.startswith("event: "):
        return np.zeros(len(names))
    event = next((e for e in model.events if e.name == termination[len("event: ") :]), None)
    if event is None:  # pragma: no cover - PyBaMM names the event it stopped on
        raise RuntimeError(f"no event {termination!r} in the model")
    n = model.len_rhs_and_alg
    sens = solution._all_sensitivities
    last = sens["all"][-1][-n:, :]  # (n states, n parameters), a view
    if solution.all_yps is None:  # pragma: no cover - IDAKLU keeps ydot (hermite_interpolation, its default)
        raise RuntimeError("sensitivities through events need the solver's ydot: IDAKLU with hermite_interpolation")
    ydot = solution.all_yps[-1][:, -1]
    _, g_t, g_y, g_p = point_jacobian(simulation, solution, -1, ("event", event.name), lambda: event.expression)
    dtau = -(g_p + g_y @ last) / (g_t + g_y @ ydot)
    last += np.outer(ydot, dtau)
    for k, name in enumerate(names):
        sens[name][-1][-n:, 0] = last[:, k]
    solution._sensitivities = None  # rebuilt from the corrected arrays on next use
    return dtau


def point_jacobian(simulation, step, index, key, symbol):
    """(value, d/dt, d/dy, d/dp) of an expression of the model (``symbol()``, named
    ``key``) at point ``index`` (0 or -1) of the one-step solution ``step``; d/dp over the
    parameters whose sensitivities are computed."""
    t, y = step.all_ts[index][index], step.all_ys[index][:, index]
    value, g_t, g_y, g_p = points_jacobian(simulation, step, key, symbol, np.array([t]), y[:, None])
    return float(value[0]), float(g_t[0]), g_y[0], g_p[0]


def points_jacobian(simulation, step, key, symbol, t, y):
    """(value, d/dt, d/dy, d/dp) of the expression ``symbol()`` (named ``key``) at the
    times ``t`` (N) and states ``y`` (states x N) of one step: arrays (N,), (N,),
    (N, states), (N, parameters). The CasADi function is built once per (model, key,
    inputs' layout) and mapped over the points in one call."""
    model = step.all_models[-1]
    inputs = step.all_inputs[-1]
    names = tuple(model.calculate_sensitivities)
    layout = tuple((name, np.size(value)) for name, value in inputs.items())
    cache = simulation.__dict__.setdefault("_jacobian_functions", {})
    entry = cache.get((id(model), key, layout, names))
    if entry is None or entry[0] is not model:
        import casadi

        t_sym = casadi.MX.sym("t")
        y_sym = casadi.MX.sym("y", model.len_rhs_and_alg)
        # one symbol per input: PyBaMM's Conditional (the unified experiment's switch)
        # builds CasADi functions of its arguments, which must be purely symbolic
        named = {name: casadi.MX.sym(f"p{k}", size) for k, (name, size) in enumerate(layout)}
        g = symbol().to_casadi(t_sym, y_sym, inputs=named)
        g_p = casadi.horzcat(*[casadi.jacobian(g, named[name]) for name in names])
        outputs = [g, casadi.jacobian(g, t_sym), casadi.jacobian(g, y_sym), g_p]
        function = casadi.Function("point_jacobian", [t_sym, y_sym, *named.values()], outputs)
        try:
            function = function.expand()
        except RuntimeError:  # pragma: no cover - operations without an SX form
            pass
        entry = cache[(id(model), key, layout, names)] = (model, function, {})
    n_points = len(t)
    if n_points == 1:
        outputs = entry[1](t[None, :], y, *inputs.values())
    else:  # mapped over a power of two of points (padded with the last), kept for reuse
        size = 1 << (n_points - 1).bit_length()
        mapped = entry[2].get(size) or entry[2].setdefault(size, entry[1].map(size))
        pad = size - n_points
        t, y = np.pad(t, (0, pad), mode="edge"), np.pad(y, ((0, 0), (0, pad)), mode="edge")
        outputs = mapped(t[None, :], y, *inputs.values())
    value, g_t, g_y, g_p = (np.asarray(x.full()) for x in outputs)
    size = value.size
    return (
        value.ravel()[:n_points],
        g_t.ravel()[:n_points],
        g_y.reshape(size, -1)[:n_points],
        g_p.reshape(size, -1)[:n_points],
    )


def state_sensitivity(step, index):
    """dy/dp (states x parameters) at point ``index`` (0 or -1) of a one-step solution;
    at the end of a step that ended on an event, with the moving end (corrected)."""
    n = step.all_models[-1].len_rhs_and_alg
    block = step._all_sensitivities["all"][index]
    return block[-n:, :] if index == -1 else block[:n, :]


def variable_sensitivity(simulation, step, index, name):
    """(value, d value/dp) of model variable ``name`` at point ``index`` (0: start, -1:
    end) of a one-step solution, at fixed time since the start of the step (at the end:
    the total derivative, the end moving with the parameters, when ``t`` does not enter
    the variable explicitly, as for every state-defined variable)."""
    model = step.all_models[-1]
    value, _, g_y, g_p = point_jacobian(
        simulation, step, index, ("variable", name), lambda: model.get_processed_variable_or_event(name)
    )
    return value, g_y @ state_sensitivity(step, index) + g_p


def moving_ends_handled(record):
    """Logging filter: drops PyBaMM's warning that sensitivities ignore the steps' moving
    ends (handled here)."""
    return "Sensitivity calculation will be inaccurate" not in record.getMessage()


def start_record(simulation):
    """Forget the step durations of an earlier solve."""
    simulation.__dict__[RECORD] = {}


def step_duration(simulation, step):
    """dtau/dp of a one-step solution (zeros if it ended on its duration)."""
    record = simulation.__dict__.get(RECORD, {})
    n = len(step.all_models[-1].calculate_sensitivities)
    return record.get(float(step.t[-1]), np.zeros(n))


def step_end_times(simulation, solution):
    """dt_end/dp (steps x parameters) of each step of ``solution``: the durations summed."""
    return np.cumsum([step_duration(simulation, sub) for sub in solution.sub_solutions], axis=0)
