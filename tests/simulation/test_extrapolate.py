"""Cycle jumping (ssbsim run --extrapolate): one row per cycle, far fewer cycles
simulated, the capacity of the last cycle as in the full run."""

import logging

import numpy as np
import pytest

import ssbsim
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.simulation.cycle_jumps import (
    END_SIMULATED,
    ENDS_SPAN,
    Window,
    candidate_jumps,
    fit_space,
    jumped,
    plan_jump,
)
from ssbsim.simulation.extrapolate import run_extrapolated
from ssbsim.simulation.stiff_states import settle_window, settled, without_deviation

#: without the issue-9 ageing mechanisms the cycle-end states drift smoothly; with them ("cracking" breaks ~8 %
#: of the [B12H12]2- layer every cycle) the passivating layer's cycle-end values are geometric in the cycle number,
#: which the jump extrapolates in log space (simulation/extrapolate.py)
SMOOTH = {"SE inventory": "unlimited", "interphase growth": "passivating", "active material loss": "none"}


@pytest.mark.parametrize("options", [SMOOTH, {}], ids=["without ageing mechanisms", "shipped ageing"])
def test_extrapolated_run_matches_the_full_run(options):
    spec = truncated(load_experiment("formation_4p15V"), 150)
    full = ssbsim.run(spec, options=options)
    jumped = run_extrapolated(spec, options=options)
    cycles = jumped.cycles
    assert list(cycles["cycle"]) == list(range(1, 151))
    assert cycles["simulated"].iloc[:5].all() and cycles["simulated"].iloc[-1]
    assert cycles["simulated"].sum() < 75
    assert not cycles.drop(columns="simulated").isna().any().any()
    last_full, last_jumped = full.cycles.iloc[-1], cycles.iloc[-1]
    assert abs(last_jumped["discharge_capacity_mAh_g"] / last_full["discharge_capacity_mAh_g"] - 1) < 0.01
    assert abs(last_jumped["coulombic_efficiency"] - last_full["coulombic_efficiency"]) < 1e-3
    # the slow states: R1 and R2 within the full run's own time-stepping error (a few %)
    for column in ["anode_interface_resistance_ohm_cm2", "cathode_interphase_resistance_ohm_cm2"]:
        assert abs(last_jumped[column] / last_full[column] - 1) < 0.05
    # the time series carries the simulated cycles under their own numbers
    simulated = set(cycles.loc[cycles["simulated"], "cycle"])
    assert set(jumped.timeseries["cycle"]) == simulated
    assert jumped.metadata()["cycles_simulated"] == len(simulated)


def test_a_long_run_is_jumped_within_its_error_goal():
    """300 cycles with the shipped ageing: at most a fifth of the cycles simulated, and
    every cycle's discharge capacity within 1 % of the full run (0.5 % at the last); R1,
    which bends across the jump from cycle 79 to 149, within 0.75 % in every row (0.49 %;
    1.45 % with Akima's curve through the simulated rows alone)."""
    spec = truncated(load_experiment("formation_4p15V"), 300)
    full, jumped = ssbsim.run(spec).cycles, run_extrapolated(spec).cycles
    assert jumped["simulated"].sum() <= 60
    error = jumped["discharge_capacity_mAh_g"] / full["discharge_capacity_mAh_g"] - 1
    assert error.abs().max() < 0.01 and abs(error.iloc[-1]) < 0.005
    assert (jumped["coulombic_efficiency"] - full["coulombic_efficiency"]).abs().max() < 1e-3
    r1 = "anode_interface_resistance_ohm_cm2"
    assert (jumped[r1] / full[r1] - 1).abs().max() < 0.0075


def test_each_simulated_cycle_is_folded_once(monkeypatch):
    """The cycle carried into the next solve is taken by PyBaMM as it is: one cycle
    solution (and one set of summary variables) per simulated cycle, none made again
    from the starting solution; the cycles follow on in time."""
    import pybamm

    made = []
    make = pybamm.make_cycle_solution
    monkeypatch.setattr(pybamm, "make_cycle_solution", lambda steps, **kw: made.append(steps) or make(steps, **kw))
    result = run_extrapolated(truncated(load_experiment("formation_4p15V"), 6))
    assert result.cycles["simulated"].all()  # six cycles: too few to jump
    assert len(made) == 6
    starts = [cycle.t[0] for cycle in result.solution.cycles]
    ends = [cycle.t[-1] for cycle in result.solution.cycles]
    np.testing.assert_allclose(starts[1:], ends[:-1], rtol=1e-12)


