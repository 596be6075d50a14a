"""The submodel interface, after PyBaMM's ``pybamm.BaseSubModel``.

Each physical mechanism lives in its own submodel that owns its variables and
equations. The cell model (``cell_model.py``) calls, for every submodel in order,
``get_fundamental_variables``, then ``get_coupled_variables``, then the ``set_*`` hooks,
exactly as PyBaMM's battery models do. We mirror the interface rather than subclass
``pybamm.BaseSubModel`` because that class is bound to PyBaMM's lithium-ion parameter
classes and battery options, which do not describe a Na | SE | composite cell.
"""

import pybamm

from ..constants import R


class Submodel:
    """One mechanism: its variables (a dict name -> symbol) and its equations;
    ``param`` holds the parameter symbols (``cell_parameters.CellParameters``)."""

    def __init__(self, param, options):
        self.param = param
        self.options = options
        self.rhs = {}
        self.algebraic = {}
        self.initial_conditions = {}
        self.boundary_conditions = {}
        self.events = []

    def get_fundamental_variables(self):
        """Variables that need nothing from other submodels (states, parameters)."""
        return {}

    def get_coupled_variables(self, variables):
        """Variables built from other submodels' variables."""
        return {}

    def set_rhs(self, variables):
        """Time derivatives of this submodel's states."""

    def set_algebraic(self, variables):
        """Residuals of this submodel's algebraic variables."""

    def set_boundary_conditions(self, variables):
        """Boundary conditions of this submodel's spatial variables."""

    def set_initial_conditions(self, variables):
        """Initial values (initial guesses for algebraic variables)."""

    def add_events_from(self, variables):
        """Events that stop the solver (exhausted reservoirs, bounds)."""


def arrhenius(param, reference_value, activation_energy):
    """``reference_value * exp(Ea/R (1/T_ref - 1/T))`` at the cell temperature T, the
    temperature law of every rate."""
    T_ref, T = param.cell.T_ref, param.cell.T_amb
    return reference_value * pybamm.exp(activation_energy / R * (1 / T_ref - 1 / T))
