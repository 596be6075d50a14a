"""The disk cache of built models (``ssbsim/simulation/build_cache.py``): a hit gives the
run it would have built, bit for bit; every part of the key changes it; a bad entry is
rebuilt; the cache stays bounded; off means nothing written."""

import os
import pickle
import shutil
from pathlib import Path

import casadi
import numpy as np
import pandas as pd
import pybamm
import pytest
from ssbsim_processes import finished  # tests/ssbsim_processes.py

import ssbsim
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.simulation import build_cache
from ssbsim.simulation.extrapolate import run_extrapolated
from ssbsim.simulation.run import build_simulation, prepare

SPEC = ExperimentSpec(
    "cache", [Block(["Charge at C/5 until 4.0 V", "Discharge at 1C until 2.8 V"], 3)], temperature_C=25.0
)
RATE = "SE anion (1) decomposition rate constant [A.m-2]"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory of this test; the builds and loads it sees, counted."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(build_cache.ENV, str(folder))
    counts = {"stored": 0, "loaded": 0}
    store, load = build_cache.store, build_cache.load

    def stored(*args):
        counts["stored"] += 1
        return store(*args)

    def loaded(*args):
        hit = load(*args)
        counts["loaded"] += hit
        return hit

    monkeypatch.setattr(build_cache, "store", stored)
    monkeypatch.setattr(build_cache, "load", loaded)
    counts["folder"] = folder
    return counts


def _entries(folder):
    return sorted(folder.glob("*" + build_cache.SUFFIX)) if folder.is_dir() else []


def _key(spec=SPEC, overrides=None, options=None, inputs=(), solver=None):
    simulation = build_simulation(*prepare(spec, "asakura2020", overrides, options), inputs=inputs, solver=solver)
    return build_cache.build_key(simulation)


def test_a_hit_gives_the_run_it_would_have_built(cache):
    built = ssbsim.run(SPEC)
    assert (cache["stored"], cache["loaded"], len(_entries(cache["folder"]))) == (1, 0, 1)
    loaded = ssbsim.run(SPEC)
    assert cache["loaded"] == 1 and cache["stored"] == 1
    assert (built.metadata()["model_from_cache"], loaded.metadata()["model_from_cache"]) == (False, True)
    pd.testing.assert_frame_equal(built.cycles, loaded.cycles, check_exact=True)
    for name in ("Voltage [V]", "Time [s]"):
        assert np.array_equal(built.solution[name].entries, loaded.solution[name].entries)


def test_the_extrapolated_run_is_the_same_from_the_cache(cache):
    spec = ExperimentSpec("cache", [Block(["Charge at C/5 until 4.0 V", "Discharge at C/5 until 2.8 V"], 24)])
    built = run_extrapolated(spec, "asakura2020")
    loaded = run_extrapolated(spec, "asakura2020")
    assert cache["loaded"] == 1
    assert (built.metadata()["model_from_cache"], loaded.metadata()["model_from_cache"]) == (False, True)
    pd.testing.assert_frame_equal(built.cycles, loaded.cycles, check_exact=True)


def test_every_part_of_the_key_changes_it(cache, monkeypatch):
    key = _key()
    assert key == _key()  # the same run, the same key (a new simulation, the same inputs)
    other_protocol = ExperimentSpec(
        "cache", [Block(["Charge at C/5 until 4.1 V", "Discharge at 1C until 2.8 V"], 3)], temperature_C=25.0
    )
    others = {
        "a parameter value": _key(overrides={RATE: 0.02}),
        "the temperature": _key(ExperimentSpec("cache", SPEC.blocks, temperature_C=40.0)),
        "a model option": _key(options={"interphase": "none"}),
        "the protocol": _key(other_protocol),
        "a parameter left as input": _key(inputs=(RATE,)),
        "the solver": _key(solver=pybamm.CasadiSolver()),
    }
    monkeypatch.setattr(pybamm.settings, "heaviside_smoothing", 10.0)
    others["a PyBaMM setting"] = _key()
    monkeypatch.setattr(pybamm.settings, "heaviside_smoothing", "exact")
    monkeypatch.setattr(build_cache, "_fingerprint", build_cache.source_fingerprint() + "\nssbsim/model/x.py 1 2")
    others["ssbsim's sources"] = _key()
    monkeypatch.setattr(build_cache, "_fingerprint", None)
    monkeypatch.setattr(casadi, "__version__", "0.0")
    others["a version"] = _key()
    assert key not in others.values() and len(set(others.values())) == len(others), others


