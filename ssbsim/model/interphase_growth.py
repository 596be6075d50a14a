r"""How the interphase keeps growing: the SE inventory in contact with the cathode, and
the law by which each anion's product passivates (or fails to passivate) its oxidation.

Both are parts of the decomposition interphase (``interphase.py``), chosen by options.

**SE inventory** (option ``"SE inventory"``). ``"unlimited"``: every anion of the SE may
decompose, at a rate that only its film limits (the earlier model). ``"contact"``: only
the anions of the SE in contact with an electron-conducting surface of the cathode can
decompose: the impregnated coating (5 of the 20 wt% SE of Cell A's composite, Asakura et
al., Energy Environ. Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e) and the mixed-in SE
that touches the particles, a share :math:`f_c` of the composite's SE. Per particle
surface area (of all the active material), anion :math:`k` starts with

.. math::
    n_{k,0} = \frac{X_k\, N_a\, (\rho_{SE}/M_{SE})\; \varepsilon_{SE}\, f_c}
        {3\,\varepsilon_{AM} \sum_p w_p / R_p}
    \quad [\mathrm{mol\,m^{-2}}]

(:math:`N_a` anions per SE formula unit of molar mass :math:`M_{SE}`), and the share
:math:`\theta_k = n_k/n_{k,0}` still intact is a state that decomposition consumes, its
rate proportional to what is left (the oxidised sites are a share of the contact sites):

.. math::
    j_{\mathrm{dec},k} \propto \theta_k, \qquad
    \frac{\mathrm{d}\theta_k}{\mathrm{d}t} = \frac{j_{\mathrm{dec},k}}{n_k F\, n_{k,0}}
    \quad (j_{\mathrm{dec},k} \le 0).

The film thickness :math:`\delta_k` is a separate state (``interphase.py``), so that
:math:`\theta_k + \delta_k/(\bar V_k n_{k,0}) = 1` is a conservation check to solver
precision, not an identity. The SE consumed no longer conducts: the composite's SE volume
fraction is multiplied by the intact share :math:`1 - f_c \sum_k X_k (1-\theta_k)`
(``composite.py``).

**Growth law** (option ``"interphase growth"``): the factor :math:`f_k` by which the
product film cuts electron transfer to anion :math:`k`.

``"passivating"``: tunnelling/electron leakage through a passivating layer,
:math:`f_k = e^{-\delta_k/\lambda_k}` (Peled; Single, Latz & Horstmann, ChemSusChem 11
(2018) 1950, doi:10.1002/cssc.201800077): logarithmic, self-limiting growth.

``"leaky"``: in parallel with tunnelling, electrons cross the product by electronic
conduction (conductivity :math:`\sigma_k`), a path that does not close as the film
thickens -- the electron-migration-limited SEI growth of Single, Latz & Horstmann
(doi:10.1002/cssc.201800077) and PyBaMM's "electron-migration limited" SEI:

.. math::
    j_{\mathrm{dec},k} \mathrel{+}= -X_k \theta_k\, \sigma_k
        \frac{\max(E - E_k, 0)}{\delta_k + \lambda_k},

driven by the overpotential beyond the anion's reference potential, linear in it rather
than exponential (so above the onset it keeps the film growing cycle after cycle at a
rate that rises only in proportion to the potential), and parabolic in time
(:math:`\delta^2 \propto t`) at a fixed potential. Below :math:`E_k` it is off.

``"cracking"``: the active particles change volume by 2.2 % between sodiated and
desodiated NVOPF (doi:10.1039/d0ee01569e); the strain breaks the passivating part of the
film and exposes fresh contact every cycle -- the analogue of SEI growth on cracks
(Deshpande et al., J. Electrochem. Soc. 159 (2012) A1730, doi:10.1149/2.049210jes;
PyBaMM's "SEI on cracks"). The passivating thickness :math:`\delta^p_k` is a state that
grows with the film and is broken in proportion to the charge intercalated or removed:

.. math::
    f_k = e^{-\delta^p_k/\lambda_k}, \qquad
    \frac{\mathrm{d}\delta^p_k}{\mathrm{d}t} = \frac{\mathrm{d}\delta_k}{\mathrm{d}t}
        - \beta\, |j|\, \delta^p_k,

with :math:`j` the intercalation current density and :math:`\beta` [m2.C-1] the share of
the passivating layer broken per charge per particle area; the broken film still
resists Na+ (the resistance uses :math:`\delta_k`). Over one cycle of a repeated
protocol the layer keeps the share :math:`r = e^{-\beta \oint |j|\,dt}` of its thickness
(about 0.93 for Cell A at C/5), so its cycle-end values follow
:math:`\delta^p_{n+1} = r\,\delta^p_n + g_n`: geometric, not linear, in the cycle number
once its anion is used up (:math:`g_n \to 0`). Cycle jumping
(``simulation/cycle_jumps.py``) extrapolates such states in :math:`\ln \delta^p`, where that
sequence is a straight line (``GrowthLaw.geometric``).
"""

