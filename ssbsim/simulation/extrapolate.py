r"""Inter-cycle extrapolation ("cycle jumping") for long protocols.

Over hundreds of identical cycles the state at the same phase of each cycle (its end)
drifts slowly: films thicken, the anode loses contact, Na is consumed. Sampled once per
cycle, the differential states form a slowly varying sequence :math:`y_n` -- the
envelope of the oscillating solution -- which obeys a smooth "ODE in the cycle number",
:math:`dy/dn = F(y)`, whose right-hand side is measured by simulating a cycle, and which
can be integrated in big steps of :math:`n` (the envelope-following method of Petzold,
SIAM J. Numer. Anal. 18 (1981) 455, doi:10.1137/0718030; the cycle-jump method of
fatigue mechanics, Cojocaru & Karlsen, Int. J. Fatigue 28 (2006) 1677,
doi:10.1016/j.ijfatigue.2006.01.009; used for battery ageing by e.g. Sulzer et al.,
Joule 5 (2021) 1934 -- the last cited from memory).

Here, in each block of identical cycles:

- **Windows.** After each jump two cycles are simulated: the first lets the particles
  and the algebraic states, which relax within a cycle, settle on the envelope; the
  second gives a *window*: the local slope :math:`s_k = y_{m+1} - y_m` at
  :math:`t_k = m + 1/2` and the end :math:`y_{m+1}`. (A slope measured over the cycle
  right after a jump would carry the particles' relaxation and, multiplied by the next
  jump, diverge: measured, the voltage leaves its cut-offs within 120 cycles.) The first
  four cycles of a block (a change of current or cut-off) give three windows.
- **Step (an explicit two-step method in n).** The slope between and beyond the last
  two windows is modelled as :math:`s(t) = s_k e^{\lambda (t - t_k)}` where the two
  slopes have the same sign (exponential fitting: exact for a state relaxing
  geometrically towards a limit, such as the anode's contact fraction; second order,
  like Adams-Bashforth 2, for any smooth drift; :math:`\lambda` kept in RATE_BOUNDS),
  else linear in :math:`t` (Adams-Bashforth 2 at unequal steps). The jump integrates
  that slope from the last end.
- **Error control.** The same integral with the slope model of the two windows before
  (a Milne-type pair of predictors) differs from it by about its error; the jump ``h``
  is the largest keeping that difference below ``tolerance`` times
  :math:`|y| + 10^{-3}` (the solver's scaled units, of order one) for every state, at
  most twice the span of the three windows plus one (jumps grow step by step, so that a
  knee is approached in steps) and MAX_JUMP. The last END_SIMULATED cycles of each
  block are simulated.

States that a cycle multiplies by a fixed factor -- the passivating layer that cracking
breaks by the same share every cycle (``model/interphase_growth.py``; the model names them,
``CellModel.geometric_states``) -- are extrapolated in :math:`z = \ln y` (error in
:math:`y` = :math:`|y|` times that in :math:`z`). Once the three windows span ENDS_SPAN
cycles, they are extrapolated along the quadratic through the three window ends (the
error estimate: its bend from the straight line through the last two). Every
differential state takes part, so slow states added to the model later are picked up;
the algebraic states are solved again at the next step start.

**Stiff states, settled rather than extrapolated.** Such a state obeys, cycle to
cycle, :math:`x_{n+1} = a\,x_n + b_n` (linearised: :math:`a = \partial x_{n+1}/\partial
x_n` its contraction per cycle, :math:`b_n` set by the slow states), and its envelope
:math:`x^e_{n+1} = a\,x^e_n + b_n` follows the slow states; a deviation
:math:`d = x - x^e` decays as :math:`d_{n+1} = a\,d_n`. When :math:`a` is well below one
(the cracked layer of Cell A: 0.86-0.88 once the block has run 20 cycles, 0.93 in its
first cycles) the state is stiff for the jump: the error a jump leaves in it is still
:math:`a^2 \approx 0.77` of itself at the end of the next window, enters the next fit as
curvature and shortens the next jump (measured before this treatment: the simulated
cycles of formation_4p15V jumped about from 65 to 144 with the tolerance, and set to the
full run's value at each jump, 53-66). Such states are treated implicitly, as in
Petzold's envelope-following method (L. R. Petzold, SIAM J. Numer. Anal. 18 (1981) 455,
doi:10.1137/0718030), which solves the periodicity condition of the cycle map for the
stiff components by Newton's method rather than extrapolating them:

- **Contraction** (``probe_cycle``, ``contraction``). The cycle after a jump is run a
  second time with the geometric states changed by PROBE (2 %); the ratio of the
  changes at its end is :math:`a`, and the change of every state is the cycle map's
  Jacobian column :math:`J` of the stiff state (``response``). States with
  :math:`0 < a <` STIFF (0.95: the explicit step is stable only for
  :math:`h \lesssim 2/(1-a) = 40` cycles) are stiff. The probe is repeated when the block
  has run PROBE_GROWTH times as long as at the last probe (the contraction drifts
  slowly; on formation_4p15V 4-5 probes in 800 cycles).
- **Settling** (``settled``). At each window (cycle ends :math:`x_m`, :math:`x_{m+1}`),
  the envelope value :math:`x^e_{m+1} = e^w` solves

  .. math:: x^e_{m+1} - a\,x^e_{m+1} e^{-D(w)} = x_{m+1} - a\,x_m,

  which subtracts the two cycle maps (:math:`d_{m+1} = a\,d_m`) with the envelope's
  change over the cycle, :math:`x^e_m = x^e_{m+1} e^{-D}`, from the quadratic in
  :math:`\ln x` through the settled ends of the two windows before and the unknown
  (``envelope_step``). Newton's method on :math:`w` from :math:`\ln x_{m+1}`. The state
  is set to :math:`x^e` (the next cycle, or the next fit, starts on the envelope). Where
  :math:`|e^D - a| < (1-a)/4` the state decays about as fast as a deviation would
  (no source, :math:`b \approx 0`), nothing tells them apart, and it is left as it is.
- **The other states' slopes** (``without_deviation``). The deviation :math:`d_m` also
  changed the other states over the window's cycle, by :math:`J d_m`; the window's
  start is moved by it, so that its slope is the envelope's.
- **Error test.** A stiff state is left out of the error test that sizes the jump, as
  algebraic variables are in DAE solvers (IDA's ``suppressalg``, Hindmarsh et al., ACM
  Trans. Math. Softw. 31 (2005) 363): after a jump it is set again from the other
  (controlled) states at the next window; its extrapolated value only starts the two
  cycles before it. Its settled values carry the solver's per-cycle noise times
  :math:`a/(1-a) \approx 7` (about 0.2 %), which, in the error test, would limit the jumps
  by noise.

The distinct cycles share one built model and solver (``cycle_simulations``).

**Skipped rows** (``fill_skipped``, ``across_gaps``). The skipped cycles get rows of
``cycles.csv`` interpolated between the simulated ones; the column ``simulated`` tells which
is which. Each gap, cycles :math:`p+1 .. q-1`, lies between two windows of its block (a jump
follows a window, and lands at least two cycles before the block's end): cycles
:math:`p-1, p` and :math:`q, q+1`, which give every column :math:`c` a measured per-cycle
slope at each end. The curve is Akima's local cubic through the simulated rows,
:math:`c_A(n)` (H. Akima, J. ACM 17 (1970) 589, doi:10.1145/321607.321609, cited from memory; on
he2018_cycling the capacity, which bends between simulated cycles 81 apart, was off the
full run's by up to 1.59 % with straight lines, 0.61 % with Akima's, 0.77 % with PCHIP),
bent towards the slope model the jump uses (``slope_model``; exponential or linear in
:math:`n`) between the two windows' slopes of the column. With :math:`S(n)` that model's
change over cycles :math:`p+1 .. n`,

.. math::

    c_M(n) = c_p + S(n) + \frac{n-p}{q-p}\,\rho, \qquad \rho = c_q - c_p - S(q),

    c(n) = c_A(n) + \frac{c_M(n) - c_A(n)}{1 + (\rho/\beta)^2}, \qquad
    \beta = \max_n \Big|S(n) - \frac{n-p}{q-p}\,S(q)\Big|:

the model's residual :math:`\rho` over the gap (spread linearly, so that :math:`c_M` meets
both ends) against its bend :math:`\beta` weighs the model. Akima's derivative at a node
averages the window's slope with the gap's secant, which misses a column bending across a
long gap (R1 of formation_4p15V saturating between cycles 79 and 149: up to 1.45 % off the
full run, 0.49 % so); the single-cycle slope of a column whose per-cycle
change is noisy (the capacity: the relaxing first cycle after a jump and the end of the hold
step change it by up to 0.02 of 0.06 mAh/g per cycle) is mostly noise, the model then
misses the far end by more than it bends (:math:`\rho > \beta`) and the curve stays
Akima's (the capacity 0.24 % off with the model alone, 0.15 % either way). A gap without a
window at either end (a run stopped early) keeps Akima's curve.

The solution (and the time series) holds the simulated cycles only; its time runs on
without the skipped cycles. A share jumped past zero (an anion's contact inventory running
out) lands on zero, its limit (``jumped``); a cycle cut short stops the run.

**Measured** (2026-11-22, formation_4p15V, 800 cycles, against the full run; see
``run_extrapolated``): ``tolerance`` 2e-3 .. 1e-2 simulates 68 / 68 / 57 / 51 / 47 / 55 / 49
cycles (plus 4-5 probes; 144 / 135 / 117 / 65 / 103 / 71 / 89 before the stiff treatment),
the capacity of every cycle within 0.18 % of the full run's (0.53 % before), R1 within
0.59 % and R2 within 0.78 % (1.9 %). Tried and dropped: settling after the first cycle
after a jump (its change carries the particles' relaxation, times a/(1-a): 155-175
cycles); the envelope's change from the secant through the last window (85, the envelope
bends); a cubic error estimate (83-114, noise); the stiff states kept in the error test
(55-109; 69 at 5e-3); probes at PROBE_GROWTH 3 (47-66, 3-4 probes; 57 at 5e-3) or 4
(49-66). For the skipped rows, at 5e-3: cubic Hermite with the window slopes (R1 within
0.29 %, the capacity 0.31 %) or the slope model alone (0.42 %, 0.24 %).
"""

