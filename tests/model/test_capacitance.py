"""The initial state at the measured OCV, and the capacitance option (issue 10)."""

import numpy as np
import pytest

import ssbsim
from ssbsim.model import CellModel
from ssbsim.model.ocp import MSMR


def test_initial_state_is_the_measured_initial_ocv(cell_a):
    """The paper's cells rest at ~2.4 V before cycling (BRIEF §2): the initial filling of
    the set is the MSMR filling at 2.40 V, so the first spectrum is taken there."""
    msmr = MSMR.numeric(dict(cell_a))
    x0 = cell_a["Initial positive electrode stoichiometry"]
    assert msmr.potential([x0], cell_a["Ambient temperature [K]"])[0] == pytest.approx(2.40, abs=0.01)


def test_first_point_of_a_run_is_at_the_initial_ocv(sweep):
    assert sweep.solution["Voltage [V]"].entries[0] == pytest.approx(2.40, abs=0.03)


def test_capacitances_do_not_enter_the_cycling_model():
    """Cycling runs use the model without capacitances: no extra states, same equations."""
    plain = CellModel({"interphase": "decomposition", "SE anions": 2})
    with_c = CellModel({"interphase": "decomposition", "SE anions": 2, "capacitance": "double layers"})
    assert {v.name for v in with_c.rhs} - {v.name for v in plain.rhs} == {
        "Anode overpotential [V]",
        "Positive electrode surface potential difference [V]",
    }
    assert ssbsim.load_parameter_set("asakura2020").model_options().get("capacitance") == "none"


# --- the capacitances leave the galvanostatic cycle unchanged (issue 10) ----------------------------------------------
# One C/10 cycle of Cell A, 2.40 -> 4.15 -> 2.50 V, solved with and without the double layers. Tolerances 1e-8: at the
# default 1e-6 the solver's own error at the steep 3.6 -> 4.0 V transition is 0.5 mV (charge) and 0.9 mV (discharge)
# against a 1e-10 solution, in either form; at 1e-8 the two forms are resolved to < 0.01 mV there.
CYCLE = ("Charge at C/10 until 4.15 V", "Discharge at C/10 until 2.5 V")
START_S, END_S = 60.0, 300.0  # left out at the start and the end of each step (see the tests)
DPHI = "Positive electrode surface potential difference [V]"
# The formulation is checked on the passivating interphase it was written against (the pre-ageing calibration,
# issue 3): with the ageing calibration's films the 3.6 -> 4.0 V transition is steeper and the physical lag there
# grows from 3.2 to 5.7 mV, which says nothing about the capacitances.
PASSIVATING = {
    "SE anion (0) decomposition rate constant [A.m-2]": 0.001527,
    "SE anion (0) product passivation length [m]": 1.427e-08,
    "SE anion (1) decomposition rate constant [A.m-2]": 0.0295,
    "SE anion (1) product resistivity [Ohm.m]": 2.512e06,
    "SE anion (1) product passivation length [m]": 1.892e-08,
}
CONVERGENCE = {"nonlinear_convergence_coefficient": 0.05}  # as CellModel.default_solver
AGEING_OFF = {"SE inventory": "unlimited", "interphase growth": "passivating", "active material loss": "none"}


@pytest.fixture(scope="module", params=["averaged", "resolved"])
def cycle_pair(request):
    """The cycle with and without the double layers, for either composite (the resolved one's double layer is a
    transmission line, tests/model/test_transmission_line.py)."""
    import pybamm

    from ssbsim.protocol.experiment_file import Block, ExperimentSpec

    spec = ExperimentSpec("one cycle", [Block(list(CYCLE))])
    runs = {}
    for form in ("none", "double layers"):
        solver = pybamm.IDAKLUSolver(rtol=1e-8, atol=1e-8, on_extrapolation="ignore", options=CONVERGENCE)
        options = {"capacitance": form, "cathode": request.param, **AGEING_OFF}
        runs[form] = ssbsim.run(spec, overrides=PASSIVATING, options=options, solver=solver)
    return runs


def cathode_double_layer(result):
    """C_dl [F] of the whole cathode|SE interface: C per particle area x a L_p x A."""
    from ssbsim.parameters.derived import derive

    v = derive(dict(result.parameters), result.options)
    a = 3 * v["Positive electrode active volume fraction"] / v["Positive particle radius [m]"]
    area = v["Electrode area [m2]"]
    return v["Positive electrode double-layer capacitance [F.m-2]"] * a * v["Positive electrode thickness [m]"] * area


