"""experiments/notebooks/image_reconstruction.ipynb: runs top to bottom in a fresh kernel,
uses only the public API, and stores nothing but its plots."""
import sys

import pytest

import notebook_check

NOTEBOOK = "image_reconstruction.ipynb"


def test_stored_notebook_is_clean_and_public():
    notebook_check.check_stored(NOTEBOOK, min_plots=2)


def test_notebook_executes_top_to_bottom(tmp_path):
    notebook_check.check_executes(NOTEBOOK, tmp_path, min_plots=2, timeout=180)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
