r"""Na intercalation kinetics at the active-particle surface, and the current balance.

Symmetric Butler--Volmer kinetics per particle population :math:`k`, with the
interphase film (resistance :math:`\rho_k` per particle area, ``interphase.py``) in
series:

.. math::
    \phi_s - \phi_e = U_k(R_k) + \eta_k - \rho_k j_k, \qquad
    \eta_k = -\frac{2RT}{F}\operatorname{arcsinh}\frac{j_k}{2 j_{0,k}},

    j_{0,k} = j_{0,\mathrm{ref}}(T)\; 2\sqrt{x_k(R_k)\,[1 - x_k(R_k)]},

with :math:`j_k > 0` for Na insertion (discharge, :math:`\eta_k < 0`: PyBaMM's sign
convention); the film drop :math:`\rho_k j_k` lowers the potential of the particle
surface on discharge and raises it on charge. :math:`j_{0,\mathrm{ref}}` is the
exchange-current density at half filling, Arrhenius in :math:`T`; the SE is single-ion,
so :math:`j_0` does not depend on an electrolyte concentration. This is PyBaMM's
symmetric Butler--Volmer form with :math:`c_e` fixed. The particles exchange current
with the SE (intercalation :math:`j_k`) and host the SE decomposition
(:math:`j_{\mathrm{dec},k}`, from the interphase), and together they carry the cell
current:

.. math::
    \sum_k a_k \int_0^{L_p} (j_k + j_{\mathrm{dec},k})\,\mathrm{d}x = i, \qquad
    a_k = \frac{3\,\varepsilon_{\mathrm{act}}\, w_k}{R_k},

where :math:`\varepsilon_{\mathrm{act}}` is the volume fraction of electrochemically
active material and :math:`w_k` the volume share of population :math:`k`.
Particles cut off by their film (``active_material_loss.py``) or by converted SE
(``se_conversion.py``) no longer intercalate: :math:`j_k` is carried by the connected
share of each population only.

For a single particle in an averaged composite without decomposition the balance gives
:math:`j` explicitly; otherwise (or with ``current balance = "algebraic"``)
:math:`\phi_s - \phi_e` (averaged) or :math:`\phi_s` (resolved) and the :math:`j_k` are
algebraic variables. With the cathode double layer (``capacitance.py``) the balance takes
the double-layer current and :math:`\phi_s - \phi_e` is a differential state: here for the
averaged composite, in ``transmission_line.py`` (which also owns the balance) for the
resolved one.
"""

import pybamm

from ..constants import F, R
from . import capacitance, se_conversion
from .base import Submodel, arrhenius


def surface_area_density(param, label):
    """a_k [m-1]: particle surface per composite volume for population ``label``."""
    population = param.population[label]
    return 3 * param.derived.eps_act * population.share / population.R


def explicit_current_balance(options):
    """Whether the intercalation current follows from the cell current in closed form:
    one particle population, an averaged composite and no decomposition current (which
    depends on the potential it changes; near the top of charge, where intercalation is
    diffusion-limited, the current shifts into decomposition, and only the algebraic
    balance follows that)."""
    return (
        options["current balance"] == "explicit"
        and options["cathode"] == "averaged"
        and options["particle"] == "single"
        and options["interphase"] == "none"
        and not capacitance.enabled(options)
    )


def exchange_current_density(param, x_surf):
    """j0 = j0_ref(T) 2 sqrt(x (1 - x)) [A.m-2] at surface filling ``x_surf``."""
    j0_ref = arrhenius(param, param.particle.j0_ref, param.particle.E_j0)
    # the floor (1e-12, far below any filling reached before a cutoff) keeps the voltage
    # finite if a trial step overshoots the surface filling, so that voltage events are
    # still located where they belong
    return j0_ref * 2 * pybamm.sqrt(pybamm.maximum(x_surf * (1 - x_surf), 1e-12))


def reaction_overpotential(param, j, j0):
    """Symmetric Butler-Volmer overpotential [V]; negative for insertion (j > 0)."""
    return -2 * R * param.cell.T_amb / F * pybamm.arcsinh(j / (2 * j0))


