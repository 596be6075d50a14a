"""Cycle jumps' landings against the cycle-by-cycle run: for every jump of an extrapolated
run (``ssbsim run --extrapolate``), each state's true error at the landing next to the
error estimate the plan sized the jump with (``cycle_jumps.plan_jump``), both in units of
the error test's tolerance, ``tolerance * (|y| + STATE_FLOOR)`` (``y`` the window's end;
a state in log space measured in ln y times |y|, as the test does).

Two true errors per state:

- ``global``: the landing against the cycle-by-cycle run's state at the same cycle end
  (what the run carries on from; includes the errors of the jumps before);
- ``local``: the landing against the cycles simulated one by one from the window's end
  (the state the jump started from): the error of this jump alone, which the estimate
  estimates.

The cycle-by-cycle run is the same driver with no jumps (``extrapolated(..., plan={})``:
the same built model and state vector; its cycle ends equal ``ssbsim.run``'s bit for bit,
checked on formation_4p15V 2026-11-23). Per jump: the window's cycle, the jump, what sized
it (the state whose error at one cycle more exceeds one; ``limit``: the span of the windows,
MAX_JUMP or the block's end; ``ln y move``: a state in log space moving more than LOG_MOVE),
then every state whose estimate or true error is at least 0.1 (``*``: stiff, out of the
test), with ``C`` the estimate over the plain difference of the two predictors (1 with the
plain difference as the estimate; Milne's constant with commit dc4b066's estimate) and
``loc/diff`` the local error over that difference (the constant the jump would have
needed). Then, per state, the ranges over the jumps its error test sized.

.venv/bin/python benchmarks/jump_landings.py [--experiment formation_4p15V] [--tolerance 4e-3] [--no-local]
"""

import argparse
import sys

import numpy as np


def state_names(sim):
    """Names of the built model's differential states, one per entry (``name[i]`` for
    a state over a mesh)."""
    import pybamm

    built = sim._built_experiment_model
    names = [f"state {i}" for i in range(built.len_rhs)]
    for variable in sim.model.rhs:
        parts = [
            part
            for node in built.get_processed_variable_or_event(variable.name).pre_order()
            if isinstance(node, pybamm.StateVector)
            for part in node.y_slices
        ]
        indices = [i for part in parts for i in range(part.start, part.stop) if i < built.len_rhs]
        for j, i in enumerate(indices):
            names[i] = variable.name if len(indices) == 1 else f"{variable.name}[{j}]"
    return names


def record_runs(experiment, tolerance, parameter_set=None):
    """The cycle-by-cycle run's cycle ends and the extrapolated run's jumps (dicts: the
    window's cycle, the jump, its plan's inputs, the landing, the window's end state and
    carried solution)."""
    from ssbsim.simulation import extrapolate as ex
    from ssbsim.simulation.run import prepare

    spec, pset, options = prepare(experiment, parameter_set)
    simulations = ex.cycle_simulations(spec, pset, options, compile=len(spec.cycles()) >= 100)
    original = {name: getattr(ex, name) for name in ("_end_state", "as_starting_solution", "plan_jump", "jumped")}
    ends, jumps, last = [], [], {}

    def end_state(solution):
        y = original["_end_state"](solution)
        ends.append(y.copy())
        return y

    def as_starting_solution(solution):
        last["carry"] = original["as_starting_solution"](solution)
        return last["carry"]

    def plan_jump(windows, log, y, remaining, tolerance=tolerance, stiff=None, candidates=None, **kw):
        jump = original["plan_jump"](windows, log, y, remaining, tolerance, stiff=stiff, candidates=candidates, **kw)
        last["plan"] = dict(
            log=log,
            y=y.copy(),
            tolerance=tolerance,
            stiff=stiff,
            candidates=candidates,
            jump=jump,
            windows=windows[-3:],
        )
        return jump

    def jumped(windows, log, jump, candidates=None):
        landing = original["jumped"](windows, log, jump, candidates)
        carry = last["carry"]
        start = original["_end_state"](carry).copy()
        jumps.append(dict(last["plan"], cycle=windows[-1].cycle, landing=landing, carry=carry, start=start))
        return landing

    try:
        ex._end_state = end_state
        ex.extrapolated(simulations, spec, pset, options, tolerance, plan={})
        reference = list(ends)
        ex.as_starting_solution, ex.plan_jump, ex.jumped = as_starting_solution, plan_jump, jumped
        ex._end_state = original["_end_state"]
        result = ex.extrapolated(simulations, spec, pset, options, tolerance)
    finally:
        for name, value in original.items():
            setattr(ex, name, value)
    return spec, simulations, reference, jumps, result


def local_end(simulations, spec, jump):
    """The differential states after ``jump['jump']`` cycles simulated one by one from the
    window's end."""
    from ssbsim.simulation import extrapolate as ex

    sim = simulations[spec.cycles()[jump["cycle"] - 1]]
    carry = jump["carry"]
    ex._set_end_state(carry, jump["start"])
    for _ in range(jump["jump"]):
        carry = ex.as_starting_solution(sim.solve(starting_solution=ex.resume_from(carry)))
    return ex._end_state(carry)[: len(jump["y"])]


def errors(jump, state, scale):
    """The error of the landing against ``state`` (differential states) in tolerances."""
    log, landing = jump["log"], jump["landing"]
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = np.where(log, np.abs(np.log(landing) - np.log(state)) * np.abs(jump["y"]), np.abs(landing - state))
    return difference / scale


