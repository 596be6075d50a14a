"""Figures a battery scientist looks at first: voltage profiles, capacity and efficiency,
resistances. Each function takes a Result and returns a matplotlib Figure.

The figures are built with matplotlib's object-oriented API (``Figure``, not pyplot), so
making and saving them neither picks a backend nor touches pyplot's figures: a notebook's
plots are left as they were."""

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure


def subplots(*grid, figsize=(6.4, 4.4), **kwargs):
    """(Figure, axes) as ``pyplot.subplots`` returns them, without pyplot."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(*grid, **kwargs)


def voltage_capacity(result):
    """Voltage against specific capacity of every cycle, coloured by upper cutoff."""
    ts, cycles = result.timeseries, result.cycles
    fig, ax = subplots()
    cutoffs = cycles["upper_cutoff_V"].to_numpy()
    finite = np.isfinite(cutoffs)
    lo, hi = (cutoffs[finite].min(), cutoffs[finite].max()) if finite.any() else (0, 1)
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    cmap = matplotlib.colormaps["viridis"]
    for _, row in cycles.iterrows():
        part = ts[ts["cycle"] == row["cycle"]]
        colour = cmap(norm(row["upper_cutoff_V"])) if np.isfinite(row["upper_cutoff_V"]) else "grey"
        # charge and discharge each counted from zero, as cycler software plots them
        for sign in (-1, 1):
            branch = part[np.sign(part["current_A"]) == sign]
            if len(branch):
                q = branch["discharge_capacity_mAh_g"].to_numpy()
                ax.plot(sign * (q - q[0]), branch["voltage_V"], color=colour, lw=0.8)
    sm = ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, label="upper cutoff [V]")
    ax.set_xlabel("specific capacity [mAh g$^{-1}$ NVOPF]")
    ax.set_ylabel("voltage vs Na$^+$/Na [V]")
    ax.set_title(result.experiment.name)
    fig.tight_layout()
    return fig


def capacity_efficiency(result):
    """Charge/discharge capacity and Coulombic efficiency against cycle number."""
    c = result.cycles
    fig, ax = subplots()
    ax.plot(c["cycle"], c["charge_capacity_mAh_g"], "o-", ms=3, label="charge")
    ax.plot(c["cycle"], c["discharge_capacity_mAh_g"], "s-", ms=3, label="discharge")
    ax.set_xlabel("cycle")
    ax.set_ylabel("specific capacity [mAh g$^{-1}$]")
    ax2 = ax.twinx()
    ax2.plot(c["cycle"], 100 * c["coulombic_efficiency"], "k^-", ms=3, lw=0.8, label="Coulombic efficiency")
    ax2.set_ylabel("Coulombic efficiency [%]")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower left")
    ax.set_title(result.experiment.name)
    fig.tight_layout()
    return fig


def resistances(result):
    """R0 (SE), R1 (anode interface), R2 (cathode interphase) against cycle number."""
    c = result.cycles
    fig, ax = subplots()
    for column, label in [
        ("electrolyte_resistance_ohm_cm2", "R0 electrolyte"),
        ("anode_interface_resistance_ohm_cm2", "R1 Na anode interface"),
        ("cathode_interphase_resistance_ohm_cm2", "R2 cathode interphase"),
    ]:
        ax.plot(c["cycle"], c[column], "o-", ms=3, label=label)
    ax.set_xlabel("cycle")
    ax.set_ylabel("area-specific resistance [$\\Omega$ cm$^2$]")
    ax.legend()
    ax.set_title(f"{result.experiment.name}: resistances at the end of each cycle")
    fig.tight_layout()
    return fig


def interphase(result):
    """R2 against cycle with the upper cutoff marked, and the charge that went into the
    decomposition of each SE anion in each cycle."""
    c = result.cycles
    anions = [col for col in c.columns if col.startswith("decomposition_charge_")]
    fig, (top, bottom) = subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
    top.semilogy(
        c["cycle"], c["cathode_interphase_resistance_ohm_cm2"].clip(lower=1e-3), "o-", ms=3, color="C2", label="R2"
    )
    top.set_ylabel("R2 [$\\Omega$ cm$^2$]")
    cut = top.twinx()
    cut.step(c["cycle"], c["upper_cutoff_V"], where="mid", color="0.5", lw=1, label="upper cutoff")
    cut.set_ylabel("upper cutoff [V]", color="0.4")
    top.set_title(f"{result.experiment.name}: cathode interphase")
    for col in anions:
        name = col.removeprefix("decomposition_charge_").removesuffix("_mAh_g")
        bottom.semilogy(c["cycle"], c[col].clip(lower=1e-6), "o-", ms=3, label=f"[{name}] decomposed")
    bottom.semilogy(
        c["cycle"], c["irreversible_capacity_mAh_g"].clip(lower=1e-6), "k:", lw=1, label="charge - discharge"
    )
    bottom.set_ylabel("per cycle [mAh g$^{-1}$]")
    bottom.set_xlabel("cycle")
    bottom.legend(fontsize="small")
    fig.tight_layout()
    return fig


FIGURES = {
    "voltage_capacity.png": voltage_capacity,
    "capacity_efficiency.png": capacity_efficiency,
    "resistances.png": resistances,
    "interphase.png": interphase,
}
