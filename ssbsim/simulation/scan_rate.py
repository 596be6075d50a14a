"""The apparent onset against the scan rate: linear sweeps of one electrode at several
rates, each read with the two-line method (``observables/onset.py``).

The onset is a kinetic threshold: with a passivating product the decomposition current
of a sweep levels off near :math:`\\alpha_k f v \\lambda_k n_k F / \\bar V_k` per contact
area, in proportion to the rate like the double-layer current, so the apparent onset
moves up by about :math:`\\ln 10 / (\\alpha_k f)` per decade of scan rate
(``interphase.py``).
"""

import numpy as np
import pandas as pd

from ..protocol.experiment_file import Block, ExperimentSpec
from .run import run

DEFAULT_RATES_UV_S = (1.0, 3.0, 10.0, 30.0, 100.0)


def sweep_experiment(rate_uV_s, start=2.0, end=6.0, temperature_C=60.0):
    """A linear sweep from ``start`` to ``end`` V after 10 minutes at ``start``."""
    steps = [f"Hold at {start:g} V for 10 minutes", f"Sweep to {end:g} V at {rate_uV_s:g} uV/s"]
    return ExperimentSpec(
        f"lsv_{rate_uV_s:g}uV_s", [Block(steps)], f"linear sweep at {rate_uV_s:g} uV/s", temperature_C
    )


def onsets_vs_scan_rate(rates_uV_s=DEFAULT_RATES_UV_S, parameter_set="asakura2020_se_carbon", **sweep):
    """DataFrame ``scan_rate_uV_s, wave, onset_V``: the k-th onset (``wave`` k = 1, 2, ...)
    found on the sweep at each rate."""
    from ..observables.onset import onset_table
    from ..observables.voltammetry import voltammogram

    rows = []
    for rate in rates_uV_s:
        onsets = onset_table(voltammogram(run(sweep_experiment(rate, **sweep), parameter_set)))
        for k, onset in enumerate(onsets["onset_V"], start=1):
            rows.append({"scan_rate_uV_s": rate, "wave": k, "onset_V": onset})
    return pd.DataFrame(rows, columns=["scan_rate_uV_s", "wave", "onset_V"])


def figure(table, measured=None, title="apparent onset against scan rate"):
    """Onset against scan rate (log axis), one line per wave; ``measured``: optional
    [(rate uV/s, onset V, label)] drawn as points."""
    from ..observables.figures import subplots

    fig, ax = subplots()
    for wave, part in table.groupby("wave"):
        ax.semilogx(part["scan_rate_uV_s"], part["onset_V"], "o-", label=f"simulated, wave {wave}")
        if len(part) > 1:
            slope = np.polyfit(np.log10(part["scan_rate_uV_s"]), part["onset_V"], 1)[0]
            ax.annotate(
                f"{1e3 * slope:.0f} mV/decade",
                (part["scan_rate_uV_s"].iloc[-1], part["onset_V"].iloc[-1]),
                textcoords="offset points",
                xytext=(-60, 8),
                fontsize="small",
            )
    for rate, onset, label in measured or []:
        ax.semilogx(rate, onset, "k*", ms=10, label=label)
    ax.margins(y=0.12)
    ax.set_xlabel("Scan rate (µV s⁻¹)")
    ax.set_ylabel("Apparent onset vs Na⁺/Na, two-line method (V)")
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig
