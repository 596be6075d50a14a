"""Analytic fit problems for the tests of the fit engine and its profile-likelihood
intervals (tests/fit; no PyBaMM): a saturating curve y = a (1 - exp(-b t)) sampled early,
where a and b are strongly correlated and the model is nonlinear in both, so that the
linearised interval s^2 (J^T J)^-1 is overconfident; and a line y = a + b t."""

import numpy as np

from ssbsim.fit.spec import FitParameter

TRUTH = {"a": 2.0, "b": 0.5}
T = np.linspace(0.1, 1.0, 10)
SIGMA = 0.05


class Saturation:
    """Residuals (model - data) / sigma of y = a (1 - exp(-b t)) (+ c, which nothing
    determines when ``flat`` is given)."""

    def __init__(self, y, flat=False, starts=1):
        self.y = y
        self.parameters = [FitParameter("a", 0.1, 100.0, 3.0, "linear"), FitParameter("b", 0.01, 10.0, 0.3, "linear")]
        if flat:
            self.parameters.append(FitParameter("c", 0.1, 10.0, 1.0))
        self.starts = starts
        self.n_solves = 0

    def residuals(self, values):
        self.n_solves += 1
        model = values["a"] * (1 - np.exp(-values["b"] * T))
        if "c" in values:  # enters far below the noise: not determined by these data
            model = model + 1e-6 * values["c"]
        return (model - self.y) / SIGMA


def data(seed):
    rng = np.random.default_rng(seed)
    return TRUTH["a"] * (1 - np.exp(-TRUTH["b"] * T)) + SIGMA * rng.standard_normal(len(T))


class Line:
    """Residuals of y = a + b t (linear in both: the profile is the linearised parabola)."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.y = 1.0 + 0.5 * T + SIGMA * rng.standard_normal(len(T))
        self.parameters = [FitParameter("a", -10.0, 10.0, 0.0, "linear"), FitParameter("b", -10.0, 10.0, 0.0, "linear")]
        self.n_solves = 0

    def residuals(self, values):
        self.n_solves += 1
        return (values["a"] + values["b"] * T - self.y) / SIGMA
