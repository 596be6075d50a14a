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


@pytest.mark.parametrize("circuit", [PAPER, INITIAL])
def test_same_fit_as_impedance_py(circuit):
    """The circuit evaluated in NumPy, fitted by the optimiser and settings impedance.py's
    CustomCircuit uses: its impedance is CustomCircuit's to rounding, and so is the fit, on
    a spectrum that the circuit does not match exactly (two arcs, a tail and noise), to
    1e-4: rounding steers the optimiser along its flat valley (on the cutoff sweep's nine
    spectra the fits agree to 1e-8)."""
    from impedance.models.circuits import CustomCircuit

    from ssbsim.observables.circuit_fit import _guess, circuit_impedance

    rng = np.random.default_rng(3)
    f = frequencies(2e5, 1e-2, 10)
    z = 52 + rq(f, 33.0, 3e-6, 0.92) + rq(f, 240.0, 1.5e-4, 0.83) + 1 / (2e-3 * (2j * np.pi * f) ** 0.7)
    z = z * (1 + 0.002 * rng.standard_normal(len(f)))
    params = [50.0, 30.0, 2e-6, 0.9, 200.0, 1e-4, 0.85][: 4 if circuit == INITIAL else 7]
    reference = CustomCircuit(circuit, initial_guess=params)
    with pytest.warns(UserWarning, match="initial parameters"):
        expected = reference.predict(f)
    np.testing.assert_allclose(circuit_impedance(f, *params), expected, rtol=1e-13)

    mask = arc_range(f, z)
    n_arcs = 2 if circuit == PAPER else 1
    lower, upper = [0.0] + [0.0, 1e-12, 0.4] * n_arcs, [np.inf] + [np.inf, 1.0, 1.0] * n_arcs
    guess = list(np.clip(_guess(f[mask], z[mask], n_arcs), lower, [1e9] + [1e9, 1.0, 1.0] * n_arcs))
    reference = CustomCircuit(circuit, initial_guess=guess)
    reference.fit(f[mask], z[mask], bounds=(lower, upper), weight_by_modulus=True, maxfev=20000)
    p = reference.parameters_
    arcs = sorted((tuple(p[1 + 3 * k : 4 + 3 * k]) for k in range(n_arcs)), key=lambda a: (a[0] * a[1]) ** (1 / a[2]))
    fit = fit_spectrum(f, z, circuit)
    assert fit["r0_ohm_cm2"] == pytest.approx(p[0], rel=1e-4)
    for k, (r, q, alpha) in enumerate(arcs, start=1):
        assert fit[f"r{k}_ohm_cm2"] == pytest.approx(r, rel=1e-4)
        assert fit[f"q{k}_F_cm2_s_alpha1"] == pytest.approx(q, rel=1e-4)
        assert fit[f"alpha{k}"] == pytest.approx(alpha, rel=1e-4)
