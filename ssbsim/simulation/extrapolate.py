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

Here, in each block of identical cycles, windows of two simulated cycles measure the
envelope's slope, and each jump integrates a slope model over the skipped cycles, sized by
error control (``cycle_jumps.py``); stiff states are settled onto their envelope rather
than extrapolated (``stiff_states.py``); the skipped cycles' rows are interpolated
between the simulated ones (``skipped_rows.py``). Each module states its equations.

The distinct cycles share one built model and solver (``cycle_simulations``). A fit
(``fit/problem.py``) re-solves them trial after trial (``extrapolated``), jumping as its
first trial did (a ``plan``), with forward sensitivities carried through the jumps
(``jump_sensitivities.py``).

The solution (and the time series) holds the simulated cycles only; its time runs on
without the skipped cycles. A share jumped past zero (an anion's contact inventory running
out) lands on zero, its limit (``jumped``); a cycle cut short stops the run.

**Measured**, and every lever tried and dropped with its numbers (cycles simulated, errors
against the full run, speed): ``benchmarks/README.md``, "Cycle jumping: measurements and
levers tried". Read it before trying a new one: the cycle count moves erratically with any
change. In short, at the default tolerance 4e-3 on formation_4p15V: 51 of 800 cycles and 4
probes, every cycle's capacity within 0.05 % of the full run, R1 0.18 %, R2 0.65 %; the
landings' true errors (``benchmarks/jump_landings.py``: against the cycle-by-cycle run, and
against the cycles run from the window's end) are 0.26-2.08 and 0.00-2.10 tolerances in the
[CB11H12]- layer's thickness, which sizes the jumps from cycle 35 to 581 (estimates 0.88-1.00),
and 0.10-0.25 and 0.20-0.29 in the anode contact fraction, which sizes those from 626 to 746
(estimates 0.96-0.97). Milne's constant for the windows' unequal steps in place of the plain
difference was tried and dropped (46 cycles, the contact fraction landing up to 2.35
tolerances off, R1 0.99 %: the README section).
"""

import time

import numpy as np

from .cycle_jumps import DEFAULT_TOLERANCE, Window, candidate_jumps, fit_space, jumped, plan_jump
from .jump_sensitivities import JumpSensitivities
from .pybamm_simulation import single_point_interpolation
from .run import build_simulation, prepare
from .skipped_rows import fill_skipped
from .stiff_states import PROBE, PROBE_GROWTH, contraction, settle_window, stiff_mask

#: a planned jump (``plan``) is cut where the error control at this many times the tolerance allows less
PLAN_SLACK = 10


def _end_state(solution):
    with single_point_interpolation():  # PyBaMM's check of the state against its limit: pybamm_simulation.py
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


def resume_from(carry):
    """The last state of ``carry`` (``as_starting_solution``) as the next solve's
    ``starting_solution``: PyBaMM starts from its last state, and at the end folds the
    starting solution into the new one, a result the run does not use (it keeps the new
    cycle, ``cycles[-1]``); folded as one point rather than as the whole cycle. The state
    is the one ``_set_end_state`` changes (``carry.last_state``); it is its own last
    state, so PyBaMM reads that very state (and its sensitivities)."""
    if carry is None:
        return None
    state = carry.last_state
    state._last_state = state
    state.cycles = carry.cycles
    state.all_summary_variables = carry.all_summary_variables
    state.all_first_states = carry.all_first_states
    state.initial_start_time = carry.initial_start_time
    return state


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


def cycle_simulations(spec, pset, model_options, compile=False, inputs=()):
    """A simulation of one cycle for each distinct cycle of ``spec`` (``{cycle: sim}``).

    They share one built model and solver: PyBaMM's unified experiment model
    of all the distinct cycles, built once, and per cycle a shallow copy whose experiment
    is that cycle, its steps mapped to the same branches of the model. Set-up (model
    processing, discretisation, solver, the step-end functions) is then paid once rather
    than once per block. ``inputs``: the parameters that are PyBaMM inputs (re-solved
    without a rebuild: ``reuse.py``)."""
    from ..protocol.experiment_file import Block, ExperimentSpec

    def one(cycles):
        blocks = [Block(list(cycle)) for cycle in cycles]
        return ExperimentSpec(spec.name, blocks, temperature_C=spec.temperature_C, period=spec.period)

    distinct = list(dict.fromkeys(spec.cycles()))
    if spec.has_sweeps or len(distinct) == 1:
        return {
            cycle: build_simulation(one([cycle]), pset, model_options, compile=compile, inputs=inputs)
            for cycle in distinct
        }
    base = build_simulation(one(distinct), pset, model_options, compile=compile, inputs=inputs)
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
    run), with Cell A's refit interphase values (T6's shares fitted): ``tolerance`` 2e-3 /
    3e-3 / 4e-3 / 5e-3 / 6e-3 / 7e-3 / 1e-2 simulates 67 / 57 / 53 / 49 / 43 / 55 / 42 cycles
    (and 5-6 probes, at PROBE_GROWTH 2; at 3, now, see the module docstring), the discharge
    capacity of every cycle within 0.10 / 0.42 / 0.12 / 0.49
    / 0.20 / 0.25 / 0.47 % of the full run's, R1 within 0.11 / 0.16 / 0.42 / 0.89 / 0.99 /
    1.01 / 0.96 % and R2 within 0.26 / 0.57 / 0.29 / 1.10 / 1.01 / 1.18 / 0.99 %: the default
    is 4e-3 (5e-3 missed the R1 goal of tests/simulation/test_extrapolate.py, 0.75 %, with
    0.89 % in the 300-cycle run). With the values before the refit: ``tolerance`` 2e-3 /
    3e-3 / 4e-3 / 5e-3 / 6e-3 / 7e-3 / 1e-2 simulates
    68 / 68 / 57 / 51 / 47 / 55 / 49 cycles (and probes 4-5: ``Result.probes``), the
    discharge capacity of every cycle within 0.18 / 0.10 / 0.15 / 0.15 / 0.13 / 0.05 / 0.13 %
    of the full run's, R1 within 0.07 / 0.35 / 0.41 / 0.49 / 0.36 / 0.34 / 0.59 % (0.41 / 0.45
    / 0.53 / 1.45 / 1.75 / 1.88 / 0.59 % with Akima's curve alone in the skipped rows) and R2
    within 0.35 / 0.51 / 0.54 / 0.78 / 0.49 / 0.40 / 0.72 %. The
    count is not strictly monotonic in the tolerance (jump decisions are discrete), but no
    longer erratic: see "Stiff states" in the module docstring. At 5e-3, he2018_cycling and
    duchene2020_cycling have no geometric states and run as before (20 and 28 cycles
    simulated; capacity within 0.61 and 0.02 %, R1 0.00 and 0.06 %); rate_test_longterm: 42
    cycles and 5 probes (50 cycles before), capacity within 0.01 %, R1 0.12 % (Cell A's values
    before the refit); with the refit values 40 cycles and 3 probes, capacity within 0.025 %,
    R1 0.53 %, R2 1.2 %, and at the default 4e-3 40 cycles and 4 probes, 0.015 %, 0.24 %,
    0.79 % (175 cycles)."""
    spec, pset, model_options = prepare(experiment, parameter_set, overrides, options)
    start = time.perf_counter()
    # compiled when the run is long
    simulations = cycle_simulations(spec, pset, model_options, compile=len(spec.cycles()) >= 100)
    return extrapolated(simulations, spec, pset, model_options, tolerance, start=start)


