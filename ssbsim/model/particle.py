r"""Na diffusion in the cathode active-material particles (Fickian).

For each particle population :math:`k` (one radius, or one bin of a size distribution),
spheres of radius :math:`R_k`:

.. math::
    c_{\max} \frac{\partial x}{\partial t}
        = \frac{1}{r^2}\frac{\partial}{\partial r}
          \left(r^2 D(T)\, c_{\max} \frac{\partial x}{\partial r}\right),
    \qquad
    \left.\frac{\partial x}{\partial r}\right|_{r=0} = 0,
    \qquad
    D c_{\max} \left.\frac{\partial x}{\partial r}\right|_{r=R_k} = \frac{j_k}{F},

with :math:`j_k > 0` the intercalation current density per particle surface area
(Na+ inserted: discharge) and :math:`D(T) = D_{\mathrm{ref}}
\exp[E_D/R\,(1/T_{\mathrm{ref}} - 1/T)]`. Fick's law acts on the stoichiometry
:math:`x`, as in PyBaMM's Fickian particle; the state solved for is the local equilibrium
potential :math:`U(r,t)`, with :math:`x = x(U,T)` from the MSMR isotherm (``ocp.py``),
so that

.. math::
    c_{\max} \frac{\mathrm{d}x}{\mathrm{d}U} \frac{\partial U}{\partial t}
      = \nabla\cdot\left(D\, c_{\max} \nabla x(U)\right).

This is the change of variables PyBaMM's MSMR particle uses (Baker & Verbrugge 2018,
doi:10.1149/2.0771816jes); the flux is discretised as the gradient of :math:`x(U)`, so
the semi-discrete equations are those of the Fickian model in :math:`x`. Because
:math:`x(U) \in (0, 1)` for every :math:`U`, no surface stoichiometry can leave its
physical range, which keeps steep plateau ends solvable. The surface value
:math:`U(R_k)` is extrapolated with the gradient :math:`\partial U/\partial r =
(\partial x/\partial r)/(\mathrm{d}x/\mathrm{d}U)` implied by the flux condition.
"""

import pybamm

from .base import Submodel, arrhenius, temperature
from .geometry import particle_domain
from .ocp import MSMR


class FickianParticle(Submodel):
    """One particle population ``label`` ("" or " k"), x-averaged or per position."""

    def __init__(self, options, label=""):
        super().__init__(options)
        self.label = label
        self.resolved = options["cathode"] == "resolved"
        self.msmr = MSMR.symbolic(options["MSMR reactions"])
        self.domain = particle_domain(label)

    def _name(self, quantity):
        return f"Positive particle{self.label} {quantity}"

    def get_fundamental_variables(self):
        aux = {"secondary": "positive electrode"} if self.resolved else {}
        x = pybamm.Variable(self._name("stoichiometry"), domain=self.domain, auxiliary_domains=aux)
        U_surf = pybamm.Variable(
            self._name("surface potential [V]"),
            domain="positive electrode" if self.resolved else None,
        )
        T = temperature()
        c_max = pybamm.Parameter("Maximum concentration in positive electrode [mol.m-3]")
        return {
            self._name("stoichiometry"): x,
            self._name("surface potential [V]"): U_surf,
            self._name("surface stoichiometry"): self.msmr.occupancy(U_surf, T),
            self._name("surface vacancy fraction"): self.msmr.vacancy(U_surf, T),
            self._name("average stoichiometry"): pybamm.r_average(x),
            self._name("concentration [mol.m-3]"): c_max * x,
        }

    def get_coupled_variables(self, variables):
        D = arrhenius(
            pybamm.Parameter("Positive particle diffusivity [m2.s-1]"),
            pybamm.Parameter("Positive particle diffusivity activation energy [J.mol-1]"),
            temperature(),
        )
        return {self._name("diffusivity [m2.s-1]"): D}

    def set_rhs(self, variables):
        x = variables[self._name("stoichiometry")]
        D = variables[self._name("diffusivity [m2.s-1]")]
        self.rhs[x] = pybamm.div(D * pybamm.grad(x))

    def set_algebraic(self, variables):
        x = variables[self._name("stoichiometry")]
        U_surf = variables[self._name("surface potential [V]")]
        T = temperature()
        # logit form: nearly linear in U on plateaus and tails alike (well-conditioned);
        # the bound only acts on non-physical overshoots of the extrapolated surface value
        eps = 1e-12
        x_surf = pybamm.maximum(pybamm.minimum(pybamm.surf(x), 1 - eps), eps)
        self.algebraic[U_surf] = (
            pybamm.log(self.msmr.occupancy(U_surf, T)) - pybamm.log(self.msmr.vacancy(U_surf, T))
        ) - (pybamm.log(x_surf) - pybamm.log(1 - x_surf))

    def set_boundary_conditions(self, variables):
        x = variables[self._name("stoichiometry")]
        D = variables[self._name("diffusivity [m2.s-1]")]
        j = variables[self._name("intercalation current density [A.m-2]")]
        c_max = pybamm.Parameter("Maximum concentration in positive electrode [mol.m-3]")
        self.boundary_conditions[x] = {
            "left": (pybamm.Scalar(0), "Neumann"),
            "right": (j / (pybamm.constants.F * D * c_max), "Neumann"),
        }

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables[self._name("stoichiometry")]] = pybamm.Parameter(
            "Initial positive electrode stoichiometry"
        )
        self.initial_conditions[variables[self._name("surface potential [V]")]] = (
            pybamm.Parameter("Initial positive particle potential [V]")
        )
