"""``ssbsim onset``: onset potentials of a voltammogram, or simulated against scan rate."""

import sys
from pathlib import Path

from ..errors import InputError
from ..outputs import check_output, owned_by, write_outputs
from .common import output_option, overwrite_option

ONSET_FILES = owned_by({"onsets.csv", "onset_vs_scan_rate.csv"})


def add(sub):
    onset = sub.add_parser(
        "onset",
        help="onset potentials of a voltammogram (two-line method)",
        description=(
            "Read FILE (ssbsim's voltammogram.csv, an EC-Lab .mpt/.mpr or a CSV time series), find the onsets of "
            "its anodic scans with the two-line method and write onsets.csv and onsets.png to OUTDIR; or, with "
            "--scan-rates, simulate linear sweeps of PARAMETER_SET at those rates and plot onset against scan rate."
        ),
    )
    onset.add_argument("file", nargs="?", default=None, help="voltammogram file")
    onset.add_argument("--area", type=float, default=None, help="electrode area [cm2] for a file that gives currents")
    onset.add_argument(
        "--scan-rates", default=None, metavar="R1,R2,...", help="simulate sweeps at these rates [uV/s] instead"
    )
    onset.add_argument("-p", "--parameter-set", default=None, help="with --scan-rates (default: asakura2020_se_carbon)")
    onset.add_argument("--temperature", type=float, default=60.0, help="with --scan-rates: [°C] (default 60)")
    output_option(onset, "results/onset_<FILE stem>, or results/onset_vs_scan_rate")
    overwrite_option(onset)
    onset.set_defaults(func=command)


def _write(outdir, table, csv_name, fig, png_name):
    """The table and its figure into ``outdir``, as a unit (``ssbsim/outputs.py``)."""
    from .. import atomic
    from ..observables.figures import save_png

    def write(folder):
        with atomic.atomic_path(folder / csv_name) as tmp:
            table.to_csv(tmp, index=False, float_format="%.4f")
        save_png(fig, folder / png_name)

    return write_outputs(outdir, write)


def command(args):
    if args.scan_rates:
        return _vs_scan_rate(args)
    if args.file is None:
        raise InputError("ssbsim onset", "give a voltammogram FILE, or --scan-rates")
    from ..data.voltammogram import read_voltammogram
    from ..observables import voltammetry
    from ..observables.onset import onset_table

    path = Path(args.file)
    if not path.is_file():
        raise InputError(path, "file not found")
    outdir = Path(args.output or f"results/onset_{path.stem}")
    check_output(outdir, ONSET_FILES, overwrite=args.overwrite)  # before the file is read
    frame = read_voltammogram(path, area_cm2=args.area)
    onsets = onset_table(frame)
    how = _write(outdir, onsets, "onsets.csv", voltammetry.figure(frame, onsets, path.name), "onsets.png")
    print(onsets.to_string(index=False, float_format="%.3f") if len(onsets) else "no onset found")
    print(f"ssbsim: wrote {outdir}/ (onsets.csv, onsets.png; {how})", file=sys.stderr)
    return 0


def _vs_scan_rate(args):
    from ..simulation.scan_rate import figure, onsets_vs_scan_rate

    try:
        rates = [float(r) for r in args.scan_rates.split(",")]
    except ValueError:
        raise InputError("--scan-rates", f"{args.scan_rates!r} is not a comma-separated list of numbers") from None
    if not rates or not all(r > 0 for r in rates):
        raise InputError("--scan-rates", "scan rates must be positive numbers (uV/s)")
    outdir = Path(args.output or "results/onset_vs_scan_rate")
    check_output(outdir, ONSET_FILES, overwrite=args.overwrite)  # before anything is simulated
    table = onsets_vs_scan_rate(rates, args.parameter_set or "asakura2020_se_carbon", temperature_C=args.temperature)
    measured = [(10.0, 3.45, "measured, 10 uV/s, 60 °C (Asakura 2020)"), (10.0, 4.20, "_nolegend_")]
    fig = figure(
        table, measured, f"{Path(str(args.parameter_set or 'asakura2020_se_carbon')).stem}, {args.temperature:g} °C"
    )
    how = _write(outdir, table, "onset_vs_scan_rate.csv", fig, "onset_vs_scan_rate.png")
    print(table.to_string(index=False, float_format="%.3f"))
    print(f"ssbsim: wrote {outdir}/ (onset_vs_scan_rate.csv, .png; {how})", file=sys.stderr)
    return 0
