"""experiments/notebooks/latent_ode.ipynb: runs top to bottom in a fresh kernel,
uses only the public API, and stores nothing but its plots."""
import sys

import pytest

import notebook_check

NOTEBOOK = "latent_ode.ipynb"


def test_stored_notebook_is_clean_and_public():
    notebook_check.check_stored(NOTEBOOK, min_plots=4)


def test_notebook_executes_top_to_bottom(tmp_path):
    notebook_check.check_executes(NOTEBOOK, tmp_path, min_plots=4, timeout=240)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
