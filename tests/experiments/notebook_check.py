"""Shared checks for the experiment notebooks (experiments/notebooks/*.ipynb).

    import notebook_check
    def test_stored(): notebook_check.check_stored("three_body.ipynb", min_plots=4)
    def test_runs(tmp_path): notebook_check.check_executes("three_body.ipynb", tmp_path, 4, 240)

A stored notebook must use only the public API (no `_core`), explain itself with LaTeX in
markdown, and keep nothing but its plots as outputs; executed top to bottom in a fresh
kernel it must raise nothing and draw at least `min_plots` plots.
"""
import os
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

_HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "experiments", "notebooks")


def _load(name):
    return nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)


def _plots(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if "image/png" in o.get("data", {})]


def check_stored(name, min_plots):
    nb = _load(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells)
    for cell in code:
        assert "_core" not in cell.source  # public API only
        for out in cell.outputs:  # only plots are stored
            assert out.output_type == "display_data" and list(out.data) == ["image/png"]
    assert sum(len(c.outputs) for c in code) >= min_plots


def check_executes(name, tmp_path, min_plots, timeout):
    nb = _load(name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    # the kernel inherits the environment: make it import the same acaode as this test
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_DATA_DIR", "data"),
                     ("IPYTHONDIR", "ipython")):  # writable places, also in a sandbox
        os.environ.setdefault(var, str(tmp_path / sub))
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    assert len(_plots(nb)) >= min_plots
