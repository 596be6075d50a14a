"""The cell model: one submodel per physical mechanism (see ``cell_model.py``)."""

from .cell_model import CellModel
from .options import OPTIONS, ModelOptions

__all__ = ["CellModel", "ModelOptions", "OPTIONS"]
