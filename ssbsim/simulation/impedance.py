r"""Small-signal impedance at any state of a run, by PyBaMM's frequency-domain EIS.

PyBaMM's :class:`pybamm.EISSimulation` (PyBaMM 26, ``pybamm/simulation/eis_simulation.py``;
method: Hallemans et al., registered by PyBaMM as the citation "Hallemans2025") turns
the current into an algebraic state held at zero, discretises the model and solves

.. math:: (\mathrm{i}\omega M - J)\,\hat y = b, \qquad
          Z(\omega) = -\hat V / \hat I,

with :math:`M` the mass matrix, :math:`J` the Jacobian of the discretised model at the
operating point and :math:`b` a unit perturbation of the current. It linearises about
the model's *initial* state; :class:`StateEIS` extends it to linearise about any state
vector, by setting that vector as the built model's initial state before PyBaMM
assembles :math:`J`; it reuses PyBaMM's assembly unchanged and solves all frequencies
at once (dense: a few dozen states).

The impedance model is the run's :class:`~ssbsim.model.CellModel` with
``capacitance = "double layers"`` (``ssbsim/model/capacitance.py``), built once per run.
A state of the cycling run (whose model has no capacitances) is carried over by
variable name: the states both models share are copied, the potential differences that
are states only in the impedance model (anode overpotential, cathode surface potential
difference: one value averaged, a profile across the composite resolved,
``ssbsim/model/transmission_line.py``) are evaluated from the cycling solution, the current is
set to zero (the spectrum is taken at open circuit, as a potentiostatic EIS at the
rest potential is). Impedances are per geometric area, :math:`Z A` [Ohm.m2], with
:math:`\mathrm{Im}\,Z < 0` for a capacitive arc.

The SE's geometric capacitance :math:`C_g` is not a state of the model (its time constant
with :math:`R_0` is ~1 ns, ``ssbsim/model/capacitance.py``): the separator is a linear
element in series that carries the cell current and adds its drop to the voltage only,
so its :math:`R_0 \| C_g` replaces the model's :math:`R_0` exactly,
:math:`Z = Z_{\mathrm{model}} + R_0/(1 + \mathrm{i}\omega R_0 C_g) - R_0`.
"""

import numpy as np
import pybamm

CURRENT_STATE = "Current variable [A]"
#: the largest system solved dense, all frequencies at once (``StateEIS.impedance``)
DENSE_STATES = 100
#: the separator's R0 [Ohm.m2] and C_g [F.m-2], in parallel
SEPARATOR = ("Electrolyte resistance [Ohm.m2]", "SE geometric capacitance [F.m-2]")


class StateEIS(pybamm.EISSimulation):
    """``pybamm.EISSimulation`` linearised about a given state vector."""

    def impedance(self, y, frequencies, inputs=None):
        """Complex impedance [Ohm] at ``frequencies`` [Hz], linearised about ``y``.

        The system is PyBaMM's (``_build_matrix_problem``); up to :data:`DENSE_STATES`
        states it is solved for all frequencies at once, dense, instead of one sparse
        ``spsolve`` per frequency (``_calculate_impedance``): the averaged composite has a
        few dozen states (34 for Cell A), and SciPy's sparse set-up per frequency cost
        ~1 ms, 0.6 s for the cutoff sweep's nine spectra of 74 frequencies (same
        impedances to round-off, ``tests/simulation/test_impedance.py``). The resolved
        composite has hundreds (295 with 10 cells across it), where the dense batch costs
        n^3 per frequency: 5.2 s a spectrum against PyBaMM's sparse solve's 0.07 s (load
        average 6), which it then uses."""
        self.build(inputs=inputs)
        self._built_model.concatenated_initial_conditions = pybamm.Vector(np.asarray(y, dtype=float).reshape(-1, 1))
        M, neg_J, b = self._build_matrix_problem(inputs_dict=inputs)
        if M.shape[0] > DENSE_STATES:
            return np.array([self._calculate_impedance(f, M, neg_J, b) for f in frequencies])
        omega = 2j * np.pi * np.asarray(frequencies, dtype=float)
        A = omega[:, None, None] * M.toarray() + neg_J.toarray()
        x = np.linalg.solve(A, np.broadcast_to(b, (len(omega), len(b)))[..., None])[..., 0]
        voltage, current = (self._output_jacobian @ x.T).reshape(2, -1)
        return -voltage / current


def frequencies(high_Hz, low_Hz, per_decade):
    """Logarithmically spaced frequencies from ``high_Hz`` down to ``low_Hz``, both ends
    included, ``per_decade`` points per decade (rounded to whole intervals)."""
    n = max(int(round(np.log10(high_Hz / low_Hz) * per_decade)), 1) + 1
    return np.logspace(np.log10(high_Hz), np.log10(low_Hz), n)