def mean_potential_difference(step, t):
    """phi_s - phi_e at times ``t``, averaged across a resolved composite (uniform mesh)."""
    dphi = np.asarray(step[DPHI](t))
    return dphi.mean(axis=0) if dphi.ndim == 2 else dphi


def compared(runs, k):
    """Per step ``k``: time since the step start [s] (= passed charge / I), the voltage of both forms there, the
    current [A], and the time the cathode double layer's charge since the step start takes at that current."""
    plain, dl = (runs[form].solution.cycles[0].steps[k] for form in ("none", "double layers"))
    tau = np.linspace(0, min(plain.t[-1] - plain.t[0], dl.t[-1] - dl.t[0]), 100001)
    v_plain, v_dl = plain["Voltage [V]"](plain.t[0] + tau), dl["Voltage [V]"](dl.t[0] + tau)
    current = abs(plain["Current [A]"].entries[-1])
    dphi = mean_potential_difference(dl, dl.t[0] + tau)
    lag = cathode_double_layer(runs["double layers"]) * np.abs(dphi - dphi[0]) / current
    return tau, v_plain, v_dl, lag


@pytest.mark.parametrize("k", [0, 1], ids=["charge", "discharge"])
def test_voltage_agrees_within_0p1_mV_at_equal_passed_charge(cycle_pair, k):
    """At equal passed charge the double layers have taken the charge q_dl = C_dl |Δ(φs-φe)| from (on discharge:
    given to) the particles, so the voltage lags by (dV/dt) q_dl/I: 0.015 mAh/g, 4 s of C/10, invisible on a
    plateau but 3.2 mV (charge) and 3.1 mV (discharge) at the steep 3.6 -> 4.0 V transition and tens of mV on the
    2.4 -> 3.3 V rise at the start of charge. The window: the plateaus, where that lag moves the voltage by less than
    0.05 mV (> 70 % of each step), without the first 60 s of a step (the states the previous step left differ: at
    4.15 V the forms end the charge 7e-6 apart in filling, 0.1 mV for ~10 s) and the last 300 s (the steep rise
    to 4.15 V and collapse to 2.5 V)."""
    tau, v_plain, v_dl, lag = compared(cycle_pair, k)
    window = (tau >= START_S) & (tau <= tau[-1] - END_S)
    plateau = window & (np.abs(np.gradient(v_plain, tau)) * lag < 0.05e-3)
    assert plateau.sum() > 0.7 * window.sum()
    assert np.abs(v_dl - v_plain)[plateau].max() < 0.1e-3


@pytest.mark.parametrize("k", [0, 1], ids=["charge", "discharge"])
def test_off_the_plateaus_the_double_layers_make_the_voltage_lag(cycle_pair, k):
    """Where the voltage moves fast the difference is the lag, not noise: the voltage with double layers is
    lower on charge and higher on discharge, by less than the 2.4 V-start maximum (4.9 mV at 60 s)."""
    tau, v_plain, v_dl, _ = compared(cycle_pair, k)
    window = (tau >= START_S) & (tau <= tau[-1] - END_S)
    gap = (v_dl - v_plain)[window] * (1 if k == 0 else -1)
    assert gap.max() < 0.1e-3
    assert gap.min() > -5.5e-3


def test_step_capacities_differ_by_the_double_layer_charge(cycle_pair):
    """The charge step lasts longer by the charge the cathode double layer takes from 2.40 to 4.15 V (+6 %: where
    the voltage rises fast the double-layer current lowers the intercalation current and so the particle's
    concentration drop); the discharge step by that it gives back from 4.15 to 2.50 V plus 1.5 times as much again:
    at the diffusion-limited end, the same effect lets the particle fill further before the surface is full (the
    excess is proportional to the capacitance and falls 14-fold with a 100 times faster diffusion). In all, a few
    hundredths of a mAh/g."""
    c_dl = cathode_double_layer(cycle_pair["double layers"])
    ratios = []
    for k in (0, 1):
        plain, dl = (cycle_pair[form].solution.cycles[0].steps[k] for form in ("none", "double layers"))
        extra = (
            np.ptp(dl["Discharge capacity [A.h]"].entries) - np.ptp(plain["Discharge capacity [A.h]"].entries)
        ) * 3600
        dphi = mean_potential_difference(dl, dl.t[[0, -1]])
        q_dl = c_dl * abs(dphi[-1] - dphi[0])
        ratios.append(extra / q_dl)
    assert 1.0 < ratios[0] < 1.1
    assert 2.0 < ratios[1] < 3.0
