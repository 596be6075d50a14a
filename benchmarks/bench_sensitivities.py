"""What PyBaMM's forward sensitivities give through an Experiment, against finite
differences: the end time of every step of two cycles of the cutoff sweep.

    .venv/bin/python benchmarks/bench_sensitivities.py

IDAKLU computes sensitivities under ssbsim's "unified" experiment with input parameters
(``calculate_sensitivities=True``). A step that ends on a voltage event g = V - V_cut = 0
ends at a time that moves with the parameters: dt_end/dp = -(dV/dp)/(dV/dt) at the event
(implicit function theorem), which this script evaluates from PyBaMM's sensitivity of
the voltage, and compares with central differences of the end times. For the first step
(started from parameter-independent initial conditions) that is the whole story; from
the second step on, the state sensitivity PyBaMM hands to the next step is the one at
fixed time, without the jump (ydot- - ydot+) dt_end/dp that the moving event adds, so
every later step's sensitivities are wrong unless the experiment loop applies it.
"""

import time

import numpy as np

import ssbsim
from ssbsim.parameters.registry import anion_names
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.simulation.run import build_simulation, prepare


def step_ends(solution):
    return np.array([sub.t[-1] for sub in solution.sub_solutions])


def event_corrected(solution, name):
    """dt_end/dp of each step by the implicit function theorem, steps chained."""
    duration = []
    for sub in solution.sub_solutions:
        voltage = sub["Voltage [V]"]
        dv_dp = float(np.ravel(voltage.sensitivities[name][-1])[0])
        dv_dt = (voltage.entries[-1] - voltage.entries[-2]) / (sub.t[-1] - sub.t[-2])
        duration.append(-dv_dp / dv_dt if "Voltage" in sub.termination else 0.0)
    return np.cumsum(duration)


def main():
    pset = ssbsim.load_parameter_set("asakura2020")
    names = [anion_names(0)["rate"], anion_names(0)["length"]]
    spec, values, options = prepare(truncated(load_experiment("cutoff_sweep"), 2), pset)
    simulation = build_simulation(spec, values, options, inputs=names)
    base = {n: pset[n] for n in names}
    start = time.perf_counter()
    solution = simulation.solve(inputs=base, calculate_sensitivities=True)
    with_sensitivities = time.perf_counter() - start
    start = time.perf_counter()
    simulation.solve(inputs=base, calculate_sensitivities=True)
    again = time.perf_counter() - start
    plain = build_simulation(spec, values, options, inputs=names)
    plain.solve(inputs=base)
    start = time.perf_counter()
    plain.solve(inputs=base)
    without = time.perf_counter() - start
    print(
        f"solve (2 cycles) with sensitivities of {len(names)} inputs {again:.2f} s (first {with_sensitivities:.2f} s)"
    )
    print(f"solve without sensitivities {without:.2f} s")
    for name in names:
        h = 1e-3 * base[name]
        up = simulation.solve(inputs={**base, name: base[name] + h}, calculate_sensitivities=True)
        down = simulation.solve(inputs={**base, name: base[name] - h}, calculate_sensitivities=True)
        fd = (step_ends(up) - step_ends(down)) / (2 * h) * base[name]
        ift = event_corrected(solution, name) * base[name]
        print(name)
        for k, sub in enumerate(solution.sub_solutions):
            print(
                f"  step {k} ({sub.termination[:28]:28s}) t_end {sub.t[-1]:9.0f} s  dt_end/dln p: "
                f"finite differences {fd[k]:9.4g}, event-corrected sensitivities {ift[k]:10.4g}"
            )


if __name__ == "__main__":
    main()
