"""The MSMR open-circuit potential and its tabulated inverse."""

import numpy as np
import pybamm
import pytest

from ssbsim.model.ocp import MSMR, X_FLOOR, ocp_function


@pytest.fixture(scope="module")
def msmr(cell_a):
    return MSMR.numeric(dict(cell_a))


def test_occupancy_spans_window_and_is_monotone(msmr):
    U = np.linspace(1.0, 6.0, 2001)
    x = msmr.occupancy(U, 298.15)
    assert np.all(np.diff(x) < 0)  # filling lowers the potential
    assert x[0] > 1 - 1e-6 and x[-1] < 1e-6
    np.testing.assert_allclose(msmr.occupancy(U, 298.15) + msmr.vacancy(U, 298.15), 1.0, rtol=1e-12)


def test_two_plateaus_at_the_published_potentials(msmr):
    """T1: the incremental capacity -dx/dU peaks at 3.6 V and 4.0 V."""
    U = np.linspace(3.3, 4.3, 10001)
    dxdU = -msmr.differential_occupancy(U, 298.15)
    peaks = [U[i] for i in range(1, len(U) - 1) if dxdU[i] > dxdU[i - 1] and dxdU[i] > dxdU[i + 1]]
    assert len(peaks) == 2
    np.testing.assert_allclose(peaks, [3.6, 4.0], atol=1e-3)
    np.testing.assert_allclose(np.gradient(msmr.occupancy(U, 298.15), U), -dxdU, rtol=1e-3, atol=1e-3)


def test_tabulated_inverse_matches_the_isotherm(cell_a, msmr):
    f = ocp_function(dict(cell_a), 298.15)
    x = np.concatenate([np.geomspace(1e-12, 0.5, 50), 1 - np.geomspace(1e-12, 0.5, 50)])
    U_table = np.array([np.ravel(f(pybamm.Scalar(v)).evaluate())[0] for v in x])
    U_exact = msmr.potential(x, 298.15)
    assert np.max(np.abs(U_table - U_exact)) < 1e-6


def test_inverse_stays_finite_outside_the_window(cell_a):
    f = ocp_function(dict(cell_a), 298.15)
    for x in (-0.1, 0.0, 1.0, 1.1):
        U = np.ravel(f(pybamm.Scalar(x)).evaluate())[0]
        assert np.isfinite(U)
    top = np.ravel(f(pybamm.Scalar(X_FLOOR)).evaluate())[0]
    assert np.ravel(f(pybamm.Scalar(-0.1)).evaluate())[0] == pytest.approx(top)


def test_plateaus_broaden_with_temperature(msmr):
    """MSMR: the width of a plateau scales with RT/F."""
    x_cold = msmr.occupancy(np.array([3.65]), 298.15)
    x_hot = msmr.occupancy(np.array([3.65]), 333.15)
    # above the 3.6 V plateau more Na remains at higher temperature (broader tail)
    assert x_hot[0] > x_cold[0]


def test_the_ocp_goes_through_pybamms_json_as_its_expression(cell_a, tmp_path):
    """``pybamm.ParameterValues.to_json`` of a cell's values writes the OCP as the
    expression it makes (PyBaMM's classes only), and ``from_json`` gives the same U(x)."""
    values = cell_a.pybamm_values(cell_a.model_options())
    path = tmp_path / "values.json"
    values.to_json(str(path))
    assert "ssbsim" not in path.read_text()
    loaded = pybamm.ParameterValues.from_json(str(path))
    name = "Positive electrode OCP [V]"
    for x in (1e-9, 0.3, 0.7, 1 - 1e-6):
        ocp = [
            v.process_symbol(pybamm.FunctionParameter(name, {"x": pybamm.Scalar(x)})).evaluate()
            for v in (values, loaded)
        ]
        assert np.ravel(ocp[0])[0] == np.ravel(ocp[1])[0]
