"""Batch parameter studies on a distributed engine (Dask): ``ssbsim study``.

The package is also the function ``ssbsim.study(spec, output, client=None, ...)``
(``study/api.py``), the Python face of ``ssbsim study``."""

from ..callable_package import make_callable

make_callable(__name__, "ssbsim.study.api:study")
