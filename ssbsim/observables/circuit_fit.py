r"""The paper's equivalent-circuit fit of impedance spectra, with impedance.py.

Asakura et al. (Energy Environ. Sci. 13 (2020) 5048, doi:10.1039/d0ee01569e) fit their
spectra (200 kHz-10 mHz) with :math:`R_0 + R_1/\mathrm{CPE}_1 + R_2/\mathrm{CPE}_2` and
the spectrum at the initial OCV with :math:`R_0 + R_1/\mathrm{CPE}_1`:

.. math:: Z(\omega) = R_0 + \sum_k \frac{R_k}{1 + R_k Q_k (\mathrm{i}\omega)^{\alpha_k}} .

The fit is the modulus-weighted non-linear least-squares fit of impedance.py's
``CustomCircuit`` (Murbach et al., J. Open Source Softw. 5 (2020) 2349,
doi:10.21105/joss.02349; MIT): SciPy's ``curve_fit`` (trust-region reflective, bounds,
``ftol`` 1e-13) on the stacked real and imaginary parts, each weighted by :math:`1/|Z|`,
here on impedances per geometric area (R in Ohm cm2, Q in F cm-2 s^(alpha-1)). The
circuit is evaluated by the formula above in NumPy (``circuit_impedance``) rather than
through ``CustomCircuit``, which builds and ``eval``-s a string per evaluation (about
3 ms, 1300 evaluations for the cutoff sweep's nine spectra: most of ``ssbsim run``'s
output time); the optimiser and its settings are the same, and so is the result (on the
cutoff sweep's spectra the parameters agree to 1e-8; tests/observables).
The circuit has no diffusion element, so it is fitted over the arcs: from the highest
frequency down to the last minimum of -Z'' before a low-frequency tail (diffusion into
the particles, or the blocking cathode of a pristine cell) rises; a spectrum without
such a tail is fitted whole. Arcs are numbered by their time constant
:math:`\tau_k = (R_k Q_k)^{1/\alpha_k}`, fastest first (R1: the Na|SE interface).
``chi2`` is the mean of :math:`|Z_{\mathrm{fit}} - Z|^2 / |Z|^2` over the fitted points.
"""

import numpy as np
import pandas as pd

PAPER = "R0-p(R1,CPE1)-p(R2,CPE2)"
INITIAL = "R0-p(R1,CPE1)"
FIT_COLUMNS = [
    "spectrum",
    "cycle",
    "circuit",
    "r0_ohm_cm2",
    "r1_ohm_cm2",
    "q1_F_cm2_s_alpha1",
    "alpha1",
    "r2_ohm_cm2",
    "q2_F_cm2_s_alpha1",
    "alpha2",
    "chi2",
    "f_min_fitted_Hz",
]


def arc_range(frequency, z):
    """Boolean mask of the points the circuit is fitted to (see the module docstring)."""
    order = np.argsort(-frequency)
    y = -z.imag[order]
    keep = np.ones(len(y), dtype=bool)
    minima = [i for i in range(1, len(y) - 1) if y[i] < y[i - 1] and y[i] <= y[i + 1]]
    if minima and y[-1] > y[minima[-1]]:
        keep[minima[-1] + 1 :] = False
    mask = np.empty_like(keep)
    mask[order] = keep
    return mask


def _guess(frequency, z, n_arcs):
    """Initial values [R0, (Rk, Qk, alphak)...] from the spectrum's shape."""
    order = np.argsort(-frequency)
    f, zr, y = frequency[order], z.real[order], -z.imag[order]
    r0 = max(zr[0], 1e-9)
    total = max(zr[-1] - r0, 1e-6)
    peaks = [i for i in range(1, len(y) - 1) if y[i] >= y[i - 1] and y[i] >= y[i + 1] and y[i] > 0]
    peaks = sorted(sorted(peaks, key=lambda i: -y[i])[:n_arcs])
    while len(peaks) < n_arcs:  # arcs merged: spread them over the range
        peaks.append(int(len(f) * (len(peaks) + 1) / (n_arcs + 1)))
        peaks = sorted(set(peaks))
    guess = [r0]
    for i in peaks[:n_arcs]:
        r = max(min(2 * y[i], total) if n_arcs > 1 else total, 1e-6)
        guess += [r, 1 / (r * 2 * np.pi * f[i]), 0.9]
    return guess


