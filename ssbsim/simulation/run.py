"""Running an experiment on a cell: the one place where model, parameters and protocol meet.

``run(experiment, parameter_set, overrides, options)`` loads and checks the inputs,
builds the cell model for the options, solves the experiment with PyBaMM's IDAKLU solver
and returns a :class:`~ssbsim.simulation.result.Result`. Checks come first: a bad input
raises :class:`~ssbsim.errors.InputError` before anything is solved or written.
"""

import os
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import pybamm  # noqa: E402

from ..errors import InputError, SimulationError  # noqa: E402
from ..model import CellModel  # noqa: E402
from ..parameters import ParameterSet, load_parameter_set  # noqa: E402
from ..protocol import ExperimentSpec, load_experiment  # noqa: E402
from .progress import CycleProgress  # noqa: E402
from .result import Result  # noqa: E402

DEFAULT_PARAMETER_SET = "asakura2020"

pybamm.set_logging_level("ERROR")


def prepare(experiment, parameter_set=None, overrides=None, options=None):
    """Checked (ExperimentSpec, ParameterSet, ModelOptions) for a run; raises InputError."""
    spec = experiment if isinstance(experiment, ExperimentSpec) else load_experiment(experiment)
    if isinstance(parameter_set, ParameterSet):
        pset = parameter_set
    else:
        pset = load_parameter_set(parameter_set or DEFAULT_PARAMETER_SET)
    if spec.temperature_C is not None:
        pset = pset.with_overrides(
            {"Ambient temperature [K]": spec.temperature_C + 273.15}, source=spec.source
        )
    if overrides:
        if not isinstance(overrides, dict):
            raise InputError("overrides", "must map full parameter names to numbers")
        pset = pset.with_overrides(overrides)
    model_options = pset.model_options(options)
    # derived quantities are checked here too (mass fractions, size bins, MSMR)
    pset.pybamm_values(model_options)
    low, high = pset["Lower voltage cut-off [V]"], pset["Upper voltage cut-off [V]"]
    for text, line, volts in spec.step_voltages():
        if not low < volts < high:
            raise InputError(
                spec.source,
                f"step {text!r}: {volts:g} V is outside the cell's voltage window "
                f"({low:g}-{high:g} V, 'Lower/Upper voltage cut-off [V]' of {pset.source})",
                line,
            )
    return spec, pset, model_options


def build_simulation(spec, pset, model_options, solver=None):
    """A ``pybamm.Simulation`` of ``spec`` on the checked cell."""
    model = CellModel(model_options)
    return pybamm.Simulation(
        model,
        parameter_values=pset.pybamm_values(model_options),
        experiment=spec.pybamm_experiment(),
        solver=solver or model.default_solver,
    )


def run(experiment, parameter_set=None, overrides=None, options=None, progress=False, solver=None):
    """Simulate ``experiment`` (stem, path or ExperimentSpec) on ``parameter_set``.

    ``overrides`` maps full parameter names to values; ``options`` sets model options
    (see :mod:`ssbsim.model.options`). Returns a Result; raises InputError on bad
    input and SimulationError (carrying ``.result`` with the cycles that completed)
    if the solver stops early.
    """
    spec, pset, model_options = prepare(experiment, parameter_set, overrides, options)
    start = time.perf_counter()
    sim = build_simulation(spec, pset, model_options, solver)
    tracker = CycleProgress(spec.n_cycles, show=progress, description=spec.name)
    try:
        solution = sim.solve(callbacks=[tracker])
    except pybamm.SolverError as err:
        raise SimulationError(f"solver failed in the first step: {err}") from err
    except Exception as err:  # model or PyBaMM failure with valid input
        raise SimulationError(f"{type(err).__name__}: {err}") from err
    result = Result(solution, spec, pset, model_options, wall_time=time.perf_counter() - start)
    if len(result.cycles) < spec.n_cycles:
        error = SimulationError(
            f"stopped after {len(result.cycles)} of {spec.n_cycles} cycles: "
            f"{tracker.stop_reason or 'the experiment became infeasible'}"
        )
        error.result = result
        raise error
    return result
