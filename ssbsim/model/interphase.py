r"""The cathode/solid-electrolyte interphase: voltage-dependent, passivating anion
decomposition.

An interphase submodel provides, per particle population ``label``:

- ``"Cathode interphase film resistance{label} [Ohm.m2]"``: area-specific Na+ resistance
  of the film per particle surface area, in series with intercalation (:math:`\rho`);
- ``"Cathode decomposition current density{label} [A.m-2]"``: SE decomposition current
  per particle surface area (negative = anodic);

and, for the cell, ``"Cathode interphase resistance [Ohm.m2]"`` per geometric area (R2).

``interphase = "none"``: a clean SE/cathode contact.

``interphase = "decomposition"``: the SE is a mixture of anions :math:`k` (mole
fractions :math:`X_k`; for Na4(CB11H12)2(B12H12), 1/3 [B12H12]2- and 2/3 [CB11H12]-,
Asakura et al., Energy Environ. Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e). Where the
SE touches the electron-conducting cathode surface, each anion is oxidised irreversibly
(anodic Tafel kinetics, no cathodic branch) at a rate that its own product suppresses,
because electrons must cross it (tunnelling/electron leakage through a passivating
layer; the growth law of Peled's SEI and of Single, Latz & Horstmann, ChemSusChem 11
(2018) 1950, doi:10.1002/cssc.201800077):

.. math::
    j_{\mathrm{dec},k} = -X_k\, i_k(T)\,
        \exp\!\left[\frac{\alpha_k F}{RT}\,(E - E_k)\right]
        \exp\!\left(-\frac{\delta_k}{\lambda_k}\right), \qquad
    \frac{\mathrm{d}\delta_k}{\mathrm{d}t} = \frac{\bar V_k}{n_k F}\,|j_{\mathrm{dec},k}|,

with :math:`E = \phi_s - \phi_e` the potential of the cathode against the SE next to it
(vs Na+/Na), :math:`E_k` the reference potential of anion :math:`k` (placed at its
voltammetric onset, 3.45 V for [B12H12]2-, 4.20 V for [CB11H12]-), :math:`i_k(T)`
Arrhenius, :math:`n_k` electrons per anion, :math:`\bar V_k` the molar volume of its
product and :math:`\lambda_k` the thickness of that product which cuts electron transfer
to the anion by a factor e. Each product passivates its own anion only: the
[B12H12]2- product stays Na+-conducting because intact [CB11H12]- anions carry the
current through it (Asakura 2020), and those anions remain in contact with the cathode
and oxidise above ~4.2 V. At constant :math:`E` the law gives logarithmic growth
(:math:`\delta \propto \ln(1 + t/\tau)`): the film is self-limiting, a second charge to
the same voltage decomposes little, and a higher voltage (factor
:math:`e^{\alpha F\Delta E/RT}`) starts new growth -- the voltage memory of the brief.
A parabolic law (:math:`R \propto \sqrt t`, used for cathode interphases on sulfide and
halide SEs) keeps growing at a fixed voltage and has no such memory, so it is not used;
a weakly passivating product (large :math:`\lambda_k`) keeps growing cycle after cycle,
as the [CB11H12]- product does above ~4.30 V.

The two products form two layers in series for Na+: the [B12H12]2- product conducts
Na+ (the intact [CB11H12]- carries the current), the [CB11H12]- product blocks it:

.. math::
    \rho = \sum_k \rho_k\, \delta_k, \qquad R_2 = \Big(\sum_{\mathrm{populations}}
        a L_p / \rho\Big)^{-1}.

The decomposition current flows through the external circuit (``kinetics``: the
particles carry :math:`j + j_{\mathrm{dec}}`), so it adds to the charge capacity and
lowers the Coulombic efficiency. :math:`E` depends on the split of the current between
intercalation and decomposition, so with an interphase the current balance is always
solved algebraically (``kinetics.py``): near the top of charge, where intercalation
becomes diffusion-limited, the current shifts into decomposition.
"""

import pybamm

from ..constants import F, R
from .base import Submodel, arrhenius
from .kinetics import surface_area_density


class NoInterphase(Submodel):
    def get_fundamental_variables(self):
        variables = {
            "Cathode interphase resistance [Ohm.m2]": pybamm.Scalar(0),
            "Na released by SE decomposition [mol]": pybamm.Scalar(0),
        }
        for label in self.options.particle_labels:
            variables[f"Cathode interphase film resistance{label} [Ohm.m2]"] = pybamm.Scalar(0)
            variables[f"Cathode decomposition current density{label} [A.m-2]"] = pybamm.Scalar(0)
        return variables


