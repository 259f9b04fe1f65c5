"""Property-based fuzzing of the Python API (Hypothesis): random shapes, dtypes, values
(NaN, inf, huge, empty), devices and option combinations thrown at the tensor ops, nn
layers, odeint/solve and Module.load. Every case must end in a result or in a Python
exception that names the problem (ValueError, TypeError, RuntimeError and its subclass
acaode.SolverError, IndexError, OSError); a crash of the interpreter fails the test run,
and so does any other exception type or an exception with an empty message."""
import math
import os
import sys
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import acaode
from acaode import nn

ACCEPTED = (ValueError, TypeError, RuntimeError, IndexError, OSError)
FUZZ = settings(max_examples=int(os.environ.get("ACAODE_FUZZ_EXAMPLES", "150")),
                deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

special = st.sampled_from([0.0, -0.0, 1.0, -1.0, math.nan, math.inf, -math.inf, 1e308,
                           -1e308, 1e-308, 5e-324, 88.8, -745.2])
values = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), special)
shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)
dtypes = st.sampled_from(["float32", "float64"])


@st.composite
def arrays(draw, shape=None):
    shape = draw(shapes) if shape is None else shape
    n = int(np.prod(shape)) if shape else 1
    data = draw(st.lists(values, min_size=n, max_size=n))
    with np.errstate(over="ignore"):
        return np.array(data, dtype=draw(dtypes)).reshape(shape)


def attempt(fn, *args, **kwargs):
    """fn(*args): a result, or an accepted exception with a message; anything else fails."""
    try:
        return fn(*args, **kwargs)
    except ACCEPTED as e:
        assert str(e).strip(), f"{type(e).__name__} without a message from {fn}"
        return None


UNARY = ["neg", "exp", "log", "sqrt", "abs", "square", "tanh", "sigmoid", "relu", "softplus",
         "sin", "cos"]
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "matmul"]


@FUZZ
@given(a=arrays(), op=st.sampled_from(UNARY), grad=st.booleans())
def test_unary_ops(a, op, grad):
    t = attempt(acaode.tensor, a, requires_grad=grad)
    if t is None:
        return
    out = attempt(getattr(acaode, op), t)
    if out is not None:
        assert out.shape == a.shape
        if grad:
            attempt(lambda: acaode.sum(out).backward())


@FUZZ
@given(a=arrays(), b=arrays(), op=st.sampled_from(BINARY), scalar=st.one_of(st.none(), values))
def test_binary_ops_with_broadcasting(a, b, op, scalar):
    ta = attempt(acaode.tensor, a, requires_grad=True)
    tb = attempt(acaode.tensor, b)
    if ta is None or tb is None:
        return
    other = tb if scalar is None or op == "matmul" else scalar
    out = attempt(getattr(acaode, op), ta, other)
    if out is not None and out.numel() > 0:
        attempt(lambda: acaode.sum(out).backward())


@FUZZ
@given(a=arrays(), dim=st.one_of(st.none(), st.integers(-6, 6),
                                  st.lists(st.integers(-6, 6), max_size=3).map(tuple)),
       keepdim=st.booleans(), op=st.sampled_from(["sum", "mean", "max", "min", "argmax",
                                                  "norm"]))
def test_reductions(a, dim, keepdim, op):
    t = attempt(acaode.tensor, a)
    if t is None:
        return
    fn = getattr(acaode, op)
    if op in ("sum", "mean"):
        attempt(fn, t, dim, keepdim)
    elif dim is None or isinstance(dim, int):
        attempt(fn, t) if dim is None else attempt(fn, t, dim)
    else:
        attempt(fn, t)


@FUZZ
@given(a=arrays(), new_shape=st.lists(st.integers(-2, 5), max_size=4),
       perm=st.permutations(range(4)), i=st.integers(-5, 5), j=st.integers(-5, 5))
def test_shape_ops(a, new_shape, perm, i, j):
    t = attempt(acaode.tensor, a)
    if t is None:
        return
    attempt(lambda: t.reshape(*new_shape))
    attempt(lambda: t.permute(*perm[:len(a.shape)]))
    attempt(acaode.transpose, t, i, j)
    attempt(acaode.squeeze, t, i)
    attempt(acaode.unsqueeze, t, i)
    attempt(acaode.flatten, t, i)
    attempt(lambda: t[i])
    attempt(lambda: t[i:j])
    attempt(acaode.cat, [t, t], i)
    attempt(acaode.stack, [t, t], i)
    attempt(acaode.split, t, [1, 1], i)
    attempt(acaode.index_select, t, i, acaode.tensor([float(j)]))
    attempt(lambda: t.to(["float32", "float64", "int8", None, 3][abs(j) % 5]))
    attempt(acaode.broadcast_to, t, tuple(new_shape))


