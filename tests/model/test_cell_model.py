"""Limits with known answers, conservation and mesh convergence of the cell model."""

import numpy as np
import pybamm
import pytest

import ssbsim
from ssbsim.constants import F, R
from ssbsim.model import CellModel
from ssbsim.model.ocp import MSMR
from ssbsim.protocol.experiment_file import Block, ExperimentSpec


def protocol(*steps, repeat=1, name="test"):
    return ExperimentSpec(name, [Block(steps=list(steps), repeat=repeat)])


def solve_constant_current(pset, current_A, t_end, options=None, t_eval=None):
    """Plain (non-experiment) solve at constant current, without interphase unless
    ``options`` say otherwise: for limits with known answers."""
    opts = pset.model_options({"interphase": "none", **(options or {})})
    values = pset.pybamm_values(opts)
    values["Current function [A]"] = current_A
    sim = pybamm.Simulation(CellModel(opts), parameter_values=values, solver=pybamm.IDAKLUSolver(rtol=1e-8, atol=1e-10))
    return sim.solve([0, t_end], t_interp=t_eval), values


@pytest.mark.parametrize("sto", [0.05, 0.3, 0.5, 0.7, 0.97])
def test_zero_current_gives_the_open_circuit_voltage(cell_a, sto):
    pset = cell_a.with_overrides({"Initial positive electrode stoichiometry": sto})
    sol, _ = solve_constant_current(pset, 0.0, 36000.0, t_eval=np.linspace(0, 36000, 7))
    V = sol["Voltage [V]"].entries
    U = MSMR.numeric(dict(pset)).potential(sto, 298.15)[0]
    np.testing.assert_allclose(V, U, atol=1e-6)


@pytest.mark.parametrize("temperature_C", [25.0, 60.0])
def test_ohmic_drop_is_IL_over_sigma(cell_a, temperature_C):
    """With fast kinetics, the instantaneous voltage step on applying a current is the
    SE drop I L/sigma(T) plus the composite's I L_p/(3 sigma_eff(T)) -- nothing else."""
    T = temperature_C + 273.15
    pset = cell_a.with_overrides(
        {
            "Positive electrode exchange-current density [A.m-2]": 1e9,
            "Na metal exchange-current density [A.m-2]": 1e9,
            "Ambient temperature [K]": T,
            "Initial positive electrode stoichiometry": 0.5,
        }
    )
    I = 2e-4  # A, about 1C
    loaded, values = solve_constant_current(pset, I, 1e-3, t_eval=np.array([0.0, 1e-3]))
    rest, _ = solve_constant_current(pset, 0.0, 1e-3, t_eval=np.array([0.0, 1e-3]))
    drop = rest["Voltage [V]"].entries[0] - loaded["Voltage [V]"].entries[0]
    A = values["Electrode area [m2]"]
    sigma = values["SE conductivity [S.m-1]"] * np.exp(
        values["SE conductivity activation energy [J.mol-1]"] / R * (1 / 298.15 - 1 / T)
    )
    sigma_eff = (
        sigma * values["Positive electrode SE volume fraction"] ** values["Positive electrode Bruggeman coefficient"]
    )
    expected = (
        I
        / A
        * (values["Separator thickness [m]"] / sigma + values["Positive electrode thickness [m]"] / (3 * sigma_eff))
    )
    assert drop == pytest.approx(expected, rel=1e-4)
    # R0 = L/sigma is what cycles.csv reports
    assert loaded["Electrolyte resistance [Ohm.m2]"].entries[0] == pytest.approx(
        values["Separator thickness [m]"] / sigma
    )


@pytest.mark.parametrize("fixture", ["sweep", "sweep_none"])
def test_sodium_is_conserved_over_the_sweep(fixture, request):
    """Na metal + Na in the cathode - Na+ released by SE decomposition is constant."""
    total = request.getfixturevalue(fixture).solution["Total Na [mol]"].entries
    assert np.ptp(total) / total[0] < 1e-10


def test_without_interphase_every_cycle_returns_what_it_took(sweep_none):
    ce = sweep_none.cycles["coulombic_efficiency"].to_numpy()[1:]
    np.testing.assert_allclose(ce, 1.0, atol=2e-4)


@pytest.mark.parametrize("fixture", ["sweep", "sweep_none"])
def test_counted_charge_is_intercalation_plus_decomposition(fixture, request):
    """The external charge (Q counter) equals the Na that entered the cathode, times F,
    less the charge taken by SE decomposition."""
    sol = request.getfixturevalue(fixture).solution
    q = sol["Discharge capacity [A.h]"].entries * 3600
    n = sol["Na in cathode [mol]"].entries
    released = sol["Na released by SE decomposition [mol]"].entries
    np.testing.assert_allclose(q - q[0], F * (n - n[0]) - F * (released - released[0]), atol=1e-9 * abs(q).max())


def _capacities(options):
    result = ssbsim.run(protocol("Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"), options=options)
    assert result.options["interphase"] == "decomposition"  # the default model of Cell A
    return result.cycles["discharge_capacity_mAh_g"].iloc[0]


