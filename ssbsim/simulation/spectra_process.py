"""A run's impedance spectra and their circuit fits computed in a forked process
(``ssbsim run`` on Linux), beside the process that writes the tables and the figure
processes that draw (``observables/figure_process.py``).

:meth:`SpectraProcess.start` forks the ``ssbsim`` process before the solve (``run``); the
child builds the impedance model (``impedance.ImpedanceModel``, 0.03 s of the cutoff
sweep) while the parent solves, and sends back the layout of its states. The states of
the spectra are in the parent's solution only: as the solve reaches each (the end of the
cycling step a spectrum follows, :class:`Streamer`), the parent takes it
(``impedance.state_vector``, <1 ms) and hands it over, and the child records that spectrum
(``impedance.spectrum_row``) and fits its circuit (``circuit_fit.fit_row``) at once, on
the other core. After the solve, :meth:`SpectraProcess.hand` checks each against the
solution (the state ``impedance.state_point`` takes: the same step solution and point),
sends the states of any other spectrum and the order of all; the child sends back the
spectra and their fits (``spectra_frame``, ``fit_table``; fitted again as a whole,
``circuit_fit.fit_run_spectra``, unless every spectrum came during the solve, numbered as
requested). The function ``hand`` returns gives (spectra, fits), waiting for them: the
same tables, computed the same way, as in the process itself
(``tests/simulation/test_spectra_process.py``).

An exception in the child is raised by that function in the parent (as in a run without
a spectra process: the same exit status); a child that died raises an ``OutputError``
(exit 1); either way before any file of the spectra is written, and the output folder is
not swapped in (``outputs.write_outputs``). The child ignores SIGINT (a Ctrl-C is the
parent's); it ends when its job is done, or at the end of file when the parent closes
its pipe -- also when the parent is killed. :meth:`close` kills it unless it has sent its
tables, and reaps it."""

import os
import select
import signal

import pybamm

from ..errors import OutputError
from ..forked import can_fork, portable, reap, receive, send
from .impedance import spectra_frame, spectrum_row, state_point, state_vector


class SpectraProcess:
    """The parent's handle on the spectra process (see the module docstring); made
    before the run, forked by ``run`` (:meth:`start`)."""

    def __init__(self):
        self.pid = None
        self.jobs = self.tables = None  # the pipes' ends in the parent
        self.requests = ()  # the experiment's spectra (``ExperimentSpec.impedance_requests``)
        self.layout = None  # (slices, size) of the child's impedance model, once received
        self.streamed = {}  # request index -> (step solution, index) whose state was sent
        self.pending = []  # states reached before the layout arrived: (request index, step solution, index)
        self.done = False
        self.ended = "not started"

    def start(self, simulation, spec):
        """Fork the child, which builds ``simulation``'s impedance model; False (nothing
        forked) where forking is not safe or ``spec`` asks for no spectrum."""
        if not can_fork() or simulation.impedance_model is None or self.pid is not None:
            return False
        jobs_read, jobs_write = os.pipe()
        tables_read, tables_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(jobs_write)
                os.close(tables_read)
                _serve(simulation.impedance_model, spec.impedance_requests(), jobs_read, tables_write)
                status = 0
            finally:
                os._exit(status)
        os.close(jobs_read)
        os.close(tables_write)
        self.pid, self.jobs, self.tables, self.ended = pid, jobs_write, tables_read, "running"
        self.requests = spec.impedance_requests()
        return True

    def callback(self, simulation):
        """A PyBaMM callback that hands over the state of each spectrum as the solve
        reaches it (``Streamer``)."""
        return Streamer(self, simulation)

    def reached(self, k, solution, index):
        """The solve reached the state of spectrum request ``k``: point ``index`` of the
        step ``solution``; handed over now if the child's layout has arrived."""
        self.pending.append((k, solution, index))
        if self.layout is None and select.select([self.tables], [], [], 0)[0]:
            self.layout = receive(self.tables)  # a failure is raised after the solve, by ``hand``
        if isinstance(self.layout, tuple):
            self._send_pending()

    def _check_layout(self):
        """The child's layout, read now if it has not arrived; its failure raised."""
        if self.layout is None:
            self.layout = receive(self.tables)
            if self.layout is None:
                self.close()
                raise OutputError(f"the impedance spectra were not recorded: their process ended ({self.ended})")
        if isinstance(self.layout, BaseException):
            self.close()
            raise self.layout
        return self.layout

    def _send_pending(self):
        slices, size = self.layout
        pending, self.pending = self.pending, []
        for k, solution, index in pending:
            cycle, _, step = self.requests[k]
            self.streamed[k] = (solution, index)
            self._send(("point", (k, (cycle, step.frequencies(), state_vector(slices, size, solution, index)))))

    def _send(self, message):
        try:
            send(self.jobs, message)
        except OSError:  # the child is gone: the tables' end of file says so
            pass

    def hand(self, solution, spec):
        """Hand the states of the spectra of ``solution`` not handed over during the
        solve to the child, and the order of all; returns a function that waits for
        (spectra, circuit fits) and returns them (``Result.impedance``)."""
        slices, size = self._check_layout()  # sent while the parent solved
        self.pending = []  # states reached before the layout arrived: sent with the plan
        plan = []
        for k, (cycle, done, step) in enumerate(self.requests):
            where = state_point(solution, cycle, done)
            if where is None:
                continue
            sent = self.streamed.get(k)
            if sent is not None and sent[0] is where[0] and sent[1] == where[1]:
                plan.append((k, None))  # its state was handed over during the solve
            else:
                plan.append((k, (cycle, step.frequencies(), state_vector(slices, size, *where))))
        self._send(("plan", plan))
        os.close(self.jobs)
        self.jobs = None

        def tables():
            received = receive(self.tables)
            self.done = received is not None
            if received is None:
                self.close()
                raise OutputError(f"the impedance spectra were not recorded: their process ended ({self.ended})")
            if isinstance(received, BaseException):
                raise received
            return received

        return tables

    def close(self):
        """Reap the child; killed first unless it has sent its tables (the run failed, a
        second Ctrl-C stopped the parent). Idempotent."""
        for fd in (self.jobs, self.tables):
            if fd is not None:
                os.close(fd)
        self.jobs = self.tables = None
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        self.ended = reap(pid, kill=not self.done)


