"""Voltammograms of runs with potential sweeps: the table, the onsets and the figures.

``voltammogram.csv``: one row per stored point of every sweep step, ``cycle, scan,
time_s, potential_V, current_density_mA_cm2`` with the current anodic positive (the
working electrode oxidised) per geometric area, as potentiostats report it. ``onsets.csv``:
``cycle, onset_V``, one row per onset the two-line method (``onset.py``) finds on the
anodic scans.
"""

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from ..parameters.registry import CELL
from ..pybamm_import import import_pybamm
from .figures import MARGINS, layout, legend_above, run_name, save_png, set_labels, subplots
from .onset import onset_table

pybamm = import_pybamm()  # not imported by the package: the figure processes draw without PyBaMM

A_M2_TO_MA_CM2 = 0.1


def voltammogram(result):
    """DataFrame of the sweep steps of ``result`` (see the module docstring)."""
    solution = result.solution
    cycles = result.experiment.sweeps()
    V = solution["Voltage [V]"].entries
    I = solution["Current [A]"].entries
    area = result.parameters[CELL.A.name]
    parts, start, scan = [], 0, 0
    for n, cycle in enumerate(solution.cycles):
        for k, step in enumerate(cycle.steps):
            if isinstance(step, pybamm.EmptySolution):
                continue
            a, b = start, start + len(step.t)
            start = b
            if n < len(cycles) and k < len(cycles[n]) and not isinstance(cycles[n][k], str):
                scan += 1
                parts.append(
                    pd.DataFrame(
                        {
                            "cycle": n + 1,
                            "scan": scan,
                            "time_s": solution.t[a:b],
                            "potential_V": V[a:b],
                            "current_density_mA_cm2": -I[a:b] / area * A_M2_TO_MA_CM2,
                        }
                    )
                )
    columns = ["cycle", "scan", "time_s", "potential_V", "current_density_mA_cm2"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def upper_limits(frame):
    """cycle -> highest potential of its scans."""
    return frame.groupby("cycle")["potential_V"].max()


def figure(frame, onsets, title=""):
    """Current density against potential, linear (top) and |i| on a log scale (below:
    the Tafel tails and the memory of the film); scans coloured by the upper limit of
    their cycle when there are several, onsets marked on the anodic scans."""
    fig, (ax, log) = subplots(2, 1, figsize=(6.4, 7.0), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    limits = upper_limits(frame)
    several = len(limits) > 1
    norm = Normalize(limits.min(), max(limits.max(), limits.min() + 1e-3))
    cmap = matplotlib.colormaps["viridis"]
    for cycle, part in frame.groupby("cycle"):
        colour = cmap(norm(limits[cycle])) if several else "C0"
        i = part["current_density_mA_cm2"].to_numpy() * 1e3
        ax.plot(part["potential_V"], i, color=colour, lw=0.8)
        log.semilogy(part["potential_V"], np.abs(i), color=colour, lw=0.6)
    for _, row in onsets.iterrows():
        part = frame[frame["cycle"] == row["cycle"]]
        rising = part[np.gradient(part["potential_V"].to_numpy()) > 0]
        k = int(np.argmin(np.abs(rising["potential_V"].to_numpy() - row["onset_V"])))
        ax.plot(row["onset_V"], rising["current_density_mA_cm2"].iloc[k] * 1e3, "rv", ms=6)
    if len(onsets):
        ax.plot([], [], "rv", label="onsets (two-line method): " + ", ".join(_distinct(onsets["onset_V"])))
        legend_above(ax, ncols=1)
    layout(fig, right=0.84 if several else MARGINS["right"], left=0.13, bottom=0.08, top=0.88, hspace=0.12)
    if several:
        fig.colorbar(
            ScalarMappable(norm=norm, cmap=cmap),
            cax=fig.add_axes([0.87, 0.08, 0.025, 0.8]),
            label="Upper limit of the scan (V)",
        )
    magnitude = np.abs(frame["current_density_mA_cm2"].to_numpy()) * 1e3
    if (magnitude > 0).any():  # the zero crossings at the turns would set the scale
        log.set_ylim(bottom=0.3 * np.percentile(magnitude[magnitude > 0], 5))
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_ylabel("Current density, anodic > 0 (µA cm⁻²)")
    log.set_ylabel("|Current density| (µA cm⁻²)")
    set_labels(log, "potential_V")
    fig.suptitle(title, fontsize="medium", y=0.985)
    return fig


def _distinct(values, tol=0.02):
    out = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return [f"{v:.2f} V" for v in out[:4]] + (["..."] if len(out) > 4 else [])


def save(result, outdir, figures=True):
    """voltammogram.csv, onsets.csv and voltammogram.png of a run with sweeps."""
    from .. import atomic

    frame = voltammogram(result)
    onsets = onset_table(frame)
    written = []
    for name, table in (("voltammogram.csv", frame), ("onsets.csv", onsets)):
        with atomic.atomic_path(outdir / name) as tmp:
            table.to_csv(tmp, index=False, float_format="%.8g")
        written.append(outdir / name)
    if figures and len(frame):
        written.append(save_png(plot(result, frame, onsets), outdir / "voltammogram.png"))
    return written


def plot(result, frame=None, onsets=None):
    """The voltammogram figure of a run with sweeps (``voltammogram.png``)."""
    frame = voltammogram(result) if frame is None else frame
    onsets = onset_table(frame) if onsets is None else onsets
    temperature = result.experiment.temperature_C
    if temperature is None:
        temperature = result.parameters["Ambient temperature [K]"] - 273.15
    name = run_name(result)
    if "°C" not in name:  # the description may name it already
        name += f", {temperature:g} °C"
    return figure(frame, onsets, f"Voltammogram — {name}")
