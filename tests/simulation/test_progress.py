"""What the ``ssbsim`` process does with PyBaMM's log (simulation/progress.py): the lines on a failed solve and
on states beyond PyBaMM's max_y_value, which ssbsim reports itself (in one line, or as a failed fit trial), are
dropped; its other lines stay."""

import logging

import pybamm

from ssbsim.model import cell_model
from ssbsim.simulation.progress import _not_a_simulation_error, report_failures_only


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_the_ssbsim_process_drops_pybamms_lines_on_what_it_reports_itself(monkeypatch):
    monkeypatch.setattr(cell_model, "SUNDIALS_ERROR_LINES", True)
    had = _not_a_simulation_error in pybamm.logger.filters
    logged = Records()
    pybamm.logger.addHandler(logged)
    try:
        report_failures_only()
        pybamm.logger.error(
            "Solution for 'Cathode interphase passivating thickness of layer 0 [m]' exceeds the maximum allowed value "
            "of `100000.0. This could be due to incorrect scaling, model formulation, or parameter values."
        )
        pybamm.logger.error("Simulation error: input set 0: IDA_CONV_FAIL")
        pybamm.logger.error("another line")
    finally:
        pybamm.logger.removeHandler(logged)
        if not had:
            pybamm.logger.removeFilter(_not_a_simulation_error)
    assert logged.messages == ["another line"]
    assert cell_model.SUNDIALS_ERROR_LINES is False
