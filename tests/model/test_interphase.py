"""The passivating cathode/SE interphase: the behaviours of BRIEF §2 as properties."""

import json
from pathlib import Path

import numpy as np
import pytest

import ssbsim
from ssbsim.observables.cycles import step_bounds
from ssbsim.parameters.registry import anion_names
from ssbsim.protocol.experiment_file import Block, ExperimentSpec

B12, CB11 = "decomposition_charge_B12H12_mAh_g", "decomposition_charge_CB11H12_mAh_g"


def cycles_of(steps, repeat=1, **kwargs):
    spec = ExperimentSpec("test", [Block(steps=list(steps), repeat=repeat)])
    return ssbsim.run(spec, **kwargs)


def test_no_cathodic_decomposition_current(sweep):
    """Decomposition is irreversible: on charge, discharge and rest the decomposition
    current is anodic (negative) or zero, for every anion, and no film ever shrinks."""
    sol = sweep.solution
    for k in range(2):
        j = sol[f"Cathode decomposition current density of anion {k} [A.m-2]"].entries
        assert np.all(j <= 0)
        charge = sol[f"Cathode decomposition charge of anion {k} [A.h]"].entries
        assert np.all(np.diff(charge) >= -1e-6 * charge.max())  # solver noise only
    assert (sweep.cycles["discharge_capacity_mAh_g"] <= sweep.cycles["charge_capacity_mAh_g"] + 1e-6).all()


@pytest.fixture(scope="module")
def sweep_kept():
    """The cutoff sweep without loss of active material (isolated particles keep Na)."""
    return ssbsim.run("cutoff_sweep", options={"active material loss": "none"})


def test_decomposition_charge_is_the_lost_capacity(sweep_kept):
    """The decomposition charge flows through the external circuit: from cycle 2 on (the
    cathode starts a cycle where it ended the last) charge - discharge is the charge that
    went into decomposition (without particles cut off, which lock Na: next test)."""
    c = sweep_kept.cycles.iloc[2:]
    np.testing.assert_allclose(c["irreversible_capacity_mAh_g"], c[B12] + c[CB11], atol=0.02)


def test_lost_capacity_is_decomposition_plus_the_cathode_s_Na_change(sweep):
    """In general (default options, particles cut off by their film): charge - discharge of
    every cycle is the decomposition charge plus the Na the cathode lost over the cycle."""
    sol = sweep.solution
    na = sol["Na in cathode [mol]"].entries * 96485.33212 / 3.6 / (sweep.active_mass_kg * 1e3)  # mAh/g
    c = sweep.cycles
    ends = np.cumsum([sum(b - a for a, b in steps) for steps in step_bounds(sol)])
    starts = np.concatenate([[0], ends[:-1]])
    lost = na[starts] - na[ends - 1]
    np.testing.assert_allclose(c["irreversible_capacity_mAh_g"], c[B12] + c[CB11] + lost[: len(c)], atol=0.02)


def test_second_charge_decomposes_less():
    """Qualitatively (the data set the degree, T9 -- CE 91.4 % then 98.5 %): a second charge
    to the same cutoff decomposes less than the first."""
    c = cycles_of(["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"], repeat=2).cycles
    assert c.loc[1, B12] + c.loc[1, CB11] < c.loc[0, B12] + c.loc[0, CB11]


@pytest.mark.parametrize("raised", [4.15, 4.25, 4.40])
def test_raising_the_cutoff_starts_new_decomposition(raised):
    """Voltage memory: after a first cycle to 4.05 V, a second charge to a higher cutoff
    decomposes more than a second charge to the same cutoff."""
    first = ("Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V")

    def second(cutoff):
        spec = ExperimentSpec("memory", [Block(list(first)), Block([f"Charge at C/10 until {cutoff} V", first[1]])])
        c = ssbsim.run(spec).cycles
        return c.loc[1, B12] + c.loc[1, CB11]

    assert second(raised) > 1.05 * second(4.05)


def test_R2_grows_with_the_upper_cutoff(sweep):
    R2 = sweep.cycles.set_index("cycle")["cathode_interphase_resistance_ohm_cm2"]
    at_step_end = [R2.loc[n] for n in range(5, 41, 5)]
    assert np.all(np.diff(at_step_end) > 0)
    series = sweep.timeseries["cathode_interphase_resistance_ohm_cm2"].to_numpy()
    assert series[0] < 1e-6 and np.all(np.diff(series) >= -1e-6 * series.max())  # solver noise only


