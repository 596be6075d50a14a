r"""The external circuit and the terminal voltage; charge, energy and Na bookkeeping.

The applied current :math:`I` (``"Current function [A]"``, positive on discharge; PyBaMM's
experiment machinery replaces it by an algebraic variable for voltage holds) spreads over
the geometric area :math:`A`: :math:`i = I/A`. Taking the Na metal as the reference, the
terminal voltage is the electronic potential of the cathode,

.. math::
    V = \phi_s = \underbrace{U + \eta - \rho j}_{\phi_s - \phi_e}
        \;+\; \underbrace{(-\eta_a - i R_0 - \Delta\phi_{\mathrm{comp}})}_{\phi_e},

whose terms the anode, separator, composite, kinetics and interphase submodels supply.
The counter :math:`\mathrm{d}Q/\mathrm{d}t = I/3600` [A.h] gives capacities exactly
(per step, by differences); energies are integrated over the solver's own steps by the
observables (``observables/quadrature.py``): an energy state would accumulate the
solver's local error, rtol times the accumulated energy per step (20 mV in the mean
voltage after 100 cycles at rtol 1e-4), where Q is exact because I is piecewise
constant. The Na balance

.. math::
    N_{\mathrm{Na}} = A\left(n_{\mathrm{Na}}
        + c_{\max} L_p \varepsilon_{\mathrm{act}} \sum_k w_k [(1-\varphi_k)\bar x_k + \tau_k]\right)
        - Q_{\mathrm{dec}}/F

(Na metal, Na in the connected particles and locked in isolated ones,
``active_material_loss.py``, less the Na+ that SE decomposition released and the anode
plated) is conserved by construction, which the tests check.

The open-circuit voltage (``"Open-circuit voltage [V]"``, PyBaMM's name) is
:math:`U_{\mathrm{bulk}} = U(\sum_k w_k \bar x_k)` against the Na metal: the voltage the
particles relax to together (Na is conserved and they end at one potential). With
x-averages :math:`\langle\cdot\rangle` and population means :math:`\sum_k w_k`, the voltage
splits exactly, under PyBaMM's names (for ``pybamm.plot_voltage_components``), into

.. math::
    V = U_{\mathrm{bulk}}
        + \underbrace{(\bar U_{\mathrm{surf}} - U_{\mathrm{bulk}})}_{\text{particle concentration}}
        + \underbrace{(\bar\eta - \eta_a)}_{\text{reaction}}
        + \underbrace{(\langle\phi_e\rangle + \eta_a)}_{\text{electrolyte ohmic}}
        - \underbrace{\overline{\rho j}}_{\text{contact (interphase film)}},

(no electrolyte concentration or electronic ohmic parts: single-ion SE, no electronic
resistance), because :math:`\phi_s - \phi_e = U_k + \eta_k - \rho_k j_k` for every
population and :math:`\phi_e = -\eta_a` at the anode.
"""

import pybamm

from ..parameters.registry import CELL
from .base import Submodel


