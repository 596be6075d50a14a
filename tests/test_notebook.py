"""The README's run flow in a real Jupyter kernel (issue 15): run -> summary -> save ->
plot. The figures still display after ``result.save()`` (which draws with matplotlib's
OO API and leaves the inline backend alone), ``import ssbsim`` and the run print nothing
on stderr (no tqdm "IProgress not found"), and the summary is an HTML table."""

import json
import sys

import pytest

from .test_readme import block

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs the test extra (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="the notebook test needs the test extra (nbclient)")
pytest.importorskip("ipykernel", reason="the notebook test needs the test extra (ipykernel)")

CELLS = [
    "import sys, matplotlib\nprint(sys.executable, matplotlib.get_backend())",
    block("result = ssbsim.run("),  # ends with result.save("out/")
    "result",
    'result.plot("voltage_capacity")',
    "import matplotlib.pyplot as plt\nplt.plot([0, 1], [3.0, 4.0])\nprint(matplotlib.get_backend())",
]


def run_notebook(folder, monkeypatch):
    """Execute CELLS in a fresh kernel of this interpreter (a kernel spec written into
    ``folder``, so no installed spec of another Python is picked), cwd ``folder``."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = folder / "kernels" / "ssbsim-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "ssbsim test", "language": "python"}))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own default: matplotlib-inline
    monkeypatch.setenv("PYBAMM_DISABLE_TELEMETRY", "true")
    specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
    km = KernelManager(kernel_name="ssbsim-test", kernel_spec_manager=specs)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in CELLS])
    client = nbclient.NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb.cells


def test_readme_run_flow_in_a_jupyter_kernel(tmp_path, monkeypatch):
    cells = run_notebook(tmp_path, monkeypatch)
    outputs = [cell.outputs for cell in cells]
    stderr = [o.text for out in outputs for o in out if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == []
    executable, backend = outputs[0][0].text.split()
    assert executable == sys.executable and backend == "module://matplotlib_inline.backend_inline"
    assert (tmp_path / "out" / "voltage_capacity.png").is_file()  # the save() ran before the plots below
    summary = outputs[2][0].data
    assert "<table" in summary["text/html"]
    after_save = [o for out in outputs[3:] for o in out if o.output_type in ("execute_result", "display_data")]
    assert len(after_save) == 2 and all("image/png" in o.data for o in after_save)  # ssbsim's figure, and pyplot's
    assert outputs[4][0].text.strip() == backend  # save() left the notebook's backend alone
