"""The result of a run: the PyBaMM solution, the per-cycle table, the time series, and
how to write them (``cycles.csv``, ``timeseries.parquet``, ``run.json``, figures)."""

import json
from functools import cached_property, partial
from pathlib import Path

import pandas as pd

from .. import atomic
from ..errors import InputError
from ..observables.cycles import cycle_table
from ..observables.run_figures import RunFigures
from ..observables.timeseries import timeseries
from ..outputs import owned_by, save_folder
from ..parameters.registry import CELL, COMPOSITE, count_anions

RUN_FILES = owned_by(
    {"cycles.csv", "timeseries.parquet", "run.json", "impedance.parquet", "impedance_fits.csv"}
    | {"voltammogram.csv", "onsets.csv"}
)  # what a run writes into its folder (figures: any .png)


def anion_labels(parameters):
    """Display names of the SE anions: the set's ``anions`` list, else anion0, anion1..."""
    names = getattr(parameters, "anions", None) or []
    return names or [f"anion{k}" for k in range(count_anions(parameters))]


class Result(RunFigures):
    """``.cycles`` (DataFrame, one row per completed cycle), ``.solution`` (PyBaMM),
    ``.timeseries`` (DataFrame), plus the experiment, parameters and options used."""

    def __init__(self, solution, experiment, parameters, options, wall_time=None, impedance=None, energies=True):
        self.solution = solution
        self.impedance = impedance  # DataFrame of the recorded spectra, None, or a function recording them
        self.experiment = experiment
        self.parameters = parameters
        self.options = options
        self.wall_time = wall_time
        self.reference = None  # a run this one is compared with (calibration ratios)
        self.cycle_numbers = None  # with cycle jumps: the cycle number of each solution cycle
        self.probes = 0  # with cycle jumps: cycles run besides, to measure the stiff states' contraction
        self.model_from_cache = None  # whether the built model came from the disk cache (None: not known)
        # an electrode without an intercalation host (SE:carbon) has no active mass: the
        # per-gram columns are NaN, the efficiencies (ratios of charges) stay defined
        host = options["working electrode"] != "SE:carbon"
        self.active_mass_kg = parameters[COMPOSITE.loading.name] * parameters[CELL.A.name] if host else float("nan")
        self.cycles = cycle_table(
            solution, experiment.cycles(), self.active_mass_kg, anions=anion_labels(parameters), energies=energies
        )

    @property
    def impedance(self):
        """DataFrame of the recorded spectra, or None. ``ssbsim run`` with figure processes
        records them after handing the cycle table to those (``run(..., spectra_later=True)``),
        or has them recorded by a spectra process (``simulation/spectra_process.py``): given
        a function, the first read calls it (returning the spectra, or the spectra and
        their circuit fits)."""
        value = self.__dict__.get("impedance")
        if callable(value):
            value = value()
            if isinstance(value, tuple):  # recorded by a spectra process, with their circuit fits
                value, self.__dict__["impedance_fits"] = value
            self.__dict__["impedance"] = value
        return value

    @impedance.setter
    def impedance(self, value):
        self.__dict__["impedance"] = value

    def __getstate__(self):
        """Pickled and copied with the spectra recorded (a recording function holds the
        simulation)."""
        self.impedance  # noqa: B018 - records pending spectra
        return self.__dict__

    @cached_property
    def impedance_fits(self):
        """The paper's equivalent-circuit fit of every recorded spectrum (DataFrame)."""
        from ..observables.circuit_fit import fit_run_spectra

        impedance = self.impedance  # spectra recorded elsewhere come with their fits
        fitted = self.__dict__.get("impedance_fits")
        return fitted if fitted is not None else fit_run_spectra(impedance, self.experiment.impedance_requests())

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
            "cycles_probed": int(self.probes),
            "wall_time_s": self.wall_time,
            "model_from_cache": self.model_from_cache,
            "ssbsim_version": __version__,
            "pybamm_version": pybamm.__version__,
        }

    def save(self, outdir, figures=True, overwrite=False):
        """Write what ``ssbsim run`` writes into the folder ``outdir``, as a unit (a
        reader finds the previous outputs or these, never a mix), with the command's
        rules: a folder holding other files is refused (``InputError``), one holding
        another run's outputs too unless ``overwrite``. Returns the paths."""
        return save_folder(outdir, RUN_FILES, partial(self.write_files, figures=figures), overwrite)

    def write_files(self, outdir, figures=True):
        """Write every output into the existing folder ``outdir`` (no checks: the
        commands' staging folder), each file atomically. Returns the paths. ``figures``:
        True to draw them here, after the tables, False for none, or a figure process
        (``observables/figure_process.py``) that draws them while the tables are
        written."""
        outdir = Path(outdir)
        drawn = self._start_figures(outdir, figures) if figures else None
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
        if self.experiment.has_sweeps and len(self.cycles):
            from ..observables import voltammetry

            written += voltammetry.save(self, outdir, figures=False)  # the tables; its figure below
        if drawn is not None:
            written += drawn()
        return written

    def _start_figures(self, outdir, figures):
        """A function returning the paths of the figures written into ``outdir``: drawn
        when it is called (``figures`` True), or by a figure process started now."""
        if figures is not True and not self.experiment.has_sweeps:  # a voltammogram needs the solution
            return figures.draw(self, outdir)

        def draw():
            from ..observables.figures import save_png  # matplotlib only imported for figures

            return [save_png(make(), outdir / name) for name, make in self._figures().items()]

        return draw

    def plot(self, name=None):
        """The figures :meth:`save` writes, drawn now with the same functions:
        ``{file name: matplotlib Figure}``, or the one figure ``name`` (e.g.
        ``"voltage_capacity"``). The figures are not attached to pyplot: in a notebook,
        a figure shows as the last value of a cell (or with ``display(fig)``), pyplot
        imported or not (``observables.figures.ShownFigure``)."""
        figures = self._figures()
        if name is None:
            return {key: make() for key, make in figures.items()}
        key = name if name.endswith(".png") else f"{name}.png"
        if key not in figures:
            known = ", ".join(n.removesuffix(".png") for n in figures) or "none"
            raise InputError("plot", f"no figure {name!r} for this run (it has: {known})")
        return figures[key]()

    def _headline(self):
        done, planned = len(self.cycles), self.experiment.n_cycles
        how = f", extrapolated from {len(self.cycle_numbers)}" if self.cycle_numbers is not None else ""
        took = f", {self.wall_time:.1f} s" if self.wall_time is not None else ""
        return (
            f"ssbsim Result: {self.experiment.name} on {Path(str(self.parameters.source)).stem}, "
            f"{done} of {planned} cycles{how}{took}"
        )

    def __repr__(self):
        return (
            f"<{self._headline()}>\n{format_table(self.cycles, max_rows=8)}"
            if len(self.cycles)
            else f"<{self._headline()}>"
        )

    def _repr_html_(self):
        import html

        return f"<p>{html.escape(self._headline())}</p>" + self.cycles.to_html(
            max_rows=10, float_format="{:.4g}".format
        )


