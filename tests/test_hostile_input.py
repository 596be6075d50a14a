"""Hostile input and faults (issue 16): the contract holds for inputs nobody planned for.

Each case of ``CASES`` runs a whole command in-process and checks the contract: exit 2,
exactly one line on stderr naming the file (or option) and the key or line, no
traceback, nothing written (no output folder; a previous one untouched). The groups are
the ones of the closing note: parameter sets, experiment files, fit specs and data, study
specs, the command line and output paths. Signals and faults that need a real process
are in ``test_faults.py``.
"""

import os
import random
from pathlib import Path

import pytest

from ssbsim.cli import main
from ssbsim.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SE = "SE conductivity [S.m-1]"
T_AMB = "Ambient temperature [K]"
SHORT = (
    'description = "short"\ntemperature_C = 25\n[[block]]\nrepeat = 2\n'
    'steps = ["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]\n'
)
NO_TEMPERATURE = SHORT.replace("temperature_C = 25\n", "")
CURRENT_DRIVEN = NO_TEMPERATURE.replace("at 1C", "at 0.0001 A")
DISCHARGE_ONLY = NO_TEMPERATURE.replace('"Charge at 1C until 4.15 V", ', "")
DATA = "cycle,discharge_capacity_mAh_g\n1,100\n2,99\n"
FIT = (
    'description = "hostile"\nexperiment = "short.toml"\nparameter_set = "asakura2020"\nstarts = 1\n'
    '[[data]]\nfile = "data.csv"\nquantity = "discharge_capacity_mAh_g"\n'
    f'[fit."{SE}"]\nbounds = [0.01, 1.0]\n'
)
STUDY = f'experiment = "short.toml"\ndesign = "grid"\n[vary."{SE}"]\nvalues = [0.06, 0.24]\n'
PRIVATE = "root:$6$s3cr3tHash:19000:0:99999:7:::\ndaemon:*:19000\n"


def cell(*lines, head='description = "bad cell"\nextends = "asakura2020"'):
    """A parameter set extending Cell A; the first of ``lines`` is line 4."""
    return "\n".join([head, "[parameters]", *lines]) + "\n"


def nested(depth):
    return "x = " + "[" * depth + "]" * depth + "\n"


def fit(old="", new="", data=DATA, **files):
    text = FIT.replace(old, new, 1) if old else FIT
    return {"short.toml": SHORT, "data.csv": data, "fit.toml": text, **files}


def study(old="", new="", experiment=SHORT, extra=""):
    text = (STUDY.replace(old, new, 1) if old else STUDY) + extra
    return {"short.toml": experiment, "study.toml": text}


def chain(n):
    """n parameter sets, each extending the next; the last extends Cell A."""
    files = {f"c{k}.toml": f'extends = "c{k + 1}.toml"\n' for k in range(n - 1)}
    files[f"c{n - 1}.toml"] = 'extends = "asakura2020"\n'
    return files


FIFO = object()  # a file entry that becomes a named pipe
FOLDER = object()  # a file entry that becomes a folder
RUN = ["run", "short.toml", "-o", "out", "-q", "--no-figures"]
FIT_CMD = ["fit", "fit.toml", "-o", "out", "--no-figures"]
STUDY_CMD = ["study", "study.toml", "-o", "out", "-q"]

