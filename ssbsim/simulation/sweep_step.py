"""A potential sweep as a PyBaMM voltage step whose value is a line in the step time.

The control residual is :math:`V - (V_0 + v\\,(t - t_0))` with :math:`t_0` PyBaMM's
``"start time"`` input of the step. So that PyBaMM's unified experiment mode keeps one
branch per sweep rate and direction (not one per sweep: a stepwise CV has 66), the start
potential :math:`V_0` is the step's collapsible target (PyBaMM's shared per-step value
input) and the signed rate is part of the branch's identity.
"""

import pybamm

from ..protocol.sweep import STORED_STEP_V


class SweepStep(pybamm.step.Voltage):
    def __init__(self, sweep, period=None):
        self.sweep = sweep
        super().__init__(
            sweep.start,
            duration=sweep.duration,
            period=period or STORED_STEP_V / sweep.rate,
            direction="charge" if sweep.signed_rate > 0 else "discharge",
            description=sweep.text,
        )
        # PyBaMM tells steps apart by their value (here the start potential)
        self.hash_args += f", sweep {sweep.signed_rate:g} V/s to {sweep.target:g} V"

    def _ramp(self, start):
        t0 = pybamm.InputParameter("start time")
        return start + self.sweep.signed_rate * (pybamm.t - t0)

    def get_parameter_values(self, variables):
        return {"Voltage function [V]": self._ramp(self.value)}

    def _get_control_residual(self, variables, target):
        return variables["Voltage [V]"] - self._ramp(target)

    def unified_branch_repr(self):
        return f"{super().unified_branch_repr()}|sweep {self.sweep.signed_rate:g} V/s"

    def copy(self):
        return SweepStep(self.sweep, self.period)
