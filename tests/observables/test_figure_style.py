"""Figures fit for a paper: labels from the one table, colours by what changes, legends
off the data, integer cycle ticks, and dQ/dV that integrates to the capacity."""

import os
from copy import copy

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection

from ssbsim.observables import figure_process
from ssbsim.observables.cycles import COLUMNS
from ssbsim.observables.dqdv import DQDV_BIN_V, dqdv
from ssbsim.observables.figures import FIGURES, canvas, cycle_colours, dqdv_figure, voltage_capacity
from ssbsim.observables.figures.canvas import PNG_DPI
from ssbsim.observables.figures.impedance import IMPEDANCE_FIGURES
from ssbsim.observables.labels import label


def _labels(fig):
    for ax in fig.axes:
        yield from (text for text in (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) if text)


@pytest.mark.parametrize("name", [*FIGURES, *IMPEDANCE_FIGURES])
def test_axis_labels_come_from_the_table_with_units(sweep, name):
    make = {**FIGURES, **IMPEDANCE_FIGURES}[name]
    fig = make(sweep)
    texts = list(_labels(fig))
    assert texts
    for text in texts:
        assert "_" not in text and "$" not in text and "[C]" not in text, text  # no column names, no mathtext
        assert not any(column in text for column in COLUMNS[1:]), text
    axes_labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert all(text.endswith(")") or text.startswith("Cycle") for text in axes_labels), axes_labels
    titles = [ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text() if fig._suptitle else ""]
    assert any("Cutoff-voltage sweep" in t for t in titles) and "cutoff_sweep" not in " ".join(titles)


def test_label_table_symbols_and_units():
    assert label("temperature_C") == "Temperature (°C)"
    assert label("protocol: temperature [C]") == "Temperature (°C)"
    assert label("SE conductivity [S.m-1]") == "SE conductivity (S m⁻¹)"
    assert label("Cathode interphase resistance [Ohm.m2]") == "Cathode interphase resistance (Ω m²)"
    assert label("cathode_interphase_resistance_ohm_cm2") == "R₂, cathode interphase (Ω cm²)"
    assert label("discharge_capacity_mAh_g_last") == "Discharge capacity, last cycle (mAh g⁻¹)"
    assert label("some_new_metric") == "Some new metric"


def test_rate_test_curves_are_coloured_by_c_rate_with_a_legend(rate):
    what, values = cycle_colours(rate)
    assert what == "c_rate"
    assert sorted(set(values)) == [0.1, 0.2, 0.5, 1.0]
    fig = voltage_capacity(rate)
    (ax,) = fig.axes
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    colours = [tuple(np.round(c, 3)) for c in lines.get_colors()]
    assert len(set(colours)) == 4  # one per C-rate, each distinct
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "C-rate"
    assert [t.get_text() for t in legend.get_texts()] == ["C/10", "C/5", "C/2", "1C", "C/5 (again)"]
    # the return to C/5 (cycles 21-25, two branches each) keeps C/5's colour and is dashed
    dashed = [dashes is not None for _, dashes in lines.get_linestyles()]
    assert dashed == [False] * 40 + [True] * 10
    assert set(colours[40:]) == set(colours[10:20]) and len(set(colours[10:20])) == 1
    handles = legend.legend_handles
    assert handles[4].get_linestyle() == "--" and handles[4].get_color() == handles[1].get_color()


def test_rate_test_dqdv_shows_the_return_to_c5_dashed(rate):
    fig = dqdv_figure(rate)
    (ax,) = fig.axes
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "C/5 (again)"
    assert "cycles 5, 10, 15, 20, 25" in ax.texts[0].get_text()  # the last cycle of each block
    dashed = [dashes is not None for _, dashes in lines.get_linestyles()]
    assert dashed == [False] * 8 + [True] * 2  # cycle 25's charge and discharge


def test_sweep_is_coloured_by_cutoff_and_long_runs_by_cycle(sweep, formation):
    what, values = cycle_colours(sweep)
    assert what == "upper_cutoff_V" and len(set(np.round(values, 3))) == 8
    assert cycle_colours(formation)[0] == "cycle"
    fig = voltage_capacity(formation)
    assert "Cycle number" in [ax.get_ylabel() for ax in fig.axes]  # the colour bar says so


def test_capacity_legend_is_off_the_data_and_cycle_ticks_are_integers(sweep):
    fig = FIGURES["capacity_efficiency.png"](sweep)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    plot = ax.get_window_extent(renderer)
    assert legend.y0 >= plot.y1 - 1  # above the axes, not over the curves
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_dqdv_integrates_to_the_capacity_of_each_branch(rate):
    """∫ dQ/dV dV over each half cycle is its capacity (cycles.csv), and at C/10 the
    charge peaks sit on NVOPF's plateaus (T1: 3.6 and 4.0 V)."""
    frame = dqdv(rate)
    integral = frame.groupby(["cycle", "branch"])["dqdv_mAh_g_V"].sum().unstack() * DQDV_BIN_V
    cycles = rate.cycles.set_index("cycle")
    np.testing.assert_allclose(integral["charge"], cycles["charge_capacity_mAh_g"], rtol=1e-9)
    np.testing.assert_allclose(-integral["discharge"], cycles["discharge_capacity_mAh_g"], rtol=1e-9)
    first = frame[(frame["cycle"] == 2) & (frame["branch"] == "charge")]
    for plateau in (3.6, 4.0):
        near = first[(first["voltage_V"] - plateau).abs() < 0.15]
        assert near.loc[near["dqdv_mAh_g_V"].idxmax(), "voltage_V"] == pytest.approx(plateau, abs=0.05)


