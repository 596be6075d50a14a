"""Time the shipped voltammetry protocols on the SE:carbon electrode (issue 11).

    .venv/bin/python benchmarks/bench_voltammetry.py [--repeats 3]

Per protocol: median wall time of build + solve (``ssbsim.run``), of the voltammogram
and onsets, and of ``ssbsim run`` end to end with all outputs and figures. Target: the
stepwise CV (33 scans) in under 10 s.
"""

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")

import ssbsim  # noqa: E402
from ssbsim.cli import main  # noqa: E402
from ssbsim.observables.onset import onset_table  # noqa: E402
from ssbsim.observables.voltammetry import voltammogram  # noqa: E402


def once(name):
    start = time.perf_counter()
    result = ssbsim.run(name)
    solved = time.perf_counter() - start
    onsets = onset_table(voltammogram(result))
    post = time.perf_counter() - start - solved
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        assert main(["run", name, "-o", out, "-q"]) == 0
        command = time.perf_counter() - start
    return solved, post, command, len(result.cycles), len(onsets)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for name in ("voltammetry_lsv", "voltammetry_stepwise_cv"):
        runs = [once(name) for _ in range(args.repeats)]
        solved, post, command = (statistics.median(r[k] for r in runs) for k in range(3))
        print(
            f"{name}: {runs[0][3]} cycles, {runs[0][4]} onsets; run {solved:.2f} s, "
            f"voltammogram + onsets {post:.2f} s, `ssbsim run` with outputs {command:.2f} s (median of {args.repeats})"
        )
