"""Profile-likelihood intervals (``fit/intervals.py``) on the analytic saturating curve
(``tests/analytic_fits.py``): coverage against the linearised intervals, the method,
identifiability and the warning."""

import numpy as np
import pytest
from analytic_fits import TRUTH, Saturation, data

from ssbsim.fit.engine import fit


def test_profile_intervals_cover_the_truth_where_linearised_ones_do_not():
    """Over 60 noise realisations the profile interval holds the truth in >= 90 % for each
    parameter; the linearised one falls below 90 % for the amplitude (measured: profile
    98 % and 95 %, linearised 83 % and 95 % over 80 realisations)."""
    covered = {"profile": {"a": 0, "b": 0}, "linear": {"a": 0, "b": 0}}
    n = 60
    for seed in range(n):
        result = fit(Saturation(data(seed)), starts=1)
        for name in TRUTH:
            for method, ci in (("profile", result.ci95), ("linear", result.ci95_linear)):
                covered[method][name] += ci[name][0] <= TRUTH[name] <= ci[name][1]
    rates = {m: {k: v / n for k, v in c.items()} for m, c in covered.items()}
    assert all(rate >= 0.9 for rate in rates["profile"].values()), rates
    assert rates["linear"]["a"] < 0.9, rates


def test_profile_reports_method_identifiability_and_a_warning():
    result = fit(Saturation(data(0), flat=True), starts=1)
    assert "profile likelihood" in result.method
    assert result.identifiable == {"a": True, "b": True, "c": False}
    assert result.ci95["c"] == pytest.approx([0.1, 10.0])  # the profile runs into both bounds
    assert (
        len(result.warnings) == 1 and "not determined" in result.warnings[0] and "c (would need" in result.warnings[0]
    )
    assert "a (would need" not in result.warnings[0] and "b (would need" not in result.warnings[0]
    curve = np.array(result.profiles["a"])
    assert curve[:, 1].min() == pytest.approx(0.0) and curve[:, 1].max() >= 3.5
