"""ssbsim: physics-based simulation of all-solid-state sodium cells on PyBaMM.

The pipeline, one subpackage per stage::

    model -> parameters -> protocol -> simulation -> observables

``load_parameter_set`` and ``run`` are the Python face of ``ssbsim run``.
"""

__version__ = "0.1.0"

from .errors import InputError, SimulationError, SsbsimError  # noqa: E402
from .parameters import load_parameter_set  # noqa: E402
from .protocol import load_experiment  # noqa: E402
from .simulation.run import run  # noqa: E402

__all__ = [
    "InputError",
    "SimulationError",
    "SsbsimError",
    "load_experiment",
    "load_parameter_set",
    "run",
]
