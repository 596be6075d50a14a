"""Figures of the recorded spectra: Nyquist plots as the paper draws them (one arc per
cutoff, coloured by it, with an inset of the high-frequency part), and the circuit-fitted
R0/R1/R2 against cycle beside the state-based ones. matplotlib's object API only
(``matplotlib.figure.Figure``): nothing global changes; labels from ``labels.py``."""

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from ..labels import quantity
from .canvas import subplots
from .cycling import RESISTANCES, finish_resistances
from .style import layout, legend_outside, run_name, set_labels

INSET_FREQUENCY_HZ = 100.0  # the inset shows the points above this frequency


def _labels(result):
    """spectrum -> (label, colour value) from the upper cutoff of the spectrum's cycle."""
    cutoff = result.cycles.set_index("cycle")["upper_cutoff_V"] if len(result.cycles) else {}
    out = {}
    for n, part in result.impedance.groupby("spectrum"):
        cycle = int(part["cycle"].iloc[0])
        requests = result.experiment.impedance_requests()
        initial = n == 0 and requests and requests[0][:2] == (0, 0)
        v = cutoff.get(cycle, np.nan) if hasattr(cutoff, "get") else np.nan
        out[n] = ("initial OCV", np.nan) if initial else (f"{v:.2f} V (cycle {cycle})", v)
    return out


def nyquist(result):
    fig, ax = subplots(figsize=(7.4, 5.2))
    inset = ax.inset_axes([0.08, 0.52, 0.38, 0.42])
    labels = _labels(result)
    values = [v for _, v in labels.values() if np.isfinite(v)]
    norm = Normalize(min(values, default=0), max(values, default=1) + (0 if len(set(values)) > 1 else 1))
    cmap = colormaps["viridis"]
    for n, part in result.impedance.groupby("spectrum"):
        label, v = labels[n]
        colour = "k" if not np.isfinite(v) else cmap(norm(v))
        zr, zi = part["z_real_ohm_cm2"].to_numpy(), -part["z_imag_ohm_cm2"].to_numpy()
        ax.plot(zr, zi, ".-", ms=2.5, lw=0.8, color=colour, label=label)
        high = part["frequency_Hz"].to_numpy() >= INSET_FREQUENCY_HZ
        inset.plot(zr[high], zi[high], ".-", ms=2, lw=0.7, color=colour)
    finite = result.impedance
    right = np.nanpercentile(finite["z_real_ohm_cm2"], 95) * 1.1
    ax.set_xlim(0, right)
    ax.set_ylim(0, right * 0.8)
    set_labels(ax, "z_real_ohm_cm2", "z_imag_ohm_cm2")
    inset.set_aspect("equal", adjustable="datalim")
    inset.set_title(f"f ≥ {INSET_FREQUENCY_HZ:g} Hz", fontsize="small")
    inset.tick_params(labelsize="x-small")
    legend_outside(ax, title="Upper cut-off", title_fontsize="small")
    ax.set_title(f"Impedance per geometric area — {run_name(result)}", fontsize="medium")
    layout(fig, left=0.1, right=0.74)
    return fig


def fitted_resistances(result):
    fits, c = result.impedance_fits, result.cycles
    fig, ax = subplots()
    for k, column in enumerate(RESISTANCES):
        symbol = quantity(column)[0].split(",")[0]
        ax.plot(c["cycle"], c[column], "-", lw=1, color=f"C{k}", label=f"{symbol} from the state")
        ax.plot(fits["cycle"], fits[f"r{k}_ohm_cm2"], "o", ms=5, color=f"C{k}", label=f"{symbol} circuit fit")
    ax.set_yscale("log")
    finish_resistances(fig, ax, "State-based and circuit-fitted resistances", result, top=0.82)
    return fig


IMPEDANCE_FIGURES = {"nyquist.png": nyquist, "resistances_fitted.png": fitted_resistances}
