"""Interval ends bracketed (``fit/bracketing.py``) where the direct search does not settle."""

import pytest
from analytic_fits import Saturation, data

from ssbsim.fit.engine import fit


def test_ends_the_direct_search_leaves_are_bracketed_and_agree():
    """The saturating curve's banana-shaped valley defeats some direct searches: those ends
    are bracketed and counted in the method; the ends located directly agree with the
    bracketing's within the tolerance of Delta (measured: within 2 % in u)."""
    from unittest import mock

    from ssbsim.fit import intervals

    direct = fit(Saturation(data(1), flat=True), starts=1)
    assert "by bracketing" in direct.method and "ends located directly" in direct.method
    undecided = lambda self, i, sign, points: None  # noqa: E731
    with mock.patch.object(intervals.Profiler, "_end", undecided):
        with mock.patch.object(intervals.Profiler, "_bound_first", undecided):
            bracketed = fit(Saturation(data(1), flat=True), starts=1)
    assert "0 of 6 ends located directly, 6 by bracketing" in bracketed.method
    for name in ("a", "b", "c"):
        assert direct.ci95[name] == pytest.approx(bracketed.ci95[name], rel=0.05)
        assert direct.identifiable[name] == bracketed.identifiable[name]
