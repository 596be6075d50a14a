"""A disk cache of built experiment models: the set-up of a run skipped when the same
cell meets the same protocol again.

Building PyBaMM's unified experiment model -- parameter substitution, mesh,
discretisation -- is most of the fixed cost of a long run: 27-33 ms of the 800-cycle
formation run, where unpickling the built model takes 5-6 ms (620 kB; measured
2026-11-23). Here the state that ``Simulation.build_for_experiment`` adds to a simulation
is pickled after the first build and loaded in place of later builds.

**Key.** A SHA-256 of everything the built model is a function of:

- ssbsim's own sources: a hash of the contents of every file of the package, kept
  under a hash of their sizes and modification times (``sources_digest``), so that a
  fresh clone of the same sources finds the entries of another;
- the versions of Python, PyBaMM, its solvers, CasADi, NumPy and SciPy;
- the model options, every parameter value as the build sees it (``"[input]"`` for the
  parameters left as inputs; functions by name, tables and arrays by value);
- the protocol: the ``ExperimentSpec`` the experiment was made from
  (``ExperimentSpec.pybamm_experiment`` is a function of it and of ssbsim's sources);
- the solver's class (PyBaMM builds the unified model for a DAE solver only);
- PyBaMM's settings that shape expression trees (``PYBAMM_SETTINGS``: the smoothing of
  min/max, Heaviside and abs, simplification, the tolerances of its regularisations).

A simulation without a key (not made by ``run.build_simulation``, or with an experiment
other than the one made from its spec) builds as PyBaMM does; so does one whose build
cannot be keyed (a parameter value that does not pickle), one built with an initial state
of charge, and one whose build is not PyBaMM's unified model.

**What is stored.** The attributes the build added to the simulation or replaced, and
the geometry it processed in place, with the built model's input parameters found (PyBaMM
searches its expressions for them at the first solve: 2.5 ms); not the solvers (copies of
the simulation's own solver, made again on load) nor the state mappers (empty for a
unified model).

**Bounds.** Entries are written atomically (a reader sees a whole file or none); an
entry that does not load is rebuilt and written again. The cache holds at most
MAX_ENTRIES entries and MAX_BYTES (least recently used go first: a hit touches its file).
``SSBSIM_CACHE_DIR`` chooses the directory (default ``$XDG_CACHE_HOME/ssbsim/models``,
else ``~/.cache/ssbsim/models``); ``SSBSIM_CACHE_DIR=off`` turns the cache off.
"""

import hashlib
import importlib
import os
import pickle
import sys
from pathlib import Path

from ..atomic import atomic_path
from ..cache_files import prune

ENV = "SSBSIM_CACHE_DIR"
MAX_ENTRIES = 64
MAX_BYTES = 256 * 2**20
#: of the attributes the build sets, those made again on load: the solvers are copies of the
#: simulation's own (PyBaMM's ``_discretise_experiment_models``), the state mappers empty
SOLVER_ATTRIBUTES = ("_built_experiment_solver", "steps_to_built_solvers")
MAPPER_ATTRIBUTES = ("model_state_mappers", "_compiled_model_state_mappers")
SUFFIX = ".pkl"
SOURCES_SUFFIX = ".sources"  # the memo of sources_digest
_PACKAGES = ("pybamm", "pybammsolvers", "casadi", "numpy", "scipy")
PYBAMM_SETTINGS = (
    "abs_smoothing",
    "heaviside_smoothing",
    "min_max_mode",
    "min_max_smoothing",
    "simplify",
    "debug_mode",
    "tolerances",
)
_fingerprint = None


