"""PyBaMM's IDAKLU solver without its per-step guess of the state derivatives.

Before each solve (each step of an experiment) PyBaMM evaluates the model's right-hand
side at the initial state, in Python through CasADi, to hand IDA a first ``ydot``.
With ``calc_ic`` (PyBaMM's default) IDA computes the consistent initial state itself
(``IDACalcIC``: the algebraic states and the derivatives of the differential ones), so
that guess only starts a Newton iteration that is linear in those derivatives: a zero
guess gives the same consistent state, the same steps and the same solution, bit for
bit on the 800-cycle formation run, and saves one CasADi call per step (5 % of that
run). With forward sensitivities the derivatives also seed the sensitivities' initial
values, so PyBaMM's guess is kept; likewise without ``calc_ic``.

After a step that ends on an event PyBaMM evaluates all the model's events at its last
state, to name the closest one, by CasADi's Python call; here the same function is called
through its buffer (``casadi_call.py``): the same values, 1600 calls of ~70 us fewer.

``tests/model/test_solver.py`` checks that PyBaMM still calls the overridden method, that
the event function is where it is replaced, and that the solutions are identical.
"""

import numpy as np
import pybamm

from ..casadi_call import Buffered


class IDAKLUSolver(pybamm.IDAKLUSolver):
    def _rhs_dot_consistent_initialization(self, y0, model, time, inputs_dict):
        if self._options["calc_ic"] and not getattr(model, "calculate_sensitivities", None):
            return np.zeros_like(y0)
        return super()._rhs_dot_consistent_initialization(y0, model, time, inputs_dict)

    def set_up(self, model, *args, **kwargs):
        out = super().set_up(model, *args, **kwargs)
        setup = getattr(self, "_setup", None)
        if isinstance(setup, dict) and "rootfn_casadi" in setup and not isinstance(setup["rootfn_casadi"], Buffered):
            setup["rootfn_casadi"] = Buffered(setup["rootfn_casadi"])
        return out
