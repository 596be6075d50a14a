r"""Capacitances of the cell, for small-signal (impedance) runs.

With the model option ``capacitance = "double layers"`` the potential differences across
the two interfaces become differential states instead of following the current
instantly:

- Na|SE double layer (per geometric area, scaled by the contact fraction :math:`\phi_c`):

  .. math:: C_{a}\,\phi_c\,\frac{\mathrm{d}\eta_a}{\mathrm{d}t} = i - i_F(\eta_a),
     \qquad i_F = 2 j_{0,a}\phi_c \sinh\frac{F\eta_a}{2RT};

- cathode|SE double layer across the whole particle/SE interface (the film, a resistor
  without a capacitance of its own, sits in the faradaic branch), per particle area:

  .. math:: C_{c} \sum_k a_k L_p\, \frac{\mathrm{d}(\phi_s - \phi_e)}{\mathrm{d}t}
     = \sum_k a_k L_p\,(j_k + j_{\mathrm{dec},k}) - i .

Their time constants, :math:`R_1 C_a` ~ 30 µs and :math:`C_c RT/(F j_0)` ~ 0.1 ms for
Cell A, are far longer than the spacing of double-precision times in a run
(~4e-12 s at t = 3e4 s).

The SE separator's geometric (dielectric) capacitance, in parallel with its resistance
:math:`R_0`,

.. math:: C_g = \frac{\varepsilon_r \varepsilon_0}{L_s}, \qquad
   Z_{\mathrm{SE}} = \frac{R_0}{1 + \mathrm{i}\omega R_0 C_g},

is not a state: :math:`R_0 C_g = \varepsilon_r\varepsilon_0/\sigma` is the SE's
dielectric relaxation time, 0.74 ns for Cell A at 25 °C and independent of the
thickness. A time integrator has to take steps well below it after every current step,
and at a run time of 3e4 s (the end of a C/10 charge) such steps are only a few ulps of
t: IDA's error test then fails and the run stops at the first current reversal (it did,
when :math:`C_g` was a state). The separator drop stays :math:`i R_0` in every form
(``separator.py``), and since the separator carries the cell current and enters the
voltage only additively, the impedance engine adds :math:`Z_{\mathrm{SE}} - R_0`
exactly (``ssbsim/simulation/impedance.py``; the model provides
``"SE geometric capacitance [F.m-2]"``).

At a steady current the capacitive currents vanish and the option leaves the
galvanostatic behaviour unchanged up to the charge the double layers hold,
:math:`C_c\sum_k a_k L_p\,\Delta(\phi_s-\phi_e) + C_a\phi_c\,\Delta\eta_a` (about 0.015 mAh/g
of NVOPF over a 2.4-4.15 V charge of Cell A; tests/model/test_capacitance.py). The
``"none"`` form (default) drops them, which is what the cycling runs use. Impedance
linearises the model with this option on. In the resolved composite the cathode double
layer sits at every depth, a transmission line (``transmission_line.py``).
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
