"""Geometry, mesh and spatial methods of the cell model, per the model options.

Domains: ``"positive particle"`` (one radius) or ``"positive bin 1 particle"`` ...
``"positive bin N particle"`` (size bins), each meshed in r over [0, R_k]; with
``cathode = "resolved"`` also ``"positive electrode"``, meshed in x over [0, L_p] from
the separator to the current collector. Finite volumes throughout, as in PyBaMM.

Radial mesh (option ``"radial mesh"``): by default the cells shrink geometrically towards
the particle surface (PyBaMM's ``Exponential1DSubMesh``, ``side="right"``, stretch
:math:`\alpha = 2.3`: largest/smallest cell -> :math:`e^{\alpha} \approx 10`), where the
concentration gradients of a fast step are, and where the surface value that sets the
OCP is extrapolated. Measured on Cell A (5C charge then 5C discharge, discharge capacity
in mAh/g): uniform 20 / 80 / 320 cells 19.38 / 18.37 / 18.31 (the uniform default was
5.5 % off); surface-refined 20 / 80 cells 18.33 / 18.29, at the cost of the uniform 20
(same number of states). ``tests/model/test_mesh_convergence.py`` holds every shipped
rate up to 5C to 0.5 % of a 4x finer mesh.
"""

import pybamm


def particle_domain(label):
    """ "positive particle" or "positive bin k particle" (PyBaMM's r-averages need the
    domain name to end in "particle")."""
    return f"positive bin{label} particle" if label else "positive particle"


def spatial_variables(param):
    """domain -> (spatial variable, upper bound parameter, number of cells)."""
    options = param.options
    resolved = options["cathode"] == "resolved"
    out = {}
    for label in options.particle_labels:
        domain = particle_domain(label)
        r = pybamm.SpatialVariable(
            "r_p" + label.strip(),
            domain=[domain],
            auxiliary_domains={"secondary": "positive electrode"} if resolved else {},
            coord_sys="spherical polar",
        )
        out[domain] = (r, param.population[label].R, options["radial points"])
    if resolved:
        x = pybamm.SpatialVariable("x_p", domain=["positive electrode"])
        out["positive electrode"] = (x, param.derived.L, options["through-thickness points"])
    return out


def geometry(param):
    return pybamm.Geometry(
        {
            domain: {var: {"min": pybamm.Scalar(0), "max": upper}}
            for domain, (var, upper, _) in spatial_variables(param).items()
        }
    )


def var_pts(param):
    return {var: n for var, _, n in spatial_variables(param).values()}


#: stretch of the surface-refined radial mesh (PyBaMM's default for one-sided meshes)
SURFACE_STRETCH = 2.3


def submesh_types(param):
    refined = param.options["radial mesh"] == "surface-refined"
    out = {}
    for domain in spatial_variables(param):
        if refined and domain.endswith("particle"):
            out[domain] = pybamm.MeshGenerator(
                pybamm.Exponential1DSubMesh, submesh_params={"side": "right", "stretch": SURFACE_STRETCH}
            )
        else:
            out[domain] = pybamm.Uniform1DSubMesh
    return out


def spatial_methods(param):
    return {domain: pybamm.FiniteVolume() for domain in spatial_variables(param)}
