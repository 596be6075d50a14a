r"""Slow chemical conversion of the composite's SE into a poorer Na+ conductor, which cuts
active particles off.

Option ``"SE conversion"``: ``"none"`` (default), or ``"first order"``.

Evidence (Cell B, TiS2 | Na3NH2B12H12 | Na at 353 K; He et al., J. Power Sources (2018),
doi:10.1016/j.jpowsour.2018.06.054): the capacity fades from 146 to 77 mAh/g over 200
cycles at ~100 % Coulombic efficiency, while the SE is oxidatively stable far beyond the
window (no decomposition current), and after cycling the SE holds more Na2B12H12.
Na3NH2B12H12 is the 1 : 1 complex of NaNH2 and Na2B12H12; losing its amide leaves
Na2B12H12, whose ordered phase below its ~529 K transition conducts Na+ orders of
magnitude worse (Udovic et al., Chem. Commun. 50 (2014) 3750, doi:10.1039/c3cc49805k).
A conversion that moves no net electron through the external circuit (the amide leaves
as NaNH2 or reacts chemically) explains fade without a Coulombic-efficiency deficit:
the SE that connects a particle to the ionic network stops conducting, the particle is
cut off, and the cell loses capacity in proportion. The pathway of the conversion is not
established by the source; we model its net rate.

**Conversion.** The share :math:`\psi` of the composite's SE still unconverted obeys
first-order kinetics in time (a thermally activated chemical reaction at the
SE|active-material contacts, not an electrochemical one):

.. math::
    \frac{\mathrm{d}\psi}{\mathrm{d}t} = -k(T)\,\psi, \qquad \psi(0) = 1, \qquad
    k(T) = k_{\mathrm{ref}} \exp\!\left[\frac{E_k}{R}\left(\frac{1}{T_{\mathrm{ref}}}
        - \frac{1}{T}\right)\right].

**Consequences.** (i) A particle is connected while the SE at its contact is intact, so
the connected share of the particles is :math:`\psi` (the simplest closure: one contact per
particle, converting with the SE); intercalation scales with it (``kinetics.py``), and the
Na a particle holds when it is cut off stays locked in it (as for film isolation,
``active_material_loss.py``): the Na share of the cathode sites :math:`S` is a state,

.. math::
    \frac{\mathrm{d}S}{\mathrm{d}t} = \psi\, \frac{3 j}{R\, c_{\max} F}, \qquad
    S(0) = x_0, \qquad \tau = S - \psi \bar x .

(ii) The converted SE no longer conducts in the composite: the Bruggeman conductivity
uses the intact SE fraction :math:`\varepsilon_{SE}\,\psi` (``composite.py``). The
separator is taken unconverted (its SE touches no active material).

Why isolation and not a conductivity loss alone: in Cell B the composite is thin (~7 um),
so even half of its SE converted raises its ionic resistance from 13 to 34 Ohm cm2, a
fraction of a mV at 0.1C (14 uA cm-2); a loss of 70 mAh/g by polarisation needs some 0.3 V
more, i.e. the separator's R0 up ~10x, most of its SE converted -- and near that the
capacity falls off a cliff rather than gradually (R0 = 24 kOhm cm2 from the start gives
129 then 55 mAh/g in the first two discharges). The source reports partial conversion.

Because the conversion runs in time, not per charge passed, a cell that has lost
capacity cycles faster (shorter cycles at the same C-rate) and loses less per cycle:
with :math:`Q \propto \psi` and cycle time :math:`\propto Q`, the capacity falls
hyperbolically with cycle number, :math:`Q_n \approx Q_0/(1 + a n)`, rather than
exponentially (a loss per charge passed).
"""

import pybamm

from ..constants import F
from . import active_material_loss as lam
from .base import Submodel, arrhenius

UNCONVERTED = "Composite SE unconverted share"
CONNECTED = "Positive particle share connected through unconverted SE"


class NoConversion(Submodel):
    def get_fundamental_variables(self):
        return {UNCONVERTED: pybamm.Scalar(1), CONNECTED: pybamm.Scalar(1)}


class FirstOrderConversion(Submodel):
    """psi: first-order conversion in time; particles cut off with their SE contact."""

    def __init__(self, param, options):
        super().__init__(param, options)
        self.labels = options.particle_labels
        self.resolved = options["cathode"] == "resolved"

    def get_fundamental_variables(self):
        psi = pybamm.Variable(UNCONVERTED)
        domain = "positive electrode" if self.resolved else None
        variables = {UNCONVERTED: psi, CONNECTED: psi, "SE conversion rate constant at temperature [s-1]": self._k()}
        for label in self.labels:
            variables[lam.cathode_na_name(label)] = pybamm.Variable(lam.cathode_na_name(label), domain=domain)
        return variables

    def _k(self):
        return arrhenius(self.param, self.param.ageing.k_conversion, self.param.ageing.E_conversion)

    def get_coupled_variables(self, variables):
        psi = variables[UNCONVERTED]
        return {
            lam.trapped_name(label): variables[lam.cathode_na_name(label)]
            - psi * variables[f"Positive particle{label} average stoichiometry"]
            for label in self.labels
        }

    def set_rhs(self, variables):
        psi = variables[UNCONVERTED]
        self.rhs[psi] = -variables["SE conversion rate constant at temperature [s-1]"] * psi
        for label in self.labels:
            j = variables[f"Positive particle{label} intercalation current density [A.m-2]"]
            R_p = self.param.population[label].R
            self.rhs[variables[lam.cathode_na_name(label)]] = psi * 3 * j / (R_p * self.param.derived.c_max * F)

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables[UNCONVERTED]] = pybamm.Scalar(1)
        x0 = self.param.particle.x_init
        for label in self.labels:
            self.initial_conditions[variables[lam.cathode_na_name(label)]] = (
                pybamm.PrimaryBroadcast(x0, "positive electrode") if self.resolved else x0
            )


CONVERSIONS = {"none": NoConversion, "first order": FirstOrderConversion}


def owns_cathode_na(options):
    """Whether the conversion submodel holds the Na share of the cathode sites (then the
    interphase does not)."""
    return options["SE conversion"] != "none"
