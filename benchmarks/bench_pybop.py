"""ssbsim fit against PyBOP on a problem both can pose: one 1C charge of Cell A (ssbsim's
model and parameter values), 200 voltage points with 2 mV noise, the positive particle
diffusivity and exchange-current density fitted from 3x their values, bounds x/30..x30.

PyBOP is not a dependency of ssbsim; run this from a separate environment that has both:

    python -m venv /tmp/pybop && /tmp/pybop/bin/pip install pybop==26.3 pybamm==26.10.1.1 \\
        pandas tomlkit pyarrow tqdm
    PYTHONPATH=. /tmp/pybop/bin/python benchmarks/bench_pybop.py [--skip-ssbsim] [--finite-differences]

The two pose it differently where their designs differ: ssbsim runs the experiment
("Charge at 1C until 4.15 V", ended by the cutoff event) and minimises its scaled
residuals (sigma 1 % of the voltage) with SciPy's trust-region least squares, the Jacobian
from IDAKLU's sensitivities at the data's times (``simulation/step_interpolation.py``; a
residual solve and a sensitivity solve per iteration); PyBOP drives the model with the
data's current (no event) and minimises the sum of squares with SciPy's L-BFGS-B on
IDAKLU's sensitivities.

ssbsim compiles its model's functions to C for a fit (two builds: with and without
sensitivities), cached on disk (``$PYBAMM_CASADI_AOT_CACHE``): the first fit runs with an
empty cache (``cold``, the compilation included), the others with the cache it filled.
``--finite-differences`` adds ssbsim with finite differences (linear intervals).
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pybop

import ssbsim
from ssbsim.cli import main as ssbsim_main
from ssbsim.model.cell_model import CellModel
from ssbsim.simulation.run import prepare

NAMES = ["Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]"]


def synthetic(folder, truth):
    (folder / "charge.toml").write_text(
        'description = "one 1C charge"\n[[block]]\nsteps = ["Charge at 1C until 4.15 V"]\n'
    )
    solution = ssbsim.run(folder / "charge.toml").solution
    t = np.linspace(0, solution.t[-1] * 0.98, 200)
    v = solution["Voltage [V]"](t) + 0.002 * np.random.default_rng(0).standard_normal(len(t))
    i = solution["Current [A]"](t)
    pd.DataFrame({"time_s": t, "voltage_V": v, "current_A": i}).to_csv(folder / "charge.csv", index=False)
    return t, v, i


def run_ssbsim(folder, start, bounds, truth, intervals, label=None, flags=()):
    lines = ['experiment = "charge.toml"', "starts = 1", "[[data]]", 'file = "charge.csv"', 'quantity = "voltage"']
    for n in NAMES:
        lines += [f'[fit."{n}"]', f"bounds = [{bounds[n][0]:.6g}, {bounds[n][1]:.6g}]", f"initial = {start[n]:.6g}"]
    (folder / "spec.toml").write_text("\n".join(lines) + "\n")
    label = label or intervals
    out = folder / ("out_" + label.replace(", ", "_").replace(" ", "_"))
    begin = time.perf_counter()
    ssbsim_main(["fit", str(folder / "spec.toml"), "-o", str(out), "--no-figures", "--intervals", intervals, *flags])
    wall = time.perf_counter() - begin
    result = json.loads((out / "fit.json").read_text())
    fitted = {n: result["parameters"][n]["value"] for n in NAMES}
    ratios = {n[:30]: round(fitted[n] / truth[n], 4) for n in NAMES}
    data = pd.read_csv(folder / "charge.csv")
    simulated = ssbsim.run(folder / "charge.toml", overrides=fitted).solution["Voltage [V]"](data["time_s"].to_numpy())
    rms = 1e3 * np.sqrt(np.mean((simulated - data["voltage_V"].to_numpy()) ** 2))
    print(
        f"ssbsim ({label}): {wall:.1f} s, {result['n_solves_fit']} fit solves, {result['n_solves']} total, "
        f"cost {result['cost']:.5g} (rms {rms:.3g} mV); {ratios}; derivatives: {result['jacobian']}"
    )
    return wall


def run_pybop(folder, t, v, i, start, bounds, truth):
    spec, pset, options = prepare(folder / "charge.toml", truth)
    values = pset.pybamm_values(options)
    for n in NAMES:
        values[n] = pybop.Parameter(bounds=bounds[n], initial_value=start[n], transformation=pybop.LogTransformation())
    dataset = pybop.Dataset({"Time [s]": t, "Current function [A]": i, "Current [A]": i, "Voltage [V]": v})
    simulator = pybop.pybamm.Simulator(CellModel(options), parameter_values=values, protocol=dataset)
    problem = pybop.Problem(simulator, pybop.SumSquaredError(dataset))
    begin = time.perf_counter()
    result = pybop.SciPyMinimize(problem).run()
    wall = time.perf_counter() - begin
    ratios = {n[:30]: round(float(x) / truth[n], 4) for n, x in zip(NAMES, np.asarray(result.x))}
    evaluations = getattr(result, "n_evaluations", "?")
    cost = float(getattr(result, "best_cost", np.nan))
    print(
        f"PyBOP SciPyMinimize (L-BFGS-B, sensitivities): {wall:.1f} s, {evaluations} evaluations, "
        f"sum of squares {cost:.5g} V2 (rms {1e3 * np.sqrt(cost / len(t)):.3g} mV); {ratios}"
    )
    return wall


def main():
    truth = ssbsim.load_parameter_set("asakura2020")
    start = {n: truth[n] * 3 for n in NAMES}
    bounds = {n: (truth[n] / 30, truth[n] * 30) for n in NAMES}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t, v, i = synthetic(folder, truth)
        walls = {}
        if "--skip-ssbsim" not in sys.argv:
            os.environ["PYBAMM_CASADI_AOT_CACHE"] = str(folder / "compiled")  # empty: the first fit compiles
            walls["linear, cold"] = run_ssbsim(folder, start, bounds, truth, "linear", "linear, cold")
            for intervals in ("linear", "profile"):
                walls[intervals] = run_ssbsim(folder, start, bounds, truth, intervals)
            if "--finite-differences" in sys.argv:
                label = "linear, finite differences"
                walls[label] = run_ssbsim(folder, start, bounds, truth, "linear", label, ["--finite-differences"])
        walls["pybop"] = run_pybop(folder, t, v, i, start, bounds, truth)
    for key, wall in walls.items():
        if key != "pybop":
            print(f"wall ratio ssbsim ({key}) / PyBOP: {wall / walls['pybop']:.1f}")


if __name__ == "__main__":
    main()
