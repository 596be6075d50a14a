"""Synthetic fit problems (``fit/synthetic.py``): the data are what a fit's own trials
compute at the truth, plus the stated noise, so that a recovery or coverage check measures
the intervals and not a difference between data generation and fit."""

import numpy as np
import pytest

from ssbsim.fit.problem import Problem
from ssbsim.fit.spec import load_fit_spec
from ssbsim.fit.synthetic import noisy_table, spec_text, started_off

NOISE = {
    "coulombic_efficiency": ("absolute", 0.001),
    "cathode_interphase_resistance_ohm_cm2": ("relative", 0.01),
    "discharge_capacity_mAh_g": ("relative", 0.01),
}


def test_residuals_at_the_truth_are_the_drawn_noise(tmp_path, cell_a, sweep):
    """The issue-13 recovery's data (``ssbsim.run``: uncompiled, parameters fixed) against
    the fit's trial at the truth (compiled, the nine fitted parameters PyBaMM inputs): the
    scaled residuals are minus the standard normals drawn, in the data sets' order, to
    1e-6 (measured 3e-9); a trial that solved differently from the data (tolerance, mesh,
    cycle jumps) would bias the weakly determined parameters."""
    noisy_table(sweep.cycles, NOISE, np.random.default_rng(13)).to_csv(tmp_path / "data.csv", index=False)
    parameters = load_fit_spec("asakura2020_interphase").parameters
    (tmp_path / "spec.toml").write_text(spec_text("data.csv", NOISE, started_off(parameters, cell_a)))
    problem = Problem(load_fit_spec(tmp_path / "spec.toml"))
    assert problem.noise_known and problem.extrapolation is None
    r = problem.residuals({p.name: cell_a[p.name] for p in parameters})
    rng = np.random.default_rng(13)
    drawn = np.concatenate([rng.standard_normal(len(sweep.cycles)) for _ in NOISE])
    assert r == pytest.approx(-drawn, abs=1e-6)
