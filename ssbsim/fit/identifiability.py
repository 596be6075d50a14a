"""Which parameters the data do not determine, and what data would.

A parameter is identifiable when its profile rises above chi2_1(0.95) on both sides
within its bounds (``fit/intervals.py``). For the others the fit prints one line naming
them and, by mechanism, the measurement that varies with them.
"""

#: (words in the parameter name, data that would determine it), first match wins
WHAT_WOULD = [
    (("activation energy",), "the same data at a second temperature (an experiment's temperature_C, e.g. 60 °C)"),
    (
        ("decomposition rate constant", "decomposition transfer coefficient", "reference potential"),
        'voltammetry of the SE at two or more scan rates (onset and current, quantity "current")',
    ),
    (("product resistivity",), 'impedance spectra after charging (R2 below ~1 Hz, quantity "impedance")'),
    (("passivation length",), "efficiency over repeated charges to one cutoff (coulombic_efficiency, cycles 2-5)"),
    (
        ("SE contact fraction",),
        "the irreversible capacity summed until it levels off at a high cutoff (irreversible_capacity_mAh_g: "
        "the decomposable SE inventory)",
    ),
    (
        ("cracking coefficient",),
        "R2 and CE over hundreds of cycles at one cutoff (cathode_interphase_resistance_ohm_cm2 and "
        "coulombic_efficiency beyond cycle 100: how long film growth goes on)",
    ),
    (
        ("isolating film resistance", "film resistance spread"),
        "the discharge capacity over hundreds of cycles at two C-rates (discharge_capacity_mAh_g: "
        "the onset and shape of the fade)",
    ),
    (("contact pressure scale",), "the same cycling at two or more stack pressures (capacity and R1)"),
    (
        ("SE conversion rate constant",),
        "the fade at two C-rates (a first-order conversion runs with time, not with the charge passed)",
    ),
    (("diffusivity",), "discharge capacity at several C-rates or a GITT/relaxation voltage series"),
    (("active fraction",), "the discharge capacity at C/20 or slower"),
    (("Anode contact",), "R1 over many cycles (impedance, anode_interface_resistance_ohm_cm2)"),
    (("exchange-current",), "impedance before cycling (charge-transfer arc)"),
    (("conductivity",), "impedance (high-frequency intercept)"),
]


def what_would_determine(name):
    lowered = name.lower()
    for words, data in WHAT_WOULD:
        if any(w.lower() in lowered for w in words):
            return data
    return "data that change with it (see its meaning: ssbsim list)"


def warning(names):
    """One line naming the parameters ``names`` the data do not determine (or None)."""
    if not names:
        return None
    parts = [f"{n} (would need: {what_would_determine(n)})" for n in names]
    return "not determined by these data (95 % interval reaches a bound): " + "; ".join(parts)