# id -> (group, files, argv, fragments of the one-line message)
CASES = {
    # --- parameter sets ------------------------------------------------------------------
    "param: description not text": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell().replace('"bad cell"', "5")},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:1:", "'description' must be text"],
    ),
    "param: anion the SE does not have": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell('"SE anion (99) decomposition rate constant [A.m-2]" = 1e-3')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", "SE anion (99)", "ignored"],
    ),
    "param: MSMR reaction the set does not have": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell('"Positive electrode host site ideality factor (7)" = 1.0')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", "(7)", "ignored"],
    ),
    "param: BOM before an unknown key": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": "\ufeff" + cell('"SE conductivty [S.m-1]" = 0.1')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", "unknown parameter 'SE conductivty [S.m-1]'"],
    ),
    "param: extends chain of 1500 files": (
        "parameter sets",
        {"short.toml": SHORT, **chain(1500)},
        [*RUN, "-p", "c0.toml"],
        ["c32.toml:1:", "'extends'", "limit", "--limit extends="],
    ),
    "param: arrays nested 5000 deep": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": nested(5000)},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "nested too deeply"],
    ),
    "param: a folder": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": FOLDER},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "is a folder, not a file"],
    ),
    "param: a FIFO": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": FIFO},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "not a regular file"],
    ),
    "param: a device": (
        "parameter sets",
        {"short.toml": SHORT},
        [*RUN, "-p", "/dev/zero"],
        ["/dev/zero:", "not a regular file"],
    ),
    "param: dangling symlink": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": Path("gone.toml")},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "dangling symbolic link"],
    ),
    "param: value inf": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = inf')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "finite"],
    ),
    "param: value nan": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = nan')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "finite"],
    ),
    "param: value 1e400": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = 1e400')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "finite"],
    ),
    "param: value a boolean": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = true')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "number"],
    ),
    "param: value an array": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = [0.1, 0.2]')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "number"],
    ),
    "param: value a date": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = 2020-01-01')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "number"],
    ),
    "param: source a number": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = {{ value = 0.1, source = 5 }}')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", SE, "source must be text"],
    ),
    "param: parameters not a table": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "asakura2020"\nparameters = 5\n'},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:2:", "'parameters' must be a table"],
    ),
    "param: options not a table": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "asakura2020"\noptions = "fast"\n'},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:2:", "'options' must be a table"],
    ),
    "param: extends an empty name": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = ""\n'},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:1:", "'extends'"],
    ),
    "param: extends an experiment file": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "short.toml"\n'},
        [*RUN, "-p", "cell.toml"],
        ["short.toml:", "unknown key"],
    ),
    "param: extends a folder": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "sets.toml"\n', "sets.toml": FOLDER},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:1:", "'extends'", "folder"],
    ),
    "param: anions list of numbers": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "asakura2020"\nanions = [1, 2]\n'},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:2:", "'anions'"],
    ),
    "param: radial points = 1": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "asakura2020"\n[options]\n"radial points" = 1\n'},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:radial points:", "at least 3"],
    ),
    "param: a million size bins": (
        "parameter sets",
        {
            "short.toml": SHORT,
            "cell.toml": 'extends = "asakura2020"\n[options]\nparticle = "distribution"\n'
            '"particle size bins" = 1000000\n',
        },
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:particle size bins:", "limit", "--limit bins="],
    ),
    "param: a million radial points": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": 'extends = "asakura2020"\n[options]\n"radial points" = 1000000\n'},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:radial points:", "limit", "--limit mesh="],
    ),
    "param: empty file": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": ""},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "missing required parameter"],
    ),
    "param: binary garbage": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": bytes(range(256))},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "UTF-8"],
    ),
    "param: table declared twice": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{SE}" = 0.1', "[parameters]")},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:5:", "not valid TOML"],
    ),
    "param: a control character in a key": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell('"SE\\u0007conductivity [S.m-1]" = 0.1')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:", "unknown parameter"],
    ),
    "param: a 100 kB key": (
        "parameter sets",
        {"short.toml": SHORT, "cell.toml": cell(f'"{"x" * 100_000}" = 0.1')},
        [*RUN, "-p", "cell.toml"],
        ["cell.toml:4:", "unknown parameter"],
    ),
    # --- experiment files ----------------------------------------------------------------
    "exp: repeat = 10^9": (
        "experiment files",
        {"short.toml": SHORT.replace("repeat = 2", "repeat = 1000000000")},
        RUN,
        ["short.toml:3:", "block 1", "limit", "--limit cycles="],
    ),
    "exp: 5000 blocks of 5 cycles": (
        "experiment files",
        {
            "short.toml": SHORT.replace("repeat = 2", "repeat = 5")
            + SHORT.split("\n", 2)[2].replace("repeat = 2", "repeat = 5") * 4999
        },
        RUN,
        ["short.toml:", "block 4001", "limit", "--limit cycles="],
    ),
    "exp: period = 0.001 seconds": (
        "experiment files",
        {"short.toml": SHORT.replace("temperature_C = 25", 'temperature_C = 25\nperiod = "0.001 seconds"')},
        RUN,
        ["short.toml:3:", "'period'", "limit", "--limit points="],
    ),
    "exp: a 10^6-hour rest": (
        "experiment files",
        {"short.toml": SHORT.replace('"Discharge', '"Rest for 1000000 hours", "Discharge')},
        RUN,
        ["short.toml:", "limit", "--limit points="],
    ),
    "exp: power step": (
        "experiment files",
        {"short.toml": SHORT.replace("Discharge at 1C", "Discharge at 0.001 W")},
        RUN,
        ["short.toml:5:", "'Discharge at 0.001 W until 2.5 V'", "power steps are not supported"],
    ),
    "exp: resistance step": (
        "experiment files",
        {"short.toml": SHORT.replace("Discharge at 1C", "Discharge at 1000 Ohm")},
        RUN,
        ["short.toml:5:", "resistance steps are not supported"],
    ),
    "exp: BOM before a bad step": (
        "experiment files",
        {"short.toml": "\ufeff" + SHORT.replace("4.15 V", "4.15")},
        RUN,
        ["short.toml:5:", "'Charge at 1C until 4.15'"],
    ),
    "exp: description not text": (
        "experiment files",
        {"short.toml": SHORT.replace('"short"', "5")},
        RUN,
        ["short.toml:1:", "'description' must be text"],
    ),
    "exp: a FIFO": ("experiment files", {"short.toml": FIFO}, RUN, ["short.toml:", "not a regular file"]),
    "exp: a folder": ("experiment files", {"short.toml": FOLDER}, RUN, ["short.toml:", "is a folder"]),
    "exp: a device": (
        "experiment files",
        {},
        ["run", "/dev/null", "-o", "out", "-q"],
        ["/dev/null:", "not a regular file"],
    ),
    "exp: nested 5000 deep": (
        "experiment files",
        {"short.toml": nested(5000)},
        RUN,
        ["short.toml:", "nested too deeply"],
    ),
    "exp: steps a string": (
        "experiment files",
        {
            "short.toml": SHORT.replace(
                '["Charge at 1C until 4.15 V", "Discharge at 1C until 2.5 V"]', '"Rest for 1 hour"'
            )
        },
        RUN,
        ["short.toml:3:", "'steps'"],
    ),
    "exp: block a number": (
        "experiment files",
        {"short.toml": "block = 5\n"},
        RUN,
        ["short.toml:", "[[block]]"],
    ),
    "exp: temperature_C nan": (
        "experiment files",
        {"short.toml": SHORT.replace("temperature_C = 25", "temperature_C = nan")},
        RUN,
        ["short.toml:2:", "'temperature_C'"],
    ),
    "exp: temperature_C inf": (
        "experiment files",
        {"short.toml": SHORT.replace("temperature_C = 25", "temperature_C = inf")},
        RUN,
        ["short.toml:2:", "'temperature_C'"],
    ),
    "exp: repeat = 0": (
        "experiment files",
        {"short.toml": SHORT.replace("repeat = 2", "repeat = 0")},
        RUN,
        ["short.toml:3:", "'repeat'"],
    ),
    "exp: repeat a huge integer": (
        "experiment files",
        {"short.toml": SHORT.replace("repeat = 2", "repeat = 9223372036854775807")},
        RUN,
        ["short.toml:3:", "limit"],
    ),
    "exp: a 10 kB step": (
        "experiment files",
        {"short.toml": SHORT.replace("Charge at 1C", "Charge at 1C " + "x" * 10_000)},
        RUN,
        ["short.toml:5:", "step"],
    ),
    "exp: unicode step": (
        "experiment files",
        {"short.toml": SHORT.replace("Charge at 1C", "Chärge ät 1C \u202e")},
        RUN,
        ["short.toml:5:", "step"],
    ),
    "exp: period zero": (
        "experiment files",
        {"short.toml": SHORT.replace("temperature_C = 25", 'temperature_C = 25\nperiod = "0 minutes"')},
        RUN,
        ["short.toml:3:", "'period'"],
    ),
    "exp: rest for nan hours": (
        "experiment files",
        {"short.toml": SHORT.replace('"Discharge', '"Rest for nan hours", "Discharge')},
        RUN,
        ["short.toml:5:", "'Rest for nan hours'"],
    ),
    "exp: cutoff outside the cell's window": (
        "experiment files",
        {"short.toml": SHORT.replace("4.15 V", "9.5 V")},
        RUN,
        ["short.toml:5:", "9.5 V is outside the cell's voltage window"],
    ),
    "exp: steps of mixed types": (
        "experiment files",
        {"short.toml": SHORT.replace('"Discharge at 1C until 2.5 V"', "{ a = 1 }")},
        RUN,
        ["short.toml:", "step"],
    ),
    "exp: a parameter set given as the experiment": (
        "experiment files",
        {"cell.toml": cell()},
        ["run", "cell.toml", "-o", "out", "-q"],
        ["cell.toml:", "unknown key"],
    ),
    # --- fit specs and data --------------------------------------------------------------
    "fit: weight = inf": (
        "fit specs and data",
        fit('quantity = "discharge_capacity_mAh_g"\n', 'quantity = "discharge_capacity_mAh_g"\nweight = inf\n'),
        FIT_CMD,
        ["fit.toml:5:", "'weight'", "inf"],
    ),
    "fit: weight = nan": (
        "fit specs and data",
        fit('quantity = "discharge_capacity_mAh_g"\n', 'quantity = "discharge_capacity_mAh_g"\nweight = nan\n'),
        FIT_CMD,
        ["fit.toml:5:", "'weight'", "nan"],
    ),
    "fit: weight = 0": (
        "fit specs and data",
        fit('quantity = "discharge_capacity_mAh_g"\n', 'quantity = "discharge_capacity_mAh_g"\nweight = 0\n'),
        FIT_CMD,
        ["fit.toml:5:", "'weight'"],
    ),
    "fit: all data empty": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_g\n1,\n2,\n"),
        FIT_CMD,
        ["fit.toml:5:", "data.csv", "no values"],
    ),
    "fit: an inf data value": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_g\n1,100\n2,inf\n"),
        FIT_CMD,
        ["data.csv:3:", "'discharge_capacity_mAh_g'", "finite"],
    ),
    "fit: conflicting duplicate cycle rows": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_g\n1,100\n2,99\n1,80\n"),
        FIT_CMD,
        ["data.csv:4:", "cycle 1 appears again", "line 2"],
    ),
    "fit: a private file as data": (
        "fit specs and data",
        fit(data=PRIVATE),
        FIT_CMD,
        ["data.csv:1:", "none of the known columns"],
    ),
    "fit: a private file as a time series": (
        "fit specs and data",
        fit('file = "data.csv"\nquantity = "discharge_capacity_mAh_g"', 'file = "v.csv"\nquantity = "voltage"')
        | {"v.csv": PRIVATE},
        FIT_CMD,
        ["v.csv:1:", "none of the known columns"],
    ),
    "fit: data file a folder": (
        "fit specs and data",
        fit(data=FOLDER),
        FIT_CMD,
        ["fit.toml:5:", "data.csv", "is a folder"],
    ),
    "fit: data file a FIFO": (
        "fit specs and data",
        fit(data=FIFO),
        FIT_CMD,
        ["fit.toml:5:", "data.csv", "not a regular file"],
    ),
    "fit: data file missing": (
        "fit specs and data",
        fit('"data.csv"', '"missing.csv"'),
        FIT_CMD,
        ["fit.toml:5:", "missing.csv", "not found"],
    ),
    "fit: --starts 0": ("fit specs and data", fit(), [*FIT_CMD, "--starts", "0"], ["--starts:", "at least 1"]),
    "fit: --starts -5": ("fit specs and data", fit(), [*FIT_CMD, "--starts", "-5"], ["--starts:", "at least 1"]),
    "fit: --starts 100000": (
        "fit specs and data",
        fit(),
        [*FIT_CMD, "--starts", "100000"],
        ["--starts:", "limit", "--limit starts="],
    ),
    "fit: starts = 10^6 in the spec": (
        "fit specs and data",
        fit("starts = 1", "starts = 1000000"),
        FIT_CMD,
        ["fit.toml:4:", "'starts'", "limit"],
    ),
    "fit: starts = 0 in the spec": (
        "fit specs and data",
        fit("starts = 1", "starts = 0"),
        FIT_CMD,
        ["fit.toml:4:", "'starts'"],
    ),
    "fit: description not text": (
        "fit specs and data",
        fit('description = "hostile"', "description = 5"),
        FIT_CMD,
        ["fit.toml:1:", "'description' must be text"],
    ),
    "fit: ambient temperature fixed by the experiment": (
        "fit specs and data",
        fit(f'[fit."{SE}"]\nbounds = [0.01, 1.0]', f'[fit."{T_AMB}"]\nbounds = [280, 340]'),
        FIT_CMD,
        ["fit.toml:", T_AMB, "temperature_C = 25", "protocol: temperature"],
    ),
    "fit: an interphase parameter without the interphase": (
        "fit specs and data",
        fit(
            f'[fit."{SE}"]\nbounds = [0.01, 1.0]',
            '[options]\ninterphase = "none"\n[fit."SE anion (0) decomposition rate constant [A.m-2]"]\n'
            "bounds = [1e-5, 1e-1]",
        ),
        FIT_CMD,
        ["fit.toml:", "interphase = none", "does not use"],
    ),
    "fit: bounds to inf": (
        "fit specs and data",
        fit("bounds = [0.01, 1.0]", "bounds = [0.01, inf]"),
        FIT_CMD,
        ["fit.toml:8:", SE, "finite"],
    ),
    "fit: bounds as text": (
        "fit specs and data",
        fit("bounds = [0.01, 1.0]", 'bounds = ["0.01", "1"]'),
        FIT_CMD,
        ["fit.toml:8:", "'bounds'"],
    ),
    "fit: data cycle 0": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_g\n0,100\n"),
        FIT_CMD,
        ["data.csv:2:", "'cycle'"],
    ),
    "fit: data cycle 1.5": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_g\n1.5,100\n"),
        FIT_CMD,
        ["data.csv:", "'cycle'", "whole number"],
    ),
    "fit: data beyond the experiment": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_g\n1,100\n9,99\n"),
        FIT_CMD,
        ["fit.toml:", "cycle 9", "2 cycles"],
    ),
    "fit: misspelt data column": (
        "fit specs and data",
        fit(data="cycle,discharge_capacity_mAh_gg\n1,100\n"),
        FIT_CMD,
        ["data.csv:1:", "did you mean 'discharge_capacity_mAh_g'"],
    ),
    "fit: time series with an unknown suffix": (
        "fit specs and data",
        fit('file = "data.csv"\nquantity = "discharge_capacity_mAh_g"', 'file = "v.txt"\nquantity = "voltage"')
        | {"v.txt": "time_s,voltage_V,current_A\n0,3,0\n"},
        FIT_CMD,
        ["v.txt:", "unknown time-series format"],
    ),
    "fit: time series with inf voltage": (
        "fit specs and data",
        fit('file = "data.csv"\nquantity = "discharge_capacity_mAh_g"', 'file = "v.csv"\nquantity = "voltage"')
        | {"v.csv": "time_s,voltage_V,current_A\n0,3,0\n1,inf,0\n"},
        FIT_CMD,
        ["v.csv:3:", "finite"],
    ),
    "fit: spec nested 5000 deep": (
        "fit specs and data",
        {"fit.toml": nested(5000)},
        FIT_CMD,
        ["fit.toml:", "nested too deeply"],
    ),
    "fit: spec a folder": ("fit specs and data", {"fit.toml": FOLDER}, FIT_CMD, ["fit.toml:", "is a folder"]),
    "fit: spec a FIFO": ("fit specs and data", {"fit.toml": FIFO}, FIT_CMD, ["fit.toml:", "not a regular file"]),
    "fit: spec with a BOM and a typo": (
        "fit specs and data",
        fit('description = "hostile"', '\ufeffdescriptio = "hostile"'),
        FIT_CMD,
        ["fit.toml:1:", "unknown key 'descriptio'"],
    ),
    "fit: -o an existing file": (
        "fit specs and data",
        fit() | {"taken": "mine"},
        ["fit", "fit.toml", "-o", "taken"],
        ["-o:", "taken exists and is not a folder"],
    ),
    # --- study specs ---------------------------------------------------------------------
    "study: ambient temperature fixed by the experiment": (
        "study specs",
        study(SE, T_AMB, extra="").copy()
        | {"study.toml": STUDY.replace(SE, T_AMB).replace("[0.06, 0.24]", "[263.0, 298.0, 353.0]")},
        STUDY_CMD,
        ["study.toml:3:", T_AMB, "temperature_C = 25", "protocol: temperature [C]"],
    ),
    "study: ambient and protocol temperature": (
        "study specs",
        {
            "short.toml": NO_TEMPERATURE,
            "study.toml": STUDY.replace(SE, T_AMB).replace("[0.06, 0.24]", "[263.0, 353.0]")
            + '[vary."protocol: temperature [C]"]\nvalues = [25.0, 60.0]\n',
        },
        STUDY_CMD,
        ["study.toml:3:", T_AMB, "'protocol: temperature [C]' is varied too"],
    ),
    "study: C-rate of a current-driven protocol": (
        "study specs",
        study(experiment=CURRENT_DRIVEN, extra='[vary."protocol: C-rate"]\nvalues = [0.1, 1.0]\n'),
        STUDY_CMD,
        ["study.toml:5:", "'protocol: C-rate'", "nothing would vary"],
    ),
    "study: upper cutoff of a protocol without charge": (
        "study specs",
        study(experiment=DISCHARGE_ONLY, extra='[vary."protocol: upper cutoff [V]"]\nvalues = [4.1, 4.2]\n'),
        STUDY_CMD,
        ["study.toml:5:", "'protocol: upper cutoff [V]'", "nothing would vary"],
    ),
    "study: an interphase parameter without the interphase": (
        "study specs",
        study(SE, "SE anion (1) decomposition rate constant [A.m-2]").copy()
        | {
            "study.toml": STUDY.replace(SE, "SE anion (1) decomposition rate constant [A.m-2]").replace(
                "[0.06, 0.24]", "[0.001, 0.1]"
            )
            + '[options]\ninterphase = "none"\n'
        },
        STUDY_CMD,
        ["study.toml:3:", "interphase = none", "does not use", "nothing would change"],
    ),
    "study: a 1000 x 1000 grid": (
        "study specs",
        study(
            "values = [0.06, 0.24]",
            "range = [0.01, 1.0]\npoints = 1000",
            extra='[vary."protocol: upper cutoff [V]"]\nrange = [4.0, 4.3]\npoints = 1000\n',
        ),
        STUDY_CMD,
        ["study.toml:2:", "1,000,000", "limit", "--limit cases="],
    ),
    "study: a grid with 10^9 points": (
        "study specs",
        study("values = [0.06, 0.24]", "range = [0.01, 1.0]\npoints = 1000000000"),
        STUDY_CMD,
        ["study.toml:2:", "limit", "--limit cases="],
    ),
    "study: a 1.2-million-case Sobol design": (
        "study specs",
        {
            "short.toml": SHORT,
            "study.toml": 'experiment = "short.toml"\ndesign = "sobol"\nsamples = 100000\n'
            + "".join(
                f'[vary."{name}"]\nrange = [{lo}, {hi}]\n'
                for name, lo, hi in [
                    (SE, 0.01, 1.0),
                    ("protocol: upper cutoff [V]", 4.0, 4.3),
                    ("protocol: C-rate", 0.1, 1.0),
                    ("SE density [kg.m-3]", 1000, 1200),
                    ("Positive electrode porosity", 0.1, 0.3),
                    ("Na metal exchange-current density [A.m-2]", 1, 10),
                    ("Positive electrode electrochemically active fraction", 0.5, 1.0),
                    ("Positive particle diffusivity [m2.s-1]", 1e-16, 1e-14),
                    ("Separator thickness [m]", 1e-4, 1e-3),
                    ("protocol: temperature [C]", 20, 60),
                ]
            ),
        },
        STUDY_CMD,
        ["study.toml:2:", "1,200,000", "limit"],
    ),
    "study: 10^7 latin hypercube samples": (
        "study specs",
        study(
            'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.06, 0.24]',
            f'design = "latin_hypercube"\nsamples = 10000000\n[vary."{SE}"]\nrange = [0.01, 1.0]',
        ),
        STUDY_CMD,
        ["study.toml:2:", "limit"],
    ),
    "study: samples = 1": (
        "study specs",
        study(
            'design = "grid"\n[vary."SE conductivity [S.m-1]"]\nvalues = [0.06, 0.24]',
            f'design = "sobol"\nsamples = 1\n[vary."{SE}"]\nrange = [0.01, 1.0]',
        ),
        STUDY_CMD,
        ["study.toml:3:", "'samples'"],
    ),
    "study: description not text": (
        "study specs",
        study(extra="").copy() | {"study.toml": "description = 5\n" + STUDY},
        STUDY_CMD,
        ["study.toml:1:", "'description' must be text"],
    ),
    "study: spec a FIFO": ("study specs", {"study.toml": FIFO}, STUDY_CMD, ["study.toml:", "not a regular file"]),
    "study: spec a folder": ("study specs", {"study.toml": FOLDER}, STUDY_CMD, ["study.toml:", "is a folder"]),
    "study: spec nested 5000 deep": (
        "study specs",
        {"study.toml": nested(5000)},
        STUDY_CMD,
        ["study.toml:", "nested too deeply"],
    ),
    "study: -o an existing file": (
        "study specs",
        study() | {"taken": "mine"},
        ["study", "study.toml", "-o", "taken", "-q"],
        ["-o:", "taken exists and is not a folder"],
    ),
    "study: -o a folder of other files": (
        "study specs",
        study() | {"taken/thesis.tex": "mine"},
        ["study", "study.toml", "-o", "taken", "-q"],
        ["-o:", "'thesis.tex'", "choose another folder"],
    ),
    "study: a C-rate of 0.001 over a slow protocol": (
        "study specs",
        study(
            experiment=SHORT.replace("repeat = 2", "repeat = 20"),
            extra='[vary."protocol: C-rate"]\nrange = [0.001, 1.0]\npoints = 3\n',
        ),
        STUDY_CMD,
        ["study.toml:5:", "limit", "--limit points="],
    ),
    "study: a million workers": (
        "study specs",
        study(),
        [*STUDY_CMD, "--workers", "1000000"],
        ["--workers:", "limit", "--limit workers="],
    ),
    "study: malformed --scheduler": (
        "study specs",
        study(),
        [*STUDY_CMD, "--scheduler", "not a scheduler://"],
        ["--scheduler:", "'not a scheduler://'"],
    ),
    "study: unreachable --scheduler": (
        "study specs",
        study(),
        [*STUDY_CMD, "--scheduler", "tcp://127.0.0.1:9"],
        ["--scheduler:", "'tcp://127.0.0.1:9'"],
    ),
    "study: vary a parameter of an anion the SE lacks": (
        "study specs",
        study(SE, "SE anion (9) decomposition rate constant [A.m-2]"),
        STUDY_CMD,
        ["study.toml:3:", "SE anion (9)"],
    ),
    # --- the command line ----------------------------------------------------------------
    "cli: --limit unknown name": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--limit", "speed=2"],
        ["--limit:", "'speed=2'"],
    ),
    "cli: --limit not a number": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--limit", "cycles=many"],
        ["--limit:", "'cycles'", "'many'"],
    ),
    "cli: --limit zero": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--limit", "cycles=0"],
        ["--limit:", "'cycles'"],
    ),
    "cli: --limit lower than the work": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--limit", "cycles=1"],
        ["short.toml:3:", "limit of 1", "--limit cycles="],
    ),
    "cli: --set an anion the SE lacks": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--set", "SE anion (5) decomposition rate constant [A.m-2]=1e-3"],
        ["--set:", "SE anion (5)", "ignored"],
    ),
    "cli: --set 1e999": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--set", f"{SE}=1e999"],
        ["--set:", SE, "finite"],
    ),
    "cli: --set -inf": ("command line", {"short.toml": SHORT}, [*RUN, "--set", f"{SE}=-inf"], ["--set:", SE]),
    "cli: --set with an empty name": ("command line", {"short.toml": SHORT}, [*RUN, "--set", "=5"], ["--set:", "'=5'"]),
    "cli: --option radial points=1": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--option", "radial points=1"],
        ["--option:radial points:", "at least 3"],
    ),
    "cli: --option radial points=0": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--option", "radial points=0"],
        ["--option:radial points:", "at least 3"],
    ),
    "cli: --option radial points=2": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--option", "radial points=2"],
        ["--option:radial points:", "at least 3"],
    ),
    "cli: --option one size bin": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--option", "particle=distribution", "--option", "particle size bins=1"],
        ["--option:particle size bins:", "at least 2"],
    ),
    "cli: --option a million size bins": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--option", "particle=distribution", "--option", "particle size bins=1000000"],
        ["--option:particle size bins:", "--limit bins="],
    ),
    "cli: --option 10^5 through-thickness points": (
        "command line",
        {"short.toml": SHORT},
        [*RUN, "--option", "cathode=resolved", "--option", "through-thickness points=100000"],
        ["--option:through-thickness points:", "--limit mesh="],
    ),
    "cli: shell metacharacters in a name": (
        "command line",
        {},
        ["run", "$(touch pwned); `touch pwned`.toml", "-o", "out", "-q"],
        ["not found"],
    ),
    "cli: a newline in a path": ("command line", {}, ["run", "a\nb.toml", "-o", "out", "-q"], ["not found"]),
    "cli: a path too long": ("command line", {}, ["run", "x" * 5000 + ".toml", "-o", "out", "-q"], ["cannot read"]),
    "cli: an empty experiment name": ("command line", {}, ["run", "", "-o", "out", "-q"], ["no shipped experiment"]),
    "cli: a fit spec stem that does not exist": (
        "command line",
        {},
        ["fit", "nope", "-o", "out"],
        ["nope:", "no shipped fit spec"],
    ),
    "cli: a study stem that does not exist": (
        "command line",
        {},
        ["study", "nope", "-o", "out"],
        ["nope:", "no shipped study"],
    ),
    # --- output paths --------------------------------------------------------------------
    "out: -o an existing file": (
        "output paths",
        {"short.toml": SHORT, "taken": "mine"},
        ["run", "short.toml", "-o", "taken", "-q"],
        ["-o:", "taken exists and is not a folder"],
    ),
    "out: -o below a file": (
        "output paths",
        {"short.toml": SHORT, "taken": "mine"},
        ["run", "short.toml", "-o", "taken/out", "-q"],
        ["-o:", "taken is not a folder"],
    ),
    "out: -o /dev/null": (
        "output paths",
        {"short.toml": SHORT},
        ["run", "short.toml", "-o", "/dev/null", "-q"],
        ["-o:", "/dev/null exists and is not a folder"],
    ),
    "out: -o a dangling symlink": (
        "output paths",
        {"short.toml": SHORT, "link": Path("nowhere")},
        ["run", "short.toml", "-o", "link", "-q"],
        ["-o:", "link is a dangling symbolic link"],
    ),
    "out: -o a folder of other files": (
        "output paths",
        {"short.toml": SHORT, "taken/thesis.tex": "mine", "taken/cycles.csv": "old"},
        ["run", "short.toml", "-o", "taken", "-q"],
        ["-o:", "'thesis.tex'", "choose another folder"],
    ),
    "out: -o a folder with a hidden repository": (
        "output paths",
        {"short.toml": SHORT, "taken/.git/HEAD": "ref"},
        ["run", "short.toml", "-o", "taken", "-q"],
        ["-o:", "'.git'"],
    ),
    "out: -o the current folder": (
        "output paths",
        {"short.toml": SHORT},
        ["run", "short.toml", "-o", ".", "-q"],
        ["-o:", ". is the current folder"],
    ),
    "out: -o the parent folder": (
        "output paths",
        {"short.toml": SHORT},
        ["run", "short.toml", "-o", "..", "-q"],
        ["-o:", ".. is the current folder or holds it"],
    ),
    "out: -o the root": (
        "output paths",
        {"short.toml": SHORT},
        ["run", "short.toml", "-o", "/", "-q"],
        ["-o:", "/ is the current folder or holds it"],
    ),
    "out: -o /proc": (
        "output paths",
        {"short.toml": SHORT},
        ["run", "short.toml", "-o", "/proc/self", "-q"],
        ["-o:", "/proc/self holds files ssbsim did not write"],
    ),
    "out: -o below a device": (
        "output paths",
        {"short.toml": SHORT},
        ["run", "short.toml", "-o", "/dev/null/out", "-q"],
        ["-o:", "/dev/null is not a folder"],
    ),
}