class DecompositionInterphase(Submodel):
    """Passivating films grown by the irreversible oxidation of each SE anion."""

    def __init__(self, param, options):
        super().__init__(param, options)
        self.labels = options.particle_labels
        self.anions = range(options["SE anions"])
        self.resolved = options["cathode"] == "resolved"
        self.p = param.anion  # per anion k: .fraction, .potential, .rate, ... (parameters/registry.py)

    def area(self, label):
        """Contact area of SE and electron conductor per geometric area (a L) [-]."""
        return surface_area_density(self.param, label) * self.param.derived.L

    def _thickness(self, k, label):
        return f"Cathode interphase layer {k} thickness{label} [m]"

    def get_fundamental_variables(self):
        variables = {}
        conductance = 0
        for label in self.labels:
            delta = [
                pybamm.Variable(
                    self._thickness(k, label),
                    domain="positive electrode" if self.resolved else None,
                    scale=1e-9,
                )
                for k in self.anions
            ]
            rho = sum(p.resistivity * d for p, d in zip(self.p, delta))
            for k, d in zip(self.anions, delta):
                variables[self._thickness(k, label)] = d
            variables[f"Cathode interphase film resistance{label} [Ohm.m2]"] = rho
            for k, (p, d) in enumerate(zip(self.p, delta)):
                variables[f"Cathode interphase passivation of anion {k}{label}"] = pybamm.exp(-d / p.length)
            # populations (and positions) in parallel; the floor only avoids 1/0 before
            # any film has formed
            conductance = conductance + self.area(label) * pybamm.x_average(1 / pybamm.maximum(rho, 1e-12))
        variables["Cathode interphase resistance [Ohm.m2]"] = 1 / conductance
        return variables

    def _currents(self, E, passivation):
        """Decomposition current density of each anion [A.m-2] at driving potential E."""
        F_RT = F / (R * self.param.cell.T_amb)
        return [
            -p.fraction * arrhenius(self.param, p.rate, p.energy) * pybamm.exp(p.alpha * F_RT * (E - p.potential)) * f
            for p, f in zip(self.p, passivation)
        ]

    def _driving_potential(self, variables):
        """E = phi_s - phi_e at the particle surface [V] (algebraic current balance)."""
        if self.resolved:
            return variables["Positive electrode potential [V]"] - variables["SE potential in the cathode [V]"]
        return variables["Positive electrode surface potential difference [V]"]

    def get_coupled_variables(self, variables):
        A = self.param.cell.A
        out = {}
        charge = [0 for _ in self.anions]
        for label in self.labels:
            E = self._driving_potential(variables)
            passivation = [variables[f"Cathode interphase passivation of anion {k}{label}"] for k in self.anions]
            total = 0
            for k, (p, j_k) in enumerate(zip(self.p, self._currents(E, passivation))):
                out[f"Cathode decomposition current density of anion {k}{label} [A.m-2]"] = j_k
                total = total + j_k
                delta = variables[self._thickness(k, label)]
                charge[k] = charge[k] + self.area(label) * A * pybamm.x_average(delta * p.electrons * F / p.volume)
            out[f"Cathode decomposition current density{label} [A.m-2]"] = total
            out[f"Cathode decomposition driving potential{label} [V]"] = E
        for k in self.anions:
            out[f"Cathode decomposition charge of anion {k} [A.h]"] = charge[k] / 3600
        # each electron taken from an anion leaves a Na+ in the SE, which is plated
        out["Na released by SE decomposition [mol]"] = sum(charge) / F
        return out

    def set_rhs(self, variables):
        for label in self.labels:
            for k, p in zip(self.anions, self.p):
                j_k = variables[f"Cathode decomposition current density of anion {k}{label} [A.m-2]"]
                delta = variables[self._thickness(k, label)]
                self.rhs[delta] = -j_k * p.volume / (p.electrons * F)

    def set_initial_conditions(self, variables):
        for label in self.labels:
            for k in self.anions:
                delta = variables[self._thickness(k, label)]
                self.initial_conditions[delta] = (
                    pybamm.PrimaryBroadcast(0, "positive electrode") if self.resolved else pybamm.Scalar(0)
                )