def windows_of(y, cycles, log=None):
    """Windows (each two consecutive ends, the second at one of ``cycles``) of the
    sequence of states ``y(n)``, in log space where ``log``."""
    log = np.zeros(len(y(0)), dtype=bool) if log is None else log
    return [Window(m, fit_space(y(m - 1), log), fit_space(y(m), log)) for m in cycles]


def test_a_straight_drift_is_jumped_as_far_as_allowed_and_curvature_shortens_it():
    """Straight: the two slope models agree, the jump is the limit (twice the windows'
    span, plus one). A bend (slopes that change) shortens it; the block's last
    END_SIMULATED cycles are simulated."""
    no_log = np.zeros(2, dtype=bool)
    line = windows_of(lambda n: np.array([1.0, 2.0 + 0.01 * n]), [10, 20, 30])
    assert plan_jump(line, no_log, line[-1].end, remaining=500, tolerance=1e-3) == 2 * 20 + 1
    assert plan_jump(line, no_log, line[-1].end, remaining=500, tolerance=1e-3, max_jump=25) == 25
    bent = windows_of(lambda n: np.array([1.0, 2.0 + 0.01 * n - 1e-4 * n**2]), [10, 20, 30])
    assert 2 <= plan_jump(bent, no_log, bent[-1].end, remaining=500, tolerance=1e-3) < 41
    assert plan_jump(line, no_log, line[-1].end, remaining=END_SIMULATED + 1) == 0


def test_max_jump_is_read_when_a_jump_is_planned(monkeypatch):
    """MAX_JUMP set at run time bounds the jumps planned after it (no default bound at
    import); an explicit ``max_jump`` still wins."""
    from ssbsim.simulation import cycle_jumps

    no_log = np.zeros(2, dtype=bool)
    line = windows_of(lambda n: np.array([1.0, 2.0 + 0.01 * n]), [10, 20, 30])
    monkeypatch.setattr(cycle_jumps, "MAX_JUMP", 12)
    assert plan_jump(line, no_log, line[-1].end, remaining=500, tolerance=1e-3) == 12
    assert candidate_jumps(line, 500, no_log).jumps[-1] == 12
    assert plan_jump(line, no_log, line[-1].end, remaining=500, tolerance=1e-3, max_jump=30) == 30


def test_a_state_relaxing_geometrically_is_extrapolated_exactly():
    """y = 0.2 + 0.75 * 0.97^n (the anode's contact fraction approaching its limit): the
    exponential slope model lands on the sequence, however far."""
    y = lambda n: np.array([0.2 + 0.75 * 0.97**n])  # noqa: E731
    windows = windows_of(y, [20, 35, 60])
    log = np.zeros(1, dtype=bool)
    assert plan_jump(windows, log, y(60), remaining=500, tolerance=1e-6) == 2 * 40 + 1
    np.testing.assert_allclose(jumped(windows, log, 81), y(141), rtol=1e-9)