def analyse(jump, reference, local):
    """Per state: the estimate the plan used, the true errors (global, local), all in
    tolerances, and what sized the jump."""
    from ssbsim.simulation.cycle_jumps import STATE_FLOOR, log_moves

    y, log, h, candidates = jump["y"], jump["log"], jump["jump"], jump["candidates"]
    scale = jump["tolerance"] * (np.abs(y) + STATE_FLOOR)
    sensitivity = np.where(log, np.abs(y), 1.0)
    stiff = jump["stiff"] if jump["stiff"] is not None else np.zeros(len(y), dtype=bool)
    rows = candidates.estimate * sensitivity / scale
    estimate = rows[h - candidates.jumps[0]]
    sizer = "limit"
    if h < candidates.jumps[-1]:
        k = h + 1 - candidates.jumps[0]
        moves = log_moves(log, candidates.predicted[k], candidates.estimate[k])
        test = np.maximum(np.where(stiff, 0.0, rows[k]), moves)
        sizer = int(np.argmax(np.where(np.isnan(test), np.inf, test)))
        if not moves[sizer] <= rows[k][sizer]:
            sizer = ("LOG_MOVE", sizer)
    true_global = errors(jump, reference, scale)
    true_local = errors(jump, local, scale) if local is not None else np.full(len(y), np.nan)
    return estimate, true_global, true_local, stiff, sizer, difference(jump) * sensitivity / scale


def difference(jump):
    """The plain difference of the two predictors at the jump (fit space; C = 1): the two
    slope models', or the bend of the quadratic through the ends for a state in log space
    once the windows span ENDS_SPAN cycles."""
    from ssbsim.simulation.cycle_jumps import ENDS_SPAN, slope_model, through_ends

    a, b, c = jump["windows"]
    target = [c.cycle + jump["jump"]]
    out = np.abs(slope_model(b, c)(c.cycle, target) - slope_model(a, b)(c.cycle, target))[0]
    if c.cycle - a.cycle >= ENDS_SPAN:
        out = np.where(jump["log"], through_ends(jump["windows"], target)[1][0], out)
    return out


def main(argv=None):
    from ssbsim.simulation.extrapolate import DEFAULT_TOLERANCE

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--experiment", default="formation_4p15V")
    parser.add_argument("--parameter-set", default=None)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--no-local", action="store_true", help="skip the cycles simulated from each window's end")
    args = parser.parse_args(argv)
    spec, simulations, reference, jumps, result = record_runs(args.experiment, args.tolerance, args.parameter_set)
    names = state_names(next(iter(simulations.values())))
    simulated = int(result.cycles["simulated"].sum())
    print(f"{args.experiment}, tolerance {args.tolerance:g}: {simulated} of {len(result.cycles)} cycles simulated")
    print(f"  and {result.probes} probes; {sum(1 for j in jumps if j['jump'])} jumps")
    print("  (true errors and estimates in tolerances; * stiff: out of the error test)")
    ratios = {}
    for jump in jumps:
        if not jump["jump"]:
            continue
        n, h = jump["cycle"], jump["jump"]
        local = None if args.no_local else local_end(simulations, spec, jump)
        reference_end = reference[n + h - 1][: len(jump["y"])]
        estimate, true_global, true_local, stiff, sizer, plain = analyse(jump, reference_end, local)
        by = names[sizer] if isinstance(sizer, int) else sizer if sizer == "limit" else f"{names[sizer[1]]} (ln y move)"
        print(f"cycle {n} + {h} -> {n + h}, sized by {by}")
        heads = ("estimate", "C", "global", "local", "glob/est", "loc/est", "loc/diff")
        print(f"    {'state':52s} " + " ".join(f"{x:>8s}" for x in heads))
        for i in np.flatnonzero((np.maximum(estimate, np.nan_to_num(true_global)) >= 0.1) | (true_local >= 0.1)):
            with np.errstate(divide="ignore", invalid="ignore"):
                values = (
                    estimate[i],
                    estimate[i] / plain[i],
                    true_global[i],
                    true_local[i],
                    true_global[i] / estimate[i],
                    true_local[i] / estimate[i],
                    true_local[i] / plain[i],
                )
            mark = "*" if stiff[i] else " "
            print(f"  {mark} {names[i][:52]:52s} " + " ".join(f"{x:8.3f}" for x in values))
        if isinstance(sizer, int):
            row = (n, h, estimate[sizer], true_global[sizer], true_local[sizer], estimate[sizer] / plain[sizer])
            ratios.setdefault(names[sizer], []).append(row)
    print("per state, over the jumps its error test sized (tolerances): estimate, C, true errors, true / estimate")
    for name, rows in ratios.items():
        n, h, est, glo, loc, constant = np.array(rows).T
        print(f"  {name}: {len(n)} jumps (cycles {int(n[0])}-{int(n[-1])}, jumps {int(h.min())}-{int(h.max())})")
        print(
            f"    estimate {est.min():.2f}-{est.max():.2f} (C {constant.min():.2f}-{constant.max():.2f}), "
            f"global {glo.min():.2f}-{glo.max():.2f}, local {np.nanmin(loc):.2f}-{np.nanmax(loc):.2f}; "
            f"global/estimate {np.min(glo / est):.2f}-{np.max(glo / est):.2f}, "
            f"local/estimate {np.nanmin(loc / est):.2f}-{np.nanmax(loc / est):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
