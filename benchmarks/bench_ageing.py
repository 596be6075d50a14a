"""The 800-cycle formation run of Cell A, side by side in one process, alternating, best
of ``--repeats`` wall times each:

- ssbsim with the earlier interphase options (unlimited SE, passivating growth, no
  active material loss) -- the issue-9 baseline (goal: shipped <= 1.2x);
- ssbsim with the shipped options (SE inventory = contact, growth = leaky cracking,
  active material loss = film isolation);
- PyBaMM's stock half-cell SPM on the same protocol and cell (goal, issue 12: shipped
  <= 1.0x).

Each ssbsim row is ``ssbsim.run`` (build, solve, cycle table); the stock row is build and
solve (``pybamm.Simulation.solve``) with PyBaMM's default IDAKLU solver.

.venv/bin/python benchmarks/bench_ageing.py [--repeats 3] [--experiment formation_4p15V]
"""

import argparse
import os
import sys
import time

import ssbsim

OPTIONS = {
    "old (unlimited, passivating, no loss)": {
        "SE inventory": "unlimited",
        "interphase growth": "passivating",
        "active material loss": "none",
    },
    "new (contact, leaky cracking, film isolation)": {},
}
STOCK = "stock SPM (build + solve)"


def stock_spm(experiment):
    import pybamm

    from ssbsim.parameters.stock_pybamm import stock_half_cell_parameters
    from ssbsim.simulation.run import prepare

    spec, pset, _ = prepare(experiment)
    sim = pybamm.Simulation(
        pybamm.lithium_ion.SPM({"working electrode": "positive"}),
        parameter_values=stock_half_cell_parameters(pset),
        experiment=spec.pybamm_experiment(),
    )
    solution = sim.solve()
    assert len(solution.cycles) == spec.n_cycles


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--experiment", default="formation_4p15V")
    args = parser.parse_args(argv)
    ssbsim.run("cutoff_sweep")  # warm-up: imports, first compilation
    runs = {name: (lambda o=options: ssbsim.run(args.experiment, options=o)) for name, options in OPTIONS.items()}
    runs[STOCK] = lambda: stock_spm(args.experiment)
    best = {name: float("inf") for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    print(f"{args.experiment}, best of {args.repeats}; load average {os.getloadavg()[0]:.2f}")
    for name, wall in best.items():
        print(f"{name:48s} {wall:6.2f} s")
    old, new, stock = best.values()
    print(f"{'ratio new / old':48s} {new / old:6.2f}   (goal <= 1.2, issue 9)")
    print(f"{'ratio new / stock SPM':48s} {new / stock:6.2f}   (goal <= 1.0, issue 12)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
