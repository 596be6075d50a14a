"""Global sensitivity: first- and total-order Sobol indices of every metric with respect
to every varied quantity, by SALib's Saltelli/Jansen estimators (SALib, MIT licence;
Saltelli et al., Comput. Phys. Commun. 181 (2010) 259, doi:10.1016/j.cpc.2009.09.018).
Computed on the design's sampling coordinates (log for log ranges). A metric missing in
any case (failed runs) cannot be decomposed; it is listed with the reason instead."""

from pathlib import Path

import numpy as np
import pandas as pd

from .. import atomic
from .design import salib_problem
from .figures import _metric_columns, _save


def sobol_indices(spec, frame, outdir):
    from SALib.analyze import sobol

    outdir = Path(outdir)
    problem = salib_problem(spec)
    rows = []
    for m in _metric_columns(frame):
        y = frame.sort_values("case")[m].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)):
            rows.append(
                {
                    "metric": m,
                    "parameter": "",
                    "S1": np.nan,
                    "S1_conf": np.nan,
                    "ST": np.nan,
                    "ST_conf": np.nan,
                    "note": f"{int((~np.isfinite(y)).sum())} cases without a value",
                }
            )
            continue
        if np.ptp(y) == 0:
            indices = {
                "S1": np.zeros(problem["num_vars"]),
                "S1_conf": np.zeros(problem["num_vars"]),
                "ST": np.zeros(problem["num_vars"]),
                "ST_conf": np.zeros(problem["num_vars"]),
            }
        else:
            indices = sobol.analyze(problem, y, calc_second_order=False, seed=spec.seed)
        for k, name in enumerate(problem["names"]):
            rows.append(
                {
                    "metric": m,
                    "parameter": name,
                    "S1": indices["S1"][k],
                    "S1_conf": indices["S1_conf"][k],
                    "ST": indices["ST"][k],
                    "ST_conf": indices["ST_conf"][k],
                    "note": "",
                }
            )
    table = pd.DataFrame(rows)
    with atomic.atomic_path(outdir / "sensitivity.csv") as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g")
    written = [outdir / "sensitivity.csv"]
    good = table[table["parameter"] != ""]
    if len(good):
        from ..observables.figures import subplots
        from ..observables.labels import label

        metrics = list(dict.fromkeys(good["metric"]))
        fig, axes = subplots(
            len(metrics), 1, figsize=(6.4, 1.8 + 1.2 * len(metrics) * max(1, len(problem["names"])) / 3), squeeze=False
        )
        for ax, m in zip(axes[:, 0], metrics):
            part = good[good["metric"] == m]
            y = np.arange(len(part))
            ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="first order S1")
            ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="total order ST")
            ax.set_yticks(y, [label(name) for name in part["parameter"]], fontsize="x-small")
            ax.set_title(label(m), fontsize="small")
            ax.set_xlim(left=0)
        axes[0, 0].legend(fontsize="x-small")
        fig.tight_layout()
        written.append(_save(fig, outdir / "sensitivity.png"))
    return written
