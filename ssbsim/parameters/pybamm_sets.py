"""The shipped parameter sets as PyBaMM parameter sets.

``pyproject.toml`` registers one function per shipped set in PyBaMM's entry-point group
``pybamm_parameter_sets`` (read by ``pybamm.dispatch.entry_points``), so that, once
ssbsim is installed, ``pybamm.ParameterValues("asakura2020")`` and
``pybamm.parameter_sets["asakura2020"]`` find it like PyBaMM's own sets. Each function
returns the values (derived quantities included) for the set's own model options, which
``CellModel(parameter_set=name)`` uses (``CellModel()`` is Cell A's). A test checks that
every shipped set is registered.
"""

from . import load_parameter_set


def values_for_pybamm(name):
    """Parameter name -> value of the shipped set ``name`` for its default model options."""
    pset = load_parameter_set(name)
    return pset.pybamm_dict(pset.model_options())


def asakura2020():
    """Cell A: Na | Na4(CB11H12)2(B12H12) | Na3(VOPO4)2F, 25 °C (Asakura et al., Energy
    Environ. Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e), for ssbsim's ``CellModel()``."""
    return values_for_pybamm("asakura2020")


def asakura2020_se_carbon():
    """Cell A's SE against a carbon working electrode (voltammetry of the SE), for
    ``CellModel(parameter_set="asakura2020_se_carbon")``."""
    return values_for_pybamm("asakura2020_se_carbon")


def asakura2020_pressure():
    """Cell A in the paper's pressure cell, 3.2 MPa stack pressure (Asakura et al. 2020),
    for ``CellModel(parameter_set="asakura2020_pressure")``."""
    return values_for_pybamm("asakura2020_pressure")


def he2018():
    """Cell B: TiS2 | Na3NH2B12H12 | Na, 353 K (He et al., J. Power Sources 2018,
    doi:10.1016/j.jpowsour.2018.06.054), for ``CellModel(parameter_set="he2018")``."""
    return values_for_pybamm("he2018")


def duchene2020():
    """Cell C: NaCrO2 | Na4(B12H12)(B10H10) | Na, 30 °C (Duchêne et al., Energy Storage
    Mater. 26 (2020) 543), for ``CellModel(parameter_set="duchene2020")``."""
    return values_for_pybamm("duchene2020")
