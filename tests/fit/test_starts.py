"""The start design of a multi-start fit (``fit/starts.py``): the spec's initial point,
then the first N - 1 points of a seeded scrambled Sobol sequence within the bounds."""

import warnings

import numpy as np
import pytest

from ssbsim.fit.spec import FitParameter
from ssbsim.fit.starts import start_points

PARAMETERS = [
    FitParameter("rate", 1e-4, 1e-1, 3e-3),  # log scale
    FitParameter("length", 1e-9, 1e-7, 2e-8),
    FitParameter("fraction", 0.1, 0.9, 0.5, "linear"),
]


@pytest.mark.parametrize("starts", [2, 3, 4, 6, 10])
def test_starts_raise_no_warning_and_stay_within_the_bounds(starts):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SciPy's Sobol warns for a sample size not a power of 2
        points, low, high = start_points(PARAMETERS, starts, seed=0)
    assert len(points) == starts
    assert points[0] == pytest.approx([p.to_unit(p.initial) for p in PARAMETERS])
    for u in points:
        assert np.all(u >= low) and np.all(u <= high)
        values = [p.from_unit(x) for p, x in zip(PARAMETERS, u)]
        assert all(p.low * (1 - 1e-12) <= v <= p.high * (1 + 1e-12) for p, v in zip(PARAMETERS, values))
    assert len({tuple(u) for u in points}) == starts  # distinct starts


def test_the_design_is_seeded_and_a_prefix_of_one_sobol_sequence():
    """The same seed gives the same starts, another seed others; fewer starts are the first
    of more (one sequence, cut), and N = 4 gives the points SciPy drew for 3 before."""
    from scipy.stats import qmc

    four, low, high = start_points(PARAMETERS, 4, seed=0)
    again, _, _ = start_points(PARAMETERS, 4, seed=0)
    other, _, _ = start_points(PARAMETERS, 4, seed=1)
    nine, _, _ = start_points(PARAMETERS, 9, seed=0)
    assert np.array_equal(np.array(four), np.array(again))
    assert not np.array_equal(np.array(four[1:]), np.array(other[1:]))
    assert np.array_equal(np.array(four), np.array(nine[:4]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = qmc.scale(qmc.Sobol(len(PARAMETERS), scramble=True, seed=0).random(3), low, high)
    assert np.array_equal(np.array(four[1:]), before)
