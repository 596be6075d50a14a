"""The compiled-code cache of a solver set-up, under a cheaper key than PyBaMM's.

With ``compile`` PyBaMM bundles the set-up's CasADi functions into one shared library
(``pybamm.codegen.compilation.aot_compile``), cached in the process and on disk under a
hash of every function's serialised form. Serialising is most of that look-up, and most
of the serialising is spent on the functions PyBaMM derives from ``rhs_algebraic`` (the
residual: differential then algebraic part): the Jacobians ``jac_times_cjmass`` (minus
``cj`` times the mass matrix; it wraps a call of the Jacobian function, 6.5 ms alone) and
``rhs_algebraic_jac_action``, the algebraic part ``algebraic`` and its Jacobian
``algebraic_jac``: 10 of 12 ms of the formation run's set-up (at load 2.5).

Here the key hashes the serialised forms of the functions that are not derived (the
residual, events, mass action, output variables, sensitivities) and, of each derived one
whose source is in the same bundle (``DERIVED``), only its name, its sizes, its number of
nodes and instructions and its output sparsity (CasADi's hash): a derived function is
determined by its source, PyBaMM's code and CasADi's, so the key also holds the versions
of PyBaMM and CasADi and the solver's ``jacobian`` option (dense or sparse, the one option
that shapes a function). Any change of the model, its parameters or its events changes a
source, so the key (``tests/model/test_compiled.py``).

A model loaded from, or stored in, the disk cache of built models
(``simulation/build_cache.py``) carries that cache's key (``model.build_key``), a hash of
everything the built model is a function of (ssbsim's sources, the versions, the options,
the parameter values, the protocol). The key above is then computed once and remembered
(``remembered_key``) in a small file of PyBaMM's cache folder, named by that model key,
the solver's ``jacobian`` option and every function's name and signature: what else
shapes the functions (the inputs and their sizes, sensitivities, output variables) shows
there. Later set-ups read it back and serialise nothing: 2.1 ms of a new process's run of
formation_4p15V (2026-11-23). At most MAX_KEYS such files are kept. The library stays
keyed by the functions' contents, so protocols whose functions are the same (a cut-off
that is an input of the unified model) still share one.

On a miss PyBaMM compiles (or finds its own cached library) into a directory of the
key, ``ssbsim_<key>`` in PyBaMM's cache directory; on a hit the library there is loaded
without serialising anything. The libraries loaded in this process are kept too.
"""

import contextlib
import glob
import hashlib
import os

import casadi
import pybamm
import pybamm.solvers.idaklu_solver as idaklu_solver
from pybamm.codegen import compilation

from ..atomic import atomic_path
from ..cache_files import prune

#: derived function -> the functions it is derived from (PyBaMM's IDAKLU set-up)
DERIVED = {
    "jac_times_cjmass": ("rhs_algebraic", "mass_action"),
    "rhs_algebraic_jac_action": ("rhs_algebraic",),
    "algebraic_jac": ("algebraic",),
    "algebraic": ("rhs_algebraic",),  # the second part of rhs_algebraic, converted from the same model
}
_LOADED = {}  # key -> the compiled functions (casadi.external), in the order compiled
KEY_SUFFIX = ".key"  # the files of remembered keys (``remembered_key``)
MAX_KEYS = 1024  # kept, the least recently written first out


def bundle_key(fns, jacobian="sparse"):
    """The cache key of compiling the CasADi functions ``fns`` (a list) together, for a
    solver whose ``jacobian`` option is ``jacobian``: a hash of the serialised forms of
    the functions not derived and of the signatures of those derived (module docstring)."""
    names = {fn.name() for fn in fns}
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"pybamm {pybamm.__version__} casadi {casadi.__version__} jacobian {jacobian}".encode())
    for fn in fns:
        digest.update(b"\0" + fn.name().encode() + b"\0")
        if fn.class_name() == "External":
            digest.update(b"external")
        elif names.issuperset(DERIVED.get(fn.name(), (None,))):
            digest.update(repr(_signature(fn)).encode())
        else:
            digest.update(fn.serialize().encode())
    return digest.hexdigest()[:20]


def remembered_key(fns, jacobian, model_key):
    """``bundle_key(fns, jacobian)``, remembered for the built model whose disk-cache key is
    ``model_key``: read from, or written to, a file of PyBaMM's cache folder named by that
    key, ``jacobian`` and the functions' names and signatures (module docstring)."""
    digest = hashlib.sha1(f"{model_key} jacobian {jacobian}".encode(), usedforsecurity=False)
    for fn in fns:
        digest.update(b"\0" + fn.name().encode() + b"\0" + repr(_signature(fn)).encode())
    folder = os.path.join(compilation._default_cache_dir(), "ssbsim_keys")
    path = os.path.join(folder, digest.hexdigest()[:20] + KEY_SUFFIX)
    try:
        with open(path) as file:
            key = file.read()
        if len(key) == 20:
            return key
    except OSError:  # not remembered yet
        pass
    key = bundle_key(fns, jacobian)
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(key)
        prune(folder, KEY_SUFFIX, MAX_KEYS)
    except OSError:  # a cache folder the user may read but not write
        pass
    return key


def _signature(fn):
    """The sizes of ``fn``'s inputs and outputs, its numbers of nodes and instructions
    and its outputs' sparsity (CasADi's hash); of a compiled function, its sizes."""
    sizes = [fn.size_in(i) for i in range(fn.n_in())] + [fn.size_out(i) for i in range(fn.n_out())]
    if fn.class_name() == "External":
        return sizes
    return sizes, fn.n_nodes(), fn.n_instructions(), [fn.sparsity_out(i).hash() for i in range(fn.n_out())]


def _compile(fns, jacobian, model_key=None):
    """``fns`` compiled into one library, as ``aot_compile(fns)`` returns them."""
    key = bundle_key(fns, jacobian) if model_key is None else remembered_key(fns, jacobian, model_key)
    loaded = _LOADED.get(key)
    if loaded is None:
        folder = os.path.join(compilation._default_cache_dir(), f"ssbsim_{key}")
        libraries = glob.glob(os.path.join(folder, "*" + compilation._shared_ext()))
        if len(libraries) == 1:
            loaded = [fn if fn.class_name() == "External" else casadi.external(fn.name(), libraries[0]) for fn in fns]
        else:
            os.makedirs(folder, exist_ok=True)
            loaded = compilation.aot_compile(list(fns), cache_dir=folder)
            if any(new is old for new, old in zip(loaded, fns) if old.class_name() != "External"):
                return loaded  # not compiled (PyBaMM warned): not kept
        _LOADED[key] = loaded
    return list(loaded)


@contextlib.contextmanager
def keyed_compilation(options, model_key=None):
    """While an IDAKLU solver with ``options`` sets up (a model whose disk-cache key is
    ``model_key``, if any): its functions compiled through ``_compile`` (PyBaMM's
    module-level ``aot_compile`` swapped, and restored after)."""
    pybamm_compile = idaklu_solver.aot_compile
    if not options.get("compile"):
        yield
        return
    idaklu_solver.aot_compile = lambda fns: _compile(fns, options.get("jacobian"), model_key)
    try:
        yield
    finally:
        idaklu_solver.aot_compile = pybamm_compile
