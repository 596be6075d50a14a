r"""Forward sensitivities through cycle jumps (``simulation/extrapolate.py``).

An extrapolated run is a closed-form map of its simulated cycles: a jump's landing state
is the slope model or quadratic of the last three windows' ends (``cycle_jumps.jumped``),
a settled stiff state the fixed point of the envelope equation
(``stiff_states.settled``), a skipped cycle's row interpolated between the simulated rows
(``skipped_rows.fill_values``). The simulated cycles carry IDAKLU's sensitivities S = dy/dp
(the steps' moving ends included, ``event_sensitivities.py``); forward mode:

- **Landing states.** The jump's prediction (``cycle_jumps.jumped_sensitivity``) applied
  to the sensitivity columns of the last three windows, with the slope model's branch and
  rate :math:`\lambda` those of the values: the same formula, linear in the columns (the
  derivative through :math:`\lambda = \ln(s_b/s_a)/\Delta t` would carry the single-cycle
  slopes' noise, amplified by the jump: measured at the fitted values, the energy
  efficiency's derivative at cycles 400 and 800 off the full run's by up to 12 % of its
  largest value instead of 4 %). ln y is undone by dy = y dz.
- **Settled stiff states.** A state x = M(y_m, ...) of the window ends has, by the chain
  rule,

  .. math:: \frac{dx}{dp_k} = \sum_m \frac{\partial M}{\partial y_m} S_{m,k}
            = \lim_{h \to 0} \frac{M(y + h S_k) - M(y - h S_k)}{2 h},

  the directional derivative of M along the sensitivity columns of its arguments, taken by
  that central difference of M itself (numpy, no re-solve), h sized so that h S_k changes
  no argument by more than STEP of its size (|y| + 1e-3, the solver's scaled states):
  truncation O(h^2), round-off about 1e-16 / STEP relative. M is the Newton solution of
  the envelope equation F(x^e; y) = 0, converged to round-off (quadratically, 12
  iterations), so the quotient is the implicit derivative :math:`-F_x^{-1} F_y S` of the
  fixed point.
- Held fixed for the trial: the jump lengths, the windows, the stiff mask, and the
  contraction a and probe response of the stiff states (measured by a probe cycle, not
  differentiated -- an approximation). The landing state's sensitivities are written into
  the carried solution's last state, from which PyBaMM seeds the next solve's (its
  ``y0S``); the algebraic states' are recomputed by IDA's consistent initialisation.
- **Skipped rows.** The rows' interpolation (``fill_values``: Akima's curve bent towards
  the slope model) is applied to the sensitivity columns of the simulated rows, as to a
  column of the table -- its weights from those columns -- rather than differentiated as
  a map of the values: its weights are functions of the per-cycle changes, which carry the
  solver's noise, and their derivative amplified it (measured: the energy efficiency's
  derivative off the full run's by up to 100 times). The nodes are the simulated cycles
  that follow a simulated one: the first cycle after a jump relaxes the particles, and its
  derivatives, those of the relaxation, were off by up to 100 times as well; its row takes
  the interpolated derivative. Measured on formation_4p15V against the full run (Cell A's
  shipped values, two inputs; and the fitted asakura2020_interphase values, nine): the
  capacity's derivative at cycles 400 and 800 within 0.3-3.1 % (0.2-6.7 %) of its
  largest value over the run, the full run's own changing by up to 10 % (11 %) from one
  cycle to the next; the energy efficiency's within 2-32 % (0.1-3.7 %; its own scatter
  75-106 %, 64-123 %); the
  coulombic efficiency's derivative is below the full run's own scatter
  (``tests/simulation/test_jump_sensitivities.py``).
"""

import numpy as np

#: the largest relative change of an argument of a map in its difference quotient
STEP = 1e-7
FLOOR = 1e-3  # as cycle_jumps.STATE_FLOOR: the scaled states' size below which changes are absolute


def directional(function, arguments, columns):
    """d function / dp as (outputs x parameters): ``arguments`` a list of arrays,
    ``columns`` the same list of their sensitivities (array (..., parameters)); central
    differences of ``function(*arguments)`` along each parameter's column (see above)."""
    out = None
    for k in range(columns[0].shape[-1]):
        scale = max(
            float(np.max(np.abs(s[..., k]) / (np.abs(a) + FLOOR), initial=0.0)) for a, s in zip(arguments, columns)
        )
        if scale == 0.0:
            value = np.zeros_like(np.asarray(function(*arguments), dtype=float))
        else:
            h = STEP / scale
            plus = function(*[a + h * s[..., k] for a, s in zip(arguments, columns)])
            minus = function(*[a - h * s[..., k] for a, s in zip(arguments, columns)])
            value = (np.asarray(plus, dtype=float) - np.asarray(minus, dtype=float)) / (2 * h)
        out = np.empty((*value.shape, columns[0].shape[-1])) if out is None else out
        out[..., k] = value
    return out


