"""Speed of the impedance steps (issue 10): one 60-frequency spectrum at a mid-run state,
and the cutoff sweep with its 9 spectra against the same sweep without them.

    .venv/bin/python benchmarks/bench_impedance.py
"""

import os
import statistics
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import ssbsim  # noqa: E402
from ssbsim.protocol import load_experiment  # noqa: E402
from ssbsim.protocol.experiment_file import Block, ExperimentSpec  # noqa: E402
from ssbsim.simulation.impedance import frequencies  # noqa: E402


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main(repeat=3):
    sweep = load_experiment("cutoff_sweep")
    plain = ExperimentSpec("plain", [Block(list(c)) for c in sweep.cycles()], period=sweep.period)
    t_with, result = timed(lambda: ssbsim.run(sweep), repeat)
    t_without, _ = timed(lambda: ssbsim.run(plain), repeat)
    # one spectrum of 60 frequencies at the end of the rest of cycle 17 (4.20 V), model built
    from ssbsim.simulation.impedance import ImpedanceModel
    from ssbsim.simulation.run import prepare

    _, pset, options = prepare("cutoff_sweep")
    t_build, model = timed(lambda: ImpedanceModel(pset.pybamm_values(options), options), 1)
    state = model.state_from(result.solution.cycles[16].steps[1])
    freqs = frequencies(2e5, 2e5 / 10 ** (59 / 8.4), 8.4)[:60]
    t_spectrum, _ = timed(lambda: model.spectrum(state, freqs), 5)
    t_fit, _ = timed(lambda: ssbsim.simulation.result.Result.impedance_fits.func(result), 1)
    print(f"cutoff sweep with 9 spectra:    {t_with:.2f} s (median of {repeat})")
    print(f"cutoff sweep without spectra:   {t_without:.2f} s")
    print(f"ratio:                          {t_with / t_without:.2f}")
    print(f"impedance model build:          {t_build:.3f} s")
    print(f"one spectrum, {len(freqs)} frequencies:  {t_spectrum * 1e3:.1f} ms")
    print(f"circuit fits of the 9 spectra:  {t_fit:.2f} s (written with the outputs, not part of the run)")


if __name__ == "__main__":
    main()
