r"""The rows of the cycles a cycle jump skipped (``simulation/extrapolate.py``).

The skipped cycles get rows of
``cycles.csv`` interpolated between the simulated ones; the column ``simulated`` tells which
is which. Each gap, cycles :math:`p+1 .. q-1`, lies between two windows of its block (a jump
follows a window, and lands at least two cycles before the block's end): cycles
:math:`p-1, p` and :math:`q, q+1`, which give every column :math:`c` a measured per-cycle
slope at each end. The curve is Akima's local cubic through the simulated rows,
:math:`c_A(n)` (H. Akima, J. ACM 17 (1970) 589, doi:10.1145/321607.321609, cited from memory; on
he2018_cycling the capacity, which bends between simulated cycles 81 apart, was off the
full run's by up to 1.59 % with straight lines, 0.61 % with Akima's, 0.77 % with PCHIP),
bent towards the slope model the jump uses (``slope_model``; exponential or linear in
:math:`n`) between the two windows' slopes of the column. With :math:`S(n)` that model's
change over cycles :math:`p+1 .. n`,

.. math::

    c_M(n) = c_p + S(n) + \frac{n-p}{q-p}\,\rho, \qquad \rho = c_q - c_p - S(q),

    c(n) = c_A(n) + \frac{c_M(n) - c_A(n)}{1 + (\rho/\beta)^2}, \qquad
    \beta = \max_n \Big|S(n) - \frac{n-p}{q-p}\,S(q)\Big|:

the model's residual :math:`\rho` over the gap (spread linearly, so that :math:`c_M` meets
both ends) against its bend :math:`\beta` weighs the model. Akima's derivative at a node
averages the window's slope with the gap's secant, which misses a column bending across a
long gap (R1 of formation_4p15V saturating between cycles 79 and 149: up to 1.45 % off the
full run, 0.49 % so); the single-cycle slope of a column whose per-cycle
change is noisy (the capacity: the relaxing first cycle after a jump and the end of the hold
step change it by up to 0.02 of 0.06 mAh/g per cycle) is mostly noise, the model then
misses the far end by more than it bends (:math:`\rho > \beta`) and the curve stays
Akima's (the capacity 0.24 % off with the model alone, 0.15 % either way). A gap without a
window at either end (a run stopped early) keeps Akima's curve.
"""

import numpy as np

from .cycle_jumps import Window, slope_model


def fill_skipped(table, simulated, n_cycles):
    """One row per cycle: the simulated rows (renumbered) and, for the skipped cycles,
    every numeric column interpolated across each gap (``fill_values``); a ``simulated``
    column."""
    import pandas as pd

    table = table.copy()
    table["cycle"] = simulated[: len(table)]
    table = table.set_index("cycle")
    full = table.reindex(range(1, n_cycles + 1))
    numeric = full.select_dtypes("number").columns
    full[numeric] = fill_values(table[numeric].to_numpy(dtype=float), table.index, n_cycles)
    full["simulated"] = full.index.isin(table.index)
    full = full.reset_index()
    return pd.DataFrame(full)


def fill_values(values, simulated, n_cycles):
    """Rows (cycles 1 .. ``n_cycles`` x columns) from the rows ``values`` of the cycles
    ``simulated``: those as they are, the skipped ones Akima's curve through them bent
    across each gap (``across_gaps``)."""
    import pandas as pd

    frame = pd.DataFrame(values, index=np.asarray(simulated)).reindex(range(1, n_cycles + 1))
    akima = frame.interpolate(method="akima", limit_area="inside").to_numpy(dtype=float)
    return across_gaps(frame.to_numpy(dtype=float), frame.index.isin(simulated), akima)


def across_gaps(values, simulated, akima):
    """The rows ``values`` (cycles x columns) of the skipped cycles (``simulated`` False)
    filled in: Akima's curve ``akima`` through the simulated rows, bent towards the slope
    model of the two windows around each gap by the weight :math:`1/(1 + (\\rho/\\beta)^2)`,
    the model's residual over the gap against its bend (see the module docstring). Where
    a gap lacks a window at either end, Akima's curve as it is."""
    filled = akima.copy()
    rows = np.flatnonzero(simulated)
    for m, r in zip(rows[:-1], rows[1:]):
        if r - m < 2 or m < 1 or r + 1 >= len(values) or not (simulated[m - 1] and simulated[r + 1]):
            continue
        # rows m-1, m and r, r+1 are the cycles m, m+1 and r+1, r+2 (one-based)
        total = slope_model(Window(m + 1, values[m - 1], values[m]), Window(r + 2, values[r], values[r + 1]))
        change = total(m + 1, np.arange(m + 2, r + 2))  # over cycles m+2 .. r+1, the gap and row r
        share = (np.arange(1, r - m + 1) / (r - m))[:, None]
        residual = values[r] - values[m] - change[-1]
        model = values[m] + change + share * residual
        with np.errstate(all="ignore"):
            ratio = np.abs(residual) / np.max(np.abs(change - share * change[-1]), axis=0)
            weight = np.where(np.isfinite(ratio), 1 / (1 + ratio**2), 0.0)
        gap = slice(m + 1, r)
        filled[gap] = np.where(np.isfinite(model[:-1]), akima[gap] + weight * (model[:-1] - akima[gap]), akima[gap])
    return filled