def to_fit_space(y, s, log):
    """Sensitivities ``s`` (states x parameters) of the states ``y`` in fit space (d ln y = dy / y where ``log``)."""
    return np.where(log[:, None], s / np.where(log, np.maximum(y, 1e-300), 1.0)[:, None], s)


def end_sensitivity(solution, n_diff):
    """dy/dp (differential states x parameters) at the end of ``solution``."""
    return np.array(solution.last_state._all_sensitivities["all"][0][:n_diff], dtype=float)


def set_end_sensitivity(solution, n_diff, s):
    """Set the differential states' dy/dp at the end of ``solution`` (its last state: what
    PyBaMM seeds the next solve from) to ``s``; the solution's own record is not changed."""
    last = solution.last_state
    full = np.array(last._all_sensitivities["all"][0], dtype=float, copy=True)
    full[:n_diff] = s
    names = [key for key in last._all_sensitivities if key != "all"]
    last._all_sensitivities["all"] = [full]
    for k, name in enumerate(names):
        last._all_sensitivities[name] = [full[:, k : k + 1]]
    last._sensitivities = None


def _window(cycle, before, after):
    from .cycle_jumps import Window

    return Window(cycle, before, after)


class JumpSensitivities:
    """The fit-space sensitivities alongside the driver's windows
    (``extrapolate.extrapolated``): each driver event -- a cycle simulated, a window
    settled, a window, a jump -- has its counterpart here (see above)."""

    def __init__(self):
        self.record = {}  # step end time -> dtau/dp, of every simulated cycle (event_sensitivities.RECORD)
        self.new_block()

    def new_block(self):
        self.windows, self.before, self.after = [], None, None

    def cycle_end(self, simulation, carry, y, log):
        """A cycle simulated, ending at the differential states ``y``: its end's fit-space
        sensitivities; the previous end's become the next window's start."""
        from .event_sensitivities import RECORD

        self.record.update(simulation.__dict__.get(RECORD, {}))
        self.n_diff, self.y = len(y), y.copy()
        self.before, self.after = self.after, to_fit_space(y, end_sensitivity(carry, len(y)), log)

    def settle(self, windows, before, end, cycle, log, a, response, carry):
        """The window's stiff states settled (``stiff_states.settle_window``, a and the
        probe's response held): the sensitivities of its start and end; the end's
        are written into ``carry``."""
        from .stiff_states import settle_window

        n = len(end)
        ends = [w.end for w in windows[-2:]]

        def settled(start, stop, *points):
            shifted = [_window(w.cycle, w.end - w.slope, z) for w, z in zip(windows[-2:], points)]
            return np.concatenate(settle_window(shifted, start, stop, cycle, log, a, response))

        columns = [self.before, end_sensitivity(carry, n), *[w.end for w in self.windows[-2:]]]
        both = directional(settled, [before, end, *ends], columns)
        y_end = settle_window(windows, before, end, cycle, log, a, response)[1]
        set_end_sensitivity(carry, n, both[n:])
        self.before, self.after = both[:n], to_fit_space(y_end, both[n:], log)

    def window(self, cycle):
        self.windows.append(_window(cycle, self.before, self.after))

    def jump(self, windows, log, jump, carry, landing):
        """A jump of ``jump`` cycles from the last window to ``landing`` (the differential
        states, ``cycle_jumps.jumped``): the landing state's sensitivities, written into
        ``carry``."""
        from .cycle_jumps import jumped_sensitivity

        set_end_sensitivity(carry, self.n_diff, jumped_sensitivity(windows, self.windows, log, jump, landing))
        self.before = self.after = None

    def rows(self, simulation, result, wanted):
        """{column: cycles x parameters} of every row of ``result`` (an extrapolated run):
        the simulated rows' (``cycle_sensitivities``, the steps' moving ends from the
        record of every simulated cycle), the skipped rows' through their interpolation
        (``skipped_rows.fill_values`` on the sensitivity columns of the nodes: see above)."""
        from ..observables.cycle_sensitivities import cycle_sensitivities
        from .event_sensitivities import RECORD
        from .skipped_rows import fill_values

        simulation.__dict__[RECORD] = self.record
        simulated = result.cycle_numbers
        # nodes: the simulated cycles that follow a simulated one (not the relaxing first
        # cycle after a jump, whose derivatives carry the relaxation's)
        nodes = [k for k, n in enumerate(simulated) if k == 0 or simulated[k - 1] == n - 1]
        columns = [c for c in wanted if c in result.cycles.columns]
        every = {c: {k + 1 for k in nodes} for c in columns}
        table = cycle_sensitivities(
            simulation, result.solution, result.simulated_cycles, result.active_mass_kg, wanted=every
        )
        out = {}
        for c in columns:
            s = table[c][: len(simulated)][nodes]
            if np.all(np.isfinite(s)):
                out[c] = fill_values(s, [simulated[k] for k in nodes], len(result.cycles))
        return out
