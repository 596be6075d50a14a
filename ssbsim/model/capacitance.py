r"""Capacitances of the cell, for small-signal (impedance) runs.

With the model option ``capacitance = "double layers"`` the potential differences across
the two interfaces and across the SE become differential states instead of following the
current instantly:

- Na|SE double layer (per geometric area, scaled by the contact fraction :math:`\phi_c`):

  .. math:: C_{a}\,\phi_c\,\frac{\mathrm{d}\eta_a}{\mathrm{d}t} = i - i_F(\eta_a),
     \qquad i_F = 2 j_{0,a}\phi_c \sinh\frac{F\eta_a}{2RT};

- SE separator, its geometric (dielectric) capacitance in parallel with its resistance:

  .. math:: C_g \frac{\mathrm{d}v_s}{\mathrm{d}t} = i - \frac{v_s}{R_0}, \qquad
     C_g = \frac{\varepsilon_r \varepsilon_0}{L_s};

- cathode|SE double layer across the whole particle/SE interface (the film, a resistor
  without a capacitance of its own, sits in the faradaic branch), per particle area:

  .. math:: C_{c} \sum_k a_k L_p\, \frac{\mathrm{d}(\phi_s - \phi_e)}{\mathrm{d}t}
     = \sum_k a_k L_p\,(j_k + j_{\mathrm{dec},k}) - i .

At a steady current the capacitive currents vanish and the option leaves the
galvanostatic behaviour unchanged; the ``"none"`` form (default) drops them, which is
what the cycling runs use. Impedance (``ssbsim/simulation/impedance.py``) linearises the
model with this option on. Only the averaged composite has the cathode double layer.
The SE:carbon working electrode (``carbon_electrode.py``) has the same double layer, per
carbon/SE contact area, as the state of its potential.
"""

from ..constants import epsilon_0

# the three parameters are registered once, in ssbsim/parameters/registry.py (CAPACITANCE);
# the submodels read them as param.capacitance.C_anode, .C_cathode, .eps_r


def enabled(options):
    return options["capacitance"] != "none"


def separator_geometric(param):
    """C_g [F.m-2]: the SE separator as a parallel-plate capacitor."""
    return param.capacitance.eps_r * epsilon_0 / param.se.L_s
