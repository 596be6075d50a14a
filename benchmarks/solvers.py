"""The solver benchmark suite: it measures what ssbsim's numerical defaults are chosen from.

    make bench                                        # the default matrix, a few minutes
    .venv/bin/python benchmarks/solvers.py --full     # every solver x scenario x model
    .venv/bin/python benchmarks/solvers.py --scenarios sweep --rows 'IDAKLU,*'  # a subset
    .venv/bin/python benchmarks/solvers.py --scenarios sweep --rows 'IDAKLU,ssbsim resolved' --merge \
        --json benchmarks/solvers.json --figure benchmarks/figures/solvers_work_precision.png --readme README.md

Scenarios (Cell A, shipped parameter set): ``sweep`` the 40-cycle cutoff sweep (C/10,
rests, 4.05-4.40 V), ``5C`` a C/5 charge and a 5C discharge, ``800`` the 800-cycle
formation + C/5 run (``formation_4p15V``).

Solvers, all on the model that PyBaMM converts to CasADi functions: IDAKLU (sparse KLU with
CasADi-generated residuals and Jacobian: ssbsim's default; dense; with the functions
compiled ahead of time to C; with PyBaMM's Newton convergence coefficient 0.33 instead of
ssbsim's 0.05), CasadiSolver in "safe", "fast" and "fast with events" modes, and
ScipySolver (BDF; ODE models only, so on ``interphase = none``). Tolerances rtol 1e-3 ...
1e-8 (atol = rtol / 100). Models: ssbsim's options (averaged/resolved composite,
single/distribution of particle sizes, no interphase, the uniform radial mesh) and
PyBaMM's stock half-cell SPM, SPMe and DFN on the same protocol and cell
(``ssbsim.parameters.stock_pybamm``).

Columns: wall time of the run (after imports); build (model processing and
discretisation); integration (the solver's own timer); steps and Newton iterations (=
residual evaluations of IDA's Newton solver; IDAKLU only); peak resident memory of the
row's process; and the error against a reference run of the same model at rtol 1e-8: last
cycle's discharge capacity (relative), Coulombic efficiency (points), R2 and R1 (relative).
Each row runs in a fresh process (a solver that crashes or hangs costs its row only;
``--timeout``), so absolute times are noisy on a shared machine: compare rows of one run.

Writes the rows to ``--json`` (default results/bench/solvers.json), a work-precision figure
(``--figure``) and, with ``--readme README.md``, the generated part of the README's speed
section (between the ``solvers:begin``/``solvers:end`` markers).
"""

import argparse
import fnmatch
import json
import os
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_RTOL = 1e-8
RTOLS = [1e-3, 1e-4, 1e-5, 1e-6, 1e-8]
SCENARIOS = {
    "sweep": "cutoff_sweep",
    "5C": ["Charge at C/5 until 4.15 V", "Discharge at 5C until 2.50 V"],
    "800": "formation_4p15V",
}
#: what each scenario is, for the figure's panel titles
SCENARIO_TITLES = {
    "sweep": "cutoff sweep (40 cycles)",
    "5C": "5C discharge after a C/5 charge",
    "800": "formation_4p15V (800 cycles)",
}
SSBSIM_MODELS = {
    "ssbsim": {},
    "ssbsim interphase=none": {"interphase": "none"},
    "ssbsim resolved": {"cathode": "resolved"},
    "ssbsim distribution": {"particle": "distribution"},
    "ssbsim uniform mesh": {"radial mesh": "uniform"},
}
STOCK_MODELS = ["stock SPM", "stock SPMe", "stock DFN"]


# -- one row, in its own process ---------------------------------------------------------


def make_solver(name, rtol, default):
    """The solver called ``name`` at ``rtol``; ``default`` is ssbsim's (for its options)."""
    import pybamm

    atol = rtol / 100
    base = dict(getattr(default, "_options", {}) or {}) if default is not None else {}
    if name == "IDAKLU":
        return pybamm.IDAKLUSolver(rtol=rtol, atol=atol, on_extrapolation="ignore", options=base)
    if name == "IDAKLU dense":
        options = {**base, "jacobian": "dense", "linear_solver": "SUNLinSol_Dense"}
        return pybamm.IDAKLUSolver(rtol=rtol, atol=atol, on_extrapolation="ignore", options=options)
    if name == "IDAKLU compiled":
        return pybamm.IDAKLUSolver(rtol=rtol, atol=atol, on_extrapolation="ignore", options={**base, "compile": True})
    if name == "IDAKLU Newton 0.33":
        options = {**base, "nonlinear_convergence_coefficient": 0.33}
        return pybamm.IDAKLUSolver(rtol=rtol, atol=atol, on_extrapolation="ignore", options=options)
    if name.startswith("Casadi "):
        return pybamm.CasadiSolver(mode=name.removeprefix("Casadi "), rtol=rtol, atol=atol)
    if name == "Scipy":
        return pybamm.ScipySolver(method="BDF", rtol=rtol, atol=atol)
    raise ValueError(name)


