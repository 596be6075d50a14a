"""The shipped calibration of Cell A's interphase from values at its minimum, with and
without cycle jumping, and one trial's cost split by experiment.

    .venv/bin/python benchmarks/bench_calibration.py [--parameter-set PATH] [--trial] [--profile]

The spec is ``parameter_sets/calibration/asakura2020_interphase.toml`` with its parameter
set replaced by PATH (default: the spec's own; give the converged values of an earlier
fit, e.g. its fitted_parameter_set.toml), written to a temporary folder with the data
files named by absolute path. Rows: ``ssbsim fit`` (API) with linearised intervals
(``--profile``: profile likelihood) without and with ``extrapolate``; solves, wall of the
fit, wall of the whole call (set-up, builds and compilation included), the stop reason,
and the load average (``uptime``): the machine is shared, ratios are measured side by
side. ``--trial``: one trial's wall per experiment, plain and with sensitivities, with
and without cycle jumping (second solves: the builds excluded), and the extrapolated rows
against the full run's (the data's sigma: 5 mAh/g, 0.02 energy efficiency).
"""

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "parameter_sets" / "calibration" / "asakura2020_interphase.toml"


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def spec_file(folder, parameter_set):
    """The shipped spec with its parameter set replaced and its data files absolute."""
    text = SPEC.read_text()
    if parameter_set:
        text = re.sub(r'^parameter_set = ".*"$', f'parameter_set = "{Path(parameter_set).resolve()}"', text, flags=re.M)
    text = re.sub(r'^file = "(.*)"$', lambda m: f'file = "{SPEC.parent / m.group(1)}"', text, flags=re.M)
    path = Path(folder) / "asakura2020_interphase_at_minimum.toml"
    path.write_text(text)
    return path


def fits(path, intervals):
    from ssbsim.fit.api import prepare, solve

    print(f"{'cycle jumping':14s} {'solves':>6s} {'fit [s]':>8s} {'call [s]':>8s}  stop / load")
    for extrapolate in (False, True):
        start = time.perf_counter()
        problem = prepare(str(path), extrapolate=extrapolate)
        outcome = solve(problem, intervals=intervals)
        call = time.perf_counter() - start
        r = outcome.result
        print(f"{str(extrapolate):14s} {r.n_solves:6d} {r.wall_s:8.1f} {call:8.1f}  {r.stop_reason}")
        print(f"{'':14s} {uptime()}")
        values = ", ".join(f"{v:.4g}" for v in r.values.values())
        print(f"{'':14s} values: {values}; cost {r.cost:.5g}")


def trial(path):
    from ssbsim.fit.api import prepare

    problem = prepare(str(path), extrapolate=True)
    values = {p.name: p.initial for p in problem.parameters}
    print(f"{'experiment':18s} {'jumps':>5s} {'plain [s]':>9s} {'sens. [s]':>9s} {'simulated':>9s}")
    rows = {}
    for key, experiment in problem.experiments.items():
        wanted = {d.quantity: {int(x) for x in d.x} for d in problem.datasets if d.experiment == key}
        for jumps in (None, problem.jumps[key]) if problem.jumps[key] else (None,):
            walls = []
            for sensitivities in (False, True):
                for _ in range(2):  # the second: built and compiled
                    start = time.perf_counter()
                    result = problem.runs.run(
                        experiment, values, key=key, sensitivities=sensitivities, wanted=wanted, jumps=jumps
                    )
                    wall = time.perf_counter() - start
                walls.append(wall)
                rows[(key, jumps is not None)] = result
            simulated = len(result.cycle_numbers) if result.cycle_numbers else len(result.cycles)
            print(f"{key:18s} {str(jumps is not None):>5s} {walls[0]:9.2f} {walls[1]:9.2f} {simulated:9d}")
    print(uptime())
    full, jumped = rows.get(("formation_4p15V", False)), rows.get(("formation_4p15V", True))
    if full is not None and jumped is not None:
        for column in ("discharge_capacity_mAh_g", "energy_efficiency", "coulombic_efficiency"):
            error = np.abs(jumped.cycles[column].to_numpy() - full.cycles[column].to_numpy())
            print(f"extrapolated {column}: largest error {np.nanmax(error):.3g}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parameter-set", default=None)
    parser.add_argument("--trial", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    with tempfile.TemporaryDirectory() as folder:
        path = spec_file(folder, args.parameter_set)
        if args.trial:
            trial(path)
        fits(path, "profile" if args.profile else "linear")


if __name__ == "__main__":
    main()
