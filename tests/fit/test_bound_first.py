"""Interval ends the data do not bound: the bound tested first (``fit/bound_first.py``)."""

import pytest
from analytic_fits import Saturation, data

from ssbsim.fit.engine import fit


def test_an_end_the_data_do_not_bound_is_its_bound_tested_first():
    """c, which nothing determines: the linearised profile puts both its ends beyond the
    bounds, so each bound is tested first and is the end in one solve, as the direct
    search's first step would have found it; the determined a and b keep their
    intervals."""
    from unittest import mock

    from ssbsim.fit import intervals

    def profiled(bound_first=True):
        problem = Saturation(data(0), flat=True)
        solves = {}
        real = intervals.Profiler._locate

        def counted(self, i, sign, result):
            before = problem.n_solves
            located = real(self, i, sign, result)
            solves[(i, sign)] = problem.n_solves - before
            return located

        with mock.patch.object(intervals.Profiler, "_locate", counted):
            if bound_first:
                return fit(problem, starts=1), solves
            with mock.patch.object(intervals.Profiler, "_bound_first", lambda self, i, sign, points: None):
                return fit(problem, starts=1), solves

    result, solves = profiled()
    before, solves_before = profiled(bound_first=False)
    assert solves[(2, -1.0)] == solves[(2, 1.0)] == 1
    assert solves_before[(2, -1.0)] == solves_before[(2, 1.0)] == 1
    assert result.ci95["c"] == pytest.approx([0.1, 10.0]) and result.identifiable["c"] is False
    for name in ("a", "b"):
        assert result.ci95[name] == pytest.approx(before.ci95[name], rel=1e-6)
