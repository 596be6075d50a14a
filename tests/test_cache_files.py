"""Bounded disk caches (``ssbsim/cache_files.py``)."""

import os

from ssbsim.cache_files import prune


def test_pruned_least_recently_used_first(tmp_path):
    for k in range(6):
        path = tmp_path / f"{k}.pkl"
        path.write_bytes(b"x" * 100)
        os.utime(path, ns=(k * 10**9, k * 10**9))
    (tmp_path / "other.key").write_bytes(b"x" * 100)  # another suffix: not counted, not pruned
    prune(tmp_path, ".pkl", max_entries=4, max_bytes=10**6)
    assert sorted(p.stem for p in tmp_path.glob("*.pkl")) == ["2", "3", "4", "5"]
    prune(tmp_path, ".pkl", max_entries=4, max_bytes=250)
    assert sorted(p.stem for p in tmp_path.glob("*.pkl")) == ["4", "5"]
    prune(tmp_path, ".pkl", max_entries=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["5.pkl", "other.key"]
