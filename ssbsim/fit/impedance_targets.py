"""T4-T6 of the brief on the circuit-fitted resistances of the simulated spectra, beside
the state-based values: ``python -m ssbsim.fit.impedance_targets``.

The paper's resistances are R0 + R1/CPE1 + R2/CPE2 fits of spectra taken at the initial
OCV and after the 30 min rest in the 2nd cycle of each cutoff step (cycles 2, 7, ... 37);
the state-based values are read from the model at the end of a cycle.
"""

import pandas as pd

#: (id, what, target, tolerance kind, tolerance, spectrum cycle, fitted column, state column, state cycle)
TARGETS = [
    ("T4", "R0 before cycling", 50.0, "rel", 0.25, 1, "r0_ohm_cm2", "electrolyte_resistance_ohm_cm2", 1),
    ("T4", "R0 at the last spectrum", 50.0, "rel", 0.25, 37, "r0_ohm_cm2", "electrolyte_resistance_ohm_cm2", 40),
    ("T5", "R1 before cycling", 31.0, "rel", 0.25, 1, "r1_ohm_cm2", "anode_interface_resistance_ohm_cm2", 1),
    ("T5", "R1 at the end of the sweep", 77.0, "rel", 0.25, 37, "r1_ohm_cm2", "anode_interface_resistance_ohm_cm2", 40),
    ("T6", "R2 at 4.15 V (at most)", 80.0, "max", None, 12, "r2_ohm_cm2", "cathode_interphase_resistance_ohm_cm2", 12),
    ("T6", "R2 at 4.20 V", 100.0, "rel", 0.25, 17, "r2_ohm_cm2", "cathode_interphase_resistance_ohm_cm2", 17),
    (
        "T6",
        "R2 at the end of the 4.40 V step",
        1000.0,
        "rel",
        0.25,
        37,
        "r2_ohm_cm2",
        "cathode_interphase_resistance_ohm_cm2",
        40,
    ),
]


def _ok(value, target, kind, tol):
    if value != value:
        return False
    return value <= target if kind == "max" else abs(value - target) <= tol * target


def table(result):
    """DataFrame: id, quantity, target, tolerance, state-based (cycle), ok, circuit-fitted (cycle), ok."""
    fits = result.impedance_fits.drop_duplicates("cycle", keep="first").set_index("cycle")
    cycles = result.cycles.set_index("cycle")
    rows = []
    for tid, what, target, kind, tol, spectrum_cycle, fitted, state, state_cycle in TARGETS:
        v_state = float(cycles.loc[state_cycle, state])
        v_fit = float(fits.loc[spectrum_cycle, fitted])
        rows.append(
            {
                "id": tid,
                "quantity": what,
                "target_ohm_cm2": target,
                "tolerance": "at most" if kind == "max" else f"±{tol:.0%}",
                "state_based": round(v_state, 1),
                "state_cycle": state_cycle,
                "state_ok": _ok(v_state, target, kind, tol),
                "circuit_fitted": round(v_fit, 1),
                "spectrum_cycle": spectrum_cycle,
                "fitted_ok": _ok(v_fit, target, kind, tol),
            }
        )
    return pd.DataFrame(rows)


def main():
    import ssbsim

    frame = table(ssbsim.run("cutoff_sweep"))
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
