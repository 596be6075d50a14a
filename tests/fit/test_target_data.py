"""Targets of the brief as fit data (``fit/target_data.py``): the metric's Jacobian by the
chain rule against central differences of the metric over re-solves, a bound's residual
zero inside it, and bad data entries (exit 2, the spec and the entry named)."""

import numpy as np
import pytest

from ssbsim.cli import main
from ssbsim.fit.api import prepare
from ssbsim.fit.jacobian import SENSITIVITIES, Derivatives
from ssbsim.parameters.registry import anion_names
from ssbsim.resources import shipped_dir

HEADER = "id,group,quantity,experiment,metric,column,cycles,argument,data,value,unit,rule,tolerance,source,known_gap\n"
SOURCE = "test"
NAMES = [anion_names(1)["rate"], anion_names(1)["resistivity"], anion_names(1)["length"]]


def _row(quantity, argument, value, rule, tolerance, metric="within_step_share", experiment="cutoff_sweep"):
    return f"T6,interphase,{quantity},{experiment},{metric},,,{argument},,{value},,{rule},{tolerance},{SOURCE},\n"


def _spec(folder, rows, cell_a, fitted=NAMES, entry='target = "T6"\nmetric = "within_step_share"\n'):
    (folder / "targets.csv").write_text(HEADER + "".join(rows))
    lines = ['experiment = "cutoff_sweep"', "starts = 1", "[[data]]", 'file = "targets.csv"', entry]
    for n in fitted:
        lines += [f'[fit."{n}"]', f"bounds = [{cell_a[n] / 10:.6g}, {cell_a[n] * 10:.6g}]"]
    (folder / "spec.toml").write_text("\n".join(lines) + "\n")
    return folder / "spec.toml"


def test_metric_jacobian_matches_central_differences_of_re_solves(tmp_path, cell_a, tight_re_solves):
    """Value rows (residual (m - v) / sigma everywhere): d residual / d ln p from the
    metric's derivative on the cycle table times the entries' sensitivities, at the fit's
    solver tolerances, against central differences of re-solves at rtol 1e-7 (at the
    fit's 1e-4 a share, a ratio of R2 differences, scatters by ~10 % of its derivative
    from one re-solve to the next; measured)."""
    rows = [_row("share up to 4.25 V", "4.05 4.10 4.15 4.20 4.25", 0.1, "abs", 0.05)]
    rows.append(_row("share 4.30-4.35 V", "4.30 4.35", 0.9, "abs", 0.05))
    problem = prepare(str(_spec(tmp_path, rows, cell_a, [NAMES[0], NAMES[2]])))
    derivatives = Derivatives(problem, problem.parameters, 1e-2)
    assert derivatives.method == SENSITIVITIES
    u = np.array([p.to_unit(p.initial) for p in problem.parameters])
    J = derivatives.jacobian(u)  # builds the run with sensitivities only
    tight_re_solves()  # the re-solves' run, built next
    h = 1e-2  # in ln p
    for k, step in enumerate(np.eye(len(u)) * h):
        fd = (derivatives.residuals(u + step) - derivatives.residuals(u - step)) / (2 * h)
        assert np.linalg.norm(fd) > 0.5, problem.names[k]
        assert np.linalg.norm(J[:, k] - fd) < 0.05 * np.linalg.norm(fd), problem.names[k]


def test_a_bound_has_no_residual_inside_it(tmp_path, cell_a):
    rows = [_row("share up to 4.25 V", "4.05 4.10 4.15 4.20 4.25", 0.6, "max", 0.1)]
    rows.append(_row("share 4.30-4.35 V", "4.30 4.35", 0.1, "min", 0.1))
    rows.append(_row("share 4.30-4.35 V: too high a floor", "4.30 4.35", 0.9, "min", 0.1))
    problem = prepare(str(_spec(tmp_path, rows, cell_a)))
    derivatives = Derivatives(problem, problem.parameters, 1e-2)
    u = np.array([p.to_unit(p.initial) for p in problem.parameters])
    r, J = derivatives.residuals(u), derivatives.jacobian(u)
    shares = problem.datasets[0].simulated(problem.simulate(derivatives.values_at(u))["cutoff_sweep"])
    assert shares[0] < 0.6 - 0.05 and 0.1 + 0.05 < shares[1] < 0.9  # inside, beyond the fit's margin (sigma / 2)
    assert r[0] == r[1] == 0 and not J[:2].any()
    assert r[2] == pytest.approx((shares[1] - (0.9 + 0.05)) / 0.1) and J[2].any()  # below the floor: active


@pytest.mark.parametrize(
    "entry, expected",
    [
        ('target = "T6"\nmetric = "plateau_mid_voltage"\n', "not a function of the cycle table"),
        ('target = "T5"\nmetric = "within_step_share"\n', "no target 'T5' with metric 'within_step_share'"),
        ('target = "T6"\n', "'metric' must be given as text"),
        ('target = "T6"\nmetric = "within_step_share"\nquantity = "x"\n', "'quantity' does not go with"),
        ('target = "T6"\nmetric = "within_step_share"\ncycles = [1, 2]\n', "replayed file"),
        ('target = "T12"\nmetric = "energy_retention"\n', "on the run 'formation_4p15V'"),
    ],
)
def test_bad_target_entry_exit_2(tmp_path, capsys, cell_a, entry, expected):
    spec = _spec(tmp_path, [], cell_a, NAMES[:1], entry)
    shipped = shipped_dir("parameter_sets") / "calibration" / "asakura2020_targets.csv"  # its data tables beside it
    spec.write_text(spec.read_text().replace('"targets.csv"', f'"{shipped}"'))
    assert main(["fit", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "spec.toml:" in err[0] and "data 1:" in err[0] and expected in err[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "table, expected",
    [
        ("cycle,coulombic_efficiency\n1,0.9\n", "not a targets table"),
        (HEADER + "T6,a,b,c\n" * 2 + "T6" + ",x" * 20, "targets.csv:2: 4 fields where the header has 15"),
    ],
)
def test_a_file_that_is_no_targets_table_exit_2(tmp_path, capsys, cell_a, table, expected):
    spec = _spec(tmp_path, [], cell_a, NAMES[:1])
    (tmp_path / "targets.csv").write_text(table)
    assert main(["fit", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "spec.toml:" in err[0] and "data 1:" in err[0] and expected in err[0]