import time

import numpy as np

from .run import build_simulation, prepare

DEFAULT_TOLERANCE = 5e-3  # chosen on formation_4p15V: see run_extrapolated
MAX_JUMP = 200
END_SIMULATED = 2  # last cycles of a block that are always simulated
STATE_FLOOR = 1e-3  # of the solver's (scaled, order-one) states: below it, absolute error
RATE_BOUNDS = (-1.0, 0.01)  # of the slope model, per cycle: relaxation within a cycle .. growth e-fold in 100
ENDS_SPAN = 20  # cycles spanned by three windows from which geometric states are fitted through their ends
LOG_FLOOR = np.log(1e-100)  # a state in log space below e^LOG_FLOOR has decayed away: held
PROBE = 0.02  # relative change of the geometric states in the probe cycle that measures their contraction
STIFF = 0.95  # contraction per cycle below which a geometric state is settled after a jump (2/(1-a) = 40 cycles)
PROBE_GROWTH = 2  # the contraction is measured again when the block has run this many times as long


def _end_state(solution):
    return np.array(solution.last_state.all_ys[0][:, -1], dtype=float)


def _set_end_state(solution, y):
    last = solution.last_state
    ys = np.array(last.all_ys[0], dtype=float, copy=True)
    ys[:, -1] = y
    last.all_ys[0] = ys


