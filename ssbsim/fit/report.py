"""What ``ssbsim fit`` writes: fit.json, the fitted parameter set, figures of the data
against the fitted simulation with residuals. Every file is written atomically, TOML
through ``ssbsim.tomlfile``; figures use matplotlib's object API (no global state)."""

import datetime
import json
import os
import textwrap
from pathlib import Path

import numpy as np

from .. import atomic, tomlfile
from .spec import TIME_SERIES


def fit_json(spec, result, problem=None):
    return {
        "parameters": {
            name: {
                "value": result.values[name],
                # at a bound: no 95 % interval claimed (the bound, not the data, ends it)
                "ci95": None if result.at_bound.get(name) else result.ci95[name],
                "ci95_linear": None if result.at_bound.get(name) else result.ci95_linear.get(name),
                "bounded_interval": result.ci95[name] if result.at_bound.get(name) else None,
                "identifiable": result.identifiable.get(name, True),
                "at_bound": result.at_bound.get(name),
                "initial": p.initial,
                "bounds": [p.low, p.high],
                "scale": p.scale,
            }
            for name, p in zip(result.names, spec.parameters)
        },
        "method": result.method,
        "jacobian": result.jacobian,
        "extrapolate": getattr(problem, "extrapolation", None) if problem is not None else None,
        "converged": result.converged,
        "stop_reason": result.stop_reason,
        "starts_agree": result.starts_agree,
        "warnings": result.warnings,
        "lower_point": result.lower_point,
        "data": result.coverage,
        "trials_short": {
            "count": result.trials_short,
            "reasons": result.failures,  # why the runs of trials stopped -> count
            "meaning": "trials whose simulation stopped before some data points (given residual 100 there "
            "for the optimiser only; the fitted simulation must reach every point)",
        },
        "noise_scale": result.noise_scale,
        "threshold": result.threshold,
        "cost": result.cost,
        "n_solves": result.n_solves,
        "n_solves_fit": result.n_solves_fit,
        "correlation": result.correlation,
        "names": result.names,
        "starts": result.starts,
        "profiles": {name: [list(point) for point in curve] for name, curve in result.profiles.items()},
        "wall_s": result.wall_s,
        "spec": str(spec.source),
        "parameter_set": spec.parameter_set.source,
        "date": datetime.date.today().isoformat(),
    }


def interval_text(result, name, digits=4):
    """ "95 % interval a to b", or why there is none (a parameter at a bound)."""
    side = result.at_bound.get(name)
    if side:
        return f"at its {side} bound: no 95 % interval"
    lo, hi = result.ci95[name]
    return f"95 % interval {lo:.{digits}g} to {hi:.{digits}g}"


def _shipped_name(path, kind):
    """The stem of ``path`` if it is a shipped file of ``kind`` (a name that works from
    anywhere), else None."""
    from ..resources import shipped_dir

    path = Path(path).resolve()
    folder = shipped_dir("parameter_sets")
    folder = {"parameter_sets": folder, "calibration": folder / "calibration"}[kind]
    return path.stem if path.parent == folder.resolve() else None


def write_fitted_parameter_set(spec, result, path):
    """A parameter set that extends the spec's set with the fitted values, each marked
    with its provenance; ``extends`` names a shipped set by its stem and any other set
    by its path relative to the written file, so that the file loads from anywhere."""
    today = datetime.date.today().isoformat()
    base = Path(spec.parameter_set.source).resolve()
    extends = _shipped_name(base, "parameter_sets") or os.path.relpath(base, Path(path).resolve().parent)
    entries = {}
    for name in result.names:
        source = f"fitted: {spec.source}, {today} ({interval_text(result, name)})"
        entries[name] = (float(f"{result.values[name]:.6g}"), source)
    tomlfile.write_parameter_set(
        path,
        f"Fitted by `ssbsim fit {spec.source}` on {today}.",
        f"{spec.parameter_set.description} -- fitted with {spec.name}",
        Path(extends).as_posix(),
        entries,
    )


def check_update(spec):
    """InputError (before anything is fitted) unless ``--update`` can write every fitted
    value into the spec's parameter set file."""
    tomlfile.check_updatable(spec.parameter_set.source, [p.name for p in spec.parameters])


