r"""Na diffusion in the cathode active-material particles (Fickian).

For each particle population :math:`k` (one radius, or one bin of a size distribution),
spheres of radius :math:`R_k`:

.. math::
    \frac{\partial x}{\partial t}
        = \frac{1}{r^2}\frac{\partial}{\partial r}
          \left(r^2 D(T) \frac{\partial x}{\partial r}\right),
    \qquad
    \left.\frac{\partial x}{\partial r}\right|_{r=0} = 0,
    \qquad
    D c_{\max} \left.\frac{\partial x}{\partial r}\right|_{r=R_k} = \frac{j_k}{F},

with :math:`x = c/c_{\max}` the filling of the cycled Na window, :math:`j_k > 0` the
intercalation current density per particle surface area (Na+ inserted: discharge) and
:math:`D(T) = D_{\mathrm{ref}} \exp[E_D/R\,(1/T_{\mathrm{ref}} - 1/T)]`, as in PyBaMM's
Fickian particle (finite volumes, so Na is conserved to round-off). The surface
potential is the open-circuit potential of the surface filling,
:math:`U_k = U(x_k(R_k))` (``ocp.py``).

**Solver scale.** The filling is solved for in units of :data:`X_SCALE`, so that the
solver's absolute tolerance (1e-6) is 1e-9 in :math:`x`. At the top of charge the surface
empties to :math:`x \approx` 4e-5 (4.25 V) ... 3e-6 (4.40 V) in the cutoff sweep, where
:math:`U \propto -(RT/F)\ln x`: with 1e-6 on the states themselves, the surface filling
(extrapolated from the two outer cells, a difference of values ~1e-3) was not resolved
there; IDA accepted steps whose surface filling had collapsed (5.7e-7 where the converged
value is 1.8e-4, the intercalation equation off by 0.43 V) and then failed to converge at
any step size (IDA_CONV_FAIL, 5 of 1000 study cases, all at the 4.25-4.30 V steps).
"""

import pybamm

from ..constants import F
from .base import Submodel, arrhenius
from .geometry import particle_domain

#: unit of the filling in the solver's state vector (see the module docstring)
X_SCALE = 1e-3


class FickianParticle(Submodel):
    """One particle population ``label`` ("" or " k"), x-averaged or per position."""

    def __init__(self, param, options, label=""):
        super().__init__(param, options)
        self.label = label
        self.resolved = options["cathode"] == "resolved"
        self.domain = particle_domain(label)

    def _name(self, quantity):
        return f"Positive particle{self.label} {quantity}"

    def get_fundamental_variables(self):
        aux = {"secondary": "positive electrode"} if self.resolved else {}
        x = pybamm.Variable(self._name("stoichiometry"), domain=self.domain, auxiliary_domains=aux, scale=X_SCALE)
        x_surf = pybamm.surf(x)
        c_max = self.param.derived.c_max
        ocp = self.param.ocp(x_surf)
        return {
            self._name("stoichiometry"): x,
            self._name("surface stoichiometry"): x_surf,
            self._name("surface potential [V]"): ocp,
            self._name("average stoichiometry"): pybamm.r_average(x),
            self._name("concentration [mol.m-3]"): c_max * x,
        }

    def get_coupled_variables(self, variables):
        D = arrhenius(self.param, self.param.particle.D_ref, self.param.particle.E_D)
        return {self._name("diffusivity [m2.s-1]"): D}

    def set_rhs(self, variables):
        x = variables[self._name("stoichiometry")]
        D = variables[self._name("diffusivity [m2.s-1]")]
        self.rhs[x] = pybamm.div(D * pybamm.grad(x))

    def set_boundary_conditions(self, variables):
        x = variables[self._name("stoichiometry")]
        D = variables[self._name("diffusivity [m2.s-1]")]
        j = variables[self._name("intercalation current density [A.m-2]")]
        c_max = self.param.derived.c_max
        self.boundary_conditions[x] = {
            "left": (pybamm.Scalar(0), "Neumann"),
            "right": (j / (F * D * c_max), "Neumann"),
        }

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables[self._name("stoichiometry")]] = self.param.particle.x_init
