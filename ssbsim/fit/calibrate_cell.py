"""Calibrate Cell A's fitted parameters against the brief's targets, and print the table.

    python -m ssbsim.fit.calibrate_cell            # fit, print values and the table
    python -m ssbsim.fit.calibrate_cell --write    # ... and store them in the parameter set

Fits, each by bounded least squares in log space on the shipped protocols
(``ssbsim.fit.calibrate``), with the interphase as set in the parameter set:

- ``Positive particle diffusivity [m2.s-1]`` and
  ``Positive electrode electrochemically active fraction`` to T2 (discharge capacity at
  C/10, C/5 and 1C, 4.15 V cutoff; ``rate_test``);
- ``Anode contact loss coefficient [m2.C-1]`` to T5 (R1 = 77 ohm cm2 after the 40-cycle
  ``cutoff_sweep``), the recovery coefficient kept at 1/4 of it (an estimate: R1 levels
  off near 5x its initial value).

The anode exchange-current density follows from R1 = 31 ohm cm2 before cycling in
closed form, R1 = RT/(F j0).
"""

import sys

from .calibrate import command, fit
from .targets import CELL_A_TARGETS

F, R = 96485.33212, 8.314462618
LOSS, RECOVERY = "Anode contact loss coefficient [m2.C-1]", "Anode contact recovery coefficient [m2.C-1]"


def calibrate(base, verbose=False):
    """Fitted values (the cell's, not the interphase's)."""
    fitted = {"Na metal exchange-current density [A.m-2]": R * base["Reference temperature [K]"] / (F * 31e-4)}
    base = base.with_overrides(fitted, source="calibration")
    values, _ = fit(
        {
            "Positive particle diffusivity [m2.s-1]": (base["Positive particle diffusivity [m2.s-1]"], 1e-17, 1e-13),
            "Positive electrode electrochemically active fraction": (
                base["Positive electrode electrochemically active fraction"],
                0.3,
                1.0,
            ),
        },
        [t for t in CELL_A_TARGETS if t.id == "T2"],
        base,
        verbose=verbose,
    )
    fitted.update(values)
    base = base.with_overrides(values, source="calibration")
    ratio = base[RECOVERY] / base[LOSS]
    values, _ = fit(
        {LOSS: (base[LOSS], 1e-8, 1e-3)},
        [t for t in CELL_A_TARGETS if t.id == "T5" and "after" in t.quantity],
        base,
        tied=lambda v: {RECOVERY: ratio * v[LOSS]},
        verbose=verbose,
    )
    fitted.update(values)
    return fitted


def main(argv=None):
    return command("python -m ssbsim.fit.calibrate_cell", __doc__.split("\n")[0], calibrate, CELL_A_TARGETS, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
