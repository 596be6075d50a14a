"""The Cell C figure of the README: NaCrO2 | Na4(B12H12)(B10H10) | Na, one C/10 cycle then
100 at C/5, 30 °C (experiments/duchene2020_cycling.toml), against the published numbers
(Duchêne et al., Energy Storage Mater. 26 (2020) 543, via BRIEF §1): 118 mAh/g in the first
discharge at C/10, > 95 % retention after 100 cycles at C/5.

.venv/bin/python benchmarks/duchene2020_figure.py
"""

from pathlib import Path

import numpy as np

import ssbsim
from ssbsim.observables.figures import save_png, subplots

HERE = Path(__file__).resolve().parent / "figures"
FIRST_DISCHARGE = 118.0  # mAh/g at C/10, tolerance 5 (parameter_sets/calibration/duchene2020_targets.csv)
RETENTION = 0.95  # at least, after 100 C/5 cycles, of the first C/5 cycle


def branches(result, cycle):
    """(capacity, voltage) of the charge and of the discharge of ``cycle``, each from zero."""
    ts = result.timeseries
    part = ts[ts["cycle"] == cycle]
    out = []
    for sign in (-1, 1):
        keep = np.sign(part["current_A"].to_numpy()) == sign
        q = part["discharge_capacity_mAh_g"].to_numpy()[keep]
        out.append((sign * (q - q[0]), part["voltage_V"].to_numpy()[keep]))
    return out


def main():
    HERE.mkdir(exist_ok=True)
    result = ssbsim.run("duchene2020_cycling", parameter_set="duchene2020")
    c = result.cycles
    last = int(c["cycle"].iloc[-1])
    fig, (left, right) = subplots(1, 2, figsize=(10, 4.2))
    for cycle, colour, label in (
        (1, "C0", "cycle 1, C/10"),
        (2, "C1", "cycle 2, C/5"),
        (last, "C3", f"cycle {last}, C/5"),
    ):
        for n, (q, v) in enumerate(branches(result, cycle)):
            left.plot(q, v, color=colour, label=label if n else None)
    left.axvline(FIRST_DISCHARGE, color="k", ls=":", lw=0.8)
    left.axvspan(FIRST_DISCHARGE - 5, FIRST_DISCHARGE + 5, color="0.85", zorder=0, label="118 ± 5 mAh/g (published)")
    left.set_xlabel("specific capacity [mAh g⁻¹ NaCrO2]")
    left.set_ylabel("voltage vs Na⁺/Na [V]")
    left.legend(loc="lower left", fontsize=8)
    right.plot(c["cycle"], c["discharge_capacity_mAh_g"], color="C0", label="model, discharge")
    right.errorbar(1, FIRST_DISCHARGE, yerr=5, fmt="ks", label="published, first discharge at C/10")
    bound = RETENTION * c.set_index("cycle").loc[2, "discharge_capacity_mAh_g"]
    right.plot([2, last], [bound, bound], "k--", lw=1, label="published: > 95 % of the first C/5 cycle")
    right.set_ylim(100, 125)
    right.set_xlabel("cycle")
    right.set_ylabel("discharge capacity [mAh g⁻¹ NaCrO2]")
    right.legend(loc="lower left", fontsize=8)
    fig.suptitle("Cell C: NaCrO2 | Na4(B12H12)(B10H10) | Na, C/10 then C/5, 2.25-3.35 V, 30 °C")
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9, wspace=0.25)
    save_png(fig, HERE / "duchene2020_cycling.png")


if __name__ == "__main__":
    main()
