"""A cell's parameters as a stock PyBaMM half-cell parameter set.

Where ssbsim's model and PyBaMM's half-cell models (``{"working electrode":
"positive"}``) coincide -- no interphase, no anode contact loss, a single-ion electrolyte
(transference number 1) -- the two must agree. This mapping feeds stock SPM/SPMe/DFN
the same cell, for the agreement tests and the speed benchmark. The OCP is the same
tabulated inverse of the MSMR isotherm that ssbsim's model uses; the entropic term is zero in both.
"""

import numpy as np
import pybamm

from ..constants import R as R_GAS
from ..model.ocp import ocp_function
from ..model.options import ModelOptions
from .derived import derive
from .registry import ANODE, CELL, COMPOSITE, DERIVED, PARTICLE, SE


def _arrhenius(Ea, T_ref):
    return lambda T: (
        np.exp(Ea / R_GAS * (1 / T_ref - 1 / T))
        if not isinstance(T, pybamm.Symbol)
        else pybamm.exp(Ea / R_GAS * (1 / T_ref - 1 / T))
    )


def stock_half_cell_parameters(pset):
    """``pybamm.ParameterValues`` for PyBaMM's half-cell models describing ``pset``."""
    v = derive(dict(pset), ModelOptions(), source=pset.source)
    T_ref = v[CELL.T_ref.name]
    T = v[CELL.T_amb.name]
    c_max = v[DERIVED.c_max.name]
    ocp = ocp_function(v, T)
    arr_D = _arrhenius(v[PARTICLE.E_D.name], T_ref)
    arr_j0 = _arrhenius(v[PARTICLE.E_j0.name], T_ref)
    arr_sigma = _arrhenius(v[SE.E_sigma.name], T_ref)
    arr_Na = _arrhenius(v[ANODE.E_j0.name], T_ref)
    D_ref = v[PARTICLE.D_ref.name]
    j0_ref = v[PARTICLE.j0_ref.name]
    sigma_ref = v[SE.sigma_ref.name]
    j0_Na = v[ANODE.j0_ref.name] * v[DERIVED.anode_contact_P.name]
    side = float(np.sqrt(v[CELL.A.name]))
    return pybamm.ParameterValues(
        {
            "Positive electrode OCP [V]": ocp,
            "Positive electrode OCP entropic change [V.K-1]": 0.0,
            "Maximum concentration in positive electrode [mol.m-3]": c_max,
            "Initial concentration in positive electrode [mol.m-3]": v[PARTICLE.x_init.name] * c_max,
            "Positive electrode active material volume fraction": v[DERIVED.eps_act.name],
            "Positive electrode porosity": v[DERIVED.eps_se.name],
            "Positive electrode Bruggeman coefficient (electrolyte)": v[COMPOSITE.b.name],
            "Positive electrode Bruggeman coefficient (electrode)": 0.0,
            "Positive electrode conductivity [S.m-1]": 1e4,  # ssbsim: electronic potential uniform
            "Positive particle radius [m]": v[PARTICLE.R.name],
            "Positive particle diffusivity [m2.s-1]": lambda sto, T: D_ref * arr_D(T),
            "Positive electrode exchange-current density [A.m-2]": lambda c_e, c_s, c_s_max, T: (
                j0_ref * arr_j0(T) * 2 * (c_s * (c_s_max - c_s)) ** 0.5 / c_s_max
            ),
            "Positive electrode thickness [m]": v[DERIVED.L.name],
            "Separator thickness [m]": v[SE.L_s.name],
            "Separator porosity": 1.0,
            "Separator Bruggeman coefficient (electrolyte)": 0.0,
            "Electrolyte conductivity [S.m-1]": lambda c_e, T: sigma_ref * arr_sigma(T),
            "Electrolyte diffusivity [m2.s-1]": 1e-9,
            "Cation transference number": 1.0,
            "Thermodynamic factor": 1.0,
            "Initial concentration in electrolyte [mol.m-3]": 1000.0,
            "Exchange-current density for lithium metal electrode [A.m-2]": lambda c_e, c_Li, T: j0_Na * arr_Na(T),
            "Negative electrode thickness [m]": v[ANODE.L.name],
            "Negative electrode conductivity [S.m-1]": 1e8,
            "Lithium metal partial molar volume [m3.mol-1]": v[ANODE.M.name] / v[ANODE.rho.name],
            "Electrode width [m]": side,
            "Electrode height [m]": side,
            "Number of cells connected in series to make a battery": 1,
            "Number of electrodes connected in parallel to make a cell": 1,
            "Nominal cell capacity [A.h]": v[DERIVED.Q_nom.name],
            "Lower voltage cut-off [V]": v[CELL.V_min.name],
            "Upper voltage cut-off [V]": v[CELL.V_max.name],
            "Reference temperature [K]": T_ref,
            "Ambient temperature [K]": T,
            "Initial temperature [K]": T,
            "Current function [A]": 0.0,
        }
    )
