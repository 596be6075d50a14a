"""The fit's Jacobian from forward sensitivities (``fit/jacobian.py``) against central
differences of the fit's own residuals, and the fallback to finite differences, with its
reason, where the data need derivatives the sensitivities do not give."""

import json

import numpy as np
import pandas as pd
import pytest

import ssbsim
from ssbsim.fit.api import prepare
from ssbsim.fit.jacobian import FINITE_DIFFERENCES, SENSITIVITIES, Derivatives
from ssbsim.fit.synthetic import noisy_table, spec_text
from ssbsim.parameters.registry import anion_names
from ssbsim.protocol import load_experiment
from ssbsim.protocol.experiment_file import truncated

NAMES = [anion_names(0)["rate"], anion_names(0)["length"], anion_names(1)["rate"]]
NOISE = {
    "cathode_interphase_resistance_ohm_cm2": ("relative", 0.01),
    "coulombic_efficiency": ("absolute", 0.001),
    "discharge_capacity_mAh_g": ("relative", 0.01),
    "energy_efficiency": ("absolute", 0.002),
}


def _problem(folder, cell_a, noise, names=NAMES):
    exact = ssbsim.run(truncated(load_experiment("cutoff_sweep"), 6)).cycles
    noisy_table(exact, noise, np.random.default_rng(0)).to_csv(folder / "data.csv", index=False)
    fitted = {n: {"bounds": [cell_a[n] / 10, cell_a[n] * 10], "initial": 1.3 * cell_a[n]} for n in names}
    (folder / "spec.toml").write_text(spec_text("data.csv", noise, fitted))
    return prepare(str(folder / "spec.toml"))


def _central_differences(problem, derivatives, u, h):
    """The residuals' central differences in each unit u_k, step ``h``: one column per parameter."""
    for step in np.eye(len(u)) * h:
        yield (
            problem.residuals(derivatives.values_at(u + step)) - problem.residuals(derivatives.values_at(u - step))
        ) / (2 * h)


def test_sensitivity_jacobian_matches_central_differences(tmp_path, cell_a):
    problem = _problem(tmp_path, cell_a, NOISE)
    derivatives = Derivatives(problem, problem.parameters, 1e-2)
    assert derivatives.method == SENSITIVITIES and derivatives.reason is None
    u = np.array([p.to_unit(p.initial) for p in problem.parameters])
    J = derivatives.jacobian(u)
    h = 1e-2  # in ln p: well above the solver's noise (rtol 1e-4)
    for k, fd in enumerate(_central_differences(problem, derivatives, u, h)):
        assert np.linalg.norm(fd) > 1
        # at the fit's solver tolerance (rtol 1e-4) the CE rows, a difference of two
        # capacities over sigma = 0.001, carry a few per cent; the method itself is checked
        # to 1 % at tight tolerance in tests/simulation/test_event_sensitivities.py
        assert np.linalg.norm(J[:, k] - fd) < 0.1 * np.linalg.norm(fd), problem.names[k]


def test_the_maximum_voltage_falls_back_to_finite_differences_with_the_reason(tmp_path, cell_a):
    problem = _problem(tmp_path, cell_a, {"max_voltage_V": ("absolute", 0.001)})
    derivatives = Derivatives(problem, problem.parameters, 1e-2)
    assert derivatives.method == FINITE_DIFFERENCES
    assert "max_voltage_V" in derivatives.description
    assert Derivatives(problem, problem.parameters, 1e-2, use_sensitivities=False).reason == (
        "finite differences asked for"
    )


def test_energies_have_sensitivities(tmp_path, cell_a):
    """Energy efficiency and mean voltages (the shipped calibration fits the first) take
    their Jacobian from the sensitivities, not finite differences."""
    energies = ("energy_efficiency", "mean_discharge_voltage_V", "mean_charge_voltage_V")
    problem = _problem(tmp_path, cell_a, {quantity: ("absolute", 0.001) for quantity in energies})
    assert Derivatives(problem, problem.parameters, 1e-2).method == SENSITIVITIES


def test_a_parameter_that_rebuilds_the_model_falls_back(tmp_path, cell_a):
    frozen = "Positive particle radius [m]"  # shapes the mesh: not a PyBaMM input
    problem = _problem(tmp_path, cell_a, NOISE, [*NAMES, frozen])
    assert frozen in Derivatives(problem, problem.parameters, 1e-2).reason


