"""Figures a battery scientist looks at first: voltage profiles, capacity and efficiency,
resistances. Each function takes a Result and returns a matplotlib Figure.

The figures are built with matplotlib's object-oriented API (``Figure``, not pyplot), so
making and saving them neither picks a backend nor touches pyplot's figures: a notebook's
plots are left as they were.

They are laid out with fixed margins instead of ``tight_layout`` (which measured every
tick label of every axis: 0.75 s of a 3 s ``ssbsim run`` of the cutoff sweep), and the
voltage profiles of all cycles are one ``LineCollection`` instead of a line per branch.
Labels use Unicode (g⁻¹, Ω cm²), not mathtext, whose parser cost 0.9 s per run."""

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

#: fixed margins (fractions of the figure), room for the axis labels of a 6.4 x 4.4 in
#: figure, and for a second y axis or a colour bar on the right
MARGINS = {"left": 0.12, "right": 0.97, "bottom": 0.11, "top": 0.93}
TWIN_RIGHT = 0.86


def subplots(*grid, figsize=(6.4, 4.4), **kwargs):
    """(Figure, axes) as ``pyplot.subplots`` returns them, without pyplot."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(*grid, **kwargs)


#: resolution of every PNG ssbsim writes
PNG_DPI = 120


def save_png(fig, path):
    """Write ``fig`` to ``path`` atomically: the one PNG writer of ssbsim. Fast zlib
    (level 1) instead of the default 6: a quarter of a run's figure time, files ~2x larger."""
    from pathlib import Path

    from .. import atomic

    with atomic.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=PNG_DPI, format="png", pil_kwargs={"compress_level": 1})
    return Path(path)


def layout(fig, right=MARGINS["right"], **margins):
    """Fixed margins (cheap, unlike ``tight_layout``)."""
    fig.subplots_adjust(**{**MARGINS, "right": right, **margins})


def voltage_capacity(result):
    """Voltage against specific capacity of every cycle, coloured by upper cutoff."""
    ts, cycles = result.timeseries, result.cycles
    fig, ax = subplots()
    cutoffs = cycles["upper_cutoff_V"].to_numpy()
    finite = np.isfinite(cutoffs)
    lo, hi = (cutoffs[finite].min(), cutoffs[finite].max()) if finite.any() else (0, 1)
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    cmap = matplotlib.colormaps["viridis"]
    segments, colours = [], []
    q_all, v_all, i_all = (ts[c].to_numpy() for c in ("discharge_capacity_mAh_g", "voltage_V", "current_A"))
    cycle_of = ts["cycle"].to_numpy()
    starts = np.searchsorted(cycle_of, cycles["cycle"].to_numpy(), side="left")
    ends = np.searchsorted(cycle_of, cycles["cycle"].to_numpy(), side="right")
    for cutoff, a, b in zip(cutoffs, starts, ends):
        colour = cmap(norm(cutoff)) if np.isfinite(cutoff) else (0.5, 0.5, 0.5, 1.0)
        sign_of = np.sign(i_all[a:b])
        # charge and discharge each counted from zero, as cycler software plots them
        for sign in (-1, 1):
            keep = sign_of == sign
            if keep.any():
                q = q_all[a:b][keep]
                segments.append(np.column_stack([sign * (q - q[0]), v_all[a:b][keep]]))
                colours.append(colour)
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.8))
    ax.autoscale()
    sm = ScalarMappable(norm=norm, cmap=cmap)
    ax.set_xlabel("specific capacity [mAh g⁻¹ NVOPF]")
    ax.set_ylabel("voltage vs Na⁺/Na [V]")
    ax.set_title(result.experiment.name)
    layout(fig, right=0.84)
    fig.colorbar(
        sm,
        cax=fig.add_axes([0.87, MARGINS["bottom"], 0.025, MARGINS["top"] - MARGINS["bottom"]]),
        label="upper cutoff [V]",
    )
    return fig


def capacity_efficiency(result):
    """Charge/discharge capacity and Coulombic efficiency against cycle number."""
    c = result.cycles
    fig, ax = subplots()
    ax.plot(c["cycle"], c["charge_capacity_mAh_g"], "o-", ms=3, label="charge")
    ax.plot(c["cycle"], c["discharge_capacity_mAh_g"], "s-", ms=3, label="discharge")
    ax.set_xlabel("cycle")
    ax.set_ylabel("specific capacity [mAh g⁻¹]")
    ax2 = ax.twinx()
    ax2.plot(c["cycle"], 100 * c["coulombic_efficiency"], "k^-", ms=3, lw=0.8, label="Coulombic efficiency")
    ax2.set_ylabel("Coulombic efficiency [%]")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower left")
    ax.set_title(result.experiment.name)
    layout(fig, right=TWIN_RIGHT)
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
    ax.set_ylabel("area-specific resistance [Ω cm²]")
    ax.legend()
    ax.set_title(f"{result.experiment.name}: resistances at the end of each cycle")
    layout(fig)
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
    top.set_ylabel("R2 [Ω cm²]")
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
    bottom.set_ylabel("per cycle [mAh g⁻¹]")
    bottom.set_xlabel("cycle")
    bottom.legend(fontsize="small")
    layout(fig, right=TWIN_RIGHT, bottom=0.08, top=0.95, hspace=0.08)
    return fig


FIGURES = {
    "voltage_capacity.png": voltage_capacity,
    "capacity_efficiency.png": capacity_efficiency,
    "resistances.png": resistances,
    "interphase.png": interphase,
}
