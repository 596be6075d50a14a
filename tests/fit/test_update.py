"""``ssbsim fit --update`` and ``fitted_parameter_set.toml``: every copied string is
escaped (quotes, backslashes, newlines), both files load back with their values and
provenance, the original set is backed up, its permissions and comments are kept, and a
read-only file or an inherited parameter is refused before anything is fitted."""

import json
import os
import stat

import pytest
import tomlkit

import ssbsim
from ssbsim.cli import main
from ssbsim.parameters.registry import anion_names

NAME = anion_names(1)["resistivity"]
AWKWARD = 'with "quotes", a back\\slash and a\nnewline'


def _setup(folder, cell_a, sweep, own=True):
    """A user parameter set (extending the shipped one), a one-parameter spec and its data,
    all with awkward strings; returns (spec path, set path)."""
    data = sweep.cycles.loc[sweep.cycles["cycle"].isin([17, 40]), ["cycle", "cathode_interphase_resistance_ohm_cm2"]]
    data.to_csv(folder / "r2.csv", index=False)
    pset = tomlkit.document()
    pset.add(tomlkit.comment("my cell, kept by --update"))
    pset["description"] = f"my cell {AWKWARD}"
    pset["extends"] = "asakura2020"
    entry = tomlkit.inline_table()
    entry.update({"value": cell_a[NAME] * 1.2, "source": f"estimate: {AWKWARD}"})
    other = tomlkit.inline_table()
    other.update({"value": 0.1, "source": f"estimate: {AWKWARD}"})
    pset["parameters"] = {NAME: entry} if own else {"SE conductivity [S.m-1]": other}
    set_path = folder / 'my "set".toml'
    set_path.write_text(tomlkit.dumps(pset))
    spec = tomlkit.document()
    spec["description"] = f"R2 {AWKWARD}"
    spec.update({"experiment": "cutoff_sweep", "parameter_set": set_path.name, "starts": 1})
    spec["data"] = [{"file": "r2.csv", "quantity": "cathode_interphase_resistance_ohm_cm2"}]
    spec["fit"] = {NAME: {"bounds": [cell_a[NAME] / 3, cell_a[NAME] * 3]}}
    spec_path = folder / 'spec "q" \\ b\nn.toml'
    spec_path.write_text(tomlkit.dumps(spec))
    return spec_path, set_path


def test_update_escapes_backs_up_keeps_mode_and_round_trips(tmp_path, cell_a, sweep, monkeypatch, capsys):
    spec, pset = _setup(tmp_path, cell_a, sweep)
    pset.chmod(0o640)
    original = pset.read_bytes()
    out = tmp_path / "out"
    assert main(["fit", str(spec), "-o", str(out), "--no-figures", "--update"]) == 0
    assert "the original kept as" in capsys.readouterr().err
    value = json.loads((out / "fit.json").read_text())["parameters"][NAME]["value"]

    backup = tmp_path / (pset.name + ".bak")
    assert backup.read_bytes() == original
    assert stat.S_IMODE(pset.stat().st_mode) == 0o640
    text = pset.read_text()
    assert text.startswith("# my cell, kept by --update") and f"estimate: {AWKWARD}" not in text
    updated = ssbsim.load_parameter_set(pset)
    assert updated[NAME] == pytest.approx(value, rel=1e-3)
    assert updated.provenance[NAME].startswith(f"fitted: R2 {AWKWARD}, with `ssbsim fit {spec}`")
    assert updated.description == f"my cell {AWKWARD}"

    written = tomlkit.parse((out / "fitted_parameter_set.toml").read_text())
    assert written["extends"] == f"../{pset.name}"  # relative to its own folder, never absolute
    monkeypatch.chdir(tmp_path.parent)  # loads from anywhere: extends relative to its own folder
    fitted = ssbsim.load_parameter_set(out / "fitted_parameter_set.toml")
    assert fitted[NAME] == pytest.approx(value, rel=1e-5)
    assert fitted.provenance[NAME].startswith(f"fitted: {spec}, ")
    assert fitted.description == f"my cell {AWKWARD} -- fitted with {spec.stem}"
    assert fitted["SE conductivity [S.m-1]"] == cell_a["SE conductivity [S.m-1]"]


def _refused(tmp_path, capsys, spec, pset, expected):
    original, mode = pset.read_bytes(), stat.S_IMODE(pset.stat().st_mode)
    assert main(["fit", str(spec), "-o", str(tmp_path / "out"), "--update"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0] and pset.name in err[0]
    assert pset.read_bytes() == original and stat.S_IMODE(pset.stat().st_mode) == mode
    assert not (tmp_path / "out").exists()  # refused before fitting
    assert not any(p.name.endswith(".bak") for p in tmp_path.iterdir())


def test_update_refuses_a_read_only_set(tmp_path, cell_a, sweep, capsys):
    spec, pset = _setup(tmp_path, cell_a, sweep)
    pset.chmod(0o444)
    try:
        _refused(tmp_path, capsys, spec, pset, "not writable")
    finally:
        os.chmod(pset, 0o644)


def test_update_refuses_an_inherited_parameter(tmp_path, cell_a, sweep, capsys):
    spec, pset = _setup(tmp_path, cell_a, sweep, own=False)
    _refused(tmp_path, capsys, spec, pset, "inherited through 'extends'")
