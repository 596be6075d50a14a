r"""Cycle jumps: windows, the slope model in the cycle number, and the error control that
sizes each jump (``simulation/extrapolate.py`` runs them; the method and its citations
are there).

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
  (a Milne-type pair of predictors) differs from it by about its error (the constant of
  Milne's device at these unequal steps in place of 1 was tried and dropped:
  ``benchmarks/README.md``, "Jump landings and Milne's constant"); the jump ``h``
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
error estimate: its bend from the straight line through the last two). A state in log space is
held within what the last two windows' slopes allow over the jump (``slope_bound``: the
range of none, either slope and the later one extended along their line, widened by
SLOPE_MARGIN), and no jump -- a planned one (``extrapolate.PLAN_SLACK``) included -- carries such a
state with an error estimate beyond LOG_MOVE in ln y, nor lands a non-finite state: the
error control in y bounds neither a state far below STATE_FLOOR nor a stiff one
(measured at trial values of asakura2020_interphase: a cracked layer of 1e-9 m jumped to
0.06 m, then to 1e9 m; at Cell A's values neither bound acts, the simulated cycles and
rows of formation_4p15V at 4e-3 are as before). Every
differential state takes part, so slow states added to the model later are picked up;
the algebraic states are solved again at the next step start.
"""

import numpy as np

DEFAULT_TOLERANCE = 4e-3  # chosen on formation_4p15V: see run_extrapolated (5e-3 before the refit of Cell A)
MAX_JUMP = 200
END_SIMULATED = 2  # last cycles of a block that are always simulated
STATE_FLOOR = 1e-3  # of the solver's (scaled, order-one) states: below it, absolute error
RATE_BOUNDS = (-1.0, 0.01)  # of the slope model, per cycle: relaxation within a cycle .. growth e-fold in 100
ENDS_SPAN = 20  # cycles spanned by three windows from which geometric states are fitted through their ends
SLOPE_MARGIN = 0.25  # of the range of changes the slopes allow a state in log space (``slope_bound``)
LOG_MOVE = 4.0  # largest error estimate, in ln y, of a state in log space at a jump's landing (``log_moves``)
LOG_FLOOR = np.log(1e-100)  # a state in log space below e^LOG_FLOOR has decayed away: held


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


def slope_model(a, b, like=None):
    """The envelope's slope between and beyond the windows ``a`` and ``b`` (b later):
    exponential, :math:`s(t) = s_b e^{\\lambda (t - t_b)}`, where both slopes have the
    same sign (exact for states relaxing geometrically), else linear in t. Returns a
    function of (n0, n1) -> the sum of the slope over the cycles n0 + 1 .. n1 (each cycle's
    increment is the slope at its middle; vectorised over n1 as rows). ``like``: two
    windows whose slopes choose the branch and :math:`\\lambda` (default a and b): the
    model is then linear in the slopes of a and b (their sensitivities, jump_sensitivities.py)."""
    a0, b0 = like or (a, b)
    distance = b.t - a.t
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log(b0.slope / a0.slope) / distance
    exponential = np.isfinite(rate) & (a0.slope * b0.slope > 0)
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


def _predicted(windows, log, targets, like=None):
    """The ends (fit space) at the cycles ``targets`` (rows) and their error estimates,
    from the last three ``windows``: along the slope model of the last two (the
    estimate: its difference from the model of the two before); for the states in log
    space, once the windows span ENDS_SPAN cycles, along the quadratic through the
    three ends (the estimate: its bend). ``like``: the windows whose slopes shape the
    slope model (``slope_model``)."""
    a, b, c = windows[-3:]
    ahead = slope_model(b, c, like=like and like[-2:])(c.cycle, targets)
    predicted = c.end + ahead
    estimate = np.abs(ahead - slope_model(a, b)(c.cycle, targets))
    if not log.any():
        return predicted, estimate
    # the states in log space, column by column as over all the states, on their columns
    # alone (a plan evaluates up to MAX_JUMP rows: a third of its time on the others)
    k = np.flatnonzero(log)
    ends = _columns(windows, k)
    if c.cycle - a.cycle >= ENDS_SPAN:
        predicted[:, k], estimate[:, k] = through_ends(ends, targets)
    # held within what the slopes allow: chosen by the values (``like``'s, for sensitivities)
    moved = predicted[:, k] - c.end[k] if like is None else (_predicted(like, log, targets)[0] - like[-1].end)[:, k]
    bounds = _bounding_changes(ends, targets)
    side, low, high = slope_bound(bounds if like is None else _bounding_changes(_columns(like, k), targets), moved)
    lo, hi = (np.take_along_axis(bounds, j[None], axis=0)[0] for j in (low, high))
    held = np.where(side < 0, lo - SLOPE_MARGIN * (hi - lo), hi + SLOPE_MARGIN * (hi - lo))
    predicted[:, k] = np.where(side != 0, c.end[k] + held, predicted[:, k])
    return predicted, estimate


