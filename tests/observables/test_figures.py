"""Saving a result's figures leaves a notebook's matplotlib alone: its backend and its
open pyplot figures."""

import matplotlib
import matplotlib.pyplot as plt


def test_save_keeps_the_backend_and_the_open_figures(rate, tmp_path):
    before = matplotlib.get_backend()
    try:
        matplotlib.use("svg")  # stands for a notebook's inline backend: anything but Agg
        mine = plt.figure()
        written = rate.save(tmp_path, figures=True)
        assert matplotlib.get_backend() == "svg"
        assert plt.get_fignums() == [mine.number] and plt.gcf() is mine
        pngs = sorted(p.name for p in written if p.suffix == ".png")
        assert pngs == [
            "capacity_efficiency.png",
            "dqdv.png",
            "interphase.png",
            "resistances.png",
            "voltage_capacity.png",
        ]
        for name in pngs:
            assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        plt.close("all")
        matplotlib.use(before)
