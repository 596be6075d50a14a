"""What a worker does with a case: plain specifications in, a row of results out.

Cases travel as plain data (the cell's parameter values, the protocol's steps, the
varied values), never as PyBaMM objects, so any Dask worker -- on this machine or on a
cluster -- can run them. Each worker process keeps its built runs between cases
(``simulation.reuse``): the model is set up once per protocol variant and re-solved with
input parameters for every case that only changes them.

A worker process, which only runs cases, sets PyBaMM's log to ERROR as the ``ssbsim``
command does; a worker in the user's own process (``Client(processes=False)``) leaves it
as the user set it: the process that submits marks itself (:func:`mark_submitting_process`).
"""

import os
import time

import numpy as np

from ..errors import SimulationError
from ..observables.cycles import ENERGY_COLUMNS
from ..parameters.loader import ParameterSet
from ..protocol.experiment_file import Block, ExperimentSpec
from ..simulation.reuse import ReusableRuns
from .protocol import protocol_key, vary_protocol

DEFAULT_METRICS = [
    "first_coulombic_efficiency",
    "first_discharge_capacity_mAh_g",
    "last_discharge_capacity_mAh_g",
    "capacity_retention",
    "final_interphase_resistance_ohm_cm2",
]

_RUNS = {}  # per worker process: study fingerprint -> ReusableRuns
_SUBMITTING_PID = None  # the pid of the process that submits cases, in that process only


def mark_submitting_process():
    """Called where the cases are submitted: a worker thread in this process is in the
    user's process, whose PyBaMM log level is the user's (a worker process spawned or
    forked from it has another pid)."""
    global _SUBMITTING_PID
    _SUBMITTING_PID = os.getpid()


def payload(spec):
    """The plain description of a study that every case needs."""
    pset, experiment = spec.parameter_set, spec.experiment
    return {
        "key": spec.fingerprint(),
        "parameter_set": {
            "values": dict(pset),
            "provenance": dict(pset.provenance),
            "description": pset.description,
            "options": dict(pset.options),
            "source": pset.source,
            "anions": list(pset.anions),
        },
        "experiment": {
            "name": experiment.name,
            "blocks": [{"steps": list(b.steps), "repeat": b.repeat} for b in experiment.blocks],
            "description": experiment.description,
            "temperature_C": experiment.temperature_C,
            "period": experiment.period,
            "source": experiment.source,
        },
        "options": dict(spec.options),
        "names": [v.name for v in spec.varied if not v.is_protocol],
        "metrics": list(spec.metrics),
    }


def metrics(cycles, extra=()):
    """The default metrics of a run, then first/last values of ``extra`` quantities."""
    first, last = cycles.iloc[0], cycles.iloc[-1]
    out = {
        "first_coulombic_efficiency": first["coulombic_efficiency"],
        "first_discharge_capacity_mAh_g": first["discharge_capacity_mAh_g"],
        "last_discharge_capacity_mAh_g": last["discharge_capacity_mAh_g"],
        "capacity_retention": last["discharge_capacity_mAh_g"] / first["discharge_capacity_mAh_g"],
        "final_interphase_resistance_ohm_cm2": last["cathode_interphase_resistance_ohm_cm2"],
    }
    for q in extra:
        out[f"{q}_first"], out[f"{q}_last"] = first.get(q, np.nan), last.get(q, np.nan)
    return {k: float(v) for k, v in out.items()}


def _runs(study):
    runs = _RUNS.get(study["key"])
    if runs is None:
        if not _RUNS and os.getpid() != _SUBMITTING_PID:  # a process only running cases: as the CLI does
            from ..pybamm_import import import_pybamm
            from ..simulation.progress import report_failures_only

            import_pybamm().set_logging_level("ERROR")
            report_failures_only()  # a failed case is a row with the reason
        p = study["parameter_set"]
        pset = ParameterSet(p["values"], p["provenance"], p["description"], p["options"], p["source"], p["anions"])
        # each worker re-solves its builds case after case: compiled functions integrate
        # 3-4x faster for 2-3 s of compilation per build (benchmarks/bench_study.py)
        # and the energies only if a metric needs them; the metrics come from the cycle
        # table, so the impedance spectra an experiment asks for (the cutoff sweep's nine:
        # 45 % of a warm case) are not recorded
        energies = any(metric in ENERGY_COLUMNS for metric in study["metrics"])
        runs = _RUNS[study["key"]] = ReusableRuns(
            pset, study["names"], study["options"], source="study", compile=True, energies=energies, impedance=False
        )
    return runs


def run_case(study, case, values):
    """Row of results of case number ``case`` with the varied ``values``; a failure is a
    row too (status "failed", error: the reason)."""
    start = time.perf_counter()
    row = {"case": int(case), **values}
    try:
        e = study["experiment"]
        experiment = ExperimentSpec(
            e["name"],
            [Block(b["steps"], b["repeat"]) for b in e["blocks"]],
            e["description"],
            e["temperature_C"],
            e["period"],
            e["source"],
        )
        experiment = vary_protocol(experiment, values)
        parameters = {k: v for k, v in values.items() if not k.startswith("protocol: ")}
        result = _runs(study).run(experiment, parameters, key=protocol_key(values))
        row.update(metrics(result.cycles, study["metrics"]))
        row["integration_s"] = float(result.solution.integration_time.value)
        row.update(status="ok", error="")
    except SimulationError as err:
        partial = getattr(err, "result", None)
        if partial is not None and len(partial.cycles):
            row.update(metrics(partial.cycles, study["metrics"]))
        row.update(status="failed", error=str(err))
    except Exception as err:  # any other failure of this case is recorded, the study goes on
        row.update(status="failed", error=f"{type(err).__name__}: {' '.join(str(err).split())}")
    row["wall_s"] = time.perf_counter() - start
    return row
