"""The parameter registry is the one home of every parameter: the model uses no other
names, every shipped value is registered, and the rebuild flag matches what a value does."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pybamm
import pytest

import ssbsim
from ssbsim.model import CellModel
from ssbsim.model.ocp import ocp_table
from ssbsim.parameters import registry
from ssbsim.parameters.derived import derive
from ssbsim.parameters.entries import DERIVES, INPUT, MESH, OCP_TABLE
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.resources import shipped
from ssbsim.simulation.run import build_simulation

COMBINATIONS = [
    {"particle": p, "cathode": c, "interphase": i, "SE anions": 2 if i == "decomposition" else 0}
    for p, c, i in itertools.product(("single", "distribution"), ("averaged", "resolved"), ("none", "decomposition"))
] + [  # the impedance model: double layers (the resolved composite's a transmission line)
    {"particle": "single", "cathode": c, "interphase": "decomposition", "SE anions": 2, "capacitance": "double layers"}
    for c in ("averaged", "resolved")
]
#: groups whose values must sum to 1: a change moves share between two members
SUMS_TO_ONE = [
    [e.name for e in (registry.COMPOSITE.w_am, registry.COMPOSITE.w_se, registry.COMPOSITE.w_c)],
    [registry.MSMR.names(j)["X"] for j in range(3)],
    [registry.ANION.names(k)["fraction"] for k in range(2)],
]


def _parameter_names(model):
    trees = [
        *model.rhs.values(),
        *model.algebraic.values(),
        *model.initial_conditions.values(),
        *model.variables.values(),
        *(event.expression for event in model.events),
        *(bc[0] for sides in model.boundary_conditions.values() for bc in sides.values()),
        *(bound for domain in model.default_geometry.values() for var in domain.values() for bound in var.values()),
    ]
    return {
        node.name
        for tree in trees
        if isinstance(tree, pybamm.Symbol)
        for node in tree.pre_order()
        if isinstance(node, (pybamm.Parameter, pybamm.FunctionParameter))
    }


@pytest.mark.parametrize("options", COMBINATIONS, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_every_model_parameter_is_registered(options):
    names = _parameter_names(CellModel(options))
    assert registry.DERIVED.L.name in names and registry.CELL.T_amb.name in names  # the walk sees parameters
    if options["interphase"] == "decomposition":
        assert registry.ANION.names(1)["length"] in names
    if options["particle"] == "distribution":
        assert registry.SIZE_BIN.names(5)["R"] in names
    unregistered = sorted(n for n in names if registry.lookup(n) is None)
    assert not unregistered, f"loose parameter names in the model: {unregistered}"


@pytest.mark.parametrize("name", shipped("parameter_sets"))
def test_every_shipped_parameter_is_registered_and_settable(name):
    pset = ssbsim.load_parameter_set(name)
    for key in pset:
        entry = registry.lookup(key)
        assert entry is not None and entry.settable, key


def test_families_are_one_template_each():
    for family in registry.FAMILIES:
        for k in (0, 3, 12):
            for key, name in family.names(k).items():
                entry = registry.lookup(name)
                assert entry.name == name and entry.key == key
    assert registry.lookup("SE anion (x) mole fraction") is None
    assert registry.count_anions({registry.ANION.names(0)["fraction"]: 1, registry.ANION.names(2)["fraction"]: 1}) == 1


def _changed(values, name):
    """``values`` with ``name`` changed by 1 % (share moved from or to a partner in a sum)."""
    trial = dict(values)
    delta = 0.01 * values[name] if values[name] else 1e-6
    trial[name] = values[name] + delta
    for group in SUMS_TO_ONE:
        if name in group:
            partner = next(n for n in group if n != name and values[n] > delta)
            trial[partner] = values[partner] - delta
    return trial


def _changed_derived(values, trial, options):
    base, changed = derive(values, options), derive(trial, options)
    return [
        k for k in base if registry.lookup(k) is not None and not registry.lookup(k).settable and changed[k] != base[k]
    ]


def _mesh_bounds(options):
    model = CellModel(options)
    return {b.name for domain in model.default_geometry.values() for var in domain.values() for b in var.values()}


@pytest.mark.parametrize("particle", ["single", "distribution"])
def test_rebuild_flag_matches_what_a_value_changes(cell_a, particle):
    options = cell_a.model_options({"particle": particle})
    values = dict(cell_a)
    T = values[registry.CELL.T_amb.name]
    table = ocp_table(values, T)
    for name in values:
        entry = registry.lookup(name)
        trial = _changed(values, name)
        derived = _changed_derived(values, trial, options)
        if entry.effect == INPUT:
            assert not derived, f"{name} is flagged input but changes {derived}"
            continue
        changes_table = any(
            not np.array_equal(a, b) for a, b in zip(table, ocp_table(trial, trial[registry.CELL.T_amb.name]))
        )
        if entry.effect == DERIVES:
            assert derived, f"{name} is flagged rebuild (derived quantity) but changes none"
        elif entry.effect == OCP_TABLE:
            assert changes_table, f"{name} is flagged rebuild (OCP table) but does not change it"
        elif entry.effect == MESH and particle == "distribution":
            assert any(registry.SIZE_BIN.match(k) for k in derived), f"{name} is flagged mesh but moves no size bin"
        elif entry.effect == MESH:  # one size: the radius bounds the particle mesh, the distribution is unused
            assert (name in _mesh_bounds(options)) == (name == registry.PARTICLE.R.name), name


@pytest.mark.parametrize("interphase", ["none", "decomposition"])
def test_input_flagged_parameters_solve_as_inputs(cell_a, interphase):
    """Every input-flagged parameter of Cell A left as a PyBaMM input gives the same run."""
    options = cell_a.model_options({"interphase": interphase})
    spec = ExperimentSpec("short", [Block(steps=["Charge at 1C for 5 minutes", "Discharge at 1C for 2 minutes"])])
    inputs = [name for name in cell_a if not registry.lookup(name).rebuild]
    assert registry.CELL.V_min.name in inputs and registry.ANION.names(1)["rate"] in inputs
    frozen = build_simulation(spec, cell_a, options).solve()
    simulation = build_simulation(spec, cell_a, options, inputs=inputs)
    solution = simulation.solve(inputs={name: cell_a[name] for name in inputs})
    np.testing.assert_allclose(solution["Voltage [V]"].entries, frozen["Voltage [V]"].entries, rtol=1e-6)
    sigma = registry.SE.sigma_ref.name
    changed = simulation.solve(inputs={name: cell_a[name] for name in inputs} | {sigma: cell_a[sigma] * 2})
    assert (
        changed["Voltage [V]"].entries[-1] > frozen["Voltage [V]"].entries[-1] + 1e-3
    )  # the input is live (R0 halved)


def test_parameter_sets_load_without_pybamm():
    """Loading and checking a parameter set needs neither PyBaMM nor matplotlib."""
    package = Path(ssbsim.__file__).parent
    code = f"""
import sys, types
for blocked in ("pybamm", "matplotlib"):
    sys.modules[blocked] = None
stub = types.ModuleType("ssbsim")
stub.__path__ = [{str(package)!r}]
sys.modules["ssbsim"] = stub
from ssbsim.parameters import load_parameter_set
from ssbsim.parameters.derived import derive
pset = load_parameter_set("asakura2020")
derive(dict(pset), pset.model_options({{"particle": "distribution"}}))
pset.with_overrides({{"SE conductivity [S.m-1]": 0.2}})
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_anion_transfer_coefficients_are_apparent_ones_up_to_3():
    """A multistep oxidation with electron transfers in pre-equilibrium has an apparent
    transfer coefficient n' + beta > 1 (the SE:carbon set's, fitted to T10)."""
    from ssbsim.parameters.entries import check_range

    kind = registry.lookup(registry.anion_names(0)["alpha"]).range
    assert check_range(1.3, kind) is None and check_range(3.0, kind) is None
    assert "(0, 3]" in check_range(3.5, kind) and "(0, 3]" in check_range(0.0, kind)