def as_starting_solution(solution):
    """The last cycle of ``solution`` as the next solve's ``starting_solution``: with the
    attributes of a solution returned by an experiment (its one cycle, summary variables
    and first state), PyBaMM takes it as it is; a bare cycle solution it would fold into
    a cycle solution again, and compute its summary variables again, on every solve."""
    cycle = solution.cycles[-1]
    cycle.cycles = [cycle]
    cycle.all_summary_variables = solution.all_summary_variables[-1:]
    cycle.all_first_states = solution.all_first_states[-1:]
    return cycle


def fit_space(y, log):
    """The differential states ``y`` where they are extrapolated: ln y where ``log``."""
    return np.where(log, np.log(np.where(log, np.maximum(y, 1e-300), 1.0)), y)


class Window:
    """Two consecutive simulated cycle ends (fit space), the second at ``cycle``: the
    slope :math:`s = z_{m+1} - z_m` of the envelope at :math:`t = m + 1/2` and the end."""

    def __init__(self, cycle, before, after):
        self.cycle, self.t, self.slope, self.end = cycle, cycle - 0.5, after - before, after


def through_ends(windows, targets):
    """The quadratic through the ends of the last three ``windows`` (fit space) at the
    cycles ``targets`` (rows), and its difference from the straight line through the
    last two (the error estimate)."""
    a, b, c = windows[-3:]
    t = np.array([a.cycle, b.cycle, c.cycle], dtype=float)
    T = np.asarray(targets, dtype=float)[:, None]
    f12 = (c.end - b.end) / (t[2] - t[1])
    f012 = (f12 - (b.end - a.end) / (t[1] - t[0])) / (t[2] - t[0])
    line = c.end + (T - t[2]) * f12
    bend = (T - t[2]) * (T - t[1]) * f012
    return line + bend, np.abs(bend)


