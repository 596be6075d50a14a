"""Build a run once, re-solve it many times: the set-up is most of a short run.

Parameters that enter the equations only as themselves become PyBaMM input parameters;
changing them re-solves the compiled model. A parameter that shapes the mesh or a derived
quantity (a particle radius, the composite make-up, the OCP table, the temperature of the
OCP table) is frozen into the build: changing it builds again, once per distinct value.
Which is which is the ``effect`` of each parameter in the registry
(``ssbsim/parameters/registry.py``). Fits (``ssbsim fit``) and studies (``ssbsim study``)
both go through here.
"""

import numpy as np

from ..errors import InputError
from ..parameters import registry
from .progress import CycleProgress
from .result import Result

#: the key of ``wanted`` (ReusableRuns.run) for the times of a voltage time series
VOLTAGE_SERIES = "voltage"


def input_capable(name):
    """Whether ``name`` can be a PyBaMM input: it enters the equations only as itself,
    not through the mesh, a derived quantity or the OCP table."""
    entry = registry.lookup(name)
    return entry is not None and entry.settable and not entry.rebuild


class ReusableRuns:
    """Runs of experiments on ``base`` with the parameters ``names`` changing from call to
    call; each (experiment, frozen values) pair is built once."""

    def __init__(self, base, names, options=None, source="runs", compile=None, energies=True, impedance=True):
        self.base = base
        self.option_overrides = dict(options or {})
        self.options = base.model_options(self.option_overrides, source=source)
        self.names = list(names)
        self.inputs = [n for n in self.names if input_capable(n)]
        self.source = str(source)
        self.compile = compile  # compile the model's functions to C (None: long runs only)
        self.energies = energies  # energies in the cycle table (observables/cycles.py)
        self.impedance = impedance  # the experiment's impedance spectra (result.impedance)
        self._built = {}
        self.plans = {}  # key -> the jump plan of its extrapolated runs (extrapolate.extrapolated)
        self.n_builds = 0
        self.n_solves = 0

    def _simulation(self, key, experiment, values, sensitivities=False, jumps=False):
        from .extrapolate import cycle_simulations
        from .run import build_simulation, prepare

        frozen = tuple((n, values[n]) for n in self.names if n not in self.inputs)
        # a PyBaMM solver set up without sensitivities cannot compute them: a build each
        key = (key, sensitivities, jumps)
        cached = self._built.get((key, frozen))
        if cached is not None:
            return cached
        spec, pset, options = prepare(
            experiment, self.base.with_overrides(dict(frozen), source=self.source), options=self.option_overrides
        )
        # with sensitivities, compiled: a solve with 9 of them on the cutoff sweep costs 4
        # plain compiled solves, against 10 uncompiled (benchmarks/bench_sensitivities.py)
        compile = True if sensitivities else self.compile
        if jumps:  # {cycle: simulation}, one built model (extrapolate.py)
            simulation = cycle_simulations(spec, pset, options, compile=True, inputs=self.inputs)
        else:
            simulation = build_simulation(
                spec, pset, options, inputs=self.inputs, compile=compile, impedance=self.impedance
            )
        self._built[(key, frozen)] = (simulation, spec)
        self.n_builds += 1
        return simulation, spec

    def run(self, experiment, values, key=None, sensitivities=False, wanted=None, jumps=None):
        """Result of ``experiment`` (an ExperimentSpec) at the parameter ``values``; the
        runs that fail raise SimulationError (with ``.result`` if some cycles completed).
        ``sensitivities``: also the derivatives of the cycle table with respect to the
        inputs (``result.cycle_sensitivities``: {column: cycles x inputs, in the order of
        ``self.inputs``}; ``observables/cycle_sensitivities.py``); ``wanted``: {column:
        cycle numbers} of the derivatives needed (None: all; the others are NaN), and
        {"voltage": times [s]} of a voltage time series (``result.voltage_sensitivities``:
        (the times sorted, times x inputs), at fixed absolute time:
        ``step_interpolation.py``). ``jumps``: a tolerance of cycle jumping
        (``extrapolate.py``; None: every cycle simulated); its derivatives are those of
        the extrapolated rows (``jump_sensitivities.py``; no voltage time series)."""
        from ..errors import SimulationError

        simulation, spec = self._simulation(
            key or experiment.name, experiment, values, sensitivities, jumps is not None
        )
        self.n_solves += 1
        trial = self.base.with_overrides(values, source=self.source)
        if jumps is not None:
            return self._extrapolated(
                key or experiment.name, simulation, spec, trial, values, sensitivities, wanted, jumps
            )
        tracker = CycleProgress(spec.n_cycles, show=False)
        try:
            solution = simulation.solve(
                inputs={n: values[n] for n in self.inputs}, callbacks=[tracker], calculate_sensitivities=sensitivities
            )
        except InputError:
            raise
        except Exception as err:
            raise SimulationError(" ".join(str(err).split())) from err
        from .run import spectra

        inputs = {n: values[n] for n in self.inputs}
        impedance = spectra(simulation, solution, spec, inputs)
        result = Result(solution, spec, trial, self.options, impedance=impedance, energies=self.energies)
        if sensitivities:
            from ..observables.cycle_sensitivities import cycle_sensitivities
            from .step_interpolation import variable_at_times

            result.cycle_sensitivities = _in_order(
                cycle_sensitivities(simulation, solution, spec.cycles(), result.active_mass_kg, wanted=wanted),
                solution,
                self.inputs,
            )
            times = np.array(sorted((wanted or {}).get(VOLTAGE_SERIES, ())), dtype=float)
            derivatives = variable_at_times(simulation, solution, "Voltage [V]", times)[1]
            result.voltage_sensitivities = (times, _in_order({"": derivatives}, solution, self.inputs)[""])
        stopped = tracker.early_stop(len(result.cycles), spec.n_cycles)
        if stopped:
            error = SimulationError(stopped)
            error.result = result
            raise error
        return result

    def _extrapolated(self, key, simulations, spec, trial, values, sensitivities, wanted, tolerance):
        """The extrapolated run (``extrapolate.extrapolated``) at ``values``, jumping as the
        first extrapolated run of ``key`` did (``plans``; emptied, the next run plans again), so
        that from trial to trial the simulated cycles are the same ones and the
        extrapolated rows a smooth function of the parameters."""
        from ..observables.cycle_sensitivities import COLUMNS
        from .extrapolate import extrapolated

        inputs = {n: values[n] for n in self.inputs}
        wanted = (wanted if wanted is not None else {}) if sensitivities else None
        plan = self.plans.get(key)
        result = extrapolated(
            simulations,
            spec,
            trial,
            self.options,
            tolerance,
            inputs=inputs,
            wanted=wanted,
            energies=self.energies,
            plan=plan,
        )
        if plan is None:
            self.plans[key] = result.plan
        if sensitivities:
            blank = np.full((len(result.cycles), len(self.inputs)), np.nan)
            table = _in_order(result.cycle_sensitivities, result.solution, self.inputs)
            result.cycle_sensitivities = {c: table.get(c, blank) for c in COLUMNS}
        return result


def _in_order(table, solution, names):
    """{column: cycles x parameters} with the parameters reordered from PyBaMM's (sorted) to ``names``."""
    order = [list(solution.all_models[-1].calculate_sensitivities).index(n) for n in names]
    return {column: values[:, order] for column, values in table.items()}