def test_geometric_states_are_jumped_in_log_space_and_through_their_ends():
    """A layer kept at 0.93 of its thickness per cycle is a straight line in log space:
    extrapolated along the slopes (windows close together) or through the window ends
    (windows spanning ENDS_SPAN cycles or more), it lands on the sequence; the other
    states stay linear."""
    y = lambda n: np.array([1.0 + 0.01 * n, 14.0 * 0.93**n])  # noqa: E731
    log = np.array([False, True])
    for cycles in ([4, 5, 6], [10, 10 + ENDS_SPAN // 2, 10 + ENDS_SPAN]):
        windows = windows_of(y, cycles, log)
        np.testing.assert_allclose(jumped(windows, log, 30), y(cycles[-1] + 30), rtol=1e-9)


def test_the_plans_rows_give_the_landing_that_predicting_it_alone_gives():
    """The driver takes a jump's landing from the rows the plan evaluated (every jump the
    plan allows) rather than predicting it again: the same states, bit for bit, for each
    jump, with a state in log space held within its slopes and one landing on zero."""
    y = lambda n: np.array([0.2 - 0.004 * n, 1.0 + 0.01 * n - 1e-4 * n**2, 14.0 * 0.93**n])  # noqa: E731
    log = np.array([False, False, True])
    windows = windows_of(y, [10, 10 + ENDS_SPAN // 2, 10 + ENDS_SPAN])
    candidates = candidate_jumps(windows, 500, log)
    assert list(candidates.jumps) == list(range(2, 2 * ENDS_SPAN + 2))
    for h in candidates.jumps:
        np.testing.assert_array_equal(jumped(windows, log, h, candidates), jumped(windows, log, h))
    assert jumped(windows, log, candidates.jumps[-1], candidates)[0] == 0
    assert plan_jump(windows, log, y(30), 500, candidates=candidates) == plan_jump(windows, log, y(30), 500)
    assert candidate_jumps(windows, END_SIMULATED + 1, log) is None


def test_a_share_declining_to_zero_is_not_jumped_below_it():
    """A positive state whose continuation would cross zero (an anion's contact inventory
    running out; before, the first jump set it to -8e-6 on formation_4p15V) lands on zero."""
    y = lambda n: np.array([0.2 - 0.01 * n, 1.0 + 0.01 * n])  # noqa: E731
    windows = windows_of(y, [10, 11, 12])
    landed = jumped(windows, np.zeros(2, dtype=bool), 30)
    assert landed[0] == 0
    np.testing.assert_allclose(landed[1], y(42)[1], rtol=1e-12)  # the other state as before


def test_a_cycle_cut_short_stops_the_run_with_the_cycles_before_it(monkeypatch):
    """A cycle that does not run all its steps is not carried on into windows and jumps:
    the run stops with a SimulationError naming it, carrying the cycles before it."""
    import ssbsim.simulation.extrapolate as extrapolate
    from ssbsim.errors import SimulationError

    calls = []
    real = extrapolate.complete
    monkeypatch.setattr(
        extrapolate, "complete", lambda cycle, sim: real(cycle, sim) and len(calls.append(0) or calls) < 8
    )
    with pytest.raises(SimulationError, match="cycle 8 after 2 of 2 steps") as stop:
        run_extrapolated(truncated(load_experiment("formation_4p15V"), 40))
    cycles = stop.value.result.cycles
    assert list(cycles["cycle"]) == list(range(1, 8)) and cycles["simulated"].all()


def test_the_skipped_cycles_of_cell_b_follow_the_full_run():
    """he2018_cycling (Cell B, 200 cycles): the rows of the skipped cycles, interpolated
    between simulated cycles up to ~80 apart where the capacity bends, within 1 % of the
    full run (1.6 % with straight lines between them)."""
    full, jumped = ssbsim.run("he2018_cycling").cycles, run_extrapolated("he2018_cycling").cycles
    assert jumped["simulated"].sum() <= 40
    error = jumped["discharge_capacity_mAh_g"] / full["discharge_capacity_mAh_g"] - 1
    assert error.abs().max() < 0.01


def test_a_stiff_state_is_settled_onto_its_envelope():
    """A state kept at a share a of itself per cycle plus a slowly varying source,
    x_{n+1} = a x_n + b_n, relaxes to its envelope E(n) (b_n = E(n+1) - a E(n)); a jump
    that lands it 3 % off leaves 0.88^2 of that two cycles later. Settling the window
    (Newton's step on the cycle map with the envelope's change from the earlier windows)
    puts it back on the envelope, for an envelope geometric in n (exactly) and one that
    is not (a quadratic through the earlier ends in ln x)."""
    a = np.array([0.88])
    for envelope, rtol in [(lambda n: 2.0 * np.exp(0.002 * n), 1e-9), (lambda n: 2.0 + 0.004 * n, 5e-5)]:
        x = envelope(100) * 1.03
        ends = [x := a * x + envelope(n + 1) - a * envelope(n) for n in (100, 101)]
        points = [(m, np.log([envelope(m)])) for m in (40, 70)]
        start, end, done = settled(ends[0], ends[1], points, 102, a, np.array([True]))
        assert abs(ends[1][0] / envelope(102) - 1) > 0.02 and done.all()
        np.testing.assert_allclose([start[0], end[0]], [envelope(101), envelope(102)], rtol=rtol)
    # a state decaying as fast as a deviation from its envelope would (no source) is left as it is
    start, end, done = settled(np.array([1.0]), a, [(90, np.log(a**-10)), (95, np.log(a**-5))], 101, a, [True])
    assert not done.any() and end[0] == a[0]


def test_the_other_states_slopes_are_freed_of_the_stiff_states_deviation():
    """A film y fed by the stiff state, y_{n+1} = y_n + g + c x_n: over a window
    starting with x off its envelope by d, y changes by g + c (E + d); the window's
    start moved by the probe's response (c per unit of x) gives the envelope's g + c E."""
    g, c, envelope, d = 0.3, 0.05, 2.0, 0.06
    before = np.array([envelope + d, 10.0])  # [x, y]
    after_y = before[1] + g + c * before[0]
    response = np.array([0.04, 0.0]), np.array([0.88 * 0.04, c * 0.04])  # probe: x pushed, both moved
    start = without_deviation(before, np.array([envelope, 0.0]), response, np.array([True, False]))
    assert start[0] == envelope
    np.testing.assert_allclose(after_y - start[1], g + c * envelope, rtol=1e-12)


def test_the_cracked_layer_is_stiff_and_settles_where_the_full_run_goes():
    """formation_4p15V, shipped ageing: the probe finds the cracked passivating layer
    stiff for the jump (contraction per cycle below STIFF, ~0.88); landed 2 % off at
    cycle 60, it is still 1.5 % off two cycles later, and the settled value is within
    0.1 % of the unperturbed run's."""
    from ssbsim.simulation.extrapolate import (
        _end_state,
        _set_end_state,
        as_starting_solution,
        cycle_simulations,
        geometric_mask,
        probe_cycle,
    )
    from ssbsim.simulation.run import prepare
    from ssbsim.simulation.stiff_states import STIFF, contraction, stiff_mask

    n = 60
    spec, pset, options = prepare(truncated(load_experiment("formation_4p15V"), n + 2))
    sims = cycle_simulations(spec, pset, options)
    carry, ends = None, []
    for cycle in spec.cycles()[:n]:
        sim = sims[cycle]
        carry = as_starting_solution(sim.solve(starting_solution=carry))
        ends.append(_end_state(carry.last_state))
    n_diff = sim._built_experiment_model.len_rhs
    log = geometric_mask(sim)

    def two_cycles(states):
        cycle, out = carry, []
        _set_end_state(cycle, np.concatenate([states, ends[-1][n_diff:]]))
        for _ in range(2):
            cycle = as_starting_solution(sim.solve(starting_solution=cycle))
            out.append(_end_state(cycle.last_state)[:n_diff])
        _set_end_state(carry, ends[-1])
        return out

    start = ends[-1][:n_diff]
    true = two_cycles(start)
    probe = probe_cycle(sim, carry, ends[-1], n_diff, log)
    a = contraction(probe[0], probe[1], true[0], probe[2], log)
    stiff = stiff_mask(a)
    layer = np.flatnonzero(log)[-1]  # the passivating thickness of layer 1, the [B12H12]2- film
    assert stiff[layer] and 0.8 < a[layer] < STIFF
    landed = start.copy()
    landed[layer] *= 1.02
    raw = two_cycles(landed)
    points = [(m, fit_space(ends[m - 1][:n_diff], log)) for m in (n - 20, n - 10)]
    _, end, done = settled(raw[0], raw[1], points, n + 2, a, stiff)
    assert done[layer]
    assert abs(raw[1][layer] / true[1][layer] - 1) > 0.01
    assert abs(end[layer] / true[1][layer] - 1) < 1e-3


def test_the_skipped_rows_bend_with_the_windows_slopes_unless_those_are_noise():
    """Rows between windows (pairs of simulated cycles) up to 70 cycles apart: a column that
    saturates (R1 of formation_4p15V bends so between cycles 79 and 149) is reproduced
    by the slope model of the two windows around each gap, where Akima's curve through
    the simulated rows is 2 % off. A straight column whose window cycles are off by a
    little (per-cycle noise; slopes 40 % off) keeps Akima's curve (within 0.05 %; 0.19 %
    along the noisy slopes). A gap without a window at an end keeps Akima's curve."""
    import pandas as pd

    from ssbsim.simulation.skipped_rows import fill_skipped

    simulated = [1, 2, 3, 4, 20, 21, 78, 79, 149, 150, 211, 212]
    n = np.arange(1, 213)
    bend, line = 160 - 120 * np.exp(-n / 40), 100 - 0.05 * n
    noisy = line + np.isin(n, [20, 149]) * 0.02
    rows = pd.DataFrame({"bend": bend, "line": noisy}).iloc[np.array(simulated) - 1].reset_index(drop=True)
    filled = fill_skipped(rows, simulated, 212)
    akima = rows.set_axis(simulated).reindex(n).interpolate(method="akima")
    skipped = ~filled["simulated"].to_numpy()
    assert list(filled["cycle"]) == list(n) and skipped.sum() == 212 - len(simulated)
    np.testing.assert_allclose(filled["bend"], bend, rtol=1e-9)
    assert np.max(np.abs(akima["bend"] / bend - 1)[skipped]) > 0.01
    assert np.max(np.abs(filled["line"] / line - 1)[skipped]) < 5e-4
    # a gap without a window at its end (a run stopped right after the landing): Akima's curve
    ends = [1, 2, 3, 4, 20, 21, 78]
    rows = pd.DataFrame({"bend": bend[np.array(ends) - 1]})
    akima = rows.set_axis(ends).reindex(n[:78]).interpolate(method="akima")
    stopped = fill_skipped(rows, ends, 78)["bend"]
    np.testing.assert_allclose(stopped.iloc[21:], akima["bend"].iloc[21:], rtol=1e-12)
    np.testing.assert_allclose(stopped.iloc[:21], bend[:21], rtol=1e-9)  # the gap 5 .. 19 between two windows


def test_a_state_decaying_away_is_not_moved_to_zero_or_below():
    """The linearised move that frees the other states' slopes of a stiff state's deviation
    (without_deviation) can take a state in log space that decays away (not settled itself)
    to zero or below: it keeps its start, in range (before: ln 1e-300, and the next jump
    overflowed -- the extrapolated run failed at the fitted asakura2020_interphase values)."""
    log = np.array([True, True])
    a = np.array([0.5, np.nan])  # the first stiff, the second not
    window = Window(9, np.log([1.3, 3e-3]), np.log([1.2, 2e-3]))
    before, end = np.log([1.0, 1e-3]), np.array([0.6, 5e-4])
    response = (np.array([0.02, 0.0]), np.array([0.01, -1.0]))  # the second pushed down by the first's deviation
    start, stop = settle_window([window], before, end, 11, log, a, response)
    assert start[0] != before[0]  # the stiff state settled
    assert start[1] == pytest.approx(np.log(1e-3)) and stop[1] == end[1]


#: a trial of the profile fit of asakura2020_interphase (values far from Cell A's), run as the fit runs it: with the
#: jumps planned at Cell A's values. Its stiff cracked layer (window slopes -0.20 and +0.57 per cycle in ln y) was
#: carried from 8e-8 m to 1e12 m by one planned jump; PyBaMM logged a state beyond its max_y_value at every solve and
#: the run failed in cycle 306 (IDA_BAD_K)
FAR_TRIAL = {
    "SE anion (0) decomposition rate constant [A.m-2]": 1.0000000000000004e-06,
    "SE anion (0) product passivation length [m]": 3.338484263827066e-07,
    "Positive electrode SE contact fraction": 0.49676708701387506,
    "Positive electrode interphase cracking coefficient [m2.C-1]": 0.00013242797077335082,
    "SE anion (1) decomposition rate constant [A.m-2]": 0.023920873847126184,
    "SE anion (1) product resistivity [Ohm.m]": 5137273.166122862,
    "SE anion (1) product passivation length [m]": 1.4429324524605774e-09,
    "Positive electrode isolating film resistance [Ohm.m2]": 100.00000000000004,
    "Positive electrode film resistance spread": 3.0000000000000004,
}


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_a_planned_jump_lands_no_state_beyond_what_its_windows_support():
    import pybamm

    from ssbsim.fit.problem import JUMP_TOLERANCE
    from ssbsim.simulation.extrapolate import cycle_simulations, extrapolated
    from ssbsim.simulation.run import prepare

    plan = run_extrapolated("formation_4p15V", tolerance=JUMP_TOLERANCE).plan
    spec, pset, options = prepare("formation_4p15V", None, FAR_TRIAL, None)
    logged = Records()
    pybamm.logger.addHandler(logged)
    try:
        jumped = extrapolated(cycle_simulations(spec, pset, options), spec, pset, options, JUMP_TOLERANCE, plan=plan)
    finally:
        pybamm.logger.removeHandler(logged)
    assert not [r for r in logged.records if "exceeds the maximum allowed value" in r.getMessage()]
    full = ssbsim.run("formation_4p15V", overrides=FAR_TRIAL).cycles
    cycles = jumped.cycles
    assert len(cycles) == len(full) == 800 and np.isfinite(cycles.select_dtypes("number").to_numpy()).all()
    # measured (a planned jump cut by the error control at PLAN_SLACK times the tolerance, the block's later
    # jumps sized by it): 76 cycles simulated, the capacity within 0.12 % of the full run's at every cycle (0.06 %
    # at the last), R2 within 0.67 % (0.17 %)
    assert cycles["simulated"].sum() < 200
    capacity = cycles["discharge_capacity_mAh_g"] / full["discharge_capacity_mAh_g"] - 1
    assert np.max(np.abs(capacity)) < 0.01
    r2 = cycles["cathode_interphase_resistance_ohm_cm2"] / full["cathode_interphase_resistance_ohm_cm2"] - 1
    assert np.max(np.abs(r2)) < 0.05
