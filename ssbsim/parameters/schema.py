"""The parameters a cell's parameter set must or may give: names, units and ranges.

Names follow PyBaMM's convention, with SI units in brackets (``"SE conductivity
[S.m-1]"``). Each entry is ``name: (range, meaning)``; ranges are checked on load and on
``--set``. Parameters that the model needs but that follow from others (thickness of
the composite, volume fractions, capacities, initial potentials) are *derived*
(``derived.py``) and may not be set directly.
"""

import math
import re

POSITIVE = "positive"
NONNEGATIVE = "non-negative"
FRACTION = "fraction"  # 0 < v <= 1
OPEN_FRACTION = "open fraction"  # 0 <= v < 1
STOICHIOMETRY = "stoichiometry"  # 0 < v < 1
TEMPERATURE = "temperature"  # 150 K .. 700 K
POTENTIAL = "potential"  # -1 V .. 10 V vs Na+/Na

REQUIRED = {
    # cell
    "Electrode area [m2]": (POSITIVE, "geometric area of the cell"),
    "Reference temperature [K]": (TEMPERATURE, "temperature of the reference values of all rates"),
    "Ambient temperature [K]": (TEMPERATURE, "cell temperature (an experiment's temperature_C overrides it)"),
    "Lower voltage cut-off [V]": (POTENTIAL, "solver safety bound, below every protocol"),
    "Upper voltage cut-off [V]": (POTENTIAL, "solver safety bound, above every protocol"),
    # solid electrolyte and separator
    "Separator thickness [m]": (POSITIVE, "thickness of the SE separator layer"),
    "SE conductivity [S.m-1]": (POSITIVE, "Na+ conductivity of the SE at the reference temperature"),
    "SE conductivity activation energy [J.mol-1]": (NONNEGATIVE, "Arrhenius activation energy of the SE conductivity"),
    "SE density [kg.m-3]": (POSITIVE, "density of the SE"),
    # composite cathode
    "Positive electrode active material loading [kg.m-2]": (POSITIVE, "active material mass per geometric area"),
    "Positive electrode active material mass fraction": (FRACTION, "active material share of the composite mass"),
    "Positive electrode SE mass fraction": (OPEN_FRACTION, "SE share of the composite mass"),
    "Positive electrode carbon mass fraction": (OPEN_FRACTION, "carbon share of the composite mass"),
    "Positive electrode active material density [kg.m-3]": (POSITIVE, "density of the active material"),
    "Carbon density [kg.m-3]": (POSITIVE, "density of the conductive carbon"),
    "Positive electrode porosity": (OPEN_FRACTION, "void fraction of the pressed composite"),
    "Positive electrode Bruggeman coefficient": (NONNEGATIVE, "tortuosity exponent of the SE in the composite"),
    "Positive electrode active material molar mass [kg.mol-1]": (POSITIVE, "molar mass per formula unit"),
    "Positive electrode cycled Na per formula unit": (
        POSITIVE,
        "Na exchanged per formula unit over the full window (defines 1C)",
    ),
    "Positive electrode electrochemically active fraction": (
        FRACTION,
        "share of the active material connected to both SE and carbon",
    ),
    "Positive particle radius [m]": (POSITIVE, "equivalent-sphere radius (single size; median of a distribution)"),
    "Positive particle diffusivity [m2.s-1]": (
        POSITIVE,
        "Na diffusivity in the active material at the reference temperature",
    ),
    "Positive particle diffusivity activation energy [J.mol-1]": (
        NONNEGATIVE,
        "Arrhenius activation energy of the diffusivity",
    ),
    "Positive electrode exchange-current density [A.m-2]": (
        POSITIVE,
        "intercalation exchange-current density at half filling, reference temperature",
    ),
    "Positive electrode exchange-current density activation energy [J.mol-1]": (
        NONNEGATIVE,
        "Arrhenius activation energy of the intercalation exchange current",
    ),
    "Initial positive electrode stoichiometry": (
        STOICHIOMETRY,
        "initial filling of the cycled Na window (1 = fully sodiated)",
    ),
    # Na metal anode
    "Na metal exchange-current density [A.m-2]": (
        POSITIVE,
        "plating/stripping exchange-current density at full contact, reference temperature",
    ),
    "Na metal exchange-current density activation energy [J.mol-1]": (
        NONNEGATIVE,
        "Arrhenius activation energy of the Na exchange current",
    ),
    "Na metal anode thickness [m]": (POSITIVE, "initial Na foil thickness"),
    "Na metal density [kg.m-3]": (POSITIVE, "density of Na metal"),
    "Na molar mass [kg.mol-1]": (POSITIVE, "molar mass of Na"),
    "Anode contact loss coefficient [m2.C-1]": (NONNEGATIVE, "contact area lost per stripped charge (void formation)"),
    "Anode contact recovery coefficient [m2.C-1]": (
        NONNEGATIVE,
        "contact area regained per plated charge (voids refilled)",
    ),
}

