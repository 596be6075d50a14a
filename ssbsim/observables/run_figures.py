"""Which figures a run has, and the tables they are drawn from -- without PyBaMM.

:class:`RunFigures` is what ``Result`` and :class:`FigureTables` share: the figures of a
run from its cycle table, its spectra and its experiment (``_figures``). A figure process
(``figure_process.py``) gets a :class:`FigureTables` -- the tables, pickled, without the
PyBaMM solution -- so that it never imports PyBaMM (it is forked before the run imports
it)."""

from functools import partial


class RunFigures:
    """``_figures``: ``{file name: function drawing it}`` of the figures of a run with
    ``cycles``, ``experiment``, ``active_mass_kg`` and ``impedance`` (and, for the figures,
    ``timeseries`` and ``impedance_fits``)."""

    def _figures(self):
        """``{file name: function drawing it}`` of the figures this run has."""
        return {**self._cycle_figures(), **self._impedance_figures()}

    def _cycle_figures(self):
        """``_figures`` but those of the impedance spectra (known without them)."""
        from .figures import FIGURES

        out = {}
        if len(self.cycles):
            has_interphase = any(col.startswith("decomposition_charge_") for col in self.cycles.columns)
            per_gram = ("voltage_capacity.png", "dqdv.png", "capacity_efficiency.png")
            for name, make in FIGURES.items():
                if name == "interphase.png" and not has_interphase:
                    continue
                if name in per_gram and not self.active_mass_kg > 0:
                    continue
                out[name] = partial(make, self)
            if self.experiment.has_sweeps:
                from . import voltammetry

                out["voltammogram.png"] = partial(voltammetry.plot, self)
        return out

    def _impedance_figures(self):
        """``_figures`` of the impedance spectra."""
        if self.impedance is None or not len(self.impedance):
            return {}
        from .figures.impedance import IMPEDANCE_FIGURES

        return {name: partial(make, self) for name, make in IMPEDANCE_FIGURES.items()}


class FigureTables(RunFigures):
    """The tables of ``result`` the figures are drawn from (a ``Result``): its cycle
    table, experiment and active mass; the others (``figure_process.LATE``) arrive later."""

    def __init__(self, result):
        self.cycles, self.experiment, self.active_mass_kg = result.cycles, result.experiment, result.active_mass_kg