class ImpedanceModel:
    """The impedance model of a run (built once) and the map of run states into it."""

    def __init__(self, parameter_values, options):
        from ..model import CellModel

        self.options = dict(options) | {"capacitance": "double layers"}
        model = CellModel(self.options)
        self.simulation = StateEIS(model, parameter_values=parameter_values.copy(), skip_surface_form_check=True)
        self.simulation.build()
        self.area = parameter_values["Electrode area [m2]"]
        built = self.simulation._built_model
        self.slices = [(var.name, slices[0]) for var, slices in built.y_slices.items()]
        self.size = built.concatenated_initial_conditions.shape[0]

    def state_from(self, solution, index=-1):
        """The impedance model's state vector from point ``index`` (first or last) of a
        cycling ``solution`` (a step's solution), with the current at zero."""
        return state_vector(self.slices, self.size, solution, index)

    def spectrum(self, y, freqs, inputs=None):
        """Z(f) per geometric area [Ohm.m2] about state ``y``."""
        z = self.simulation.impedance(y, freqs, inputs=inputs) * self.area
        R0, C_g = (self.evaluate(name, y, inputs) for name in SEPARATOR)
        w = 2j * np.pi * np.asarray(freqs)
        return z + R0 / (1 + w * R0 * C_g) - R0

    def evaluate(self, name, y, inputs=None):
        """A scalar variable of the impedance model at state ``y``."""
        symbol = self.simulation.parameter_values.process_symbol(self.simulation.model.variables[name])
        value = symbol.evaluate(t=0, y=np.asarray(y), inputs=inputs or {})
        return float(np.ravel(value)[0])


def state_vector(slices, size, solution, index=-1):
    """The state vector (``size`` values; ``slices``: (name, slice) of each state, as
    ``ImpedanceModel.slices``) of an impedance model at point ``index`` (first or last)
    of a cycling ``solution`` (a step's solution), with the current at zero: the states
    the two models share copied, the others evaluated from the cycling solution."""
    point = solution.last_state if index == -1 else solution.first_state

    model = point.all_models[-1]
    y_run = point.all_ys[-1][:, -1]
    run_slices = {var.name: slices[0] for var, slices in model.y_slices.items()}
    y = np.zeros(size)
    for name, sl in slices:
        if name == CURRENT_STATE:
            continue  # open circuit
        if name in run_slices:
            y[sl] = y_run[run_slices[name]]
        else:
            y[sl] = np.ravel(point[name].entries[..., -1])  # the last time: a value or a profile
    return y


COLUMNS = ["spectrum", "cycle", "frequency_Hz", "z_real_ohm_cm2", "z_imag_ohm_cm2"]
OHM_M2_TO_OHM_CM2 = 1e4


def _last_step(steps):
    """The last step of ``steps`` that has points (a step that ended at once has none)."""
    for step in reversed(steps):
        if not isinstance(step, pybamm.EmptySolution) and len(step.t):
            return step
    return None


def state_point(solution, cycle, done):
    """(step solution, -1 or 0): where a spectrum asked for after ``done`` cycling steps of
    cycle ``cycle`` (from 0) is taken -- the solver's last point of that step (not an
    interpolated output point), or the initial state. None if the run did not get there."""
    cycles = solution.cycles
    if cycle >= len(cycles) or len(cycles[cycle].steps) < done:
        return None
    if done:
        step = _last_step(cycles[cycle].steps[:done])
        if step is not None:
            return step, -1
    for earlier in range(cycle - 1, -1, -1):
        step = _last_step(cycles[earlier].steps)
        if step is not None:
            return step, -1
    first = next((s for s in cycles[0].steps if not isinstance(s, pybamm.EmptySolution)), None)
    return (first, 0) if first is not None else None


def spectrum_points(solution, requests, state):
    """[(cycle from 0, frequencies, state vector)] of the spectra ``requests``
    (ExperimentSpec.impedance_requests()) the run reached; ``state(step solution, index)``
    is the impedance model's state there (``ImpedanceModel.state_from``)."""
    points = []
    for cycle, done, step in requests:
        where = state_point(solution, cycle, done)
        if where is not None:
            points.append((cycle, step.frequencies(), state(*where)))
    return points


def spectra_table(model, points, inputs=None):
    """DataFrame (COLUMNS) of the spectra of ``model`` at ``points`` (``spectrum_points``)."""
    return spectra_frame([spectrum_row(model, *point, inputs=inputs) for point in points])


def spectrum_row(model, cycle, freqs, y, inputs=None):
    """(cycle, frequencies, Z [Ohm cm2]) of ``model`` about state ``y``: a row of ``spectra_frame``."""
    return cycle, freqs, model.spectrum(y, freqs, inputs=inputs) * OHM_M2_TO_OHM_CM2


def spectra_frame(rows):
    """DataFrame (COLUMNS) of the spectra ``rows`` (``spectrum_row``), numbered in order."""
    import pandas as pd

    frames = []
    for cycle, freqs, z in rows:
        frames.append(
            pd.DataFrame(
                {
                    "spectrum": len(frames),
                    "cycle": cycle + 1,
                    "frequency_Hz": freqs,
                    "z_real_ohm_cm2": z.real,
                    "z_imag_ohm_cm2": z.imag,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def record_spectra(model, solution, requests, inputs=None):
    """DataFrame (COLUMNS) of the spectra ``requests`` (ExperimentSpec.impedance_requests())
    at the states of ``solution``; the spectra the run did not reach are left out."""
    return spectra_table(model, spectrum_points(solution, requests, model.state_from), inputs)