OPTIONAL = {
    "Positive particle radius standard deviation [m]": (
        POSITIVE,
        "lognormal size distribution: standard deviation of the radius",
    ),
    "Positive particle minimum radius [m]": (POSITIVE, "size distribution: smallest radius"),
    "Positive particle maximum radius [m]": (POSITIVE, "size distribution: largest radius"),
    # SE inventory and interphase growth laws: see ssbsim/model/interphase_growth.py
    "SE molar mass [kg.mol-1]": (POSITIVE, "molar mass of one SE formula unit (SE inventory = contact)"),
    "SE anions per formula unit": (POSITIVE, "anions per SE formula unit (SE inventory = contact)"),
    "Positive electrode SE contact fraction": (
        FRACTION,
        "share of the composite's SE in contact with the cathode, able to decompose (SE inventory = contact)",
    ),
    "Positive electrode interphase cracking coefficient [m2.C-1]": (
        NONNEGATIVE,
        "share of the passivating film broken per intercalated charge per particle area (growth = cracking)",
    ),
    "Positive electrode isolating film resistance [Ohm.m2]": (
        POSITIVE,
        "film resistance per particle area that cuts a particle off (active material loss = film isolation)",
    ),
    "Positive electrode film resistance spread": (
        POSITIVE,
        "lognormal spread of the film resistance among particles (active material loss = film isolation)",
    ),
}

#: indexed families: regex -> (range, meaning); the index is the MSMR reaction number
PATTERNS = {
    r"Positive electrode host site standard potential \((\d+)\) \[V\]": (
        POTENTIAL,
        "MSMR plateau potential of reaction j",
    ),
    r"Positive electrode host site occupancy fraction \((\d+)\)": (
        FRACTION,
        "MSMR share of the cycled Na held by reaction j",
    ),
    r"Positive electrode host site ideality factor \((\d+)\)": (
        POSITIVE,
        "MSMR ideality factor of reaction j (smaller = flatter plateau)",
    ),
    # SE anion families k (the interphase): see ssbsim/model/interphase.py
    r"SE anion \((\d+)\) mole fraction": (FRACTION, "share of anion k among the SE's anions"),
    r"SE anion \((\d+)\) decomposition potential \[V\]": (
        POTENTIAL,
        "reference potential of the Tafel law of anion k (kinetic, not a measured onset)",
    ),
    r"SE anion \((\d+)\) decomposition rate constant \[A.m-2\]": (
        POSITIVE,
        "decomposition current density of pure anion k at its reference potential, film-free, reference temperature",
    ),
    r"SE anion \((\d+)\) decomposition transfer coefficient": (
        FRACTION,
        "anodic transfer coefficient of the decomposition",
    ),
    r"SE anion \((\d+)\) decomposition activation energy \[J.mol-1\]": (
        NONNEGATIVE,
        "Arrhenius activation energy of the decomposition",
    ),
    r"SE anion \((\d+)\) electrons per decomposed anion": (POSITIVE, "charge per decomposed anion, in electrons"),
    r"SE anion \((\d+)\) product molar volume \[m3.mol-1\]": (
        POSITIVE,
        "film volume formed per mole of decomposed anion",
    ),
    r"SE anion \((\d+)\) product resistivity \[Ohm.m\]": (NONNEGATIVE, "Na+ resistivity of the product layer"),
    r"SE anion \((\d+)\) product passivation length \[m\]": (
        POSITIVE,
        "product thickness that cuts electron transfer by a factor e",
    ),
    r"SE anion \((\d+)\) product electronic conductivity \[S.m-1\]": (
        NONNEGATIVE,
        "electronic conductivity of the product of anion k, for electron migration through it (growth = leaky)",
    ),
}

