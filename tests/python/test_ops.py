"""The tensor functions acaode.<name>: values against NumPy and gradients against central
finite differences in float64 (one harness, a few lines per op), plus their errors."""
import sys

import numpy as np
import pytest

import acaode

STEP = 1e-6      # central-difference step
GRAD_TOL = 1e-7  # |analytic - FD| / max(1, |FD|)


def check_grad(fn, *arrays):
    """fn(*tensors) -> tensor; compares d sum(fn * r)/d input with central differences."""
    rng = np.random.default_rng(0)
    tensors = [acaode.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    weights = rng.standard_normal(out.shape)
    (out * acaode.tensor(weights)).sum().backward()
    for i, a in enumerate(arrays):
        fd = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            def f(delta):
                shifted = [x.copy() for x in arrays]
                shifted[i][idx] += delta
                with acaode.no_grad():
                    return float((fn(*[acaode.tensor(s) for s in shifted]).numpy() * weights).sum())
            fd[idx] = (f(STEP) - f(-STEP)) / (2 * STEP)
        got = tensors[i].grad.numpy()
        np.testing.assert_allclose(got, fd, rtol=GRAD_TOL, atol=GRAD_TOL)


X = np.array([[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]])
POS = np.abs(X) + 0.5

UNARY = {
    "exp": (acaode.exp, np.exp, X), "log": (acaode.log, np.log, POS),
    "sqrt": (acaode.sqrt, np.sqrt, POS), "abs": (acaode.abs, np.abs, X),
    "square": (acaode.square, np.square, X), "tanh": (acaode.tanh, np.tanh, X),
    "sigmoid": (acaode.sigmoid, lambda x: 1 / (1 + np.exp(-x)), X),
    "relu": (acaode.relu, lambda x: np.maximum(x, 0), X),
    "softplus": (acaode.softplus, lambda x: np.log1p(np.exp(x)), X),
    "sin": (acaode.sin, np.sin, X), "cos": (acaode.cos, np.cos, X),
    "neg": (acaode.neg, np.negative, X),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name):
    op, ref, x = UNARY[name]
    np.testing.assert_allclose(op(acaode.tensor(x)).numpy(), ref(x), rtol=1e-14)
    check_grad(op, x)


def test_binary_broadcasting_and_grads():
    b = np.array([0.5, -2.0, 1.5])
    for op, ref in [(acaode.add, np.add), (acaode.sub, np.subtract),
                    (acaode.mul, np.multiply), (acaode.div, np.divide),
                    (acaode.maximum, np.maximum), (acaode.minimum, np.minimum)]:
        np.testing.assert_allclose(op(acaode.tensor(X), acaode.tensor(b)).numpy(), ref(X, b))
        check_grad(op, X, b)
    np.testing.assert_allclose(acaode.add(acaode.tensor(X), 2).numpy(), X + 2)
    np.testing.assert_allclose(acaode.mul(acaode.tensor(X), b).numpy(), X * b)


def test_pow_clamp_matmul():
    np.testing.assert_allclose(acaode.pow(acaode.tensor(POS), 1.5).numpy(), POS ** 1.5)
    check_grad(lambda x: acaode.pow(x, 1.5), POS)
    np.testing.assert_allclose(acaode.clamp(acaode.tensor(X), -0.5, 0.5).numpy(),
                               np.clip(X, -0.5, 0.5))
    w = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 3.0]])
    np.testing.assert_allclose(acaode.matmul(acaode.tensor(X), acaode.tensor(w)).numpy(), X @ w)
    check_grad(acaode.matmul, X, w)
    with pytest.raises(ValueError):
        acaode.clamp(acaode.tensor(X), 1.0, 0.0)


def test_reductions():
    t = acaode.tensor(X)
    assert acaode.sum(t).item() == pytest.approx(X.sum())
    np.testing.assert_allclose(acaode.sum(t, dim=1).numpy(), X.sum(1))
    np.testing.assert_allclose(acaode.mean(t, dim=0, keepdim=True).numpy(),
                               X.mean(0, keepdims=True))
    np.testing.assert_allclose(acaode.max(t, dim=1).numpy(), X.max(1))
    np.testing.assert_allclose(acaode.min(t).numpy(), X.min())
    np.testing.assert_array_equal(acaode.argmax(t, 1).numpy(), X.argmax(1))
    assert acaode.norm(t).item() == pytest.approx(np.linalg.norm(X))
    check_grad(lambda x: acaode.sum(x, dim=0), X)
    check_grad(lambda x: acaode.mean(x, dim=1), X)
    check_grad(acaode.norm, X)
    with pytest.raises(ValueError):
        acaode.sum(t, dim=5)


def test_shape_functions():
    t = acaode.tensor(X)
    np.testing.assert_array_equal(acaode.cat([t, t], dim=0).numpy(), np.concatenate([X, X]))
    np.testing.assert_array_equal(acaode.cat([t, t], dim=1).numpy(), np.concatenate([X, X], 1))
    np.testing.assert_array_equal(acaode.stack([t, t]).numpy(), np.stack([X, X]))
    np.testing.assert_array_equal(acaode.stack([t, t], dim=2).numpy(), np.stack([X, X], 2))
    parts = acaode.split(t, [1, 2], dim=1)
    np.testing.assert_array_equal(parts[1].numpy(), X[:, 1:])
    np.testing.assert_array_equal(acaode.reshape(t, [3, 2]).numpy(), X.reshape(3, 2))
    np.testing.assert_array_equal(acaode.transpose(t, 0, 1).numpy(), X.T)
    np.testing.assert_array_equal(acaode.permute(t, [1, 0]).numpy(), X.T)
    np.testing.assert_array_equal(acaode.index_select(t, 1, [2, 0]).numpy(), X[:, [2, 0]])
    np.testing.assert_array_equal(acaode.unsqueeze(t, 1).numpy(), X[:, None])
    np.testing.assert_array_equal(acaode.squeeze(acaode.unsqueeze(t, 0), 0).numpy(), X)
    np.testing.assert_array_equal(acaode.flatten(t).numpy(), X.ravel())
    np.testing.assert_array_equal(acaode.broadcast_to(acaode.tensor([1.0, 2.0]), [2, 2]).numpy(),
                                  [[1, 2], [1, 2]])
    check_grad(lambda a, b: acaode.cat([a, b], dim=1), X, X[:, :1].copy())
    check_grad(lambda a: acaode.stack([a, a * 2.0], dim=0), X)
    check_grad(lambda a: a[:, 1:3] * a[-1, :2], X)
    with pytest.raises(ValueError):
        acaode.cat([t, acaode.zeros(2, 2, 2)], dim=0)
    with pytest.raises(ValueError):
        acaode.stack([t, acaode.zeros(3, 3)])
    with pytest.raises(ValueError):
        acaode.split(t, [1, 1], dim=1)


def test_float32_matches_float64():
    x32 = acaode.tensor(X, dtype="float32")
    y32 = acaode.tanh(x32 @ acaode.tensor(X.T, dtype="float32")).sum(dim=0)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32.numpy(), np.tanh(X @ X.T).sum(0), rtol=1e-6)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
