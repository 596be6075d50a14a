"""``ssbsim fit``'s progress line (``ssbsim/fit/progress.py``) on stderr, not a terminal
here: plain lines at each start and profile end, with the solves and the best cost; stdout
keeps its contract (the fitted values; with ``-v`` also every trial)."""

import json
import re

import pytest

from ssbsim.cli import main
from ssbsim.fit import progress
from ssbsim.fit.jacobian import Derivatives
from ssbsim.parameters.registry import anion_names

NAME = anion_names(1)["resistivity"]
LINE = re.compile(r"^ssbsim fit: (\d+) solves, \d\d:\d\d, (best cost [0-9.e+-]+; )?(.+)$")


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "r2.csv").write_text("cycle,cathode_interphase_resistance_ohm_cm2\n1,16\n3,18\n")
    (tmp_path / "spec.toml").write_text(
        'experiment = "cutoff_sweep"\nstarts = 2\n[[data]]\nfile = "r2.csv"\n'
        f'quantity = "cathode_interphase_resistance_ohm_cm2"\n[fit."{NAME}"]\nbounds = [1e5, 1e8]\n'
    )
    return tmp_path


def _fit(folder, capsys, *options):
    status = main(["fit", str(folder / "spec.toml"), "-o", str(folder / "out"), "--no-figures", *options])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out.splitlines(), err, json.loads((folder / "out" / "fit.json").read_text())


def test_plain_progress_lines_name_each_start_and_profile_end(spec, capsys, monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_INTERVAL", 1e6)  # only the announced lines, however slow the machine
    out, err, result = _fit(spec, capsys)
    assert "\r" not in err
    lines = [LINE.match(line) for line in err.splitlines() if line.startswith("ssbsim fit: ")]
    assert all(lines)
    phases = [m[3] for m in lines]
    expected = ["start 1 of 2", "start 2 of 2", f"profile end 1 of 2 ({NAME})", f"profile end 2 of 2 ({NAME})"]
    assert phases[:4] == expected and set(phases[4:]) <= {expected[-1]}  # then the last line, final count
    assert len(lines) <= 5
    solves = [int(m[1]) for m in lines]
    assert solves == sorted(solves) and solves[0] == 0 and solves[-1] == result["n_solves"]
    assert lines[0][2] is None and all(m[2] for m in lines[1:])  # a best cost once a trial is solved
    best = float(lines[-1][2].removeprefix("best cost ").removesuffix("; "))
    assert best == pytest.approx(result["cost"], rel=1e-4)
    assert out == [line for line in out if line.startswith(f"{NAME} = ")] and len(out) == 1  # stdout as before


def test_verbose_still_prints_every_trial(spec, capsys, monkeypatch):
    trials = []
    residuals = Derivatives.residuals
    monkeypatch.setattr(Derivatives, "residuals", lambda self, u: trials.append(u) or residuals(self, u))
    out, err, _ = _fit(spec, capsys, "-v")
    printed = [line for line in out if " | cost " in line]
    assert len(printed) == len(trials) > 4
    assert out[-1].startswith(f"{NAME} = ") and len(out) == len(trials) + 1
    assert "start 2 of 2" in err


def test_quiet_has_no_progress_line(spec, capsys):
    _, err, _ = _fit(spec, capsys, "-q", "--intervals", "linear")
    assert "ssbsim fit: " not in err
