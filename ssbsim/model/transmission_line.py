r"""The cathode double layer of the resolved composite: a transmission-line electrode.

With ``capacitance = "double layers"`` and ``cathode = "resolved"`` the potential
difference across the particle/SE interface at each depth :math:`x` of the composite,
:math:`\Delta\phi(x) = \phi_s - \phi_e(x)`, is a differential state, and the SE of the
composite is the ionic rail of a de Levie transmission line (R. de Levie, Adv.
Electrochem. Electrochem. Eng. 6 (1967) 329; A. Lasia, *Electrochemical Impedance
Spectroscopy and its Applications*, Springer 2014, on porous electrodes). The double
layer (capacitance :math:`C_c` per particle area) takes, per composite volume, the share
of the SE current that the reactions do not: with :math:`i_e = -\sigma_{\mathrm{eff}}\,\partial\phi_e/\partial
x` the ionic current towards the depth of the composite (``composite.py``) and
:math:`a = \sum_k a_k` over the particle populations,

.. math::
    C_c\, a\, \frac{\partial \Delta\phi}{\partial t}
        = \sum_k a_k (j_k + j_{\mathrm{dec},k}) + \frac{\partial i_e}{\partial x}
        = \sum_k a_k (j_k + j_{\mathrm{dec},k})
          + \frac{\partial}{\partial x}\left(\sigma_{\mathrm{eff}}
            \frac{\partial \Delta\phi}{\partial x}\right),

    \sigma_{\mathrm{eff}} \left.\frac{\partial \Delta\phi}{\partial x}\right|_{x=0} = i,
    \qquad \left.\frac{\partial \Delta\phi}{\partial x}\right|_{x=L_p} = 0,

since the carbon keeps :math:`\phi_s` uniform (``composite.py``), so that
:math:`\partial\phi_e/\partial x = -\partial\Delta\phi/\partial x`: the cell current enters
the SE of the composite at the separator and none leaves at the current collector. The
SE potential is continuous with the separator's, which fixes the electronic potential
and with it the SE potential inside:

.. math:: \phi_s = \phi_{e,\mathrm{sep}} + \Delta\phi(0), \qquad
          \phi_e(x) = \phi_s - \Delta\phi(x).

Integrated over the composite the balance is the averaged one of ``capacitance.py``,
:math:`C_c \sum_k a_k L_p\, \mathrm{d}\overline{\Delta\phi}/\mathrm{d}t
= \sum_k a_k \int_0^{L_p} (j_k + j_{\mathrm{dec},k})\,\mathrm{d}x - i`; with a fast SE
(:math:`\sigma_{\mathrm{eff}} \to \infty`) :math:`\Delta\phi` is uniform and the two
forms coincide. For a blocking interface the impedance of the composite is de Levie's

.. math:: Z = \sqrt{\frac{R_\mathrm{ion}}{\mathrm{i}\omega C}}
          \coth\sqrt{\mathrm{i}\omega R_\mathrm{ion} C}, \qquad
          R_\mathrm{ion} = \frac{L_p}{\sigma_{\mathrm{eff}}}, \quad C = C_c\, a L_p,

a 45° line :math:`\sqrt{R_\mathrm{ion}/(\mathrm{i}\omega C)}` for
:math:`\omega R_\mathrm{ion} C \gg 1` that turns into
:math:`R_\mathrm{ion}/3 + 1/(\mathrm{i}\omega C)` below (tests/model/test_transmission_line.py).

This submodel takes the place of ``composite.ResolvedComposite`` (whose SE potential is an
algebraic variable and whose electronic potential closes the current balance,
``kinetics.py``): here both potentials follow from the state, and the current balance
holds through the boundary condition.
"""

import pybamm

from .base import Submodel
from .composite import effective_conductivity
from .kinetics import surface_area_density

POTENTIAL_DIFFERENCE = "Positive electrode surface potential difference [V]"


class TransmissionLineComposite(Submodel):
    def get_fundamental_variables(self):
        delta_phi = pybamm.Variable(POTENTIAL_DIFFERENCE, domain="positive electrode")
        return {POTENTIAL_DIFFERENCE: delta_phi}

    def get_coupled_variables(self, variables):
        delta_phi = variables[POTENTIAL_DIFFERENCE]
        sigma = effective_conductivity(self.param, variables)
        phi_s = variables["SE potential at the cathode [V]"] + pybamm.boundary_value(delta_phi, "left")
        phi_e = phi_s - delta_phi
        return {
            "Composite ionic resistance [Ohm.m2]": self.param.derived.L / (3 * sigma),
            "Composite effective SE conductivity [S.m-1]": sigma,
            "Positive electrode potential [V]": phi_s,
            "SE potential in the cathode [V]": phi_e,
            "Average SE potential in the cathode [V]": pybamm.x_average(phi_e),
        }

    def set_rhs(self, variables):
        delta_phi = variables[POTENTIAL_DIFFERENCE]
        sigma = variables["Composite effective SE conductivity [S.m-1]"]
        a_j = variables["Volumetric current density into particles [A.m-3]"]
        a = sum(surface_area_density(self.param, label) for label in self.options.particle_labels)
        self.rhs[delta_phi] = (a_j + pybamm.div(sigma * pybamm.grad(delta_phi))) / (
            self.param.capacitance.C_cathode * a
        )

    def set_boundary_conditions(self, variables):
        sigma = variables["Composite effective SE conductivity [S.m-1]"]
        self.boundary_conditions[variables[POTENTIAL_DIFFERENCE]] = {
            "left": (variables["Current density [A.m-2]"] / sigma, "Neumann"),
            "right": (pybamm.Scalar(0), "Neumann"),
        }

    def set_initial_conditions(self, variables):
        U0 = self.param.ocp(self.param.particle.x_init)
        self.initial_conditions[variables[POTENTIAL_DIFFERENCE]] = pybamm.PrimaryBroadcast(U0, "positive electrode")
