"""The package imports, reports its version and the build it came from."""
import inspect
import os
import re
import sys

import numpy as np
import pytest

import acaode


def test_version_is_semver():
    assert re.fullmatch(r"\d+\.\d+\.\d+", acaode.__version__)


def test_build_info_names_compiler_and_simd():
    assert acaode.build_info["simd"] in {"avx512", "avx2", "baseline"}
    # The kernel variant chosen on this CPU at run time (ACAODE_CPU_ISA caps it).
    assert acaode.build_info["cpu_kernels"] in {"avx512", "avx2", "baseline"}
    assert acaode.build_info["compiler"]


def test_float32_convolution_goes_through_onednn_and_matches_float64():
    # The wheel bundles oneDNN (docs/wheel.md); ACAODE_CONV=im2col switches it off.
    if os.environ.get("ACAODE_CONV") == "im2col":
        assert acaode.build_info["conv"] == "im2col"
    else:
        assert acaode.build_info["conv"].startswith("onednn ")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 16, 6, 6))
    grads = {}
    reference = acaode.nn.Conv2d(16, 16, 3, padding=1, dtype="float64")
    for dtype in ("float64", "float32"):
        conv = acaode.nn.Conv2d(16, 16, 3, padding=1, dtype=dtype)
        conv.load_state_dict({name: value.astype(dtype)
                              for name, value in reference.state_dict().items()})
        xt = acaode.tensor(x.astype(dtype), requires_grad=True)
        y = conv(xt)
        (y * y).sum().backward()
        grads[dtype] = [y.numpy(), xt.grad.numpy(), conv.weight.grad.numpy()]
    for exact, f32 in zip(grads["float64"], grads["float32"]):
        assert np.abs(exact - f32).max() <= 1e-5 * np.abs(exact).max()


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


def _doc_words(name, doc):
    """The words of a docstring without the signature lines pybind11 puts into it.

    pybind11 starts a function's docstring with `name(arg: type, ...) -> type`; an overloaded
    function's with `name(*args, **kwargs)`, "Overloaded function." and one numbered
    signature `N. name(...)` per overload.
    """
    lines = (doc or "").splitlines()
    if lines and lines[0].startswith(name + "("):
        lines = lines[1:]
    numbered = re.compile(r"\s*\d+\. " + re.escape(name) + r"\(")
    text = " ".join(line for line in lines
                    if line.strip() != "Overloaded function." and not numbered.match(line))
    return re.findall(r"[A-Za-z]{2,}", text)


def _bound_callables():
    """(qualified name, own name, docstring) of every public function, class, method and
    property bound in the extension, and of the classes' constructors."""
    from acaode import _core
    modules = [_core, _core.nn, _core.nn.functional, _core.optim, _core.optim.lr_scheduler,
               _core.cuda]
    for module in modules:
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or inspect.ismodule(obj):
                continue
            qualified = f"{module.__name__}.{name}"
            if not inspect.isclass(obj):
                if callable(obj):
                    yield qualified, name, obj.__doc__
                continue
            yield qualified, name, obj.__doc__
            is_enum = hasattr(obj, "__members__")  # pybind11 makes the enums' constructors
            for attr, member in sorted(vars(obj).items()):
                if attr == "__init__" and is_enum:
                    continue
                if attr.startswith("_") and attr != "__init__":
                    continue
                if isinstance(member, property) or callable(member):
                    yield f"{qualified}.{attr}", attr, member.__doc__


def test_every_bound_callable_has_a_docstring():
    seen = list(_bound_callables())
    assert len(seen) > 200  # the walk reaches the whole extension
    missing = [qualified for qualified, name, doc in seen if len(_doc_words(name, doc)) < 3]
    assert not missing, f"{len(missing)} without a docstring: {', '.join(missing)}"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))


def test_openmp_spin_count_is_set_before_the_extension_loads():
    # acaode/_openmp_env.py: GOMP_SPINCOUNT defaults to 10000, and a user's value wins.
    import subprocess
    probe = "import os, acaode; print(os.environ['GOMP_SPINCOUNT'])"
    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "10000"
    env["GOMP_SPINCOUNT"] = "123"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "123"
