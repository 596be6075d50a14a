"""The cathode double layer of the resolved composite (issue 12): a de Levie transmission line.

Its impedance against de Levie's closed form for a blocking electrode, the 45° branch at high SE resistance, and the
uniform limit in which it is the averaged composite's. The galvanostatic check is tests/model/test_capacitance.py
(parametrised over both composites)."""

import numpy as np

import ssbsim
from ssbsim.constants import F, R
from ssbsim.constants import epsilon_0 as EPSILON_0
from ssbsim.model import CellModel
from ssbsim.parameters.derived import derive
from ssbsim.protocol.experiment_file import Block, ExperimentSpec

BLOCKING = {"Positive electrode exchange-current density [A.m-2]": 1e-12}
#: 40 cells across the composite: the penetration depth of the 45° band below spans 4-13 of them
FINE = {"interphase": "none", "cathode": "resolved", "through-thickness points": 40, "radial points": 5}


def spectrum(overrides, options, steps=("Rest for 1 second", "Impedance from 100 kHz to 10 mHz"), solver=None):
    spec = ExperimentSpec("eis", [Block(list(steps))])
    result = ssbsim.run(spec, overrides=overrides, options=options, solver=solver)
    z = result.impedance
    return result, z["frequency_Hz"].to_numpy(), z["z_real_ohm_cm2"].to_numpy() + 1j * z["z_imag_ohm_cm2"].to_numpy()


def elements(result):
    """R0, C_g, R1, C_a, R_ion = L/sigma_eff and C = C_c a L [SI, per area] of a run's parameter values."""
    v = derive(dict(result.parameters), result.options)
    sigma = v["SE conductivity [S.m-1]"]
    L = v["Positive electrode thickness [m]"]
    R_ion = L / (sigma * v["Positive electrode SE volume fraction"] ** v["Positive electrode Bruggeman coefficient"])
    a = 3 * v["Positive electrode active volume fraction"] / v["Positive particle radius [m]"]
    return {
        "R0": v["Separator thickness [m]"] / sigma,
        "Cg": v["SE relative permittivity"] * EPSILON_0 / v["Separator thickness [m]"],
        "R1": R * v["Ambient temperature [K]"] / (F * v["Na metal exchange-current density [A.m-2]"]),
        "Ca": v["Anode double-layer capacitance [F.m-2]"],
        "R_ion": R_ion,
        "C": v["Positive electrode double-layer capacitance [F.m-2]"] * a * L,
    }


def de_levie(f, e):
    """The blocking cell [Ohm cm2]: R0||Cg + R1||Ca + de Levie's sqrt(R_ion/(jwC)) coth sqrt(jw R_ion C)."""
    w = 2j * np.pi * f
    line = np.sqrt(e["R_ion"] / (w * e["C"])) / np.tanh(np.sqrt(w * e["R_ion"] * e["C"]))
    return (e["R0"] / (1 + w * e["R0"] * e["Cg"]) + e["R1"] / (1 + w * e["R1"] * e["Ca"]) + line) * 1e4


def test_the_double_layer_is_a_state_at_every_depth():
    """phi_s - phi_e is the differential state across the composite; phi_s and phi_e follow from it."""
    model = CellModel({"capacitance": "double layers", "cathode": "resolved"})
    states = {v.name: v for v in model.rhs}
    dphi = states["Positive electrode surface potential difference [V]"]
    assert dphi.domain == ["positive electrode"]
    assert not {v.name for v in model.algebraic} & {
        "Positive electrode potential [V]",
        "SE potential in the cathode [V]",
        "Positive electrode surface potential difference [V]",
    }


def test_blocking_composite_is_de_levies_transmission_line():
    """Blocking interface, Cell A's composite: the whole spectrum is the analytic circuit with de Levie's line,
    including its low-frequency limit R_ion/3 + 1/(jwC). The finite volumes are second order in the cell size:
    the largest deviation is 0.075 Ohm cm2 with 10 cells and 0.0065 with 40 (0.2 % of R_ion = 3.4 Ohm cm2), at
    100 kHz where the penetration depth sqrt(sigma/(w C_c a)) is 1.5 cells; 0.5 % of R_ion is the tolerance."""
    result, f, z = spectrum(BLOCKING, FINE)
    e = elements(result)
    expected = de_levie(f, e)
    assert np.abs(z - expected).max() < 5e-3 * e["R_ion"] * 1e4
    # not the averaged composite's R_ion/3 in series: at 100 kHz the line is nearly shorted by its double layer
    assert z.real[0] - expected.real[0] < 0.01 * e["R_ion"] * 1e4
    assert e["R_ion"] / 3 * 1e4 > 1.0


