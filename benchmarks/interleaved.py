"""Timing contenders side by side on a shared machine: after one warm-up run each, they run
alternately (interleaved repetitions), so the runs of one repetition meet about the same
load; the medians of the wall times and of the per-repetition ratios are printed. Used by
bench_ageing.py and bench_process.py."""

import os
import statistics


def measure(contenders, repeats):
    """``{name: [seconds per repetition]}`` and the load averages seen, for ``{name: run}``
    where ``run()`` returns its wall time in seconds."""
    for run in contenders.values():  # warm-up: file caches, compiled-function cache
        run()
    samples = {name: [] for name in contenders}
    loads = []
    for _ in range(repeats):
        for name, run in contenders.items():
            samples[name].append(run())
        loads.append(os.getloadavg()[0])
    return samples, loads


def report(title, samples, loads, width=48):
    """The medians (and every repetition) of ``samples``, under ``title``."""
    repeats = len(next(iter(samples.values())))
    print(f"{title}, median of {repeats} interleaved repetitions; load average {min(loads):.1f}-{max(loads):.1f}")
    for name, values in samples.items():
        print(f"{name:{width}s} {statistics.median(values):6.2f} s   ({', '.join(f'{v:.2f}' for v in values)})")


def ratio(label, a, b, goal, width=48):
    """The median of the per-repetition ratios a / b (and each of them)."""
    ratios = [x / y for x, y in zip(a, b)]
    each = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"{label:{width}s} {statistics.median(ratios):6.2f}   ({each}; goal {goal})")
