r"""The solid-electrolyte separator: a single-ion ohmic conductor.

Hydroborate SEs conduct Na+ only (transference number 1), so the salt concentration
stays uniform and the current obeys Ohm's law (no diffusion potential):

.. math::
    i = -\sigma(T) \frac{\partial \phi_e}{\partial x}, \qquad
    \sigma(T) = \sigma_{\mathrm{ref}} \exp\!\left[\frac{E_\sigma}{R}
        \left(\frac{1}{T_{\mathrm{ref}}} - \frac{1}{T}\right)\right],

so across a separator of thickness :math:`L_s` the potential drops by
:math:`i R_0` with :math:`R_0 = L_s/\sigma(T)`, constant in time (target T4 of the brief:
R0 ≈ 50 Ω cm², Asakura et al., Energy Environ. Sci. 13 (2020) 5048,
doi:10.1039/d0ee01569e).
"""

import pybamm

from . import capacitance
from .base import Submodel, arrhenius


def se_conductivity(param):
    """σ(T) of the solid electrolyte [S.m-1]."""
    return arrhenius(param, param.se.sigma_ref, param.se.E_sigma)


class SolidElectrolyteSeparator(Submodel):
    def get_fundamental_variables(self):
        if not capacitance.enabled(self.options):  # else the drop is a state (geometric capacitance)
            return {}
        return {"Separator ohmic drop [V]": pybamm.Variable("Separator ohmic drop [V]")}

    def get_coupled_variables(self, variables):
        i = variables["Current density [A.m-2]"]
        sigma = se_conductivity(self.param)
        R0 = self.param.se.L_s / sigma
        drop = variables["Separator ohmic drop [V]"] if capacitance.enabled(self.options) else i * R0
        return {
            "SE conductivity at temperature [S.m-1]": sigma,
            "Electrolyte resistance [Ohm.m2]": R0,
            "Separator ohmic drop [V]": drop,
            "SE potential at the cathode [V]": variables["SE potential at the anode [V]"] - drop,
        }

    def set_rhs(self, variables):
        if capacitance.enabled(self.options):
            drop = variables["Separator ohmic drop [V]"]
            i = variables["Current density [A.m-2]"]
            R0 = variables["Electrolyte resistance [Ohm.m2]"]
            self.rhs[drop] = (i - drop / R0) / capacitance.separator_geometric(self.param)

    def set_initial_conditions(self, variables):
        if capacitance.enabled(self.options):
            self.initial_conditions[variables["Separator ohmic drop [V]"]] = pybamm.Scalar(0)
