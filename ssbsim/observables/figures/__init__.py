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

from .canvas import PNG_DPI, PlainLogLabels, ShownFigure, plain_log_labels, plain_text, save_png, subplots
from .colouring import Colouring, cycle_colours, return_style, return_text, returns, value_text
from .cycling import FIGURES, capacity_efficiency, dqdv_figure, interphase, resistances, voltage_capacity
from .style import (
    LONG_RUN,
    MARGINS,
    MAX_LEGEND,
    MAX_MARKERS,
    TWIN_RIGHT,
    cycle_axis,
    layout,
    legend_above,
    legend_outside,
    marker,
    rate_text,
    run_name,
    set_labels,
    title,
)

__all__ = [
    "FIGURES",
    "LONG_RUN",
    "MARGINS",
    "MAX_LEGEND",
    "MAX_MARKERS",
    "PNG_DPI",
    "TWIN_RIGHT",
    "Colouring",
    "PlainLogLabels",
    "ShownFigure",
    "capacity_efficiency",
    "cycle_axis",
    "cycle_colours",
    "dqdv_figure",
    "interphase",
    "layout",
    "legend_above",
    "legend_outside",
    "marker",
    "plain_log_labels",
    "plain_text",
    "rate_text",
    "resistances",
    "return_style",
    "return_text",
    "returns",
    "run_name",
    "save_png",
    "set_labels",
    "subplots",
    "title",
    "value_text",
    "voltage_capacity",
]
