"""The parameter registry: every parameter of the cell model, defined once.

Each row is one parameter: the attribute ``key`` under which the model finds its symbol
(``CellParameters``, ``ssbsim/model/cell_parameters.py``), its full name with the [SI
unit] (PyBaMM's convention), its value range, what a new value does to a built
simulation (``INPUT``: a PyBaMM input, re-solved without rebuilding; ``MESH``,
``DERIVES``, ``OCP_TABLE``: rebuilt), and its meaning. Families (per MSMR reaction
``j``, per SE anion ``k``, per size bin) are defined by one name template each. Derived
quantities (``derived.py``) are registered with how they follow from the others and may
not be set. Every value is a number in SI units. Provenance: a settable value carries the
``source`` its parameter set gives (``doi:``, ``estimate:``, ``fitted:``; ``override:``
for ``--set``), a derived value the rule it is derived by (``how``). Nothing here imports
PyBaMM.
"""

from .entries import (
    APPARENT_TRANSFER,
    DERIVES,
    FRACTION,
    INPUT,
    MESH,
    NONNEGATIVE,
    OCP_TABLE,
    OPEN_FRACTION,
    POSITIVE,
    POTENTIAL,
    STOICHIOMETRY,
    TEMPERATURE,
    Derived,
    Family,
    Group,
    Parameter,
)

