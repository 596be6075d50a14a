"""Calling a CasADi function from Python at a few microseconds a call.

CasADi's ordinary Python call converts each numpy argument to a DM and the result back:
about 70 us for a function of (t, y, p), whatever its size. Its function buffer reads
and writes numpy memory directly (~5 us). Used where a function is called once per
experiment step: the step-end points (``observables/points.py``) and the event values
PyBaMM's IDAKLU solver reads after each step (``model/solver.py``).
"""

import numpy as np


class Buffered:
    """``function(*args)`` as a flat float array, through the function's buffer (dense
    inputs and a dense first output; CasADi's ordinary call otherwise, or where the
    arguments' sizes do not match)."""

    def __init__(self, function):
        self.function = function
        n_in = function.n_in()
        self._sizes = [function.nnz_in(i) for i in range(n_in)]
        dense = all(function.nnz_in(i) == function.numel_in(i) for i in range(n_in))
        self._buffer = None
        if dense and function.n_out() == 1 and function.nnz_out(0) == function.numel_out(0):
            self._buffer, self._evaluate = function.buffer()
            self._out = np.empty(function.nnz_out(0))
            self._buffer.set_res(0, memoryview(self._out))

    def __call__(self, *args):
        arrays = [np.ascontiguousarray(np.ravel(arg), dtype=float) for arg in args]
        if self._buffer is None or [a.size for a in arrays] != self._sizes:
            return np.ravel(self.function(*args).full())
        for i, array in enumerate(arrays):  # the arrays stay alive until the evaluation below
            self._buffer.set_arg(i, memoryview(array))
        self._evaluate()
        return self._out.copy()

    def __getstate__(self):
        return {"function": self.function}

    def __setstate__(self, state):
        self.__init__(state["function"])
