"""The fit engine (``fit/engine.py``) on analytic problems (no PyBaMM): starts that end
on different minima, and a misfit beyond the stated noise."""

import numpy as np
import pytest
from analytic_fits import SIGMA, TRUTH, Saturation, T, data

from ssbsim.fit.engine import fit
from ssbsim.fit.spec import FitParameter


def test_starts_that_end_on_different_minima_are_compared():
    """Three starts of a problem with two mirror minima (b and -b give the same curve when
    the data are symmetric): the starts ending on the other minimum are reported."""

    class Mirror:
        parameters = [FitParameter("b", -2.0, 2.0, -0.5, scale="linear")]
        starts = 3
        n_solves = 0

        def residuals(self, values):
            self.n_solves += 1
            t = np.linspace(-1, 1, 9)
            return (np.exp(-((values["b"] ** 2) * t**2)) - np.exp(-0.49 * t**2)) / 0.01

    result = fit(Mirror(), starts=3, seed=1)
    finals = [s["final"]["b"] for s in result.starts]
    assert min(finals) == pytest.approx(-0.7, abs=1e-3) and max(finals) == pytest.approx(0.7, abs=1e-3)
    assert result.starts_agree is False and any("starts disagree" in w for w in result.warnings)


def test_a_misfit_beyond_the_stated_noise_is_reported():
    """With the data's own sigma, a best fit whose r.r exceeds the 99.9 % point of
    chi2_{m-p} is reported (a plateau, a local minimum or a model that does not fit); a
    fit within the noise is not."""
    good = Saturation(data(0))
    good.noise_known = True
    assert not [w for w in fit(good, starts=1).warnings if "misfit" in w]
    rng = np.random.default_rng(0)
    bad = Saturation(TRUTH["a"] * (1 - np.exp(-TRUTH["b"] * T)) + 10 * SIGMA * rng.standard_normal(len(T)))
    bad.noise_known = True
    result = fit(bad, starts=1)
    (line,) = [w for w in result.warnings if "misfit" in w]
    assert "times the data's stated noise" in line and "8 degrees of freedom" in line
    bad.noise_known = False  # sigma not the data's own: the misfit sets the noise scale, nothing to report
    assert not [w for w in fit(bad, starts=1).warnings if "misfit" in w]
