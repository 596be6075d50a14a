r"""The Na metal anode: plating/stripping kinetics and the loss of interfacial contact.

Butler--Volmer kinetics at the Na|SE interface, symmetric (:math:`\alpha = 1/2`) and
without concentration dependence (Na metal is pure; the SE is a single-ion conductor):

.. math::
    i = 2\, j_{0,a}(T)\, \phi_c \sinh\!\left(\frac{F \eta_a}{2RT}\right)
    \;\Longleftrightarrow\;
    \eta_a = \frac{2RT}{F} \operatorname{arcsinh}\frac{i}{2 j_{0,a}\phi_c},

with :math:`i > 0` on discharge (Na stripped), :math:`j_{0,a}(T)` Arrhenius, scaled by
the real contact area the stack pressure makes (the factor
:math:`a(P)/a(P_{\mathrm{ref}})` of ``ssbsim/parameters/pressure.py``, 1 at the
reference pressure), and :math:`\phi_c \in (0, 1]` the fraction of that contact left
by void formation.

Interface resistance growth. Under the low stack pressure of a spring cell (< 0.2 MPa),
stripping removes Na faster than creep refills the interface and voids form, shrinking
the contact area; plating fills voids back in (Kasemchainan et al., Nat. Mater. 18
(2019) 1105, doi:10.1038/s41563-019-0438-9; for Na: Spencer Jolly et al., ACS Appl.
Mater. Interfaces 12 (2020) 678, doi:10.1021/acsami.9b17786). We take the contact lost
per stripped charge proportional to the contact left, and the contact regained per
plated charge proportional to the contact missing:

.. math::
    \frac{\mathrm{d}\phi_c}{\mathrm{d}t} = -k_s\, \phi_c \max(i, 0)
        + k_p\, (1 - \phi_c) \max(-i, 0), \qquad \phi_c(0) = 1,

so that under steady cycling the contact settles near
:math:`\phi_\infty \approx k_p/(k_s + k_p)` instead of vanishing. The interface resistance measured by
impedance at open circuit is the linearised Butler--Volmer resistance of the remaining
contact, :math:`R_1 = RT / (F j_{0,a} \phi_c)` (per geometric area). The Na inventory
:math:`n_{Na}` [mol.m-2] obeys :math:`\mathrm{d}n_{Na}/\mathrm{d}t = -i/F`.

Taking the Na metal at zero potential, the SE next to the anode sits at
:math:`\phi_e = -\eta_a`.
"""

import pybamm

from ..constants import F, R
from . import capacitance
from .base import Submodel, arrhenius


class SodiumMetalAnode(Submodel):
    def get_fundamental_variables(self):
        contact = pybamm.Variable("Anode contact fraction")
        n_Na = pybamm.Variable("Na metal anode inventory [mol.m-2]")
        rho, M = self.param.anode.rho, self.param.anode.M
        extra = {}
        if capacitance.enabled(self.options):  # the overpotential becomes a state
            extra["Anode overpotential [V]"] = pybamm.Variable("Anode overpotential [V]")
        return extra | {
            "Anode contact fraction": contact,
            "Na metal anode inventory [mol.m-2]": n_Na,
            "Na metal anode thickness [m]": n_Na * M / rho,
        }

    def get_coupled_variables(self, variables):
        anode = self.param.anode
        i = variables["Current density [A.m-2]"]
        contact = variables["Anode contact fraction"]
        j0 = arrhenius(self.param, anode.j0_ref, anode.E_j0) * self.param.derived.anode_contact_P
        RT_F = R * self.param.cell.T_amb / F
        if capacitance.enabled(self.options):
            eta = variables["Anode overpotential [V]"]
        else:
            eta = 2 * RT_F * pybamm.arcsinh(i / (2 * j0 * contact))
        return {
            "Anode faradaic current density [A.m-2]": 2 * j0 * contact * pybamm.sinh(eta / (2 * RT_F)),
            "Anode exchange-current density [A.m-2]": j0 * contact,
            "Anode overpotential [V]": eta,
            "Anode interface resistance [Ohm.m2]": RT_F / (j0 * contact),
            "SE potential at the anode [V]": -eta,
        }

    def set_rhs(self, variables):
        i = variables["Current density [A.m-2]"]
        contact = variables["Anode contact fraction"]
        n_Na = variables["Na metal anode inventory [mol.m-2]"]
        k_s, k_p = self.param.anode.k_loss, self.param.anode.k_recovery
        self.rhs[contact] = -k_s * contact * pybamm.maximum(i, 0) + k_p * (1 - contact) * pybamm.maximum(-i, 0)
        self.rhs[n_Na] = -i / F
        if capacitance.enabled(self.options):
            i_F = variables["Anode faradaic current density [A.m-2]"]
            C_a = self.param.capacitance.C_anode
            self.rhs[variables["Anode overpotential [V]"]] = (i - i_F) / (C_a * contact)

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables["Anode contact fraction"]] = pybamm.Scalar(1)
        anode = self.param.anode
        self.initial_conditions[variables["Na metal anode inventory [mol.m-2]"]] = anode.L * anode.rho / anode.M
        if capacitance.enabled(self.options):
            self.initial_conditions[variables["Anode overpotential [V]"]] = pybamm.Scalar(0)

    def add_events_from(self, variables):
        self.events.append(
            pybamm.Event(
                "Na metal anode exhausted",
                variables["Na metal anode inventory [mol.m-2]"],
            )
        )
