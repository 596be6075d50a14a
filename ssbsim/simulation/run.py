"""Running an experiment on a cell: the one place where model, parameters and protocol meet.

``run(experiment, parameter_set, overrides, options)`` loads and checks the inputs,
builds the cell model for the options, solves the experiment with PyBaMM's IDAKLU solver
and returns a :class:`~ssbsim.simulation.result.Result`. Checks come first: a bad input
raises :class:`~ssbsim.errors.InputError` before anything is solved or written.
"""

import functools
import time

import pybamm

from .. import interrupt
from ..errors import InputError, SimulationError
from ..model import CellModel
from ..parameters import DEFAULT_PARAMETER_SET, ParameterSet, load_parameter_set
from ..parameters.registry import CELL
from ..protocol import ExperimentSpec, load_experiment
from ..protocol.sweep import end_potential
from ..resources import beside
from .impedance import ImpedanceModel, record_spectra
from .initial_state import open_circuit_voltage
from .progress import CycleProgress
from .pybamm_simulation import Simulation
from .result import Result


def prepare(experiment, parameter_set=None, overrides=None, options=None):
    """Checked (ExperimentSpec, ParameterSet, ModelOptions) for a run; raises InputError."""
    spec = experiment if isinstance(experiment, ExperimentSpec) else load_experiment(experiment)
    if isinstance(parameter_set, ParameterSet):
        pset = parameter_set
    else:
        default = beside(spec.source, spec.parameter_set) if spec.parameter_set else DEFAULT_PARAMETER_SET
        pset = load_parameter_set(parameter_set or default)
    if spec.temperature_C is not None:
        pset = pset.with_overrides({CELL.T_amb.name: spec.temperature_C + 273.15}, source=spec.source)
    if overrides:
        if not isinstance(overrides, dict):
            raise InputError("overrides", "must map full parameter names to numbers")
        pset = pset.with_overrides(overrides)
    model_options = pset.model_options(options)
    # derived quantities are checked here too (mass fractions, size bins, MSMR)
    pset.pybamm_values(model_options)
    low, high = pset[CELL.V_min.name], pset[CELL.V_max.name]
    _check_start_within_cutoffs(pset, model_options)
    for text, line, volts in spec.step_voltages():
        if not low < volts < high:
            raise InputError(
                spec.source,
                f"step {text!r}: {volts:g} V is outside the cell's voltage window "
                f"({low:g}-{high:g} V, 'Lower/Upper voltage cut-off [V]' of {pset.source})",
                line,
            )
    if model_options["capacitance"] != "none":
        for block in spec.blocks:
            for text, line in zip(block.steps, block.lines or [None] * len(block.steps)):
                if end_potential(text) is not None:  # potential-controlled: hold at a voltage, sweep
                    raise InputError(
                        spec.source,
                        f'step {text!r}: a potential-controlled step needs capacitance = "none" (with every '
                        "interface and the SE capacitive, nothing resists a change of the applied potential)",
                        line,
                    )
    return spec, pset, model_options


def _check_start_within_cutoffs(pset, model_options):
    """InputError unless the cell starts at rest between its voltage cut-offs (else PyBaMM
    fails on an event that is non-positive at the initial conditions)."""
    ocv = open_circuit_voltage(pset, model_options)
    for entry, outside, side in ((CELL.V_min, lambda v: v >= ocv, "above"), (CELL.V_max, lambda v: v <= ocv, "below")):
        if outside(pset[entry.name]):
            provenance = pset.provenance.get(entry.name, "")
            source = provenance.removeprefix("override: ") if provenance.startswith("override: ") else pset.source
            raise InputError(
                source,
                f"{pset[entry.name]:g} V is {side} the cell's starting open-circuit voltage, {ocv:.4g} V "
                "(from the initial positive electrode stoichiometry): the run would stop before it starts",
                entry.name,
            )


#: runs of at least this many cycles compile the model's functions to C (CellModel.solver):
#: 2-3 s of compilation against 3-4x faster integration (0.5-0.7 s saved per 100 cycles of
#: formation_4p15V; benchmarks/solvers.py)
COMPILE_FROM_CYCLES = 100