def _columns(windows, k):
    """The last three ``windows`` restricted to the states ``k`` (indices)."""
    out = []
    for w in windows[-3:]:
        part = object.__new__(Window)
        part.cycle, part.t, part.slope, part.end = w.cycle, w.t, w.slope[k], w.end[k]
        out.append(part)
    return out


def slope_bound(bounds, change):
    """Whether a state in log space moves beyond what the per-cycle slopes of the last two
    windows allow -- ``change`` (rows: the cycles jumped to) below (-1) or above (1)
    the range of the changes ``bounds`` (``_bounding_changes``: none, the jump times either slope, or
    times the later one extended along their straight line to the jump's end), widened by
    SLOPE_MARGIN times its width on either side; 0 within -- and the indices of the lowest
    and the highest of those changes. (The quadratic through three window ends, fitted over
    up to 2 x MAX_JUMP cycles, can bend by tens in ln y over a long jump while each window
    moved it by a tenth: measured at asakura2020_interphase trial values, a stiff cracked
    layer of 1e-9 m landed at 0.06 m and, jump after jump, at 1e9 m.)"""
    low, high = np.argmin(bounds, axis=0), np.argmax(bounds, axis=0)
    lo, hi = np.min(bounds, axis=0), np.max(bounds, axis=0)
    margin = SLOPE_MARGIN * (hi - lo)
    side = np.where(change < lo - margin, -1, np.where(change > hi + margin, 1, 0))
    return side, low, high


def _bounding_changes(windows, targets):
    """The changes over the jumps to ``targets`` (rows) that the last two ``windows``'
    slopes allow (stacked, first axis): none, the jump times the earlier slope, the later
    one, and the later one extended along the straight line through both to the jump's
    end."""
    b, c = windows[-2:]
    h = np.asarray(targets, dtype=float)[:, None] - c.cycle
    far = c.slope + (c.slope - b.slope) * h / (c.t - b.t)
    return np.stack(np.broadcast_arrays(0 * h * c.slope, h * b.slope, h * c.slope, h * far))


class Candidates:
    """The jumps a plan chooses from after the last window (``candidate_jumps``): ``jumps``
    (2 .. the longest allowed) and, per jump (rows), the landings in fit space and their
    error estimates (``_predicted``); ``jumped`` takes its landing from them rather than
    predicting it again (the same row: each row is computed on its own)."""

    def __init__(self, jumps, predicted, estimate):
        self.jumps, self.predicted, self.estimate = jumps, predicted, estimate

    def landing(self, jump):
        """The landing (fit space) of ``jump``, one of ``jumps``."""
        return self.predicted[jump - self.jumps[0]]


def candidate_jumps(windows, remaining, log, max_jump=None):
    """The Candidates after the last of ``windows``: the jumps of at least two cycles up to
    twice the span of the last three windows (plus one), ``max_jump`` (None: MAX_JUMP, read
    at the call) and the block's end (``remaining`` cycles to come, the last END_SIMULATED
    simulated), with their landings; None where no such jump is possible (fewer than three
    windows)."""
    max_jump = MAX_JUMP if max_jump is None else max_jump
    allowed = remaining - END_SIMULATED
    if len(windows) < 3 or allowed < 2:
        return None
    a, c = windows[-3], windows[-1]
    limit = int(min(max_jump, allowed, 2 * (c.t - a.t) + 1))
    if limit < 2:
        return None
    jumps = np.arange(2, limit + 1)
    return Candidates(jumps, *_predicted(windows, log, c.cycle + jumps))


