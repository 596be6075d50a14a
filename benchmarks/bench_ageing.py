"""Cost of the ageing submodels (issue 9): the 800-cycle formation run of Cell A with the
earlier interphase options (unlimited SE, passivating growth) against the shipped ones
(SE inventory = contact, growth = leaky cracking, active material loss = film
isolation), side by side in one process, alternating,
best of ``REPEATS`` wall times each.

.venv/bin/python benchmarks/bench_ageing.py
"""

import time

import ssbsim

REPEATS = 3
OPTIONS = {
    "old (unlimited, passivating, no loss)": {
        "SE inventory": "unlimited",
        "interphase growth": "passivating",
        "active material loss": "none",
    },
    "new (contact, leaky cracking, film isolation)": {},
}


def main():
    ssbsim.run("cutoff_sweep")  # warm-up: imports, first compilation
    best = {name: float("inf") for name in OPTIONS}
    for _ in range(REPEATS):
        for name, options in OPTIONS.items():
            start = time.perf_counter()
            ssbsim.run("formation_4p15V", options=options)
            best[name] = min(best[name], time.perf_counter() - start)
    for name, wall in best.items():
        print(f"{name}: {wall:.2f} s")
    old, new = best.values()
    print(f"ratio new/old: {new / old:.2f}")


if __name__ == "__main__":
    main()