def extrapolated(
    simulations,
    spec,
    pset,
    model_options,
    tolerance=DEFAULT_TOLERANCE,
    inputs=None,
    wanted=None,
    start=None,
    plan=None,
    **kw,
):
    """The extrapolated run of ``spec`` on the ``simulations`` of its distinct cycles
    (``cycle_simulations``, possibly reused from run to run, with the PyBaMM ``inputs``).
    ``wanted``: {cycle-table column: cycle numbers} whose derivatives with respect to the
    inputs are wanted (None: no sensitivities): the solves then compute IDAKLU's
    sensitivities, carried through the jumps (``jump_sensitivities.py``), and the result has
    ``cycle_sensitivities`` ({column: cycles x inputs, PyBaMM's sorted order}). ``plan``:
    {window cycle: jump} of an earlier run to jump as it did (None: jumps sized by the
    error control here); the run's own is ``result.plan``. ``kw``: of Result (``energies``)."""
    start = time.perf_counter() if start is None else start
    solve = {"inputs": inputs or {}, "calculate_sensitivities": wanted is not None}
    track = JumpSensitivities() if wanted is not None else None
    cycles = spec.cycles()
    # each solve starts from the last simulated cycle alone (``carry``), not from the
    # whole solution so far: PyBaMM folds its starting solution into the new one, which
    # made the run quadratic in the number of simulated cycles; the cycles are folded
    # once at the end
    masks, simulated, collected, carry = {}, [], [], None
    # this block's windows; the fit-space end of the last cycle, unless a jump followed it;
    # the contraction per cycle of the geometric states, the stiff ones; the probe cycle's
    # start and end, until the cycle it probes ends
    windows, before, a, stiff, probe = [], None, None, None, None
    n = probes = 0
    failed = (collected, simulated, spec, pset, model_options, start)
    jumps = {}  # window cycle -> its jump (the plan)
    while n < len(cycles):
        cycle = cycles[n]
        if n == 0 or cycles[n - 1] != cycle:
            windows, before, a, stiff, probe = [], None, None, None, None
            off_plan = False  # a planned jump cut in this block
            first, probed = n, None  # the block's first cycle; the last probed
            block_end = n
            while block_end < len(cycles) and cycles[block_end] == cycle:
                block_end += 1
            if track:
                track.new_block()
        sim = simulations[cycle]
        try:
            new = sim.solve(starting_solution=resume_from(carry), **solve)
        except Exception as err:  # solver failure: the cycles so far are the result
            stopped = f"extrapolated run failed at cycle {n + 1}: {' '.join(str(err).split())}"
            raise _stopped(stopped, *failed) from err
        new_cycle = new.cycles[-1] if new is not None and len(new.cycles) > (carry is not None) else None
        if new_cycle is None or not complete(new_cycle, sim):
            # a cycle cut short (a step infeasible, or ended by another limit): the run
            # stops there, as the full run does, with the cycles before it; the cut cycle's
            # end is not carried on into windows and jumps
            done = 0 if new_cycle is None else len(new_cycle.steps)
            reason = getattr(new_cycle.steps[-1], "termination", "") if done else "its first step was infeasible"
            stopped = f"extrapolated run stopped in cycle {n + 1} after {done} of {len(cycle)} steps ({reason})"
            raise _stopped(stopped, *failed)
        carry = as_starting_solution(new)
        collected.append(carry)
        n += 1
        simulated.append(n)
        end = _end_state(carry)
        if overflowed(end):  # a landing state the cycle could not bring back: not a cycle end to go on from
            collected.pop(), simulated.pop()
            raise _stopped(f"extrapolated run stopped in cycle {n}: a state overflowed (beyond 1e5 scaled)", *failed)
        n_diff = sim._built_experiment_model.len_rhs  # y = [differential; algebraic]
        log = masks.get(cycle)
        if log is None:
            log = masks[cycle] = geometric_mask(sim)
        if track:
            track.cycle_end(sim, carry, end[:n_diff], log)
        if probe is not None:  # the cycle just simulated was also run from a probed start
            a = contraction(probe[0], probe[1], end[:n_diff], probe[2], log)
            response = probe[1] - probe[0], probe[2] - end[:n_diff]
            stiff, probe = stiff_mask(a), None
        after = fit_space(end[:n_diff], log)
        jump = 0
        if before is not None:  # a new window: plan a jump
            if windows and stiff is not None and stiff.any():  # its stiff states settled
                if track:
                    track.settle(windows, before, end[:n_diff], n, log, a, response, carry)
                before, end[:n_diff] = settle_window(windows, before, end[:n_diff], n, log, a, response)
                _set_end_state(carry, end)
                after = fit_space(end[:n_diff], log)
            windows.append(Window(n, before, after))
            if track:
                track.window(n)
            candidates = candidate_jumps(windows, block_end - n, log)
            if plan is None or off_plan:
                jump = plan_jump(
                    windows, log, end[:n_diff], block_end - n, tolerance, stiff=stiff, candidates=candidates
                )
            else:
                # as planned, unless the error control at PLAN_SLACK times the tolerance cuts it (a plan
                # made at other values: its windows' slopes may no longer support the jump); the block's
                # later windows are then off the plan's cycles, and jump by the error control
                allowed = plan_jump(
                    windows,
                    log,
                    end[:n_diff],
                    block_end - n,
                    PLAN_SLACK * tolerance,
                    stiff=stiff,
                    candidates=candidates,
                )
                jump = min(plan.get(n, 0), allowed)
                off_plan = jump < plan.get(n, 0)
            jumps[n] = jump
        before = after
        if jump:
            end[:n_diff] = jumped(windows, log, jump, candidates)
            if track:
                track.jump(windows, log, jump, carry, end[:n_diff])
            _set_end_state(carry, end)
            before = None  # the next cycle relaxes the particles; the one after it gives a window
            n += jump
            if log.any() and (probed is None or n - first >= PROBE_GROWTH * (probed - first)):
                # the cycle after the jump, simulated anyway, probed: the contraction per cycle
                probe, probed, probes = probe_cycle(sim, carry, end, n_diff, log, solve), n, probes + 1
    result = _result(*failed, probes, **kw)
    result.plan = jumps
    result.model_from_cache = all(view.built_from_cache for view in simulations.values())
    if track:
        result.cycle_sensitivities = track.rows(sim, result, wanted)
    return result


