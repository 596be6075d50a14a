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

Two options make the cell age (``interphase_growth.py``): ``"SE inventory" = "contact"``
multiplies :math:`j_{\mathrm{dec},k}` by the share :math:`\theta_k` of anion :math:`k`
left in contact with the cathode (a state, consumed by decomposition), and
``"interphase growth"`` replaces the passivation factor :math:`e^{-\delta_k/\lambda_k}`
by a leaky one or by one whose passivating layer the particles' volume change cracks.
The defaults (``"unlimited"``, ``"passivating"``) are the equations above.

The decomposition current flows through the external circuit (``kinetics``: the
particles carry :math:`j + j_{\mathrm{dec}}`), so it adds to the charge capacity and
lowers the Coulombic efficiency. :math:`E` depends on the split of the current between
intercalation and decomposition, so with an interphase the current balance is always
solved algebraically (``kinetics.py``): near the top of charge, where intercalation
becomes diffusion-limited, the current shifts into decomposition.
"""

import pybamm

from ..constants import F, R
from . import active_material_loss as lam
from .base import Submodel, arrhenius
from .interphase_growth import GROWTH, initial_inventory
from .kinetics import surface_area_density
from .se_conversion import owns_cathode_na


class NoInterphase(Submodel):
    def get_fundamental_variables(self):
        variables = {
            "Cathode interphase resistance [Ohm.m2]": pybamm.Scalar(0),
            "Na released by SE decomposition [mol]": pybamm.Scalar(0),
            "Composite SE intact share": pybamm.Scalar(1),
        }
        for label in self.options.particle_labels:
            variables[f"Cathode interphase film resistance{label} [Ohm.m2]"] = pybamm.Scalar(0)
            variables[f"Cathode decomposition current density{label} [A.m-2]"] = pybamm.Scalar(0)
            variables[f"Positive particle{label} connected share"] = pybamm.Scalar(1)
        return variables

    def get_coupled_variables(self, variables):
        if owns_cathode_na(self.options):
            return {}
        return {
            lam.cathode_na_name(label): variables[f"Positive particle{label} average stoichiometry"]
            for label in self.options.particle_labels
        }


class DecompositionInterphase(Submodel):
    """Films grown by the irreversible oxidation of each SE anion; the SE inventory and
    the growth law are options (``interphase_growth.py``)."""

    #: whether the films sit on intercalation particles (film isolation, Na share)
    particles = True

    def __init__(self, param, options):
        super().__init__(param, options)
        self.labels = options.particle_labels
        self.anions = range(options["SE anions"])
        self.resolved = options["cathode"] == "resolved"
        self.p = param.anion  # per anion k: .fraction, .potential, .rate, ... (parameters/registry.py)
        self.finite = options["SE inventory"] == "contact"
        self.law = GROWTH[options["interphase growth"]](param, options)
        self.law_states = {}
        self.isolation = options["active material loss"] == "film isolation"

    @property
    def geometric_states(self):
        """Names of the states whose cycle-end values are geometric in the cycle number
        (named without building the equations: ``CellModel`` assembles them on first use)."""
        if not self.law.geometric:
            return []
        return [name for label in self.labels for k in self.anions for name in self.law.state_names(k, label)]

    def area(self, label):
        """Contact area of SE and electron conductor per geometric area (a L) [-]."""
        return surface_area_density(self.param, label) * self.param.derived.L

    def _thickness(self, k, label):
        return f"Cathode interphase layer {k} thickness{label} [m]"

    def _remaining(self, k, label):
        # local state (per population, per position); the cell-wide share is
        # "SE anion {k} contact inventory remaining"
        return f"Contact inventory share of SE anion {k}{label}"

    def _zero(self):
        return pybamm.PrimaryBroadcast(0, "positive electrode") if self.resolved else pybamm.Scalar(0)

    def get_fundamental_variables(self):
        variables = {}
        conductance = 0
        domain = "positive electrode" if self.resolved else None
        for label in self.labels:
            delta = [pybamm.Variable(self._thickness(k, label), domain=domain, scale=1e-9) for k in self.anions]
            rho = sum(p.resistivity * d for p, d in zip(self.p, delta))
            for k, d in zip(self.anions, delta):
                variables[self._thickness(k, label)] = d
            variables[f"Cathode interphase film resistance{label} [Ohm.m2]"] = rho
            states = {}
            for k in self.anions:
                states.update(self.law.states(k, label))
            self.law_states[label] = states
            for k, (p, d) in enumerate(zip(self.p, delta)):
                variables[f"Cathode interphase passivation of anion {k}{label}"] = self.law.factor(p, d, states.get(k))
                if self.finite:
                    variables[self._remaining(k, label)] = pybamm.Variable(self._remaining(k, label), domain=domain)
            if self.isolation:
                connected = 1 - lam.isolated_share(self.param, rho)
                variables[lam.cathode_na_name(label)] = pybamm.Variable(lam.cathode_na_name(label), domain=domain)
            else:
                connected = pybamm.Scalar(1)
            variables[f"Positive particle{label} connected share"] = connected
            # populations (and positions) in parallel, isolated particles cut off; the
            # floor only avoids 1/0 before any film has formed
            conductance = conductance + self.area(label) * pybamm.x_average(connected / pybamm.maximum(rho, 1e-12))
        variables["Cathode interphase resistance [Ohm.m2]"] = 1 / conductance
        variables.update(self._inventory_totals(variables))
        return variables

    def _inventory_totals(self, variables):
        """Remaining share of each anion's contact inventory (cell-wide) and the intact
        share of the composite's SE."""
        if not self.finite:
            return {"Composite SE intact share": pybamm.Scalar(1)}
        out = {}
        surface = sum(self.area(label) for label in self.labels)
        consumed_share = 0
        for k, p in zip(self.anions, self.p):
            remaining = (
                sum(self.area(label) * pybamm.x_average(variables[self._remaining(k, label)]) for label in self.labels)
                / surface
            )
            out[f"SE anion {k} contact inventory remaining"] = remaining
            consumed_share = consumed_share + p.fraction * (1 - remaining)
        out["Composite SE intact share"] = 1 - self.param.ageing.contact * consumed_share
        return out

    def _currents(self, E, passivation, remaining, thickness):
        """Decomposition current density of each anion [A.m-2] at driving potential E."""
        F_RT = F / (R * self.param.cell.T_amb)
        currents = []
        for p, f, theta, delta in zip(self.p, passivation, remaining, thickness):
            j_k = (
                -p.fraction
                * arrhenius(self.param, p.rate, p.energy)
                * pybamm.exp(p.alpha * F_RT * (E - p.potential))
                * f
            )
            leak = self.law.leak(p, E, delta)
            if leak is not None:
                j_k = j_k - p.fraction * leak
            if theta is not None:
                # the floor keeps a used-up inventory from turning the rate cathodic when
                # the solver undershoots zero
                j_k = j_k * pybamm.maximum(theta, 0)
            currents.append(j_k)
        return currents

    def _driving_potential(self, variables):
        """E = phi_s - phi_e at the particle surface [V] (algebraic current balance)."""
        if self.resolved:
            return variables["Positive electrode potential [V]"] - variables["SE potential in the cathode [V]"]
        return variables["Positive electrode surface potential difference [V]"]

    def _inventory(self, p):
        return initial_inventory(self.param, p.fraction, self.labels)

    def get_coupled_variables(self, variables):
        A = self.param.cell.A
        out = {}
        charge = [0 for _ in self.anions]
        consumed = [0 for _ in self.anions]
        for label in self.labels:
            E = self._driving_potential(variables)
            passivation = [variables[f"Cathode interphase passivation of anion {k}{label}"] for k in self.anions]
            if self.finite:
                remaining = [variables[self._remaining(k, label)] for k in self.anions]
            else:
                remaining = [None for _ in self.anions]
            thickness = [variables[self._thickness(k, label)] for k in self.anions]
            area = self.area(label) * A
            total = 0
            for k, (p, j_k) in enumerate(zip(self.p, self._currents(E, passivation, remaining, thickness))):
                out[f"Cathode decomposition current density of anion {k}{label} [A.m-2]"] = j_k
                total = total + j_k
                # the charge that formed the film (from its thickness)
                charge[k] = charge[k] + area * pybamm.x_average(thickness[k] * p.electrons * F / p.volume)
                if self.finite:
                    # the anions taken from the inventory (an independent state)
                    consumed[k] = consumed[k] + area * pybamm.x_average(self._inventory(p) * (1 - remaining[k]))
            out[f"Cathode decomposition current density{label} [A.m-2]"] = total
            out[f"Cathode decomposition driving potential{label} [V]"] = E
            if self.particles:
                x_av = variables[f"Positive particle{label} average stoichiometry"]
                if self.isolation:
                    connected = variables[f"Positive particle{label} connected share"]
                    out[lam.trapped_name(label)] = variables[lam.cathode_na_name(label)] - connected * x_av
                elif not owns_cathode_na(self.options):
                    out[lam.cathode_na_name(label)] = x_av
        for k, p in zip(self.anions, self.p):
            out[f"Cathode decomposition charge of anion {k} [A.h]"] = charge[k] / 3600
            if self.finite:
                out[f"SE anion {k} consumed from the contact inventory [mol]"] = consumed[k]
                out[f"SE anion {k} in the film [mol]"] = charge[k] / (p.electrons * F)
        # each electron taken from an anion leaves a Na+ in the SE, which is plated
        if self.finite:
            released = sum(c * p.electrons for c, p in zip(consumed, self.p))
        else:
            released = sum(charge) / F
        out["Na released by SE decomposition [mol]"] = released
        return out

    def set_rhs(self, variables):
        for label in self.labels:
            growth = {}
            for k, p in zip(self.anions, self.p):
                j_k = variables[f"Cathode decomposition current density of anion {k}{label} [A.m-2]"]
                growth[k] = -j_k * p.volume / (p.electrons * F)
                self.rhs[variables[self._thickness(k, label)]] = growth[k]
                if self.finite:
                    theta = variables[self._remaining(k, label)]
                    self.rhs[theta] = j_k / (p.electrons * F * self._inventory(p))
            self.rhs.update(self.law.rhs(self.law_states[label], growth, variables, label))
            if self.isolation:
                # only the connected particles exchange Na: (1 - phi) times the filling
                # rate of a particle, 3 j / (R c_max F)
                j = variables[f"Positive particle{label} intercalation current density [A.m-2]"]
                R_p = self.param.population[label].R
                connected = variables[f"Positive particle{label} connected share"]
                self.rhs[variables[lam.cathode_na_name(label)]] = (
                    connected * 3 * j / (R_p * self.param.derived.c_max * F)
                )

    def set_initial_conditions(self, variables):
        for label in self.labels:
            for k in self.anions:
                self.initial_conditions[variables[self._thickness(k, label)]] = self._zero()
                if self.finite:
                    one = pybamm.PrimaryBroadcast(1, "positive electrode") if self.resolved else pybamm.Scalar(1)
                    self.initial_conditions[variables[self._remaining(k, label)]] = one
            self.initial_conditions.update(self.law.initial_conditions(self.law_states[label]))
            if self.isolation:
                x0 = self.param.particle.x_init
                self.initial_conditions[variables[lam.cathode_na_name(label)]] = (
                    pybamm.PrimaryBroadcast(x0, "positive electrode") if self.resolved else x0
                )