def test_high_se_resistance_shows_the_45_degree_branch():
    """A composite whose SE barely percolates (Bruggeman coefficient 9: sigma_eff = 1e-4 sigma, R_ion = 7400 Ohm
    cm2): between 30 and 100 times f_ion = 1/(2 pi R_ion C) = 0.59 Hz, far below the anode arc (5 kHz), the
    spectrum is the line's 45° branch sqrt(R_ion/(jwC)): -Im Z rises with Re Z at slope 1 and is the branch's
    sqrt(R_ion/(2 w C)). De Levie's closed form has slope 0.998-1.012 there (0.81 at 13 f_ion, where the line turns
    to the vertical R_ion/3 + 1/(jwC)); the 40 cells give 0.965-1.000 (0.972-1.009 with 80: the finite volumes,
    with the penetration depth sqrt(sigma_eff/(w C_c a)) = 4-7 cells at 40), hence the tolerance 0.05."""
    over = BLOCKING | {"Positive electrode Bruggeman coefficient": 9.0}
    steps = ("Rest for 1 second", "Impedance from 100 Hz to 10 Hz, 40 points per decade")
    result, f, z = spectrum(over, FINE, steps)
    e = elements(result)
    f_ion = 1 / (2 * np.pi * e["R_ion"] * e["C"])
    band = (f >= 30 * f_ion) & (f <= 100 * f_ion)
    assert band.sum() >= 10
    zb, fb = z[band], f[band]
    slope = np.diff(-zb.imag) / np.diff(zb.real)
    assert np.all(np.abs(slope - 1) < 0.05)
    branch = np.sqrt(e["R_ion"] / (2 * 2 * np.pi * fb * e["C"])) * 1e4
    np.testing.assert_allclose(-zb.imag, branch, rtol=0.05)


def test_with_a_fast_composite_se_the_line_is_the_averaged_composite(cell_a):
    """SE conductivity x1000 (R_ion = 3.4e-3 Ohm cm2, R0 = 0.05 Ohm cm2 in both forms), full model with its
    interphase, after 1 h of C/10 charge and 10 min rest: the reaction is uniform across the composite and the
    resolved spectrum is the averaged one. What remains is de Levie's correction to the lumped R_ion/3 + Z_interface,
    -jw R_ion^2 C/45 for the blocking line, 1.2e-5 Ohm cm2 at 200 kHz (w R_ion C = 0.16); the tolerance is 4 times
    it, 1.5e-6 of |Z| (33-100 Ohm cm2 below 1 kHz); measured 1.8e-5. Both cycling runs at tolerances 1e-8: at the
    default 1e-4 the two runs' states differ by the solver error, 1.5e-3 Ohm cm2 at 10 mHz (2e-5 of |Z|). At Cell A's
    conductivity the two forms differ by 1.05 Ohm cm2 at 200 kHz (the averaged form's series R_ion/3 = 1.14)."""
    import pybamm

    over = {"SE conductivity [S.m-1]": 1000 * cell_a["SE conductivity [S.m-1]"]}
    steps = ("Charge at C/10 for 1 hour", "Rest for 10 minutes", "Impedance from 200 kHz to 10 mHz")
    z = {}
    for cathode in ("resolved", "averaged"):
        solver = pybamm.IDAKLUSolver(
            rtol=1e-8, atol=1e-8, on_extrapolation="ignore", options={"nonlinear_convergence_coefficient": 0.05}
        )
        result, f, z[cathode] = spectrum(over, {"cathode": cathode}, steps, solver=solver)
    e = elements(result)
    correction = e["R_ion"] * 2 * np.pi * f.max() * e["R_ion"] * e["C"] / 45 * 1e4
    assert np.abs(z["resolved"] - z["averaged"]).max() < 4 * correction
    assert 4 * correction < 2e-6 * np.abs(z["averaged"][f < 1e3]).min()


def test_the_impedance_state_carries_the_profile_across_the_composite():
    """The run -> impedance state map evaluates phi_s - phi_e at every depth from the cycling solution (where it is
    not a state): mid-charge in a resistive composite (Bruggeman coefficient 6, R_ion = 335 Ohm cm2) the profile
    spans a few mV, and the impedance state is that profile, not one value."""
    from ssbsim.simulation.impedance import ImpedanceModel

    over = {"Positive electrode Bruggeman coefficient": 6.0}
    spec = ExperimentSpec("charge", [Block(["Charge at C/10 for 10 minutes"])])
    result = ssbsim.run(spec, overrides=over, options={"cathode": "resolved"})
    model = ImpedanceModel(result.parameters.pybamm_values(result.options), result.options)
    step = result.solution.cycles[0].steps[0]
    profile = model.state_from(step)[dict(model.slices)["Positive electrode surface potential difference [V]"]]
    phi_s = step["Positive electrode potential [V]"].entries[-1]
    phi_e = step["SE potential in the cathode [V]"].entries[:, -1]
    np.testing.assert_allclose(profile, phi_s - phi_e, rtol=0, atol=1e-12)
    assert np.ptp(profile) > 1e-3
