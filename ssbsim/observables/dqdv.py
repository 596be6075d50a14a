"""Differential capacity, dQ/dV, of a run: the table (``dqdv``) and the figure
(``figure``, written as ``dqdv.png`` by every run with an intercalation host).

The charge passed between two stored points of the time series is spread evenly over
the voltages between them (the voltage taken linear in between) and binned
(DQDV_BIN_V), then divided by the bin width: summed over the bins, ∫ dQ/dV dV is the
capacity of the half cycle exactly (``cycles.csv``), whatever the voltage does
(relaxation, holds, steps); there is no smoothing beyond the bin."""

import numpy as np
from matplotlib.collections import LineCollection

from .figures import Colouring, cycle_colours, layout, returns, set_labels, subplots, title

#: bin width of dQ/dV [V]
DQDV_BIN_V = 0.005
#: at most this many cycles in the figure
DQDV_CYCLES = 8


def _binned(v0, v1, dq, edges):
    """Charge per voltage bin: each increment ``dq`` spread evenly over the voltages
    between its two points (the voltage taken linear in between), all of it in one bin
    when the voltage stands still. Sums to ``dq.sum()``."""
    lo, hi = np.minimum(v0, v1), np.maximum(v0, v1)
    width = np.where(hi > lo, hi - lo, 1.0)
    # charge below each edge: a (n_edges x n_increments) ramp, summed over the increments
    below = np.clip((edges[:, None] - lo[None, :]) / width[None, :], 0.0, 1.0)
    below = np.where((hi > lo)[None, :], below, (edges[:, None] > lo[None, :]).astype(float))
    return np.diff(below @ dq)


def dqdv(result, cycles=None, bin_V=DQDV_BIN_V):
    """Differential capacity: DataFrame ``cycle, branch ("charge"/"discharge"),
    voltage_V`` (bin centre) ``, dqdv_mAh_g_V`` (positive on charge, negative on
    discharge). The charge passed between two stored points is spread over the voltages
    between them (the voltage linear in between) and binned, then divided by the bin
    width: summed over the bins, ∫ dQ/dV dV is the branch's capacity exactly, whatever the
    voltage does (relaxation, holds); no smoothing beyond the bin."""
    import pandas as pd

    ts = result.timeseries
    rows = []
    wanted = result.cycles["cycle"].to_numpy() if cycles is None else np.asarray(cycles)
    for cycle, part in ts[ts["cycle"].isin(wanted)].groupby("cycle"):
        q = part["discharge_capacity_mAh_g"].to_numpy()
        v = part["voltage_V"].to_numpy()
        i = part["current_A"].to_numpy()[1:]
        dq = np.diff(q)
        for branch, sign in (("charge", -1), ("discharge", 1)):
            keep = (np.sign(i) == sign) & (dq != 0)
            if not keep.any():
                continue
            v0, v1 = v[:-1][keep], v[1:][keep]
            lo = np.floor(min(v0.min(), v1.min()) / bin_V) * bin_V
            edges = lo + bin_V * np.arange(int(np.ceil((max(v0.max(), v1.max()) - lo) / bin_V)) + 2)
            charge = _binned(v0, v1, sign * dq[keep], edges)  # the charge passed, > 0
            rows.append(
                pd.DataFrame(
                    {
                        "cycle": cycle,
                        "branch": branch,
                        "voltage_V": 0.5 * (edges[1:] + edges[:-1]),
                        "dqdv_mAh_g_V": -sign * charge / bin_V,
                    }
                )
            )
    columns = ["cycle", "branch", "voltage_V", "dqdv_mAh_g_V"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)


def dqdv_cycles(result, what, values):
    """At most DQDV_CYCLES cycles to show: the last cycle of each distinct value
    (cut-off, C-rate) and of each return to it (a rate test back at C/5), or the first two
    and the rest spread on a log scale of the cycle."""
    c = result.cycles["cycle"].to_numpy()
    if what != "cycle":
        last = {}
        for cycle, value, k in zip(c, values, returns(values)):
            last[round(float(value), 6), k] = int(cycle)
        picked = sorted(last.values())
    else:
        picked = [int(c[k]) for k in np.unique(np.geomspace(1, len(c), DQDV_CYCLES).round().astype(int) - 1)]
    if len(picked) > DQDV_CYCLES:
        picked = [picked[k] for k in np.linspace(0, len(picked) - 1, DQDV_CYCLES).round().astype(int)]
    return picked


def figure(result):
    """dQ/dV against voltage of selected cycles (charge > 0, discharge < 0), coloured as
    the voltage profiles (by the cycle itself, one colour each, in a long run)."""
    fig, ax = subplots()
    what, values = cycle_colours(result)
    picked = dqdv_cycles(result, what, values)
    if what == "cycle":
        colouring = Colouring("cycle", picked)
        colouring.discrete = True
        value_of = {k: k for k in picked}
    else:
        colouring = Colouring(what, values)
        value_of = dict(zip(result.cycles["cycle"].to_numpy(), values))
    row_of = {cycle: row for row, cycle in enumerate(value_of)}
    frame = dqdv(result, picked)
    segments, colours, styles = [], [], []
    for (cycle, _), part in frame.groupby(["cycle", "branch"]):
        segments.append(np.column_stack([part["voltage_V"].to_numpy(), part["dqdv_mAh_g_V"].to_numpy()]))
        colours.append(colouring(value_of[cycle]))
        styles.append(colouring.linestyle(row_of[cycle]))
    ax.add_collection(LineCollection(segments, colors=colours, linestyles=styles, linewidths=0.8))
    ax.autoscale()
    ax.axhline(0, color="0.6", lw=0.5)
    set_labels(ax, "voltage_V", "dqdv_mAh_g_V")
    title(ax, "Differential capacity", result)
    ax.text(
        0.01,
        0.02,
        f"cycle{'s' if len(picked) > 1 else ''} {', '.join(map(str, picked))}; charge > 0, discharge < 0; "
        f"{1e3 * DQDV_BIN_V:g} mV bins",
        transform=ax.transAxes,
        fontsize="x-small",
    )
    layout(fig, right=0.78 if colouring.discrete else 0.84)
    colouring.key(fig, ax)
    return fig