GROUPS = sorted({group for group, *_ in CASES.values()})


def make(folder, files):
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is FIFO:
            os.mkfifo(path)
        elif content is FOLDER:
            path.mkdir()
        elif isinstance(content, Path):
            path.symlink_to(content)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
        if not p.is_symlink() and not p.is_fifo() and p.is_file()
    }


def contract(status, stderr, fragments):
    """Exit 2, one line, no traceback, naming what is at fault."""
    assert status == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("ssbsim: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input(case, tmp_path, monkeypatch, capsys):
    _, files, argv, fragments = CASES[case]
    make(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SSBSIM_SCHEDULER_TIMEOUT", "2")
    before = snapshot(tmp_path)
    status = main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    line = contract(status, captured.err, fragments)
    assert "s3cr3t" not in line  # the content of a file given as data is never echoed
    assert snapshot(tmp_path) == before, "nothing may be written or changed"
    assert not (tmp_path / "pwned").exists()


def test_every_group_has_cases():
    counts = {g: sum(1 for group, *_ in CASES.values() if group == g) for g in GROUPS}
    assert all(n >= 8 for n in counts.values()), counts


# --- property-style: random damage to a parameter set or an experiment -------------------


def _mutations(text, rng, n):
    """``n`` damaged copies of ``text``: characters deleted, duplicated, swapped for
    quotes, brackets, digits or '=', lines dropped or repeated."""
    alphabet = '"[]{}=.,#\\\n0123456789e-+ xV'
    for _ in range(n):
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars))
            op = rng.randrange(4)
            if op == 0:
                del chars[i]
            elif op == 1:
                chars.insert(i, rng.choice(alphabet))
            elif op == 2:
                chars[i] = rng.choice(alphabet)
            else:
                lines = "".join(chars).splitlines(keepends=True)
                k = rng.randrange(len(lines))
                lines.insert(k, lines[k]) if rng.random() < 0.5 else lines.pop(k)
                chars = list("".join(lines))
        yield "".join(chars)


@pytest.mark.parametrize("kind", ["parameter set", "experiment"])
def test_random_damage_is_refused_in_one_line_or_accepted(kind, tmp_path):
    """Every damaged file either loads or raises InputError naming the file: never
    another exception (a traceback from the command)."""
    import ssbsim

    rng = random.Random(16)
    if kind == "parameter set":
        text = cell(f'"{SE}" = {{ value = 0.12, source = "doi:x" }}', '"SE density [kg.m-3]" = 1100')
        load = ssbsim.load_parameter_set
    else:
        text = SHORT.replace("temperature_C = 25", 'temperature_C = 25\nperiod = "5 minutes"')
        load = ssbsim.load_experiment
    refused = 0
    for n, damaged in enumerate(_mutations(text, rng, 60)):
        path = tmp_path / f"d{n}.toml"
        path.write_text(damaged)
        try:
            load(path)
        except InputError as err:
            refused += 1
            assert str(err).startswith(str(path)) and "\n" not in str(err)
    assert refused >= 20  # most damage is caught
