"""Bounded least squares of parameters against calibration targets.

Each evaluation simulates the runs the targets need (``targets.simulate``) with the
trial values and returns the targets' scaled residuals (``Target.residual``: misfit over
tolerance; zero for inequality targets that are met). Parameters are fitted in log
space (all are positive), so bounds are ratios and steps are relative. This is the
engine behind the shipped calibration commands; ``ssbsim fit`` will generalise it to
measured data.
"""

import argparse
import re

import numpy as np
from scipy.optimize import least_squares

from ..errors import SimulationError
from ..parameters import load_parameter_set
from ..resources import resolve
from .targets import evaluate, markdown, simulate

FAILED_RESIDUAL = 100.0


def fit(parameters, targets, base, cycles=None, tied=None, verbose=False):
    """Fit ``parameters`` ({name: (initial, low, high)}) of ``base`` to ``targets``.

    ``tied(values) -> {name: value}`` sets parameters that follow the fitted ones;
    ``cycles`` caps each run (fast fits). Returns (fitted values incl. tied, scipy result).
    """
    names = list(parameters)
    x0 = np.log([parameters[n][0] for n in names])
    lower = np.log([parameters[n][1] for n in names])
    upper = np.log([parameters[n][2] for n in names])

    def values_at(x):
        values = dict(zip(names, np.exp(x)))
        if tied:
            values.update(tied(values))
        return values

    def residuals(x):
        trial = base.with_overrides(values_at(x), source="calibration")
        try:
            results = simulate(targets, trial, cycles=cycles)
            r = np.array([t.residual(float(t.measure(results[t.experiment]))) for t in targets])
        except SimulationError:  # a trial the cell cannot run: far from the targets
            r = np.full(len(targets), FAILED_RESIDUAL)
        if verbose:
            print(" ".join(f"{v:.4g}" for v in np.exp(x)), "| cost", f"{0.5 * r @ r:.4g}", flush=True)
        return r

    solution = least_squares(residuals, np.clip(x0, lower, upper), bounds=(lower, upper), diff_step=1e-3, x_scale=1.0)
    return values_at(solution.x), solution


def write_values(path, values):
    """Replace the numbers of ``values`` in the TOML at ``path``, keeping the rest."""
    text = path.read_text()
    for name, value in values.items():
        pattern = re.compile(r'(^"' + re.escape(name) + r'" = \{ value = )([^,]+)(,)', re.MULTILINE)
        text, n = pattern.subn(lambda m: f"{m.group(1)}{value:.4g}{m.group(3)}", text)
        if n != 1:
            raise SystemExit(f"{path}: cannot find the line of {name!r}")
    path.write_text(text)


def command(prog, description, calibrate, targets, parameter_set="asakura2020", argv=None):
    """The shared command line of the calibration scripts: fit, print the values and the
    calibration table, optionally write the values back into the parameter set.
    ``calibrate(base, verbose) -> fitted values`` does the fitting."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--write", action="store_true", help="store the fitted values in the parameter set file")
    parser.add_argument("--verbose", action="store_true", help="print every trial")
    args = parser.parse_args(argv)
    base = load_parameter_set(parameter_set)
    fitted = calibrate(base, args.verbose)
    for name, value in fitted.items():
        print(f"{name} = {value:.4g}")
    table = evaluate(simulate(targets, base.with_overrides(fitted, source="calibration")), targets)
    print(markdown(table))
    if args.write:
        path = resolve(parameter_set, "parameter_sets")
        write_values(path, fitted)
        print(f"wrote {len(fitted)} values to {path}")
    return 0 if (table["ok"] | (table["known_gap"] != "")).all() else 1
