"""Wall time and number of model solves of ``ssbsim fit``.

    .venv/bin/python benchmarks/bench_fit.py [CASE ...] [--intervals linear] [--derivatives both|fd|auto] [--seed N]

1. The shipped calibration of Cell A's interphase (``asakura2020_interphase``: 9
   parameters, T6/T7/T9/T12 as data, a 40-cycle sweep and an 800-cycle run per trial),
   from the shipped values (goal: under 10 s) and (case 2) from a cold start with every
   parameter 50 % off.
3. The shipped calibration of Cell A's cathode and anode contact (``asakura2020_cell``: 3
   parameters, T2/T5 as data), from the shipped values.
4. The synthetic recovery of the tests (4 parameters, cutoff sweep, 1 % noise, 50 % off).
5. The recovery of issue 13: the cutoff sweep simulated with Cell A's shipped values, 1 %
   noise on R2 and discharge capacity and 0.1 point on CE per cycle (given as sigma, noise
   seed 13, or ``--seed N``), all nine parameters of the interphase calibration 50 % off
   with its bounds and default scales. Check: each parameter within 5 % of the truth or the
   truth inside its interval. Printed with it: r.r at the truth and, per parameter, the
   profile's Delta at the truth predicted from this realisation's noise
   (``truth_profile``). Seed 13 fails the check on the noise, not on the fit: the
   [B12H12]2- pair is set by the CE of cycles 1-7, 66 % of it (of the part of the rate
   constant's column no other parameter explains) by cycle 2's, whose noise draw is
   -3.08 sigma; Delta at the truth predicted 12.4 and 10.7 for the rate constant and the
   passivation length, measured 13.4 for the rate constant (the others re-optimised to
   1e-12 from the truth and from the fit), against the threshold 3.93: a p = 3e-4 draw
   of chi2_1. Residuals of noise-free data at the truth 3e-9 (no difference between data
   and trials: ``tests/fit/test_synthetic.py``). Seeds 1-3 pass. Even with exact
   intervals a single realisation passes this check in 81 % of seeds only (linear theory
   with the Jacobian at the truth, 10 000 seeds: each parameter outside its interval in
   4.5-5.2 %; the check is one of coverage, ``bench_fit_coverage.py``).

Each row: solves of the optimisation, total solves (with the profile-likelihood
intervals), wall and CPU time (the CPU time of this process: the wall time on a quiet
machine, near enough, when the machine is shared) and how the Jacobian was taken (fit.json's ``jacobian``: forward
sensitivities where the problem allows, ``fit/jacobian.py``, else finite differences and
why); ``--intervals linear`` gives the old linearised intervals; ``--derivatives both``
runs each case with the default ("auto") and with ``--finite-differences``, side by side.
"""

import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import ssbsim
from ssbsim.cli import main
from ssbsim.fit.spec import load_fit_spec
from ssbsim.fit.synthetic import noisy_table, spec_text, started_off
from ssbsim.parameters.registry import anion_names

INTERVALS = "profile"
SEED = 13  # noise seed of case 5 (--seed)
DERIVATIVES = {"auto": [], "fd": ["--finite-differences"]}


def timed_fit(spec_path, outdir, derivatives="auto"):
    start, cpu = time.perf_counter(), time.process_time()
    arguments = ["fit", str(spec_path), "-o", str(outdir), "--no-figures", "--intervals", INTERVALS]
    status = main(arguments + DERIVATIVES[derivatives])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = json.loads((Path(outdir) / "fit.json").read_text())
    jacobian = result.get("jacobian", "")
    return status, wall, cpu, result.get("n_solves_fit", 0), result["n_solves"], result["cost"], jacobian


def cold_copy(folder):
    """The shipped calibration with every initial value 50 % above the shipped value."""
    shipped = load_fit_spec("asakura2020_interphase")
    source = shipped.source
    for f in source.parent.glob("asakura2020_*.csv"):
        shutil.copy(f, folder)
    text = source.read_text()
    for p in shipped.parameters:
        initial = min(p.initial * 1.5, p.high)
        text = re.sub(
            r'(\[fit\."' + re.escape(p.name) + r'"\]\nbounds = \[[^\]]*\])', rf"\1\ninitial = {initial:.6g}", text
        )
    (folder / "cold.toml").write_text(text)
    return folder / "cold.toml"


def recovery_spec(folder):
    truth = ssbsim.load_parameter_set("asakura2020")
    names = [anion_names(0)["length"], anion_names(1)["rate"], anion_names(1)["resistivity"], anion_names(1)["length"]]
    quantities = ["cathode_interphase_resistance_ohm_cm2", "irreversible_capacity_mAh_g"]
    data = ssbsim.run("cutoff_sweep").cycles[["cycle", *quantities]].copy()
    rng = np.random.default_rng(1)
    for q in quantities:
        data[q] *= 1 + 0.01 * rng.standard_normal(len(data))
    data.to_csv(folder / "synthetic.csv", index=False)
    lines = ['experiment = "cutoff_sweep"', "starts = 1"]
    for q in quantities:
        lines += ["[[data]]", 'file = "synthetic.csv"', f'quantity = "{q}"']
    for n in names:
        lines += [
            f'[fit."{n}"]',
            f"bounds = [{truth[n] / 10:.6g}, {truth[n] * 10:.6g}]",
            f"initial = {truth[n] * 1.5:.6g}",
        ]
    (folder / "recovery.toml").write_text("\n".join(lines) + "\n")
    return folder / "recovery.toml"


