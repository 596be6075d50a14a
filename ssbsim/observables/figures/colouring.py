"""Curves coloured by what changes from cycle to cycle (``cycle_colours``): the upper
cut-off in a sweep, the C-rate in a rate test, else the cycle number, with a legend or a
colour bar that names it (``Colouring``); a value that comes back after another keeps its
colour and is dashed."""

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from .style import LONG_RUN, MARGINS, MAX_LEGEND, legend_outside, rate_text


def cycle_colours(result):
    """(what, values) of what changes from cycle to cycle, one value per row of
    ``result.cycles``: "upper_cutoff_V" if the upper cut-off does, else "c_rate" (of the
    discharge, else the charge, as the steps give it) if that does in a run of at most
    LONG_RUN cycles, else "cycle"."""
    from ...protocol.steps import c_rate

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

        from ..labels import label

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
