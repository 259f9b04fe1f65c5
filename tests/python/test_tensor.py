"""acaode.Tensor: creation, NumPy in and out (views, no needless copies), operators,
indexing, reductions, autograd basics, grad mode and the error paths."""
import sys
import threading

import numpy as np
import pytest

import acaode


def test_tensor_from_list_scalar_and_array():
    t = acaode.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2) and t.ndim == 2 and t.dtype == np.float64
    np.testing.assert_array_equal(t.numpy(), [[1, 2], [3, 4]])
    s = acaode.tensor(2.5)
    assert s.shape == () and s.item() == 2.5 and float(s) == 2.5
    a32 = np.arange(6, dtype=np.float32).reshape(2, 3)
    t32 = acaode.tensor(a32)
    assert t32.dtype == np.float32 and t32.dtype == acaode.float32
    assert acaode.tensor(np.arange(3)).dtype == np.float64  # ints become float64
    assert acaode.tensor([1, 2], dtype="float32").dtype == np.float32
    assert acaode.tensor([1, 2], dtype=np.float32).dtype == np.float32


def test_tensor_copies_its_input():
    a = np.ones(3)
    t = acaode.tensor(a)
    a[0] = 5.0
    assert t.numpy()[0] == 1.0


def test_from_numpy_shares_memory_both_ways():
    a = np.zeros((2, 3))
    t = acaode.from_numpy(a)
    a[1, 2] = 7.0
    assert t[1, 2].item() == 7.0
    t.numpy()[0, 0] = -1.0
    assert a[0, 0] == -1.0
    assert np.shares_memory(t.numpy(), a)
    del a  # the tensor keeps the array's memory alive
    assert t.numpy()[1, 2] == 7.0


def test_from_numpy_refuses_what_it_cannot_share():
    with pytest.raises(ValueError, match="C-contiguous"):
        acaode.from_numpy(np.zeros((3, 4))[:, ::2])
    ro = np.zeros(3)
    ro.setflags(write=False)
    with pytest.raises(ValueError, match="writeable"):
        acaode.from_numpy(ro)
    with pytest.raises(ValueError, match="int64 is not supported"):
        acaode.from_numpy(np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError):
        acaode.from_numpy([1.0, 2.0])


def test_numpy_is_a_view_without_copy():
    t = acaode.zeros(4)
    v1, v2 = t.numpy(), t.numpy()
    assert np.shares_memory(v1, v2)
    v1[2] = 3.0
    assert t[2].item() == 3.0
    w = acaode.zeros(2, requires_grad=True)
    assert not w.numpy().flags.writeable  # the tape may have saved these values
    arr = np.asarray(t)
    assert np.shares_memory(arr, v1)


def test_numpy_view_outlives_the_tensor():
    t = acaode.tensor([1.0, 2.0, 3.0])
    v = t.numpy()
    del t
    np.testing.assert_array_equal(v, [1, 2, 3])


