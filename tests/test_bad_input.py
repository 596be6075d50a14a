"""Bad input is refused by ``ssbsim run`` before anything is simulated or written.

Every case checks the contract of the brief: exit status 2, exactly one line on stderr,
no traceback, a message that names the file (or the command-line option) and the key or
line at fault, and no output directory. Most cases call ``ssbsim.cli.main`` in-process
(fast); the ``SUBPROCESS`` cases run the real command, so a traceback would show.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssbsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
CUTOFF = (ROOT / "experiments" / "cutoff_sweep.toml").read_text()
# line numbers in cutoff_sweep.toml that the experiment cases below refer to
LINE_TEMPERATURE, LINE_BLOCK1, LINE_STEPS1, LINE_STEPS2, LINE_BLOCK3 = 3, 7, 8, 10, 11
FIRST_CHARGE = '"Charge at C/10 until 4.05 V"'
FIRST_DISCHARGE = '"Discharge at C/10 until 2.50 V"'
INITIAL_SPECTRUM = '"Impedance from 200 kHz to 10 mHz"'  # first step of block 1 (issue 10)
SE = "SE conductivity [S.m-1]"


def test_line_numbers_of_the_template():
    lines = CUTOFF.splitlines()
    assert lines[LINE_TEMPERATURE - 1].startswith("temperature_C")
    assert lines[LINE_BLOCK1 - 1] == lines[LINE_BLOCK3 - 1] == "[[block]]"
    assert FIRST_CHARGE in lines[LINE_STEPS1 - 1] and FIRST_DISCHARGE in lines[LINE_STEPS1 - 1]
    assert '"Rest for 30 minutes"' in lines[LINE_STEPS2 - 1]
    assert lines[LINE_BLOCK3] == "repeat = 3"


# --- the files --------------------------------------------------------------------------


def cell(*lines, extends=True):
    """A parameter set; the first line after the header is line 4."""
    base = 'extends = "asakura2020"' if extends else "# stand-alone"
    return "\n".join(['description = "bad cell"', base, "[parameters]", *lines]) + "\n"


def experiment(old, new):
    """cutoff_sweep.toml with the first ``old`` replaced by ``new``."""
    assert old in CUTOFF
    return CUTOFF.replace(old, new, 1)


def step(bad, old=FIRST_CHARGE):
    return experiment(old, f'"{bad}"')


ASAKURA = (ROOT / "parameter_sets" / "asakura2020.toml").read_text()
STANDALONE = ASAKURA.replace('"Na molar mass [kg.mol-1]"', "# Na molar mass", 1)
assert STANDALONE != ASAKURA

# id -> (files {name: text or bytes}, argv after "run", fragments the message must contain)
CASES = {
    # parameter file
    "unknown parameter": (
        {"cell.toml": cell('"SE conductivty [S.m-1]" = 0.1')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "'SE conductivty [S.m-1]'", f"did you mean {SE!r}"],
    ),
    "wrong unit": (
        {"cell.toml": cell('"SE conductivity [mS.cm-1]" = { value = 1.2, source = "doi:x" }')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "'SE conductivity [mS.cm-1]'", "[mS.cm-1]", "[S.m-1]"],
    ),
    "missing required parameter": (
        {"cell.toml": STANDALONE},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:", "missing required parameter 'Na molar mass [kg.mol-1]'"],
    ),
    "negative thickness": (
        {"cell.toml": cell("", '"Separator thickness [m]" = -6e-4')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:5:", "'Separator thickness [m]'", "positive"],
    ),
    "string for a number": (
        {"cell.toml": cell('"SE density [kg.m-3]" = { value = "1100", source = "estimate: x" }')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "'SE density [kg.m-3]'", "number"],
    ),
    "fraction above 1": (
        {"cell.toml": cell('"Positive electrode electrochemically active fraction" = 1.5')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "'Positive electrode electrochemically active fraction'", "1.5"],
    ),
    "temperature in degC": (
        {"cell.toml": cell('"Reference temperature [K]" = 25')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "'Reference temperature [K]'", "kelvin"],
    ),
    "derived parameter": (
        {"cell.toml": cell('"Positive electrode thickness [m]" = 5e-5')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "'Positive electrode thickness [m]'", "derived"],
    ),
    "malformed TOML": (
        {"cell.toml": cell(f'"{SE}" = 0.1', '"SE density [kg.m-3]" = { value = 1100, source = "x" ')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:5:", "not valid TOML"],
    ),
    "duplicate key": (
        {"cell.toml": cell(f'"{SE}" = 0.1', "", f'"{SE}" = 0.2')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:6:", "not valid TOML"],
    ),
    "extends a missing stem": (
        {"cell.toml": cell().replace('"asakura2020"', '"asakura2021"')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:2:", "'extends'", "asakura2021"],
    ),
    "extends a missing file": (
        {"sets/cell.toml": cell().replace('"asakura2020"', '"base.toml"')},
        ["cutoff_sweep", "-p", "sets/cell.toml"],
        ["cell.toml:2:", "'extends'", "base.toml", "not found"],
    ),
    "extends a number": (
        {"cell.toml": cell().replace('"asakura2020"', "2020")},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:2:", "'extends'"],
    ),
    # a.toml -> b.toml -> a.toml, resolved beside the files, not in the working folder
    "extends cycle": (
        {
            "sets/a.toml": cell().replace('"asakura2020"', '"b.toml"'),
            "sets/b.toml": cell().replace('"asakura2020"', '"a.toml"'),
        },
        ["cutoff_sweep", "-p", "sets/a.toml"],
        ["b.toml:2:", "'extends'", "cycle"],
    ),
    "extends itself": (
        {"cell.toml": cell().replace('"asakura2020"', '"cell.toml"')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:2:", "'extends'", "cycle"],
    ),
    "mass fractions do not sum to 1": (
        {"cell.toml": cell('"Positive electrode carbon mass fraction" = 0.2')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:", "mass fraction", "sum to 1", "1.1"],
    ),
    "MSMR occupancies do not sum to 1": (
        {"cell.toml": cell('"Positive electrode host site occupancy fraction (0)" = 0.6')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:", "occupancy fraction", "sum to 1"],
    ),
    "unknown top-level key": (
        {"cell.toml": cell().replace("[parameters]", 'celll = "Na | SE | NVOPF"\n[parameters]')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:3:", "unknown key 'celll'"],
    ),
    "misspelt table": (
        {"cell.toml": cell().replace("[parameters]", "[parameter]")},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:3:", "unknown key 'parameter'"],
    ),
    "entry with an unknown field": (
        {"cell.toml": cell(f'"{SE}" = {{ val = 0.1, source = "doi:x" }}')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", f"{SE!r}", "value = ..."],
    ),
    "unknown model option in the file": (
        {"cell.toml": cell().replace("[parameters]", '[options]\nparticles = "single"\n[parameters]')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:particles:", "unknown model option"],
    ),
    "unknown model option value in the file": (
        {"cell.toml": cell().replace("[parameters]", '[options]\nparticle = "bimodal"\n[parameters]')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:particle:", "'bimodal'"],
    ),
    "size distribution without a median inside": (
        {
            "cell.toml": cell('"Positive particle minimum radius [m]" = 3e-6').replace(
                "[parameters]", '[options]\nparticle = "distribution"\n[parameters]'
            )
        },
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:Positive particle radius [m]:", "minimum < radius < maximum"],
    ),
    "parameter set not UTF-8": (
        {"cell.toml": cell("# 25 \xb0C").encode("latin-1")},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:4:", "UTF-8"],
    ),
    # experiment file
    "step without a unit": (
        {"exp.toml": step("Charge at C/10 until 4.15")},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1}:", "'Charge at C/10 until 4.15'"],
    ),
    "misspelt instruction": (
        {"exp.toml": step("Chrage at C/10 until 4 V")},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1}:", "'Chrage at C/10 until 4 V'", "Instruction must be", "Chrage)"],
    ),
    "negative repeat": (
        {"exp.toml": experiment("repeat = 3", "repeat = -3")},
        ["exp.toml"],
        [f"exp.toml:{LINE_BLOCK3}:", "block 3", "'repeat'", "-3"],
    ),
    "repeat not an integer": (
        {"exp.toml": experiment("repeat = 3", "repeat = 2.5")},
        ["exp.toml"],
        [f"exp.toml:{LINE_BLOCK3}:", "block 3", "'repeat'", "2.5"],
    ),
    "repeat as text": (
        {"exp.toml": experiment("repeat = 3", 'repeat = "3"')},
        ["exp.toml"],
        [f"exp.toml:{LINE_BLOCK3}:", "'repeat'", "'3'"],
    ),
    "empty steps": (
        {"exp.toml": experiment(f"[{INITIAL_SPECTRUM}, {FIRST_CHARGE}, {FIRST_DISCHARGE}]", "[]")},
        ["exp.toml"],
        [f"exp.toml:{LINE_BLOCK1}:", "block 1", "'steps'"],
    ),
    "step not a string": (
        {"exp.toml": step("x").replace('"x"', "4.05")},
        ["exp.toml"],
        [f"exp.toml:{LINE_BLOCK1}:", "step", "4.05"],
    ),
    "no blocks": (
        {"exp.toml": 'description = "nothing to do"\ntemperature_C = 25\n'},
        ["exp.toml"],
        ["exp.toml:", "[[block]]"],
    ),
    "unknown key in a block": (
        {"exp.toml": experiment("repeat = 3", "repeats = 3")},
        ["exp.toml"],
        [f"exp.toml:{LINE_BLOCK3}:", "block 3", "unknown key 'repeats'"],
    ),
    "unknown top-level key in an experiment": (
        {"exp.toml": experiment("temperature_C = 25", "temperature_K = 298")},
        ["exp.toml"],
        [f"exp.toml:{LINE_TEMPERATURE}:", "unknown key 'temperature_K'"],
    ),
    "temperature_C as text": (
        {"exp.toml": experiment("temperature_C = 25", 'temperature_C = "25 C"')},
        ["exp.toml"],
        [f"exp.toml:{LINE_TEMPERATURE}:", "'temperature_C'", "'25 C'"],
    ),
    "temperature_C in kelvin": (
        {"exp.toml": experiment("temperature_C = 25", "temperature_C = 600")},
        ["exp.toml"],
        [f"exp.toml:{LINE_TEMPERATURE}:", "'temperature_C'", "600"],
    ),
    "negative duration": (
        {"exp.toml": step("Rest for -5 minutes", old='"Rest for 30 minutes"')},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS2}:", "'Rest for -5 minutes'", "duration"],
    ),
    "rate with the wrong sign": (
        {"exp.toml": step("Discharge at -1C until 2 V", old=FIRST_DISCHARGE)},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1}:", "'Discharge at -1C until 2 V'", "positive"],
    ),
    "zero current": (
        {"exp.toml": step("Charge at 0 A until 4.05 V")},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1}:", "'Charge at 0 A until 4.05 V'", "positive"],
    ),
    "C/0": (
        {"exp.toml": step("Charge at C/0 until 4.05 V")},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1}:", "'Charge at C/0 until 4.05 V'"],
    ),
    "cut-off out of range": (
        {"exp.toml": step("Charge at C/10 until 41.5 V")},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1}:", "'Charge at C/10 until 41.5 V'", "cut-off"],
    ),
    "negative period": (
        {"exp.toml": experiment('period = "5 minutes"', 'period = "-5 minutes"')},
        ["exp.toml"],
        ["exp.toml:4:", "'period'", "-5 minutes"],
    ),
    "period not a time": (
        {"exp.toml": experiment('period = "5 minutes"', "period = true")},
        ["exp.toml"],
        ["exp.toml:4:", "'period'", "True"],
    ),
    "malformed experiment TOML": (
        {"exp.toml": experiment(FIRST_DISCHARGE + "]", FIRST_DISCHARGE)},
        ["exp.toml"],
        [f"exp.toml:{LINE_STEPS1 + 1}:", "not valid TOML"],
    ),
    "experiment not UTF-8": (
        {"exp.toml": experiment("temperature_C = 25", "temperature_C = 25  # \xb0C").encode("latin-1")},
        ["exp.toml"],
        [f"exp.toml:{LINE_TEMPERATURE}:", "UTF-8"],
    ),
    # command line
    "--set without =": (
        {},
        ["cutoff_sweep", "--set", SE],
        ["--set:", f"{SE!r}", "NAME=VALUE"],
    ),
    "--set not a number": (
        {},
        ["cutoff_sweep", "--set", f"{SE}=fast"],
        ["--set:", f"{SE!r}", "'fast'"],
    ),
    "--set unknown parameter": (
        {},
        ["cutoff_sweep", "--set", "SE conductivty [S.m-1]=0.2"],
        ["--set:", "'SE conductivty [S.m-1]'", f"did you mean {SE!r}"],
    ),
    "--set without the unit": (
        {},
        ["cutoff_sweep", "--set", "SE conductivity=0.2"],
        ["--set:", "'SE conductivity'", "wrong unit", f"{SE!r}"],
    ),
    "--set a unit on a unitless parameter": (
        {},
        ["cutoff_sweep", "--set", "Positive electrode porosity [-]=0.2"],
        ["--set:", "'Positive electrode porosity [-]'", "wrong unit", "'Positive electrode porosity'"],
    ),
    "--set out of range": (
        {},
        ["cutoff_sweep", "--set", "Positive electrode porosity=1.2"],
        ["--set:", "'Positive electrode porosity'", "1.2"],
    ),
    "--set not finite": (
        {},
        ["cutoff_sweep", "--set", f"{SE}=nan"],
        ["--set:", f"{SE!r}", "finite"],
    ),
    "--set derived parameter": (
        {},
        ["cutoff_sweep", "--set", "Nominal cell capacity [A.h]=1e-3"],
        ["--set:", "'Nominal cell capacity [A.h]'", "derived"],
    ),
    "--set breaks the mass balance": (
        {},
        ["cutoff_sweep", "--set", "Positive electrode carbon mass fraction=0.2"],
        ["--set:", "mass fraction", "sum to 1", "1.1"],
    ),
    "--set breaks the size distribution": (
        {},
        ["cutoff_sweep", "--option", "particle=distribution", "--set", "Positive particle minimum radius [m]=3e-6"],
        ["--set:Positive particle radius [m]:", "minimum < radius < maximum"],
    ),
    "--option needs a value that neither the set nor --set gives": (
        {},
        [
            "duchene2020_cycling",
            "-p",
            "duchene2020",
            "--option",
            "interphase growth=cracking",
            "--option",
            "active material loss=film isolation",
            "--set",
            "Positive electrode interphase cracking coefficient [m2.C-1]=3e-5",
            "--set",
            "Positive electrode isolating film resistance [Ohm.m2]=20",
        ],
        ["duchene2020.toml:Positive electrode film resistance spread:", "needed with", "film isolation"],
    ),
    "extends with an option that needs a value the set does not give": (
        {
            "cell.toml": 'description = "x"\nextends = "duchene2020"\n[options]\n"interphase growth" = "leaky"\n'
            '[parameters]\n"SE anion (0) product electronic conductivity [S.m-1]" = 0.0\n'
        },
        ["duchene2020_cycling", "-p", "cell.toml"],
        ["cell.toml:SE anion (1) product electronic conductivity [S.m-1]:", "SE anion (1) is incomplete"],
    ),
    "--set lower cut-off above the starting voltage": (
        {},
        ["cutoff_sweep", "--set", "Lower voltage cut-off [V]=2.5"],
        ["--set:Lower voltage cut-off [V]:", "2.5 V is above", "starting open-circuit voltage, 2.4 V"],
    ),
    "upper cut-off below the starting voltage": (
        {"cell.toml": cell('"Upper voltage cut-off [V]" = { value = 2.3, source = "estimate: x" }')},
        ["cutoff_sweep", "-p", "cell.toml"],
        ["cell.toml:Upper voltage cut-off [V]:", "2.3 V is below", "starting open-circuit voltage, 2.4 V"],
    ),
    "--option unknown": (
        {},
        ["cutoff_sweep", "--option", "particles=distribution"],
        ["--option:particles:", "unknown model option"],
    ),
    "--option unknown value": (
        {},
        ["cutoff_sweep", "--option", "cathode=layered"],
        ["--option:cathode:", "'layered'"],
    ),
    "--option not an integer": (
        {},
        ["cutoff_sweep", "--option", "radial points=many"],
        ["--option:radial points:", "'many'"],
    ),
    "--option without =": (
        {},
        ["cutoff_sweep", "--option", "resolved"],
        ["--option:", "'resolved'", "is not"],
    ),
    "missing experiment stem": (
        {},
        ["cutoff_sweeps"],
        ["cutoff_sweeps:", "no shipped experiment", "cutoff_sweep"],
    ),
    "missing experiment file": (
        {},
        ["protocols/cutoff.toml"],
        ["cutoff.toml:", "not found"],
    ),
    "missing parameter-set path": (
        {},
        ["cutoff_sweep", "-p", "sets/cellA.toml"],
        ["cellA.toml:", "not found"],
    ),
    "missing parameter-set stem": (
        {},
        ["cutoff_sweep", "-p", "asakura2002"],
        ["asakura2002:", "no shipped parameter set", "asakura2020"],
    ),
}

# run as a real process: these must not show a traceback either
SUBPROCESS = [
    "unknown parameter",
    "malformed TOML",
    "extends cycle",
    "parameter set not UTF-8",
    "misspelt instruction",
    "C/0",
    "--set not a number",
    "--set lower cut-off above the starting voltage",
    "--option unknown",
    "missing experiment stem",
]


def write(folder, files):
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def check(status, stderr, folder, fragments):
    """The contract: exit 2, one line, no traceback, specific, nothing written."""
    assert status == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), stderr
    line = lines[0]
    assert line.startswith("ssbsim: error: "), line
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    assert not (folder / "out").exists()
    assert not (folder / "results").exists()
    return line


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path, monkeypatch, capsys):
    files, argv, fragments = CASES[case]
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    status = main(["run", *argv, "-o", "out", "-q", "--no-figures"])
    captured = capsys.readouterr()
    assert captured.out == ""
    check(status, captured.err, tmp_path, fragments)


@pytest.mark.parametrize("case", SUBPROCESS)
def test_bad_input_command(case, tmp_path):
    files, argv, fragments = CASES[case]
    write(tmp_path, files)
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-m", "ssbsim", "run", *argv, "-o", "out", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout == ""
    check(done.returncode, done.stderr, tmp_path, fragments)


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["cutoff_sweep", "--set"], ["argument --set", "expected one argument", "(see ssbsim run --help)"]),
        (["cutoff_sweep", "--frobnicate"], ["unrecognized arguments: --frobnicate", "(see ssbsim --help)"]),
        ([], ["required: experiment", "(see ssbsim run --help)"]),
    ],
)
def test_bad_command_line(argv, fragments, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "ssbsim", "run", *argv, "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == ""
    check(done.returncode, done.stderr, tmp_path, fragments)
