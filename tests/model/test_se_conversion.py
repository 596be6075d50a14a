"""The SE conversion submodel (``ssbsim/model/se_conversion.py``): first-order conversion of
the composite's SE in time, particles cut off with it, Na locked in them, and a poorer
composite conductivity; checked on Cell B, whose fade it models (issue 14)."""

import math

import numpy as np
import pytest

import ssbsim
from ssbsim.constants import R
from ssbsim.errors import InputError
from ssbsim.protocol.experiment_file import truncated

K = "SE conversion rate constant [s-1]"
#: ~25 % of the SE converted per cycle at 353 K: the mechanism shows within a few cycles
FAST = {K: 2e-5}


def _short(n=4, overrides=None, options=None):
    spec = truncated(ssbsim.load_experiment("he2018_cycling"), n)
    return ssbsim.run(spec, "he2018", overrides=overrides, options=options)


@pytest.fixture(scope="module")
def fast():
    return _short(overrides=FAST)


def test_unconverted_share_decays_first_order_in_time(fast):
    pset = ssbsim.load_parameter_set("he2018")
    T, T_ref = 353.15, pset["Reference temperature [K]"]
    k = FAST[K] * math.exp(pset["SE conversion activation energy [J.mol-1]"] / R * (1 / T_ref - 1 / T))
    sol = fast.solution
    t = sol["Time [s]"].entries
    np.testing.assert_allclose(sol["Composite SE unconverted share"].entries, np.exp(-k * t), rtol=1e-3)


def test_na_is_conserved_and_cut_off_particles_hold_at_most_full_sites(fast):
    sol = fast.solution
    total = sol["Total Na [mol]"].entries
    np.testing.assert_allclose(total, total[0], rtol=1e-6)
    locked = sol["Na locked in isolated particles"].entries
    cut_off = 1 - sol["Composite SE unconverted share"].entries
    assert locked[-1] > 0.01
    assert np.all(locked >= -1e-9) and np.all(locked <= cut_off + 1e-9)


def test_capacity_scales_with_the_connected_share(fast):
    """The charge a discharge moves follows the SE still unconverted (the particles
    connected): between cycles 2 and 4 the capacity falls by a ratio between those of the
    connected shares at the cycles' starts and ends."""
    c = fast.cycles.set_index("cycle")["discharge_capacity_mAh_g"]
    psi = [fast.solution.cycles[n - 1]["Composite SE unconverted share"].entries for n in (2, 4)]
    ratio = c.loc[4] / c.loc[2]
    assert psi[1][0] / psi[0][0] < ratio < psi[1][-1] / psi[0][-1]
    assert ratio < 0.75


def test_conversion_lowers_the_composite_conductivity(fast):
    sol = fast.solution
    R_c = sol["Composite ionic resistance [Ohm.m2]"].entries
    psi = sol["Composite SE unconverted share"].entries
    b = ssbsim.load_parameter_set("he2018")["Positive electrode Bruggeman coefficient"]
    np.testing.assert_allclose(R_c / R_c[0], psi**-b, rtol=1e-6)


def test_no_conversion_is_the_rate_zero_limit_and_does_not_fade():
    none = _short(3, options={"SE conversion": "none"}).cycles
    zero = _short(3, overrides={K: 0.0}).cycles
    for column in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "mean_discharge_voltage_V"):
        np.testing.assert_allclose(zero[column], none[column], rtol=1e-5, err_msg=column)
    assert none["discharge_capacity_mAh_g"].iloc[2] == pytest.approx(none["discharge_capacity_mAh_g"].iloc[1], abs=0.05)


def test_explicit_and_algebraic_current_balance_agree(fast):
    algebraic = _short(overrides=FAST, options={"current balance": "algebraic"}).cycles
    for column in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "mean_discharge_voltage_V"):
        np.testing.assert_allclose(algebraic[column], fast.cycles[column], rtol=1e-3, err_msg=column)


def test_resolved_cathode_conserves_na_and_fades_alike(fast):
    result = _short(2, overrides=FAST, options={"cathode": "resolved"})
    total = result.solution["Total Na [mol]"].entries
    np.testing.assert_allclose(total, total[0], rtol=1e-5)
    # the composite is thin (~7 um) and the conversion uniform: the same cycles as averaged
    np.testing.assert_allclose(
        result.cycles["discharge_capacity_mAh_g"], fast.cycles["discharge_capacity_mAh_g"].iloc[:2], rtol=5e-3
    )


def test_bad_combinations_and_missing_values_are_input_errors():
    with pytest.raises(InputError, match="active material loss"):
        _short(1, options={"active material loss": "film isolation"})
    pset = ssbsim.load_parameter_set("asakura2020")
    with pytest.raises(InputError, match=r"SE conversion rate constant \[s-1\]"):
        ssbsim.run(
            truncated(ssbsim.load_experiment("cutoff_sweep"), 1),
            pset,
            options={"SE conversion": "first order", "active material loss": "none"},
        )
