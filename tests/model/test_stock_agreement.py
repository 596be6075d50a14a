"""Where ssbsim's model and PyBaMM's stock half-cell models coincide they must agree.

No interphase, no anode contact loss, a single-ion electrolyte (transference number 1):
the averaged composite is PyBaMM's SPMe, the resolved composite PyBaMM's DFN, both with
a Na metal counter electrode. Compared over a 1C discharge, as voltage against time, up
to 97 % of the discharge (beyond it the voltage falls too steeply for a comparison at
equal times to mean anything); the discharge times must agree to 0.1 %.
"""

import numpy as np
import pybamm
import pytest

from ssbsim.model import CellModel
from ssbsim.parameters.stock_pybamm import stock_half_cell_parameters


@pytest.mark.parametrize(
    "options, stock, stock_rtol",
    [
        ({"cathode": "averaged", "interphase": "none"}, "SPMe", 1e-8),
        # PyBaMM's DFN half cell fails its initial-condition solve at tight tolerances
        ({"cathode": "resolved", "interphase": "none"}, "DFN", 1e-4),
    ],
)
def test_agrees_with_stock_pybamm(cell_a, options, stock, stock_rtol):
    pset = cell_a.with_overrides(
        {
            "Anode contact loss coefficient [m2.C-1]": 0.0,
            "Anode contact recovery coefficient [m2.C-1]": 0.0,
            "Initial positive electrode stoichiometry": 0.02,
            "Lower voltage cut-off [V]": 2.5,
        }
    )
    opts = pset.model_options(options)
    values = pset.pybamm_values(opts)
    current = values["Nominal cell capacity [A.h]"]  # 1C
    values["Current function [A]"] = current
    cell_model = CellModel(opts)
    ours = pybamm.Simulation(
        cell_model, parameter_values=values, solver=pybamm.IDAKLUSolver(rtol=1e-8, atol=1e-10)
    ).solve([0, 4000])

    model = getattr(pybamm.lithium_ion, stock)({"working electrode": "positive"})
    stock_values = stock_half_cell_parameters(pset)
    stock_values["Current function [A]"] = current
    var_pts = {**model.default_var_pts, "r_p": opts["radial points"], "x_p": opts["through-thickness points"], "x_s": 5}
    # the same discretisation: ssbsim's radial submesh (surface-refined by default)
    submesh_types = {
        **model.default_submesh_types,
        "positive particle": cell_model.default_submesh_types["positive particle"],
    }
    theirs = pybamm.Simulation(
        model,
        parameter_values=stock_values,
        var_pts=var_pts,
        submesh_types=submesh_types,
        solver=pybamm.IDAKLUSolver(rtol=stock_rtol, atol=stock_rtol * 1e-2),
    ).solve([0, 4000])

    t_end = min(ours.t[-1], theirs.t[-1])
    assert ours.t[-1] == pytest.approx(theirs.t[-1], rel=1e-3)
    t = np.linspace(0, 0.97 * t_end, 400)
    difference = ours["Voltage [V]"](t) - theirs["Voltage [V]"](t)
    assert np.max(np.abs(difference)) < 2e-3