def scenario_spec(scenario):
    from ssbsim.protocol import load_experiment
    from ssbsim.protocol.experiment_file import Block, ExperimentSpec

    definition = SCENARIOS[scenario]
    if isinstance(definition, str):
        return load_experiment(definition)
    return ExperimentSpec(scenario, [Block(list(definition))], temperature_C=25, period="1 minute")


def last_cycle(solution, r2=None, r1=None):
    """(discharge capacity [A.h], CE, R2 and R1 [Ohm.m2] or None) of the last complete cycle."""
    from ssbsim.observables.cycles import step_bounds

    Q = solution["Discharge capacity [A.h]"].entries
    steps = step_bounds(solution)[-1]
    q_ch = sum(max(Q[a] - Q[b - 1], 0) for a, b in steps)
    q_dis = sum(max(Q[b - 1] - Q[a], 0) for a, b in steps)
    end = steps[-1][1] - 1
    r2_value = float(solution[r2].entries[end]) if r2 else None
    r1_value = float(solution[r1].entries[end]) if r1 else None
    return float(q_dis), float(q_dis / q_ch) if q_ch else float("nan"), r2_value, r1_value


def run_row(row):
    import pybamm

    from ssbsim.parameters.stock_pybamm import stock_half_cell_parameters
    from ssbsim.simulation.run import build_simulation, prepare

    spec = scenario_spec(row["scenario"])
    start = time.perf_counter()
    if row["model"].startswith("stock "):
        _, pset, _ = prepare(spec)
        model = getattr(pybamm.lithium_ion, row["model"].split()[1])({"working electrode": "positive"})
        solver = make_solver(row["solver"], row["rtol"], None)
        sim = pybamm.Simulation(
            model,
            parameter_values=stock_half_cell_parameters(pset),
            experiment=spec.pybamm_experiment(),
            solver=solver,
        )
        r2 = r1 = None
    else:
        spec, pset, options = prepare(spec, options=SSBSIM_MODELS[row["model"]])
        from ssbsim.model import CellModel

        default = CellModel(options).default_solver
        solver = make_solver(row["solver"], row["rtol"], default)
        if isinstance(solver, pybamm.IDAKLUSolver):
            sim = build_simulation(spec, pset, options, solver=solver)
        else:  # PyBaMM's unified experiment model needs a DAE solver with step inputs
            from ssbsim.simulation.pybamm_simulation import Simulation

            sim = Simulation(
                CellModel(options),
                parameter_values=pset.pybamm_values(options),
                experiment=spec.pybamm_experiment(solver_steps=True),
                solver=solver,
                experiment_model_mode="legacy",
            )
        r2, r1 = "Cathode interphase resistance [Ohm.m2]", "Anode interface resistance [Ohm.m2]"
    sim.build_for_experiment()
    built = time.perf_counter()
    solution = sim.solve()
    wall = time.perf_counter() - start
    out = {
        "wall_s": wall,
        "build_s": built - start,
        "integration_s": float(solution.integration_time.value),
        "cycles": len(solution.cycles),
        "peak_memory_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    stats = getattr(solution, "solver_statistics", None)
    if stats is not None and stats.number_of_steps:
        out["steps"] = int(stats.number_of_steps)
        out["newton_iterations"] = int(stats.number_of_nonlinear_solver_iterations)
    if len(solution.cycles) == spec.n_cycles:
        out["capacity_Ah"], out["ce"], out["r2_ohm_m2"], out["r1_ohm_m2"] = last_cycle(solution, r2, r1)
    else:
        out["error"] = f"stopped after {len(solution.cycles)} of {spec.n_cycles} cycles"
    return out


# -- the matrix --------------------------------------------------------------------------


def matrix(scenarios, full):
    """Rows (scenario, model, solver, rtol) to run; references are added by ``plan``."""
    rows = []
    for scenario in scenarios:
        big = scenario == "800"
        tolerances = RTOLS if full or not big else [1e-3, 1e-4, 1e-6]
        for rtol in tolerances:
            rows.append((scenario, "ssbsim", "IDAKLU", rtol))
        if big and not full:
            rows += [
                (scenario, "ssbsim", "IDAKLU compiled", 1e-4),
                (scenario, "ssbsim", "IDAKLU compiled", 1e-3),
                (scenario, "stock SPM", "IDAKLU", 1e-4),
                (scenario, "ssbsim interphase=none", "IDAKLU", 1e-4),
            ]
            continue
        rows.append((scenario, "ssbsim", "IDAKLU Newton 0.33", 1e-3))
        rows.append((scenario, "ssbsim", "IDAKLU Newton 0.33", 1e-4))
        rows.append((scenario, "ssbsim", "IDAKLU compiled", 1e-3))
        for solver in ["IDAKLU dense", "IDAKLU compiled", "Casadi safe", "Casadi fast with events"]:
            rows.append((scenario, "ssbsim", solver, 1e-4))
        if full:
            rows.append((scenario, "ssbsim", "Casadi fast", 1e-4))
            for rtol in RTOLS:
                rows.append((scenario, "ssbsim", "Casadi safe", rtol))
        for rtol in [1e-4, 1e-6] if full else [1e-4]:
            rows.append((scenario, "ssbsim interphase=none", "IDAKLU", rtol))
            rows.append((scenario, "ssbsim interphase=none", "Scipy", rtol))
        for model in list(SSBSIM_MODELS)[2:] + STOCK_MODELS:
            rows.append((scenario, model, "IDAKLU", 1e-4))
    return rows


def plan(rows):
    """The rows plus, per (scenario, model) run with several solvers or tolerances, an
    IDAKLU reference at rtol 1e-8 (first, so that the errors can be computed as rows
    complete). Models run once (the option and stock-model rows) compare costs only."""
    references = []
    for scenario, model, _, _ in rows:
        reference = (scenario, model, "IDAKLU", REFERENCE_RTOL)
        variants = {(s, r) for sc, m, s, r in rows if (sc, m) == (scenario, model)}
        if len(variants) > 1 and reference not in references:  # a model run once: no error column
            references.append(reference)
    return references + [r for r in rows if r not in references]


def run_in_subprocess(row, timeout):
    scenario, model, solver, rtol = row
    from ssbsim.simulation.build_cache import ENV as BUILD_CACHE

    payload = json.dumps({"scenario": scenario, "model": model, "solver": solver, "rtol": rtol})
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--row", payload],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            # every row builds its model, as stock PyBaMM's rows do: the build column compares builds
            env={**os.environ, BUILD_CACHE: "off"},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout ({timeout:g} s)"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:160]}
    return json.loads(lines[-1])


def _key(row):
    return row["scenario"], row["model"], row["solver"], row["rtol"]


def add_errors(results):
    refs = {
        (r["scenario"], r["model"]): r
        for r in results
        if r["solver"] == "IDAKLU" and r["rtol"] == REFERENCE_RTOL and "capacity_Ah" in r
    }
    for r in results:
        ref = refs.get((r["scenario"], r["model"]))
        if ref is None or "capacity_Ah" not in r:
            continue
        r["capacity_error"] = abs(r["capacity_Ah"] / ref["capacity_Ah"] - 1)
        r["ce_error_points"] = 100 * abs(r["ce"] - ref["ce"])
        for key in ("r2", "r1"):
            if r.get(f"{key}_ohm_m2") and ref.get(f"{key}_ohm_m2"):
                r[f"{key}_error"] = abs(r[f"{key}_ohm_m2"] / ref[f"{key}_ohm_m2"] - 1)


# -- output ------------------------------------------------------------------------------

HEADER = (
    f"{'scenario':8s} {'model':24s} {'solver':24s} {'rtol':>6s} {'wall':>7s} {'build':>6s} {'integr':>7s} "
    f"{'steps':>7s} {'Newton':>7s} {'MB':>5s} {'dQ rel':>8s} {'dCE pt':>8s} {'dR2 rel':>8s} {'dR1 rel':>8s}"
)


def _num(value, fmt, width):
    return f"{value:{width}{fmt}}" if isinstance(value, (int, float)) else f"{'-':>{width}s}"


def table(results):
    lines = [HEADER]
    for r in results:
        line = (
            f"{r['scenario']:8s} {r['model']:24s} {r['solver']:24s} {r['rtol']:6.0e} "
            f"{_num(r.get('wall_s'), '.2f', 7)} {_num(r.get('build_s'), '.2f', 6)} "
            f"{_num(r.get('integration_s'), '.2f', 7)} {_num(r.get('steps'), 'd', 7)} "
            f"{_num(r.get('newton_iterations'), 'd', 7)} {_num(r.get('peak_memory_MB'), '.0f', 5)} "
            f"{_num(r.get('capacity_error'), '.1e', 8)} {_num(r.get('ce_error_points'), '.1e', 8)} "
            f"{_num(r.get('r2_error'), '.1e', 8)} {_num(r.get('r1_error'), '.1e', 8)}"
        )
        if r.get("error"):
            line += f"  FAILED: {r['error']}"
        lines.append(line)
    return "\n".join(lines)


def figure(results, path):
    from matplotlib import ticker

    from ssbsim.observables.figures import subplots

    scenarios = sorted({r["scenario"] for r in results})
    fig, axes = subplots(1, len(scenarios), figsize=(4.2 * len(scenarios), 3.8), squeeze=False)
    # one colour per model / solver in every panel
    labels = sorted({f"{r['model']} / {r['solver']}" for r in results})
    colours = {label: f"C{i % 10}" for i, label in enumerate(labels)}
    for ax, scenario in zip(axes[0], scenarios):
        series = {}
        for r in results:
            if r["scenario"] == scenario and r.get("capacity_error") is not None and r["rtol"] != REFERENCE_RTOL:
                series.setdefault(f"{r['model']} / {r['solver']}", []).append(r)
        if not series:  # rows without a reference (a model run once): no error to plot
            ax.set_axis_off()
            ax.set_title(f"{scenario}: no rows with an error")
            continue
        for k, (label, rows) in enumerate(series.items()):
            rows.sort(key=lambda r: r["rtol"])
            ax.loglog(
                [r["wall_s"] for r in rows],
                [max(r["capacity_error"], 1e-9) for r in rows],
                "o-" if len(rows) > 1 else "s",
                ms=4,
                color=colours[label],
                label=label,
            )
            for r in rows:
                if (
                    len(rows) > 1
                ):  # in the series' colour, right or left of the point by series: coincident ones stay legible
                    ax.annotate(
                        f"{r['rtol']:.0e}",
                        (r["wall_s"], max(r["capacity_error"], 1e-9)),
                        xytext=(4 if k % 2 == 0 else -4, 2 - 4 * k),
                        textcoords="offset points",
                        ha="left" if k % 2 == 0 else "right",
                        fontsize=6,
                        color=colours[label],
                    )
        # wall times span about a decade: plain numbers at 1-2-5, no crowded minor labels
        ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:g}"))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel("wall time [s]")
        ax.set_ylabel("relative error of the last cycle's capacity\n(against rtol 1e-8)")
        ax.set_title(SCENARIO_TITLES.get(scenario, scenario))
        ax.legend(fontsize=5)
    fig.tight_layout()
    from ssbsim.observables.figures import save_png

    save_png(fig, path)


