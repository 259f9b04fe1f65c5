"""experiments/notebooks/three_body.ipynb: runs top to bottom in a fresh kernel,
uses only the public API, and stores nothing but its plots."""
import os
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOK = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments", "notebooks",
                        "three_body.ipynb")


def load():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_stored_notebook_is_clean_and_public():
    nb = load()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells)
    for cell in code:
        assert "_core" not in cell.source  # public API only
        for out in cell.outputs:  # only plots are stored
            assert out.output_type == "display_data" and list(out.data) == ["image/png"]
    assert sum(len(c.outputs) for c in code) >= 4


def test_notebook_executes_top_to_bottom(tmp_path):
    nb = load()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    # the kernel inherits the environment: make it import the same acaode as this test
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_DATA_DIR", "data"),
                     ("IPYTHONDIR", "ipython")):  # writable places, also in a sandbox
        os.environ.setdefault(var, str(tmp_path / sub))
    client = nbclient.NotebookClient(nb, timeout=240, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) >= 4
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