def circuit_impedance(frequency, r0, *arcs):
    """Z [Ohm cm2] of R0 in series with the parallel (R_k, CPE_k) arcs, ``arcs`` =
    R_1, Q_1, alpha_1, R_2, ... (the module docstring's formula)."""
    omega = 2 * np.pi * np.asarray(frequency, dtype=float)
    z = r0 + 0j
    for k in range(0, len(arcs), 3):
        r, q, alpha = arcs[k : k + 3]
        z = z + 1 / (1 / r + q * (1j * omega) ** alpha)
    return z


def _stacked(frequency, *parameters):
    z = circuit_impedance(frequency, *parameters)
    return np.hstack([z.real, z.imag])


def fit_spectrum(frequency, z, circuit=PAPER):
    """dict of the fitted values (FIT_COLUMNS but spectrum/cycle) of one spectrum
    (``frequency`` [Hz], ``z`` [Ohm cm2], complex)."""
    from scipy.optimize import curve_fit

    frequency, z = np.asarray(frequency, dtype=float), np.asarray(z, dtype=complex)
    mask = arc_range(frequency, z)
    f, zz = frequency[mask], z[mask]
    n_arcs = 2 if circuit == PAPER else 1
    guess = _guess(f, zz, n_arcs)
    lower = [0.0] + [0.0, 1e-12, 0.4] * n_arcs
    upper = [np.inf] + [np.inf, 1.0, 1.0] * n_arcs
    guess = list(np.clip(guess, lower, [u if np.isfinite(u) else g * 10 + 1 for u, g in zip(upper, guess)]))
    modulus = np.abs(zz)
    p, _ = curve_fit(
        _stacked,
        f,
        np.hstack([zz.real, zz.imag]),
        p0=guess,
        bounds=(lower, upper),
        sigma=np.hstack([modulus, modulus]),
        maxfev=20000,
        ftol=1e-13,
    )
    p = list(p)
    residual = circuit_impedance(f, *p) - zz
    arcs = sorted(
        (tuple(p[1 + 3 * k : 4 + 3 * k]) for k in range(n_arcs)),
        key=lambda arc: (arc[0] * arc[1]) ** (1 / arc[2]),
    )
    out = {"circuit": circuit, "r0_ohm_cm2": p[0], "chi2": float(np.mean(np.abs(residual) ** 2 / np.abs(zz) ** 2))}
    for k in (1, 2):
        r, q, a = arcs[k - 1] if k <= n_arcs else (np.nan, np.nan, np.nan)
        out |= {f"r{k}_ohm_cm2": r, f"q{k}_F_cm2_s_alpha1": q, f"alpha{k}": a}
    out["f_min_fitted_Hz"] = float(f.min())
    return out


def fit_spectra(spectra, initial=()):
    """DataFrame (FIT_COLUMNS) of the fits of every spectrum of an ``impedance.parquet``
    frame; the spectra numbered in ``initial`` (taken before any cycling) are fitted
    without R2/CPE2, as the paper fitted its spectrum at the initial OCV."""
    rows = []
    if spectra is None or not len(spectra):
        return pd.DataFrame(columns=FIT_COLUMNS)
    for n, part in spectra.groupby("spectrum", sort=True):
        z = part["z_real_ohm_cm2"].to_numpy() + 1j * part["z_imag_ohm_cm2"].to_numpy()
        rows.append(fit_row(n, part["cycle"].iloc[0], part["frequency_Hz"].to_numpy(), z, initial))
    return fit_table(rows)


def fit_row(n, cycle, frequency, z, initial=()):
    """The row of ``fit_spectra``'s table of spectrum ``n`` (of ``cycle``)."""
    return {"spectrum": int(n), "cycle": int(cycle)} | fit_spectrum(frequency, z, INITIAL if n in initial else PAPER)


def fit_table(rows):
    """``fit_spectra``'s table of its ``rows`` (``fit_row``)."""
    return pd.DataFrame(rows, columns=FIT_COLUMNS)


def fit_run_spectra(spectra, requests):
    """``fit_spectra`` of a run's spectra: its ``requests``
    (``ExperimentSpec.impedance_requests()``) tell whether the first was taken before
    any cycling (at the initial OCV)."""
    return fit_spectra(spectra, initial=before_cycling(requests))


def before_cycling(requests):
    """``fit_spectra``'s ``initial`` of a run's spectra ``requests``: {0} if the first was
    taken before any cycling, else none."""
    return {0} if requests and requests[0][:2] == (0, 0) else set()