def slope_model(a, b):
    """The envelope's slope between and beyond the windows ``a`` and ``b`` (b later):
    exponential, :math:`s(t) = s_b e^{\\lambda (t - t_b)}`, where both slopes have the
    same sign (exact for states relaxing geometrically), else linear in t. Returns a
    function of (n0, n1) -> the sum of the slope over the cycles n0 + 1 .. n1 (each cycle's
    increment is the slope at its middle; vectorised over n1 as rows)."""
    distance = b.t - a.t
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log(b.slope / a.slope) / distance
    exponential = np.isfinite(rate) & (a.slope * b.slope > 0)
    rate = np.clip(np.where(exponential, rate, 0.0), *RATE_BOUNDS)
    change = np.where(exponential, 0.0, (b.slope - a.slope) / distance)
    flat = np.abs(rate) < 1e-12
    r = np.where(flat, 1.0, rate)

    def total(n0, n1):
        n = np.asarray(n1, dtype=float)[:, None] - n0
        u0 = n0 + 0.5 - b.t  # the first cycle's middle
        geometric = b.slope * np.exp(r * u0) * np.expm1(r * n) / np.expm1(r)
        straight = n * b.slope + change * (n * u0 + n * (n - 1) / 2)
        return np.where(flat, straight, geometric)

    return total


def _predicted(windows, log, targets):
    """The ends (fit space) at the cycles ``targets`` (rows) and their error estimates,
    from the last three ``windows``: along the slope model of the last two (the
    estimate: its difference from the model of the two before); for the states in log
    space, once the windows span ENDS_SPAN cycles, along the quadratic through the
    three ends (the estimate: its bend)."""
    a, b, c = windows[-3:]
    ahead = slope_model(b, c)(c.cycle, targets)
    predicted = c.end + ahead
    estimate = np.abs(ahead - slope_model(a, b)(c.cycle, targets))
    if c.cycle - a.cycle >= ENDS_SPAN and log.any():
        quadratic, bend = through_ends(windows, targets)
        predicted, estimate = np.where(log, quadratic, predicted), np.where(log, bend, estimate)
    return predicted, estimate


def plan_jump(windows, log, y, remaining, tolerance=DEFAULT_TOLERANCE, max_jump=MAX_JUMP, stiff=None):
    """Number of cycles to skip after the last window's end (0: simulate the next cycle).

    ``windows``: the block's Windows; ``log``: mask of the states in log space; ``y``:
    the differential states at the last end; ``remaining``: cycles of the block still
    to come. The jump is the largest whose error estimate (``_predicted``) stays below
    ``tolerance`` times :math:`|y| + 10^{-3}` for every state, at most twice the span of
    the last three windows (plus one) and ``max_jump``; the block's last END_SIMULATED
    cycles are simulated."""
    allowed = remaining - END_SIMULATED
    if len(windows) < 3 or allowed < 2:
        return 0
    a, c = windows[-3], windows[-1]
    limit = int(min(max_jump, allowed, 2 * (c.t - a.t) + 1))
    if limit < 2:
        return 0
    jumps = np.arange(2, limit + 1)
    _, estimate = _predicted(windows, log, c.cycle + jumps)
    sensitivity = np.where(log, np.abs(y), 1.0)  # error in y per unit error in ln y
    error = estimate * sensitivity / (tolerance * (np.abs(y) + STATE_FLOOR))
    if stiff is not None:  # settled from the other states after a jump: out of the error test
        error = np.where(stiff, 0.0, error)
    too_far = np.flatnonzero(~(np.max(error, axis=1) <= 1))  # NaN counts as too far
    if not len(too_far):
        return int(jumps[-1])
    return int(jumps[too_far[0] - 1]) if too_far[0] else 0


def jumped(windows, log, jump):
    """The differential states ``jump`` cycles after the last window's end
    (``_predicted``; log space undone). A state positive at every end of the last three
    windows that the prediction takes to zero or below -- a share running out, such as an
    anion's contact inventory once the coating is used up (the model's rates take its
    positive part) -- is set to zero, its limit, rather than below it; a state in log
    space that has decayed below e^LOG_FLOOR is held (its fit could turn upwards)."""
    z = _predicted(windows, log, [windows[-1].cycle + jump])[0][0]
    z = np.where(log & (windows[-1].end <= LOG_FLOOR), windows[-1].end, z)
    y = np.where(log, np.exp(np.where(log, z, 0.0)), z)
    ends = np.array([[w.end - w.slope, w.end] for w in windows[-3:]]).reshape(-1, len(y))
    return np.where(~log & (ends > 0).all(axis=0) & (y <= 0), 0.0, y)


