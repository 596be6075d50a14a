r"""Na+ conduction through the SE fraction of the composite cathode.

The SE that fills the composite (volume fraction :math:`\varepsilon_{SE}`) carries the
ionic current :math:`i_e(x) = -\sigma_{\mathrm{eff}}\,\partial\phi_e/\partial x` with the
Bruggeman effective conductivity :math:`\sigma_{\mathrm{eff}} = \sigma(T)\,
\varepsilon_{SE}^{b}` (Bruggeman, Ann. Phys. 416 (1935) 636,
doi:10.1002/andp.19354160705); with a finite SE inventory (``interphase_growth.py``)
or SE conversion (``se_conversion.py``) :math:`\varepsilon_{SE}` is the intact SE only.
Charge conservation in the composite, with :math:`x` the depth from the separator and
:math:`a j` the volumetric current into the particles (intercalation plus SE
decomposition):

.. math::
    \frac{\partial}{\partial x}\left(\sigma_{\mathrm{eff}}
        \frac{\partial \phi_e}{\partial x}\right) = a j, \qquad
    \phi_e(0) = \phi_{e,\mathrm{sep}}, \qquad
    \left.\frac{\partial \phi_e}{\partial x}\right|_{x=L_p} = 0 .

The carbon network (10 wt% Super C65) conducts electrons far better than the SE conducts
ions, so the electronic potential :math:`\phi_s` is taken uniform.

``cathode = "averaged"`` (default, SPMe-like): the reaction is taken uniform,
:math:`a j = i / L_p`, which gives the mean SE potential
:math:`\bar\phi_e = \phi_{e,\mathrm{sep}} - i L_p/(3\sigma_{\mathrm{eff}})`
(Moura et al., IEEE Trans. Control Syst. Technol. 25 (2017) 453,
doi:10.1109/TCST.2016.2571663; Marquis et al., J. Electrochem. Soc. 166 (2019) A3693,
doi:10.1149/2.0341915jes).

``cathode = "resolved"``: the equation above is solved on a mesh across the composite;
with the cathode double layer (impedance runs) it becomes a transmission line
(``transmission_line.py``).
"""

import pybamm

from .base import Submodel
from .se_conversion import UNCONVERTED
from .separator import se_conductivity


def effective_conductivity(param, variables):
    """Bruggeman conductivity of the composite's SE, of which the decomposed share no
    longer conducts (``interphase_growth.py``; 1 without an SE inventory)."""
    eps = param.derived.eps_se * variables["Composite SE intact share"] * variables[UNCONVERTED]
    return se_conductivity(param) * eps**param.composite.b


class AveragedComposite(Submodel):
    def get_coupled_variables(self, variables):
        i = variables["Current density [A.m-2]"]
        R_c = self.param.derived.L / (3 * effective_conductivity(self.param, variables))
        return {
            "Composite ionic resistance [Ohm.m2]": R_c,
            "Average SE potential in the cathode [V]": variables["SE potential at the cathode [V]"] - i * R_c,
        }


class ResolvedComposite(Submodel):
    def get_fundamental_variables(self):
        phi_e = pybamm.Variable("SE potential in the cathode [V]", domain="positive electrode")
        return {
            "SE potential in the cathode [V]": phi_e,
            "Average SE potential in the cathode [V]": pybamm.x_average(phi_e),
        }

    def get_coupled_variables(self, variables):
        return {
            "Composite ionic resistance [Ohm.m2]": self.param.derived.L
            / (3 * effective_conductivity(self.param, variables))
        }

    def set_algebraic(self, variables):
        phi_e = variables["SE potential in the cathode [V]"]
        a_j = variables["Volumetric current density into particles [A.m-3]"]
        L = self.param.derived.L
        sigma = effective_conductivity(self.param, variables)
        # scaled by L^2/sigma so the residual is a potential (better conditioned)
        self.algebraic[phi_e] = (pybamm.div(sigma * pybamm.grad(phi_e)) - a_j) * L**2 / sigma

    def set_boundary_conditions(self, variables):
        phi_e = variables["SE potential in the cathode [V]"]
        self.boundary_conditions[phi_e] = {
            "left": (variables["SE potential at the cathode [V]"], "Dirichlet"),
            "right": (pybamm.Scalar(0), "Neumann"),
        }

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables["SE potential in the cathode [V]"]] = pybamm.Scalar(0)
