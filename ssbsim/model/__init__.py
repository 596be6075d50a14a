"""The cell model: one submodel per physical mechanism (see ``cell_model.py``).

``CellModel`` is imported on first use, so that the options (and the parameter sets
that read them) load without PyBaMM."""

from .options import OPTIONS, ModelOptions

__all__ = ["CellModel", "ModelOptions", "OPTIONS"]


def __getattr__(name):
    if name == "CellModel":
        from ..pybamm_import import import_pybamm

        import_pybamm()  # before the submodels import it: no telemetry prompt (see there)
        from .cell_model import CellModel

        return CellModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
