"""Impedance at the states of a run (issue 10): the linearised model against analytic
limits and a DC step, the recorded spectra of the cutoff sweep, and the paper's fit."""

import numpy as np
import pandas as pd
import pytest

import ssbsim
from ssbsim.constants import epsilon_0 as EPSILON_0
from ssbsim.parameters.derived import derive
from ssbsim.protocol.experiment_file import Block, ExperimentSpec
from ssbsim.simulation.impedance import COLUMNS


@pytest.fixture(scope="module")
def sweep_spectra():
    """The shipped cutoff sweep: its impedance steps and their circuit fits."""
    result = ssbsim.run("cutoff_sweep")
    return result, result.impedance_fits


def one_spectrum(overrides, options=None, steps=("Rest for 1 second", "Impedance from 100 kHz to 10 mHz")):
    spec = ExperimentSpec("eis", [Block(list(steps))])
    return ssbsim.run(spec, overrides=overrides, options=options)


def test_blocking_cathode_is_the_analytic_rc_series(cell_a):
    """With a blocking cathode (no charge transfer) the cell is R0||Cg + Rc + R1||Ca + 1/(jw Cdl aL):
    every element analytic, from the parameter values."""
    over = {"Positive electrode exchange-current density [A.m-2]": 1e-12}
    result = one_spectrum(over, options={"interphase": "none"})
    v = derive(dict(result.parameters), result.options)
    T = v["Ambient temperature [K]"]
    sigma = v["SE conductivity [S.m-1]"]
    R0 = v["Separator thickness [m]"] / sigma
    Cg = v["SE relative permittivity"] * EPSILON_0 / v["Separator thickness [m]"]
    Rc = v["Positive electrode thickness [m]"] / (
        3 * sigma * v["Positive electrode SE volume fraction"] ** v["Positive electrode Bruggeman coefficient"]
    )
    R1 = 8.314462618 * T / (96485.33212 * v["Na metal exchange-current density [A.m-2]"])
    Ca = v["Anode double-layer capacitance [F.m-2]"]
    aL = 3 * v["Positive electrode active volume fraction"] / v["Positive particle radius [m]"]
    Cdl = v["Positive electrode double-layer capacitance [F.m-2]"] * aL * v["Positive electrode thickness [m]"]
    f = result.impedance["frequency_Hz"].to_numpy()
    w = 2j * np.pi * f
    expected = (R0 / (1 + w * R0 * Cg) + Rc + R1 / (1 + w * R1 * Ca) + 1 / (w * Cdl)) * 1e4
    z = result.impedance["z_real_ohm_cm2"].to_numpy() + 1j * result.impedance["z_imag_ohm_cm2"].to_numpy()
    assert np.abs(z - expected).max() / np.abs(expected).min() < 1e-3


def test_low_frequency_limit_is_the_dc_resistance_of_a_small_current_step():
    """Blocking-free cell (no interphase, mid-plateau, fast diffusion): Re Z at 1 mHz equals
    the voltage change over a 1 s step of a small current (cycling model, no capacitances)."""
    over = {"Initial positive electrode stoichiometry": 0.25, "Positive particle diffusivity [m2.s-1]": 1e-10}
    steps = ("Rest for 1 second", "Impedance from 1 kHz to 1 mHz", "Discharge at 0.001 mA for 1 second")
    result = one_spectrum(over, options={"interphase": "none"}, steps=steps)
    v, current = result.solution["Voltage [V]"].entries, result.solution["Current [A]"].entries
    area_cm2 = result.parameters["Electrode area [m2]"] * 1e4
    r_dc = (v[0] - v[-1]) / current[-1] * area_cm2
    z_low = result.impedance["z_real_ohm_cm2"].iloc[-1]
    assert z_low == pytest.approx(r_dc, rel=0.01)
    assert r_dc > 80  # a real cell resistance (R0 + R1 + charge transfer), not a trivial zero