class ButlerVolmerIntercalation(Submodel):
    def __init__(self, param, options):
        super().__init__(param, options)
        self.labels = options.particle_labels
        self.resolved = options["cathode"] == "resolved"
        self.explicit = explicit_current_balance(options)
        # resolved with double layers: the potentials and the balance are the
        # transmission line's (transmission_line.py)
        self.transmission_line = self.resolved and capacitance.enabled(options)

    def get_fundamental_variables(self):
        if self.explicit:
            return {}
        variables = {}
        domain = "positive electrode" if self.resolved else None
        for label in self.labels:
            name = f"Positive particle{label} intercalation current density [A.m-2]"
            variables[name] = pybamm.Variable(name, domain=domain)
        if not self.resolved:
            variables["Positive electrode surface potential difference [V]"] = pybamm.Variable(
                "Positive electrode surface potential difference [V]"
            )
        elif not self.transmission_line:
            variables["Positive electrode potential [V]"] = pybamm.Variable("Positive electrode potential [V]")
        return variables

    def get_coupled_variables(self, variables):
        i = variables["Current density [A.m-2]"]
        L = self.param.derived.L
        phi_e_av = variables["Average SE potential in the cathode [V]"]
        out = {}
        a_j_total = 0
        for label in self.labels:
            a = surface_area_density(self.param, label)
            j_dec = variables[f"Cathode decomposition current density{label} [A.m-2]"]
            rho = variables[f"Cathode interphase film resistance{label} [Ohm.m2]"]
            U_s = variables[f"Positive particle{label} surface potential [V]"]
            j0 = exchange_current_density(self.param, variables[f"Positive particle{label} surface stoichiometry"])
            name_j = f"Positive particle{label} intercalation current density [A.m-2]"
            # particles isolated by their film (active_material_loss.py) or by converted SE
            # (se_conversion.py) no longer intercalate
            connected = variables[f"Positive particle{label} connected share"] * variables[se_conversion.CONNECTED]
            if self.explicit:
                j = (i / (a * L) - j_dec) / connected
                out[name_j] = j
            else:
                j = variables[name_j]
            eta = reaction_overpotential(self.param, j, j0)
            out[f"Positive particle{label} exchange-current density [A.m-2]"] = j0
            out[f"Positive particle{label} reaction overpotential [V]"] = eta
            out[f"Positive particle{label} film overpotential [V]"] = -rho * j
            out[f"Positive particle{label} surface potential difference [V]"] = U_s + eta - rho * j
            a_j_total = a_j_total + a * (connected * j + j_dec)
        out["Volumetric current density into particles [A.m-3]"] = a_j_total
        if self.explicit:
            delta_phi = out["Positive particle surface potential difference [V]"]
            out["Positive electrode surface potential difference [V]"] = delta_phi
            out["Positive electrode potential [V]"] = delta_phi + phi_e_av
        elif not self.resolved:
            out["Positive electrode potential [V]"] = (
                variables["Positive electrode surface potential difference [V]"] + phi_e_av
            )
        elif not self.transmission_line:
            out["Positive electrode surface potential difference [V]"] = (
                variables["Positive electrode potential [V]"] - variables["SE potential in the cathode [V]"]
            )
        if len(self.labels) == 1:
            out["Positive electrode reaction overpotential [V]"] = pybamm.x_average(
                out["Positive particle reaction overpotential [V]"]
            )
        return out

    def set_algebraic(self, variables):
        if self.explicit:
            return
        i = variables["Current density [A.m-2]"]
        L = self.param.derived.L
        delta_phi = variables["Positive electrode surface potential difference [V]"]
        for label in self.labels:
            j = variables[f"Positive particle{label} intercalation current density [A.m-2]"]
            self.algebraic[j] = delta_phi - variables[f"Positive particle{label} surface potential difference [V]"]
        if self.transmission_line:
            return
        a_j = variables["Volumetric current density into particles [A.m-3]"]
        # the cell current closes the balance; scaled to a potential-like residual
        scale = self.param.derived.Q_nom / self.param.cell.A
        if self.resolved:
            x = pybamm.SpatialVariable("x_p", domain="positive electrode")
            total = pybamm.Integral(a_j, x)
            phi_s = variables["Positive electrode potential [V]"]
        else:
            total = a_j * L
            phi_s = delta_phi
        if capacitance.enabled(self.options):
            # the double layer takes what the reactions do not (capacitance.py)
            area = sum(surface_area_density(self.param, label) for label in self.labels) * L
            self.rhs[phi_s] = (total - i) / (self.param.capacitance.C_cathode * area)
        else:
            self.algebraic[phi_s] = (total - i) / scale

    def set_initial_conditions(self, variables):
        if self.explicit:
            return
        U0 = self.param.ocp(self.param.particle.x_init)
        for label in self.labels:
            j = variables[f"Positive particle{label} intercalation current density [A.m-2]"]
            self.initial_conditions[j] = (
                pybamm.Scalar(0) if not self.resolved else (pybamm.PrimaryBroadcast(0, "positive electrode"))
            )
        if not self.resolved:
            self.initial_conditions[variables["Positive electrode surface potential difference [V]"]] = U0
        elif not self.transmission_line:
            self.initial_conditions[variables["Positive electrode potential [V]"]] = U0