def test_creation_functions():
    assert acaode.zeros(2, 3).shape == (2, 3)
    assert acaode.zeros((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(acaode.ones(2, dtype="float32").numpy(), [1, 1])
    np.testing.assert_array_equal(acaode.full((2,), 4.0).numpy(), [4, 4])
    np.testing.assert_allclose(acaode.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5))
    np.testing.assert_allclose(acaode.arange(0, 1, 0.25).numpy(), np.arange(0, 1, 0.25))
    np.testing.assert_allclose(acaode.arange(3).numpy(), [0, 1, 2])
    assert acaode.zeros_like(acaode.ones(2, 2)).numpy().sum() == 0
    assert acaode.ones_like(acaode.ones(2, 2)).numpy().sum() == 4
    z = acaode.zeros(3, requires_grad=True)
    assert z.requires_grad and z.is_leaf


def test_randn_is_seeded_and_normal():
    a = acaode.randn(1000, generator=acaode.Generator(7)).numpy()
    b = acaode.randn(1000, generator=acaode.Generator(7)).numpy()
    np.testing.assert_array_equal(a, b)
    acaode.manual_seed(3)
    c = acaode.randn(20000).numpy()
    acaode.manual_seed(3)
    d = acaode.randn(20000).numpy()
    np.testing.assert_array_equal(c, d)
    assert abs(c.mean()) < 0.03 and abs(c.std() - 1) < 0.03
    u = acaode.rand(20000, generator=acaode.Generator(1)).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01


def test_operators_match_numpy():
    a_np = np.array([[1.0, 2.0], [3.0, 4.0]])
    b_np = np.array([0.5, -1.5])
    a, b = acaode.tensor(a_np), acaode.tensor(b_np)
    cases = {
        "add": (a + b, a_np + b_np), "radd": (2.0 + a, 2.0 + a_np),
        "sub": (a - b, a_np - b_np), "rsub": (1 - a, 1 - a_np),
        "mul": (a * b, a_np * b_np), "rmul": (3 * a, 3 * a_np),
        "div": (a / b, a_np / b_np), "rdiv": (1.0 / a, 1.0 / a_np),
        "pow": (a ** 2.5, a_np ** 2.5), "rpow": (2.0 ** a, 2.0 ** a_np),
        "neg": (-a, -a_np), "matmul": (a @ a, a_np @ a_np),
        "matvec": (a @ b, a_np @ b_np), "array": (a + b_np, a_np + b_np),
        "array_left": (b_np + a, b_np + a_np), "rmatmul": (a_np @ a, a_np @ a_np),
        "T": (a.T, a_np.T),
    }
    for name, (got, want) in cases.items():
        assert isinstance(got, acaode.Tensor), name
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-14, err_msg=name)


def test_indexing_matches_numpy():
    x_np = np.arange(24.0).reshape(2, 3, 4)
    x = acaode.tensor(x_np)
    for key in [-1, 0, (1, 2), (slice(None), 0), (slice(None), slice(0, 1)),
                (Ellipsis, 1), (slice(None, None, 2),), (0, slice(None, None, -1)),
                (None, 1), (slice(None), [2, 0]), (1, slice(1, 3), slice(None, 2)),
                (np.int64(1),)]:
        np.testing.assert_array_equal(x[key].numpy(), x_np[key], err_msg=str(key))
    rows = [r.numpy() for r in acaode.tensor(x_np[0])]  # iteration stops at IndexError
    assert len(rows) == 3


def test_indexing_errors():
    x = acaode.zeros(2, 3)
    with pytest.raises(IndexError, match="out of range"):
        x[2]
    with pytest.raises(IndexError, match="out of range"):
        x[:, -4]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(TypeError, match="tensor indices"):
        x["a"]
    with pytest.raises(TypeError):
        len(acaode.tensor(1.0))


def test_reductions_and_shape_methods():
    x_np = np.arange(6.0).reshape(2, 3)
    x = acaode.tensor(x_np)
    assert x.sum().item() == 15 and x.mean().item() == 2.5
    np.testing.assert_array_equal(x.sum(dim=0).numpy(), x_np.sum(0))
    np.testing.assert_array_equal(x.sum(dim=1, keepdim=True).numpy(), x_np.sum(1, keepdims=True))
    np.testing.assert_array_equal(x.mean(dim=(0, 1)).numpy(), x_np.mean())
    assert x.max().item() == 5 and x.min().item() == 0
    np.testing.assert_array_equal(x.max(dim=1).numpy(), [2, 5])
    np.testing.assert_array_equal(x.reshape(3, 2).numpy(), x_np.reshape(3, 2))
    np.testing.assert_array_equal(x.reshape((-1,)).numpy(), x_np.ravel())
    np.testing.assert_array_equal(x.transpose(0, 1).numpy(), x_np.T)
    np.testing.assert_array_equal(x.unsqueeze(0).numpy(), x_np[None])
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6 and len(x) == 2
    assert x.tolist() == x_np.tolist()


