"""Figures a battery scientist looks at first: voltage profiles, dQ/dV, capacity and
efficiency, resistances. Each function takes a Result and returns a matplotlib Figure.

One style for run, fit and study figures: axis labels from one table
(``observables/labels.py``: quantity, symbol, unit), titles that say what is shown and for
which run (``title``), cycle axes with integer ticks, legends outside the data
(``legend_outside``, ``legend_above``), markers only where they stay readable
(``marker``), and curves coloured by what changes from cycle to cycle (``cycle_colours``:
the upper cut-off in a sweep, the C-rate in a rate test, else the cycle number), with a
legend or colour bar that names it; a value that comes back after another (a rate test's
return to C/5) keeps its colour and is dashed, "C/5 (again)" in the legend.

The figures are built with matplotlib's object-oriented API (``Figure``, not pyplot), so
making and saving them neither picks a backend nor touches pyplot's figures: a notebook's
plots are left as they were.

They are laid out with fixed margins instead of ``tight_layout`` (which measured every
tick label of every axis: 0.75 s of a 3 s ``ssbsim run`` of the cutoff sweep), and the
voltage profiles of all cycles are one ``LineCollection`` instead of a line per branch.
Labels use Unicode (g⁻¹, Ω cm²), not mathtext, whose parser cost 0.9 s per run; so do
the tick labels of log axes (``PlainLogLabels``: 10⁻³ where matplotlib writes the mathtext
``$\\mathdefault{10^{-3}}$``, which alone built the parser)."""

import re

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, LogFormatterMathtext

#: fixed margins (fractions of the figure), room for the axis labels of a 6.4 x 4.4 in
#: figure, and for a second y axis or a colour bar on the right
MARGINS = {"left": 0.12, "right": 0.97, "bottom": 0.11, "top": 0.93}
TWIN_RIGHT = 0.86


SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


def plain_text(label):
    """A log-axis tick label of matplotlib's mathtext form (``$\\mathdefault{2\\times10^{-3}}$``)
    in Unicode (``2×10⁻³``); any other text as it is."""
    inner = re.fullmatch(r"\$\\mathdefault\{(.*)\}\$", label)
    if inner is None:
        return label
    text = inner.group(1).replace(r"\times", "×")
    text = re.sub(r"\^\{([^{}]*)\}", lambda power: power.group(1).translate(SUPERSCRIPT), text)
    return text.replace("-", "−")


class PlainLogLabels(Formatter):
    """The tick labels of a log axis's formatter (same ticks labelled, same values), in
    Unicode instead of mathtext (``plain_text``)."""

    def __init__(self, formatter):
        self.formatter = formatter

    def set_axis(self, axis):
        super().set_axis(axis)
        self.formatter.set_axis(axis)

    def set_locs(self, locs):
        self.formatter.set_locs(locs)

    def __call__(self, x, pos=None):
        return plain_text(self.formatter(x, pos))

    def format_data(self, value):
        return plain_text(self.formatter.format_data(value))

    def format_data_short(self, value):
        return self.formatter.format_data_short(value)


def plain_log_labels(fig):
    """Every log axis of ``fig`` labelled by ``PlainLogLabels``."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                formatter = get()
                if isinstance(formatter, LogFormatterMathtext):
                    put(PlainLogLabels(formatter))


class ShownFigure(Figure):
    """A Figure that Jupyter displays as a PNG when it is a cell's value (or ``display(fig)``).

    IPython shows a plain ``Figure`` as an image only through the PNG printer that
    matplotlib's inline backend registers when pyplot is first imported; in a kernel
    where nothing imported pyplot, ssbsim's figures would show as
    ``<Figure size 640x440 with 1 Axes>`` (measured in a real kernel,
    ``tests/test_notebook.py``). ``_repr_png_`` is IPython's per-object hook: nothing
    global is registered, and where the inline printer exists IPython uses it instead."""

    def draw(self, renderer):
        plain_log_labels(self)  # here: the axes' scales are final when the figure is drawn
        return super().draw(renderer)

    def _repr_png_(self):
        from io import BytesIO

        buffer = BytesIO()
        self.savefig(buffer, format="png", dpi=PNG_DPI)
        return buffer.getvalue()


def subplots(*grid, figsize=(6.4, 4.4), **kwargs):
    """(Figure, axes) as ``pyplot.subplots`` returns them, without pyplot."""
    fig = ShownFigure(figsize=figsize)
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


#: at most this many points get a marker; denser series are drawn as lines
MAX_MARKERS = 80
#: at most this many distinct values get a legend entry each; more get a colour bar
MAX_LEGEND = 10
#: runs longer than this are coloured by cycle number even where the C-rate changes
#: (formation at C/10, then hundreds of cycles at C/5: the ageing is what changes)
LONG_RUN = 50


def marker(n, style="o"):
    """Line format with a marker for ``n`` points, without one when they would crowd."""
    return f"{style}-" if n <= MAX_MARKERS else "-"


def cycle_axis(ax):
    """Integer ticks on a cycle-number x axis."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def set_labels(ax, x=None, y=None):
    """Axis labels from the label table (``labels.label``)."""
    from .labels import label

    if x is not None:
        ax.set_xlabel(label(x))
    if y is not None:
        ax.set_ylabel(label(y))


