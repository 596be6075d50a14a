r"""Stack pressure: the contact it closes in the composite cathode and at the Na anode.

A derived quantity, not a state: the stack pressure :math:`P` of a cell is constant over
a run, and it acts through two contacts, each described by the share of a rough
interface that is closed under a nominal pressure. For plastic contact of rough surfaces
the real contact area grows in proportion to the load, :math:`A_r/A = P/H` with
:math:`H` the indentation hardness of the softer side (Bowden and Tabor, *The Friction
and Lubrication of Solids*, Clarendon, Oxford 1950); Persson's contact mechanics of
randomly rough surfaces saturates it at full contact as an error function of the
pressure (B. N. J. Persson, J. Chem. Phys. 115 (2001) 3840, doi:10.1063/1.1388626). We
take Persson's form with Bowden and Tabor's slope at low pressure:

.. math::
    a(P;\, P_s) = \operatorname{erf}\!\left(\frac{\sqrt{\pi}}{2}\,\frac{P}{P_s}\right)
    \quad (a \simeq P/P_s \text{ for } P \ll P_s,\; a \to 1 \text{ for } P \gg P_s),

with :math:`P_s` the contact pressure scale of the interface.

**Composite cathode.** A particle delivers capacity when it touches both the SE and the
carbon. The pellet is cold-pressed at 250 MPa, so most contacts are made then; those the
release of the pressing load opens again are closed anew by the stack pressure, the
share still open being :math:`1 - a(P; P_c)`. Particles that lose their contact with
the SE stop delivering capacity (Koerver et al., Chem. Mater. 29 (2017) 5574,
doi:10.1021/acs.chemmater.7b00931); that stack pressure restores it here is the
evidence of the cell itself: 117 mAh/g at 3.2 MPa against 104 mAh/g in the spring cell
(doi:10.1039/d0ee01569e, T13 and T2 of the brief). The electrochemically active
fraction at stack pressure :math:`P` is

.. math::
    \varphi(P) = \varphi_{\mathrm{ref}} + (\varphi_\infty - \varphi_{\mathrm{ref}})
        \left[1 - \frac{1 - a(P; P_c)}{1 - a(P_{\mathrm{ref}}; P_c)}\right],

:math:`\varphi_{\mathrm{ref}}` the active fraction fitted at the reference pressure
:math:`P_{\mathrm{ref}}` (Cell A's spring cell), :math:`\varphi_\infty` the fraction
when every contact is closed (the rest: particles without carbon, weighing). It is
exactly :math:`\varphi_{\mathrm{ref}}` at :math:`P_{\mathrm{ref}}`, rises monotonically
with :math:`P` and saturates at :math:`\varphi_\infty`; the open contacts at
:math:`P = 0` are those of the reference cell over :math:`1 - a(P_{\mathrm{ref}})`.

**Na metal anode.** The Na|SE exchange current flows through the real contact area, so
the exchange-current density per geometric area scales with it (the interface
resistance :math:`R_1 = RT/(F j_{0,a})` falls as the contact closes). Na metal creeps
under a few MPa and fills the interface (Spencer Jolly et al., ACS Appl. Mater.
Interfaces 12 (2020) 678, doi:10.1021/acsami.9b17786, for Na; Kasemchainan et al., Nat.
Mater. 18 (2019) 1105, doi:10.1038/s41563-019-0438-9, and Doux et al., Adv. Energy Mater. 10 (2020) 1903253,
doi:10.1002/aenm.201903253, for Li), its
hardness setting the pressure scale :math:`P_a`:

.. math::
    j_{0,a}(P) = j_{0,a}^{\mathrm{ref}}\, \frac{a(P; P_a)}{a(P_{\mathrm{ref}}; P_a)},

:math:`j_{0,a}^{\mathrm{ref}}` fitted at :math:`P_{\mathrm{ref}}`. The contact lost to
voids in cycling (``ssbsim/model/anode.py``) acts on top of it.

A parameter set gives all five pressure parameters or none; without them the cell is
taken at its reference pressure (factor 1, :math:`\varphi = \varphi_{\mathrm{ref}}`).
"""

import math

from ..errors import InputError
from .registry import ANODE, CELL, COMPOSITE, DERIVED

#: the parameters of the pressure laws, all or none
NAMES = (CELL.P.name, CELL.P_ref.name, COMPOSITE.P_contact.name, COMPOSITE.active_share_max.name, ANODE.P_contact.name)


def closed_share(pressure, scale):
    """a(P; P_s): share of a rough interface in contact at nominal pressure ``pressure``."""
    return math.erf(math.sqrt(math.pi) / 2 * pressure / scale)


def open_share(pressure, scale):
    """1 - a(P; P_s), without cancellation at high pressure."""
    return math.erfc(math.sqrt(math.pi) / 2 * pressure / scale)


def active_fraction(pressure, reference, scale, at_reference, saturated):
    """phi(P): the cathode's electrochemically active fraction at stack pressure ``pressure``."""
    open_ratio = open_share(pressure, scale) / open_share(reference, scale)
    return at_reference + (saturated - at_reference) * (1 - open_ratio)


def anode_contact_factor(pressure, reference, scale):
    """j0(P) / j0(P_ref) of the Na|SE interface."""
    return closed_share(pressure, scale) / closed_share(reference, scale)


def derive_pressure(v, source):
    """Add the active fraction and the Na contact factor at the stack pressure to ``v``."""
    given = [name for name in NAMES if name in v]
    phi_ref = v[COMPOSITE.active_share.name]
    if not given:
        v[DERIVED.active_share_P.name] = phi_ref
        v[DERIVED.anode_contact_P.name] = 1.0
        return
    missing = [name for name in NAMES if name not in v]
    if missing:
        raise InputError(source, f"the stack pressure laws need all of their parameters (got {given[0]!r})", missing[0])
    P, P_ref = v[CELL.P.name], v[CELL.P_ref.name]
    saturated = v[COMPOSITE.active_share_max.name]
    if saturated < phi_ref:
        raise InputError(
            source,
            f"must be at least the active fraction at the reference pressure, {phi_ref:g}, got {saturated:g}",
            COMPOSITE.active_share_max.name,
        )
    phi = active_fraction(P, P_ref, v[COMPOSITE.P_contact.name], phi_ref, saturated)
    if not phi > 0:
        raise InputError(source, f"leaves no active material at {P:g} Pa (active fraction {phi:.3g})", CELL.P.name)
    v[DERIVED.active_share_P.name] = phi
    v[DERIVED.anode_contact_P.name] = anode_contact_factor(P, P_ref, v[ANODE.P_contact.name])