SUMMARY_COLUMNS = {
    "cycle": ("cycle", "{:d}"),
    "upper_cutoff_V": ("Vmax set", "{:.2f}"),
    "charge_capacity_mAh_g": ("Qch mAh/g", "{:.1f}"),
    "discharge_capacity_mAh_g": ("Qdis mAh/g", "{:.1f}"),
    "coulombic_efficiency": ("CE %", "{:.2%}"),
    "mean_discharge_voltage_V": ("Vdis V", "{:.3f}"),
    "electrolyte_resistance_ohm_cm2": ("R0", "{:.1f}"),
    "anode_interface_resistance_ohm_cm2": ("R1", "{:.1f}"),
    "cathode_interphase_resistance_ohm_cm2": ("R2", "{:.1f}"),
}


def format_table(cycles, max_rows=None):
    """The per-cycle table as aligned text (units in the header, ohm cm2 for R), the
    table ``ssbsim run`` prints; beyond ``max_rows``, the first and last rows."""
    header = [label for label, _ in SUMMARY_COLUMNS.values()]
    shown = cycles
    if max_rows is not None and len(cycles) > max_rows:
        shown = pd.concat([cycles.head(max_rows // 2), cycles.tail(max_rows - max_rows // 2)])
    rows = []
    for n, (_, row) in enumerate(shown.iterrows()):
        if shown is not cycles and n == max_rows // 2:
            rows.append(["..."] * len(header))
        cells = []
        for column, (_, fmt) in SUMMARY_COLUMNS.items():
            value = row[column]
            value = int(value) if column == "cycle" else value
            cells.append(fmt.format(value) if value == value else "-")
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    lines.append("R0, R1, R2: electrolyte, Na anode interface, cathode interphase [ohm cm2], end of cycle")
    return "\n".join(lines)
