"""States and forward sensitivities between the solver's points of one experiment step,
and model variables with their derivatives at fixed absolute times (a measured voltage
time series).

Between two of the solver's points the state is IDA's cubic Hermite interpolant (the
values and the stored ydot at both ends), as PyBaMM evaluates a variable between points
(``hermite_interpolation``). IDAKLU does not return dS/dt, so the sensitivities S = dy/dp
are the cubic Hermite interpolant with slopes from the neighbouring points (three-point,
non-uniform). S here is at fixed time *since the start of the step*: at the last point of
a step that ended on an event the event correction ydot dtau/dp
(``event_sensitivities.py``) is taken off again.

A sample at a fixed absolute time t inside step k, which starts at t_k, is the step's
state at s = t - t_k; t_k moves with the parameters when earlier steps end on events
(dt_k/dp: the durations dtau/dp of the steps before, summed), so a variable X sampled there
moves by

    dX(t)/dp = X_y S(s) + X_p - (X_t + X_y ydot(s)) dt_k/dp,

ydot(s) the derivative of the state's interpolant. A sample after the end of the run has
no value (NaN) and no derivative (zeros).
"""

import numpy as np
import pybamm

from .event_sensitivities import points_jacobian, step_duration


def hermite(f0, d0, f1, d1, h, theta):
    """Cubic Hermite interpolant between (f0, slope d0) and (f1, d1) over h, at fraction
    theta; the arrays' first axis runs over the intervals."""
    shape = (-1,) + (1,) * (np.ndim(f0) - 1)
    theta, h = theta.reshape(shape), h.reshape(shape)
    theta2, theta3 = theta**2, theta**3
    return (
        (2 * theta3 - 3 * theta2 + 1) * f0
        + (theta3 - 2 * theta2 + theta) * h * d0
        + (3 * theta2 - 2 * theta3) * f1
        + (theta3 - theta2) * h * d1
    )


def hermite_slope(f0, d0, f1, d1, h, theta):
    """d/dt of :func:`hermite` at fraction theta."""
    shape = (-1,) + (1,) * (np.ndim(f0) - 1)
    theta, h = theta.reshape(shape), h.reshape(shape)
    theta2 = theta**2
    return (6 * theta2 - 6 * theta) * (f0 - f1) / h + (3 * theta2 - 4 * theta + 1) * d0 + (3 * theta2 - 2 * theta) * d1


class StepInterpolant:
    """The states, their time derivatives and the sensitivities (at fixed time since the
    start of the step) of a one-step solution with sensitivities, anywhere in the step."""

    def __init__(self, simulation, step):
        self.simulation, self.step = simulation, step
        self.model = step.all_models[-1]
        n = self.model.len_rhs_and_alg
        self.t = np.concatenate(step.all_ts)
        self.y, self.yp = np.hstack(step.all_ys), np.hstack(step.all_yps)
        self.S = np.concatenate(step._all_sensitivities["all"]).reshape(len(self.t), n, -1).copy()
        self.dtau = step_duration(simulation, step)
        self.S[-1] -= np.outer(self.yp[:, -1], self.dtau)  # at fixed time since the start of the step
        t, S = self.t, self.S
        self.left = np.flatnonzero(np.diff(t) > 0)
        self.right = self.left + 1
        if not len(self.left):
            return
        h = self.h = t[self.right] - t[self.left]
        secant = (S[self.right] - S[self.left]) / h[:, None, None]
        before = np.concatenate([secant[:1], secant[:-1]])
        after = np.concatenate([secant[1:], secant[-1:]])
        h_before, h_after = np.r_[h[:1], h[:-1]], np.r_[h[1:], h[-1:]]
        self.slope_left = (h[:, None, None] * before + h_before[:, None, None] * secant) / (h + h_before)[:, None, None]
        self.slope_right = (h_after[:, None, None] * secant + h[:, None, None] * after) / (h + h_after)[:, None, None]

    def at(self, interval, fraction):
        """(t, states x points, points x states x parameters) at ``fraction`` of the
        solver intervals ``interval``."""
        a, b, h = self.left[interval], self.right[interval], self.h[interval]
        y, yp, S = self.y, self.yp, self.S
        return (
            self.t[a] + fraction * h,
            hermite(y[:, a].T, yp[:, a].T, y[:, b].T, yp[:, b].T, h, fraction).T,
            hermite(S[a], self.slope_left[interval], S[b], self.slope_right[interval], h, fraction),
        )

    def locate(self, times):
        """(interval, fraction) of the absolute ``times`` (within the step)."""
        interval = np.clip(np.searchsorted(self.t[self.right], times, side="left"), 0, len(self.left) - 1)
        return interval, (times - self.t[self.left[interval]]) / self.h[interval]

    def variable_at(self, name, times, start_shift):
        """(values, d values/dp) of model variable ``name`` at the absolute ``times``
        within the step, the step's start moving by ``start_shift`` (dt_k/dp)."""
        if not len(self.left):  # one point: the step's start
            t, y = np.full(len(times), self.t[0]), np.repeat(self.y[:, :1], len(times), axis=1)
            S, ydot = np.repeat(self.S[:1], len(times), axis=0), np.repeat(self.yp[:, :1], len(times), axis=1)
        else:
            interval, fraction = self.locate(times)
            t, y, S = self.at(interval, fraction)
            a, b = self.left[interval], self.right[interval]
            ydot = hermite_slope(
                self.y[:, a].T, self.yp[:, a].T, self.y[:, b].T, self.yp[:, b].T, self.h[interval], fraction
            ).T
        model = self.model
        value, x_t, x_y, x_p = points_jacobian(
            self.simulation, self.step, ("variable", name), lambda: model.get_processed_variable_or_event(name), t, y
        )
        rate = x_t + np.einsum("kn,nk->k", x_y, ydot)
        return value, np.einsum("kn,knp->kp", x_y, S) + x_p - np.outer(rate, start_shift)


def variable_at_times(simulation, solution, name, times):
    """(values, d values/dp: times x parameters) of model variable ``name`` at the
    absolute ``times`` of an experiment solved with sensitivities (module docstring);
    NaN and zeros after the end of the run."""
    times = np.asarray(times, dtype=float)
    n_p = len(solution.all_models[-1].calculate_sensitivities)
    values, derivatives = np.full(len(times), np.nan), np.zeros((len(times), n_p))
    pending = np.ones(len(times), dtype=bool)
    start_shift = np.zeros(n_p)
    steps = [s for cycle in solution.cycles for s in cycle.steps if not isinstance(s, pybamm.EmptySolution)]
    for step in steps:
        if not pending.any():
            break
        t = step.t
        inside = pending & (times >= t[0]) & (times <= t[-1])
        if inside.any():
            values[inside], derivatives[inside] = StepInterpolant(simulation, step).variable_at(
                name, times[inside], start_shift
            )
            pending &= ~inside
        start_shift = start_shift + step_duration(simulation, step)
    return values, derivatives