# fmt: off
# -- cell ----------------------------------------------------------------------------------------------------------
CELL = Group(
    "cell",
    Parameter("A", "Electrode area [m2]", POSITIVE, DERIVES, "geometric area of the cell"),
    Parameter("T_ref", "Reference temperature [K]", TEMPERATURE, INPUT,
              "temperature of the reference values of all rates"),
    Parameter("T_amb", "Ambient temperature [K]", TEMPERATURE, OCP_TABLE,
              "cell temperature (an experiment's temperature_C overrides it)"),
    Parameter("V_min", "Lower voltage cut-off [V]", POTENTIAL, INPUT, "safety limit: stops any step"),
    Parameter("V_max", "Upper voltage cut-off [V]", POTENTIAL, INPUT, "safety limit: stops any step"),
    Parameter("P", "Stack pressure [Pa]", POSITIVE, DERIVES,
              "mechanical pressure on the cell stack while it cycles (pressure.py)", required=False),
    Parameter("P_ref", "Reference stack pressure [Pa]", POSITIVE, DERIVES,
              "stack pressure at which the active fraction and the Na exchange-current density hold (pressure.py)",
              required=False),
)
# -- solid electrolyte and separator ---------------------------------------------------------------------------------
SE = Group(
    "solid electrolyte",
    Parameter("L_s", "Separator thickness [m]", POSITIVE, INPUT, "thickness of the SE separator layer"),
    Parameter("sigma_ref", "SE conductivity [S.m-1]", POSITIVE, INPUT,
              "Na+ conductivity of the SE at the reference temperature"),
    Parameter("E_sigma", "SE conductivity activation energy [J.mol-1]", NONNEGATIVE, INPUT,
              "Arrhenius activation energy of the SE conductivity"),
    Parameter("rho", "SE density [kg.m-3]", POSITIVE, DERIVES, "density of the SE"),
)
# -- composite cathode -----------------------------------------------------------------------------------------------
COMPOSITE = Group(
    "composite cathode",
    Parameter("loading", "Positive electrode active material loading [kg.m-2]", POSITIVE, DERIVES,
              "active material mass per geometric area"),
    Parameter("w_am", "Positive electrode active material mass fraction", FRACTION, DERIVES,
              "active material share of the composite mass"),
    Parameter("w_se", "Positive electrode SE mass fraction", OPEN_FRACTION, DERIVES, "SE share of the composite mass"),
    Parameter("w_c", "Positive electrode carbon mass fraction", OPEN_FRACTION, DERIVES,
              "carbon share of the composite mass"),
    Parameter("rho_am", "Positive electrode active material density [kg.m-3]", POSITIVE, DERIVES,
              "density of the active material"),
    Parameter("rho_c", "Carbon density [kg.m-3]", POSITIVE, DERIVES, "density of the conductive carbon"),
    Parameter("porosity", "Positive electrode porosity", OPEN_FRACTION, DERIVES,
              "void fraction of the pressed composite"),
    Parameter("b", "Positive electrode Bruggeman coefficient", NONNEGATIVE, INPUT,
              "tortuosity exponent of the SE in the composite"),
    Parameter("M", "Positive electrode active material molar mass [kg.mol-1]", POSITIVE, DERIVES,
              "molar mass per formula unit"),
    Parameter("n_Na", "Positive electrode cycled Na per formula unit", POSITIVE, DERIVES,
              "Na exchanged per formula unit over the full window (defines 1C)"),
    Parameter("active_share", "Positive electrode electrochemically active fraction", FRACTION, DERIVES,
              "share of the active material connected to both SE and carbon (at the reference stack pressure)"),
    Parameter("P_contact", "Positive electrode contact pressure scale [Pa]", POSITIVE, DERIVES,
              "stack pressure scale over which open particle contacts close (pressure.py)", required=False),
    Parameter("active_share_max", "Positive electrode saturated active fraction", FRACTION, DERIVES,
              "electrochemically active fraction with every particle contact closed (pressure.py)", required=False),
)
# -- cathode particles: size, diffusion, intercalation kinetics ----------------------------------------------------
PARTICLE = Group(
    "cathode particles",
    Parameter("R", "Positive particle radius [m]", POSITIVE, MESH,
              "equivalent-sphere radius (single size; median of a distribution)"),
    Parameter("D_ref", "Positive particle diffusivity [m2.s-1]", POSITIVE, INPUT,
              "Na diffusivity in the active material at the reference temperature"),
    Parameter("E_D", "Positive particle diffusivity activation energy [J.mol-1]", NONNEGATIVE, INPUT,
              "Arrhenius activation energy of the diffusivity"),
    Parameter("j0_ref", "Positive electrode exchange-current density [A.m-2]", POSITIVE, INPUT,
              "intercalation exchange-current density at half filling, reference temperature"),
    Parameter("E_j0", "Positive electrode exchange-current density activation energy [J.mol-1]", NONNEGATIVE, INPUT,
              "Arrhenius activation energy of the intercalation exchange current"),
    Parameter("x_init", "Initial positive electrode stoichiometry", STOICHIOMETRY, INPUT,
              "initial filling of the cycled Na window (1 = fully sodiated)"),
    Parameter("R_sd", "Positive particle radius standard deviation [m]", POSITIVE, MESH,
              "lognormal size distribution: standard deviation of the radius", required=False),
    Parameter("R_min", "Positive particle minimum radius [m]", POSITIVE, MESH,
              "size distribution: smallest radius", required=False),
    Parameter("R_max", "Positive particle maximum radius [m]", POSITIVE, MESH,
              "size distribution: largest radius", required=False),
)
#: per size bin k = 1..N (particle = "distribution")
SIZE_BIN = Family(
    "size bin",
    Derived("R", "Positive particle radius {k} [m]", "geometric mean radius of bin k of the lognormal distribution"),
    Derived("share", "Positive particle volume share {k}", "volume share of bin k of the lognormal distribution"),
    first=1,
)
# -- MSMR open-circuit potential, per host-site reaction j (PyBaMM's MSMR naming) ------------------------------------
MSMR = Family(
    "MSMR reaction",
    Parameter("U0", "Positive electrode host site standard potential ({k}) [V]", POTENTIAL, OCP_TABLE,
              "MSMR plateau potential of reaction j"),
    Parameter("X", "Positive electrode host site occupancy fraction ({k})", FRACTION, OCP_TABLE,
              "MSMR share of the cycled Na held by reaction j"),
    Parameter("w", "Positive electrode host site ideality factor ({k})", POSITIVE, OCP_TABLE,
              "MSMR ideality factor of reaction j (smaller = flatter plateau)"),
)
# -- Na metal anode --------------------------------------------------------------------------------------------------
ANODE = Group(
    "Na metal anode",
    Parameter("j0_ref", "Na metal exchange-current density [A.m-2]", POSITIVE, INPUT,
              "plating/stripping exchange-current density at full contact, reference temperature"),
    Parameter("E_j0", "Na metal exchange-current density activation energy [J.mol-1]", NONNEGATIVE, INPUT,
              "Arrhenius activation energy of the Na exchange current"),
    Parameter("L", "Na metal anode thickness [m]", POSITIVE, INPUT, "initial Na foil thickness"),
    Parameter("rho", "Na metal density [kg.m-3]", POSITIVE, INPUT, "density of Na metal"),
    Parameter("M", "Na molar mass [kg.mol-1]", POSITIVE, INPUT, "molar mass of Na"),
    Parameter("k_loss", "Anode contact loss coefficient [m2.C-1]", NONNEGATIVE, INPUT,
              "contact area lost per stripped charge (void formation)"),
    Parameter("k_recovery", "Anode contact recovery coefficient [m2.C-1]", NONNEGATIVE, INPUT,
              "contact area regained per plated charge (voids refilled)"),
    Parameter("P_contact", "Na metal contact pressure scale [Pa]", POSITIVE, DERIVES,
              "stack pressure scale over which the Na|SE interface comes into full contact (pressure.py)",
              required=False),
)
# -- capacitances: impedance runs only (ssbsim/model/capacitance.py) ------------------------------------------------
CAPACITANCE = Group(
    "capacitances",
    Parameter("C_anode", "Anode double-layer capacitance [F.m-2]", POSITIVE, INPUT,
              "Na|SE double layer per contact area", required=False),
    Parameter("C_cathode", "Positive electrode double-layer capacitance [F.m-2]", POSITIVE, INPUT,
              "cathode|SE double layer per particle surface area", required=False),
    Parameter("eps_r", "SE relative permittivity", POSITIVE, INPUT,
              "dielectric constant of the SE (geometric capacitance of the separator)", required=False),
)
# -- SE:carbon working electrode, no intercalation host (ssbsim/model/carbon_electrode.py) --------------------------
CARBON = Group(
    "SE:carbon electrode",
    Parameter("loading", "Carbon electrode carbon loading [kg.m-2]", POSITIVE, INPUT,
              "carbon mass of the SE:carbon working electrode per geometric area", required=False),
    Parameter("ssa", "Carbon specific surface area [m2.kg-1]", POSITIVE, INPUT,
              "BET surface area of the carbon per mass", required=False),
    Parameter("contact", "Carbon electrode SE contact fraction", FRACTION, INPUT,
              "share of the carbon surface in contact with the SE (hosts double layer and decomposition)",
              required=False),
    Parameter("E_init", "Carbon electrode initial potential [V]", POTENTIAL, INPUT,
              "open-circuit potential of the fresh SE:carbon electrode vs Na+/Na", required=False),
)
# -- cathode/SE interphase, per SE anion k (ssbsim/model/interphase.py) ----------------------------------------------
ANION = Family(
    "SE anion",
    Parameter("fraction", "SE anion ({k}) mole fraction", FRACTION, INPUT, "share of anion k among the SE's anions"),
    Parameter("potential", "SE anion ({k}) decomposition potential [V]", POTENTIAL, INPUT,
              "reference potential of the Tafel law of anion k (kinetic, not a measured onset)"),
    Parameter("rate", "SE anion ({k}) decomposition rate constant [A.m-2]", POSITIVE, INPUT,
              "decomposition current density of pure anion k at its reference potential, film-free, "
              "reference temperature"),
    Parameter("alpha", "SE anion ({k}) decomposition transfer coefficient", APPARENT_TRANSFER, INPUT,
              "apparent anodic transfer coefficient of the decomposition, (RT/F) dln j/dE of its Tafel law"),
    Parameter("energy", "SE anion ({k}) decomposition activation energy [J.mol-1]", NONNEGATIVE, INPUT,
              "Arrhenius activation energy of the decomposition"),
    Parameter("electrons", "SE anion ({k}) electrons per decomposed anion", POSITIVE, INPUT,
              "charge per decomposed anion, in electrons"),
    Parameter("volume", "SE anion ({k}) product molar volume [m3.mol-1]", POSITIVE, INPUT,
              "film volume formed per mole of decomposed anion"),
    Parameter("resistivity", "SE anion ({k}) product resistivity [Ohm.m]", NONNEGATIVE, INPUT,
              "Na+ resistivity of the product layer"),
    Parameter("length", "SE anion ({k}) product passivation length [m]", POSITIVE, INPUT,
              "product thickness that cuts electron transfer by a factor e"),
    Parameter("sigma_e", "SE anion ({k}) product electronic conductivity [S.m-1]", NONNEGATIVE, INPUT,
              "electronic conductivity of the product of anion k, for electron migration through it "
              "(interphase growth = leaky)", required=False),
)
# -- ageing: SE inventory, film cracking, particle isolation, SE conversion (ssbsim/model/interphase_growth.py,
#    active_material_loss.py, se_conversion.py) -----------------------------------------------------------------------
AGEING = Group(
    "ageing",
    Parameter("M_se", "SE molar mass [kg.mol-1]", POSITIVE, INPUT,
              "molar mass of one SE formula unit (SE inventory = contact)", required=False),
    Parameter("anions_per_fu", "SE anions per formula unit", POSITIVE, INPUT,
              "anions per SE formula unit (SE inventory = contact)", required=False),
    Parameter("contact", "Positive electrode SE contact fraction", FRACTION, INPUT,
              "share of the composite's SE in contact with the cathode, able to decompose (SE inventory = contact)",
              required=False),
    Parameter("beta", "Positive electrode interphase cracking coefficient [m2.C-1]", NONNEGATIVE, INPUT,
              "share of the passivating film broken per intercalated charge per particle area (growth = cracking)",
              required=False),
    Parameter("rho_iso", "Positive electrode isolating film resistance [Ohm.m2]", POSITIVE, INPUT,
              "film resistance per particle area that cuts a particle off (active material loss = film isolation)",
              required=False),
    Parameter("spread", "Positive electrode film resistance spread", POSITIVE, INPUT,
              "lognormal spread of the film resistance among particles (active material loss = film isolation)",
              required=False),
    Parameter("k_conversion", "SE conversion rate constant [s-1]", NONNEGATIVE, INPUT,
              "first-order rate of the composite SE's conversion into a poorer conductor, reference temperature "
              "(SE conversion = first order)", required=False),
    Parameter("E_conversion", "SE conversion activation energy [J.mol-1]", NONNEGATIVE, INPUT,
              "Arrhenius activation energy of the SE conversion (SE conversion = first order)", required=False),
)
# -- derived quantities (ssbsim/parameters/derived.py): not settable -------------------------------------------------
DERIVED = Group(
    "derived",
    Derived("eps_am", "Positive electrode active material volume fraction",
            "from mass fractions, densities and porosity"),
    Derived("eps_se", "Positive electrode SE volume fraction", "from mass fractions, densities and porosity"),
    Derived("eps_c", "Positive electrode carbon volume fraction", "from mass fractions, densities and porosity"),
    Derived("eps_act", "Positive electrode active volume fraction",
            "active material volume fraction x electrochemically active fraction"),
    Derived("L", "Positive electrode thickness [m]", "loading / (density x active material volume fraction)"),
    Derived("c_max", "Maximum concentration in positive electrode [mol.m-3]",
            "density / molar mass x cycled Na per formula unit"),
    Derived("q", "Positive electrode theoretical specific capacity [A.h.kg-1]", "cycled Na x F / (3600 x molar mass)"),
    Derived("Q_nom", "Nominal cell capacity [A.h]", "theoretical specific capacity x loading x area (defines 1C)"),
    Derived("share", "Positive particle volume share", "1 for a single particle size"),
    Derived("U", "Positive electrode OCP [V]", "tabulated inverse of the MSMR isotherm (host site parameters)",
            ("Positive particle stoichiometry",)),
    Derived("I", "Current function [A]", "set by the experiment's steps", ("Time [s]",)),
    Derived("active_share_P", "Positive electrode active fraction at stack pressure",
            "electrochemically active fraction moved from the reference to the stack pressure (pressure.py)"),
    Derived("anode_contact_P", "Na metal contact factor at stack pressure",
            "Na|SE real contact area at the stack pressure over that at the reference pressure (pressure.py)"),
)
# fmt: on

