"""Draw the figures of the README into benchmarks/figures/, all of them or the named ones:

.venv/bin/python benchmarks/readme_figures.py                      # every README figure
.venv/bin/python benchmarks/readme_figures.py cell_b duchene2020   # only these
.venv/bin/python benchmarks/readme_figures.py --list               # the names and their files

Each name is one small function that runs what its figures need and returns
``{file name: Figure}``; this entry point writes them through ssbsim's one PNG writer
(``observables.figures.save_png``). ``FIGURES`` names the files of each, so that a test
can check that every figure the README shows is drawn here.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import ssbsim
from ssbsim.observables.figures import save_png, subplots

HERE = Path(__file__).resolve().parent / "figures"


def cutoff_sweep():
    """The shipped 40-cycle cutoff sweep of Cell A: the figures ``ssbsim run`` draws."""
    from ssbsim.observables.figures import interphase, resistances, voltage_capacity
    from ssbsim.observables.figures.impedance import fitted_resistances, nyquist

    result = ssbsim.run("cutoff_sweep")
    return {
        f"cutoff_sweep_{name}.png": make(result)
        for name, make in {
            "voltage_capacity": voltage_capacity,
            "resistances": resistances,
            "interphase": interphase,
            "nyquist": nyquist,
            "resistances_fitted": fitted_resistances,
        }.items()
    }


def voltammetry():
    """The voltammograms ``ssbsim run`` draws for the shipped LSV and stepwise CV."""
    from ssbsim.observables import voltammetry as v

    return {f"{name}.png": v.plot(ssbsim.run(name)) for name in ("voltammetry_lsv", "voltammetry_stepwise_cv")}


def onset_vs_scan_rate():
    """``ssbsim onset --scan-rates`` of the SE:carbon electrode against the measured onsets."""
    from ssbsim.simulation.scan_rate import figure, onsets_vs_scan_rate

    measured = [(10.0, 3.45, "measured, 10 µV/s, 60 °C (Asakura 2020)"), (10.0, 4.20, "_nolegend_")]
    title = "Apparent onset against scan rate — SE:carbon, 60 °C"
    return {"onset_vs_scan_rate.png": figure(onsets_vs_scan_rate(), measured, title)}


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
    return {"pressure_cell.png": fig}


#: T12 (BRIEF §3): cycle -> (discharge capacity mAh/g, energy efficiency)
T12 = {3: (99.0, None), 1: (None, 0.906), 400: (90.0, 0.945), 800: (78.0, 0.920)}


def longterm_cycling():
    """Cell A cycled to 4.15 V (800 cycles) and 4.30 V (200 cycles) after two C/10
    formation cycles: discharge capacity, Coulombic and energy efficiency against cycle,
    with the published values of T12 (Asakura et al., Energy Environ. Sci. 13 (2020) 5048,
    doi:10.1039/d0ee01569e)."""
    runs = {"4.15 V": ssbsim.run("formation_4p15V"), "4.30 V": ssbsim.run("formation_4p30V")}
    fig, axes = subplots(3, 1, figsize=(7, 8), sharex=True)
    for (label, result), colour in zip(runs.items(), ("C0", "C3")):
        c = result.cycles
        axes[0].plot(c["cycle"], c["discharge_capacity_mAh_g"], color=colour, label=f"model, {label}")
        axes[1].plot(c["cycle"], 100 * c["coulombic_efficiency"], color=colour)
        axes[2].plot(c["cycle"], 100 * c["energy_efficiency"], color=colour)
    for cycle, (capacity, efficiency) in T12.items():
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
    return {"longterm_cycling.png": fig}


def cell_b():
    """Cell B: TiS2 | Na3NH2B12H12 | Na cycled at 0.1C, 1.0-2.4 V, 353 K for 200 cycles (He
    et al., J. Power Sources (2018), doi:10.1016/j.jpowsour.2018.06.054), against the
    published capacities (parameter_sets/calibration/he2018_cycling_targets.csv, error bars:
    the ±10 mAh/g tolerance): discharge capacity and Coulombic efficiency against cycle, and
    voltage against capacity in cycles 2, 100 and 200."""
    from ssbsim.resources import shipped_dir

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
    return {"cell_b_cycling.png": fig}


C_FIRST_DISCHARGE = 118.0  # mAh/g at C/10, tolerance 5 (parameter_sets/calibration/duchene2020_targets.csv)
C_RETENTION = 0.95  # at least, after 100 C/5 cycles, of the first C/5 cycle


def _branches(result, cycle):
    """(capacity, voltage) of the charge and of the discharge of ``cycle``, each from zero."""
    ts = result.timeseries
    part = ts[ts["cycle"] == cycle]
    out = []
    for sign in (-1, 1):
        keep = np.sign(part["current_A"].to_numpy()) == sign
        q = part["discharge_capacity_mAh_g"].to_numpy()[keep]
        out.append((sign * (q - q[0]), part["voltage_V"].to_numpy()[keep]))
    return out


def duchene2020():
    """Cell C: NaCrO2 | Na4(B12H12)(B10H10) | Na, one C/10 cycle then 100 at C/5, 30 °C
    (experiments/duchene2020_cycling.toml), against the published numbers (Duchêne et al.,
    Energy Storage Mater. 26 (2020) 543, via BRIEF §1): 118 mAh/g in the first discharge at
    C/10, > 95 % retention after 100 cycles at C/5."""
    result = ssbsim.run("duchene2020_cycling", parameter_set="duchene2020")
    c = result.cycles
    last = int(c["cycle"].iloc[-1])
    fig, (left, right) = subplots(1, 2, figsize=(10, 4.2))
    for cycle, colour, label in (
        (1, "C0", "cycle 1, C/10"),
        (2, "C1", "cycle 2, C/5"),
        (last, "C3", f"cycle {last}, C/5"),
    ):
        for n, (q, v) in enumerate(_branches(result, cycle)):
            left.plot(q, v, color=colour, label=label if n else None)
    first = C_FIRST_DISCHARGE
    left.axvline(first, color="k", ls=":", lw=0.8)
    left.axvspan(first - 5, first + 5, color="0.85", zorder=0, label="118 ± 5 mAh/g (published)")
    left.set_xlabel("specific capacity [mAh g⁻¹ NaCrO2]")
    left.set_ylabel("voltage vs Na⁺/Na [V]")
    left.legend(loc="lower left", fontsize=8)
    right.plot(c["cycle"], c["discharge_capacity_mAh_g"], color="C0", label="model, discharge")
    right.errorbar(1, first, yerr=5, fmt="ks", label="published, first discharge at C/10")
    bound = C_RETENTION * c.set_index("cycle").loc[2, "discharge_capacity_mAh_g"]
    right.plot([2, last], [bound, bound], "k--", lw=1, label="published: > 95 % of the first C/5 cycle")
    right.set_ylim(100, 125)
    right.set_xlabel("cycle")
    right.set_ylabel("discharge capacity [mAh g⁻¹ NaCrO2]")
    right.legend(loc="lower left", fontsize=8)
    fig.suptitle("Cell C: NaCrO2 | Na4(B12H12)(B10H10) | Na, C/10 then C/5, 2.25-3.35 V, 30 °C")
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9, wspace=0.25)
    return {"duchene2020_cycling.png": fig}


#: name -> (the files it draws, the function drawing them)
FIGURES = {
    "cutoff_sweep": (
        tuple(
            f"cutoff_sweep_{n}.png"
            for n in ("voltage_capacity", "resistances", "interphase", "nyquist", "resistances_fitted")
        ),
        cutoff_sweep,
    ),
    "voltammetry": (("voltammetry_lsv.png", "voltammetry_stepwise_cv.png"), voltammetry),
    "onset_vs_scan_rate": (("onset_vs_scan_rate.png",), onset_vs_scan_rate),
    "pressure_cell": (("pressure_cell.png",), pressure_cell),
    "longterm_cycling": (("longterm_cycling.png",), longterm_cycling),
    "cell_b": (("cell_b_cycling.png",), cell_b),
    "duchene2020": (("duchene2020_cycling.png",), duchene2020),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"default: all ({', '.join(FIGURES)})")
    parser.add_argument("--list", action="store_true", help="print the names and their files")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in FIGURES]
    if unknown:
        parser.error(f"no README figure {unknown[0]!r} (names: {', '.join(FIGURES)})")
    if args.list:
        for name, (files, _) in FIGURES.items():
            print(f"{name}: {', '.join(files)}")
        return
    HERE.mkdir(exist_ok=True)
    for name in args.names or FIGURES:
        files, draw = FIGURES[name]
        start = time.perf_counter()
        figures = draw()
        assert set(figures) == set(files), (name, sorted(figures))
        for file, fig in figures.items():
            save_png(fig, HERE / file)
        print(f"{name}: {', '.join(files)} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
