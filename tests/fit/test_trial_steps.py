"""The Gauss-Newton step onto the threshold (``fit/trial_steps.py``): others that would
cross their bound are held on it."""

import numpy as np
import pytest
from analytic_fits import SIGMA


def test_an_end_whose_other_parameter_sits_on_its_bound_is_located_in_one_solve():
    """A line y = a + b t whose slope the data want above its bound: the fit holds b on
    it, and lowering the intercept a would raise b further. The Gauss-Newton step holds b
    on its bound (the unconstrained step would move it past, and the clipped trial then
    misses the threshold): one solve per end, each at the threshold of the exact profile."""
    from ssbsim.fit.intervals import Profiler

    t = np.linspace(0.0, 1.0, 10)
    y = 1.0 + 2.0 * t + SIGMA * np.random.default_rng(0).standard_normal(len(t))
    J = np.column_stack([np.ones_like(t), t]) / SIGMA
    solves = []

    def residuals(u):
        solves.append(1)
        return (u[0] + u[1] * t - y) / SIGMA

    high_b = 1.5
    a = float(np.mean(y - high_b * t))  # the intercept optimal with b on its bound
    u, low, high = np.array([a, high_b]), np.array([-10.0, -10.0]), np.array([10.0, high_b])
    r = residuals(u)
    s2 = float(r @ r) / (len(t) - 2)
    profiler = Profiler(residuals, u, r, J, low, high, s2)
    solves.clear()
    profile = profiler.profile(0)
    assert len(solves) == 2 and profile.bracketed == 0
    # downwards b stays on its bound: Delta = (a - a*)^2 |J_a|^2 / s^2; upwards b follows freely
    half_held = np.sqrt(profiler.threshold * s2) / np.linalg.norm(J[:, 0])
    assert profile.ends[0] == pytest.approx(a - half_held, rel=1e-9)
    points = dict(profile.points)
    assert points[profile.ends[0]] == pytest.approx(profiler.threshold, rel=1e-9)
    assert points[profile.ends[1]] == pytest.approx(profiler.threshold, rel=1e-9)
