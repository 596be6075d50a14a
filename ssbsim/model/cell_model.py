"""The ssbsim cell model: Na metal | hydroborate SE | composite cathode.

A ``pybamm.BaseModel`` assembled from one submodel per mechanism, in the order in which
their variables depend on one another:

============================  ===================================================
``cell.ExternalCircuit``      current, voltage, charge/energy counters, Na balance
``anode.SodiumMetalAnode``    Butler--Volmer plating/stripping, contact loss (R1)
``separator``                 single-ion ohmic SE, Arrhenius (R0)
``composite``                 Na+ conduction in the SE of the composite
``transmission_line``         (resolved, double layers) the composite as a de Levie line
``interphase``                cathode/SE interphase slot (R2, decomposition)
``se_conversion``             slow SE conversion that cuts particles off (option)
``particle.FickianParticle``  Na diffusion in each particle population
``ocp``                       MSMR open-circuit potential (used by the particles)
``kinetics``                  intercalation Butler--Volmer and the current balance
============================  ===================================================

With ``working electrode = "SE:carbon"`` (voltammetry of the SE) the composite,
particles and kinetics give way to the carbon/SE double layer and the same interphase
submodel on the carbon contact area (``carbon_electrode.py``).

Each module's docstring states its equations and their sources. The model runs under
``pybamm.Experiment``: it uses ``"Current function [A]"`` and defines ``"Current [A]"``,
``"Voltage [V]"`` and ``"Battery voltage [V]"``.
"""

import pybamm

from ..errors import InputError
from . import carbon_electrode
from . import geometry as geometry_module
from .anode import SodiumMetalAnode
from .cell import ExternalCircuit
from .cell_parameters import CellParameters
from .composite import AveragedComposite, ResolvedComposite
from .interphase import DecompositionInterphase, NoInterphase
from .kinetics import ButlerVolmerIntercalation
from .options import ModelOptions
from .particle import FickianParticle
from .se_conversion import CONVERSIONS
from .separator import SolidElectrolyteSeparator
from .solver import IDAKLUSolver
from .transmission_line import TransmissionLineComposite

#: whether SUNDIALS prints its own error lines on stderr (from C, to fd 2) when a solve
#: fails (PyBaMM's IDAKLU option "silence_sundials_errors"): a library user sees them; a
#: process that reports solver failures itself in one line (the ``ssbsim`` command, a study
#: worker) turns them off (``simulation/progress.py: report_failures_only``)
SUNDIALS_ERROR_LINES = True

INTERPHASES = {"none": NoInterphase, "decomposition": DecompositionInterphase}


def _assembled_first(container):
    """``pybamm.BaseModel``'s property ``container``, read or set once the model's
    equations are assembled (``CellModel._assemble``)."""

    def get(self):
        self._assemble()
        return container.fget(self)

    def set(self, value):
        self._assemble()
        container.fset(self, value)

    return property(get, set, doc=container.__doc__)


