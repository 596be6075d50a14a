"""The result of a run: the PyBaMM solution, the per-cycle table, the time series, and
how to write them (``cycles.csv``, ``timeseries.parquet``, ``run.json``, figures)."""

import json
from functools import cached_property
from pathlib import Path

from .. import atomic
from ..observables.cycles import cycle_table
from ..observables.timeseries import timeseries
from ..parameters.registry import CELL, COMPOSITE, count_anions


def anion_labels(parameters):
    """Display names of the SE anions: the set's ``anions`` list, else anion0, anion1..."""
    names = getattr(parameters, "anions", None) or []
    return names or [f"anion{k}" for k in range(count_anions(parameters))]


class Result:
    """``.cycles`` (DataFrame, one row per completed cycle), ``.solution`` (PyBaMM),
    ``.timeseries`` (DataFrame), plus the experiment, parameters and options used."""

    def __init__(self, solution, experiment, parameters, options, wall_time=None, impedance=None, energies=True):
        self.solution = solution
        self.impedance = impedance  # DataFrame of the recorded spectra, or None
        self.experiment = experiment
        self.parameters = parameters
        self.options = options
        self.wall_time = wall_time
        self.reference = None  # a run this one is compared with (calibration ratios)
        self.cycle_numbers = None  # with cycle jumps: the cycle number of each solution cycle
        # an electrode without an intercalation host (SE:carbon) has no active mass: the
        # per-gram columns are NaN, the efficiencies (ratios of charges) stay defined
        host = options["working electrode"] != "SE:carbon"
        self.active_mass_kg = parameters[COMPOSITE.loading.name] * parameters[CELL.A.name] if host else float("nan")
        self.cycles = cycle_table(
            solution, experiment.cycles(), self.active_mass_kg, anions=anion_labels(parameters), energies=energies
        )

    @cached_property
    def impedance_fits(self):
        """The paper's equivalent-circuit fit of every recorded spectrum (DataFrame)."""
        from ..observables.circuit_fit import fit_spectra

        requests = self.experiment.impedance_requests()
        before_cycling = {0} if requests and requests[0][:2] == (0, 0) else set()
        return fit_spectra(self.impedance, initial=before_cycling)

    @cached_property
    def timeseries(self):
        frame = timeseries(self.solution, self.active_mass_kg, self.experiment.period_seconds)
        if self.cycle_numbers is not None:  # extrapolated run: the simulated cycles' numbers
            frame["cycle"] = [self.cycle_numbers[n - 1] for n in frame["cycle"]]
        return frame

    def metadata(self):
        import pybamm

        from .. import __version__

        return {
            "experiment": self.experiment.source,
            "experiment_description": self.experiment.description,
            "parameter_set": self.parameters.source,
            "overrides": {
                name: self.parameters[name]
                for name, source in self.parameters.provenance.items()
                if source.startswith("override:")
            },
            "options": dict(self.options),
            "cycles_completed": int(len(self.cycles)),
            "cycles_planned": int(self.experiment.n_cycles),
            "cycles_simulated": int(len(self.cycle_numbers) if self.cycle_numbers is not None else len(self.cycles)),
            "extrapolated": self.cycle_numbers is not None,
            "wall_time_s": self.wall_time,
            "ssbsim_version": __version__,
            "pybamm_version": pybamm.__version__,
        }

    def save(self, outdir, figures=True):
        """Write every output into ``outdir``, each file atomically. Returns the paths."""
        from ..observables.figures import save_png

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        with atomic.atomic_path(outdir / "cycles.csv") as tmp:
            self.cycles.to_csv(tmp, index=False, float_format="%.6g")
        written.append(outdir / "cycles.csv")
        with atomic.atomic_path(outdir / "timeseries.parquet") as tmp:
            self.timeseries.to_parquet(tmp, index=False)
        written.append(outdir / "timeseries.parquet")
        atomic.write_text(outdir / "run.json", json.dumps(self.metadata(), indent=2) + "\n")
        written.append(outdir / "run.json")
        if self.impedance is not None:
            with atomic.atomic_path(outdir / "impedance.parquet") as tmp:
                self.impedance.to_parquet(tmp, index=False)
            with atomic.atomic_path(outdir / "impedance_fits.csv") as tmp:
                self.impedance_fits.to_csv(tmp, index=False, float_format="%.6g")
            written += [outdir / "impedance.parquet", outdir / "impedance_fits.csv"]
        if figures and len(self.cycles):
            from ..observables.figures import FIGURES

            has_interphase = any(col.startswith("decomposition_charge_") for col in self.cycles.columns)
            per_gram = ("voltage_capacity.png", "dqdv.png", "capacity_efficiency.png")
            for name, make in FIGURES.items():
                if name == "interphase.png" and not has_interphase:
                    continue
                if name in per_gram and not self.active_mass_kg > 0:
                    continue
                fig = make(self)
                written.append(save_png(fig, outdir / name))
        if self.experiment.has_sweeps and len(self.cycles):
            from ..observables import voltammetry

            written += voltammetry.save(self, outdir, figures)
        if figures and self.impedance is not None and len(self.impedance):
            from ..observables.impedance_figures import IMPEDANCE_FIGURES

            for name, make in IMPEDANCE_FIGURES.items():
                fig = make(self)  # a matplotlib.figure.Figure, no pyplot state
                written.append(save_png(fig, outdir / name))
        return written
