"""``ssbsim fit`` on voltammograms (quantity = "current"): recovery of the decomposition
rate constants from a noisy synthetic sweep; onsets and the stepwise-CV criteria of T10
as fit data."""

import json

import numpy as np
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.fit.spec import load_fit_spec
from ssbsim.fit.voltammetry_data import STEPWISE, dataset
from ssbsim.observables import stepwise_cv
from ssbsim.observables.voltammetry import voltammogram
from ssbsim.parameters.registry import anion_names

SET = "asakura2020_se_carbon"
RATES = [anion_names(0)["rate"], anion_names(1)["rate"]]
SWEEP = """description = "fast linear sweep over both onsets"
temperature_C = 60
[[block]]
steps = ["Hold at 3.0 V for 1 minute", "Sweep to 4.6 V at 100 uV/s"]
"""


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voltammetry_fit")
    (folder / "sweep.toml").write_text(SWEEP)
    truth = ssbsim.load_parameter_set(SET)
    frame = voltammogram(ssbsim.run(str(folder / "sweep.toml"), SET))
    rng = np.random.default_rng(3)
    i = frame["current_density_mA_cm2"]
    frame["current_density_mA_cm2"] = i + 0.005 * i.abs().max() * rng.standard_normal(len(frame))
    frame.to_csv(folder / "measured.csv", index=False)
    lines = [f'experiment = "sweep.toml"\nparameter_set = "{SET}"\nstarts = 1']
    lines += ['[[data]]\nfile = "measured.csv"\nquantity = "current"']
    for name in RATES:
        lines += [f'[fit."{name}"]\nbounds = [{truth[name] / 30:.6g}, {truth[name] * 30:.6g}]']
        lines += [f"initial = {truth[name] * 3:.6g}"]
    (folder / "spec.toml").write_text("\n".join(lines) + "\n")
    assert main(["fit", str(folder / "spec.toml"), "-o", str(folder / "out")]) == 0
    return json.loads((folder / "out" / "fit.json").read_text()), truth, folder / "out"


@pytest.mark.parametrize("name", RATES)
def test_recovers_the_rate_constants_from_a_voltammogram(recovery, name):
    fit, truth, _ = recovery
    fitted = fit["parameters"][name]
    assert fitted["initial"] == pytest.approx(3 * truth[name], rel=1e-4)  # it did start 3x off
    assert fitted["value"] == pytest.approx(truth[name], rel=0.05)
    assert fitted["ci95"][0] <= truth[name] <= fitted["ci95"][1]


def test_fit_figure_of_the_voltammogram(recovery):
    assert (recovery[2] / "fit_data_1_current.png").read_bytes()[:4] == b"\x89PNG"


def test_onset_data_names_missing_columns(tmp_path, capsys):
    (tmp_path / "onsets.csv").write_text("cycle,onset\n1,3.45\n")
    (tmp_path / "spec.toml").write_text(
        f'experiment = "voltammetry_lsv"\nparameter_set = "{SET}"\n[[data]]\nfile = "onsets.csv"\n'
        f'quantity = "onset_V"\n[fit."{RATES[0]}"]\nbounds = [1e-6, 1e-3]\n'
    )
    assert main(["fit", str(tmp_path / "spec.toml")]) == 2
    assert "has no column 'onset_V'" in capsys.readouterr().err


def test_the_stepwise_criteria_of_T10_are_fit_data_on_the_summary_of_the_scans():
    spec = load_fit_spec("asakura2020_voltammetry")
    data = {d.quantity: dataset(d, spec.source) for d in spec.data if d.quantity in STEPWISE}
    assert set(data) == set(STEPWISE)
    # the bounds of T10 (issue 11) on the cycles they speak of: soar on the scan to 4.40 V,
    # reverse scans from 4.30 V, the next scan after limits from 4.20 V
    assert list(data["soar"].x) == [21] and list(data["soar"].low) == [10]
    assert list(data["reverse_fraction"].x) == list(range(19, 34)) and (data["reverse_fraction"].high == 0.10).all()
    assert list(data["memory"].x) == list(range(18, 34)) and (data["memory"].high == 0.20).all()
    assert all(np.isnan(d.values).all() for d in data.values())  # bounds, not values
    result = ssbsim.run("voltammetry_stepwise_cv", SET)
    table = stepwise_cv.summary(voltammogram(result)).set_index("cycle")
    assert table.loc[21, "upper_V"] == pytest.approx(4.40)
    assert table.loc[21, "soar"] == pytest.approx(stepwise_cv.soar(voltammogram(result), top=4.40, below=4.15))
    for quantity, d in data.items():
        np.testing.assert_array_equal(d.simulated(result), table.loc[d.x, quantity].to_numpy())
        # the SE:carbon set is this spec's fit: every bound met, half a sigma inside
        assert not d.residuals(result).any()


def test_stepwise_data_name_missing_columns(tmp_path, capsys):
    (tmp_path / "stepwise.csv").write_text("cycle,memory\n18,0.1\n")
    (tmp_path / "spec.toml").write_text(
        f'experiment = "voltammetry_stepwise_cv"\nparameter_set = "{SET}"\n[[data]]\nfile = "stepwise.csv"\n'
        f'quantity = "soar"\n[fit."{RATES[0]}"]\nbounds = [1e-6, 1e-3]\n'
    )
    assert main(["fit", str(tmp_path / "spec.toml")]) == 2
    assert "needs columns cycle and soar, soar_min or soar_max" in capsys.readouterr().err
