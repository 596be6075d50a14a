"""Regenerate the figures of the README from the shipped cutoff sweep.

.venv/bin/python benchmarks/readme_figures.py
"""

from pathlib import Path

import ssbsim
from ssbsim.observables.figures import interphase, resistances, voltage_capacity
from ssbsim.observables.impedance_figures import fitted_resistances, nyquist

HERE = Path(__file__).resolve().parent / "figures"


def main():
    HERE.mkdir(exist_ok=True)
    result = ssbsim.run("cutoff_sweep")
    for name, make in {
        "voltage_capacity": voltage_capacity,
        "resistances": resistances,
        "interphase": interphase,
        "nyquist": nyquist,
        "resistances_fitted": fitted_resistances,
    }.items():
        fig = make(result)
        fig.savefig(HERE / f"cutoff_sweep_{name}.png", dpi=100)


if __name__ == "__main__":
    main()