def run_name(result):
    """What the run is, short: the experiment's description up to its first ": " or " (",
    else the experiment's name in words."""
    text = (result.experiment.description or "").split(": ")[0].split(" (")[0].strip()
    if not text:
        text = result.experiment.name.replace("_", " ")
    while len(text) > 60 and ", " in text:
        text = text.rsplit(", ", 1)[0]
    if len(text) > 60:
        text = text[:59].rsplit(" ", 1)[0] + "…"
    return text


def title(ax, what, result):
    ax.set_title(f"{what} — {run_name(result)}", fontsize="medium")


def legend_outside(ax, handles=None, title=None, **kwargs):
    """Legend to the right of the axes (leave room with ``layout(fig, right=...)``)."""
    extra = {"handles": handles} if handles is not None else {}
    return ax.legend(
        **extra, loc="upper left", bbox_to_anchor=(1.02, 1.0), title=title, fontsize="small", borderaxespad=0, **kwargs
    )


def legend_above(ax, handles=None, labels=None, ncols=3):
    """One row of legend between the title and the axes (leave room with ``top``)."""
    args = (handles, labels) if handles is not None else ()
    return ax.legend(
        *args, loc="lower center", bbox_to_anchor=(0.5, 1.01), ncols=ncols, fontsize="small", frameon=False
    )


def rate_text(rate):
    """0.1 -> "C/10", 1 -> "1C", 0.4 -> "0.4C"."""
    if rate < 1 and abs(1 / rate - round(1 / rate)) < 1e-6:
        return f"C/{round(1 / rate)}"
    return f"{rate:g}C"


def cycle_colours(result):
    """(what, values) of what changes from cycle to cycle, one value per row of
    ``result.cycles``: "upper_cutoff_V" if the upper cut-off does, else "c_rate" (of the
    discharge, else the charge, as the steps give it) if that does in a run of at most
    LONG_RUN cycles, else "cycle"."""
    from ..protocol.steps import c_rate

    c = result.cycles
    cut = c["upper_cutoff_V"].to_numpy(dtype=float)
    if len(np.unique(np.round(cut[np.isfinite(cut)], 4))) > 1:
        return "upper_cutoff_V", cut
    if len(c) > LONG_RUN:
        return "cycle", c["cycle"].to_numpy(dtype=float)
    protocol = result.experiment.cycles()
    rates = []
    for cycle in c["cycle"].to_numpy():
        steps = protocol[cycle - 1] if 0 < cycle <= len(protocol) else ()
        by_kind = {}
        for text in steps:
            rate = c_rate(text)
            if rate is not None:
                by_kind.setdefault(text.split()[0].lower(), rate)
        rates.append(by_kind.get("discharge", by_kind.get("charge", np.nan)))
    rates = np.array(rates, dtype=float)
    if len(np.unique(rates[np.isfinite(rates)])) > 1:
        return "c_rate", rates
    return "cycle", c["cycle"].to_numpy(dtype=float)


def value_text(what, value):
    if not np.isfinite(value):
        return "—"
    return {"upper_cutoff_V": f"{value:.2f} V", "c_rate": rate_text(value)}.get(what, f"{value:g}")


#: line style of the first, second, ... run of cycles at one value (a C-rate that comes back)
RETURN_STYLES = ("-", "--", ":", "-.")


def returns(values):
    """Per cycle: 0 in the first run of consecutive cycles at its value, 1 in the next run
    at the same value after another value (a rate test back at C/5), 2 ..."""
    out, runs, previous = [], {}, object()
    for value in np.round(np.asarray(values, dtype=float), 6):
        key = float(value) if np.isfinite(value) else None
        if key != previous:
            runs[key] = runs.get(key, -1) + 1
            previous = key
        out.append(runs[key])
    return np.array(out, dtype=int)


def return_style(k):
    return RETURN_STYLES[min(k, len(RETURN_STYLES) - 1)]


