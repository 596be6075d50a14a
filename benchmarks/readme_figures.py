"""Regenerate the figures of the README from the shipped cutoff sweep.

.venv/bin/python benchmarks/readme_figures.py
"""

from pathlib import Path

import ssbsim
from ssbsim.observables.figures import interphase, resistances, voltage_capacity

HERE = Path(__file__).resolve().parent / "figures"


def main():
    HERE.mkdir(exist_ok=True)
    result = ssbsim.run("cutoff_sweep")
    for name, make in {
        "voltage_capacity": voltage_capacity,
        "resistances": resistances,
        "interphase": interphase,
    }.items():
        fig = make(result)
        fig.savefig(HERE / f"cutoff_sweep_{name}.png", dpi=100)


if __name__ == "__main__":
    main()