def directory():
    """The cache directory (a Path), or None when the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() == "off" else Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ssbsim" / "models"


def source_fingerprint():
    """ssbsim's sources (a hash of their contents) and the versions it runs on, as text
    (computed once per process)."""
    global _fingerprint
    if _fingerprint is None:
        lines = [f"python {sys.version}"]
        for name in _PACKAGES:  # imported by the run already; their metadata would take ms to read
            try:
                lines.append(f"{name} {importlib.import_module(name).__version__}")
            except (ImportError, AttributeError):
                lines.append(f"{name} unknown")
        lines.append(f"sources {sources_digest(Path(__file__).resolve().parent.parent, directory())}")
        _fingerprint = "\n".join(lines)
    return _fingerprint


def sources_digest(root, memo_folder=None):
    """A SHA-256 of the paths and contents of the files under ``root`` (``__pycache__``
    aside). Reading them takes ~5 ms, listing their sizes and modification times ~1.3 ms
    (the test Python applies to its bytecode: PEP 552): the digest is kept in
    ``memo_folder`` (the cache's) under a hash of that listing and read back while the
    listing is unchanged. A copy of the same sources elsewhere (a fresh clone) has the same
    digest, so its runs find the entries of the first (and the compiled-code keys remembered
    under them: ``model/compiled.py``)."""
    files, listing = [], hashlib.sha256()
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            path = os.path.join(folder, name)
            stat = os.stat(path)
            files.append(path)
            listing.update(f"{path} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    memo = None if memo_folder is None else Path(memo_folder) / (listing.hexdigest() + SOURCES_SUFFIX)
    try:
        digest = memo.read_text()
        if len(digest) == 64:
            return digest
    except (AttributeError, OSError):  # no memo (yet)
        pass
    contents = hashlib.sha256()
    for path in files:
        contents.update(os.path.relpath(path, root).encode() + b"\0")
        with open(path, "rb") as file:
            contents.update(hashlib.sha256(file.read()).digest())
    digest = contents.hexdigest()
    if memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(memo) as tmp:
                tmp.write_text(digest)
        except OSError:  # a cache the user may read but not write
            pass
        prune(memo.parent, SOURCES_SUFFIX, MAX_ENTRIES)
    return digest


def build_key(simulation):
    """The cache key of building ``simulation`` now (hex), or None if it has none (or the
    cache is off)."""
    tag = getattr(simulation, "build_tag", None)
    if tag is None or tag[0] is not simulation.experiment or directory() is None:
        return None
    values, solver = simulation._parameter_values, simulation._solver
    try:
        state = pickle.dumps(
            (
                source_fingerprint(),
                sorted(dict(simulation.model.options).items()),
                sorted(values.items()),
                tag[1],
                # PyBaMM builds a unified model for a DAE solver only
                (type(solver).__module__, type(solver).__qualname__, solver.ode_solver),
                _settings(),
            ),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    except Exception:  # a value that does not pickle (a lambda): not keyed
        return None
    return hashlib.sha256(state).hexdigest()


def load(simulation, key):
    """Give ``simulation`` the built state stored under ``key``; whether there was one."""
    path = _path(key)
    if path is None or not path.is_file():
        return False
    try:
        with open(path, "rb") as file:
            state = pickle.load(file)
    except Exception:  # truncated or unreadable: built again, and written again
        return False
    try:
        os.utime(path)  # recently used
    except OSError:  # a cache the user may read but not write
        pass
    vars(simulation).update(state)
    solver = simulation._solver.copy()
    simulation._built_experiment_solver = solver
    simulation.steps_to_built_solvers = dict.fromkeys(simulation.steps_to_built_models, solver)
    for name in MAPPER_ATTRIBUTES:
        setattr(simulation, name, {})
    return True


def store(simulation, key, before):
    """Store what the build added to ``simulation`` (its attributes were ``before``) under
    ``key``; nothing if the build is not a unified model or does not pickle."""
    path = _path(key)
    if path is None or not getattr(simulation, "_experiment_uses_unified_model", False):
        return
    model = simulation._built_experiment_model
    if model is not None:  # searched at the first solve (2.5 ms of a run, 2026-11-23): stored searched
        model.input_parameters, model.required_input_parameters  # noqa: B018
    skip = set(SOLVER_ATTRIBUTES + MAPPER_ATTRIBUTES)
    state = {
        name: value
        for name, value in vars(simulation).items()
        if name not in skip and (name not in before or before[name] is not value)
    }
    state["_geometry"] = simulation._geometry  # processed in place (PyBaMM's process_geometry)
    try:
        blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        with atomic_path(path) as tmp:
            tmp.write_bytes(blob)
    except Exception:  # not picklable, or the disk full: the run goes on uncached
        return
    prune(path.parent, SUFFIX, MAX_ENTRIES, MAX_BYTES)


def _settings():
    """PyBaMM's PYBAMM_SETTINGS, as (name, value) pairs."""
    import pybamm

    return [(name, getattr(pybamm.settings, name, None)) for name in PYBAMM_SETTINGS]


def _path(key):
    folder = directory()
    return None if folder is None or key is None else folder / (key + SUFFIX)