def plan_jump(windows, log, y, remaining, tolerance=DEFAULT_TOLERANCE, max_jump=None, stiff=None, candidates=None):
    """Number of cycles to skip after the last window's end (0: simulate the next cycle).

    ``windows``: the block's Windows; ``log``: mask of the states in log space; ``y``:
    the differential states at the last end; ``remaining``: cycles of the block still
    to come. The jump is the largest whose error estimate (``_predicted``) stays below
    ``tolerance`` times :math:`|y| + 10^{-3}` for every state (``stiff`` ones aside), and
    whose landing a state in log space is not carried to with an error estimate beyond
    LOG_MOVE in ln y (``log_moves``), at most twice the span of the last three windows
    (plus one) and ``max_jump`` (None: MAX_JUMP, read at the call); the block's last
    END_SIMULATED cycles are simulated.
    ``candidates``: ``candidate_jumps(windows, remaining, log, max_jump)``, if computed
    already (a plan checked at another tolerance, ``jumped``)."""
    if candidates is None:
        candidates = candidate_jumps(windows, remaining, log, max_jump)
    if candidates is None:
        return 0
    jumps, predicted, estimate = candidates.jumps, candidates.predicted, candidates.estimate
    sensitivity = np.where(log, np.abs(y), 1.0)  # error in y per unit error in ln y
    error = estimate * sensitivity / (tolerance * (np.abs(y) + STATE_FLOOR))
    if stiff is not None:  # settled from the other states after a jump: out of the error test
        error = np.where(stiff, 0.0, error)
    return _longest(jumps, np.maximum(error, log_moves(log, predicted, estimate)))


def log_moves(log, predicted, estimate):
    """The error estimates ``estimate`` (rows: the jumps; ``predicted``: the landings, both
    from ``_predicted``) of the states in log space in ln y, over
    LOG_MOVE (at most one for a jump a state is carried by: the error control in y of a
    state small against STATE_FLOOR, or of a stiff state, left out of it, bounds it by
    nothing; measured at asakura2020_interphase trial values: a stiff cracked layer of
    8e-8 m, its window slopes -0.20 and +0.57 per cycle in ln y, jumped to 1e12 m); NaN
    (too far) where the landing is not finite."""
    out = np.where(log, estimate / LOG_MOVE, 0.0)
    return np.where(np.isfinite(predicted) & (~log | (predicted < np.log(np.finfo(float).max))), out, np.nan)


def _longest(jumps, error):
    """The longest of ``jumps`` before the first whose ``error`` (rows) exceeds one in any
    state (NaN counts as too far); 0 if the first does."""
    too_far = np.flatnonzero(~(np.max(error, axis=1) <= 1))
    if not len(too_far):
        return int(jumps[-1])
    return int(jumps[too_far[0] - 1]) if too_far[0] else 0


def jumped_sensitivity(windows, columns, log, jump, landing):
    """d(landing state)/dp of ``jumped(windows, log, jump)`` (= ``landing``): the same
    prediction applied to ``columns``, the windows of the fit-space sensitivities (states x
    parameters), with the slope model's branch and rate those of ``windows`` (so linear in
    the columns), and ln y undone by dy = y dz; zero where the share was set to its limit,
    the window's last column where a state in log space is held."""
    last = windows[-1]
    out = np.empty((len(landing), columns[-1].end.shape[1]))
    for k in range(out.shape[1]):
        these = [Window(w.cycle, (w.end - w.slope)[:, k], w.end[:, k]) for w in columns[-3:]]
        dz = _predicted(these, log, [last.cycle + jump], like=windows[-3:])[0][0]
        dz = np.where(log & (last.end <= LOG_FLOOR), these[-1].end, dz)
        out[:, k] = np.where(log, landing * dz, np.where(landing == 0, 0.0, dz))
    return out


def jumped(windows, log, jump, candidates=None):
    """The differential states ``jump`` cycles after the last window's end
    (``_predicted``; log space undone). A state positive at every end of the last three
    windows that the prediction takes to zero or below -- a share running out, such as an
    anion's contact inventory once the coating is used up (the model's rates take its
    positive part) -- is set to zero, its limit, rather than below it; a state in log
    space that has decayed below e^LOG_FLOOR is held (its fit could turn upwards).
    ``candidates``: the plan's (``candidate_jumps``), ``jump`` one of them: its landing."""
    if candidates is None:
        z = _predicted(windows, log, [windows[-1].cycle + jump])[0][0]
    else:
        z = candidates.landing(jump)
    z = np.where(log & (windows[-1].end <= LOG_FLOOR), windows[-1].end, z)
    y = np.where(log, np.exp(np.where(log, z, 0.0)), z)
    ends = np.array([[w.end - w.slope, w.end] for w in windows[-3:]]).reshape(-1, len(y))
    return np.where(~log & (ends > 0).all(axis=0) & (y <= 0), 0.0, y)