def test_a_run_writes_its_dqdv_figure(rate, tmp_path):
    fig = dqdv_figure(rate)
    assert fig.axes[0].get_ylabel() == "dQ/dV (mAh g⁻¹ V⁻¹)"
    written = {p.name for p in rate.save(tmp_path)}
    assert "dqdv.png" in written and (tmp_path / "dqdv.png").stat().st_size > 10_000


def test_log_axis_tick_labels_are_unicode_not_mathtext(sweep):
    """The interphase figure's log axes: the same ticks labelled as matplotlib's own
    formatter would, in Unicode (10⁻³), so drawing never builds the mathtext parser."""
    from matplotlib.ticker import LogFormatterSciNotation

    from ssbsim.observables.figures import interphase, plain_text

    fig = interphase(sweep)
    FigureCanvasAgg(fig).draw()
    top = fig.axes[0]
    labels = [t.get_text() for t in top.yaxis.get_ticklabels() if t.get_text()]
    stock = LogFormatterSciNotation()
    stock.set_axis(top.yaxis)
    expected = [plain_text(s) for s in stock.format_ticks(top.yaxis.get_majorticklocs()) if s]
    assert labels == expected and labels
    assert all("$" not in text for text in labels) and any("⁻" in t or "¹" in t or "²" in t for t in labels)
    assert plain_text(r"$\mathdefault{2\times10^{-3}}$") == "2×10⁻³"
    assert plain_text(r"$\mathdefault{-10^{2}}$") == "−10²"


def _pixels(fig):
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(PNG_DPI)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_canvases_made_ahead_draw_the_same_figures_and_are_all_used(sweep):
    """The figure process makes the canvases of a run's figures while the run solves
    (``canvas.prepare``): the figures drawn on them are the same, pixel for pixel, and the
    cutoff sweep's seven figures use every one (the recipe follows the figures)."""
    makers = {**FIGURES, **IMPEDANCE_FIGURES}
    fresh = {name: _pixels(make(sweep)) for name, make in makers.items()}
    try:
        canvas.prepare()
        ahead = {name: _pixels(make(sweep)) for name, make in makers.items()}
        assert not any(canvas._READY.values())
    finally:
        canvas._READY.clear()
    for name in makers:
        assert np.array_equal(fresh[name], ahead[name]), name


def test_ticks_are_made_only_in_view_and_are_the_locators_own(sweep):
    """``InView``: a drawn axis has the ticks its locator places inside the view, and no
    tick object for the ones it places outside (a log axis's locator adds a decade)."""
    fig = FIGURES["interphase.png"](sweep)
    FigureCanvasAgg(fig).draw()
    outside = 0
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            lo, hi = sorted(axis.get_view_interval())
            for ticker, ticks in ((axis.major, axis.majorTicks), (axis.minor, axis.minorTicks)):
                assert isinstance(ticker.locator, canvas.InView)
                own = np.asarray(ticker.locator.locator())
                inside = own[(own >= lo) & (own <= hi)]
                outside += len(own) - len(inside)
                assert np.array_equal(ticker.locator(), inside)
                assert len(ticks) <= max(len(inside), 1)
    assert outside > 0  # the locators do place ticks outside the view


def test_the_tables_sent_after_the_job_are_read_when_a_figure_needs_them(sweep):
    """The figure process gets the cycle table at once, the spectra, time series and circuit
    fits (``LATE``) on a pipe after it; a figure that needs them waits for them, and when the
    parent ends without sending them, it fails with an OutputError, not a hang."""
    from ssbsim.errors import OutputError

    for sent in (True, False):
        view = copy(sweep)
        view.solution = None
        for name in figure_process.LATE:
            view.__dict__.pop(name, None)
        read, write = os.pipe()
        figure_process._arriving(view, read)
        try:
            if sent:
                tables = {"timeseries": sweep.timeseries, "impedance_fits": sweep.impedance_fits}
                _, sender = figure_process._post(write, tables, figure_process._END)  # a thread: the pipe holds 64 kB
                assert view.timeseries.equals(sweep.timeseries)
                sender.join()
                assert view.impedance_fits.equals(sweep.impedance_fits)
                assert len(view.cycles) == len(sweep.cycles)
            else:
                os.close(write)
                with pytest.raises(OutputError, match="tables did not arrive"):
                    view.timeseries  # noqa: B018
        finally:
            os.close(read)