def contraction(start, probed_start, end, probed_end, candidates):
    """The contraction per cycle :math:`a = \\partial x_{n+1}/\\partial x_n` of each
    ``candidates`` state (mask over the differential states) from a probe: the same cycle
    run from ``start`` and from ``probed_start`` (the candidates changed), ending at ``end``
    and ``probed_end``. NaN where the probe did not change the state (a state at zero)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (probed_end - end) / (probed_start - start)
    return np.where(candidates & (probed_start != start), a, np.nan)


def stiff_mask(a):
    """The states stiff for the jump: contraction per cycle in (0, STIFF)."""
    return np.isfinite(a) & (a > 0) & (a < STIFF)


def envelope_step(points, cycle):
    """The envelope's change in fit space over the cycle ending at ``cycle``, as a linear
    function ``D0 + D1 w`` of its (unknown) value ``w`` there: the difference over that
    cycle of the polynomial through ``points`` (the settled ends ``(cycle, z)`` of the last
    one or two windows) and ``(cycle, w)`` -- the secant, or the quadratic's
    :math:`f_{01} + f_{012}\\,(2 t - 1 - t_0 - t_1)`. Returns (D0, D1)."""

    def step(w):
        (t1, z1), t = points[-1], cycle
        f12 = (w - z1) / (t - t1)
        if len(points) == 1:
            return f12
        t0, z0 = points[-2]
        f01 = (z1 - z0) / (t1 - t0)
        return f01 + (f12 - f01) / (t - t0) * (2 * t - 1 - t0 - t1)

    d0 = step(0.0)
    return d0, step(1.0) - d0


def settled(before, end, points, cycle, a, stiff):
    """The stiff states of a window -- ``before`` and ``end`` its two cycle ends (the
    second at ``cycle``), ``points`` the settled ends ``(cycle, ln x)`` of the last one or
    two windows before it, ``a`` their contraction per cycle -- moved onto the envelope
    (see the module docstring): the envelope value :math:`x^e = e^w` solves
    :math:`x^e - a\\,x^e e^{-D(w)} = x_{m+1} - a\\,x_m`, :math:`D` the envelope's change
    in :math:`\\ln x` over the window's cycle (``envelope_step``), by Newton's method from
    :math:`w = \\ln x_{m+1}`. A state left as it is:
    not stiff, not positive, ill-conditioned (:math:`|e^D - a| < (1-a)/4`: the envelope
    decaying about as fast as a deviation from it; nothing tells them apart, nor need
    it), or Newton's method not converged. Returns the settled window's two ends and the
    mask of the states settled."""
    with np.errstate(all="ignore"):
        u = end - a * before
        d0, d1 = envelope_step(points, cycle)
        w = np.log(end)
        for _ in range(12):
            back = a * np.exp(w - d0 - d1 * w)
            w = w - (np.exp(w) - back - u) / (np.exp(w) - back * (1 - d1))
        x, rho = np.exp(w), np.exp(d0 + d1 * w)
        ok = stiff & (before > 0) & (end > 0) & np.isfinite(x) & (x > 0)
        ok &= np.abs(x - a * x / rho - u) <= 1e-9 * np.abs(x) + 1e-300
        ok &= np.abs(rho - a) >= (1 - a) / 4
    return np.where(ok, x / np.where(ok, rho, 1.0), before), np.where(ok, x, end), ok


def without_deviation(before, settled_before, response, stiff):
    """The window's start ``before`` (differential states) with the stiff states at their
    settled values ``settled_before`` and the other states moved by what the stiff
    states' deviation from them changes over one cycle, so that the window's slope is
    the envelope's: the probe's ``response`` (the change of the stiff states put in,
    the change of every state one cycle later) gives that column of the cycle map's
    Jacobian (the least-squares rank-one map when several states were probed)."""
    push, moved = response
    deviation = np.where(stiff, before - settled_before, 0.0)
    share = push @ deviation / (push @ push)
    return np.where(stiff, settled_before, before + moved * share)


def settle_window(windows, before, end, cycle, log, a, response):
    """A new window (its start ``before`` in fit space, its ``end`` the differential
    states at ``cycle``) with the stiff states settled onto the envelope (``settled``;
    ``windows``: the block's windows before it) and the other states' start moved by the
    effect of the stiff states' deviation over the window's cycle
    (``without_deviation``). Returns the window's start (fit space) and its end."""
    undo = np.where(log, np.exp(np.where(log, before, 0.0)), before)
    points = [(w.cycle, w.end) for w in windows[-2:]]
    start, end, done = settled(undo, end, points, cycle, a, stiff_mask(a))
    return fit_space(without_deviation(undo, start, response, done), log), end


def geometric_mask(simulation):
    """Boolean mask over the built model's differential states: those the model names
    as geometric in the cycle number (``CellModel.geometric_states``)."""
    import pybamm

    built = simulation._built_experiment_model
    mask = np.zeros(built.len_rhs, dtype=bool)
    for name in getattr(simulation.model, "geometric_states", ()):
        for node in built.get_processed_variable_or_event(name).pre_order():
            if isinstance(node, pybamm.StateVector):
                for part in node.y_slices:
                    mask[part] = True
    return mask


def cycle_simulations(spec, pset, model_options, compile=False):
    """A simulation of one cycle for each distinct cycle of ``spec`` (``{cycle: sim}``).

    They share one built model and solver: PyBaMM's unified experiment model
    of all the distinct cycles, built once, and per cycle a shallow copy whose experiment
    is that cycle, its steps mapped to the same branches of the model. Set-up (model
    processing, discretisation, solver, the step-end functions) is then paid once rather
    than once per block."""
    from ..protocol.experiment_file import Block, ExperimentSpec

    def one(cycles):
        blocks = [Block(list(cycle)) for cycle in cycles]
        return ExperimentSpec(spec.name, blocks, temperature_C=spec.temperature_C, period=spec.period)

    distinct = list(dict.fromkeys(spec.cycles()))
    if spec.has_sweeps or len(distinct) == 1:
        return {cycle: build_simulation(one([cycle]), pset, model_options, compile=compile) for cycle in distinct}
    base = build_simulation(one(distinct), pset, model_options, compile=compile)
    base.build_for_experiment()
    base._points()  # one step-end evaluator for the one built model, not one per view
    indices, offset, simulations = base._experiment_step_indices, 0, {}
    for cycle in distinct:
        view = simulations[cycle] = object.__new__(type(base))  # not copy.copy: __getstate__ drops the built models
        view.__dict__.update(base.__dict__)
        view.experiment = one([cycle]).pybamm_experiment(solver_steps=True)
        if indices:  # unified model: the steps' branches
            view._experiment_step_indices = indices[offset : offset + len(cycle)]
        offset += len(cycle)
    return simulations


def run_extrapolated(experiment, parameter_set=None, overrides=None, options=None, tolerance=DEFAULT_TOLERANCE):
    """Like :func:`ssbsim.simulation.run.run`, with cycle jumps inside blocks of identical
    cycles. Returns a Result whose ``.cycles`` has one row per cycle and a ``simulated``
    column.

    A cycle that does not run all its steps stops the run (SimulationError carrying the
    cycles before it, as the full run does): its end is not a cycle end to extrapolate.

    Measured on formation_4p15V (800 cycles, shipped ageing; 2026-11-22, against the full
    run): ``tolerance`` 2e-3 / 3e-3 / 4e-3 / 5e-3 / 6e-3 / 7e-3 / 1e-2 simulates
    68 / 68 / 57 / 51 / 47 / 55 / 49 cycles (and probes 4-5: ``Result.probes``), the
    discharge capacity of every cycle within 0.18 / 0.10 / 0.15 / 0.15 / 0.13 / 0.05 / 0.13 %
    of the full run's, R1 within 0.07 / 0.35 / 0.41 / 0.49 / 0.36 / 0.34 / 0.59 % (0.41 / 0.45
    / 0.53 / 1.45 / 1.75 / 1.88 / 0.59 % with Akima's curve alone in the skipped rows) and R2
    within 0.35 / 0.51 / 0.54 / 0.78 / 0.49 / 0.40 / 0.72 %. The
    count is not strictly monotonic in the tolerance (jump decisions are discrete), but no
    longer erratic: see "Stiff states" in the module docstring. he2018_cycling and
    duchene2020_cycling have no geometric states and run as before (20 and 28 cycles
    simulated; capacity within 0.61 and 0.02 %, R1 0.00 and 0.06 %); rate_test_longterm: 42
    cycles and 5 probes (50 cycles before), capacity within 0.01 %, R1 0.12 %."""
    spec, pset, model_options = prepare(experiment, parameter_set, overrides, options)
    start = time.perf_counter()
    cycles = spec.cycles()
    # each solve starts from the last simulated cycle alone (``carry``), not from the
    # whole solution so far: PyBaMM folds its starting solution into the new one, which
    # made the run quadratic in the number of simulated cycles; the cycles are folded
    # once at the end
    # compiled when the run is long
    simulations = cycle_simulations(spec, pset, model_options, compile=len(cycles) >= 100)
    masks, simulated, collected, carry = {}, [], [], None
    # this block's windows; the fit-space end of the last cycle, unless a jump followed it;
    # the contraction per cycle of the geometric states, the stiff ones; the probe cycle's
    # start and end, until the cycle it probes ends
    windows, before, a, stiff, probe = [], None, None, None, None
    n = probes = 0
    while n < len(cycles):
        cycle = cycles[n]
        if n == 0 or cycles[n - 1] != cycle:
            windows, before, a, stiff, probe = [], None, None, None, None
            first, probed = n, None  # the block's first cycle; the last probed
            block_end = n
            while block_end < len(cycles) and cycles[block_end] == cycle:
                block_end += 1
        sim = simulations[cycle]
        try:
            new = sim.solve(starting_solution=carry)
        except Exception as err:  # solver failure: the cycles so far are the result
            stopped = f"extrapolated run failed at cycle {n + 1}: {' '.join(str(err).split())}"
            raise _stopped(stopped, collected, simulated, spec, pset, model_options, start) from err
        new_cycle = new.cycles[-1] if new is not None and len(new.cycles) > (carry is not None) else None
        if new_cycle is None or not complete(new_cycle, sim):
            # a cycle cut short (a step infeasible, or ended by another limit): the run
            # stops there, as the full run does, with the cycles before it; the cut cycle's
            # end is not carried on into windows and jumps
            done = 0 if new_cycle is None else len(new_cycle.steps)
            reason = getattr(new_cycle.steps[-1], "termination", "") if done else "its first step was infeasible"
            stopped = f"extrapolated run stopped in cycle {n + 1} after {done} of {len(cycle)} steps ({reason})"
            raise _stopped(stopped, collected, simulated, spec, pset, model_options, start)
        carry = as_starting_solution(new)
        collected.append(carry)
        n += 1
        simulated.append(n)
        end = _end_state(carry.last_state)
        n_diff = sim._built_experiment_model.len_rhs  # y = [differential; algebraic]
        log = masks.get(cycle)
        if log is None:
            log = masks[cycle] = geometric_mask(sim)
        if probe is not None:  # the cycle just simulated was also run from a probed start
            a = contraction(probe[0], probe[1], end[:n_diff], probe[2], log)
            response = probe[1] - probe[0], probe[2] - end[:n_diff]
            stiff, probe = stiff_mask(a), None
        after = fit_space(end[:n_diff], log)
        jump = 0
        if before is not None:  # a new window: plan a jump
            if windows and stiff is not None and stiff.any():  # its stiff states settled
                before, end[:n_diff] = settle_window(windows, before, end[:n_diff], n, log, a, response)
                _set_end_state(carry, end)
                after = fit_space(end[:n_diff], log)
            windows.append(Window(n, before, after))
            jump = plan_jump(windows, log, end[:n_diff], block_end - n, tolerance, stiff=stiff)
        before = after
        if jump:
            end[:n_diff] = jumped(windows, log, jump)
            _set_end_state(carry, end)
            before = None  # the next cycle relaxes the particles; the one after it gives a window
            n += jump
            if log.any() and (probed is None or n - first >= PROBE_GROWTH * (probed - first)):
                # the cycle after the jump, simulated anyway, probed: the contraction per cycle
                probe, probed, probes = probe_cycle(sim, carry, end, n_diff, log), n, probes + 1
    return _result(collected, simulated, spec, pset, model_options, start, probes)


def probe_cycle(sim, carry, end, n_diff, log):
    """Run the next cycle from ``carry`` (whose end state is ``end``) with the states in
    ``log`` changed by PROBE, and restore ``carry``. Returns the unprobed start, the
    probed start and the probed end (differential states), or None if the probe cycle
    failed or was cut short."""
    start = end[:n_diff].copy()
    probed = end.copy()
    probed[:n_diff] = np.where(log, start * (1 + PROBE), start)
    _set_end_state(carry, probed)
    try:
        solution = sim.solve(starting_solution=carry)
        probe = solution.cycles[-1] if solution is not None and len(solution.cycles) > 1 else None
    except Exception:  # the probe is an option: the run goes on without it
        probe = None
    finally:
        _set_end_state(carry, end)
    if probe is None or not complete(probe, sim):
        return None
    return start, probed[:n_diff], _end_state(probe.last_state)[:n_diff]


def _result(collected, simulated, spec, pset, model_options, start, probes=0):
    """The Result of the simulated cycles ``collected`` (numbers ``simulated``), rows up to
    the last simulated cycle; ``start``: perf_counter at the start of the run; ``probes``:
    the probe cycles run besides them."""
    import pybamm

    from ..protocol.experiment_file import Block, ExperimentSpec
    from .result import Result

    solution = pybamm.Solution.from_sub_solutions(collected)
    solution.cycles = collected
    wall = time.perf_counter() - start
    cycles = spec.cycles()
    simulated_spec = ExperimentSpec(
        spec.name,
        [Block(list(cycles[k - 1])) for k in simulated],
        temperature_C=spec.temperature_C,
        period=spec.period,
        source=spec.source,
    )
    result = Result(solution, simulated_spec, pset, model_options, wall_time=wall)
    result.experiment = spec
    result.cycle_numbers = simulated
    result.probes = probes
    result.cycles = fill_skipped(result.cycles, simulated, simulated[-1])
    return result


def _stopped(message, collected, simulated, spec, pset, model_options, start):
    """SimulationError(``message``) carrying (``.result``) the cycles simulated before the
    stop, as :func:`ssbsim.simulation.run.run` does."""
    from ..errors import SimulationError

    error = SimulationError(message)
    error.result = _result(collected, simulated, spec, pset, model_options, start) if collected else None
    return error


def complete(cycle_solution, sim):
    """Whether ``cycle_solution`` ran every step of ``sim``'s one-cycle experiment."""
    return len(cycle_solution.steps) == len(sim.experiment.steps)


def fill_skipped(table, simulated, n_cycles):
    """One row per cycle: the simulated rows (renumbered) and, for the skipped cycles,
    every numeric column interpolated across each gap (``across_gaps``); a ``simulated``
    column."""
    import pandas as pd

    table = table.copy()
    table["cycle"] = simulated[: len(table)]
    table = table.set_index("cycle")
    full = table.reindex(range(1, n_cycles + 1))
    numeric = full.select_dtypes("number").columns
    akima = full[numeric].interpolate(method="akima", limit_area="inside").to_numpy(dtype=float)
    rows = full.index.isin(table.index)
    full[numeric] = across_gaps(full[numeric].to_numpy(dtype=float), rows, akima)
    full["simulated"] = rows
    full = full.reset_index()
    return pd.DataFrame(full)


def across_gaps(values, simulated, akima):
    """The rows ``values`` (cycles x columns) of the skipped cycles (``simulated`` False)
    filled in: Akima's curve ``akima`` through the simulated rows, bent towards the slope
    model of the two windows around each gap by the weight :math:`1/(1 + (\\rho/\\beta)^2)`,
    the model's residual over the gap against its bend (see the module docstring). Where
    a gap lacks a window at either end, Akima's curve as it is."""
    filled = akima.copy()
    rows = np.flatnonzero(simulated)
    for m, r in zip(rows[:-1], rows[1:]):
        if r - m < 2 or m < 1 or r + 1 >= len(values) or not (simulated[m - 1] and simulated[r + 1]):
            continue
        # rows m-1, m and r, r+1 are the cycles m, m+1 and r+1, r+2 (one-based)
        total = slope_model(Window(m + 1, values[m - 1], values[m]), Window(r + 2, values[r], values[r + 1]))
        change = total(m + 1, np.arange(m + 2, r + 2))  # over cycles m+2 .. r+1, the gap and row r
        share = (np.arange(1, r - m + 1) / (r - m))[:, None]
        residual = values[r] - values[m] - change[-1]
        model = values[m] + change + share * residual
        with np.errstate(all="ignore"):
            ratio = np.abs(residual) / np.max(np.abs(change - share * change[-1]), axis=0)
            weight = np.where(np.isfinite(ratio), 1 / (1 + ratio**2), 0.0)
        gap = slice(m + 1, r)
        filled[gap] = np.where(np.isfinite(model[:-1]), akima[gap] + weight * (model[:-1] - akima[gap]), akima[gap])
    return filled
