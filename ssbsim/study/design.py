"""Designs: the cases of a study, each a plain mapping of varied name -> value.

- ``grid``: every combination of the listed values (or of ``points`` values spread
  linearly or logarithmically over a range);
- ``latin_hypercube``: ``samples`` points, one per stratum in every dimension
  (scipy.stats.qmc, seeded);
- ``sobol``: Saltelli's scheme for Sobol indices, N(D+2) points for N = ``samples`` base
  samples and D varied quantities (SALib), so that first- and total-order indices can be
  estimated from the results.
"""

import itertools

import numpy as np
from scipy.stats import qmc


def _levels(v):
    if v.values is not None:
        return list(v.values)
    if v.scale == "log":
        return list(np.geomspace(v.low, v.high, v.points))
    return list(np.linspace(v.low, v.high, v.points))


def _from_unit(v, u):
    """Map u in [0, 1] onto the range of ``v`` (linear or log)."""
    if v.scale == "log":
        return float(np.exp(np.log(v.low) + u * (np.log(v.high) - np.log(v.low))))
    return float(v.low + u * (v.high - v.low))


def salib_problem(spec):
    """SALib's problem definition, in the sampling coordinates (log for log ranges)."""
    return {
        "num_vars": len(spec.varied),
        "names": [v.name for v in spec.varied],
        "bounds": [[0.0, 1.0]] * len(spec.varied),
    }


def cases(spec):
    """[{name: value}] in a fixed order; the case number is the position."""
    names = [v.name for v in spec.varied]
    if spec.design == "grid":
        return [dict(zip(names, map(float, combo))) for combo in itertools.product(*(_levels(v) for v in spec.varied))]
    if spec.design == "latin_hypercube":
        unit = qmc.LatinHypercube(len(names), seed=spec.seed).random(spec.samples)
    else:
        from SALib.sample import sobol as sobol_sample

        unit = sobol_sample.sample(salib_problem(spec), spec.samples, calc_second_order=False, seed=spec.seed)
    return [{v.name: _from_unit(v, u) for v, u in zip(spec.varied, row)} for row in unit]
