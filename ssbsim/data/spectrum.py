"""Measured impedance spectra: EC-Lab PEIS text exports (``.mpt``) and CSV files.

Returns ``frequency_Hz``, ``z_real_ohm_cm2``, ``z_imag_ohm_cm2`` (per geometric area,
negative imaginary part for a capacitive arc), highest frequency first. An ``.mpt`` file
gives Z in Ohm (``Re(Z)/Ohm``, ``-Im(Z)/Ohm``), so the cell area is needed; a CSV gives
``frequency_Hz`` and either ``z_real_ohm_cm2``/``z_imag_ohm_cm2`` or
``z_real_ohm``/``z_imag_ohm`` (with the area).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .textfile import numbers, read_csv

OUT = ["frequency_Hz", "z_real_ohm_cm2", "z_imag_ohm_cm2"]


def _per_area(real, imag, area_cm2, path):
    if area_cm2 is None:
        raise InputError(path, "impedance in Ohm: give the cell area (area_cm2) to make it per area")
    return real * area_cm2, imag * area_cm2


def read_spectrum(path, area_cm2=None):
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".mpt":
        from .biologic import read_mpt

        frame = read_mpt(path)
        needed = ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"]
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise InputError(path, f"not an impedance export: no column {missing[0]!r}")
        f = frame["freq/Hz"].to_numpy(float)
        real, imag = _per_area(frame["Re(Z)/Ohm"].to_numpy(float), -frame["-Im(Z)/Ohm"].to_numpy(float), area_cm2, path)
    elif suffix == ".csv":
        header, rows, lines = read_csv(path)
        col = {name: numbers([r[j] for r in rows], name, path, lines) for j, name in enumerate(header)}
        if "frequency_Hz" not in col:
            raise InputError(path, f"no 'frequency_Hz' column; the columns are: {', '.join(map(repr, header))}", 1)
        f = col["frequency_Hz"]
        if "z_real_ohm_cm2" in col and "z_imag_ohm_cm2" in col:
            real, imag = col["z_real_ohm_cm2"], col["z_imag_ohm_cm2"]
        elif "z_real_ohm" in col and "z_imag_ohm" in col:
            real, imag = _per_area(col["z_real_ohm"], col["z_imag_ohm"], area_cm2, path)
        else:
            raise InputError(path, "needs z_real_ohm_cm2 and z_imag_ohm_cm2 (or z_real_ohm and z_imag_ohm)", 1)
    else:
        raise InputError(path, f"unknown spectrum format {path.suffix!r} (known: .mpt, .csv)")
    if not len(f) or not (np.all(np.isfinite(f)) and np.all(f > 0)):
        raise InputError(path, "frequencies must be positive numbers")
    frame = pd.DataFrame({"frequency_Hz": f, "z_real_ohm_cm2": real, "z_imag_ohm_cm2": imag})
    frame = frame.sort_values("frequency_Hz", ascending=False, ignore_index=True)
    frame.attrs["source"] = str(path)
    return frame
