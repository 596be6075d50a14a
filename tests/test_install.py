"""An installed (not editable) ssbsim finds its shipped parameter sets and experiments
from outside the source tree."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_regular_install_finds_shipped_files(tmp_path):
    target = tmp_path / "site"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    # the project's metadata builds without warnings (licence, package list, ...); pip's own
    # "WARNING: Location ..." lines come from the machine's configuration
    assert [line for line in build.stderr.splitlines() if "Warning" in line] == [], build.stderr
    assert (target / "ssbsim" / "parameter_sets" / "asakura2020.toml").is_file()
    probe = (
        "import ssbsim, ssbsim.resources as r;"
        "print(ssbsim.__file__);"
        "print(r.resolve('asakura2020', 'parameter_sets'));"
        "print(r.resolve('cutoff_sweep', 'experiments'));"
        "print(ssbsim.load_parameter_set('asakura2020')['SE conductivity [S.m-1]']);"
        "from ssbsim.fit.spec import load_fit_spec; from ssbsim.study.spec import load_study_spec;"
        "print(load_fit_spec('asakura2020_interphase').source);"
        "print(load_study_spec('cutoff_temperature').source);"
        # the entry point of the installed metadata: pybamm.ParameterValues by name
        "import pybamm, ssbsim.parameters.pybamm_sets as e;"
        "print(e.__file__);"
        "print(pybamm.ParameterValues('asakura2020')['SE conductivity [S.m-1]'])"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "PYBAMM_DISABLE_TELEMETRY": "true"}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    module, pset, experiment, sigma, fit_spec, study_spec, entry, sigma_pybamm = run.stdout.split()
    for path in (module, pset, experiment, fit_spec, study_spec, entry):
        assert Path(path).is_relative_to(target), path
    assert float(sigma) == float(sigma_pybamm) == 0.12
