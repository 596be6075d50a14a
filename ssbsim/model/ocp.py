r"""Open-circuit potential of the cathode: the MSMR form.

Multi-species, multi-reaction (MSMR) thermodynamics (Baker & Verbrugge,
J. Electrochem. Soc. 165 (2018) A3952, doi:10.1149/2.0771816jes; Verbrugge et al.,
J. Electrochem. Soc. 164 (2017) E3243, doi:10.1149/2.0341708jes). Each host-site reaction
:math:`j` (a plateau) holds a fraction :math:`X_j` of the cycled Na and fills as a
logistic function of the local equilibrium potential :math:`U`:

.. math::
    x_j(U, T) = \frac{X_j}{1 + \exp[f (U - U^0_j)/\omega_j]}, \qquad
    x = \sum_j x_j, \qquad f = F/(RT),

with :math:`\sum_j X_j = 1`, so the stoichiometry :math:`x \in (0, 1)` is the fraction
of the cycled Na window that is filled (for Na3(VOPO4)2F: Na1 at x=0, Na3 at x=1).
:math:`U^0_j` is the plateau potential and :math:`\omega_j` its ideality factor
(smaller = flatter). The vacancy fraction :math:`1-x` and
:math:`\mathrm{d}x/\mathrm{d}U = -\sum_j f x_j (X_j - x_j) / (\omega_j X_j)` are written
in forms that neither overflow nor cancel, so the model stays finite at any potential.

The model needs the inverse, :math:`U(x)`, at the particle surface. It is tabulated
from the isotherm on a grid in :math:`U` (2 mV) at the cell temperature and interpolated
by a cubic spline in :math:`\ln[x/(1-x)]` (``ocp_function``), so the model stays explicit
and fast while the MSMR parameters remain the source of truth; the tests check the
inverse against the isotherm. Entropic effects beyond the MSMR temperature factor are neglected,
and the table is made at the run's ambient temperature (isothermal runs).

The same functions serve symbols (pybamm) and arrays (numpy): ``exp`` is passed in.
"""

import numpy as np
import pybamm

from ..constants import F, R
from ..parameters.registry import MSMR as MSMR_PARAMETERS


def _logistic(z, exp):
    """1 / (1 + exp(-z)), finite for any z."""
    return 1 / (1 + exp(-z))


class MSMR:
    """Occupancy x(U, T), vacancy 1 - x and dx/dU for reactions (U0_j, X_j, w_j)."""

    def __init__(self, reactions, exp):
        self.reactions = reactions
        self.exp = exp

    @classmethod
    def numeric(cls, values, n_reactions=None):
        """From a mapping of parameter name -> number (reactions counted if not given)."""
        if n_reactions is None:
            n_reactions = MSMR_PARAMETERS.count(values)
        reactions = [
            tuple(float(values[name]) for name in MSMR_PARAMETERS.names(j).values()) for j in range(n_reactions)
        ]
        return cls(reactions, np.exp)

    def _z(self, U, T, U0, w):
        return F / (R * T) * (U - U0) / w

    def occupancy(self, U, T):
        return sum(X * _logistic(-self._z(U, T, U0, w), self.exp) for U0, X, w in self.reactions)

    def vacancy(self, U, T):
        return sum(X * _logistic(self._z(U, T, U0, w), self.exp) for U0, X, w in self.reactions)

    def differential_occupancy(self, U, T):
        """dx/dU [V-1] (negative: filling lowers the potential)."""
        return sum(
            -X
            * F
            / (R * T * w)
            * _logistic(self._z(U, T, U0, w), self.exp)
            * _logistic(-self._z(U, T, U0, w), self.exp)
            for U0, X, w in self.reactions
        )

    def potential(self, x, T, bracket=(-20.0, 30.0)):
        """U(x): numeric inverse of the occupancy (numpy only; for tables, initial values)."""
        from scipy.optimize import brentq

        x = np.atleast_1d(np.asarray(x, dtype=float))

        # in logit form, so that fillings near 0 or 1 are resolved
        def residual(U, xi):
            return np.log(self.occupancy(U, T) / self.vacancy(U, T)) - np.log(xi / (1 - xi))

        with np.errstate(over="ignore"):
            return np.array([brentq(residual, *bracket, args=(xi,), xtol=1e-12) for xi in x])


X_FLOOR = 1e-14  # the table spans x in [X_FLOOR, 1 - X_FLOOR]; the model clamps to it


def ocp_table(values, T, spacing=2e-3):
    """(logit x, U): the MSMR isotherm at temperature T on a grid in U, increasing in
    logit x = ln(x/(1-x)), the coordinate in which U(x) is smooth and nearly linear at
    both ends of the window. The grid covers x from X_FLOOR to 1 - X_FLOOR."""
    msmr = MSMR.numeric(values)
    edge = np.log(X_FLOOR) - np.log(1 - X_FLOOR)
    U_lo, U_hi = msmr.potential([1 - X_FLOOR / 2, X_FLOOR / 2], T)
    U = np.arange(U_lo, U_hi + spacing, spacing)
    with np.errstate(over="ignore"):
        logit = np.log(msmr.occupancy(U, T)) - np.log(msmr.vacancy(U, T))
    assert logit.min() < edge < -edge < logit.max()
    order = np.argsort(logit)
    return logit[order], U[order]


class MSMRInverse:
    """``U(sto)`` for ``pybamm.ParameterValues``: the inverse of the isotherm as a cubic
    spline in logit(sto). Smooth (C2), so that the reaction distribution, which depends on
    U, does not see the knots of a table. A class rather than a closure, so that parameter
    values, models and simulations that hold it pickle (``pybamm.Simulation.save``); named
    like a function (``__name__``), so that ``pybamm.ParameterValues.to_json`` writes it
    as the expression it makes (PyBaMM reads a callable's ``__name__`` and signature)."""

    __name__ = "msmr_inverse"

    def __init__(self, logit, U):
        self.logit, self.U = logit, U

    def __call__(self, sto):
        # a floor far below any filling reached before a cutoff keeps a trial step that
        # overshoots the window finite
        s = pybamm.maximum(pybamm.minimum(sto, 1 - X_FLOOR), X_FLOOR)
        logit = pybamm.log(s) - pybamm.log(1 - s)
        return pybamm.Interpolant(self.logit, self.U, logit, name="MSMR_OCP", interpolator="cubic")


def ocp_function(values, T):
    """The cathode's ``U(sto)`` at temperature ``T`` (an :class:`MSMRInverse`)."""
    return MSMRInverse(*ocp_table(values, T))
