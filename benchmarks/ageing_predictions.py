"""Predictions of the calibrated Cell A for conditions it was not fitted to (issue 9):
long-term cycling to 4.30 V, at 60 °C, and the rate test followed by 150 cycles at C/5.
Prints Markdown tables.

.venv/bin/python benchmarks/ageing_predictions.py
"""

import ssbsim

COLUMNS = {
    "discharge_capacity_mAh_g": "discharge capacity / mAh g-1",
    "coulombic_efficiency": "CE",
    "energy_efficiency": "energy efficiency",
    "cathode_interphase_resistance_ohm_cm2": "R2 / ohm cm2",
    "anode_interface_resistance_ohm_cm2": "R1 / ohm cm2",
    "anion_inventory_remaining_B12H12": "[B12H12]2- left",
    "anion_inventory_remaining_CB11H12": "[CB11H12]- left",
}


def table(title, result, cycles):
    c = result.cycles.set_index("cycle")
    print(f"\n{title}\n\n| cycle | " + " | ".join(COLUMNS.values()) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for n in cycles:
        row = c.loc[n]
        print(f"| {n} | " + " | ".join(f"{row[col]:.4g}" for col in COLUMNS) + " |")
    return c


def main():
    c = table("4.30 V, 25 °C", ssbsim.run("formation_4p30V"), (1, 2, 3, 50, 100, 160, 200))
    print(
        f"\ncycle 1 at 4.30 V: CE {c.loc[1, 'coulombic_efficiency']:.4f}, "
        f"irreversible {c.loc[1, 'irreversible_capacity_mAh_g']:.2f} mAh/g"
    )
    for label, kelvin in (("25 °C", 298.15), ("60 °C", 333.15)):
        result = ssbsim.run("formation_4p15V", overrides={"Ambient temperature [K]": kelvin})
        table(f"4.15 V, {label}", result, (1, 3, 100, 400, 800))
    table(
        "rate test, then 150 cycles at C/5 (4.15 V)",
        ssbsim.run("rate_test_longterm"),
        (5, 10, 15, 20, 25, 75, 125, 175),
    )


if __name__ == "__main__":
    main()
