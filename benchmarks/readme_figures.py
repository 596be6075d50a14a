"""Regenerate the figures of the README from the shipped cutoff sweep and voltammetry.

.venv/bin/python benchmarks/readme_figures.py
"""

from pathlib import Path

import ssbsim
from ssbsim.observables.figures import interphase, resistances, save_png, voltage_capacity
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


def voltammetry():
    from ssbsim.observables import voltammetry as v
    from ssbsim.observables.onset import onset_table
    from ssbsim.simulation.scan_rate import figure, onsets_vs_scan_rate

    for name in ("voltammetry_lsv", "voltammetry_stepwise_cv"):
        result = ssbsim.run(name)
        frame = v.voltammogram(result)
        fig = v.figure(frame, onset_table(frame), f"{name} ({result.experiment.temperature_C:g} °C)")
        save_png(fig, HERE / f"{name}.png")
    measured = [(10.0, 3.45, "measured, 10 uV/s, 60 °C (Asakura 2020)"), (10.0, 4.20, "_nolegend_")]
    save_png(figure(onsets_vs_scan_rate(), measured, "asakura2020_se_carbon, 60 °C"), HERE / "onset_vs_scan_rate.png")


if __name__ == "__main__":
    main()