FAMILIES = (MSMR, ANION, SIZE_BIN)
GROUPS = (CELL, SE, COMPOSITE, PARTICLE, ANODE, CAPACITANCE, CARBON, AGEING, DERIVED)
FIXED = {e.name: e for group in GROUPS for e in group}
REQUIRED = [e.name for e in FIXED.values() if e.settable and e.required]


def lookup(name):
    """The registry entry (``Parameter`` or ``Derived``) named ``name``, or None."""
    if name in FIXED:
        return FIXED[name]
    for family in FAMILIES:
        entry = family.match(name)
        if entry is not None:
            return entry
    return None


def known_names(indexed=4):
    """Settable names: the fixed ones and the families for indices 0..indexed-1 (for
    messages and suggestions)."""
    names = [e.name for e in FIXED.values() if e.settable]
    for k in range(indexed):
        names += list(reaction_names(k)) + list(anion_names(k).values())
    return names


def anion_names(k):
    """key -> parameter name of SE anion ``k``."""
    return ANION.names(k)


def reaction_names(j):
    """(standard potential, occupancy fraction, ideality factor) names of MSMR reaction ``j``."""
    return tuple(MSMR.names(j).values())


def count_anions(values):
    """Number of consecutive SE anions (0), (1), ... given in ``values``."""
    return ANION.count(values)


def count_reactions(values):
    """Number of consecutive MSMR reactions (0), (1), ... given in ``values``."""
    return MSMR.count(values)