@pytest.mark.parametrize(
    "coarse, fine",
    [
        ({}, {"radial points": 40}),
        ({"cathode": "resolved"}, {"cathode": "resolved", "through-thickness points": 20}),
        ({"particle": "distribution"}, {"particle": "distribution", "radial points": 40}),
    ],
)
def test_capacity_converges_under_mesh_refinement(coarse, fine):
    q_coarse, q_fine = _capacities(coarse), _capacities(fine)
    assert abs(q_coarse / q_fine - 1) < 0.005


def test_formulations_agree_when_the_composite_is_thin(cell_a):
    """Resolving the 9 um composite changes little: its ionic resistance is ~1 ohm cm2."""
    assert _capacities({"cathode": "resolved"}) == pytest.approx(_capacities({}), rel=0.01)


def test_size_distribution_narrows_to_single_particle(cell_a):
    """A very narrow size distribution around the mean radius is the single particle."""
    narrow = cell_a.with_overrides(
        {
            "Positive particle radius standard deviation [m]": 1e-9,
            "Positive particle minimum radius [m]": 2.49e-6,
            "Positive particle maximum radius [m]": 2.51e-6,
        }
    )
    spec = protocol("Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V")
    single = ssbsim.run(spec, narrow).cycles["discharge_capacity_mAh_g"].iloc[0]
    bins = ssbsim.run(spec, narrow, options={"particle": "distribution"}).cycles["discharge_capacity_mAh_g"].iloc[0]
    assert bins == pytest.approx(single, rel=1e-3)


def test_explicit_and_algebraic_current_balance_agree(cell_a):
    """Without interphase the closed-form current balance is exact: solving it as an
    algebraic equation changes nothing."""
    spec = protocol("Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V", repeat=2)
    explicit = ssbsim.run(spec, cell_a, options={"interphase": "none"}).cycles
    algebraic = ssbsim.run(spec, cell_a, options={"interphase": "none", "current balance": "algebraic"}).cycles
    np.testing.assert_allclose(explicit["discharge_capacity_mAh_g"], algebraic["discharge_capacity_mAh_g"], rtol=1e-3)


def test_transport_is_faster_at_60C(cell_a):
    """T11 (transport part): at 60 °C the SE conducts better and more capacity is
    delivered at 1C."""
    spec = protocol("Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V")
    cold = ssbsim.run(spec, cell_a)
    hot = ssbsim.run(spec, cell_a, overrides={"Ambient temperature [K]": 333.15})
    assert (
        hot.cycles["electrolyte_resistance_ohm_cm2"].iloc[0]
        < 0.4 * cold.cycles["electrolyte_resistance_ohm_cm2"].iloc[0]
    )
    assert hot.cycles["discharge_capacity_mAh_g"].iloc[0] > cold.cycles["discharge_capacity_mAh_g"].iloc[0] + 5


def test_anode_resistance_grows_on_stripping_only(cell_a):
    """R1 = RT/(F j0 phi_c): stripping (discharge) removes contact, plating restores it."""
    spec = protocol("Discharge at C/10 for 2 hours", "Charge at C/10 for 2 hours")
    pset = cell_a.with_overrides({"Initial positive electrode stoichiometry": 0.3})
    sol = ssbsim.run(spec, pset).solution
    R1 = sol["Anode interface resistance [Ohm.m2]"].entries
    I = sol["Current [A]"].entries
    assert R1[0] == pytest.approx(R * 298.15 / (F * cell_a["Na metal exchange-current density [A.m-2]"]))
    stripping = I > 0
    assert np.all(np.diff(R1[stripping]) >= 0) and R1[stripping][-1] > R1[0]
    assert R1[-1] < R1[stripping][-1]


def test_the_equations_are_assembled_on_first_use_once_per_copy(cell_a):
    """``CellModel`` assembles its equations when they are first read; a copy made before
    (as ``pybamm.Simulation`` makes one) assembles its own from submodels of its own: the
    same equations, no event twice; the geometric states are named before assembly."""
    options = cell_a.model_options()
    model = CellModel(options)
    copy = model.new_copy()
    names = model.geometric_states
    assert not model._assembled and not copy._assembled and names  # named without assembling
    assert copy.submodels["interphase"] is not model.submodels["interphase"]
    events = [event.name for event in model.events]
    assert model._assembled and not copy._assembled
    assert [event.name for event in copy.events] == events and len(set(events)) == len(events)
    assert list(copy.rhs) == list(model.rhs) and list(copy.variables) == list(model.variables)
    assert {v.name for v in model.rhs} >= set(names)  # the named states are differential states
    assert list(CellModel(options).new_copy().new_copy().variables) == list(model.variables)


def test_a_run_on_a_cached_build_assembles_nothing(cell_a, monkeypatch):
    from ssbsim.simulation.run import build_simulation, prepare

    spec = protocol("Charge at C/5 until 4.1 V", "Discharge at 1C until 2.5 V", name="assembly")
    build_simulation(*prepare(spec, "asakura2020")).solve()  # built, and stored
    assembled = []
    monkeypatch.setattr(CellModel, "_build", lambda self: assembled.append(self))
    simulation = build_simulation(*prepare(spec, "asakura2020"))
    simulation.solve()
    assert simulation.built_from_cache and not assembled