def test_backward_simple_function_against_hand_derivative():
    # L = sum(w * x^2) + mean(tanh(x)); dL/dx = 2 w x + (1 - tanh(x)^2) / n
    x_np, w_np = np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.5, -2.0])
    x = acaode.tensor(x_np, requires_grad=True)
    w = acaode.tensor(w_np)
    loss = (w * x ** 2).sum() + x.tanh().mean()
    assert loss.grad_fn is not None and not loss.is_leaf
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * w_np * x_np + (1 - np.tanh(x_np) ** 2) / 3,
                               rtol=1e-13)
    assert w.grad is None
    loss2 = (x * 3.0).sum()
    loss2.backward()  # accumulates
    np.testing.assert_allclose(x.grad.numpy(),
                               2 * w_np * x_np + (1 - np.tanh(x_np) ** 2) / 3 + 3, rtol=1e-13)
    x.grad = None
    assert x.grad is None


def test_backward_with_explicit_grad_and_errors():
    x = acaode.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    with pytest.raises(ValueError):
        y.backward()  # not one element and no grad given
    y.backward(np.array([1.0, 10.0]), retain_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 40.0])
    y.backward(acaode.tensor([1.0, 0.0]))
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 40.0])
    with pytest.raises(RuntimeError):
        y.backward(acaode.tensor([1.0, 0.0]))  # graph freed
    with pytest.raises(ValueError):
        acaode.tensor([1.0]).backward()  # does not require grad


def test_detach_clone_to():
    x = acaode.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad
    assert np.shares_memory(d.numpy(), x.numpy())
    c = x.clone()
    assert c.requires_grad and not c.is_leaf
    f = x.to("float32")
    assert f.dtype == np.float32
    f.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1])


def test_no_grad_and_enable_grad():
    x = acaode.tensor([1.0], requires_grad=True)
    assert acaode.is_grad_enabled()
    with acaode.no_grad():
        assert not acaode.is_grad_enabled()
        y = x * 2
        with acaode.enable_grad():
            z = x * 2
    assert acaode.is_grad_enabled()
    assert not y.requires_grad and z.requires_grad
    with pytest.raises(ZeroDivisionError):
        with acaode.no_grad():
            1 / 0
    assert acaode.is_grad_enabled()  # restored after an exception


def test_grad_mode_is_per_thread():
    seen = []
    with acaode.no_grad():
        t = threading.Thread(target=lambda: seen.append(acaode.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_in_place_copy_and_fill():
    w = acaode.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError):
        w.fill_(1.0)  # would corrupt the tape
    with acaode.no_grad():
        w.copy_([3.0, 4.0])
    np.testing.assert_array_equal(w.numpy(), [3, 4])


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="dtype"):
        acaode.tensor([1.0], dtype="int32")
    with pytest.raises(ValueError, match="not real numbers"):
        acaode.tensor(["a", "b"])
    with pytest.raises(ValueError, match="not real numbers"):
        acaode.tensor(np.array([1j]))
    with pytest.raises(ValueError):
        acaode.zeros(-1)
    with pytest.raises(ValueError, match="broadcast"):
        acaode.ones(2) + acaode.ones(3)
    with pytest.raises(ValueError):
        acaode.ones(2) + acaode.ones(2, dtype="float32")
    with pytest.raises(ValueError):
        acaode.ones(2, 3) @ acaode.ones(2, 3)
    with pytest.raises(TypeError):
        acaode.ones(2) + "a"
    with pytest.raises(ValueError):
        acaode.ones(2).item()
    with pytest.raises(ValueError, match="must be > 0"):
        (-2.0) ** acaode.ones(2)


def test_repr_shows_values_and_flags():
    r = repr(acaode.tensor([1.0, 2.0], requires_grad=True))
    assert r.startswith("acaode.tensor([1., 2.]") and "requires_grad=True" in r
    assert "float32" in repr(acaode.ones(1, dtype="float32"))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
