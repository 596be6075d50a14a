"""Study figures: every metric against every varied quantity, and heat maps of the
metrics over a two-quantity grid."""

from pathlib import Path

import numpy as np

from .worker import DEFAULT_METRICS


def _metric_columns(frame):
    return [c for c in frame.columns if c in DEFAULT_METRICS or c.endswith(("_first", "_last"))]


def _save(fig, path):
    from ..observables.figures import save_png

    return save_png(fig, path)


def study_figures(spec, frame, outdir):
    from ..observables.figures import subplots

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
            ax.plot(ok[v.name], ok[m], "o", ms=3, alpha=0.7)
            if v.scale == "log":
                ax.set_xscale("log")
            if i == len(metrics) - 1:
                ax.set_xlabel(v.name, fontsize="small")
            if j == 0:
                ax.set_ylabel(m, fontsize="small")
    fig.suptitle(f"{spec.name}: {len(ok)} cases ok, {len(frame) - len(ok)} failed")
    fig.tight_layout()
    written.append(_save(fig, outdir / "metrics_vs_varied.png"))
    if spec.design == "grid" and len(varied) == 2:
        x, y = varied[0].name, varied[1].name
        for m in metrics:
            table = ok.pivot_table(index=y, columns=x, values=m)
            fig, ax = subplots(figsize=(6.0, 4.6))
            image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
            ax.set_xticks(range(len(table.columns)), [f"{c:.4g}" for c in table.columns], rotation=45, fontsize="small")
            ax.set_yticks(range(len(table.index)), [f"{c:.4g}" for c in table.index], fontsize="small")
            for (r, c), value in np.ndenumerate(table.to_numpy()):
                if np.isfinite(value):
                    ax.text(c, r, f"{value:.4g}", ha="center", va="center", fontsize="x-small", color="w")
            ax.set_xlabel(x)
            ax.set_ylabel(y)
            fig.colorbar(image, ax=ax, label=m)
            ax.set_title(f"{spec.name}: {m}")
            fig.tight_layout()
            written.append(_save(fig, outdir / f"heatmap_{m}.png"))
    return written
