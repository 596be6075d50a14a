r"""Onset potentials from voltammograms: the two-line method (BRIEF §2).

The onset reported from voltammetry is where a line fitted to the rising (anodic
decomposition) current crosses a line fitted to the background before it -- a kinetic
threshold that shifts with the scan rate, not a thermodynamic potential. On one anodic
scan (potential rising, anodic current positive):

1. the first ``skip`` volts after the start are left out (the switch of the
   double-layer current at the start of a scan);
2. waves are the peaks of the slope :math:`s = \mathrm{d}i/\mathrm{d}E` (of the current
   smoothed over ``window`` volts) that stand out by at least half their height from the
   slope on either side and exceed five times the spread of the slope over the first
   tenth of the scan (noise), and over which the current grows by at least ``min_rise``
   times the background current (the median of the first tenth of the scan);
3. per wave, between the lowest slopes on either side of its peak: the rise line is the
   least-squares line through the points whose current lies between 25 % and 75 % of
   the way from the current at the left end of the wave to the highest current of the
   wave; the background line is the least-squares line through the points before the
   rise, first those below 10 % of that way, then (twice) those below the onset found
   so far less a fifth of the span from there to the wave's slope peak;
4. the onset is the crossing of the two lines.

Lines are fitted to the data as given (smoothing only finds the waves), so a curve made
of two straight lines gives its kink exactly.
"""

import numpy as np

SKIP_V = 0.02
WINDOW_V = 0.01
MIN_RISE = 2.0


def _line(E, i):
    if len(E) < 2 or np.ptp(E) == 0:
        return None
    slope, intercept = np.polyfit(E, i, 1)
    return slope, intercept


def _crossing(rise, background):
    (m1, c1), (m2, c2) = rise, background
    if m1 == m2:
        return np.nan
    return (c2 - c1) / (m1 - m2)


def _smooth(values, n):
    if n <= 1:
        return values
    kernel = np.ones(n) / n
    padded = np.concatenate([np.full(n // 2, values[0]), values, np.full(n - 1 - n // 2, values[-1])])
    return np.convolve(padded, kernel, mode="valid")


def two_line_onsets(potential, current, skip=SKIP_V, window=WINDOW_V, min_rise=MIN_RISE):
    """Onset potentials [V] of the waves of one anodic scan (``current`` anodic
    positive, any unit), in order of potential."""
    from scipy.signal import find_peaks

    E, i = np.asarray(potential, float), np.asarray(current, float)
    order = np.argsort(E, kind="stable")
    E, i = E[order], i[order]
    keep = E >= E[0] + skip if len(E) else []
    E, i = E[keep], i[keep]
    if len(E) < 10 or np.ptp(E) <= 0:
        return []
    step = np.median(np.diff(E))
    n = max(1, int(round(window / step))) if step > 0 else 1
    s = np.gradient(_smooth(i, n), E)
    background = abs(np.median(i[: max(3, len(i) // 10)]))
    noise = np.std(np.diff(i[: max(3, len(i) // 10)]))
    peaks, props = find_peaks(np.concatenate([[-np.inf], s, [-np.inf]]), prominence=0)
    head = s[: max(3, len(s) // 10)]
    noise_s = 1.4826 * np.median(np.abs(head - np.median(head)))  # robust spread of the background slope
    peaks = [
        p - 1
        for p, prominence in zip(peaks, props["prominences"])
        if s[p - 1] > 5 * noise_s and prominence >= 0.5 * s[p - 1]
    ]
    onsets = []
    for n, p in enumerate(peaks):
        # a wave spans from the lowest slope since the wave before to the lowest before the next
        lo = peaks[n - 1] if n else 0
        hi = peaks[n + 1] if n + 1 < len(peaks) else len(E) - 1
        lb = lo + int(np.argmin(s[lo : p + 1]))
        rb = p + int(np.argmin(s[p : hi + 1])) if n + 1 < len(peaks) else hi
        top = lb + int(np.argmax(i[lb : rb + 1]))
        base, height = i[lb], i[top] - i[lb]
        if top <= lb or height < max(min_rise * background, 5 * noise, np.finfo(float).tiny):
            continue
        part = slice(lb, top + 1)
        Ew, iw, sw = E[part], i[part], s[part]
        up = (iw >= base + 0.25 * height) & (iw <= base + 0.75 * height)
        rise = _line(Ew[up], iw[up])
        low = (sw <= 0.1 * s[p]) & (Ew < E[p]) & (iw <= base + 0.1 * height)
        flat = _line(Ew[low], iw[low])
        if rise is None or flat is None:
            continue
        onset = _crossing(rise, flat)
        for _ in range(2):
            if not np.isfinite(onset):
                break
            before = Ew <= onset - 0.2 * max(E[p] - onset, 0)
            flat = _line(Ew[before], iw[before]) or flat
            onset = _crossing(rise, flat)
        if np.isfinite(onset) and E[0] <= onset <= E[-1]:
            onsets.append(float(onset))
    return sorted(onsets)


def anodic_scans(frame):
    """[(cycle, potential, anodic current)] of the anodic scans of a voltammogram frame
    (columns ``cycle``, ``potential_V``, ``current_density_mA_cm2``; a ``scan`` column, if
    there, numbers the scans; else they are the runs of rising potential)."""
    scans = []
    for cycle, part in frame.groupby("cycle", sort=True):
        E = part["potential_V"].to_numpy(float)
        i = part["current_density_mA_cm2"].to_numpy(float)
        if "scan" in part:
            labels = part["scan"].to_numpy()
            up = {k: E[labels == k][-1] > E[labels == k][0] for k in dict.fromkeys(labels)}
            rising = np.array([up[k] for k in labels])
        else:
            dE = np.diff(_smooth(E, 5), append=np.nan)
            tol = 1e-3 * np.nanmax(np.abs(dE)) if np.isfinite(dE).any() else 0
            rising = dE > tol
            labels = np.cumsum(np.concatenate([[0], rising[1:] != rising[:-1]]))
        for k in dict.fromkeys(labels[rising]):
            mask = rising & (labels == k)
            if mask.sum() >= 10:
                scans.append((int(cycle), E[mask], i[mask]))
    return scans


def onset_table(frame, **kwargs):
    """DataFrame ``cycle, onset_V``: one row per onset found in the anodic scans."""
    import pandas as pd

    rows = [
        {"cycle": cycle, "onset_V": onset}
        for cycle, E, i in anodic_scans(frame)
        for onset in two_line_onsets(E, i, **kwargs)
    ]
    return pd.DataFrame(rows, columns=["cycle", "onset_V"])
