"""The canvas of every figure: ``subplots`` (matplotlib's object-oriented API, a Figure
that a notebook shows), log-axis tick labels in Unicode (``PlainLogLabels``), and the one
PNG writer, ``save_png``."""

import re

from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, Locator, LogFormatterMathtext

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


class InView(Locator):
    """The ticks of a locator that lie in the axis's view: matplotlib makes a tick (five
    artists, ~0.3 ms) for every location a locator returns, drawn or not, and its locators
    return one or two beyond each end (a log axis's minor locator a whole decade: 29 of
    the interphase figure's 172 ticks). The same ticks are drawn."""

    def __init__(self, locator):
        self.locator = locator

    def set_axis(self, axis):
        super().set_axis(axis)
        self.locator.set_axis(axis)

    def __call__(self):
        locs = self.locator()
        lo, hi = sorted(self.axis.get_view_interval())
        slack = 1e-9 * (hi - lo)
        return [x for x in locs if lo - slack <= x <= hi + slack]

    def tick_values(self, vmin, vmax):
        return self.locator.tick_values(vmin, vmax)

    def nonsingular(self, v0, v1):
        return self.locator.nonsingular(v0, v1)

    def view_limits(self, vmin, vmax):
        return self.locator.view_limits(vmin, vmax)


def final_axes(fig):
    """The axes of ``fig`` as they are drawn (their scales final): log-axis tick labels in
    Unicode (``plain_log_labels``), ticks only in view (``InView``)."""
    plain_log_labels(fig)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for ticker in (axis.major, axis.minor):
                if not isinstance(ticker.locator, InView):
                    wrapped = InView(ticker.locator)
                    wrapped.set_axis(axis)
                    ticker.locator = wrapped


class ShownFigure(Figure):
    """A Figure that Jupyter displays as a PNG when it is a cell's value (or ``display(fig)``).

    IPython shows a plain ``Figure`` as an image only through the PNG printer that
    matplotlib's inline backend registers when pyplot is first imported; in a kernel
    where nothing imported pyplot, ssbsim's figures would show as
    ``<Figure size 640x440 with 1 Axes>`` (measured in a real kernel,
    ``tests/test_notebook.py``). ``_repr_png_`` is IPython's per-object hook: nothing
    global is registered, and where the inline printer exists IPython uses it instead."""

    def draw(self, renderer):
        final_axes(self)  # here: the axes' scales are final when the figure is drawn
        return super().draw(renderer)

    def _repr_png_(self):
        from io import BytesIO

        buffer = BytesIO()
        self.savefig(buffer, format="png", dpi=PNG_DPI)
        return buffer.getvalue()


def subplots(*grid, figsize=(6.4, 4.4), **kwargs):
    """(Figure, axes) as ``pyplot.subplots`` returns them, without pyplot: one made ahead
    by ``prepare`` if there is one."""
    ready = _READY.get(_canvas_key(grid, figsize, kwargs))
    return ready.pop() if ready else _new(grid, figsize, kwargs)


def _new(grid, figsize, kwargs):
    fig = ShownFigure(figsize=figsize)
    return fig, fig.subplots(*grid, **kwargs)


#: canvases made ahead by ``prepare``: key -> [(Figure, axes)]; empty unless a figure
#: process (``observables/figure_process.py``) prepares them while the run solves
_READY = {}
#: the canvases of a run's figures (``Result._figures``): ``subplots`` arguments, and the
#: minor ticks to make on each y axis (the interphase figure's two log axes: 8 a decade)
RUN_CANVASES = (
    *[((), {}, 0)] * 5,  # voltage_capacity, dqdv, capacity_efficiency, resistances, resistances_fitted
    ((2, 1), {"figsize": (6.4, 6.4), "sharex": True}, 48),  # interphase
    ((), {"figsize": (7.4, 5.2)}, 0),  # nyquist
)


def _canvas_key(grid, figsize, kwargs):
    return repr((grid, tuple(figsize), sorted(kwargs.items())))


def prepare(canvases=RUN_CANVASES, ticks=10):
    """Make ahead the canvases ``subplots`` will be asked for (``(grid, keywords, minor
    ticks)`` each), with ``ticks`` major ticks on every axis and the minor ticks on the y
    axes: matplotlib makes a tick (~0.3 ms) when a draw first needs it; ``subplots``
    hands these out first."""
    for grid, kwargs, minor in canvases:
        kwargs = {"figsize": (6.4, 4.4), **kwargs}
        figsize = kwargs.pop("figsize")
        made = _new(grid, figsize, kwargs)
        for ax in made[0].axes:
            ax.xaxis.get_major_ticks(ticks)
            ax.yaxis.get_major_ticks(ticks)
            ax.yaxis.get_minor_ticks(minor)
        _READY.setdefault(_canvas_key(grid, figsize, kwargs), []).append(made)


#: resolution of every PNG ssbsim writes
PNG_DPI = 120


def save_png(fig, path):
    """Write ``fig`` to ``path`` atomically: the one PNG writer of ssbsim. Fast zlib
    (level 1) instead of the default 6: a quarter of a run's figure time, files ~2x larger."""
    from pathlib import Path

    from ... import atomic

    with atomic.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=PNG_DPI, format="png", pil_kwargs={"compress_level": 1})
    return Path(path)
