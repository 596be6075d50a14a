"""The long-term cycling figure of the README: discharge capacity, Coulombic and energy
efficiency against cycle for Cell A cycled to 4.15 V (800 cycles) and 4.30 V (200 cycles),
after two C/10 formation cycles, with the published values of T12 (Asakura et al., Energy
Environ. Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e).

.venv/bin/python benchmarks/ageing_figure.py
"""

from pathlib import Path

import ssbsim
from ssbsim.observables.figures import save_png, subplots

HERE = Path(__file__).resolve().parent / "figures"
#: T12 (BRIEF §3): cycle -> (discharge capacity mAh/g, energy efficiency)
PUBLISHED = {3: (99.0, None), 1: (None, 0.906), 400: (90.0, 0.945), 800: (78.0, 0.920)}


def main():
    HERE.mkdir(exist_ok=True)
    runs = {"4.15 V": ssbsim.run("formation_4p15V"), "4.30 V": ssbsim.run("formation_4p30V")}
    fig, axes = subplots(3, 1, figsize=(7, 8), sharex=True)
    for (label, result), colour in zip(runs.items(), ("C0", "C3")):
        c = result.cycles
        axes[0].plot(c["cycle"], c["discharge_capacity_mAh_g"], color=colour, label=f"model, {label}")
        axes[1].plot(c["cycle"], 100 * c["coulombic_efficiency"], color=colour)
        axes[2].plot(c["cycle"], 100 * c["energy_efficiency"], color=colour)
    for cycle, (capacity, efficiency) in PUBLISHED.items():
        if capacity is not None:
            axes[0].errorbar(cycle, capacity, yerr=5, fmt="ks", label="T12, 4.15 V" if cycle == 3 else None)
        if efficiency is not None:
            axes[2].errorbar(cycle, 100 * efficiency, yerr=2, fmt="ks")
    axes[0].set_ylabel("discharge capacity / mAh g$^{-1}$")
    axes[1].set_ylabel("Coulombic efficiency / %")
    axes[1].set_ylim(98.5, 100.2)
    axes[2].set_ylabel("energy efficiency / %")
    axes[2].set_ylim(85, 100)
    axes[2].set_xlabel("cycle")
    axes[0].legend()
    fig.suptitle("Cell A, long-term cycling at C/5 after two C/10 cycles, 25 °C")
    fig.tight_layout()
    save_png(fig, HERE / "longterm_cycling.png")


if __name__ == "__main__":
    main()
