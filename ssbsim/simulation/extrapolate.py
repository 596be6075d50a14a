r"""Inter-cycle extrapolation ("cycle jumping") for long protocols.

Over hundreds of identical cycles the state at the same phase of each cycle (its end)
drifts slowly: films thicken, the anode loses contact, Na is consumed. Sampled once per
cycle, the differential states form a slowly varying sequence :math:`y_n` -- the
envelope of the oscillating solution (Petzold, SIAM J. Numer. Anal. 18 (1981) 455,
doi:10.1137/0718030) -- which can be advanced in big steps of the cycle number instead
of cycle by cycle: the cycle-jump method of fatigue mechanics (Cojocaru & Karlsen, Int.
J. Fatigue 28 (2006) 1677, doi:10.1016/j.ijfatigue.2006.01.009), used for battery ageing
by e.g. Sulzer et al. (Joule 5 (2021) 1934).

Here: within a block of identical cycles, after three simulated cycles with end states
:math:`y_{n-2}, y_{n-1}, y_n`, the next ``N`` cycles are skipped and every differential
state is advanced linearly, :math:`y_{n+N} = y_n + N (y_n - y_{n-1})` (the algebraic
states are solved again at the next step start). Error control: the linear
extrapolation errs by about :math:`N^2 |\Delta^2 y| / 2`, with
:math:`\Delta^2 y = y_n - 2y_{n-1} + y_{n-2}`; ``N`` is the largest jump keeping that below
``tolerance`` times :math:`|y_n| + 10^{-3}` for every state (in the solver's scaled
units, of order one), at most ``MAX_JUMP``, and the last cycles of each block are always
simulated.

States that a cycle multiplies by a fixed factor -- the passivating layer that cracking
breaks by the same share every cycle (``model/interphase_growth.py``; the model names them,
``CellModel.geometric_states``) -- follow :math:`y_{n+1} = r y_n + g_n`: a geometric
sequence once their source :math:`g_n` has stopped, which the linear rule cannot jump
(the curvature stays at :math:`(1-r)^2 y`, so the jumps stay below two cycles). They are
extrapolated in :math:`z = \ln y`, the straight line of a geometric sequence (exponential
fitting; the same rule and error control, the error in :math:`y` being
:math:`|y_n|` times that in :math:`z`); they enter no conservation law, so the linear
invariants (Na, each anion) still hold across a jump.

After a jump at least three cycles are simulated again before the next, so the
particles, which relax within a cycle, settle and the differences are measured afresh.
From the second jump of a block on, the curvature is the change of the slope across the
previous jump rather than the three-point second difference, which the solver's error in
each end state dominates for slowly drifting states (``plan_jump``). Every differential
state takes part, so slow states added to the model later (new films, inventories) are
picked up, and Na stays conserved (the particles' Na moves with the anode's).

The skipped cycles get rows of ``cycles.csv`` interpolated linearly between the simulated
ones; the column ``simulated`` tells which is which. The solution (and the time series)
holds the simulated cycles only; its time runs on without the skipped cycles.
"""

import time

import numpy as np

from .run import build_simulation, prepare

DEFAULT_TOLERANCE = 1e-2
MAX_JUMP = 200
SETTLE = 3  # simulated cycles before each jump (three end states for the differences)
STATE_FLOOR = 1e-3  # of the solver's (scaled, order-one) states: below it, absolute error


def _end_state(solution):
    return np.array(solution.last_state.all_ys[0][:, -1], dtype=float)


def _set_end_state(solution, y):
    last = solution.last_state
    ys = np.array(last.all_ys[0], dtype=float, copy=True)
    ys[:, -1] = y
    last.all_ys[0] = ys


def _ends_in_jump_space(states, n_differential, geometric=None, also=()):
    """The ends (oldest first) of the differential states in the space where they are
    extrapolated linearly -- ``log`` of the ``geometric`` ones (a boolean mask) that stayed
    positive in ``states`` and in the ends ``also`` -- and the mask of the states taken
    in log space. Returns (ends of ``states``, ends of ``also``, mask)."""
    ends = [np.asarray(s[:n_differential], dtype=float) for s in states]
    more = [np.asarray(s[:n_differential], dtype=float) for s in also]
    if geometric is None:
        return ends, more, np.zeros(n_differential, dtype=bool)
    use = np.asarray(geometric[:n_differential], dtype=bool) & np.all([e > 0 for e in ends + more], axis=0)

    def space(e):
        return np.where(use, np.log(np.where(use, e, 1.0)), e)

    return [space(e) for e in ends], [space(e) for e in more], use


def plan_jump(
    states,
    n_differential,
    remaining,
    tolerance=DEFAULT_TOLERANCE,
    max_jump=MAX_JUMP,
    geometric=None,
    previous=None,
):
    """Number of cycles to skip after the end ``states`` (last three, oldest first) of a
    block, with ``remaining`` cycles of the block still to come (the last SETTLE of them
    are always simulated). ``geometric``: mask of the states extrapolated in log space.

    ``previous``: (end states, distance, jump) of the window before the last jump of
    this block -- its three end states, the number of cycles from its last end to the
    last of ``states``, and the jump it took. The curvature is then the change of the
    slope across that distance, :math:`(d_n - d_{n-D})/D` with :math:`d = y_n - y_{n-1}`,
    instead of the three-point second difference: the solver's error in each end state
    (rtol 1e-4) enters divided by D rather than doubled, where slowly drifting states
    change by little more than that error per cycle. The jump may then grow by at most a
    factor of two (plus SETTLE) over the previous one, so that a knee in a state's
    history is approached in steps."""
    allowed = remaining - SETTLE
    if allowed < 2:
        return 0
    also = previous[0] if previous is not None else ()
    (a, b, c), earlier, log = _ends_in_jump_space(states, n_differential, geometric, also)
    if previous is None:
        curvature = c - 2 * b + a
        limit = max_jump
    else:
        _, distance, last_jump = previous
        curvature = ((c - b) - (earlier[2] - earlier[1])) / distance
        limit = min(max_jump, 2 * last_jump + SETTLE)
    y = np.asarray(states[-1][:n_differential], dtype=float)
    # error in y per unit of error in the extrapolated quantity: 1, or |y| for ln y
    sensitivity = np.where(log, np.abs(y), 1.0)
    scale = tolerance * (np.abs(y) + STATE_FLOOR)
    worst = np.max(np.abs(curvature) * sensitivity / scale)
    jump = limit if worst == 0 else int(np.sqrt(2 / worst))
    return int(min(jump, limit, allowed)) if jump >= 2 else 0