def probe_cycle(sim, carry, end, n_diff, log, solve=None):
    """Run the next cycle from ``carry`` (whose end state is ``end``) with the states in
    ``log`` changed by PROBE, and restore ``carry``. Returns the unprobed start, the
    probed start and the probed end (differential states), or None if the probe cycle
    failed or was cut short."""
    start = end[:n_diff].copy()
    probed = end.copy()
    probed[:n_diff] = np.where(log, start * (1 + PROBE), start)
    _set_end_state(carry, probed)
    try:
        solution = sim.solve(starting_solution=resume_from(carry), **(solve or {}))
        probe = solution.cycles[-1] if solution is not None and len(solution.cycles) > 1 else None
    except Exception:  # the probe is an option: the run goes on without it
        probe = None
    finally:
        _set_end_state(carry, end)
    if probe is None or not complete(probe, sim):
        return None
    return start, probed[:n_diff], _end_state(probe)[:n_diff]


def _result(collected, simulated, spec, pset, model_options, start, probes=0, energies=True):
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
    result = Result(solution, simulated_spec, pset, model_options, wall_time=wall, energies=energies)
    result.experiment = spec
    result.cycle_numbers = simulated
    result.simulated_cycles = simulated_spec.cycles()
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


def overflowed(y):
    """Whether the states ``y`` (the solver's, scaled to order one) are not finite or
    exceed PyBaMM's ``settings.max_y_value`` (1e5): PyBaMM logs that, per variable, at every
    solve; ssbsim stops the run instead (``simulation/progress.py`` drops those lines)."""
    import pybamm

    return not (np.all(np.isfinite(y)) and np.max(np.abs(y), initial=0.0) <= pybamm.settings.max_y_value)


def complete(cycle_solution, sim):
    """Whether ``cycle_solution`` ran every step of ``sim``'s one-cycle experiment."""
    return len(cycle_solution.steps) == len(sim.experiment.steps)
