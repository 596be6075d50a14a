"""The paper's equivalent-circuit fit recovers known circuits."""

import numpy as np
import pytest

from ssbsim.observables.circuit_fit import INITIAL, PAPER, arc_range, fit_spectrum
from ssbsim.simulation.impedance import frequencies


def rq(f, r, q, alpha):
    return r / (1 + r * q * (2j * np.pi * f) ** alpha)


@pytest.mark.parametrize(
    "r0, arc1, arc2",
    [((50.0), (31.0, 2e-6, 0.9), (100.0, 1e-4, 0.85)), ((55.0), (77.0, 5e-6, 0.95), (1000.0, 2e-4, 0.8))],
)
def test_fit_recovers_separated_arcs_within_5_percent(r0, arc1, arc2):
    f = frequencies(2e5, 1e-2, 10)
    z = r0 + rq(f, *arc1) + rq(f, *arc2)
    fit = fit_spectrum(f, z, PAPER)
    assert fit["r0_ohm_cm2"] == pytest.approx(r0, rel=0.05)
    assert fit["r1_ohm_cm2"] == pytest.approx(arc1[0], rel=0.05)
    assert fit["r2_ohm_cm2"] == pytest.approx(arc2[0], rel=0.05)
    assert fit["alpha2"] == pytest.approx(arc2[2], abs=0.03)


def test_initial_circuit_ignores_a_blocking_tail():
    f = frequencies(2e5, 1e-2, 10)
    # a blocking electrode two and a half decades below the arc (the fit range stops before it)
    z = 50 + rq(f, 30.0, 1e-6, 0.9) + 1 / (3e-4 * (2j * np.pi * f) ** 0.9)
    mask = arc_range(f, z)
    assert 0 < mask.sum() < len(f)
    fit = fit_spectrum(f, z, INITIAL)
    assert fit["r1_ohm_cm2"] == pytest.approx(30.0, rel=0.05)
    assert np.isnan(fit["r2_ohm_cm2"])