@FUZZ
@given(in_f=st.integers(0, 5), out_f=st.integers(0, 5), x=arrays(), dtype=dtypes,
       layer=st.sampled_from(["linear", "conv", "groupnorm", "batchnorm", "lstm", "gru",
                              "sequential"]),
       groups=st.integers(-1, 4))
def test_nn_layers(in_f, out_f, x, dtype, layer, groups):
    def build():
        if layer == "linear":
            return nn.Linear(in_f, out_f, dtype=dtype)
        if layer == "conv":
            return nn.Conv2d(in_f, out_f, 3, padding=1, dtype=dtype)
        if layer == "groupnorm":
            return nn.GroupNorm(groups, in_f, dtype=dtype)
        if layer == "batchnorm":
            return nn.BatchNorm2d(in_f, dtype=dtype)
        if layer == "lstm":
            return nn.LSTMCell(in_f, out_f, dtype=dtype)
        if layer == "gru":
            return nn.GRUCell(in_f, out_f, dtype=dtype)
        return nn.Sequential(nn.Linear(in_f, out_f, dtype=dtype), nn.Tanh())
    module = attempt(build)
    if module is None:
        return
    t = attempt(acaode.tensor, x, dtype=dtype, requires_grad=True)
    if t is None:
        return
    out = attempt(module, t)
    if out is not None and not isinstance(out, tuple) and out.numel() > 0:
        attempt(lambda: acaode.sum(out).backward())
    attempt(module.to, ["cuda", "cpu", "tpu", 7][groups % 4])


OPTIONS = ("method", "gradient", "rtol", "atol", "step_size", "max_steps", "memory_budget",
           "mali_damping")


@FUZZ
@given(z0=arrays(), t=st.one_of(
           st.lists(values, min_size=0, max_size=4),
           # mostly valid: increasing or decreasing finite times
           st.lists(st.floats(-3, 3), min_size=1, max_size=4, unique=True).map(sorted),
           st.lists(st.floats(-3, 3), min_size=2, max_size=4, unique=True).map(
               lambda x: sorted(x, reverse=True))),
       mutated=st.sets(st.sampled_from(OPTIONS), max_size=3),
       method=st.sampled_from(list(acaode.METHODS) + ["alf", "rk99", ""]),
       gradient=st.sampled_from(list(acaode.GRADIENTS) + ["backprop"]),
       rtol=st.one_of(values, st.floats(1e-10, 1e-2)),
       atol=st.one_of(values, st.floats(1e-12, 1e-2)),
       step_size=st.one_of(st.none(), values, st.floats(1e-3, 0.5)),
       max_steps=st.integers(-2, 50),
       memory_budget=st.one_of(st.none(), st.integers(-5, 10**6), st.just(math.inf)),
       mali_damping=st.sampled_from([0.0, 0.25, 0.5, 1.5]), backward=st.booleans())
def test_odeint_options(z0, t, mutated, backward, **drawn):
    # Valid defaults except for the options drawn into `mutated`, so that solves run too.
    options = dict(method="dopri5", gradient="aca", rtol=1e-6, atol=1e-8, step_size=None,
                   max_steps=1000, memory_budget=None, mali_damping=0.0)
    options.update({k: drawn[k] for k in mutated})
    zt = attempt(acaode.tensor, z0, requires_grad=True)
    if zt is None:
        return
    sol = attempt(acaode.solve, lambda tt, z: -z, zt, t, **options)
    if sol is not None and backward and sol.ys.numel() > 0:
        attempt(lambda: acaode.sum(sol.ys).backward())


@FUZZ
@given(data=st.binary(max_size=256), truncate=st.integers(0, 400))
def test_load_never_crashes_on_corrupt_files(data, truncate):
    module = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2))
    before = [p.numpy().copy() for p in module.parameters()]
    with tempfile.TemporaryDirectory() as d:
        good = os.path.join(d, "good.bin")
        module.save(good)
        with open(good, "rb") as f:
            saved = f.read()
        for blob in (data, saved[:truncate] + data, saved[:truncate]):
            path = os.path.join(d, "fuzz.bin")
            with open(path, "wb") as f:
                f.write(blob)
            if blob == saved:
                continue
            attempt(module.load, path)
    # A failed load changes nothing.
    for p, b in zip(module.parameters(), before):
        np.testing.assert_array_equal(p.numpy(), b)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
