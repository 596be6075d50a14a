"""The cell model: one submodel per physical mechanism (see ``cell_model.py``)."""

from ..pybamm_import import import_pybamm

import_pybamm()  # before the submodels import it: no telemetry prompt (see there)

from .cell_model import CellModel  # noqa: E402
from .options import OPTIONS, ModelOptions  # noqa: E402

__all__ = ["CellModel", "ModelOptions", "OPTIONS"]