class CellModel(pybamm.BaseModel):
    """Na | SE | composite-cathode cell. ``options``: see :mod:`ssbsim.model.options`.

    ``parameter_set`` (a shipped stem or a path; default Cell A, ``asakura2020``) gives
    the model's default parameter values and, when ``options`` is None, its options: the
    set's own (``ParameterSet.model_options()``), so that ``CellModel()`` is Cell A's
    model, with the interphase the set is calibrated with, and goes with
    ``pybamm.ParameterValues("asakura2020")``. Options given explicitly are taken as they
    are, over the formulation defaults of ``OPTIONS`` (which describe the plain cell,
    without interphase); ``pset.model_options({...})`` gives a set's options with changes.

    The equations are assembled from the submodels when first read (any of ``rhs``,
    ``algebraic``, ``initial_conditions``, ``boundary_conditions``, ``variables``,
    ``events``): a run whose built model comes from the disk cache
    (``simulation/build_cache.py``) never reads them, and assembling took 5 ms of the
    800-cycle run's 0.2 s with cycle jumping (2026-11-23).
    """

    _assembled = True  # instances made before assembly was deferred (unpickled) are assembled

    def __init__(self, options=None, name="ssbsim cell model", parameter_set=None):
        super().__init__(name)
        self.parameter_set = parameter_set
        self.options = self._parameter_set().model_options() if options is None else ModelOptions(options)
        self.param = CellParameters(self.options)  # pybamm.Experiment reads .Q and .A_cc
        self.submodels = self._submodels()
        self._assembled = False
        self.summary_variables = []  # pybamm.Experiment expects the attribute

    def _assemble(self):
        if not self._assembled:
            self._assembled = True  # before: _build reads the containers through their properties
            self._build()

    rhs = _assembled_first(pybamm.BaseModel.rhs)
    algebraic = _assembled_first(pybamm.BaseModel.algebraic)
    initial_conditions = _assembled_first(pybamm.BaseModel.initial_conditions)
    boundary_conditions = _assembled_first(pybamm.BaseModel.boundary_conditions)
    variables = _assembled_first(pybamm.BaseModel.variables)
    events = _assembled_first(pybamm.BaseModel.events)

    def new_copy(self):
        """PyBaMM's copy; of a model not yet assembled, a copy not yet assembled either,
        with submodels of its own (assembling fills the submodels' equations)."""
        if self._assembled:
            return super().new_copy()
        self._assembled = True  # PyBaMM copies the (still empty) containers as they are
        try:
            new = super().new_copy()
        finally:
            self._assembled = False
        new._assembled = False
        new.submodels = new._submodels()
        return new

    def _submodels(self):
        opts, param = self.options, self.param
        if opts["SE conversion"] != "none" and opts["active material loss"] != "none":
            # both would own the Na locked in cut-off particles; not combined yet
            raise InputError(
                "options", 'SE conversion needs active material loss = "none" (not combined yet)', "SE conversion"
            )
        if opts["working electrode"] == "SE:carbon":
            return {
                "external circuit": ExternalCircuit(param, opts),
                "anode": SodiumMetalAnode(param, opts),
                "separator": SolidElectrolyteSeparator(param, opts),
                "interphase": carbon_electrode.INTERPHASES[opts["interphase"]](param, opts),
                "electrode": carbon_electrode.CarbonDoubleLayer(param, opts),
            }
        if opts["cathode"] == "averaged":
            composite = AveragedComposite
        else:  # the double layer makes the resolved composite a transmission line
            composite = TransmissionLineComposite if opts["capacitance"] != "none" else ResolvedComposite
        submodels = {
            "external circuit": ExternalCircuit(param, opts),
            "anode": SodiumMetalAnode(param, opts),
            "separator": SolidElectrolyteSeparator(param, opts),
            "composite": composite(param, opts),
            "interphase": INTERPHASES[opts["interphase"]](param, opts),
            "SE conversion": CONVERSIONS[opts["SE conversion"]](param, opts),
        }
        for label in opts.particle_labels:
            submodels[f"particle{label}"] = FickianParticle(param, opts, label)
        submodels["kinetics"] = ButlerVolmerIntercalation(param, opts)
        return submodels

    def _build(self):
        variables = {}
        for submodel in self.submodels.values():
            variables.update(submodel.get_fundamental_variables())
        # external circuit last among the coupled: the voltage needs everything else
        ordered = list(self.submodels.values())
        ordered = ordered[1:] + ordered[:1]
        for submodel in ordered:
            variables.update(submodel.get_coupled_variables(variables))
        for submodel in ordered:
            submodel.set_rhs(variables)
            submodel.set_algebraic(variables)
            submodel.set_boundary_conditions(variables)
            submodel.set_initial_conditions(variables)
            submodel.add_events_from(variables)
            self.rhs.update(submodel.rhs)
            self.algebraic.update(submodel.algebraic)
            self.boundary_conditions.update(submodel.boundary_conditions)
            self.initial_conditions.update(submodel.initial_conditions)
            self.events.extend(submodel.events)
        self.variables.update(variables)

    def _parameter_set(self):
        from ..parameters import DEFAULT_PARAMETER_SET, load_parameter_set

        return load_parameter_set(self.parameter_set or DEFAULT_PARAMETER_SET)

    @property
    def default_parameter_values(self):
        """The values of ``parameter_set`` (Cell A by default) for this model's options."""
        return self._parameter_set().pybamm_values(self.options)

    @property
    def default_quick_plot_variables(self):
        """What ``sim.plot()`` and ``pybamm.QuickPlot(solution)`` show."""
        if self.options["working electrode"] == "SE:carbon":
            return [
                "Voltage [V]",
                "Current density [A.m-2]",
                "Cathode decomposition current density [A.m-2]",
                "Cathode interphase resistance [Ohm.m2]",
            ]
        labels = self.options.particle_labels
        return [
            ["Voltage [V]", "Open-circuit voltage [V]"],
            "Current [A]",
            [f"Positive particle{label} surface stoichiometry" for label in labels],
            "Positive particle stoichiometry" if len(labels) == 1 else "Positive electrode bulk stoichiometry",
            "Cathode interphase resistance [Ohm.m2]",
            "Anode interface resistance [Ohm.m2]",
        ]

    @property
    def geometric_states(self):
        """Names of the states whose values at the end of each cycle of a repeated
        protocol are geometric rather than linear in the cycle number (a layer broken by a
        fixed share per cycle): cycle jumping extrapolates their logarithm
        (``simulation/extrapolate.py``)."""
        return [name for submodel in self.submodels.values() for name in getattr(submodel, "geometric_states", ())]

    @property
    def default_geometry(self):
        return geometry_module.geometry(self.param)

    @property
    def default_var_pts(self):
        return geometry_module.var_pts(self.param)

    @property
    def default_submesh_types(self):
        return geometry_module.submesh_types(self.param)

    @property
    def default_spatial_methods(self):
        return geometry_module.spatial_methods(self.param)

    @property
    def default_solver(self):
        return self.solver()

    def solver(self, compile=False):
        """IDAKLU at PyBaMM's tolerances (rtol 1e-4, atol 1e-6; chosen with
        benchmarks/solvers.py, see the README's speed section). With an algebraic current
        balance the Newton iteration is made stricter (convergence coefficient 0.05 instead
        of 0.33): at the switch from discharge to charge with the particle surface nearly
        full, looser tests accepted poor corrections and failed some runs (0.33: 1 in 26
        of a +-2 % scan around Cell A; 0.1: 2 in 40 of a 0-80 °C x 4.1-4.4 V scan; 0.05:
        none of either), at no measurable cost. The OCP spline is evaluated only inside
        its table (``ocp.py`` clamps its argument), so PyBaMM's per-step extrapolation
        check is skipped (7 % of a re-solve). The particle filling is a state in units of
        1e-3 (``particle.py``), so that the absolute tolerance resolves the surface filling
        where it nearly empties at the top of charge.

        ``compile``: the CasADi residual, Jacobian and event functions are compiled to C
        ahead of time (PyBaMM's ``"compile"`` option; needs a C compiler, else PyBaMM
        warns and evaluates them in CasADi's virtual machine). Integration is 3-4x
        faster, for 2-3 s of compilation once per model and parameter values (cached on
        disk under ``$PYBAMM_CASADI_AOT_CACHE``): worth it for long runs and studies
        (``simulation/run.py`` decides). The solver is PyBaMM's IDAKLU without its per-step
        Python guess of the initial derivatives, which IDA computes itself (``solver.py``)."""
        options = {"compile": bool(compile), "silence_sundials_errors": not SUNDIALS_ERROR_LINES}
        kinetics = self.submodels.get("kinetics")  # none for an electrode without a host
        if kinetics is not None and not kinetics.explicit:
            options["nonlinear_convergence_coefficient"] = 0.05
        return IDAKLUSolver(on_extrapolation="ignore", options=options)
