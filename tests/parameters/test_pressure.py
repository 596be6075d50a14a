"""The stack-pressure laws (ssbsim/parameters/pressure.py): monotonic, saturating, and
exactly Cell A at Cell A's (reference) pressure."""

import numpy as np
import pytest

import ssbsim
from ssbsim.errors import InputError
from ssbsim.parameters import pressure, registry
from ssbsim.parameters.derived import derive
from ssbsim.parameters.entries import DERIVES

PHI = registry.DERIVED.active_share_P.name
ANODE = registry.DERIVED.anode_contact_P.name
P = registry.CELL.P.name


@pytest.fixture(scope="module")
def pressed():
    return ssbsim.load_parameter_set("asakura2020_pressure")


def _derived(pset, **overrides):
    values = dict(pset) | {getattr(registry.CELL, k).name: v for k, v in overrides.items()}
    return derive(values, pset.model_options())


def test_contact_share_is_bowden_tabor_at_low_pressure_and_saturates():
    assert pressure.closed_share(1e3, 1e6) == pytest.approx(1e-3, rel=1e-6)  # a = P / P_s for P << P_s
    assert pressure.closed_share(2e7, 1e6) == 1.0
    assert pressure.open_share(2e7, 1e6) > 0  # no cancellation in the open share


def test_more_pressure_more_active_material_and_less_anode_resistance(pressed):
    pressures = np.geomspace(1e4, 1e8, 30)
    phi = [_derived(pressed, P=p)[PHI] for p in pressures]
    factor = [_derived(pressed, P=p)[ANODE] for p in pressures]
    below = pressures[1:] < 1e6  # strictly rising until both contacts are nearly closed
    assert np.all(np.diff(phi) >= 0) and np.all(np.diff(phi)[below] > 0)
    assert np.all(np.diff(factor) >= 0) and np.all(np.diff(factor)[below] > 0)
    saturated = pressed[registry.COMPOSITE.active_share_max.name]
    assert phi[-1] == pytest.approx(saturated) and phi[-1] <= saturated
    # at 3.2 MPa: more active material than Cell A's 0.819, the Na|SE resistance R1 = RT/(F j0) divided
    at_stack = _derived(pressed)
    assert at_stack[PHI] > pressed[registry.COMPOSITE.active_share.name] + 0.05
    assert at_stack[ANODE] > 2


def test_reference_pressure_gives_cell_a_exactly(cell_a, pressed):
    """At Cell A's spring-cell pressure (the reference) the pressure set derives exactly
    Cell A's quantities: the same active fraction, the same Na exchange current."""
    at_reference = _derived(pressed, P=pressed[registry.CELL.P_ref.name])
    plain = derive(dict(cell_a), cell_a.model_options())
    assert at_reference[PHI] == plain[PHI] == cell_a[registry.COMPOSITE.active_share.name] == 0.819
    assert at_reference[ANODE] == plain[ANODE] == 1.0
    for name, value in plain.items():
        if not callable(value):
            assert at_reference[name] == value, name


def test_low_pressure_run_is_cell_a(cell_a, pressed):
    """A short run of the pressure set at the reference pressure is Cell A's, to the bit;
    at 3.2 MPa R1 is smaller and the cell holds more capacity."""
    experiment = "pressure_cell"
    low = pressed.with_overrides({P: pressed[registry.CELL.P_ref.name]})
    overrides = {registry.COMPOSITE.loading.name: 0.08}
    a = ssbsim.run(experiment, cell_a, overrides=overrides).cycles
    b = ssbsim.run(experiment, low, overrides=overrides).cycles
    high = ssbsim.run(experiment, pressed, overrides=overrides).cycles
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    assert (high["anode_interface_resistance_ohm_cm2"] < a["anode_interface_resistance_ohm_cm2"] / 2).all()
    assert (high["discharge_capacity_mAh_g"] > a["discharge_capacity_mAh_g"] + 5).all()


def test_all_or_none_of_the_pressure_parameters(cell_a, pressed):
    with pytest.raises(InputError, match="stack pressure laws need all"):
        derive(dict(cell_a) | {P: 3.2e6}, cell_a.model_options())
    too_small = dict(pressed) | {registry.COMPOSITE.active_share_max.name: 0.5}
    with pytest.raises(InputError, match="at least the active fraction"):
        derive(too_small, pressed.model_options())


def test_pressure_parameters_rebuild(pressed):
    """Each pressure parameter moves a derived quantity away from the reference (DERIVES)."""
    base = _derived(pressed)
    for name in pressure.NAMES:
        assert registry.lookup(name).effect == DERIVES
        changed = derive(dict(pressed) | {name: pressed[name] * 0.9}, pressed.model_options())
        assert (changed[PHI], changed[ANODE]) != (base[PHI], base[ANODE]), name
