"""The compiled-code cache key of a solver set-up (``model/compiled.py``): it changes
exactly when PyBaMM's (the hash of every function's serialised form) changes, it is the
same in another process, and a library cached under it is loaded without PyBaMM's
look-up, with the same solution; for a model from the disk cache of built models it is
remembered under that cache's key and the functions' signatures."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import casadi
import numpy as np
import pybamm
import pytest
from pybamm.codegen import compilation
from ssbsim_processes import ENV

from ssbsim.model import CellModel, compiled
from ssbsim.model.solver import IDAKLUSolver
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.simulation import build_cache
from ssbsim.simulation.run import build_simulation, prepare

SPEC = ExperimentSpec("keyed", [Block(["Charge at C/5 until 4.1 V", "Discharge at 1C until 2.5 V"], 1)])


def _simulation(values, options, jacobian="sparse"):
    model = CellModel(options)
    linear = {"dense": "SUNLinSol_Dense"}.get(jacobian, "SUNLinSol_KLU")
    options = {**model.solver(compile=True)._options, "jacobian": jacobian, "linear_solver": linear}
    solver = IDAKLUSolver(on_extrapolation="ignore", options=options)
    return pybamm.Simulation(
        model,
        parameter_values=values,
        experiment=SPEC.pybamm_experiment(solver_steps=True),
        solver=solver,
        experiment_model_mode="unified",
    )


def _keys(monkeypatch, simulation):
    """(ssbsim's key, PyBaMM's full hash) of ``simulation``'s set-up, nothing compiled."""
    keys = []

    def recorded(fns, jacobian, model_key=None):
        full = hashlib.sha1(b"".join(fn.name().encode() + fn.serialize().encode() for fn in fns)).hexdigest()
        keys.append((compiled.bundle_key(fns, jacobian), full))
        return list(fns)

    monkeypatch.setattr(compiled, "_compile", recorded)
    simulation.solve()
    assert keys and all(key == keys[0] for key in keys)
    return keys[0]


def test_the_key_changes_exactly_when_the_functions_do(cell_a, monkeypatch):
    options = cell_a.model_options()
    values = cell_a.pybamm_values(options)
    same = _keys(monkeypatch, _simulation(values, options))
    assert _keys(monkeypatch, _simulation(cell_a.pybamm_values(options), options)) == same
    changed = {
        "a parameter": cell_a.with_overrides({"SE conductivity [S.m-1]": 0.2}).pybamm_values(options),
        "a cut-off (an event)": cell_a.with_overrides({"Upper voltage cut-off [V]": 4.3}).pybamm_values(options),
    }
    for what, other in changed.items():
        key = _keys(monkeypatch, _simulation(other, options))
        assert key[0] != same[0] and key[1] != same[1], what
    dense = _keys(monkeypatch, _simulation(values, options, jacobian="dense"))
    assert dense[0] != same[0] and dense[1] != same[1]


def test_a_derived_function_is_keyed_by_its_signature_only_beside_its_source():
    y = casadi.MX.sym("y", 3)
    source = casadi.Function("algebraic", [y], [casadi.sin(y) * y[0]])
    three, four = (casadi.Function("algebraic_jac", [y], [k * y]) for k in (3, 4))
    assert compiled.bundle_key([three]) != compiled.bundle_key([four])  # alone: serialised
    assert compiled.bundle_key([source, three]) == compiled.bundle_key([source, four])  # same signature
    other = casadi.Function("algebraic_jac", [y], [casadi.vertcat(y[0], 2 * y[1], y[2] ** 2)])
    assert compiled.bundle_key([source, three]) != compiled.bundle_key([source, other])  # nodes
    assert compiled.bundle_key([source, three]) != compiled.bundle_key([source, three], "dense")


