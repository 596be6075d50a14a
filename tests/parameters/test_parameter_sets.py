"""The shipped parameter sets: complete, traceable, and their derived quantities."""

import pytest

import ssbsim
from ssbsim.model import ModelOptions
from ssbsim.parameters import registry
from ssbsim.parameters.derived import derive
from ssbsim.parameters.entries import check_range
from ssbsim.parameters.loader import PROVENANCE_PREFIXES
from ssbsim.resources import shipped


@pytest.mark.parametrize("name", shipped("parameter_sets"))
def test_every_value_has_provenance(name):
    pset = ssbsim.load_parameter_set(name)
    for key in pset:
        source = pset.provenance[key]
        assert source.startswith(PROVENANCE_PREFIXES), f"{name}: {key!r} has no provenance ({source!r})"
        if source.startswith("estimate:") or source.startswith("fitted:"):
            assert len(source.split(":", 1)[1].strip()) > 10, f"{name}: {key!r} says too little about why"


@pytest.mark.parametrize("name", shipped("parameter_sets"))
def test_required_parameters_present_and_in_range(name):
    pset = ssbsim.load_parameter_set(name)
    for key in registry.REQUIRED:
        assert key in pset
    for key, value in pset.items():
        entry = registry.lookup(key)
        assert entry is not None and entry.settable
        assert check_range(value, entry.range) is None


def test_cell_a_derived_quantities(cell_a):
    """Composite make-up and 1C of Cell A from its recipe (BRIEF §1)."""
    v = derive(dict(cell_a), ModelOptions())
    # 130 mAh/g for 2 Na in Na3(VOPO4)2F, 1.24 mg/cm2 on 1.131 cm2 -> 0.161 mA/cm2 at 1C
    assert v["Positive electrode theoretical specific capacity [A.h.kg-1]"] == pytest.approx(130.2, abs=0.1)
    assert v["Nominal cell capacity [A.h]"] / v["Electrode area [m2]"] * 1e-1 == pytest.approx(0.161, abs=0.002)
    eps = [v[f"Positive electrode {k} volume fraction"] for k in ("active material", "SE", "carbon")]
    assert sum(eps) == pytest.approx(1 - cell_a["Positive electrode porosity"])
    assert 5e-6 < v["Positive electrode thickness [m]"] < 15e-6  # a thin composite layer
    # R0 = L/sigma close to 50 ohm cm2 (T4)
    assert cell_a["Separator thickness [m]"] / cell_a["SE conductivity [S.m-1]"] * 1e4 == pytest.approx(50, rel=0.25)


def test_overrides_are_checked_and_recorded(cell_a):
    changed = cell_a.with_overrides({"SE conductivity [S.m-1]": 0.2})
    assert changed["SE conductivity [S.m-1]"] == 0.2
    assert changed.provenance["SE conductivity [S.m-1]"].startswith("override:")
    assert cell_a["SE conductivity [S.m-1]"] == 0.12  # the original is untouched
    with pytest.raises(ssbsim.InputError, match="SE conductivity"):
        cell_a.with_overrides({"SE conductivity [S.m-1]": -1.0})


def test_extends_inherits_and_overrides(tmp_path):
    path = tmp_path / "variant.toml"
    path.write_text(
        'extends = "asakura2020"\n[parameters]\n'
        '"Separator thickness [m]" = { value = 3e-4, source = "estimate: thinner pellet" }\n'
    )
    variant = ssbsim.load_parameter_set(path)
    assert variant["Separator thickness [m]"] == 3e-4
    assert variant["SE conductivity [S.m-1]"] == 0.12
    assert variant.provenance["SE conductivity [S.m-1]"].startswith("doi:")
