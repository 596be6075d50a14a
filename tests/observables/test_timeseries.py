"""The stored time series: sampled from the solver's steps at the experiment's period."""

import numpy as np

import ssbsim
from ssbsim.protocol.experiment_file import Block, ExperimentSpec


def test_time_series_follows_the_period_and_keeps_step_ends():
    spec = ExperimentSpec(
        "ts",
        [Block(["Charge at C/5 until 4.15 V", "Rest for 1 hour", "Discharge at C/5 until 2.5 V"])],
        period="10 minutes",
    )
    result = ssbsim.run(spec)
    ts, solution = result.timeseries, result.solution
    for _, part in ts.groupby("step"):
        gaps = np.diff(part["time_s"].to_numpy())
        assert np.allclose(gaps[:-1], 600) and 0 < gaps[-1] <= 600 + 1e-6
    # the end of each step is the solver's own last point (the cut-off)
    charge = ts[ts["step"] == 1]
    assert abs(charge["voltage_V"].iloc[-1] - 4.15) < 1e-6
    # inside the steps, the samples lie on the solver's interpolant
    inside = ts[(ts["step"] == 3)].iloc[1:-1]
    assert np.max(np.abs(solution["Voltage [V]"](inside["time_s"].to_numpy()) - inside["voltage_V"])) < 2e-3
    assert len(ts) < len(solution.t)
