"""The one residual of a simulated value against a measured one or a bound.

For a value v: r = (s - v) / sigma. For a bound given alone (``<quantity>_min`` /
``_max`` in a data table, rule "min"/"max" in the targets), r is zero until the
simulation s comes within ``margin`` sigma of the bound or crosses it:
r = max(0, s - (high - margin sigma)) / sigma above, min(0, s - (low + margin sigma)) /
sigma below. A fit uses margin 1/2, so that it does not settle on the bound itself; the
check of a target uses margin 0 (met: |r| <= 1 for a value, r = 0 for a bound).
NaN where s is NaN (a run that did not get there).
"""

import numpy as np

FIT_MARGIN = 0.5


def bound_residual(simulated, value, low, high, sigma, margin=FIT_MARGIN):
    """Scaled residual(s) of ``simulated`` against ``value`` or the bounds ``low``/``high``
    (NaN where not given), elementwise."""
    s = np.asarray(simulated, dtype=float)
    value, low, high, sigma = (np.asarray(a, dtype=float) for a in (value, low, high, sigma))
    r = np.where(np.isfinite(value), s - value, 0.0)
    r = r + np.where(np.isfinite(high), np.maximum(s - (high - margin * sigma), 0.0), 0.0)
    r = r + np.where(np.isfinite(low), np.minimum(s - (low + margin * sigma), 0.0), 0.0)
    return r / sigma


def met(simulated, value, low, high, sigma):
    """Whether ``simulated`` meets a value within sigma, or a bound (no margin)."""
    r = bound_residual(simulated, value, low, high, sigma, margin=0.0)
    return bool(abs(r) <= 1.0) if np.isfinite(value) else bool(r == 0.0)


def bound_residual_slope(simulated, value, low, high, sigma, margin=FIT_MARGIN):
    """d bound_residual / d simulated, elementwise: 1/sigma where a value is given or a
    bound is active, 0 elsewhere (and where s is NaN)."""
    s = np.asarray(simulated, dtype=float)
    value, low, high, sigma = (np.asarray(a, dtype=float) for a in (value, low, high, sigma))
    slope = np.isfinite(value).astype(float)
    slope = slope + (np.isfinite(high) & (s > high - margin * sigma))
    slope = slope + (np.isfinite(low) & (s < low + margin * sigma))
    return np.where(np.isfinite(s), slope / sigma, 0.0)
