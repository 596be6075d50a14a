"""Synthetic fit problems: data simulated with known parameters plus noise, and the fit
spec that recovers them. Used by the recovery and coverage checks (tests, benchmarks).

Noise per quantity is ``("relative", level)`` (value times 1 + level N(0, 1)) or
``("absolute", level)`` (value + level N(0, 1)); the table carries the noise level as the
quantity's ``_sigma`` column, as a user who knows their measurement's precision would give.
"""

import numpy as np


def noisy_table(cycles, noise, rng):
    """A per-cycle data table: the columns of ``noise`` from the ``cycles`` frame, with
    noise drawn from ``rng`` and the matching ``<quantity>_sigma`` columns."""
    table = cycles[["cycle"]].copy()
    for quantity, (kind, level) in noise.items():
        exact = cycles[quantity].to_numpy(dtype=float)
        sigma = level * np.abs(exact) if kind == "relative" else np.full(len(exact), float(level))
        table[quantity] = exact + sigma * rng.standard_normal(len(exact))
        table[f"{quantity}_sigma"] = sigma
    return table


def spec_text(data_file, quantities, fitted, experiment="cutoff_sweep", starts=1):
    """Fit spec text: ``fitted`` maps parameter name -> dict(bounds=[lo, hi], initial=x,
    optional scale)."""
    lines = [
        'description = "synthetic recovery"',
        f'experiment = "{experiment}"',
        'parameter_set = "asakura2020"',
        f"starts = {starts}",
    ]
    for q in quantities:
        lines += ["[[data]]", f'file = "{data_file}"', f'quantity = "{q}"']
    for name, entry in fitted.items():
        lines += [f'[fit."{name}"]', f"bounds = [{entry['bounds'][0]:.6g}, {entry['bounds'][1]:.6g}]"]
        lines += [f"initial = {entry['initial']:.6g}"]
        if "scale" in entry:
            lines += [f'scale = "{entry["scale"]}"']
    return "\n".join(lines) + "\n"


def started_off(spec_parameters, truth, factor=1.5):
    """Each parameter of a spec started ``factor`` times its true value (kept in bounds)."""
    return {
        p.name: {"bounds": [p.low, p.high], "initial": min(max(truth[p.name] * factor, p.low), p.high)}
        for p in spec_parameters
    }
