"""Cycle jumping (``ssbsim run --extrapolate``) against the full run of the same long
protocol, side by side in one process, alternating, best of ``--repeats`` each: the
speed-up of ``wall_time_s`` (what run.json records: build and solve) and the error at
the last cycle. Goal (issue 12): >= 10x with the capacity at the last cycle within 1 %.

.venv/bin/python benchmarks/bench_extrapolate.py [--experiment formation_4p15V] [--repeats 2]
"""

import argparse
import os
import sys

import ssbsim

COLUMNS = [
    "discharge_capacity_mAh_g",
    "coulombic_efficiency",
    "energy_efficiency",
    "anode_interface_resistance_ohm_cm2",
    "cathode_interphase_resistance_ohm_cm2",
]


def main(argv=None):
    from ssbsim.simulation.extrapolate import run_extrapolated

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--experiment", default="formation_4p15V")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    ssbsim.run("cutoff_sweep")  # warm-up: imports, first compilation
    best = {"full": float("inf"), "extrapolated": float("inf")}
    for _ in range(args.repeats):
        full = ssbsim.run(args.experiment)
        best["full"] = min(best["full"], full.wall_time)
        jumped = run_extrapolated(args.experiment)
        best["extrapolated"] = min(best["extrapolated"], jumped.wall_time)
    simulated = int(jumped.cycles["simulated"].sum())
    print(f"{args.experiment}, best of {args.repeats}; load average {os.getloadavg()[0]:.2f}")
    print(f"full run          {best['full']:7.2f} s ({len(full.cycles)} cycles)")
    print(f"extrapolated run  {best['extrapolated']:7.2f} s ({simulated} cycles simulated)")
    print(f"speed-up          {best['full'] / best['extrapolated']:7.2f}   (goal >= 10)")
    last_full, last_jumped = full.cycles.iloc[-1], jumped.cycles.iloc[-1]
    for column in COLUMNS:
        error = last_jumped[column] / last_full[column] - 1
        print(f"  last cycle {column:40s} {last_full[column]:10.4g} {last_jumped[column]:10.4g} {error:+.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