def issue13_spec(folder):
    """The recovery of issue 13 (see the module docstring)."""
    truth = ssbsim.load_parameter_set("asakura2020")
    noise = {
        "coulombic_efficiency": ("absolute", 0.001),
        "cathode_interphase_resistance_ohm_cm2": ("relative", 0.01),
        "discharge_capacity_mAh_g": ("relative", 0.01),
    }
    noisy_table(ssbsim.run("cutoff_sweep").cycles, noise, np.random.default_rng(SEED)).to_csv(
        folder / "issue13.csv", index=False
    )
    parameters = load_fit_spec("asakura2020_interphase").parameters
    (folder / "issue13.toml").write_text(spec_text("issue13.csv", noise, started_off(parameters, truth)))
    return folder / "issue13.toml"


def truth_profile(spec_path, result):
    """What the noise of this realisation does at the truth: r.r there (a fit that stopped
    short of the minimum would be above it), and per parameter the profile's Delta at the
    truth predicted from the Jacobian at the truth, (q_i . r)^2 / s^2 (q_i: the unit part
    of parameter i's column orthogonal to the others'): the noise's projection onto what
    only that parameter explains. On seed 13 it predicted 12.4 for the [B12H12]2- rate
    constant where the profile re-optimised to 1e-12 measured 13.4."""
    from ssbsim.fit.jacobian import Derivatives
    from ssbsim.fit.local import DIFF_STEP
    from ssbsim.fit.problem import Problem

    truth = ssbsim.load_parameter_set("asakura2020")
    problem = Problem(load_fit_spec(spec_path))
    derivatives = Derivatives(problem, problem.parameters, DIFF_STEP)
    u = np.array([p.to_unit(truth[p.name]) for p in problem.parameters])
    r, J = derivatives.residuals(u), derivatives.jacobian(u)
    deltas = {}
    for i, p in enumerate(problem.parameters):
        others = np.delete(J, i, axis=1)
        column = J[:, i] - others @ np.linalg.lstsq(others, J[:, i], rcond=None)[0]
        deltas[p.name] = float(column @ r) ** 2 / float(column @ column) / result["noise_scale"]
    return float(r @ r), deltas


def recovery_check(outdir, spec_path):
    truth = ssbsim.load_parameter_set("asakura2020")
    result = json.loads((Path(outdir) / "fit.json").read_text())
    rr_truth, deltas = truth_profile(spec_path, result)
    print(
        f"\nrecovery of issue 13, noise seed {SEED} ({result['method']}; "
        f"converged {result['converged']}: {result['stop_reason']})"
    )
    ok = True
    for name, entry in result["parameters"].items():
        off = entry["value"] / truth[name] - 1
        if entry["ci95"] is None:  # at a bound: no interval, only the 5 % test
            interval, inside = "none (at a bound)", False
        else:
            lo, hi = entry["ci95"]
            interval, inside = f"[{lo:.3g}, {hi:.3g}]", lo <= truth[name] <= hi
        ok &= abs(off) <= 0.05 or inside
        print(
            f"  {name:55s} {off:+7.1%}  95 % {interval} truth {truth[name]:.3g} "
            f"{'inside' if inside else 'OUTSIDE'}  identifiable {entry['identifiable']}  "
            f"Delta(truth) ~ {deltas[name]:.3g}"
        )
    print(
        f"  r.r at the truth {rr_truth:.4g}, at the fit {2 * result['cost']:.4g}; Delta(truth): the profile at the "
        f"truth predicted from the noise (threshold {result['threshold']:.3g})"
    )
    for line in result["warnings"]:
        print("  warning:", line)
    print("  each parameter within 5 % or the truth inside its interval:", ok)
    return ok


def main_benchmark():
    global INTERVALS, SEED
    if "--intervals" in sys.argv:
        INTERVALS = sys.argv[sys.argv.index("--intervals") + 1]
    if "--seed" in sys.argv:
        SEED = int(sys.argv[sys.argv.index("--seed") + 1])
    modes = ["auto"]
    if "--derivatives" in sys.argv:
        choice = sys.argv[sys.argv.index("--derivatives") + 1]
        modes = ["auto", "fd"] if choice == "both" else [choice]
    only = [a for i, a in enumerate(sys.argv[1:], 1) if a.isdigit() and sys.argv[i - 1] != "--seed"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = {
            "1": ("interphase calibration, from the shipped values", lambda: "asakura2020_interphase"),
            "2": ("interphase calibration, cold start (50 % off)", lambda: cold_copy(folder)),
            "3": ("cell calibration, from the shipped values", lambda: "asakura2020_cell"),
            "4": ("synthetic recovery (4 parameters, 50 % off)", lambda: recovery_spec(folder)),
            "5": ("issue 13 recovery (9 parameters, 50 % off)", lambda: issue13_spec(folder)),
        }
        ok = True
        for key, (name, spec) in cases.items():
            if only and key not in only:
                continue
            path = spec()
            for mode in modes:
                rows.append((name, mode, *timed_fit(path, folder / f"{key}{mode}", mode)))
                print(rows[-1], flush=True)
                if key == "5":
                    ok &= recovery_check(folder / f"{key}{mode}", path)
    print(
        f"\n{'fit':48s} {'mode':>4s} {'exit':>4s} {'wall [s]':>9s} {'CPU [s]':>8s} {'fit solves':>10s} "
        f"{'solves':>7s} {'cost':>10s}"
    )
    for name, mode, status, wall, cpu, fit_solves, solves, cost, jacobian in rows:
        print(
            f"{name:48s} {mode:>4s} {status:4d} {wall:9.1f} {cpu:8.1f} {fit_solves:10d} {solves:7d} {cost:10.4g}  "
            f"{jacobian}"
        )
    print(f"intervals: {INTERVALS}; goals (issue 13): cold start < 60 s, shipped calibration < 10 s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main_benchmark())