def jumped(states, n_differential, jump, geometric=None):
    """The end state ``jump`` cycles after the last of ``states``: differential states
    advanced along their line (in log space for the geometric ones), algebraic states as
    they were (solved again at the next step)."""
    (_, b, c), _, log = _ends_in_jump_space(states, n_differential, geometric)
    z = c + jump * (c - b)
    y = np.array(states[-1], dtype=float, copy=True)
    y[:n_differential] = np.where(log, np.exp(np.where(log, z, 0.0)), z)
    return y


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


def run_extrapolated(experiment, parameter_set=None, overrides=None, options=None, tolerance=DEFAULT_TOLERANCE):
    """Like :func:`ssbsim.simulation.run.run`, with cycle jumps inside blocks of identical
    cycles. Returns a Result whose ``.cycles`` has one row per cycle and a ``simulated``
    column. On formation_4p15V with the shipped ageing options ("leaky cracking", film
    isolation) about 150 of 800 cycles are simulated; against the full run the discharge
    capacity at cycle 800 is within 0.7 %, R2 within 1.2 %, R1 within 0.01 % (the full
    run's own solver error at rtol 1e-4 is of that order: 2 % in capacity at cycle 800
    against rtol 1e-6)."""
    import pybamm

    from ..errors import SimulationError
    from ..protocol.experiment_file import Block, ExperimentSpec
    from .result import Result

    spec, pset, model_options = prepare(experiment, parameter_set, overrides, options)
    start = time.perf_counter()
    cycles = spec.cycles()
    # each solve starts from the last simulated cycle alone (``carry``), not from the
    # whole solution so far: PyBaMM folds its starting solution into the new one, which
    # made the run quadratic in the number of simulated cycles; the cycles are folded
    # once at the end
    simulations, masks, simulated, collected, carry, window = {}, {}, [], [], None, None
    n, block_start = 0, 0
    while n < len(cycles):
        cycle = cycles[n]
        if n == 0 or cycles[n - 1] != cycle:
            block_start = n
        block_end = n
        while block_end < len(cycles) and cycles[block_end] == cycle:
            block_end += 1
        sim = simulations.get(cycle)
        if sim is None:
            one = ExperimentSpec(spec.name, [Block(list(cycle))], temperature_C=spec.temperature_C, period=spec.period)
            # compiled when the run is long (a block of identical cycles is one build)
            sim = simulations[cycle] = build_simulation(one, pset, model_options, compile=len(cycles) >= 100)
        try:
            new = sim.solve(starting_solution=carry)
        except Exception as err:
            raise SimulationError(f"extrapolated run failed at cycle {n + 1}: {' '.join(str(err).split())}") from err
        if new is None or len(new.cycles) <= (carry is not None):
            raise SimulationError(f"extrapolated run stopped at cycle {n + 1}")
        carry = new.cycles[-1]
        collected.append(carry)
        simulated.append(n + 1)
        n += 1
        recent = simulated[-SETTLE:]
        if len(recent) == SETTLE and recent[0] > block_start and recent == list(range(n - SETTLE + 1, n + 1)):
            ends = [_end_state(c.last_state) for c in collected[-SETTLE:]]
            n_diff = sim._built_experiment_model.len_rhs  # y = [differential; algebraic]
            geometric = masks.get(cycle)
            if geometric is None:
                geometric = masks[cycle] = geometric_mask(sim)
            previous = None
            if window is not None and window[1] > block_start:
                previous = (window[0], n - window[1], window[2])
            jump = plan_jump(ends, n_diff, block_end - n, tolerance, geometric=geometric, previous=previous)
            if jump:
                _set_end_state(carry, jumped(ends, n_diff, jump, geometric))
                window = (ends, n, jump)  # this window's ends, its last cycle, its jump
                n += jump
    solution = pybamm.Solution.from_sub_solutions(collected)
    solution.cycles = collected
    wall = time.perf_counter() - start
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
    result.cycles = fill_skipped(result.cycles, simulated, len(cycles))
    return result


def fill_skipped(table, simulated, n_cycles):
    """One row per cycle: the simulated rows (renumbered) and, for the skipped cycles,
    linear interpolation between them; a ``simulated`` column."""
    import pandas as pd

    table = table.copy()
    table["cycle"] = simulated[: len(table)]
    table = table.set_index("cycle")
    full = table.reindex(range(1, n_cycles + 1))
    numeric = full.select_dtypes("number").columns
    full[numeric] = full[numeric].interpolate(method="index", limit_area="inside")
    full["simulated"] = full.index.isin(table.index)
    full = full.reset_index()
    return pd.DataFrame(full)
