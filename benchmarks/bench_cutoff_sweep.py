"""ssbsim against stock PyBaMM on the same protocol, side by side in one process.

    .venv/bin/python benchmarks/bench_cutoff_sweep.py [--repeats 5] [--experiment cutoff_sweep]

Both models simulate Cell A (parameter set ``asakura2020``) through the same
``pybamm.Experiment`` built from the shipped experiment file:

- ssbsim's default cell model for Cell A (single particle, averaged composite, Na anode,
  SE, two-anion decomposition interphase), or other options with ``--options``;
- PyBaMM's stock half-cell SPM (``{"working electrode": "positive"}``), fed the same cell
  by ``ssbsim.parameters.stock_pybamm`` (same OCP spline, diffusivity, kinetics).

Each repeat builds and solves from scratch (set-up is most of a short run), alternating
the two so that drifts in machine load hit both. Reports median wall and integration
times and their ratios; the goal is ssbsim / stock SPM <= 1.0 in wall time.
"""

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import pybamm  # noqa: E402

import ssbsim  # noqa: E402
from ssbsim.parameters.stock_pybamm import stock_half_cell_parameters  # noqa: E402
from ssbsim.simulation.run import build_simulation, prepare  # noqa: E402


def time_ssbsim(spec, pset, options):
    start = time.perf_counter()
    sim = build_simulation(spec, pset, options)
    solution = sim.solve()
    return time.perf_counter() - start, solution.integration_time.value, len(solution.cycles)


def time_stock_spm(spec, pset):
    start = time.perf_counter()
    sim = pybamm.Simulation(
        pybamm.lithium_ion.SPM({"working electrode": "positive"}),
        parameter_values=stock_half_cell_parameters(pset),
        experiment=spec.pybamm_experiment(),
    )
    solution = sim.solve()
    return time.perf_counter() - start, solution.integration_time.value, len(solution.cycles)


def time_ssbsim_run(spec, pset, options):
    start = time.perf_counter()
    result = ssbsim.run(spec, pset, options=options)
    len(result.cycles)
    return time.perf_counter() - start, result.solution.integration_time.value, len(result.cycles)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--experiment", default="cutoff_sweep")
    parser.add_argument("--options", default="", help="ssbsim model options, e.g. 'interphase=none'")
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    options = dict(kv.split("=", 1) for kv in args.options.split(",") if kv)
    spec, pset, model_options = prepare(args.experiment, options=options)
    contenders = {
        "ssbsim model + solve": lambda: time_ssbsim(spec, pset, model_options),
        "stock PyBaMM SPM half cell": lambda: time_stock_spm(spec, pset),
        "ssbsim.run (incl. cycle table)": lambda: time_ssbsim_run(spec, pset, options),
    }
    for run in contenders.values():  # warm-up: imports, CasADi and IDAKLU first use
        run()
    samples = {name: [] for name in contenders}
    for _ in range(args.repeats):
        for name, run in contenders.items():
            samples[name].append(run())
    rows = {}
    for name, values in samples.items():
        rows[name] = {
            "wall_s": statistics.median(v[0] for v in values),
            "integration_s": statistics.median(v[1] for v in values),
            "cycles": values[0][2],
        }
    print(
        f"{args.experiment}: {spec.n_cycles} cycles, Cell A, {args.repeats} repeats (median), options {model_options!r}"
    )
    print(f"{'':34s} {'wall [s]':>9s} {'integration [s]':>16s} {'cycles':>7s}")
    for name, r in rows.items():
        print(f"{name:34s} {r['wall_s']:9.3f} {r['integration_s']:16.3f} {r['cycles']:7d}")
    ours, stock = rows["ssbsim model + solve"], rows["stock PyBaMM SPM half cell"]
    ratios = {
        "wall ratio ssbsim/stock SPM": ours["wall_s"] / stock["wall_s"],
        "integration ratio ssbsim/stock SPM": ours["integration_s"] / stock["integration_s"],
    }
    for name, value in ratios.items():
        print(f"{name:34s} {value:9.2f}")
    print(f"goal: wall ratio <= 1.0 -> {'met' if ratios['wall ratio ssbsim/stock SPM'] <= 1.0 else 'NOT met'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "ratios": ratios}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
