"""Regenerate the figures of the README from the shipped cutoff sweep, voltammetry and the
pressure cell (T13).

.venv/bin/python benchmarks/readme_figures.py
"""

from pathlib import Path

import ssbsim
from ssbsim.observables.figures import interphase, resistances, save_png, subplots, voltage_capacity
from ssbsim.observables.impedance_figures import fitted_resistances, nyquist

HERE = Path(__file__).resolve().parent / "figures"


def main():
    HERE.mkdir(exist_ok=True)
    result = ssbsim.run("cutoff_sweep")
    for name, make in {
        "voltage_capacity": voltage_capacity,
        "resistances": resistances,
        "interphase": interphase,
        "nyquist": nyquist,
        "resistances_fitted": fitted_resistances,
    }.items():
        fig = make(result)
        save_png(fig, HERE / f"cutoff_sweep_{name}.png")
    voltammetry()
    pressure_cell()


def voltammetry():
    from ssbsim.observables import voltammetry as v
    from ssbsim.simulation.scan_rate import figure, onsets_vs_scan_rate

    for name in ("voltammetry_lsv", "voltammetry_stepwise_cv"):
        save_png(v.plot(ssbsim.run(name)), HERE / f"{name}.png")  # the figure `ssbsim run` writes
    measured = [(10.0, 3.45, "measured, 10 µV/s, 60 °C (Asakura 2020)"), (10.0, 4.20, "_nolegend_")]
    title = "Apparent onset against scan rate — SE:carbon, 60 °C"
    save_png(figure(onsets_vs_scan_rate(), measured, title), HERE / "onset_vs_scan_rate.png")


def pressure_cell():
    """T13: the 3.2 MPa pressure cell with 8.0 mg cm-2 NVOPF against the published numbers,
    beside the same cell at Cell A's spring-cell pressure (the reference, 0.1 MPa)."""
    from ssbsim.fit.targets import PRESSURE_SET, RUNS

    experiment, overrides, _ = RUNS["pressure_cell"]
    pressed = ssbsim.load_parameter_set(PRESSURE_SET)
    reference = pressed["Reference stack pressure [Pa]"]
    runs = {
        "3.2 MPa (asakura2020_pressure)": ssbsim.run(experiment, pressed, overrides=overrides),
        f"{reference / 1e6:g} MPa (Cell A's spring cell, the reference)": ssbsim.run(
            experiment, pressed, overrides=overrides | {"Stack pressure [Pa]": reference}
        ),
    }
    fig, axes = subplots(2, 1, figsize=(6.4, 6), sharex=True)
    for (label, result), colour in zip(runs.items(), ("C0", "C7")):
        c = result.cycles
        axes[0].plot(c["cycle"], c["discharge_capacity_mAh_g"], "o-", color=colour, ms=3, label=f"model, {label}")
        axes[1].plot(c["cycle"], 100 * c["coulombic_efficiency"], "o-", color=colour, ms=3)
    axes[0].errorbar(1, 117, yerr=5, fmt="ks", label="T13: 117 mAh/g at C/10 (±5)")
    axes[0].hlines(100, 2, 17, colors="k", linestyles="--", label="T13: > 100 mAh/g at C/5, > 15 cycles")
    axes[1].hlines(99, 2, 17, colors="k", linestyles="--", label="T13: CE ≥ 99 %")
    axes[0].set_ylabel("discharge capacity / mAh g$^{-1}$")
    axes[0].set_ylim(70, 125)
    axes[1].set_ylabel("Coulombic efficiency / %")
    axes[1].set_ylim(90, 100.5)
    axes[1].set_xlabel("cycle (1: C/10, 2-17: C/5; 2.50-4.15 V)")
    axes[0].legend(fontsize=8, loc="lower right")
    axes[1].legend(fontsize=8, loc="lower right")
    fig.suptitle("Cell A in the pressure cell, 8.0 mg cm$^{-2}$ NVOPF, 25 °C")
    fig.tight_layout()
    save_png(fig, HERE / "pressure_cell.png")


if __name__ == "__main__":
    main()
