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

from ..constants import F
from ..errors import InputError
from .pressure import derive_pressure
from .registry import AGEING, ANION, CELL, COMPOSITE, DERIVED, MSMR, PARTICLE, SE, SIZE_BIN


def _size_bins(values, n_bins, source):
    """Lognormal (volume-weighted) radius distribution cut into log-spaced bins."""
    for entry in (PARTICLE.R_sd, PARTICLE.R_min, PARTICLE.R_max):
        if entry.name not in values:
            raise InputError(source, "needed for particle = distribution", entry.name)
    mean = values[PARTICLE.R.name]
    sd, r_min, r_max = (values[e.name] for e in (PARTICLE.R_sd, PARTICLE.R_min, PARTICLE.R_max))
    if not r_min < mean < r_max:
        raise InputError(
            source,
            f"the size distribution needs minimum < radius < maximum, got {r_min:g} < {mean:g} < {r_max:g}",
            PARTICLE.R.name,
        )
    s2 = math.log(1 + (sd / mean) ** 2)
    mu = math.log(mean) - s2 / 2
    edges = np.geomspace(r_min, r_max, n_bins + 1)
    cdf = 0.5 * (1 + np.vectorize(math.erf)((np.log(edges) - mu) / math.sqrt(2 * s2)))
    weights = np.diff(cdf)
    weights = weights / weights.sum()
    radii = np.sqrt(edges[:-1] * edges[1:])
    return radii, weights


def leaky(options):
    """Whether the interphase growth law needs the anions' product electronic conductivities."""
    return options["interphase growth"] in ("leaky", "leaky cracking")


def needed_parameters(options):
    """The optional ageing parameters (registry group ``AGEING``) the options need."""
    names = []
    if options["SE inventory"] == "contact":
        names += [AGEING.M_se.name, AGEING.anions_per_fu.name, AGEING.contact.name]
    if options["interphase growth"] in ("cracking", "leaky cracking"):
        names.append(AGEING.beta.name)
    if options["active material loss"] == "film isolation":
        names += [AGEING.rho_iso.name, AGEING.spread.name]
    return names


def conversion_parameters(options):
    """The SE conversion parameters the options need (``se_conversion.py``)."""
    if options["SE conversion"] == "none":
        return []
    return [AGEING.k_conversion.name, AGEING.E_conversion.name]


def _check_sums(v, options, source):
    """MSMR occupancies and SE anion mole fractions each sum to 1; anions are complete."""
    n_reactions = MSMR.count(v)
    if n_reactions == 0:
        raise InputError(source, "at least one MSMR reaction (0) is needed", MSMR.names(0)["U0"])
    occupancy = sum(v[MSMR.names(j)["X"]] for j in range(n_reactions))
    if abs(occupancy - 1) > 1e-6:
        raise InputError(source, f"MSMR occupancy fractions must sum to 1, got {occupancy:g}", MSMR.names(0)["X"])
    n_anions = ANION.count(v)
    for k in range(n_anions):
        needed = [m.name.format(k=k) for m in ANION.members if m.required]
        if leaky(options):
            needed.append(ANION.names(k)["sigma_e"])
        missing = [name for name in needed if name not in v]
        if missing:
            raise InputError(source, f"SE anion ({k}) is incomplete", missing[0])
    if options["interphase"] == "decomposition":
        for name in needed_parameters(options):
            if name not in v:
                raise InputError(
                    source,
                    f"needed with SE inventory = {options['SE inventory']!r}, "
                    f"interphase growth = {options['interphase growth']!r}, "
                    f"active material loss = {options['active material loss']!r}",
                    name,
                )
    for name in conversion_parameters(options):
        if name not in v:
            raise InputError(source, f"needed with SE conversion = {options['SE conversion']!r}", name)
    if n_anions:
        total = sum(v[ANION.names(k)["fraction"]] for k in range(n_anions))
        if abs(total - 1) > 1e-6:
            raise InputError(
                source, f"SE anion mole fractions must sum to 1, got {total:g}", ANION.names(0)["fraction"]
            )


def derive(values, options, source="parameter set"):
    """``values`` plus every derived quantity the model needs, for ``options``."""
    v = dict(values)
    c = COMPOSITE
    fractions = {"active material": v[c.w_am.name], "SE": v[c.w_se.name], "carbon": v[c.w_c.name]}
    if abs(sum(fractions.values()) - 1) > 1e-6:
        raise InputError(
            source, f"composite mass fractions must sum to 1, got {sum(fractions.values()):g}", c.w_am.name
        )
    specific_volumes = {
        "active material": fractions["active material"] / v[c.rho_am.name],
        "SE": fractions["SE"] / v[SE.rho.name],
        "carbon": fractions["carbon"] / v[c.rho_c.name],
    }
    solid = 1 - v[c.porosity.name]
    total = sum(specific_volumes.values())
    eps = {k: solid * s / total for k, s in specific_volumes.items()}
    v[DERIVED.eps_am.name] = eps["active material"]
    v[DERIVED.eps_se.name] = eps["SE"]
    v[DERIVED.eps_c.name] = eps["carbon"]
    derive_pressure(v, source)
    v[DERIVED.eps_act.name] = eps["active material"] * v[DERIVED.active_share_P.name]
    rho_am = v[c.rho_am.name]
    loading = v[c.loading.name]
    v[DERIVED.L.name] = loading / (rho_am * eps["active material"])
    M = v[c.M.name]
    n = v[c.n_Na.name]
    v[DERIVED.c_max.name] = n * rho_am / M
    q = n * F / (3600 * M)
    v[DERIVED.q.name] = q
    v[DERIVED.Q_nom.name] = q * loading * v[CELL.A.name]
    _check_sums(v, options, source)

    if options["particle"] == "single":
        v[DERIVED.share.name] = 1.0
    else:
        radii, weights = _size_bins(v, options["particle size bins"], source)
        for k, (r, w) in enumerate(zip(radii, weights), start=SIZE_BIN.first):
            v[SIZE_BIN.names(k)["R"]] = float(r)
            v[SIZE_BIN.names(k)["share"]] = float(w)
    return v
