"""experiments/notebooks/image_classification.ipynb: runs top to bottom in a fresh kernel,
uses only the public API, and stores nothing but its plots (it needs Fashion-MNIST, the
Debian package dataset-fashion-mnist)."""
import os
import sys

import pytest

import notebook_check

NOTEBOOK = "image_classification.ipynb"
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
HAVE_DATA = any(os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte" + ext))
                for ext in ("", ".gz"))


def test_stored_notebook_is_clean_and_public():
    notebook_check.check_stored(NOTEBOOK, min_plots=2)


@pytest.mark.skipif(not HAVE_DATA, reason=f"Fashion-MNIST not in {DATA}")
def test_notebook_executes_top_to_bottom(tmp_path):
    notebook_check.check_executes(NOTEBOOK, tmp_path, min_plots=2, timeout=600)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
