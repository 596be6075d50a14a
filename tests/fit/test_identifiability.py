"""A deliberately unidentifiable parameter on the real model is flagged: at 25 °C, the
reference temperature of the kinetic constants, nothing depends on the activation energy
of [B12H12]2- decomposition."""

import json
import tomllib

import numpy as np
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.fit.synthetic import noisy_table, spec_text
from ssbsim.parameters.registry import anion_names
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated
from ssbsim.resources import shipped_dir

DETERMINED = anion_names(0)["length"]
UNDETERMINED = anion_names(0)["energy"]
NOISE = {"cathode_interphase_resistance_ohm_cm2": ("relative", 0.01), "coulombic_efficiency": ("absolute", 0.001)}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, cell_a):
    folder = tmp_path_factory.mktemp("identifiability")
    exact = ssbsim.run(truncated(load_experiment("cutoff_sweep"), 5)).cycles
    noisy_table(exact, NOISE, np.random.default_rng(0)).to_csv(folder / "data.csv", index=False)
    parameters = {
        DETERMINED: {"bounds": [cell_a[DETERMINED] / 10, cell_a[DETERMINED] * 10], "initial": 1.3 * cell_a[DETERMINED]},
        UNDETERMINED: {"bounds": [1e4, 1e5], "initial": cell_a[UNDETERMINED]},
    }
    (folder / "spec.toml").write_text(spec_text("data.csv", NOISE, parameters))
    assert main(["fit", str(folder / "spec.toml"), "-o", str(folder / "out")]) == 0
    return json.loads((folder / "out" / "fit.json").read_text()), folder / "out"


def test_the_undetermined_parameter_is_flagged_with_what_would_determine_it(fitted, cell_a, capsys):
    result, _ = fitted
    determined, undetermined = result["parameters"][DETERMINED], result["parameters"][UNDETERMINED]
    assert determined["identifiable"] is True and undetermined["identifiable"] is False
    assert undetermined["ci95"] == pytest.approx([1e4, 1e5])  # its profile stays flat between the bounds
    assert determined["ci95"][0] <= cell_a[DETERMINED] <= determined["ci95"][1]
    assert determined["ci95"][1] / determined["ci95"][0] < 2
    (warning,) = [w for w in result["warnings"] if "not determined" in w]
    assert UNDETERMINED in warning and DETERMINED not in warning and "second temperature" in warning


def test_fit_json_states_method_convergence_and_profiles(fitted):
    result, out = fitted
    assert result["method"].startswith("profile likelihood")
    assert result["jacobian"].startswith("forward sensitivities")  # R2 and CE per cycle, both inputs
    assert isinstance(result["converged"], bool) and result["stop_reason"]
    assert result["starts"][0]["stop_reason"] and "final" in result["starts"][0]
    curve = np.array(result["profiles"][DETERMINED])
    assert curve[:, 1].max() >= 3.84 - 0.5 and curve[:, 1].min() == pytest.approx(0, abs=1e-9)
    assert (out / "fit_profiles.png").is_file()


def test_noise_from_the_data_and_no_misfit_reported(fitted):
    """The synthetic table gives each point's sigma (noise_known) and the fit describes it
    within that noise: no misfit line (tests/fit/test_intervals.py checks the other side)."""
    result, _ = fitted
    assert not [w for w in result["warnings"] if "misfit" in w]
    assert 2 * result["cost"] < 26.12  # r.r below chi2_8(0.999): 10 points, 2 parameters


def test_every_shipped_fitted_parameter_has_a_measurement_that_would_determine_it():
    """The warning names data for each parameter a shipped calibration fits, not the generic
    fallback: a scientist reading it should learn what to measure."""
    from ssbsim.fit.identifiability import what_would_determine

    fallback = what_would_determine("no such parameter")
    names = set()
    for spec in (shipped_dir("parameter_sets") / "calibration").glob("*.toml"):
        names |= set(tomllib.loads(spec.read_text()).get("fit", {}))
    assert len(names) >= 15
    assert {n: what_would_determine(n) for n in names if what_would_determine(n) == fallback} == {}
