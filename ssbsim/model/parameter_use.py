"""Which parameters a built cell model uses: the names of every ``pybamm.Parameter`` in
its equations, initial and boundary conditions, events, variables and geometry.

A fit or a study that changes a parameter the model does not use (an interphase
parameter with ``interphase = "none"``) would return the same result for every value;
``ssbsim.specs`` refuses it with this."""

import functools


def parameter_names(model):
    """Names of the parameters in ``model``'s expression trees."""
    import pybamm

    trees = [
        *model.rhs.values(),
        *model.algebraic.values(),
        *model.initial_conditions.values(),
        *model.variables.values(),
        *(event.expression for event in model.events),
        *(bc[0] for sides in model.boundary_conditions.values() for bc in sides.values()),
        *(bound for domain in model.default_geometry.values() for var in domain.values() for bound in var.values()),
    ]
    return frozenset(
        node.name
        for tree in trees
        if isinstance(tree, pybamm.Symbol)
        for node in tree.pre_order()
        if isinstance(node, (pybamm.Parameter, pybamm.FunctionParameter))
    )


@functools.lru_cache(maxsize=16)
def _used(options_items):
    from .cell_model import CellModel
    from .options import ModelOptions

    return parameter_names(CellModel(ModelOptions(dict(options_items))))


def used_parameters(options):
    """Parameter names the cell model built with ``options`` (ModelOptions) uses."""
    return _used(tuple(sorted(options.items())))
