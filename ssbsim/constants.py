"""Physical constants, from SciPy's CODATA values (PyBaMM's ``pybamm.constants`` are the same)."""

from scipy import constants as _codata

#: Faraday constant [C.mol-1]
F = _codata.physical_constants["Faraday constant"][0]
#: molar gas constant [J.mol-1.K-1]
R = _codata.R
#: vacuum permittivity [F.m-1]
epsilon_0 = _codata.epsilon_0