VOLTAGE_NAMES = ["Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]"]


def _voltage_problem(folder, cell_a):
    """A voltage time series (2 mV noise) of a charge to a cut-off, a rest and a discharge to
    a cut-off, the two parameters started 30 % off."""
    (folder / "crd.toml").write_text(
        '[[block]]\nsteps = ["Charge at 1C until 4.15 V", "Rest for 20 minutes", "Discharge at 1C until 3.0 V"]\n'
    )
    solution = ssbsim.run(folder / "crd.toml").solution
    ends = np.array([step.t[-1] for step in solution.cycles[0].steps])
    t = np.linspace(0, ends[-1] * 0.98, 90)
    t = t[np.min(np.abs(t[:, None] - ends), axis=1) > 60]  # none where a step's end crosses it
    v = solution["Voltage [V]"](t) + 0.002 * np.random.default_rng(0).standard_normal(len(t))
    pd.DataFrame({"time_s": t, "voltage_V": v, "current_A": solution["Current [A]"](t)}).to_csv(
        folder / "v.csv", index=False
    )
    lines = ['experiment = "crd.toml"', "starts = 1", "[[data]]", 'file = "v.csv"', 'quantity = "voltage"']
    for n in VOLTAGE_NAMES:
        lines += [f'[fit."{n}"]', f"bounds = [{cell_a[n] / 10:.6g}, {cell_a[n] * 10:.6g}]"]
        lines += [f"initial = {1.3 * cell_a[n]:.6g}"]
    (folder / "spec.toml").write_text("\n".join(lines) + "\n")
    return prepare(str(folder / "spec.toml"))


def test_voltage_series_jacobian_from_sensitivities(tmp_path, cell_a, tight_re_solves):
    """A voltage time series takes its Jacobian from the sensitivities (the voltage at the
    data's times, the rest and the discharge starting when the charge reaches its cut-off),
    matching central differences of the fit's own residuals, re-solved at rtol 1e-7 (at the
    fit's 1e-4 their noise was 3-16 % of the exchange current's column with the refit
    interphase values, measured; the sensitivities agree with the tight differences to
    0.6 %); the method itself is checked to 1 % at tight tolerance in
    tests/simulation/test_voltage_series_sensitivities.py."""
    problem = _voltage_problem(tmp_path, cell_a)
    derivatives = Derivatives(problem, problem.parameters, 1e-2)
    assert derivatives.method == SENSITIVITIES and derivatives.reason is None
    u = np.array([p.to_unit(p.initial) for p in problem.parameters])
    J = derivatives.jacobian(u)
    tight_re_solves()  # the re-solves' run, built next
    h = 3e-3  # in ln p: below the voltage's curvature near the cut-offs
    for k, fd in enumerate(_central_differences(problem, derivatives, u, h)):
        assert np.linalg.norm(fd) > 0.5
        assert np.linalg.norm(J[:, k] - fd) < 0.05 * np.linalg.norm(fd), problem.names[k]


def test_a_voltage_series_fit_takes_the_sensitivity_path(tmp_path, cell_a):
    """The fit says so (fit.json), and needs no more solves than by finite differences
    (a Jacobian is one solve, not one per parameter) to reach the data's noise."""
    from ssbsim.cli import main

    _voltage_problem(tmp_path, cell_a)
    results = {}
    for flags in ([], ["--finite-differences"]):
        out = tmp_path / f"out{len(flags)}"
        assert (
            main(["fit", str(tmp_path / "spec.toml"), "-o", str(out), "--no-figures", "--intervals", "linear", *flags])
            == 0
        )
        results[bool(flags)] = json.loads((out / "fit.json").read_text())
    sens, fd = results[False], results[True]
    assert sens["jacobian"].startswith(SENSITIVITIES) and fd["jacobian"].startswith(FINITE_DIFFERENCES)
    assert sens["n_solves_fit"] <= fd["n_solves_fit"] and sens["cost"] <= fd["cost"]
    for n in VOLTAGE_NAMES:
        assert sens["parameters"][n]["value"] == pytest.approx(cell_a[n], rel=0.2)
