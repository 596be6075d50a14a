"""Every shipped experiment runs end to end through ``ssbsim run`` (as scikit-fem runs its
examples): outputs complete, physics within bounds. Each runs on the cell its file names
(``parameter_set``), else on the default, Cell A."""

import pandas as pd
import pytest

import ssbsim
from ssbsim.cli import main
from ssbsim.constants import F
from ssbsim.resources import shipped

LONG = {"formation_4p15V", "formation_4p30V", "rate_test_longterm"}


def theoretical_capacity(spec):
    """Theoretical specific capacity [mAh/g], n F / (3.6 M), of the cathode of the cell an
    experiment runs on."""
    p = ssbsim.load_parameter_set(spec.parameter_set or "asakura2020")
    n = p.get("Positive electrode cycled Na per formula unit")
    return n * F / (3.6 * p.get("Positive electrode active material molar mass [kg.mol-1]")) / 1000


def test_cell_a_theoretical_capacity():
    assert theoretical_capacity(ssbsim.load_experiment("cutoff_sweep")) == pytest.approx(130.2, abs=0.1)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in LONG else n for n in shipped("experiments")]
)
def test_experiment_runs(name, tmp_path):
    assert main(["run", name, "-o", str(tmp_path), "-q"]) == 0
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
    theoretical = theoretical_capacity(spec)  # mAh/g; Cell A 130.2 (2 Na/NVOPF), Cell B 239.3 (1 Na/TiS2)
    assert (cycles["discharge_capacity_mAh_g"] > 0).all()
    assert (cycles["charge_capacity_mAh_g"] < theoretical).all()
    # a half cycle returns no more than the one before put in: a discharge no more than its
    # charge (charge first), a charge no more than its discharge (discharge first: Cell B)
    ce = cycles["coulombic_efficiency"].iloc[1:]
    if spec.blocks[0].steps[0].startswith("Discharge"):
        assert (1 / ce < 1 + 1e-3).all()
    elif not name.startswith("rate_test"):  # after a rate step down, a discharge returns more than its charge
        assert (ce < 1 + 1e-3).all()
    assert cycles["electrolyte_resistance_ohm_cm2"].nunique() == 1  # R0 constant (T4)
    R1 = cycles["anode_interface_resistance_ohm_cm2"]
    assert (R1.diff().dropna() > -1e-4 * R1.max()).all() or name.startswith("rate_test")  # csv rounding
    for figure in ("voltage_capacity.png", "capacity_efficiency.png", "resistances.png"):
        assert (tmp_path / figure).stat().st_size > 10_000
