"""``ssbsim fit``: recovery of known parameters from noisy synthetic data, the outputs,
and bad specs and data files."""

import json

import numpy as np
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.parameters.registry import anion_names

FITTED = [anion_names(0)["length"], anion_names(1)["rate"], anion_names(1)["resistivity"], anion_names(1)["length"]]
QUANTITIES = ["cathode_interphase_resistance_ohm_cm2", "irreversible_capacity_mAh_g"]


def write_spec(path, data_file, names, truth, factor=1.5, extra=""):
    lines = [
        'description = "synthetic recovery"',
        'experiment = "cutoff_sweep"',
        'parameter_set = "asakura2020"',
        "starts = 1",
        extra,
    ]
    for q in QUANTITIES:
        lines += ["[[data]]", f'file = "{data_file}"', f'quantity = "{q}"']
    for n in names:
        lines += [
            f'[fit."{n}"]',
            f"bounds = [{truth[n] / 10:.6g}, {truth[n] * 10:.6g}]",
            f"initial = {truth[n] * factor:.6g}",
        ]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def recovery(tmp_path_factory, cell_a, sweep):
    """Cutoff sweep simulated with Cell A's interphase parameters, 1 % noise on R2 and
    on the irreversible capacity of every cycle, fitted from 50 % off."""
    folder = tmp_path_factory.mktemp("recovery")
    data = sweep.cycles[["cycle", *QUANTITIES]].copy()
    rng = np.random.default_rng(1)
    for q in QUANTITIES:
        data[q] *= 1 + 0.01 * rng.standard_normal(len(data))
    data.to_csv(folder / "synthetic.csv", index=False)
    write_spec(folder / "spec.toml", "synthetic.csv", FITTED, cell_a)
    assert main(["fit", str(folder / "spec.toml"), "-o", str(folder / "out")]) == 0
    return json.loads((folder / "out" / "fit.json").read_text()), folder / "out"


@pytest.mark.parametrize("name", FITTED)
def test_recovers_each_parameter_within_5_percent_and_its_interval(recovery, cell_a, name):
    fitted = recovery[0]["parameters"][name]
    truth = cell_a[name]
    assert fitted["value"] == pytest.approx(truth, rel=0.05)
    assert fitted["ci95"][0] <= truth <= fitted["ci95"][1]
    assert fitted["initial"] == pytest.approx(1.5 * truth, rel=1e-4)  # it did start 50 % off


def test_fit_outputs(recovery, cell_a):
    result, out = recovery
    assert set(result) >= {"parameters", "cost", "n_solves", "correlation"}
    assert result["n_solves"] > len(FITTED)
    correlation = np.array(result["correlation"])
    assert correlation.shape == (4, 4) and np.allclose(np.diag(correlation), 1)
    assert result["extrapolate"] is None  # no cycle jumping asked for
    fitted_set = ssbsim.load_parameter_set(out / "fitted_parameter_set.toml")
    for name in FITTED:
        assert fitted_set[name] == pytest.approx(result["parameters"][name]["value"], rel=1e-5)
        assert fitted_set.provenance[name].startswith("fitted: ") and "spec.toml" in fitted_set.provenance[name]
    assert fitted_set["SE conductivity [S.m-1]"] == cell_a["SE conductivity [S.m-1]"]  # the rest is inherited
    figures = sorted(p.name for p in out.glob("fit_data_*.png"))
    assert len(figures) == 2