class Streamer(pybamm.callbacks.Callback):
    """Tells the spectra process (``SpectraProcess.reached``) the state of a spectrum
    when the solve reaches it: the end of the cycling step it follows, or the start of
    the first step for a spectrum before any cycling -- where ``impedance.state_point``
    takes it when that step has points; ``hand`` checks that it did (the same step
    solution) and sends any other state after the solve. The step's solution is the one
    the simulation last decoded (``pybamm_simulation.Simulation``, "unified" mode)."""

    def __init__(self, process, simulation):
        self.process, self.simulation = process, simulation
        self.wanted = {}  # (cycle from 0, steps done) -> [(request index, point index)]
        for k, (cycle, done, _) in enumerate(process.requests):
            if done or cycle == 0:
                self.wanted.setdefault((cycle, max(done, 1)), []).append((k, -1 if done else 0))
        self.cycle = self.step = 0

    def on_cycle_start(self, logs):
        self.cycle = logs["cycle number"][0] - 1

    def on_step_start(self, logs):
        self.step = logs["step number"][0]

    def on_step_end(self, logs):
        for k, index in self.wanted.get((self.cycle, self.step), ()):
            solution = getattr(self.simulation, "last_step_solution", None)
            if solution is not None and not isinstance(solution, pybamm.EmptySolution) and len(solution.t):
                self.process.reached(k, solution, index)


def _serve(impedance_model, requests, jobs, tables):
    """The child: build the impedance model (``impedance_model``: the simulation's
    function building it), send its layout, record the spectrum of each state as it
    arrives and fit it, then, given the order of all, send (spectra, fits); an exception
    is sent in place of either."""
    from ..observables.circuit_fit import before_cycling, fit_row, fit_run_spectra, fit_table

    try:
        model = impedance_model()
    except Exception as err:
        send(tables, portable(err, "building the impedance model in the spectra process"))
        return
    send(tables, (model.slices, model.size))
    initial, done = before_cycling(requests), {}  # request index -> (spectrum row, fit row)
    try:
        while (message := receive(jobs)) is not None:
            kind, body = message
            if kind == "point":  # recorded and fitted as numbered when every request is reached
                k, point = body
                row = spectrum_row(model, *point)
                cycle, freqs, z = row
                # Z rebuilt from its parts, as ``fit_spectra`` reads it from the frame: the same fit to the bit
                done[k] = row, fit_row(k, cycle + 1, freqs, z.real + 1j * z.imag, initial)
                continue
            rows = [done[k][0] if point is None else spectrum_row(model, *point) for k, point in body]
            spectra = spectra_frame(rows)
            numbered = [k for k, _ in body] == list(range(len(body)))
            if numbered and all(point is None for _, point in body) and body:
                fits = fit_table([done[k][1] for k, _ in body])
            else:
                fits = fit_run_spectra(spectra, requests)
            reply = spectra, fits
            break
        else:
            return  # the run failed: no spectra wanted
    except Exception as err:
        reply = portable(err, "recording the impedance spectra in the spectra process")
    send(tables, reply)