def test_the_sources_digest_follows_their_contents_not_their_times(tmp_path):
    """The digest of a tree of sources changes with a file's contents (at the same size)
    or its name; a copy elsewhere, or a file touched, keeps it."""
    tree, memo = tmp_path / "pkg", tmp_path / "memo"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.py").write_text("x = 1\n")
    (tree / "sub" / "b.py").write_text("y = 2\n")
    first = build_cache.sources_digest(tree, memo)
    assert len(list(memo.glob("*" + build_cache.SOURCES_SUFFIX))) == 1
    assert build_cache.sources_digest(tree, memo) == first  # from the memo
    assert build_cache.sources_digest(tree) == first  # computed again, no memo
    copy = tmp_path / "clone"
    shutil.copytree(tree, copy)
    assert build_cache.sources_digest(copy, memo) == first
    stat = os.stat(tree / "a.py")
    os.utime(tree / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert build_cache.sources_digest(tree, memo) == first  # touched: the same contents
    (tree / "a.py").write_text("x = 3\n")  # the same size
    os.utime(tree / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    assert build_cache.sources_digest(tree, memo) != first
    (tree / "a.py").write_text("x = 1\n")
    os.utime(tree / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 3 * 10**9))
    assert build_cache.sources_digest(tree, memo) == first
    (tree / "a.py").rename(tree / "c.py")
    assert build_cache.sources_digest(tree, memo) != first


def test_the_fingerprint_holds_the_sources_digest(monkeypatch):
    monkeypatch.setattr(build_cache, "_fingerprint", None)
    package = Path(build_cache.__file__).resolve().parents[1]
    assert f"sources {build_cache.sources_digest(package)}" in build_cache.source_fingerprint().splitlines()


def test_no_key_where_the_build_is_not_the_tagged_one(cache):
    simulation = build_simulation(*prepare(SPEC, "asakura2020"))
    simulation.experiment = ExperimentSpec("other", [Block(["Rest for 1 hour"], 1)]).pybamm_experiment()
    assert build_cache.build_key(simulation) is None
    simulation = build_simulation(*prepare(SPEC, "asakura2020"))
    simulation._parameter_values.update({"Untagged function": lambda x: x}, check_already_exists=False)
    assert build_cache.build_key(simulation) is None  # a lambda does not pickle: built, not cached
    simulation.build_for_experiment()
    assert simulation._built_experiment_model is not None and not _entries(cache["folder"])


def test_an_initial_state_of_charge_is_built_not_cached(cache):
    simulation = build_simulation(*prepare(SPEC, "asakura2020"))
    simulation.solve(initial_soc=0.5)
    assert cache["stored"] == 0 and not _entries(cache["folder"])


def test_a_truncated_entry_is_rebuilt_and_written_again(cache):
    built = ssbsim.run(SPEC)
    (entry,) = _entries(cache["folder"])
    entry.write_bytes(entry.read_bytes()[:1000])
    again = ssbsim.run(SPEC)
    assert cache["loaded"] == 0 and cache["stored"] == 2
    pd.testing.assert_frame_equal(built.cycles, again.cycles, check_exact=True)
    with open(entry, "rb") as file:
        assert "_built_experiment_model" in pickle.load(file)


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(build_cache.ENV, "off")
    assert build_cache.directory() is None
    monkeypatch.chdir(tmp_path)
    ssbsim.run(SPEC)
    assert not list(tmp_path.iterdir())


def test_the_default_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(build_cache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert build_cache.directory() == tmp_path / "ssbsim" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert build_cache.directory() == tmp_path / ".cache" / "ssbsim" / "models"


def test_a_hit_marks_its_entry_recently_used(cache):
    ssbsim.run(SPEC)
    (entry,) = _entries(cache["folder"])
    os.utime(entry, ns=(0, 0))
    ssbsim.run(SPEC)
    assert cache["loaded"] == 1 and entry.stat().st_mtime_ns > 0


def test_a_read_only_cache_still_gives_hits(cache, monkeypatch):
    """An entry whose time cannot be touched (a cache the user may read, not write) is used."""
    ssbsim.run(SPEC)

    def refused(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(build_cache.os, "utime", refused)
    ssbsim.run(SPEC)
    assert cache["loaded"] == 1


def test_two_processes_share_an_entry(tmp_path):
    """The key does not depend on the process (its hash seed, its order of imports):
    ``ssbsim run`` in a second process finds the first one's entry."""
    (tmp_path / "short.toml").write_text(
        "temperature_C = 25\n[[block]]\nrepeat = 2\n"
        'steps = ["Charge at 1C until 4.0 V", "Discharge at 1C until 2.8 V"]\n'
    )
    folder = tmp_path / "cache"
    for seed in ("1", "2"):
        env = {build_cache.ENV: str(folder), "PYTHONHASHSEED": seed}
        done = finished(["run", "short.toml", "-o", f"out{seed}", "--no-figures"], tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        assert len(_entries(folder)) == 1
    first, second = (pd.read_csv(tmp_path / f"out{seed}" / "cycles.csv") for seed in ("1", "2"))
    pd.testing.assert_frame_equal(first, second, check_exact=True)
