"""Atomic writes: new files get the umask's permissions, replaced files keep theirs."""

import os
import stat

from ssbsim import atomic


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_the_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "a.txt", "one\n")
        os.umask(0o077)
        atomic.write_text(tmp_path / "b.txt", "two\n")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.txt") == 0o644
    assert _mode(tmp_path / "b.txt") == 0o600
    assert (tmp_path / "a.txt").read_text() == "one\n"


def test_replacing_keeps_the_mode_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "set.toml"
    path.write_text("old\n")
    path.chmod(0o640)
    atomic.write_text(path, "new\n")
    assert path.read_text() == "new\n" and _mode(path) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["set.toml"]
