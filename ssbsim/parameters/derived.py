"""Quantities that follow from the parameter set: composite make-up, capacity, 1C.

The composite is specified as it is made: active material loading, mass fractions,
densities and porosity. Volume fractions follow as
:math:`\\varepsilon_i = (1-\\varepsilon_{\\mathrm{void}})\\, (m_i/\\rho_i) / \\sum_k (m_k/\\rho_k)`,
the thickness as :math:`L_p = \\text{loading} / (\\rho_{AM}\\, \\varepsilon_{AM})`, the
Na concentration of the full window as :math:`c_{\\max} = n\\,\\rho_{AM}/M` and 1C from
the theoretical capacity :math:`nF/(3600 M)` times the loading and area (BRIEF §4: C-rates
refer to the cathode's theoretical capacity times its loading).
"""

import math

import numpy as np

from ..errors import InputError
from ..model.interphase import OPTIONAL_ANION_KEYS, anion_names, count_anions
from ..model.interphase_growth import LEAKAGE_KEY, leaky, needed_parameters
from ..model.ocp import count_reactions, reaction_names

F = 96485.33212


def _size_bins(values, n_bins, source):
    """Lognormal (volume-weighted) radius distribution cut into log-spaced bins."""
    names = [
        "Positive particle radius standard deviation [m]",
        "Positive particle minimum radius [m]",
        "Positive particle maximum radius [m]",
    ]
    for name in names:
        if name not in values:
            raise InputError(source, "needed for particle = distribution", name)
    mean = values["Positive particle radius [m]"]
    sd, r_min, r_max = (values[n] for n in names)
    if not r_min < mean < r_max:
        raise InputError(
            source,
            f"the size distribution needs minimum < radius < maximum, got {r_min:g} < {mean:g} < {r_max:g}",
            "Positive particle radius [m]",
        )
    s2 = math.log(1 + (sd / mean) ** 2)
    mu = math.log(mean) - s2 / 2
    edges = np.geomspace(r_min, r_max, n_bins + 1)
    cdf = 0.5 * (1 + np.vectorize(math.erf)((np.log(edges) - mu) / math.sqrt(2 * s2)))
    weights = np.diff(cdf)
    weights = weights / weights.sum()
    radii = np.sqrt(edges[:-1] * edges[1:])
    return radii, weights


def derive(values, options, source="parameter set"):
    """``values`` plus every derived quantity the model needs, for ``options``."""
    v = dict(values)
    fractions = {
        "active material": v["Positive electrode active material mass fraction"],
        "SE": v["Positive electrode SE mass fraction"],
        "carbon": v["Positive electrode carbon mass fraction"],
    }
    if abs(sum(fractions.values()) - 1) > 1e-6:
        raise InputError(
            source,
            f"composite mass fractions must sum to 1, got {sum(fractions.values()):g}",
            "Positive electrode active material mass fraction",
        )
    specific_volumes = {
        "active material": fractions["active material"] / v["Positive electrode active material density [kg.m-3]"],
        "SE": fractions["SE"] / v["SE density [kg.m-3]"],
        "carbon": fractions["carbon"] / v["Carbon density [kg.m-3]"],
    }
    solid = 1 - v["Positive electrode porosity"]
    total = sum(specific_volumes.values())
    eps = {k: solid * s / total for k, s in specific_volumes.items()}
    v["Positive electrode active material volume fraction"] = eps["active material"]
    v["Positive electrode SE volume fraction"] = eps["SE"]
    v["Positive electrode carbon volume fraction"] = eps["carbon"]
    v["Positive electrode active volume fraction"] = (
        eps["active material"] * v["Positive electrode electrochemically active fraction"]
    )
    rho_am = v["Positive electrode active material density [kg.m-3]"]
    loading = v["Positive electrode active material loading [kg.m-2]"]
    v["Positive electrode thickness [m]"] = loading / (rho_am * eps["active material"])
    M = v["Positive electrode active material molar mass [kg.mol-1]"]
    n = v["Positive electrode cycled Na per formula unit"]
    v["Maximum concentration in positive electrode [mol.m-3]"] = n * rho_am / M
    q = n * F / (3600 * M)
    v["Positive electrode theoretical specific capacity [A.h.kg-1]"] = q
    v["Nominal cell capacity [A.h]"] = q * loading * v["Electrode area [m2]"]

    n_reactions = count_reactions(v)
    if n_reactions == 0:
        raise InputError(source, "at least one MSMR reaction (0) is needed", reaction_names(0)[0])
    occupancy = sum(v[reaction_names(j)[1]] for j in range(n_reactions))
    if abs(occupancy - 1) > 1e-6:
        raise InputError(
            source,
            f"MSMR occupancy fractions must sum to 1, got {occupancy:g}",
            reaction_names(0)[1],
        )

    n_anions = count_anions(v)
    for k in range(n_anions):
        needed = {key: name for key, name in anion_names(k).items() if key not in OPTIONAL_ANION_KEYS}
        if leaky(options):
            needed[LEAKAGE_KEY] = anion_names(k)[LEAKAGE_KEY]
        missing = [name for name in needed.values() if name not in v]
        if missing:
            raise InputError(source, f"SE anion ({k}) is incomplete", missing[0])
    if options["interphase"] == "decomposition":
        for name in needed_parameters(options):
            if name not in v:
                raise InputError(
                    source,
                    f"needed with SE inventory = {options['SE inventory']!r}, "
                    f"interphase growth = {options['interphase growth']!r}",
                    name,
                )
    if n_anions:
        total = sum(v[anion_names(k)["fraction"]] for k in range(n_anions))
        if abs(total - 1) > 1e-6:
            raise InputError(
                source, f"SE anion mole fractions must sum to 1, got {total:g}", anion_names(0)["fraction"]
            )

    if options["particle"] == "single":
        v["Positive particle volume share"] = 1.0
    else:
        radii, weights = _size_bins(v, options["particle size bins"], source)
        for k, (r, w) in enumerate(zip(radii, weights), start=1):
            v[f"Positive particle radius {k} [m]"] = float(r)
            v[f"Positive particle volume share {k}"] = float(w)
    return v
