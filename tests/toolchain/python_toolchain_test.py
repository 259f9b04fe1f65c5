"""Proves the Python toolchain: the project's interpreter, NumPy, and a pybind11 extension
built by Bazel (pybind_probe.so) computing a value checked against NumPy."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pybind_probe  # noqa: E402


def test_dot_matches_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(1000), rng.standard_normal(1000)
    assert pybind_probe.dot(a, b) == pytest.approx(float(a @ b), rel=1e-12)


def test_size_mismatch_is_a_value_error():
    with pytest.raises(ValueError, match="sizes differ"):
        pybind_probe.dot(np.zeros(3), np.zeros(4))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
