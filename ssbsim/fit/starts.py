"""The starts of a multi-start fit: the spec's initial point, then a space-filling design
of the bounds.

A fit with N starts begins at the spec's initial point and at the first N - 1 points of a
scrambled Sobol sequence (Sobol 1967, doi:10.1016/0041-5553(67)90144-9; SciPy's linear
matrix scrambling with a digital shift, seeded, so a fit is reproducible) in the
optimiser's coordinates of the bounds (log or linear per parameter),
u = low + (high - low) x for a point x of the unit cube. The sequence is drawn as its
first 2^m points, the least power of 2 >= N - 1 (``random_base2``: SciPy's Sobol warns when
asked for another number, as the balance of the sequence holds for whole powers of 2),
and cut to N - 1: a prefix of a Sobol sequence is the same points whatever length is
drawn, so the starts are those drawn before, without the warning.
"""

import numpy as np


def start_points(parameters, starts, seed):
    """The ``starts`` start points of ``parameters`` (fit.spec.FitParameter) in the
    optimiser's coordinates, the design seeded by ``seed``: (points, low, high)."""
    from scipy.stats import qmc

    low = np.array([p.to_unit(p.low) for p in parameters])
    high = np.array([p.to_unit(p.high) for p in parameters])
    points = [np.array([p.to_unit(p.initial) for p in parameters])]
    if starts > 1:
        m = (starts - 2).bit_length()  # 2^m >= starts - 1
        sample = qmc.Sobol(len(parameters), scramble=True, seed=seed).random_base2(m)[: starts - 1]
        points += list(qmc.scale(sample, low, high))
    return points, low, high
