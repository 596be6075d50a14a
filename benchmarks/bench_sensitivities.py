"""Forward sensitivities through an Experiment whose steps end on events, against finite
differences: per step of three cycles of the cutoff sweep, the end time, and per cycle the
discharge capacity, coulombic efficiency and R2; then the cost of a solve with
sensitivities.

    .venv/bin/python benchmarks/bench_sensitivities.py [--rtol 1e-8]

IDAKLU computes sensitivities under ssbsim's "unified" experiment with input parameters
(``calculate_sensitivities=True``) at fixed time. A step that ends on a voltage event
g = V - V_cut = 0 ends at a time that moves with the parameters, dtau/dp =
-(dg/dp)/(dg/dt) (implicit function theorem), and the state it hands to the next step
moves by ydot dtau/dp as well: ``ssbsim/simulation/event_sensitivities.py`` applies
both at the end of every step (the "corrected" column). The "PyBaMM" column is what the
experiment loop gives without that: the same end-time formula applied to PyBaMM's own
sensitivities, which miss the earlier steps' moving ends (right on the first step only).
Central differences in ln p with step 1e-3, at the same (tight) solver tolerance.
"""

import sys
import time

import numpy as np

import ssbsim
from ssbsim.model import CellModel
from ssbsim.observables.cycle_sensitivities import cycle_sensitivities
from ssbsim.parameters.registry import anion_names
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.simulation import event_sensitivities
from ssbsim.simulation.result import Result
from ssbsim.simulation.run import build_simulation, prepare

NAMES = sorted([anion_names(0)["rate"], anion_names(0)["length"]])
COLUMNS = ["discharge_capacity_mAh_g", "coulombic_efficiency", "cathode_interphase_resistance_ohm_cm2"]
H = 1e-3


def simulation(spec, pset, options, rtol, compile=False, names=NAMES):
    solver = CellModel(options).solver(compile=compile)
    solver.rtol, solver.atol = rtol, rtol * 1e-2
    return build_simulation(spec, pset, options, inputs=names, solver=solver, impedance=False)


def corrected(spec, pset, options, rtol, base):
    sim = simulation(spec, pset, options, rtol)
    solution = sim.solve(inputs=base, calculate_sensitivities=True)
    mass = Result(solution, spec, pset, options, energies=False).active_mass_kg
    table = cycle_sensitivities(sim, solution, spec.cycles(), mass)
    return solution, event_sensitivities.step_end_times(sim, solution), table


def pybamm_chained(spec, pset, options, rtol, base):
    """End times from PyBaMM's sensitivities as they are: the implicit-function formula
    per step, summed, with no jump handed to the next step."""
    original = event_sensitivities.correct_step

    def end_time_only(solution, model, sim):
        n = model.len_rhs_and_alg
        saved = [a.copy() for a in solution._all_sensitivities["all"]]
        dtau = original(solution, model, sim)
        solution._all_sensitivities["all"] = saved
        for k, name in enumerate(model.calculate_sensitivities):
            solution._all_sensitivities[name][-1][-n:, 0] = saved[-1][-n:, k]
        return dtau

    event_sensitivities.correct_step = end_time_only
    try:
        sim = simulation(spec, pset, options, rtol)
        solution = sim.solve(inputs=base, calculate_sensitivities=True)
        return event_sensitivities.step_end_times(sim, solution)
    finally:
        event_sensitivities.correct_step = original


def finite_differences(spec, pset, options, rtol, base):
    sim = simulation(spec, pset, options, rtol)
    ends, table = {}, {}
    for name in NAMES:
        runs = [sim.solve(inputs={**base, name: base[name] * np.exp(s * H)}) for s in (1, -1)]
        t = [np.array([sub.t[-1] for sub in run.sub_solutions]) for run in runs]
        ends[name] = (t[0] - t[1]) / (2 * H)
        cycles = [Result(run, spec, pset, options, energies=False).cycles for run in runs]
        table[name] = {c: (cycles[0][c].to_numpy() - cycles[1][c].to_numpy()) / (2 * H) for c in COLUMNS}
    return ends, table


def timings(spec, pset, options):
    """Wall time of a solve of 3 cycles with and without sensitivities of 2 and of 9
    inputs (the interphase calibration's), uncompiled and compiled."""
    from ssbsim.fit.spec import load_fit_spec

    nine = sorted(p.name for p in load_fit_spec("asakura2020_interphase").parameters)
    print("\nsolve of the 3 cycles (default tolerance), best of 3:")
    for compile in (False, True):
        for names in (NAMES, nine):
            base = {n: pset[n] for n in names}
            row = []
            for sens in (False, True):
                sim = simulation(spec, pset, options, 1e-4, compile=compile, names=names)
                sim.solve(inputs=base, calculate_sensitivities=sens)
                best = np.inf
                for _ in range(3):
                    start = time.perf_counter()
                    sim.solve(inputs=base, calculate_sensitivities=sens)
                    best = min(best, time.perf_counter() - start)
                row.append(best)
            print(
                f"  {'compiled' if compile else 'uncompiled':10s} {len(names)} inputs: plain {row[0]:.3f} s, "
                f"with sensitivities {row[1]:.3f} s ({row[1] / row[0]:.1f} x; finite differences: {len(names) + 1} x)"
            )


def main():
    rtol = float(sys.argv[sys.argv.index("--rtol") + 1]) if "--rtol" in sys.argv else 1e-8
    pset = ssbsim.load_parameter_set("asakura2020")
    spec, values, options = prepare(truncated(load_experiment("cutoff_sweep"), 3), pset)
    base = {n: pset[n] for n in NAMES}
    solution, ends, table = corrected(spec, values, options, rtol, base)
    raw = pybamm_chained(spec, values, options, rtol, base)
    fd_ends, fd_table = finite_differences(spec, values, options, rtol, base)
    print(f"d/d ln p, solver rtol {rtol:g}; corrected = event_sensitivities.py, FD = central differences")
    for j, name in enumerate(NAMES):
        p = base[name]
        print(f"\n{name}")
        print(f"  {'quantity':44s} {'corrected':>11s} {'FD':>11s} {'rel. err':>9s} {'PyBaMM':>11s}")
        for k, sub in enumerate(solution.sub_solutions):
            c, f, r = ends[k, j] * p, fd_ends[name][k], raw[k, j] * p
            label = f"end of step {k + 1} ({sub.termination.removeprefix('event: ')[:18]})"
            print(f"  {label:44s} {c:11.5g} {f:11.5g} {abs(c / f - 1):9.2e} {r:11.5g}")
        for column in COLUMNS:
            for n, (c, f) in enumerate(zip(table[column][:, j] * p, fd_table[name][column])):
                print(f"  {column + f' cycle {n + 1}':44s} {c:11.5g} {f:11.5g} {abs(c / f - 1):9.2e}")
    timings(spec, values, options)


if __name__ == "__main__":
    main()
