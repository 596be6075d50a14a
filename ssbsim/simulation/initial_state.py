r"""The initial state of charge of the cell, for ``sim.solve(initial_soc=...)``.

The state of charge is the empty share of the cathode's cycled Na window,
:math:`\mathrm{SOC} = 1 - x_0` (charging empties the host: ``ocp.py``), so SOC 0 is a
fully sodiated cathode and SOC 1 an empty one. A voltage, ``"3.8 V"`` as in PyBaMM, is
the filling at which the open-circuit potential of the MSMR isotherm is that voltage at
the cell temperature: :math:`x_0 = x(U, T)`. Either sets the parameter
``"Initial positive electrode stoichiometry"``, from which every initial condition of the
model is built (particles, Na locked by isolation, potential guesses).
"""

import numpy as np

from ..model.ocp import MSMR
from ..parameters import registry
from ..parameters.registry import CELL

#: the filling is kept this far inside (0, 1), where the OCP table ends (ocp.X_FLOOR is 1e-14)
MARGIN = 1e-9


def _number(values, name, inputs):
    value = values[name]
    if not isinstance(value, (int, float)):  # an input parameter
        value = (inputs or {})[name]
    return float(value)


def initial_stoichiometry(initial_value, values, inputs=None):
    """The initial filling ``x0`` for a SOC in [0, 1] or a voltage ``"<number> V"``;
    ``values``: the cell's ``pybamm.ParameterValues`` (or a mapping)."""
    if isinstance(initial_value, str) and initial_value.strip().endswith("V"):
        volts = float(initial_value.strip()[:-1])
        low, high = (_number(values, entry.name, inputs) for entry in (CELL.V_min, CELL.V_max))
        if not low <= volts <= high:
            raise ValueError(f"initial voltage {volts} V is outside the voltage cut-offs ({low}-{high} V)")
        reactions = [name for name in values.keys() if registry.MSMR.match(name) is not None]
        msmr = MSMR.numeric({name: _number(values, name, inputs) for name in reactions})
        T = _number(values, CELL.T_amb.name, inputs)
        with np.errstate(over="ignore"):
            x0 = float(msmr.occupancy(volts, T))
    elif isinstance(initial_value, (int, float)) and not isinstance(initial_value, bool):
        if not 0 <= initial_value <= 1:
            raise ValueError(f"initial SOC must be between 0 and 1, got {initial_value}")
        x0 = 1 - float(initial_value)
    else:
        raise ValueError(
            f"initial state must be a SOC between 0 and 1 or a voltage such as '3.8 V', got {initial_value!r}"
        )
    return min(max(x0, MARGIN), 1 - MARGIN)


def open_circuit_voltage(values, options):
    """The cell's voltage at rest at the start [V]: the cathode's OCP at
    ``"Initial positive electrode stoichiometry"`` and the ambient temperature against the
    Na counter electrode (0 V), or the initial potential of an SE:carbon working electrode."""
    if options["working electrode"] == "SE:carbon":
        return float(values[registry.CARBON.E_init.name])
    msmr = MSMR.numeric({name: values[name] for name in values if registry.MSMR.match(name) is not None})
    x0 = min(max(float(values[registry.PARTICLE.x_init.name]), MARGIN), 1 - MARGIN)
    return float(msmr.potential(x0, float(values[CELL.T_amb.name]))[0])
