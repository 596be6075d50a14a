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
(per step, by differences); energies are integrated from the stored time series by the
observables (an energy state would couple the voltage into the time stepping and double
the cost of a run, which is also why PyBaMM leaves it off by default). The Na balance

.. math::
    N_{\mathrm{Na}} = A\left(n_{\mathrm{Na}}
        + c_{\max} L_p \varepsilon_{\mathrm{act}} \sum_k w_k [(1-\varphi_k)\bar x_k + \tau_k]\right)
        - Q_{\mathrm{dec}}/F

(Na metal, Na in the connected particles and locked in isolated ones,
``active_material_loss.py``, less the Na+ that SE decomposition released and the anode
plated) is conserved by construction, which the tests check.
"""

import pybamm

from .base import Submodel, temperature


class ExternalCircuit(Submodel):
    def get_fundamental_variables(self):
        I = pybamm.FunctionParameter("Current function [A]", {"Time [s]": pybamm.t})
        A = pybamm.Parameter("Electrode area [m2]")
        Q_nom = pybamm.Parameter("Nominal cell capacity [A.h]")
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
            "Ambient temperature [K]": temperature(),
            "Ambient temperature [C]": temperature() - 273.15,
        }

    def get_coupled_variables(self, variables):
        V = variables["Positive electrode potential [V]"]
        A = pybamm.Parameter("Electrode area [m2]")
        L = pybamm.Parameter("Positive electrode thickness [m]")
        eps = pybamm.Parameter("Positive electrode active volume fraction")
        c_max = pybamm.Parameter("Maximum concentration in positive electrode [mol.m-3]")
        na_cathode = 0
        for label in self.options.particle_labels:
            w = pybamm.Parameter(f"Positive particle volume share{label}")
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
        }

    def set_rhs(self, variables):
        self.rhs[variables["Discharge capacity [A.h]"]] = variables["Current [A]"] / 3600

    def set_initial_conditions(self, variables):
        self.initial_conditions[variables["Discharge capacity [A.h]"]] = pybamm.Scalar(0)

    def add_events_from(self, variables):
        V = variables["Voltage [V]"]
        self.events += [
            pybamm.Event("Minimum voltage [V]", V - pybamm.Parameter("Lower voltage cut-off [V]")),
            pybamm.Event("Maximum voltage [V]", pybamm.Parameter("Upper voltage cut-off [V]") - V),
        ]