def update_parameter_set(spec, result):
    """Write the fitted values into the spec's parameter set file, with provenance
    naming the command that reproduces them; returns the backup of the original."""
    path = Path(spec.parameter_set.source)
    spec_name = _shipped_name(spec.source, "calibration") or spec.source
    entries = {}
    for name in result.names:
        source = (
            f"fitted: {spec.description or spec.name}, with `ssbsim fit {spec_name}` ({interval_text(result, name, 3)})"
        )
        entries[name] = (float(f"{result.values[name]:.4g}"), source)
    return tomlfile.update_parameter_set(path, entries)


def _title(data):
    from ..observables.labels import quantity

    what = quantity(data.quantity)[0]
    how = f"replayed current, {data.spec.window.describe()}" if data.spec.window is not None else data.experiment
    return f"Fit of {what} — {data.spec.file.name} ({how})"


def figures(problem, result, outdir):
    """Write :func:`data_figures`; returns the paths."""
    from ..observables.figures import save_png

    return [save_png(fig, Path(outdir) / name) for name, fig in data_figures(problem, result).items()]


def data_figures(problem, result):
    """One figure per data set, ``{file name: Figure}``: data and fitted simulation,
    residuals below. Dense data (more than figures.MAX_MARKERS points) are drawn as a
    broad grey line, not as markers."""
    from ..observables.figures import MAX_MARKERS, cycle_axis, layout, legend_above, set_labels, subplots
    from ..observables.labels import scale

    out = {}
    fitted = problem.simulate(result.values)
    for n, data in enumerate(problem.datasets, start=1):
        run = fitted[data.experiment]
        if len(data.x) != len(data.values) or (run is not None and data.quantity not in run.cycles.columns):
            if data.quantity != TIME_SERIES and not hasattr(data, "curve"):  # curve: voltammetric data
                continue  # spectra, circuit-fitted values: the run's nyquist.png, resistances_fitted.png
        fig, (top, bottom) = subplots(2, 1, figsize=(6.4, 5.6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        xname = getattr(data, "xlabel", "time_h" if data.quantity == TIME_SERIES else "cycle")
        hours = xname == "time_h"
        x = data.x / 3600 if hours else data.x
        dense = len(x) > MAX_MARKERS
        k = scale(data.quantity)  # fractions shown in %
        if run is not None and hasattr(data, "curve"):  # voltammetric data (fit/voltammetry_data.py)
            xs, ys = data.curve(run)
            top.plot(xs / 3600 if hours else xs, k * ys, "-", color="C0", lw=1.2, label="fitted simulation", zorder=3)
        elif run is not None and data.quantity != TIME_SERIES:
            c = run.cycles
            top.plot(c["cycle"], k * c[data.quantity], "-", color="C0", lw=1, label="fitted simulation", zorder=3)
        elif run is not None:
            t = run.solution.t / 3600
            top.plot(t, run.solution["Voltage [V]"].entries, "-", color="C0", lw=1, label="fitted simulation", zorder=3)
        if dense:
            top.plot(x, k * data.values, "-", color="0.6", lw=3, solid_capstyle="round", label="data")
        else:
            top.plot(x, k * data.values, "o", color="k", ms=4, label="data")
        if np.isfinite(data.high).any():
            top.plot(x, k * data.high, "v", color="C3", ms=5, label="data: upper bound")
        if np.isfinite(data.low).any():
            top.plot(x, k * data.low, "^", color="C2", ms=5, label="data: lower bound")
        set_labels(top, y=data.quantity)
        fig.suptitle(textwrap.fill(_title(data), 75), fontsize="medium", y=0.98)
        legend_above(top, ncols=4)
        bottom.axhline(0, color="0.6", lw=0.8)
        r = data.residuals(run) if run is not None else np.zeros(len(x))
        if dense:
            bottom.plot(x, r, "-", color="k", lw=0.8)
        else:
            bottom.plot(x, r, "o", color="k", ms=3)
        set_labels(bottom, xname, "residual")
        bottom.ticklabel_format(axis="y", style="sci", scilimits=(-2, 4))  # short tick labels: the label stays in
        if not hours:
            cycle_axis(bottom)
        layout(fig, left=0.13, bottom=0.09, top=0.86, hspace=0.08)
        out[f"fit_data_{n}_{data.quantity}.png"] = fig
    return out


def profile_figure(result, outdir):
    """Write :func:`profile_plot` to ``fit_profiles.png``; returns the path, or None
    without profiles."""
    fig = profile_plot(result)
    if fig is None:
        return None
    from ..observables.figures import save_png

    return save_png(fig, Path(outdir) / "fit_profiles.png")


def profile_plot(result):
    """One panel per parameter: the computed points of its profile (2 delta cost / s^2;
    the direct search computes few: the fit and an end on each side), the parabola through
    them on each side, the linearised parabola and the 95 % threshold; None without
    profiles."""
    from ..observables.figures import subplots
    from ..observables.labels import label

    if not result.profiles:
        return None
    n = len(result.names)
    columns = min(n, 3)
    rows = -(-n // columns)
    fig, axes = subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), squeeze=False)
    axes = np.atleast_1d(axes).ravel()
    limit = result.threshold
    for ax, name in zip(axes, result.names):
        curve = np.array(result.profiles[name], dtype=float)
        ax.plot(curve[:, 0], curve[:, 1], "o", color="C0", ms=4, label="profile, computed")
        value = result.values[name]
        lo, hi = (value, value) if result.at_bound.get(name) else result.ci95_linear[name]  # at a bound: no parabola
        log = bool(np.all(curve[:, 0] > 0) and lo > 0 and curve[:, 0].max() > 3 * curve[:, 0].min())
        grid = (np.geomspace if log else np.linspace)(curve[:, 0].min(), curve[:, 0].max(), 80)
        to = np.log if log else (lambda v: v)
        half = (to(hi) - to(lo)) / 2
        if half > 0:
            ax.plot(grid, limit * ((to(grid) - to(value)) / half) ** 2, "--", color="0.5", lw=1, label="linearised")
        _per_side_quadratic(ax, curve, value, to, grid, limit)
        ax.axhline(limit, color="C3", lw=0.8, label=f"95 % ({limit:.2f})")
        ax.set_ylim(0, max(2 * limit, 1.1 * min(curve[:, 1].max(), 30)))
        if log:
            ax.set_xscale("log")
        verdict = "" if result.identifiable[name] else " — not identifiable"
        ax.set_xlabel(textwrap.fill(label(name), 45), fontsize="small")
        ax.set_title(f"Profile{verdict}", fontsize="small")
        ax.set_ylabel(label("profile"))
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def _per_side_quadratic(ax, curve, value, to, grid, limit):
    """On each side of the fitted ``value``, the parabola in the plotted coordinate through
    the fit (0) and the computed point of the profile nearest the 95 % ``limit`` (the end
    of the interval) on that side."""
    label = "quadratic through them"
    for side in (-1, 1):
        points = curve[(np.sign(to(curve[:, 0]) - to(value)) == side) & (curve[:, 1] > 0)]
        if not len(points):
            continue
        u, d = points[np.argmin(np.abs(points[:, 1] - limit))]
        part = grid[np.sign(to(grid) - to(value)) != -side]
        part = part[np.abs(to(part) - to(value)) <= abs(to(u) - to(value))]
        ax.plot(part, d * ((to(part) - to(value)) / (to(u) - to(value))) ** 2, "-", color="C0", lw=1, label=label)
        label = None


def write(spec, problem, result, outdir, with_figures=True):
    outdir = Path(outdir)
    atomic.write_text(outdir / "fit.json", json.dumps(fit_json(spec, result, problem), indent=2) + "\n")
    write_fitted_parameter_set(spec, result, outdir / "fitted_parameter_set.toml")
    written = [outdir / "fit.json", outdir / "fitted_parameter_set.toml"]
    if with_figures:
        written += figures(problem, result, outdir)
        profile = profile_figure(result, outdir)
        if profile is not None:
            written.append(profile)
    return written
