"""Study figures: every metric against every varied quantity, and heat maps of the
metrics over a two-quantity grid."""

import textwrap
from pathlib import Path

import numpy as np

from .worker import DEFAULT_METRICS


def _metric_columns(frame):
    return [c for c in frame.columns if c in DEFAULT_METRICS or c.endswith(("_first", "_last"))]


def _save(fig, path):
    from ..observables.figures import save_png

    return save_png(fig, path)


def _title(spec):
    return (spec.description or spec.name.replace("_", " ")).split(": ")[0].split(" (")[0][:70]


def study_figures(spec, frame, outdir):
    """metrics_vs_varied.png (every metric against every varied quantity) and, for a
    two-quantity grid, a heat map per metric; labels from ``observables/labels.py``
    (fractions in %)."""
    from ..observables.figures import MAX_MARKERS, subplots
    from ..observables.labels import label, scale

    outdir = Path(outdir)
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    metrics = _metric_columns(frame)
    varied = spec.varied
    written = []
    if not len(ok) or not metrics:
        return written
    fig, axes = subplots(len(metrics), len(varied), figsize=(3.2 * len(varied), 2.4 * len(metrics)), squeeze=False)
    for i, m in enumerate(metrics):
        for j, v in enumerate(varied):
            ax = axes[i, j]
            ax.plot(ok[v.name], scale(m) * ok[m], "o", ms=3 if len(ok) <= MAX_MARKERS else 1.5, alpha=0.7)
            if v.scale == "log":
                ax.set_xscale("log")
            if i == len(metrics) - 1:
                ax.set_xlabel(textwrap.fill(label(v.name), 30), fontsize="small")
            if j == 0:
                ax.set_ylabel(textwrap.fill(label(m), 24), fontsize="small")
    failed = len(frame) - len(ok)
    fig.suptitle(f"{_title(spec)}: {len(ok)} cases" + (f" ({failed} failed, not shown)" if failed else ""))
    fig.tight_layout()
    written.append(_save(fig, outdir / "metrics_vs_varied.png"))
    if spec.design == "grid" and len(varied) == 2:
        x, y = varied[0].name, varied[1].name
        for m in metrics:
            table = scale(m) * ok.pivot_table(index=y, columns=x, values=m)
            fig, ax = subplots(figsize=(6.0, 4.6))
            image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
            ax.set_xticks(range(len(table.columns)), [f"{c:.4g}" for c in table.columns], rotation=45, fontsize="small")
            ax.set_yticks(range(len(table.index)), [f"{c:.4g}" for c in table.index], fontsize="small")
            for (r, c), value in np.ndenumerate(table.to_numpy()):
                if np.isfinite(value):  # dark text on the light end of the colour map
                    light = image.norm(value) > 0.6
                    ax.text(
                        c, r, f"{value:.4g}", ha="center", va="center", fontsize="small", color="k" if light else "w"
                    )
            ax.set_xlabel(label(x))
            ax.set_ylabel(label(y))
            fig.colorbar(image, ax=ax, label=label(m))
            ax.set_title(textwrap.fill(f"{label(m).split(' (')[0]} — {_title(spec)}", 60), fontsize="medium")
            fig.tight_layout()
            written.append(_save(fig, outdir / f"heatmap_{m}.png"))
    return written
