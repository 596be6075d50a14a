"""A progress bar over cycles, and the reason an experiment stopped early."""

import warnings

import pybamm


def progress_bar(**kwargs):
    """tqdm's bar: a widget in a notebook with ipywidgets, else the text bar. tqdm warns
    ("IProgress not found") when a notebook lacks ipywidgets and falls back to the text
    bar itself; that fallback is what ssbsim wants, so the warning is not shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        from tqdm.auto import tqdm
    return tqdm(**kwargs)


class CycleProgress(pybamm.callbacks.Callback):
    """tqdm bar (shown only when a run takes longer than ``delay`` seconds)."""

    def __init__(self, n_cycles, show=True, delay=3.0, description="cycles"):
        self.n_cycles = n_cycles
        self.show = show
        self.delay = delay
        self.description = description
        self.bar = None
        self.stop_reason = None

    def on_experiment_start(self, logs):
        if self.show:
            self.bar = progress_bar(total=self.n_cycles, unit="cycle", delay=self.delay, desc=self.description)

    def on_cycle_end(self, logs):
        if self.bar is not None:
            self.bar.update(1)

    def on_experiment_error(self, logs):
        self.stop_reason = f"solver failed: {logs.get('error')}"

    def on_experiment_infeasible_time(self, logs):
        self.stop_reason = f"step did not reach its end condition: {logs.get('step operating conditions', '')}"

    def on_experiment_infeasible_event(self, logs):
        self.stop_reason = (
            f"stopped by model event {str(logs.get('termination', '')).removeprefix('event: ')} during "
            f"{logs.get('step operating conditions', 'a step')}"
        )

    def early_stop(self, done, planned):
        """Why a run of ``planned`` cycles that returned ``done`` ended early, or None. PyBaMM
        keeps the cycle a model event (a voltage cut-off, the Na running out) cut short, so
        the last cycle of ``done`` can be that one, and a run can return all its cycles and
        still have stopped early: a cycler's safety limit, reported as such."""
        if done < planned:
            return f"stopped after {done} of {planned} cycles: {self.stop_reason or 'the experiment became infeasible'}"
        if self.stop_reason:
            return f"stopped in cycle {done} of {planned}: {self.stop_reason}"
        return None

    def on_experiment_end(self, logs):
        if self.bar is not None:
            self.bar.close()


def _not_a_simulation_error(record):
    """False for PyBaMM's "Simulation error: ..." line and its "exceeds the maximum allowed
    value" lines (``Solution.check_ys_are_not_too_large``, one per variable and solve, on
    states ssbsim judges itself: ``extrapolate.overflowed``)."""
    message = record.getMessage()
    return not (message.startswith("Simulation error:") or "exceeds the maximum allowed value" in message)


def report_failures_only():
    """For a process that reports a failed solve itself, in one line (the ``ssbsim``
    command, a study worker; never called on import): SUNDIALS's own error lines (C, fd 2)
    are switched off in the solvers made from here on (``CellModel.solver``), and PyBaMM's
    log drops its "Simulation error: ..." line (``callbacks.LoggingCallback``), which repeats
    the reason ssbsim reports, and its lines on states beyond ``settings.max_y_value``
    (``_not_a_simulation_error``). PyBaMM's other log lines stay."""
    from ..model import cell_model

    cell_model.SUNDIALS_ERROR_LINES = False
    if _not_a_simulation_error not in pybamm.logger.filters:
        pybamm.logger.addFilter(_not_a_simulation_error)
