"""Lower costs the profiles find (``fit/lower_cost.py``): beyond the tolerance the fit
goes on from there; within it, the point is reported."""

import numpy as np
import pytest
from analytic_fits import SIGMA, Saturation, T, data

from ssbsim.fit.engine import fit


def test_a_fit_stopped_short_is_not_converged_and_the_profile_finishes_it():
    """One optimiser evaluation budget is too small: the start reports it; the profile
    finds lower costs, and the fit goes on from there."""
    from unittest import mock

    from ssbsim.fit import local

    real = local.least_squares
    calls = []

    def short_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            kwargs["max_nfev"] = 2
        return real(*args, **kwargs)

    with mock.patch.object(local, "least_squares", short_first):
        result = fit(Saturation(data(3)), starts=1)
    assert result.starts[0]["converged"] is False and "maximum number" in result.starts[0]["stop_reason"]
    assert "lower cost" in result.stop_reason
    reference = fit(Saturation(data(3)), starts=1)
    assert result.values["a"] == pytest.approx(reference.values["a"], rel=1e-3)


def test_a_lower_cost_within_the_tolerance_is_reported_with_its_point():
    """A fit left short of its minimum by less than the tolerance of the interval ends
    (Delta 0.3, no refit): the profiles, which re-optimise a and b at c's bounds, find the
    lower cost; the fit says so (not converged, a warning) and gives the point to refit
    from."""
    from unittest import mock

    from ssbsim.fit import engine

    problem = Saturation(data(0), flat=True)
    real = engine.search

    def short(f, u0, low, high, **options):
        solution = real(f, u0, low, high, **options)
        r = solution.fun
        s2 = float(r @ r) / (len(T) - 3)
        shift = np.sqrt(0.3 * s2 / float(np.sum(((1 - np.exp(-solution.x[1] * T)) / SIGMA) ** 2)))
        solution.x = solution.x + np.array([shift, 0.0, 0.0])
        solution.fun = f(solution.x)
        return solution

    with mock.patch.object(engine, "search", short):
        result = fit(problem, starts=1)
    lower = result.lower_point
    assert lower is not None and lower["cost"] < result.cost
    assert -0.5 < lower["delta"] < -0.1
    assert result.converged is False and "a profile found a lower cost" in result.stop_reason
    (line,) = [w for w in result.warnings if "profile found cost" in w]
    assert "not at its minimum" in line and "lower_point" in line
    assert abs(lower["values"]["a"] - result.values["a"]) > 0
