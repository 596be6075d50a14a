"""Every shipped experiment runs end to end through ``ssbsim run`` (as scikit-fem runs its
examples): outputs complete, physics within bounds. An experiment of another cell is named
after its parameter set (``duchene2020_cycling`` -> ``-p duchene2020``); the others run on
the default, Cell A."""

import pandas as pd
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.constants import F
from ssbsim.resources import shipped

LONG = {"formation_4p15V", "formation_4p30V", "rate_test_longterm"}


def parameter_set_of(experiment):
    """The shipped parameter set an experiment is named after, else the default (Cell A)."""
    return next((s for s in shipped("parameter_sets") if experiment.startswith(f"{s}_")), "asakura2020")


def theoretical_capacity(parameter_set):
    """Theoretical specific capacity of the cathode [mAh/g], n F / (3.6 M)."""
    p = ssbsim.load_parameter_set(parameter_set)
    n, M = (
        p.get(f"Positive electrode {q}")
        for q in ("cycled Na per formula unit", "active material molar mass [kg.mol-1]")
    )
    return n * F / (3.6 * M) / 1000


def test_experiments_of_other_cells_run_on_their_own_set():
    assert parameter_set_of("duchene2020_cycling") == "duchene2020"
    assert parameter_set_of("cutoff_sweep") == parameter_set_of("formation_4p15V") == "asakura2020"
    assert abs(theoretical_capacity("asakura2020") - 130.2) < 0.1  # 2 Na in Na3(VOPO4)2F


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in LONG else n for n in shipped("experiments")]
)
def test_experiment_runs(name, tmp_path):
    cell = parameter_set_of(name)
    assert main(["run", name, "-p", cell, "-o", str(tmp_path), "-q"]) == 0
    spec = ssbsim.load_experiment(name)
    cycles = pd.read_csv(tmp_path / "cycles.csv")
    assert len(cycles) == spec.n_cycles
    if spec.has_sweeps:  # voltammetry of the SE on SE:carbon: no intercalation host (issue 11)
        volt = pd.read_csv(tmp_path / "voltammogram.csv")
        assert set(volt["cycle"]) == set(cycles["cycle"])
        assert (volt["potential_V"].groupby(volt["cycle"]).max().to_numpy() == cycles["upper_cutoff_V"]).all()
        assert len(pd.read_csv(tmp_path / "onsets.csv")) >= 2  # both anions oxidise within the window
        assert cycles["electrolyte_resistance_ohm_cm2"].nunique() == 1
        assert (tmp_path / "voltammogram.png").stat().st_size > 10_000
        return
    theoretical = theoretical_capacity(cell)  # mAh/g; Cell A: 130.2, 2 Na in Na3(VOPO4)2F
    assert (cycles["discharge_capacity_mAh_g"] > 0).all()
    assert (cycles["charge_capacity_mAh_g"] < theoretical).all()
    if not name.startswith("rate_test"):  # after a rate step down, a discharge returns more than its charge
        assert (cycles["coulombic_efficiency"].iloc[1:] < 1 + 1e-3).all()
    assert cycles["electrolyte_resistance_ohm_cm2"].nunique() == 1  # R0 constant (T4)
    R1 = cycles["anode_interface_resistance_ohm_cm2"]
    assert (R1.diff().dropna() > -1e-4 * R1.max()).all() or name.startswith("rate_test")  # csv rounding
    for figure in ("voltage_capacity.png", "capacity_efficiency.png", "resistances.png"):
        assert (tmp_path / figure).stat().st_size > 10_000
