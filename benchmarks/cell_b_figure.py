"""The Cell B figure of the README: TiS2 | Na3NH2B12H12 | Na cycled at 0.1C, 1.0-2.4 V,
353 K for 200 cycles (He et al., J. Power Sources (2018), doi:10.1016/j.jpowsour.2018.06.054),
against the published capacities (read from parameter_sets/calibration/he2018_cycling_targets.csv,
error bars: the ±10 mAh/g tolerance): discharge capacity and Coulombic efficiency against
cycle, and voltage against capacity in cycles 2, 100 and 200.

.venv/bin/python benchmarks/cell_b_figure.py
"""

from pathlib import Path

import pandas as pd

import ssbsim
from ssbsim.observables.figures import save_png, subplots
from ssbsim.resources import shipped_dir

HERE = Path(__file__).resolve().parent / "figures"


def main():
    HERE.mkdir(exist_ok=True)
    result = ssbsim.run("he2018_cycling", parameter_set="he2018")
    published = pd.read_csv(shipped_dir("parameter_sets") / "calibration" / "he2018_cycling_targets.csv")
    c = result.cycles
    fig, axes = subplots(1, 2, figsize=(10, 4.2))
    ax = axes[0]
    ax.plot(c["cycle"], c["discharge_capacity_mAh_g"], color="C0", label="model, discharge")
    ax.errorbar(
        published["cycle"],
        published["discharge_capacity_mAh_g"],
        yerr=published["discharge_capacity_mAh_g_sigma"],
        fmt="ks",
        label="He et al. 2018",
    )
    ax.set_xlabel("cycle")
    ax.set_ylabel("discharge capacity / mAh g$^{-1}$")
    ax.set_ylim(0, 170)
    ce = ax.twinx()
    ce.plot(c["cycle"], 100 * c["coulombic_efficiency"], color="C2", lw=1, label="model, CE (right axis)")
    ce.axhspan(99, 101, color="C2", alpha=0.1, lw=0)  # ~100 % from cycle 3 on, ±1 point
    ce.set_ylim(90, 105)
    ce.set_ylabel("Coulombic efficiency / % (band: 100 ± 1)", color="C2")
    handles = ax.get_legend_handles_labels()
    extra = ce.get_legend_handles_labels()
    ax.legend(handles[0] + extra[0], handles[1] + extra[1], loc="lower left")
    ts = result.timeseries
    for cycle, colour in zip((2, 100, 200), ("C0", "C1", "C3")):
        part = ts[ts["cycle"] == cycle]
        q = part["discharge_capacity_mAh_g"] - part["discharge_capacity_mAh_g"].iloc[0]
        axes[1].plot(q, part["voltage_V"], color=colour, label=f"cycle {cycle}")
    axes[1].set_xlabel("net capacity discharged in the cycle / mAh g$^{-1}$")
    axes[1].text(0.58, 0.6, "lower: discharge\nupper: charge", transform=axes[1].transAxes, fontsize=8)
    axes[1].set_ylabel("voltage / V vs Na$^+$/Na")
    axes[1].legend()
    fig.suptitle("Cell B: TiS2 | Na3NH2B12H12 | Na, 0.1C, 1.0-2.4 V, 353 K (SE conversion fade)")
    fig.tight_layout()
    save_png(fig, HERE / "cell_b_cycling.png")


if __name__ == "__main__":
    main()
