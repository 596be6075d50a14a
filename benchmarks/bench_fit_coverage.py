"""Coverage of ssbsim's 95 % intervals: over N synthetic noise realisations, how often
each parameter's interval holds the value the data were simulated with.

    .venv/bin/python benchmarks/bench_fit_coverage.py                  # quick: 10 cycles, 3 parameters
    .venv/bin/python benchmarks/bench_fit_coverage.py --full           # the issue's recovery: 40 cycles, 6
    .venv/bin/python benchmarks/bench_fit_coverage.py --realisations 20 --intervals linear

Data: the cutoff sweep simulated with Cell A's shipped values; per cycle 1 % noise on R2
and on the discharge capacity, 0.1 point on the Coulombic efficiency (and these as the
data's sigma). Each realisation is fitted from every parameter 50 % off, with the bounds
and default scales of the shipped interphase calibration (``asakura2020_interphase``).
Quick: the first 10 cycles (cutoffs 4.05 and 4.10 V) and the [B12H12]2- parameters (rate
constant, transfer coefficient, passivation length). Full: all 40 cycles and all six
parameters. Goal (issue 13): every parameter covered in >= 85 % of >= 20 realisations.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import ssbsim
from ssbsim.fit.engine import fit
from ssbsim.fit.problem import Problem
from ssbsim.fit.spec import load_fit_spec
from ssbsim.fit.synthetic import noisy_table, spec_text, started_off
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated

NOISE = {
    "coulombic_efficiency": ("absolute", 0.001),
    "cathode_interphase_resistance_ohm_cm2": ("relative", 0.01),
    "discharge_capacity_mAh_g": ("relative", 0.01),
}


def realisation(folder, exact, fitted, seed, intervals):
    table = noisy_table(exact, NOISE, np.random.default_rng(seed))
    table.to_csv(folder / "synthetic.csv", index=False)
    (folder / "spec.toml").write_text(spec_text("synthetic.csv", NOISE, fitted))
    problem = Problem(load_fit_spec(folder / "spec.toml"))
    start = time.perf_counter()
    result = fit(problem, intervals=intervals)
    return result, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realisations", type=int, default=20)
    parser.add_argument("--full", action="store_true", help="40 cycles, all six interphase parameters")
    parser.add_argument("--intervals", choices=("profile", "linear"), default="profile")
    args = parser.parse_args(argv)
    truth = ssbsim.load_parameter_set("asakura2020")
    shipped = load_fit_spec("asakura2020_interphase").parameters
    n_cycles = 40 if args.full else 10
    parameters = shipped if args.full else [p for p in shipped if "anion (0)" in p.name]
    exact = ssbsim.run(truncated(load_experiment("cutoff_sweep"), n_cycles)).cycles
    fitted = started_off(parameters, truth)
    covered = {p.name: 0 for p in parameters}
    identifiable = {p.name: 0 for p in parameters}
    close = {p.name: 0 for p in parameters}
    solves, walls, converged = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for seed in range(args.realisations):
            result, wall = realisation(folder, exact, fitted, seed, args.intervals)
            solves.append(result.n_solves)
            walls.append(wall)
            converged += result.converged
            for name in covered:
                lo, hi = result.ci95[name]
                covered[name] += lo <= truth[name] <= hi
                identifiable[name] += result.identifiable[name]
                close[name] += abs(result.values[name] / truth[name] - 1) <= 0.05
            print(
                f"realisation {seed:2d}: {result.n_solves:4d} solves, {wall:6.1f} s, converged {result.converged}, "
                + ", ".join(f"{n.split(' [')[0][-28:]}: {int(covered[n])}" for n in covered),
                flush=True,
            )
    n = args.realisations
    print(f"\n{'parameter':60s} {'realisations':>12s} {'covered':>8s} {'rate':>6s} {'identif.':>8s} {'<=5%':>5s}")
    for name in covered:
        print(
            f"{name:60s} {n:12d} {covered[name]:8d} {covered[name] / n:6.2f} {identifiable[name]:8d} {close[name]:5d}"
        )
    print(
        f"intervals: {args.intervals}; {n_cycles} cycles; converged {converged}/{n}; "
        f"solves median {int(np.median(solves))}, wall median {np.median(walls):.1f} s"
    )
    ok = all(c / n >= 0.85 for c in covered.values())
    print("coverage >= 85 % for every parameter:", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
