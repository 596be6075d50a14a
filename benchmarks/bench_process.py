"""Whole processes: ``ssbsim run EXPERIMENT`` against a script that runs PyBaMM's stock
half-cell SPM on the same protocol and cell, alternating, median of ``--repeats``.

    .venv/bin/python benchmarks/bench_process.py [--experiment cutoff_sweep] [--repeats 5]

Both are measured from process start to exit (imports included). ``ssbsim run`` also
writes cycles.csv, the time series, the impedance spectra and their fits and the figures;
``--no-figures`` shows what the figures cost; the stock script only solves and prints the
last discharge capacity. Printed: the median of each, and the median of the
per-repetition ratios (runs of one repetition run under about the same load). Goal
(issue 12): ssbsim / stock <= 1.0.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import interleaved  # benchmarks/interleaved.py

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

STOCK_SCRIPT = """
import sys
import pybamm
from ssbsim.parameters.stock_pybamm import stock_half_cell_parameters
from ssbsim.simulation.run import prepare

spec, pset, _ = prepare(sys.argv[1])
sim = pybamm.Simulation(
    pybamm.lithium_ion.SPM({"working electrode": "positive"}),
    parameter_values=stock_half_cell_parameters(pset),
    experiment=spec.pybamm_experiment(),
)
solution = sim.solve()
print(len(solution.cycles), solution.cycles[-1]["Discharge capacity [A.h]"].entries[-1])
"""


def timed(command, env):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def fresh(command, tmp, count=[0]):  # noqa: B006 - a counter across calls
    """``command`` with ``{out}`` replaced by a new folder: every run writes a new folder
    (as a first run does), none replaces a previous one."""
    count[0] += 1
    return [part.replace("{out}", str(Path(tmp) / f"out{count[0]}")) for part in command]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--experiment", default="cutoff_sweep")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "stock_spm.py"
        script.write_text(STOCK_SCRIPT)
        contenders = {
            "ssbsim run (tables, time series, figures)": [
                str(BIN / "ssbsim"),
                "run",
                args.experiment,
                "-o",
                "{out}",
            ],
            "ssbsim run --no-figures": [str(BIN / "ssbsim"), "run", args.experiment, "-o", "{out}", "--no-figures"],
            "stock SPM script (solve only)": [sys.executable, str(script), args.experiment],
        }
        runs = {name: (lambda c=command: timed(fresh(c, tmp), env)) for name, command in contenders.items()}
        samples, loads = interleaved.measure(runs, args.repeats)
    interleaved.report(f"{args.experiment}: whole processes", samples, loads, width=44)
    ours, bare, stock = samples.values()
    interleaved.ratio("ratio ssbsim / stock", ours, stock, "<= 1.0 with figures", width=44)
    interleaved.ratio("ratio ssbsim --no-figures / stock", bare, stock, "<= 1.0 with figures", width=44)
    return 0


if __name__ == "__main__":
    sys.exit(main())
