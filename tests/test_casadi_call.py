"""``casadi_call.Buffered``: a CasADi function called through its buffer gives the values
of CasADi's own call, falls back to that call where the buffer does not apply, and
pickles."""

import pickle

import casadi
import numpy as np
import pytest

from ssbsim.casadi_call import Buffered

t, y, p = casadi.MX.sym("t"), casadi.MX.sym("y", 3), casadi.MX.sym("p", 2)
DENSE = casadi.Function("dense", [t, y, p], [casadi.vertcat(y[0] * t + p[1], casadi.exp(y[2]) * p[0])])
SPARSE = casadi.Function("sparse", [t, y, p], [casadi.vertcat(y[0], casadi.MX(1, 1))])  # a structural zero
ARGS = (2.5, np.array([1.0, -2.0, 0.3]), np.array([4.0, 0.5]))


@pytest.mark.parametrize("function", [DENSE, SPARSE])
def test_same_values_as_casadis_call(function):
    buffered = Buffered(function)
    expected = function(*ARGS).full().ravel()
    np.testing.assert_array_equal(buffered(*ARGS), expected)
    assert (buffered._buffer is None) == (function is SPARSE)
    # the result is a copy: the next call does not change it
    first = buffered(*ARGS)
    buffered(0.0, np.zeros(3), np.zeros(2))
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(buffered))(*ARGS), expected)


def test_wrong_sizes_are_casadis_error():
    with pytest.raises(RuntimeError, match="mismatching shape"):
        Buffered(DENSE)(1.0, np.zeros(2), np.zeros(2))
