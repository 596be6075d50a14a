"""The figures of the cycling: voltage profiles, dQ/dV, capacity and efficiency,
resistances, the cathode interphase (``FIGURES``: file name -> function of a Result)."""

import numpy as np
from matplotlib.collections import LineCollection

from .canvas import subplots
from .colouring import Colouring, cycle_colours
from .style import TWIN_RIGHT, cycle_axis, figure_title, layout, legend_above, marker, set_labels, title


def _branches(result):
    """Per cycle row: (start, stop) of the cycle in the time series, and its arrays."""
    ts, cycles = result.timeseries, result.cycles
    q_all, v_all, i_all = (ts[c].to_numpy() for c in ("discharge_capacity_mAh_g", "voltage_V", "current_A"))
    cycle_of = ts["cycle"].to_numpy()
    starts = np.searchsorted(cycle_of, cycles["cycle"].to_numpy(), side="left")
    ends = np.searchsorted(cycle_of, cycles["cycle"].to_numpy(), side="right")
    return q_all, v_all, i_all, starts, ends


def voltage_capacity(result):
    """Voltage against specific capacity of every cycle (charge and discharge each from
    zero), coloured by what changes from cycle to cycle."""
    fig, ax = subplots()
    colouring = Colouring(*cycle_colours(result))
    q_all, v_all, i_all, starts, ends = _branches(result)
    segments, colours, styles = [], [], []
    for row, (value, a, b) in enumerate(zip(colouring.values, starts, ends)):
        colour = colouring(value)
        sign_of = np.sign(i_all[a:b])
        # charge and discharge each counted from zero, as cycler software plots them
        for sign in (-1, 1):
            keep = sign_of == sign
            if keep.any():
                q = q_all[a:b][keep]
                segments.append(np.column_stack([sign * (q - q[0]), v_all[a:b][keep]]))
                colours.append(colour)
                styles.append(colouring.linestyle(row))
    ax.add_collection(LineCollection(segments, colors=colours, linestyles=styles, linewidths=0.8))
    ax.autoscale()
    set_labels(ax, "specific_capacity_mAh_g", "voltage_V")
    title(ax, "Voltage profiles", result)
    layout(fig, right=0.78 if colouring.discrete else 0.84)
    colouring.key(fig, ax)
    return fig


def dqdv_figure(result):
    """dQ/dV of selected cycles (``dqdv.py``)."""
    from ..dqdv import figure

    return figure(result)


def capacity_efficiency(result):
    """Charge/discharge capacity and Coulombic efficiency against cycle number."""
    from ..labels import label

    c = result.cycles
    n = len(c)
    fig, ax = subplots()
    ax.plot(c["cycle"], c["charge_capacity_mAh_g"], marker(n), ms=3, lw=1, label="charge capacity")
    ax.plot(c["cycle"], c["discharge_capacity_mAh_g"], marker(n, "s"), ms=3, lw=1, label="discharge capacity")
    ax.set_xlabel(label("cycle"))
    ax.set_ylabel("Specific capacity (mAh g⁻¹)")
    cycle_axis(ax)
    ax2 = ax.twinx()
    ax2.plot(c["cycle"], 100 * c["coulombic_efficiency"], marker(n, "^"), color="k", ms=3, lw=0.8, label="CE")
    set_labels(ax2, y="coulombic_efficiency")
    lines, lines2 = ax.get_legend_handles_labels(), ax2.get_legend_handles_labels()
    lines2 = (lines2[0], ["Coulombic efficiency (right)"])
    legend_above(ax, lines[0] + lines2[0], lines[1] + lines2[1])
    figure_title(fig, "Capacity and efficiency", result, right=TWIN_RIGHT, top=0.86)
    return fig


RESISTANCES = [
    "electrolyte_resistance_ohm_cm2",
    "anode_interface_resistance_ohm_cm2",
    "cathode_interphase_resistance_ohm_cm2",
]


def resistances(result):
    """R0 (SE), R1 (anode interface), R2 (cathode interphase) against cycle number."""
    from ..labels import quantity

    c = result.cycles
    fig, ax = subplots()
    for column in RESISTANCES:
        ax.plot(c["cycle"], c[column], marker(len(c)), ms=3, lw=1, label=quantity(column)[0])
    finish_resistances(fig, ax, "Resistances at the end of each cycle", result, top=0.86)
    return fig


def finish_resistances(fig, ax, what, result, top):
    """Labels, cycle axis, legend and title of a resistance-over-cycles figure."""
    set_labels(ax, "cycle", "resistance_ohm_cm2")
    cycle_axis(ax)
    legend_above(ax)
    figure_title(fig, what, result, top=top)


def _above(series, floor):
    """``series`` with the values at or below ``floor`` left out (NaN): a log axis shows
    what is there, never a value raised to its floor."""
    return series.where(series > floor)


def interphase(result):
    """R2 against cycle with the upper cutoff marked, and the charge that went into the
    decomposition of each SE anion in each cycle."""
    from ..labels import label

    c = result.cycles
    n = len(c)
    anions = [col for col in c.columns if col.startswith("decomposition_charge_")]
    fig, (top, bottom) = subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
    # on log axes, values at or below a floor are left out, not drawn at the floor
    top.semilogy(c["cycle"], _above(c["cathode_interphase_resistance_ohm_cm2"], 1e-3), marker(n), ms=3, color="C2")
    top.set_ylabel(label("cathode_interphase_resistance_ohm_cm2"), color="C2")
    cut = top.twinx()
    cut.step(c["cycle"], c["upper_cutoff_V"], where="mid", color="0.4", lw=1)
    cut.set_ylabel(label("upper_cutoff_V"), color="0.4")
    title(top, "Cathode interphase", result)
    for col in anions:
        name = col.removeprefix("decomposition_charge_").removesuffix("_mAh_g")
        bottom.semilogy(c["cycle"], _above(c[col], 1e-6), marker(n), ms=3, lw=1, label=f"[{name}] decomposed")
    bottom.semilogy(c["cycle"], _above(c["irreversible_capacity_mAh_g"], 1e-6), "k:", lw=1, label="charge − discharge")
    if not np.isfinite(c["irreversible_capacity_mAh_g"].to_numpy(dtype=float)).any():
        bottom.text(
            0.5,
            0.5,
            "per gram of active material: none in this electrode",
            ha="center",
            transform=bottom.transAxes,
            color="0.4",
        )
    bottom.set_ylabel("Charge per cycle (mAh g⁻¹)")
    set_labels(bottom, "cycle")
    cycle_axis(bottom)
    legend_above(bottom)
    layout(fig, right=TWIN_RIGHT, bottom=0.08, top=0.95, hspace=0.16)
    return fig


FIGURES = {
    "voltage_capacity.png": voltage_capacity,
    "dqdv.png": dqdv_figure,
    "capacity_efficiency.png": capacity_efficiency,
    "resistances.png": resistances,
    "interphase.png": interphase,
}
