"""Importing ssbsim changes nothing global, and the quick commands stay quick: neither
``import ssbsim`` nor ``ssbsim --help`` / ``ssbsim list`` imports PyBaMM or matplotlib.
Each check runs in a fresh interpreter (this one has imported everything already)."""

import os
import subprocess
import sys

import pytest

HEAVY = "('pybamm', 'matplotlib', 'pandas', 'scipy', 'casadi')"


def python(code, env=None, **kwargs):
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, **kwargs)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_import_ssbsim_imports_neither_pybamm_nor_matplotlib():
    python(
        "import ssbsim, sys;"
        "assert 'pybamm' not in sys.modules and 'matplotlib' not in sys.modules, 'heavy import';"
        "assert callable(ssbsim.run) and callable(ssbsim.load_parameter_set) and callable(ssbsim.load_experiment);"
        "assert issubclass(ssbsim.InputError, ssbsim.SsbsimError) and 'run' in dir(ssbsim)"
    )


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["list"], ["run", "--help"]])
def test_quick_commands_do_not_import_the_heavy_libraries(argv):
    out = python(
        "import sys\n"
        "from ssbsim.cli import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        f"print('\\nHEAVY', code, [m for m in {HEAVY} if m in sys.modules])\n"
    )
    assert out.splitlines()[-1] == "HEAVY 0 []"


def test_version_is_the_installed_distributions():
    from importlib.metadata import version

    out = python(
        "from ssbsim.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit as exit:\n    print(exit.code)"
    )
    assert out.split() == ["ssbsim", version("ssbsim"), "0"]


def test_importing_the_package_changes_no_global_state():
    """Environment, PyBaMM's log level and matplotlib's backend are as before the import of
    every module a run uses."""
    python(
        "import logging, os, matplotlib, pybamm\n"
        "matplotlib.use('svg')\n"
        "env, level = dict(os.environ), pybamm.logger.level\n"
        "import ssbsim, ssbsim.cli, ssbsim.simulation.run, ssbsim.observables.figures, ssbsim.study.worker\n"
        "import ssbsim.study.figures, ssbsim.study.sensitivity\n"
        "assert dict(os.environ) == env, set(os.environ.items()) ^ set(env.items())\n"
        "assert pybamm.logger.level == level and matplotlib.get_backend() == 'svg'\n"
    )


def test_a_script_never_meets_pybamms_telemetry_prompt(tmp_path):
    """``import pybamm`` asks on stdin (for up to 10 s) whether to send telemetry unless the
    user has answered; a script using ssbsim must neither stop there nor find its
    environment changed (ssbsim.pybamm_import)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYBAMM_DISABLE_TELEMETRY", "CI", "GITHUB_ACTIONS")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    code = (
        "import os, ssbsim\n"
        "spec = ssbsim.load_experiment('rate_test')\n"
        "import ssbsim.simulation.run, pybamm\n"
        "assert 'PYBAMM_DISABLE_TELEMETRY' not in os.environ\n"
        "assert pybamm.telemetry._posthog.disabled\n"
        "print('done')\n"
    )
    # stdin stays open and silent, like a terminal nobody answers
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        out, err = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 0, err.decode()
    assert out.decode().split() == ["done"]  # no prompt text
    assert not (tmp_path / "config" / "pybamm").exists()  # and no answer written for the user


def test_fit_and_study_are_functions_and_stay_packages():
    """``ssbsim.fit(...)``/``ssbsim.study(...)`` call the Python face of the commands; their
    modules stay reachable; neither import is heavy."""
    python(
        "import sys, ssbsim\n"
        "assert callable(ssbsim.fit) and callable(ssbsim.study) and {'fit', 'study'} <= set(dir(ssbsim))\n"
        f"assert not [m for m in {HEAVY} if m in sys.modules], 'heavy import'\n"
        "import ssbsim.fit.spec, ssbsim.study.spec\n"
        "assert callable(ssbsim.fit) and ssbsim.fit.spec.load_fit_spec and ssbsim.study.spec.load_study_spec\n"
        "from ssbsim import fit, study\n"
        "assert fit is sys.modules['ssbsim.fit'] and study is sys.modules['ssbsim.study']\n"
    )


def test_progress_bar_in_a_notebook_without_ipywidgets_is_quiet():
    """In a Jupyter kernel without ipywidgets tqdm would warn "IProgress not found"; the
    bar falls back to text without it (a kernel is imitated: tqdm only looks for the
    modules)."""
    out = python(
        "import sys, types, warnings\n"
        "from ssbsim.simulation.progress import progress_bar\n"
        "sys.modules['ipykernel.zmqshell'] = types.ModuleType('ipykernel.zmqshell')\n"
        "ipython = types.ModuleType('IPython')\n"
        "ipython.get_ipython = lambda: type('ZMQInteractiveShell', (), {})()\n"
        "sys.modules['IPython'] = ipython\n"
        "sys.modules['ipywidgets'] = None\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    bar = progress_bar(total=2, disable=True)\n"
        "print(len(caught), type(bar).__module__)\n"
    )
    assert out.split() == ["0", "tqdm.asyncio"]  # tqdm.auto's text bar, not the notebook widget


def test_an_interrupted_run_leaves_pybamms_log_level(monkeypatch):
    """ssbsim silences PyBaMM's log while a run stops after Ctrl-C; the caller's level is
    restored (a notebook keeps its logging)."""
    import pybamm

    import ssbsim
    from ssbsim import interrupt

    level = pybamm.logger.level
    monkeypatch.setattr(interrupt, "requested", lambda: True)
    with pytest.raises(interrupt.Interrupted):
        ssbsim.run("rate_test")
    assert pybamm.logger.level == level


@pytest.mark.parametrize("chosen", [None, "2"])
def test_the_ssbsim_process_runs_openblas_on_one_thread_unless_the_user_chose(chosen):
    """``cli.setup_process`` sets ``OPENBLAS_NUM_THREADS`` before NumPy is imported (its
    idle threads only spin on ssbsim's small matrices); a user's choice is kept. Importing
    ssbsim alone sets nothing (above)."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if chosen is not None:
        env["OPENBLAS_NUM_THREADS"] = chosen
    out = python(
        "import os, sys\n"
        "from ssbsim.cli import setup_process\n"
        "assert 'numpy' not in sys.modules\n"
        "setup_process('list')\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'])\n",
        env=env,
    )
    assert out.split() == [chosen or "1"]