def write_readme(results, readme, command, merged=False):
    text = Path(readme).read_text()
    begin, end = "<!-- solvers:begin -->", "<!-- solvers:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"{readme}: no {begin} ... {end} markers")
    head, rest = text.split(begin, 1)
    if merged:  # the rows the earlier command made stay: say both
        earlier = re.search(r"Generated by `([^`]*)`", rest.split(end, 1)[0])
        command = f"{earlier.group(1)}` and, for the rows it re-ran, `{command}" if earlier else command
    block = f"{begin}\nGenerated by `{command}`:\n\n```\n{table(results)}\n```\n{end}"
    Path(readme).write_text(head + block + rest.split(end, 1)[1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--row", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help="the whole matrix (long)")
    parser.add_argument("--scenarios", default="sweep,5C,800", help="comma-separated: sweep, 5C, 800")
    parser.add_argument("--rows", default="*", help="glob on 'solver,model' of the rows to run")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per row")
    parser.add_argument("--json", default="results/bench/solvers.json")
    parser.add_argument("--figure", default="results/bench/solvers_work_precision.png")
    parser.add_argument("--readme", default=None, help="rewrite the generated part of this README")
    parser.add_argument("--from-json", default=None, help="no runs: table, figure and README from saved rows")
    parser.add_argument(
        "--merge", action="store_true", help="keep --json's saved rows, replacing only those run now (same key)"
    )
    args = parser.parse_args(argv)
    if args.row:
        print(json.dumps(run_row(json.loads(args.row))))
        return 0
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        print(table(results))
        figure(results, args.figure)
        if args.readme:
            write_readme(results, args.readme, "python benchmarks/solvers.py")
        return 0
    scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}")
    rows = [r for r in matrix(scenarios, args.full) if fnmatch.fnmatch(f"{r[2]},{r[1]}", args.rows)]
    print(HEADER, flush=True)
    results = []
    for row in plan(rows):
        result = {
            "scenario": row[0],
            "model": row[1],
            "solver": row[2],
            "rtol": row[3],
            **run_in_subprocess(row, args.timeout),
        }
        results.append(result)
        add_errors(results)
        print(table([result]).splitlines()[1], flush=True)
    if args.merge and Path(args.json).is_file():
        ran = {_key(r): r for r in results}
        saved = json.loads(Path(args.json).read_text())
        results = [ran.pop(_key(r), r) for r in saved] + list(ran.values())
        add_errors(results)
    print()
    print(table(results))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    figure(results, args.figure)
    if args.readme:
        command = "python benchmarks/solvers.py " + shlex.join(a for a in (argv or sys.argv[1:]) if a)
        write_readme(results, args.readme, command.strip(), merged=args.merge)
    print(f"\nwrote {args.json} and {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