def build_simulation(spec, pset, model_options, solver=None, inputs=(), compile=None, impedance=True):
    """A ``pybamm.Simulation`` of ``spec`` on the checked cell; the parameters named in
    ``inputs`` are left as PyBaMM input parameters (set at each solve).

    PyBaMM's "unified" experiment mode processes and compiles one model for all steps
    (the control switches on a step-index input) instead of one per distinct step: the
    cutoff sweep has ten distinct steps, and set-up is most of a short run. Measured on
    the cutoff sweep (benchmarks/bench_cutoff_sweep.py): interphase model 0.39 s unified
    vs 0.7-1.0 s per-step; explicit model 0.34 s vs 0.36-0.45 s.

    The solution keeps the solver's own steps (no output period): the energies are
    integrated over them (``observables/quadrature.py``) and the time series is sampled
    from them at the experiment's period (``observables/timeseries.py``).

    The built model is stored in, and on later runs loaded from, the disk cache of built
    models (``build_cache.py``; ``build_tag`` is what it is keyed on besides the model).

    ``compile``: compile the model's functions to C (None: for runs of at least
    COMPILE_FROM_CYCLES cycles). ``impedance``: record the spectra the experiment asks
    for (False: skip them, for callers that read only the cycle table)."""
    model = CellModel(model_options)
    if compile is None:
        compile = spec.n_cycles >= COMPILE_FROM_CYCLES
    parameter_values = pset.pybamm_values(model_options)
    for name in inputs:
        parameter_values[name] = "[input]"
    simulation = Simulation(
        model,
        parameter_values=parameter_values,
        experiment=spec.pybamm_experiment(solver_steps=True),
        solver=solver or model.solver(compile=compile),
        experiment_model_mode="unified",
    )
    # the simulation's experiment and what it was made from: the built model is cached under it (build_cache.py)
    simulation.build_tag = (simulation.experiment, repr(spec) + " solver_steps")
    # impedance steps: a second model, with capacitances, linearised at their states; built
    # when the first spectrum is recorded (``spectra``), from the parameters as they are now:
    # 0.04 s not spent before the solve
    wanted = impedance and spec.impedance_requests()
    simulation.impedance_model = (
        functools.partial(ImpedanceModel, parameter_values.copy(), dict(model_options)) if wanted else None
    )
    return simulation


def spectra(simulation, solution, spec, inputs=None):
    """The spectra the experiment asks for (None if it asks for none)."""
    if simulation.impedance_model is None:
        return None
    if not isinstance(simulation.impedance_model, ImpedanceModel):  # built once, on first use
        simulation.impedance_model = simulation.impedance_model()
    return record_spectra(simulation.impedance_model, solution, spec.impedance_requests(), inputs)


def run(
    experiment,
    parameter_set=None,
    overrides=None,
    options=None,
    progress=False,
    solver=None,
    spectra_later=False,
    spectra_process=None,
):
    """Simulate ``experiment`` (stem, path or ExperimentSpec) on ``parameter_set``.

    ``overrides`` maps full parameter names to values; ``options`` sets model options
    (see :mod:`ssbsim.model.options`). Returns a Result; raises InputError on bad
    input and SimulationError (carrying ``.result`` with the cycles that completed)
    if the solver stops early. ``spectra_later``: the impedance spectra are recorded
    when ``result.impedance`` is first read (``ssbsim run`` hands the cycle table to its
    figure processes first: ~0.06 s of the cutoff sweep's nine spectra drawn meanwhile).
    ``spectra_process``: a ``SpectraProcess`` (``spectra_process.py``, ``ssbsim run``) that
    records the spectra and fits them in a forked process, started before the solve; the
    spectra are then read when first used (as ``spectra_later``).
    """
    spec, pset, model_options = prepare(experiment, parameter_set, overrides, options)
    start = time.perf_counter()
    sim = build_simulation(spec, pset, model_options, solver)
    tracker = CycleProgress(spec.n_cycles, show=progress, description=spec.name)
    forked = spectra_process is not None and spectra_process.start(sim, spec)
    try:
        solution = sim.solve(callbacks=[tracker, spectra_process.callback(sim)] if forked else [tracker])
    except Exception as err:  # solver or PyBaMM failure with valid input
        reason = " ".join(str(err).split())
        partial = getattr(sim, "solution", None) if isinstance(err, pybamm.SolverError) else None
        if partial is None or not len(partial.cycles):
            if interrupt.requested():
                raise interrupt.Interrupted("before the first cycle completed") from None
            raise SimulationError(f"failed before the first cycle completed: {reason}") from err
        tracker.stop_reason = tracker.stop_reason or f"solver failed: {reason}"
        solution, forked = partial, False
    if forked:
        impedance = spectra_process.hand(solution, spec)
    else:
        impedance = functools.partial(spectra, sim, solution, spec)
        if not spectra_later:
            impedance = impedance()
    result = Result(solution, spec, pset, model_options, wall_time=time.perf_counter() - start, impedance=impedance)
    result.model_from_cache = sim.built_from_cache
    if len(result.cycles) < spec.n_cycles and interrupt.requested():
        error = interrupt.Interrupted(f"after {len(result.cycles)} of {spec.n_cycles} cycles")
        error.result = result
        raise error
    stopped = tracker.early_stop(len(result.cycles), spec.n_cycles)
    if stopped:
        error = SimulationError(stopped)
        error.result = result
        raise error
    return result
