"""Wall time and number of model solves of ``ssbsim fit``.

    .venv/bin/python benchmarks/bench_fit.py

1. The shipped calibration of Cell A's interphase (``asakura2020_interphase``: 6 kinetic
   parameters, T6/T7/T9 as data), from the shipped values and from a cold start with every
   parameter 50 % off. Goal: under 60 s on the 2-core machine.
2. The shipped calibration of Cell A's cathode and anode contact (``asakura2020_cell``: 3
   parameters, T2/T5 as data), from the shipped values.
3. The synthetic recovery of the tests (4 parameters, cutoff sweep, 1 % noise, 50 % off).
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
from ssbsim.parameters.registry import anion_names


def timed_fit(spec_path, outdir):
    start = time.perf_counter()
    status = main(["fit", str(spec_path), "-o", str(outdir), "--no-figures"])
    wall = time.perf_counter() - start
    result = json.loads((Path(outdir) / "fit.json").read_text())
    return status, wall, result["n_solves"], result["cost"]


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


def main_benchmark():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows.append(
            ("interphase calibration, from the shipped values", *timed_fit("asakura2020_interphase", folder / "a"))
        )
        rows.append(("interphase calibration, cold start (50 % off)", *timed_fit(cold_copy(folder), folder / "b")))
        rows.append(("cell calibration, from the shipped values", *timed_fit("asakura2020_cell", folder / "d")))
        rows.append(("synthetic recovery (4 parameters, 50 % off)", *timed_fit(recovery_spec(folder), folder / "c")))
    print(f"{'fit':48s} {'exit':>4s} {'wall [s]':>9s} {'solves':>7s} {'cost':>10s}")
    for name, status, wall, solves, cost in rows:
        print(f"{name:48s} {status:4d} {wall:9.1f} {solves:7d} {cost:10.4g}")
    print("goal: Cell A interphase fit under 60 s")
    return 0


if __name__ == "__main__":
    sys.exit(main_benchmark())
