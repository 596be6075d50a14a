r"""The SE:carbon working electrode of SE voltammetry: no intercalation host.

Asakura et al. (Energy Environ. Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e) measure
the oxidative stability of Na4(CB11H12)2(B12H12) on a working electrode of SE : carbon
= 75 : 25 wt% pressed on Pt, against Na through an SE separator. The carbon is the only
electron conductor in contact with the SE, so its contact area

.. math:: A_c = m_c\, s_c\, f_c \qquad [\mathrm{m^2\ per\ m^2\ geometric}],

(carbon loading :math:`m_c`, BET area :math:`s_c`, share in contact with the SE
:math:`f_c`) hosts both the double layer and the decomposition of the SE anions. The
electrode potential :math:`E = \phi_s - \phi_e` (vs Na+/Na) is a state of a double layer
of capacitance :math:`C_{dl}` per contact area (the parameter of the cathode|SE double
layer of ``capacitance.py``, ``"Positive electrode double-layer capacitance [F.m-2]"``)
charged by whatever the decomposition does not carry:

.. math::
    C_{dl}\, A_c\, \frac{\mathrm{d}E}{\mathrm{d}t} = A_c \sum_k j_{\mathrm{dec},k}(E,
        \delta_k) - i, \qquad E(0) = E_0,

with :math:`i` the geometric current density (positive on discharge, i.e. cathodic at
the working electrode) and :math:`j_{\mathrm{dec},k} < 0` the anodic decomposition
current of anion :math:`k` per contact area, with its passivating film
:math:`\delta_k`, from the interphase submodel (``interphase.py``; this module only
gives it the carbon contact area instead of the particle surface). Below the onsets the
electrode is a capacitor: at a sweep rate :math:`v`, :math:`i = -C_{dl} A_c v`. The
SE in the thin electrode carries microamperes, so its ohmic drop is neglected; the SE
separator and the Na counter electrode are those of the full cell (``separator.py``,
``anode.py``), so that :math:`V = E + \phi_e` with :math:`\phi_e = -\eta_a - i R_0`.

The double layer of this electrode is always on: without it a blocking electrode below
the onsets could carry no current. The model option ``capacitance = "double layers"``
(``capacitance.py``) adds the Na|SE double layer and the SE geometric capacitance as
states too; then no resistance is left in series with the applied potential and a
potential-controlled step (hold, sweep) is an index-2 DAE, so voltammetry runs with that
option off (``simulation/run.py`` refuses the combination).
"""

import pybamm

from .base import Submodel
from .interphase import DecompositionInterphase, NoInterphase
from .interphase_growth import GROWTH

POTENTIAL = "Positive electrode surface potential difference [V]"


def contact_area(param):
    """A_c: carbon/SE contact area per geometric area [-]."""
    c = param.carbon
    return c.loading * c.ssa * c.contact


class CarbonDoubleLayer(Submodel):
    """The electrode potential as the state of the carbon/SE double layer."""

    def get_fundamental_variables(self):
        E = pybamm.Variable(POTENTIAL)
        return {POTENTIAL: E, "Composite ionic resistance [Ohm.m2]": pybamm.Scalar(0)}

    def get_coupled_variables(self, variables):
        A_c, E = contact_area(self.param), variables[POTENTIAL]
        phi_e = variables["SE potential at the cathode [V]"]
        i_dec = A_c * variables["Cathode decomposition current density [A.m-2]"]
        return {
            "Carbon electrode contact area per geometric area": A_c,
            "Average SE potential in the cathode [V]": phi_e,
            "Positive electrode potential [V]": E + phi_e,
            "Carbon electrode decomposition current density [A.m-2]": i_dec,
            "Carbon electrode capacitive current density [A.m-2]": variables["Current density [A.m-2]"] - i_dec,
        }

    def set_rhs(self, variables):
        A_c = contact_area(self.param)
        i_dl = variables["Carbon electrode capacitive current density [A.m-2]"]
        self.rhs[variables[POTENTIAL]] = -i_dl / (self.param.capacitance.C_cathode * A_c)

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables[POTENTIAL]] = self.param.carbon.E_init


class CarbonDecomposition(DecompositionInterphase):
    """The interphase submodel on the carbon/SE contact (one 'population', area A_c)."""

    particles = False

    def __init__(self, param, options):
        super().__init__(param, options)
        self.labels = [""]
        # the ageing options concern the composite cathode (no inventory of the contact,
        # no cracking by intercalation, no particles to isolate): the passivating films
        self.finite, self.isolation = False, False
        self.law = GROWTH["passivating"](param, options)

    def area(self, label):
        return contact_area(self.param)


class CarbonNoDecomposition(NoInterphase):
    """A blocking carbon/SE contact: a pure capacitor."""

    def get_fundamental_variables(self):
        variables = super().get_fundamental_variables()
        variables["Cathode decomposition current density [A.m-2]"] = pybamm.Scalar(0)
        return variables


INTERPHASES = {"none": CarbonNoDecomposition, "decomposition": CarbonDecomposition}
