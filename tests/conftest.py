"""Shared fixtures: the shipped Cell A runs are solved once per test session."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")
#: the suite's own cache of built models (simulation/build_cache.py): used by every run of the
#: suite, its subprocesses included, and never the user's
os.environ["SSBSIM_CACHE_DIR"] = _BUILD_CACHE = tempfile.mkdtemp(prefix="ssbsim-tests-cache-")
atexit.register(shutil.rmtree, _BUILD_CACHE, ignore_errors=True)

import ssbsim  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data" / "third_party"
#: tests on the real instrument files of ../shared (BRIEF §6): skipped, with the reason, where they are absent
needs_third_party = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"the third-party instrument files are not at {SHARED_DATA}"
)


@pytest.fixture
def tight_re_solves(monkeypatch):
    """Call to build every later run at rtol 1e-7 (atol 1e-9): central differences of
    re-solves as the reference of a Jacobian, free of the noise a re-solve at the fit's
    rtol 1e-4 carries (IDA's step sequence changes with the parameters). Runs built
    before the call (a fit problem's runs with sensitivities) keep the fit's tolerances."""
    from ssbsim.model import CellModel

    solver = CellModel.solver

    def tight(model, compile=False):
        built = solver(model, compile=compile)
        built.rtol, built.atol = 1e-7, 1e-9
        return built

    return lambda: monkeypatch.setattr(CellModel, "solver", tight)


@pytest.fixture(scope="session")
def cell_a():
    return ssbsim.load_parameter_set("asakura2020")


@pytest.fixture(scope="session")
def sweep():
    """The 40-cycle cutoff sweep of Cell A (BRIEF §1), default model (with interphase)."""
    return ssbsim.run("cutoff_sweep")


@pytest.fixture(scope="session")
def sweep_none():
    """The cutoff sweep without the cathode interphase: the plain half-cell."""
    return ssbsim.run("cutoff_sweep", options={"interphase": "none"})


@pytest.fixture(scope="session")
def rate():
    """The rate test of Cell A."""
    return ssbsim.run("rate_test")


@pytest.fixture(scope="session")
def formation():
    """Formation + 800 cycles to 4.15 V at 25 °C (T9, T12): the long run, solved once."""
    return ssbsim.run("formation_4p15V")


@pytest.fixture(scope="session")
def formation_60C():
    """The same protocol at 60 °C (T11)."""
    return ssbsim.run("formation_4p15V", overrides={"Ambient temperature [K]": 333.15})


@pytest.fixture(scope="session")
def cell_b():
    """Cell B (TiS2 | Na3NH2B12H12 | Na, BRIEF §1): the shipped 200-cycle run at 353 K."""
    return ssbsim.run("he2018_cycling", parameter_set="he2018")