def _onset(result, column, threshold=0.3):
    """Upper cutoff [V] at which the first cycle of a step decomposes ``threshold`` mAh/g
    of ``column``, interpolated in log between the 0.05 V steps of the sweep."""
    c = result.cycles
    first = c[(c["cycle"] - 1) % 5 == 0]
    cutoffs, charge = first["upper_cutoff_V"].to_numpy(), first[column].to_numpy()
    k = int(np.argmax(charge > threshold))
    assert k > 0 and charge[k] > threshold, "no onset within the sweep"
    fraction = np.log(threshold / charge[k - 1]) / np.log(charge[k] / charge[k - 1])
    return cutoffs[k - 1] + fraction * (cutoffs[k] - cutoffs[k - 1])


def test_onset_follows_the_decomposition_potential(cell_a):
    """Raising the [CB11H12]- reference potential by 0.10 V moves the cutoff at which it
    starts to decompose up by 0.10 V: onsets are parameters of the SE."""
    name = anion_names(1)["potential"]
    base = _onset(ssbsim.run("cutoff_sweep", cell_a), CB11)
    shifted = _onset(ssbsim.run("cutoff_sweep", cell_a, overrides={name: cell_a[name] + 0.10}), CB11)
    assert 4.15 <= base <= 4.30
    assert shifted - base == pytest.approx(0.10, abs=0.02)


def test_another_hydroborate_is_a_parameter_change(tmp_path):
    """An SE with [B10H10]2- (onset ~3.15 V) instead of [B12H12]2-: a new parameter set,
    no code; the earlier onset decomposes more in the first charge."""
    path = tmp_path / "b10.toml"
    path.write_text(
        'extends = "asakura2020"\nanions = ["B10H10", "CB11H12"]\n[parameters]\n'
        '"SE anion (0) decomposition potential [V]" = { value = 3.15, source = "estimate: [B10H10]2- onset" }\n'
    )
    b10 = cycles_of(["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"], parameter_set=path).cycles
    b12 = cycles_of(["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"]).cycles
    assert b10.loc[0, "decomposition_charge_B10H10_mAh_g"] > b12.loc[0, B12]


def test_decomposition_is_faster_at_60C():
    """T11: Arrhenius kinetics -- more decomposition in the same first charge at 60 °C."""
    steps = ["Charge at C/10 until 4.05 V", "Discharge at C/10 until 2.5 V"]
    cold = cycles_of(steps).cycles
    hot = cycles_of(steps, overrides={"Ambient temperature [K]": 333.15}).cycles
    assert hot.loc[0, B12] > 1.05 * cold.loc[0, B12]


def test_interphase_none_reproduces_the_plain_cell():
    """With the interphase off, the results of the cell model before the interphase
    existed are unchanged (stored from that version, with its parameter values; regenerated
    from it with the particle filling solved in units of 1e-3 as now, particle.py: R1 moved
    by up to 2.6e-4, the rest by < 1e-6)."""
    baseline = json.loads((Path(__file__).parent / "data" / "no_interphase_baseline.json").read_text())
    for name in ("cutoff_sweep", "rate_test"):
        # that version's discretisation (uniform radial mesh) and its mean voltage (trapezoid
        # rule on the stored points; now integrated over the solver's steps, test_numerics.py)
        result = ssbsim.run(
            name, overrides=baseline["parameters"], options={"interphase": "none", "radial mesh": "uniform"}
        )
        cycles = result.cycles.assign(mean_discharge_voltage_V=trapezoid_mean_discharge_voltage(result))
        for column, values in baseline[name].items():
            # within the solver's tolerance (rtol 1e-4): that version stepped per step model
            np.testing.assert_allclose(cycles[column], values, rtol=2e-4, err_msg=f"{name}: {column}")


def trapezoid_mean_discharge_voltage(result):
    """Mean discharge voltage of each cycle as ssbsim computed it before issue 12: the
    trapezoid rule on the time series stored at the experiment's period."""
    ts = result.timeseries
    means = []
    for _, cycle in ts.groupby("cycle"):
        energy = charge = 0.0
        for _, step in cycle.groupby("step"):
            q = step["discharge_capacity_Ah"].to_numpy()
            if q[-1] - q[0] > 0:
                energy += np.trapezoid(step["current_A"] * step["voltage_V"], step["time_s"]) / 3600
                charge += q[-1] - q[0]
        means.append(energy / charge)
    return means


def test_algebraic_and_resolved_formulations_agree(cell_a):
    """The interphase in the resolved composite matches the averaged one (thin composite)."""
    steps = ["Charge at C/10 until 4.30 V", "Discharge at C/10 until 2.5 V"]
    averaged = cycles_of(steps).cycles
    resolved = cycles_of(steps, options={"cathode": "resolved"}).cycles
    for column in (B12, "cathode_interphase_resistance_ohm_cm2", "coulombic_efficiency"):
        assert resolved.loc[0, column] == pytest.approx(averaged.loc[0, column], rel=0.02)
