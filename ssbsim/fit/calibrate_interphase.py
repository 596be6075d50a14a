"""Calibrate Cell A's interphase kinetics against T6, T7 and T9, and print the table.

The fit also asks for the passivation memory the brief describes (a second charge to the
same cutoff decomposes at least 10x less than the first), which T9's second-cycle
efficiency (98.5 +- 1.5 %) leaves open.

    python -m ssbsim.fit.calibrate_interphase            # fit, print values and the table
    python -m ssbsim.fit.calibrate_interphase --write    # ... and store them in the set

Fits by bounded least squares in log space (``ssbsim.fit.calibrate``), on the shipped
cutoff sweep and the first 40 cycles of the 4.15 V formation protocol, the rate
constants, product resistivities and passivation lengths of both anions and the
transfer coefficient of [B12H12]2-. The [CB11H12]- transfer coefficient (1, the steepest
one-electron Tafel slope: its current "soars" above 4.20 V), the anion fractions,
reference potentials (the voltammetric onsets), electrons per anion, molar volumes and
activation energies stay at their documented values.
Run ``python -m ssbsim.fit.calibrate_cell`` first: the two calibrations are nearly
independent (the interphase barely changes the capacities at C/10 to 1C).
"""

import sys

from ..model.interphase import anion_names
from .calibrate import command, fit
from .targets import CELL_A_INTERPHASE_TARGETS

#: targets fitted (T11 follows from the activation energies; known gaps are reported only)
FITTED_TARGETS = [
    t for t in CELL_A_INTERPHASE_TARGETS if t.id in ("T6", "T7", "T9", "memory") and not t.known_gap
]
FIT_CYCLES = 40  # the whole sweep; the formation runs' first 40 cycles

BOUNDS = {
    "rate": (1e-6, 1e4),
    "alpha": (0.1, 1.0),
    "resistivity": (1e3, 1e10),
    "length": (1e-10, 1e-5),
}
FITTED = [(0, "rate"), (0, "alpha"), (0, "resistivity"), (0, "length"), (1, "rate"), (1, "resistivity"), (1, "length")]


def calibrate(base, verbose=False):
    parameters = {}
    for k, key in FITTED:
        name = anion_names(k)[key]
        low, high = BOUNDS[key]
        parameters[name] = (min(max(base[name], low), high), low, high)
    values, solution = fit(parameters, FITTED_TARGETS, base, cycles=FIT_CYCLES, verbose=verbose)
    print(f"cost {solution.cost:.4g} after {solution.nfev} evaluations")
    return values


def main(argv=None):
    return command(
        "python -m ssbsim.fit.calibrate_interphase", __doc__.split("\n")[0], calibrate, CELL_A_INTERPHASE_TARGETS, argv=argv
    )


if __name__ == "__main__":
    sys.exit(main())