class ExternalCircuit(Submodel):
    def get_fundamental_variables(self):
        I, A, Q_nom, T = self.param.current, self.param.cell.A, self.param.derived.Q_nom, self.param.cell.T_amb
        # scaled to O(1) so that the solver's absolute tolerance is meaningful
        Q = pybamm.Variable("Discharge capacity [A.h]", scale=Q_nom)
        return {
            "Time [s]": pybamm.t,
            "Time [h]": pybamm.t / 3600,
            "Current [A]": I,
            "Current variable [A]": I,  # for pybamm.Experiment
            "Current density [A.m-2]": I / A,
            "C-rate": I / Q_nom,
            "Discharge capacity [A.h]": Q,
            "Ambient temperature [K]": T,
            "Ambient temperature [C]": T - 273.15,
        }

    def get_coupled_variables(self, variables):
        V = variables["Positive electrode potential [V]"]
        A, derived = self.param.cell.A, self.param.derived
        L, eps, c_max = derived.L, derived.eps_act, derived.c_max
        na_cathode = 0
        for label in self.options.particle_labels:
            w = self.param.population[label].share
            # Na per site of the population: connected and isolated particles together
            # (active_material_loss.py; the particles' mean filling without isolation)
            share = variables[f"Na share of the cathode sites{label}"]
            na_cathode = na_cathode + w * pybamm.x_average(share)
        na_cathode = A * c_max * L * eps * na_cathode
        na_anode = A * variables["Na metal anode inventory [mol.m-2]"]
        return {
            "Voltage [V]": V,
            "Battery voltage [V]": V,
            "Terminal voltage [V]": V,
            "Na in cathode [mol]": na_cathode,
            "Na in anode [mol]": na_anode,
            "Total Na [mol]": na_cathode + na_anode - variables["Na released by SE decomposition [mol]"],
            **self._open_circuit(variables),
        }

    def _open_circuit(self, variables):
        """Open-circuit potentials and the parts of the voltage, under PyBaMM's names (see
        the module docstring). The Na metal is the reference (0 V)."""
        labels = self.options.particle_labels
        if not labels:  # SE:carbon: no intercalation host, no open-circuit potential
            return {}

        def mean(name):  # share-weighted mean over the populations of an x-averaged quantity
            return sum(
                self.param.population[label].share * pybamm.x_average(variables[name.format(label)]) for label in labels
            )

        x_bulk = mean("Positive particle{} average stoichiometry")
        U_bulk = self.param.ocp(x_bulk)
        U_surf = mean("Positive particle{} surface potential [V]")
        anode = -variables["Anode overpotential [V]"]
        reaction = mean("Positive particle{} reaction overpotential [V]") + anode
        film = -mean("Positive particle{} film overpotential [V]")
        ohmic = variables["Average SE potential in the cathode [V]"] - variables["SE potential at the anode [V]"]
        zero = pybamm.Scalar(0)
        return {
            "Positive electrode bulk stoichiometry": x_bulk,
            "Positive electrode bulk open-circuit potential [V]": U_bulk,
            "X-averaged positive electrode open-circuit potential [V]": U_surf,
            "Negative electrode bulk open-circuit potential [V]": zero,
            "X-averaged negative electrode open-circuit potential [V]": zero,
            "Bulk open-circuit voltage [V]": U_bulk,
            "Battery open-circuit voltage [V]": U_bulk,
            "Open-circuit voltage [V]": U_bulk,
            "Surface open-circuit voltage [V]": U_surf,
            # V = OCV + these - contact (pybamm.plot_voltage_components)
            "Battery particle concentration overpotential [V]": U_surf - U_bulk,
            "X-averaged battery reaction overpotential [V]": reaction,
            "X-averaged battery concentration overpotential [V]": zero,  # single-ion SE
            "X-averaged battery electrolyte ohmic losses [V]": ohmic,
            "X-averaged battery solid phase ohmic losses [V]": zero,  # no electronic resistance
            "Contact overpotential [V]": film,
        }

    def set_rhs(self, variables):
        self.rhs[variables["Discharge capacity [A.h]"]] = variables["Current [A]"] / 3600

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables["Discharge capacity [A.h]"]] = pybamm.Scalar(0)

    def add_events_from(self, variables):
        """The voltage cut-offs, a cycler's safety limits: any step (also one ended by a
        time or a capacity) stops where the voltage reaches them. Not PyBaMM's event names
        ("Minimum/Maximum voltage [V]"): its experiment machinery moves events of those
        names 1 V outwards (``BaseStep.update_voltage_safety_events``), so a 3.8 V upper
        cut-off would stop a charge only at 4.8 V; ``simulation/run.py`` keeps every step
        voltage strictly inside the cut-offs, the clash that shift guards against."""
        V = variables["Voltage [V]"]
        self.events += [
            pybamm.Event(CELL.V_min.name, V - self.param.cell.V_min),
            pybamm.Event(CELL.V_max.name, self.param.cell.V_max - V),
        ]