DERIVED = {
    "Positive electrode active material volume fraction": "from mass fractions, densities and porosity",
    "Positive electrode SE volume fraction": "from mass fractions, densities and porosity",
    "Positive electrode carbon volume fraction": "from mass fractions, densities and porosity",
    "Positive electrode active volume fraction": "active material volume fraction x electrochemically active fraction",
    "Positive electrode thickness [m]": "loading / (density x active material volume fraction)",
    "Maximum concentration in positive electrode [mol.m-3]": "density / molar mass x cycled Na per formula unit",
    "Positive electrode theoretical specific capacity [A.h.kg-1]": "cycled Na x F / (3600 x molar mass)",
    "Nominal cell capacity [A.h]": "theoretical specific capacity x loading x area (defines 1C)",
    "Positive electrode OCP [V]": "tabulated inverse of the MSMR isotherm (host site parameters)",
}
DERIVED_PATTERNS = [r"Positive particle radius \d+ \[m\]", r"Positive particle volume share( \d+)?"]

_UNIT = re.compile(r"^(.*?)\s*\[([^\]]*)\]\s*$")


def split_unit(name):
    """("SE conductivity", "S.m-1") for "SE conductivity [S.m-1]"; (name, None) if unitless."""
    m = _UNIT.match(name)
    return (m.group(1), m.group(2)) if m else (name.strip(), None)


def spec(name):
    """(range, meaning) of a settable parameter, or None if the name is not known."""
    if name in REQUIRED:
        return REQUIRED[name]
    if name in OPTIONAL:
        return OPTIONAL[name]
    for pattern, entry in PATTERNS.items():
        if re.fullmatch(pattern, name):
            return entry
    return None


def is_derived(name):
    return name in DERIVED or any(re.fullmatch(p, name) for p in DERIVED_PATTERNS)


def known_names(indexed=4):
    """Settable names: the fixed ones and the indexed families for indices 0..indexed-1
    (for messages and suggestions)."""
    from ..model.interphase import anion_names
    from ..model.ocp import reaction_names

    names = list(REQUIRED) + list(OPTIONAL)
    for k in range(indexed):
        names += list(reaction_names(k)) + list(anion_names(k).values())
    return names


def check_range(value, kind):
    """Message if ``value`` violates ``kind``, else None."""
    if not math.isfinite(value):
        return "must be a finite number"
    if kind == POSITIVE and not value > 0:
        return f"must be positive, got {value:g}"
    if kind == NONNEGATIVE and not value >= 0:
        return f"must be non-negative, got {value:g}"
    if kind == FRACTION and not 0 < value <= 1:
        return f"must be in (0, 1], got {value:g}"
    if kind == OPEN_FRACTION and not 0 <= value < 1:
        return f"must be in [0, 1), got {value:g}"
    if kind == STOICHIOMETRY and not 0 < value < 1:
        return f"must be in (0, 1), got {value:g}"
    if kind == TEMPERATURE and not 150 <= value <= 700:
        return f"must be a temperature in kelvin between 150 and 700, got {value:g}"
    if kind == POTENTIAL and not -1 <= value <= 10:
        return f"must be a potential in volts vs Na+/Na between -1 and 10, got {value:g}"
    return None
