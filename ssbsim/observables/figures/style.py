"""The one style of run, fit and study figures: fixed margins (``layout``), axis labels
from the label table, titles naming the run, legends outside the data, markers only where
they stay readable, integer ticks on cycle axes."""

#: fixed margins (fractions of the figure), room for the axis labels of a 6.4 x 4.4 in
#: figure, and for a second y axis or a colour bar on the right
MARGINS = {"left": 0.12, "right": 0.97, "bottom": 0.11, "top": 0.93}
TWIN_RIGHT = 0.86


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
    from ..labels import label

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


def figure_title(fig, what, result, **margins):
    """A title over the whole figure (above a legend set with ``legend_above``), margins laid out."""
    fig.suptitle(f"{what} — {run_name(result)}", fontsize="medium", y=0.985)
    layout(fig, **margins)


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
