r"""The slot for the cathode/SE interphase.

An interphase submodel provides, per particle population ``label``:

- ``"Cathode interphase film resistance{label} [Ohm.m2]"``: area-specific resistance of
  the film per particle surface area, in series with intercalation (:math:`\rho`);
- ``"Cathode decomposition current density{label} [A.m-2]"``: SE decomposition current
  per particle surface area (negative = anodic, as on charge);

and, for the whole cell, ``"Cathode interphase resistance [Ohm.m2]"`` per geometric
area. ``"none"`` is a clean SE/cathode contact: no film, no decomposition.
"""

import pybamm

from .base import Submodel


class NoInterphase(Submodel):
    def get_fundamental_variables(self):
        variables = {"Cathode interphase resistance [Ohm.m2]": pybamm.Scalar(0)}
        for label in self.options.particle_labels:
            variables[f"Cathode interphase film resistance{label} [Ohm.m2]"] = (
                pybamm.Scalar(0)
            )
            variables[f"Cathode decomposition current density{label} [A.m-2]"] = (
                pybamm.Scalar(0)
            )
        return variables