def test_sweep_records_nine_spectra_where_the_paper_took_them(sweep_spectra):
    result, _ = sweep_spectra
    z = result.impedance
    assert list(z.columns) == COLUMNS
    assert sorted(z["spectrum"].unique()) == list(range(9))
    assert z.groupby("spectrum")["cycle"].first().tolist() == [1, 2, 7, 12, 17, 22, 27, 32, 37]
    f = z[z["spectrum"] == 0]["frequency_Hz"]
    assert f.max() == pytest.approx(2e5) and f.min() == pytest.approx(1e-2)
    assert len(f) == 74  # 7.3 decades at 10 per decade, both ends
    assert (z.groupby("spectrum")["z_imag_ohm_cm2"].min() < 0).all()  # capacitive arcs below the axis


def test_impedance_steps_do_not_change_the_run(sweep, sweep_spectra):
    """The sweep with its 9 spectra cycles exactly as the one without impedance steps."""
    with_eis, _ = sweep_spectra
    plain = ssbsim.run(
        ExperimentSpec("plain", [Block(list(c)) for c in with_eis.experiment.cycles()], period="5 minutes")
    )
    assert np.abs(plain.solution["Voltage [V]"].entries - with_eis.solution["Voltage [V]"].entries).max() < 1e-4
    pd.testing.assert_frame_equal(plain.cycles, with_eis.cycles)


def test_high_frequency_intercept_is_r0(sweep_spectra):
    """Above the interface arcs and below the SE's dielectric arc the cell is its ionic
    resistance, R0 + the composite's; the circuit's R0 is that intercept."""
    result, fits = sweep_spectra
    c = result.cycles.set_index("cycle")
    for n, part in result.impedance.groupby("spectrum"):
        cycle = int(part["cycle"].iloc[0])
        ionic = c.loc[cycle, "electrolyte_resistance_ohm_cm2"] + c.loc[cycle, "composite_ionic_resistance_ohm_cm2"]
        assert part["z_real_ohm_cm2"].iloc[0] == pytest.approx(ionic, rel=0.01)
        assert fits.loc[n, "r0_ohm_cm2"] == pytest.approx(ionic, rel=0.02)


def test_fitted_r1_is_the_anode_interface_and_r2_exceeds_the_film(sweep_spectra):
    result, fits = sweep_spectra
    c = result.cycles.set_index("cycle")
    after = fits[fits["spectrum"] > 0]
    state_r1 = c.loc[after["cycle"], "anode_interface_resistance_ohm_cm2"].to_numpy()
    np.testing.assert_allclose(after["r1_ohm_cm2"], state_r1, rtol=0.05)
    film = c.loc[after["cycle"], "cathode_interphase_resistance_ohm_cm2"].to_numpy()
    assert (after["r2_ohm_cm2"].to_numpy() > film).all()  # charge transfer adds to the film
    assert np.isnan(fits.loc[0, "r2_ohm_cm2"]) and fits.loc[0, "circuit"] == "R0-p(R1,CPE1)"


def test_all_frequencies_at_once_is_pybamms_per_frequency_solve(sweep_spectra):
    """StateEIS solves every frequency in one dense batch; PyBaMM's own per-frequency
    sparse solve (``_calculate_impedance``) gives the same impedances to round-off."""
    from ssbsim.simulation.impedance import ImpedanceModel, frequencies, state_point

    result, _ = sweep_spectra
    model = ImpedanceModel(result.parameters.pybamm_values(result.options), result.options)
    y = model.state_from(*state_point(result.solution, 20, 2))
    freqs = frequencies(1e6, 1e-2, 8)
    batch = model.simulation.impedance(y, freqs)
    M, neg_J, b = model.simulation._build_matrix_problem()
    one_by_one = np.array([model.simulation._calculate_impedance(f, M, neg_J, b) for f in freqs])
    assert np.abs(batch - one_by_one).max() <= 1e-9 * np.abs(one_by_one).max()
