"""What ``ssbsim fit`` writes: fit.json, the fitted parameter set, figures of the data
against the fitted simulation with residuals. Every file is written atomically."""

import datetime
import json
from pathlib import Path

import numpy as np

from .. import atomic
from .spec import TIME_SERIES


def fit_json(spec, result):
    return {
        "parameters": {
            name: {
                "value": result.values[name],
                "ci95": result.ci95[name],
                "initial": p.initial,
                "bounds": [p.low, p.high],
                "scale": p.scale,
            }
            for name, p in zip(result.names, spec.parameters)
        },
        "cost": result.cost,
        "n_solves": result.n_solves,
        "correlation": result.correlation,
        "names": result.names,
        "starts": [{"initial": initial, "cost": cost} for initial, cost in result.starts],
        "wall_s": result.wall_s,
        "spec": str(spec.source),
        "parameter_set": spec.parameter_set.source,
        "date": datetime.date.today().isoformat(),
    }


def fitted_parameter_set(spec, result):
    """A parameter set that extends the spec's set with the fitted values, each marked
    with its provenance."""
    today = datetime.date.today().isoformat()
    base = spec.parameter_set.source
    lines = [
        f"# Fitted by `ssbsim fit {spec.source}` on {today}.",
        f'description = "{spec.parameter_set.description} -- fitted with {spec.name}"',
        f'extends = "{base}"',
        "",
        "[parameters]",
    ]
    for name in result.names:
        lo, hi = result.ci95[name]
        source = f"fitted: {spec.source}, {today} (95 % interval {lo:.4g} to {hi:.4g})"
        lines.append(f'"{name}" = {{ value = {result.values[name]:.6g}, source = "{source}" }}')
    return "\n".join(lines) + "\n"


def update_parameter_set(spec, result):
    """Write the fitted values into the spec's parameter set file, with provenance
    pointing at the spec (the shipped calibrations are kept this way)."""
    import re

    path = Path(spec.parameter_set.source)
    text = path.read_text()
    try:  # shown from the repository root when the spec lies in it
        spec_name = spec.source.resolve().relative_to(path.resolve().parent.parent)
    except ValueError:
        spec_name = spec.source
    for name in result.names:
        lo, hi = result.ci95[name]
        source = f"fitted: {spec.description or spec.name}, with `ssbsim fit {spec_name}` (95 % interval {lo:.3g} to {hi:.3g})"
        pattern = re.compile(r'^"' + re.escape(name) + r'" = \{ value = [^,]+, source = "[^"]*" \}$', re.MULTILINE)
        replacement = f'"{name}" = {{ value = {result.values[name]:.4g}, source = "{source}" }}'
        text, n = pattern.subn(lambda m: replacement, text)
        if n != 1:
            raise SystemExit(f"{path}: cannot find the line of {name!r}")
    atomic.write_text(path, text)


def figures(problem, result, outdir):
    """One figure per data set: data and fitted simulation, residuals below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    fitted = problem.simulate(result.values)
    for n, data in enumerate(problem.datasets, start=1):
        run = fitted[data.experiment]
        if len(data.x) != len(data.values) or data.quantity not in run.cycles.columns and data.quantity != TIME_SERIES:
            continue  # spectra and circuit-fitted values: see the run's nyquist.png / resistances_fitted.png
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 5.6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        xlabel = "time [h]" if data.quantity == TIME_SERIES else "cycle"
        x = data.x / 3600 if data.quantity == TIME_SERIES else data.x
        if run is not None and data.quantity != TIME_SERIES:
            c = run.cycles
            top.plot(c["cycle"], c[data.quantity], "-", color="C0", lw=1, label="fitted simulation")
        elif run is not None:
            top.plot(
                run.solution.t / 3600,
                run.solution["Voltage [V]"].entries,
                "-",
                color="C0",
                lw=1,
                label="fitted simulation",
            )
        top.plot(x, data.values, "o", color="k", ms=4, label="data")
        if np.isfinite(data.high).any():
            top.plot(x, data.high, "v", color="C3", ms=5, label="data: upper bound")
        if np.isfinite(data.low).any():
            top.plot(x, data.low, "^", color="C2", ms=5, label="data: lower bound")
        top.set_ylabel(data.quantity)
        top.set_title(f"{data.spec.file.name} ({data.experiment})")
        top.legend(fontsize="small")
        bottom.axhline(0, color="0.6", lw=0.8)
        bottom.plot(x, data.residuals(run) if run is not None else np.zeros(len(x)), "o", color="k", ms=3)
        bottom.set_ylabel("residual / sigma")
        bottom.set_xlabel(xlabel)
        fig.tight_layout()
        path = Path(outdir) / f"fit_data_{n}_{data.quantity}.png"
        with atomic.atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=120, format="png")
        plt.close(fig)
        written.append(path)
    return written


def write(spec, problem, result, outdir, with_figures=True):
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    atomic.write_text(outdir / "fit.json", json.dumps(fit_json(spec, result), indent=2) + "\n")
    atomic.write_text(outdir / "fitted_parameter_set.toml", fitted_parameter_set(spec, result))
    written = [outdir / "fit.json", outdir / "fitted_parameter_set.toml"]
    if with_figures:
        written += figures(problem, result, outdir)
    return written
