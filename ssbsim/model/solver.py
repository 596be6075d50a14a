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

Setting up (once per built model) PyBaMM converts the model's expression trees to CasADi
one at a time, each with a fresh node cache: the right-hand side, the algebraic equations,
both again concatenated, then every event, though these share most of their nodes (the
events are the voltage's, the combined right-hand side is the two halves). Here every
conversion of one set-up shares one cache (``_shared_conversion``), so each node is
converted once: the same CasADi functions (the same serialised forms, so the same
compiled-code cache entries), 37 -> 25 ms of the set-up of the formation run. With
``compile`` the compiled library is looked up under a key that does not serialise the
derived Jacobians, and remembered under the key of the disk cache of built models
(``compiled.py``).

``tests/model/test_solver.py`` checks that PyBaMM still calls the overridden method, that
the event function is where it is replaced, that the solutions are identical, and that the
set-up's functions are PyBaMM's with each node converted once.
"""

import contextlib

import numpy as np
import pybamm

from ..casadi_call import Buffered
from .compiled import keyed_compilation


class IDAKLUSolver(pybamm.IDAKLUSolver):
    def _rhs_dot_consistent_initialization(self, y0, model, time, inputs_dict):
        if self._options["calc_ic"] and not getattr(model, "calculate_sensitivities", None):
            return np.zeros_like(y0)
        return super()._rhs_dot_consistent_initialization(y0, model, time, inputs_dict)

    def set_up(self, model, *args, **kwargs):
        with _shared_conversion(model), keyed_compilation(self._options, getattr(model, "build_key", None)):
            out = super().set_up(model, *args, **kwargs)
        setup = getattr(self, "_setup", None)
        if isinstance(setup, dict) and "rootfn_casadi" in setup and not isinstance(setup["rootfn_casadi"], Buffered):
            setup["rootfn_casadi"] = Buffered(setup["rootfn_casadi"])
        return out


class Conversion:
    """The CasADi symbols (t, y, named inputs) of one solver set-up and the expression
    nodes converted over them (``{node: MX}``). Kept on the model as
    ``model.casadi_conversion`` for functions built later over the same symbols: the
    step-end points (``observables/points.py``) then reuse the nodes (the OCP's spline
    above all) rather than convert them again. Pickles empty (the nodes are not kept)."""

    def __init__(self):
        self.t = self.y = self.inputs = None
        self.nodes = {}

    def nodes_for(self, t, y, inputs):
        """The node cache for these symbols (the first ones asked for), else None."""
        if self.t is None:
            self.t, self.y, self.inputs = t, y, inputs
        return self.nodes if (t is self.t and y is self.y and inputs is self.inputs) else None

    def layout(self):
        """((input name, size), ...), the order of the inputs stacked in p."""
        return tuple((name, int(symbol.numel())) for name, symbol in (self.inputs or {}).items())

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.__init__()


class _Converted(pybamm.Symbol):
    """``symbol`` converted to CasADi through ``conversion`` (a Conversion shared by all
    the conversions of a solver set-up)."""

    def __init__(self, symbol, conversion):
        super().__init__("shared_conversion", children=[symbol], domains=symbol.domains)
        self._conversion = conversion

    def _evaluate_for_shape(self):
        return self.children[0].evaluate_for_shape()

    def _to_casadi(self, t, y, y_dot, inputs, casadi_symbols):
        nodes = self._conversion.nodes_for(t, y, inputs)
        return self.children[0]._to_casadi_inner(t, y, y_dot, inputs, casadi_symbols if nodes is None else nodes)


@contextlib.contextmanager
def _shared_conversion(model):
    """While PyBaMM sets up ``model``: its right-hand side, algebraic equations and events
    converted through one Conversion (``_Converted``), kept as ``model.casadi_conversion``;
    the equations and events restored afterwards (with any events PyBaMM added meanwhile)."""
    rhs, algebraic = model.concatenated_rhs, model.concatenated_algebraic
    if rhs is None or algebraic is None or getattr(model, "convert_to_format", None) != "casadi":
        yield
        return
    shared, events = Conversion(), model.events
    model.concatenated_rhs, model.concatenated_algebraic = _Converted(rhs, shared), _Converted(algebraic, shared)
    model.events = [pybamm.Event(e.name, _Converted(e.expression, shared), e.event_type) for e in events]
    try:
        yield
    finally:
        events.extend(model.events[len(events) :])  # discontinuity events PyBaMM adds while setting up
        model.concatenated_rhs, model.concatenated_algebraic, model.events = rhs, algebraic, events
    model.casadi_conversion = shared
