"""Variables of a solution at chosen points: the first or last point of a step's solution.

``solution[name].entries`` makes PyBaMM evaluate the variable at every stored point of
the run (``idaklu.observe``); the cycle table needs most of its variables only at the
ends of steps and cycles (capacities, resistances, decomposition charges), and the
experiment loop needs each step's end condition only at the step's last point. On the
800-cycle formation run (275 000 stored points) the nine full observations were half of
the cycle table. Here a variable is evaluated at just the points asked for, from the
states the solver stored there, by a CasADi function (t, y, inputs) -> value built once
per (model, variable, layout of the inputs), expanded to its scalar (SX) form and mapped
over the points in one call: the same expression at the same states as PyBaMM's
observation, so the same values to round-off. Over the solver's own symbols where it kept
them (``model.casadi_conversion``, ``model/solver.py``), the nodes it has converted already
are reused (the voltage's, 1.5 ms a model, is all of them).

One point at a time (``value_at``: the end condition of each experiment step, 1600 calls
in the 800-cycle run) goes through the function's buffer, numpy memory in and out: about
5 us a call, where CasADi's Python call (converting each argument to a DM) takes ~70 us.
"""

import numpy as np

from ..casadi_call import Buffered

FIRST, LAST = 0, -1


def _point(step, index):
    """(t, y, model, inputs layout, stacked inputs) of the first or last point of a
    step's solution."""
    if index == LAST and step.variables_returned:  # output variables only: the event state
        step = step.last_state
    k = 0 if index == FIRST else -1
    inputs = step.all_inputs[k]
    layout = tuple((name, int(np.size(value))) for name, value in inputs.items())
    p = np.concatenate([np.ravel(value) for value in inputs.values()]) if inputs else np.zeros(0)
    return step.all_ts[k][index], step.all_ys[k][:, index], step.all_models[k], layout, p


class PointValues:
    """``values(name, points)``: variable ``name`` at ``points``, each (step solution,
    FIRST or LAST), one row per point; the functions are kept for the next call."""

    def __init__(self):
        self._functions = {}
        self._buffered = {}  # function -> _Buffered, rebuilt after unpickling

    def __getstate__(self):
        return {"_functions": self._functions, "_buffered": {}}

    def function(self, model, name, layout):
        """CasADi function (t, y, p) -> value of variable ``name`` of ``model``; ``layout``
        is ((input name, size), ...), the order of the inputs stacked in p."""
        key = (id(model), name, layout)
        entry = self._functions.get(key)
        if entry is None or entry[0] is not model:  # the id of a model no longer alive
            import casadi

            symbol = model.get_processed_variable_or_event(name)
            conversion = getattr(model, "casadi_conversion", None)  # the solver's (model/solver.py)
            if conversion is not None and conversion.inputs and conversion.layout() == layout:
                t, y, named = conversion.t, conversion.y, conversion.inputs
                p, nodes = casadi.vertcat(*named.values()), conversion.nodes
            else:
                t = casadi.MX.sym("t")
                y = casadi.MX.sym("y", model.len_rhs_and_alg)
                p = casadi.MX.sym("p", sum(n for _, n in layout))
                named, offset, nodes = {}, 0, None
                for input_name, n in layout:
                    named[input_name] = p[offset : offset + n]
                    offset += n
            expression = symbol.to_casadi(t, y, inputs=named, casadi_symbols=nodes)
            function = casadi.Function("point", [t, y, p], [expression])
            try:  # scalar (SX) form: a few microseconds per call instead of ~0.1 ms
                function = function.expand()
            except RuntimeError:  # pragma: no cover - operations without an SX form
                pass
            entry = self._functions[key] = (model, function)
        return entry[1]

    def value_at(self, name, step, index):
        """``name`` at one point (FIRST or LAST) of ``step``: a flat array."""
        t, y, model, layout, p = _point(step, index)
        function = self.function(model, name, layout)
        buffered = self._buffered.get(function)
        if buffered is None:
            buffered = self._buffered[function] = Buffered(function)
        return buffered(t, y, p)

    def values(self, name, points):
        """Array (len(points), size of the variable) of ``name`` at ``points`` (a list,
        or the ``pack`` of one, to read several variables at the same points)."""
        packed = points if isinstance(points, Packed) else self.pack(points)
        out = None
        for model, layout, rows, t, y, p in packed.groups:
            function = self.function(model, name, layout)
            mapped = function if len(rows) == 1 else function.map(len(rows))
            value = mapped(t, y, p).full()
            if out is None:
                out = np.empty((packed.size, value.shape[0]))
            out[rows] = value.T
        return out if out is not None else np.empty((0, 1))

    @staticmethod
    def pack(points):
        """The states, times and inputs of ``points``, stacked once for any number of
        variables."""
        groups = {}
        for row, (step, index) in enumerate(points):
            t, y, model, layout, p = _point(step, index)
            groups.setdefault((id(model), layout), (model, layout, []))[2].append((row, t, y, p))
        stacked = []
        for model, layout, members in groups.values():
            rows, ts, ys, ps = zip(*members)
            stacked.append((model, layout, list(rows), np.array(ts)[None, :], np.column_stack(ys), np.column_stack(ps)))
        return Packed(len(points), stacked)


class Packed:
    """Points stacked for ``PointValues.values``: groups of (model, inputs layout, rows,
    times 1 x n, states, inputs)."""

    def __init__(self, size, groups):
        self.size, self.groups = size, groups