def _fails(tmp_path, capsys, spec_text, data=None, files=None):
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    if data is not None:
        (tmp_path / "data.csv").write_text(data)
    (tmp_path / "spec.toml").write_text(spec_text)
    status = main(["fit", str(tmp_path / "spec.toml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and "Traceback" not in err[0]
    assert not (tmp_path / "out").exists()
    return err[0]


GOOD_DATA = "cycle,cathode_interphase_resistance_ohm_cm2\n1,20\n40,1000\n"
HEAD = 'experiment = "cutoff_sweep"\n[[data]]\nfile = "data.csv"\nquantity = "cathode_interphase_resistance_ohm_cm2"\n'
FIT = '[fit."SE anion (1) product resistivity [Ohm.m]"]\nbounds = [1e6, 1e8]\n'


@pytest.mark.parametrize(
    "spec, data, expected",
    [
        (HEAD + '[fit."SE anion (1) product resistivty [Ohm.m]"]\nbounds = [1e6, 1e8]\n', GOOD_DATA, "did you mean"),
        (HEAD + '[fit."SE anion (1) product resistivity [Ohm.m]"]\nbounds = [1e8, 1e6]\n', GOOD_DATA, "low < high"),
        (HEAD + '[fit."SE anion (1) product resistivity [Ohm.m]"]\nbounds = [-1, 1e6]\n', GOOD_DATA, "non-negative"),
        (HEAD + '[fit."SE anion (1) product resistivity [Ohm.m]"]\nbounds = "wide"\n', GOOD_DATA, "[low, high]"),
        (
            HEAD + '[fit."SE anion (1) product resistivity [Ohm.m]"]\nbounds = [1e6, 1e8]\nscale = "cubic"\n',
            GOOD_DATA,
            "scale",
        ),
        (
            HEAD + '[fit."SE anion (1) product resistivity [Ohm.m]"]\nbounds = [1e6, 1e8]\ninitial = 1e9\n',
            GOOD_DATA,
            "within the bounds",
        ),
        (HEAD + '[fit."Positive electrode thickness [m]"]\nbounds = [1e-6, 1e-5]\n', GOOD_DATA, "derived"),
        ('experiment = "cutoff_sweep"\n' + FIT, GOOD_DATA, "missing 'data'"),
        (HEAD, GOOD_DATA, "missing 'fit'"),
        (HEAD.replace("cathode_interphase", "cathode_interfase") + FIT, GOOD_DATA, "quantity"),
        (HEAD.replace("data.csv", "nowhere.csv") + FIT, GOOD_DATA, "file not found"),
        (HEAD.replace('"cutoff_sweep"', '"cutof_sweep"') + FIT, GOOD_DATA, "no shipped experiment"),
        (HEAD + FIT + "starts = 0\n", GOOD_DATA, "spec.toml"),
        ("frobnicate = 1\n" + HEAD + FIT, GOOD_DATA, "unknown key 'frobnicate'"),
        ("set = 3\n" + HEAD + FIT, GOOD_DATA, "'set' must be a table"),
        ("extrapolate = 1\n" + HEAD + FIT, GOOD_DATA, "'extrapolate' must be true or false"),
        (HEAD + FIT + '[set]\n"SE conductivty [S.m-1]" = 0.1\n', GOOD_DATA, "did you mean"),
        (HEAD + FIT + '[set]\n"SE conductivity [S.m-1]" = -0.1\n', GOOD_DATA, "must be positive"),
        (HEAD + FIT, "cycle,cathode_interphase_resistance_ohm_cm3\n1,20\n", "did you mean"),
        (HEAD + FIT, "cycle,cathode_interphase_resistance_ohm_cm2\n1,twenty\n", "data.csv:2"),
        (HEAD + FIT, "cycle,cathode_interphase_resistance_ohm_cm2\n0.5,20\n", "data.csv:2"),
        (HEAD + FIT, "cycle,cathode_interphase_resistance_ohm_cm2\n41,20\n", "cycle 41"),
        (HEAD + FIT, "cycle,coulombic_efficiency\n1,0.9\n", "no column"),
    ],
)
def test_bad_spec_or_data_exit_2(tmp_path, capsys, spec, data, expected):
    message = _fails(tmp_path, capsys, spec, data)
    assert expected in message
    assert "spec.toml" in message or "data.csv" in message


def test_truncated_instrument_file_in_a_spec(tmp_path, capsys):
    """A voltage data set from a truncated EC-Lab export: exit 2, the file and line named."""
    text = "EC-Lab ASCII FILE\nNb header lines : 4\n\ntime/s\tEwe/V\tI/mA\n0\t3.5\t-0.1\n60\t3.6\n"
    spec = 'experiment = "cutoff_sweep"\n[[data]]\nfile = "run.mpt"\nquantity = "voltage"\n' + FIT
    message = _fails(tmp_path, capsys, spec, files={"run.mpt": text})
    assert "run.mpt:6" in message


def test_multistart_keeps_the_best_start(tmp_path, sweep, cell_a):
    """Three starts (the initial point and two Sobol points of the bounds); the reported
    fit is the one of lowest cost, and all reach the same minimum of this convex problem."""
    name = anion_names(1)["resistivity"]
    data = sweep.cycles.loc[sweep.cycles["cycle"].isin([17, 40]), ["cycle", "cathode_interphase_resistance_ohm_cm2"]]
    data.to_csv(tmp_path / "r2.csv", index=False)
    (tmp_path / "spec.toml").write_text(
        'experiment = "cutoff_sweep"\nstarts = 3\n[[data]]\nfile = "r2.csv"\n'
        'quantity = "cathode_interphase_resistance_ohm_cm2"\n'
        f'[fit."{name}"]\nbounds = [{cell_a[name] / 3:.6g}, {cell_a[name] * 3:.6g}]\n'
    )
    assert main(["fit", str(tmp_path / "spec.toml"), "-o", str(tmp_path / "out"), "--no-figures"]) == 0
    result = json.loads((tmp_path / "out" / "fit.json").read_text())
    costs = [s["cost"] for s in result["starts"]]
    assert len(costs) == 3 and result["cost"] == min(costs)
    assert result["parameters"][name]["value"] == pytest.approx(cell_a[name], rel=1e-3)


def test_a_spec_sets_the_conditions_of_its_data():
    """``[set]`` gives the fit the conditions of its data (T13: the thick cathode), as
    --set would, with the override on record; the fitted set itself is not changed."""
    from ssbsim.fit.spec import load_fit_spec

    loading = "Positive electrode active material loading [kg.m-2]"
    spec = load_fit_spec("asakura2020_pressure")
    assert spec.parameter_set[loading] == 0.08
    assert spec.parameter_set.provenance[loading].startswith("override: ")
    assert ssbsim.load_parameter_set("asakura2020_pressure")[loading] == 0.01238


def test_a_profile_fit_raises_no_runtime_warning(tmp_path, cell_a, monkeypatch):
    """A profile-likelihood fit with every state beyond PyBaMM's ``max_y_value`` (lowered
    to 1: PyBaMM's check of each step's last state interpolates every state on one time
    point, where SciPy divides 0 by 0) and RuntimeWarnings as errors: it runs, with no
    failed trial, and its interval holds the truth."""
    import warnings

    import pybamm

    name = anion_names(1)["resistivity"]
    (tmp_path / "short.toml").write_text(
        '[[block]]\nrepeat = 3\nsteps = ["Charge at C/2 until 4.2 V", "Discharge at C/2 until 2.5 V"]\n'
    )
    data = ssbsim.run(str(tmp_path / "short.toml")).cycles[["cycle", "cathode_interphase_resistance_ohm_cm2"]].copy()
    data["cathode_interphase_resistance_ohm_cm2"] *= 1 + 0.01 * np.random.default_rng(0).standard_normal(len(data))
    data.to_csv(tmp_path / "r2.csv", index=False)
    (tmp_path / "spec.toml").write_text(
        'experiment = "short.toml"\n[[data]]\nfile = "r2.csv"\nquantity = "cathode_interphase_resistance_ohm_cm2"\n'
        f'[fit."{name}"]\nbounds = [{cell_a[name] / 3:.6g}, {cell_a[name] * 3:.6g}]\ninitial = {cell_a[name]:.6g}\n'
    )
    monkeypatch.setattr(pybamm.settings, "max_y_value", 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        status = main(
            ["fit", str(tmp_path / "spec.toml"), "-o", str(tmp_path / "out"), "--no-figures", "--starts", "1"]
        )
    assert status == 0
    result = json.loads((tmp_path / "out" / "fit.json").read_text())
    assert "profile likelihood" in result["method"] and result["converged"]
    assert result["trials_short"]["count"] == 0 and result["trials_short"]["reasons"] == {}
    low, high = result["parameters"][name]["ci95"]
    assert low <= cell_a[name] <= high