def return_text(k):
    return "again" if k == 1 else f"{k + 1}th time" if k > 2 else "3rd time"


class Colouring:
    """Colours for the per-cycle values of ``cycle_colours``: one per distinct value
    (evenly spaced on the colour map, so neighbours differ) with a legend, or a colour
    bar when there are more than MAX_LEGEND of them. With a legend, the cycles of a
    value that comes back after another keep its colour and get the line style of their
    return (``RETURN_STYLES``, ``linestyle``): "C/5 (again)"."""

    def __init__(self, what, values):
        self.what, self.values = what, np.asarray(values, dtype=float)
        finite = self.values[np.isfinite(self.values)]
        self.distinct = np.unique(np.round(finite, 6))
        self.cmap = matplotlib.colormaps["viridis" if what != "c_rate" else "plasma"]
        self.discrete = len(self.distinct) <= MAX_LEGEND and what != "cycle"
        self.returns = returns(self.values) if self.discrete else np.zeros(len(self.values), dtype=int)
        lo, hi = (finite.min(), finite.max()) if len(finite) else (0.0, 1.0)
        self.norm = Normalize(lo, hi if hi > lo else lo + 1)

    def linestyle(self, row):
        """Line style of row ``row`` of the values: solid, dashed on a value's return."""
        return return_style(self.returns[row])

    def __call__(self, value):
        if not np.isfinite(value):
            return (0.5, 0.5, 0.5, 1.0)
        if self.discrete:
            k = int(np.argmin(np.abs(self.distinct - value)))
            return self.cmap(0.85 * k / max(len(self.distinct) - 1, 1))
        return self.cmap(self.norm(value))

    def key(self, fig, ax):
        """The legend (discrete) or colour bar, right of ``ax``, titled by the label table."""
        from matplotlib.lines import Line2D

        from .labels import label

        name = {"c_rate": "C-rate", "upper_cutoff_V": "Upper cut-off", "cycle": "Cycle"}.get(
            self.what, label(self.what)
        )
        if self.discrete:
            handles = [Line2D([], [], color=self(v), lw=2, label=value_text(self.what, v)) for v in self.distinct]
            again = dict.fromkeys((v, int(k)) for v, k in zip(self.values, self.returns) if k > 0)
            handles += [
                Line2D(
                    [],
                    [],
                    color=self(v),
                    lw=2,
                    ls=return_style(k),
                    label=f"{value_text(self.what, v)} ({return_text(k)})",
                )
                for v, k in again
            ]
            legend_outside(ax, handles, title=name)
            return
        bar = fig.colorbar(
            ScalarMappable(norm=self.norm, cmap=self.cmap),
            cax=fig.add_axes([0.87, MARGINS["bottom"], 0.025, MARGINS["top"] - MARGINS["bottom"]]),
            label=label(self.what),
        )
        if self.what == "cycle":
            from matplotlib.ticker import MaxNLocator

            bar.locator = MaxNLocator(integer=True)
            bar.update_ticks()


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
    from .dqdv import figure

    return figure(result)


def capacity_efficiency(result):
    """Charge/discharge capacity and Coulombic efficiency against cycle number."""
    from .labels import label

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
    fig.suptitle(f"Capacity and efficiency — {run_name(result)}", fontsize="medium", y=0.985)
    layout(fig, right=TWIN_RIGHT, top=0.86)
    return fig


RESISTANCES = [
    "electrolyte_resistance_ohm_cm2",
    "anode_interface_resistance_ohm_cm2",
    "cathode_interphase_resistance_ohm_cm2",
]


def resistances(result):
    """R0 (SE), R1 (anode interface), R2 (cathode interphase) against cycle number."""
    from .labels import quantity

    c = result.cycles
    fig, ax = subplots()
    for column in RESISTANCES:
        ax.plot(c["cycle"], c[column], marker(len(c)), ms=3, lw=1, label=quantity(column)[0])
    set_labels(ax, "cycle", "resistance_ohm_cm2")
    cycle_axis(ax)
    legend_above(ax)
    fig.suptitle(f"Resistances at the end of each cycle — {run_name(result)}", fontsize="medium", y=0.985)
    layout(fig, top=0.86)
    return fig


def _above(series, floor):
    """``series`` with the values at or below ``floor`` left out (NaN): a log axis shows
    what is there, never a value raised to its floor."""
    return series.where(series > floor)


def interphase(result):
    """R2 against cycle with the upper cutoff marked, and the charge that went into the
    decomposition of each SE anion in each cycle."""
    from .labels import label

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
