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

The SE's geometric capacitance :math:`C_g` (``capacitance.py``) sits in parallel with
:math:`R_0`; their time constant is the SE's dielectric relaxation time
:math:`R_0 C_g = \varepsilon_r\varepsilon_0/\sigma` (~1 ns), so the drop stays
:math:`i R_0` in the time domain in every model form, and the impedance engine adds the
:math:`R_0 \| C_g` element in the frequency domain (``capacitance.py`` says why).
"""

from . import capacitance
from .base import Submodel, arrhenius


def se_conductivity(param):
    """σ(T) of the solid electrolyte [S.m-1]."""
    return arrhenius(param, param.se.sigma_ref, param.se.E_sigma)


class SolidElectrolyteSeparator(Submodel):
    def get_coupled_variables(self, variables):
        i = variables["Current density [A.m-2]"]
        sigma = se_conductivity(self.param)
        R0 = self.param.se.L_s / sigma
        drop = i * R0
        out = {
            "SE conductivity at temperature [S.m-1]": sigma,
            "Electrolyte resistance [Ohm.m2]": R0,
            "Separator ohmic drop [V]": drop,
            "SE potential at the cathode [V]": variables["SE potential at the anode [V]"] - drop,
        }
        if capacitance.enabled(self.options):
            out["SE geometric capacitance [F.m-2]"] = capacitance.separator_geometric(self.param)
        return out
