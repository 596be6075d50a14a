"""A run's impedance spectra and their circuit fits computed in a forked process
(``ssbsim run`` on Linux), beside the process that writes the tables and the figure
processes that draw (``observables/figure_process.py``).

:meth:`SpectraProcess.start` forks the ``ssbsim`` process before the solve (``run``); the
child builds the impedance model (``impedance.ImpedanceModel``, 0.03 s of the cutoff
sweep) while the parent solves, and sends back the layout of its states. After the solve,
:meth:`SpectraProcess.hand` takes the states of the spectra from the solution
(``impedance.state_vector``, ~3 ms: only the parent has the solution) and hands them
over; the child records the spectra (``impedance.spectra_table``) and fits the circuit
(``circuit_fit.fit_run_spectra``), ~0.12 s of the cutoff sweep, while the parent makes
the cycle table and the time series and writes them. The function ``hand`` returns gives
(spectra, fits), waiting for them: the same tables, computed the same way, as in the
process itself (``tests/simulation/test_spectra_process.py``).

An exception in the child is raised by that function in the parent (as in a run without
a spectra process: the same exit status); a child that died raises an ``OutputError``
(exit 1); either way before any file of the spectra is written, and the output folder is
not swapped in (``outputs.write_outputs``). The child ignores SIGINT (a Ctrl-C is the
parent's); it ends when its job is done, or at the end of file when the parent closes
its pipe -- also when the parent is killed. :meth:`close` kills it unless it has sent its
tables, and reaps it."""

import os
import signal

from ..errors import OutputError
from ..forked import can_fork, ended, portable, receive, send
from .impedance import spectra_table, spectrum_points, state_vector


class SpectraProcess:
    """The parent's handle on the spectra process (see the module docstring); made
    before the run, forked by ``run`` (:meth:`start`)."""

    def __init__(self):
        self.pid = None
        self.jobs = self.tables = None  # the pipes' ends in the parent
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
                _serve(simulation.impedance_model, spec, jobs_read, tables_write)
                status = 0
            finally:
                os._exit(status)
        os.close(jobs_read)
        os.close(tables_write)
        self.pid, self.jobs, self.tables, self.ended = pid, jobs_write, tables_read, "running"
        return True

    def hand(self, solution, spec):
        """Hand the states of the spectra of ``solution`` to the child; returns a function
        that waits for (spectra, circuit fits) and returns them (``Result.impedance``)."""
        layout = receive(self.tables)  # sent while the parent solved
        if layout is None:
            self.close()
            raise OutputError(f"the impedance spectra were not recorded: their process ended ({self.ended})")
        if isinstance(layout, BaseException):
            self.close()
            raise layout
        slices, size = layout
        points = spectrum_points(solution, spec.impedance_requests(), lambda *at: state_vector(slices, size, *at))
        try:
            send(self.jobs, points)
        except OSError:  # the child is gone: the tables' end of file says so
            pass
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
        if not self.done:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped elsewhere
            status = 0
        self.ended = ended(status)


def _serve(impedance_model, spec, jobs, tables):
    """The child: build the impedance model (``impedance_model``: the simulation's
    function building it), send its layout, take the states, send (spectra, fits); an
    exception is sent in place of either."""
    from ..observables.circuit_fit import fit_run_spectra

    try:
        model = impedance_model()
    except Exception as err:
        send(tables, portable(err, "building the impedance model in the spectra process"))
        return
    send(tables, (model.slices, model.size))
    points = receive(jobs)
    if points is None:  # the run failed: no spectra wanted
        return
    try:
        spectra = spectra_table(model, points)
        reply = (spectra, fit_run_spectra(spectra, spec.impedance_requests()))
    except Exception as err:
        reply = portable(err, "recording the impedance spectra in the spectra process")
    send(tables, reply)