def test_with_the_built_models_key_the_key_is_remembered(monkeypatch, tmp_path):
    """Under a built model's key the contents' key is computed once, then read back
    without serialising; another model key, option or signature computes it again."""
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    y = casadi.MX.sym("y", 3)
    source = casadi.Function("rhs_algebraic", [y], [casadi.sin(y) * y[0]])
    z = casadi.MX.sym("y", 4)
    wider = casadi.Function("rhs_algebraic", [z], [casadi.sin(z) * z[0]])
    key = compiled.remembered_key([source], "sparse", "a")
    assert key == compiled.bundle_key([source])  # the library stays keyed by the contents
    compiled.remembered_key([wider], "sparse", "a")

    def refused(self, *args):
        raise AssertionError("serialised")

    monkeypatch.setattr(casadi.Function, "serialize", refused)
    assert compiled.remembered_key([source], "sparse", "a") == key  # read back
    assert compiled.remembered_key([wider], "sparse", "a") == compiled.remembered_key([wider], "sparse", "a") != key
    for other in (([source], "sparse", "b"), ([source], "dense", "a")):
        with pytest.raises(AssertionError, match="serialised"):
            compiled.remembered_key(*other)
    assert len(list((tmp_path / "ssbsim_keys").glob("*" + compiled.KEY_SUFFIX))) == 2


def test_remembered_keys_are_bounded(monkeypatch, tmp_path):
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    monkeypatch.setattr(compiled, "MAX_KEYS", 2)
    y = casadi.MX.sym("y", 3)
    source = casadi.Function("rhs_algebraic", [y], [casadi.sin(y) * y[0]])
    for model_key in "abc":
        compiled.remembered_key([source], "sparse", model_key)
    assert len(list((tmp_path / "ssbsim_keys").glob("*" + compiled.KEY_SUFFIX))) == 2


def test_a_model_from_the_build_cache_is_compiled_under_its_key(monkeypatch):
    seen = []

    def recorded(fns, jacobian, model_key=None):
        seen.append(model_key)
        return list(fns)

    monkeypatch.setattr(compiled, "_compile", recorded)
    simulation = build_simulation(*prepare(SPEC, "asakura2020"), compile=True)
    simulation.solve()
    key = build_cache.build_key(simulation)
    assert key is not None and seen == [key] and simulation._built_experiment_model.build_key == key


def test_the_key_is_the_same_in_another_process(cell_a, monkeypatch):
    options = cell_a.model_options()
    here = _keys(monkeypatch, _simulation(cell_a.pybamm_values(options), options))[0]
    program = (
        "import pytest, ssbsim, test_compiled as t\n"
        "cell = ssbsim.load_parameter_set('asakura2020')\n"
        "with pytest.MonkeyPatch.context() as patch:\n"
        "    print(t._keys(patch, t._simulation(cell.pybamm_values(cell.model_options()), cell.model_options()))[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", program],
        env={**ENV, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(Path(__file__).parents[1])])},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split()[-1] == here


def test_a_cached_library_is_loaded_without_pybamms_look_up(cell_a, monkeypatch, tmp_path):
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    monkeypatch.setattr(compiled, "_LOADED", {})
    monkeypatch.setattr(compilation, "_CACHE", {})
    options = cell_a.model_options()
    first = _simulation(cell_a.pybamm_values(options), options).solve()
    (folder,) = tmp_path.glob("ssbsim_*")
    assert len(list(folder.iterdir())) == 1  # PyBaMM's one library for the bundle
    monkeypatch.setattr(compiled, "_LOADED", {})
    monkeypatch.setattr(compilation, "_CACHE", {})

    def refused(*args, **kwargs):
        raise AssertionError("PyBaMM's look-up called")

    monkeypatch.setattr(compilation, "aot_compile", refused)
    again = _simulation(cell_a.pybamm_values(options), options).solve()
    assert len(first.all_ts) == len(again.all_ts)
    for a, b in zip(first.all_ys, again.all_ys):
        assert np.array_equal(a, b)
