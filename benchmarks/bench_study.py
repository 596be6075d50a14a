"""Throughput of ``ssbsim study`` on this machine, and the cost of a case beyond its
integration.

    .venv/bin/python benchmarks/bench_study.py [--cases 16]

The study varies an input parameter of the interphase ([CB11H12]- rate constant) over
the 40-cycle cutoff sweep of Cell A, so every case after a worker's first re-solves the
built model. Measured with a local cluster of 1 and of 2 worker processes (cluster start
excluded):

- throughput [cases/s] with 1 and 2 workers; goal: 2 workers >= 1.7x 1 worker;
- marginal cost per case on one warm worker (all cases but the first, which pays the
  set-up) against the integration time of a case (PyBaMM's own timer); goal <= 1.5x.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster, as_completed

from ssbsim.study.design import cases
from ssbsim.study.spec import load_study_spec
from ssbsim.study.worker import payload, run_case

SPEC = """description = "benchmark"
experiment = "cutoff_sweep"
design = "grid"
[vary."SE anion (1) decomposition rate constant [A.m-2]"]
range = [0.01, 0.05]
scale = "log"
points = {n}
"""


def throughput(spec, workers):
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        study = client.scatter(payload(spec), broadcast=True)
        start = time.perf_counter()
        futures = [client.submit(run_case, study, n, values, pure=False) for n, values in enumerate(cases(spec))]
        rows, finished = [], []
        for future in as_completed(futures):
            rows.append(future.result())
            finished.append(time.perf_counter() - start)
        return len(rows) / finished[-1], rows, sorted(finished)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=16)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(SPEC.format(n=args.cases))
        spec = load_study_spec(path)
        one, rows, finished = throughput(spec, 1)
        two, rows2, _ = throughput(spec, 2)
    ok = [r for r in rows if r["status"] == "ok"]
    marginal = (finished[-1] - finished[0]) / (len(finished) - 1)
    integration = statistics.mean(r["integration_s"] for r in ok)
    first = finished[0]
    print(f"{args.cases} cases of the 40-cycle cutoff sweep (Cell A, interphase), {len(ok)} ok")
    print(f"throughput, 1 worker : {one:.2f} cases/s")
    print(f"throughput, 2 workers: {two:.2f} cases/s  -> {two / one:.2f}x   (goal >= 1.7x)")
    print(f"first case on a cold worker (set-up + solve): {first:.2f} s")
    print(
        f"marginal cost per case on a warm worker: {marginal:.3f} s; integration {integration:.3f} s "
        f"-> {marginal / integration:.2f}x   (goal <= 1.5x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
