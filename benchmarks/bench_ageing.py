"""The 800-cycle formation run of Cell A, side by side in one process, alternating
(interleaved repetitions), the median of ``--repeats`` wall times each and the median of
the per-repetition ratios (the machine is shared: a ratio within one repetition compares
runs under the same load):

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
import sys
import time

import interleaved  # benchmarks/interleaved.py

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

    def timed(run):
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    runs = {
        name: (lambda o=options: timed(lambda: ssbsim.run(args.experiment, options=o)))
        for name, options in OPTIONS.items()
    }
    runs[STOCK] = lambda: timed(lambda: stock_spm(args.experiment))
    samples, loads = interleaved.measure(runs, args.repeats)
    interleaved.report(args.experiment, samples, loads)
    old, new, stock = samples.values()
    interleaved.ratio("ratio new / old", new, old, "<= 1.2, issue 9")
    interleaved.ratio("ratio new / stock SPM", new, stock, "<= 1.0, issue 12")
    return 0


if __name__ == "__main__":
    sys.exit(main())
