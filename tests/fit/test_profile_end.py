"""Interval ends located directly (``fit/profile_end.py``, after Venzon & Moolgavkar)."""

import numpy as np
import pytest
from analytic_fits import Line

from ssbsim.fit.engine import fit


def test_ends_located_directly_in_one_solve_each_where_the_model_is_linear():
    """For a model linear in its parameters the first Gauss-Newton step from the fit lands
    on the end: one solve per end, at the threshold, the interval the linearised one
    widened from 1.96 to sqrt(F_1,8(0.95)) standard deviations."""
    from unittest import mock

    from ssbsim.fit import intervals

    problem = Line()
    calls = []
    real = intervals.Profiler._end

    def counted(self, i, sign, points):
        before = problem.n_solves
        located = real(self, i, sign, points)
        calls.append(problem.n_solves - before)
        return located

    with mock.patch.object(intervals.Profiler, "_end", counted):
        result = fit(problem, starts=1)
    assert calls == [1, 1, 1, 1]
    assert "4 of 4 ends located directly" in result.method and "bracketing" not in result.method
    for name in ("a", "b"):
        low, high = result.ci95_linear[name]
        half = (high - low) / 2 * np.sqrt(result.threshold) / 1.959964
        assert result.ci95[name] == pytest.approx([result.values[name] - half, result.values[name] + half], rel=1e-6)
        curve = np.array(result.profiles[name])
        assert len(curve) == 3 and curve[:, 1] == pytest.approx([result.threshold, 0, result.threshold], abs=1e-6)
