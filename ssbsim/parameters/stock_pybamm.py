"""A cell's parameters as a stock PyBaMM half-cell parameter set.

Where ssbsim's model and PyBaMM's half-cell models (``{"working electrode":
"positive"}``) coincide -- no interphase, no anode contact loss, a single-ion electrolyte
(transference number 1) -- the two must agree. This mapping feeds stock SPM/SPMe/DFN
the same cell, for the agreement tests and the speed benchmark. The OCP is the same
tabulated inverse of the MSMR isotherm that ssbsim's model uses; the entropic term is zero in both.
"""

import numpy as np
import pybamm

from ..model.ocp import ocp_function
from ..model.options import ModelOptions
from .derived import derive

R_GAS = 8.314462618


def _arrhenius(Ea, T_ref):
    return lambda T: (
        np.exp(Ea / R_GAS * (1 / T_ref - 1 / T))
        if not isinstance(T, pybamm.Symbol)
        else pybamm.exp(Ea / R_GAS * (1 / T_ref - 1 / T))
    )


def stock_half_cell_parameters(pset):
    """``pybamm.ParameterValues`` for PyBaMM's half-cell models describing ``pset``."""
    v = derive(dict(pset), ModelOptions(), source=pset.source)
    T_ref = v["Reference temperature [K]"]
    T = v["Ambient temperature [K]"]
    c_max = v["Maximum concentration in positive electrode [mol.m-3]"]
    ocp = ocp_function(v, T)
    arr_D = _arrhenius(v["Positive particle diffusivity activation energy [J.mol-1]"], T_ref)
    arr_j0 = _arrhenius(v["Positive electrode exchange-current density activation energy [J.mol-1]"], T_ref)
    arr_sigma = _arrhenius(v["SE conductivity activation energy [J.mol-1]"], T_ref)
    arr_Na = _arrhenius(v["Na metal exchange-current density activation energy [J.mol-1]"], T_ref)
    D_ref = v["Positive particle diffusivity [m2.s-1]"]
    j0_ref = v["Positive electrode exchange-current density [A.m-2]"]
    sigma_ref = v["SE conductivity [S.m-1]"]
    j0_Na = v["Na metal exchange-current density [A.m-2]"]
    side = float(np.sqrt(v["Electrode area [m2]"]))
    return pybamm.ParameterValues(
        {
            "Positive electrode OCP [V]": ocp,
            "Positive electrode OCP entropic change [V.K-1]": 0.0,
            "Maximum concentration in positive electrode [mol.m-3]": c_max,
            "Initial concentration in positive electrode [mol.m-3]": v["Initial positive electrode stoichiometry"]
            * c_max,
            "Positive electrode active material volume fraction": v["Positive electrode active volume fraction"],
            "Positive electrode porosity": v["Positive electrode SE volume fraction"],
            "Positive electrode Bruggeman coefficient (electrolyte)": v["Positive electrode Bruggeman coefficient"],
            "Positive electrode Bruggeman coefficient (electrode)": 0.0,
            "Positive electrode conductivity [S.m-1]": 1e4,  # ssbsim: electronic potential uniform
            "Positive particle radius [m]": v["Positive particle radius [m]"],
            "Positive particle diffusivity [m2.s-1]": lambda sto, T: D_ref * arr_D(T),
            "Positive electrode exchange-current density [A.m-2]": lambda c_e, c_s, c_s_max, T: (
                j0_ref * arr_j0(T) * 2 * (c_s * (c_s_max - c_s)) ** 0.5 / c_s_max
            ),
            "Positive electrode thickness [m]": v["Positive electrode thickness [m]"],
            "Separator thickness [m]": v["Separator thickness [m]"],
            "Separator porosity": 1.0,
            "Separator Bruggeman coefficient (electrolyte)": 0.0,
            "Electrolyte conductivity [S.m-1]": lambda c_e, T: sigma_ref * arr_sigma(T),
            "Electrolyte diffusivity [m2.s-1]": 1e-9,
            "Cation transference number": 1.0,
            "Thermodynamic factor": 1.0,
            "Initial concentration in electrolyte [mol.m-3]": 1000.0,
            "Exchange-current density for lithium metal electrode [A.m-2]": lambda c_e, c_Li, T: j0_Na * arr_Na(T),
            "Negative electrode thickness [m]": v["Na metal anode thickness [m]"],
            "Negative electrode conductivity [S.m-1]": 1e8,
            "Lithium metal partial molar volume [m3.mol-1]": v["Na molar mass [kg.mol-1]"]
            / v["Na metal density [kg.m-3]"],
            "Electrode width [m]": side,
            "Electrode height [m]": side,
            "Number of cells connected in series to make a battery": 1,
            "Number of electrodes connected in parallel to make a cell": 1,
            "Nominal cell capacity [A.h]": v["Nominal cell capacity [A.h]"],
            "Lower voltage cut-off [V]": v["Lower voltage cut-off [V]"],
            "Upper voltage cut-off [V]": v["Upper voltage cut-off [V]"],
            "Reference temperature [K]": T_ref,
            "Ambient temperature [K]": T,
            "Initial temperature [K]": T,
            "Current function [A]": 0.0,
        }
    )
