"""The Python faces of ``ssbsim fit`` and ``ssbsim study`` take specs as dicts, checked
as the files are: bad input is ``ssbsim.InputError`` with the command's one-line message,
naming the key and its line in the dict written as TOML; nothing is written."""

import pytest

import ssbsim

SIGMA = "SE conductivity [S.m-1]"


def fit_spec(**changes):
    spec = {
        "experiment": "rate_test",
        "data": [{"file": "measured.csv", "quantity": "mean_discharge_voltage_V"}],
        "fit": {SIGMA: {"bounds": [0.01, 1.0]}},
    }
    return {**spec, **changes}


@pytest.mark.parametrize(
    "spec, fragments",
    [
        (fit_spec(fit={SIGMA: {"bounds": [1.0, 0.01]}}), [f":7: fit {SIGMA!r}: bounds must have low < high"]),
        (fit_spec(fit={"SE conductivity [S/m]": {"bounds": [0.1, 1]}}), ["SE conductivity [S/m]"]),
        (fit_spec(starts=0), [":2: 'starts' must be a positive integer, got 0"]),
        (fit_spec(data=[{"file": "missing.csv", "quantity": "mean_discharge_voltage_V"}]), ["data 1:", "not found"]),
        (fit_spec(colour="red"), ["unknown key 'colour'"]),
        (fit_spec(experiment=object()), ["cannot be written as TOML"]),
    ],
)
def test_a_bad_fit_dict_is_one_line_naming_the_key(spec, fragments, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "measured.csv").write_text("cycle,mean_discharge_voltage_V\n1,3.7\n")
    with pytest.raises(ssbsim.InputError) as err:
        ssbsim.fit(spec, name="mine")
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "mine.toml"))
    assert all(f in message for f in fragments), message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["measured.csv"]


def test_a_dict_reads_its_files_relative_to_base(tmp_path):
    from ssbsim.fit.spec import load_fit_spec

    (tmp_path / "measured.csv").write_text("cycle,mean_discharge_voltage_V\n1,3.7\n")
    spec = load_fit_spec(fit_spec(), base=tmp_path, name="mine")
    assert spec.data[0].file == tmp_path / "measured.csv" and spec.name == "mine"
    assert [p.name for p in spec.parameters] == [SIGMA] and spec.parameters[0].scale == "log"


def test_a_bad_study_dict_is_one_line_naming_the_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = {"experiment": "rate_test", "design": "grid", "vary": {SIGMA: {"values": [0.1]}}}
    with pytest.raises(ssbsim.InputError) as err:
        ssbsim.study({**spec, "seed": 1.5}, "out")
    assert str(err.value) == f"{tmp_path / 'study.toml'}:3: 'seed' must be an integer, got 1.5"
    with pytest.raises(ssbsim.InputError, match="workers: must be at least 1"):
        ssbsim.study(spec, "out", workers=0)
    assert list(tmp_path.iterdir()) == []


def test_fit_rejects_an_unknown_interval_method(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "measured.csv").write_text("cycle,mean_discharge_voltage_V\n1,3.7\n")
    with pytest.raises(ssbsim.InputError, match="intervals: must be one of profile, linear"):
        ssbsim.fit(fit_spec(), intervals="bootstrap")