import pybamm

from .kinetics import surface_area_density


def initial_inventory(param, fraction, labels):
    """n_k0 [mol.m-2]: anion k in contact per particle surface area (all active material),
    for an anion of mole fraction ``fraction`` among the SE's anions; ``labels``: the
    particle populations."""
    ageing = param.ageing
    anions = fraction * ageing.anions_per_fu * param.se.rho / ageing.M_se
    per_volume = anions * param.derived.eps_se * ageing.contact
    # surface of all the active material per composite volume, 3 eps_AM sum_p w_p/R_p:
    # the electrochemically active surface over the active fraction
    surface = sum(surface_area_density(param, label) for label in labels) / param.derived.active_share_P
    return per_volume / surface


class GrowthLaw:
    """``"passivating"``: f_k = exp(-delta_k / lambda_k)."""

    #: whether the law's states relax by a factor per cycle (extrapolated in log space)
    geometric = False

    def __init__(self, param, options):
        self.param = param
        self.options = options
        self.resolved = options["cathode"] == "resolved"
        self.domain = "positive electrode" if self.resolved else None

    def state_names(self, k, label):
        """Names of the law's states of anion ``k`` in population ``label``."""
        return []

    def states(self, k, label):
        return {}

    def factor(self, p, delta, states):
        return pybamm.exp(-delta / p.length)

    def leak(self, p, E, delta):
        """Current density [A.m-2] of pure anion k by electron conduction through its film
        (None: no such path)."""
        return None

    def rhs(self, states, growth, variables, label):
        """{state: d/dt} for this law's states, given each film's growth rate [m.s-1]."""
        return {}

    def initial_conditions(self, states):
        zero = pybamm.PrimaryBroadcast(0, "positive electrode") if self.resolved else pybamm.Scalar(0)
        return {s: zero for s in states.values()}


def _migration(p, E, delta):
    return p.sigma_e * pybamm.maximum(E - p.potential, 0) / (delta + p.length)


class LeakyGrowth(GrowthLaw):
    """Passivating, plus electron migration through the film above E_k."""

    def leak(self, p, E, delta):
        return _migration(p, E, delta)


class CrackingGrowth(GrowthLaw):
    """f_k = exp(-delta^p_k / lambda_k); the passivating thickness breaks with |j|."""

    geometric = True

    def state_names(self, k, label):
        return [f"Cathode interphase passivating thickness of layer {k}{label} [m]"]

    def states(self, k, label):
        (name,) = self.state_names(k, label)
        return {k: pybamm.Variable(name, domain=self.domain, scale=1e-9)}

    def factor(self, p, delta, states):
        return pybamm.exp(-states / p.length)

    def rhs(self, states, growth, variables, label):
        beta = self.param.ageing.beta
        j = variables[f"Positive particle{label} intercalation current density [A.m-2]"]
        return {d_p: growth[k] - beta * abs(j) * d_p for k, d_p in states.items()}


class LeakyCrackingGrowth(CrackingGrowth):
    """Cracking, plus electron migration through the film above E_k."""

    def leak(self, p, E, delta):
        return _migration(p, E, delta)


GROWTH = {
    "passivating": GrowthLaw,
    "leaky": LeakyGrowth,
    "cracking": CrackingGrowth,
    "leaky cracking": LeakyCrackingGrowth,
}
