"""Measured spectra and circuit-fitted resistances as fit data (issue 10)."""

import numpy as np
import pytest

from ssbsim.data.spectrum import read_spectrum
from ssbsim.errors import InputError
from ssbsim.fit.problem import Dataset
from ssbsim.fit.spec import DataSpec

from ..conftest import SHARED_DATA, needs_third_party

PEIS = SHARED_DATA / "biologic_peis_impedance_py.mpt"


@needs_third_party
def test_reads_the_real_peis_file_per_area():
    z = read_spectrum(PEIS, area_cm2=2.0)
    assert len(z) == 43
    assert z["frequency_Hz"].is_monotonic_decreasing
    assert z["frequency_Hz"].iloc[0] == pytest.approx(1000.3201)
    assert z["z_real_ohm_cm2"].iloc[0] == pytest.approx(2 * 65.470886)
    assert z["z_imag_ohm_cm2"].iloc[0] == pytest.approx(-2 * 0.389990)
    with pytest.raises(InputError, match="area"):
        read_spectrum(PEIS)


def test_csv_spectrum_and_bad_columns(tmp_path):
    good = tmp_path / "z.csv"
    good.write_text("frequency_Hz,z_real_ohm_cm2,z_imag_ohm_cm2\n10,60,-5\n1000,55,-1\n")
    z = read_spectrum(good)
    assert z["frequency_Hz"].tolist() == [1000, 10]
    bad = tmp_path / "bad.csv"
    bad.write_text("f,re,im\n10,60,-5\n")
    with pytest.raises(InputError, match="frequency_Hz"):
        read_spectrum(bad)


@needs_third_party
def test_spectrum_dataset_compares_like_with_like(sweep_spectra_result):
    """A measured spectrum equal to the simulated one has zero residuals; 10 % larger, 10 / 1 %."""
    result = sweep_spectra_result
    part = result.impedance[result.impedance["spectrum"] == 3]
    spec = DataSpec(PEIS, "impedance", "cutoff_sweep", spectrum=3, area_cm2=1.0)
    data = Dataset(spec, "spec.toml")
    data.x = part["frequency_Hz"].to_numpy()
    z = part["z_real_ohm_cm2"].to_numpy() + 1j * part["z_imag_ohm_cm2"].to_numpy()
    data.values = np.concatenate([z.real, z.imag])
    data.sigma = np.tile(0.01 * np.abs(z), 2)
    data.low = data.high = np.full(len(data.values), np.nan)
    assert np.abs(data.residuals(result)).max() < 1e-9
    data.values = 1.1 * data.values
    r = data.residuals(result)
    assert np.all(np.abs(r) <= 10.0 + 1e-9) and np.abs(r).max() > 5


@pytest.fixture(scope="module")
def sweep_spectra_result():
    import ssbsim

    return ssbsim.run("cutoff_sweep")
