"""Geometry, mesh and spatial methods of the cell model, per the model options.

Domains: ``"positive particle"`` (one radius) or ``"positive bin 1 particle"`` ...
``"positive bin N particle"`` (size bins), each meshed in r over [0, R_k]; with
``cathode = "resolved"`` also ``"positive electrode"``, meshed in x over [0, L_p] from
the separator to the current collector. Finite volumes throughout, as in PyBaMM.
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


def submesh_types(param):
    return {domain: pybamm.Uniform1DSubMesh for domain in spatial_variables(param)}


def spatial_methods(param):
    return {domain: pybamm.FiniteVolume() for domain in spatial_variables(param)}
