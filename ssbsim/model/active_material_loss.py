r"""Loss of active material: particles isolated by their own interphase film.

Option ``"active material loss"``: ``"none"``, or ``"film isolation"``. The blocking
film (``interphase.py``: resistance :math:`\rho` per particle area) does not grow alike on
every particle: contact with the SE, facets and cracks differ from one particle to the
next. We take the film resistance of the particles lognormally distributed about the
modelled (mean) one with spread :math:`s`, and a particle whose film exceeds
:math:`\rho_{\mathrm{iso}}` as ionically cut off: it no longer takes part in cycling and
keeps the Na it held when it was cut off. The isolated share of the particles is then

.. math::
    \varphi = \Phi\!\left(\frac{\ln(\rho/\rho_{\mathrm{iso}})}{s}\right),

(:math:`\Phi` the standard normal distribution function), which never decreases because
the film only grows; small spreads give an abrupt loss, large ones a gradual fade (the
"film thickness distributed across particles" of issue 9; the particles modelled are the
connected ones). Intercalation and the film's Na+ conductance scale with :math:`1-\varphi`
(``kinetics.py``, ``interphase.py``); SE decomposition continues on isolated particles,
which stay connected to the carbon. The Na the cathode holds, as a share :math:`S` of its
sites, is a state that only the connected particles change,

.. math::
    \frac{\mathrm{d}S}{\mathrm{d}t} = (1-\varphi)\,\frac{3 j}{R\, c_{\max} F},
    \qquad S(0) = x_0,

so the Na locked in isolated particles is :math:`\tau = S - (1-\varphi)\bar x` and the
cell's Na balance (``cell.py``) stays a linear combination of states, conserved to the
precision of the current balance. The paper's
cross-sections at 4.30 V show no mechanical contact loss (Asakura et al., Energy Environ.
Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e): isolation here is ionic, by the film, and
would not show in them. Surrogate of the particle-by-particle picture of distributed SEI
growth (e.g. Kindermann et al., J. Electrochem. Soc. 164 (2017) E287,
doi:10.1149/2.0321712jes: a distributed film resistance spreads the fade).
"""

import math

import pybamm

#: film resistance floor [Ohm.m2] for the logarithm before any film has formed
_FLOOR = 1e-12


def isolated_share(param, rho):
    """phi: share of the particles cut off by a film of (mean) resistance ``rho``."""
    u = pybamm.log(pybamm.maximum(rho, _FLOOR) / param.ageing.rho_iso) / param.ageing.spread
    return 0.5 * (1 + pybamm.erf(u / math.sqrt(2)))


def trapped_name(label):
    return f"Na locked in isolated particles{label}"


def cathode_na_name(label):
    return f"Na share of the cathode sites{label}"
