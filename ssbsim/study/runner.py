"""Running a study: cases to Dask workers, rows to the store, then figures and Sobol
indices.

Dask distributed is the engine (BSD-3, the scheduler of the PyData ecosystem PyBaMM
lives in): with no address it starts a local cluster of worker processes (one thread
each: the solver is single-threaded and holds the GIL); with ``--scheduler ADDRESS`` it
joins an existing cluster, whose workers need ssbsim installed (in Python, ``client=`` takes
a ``distributed.Client`` the caller opened). A local cluster's dashboard link is printed
(the dashboard needs bokeh, the ``dashboard`` extra). Each case is one task;
results are stored as they complete, in whatever order; a task that dies with its worker
is recorded as failed and the study goes on.
"""

import logging
import os
import sys

from ..errors import InputError, SimulationError
from ..interrupt import Interrupted
from .design import cases as design_cases
from .lock import StudyLock
from .store import Store
from .worker import mark_submitting_process, payload, run_case

#: seconds to wait for a scheduler given with --scheduler (environment: SSBSIM_SCHEDULER_TIMEOUT)
SCHEDULER_TIMEOUT = 20
#: of which at most this long for its TCP port to answer at all
PROBE_TIMEOUT = 3


def _reason(err):
    return " ".join(str(err).split()) or type(err).__name__


def _probe(address, timeout):
    """InputError within ``timeout`` (at most PROBE_TIMEOUT) s unless something listens at
    the TCP ``address`` of a scheduler: Dask itself retries a refused connection until its
    own, longer, timeout. Other protocols are left to Dask."""
    import socket

    from distributed.comm import parse_address, parse_host_port

    try:
        protocol, location = parse_address(address)
        if protocol not in ("tcp", "tls"):
            return
        host, port = parse_host_port(location)
    except Exception:  # malformed: Dask says why
        return
    try:
        socket.create_connection((host, port), timeout=min(timeout, PROBE_TIMEOUT)).close()
    except OSError as err:
        said = "no answer" if isinstance(err, TimeoutError) else (err.strerror or str(err))
        raise InputError("--scheduler", f"cannot reach the Dask scheduler {address!r}: {said}") from None


def dashboard_line(client):
    """The line that says where a local cluster's dashboard is, or how to get one."""
    import importlib.util

    if importlib.util.find_spec("bokeh") is None:
        return "no Dask dashboard: it needs bokeh (pip install 'bokeh>=3.1', ssbsim's 'dashboard' extra)"
    return f"Dask dashboard: {client.dashboard_link}"


def _client(scheduler, workers):
    from distributed import Client, LocalCluster

    if scheduler:
        timeout = float(os.environ.get("SSBSIM_SCHEDULER_TIMEOUT", SCHEDULER_TIMEOUT))
        _probe(scheduler, timeout)
        try:
            return Client(scheduler, timeout=f"{timeout}s")
        except Exception as err:  # unreachable, not a scheduler, malformed address
            raise InputError("--scheduler", f"cannot use the Dask scheduler {scheduler!r}: {_reason(err)}") from None
    try:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    except Exception as err:  # a worker that died while starting, no free port, ...
        raise SimulationError(f"could not start the local Dask cluster: {_reason(err)}") from None
    client._ssbsim_cluster = cluster
    return client


def run_study(spec, outdir, scheduler=None, workers=None, progress=True, client=None):
    """Run (or resume) ``spec`` into ``outdir``; returns the cases DataFrame. The folder
    is locked for the whole run (``study/lock.py``). The cases go to ``client`` (a
    ``distributed.Client``, left open), else to the scheduler at ``scheduler``, else to a
    local cluster of ``workers`` processes started when there is something to run."""
    owned = client is None and scheduler
    if owned:
        client = _client(scheduler, workers)  # a bad address: nothing written
    try:
        with StudyLock(outdir):
            return _run_locked(spec, outdir, client, workers, progress)
    finally:
        if owned:
            _close(client)


def _run_locked(spec, outdir, client, workers, progress):
    from distributed import as_completed

    from ..simulation.progress import progress_bar

    all_cases = design_cases(spec)
    store = Store(outdir, spec, len(all_cases), all_cases)
    for note in store.notes:
        print(f"ssbsim: {note}", file=sys.stderr)
    pending = [(n, values) for n, values in enumerate(all_cases) if n not in store.done]
    failed = sum(1 for r in store.rows.values() if r.get("status") != "ok")
    bar = progress_bar(total=len(all_cases), initial=len(store.done), unit="case", disable=not progress, desc=spec.name)
    bar.set_postfix(failed=failed)
    try:
        if pending:
            local = client is None
            if local:
                client = _client(None, workers)
                if progress:
                    bar.write(f"ssbsim: {dashboard_line(client)}", file=sys.stderr)
            try:
                mark_submitting_process()  # an in-process worker leaves the user's PyBaMM log level
                study = client.scatter(payload(spec), broadcast=True)
                futures = {client.submit(run_case, study, n, values, pure=False): (n, values) for n, values in pending}
                for future in as_completed(futures):
                    n, values = futures[future]
                    try:
                        row = future.result()
                    except Exception as err:  # the worker died, or the task was lost
                        row = {
                            "case": n,
                            **values,
                            "status": "failed",
                            "error": f"{type(err).__name__}: {err}",
                            "wall_s": float("nan"),
                        }
                    store.add(row)
                    failed += row["status"] != "ok"
                    bar.update(1)
                    bar.set_postfix(failed=failed)
            finally:
                if local:
                    _close(client)
    except KeyboardInterrupt:
        raise Interrupted(
            f"{len(store.rows)} of {len(all_cases)} cases kept in {outdir} (rerun the same command to resume)"
        ) from None
    finally:
        bar.close()
        store.close()
    return store.frame


def _close(client):
    """Close the client and a local cluster, quietly: this also runs after a Ctrl-C."""
    cluster = getattr(client, "_ssbsim_cluster", None)
    for closing in (client, cluster):
        try:
            if closing is not None:
                closing.close()
        except BaseException:  # noqa: S110 - a second Ctrl-C, or a cluster already gone
            pass


def summarise(spec, frame, outdir):
    """Figures, and Sobol indices for a Sobol design. Returns the files written."""
    from .figures import study_figures
    from .sensitivity import sobol_indices

    written = study_figures(spec, frame, outdir)
    if spec.design == "sobol":
        written += sobol_indices(spec, frame, outdir)
    return written
