"""The parameter symbols the submodels use, built from the registry
(``ssbsim/parameters/registry.py``), in the spirit of PyBaMM's ``param.p.prim.c_max``.

``CellParameters(options)`` holds one ``pybamm.Parameter`` per registered parameter,
grouped by mechanism under the registry's keys: ``param.cell.A``, ``param.se.sigma_ref``,
``param.composite.b``, ``param.particle.D_ref``, ``param.anode.k_loss``, ``param.ageing.beta``,
``param.derived.c_max``. Families are indexed: ``param.anion[k].rate`` (SE anion ``k``)
and ``param.population[label].R`` / ``.share`` (particle population ``label``: "" for
one size, " 1" .. " N" for size bins). ``param.ocp(x)`` is the OCP of filling ``x`` and
``param.current`` the applied current.
"""

from types import SimpleNamespace

import pybamm

from ..parameters import registry


def _symbols(entries):
    return SimpleNamespace(**{entry.key: entry.symbol() for entry in entries})


class CellParameters:
    def __init__(self, options):
        self.options = options
        self.cell = _symbols(registry.CELL)
        self.se = _symbols(registry.SE)
        self.composite = _symbols(registry.COMPOSITE)
        self.particle = _symbols(registry.PARTICLE)
        self.anode = _symbols(registry.ANODE)
        self.capacitance = _symbols(registry.CAPACITANCE)
        self.carbon = _symbols(registry.CARBON)
        self.ageing = _symbols(registry.AGEING)
        self.derived = _symbols(entry for entry in registry.DERIVED if not entry.inputs)
        self.anion = [_symbols(registry.ANION[k].values()) for k in range(options["SE anions"])]
        self.population = {
            label: (
                _symbols(registry.SIZE_BIN[int(label)].values())
                if label
                else SimpleNamespace(R=self.particle.R, share=self.derived.share)
            )
            for label in options.particle_labels
        }
        self.current = registry.DERIVED.I.symbol(pybamm.t)
        # what pybamm.Experiment's control submodels read from a model
        self.Q = self.derived.Q_nom
        self.A_cc = self.cell.A

    def ocp(self, x):
        """U(x) [V]: the cathode's open-circuit potential at filling ``x``."""
        return registry.DERIVED.U.symbol(x)
