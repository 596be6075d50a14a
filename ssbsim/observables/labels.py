"""Axis labels of every figure: one table of quantities with their symbols and units.

``label(name)`` gives the axis label of a column of ssbsim's tables (``cycles.csv``, the
time series, study metrics, fit quantities) or of a parameter's full name
(``"SE conductivity [S.m-1]"`` -> ``"SE conductivity (S m⁻¹)"``; ``[C]`` -> ``°C``;
``Ohm`` -> ``Ω``; exponents as superscripts). Unicode, not mathtext: mathtext's parser
cost 0.9 s per ``ssbsim run`` (figures.py). A name not in the table and without a unit
is turned into words (``_`` -> space) rather than shown raw.
"""

import re

#: column -> (quantity, unit or "")
QUANTITIES = {
    "cycle": ("Cycle number", ""),
    "time_s": ("Time", "s"),
    "time_h": ("Time", "h"),
    "voltage_V": ("Cell voltage vs Na⁺/Na", "V"),
    "voltage": ("Cell voltage", "V"),
    "current_A": ("Current, discharge > 0", "A"),
    "potential_V": ("Potential vs Na⁺/Na", "V"),
    "current_density_mA_cm2": ("Current density, anodic > 0", "mA cm⁻²"),
    "current": ("Current density, anodic > 0", "mA cm⁻²"),
    "onset_V": ("Onset potential (two-line method)", "V"),
    "memory": ("Next / previous scan current", ""),
    "reverse_fraction": ("Cathodic / anodic charge", ""),
    "soar": ("Top current / 0.25 V below", ""),
    "specific_capacity_mAh_g": ("Specific capacity", "mAh g⁻¹"),
    "dqdv_mAh_g_V": ("dQ/dV", "mAh g⁻¹ V⁻¹"),
    "charge_capacity_mAh_g": ("Charge capacity", "mAh g⁻¹"),
    "discharge_capacity_mAh_g": ("Discharge capacity", "mAh g⁻¹"),
    "irreversible_capacity_mAh_g": ("Irreversible capacity per cycle", "mAh g⁻¹"),
    "coulombic_efficiency": ("Coulombic efficiency", "%"),
    "energy_efficiency": ("Energy efficiency", "%"),
    "mean_discharge_voltage_V": ("Mean discharge voltage", "V"),
    "mean_charge_voltage_V": ("Mean charge voltage", "V"),
    "max_voltage_V": ("Maximum voltage", "V"),
    "upper_cutoff_V": ("Upper cut-off voltage", "V"),
    "electrolyte_resistance_ohm_cm2": ("R₀, SE separator", "Ω cm²"),
    "anode_interface_resistance_ohm_cm2": ("R₁, Na anode interface", "Ω cm²"),
    "cathode_interphase_resistance_ohm_cm2": ("R₂, cathode interphase", "Ω cm²"),
    "composite_ionic_resistance_ohm_cm2": ("Composite ionic resistance", "Ω cm²"),
    "r0_ohm_cm2": ("R₀ (circuit fit)", "Ω cm²"),
    "r1_ohm_cm2": ("R₁ (circuit fit)", "Ω cm²"),
    "r2_ohm_cm2": ("R₂ (circuit fit)", "Ω cm²"),
    "resistance_ohm_cm2": ("Area-specific resistance", "Ω cm²"),
    "temperature_C": ("Temperature", "°C"),
    "c_rate": ("C-rate", "C"),
    "z_real_ohm_cm2": ("Z′", "Ω cm²"),
    "z_imag_ohm_cm2": ("−Z″", "Ω cm²"),
    "first_coulombic_efficiency": ("First-cycle Coulombic efficiency", "%"),
    "first_discharge_capacity_mAh_g": ("First discharge capacity", "mAh g⁻¹"),
    "last_discharge_capacity_mAh_g": ("Last discharge capacity", "mAh g⁻¹"),
    "capacity_retention": ("Capacity retention", "%"),
    "final_interphase_resistance_ohm_cm2": ("Final R₂, cathode interphase", "Ω cm²"),
    "residual": ("Residual / σ", ""),
    "profile": ("2 Δcost / s²", ""),
}
#: fractions stored in [0, 1], shown in %
PERCENT = {name for name, (_, unit) in QUANTITIES.items() if unit == "%"}
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
UNIT_WORDS = {"Ohm": "Ω", "ohm": "Ω", "C": "°C", "degC": "°C"}
_BRACKET = re.compile(r"^(.*?)\s*\[([^\]]*)\]\s*$")
_SUFFIX = (("_first", "first"), ("_last", "last"))


def unit_text(unit):
    """``S.m-1`` -> ``S m⁻¹``, ``Ohm.m2`` -> ``Ω m²``, ``C`` -> ``°C``."""
    parts = []
    for token in unit.replace("·", ".").split("."):
        m = re.fullmatch(r"([A-Za-zµ]+)(-?\d+)?", token.strip())
        if not m:
            parts.append(token)
            continue
        base, power = m.groups()
        parts.append(UNIT_WORDS.get(base, base) + (power or "").translate(SUPERSCRIPT))
    return " ".join(parts)


def quantity(name):
    """(quantity, unit) of a column or parameter name."""
    if name in QUANTITIES:
        return QUANTITIES[name]
    for suffix, word in _SUFFIX:  # study metrics: <column>_first / _last
        if name.endswith(suffix) and name[: -len(suffix)] in QUANTITIES:
            what, unit = QUANTITIES[name[: -len(suffix)]]
            return f"{what}, {word} cycle", unit
    for prefix, (what, unit) in (
        ("decomposition_charge_", ("Decomposition charge of [{}]", "mAh g⁻¹")),
        ("anion_inventory_remaining_", ("Contact inventory left of [{}]", "%")),
    ):
        if name.startswith(prefix):
            anion = name.removeprefix(prefix).removesuffix("_mAh_g")
            return what.format(anion), unit
    m = _BRACKET.match(name)
    if m:  # a parameter's full name, "protocol: temperature [C]"
        what = m.group(1).removeprefix("protocol: ")
        return what[:1].upper() + what[1:], unit_text(m.group(2))
    what = name.replace("_", " ")
    return what[:1].upper() + what[1:], ""  # not str.capitalize: it lowercases "SE" in a parameter name


def label(name):
    """Axis label: ``Quantity (unit)``."""
    what, unit = quantity(name)
    return f"{what} ({unit})" if unit else what


def scale(name):
    """Factor from the stored value to the shown one (100 for fractions shown in %)."""
    base = name
    for suffix, _ in _SUFFIX:
        base = base.removesuffix(suffix)
    return 100.0 if base in PERCENT or name.startswith("anion_inventory_remaining_") else 1.0
