"""The package imports, reports its version and the build it came from."""
import re
import sys

import pytest

import acaode


def test_version_is_semver():
    assert re.fullmatch(r"\d+\.\d+\.\d+", acaode.__version__)


def test_build_info_names_compiler_and_simd():
    assert acaode.build_info["simd"] in {"avx512", "avx2", "baseline"}
    # The kernel variant chosen on this CPU at run time (ACAODE_CPU_ISA caps it).
    assert acaode.build_info["cpu_kernels"] in {"avx512", "avx2", "baseline"}
    assert acaode.build_info["compiler"]


def test_all_is_explicit_and_shadows_no_builtin():
    import builtins
    assert len(acaode.__all__) == len(set(acaode.__all__))
    for name in acaode.__all__:
        assert hasattr(acaode, name), name
        assert not hasattr(builtins, name), f"{name} would shadow a builtin"
    # Still reachable under the package's name.
    for name in ("abs", "max", "min", "pow", "sum"):
        assert callable(getattr(acaode, name))
    namespace = {}
    exec("from acaode import *", namespace)
    assert namespace["sum"] is builtins.sum if "sum" in namespace else True
    assert "odeint" in namespace and "abs" not in namespace


def test_methods_are_the_solver_registry():
    # Every name the C++ registry accepts, aliases included (dop853 = dopri8).
    assert {"euler", "rk4", "dopri5", "tsit5", "dopri8", "rk45", "dop853"} <= set(acaode.METHODS)
    for method in acaode.METHODS:
        ys = acaode.odeint(lambda t, z: -z, [1.0], [0.0, 0.5], method=method, step_size=0.1)
        assert abs(ys.numpy()[-1, 0] - 0.6065306597) < 2e-2, method  # euler: 1.6e-2
    with pytest.raises(ValueError, match="method"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 0.5], method="alf")


def test_package_is_typed():
    # PEP 561: the marker and the extension's stubs ship with the package.
    import os
    root = os.path.dirname(acaode.__file__)
    assert os.path.exists(os.path.join(root, "py.typed"))
    assert os.path.exists(os.path.join(root, "_core", "__init__.pyi"))
    assert os.path.exists(os.path.join(root, "_core", "nn", "__init__.pyi"))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
