"""acaode.nn: every C++ layer against direct NumPy formulas, Python subclasses of Module
(attribute registration, state_dict, save/load, train/eval, zero_grad), Sequential, and
acaode.nn.functional; with the error paths."""
import gc
import sys

import numpy as np
import pytest

import acaode
from acaode import nn
from acaode.nn import functional as F


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gen(seed=0):
    return acaode.Generator(seed)


def test_linear_forward_init_and_grad():
    fc = nn.Linear(4, 3, generator=gen(1))
    w, b = fc.weight.numpy(), fc.bias.numpy()
    assert w.shape == (3, 4) and b.shape == (3,)
    assert np.abs(w).max() <= 0.5 and np.abs(b).max() <= 0.5  # U(-1/sqrt(4), 1/sqrt(4))
    assert np.abs(w).max() > 0.2
    x = np.linspace(-1, 1, 8).reshape(2, 4)
    y = fc(acaode.tensor(x))
    np.testing.assert_allclose(y.numpy(), x @ w.T + b, rtol=1e-14)
    y.sum().backward()
    np.testing.assert_allclose(fc.weight.grad.numpy(), np.ones((3, 2)) @ x)
    np.testing.assert_allclose(fc.bias.grad.numpy(), [2, 2, 2])
    fc.zero_grad()
    assert fc.weight.grad is None
    same = nn.Linear(4, 3, generator=gen(1))
    np.testing.assert_array_equal(same.weight.numpy(), w)  # seeded
    nb = nn.Linear(4, 3, bias=False, dtype="float32")
    assert nb.bias is None and nb.weight.dtype == np.float32
    assert [n for n, _ in nb.named_parameters()] == ["weight"]
    with pytest.raises(ValueError):
        fc(acaode.zeros(2, 5))


def test_conv2d_matches_direct_loop():
    conv = nn.Conv2d(2, 3, 3, stride=1, padding=1, generator=gen(2))
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    w, b = conv.weight.numpy(), conv.bias.numpy()
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.zeros((1, 3, 4, 4))
    for o in range(3):
        for i in range(4):
            for j in range(4):
                want[0, o, i, j] = b[o] + (w[o] * xp[0, :, i:i + 3, j:j + 3]).sum()
    np.testing.assert_allclose(conv(acaode.tensor(x)).numpy(), want, rtol=1e-12)
    np.testing.assert_allclose(
        F.conv2d(acaode.tensor(x), conv.weight, conv.bias, padding=1).numpy(), want, rtol=1e-12)
    with pytest.raises(ValueError):
        conv(acaode.zeros(1, 3, 4, 4))


def test_group_norm_and_batch_norm():
    x = np.random.default_rng(1).standard_normal((2, 4, 3, 3))
    gn = nn.GroupNorm(2, 4)
    g = x.reshape(2, 2, -1)
    want = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5))
    np.testing.assert_allclose(gn(acaode.tensor(x)).numpy(), want.reshape(x.shape), rtol=1e-10)
    assert [n for n, _ in gn.named_parameters()] == ["weight", "bias"]
    with pytest.raises(ValueError):
        nn.GroupNorm(3, 4)

    bn = nn.BatchNorm2d(4, momentum=0.5)
    assert bn.training
    y = bn(acaode.tensor(x)).numpy()
    mean, var = x.mean((0, 2, 3)), x.var((0, 2, 3))
    want = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    np.testing.assert_allclose(y, want, rtol=1e-10)
    m = x.size / 4
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.5 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.5 + 0.5 * var * m / (m - 1), rtol=1e-12)
    assert bn.eval() is bn and not bn.training
    rm, rv = bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()
    y_eval = bn(acaode.tensor(x)).numpy()
    np.testing.assert_allclose(
        y_eval, (x - rm[None, :, None, None]) / np.sqrt(rv[None, :, None, None] + 1e-5),
        rtol=1e-10)
    assert sorted(bn.state_dict()) == ["bias", "running_mean", "running_var", "weight"]
    np.testing.assert_allclose(
        F.batch_norm(acaode.tensor(x), bn.running_mean, bn.running_var).numpy(), y_eval,
        rtol=1e-12)
    np.testing.assert_allclose(F.group_norm(acaode.tensor(x), 2).numpy(),
                               gn(acaode.tensor(x)).numpy())


def test_activations_and_flatten():
    x = np.array([[-2.0, 0.5], [1.0, -0.1]])
    t = acaode.tensor(x)
    np.testing.assert_allclose(nn.ReLU()(t).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(nn.Tanh()(t).numpy(), np.tanh(x))
    np.testing.assert_allclose(nn.Sigmoid()(t).numpy(), sigmoid(x))
    np.testing.assert_allclose(nn.Softplus()(t).numpy(), np.log1p(np.exp(x)))
    assert nn.Flatten()(acaode.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0)(acaode.zeros(2, 3, 4)).shape == (24,)
    np.testing.assert_allclose(F.relu(t).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(F.tanh(t).numpy(), np.tanh(x))
    np.testing.assert_allclose(F.sigmoid(t).numpy(), sigmoid(x))
    np.testing.assert_allclose(F.softplus(t).numpy(), np.log1p(np.exp(x)))


def test_lstm_cell_lstm_and_gru_cell_match_equations():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3))
    cell = nn.LSTMCell(3, 4, generator=gen(3))
    p = cell.state_dict()
    h0, c0 = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    gates = x @ p["weight_ih"].T + p["bias_ih"] + h0 @ p["weight_hh"].T + p["bias_hh"]
    i, f, g, o = np.split(gates, 4, axis=1)
    c1 = sigmoid(f) * c0 + sigmoid(i) * np.tanh(g)
    h1 = sigmoid(o) * np.tanh(c1)
    h, c = cell(acaode.tensor(x), (acaode.tensor(h0), acaode.tensor(c0)))
    np.testing.assert_allclose(h.numpy(), h1, rtol=1e-12)
    np.testing.assert_allclose(c.numpy(), c1, rtol=1e-12)
    h_zero, _ = cell(acaode.tensor(x))
    assert h_zero.shape == (2, 4)
    with pytest.raises(TypeError, match="state"):
        cell(acaode.tensor(x), (acaode.tensor(h0),))
    with pytest.raises(ValueError, match="state.h"):
        cell(acaode.tensor(x), (acaode.zeros(3, 4), acaode.tensor(c0)))

    lstm = nn.LSTM(3, 4, num_layers=2, generator=gen(4))
    xs = rng.standard_normal((5, 2, 3))
    out, (hn, cn) = lstm(acaode.tensor(xs))
    assert out.shape == (5, 2, 4) and hn.shape == (2, 2, 4) and cn.shape == (2, 2, 4)
    np.testing.assert_allclose(out[-1].numpy(), hn[1].numpy())
    q = lstm.state_dict()
    hh, cc = np.zeros((2, 4)), np.zeros((2, 4))
    for step in range(5):  # layer 0 by the equations
        gates = (xs[step] @ q["weight_ih_l0"].T + q["bias_ih_l0"]
                 + hh @ q["weight_hh_l0"].T + q["bias_hh_l0"])
        i, f, g, o = np.split(gates, 4, axis=1)
        cc = sigmoid(f) * cc + sigmoid(i) * np.tanh(g)
        hh = sigmoid(o) * np.tanh(cc)
    np.testing.assert_allclose(hn[0].numpy(), hh, rtol=1e-12)

    gru = nn.GRUCell(3, 4, generator=gen(5))
    r_ = gru.state_dict()
    gi = x @ r_["weight_ih"].T + r_["bias_ih"]
    gh = h0 @ r_["weight_hh"].T + r_["bias_hh"]
    r = sigmoid(gi[:, :4] + gh[:, :4])
    z = sigmoid(gi[:, 4:8] + gh[:, 4:8])
    n = np.tanh(gi[:, 8:] + r * gh[:, 8:])
    np.testing.assert_allclose(gru(acaode.tensor(x), acaode.tensor(h0)).numpy(),
                               (1 - z) * n + z * h0, rtol=1e-12)
    assert gru(acaode.tensor(x)).shape == (2, 4)


def test_sequential():
    seq = nn.Sequential(nn.Linear(2, 3, generator=gen(0)), nn.Tanh())
    seq.append(nn.Linear(3, 1, generator=gen(1)))
    assert len(seq) == 3 and isinstance(seq[0], nn.Linear) and isinstance(seq[-1], nn.Linear)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert seq.num_parameters() == 3 * 2 + 3 + 3 + 1
    x = np.array([[0.5, -1.0]])
    w0, b0, w2, b2 = (p.numpy() for p in seq.parameters())
    np.testing.assert_allclose(seq(acaode.tensor(x)).numpy(),
                               np.tanh(x @ w0.T + b0) @ w2.T + b2, rtol=1e-14)
    assert [type(c).__name__ for c in seq.children()] == ["Linear", "Tanh", "Linear"]
    with pytest.raises(IndexError):
        seq[3]
    with pytest.raises(TypeError):
        nn.Sequential(nn.Tanh(), "not a module")


class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2, generator=gen(7))
        self.scale = nn.Parameter([2.0])
        self.register_buffer("offset", acaode.tensor([0.5, -0.5]))
        self.constant = acaode.tensor([1.0])  # not requiring grad: a plain attribute

    def forward(self, x):
        return self.scale * self.fc(x) + self.offset


def test_python_module_registers_attributes():
    m = Affine()
    assert isinstance(m, nn.Module)
    assert [n for n, _ in m.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert [n for n, _ in m.named_buffers()] == ["offset"]
    assert [n for n, _ in m.named_children()] == ["fc"]
    assert m.named_children()[0][1] is m.fc
    assert sorted(m.state_dict()) == ["fc.bias", "fc.weight", "offset", "scale"]
    assert m.parameters()[0] is not None and m.scale.requires_grad
    x = np.array([[1.0, 2.0]])
    w, b = m.fc.weight.numpy(), m.fc.bias.numpy()
    np.testing.assert_allclose(m(acaode.tensor(x)).numpy(), 2 * (x @ w.T + b) + [0.5, -0.5])
    m(acaode.tensor(x)).sum().backward()
    np.testing.assert_allclose(m.scale.grad.numpy(), [(x @ w.T + b).sum()])
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    assert m.train() is m and m.training and m.fc.training
    m.eval()
    assert not m.training and not m.fc.training
    assert "Affine(" in repr(m) and "(fc): Linear" in repr(m)


def test_state_dict_is_a_numpy_snapshot_and_loads_back():
    m = Affine()
    sd = m.state_dict()
    assert all(isinstance(v, np.ndarray) for v in sd.values())
    sd["scale"][0] = 100.0
    assert m.scale.item() == 2.0  # a copy, not a view
    m.load_state_dict(sd)
    assert m.scale.item() == 100.0
    handle = m.scale
    m.load_state_dict({k: v * 0 for k, v in sd.items()})
    assert handle.item() == 0.0 and handle is m.scale  # same parameter handle, new values


def test_load_state_dict_errors_name_the_entry_and_change_nothing():
    m = Affine()
    before = m.state_dict()
    bad = dict(before)
    bad["fc.weight"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match="fc.weight"):
        m.load_state_dict(bad)
    missing = dict(before)
    del missing["offset"]
    with pytest.raises(ValueError, match="offset"):
        m.load_state_dict(missing)
    extra = dict(before, bogus=np.zeros(1))
    with pytest.raises(ValueError, match="bogus"):
        m.load_state_dict(extra)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_save_load_round_trip_and_refusals(tmp_path):
    a, b = Affine(), Affine()
    with acaode.no_grad():
        a.scale.copy_([3.5])
    path = tmp_path / "affine.bin"
    a.save(path)
    b.load(str(path))
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k], v)
    with pytest.raises(FileNotFoundError):
        b.load(tmp_path / "missing.bin")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    corrupt = tmp_path / "corrupt.bin"
    corrupt.write_bytes(bytes(data))
    before = b.state_dict()
    with pytest.raises(OSError, match="checksum"):
        b.load(corrupt)
    (tmp_path / "short.bin").write_bytes(bytes(data[:30]))
    with pytest.raises(OSError):
        b.load(tmp_path / "short.bin")
    for k, v in b.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    other = nn.Linear(2, 2)
    with pytest.raises(ValueError):
        other.load(path)  # names differ


def test_python_module_errors():
    class NoForward(nn.Module):
        pass

    with pytest.raises(RuntimeError, match="forward is not defined"):
        NoForward()(acaode.zeros(1))

    class BadReturn(nn.Module):
        def forward(self, x):
            return 1.0

    with pytest.raises(TypeError, match="must return an acaode.Tensor"):
        nn.Sequential(BadReturn())(acaode.zeros(1))

    class NoSuper(nn.Module):  # forgets super().__init__(): the base is built anyway
        def __init__(self, k):
            self.names = [n for n, _ in self.named_parameters()]
            self.k = nn.Parameter([k])

    ns = NoSuper(3.0)
    assert ns.names == [] and [n for n, _ in ns.named_parameters()] == ["k"]

    class Sub(NoSuper):
        def __init__(self):
            super().__init__(1.0)
            nn.Module.__init__(self)  # a second call changes nothing
            self.fc = nn.Linear(1, 1)

    assert [n for n, _ in Sub().named_parameters()] == ["k", "fc.weight", "fc.bias"]
    with pytest.raises(TypeError):
        class SubLinear(nn.Linear):  # C++ layers are final
            pass

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter([1.0])
            self.w = nn.Parameter([2.0])

    with pytest.raises(ValueError, match="'w'"):
        Twice()
    with pytest.raises(TypeError):
        nn.Linear(2, 2).register_parameter("p", acaode.zeros(1))


def test_python_child_of_a_cpp_container_stays_alive():
    class Double(nn.Module):
        def forward(self, x):
            return x * 2.0

    seq = nn.Sequential(Double(), nn.Tanh())
    gc.collect()
    np.testing.assert_allclose(seq(acaode.tensor([0.25])).numpy(), np.tanh([0.5]))


def test_functional_losses_and_pooling():
    logits = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    labels = [1, 2]
    lsm = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(F.log_softmax(acaode.tensor(logits)).numpy(), lsm, rtol=1e-12)
    ce = F.cross_entropy(acaode.tensor(logits), labels)
    assert ce.item() == pytest.approx(-(lsm[0, 1] + lsm[1, 2]) / 2, rel=1e-12)
    assert F.cross_entropy(acaode.tensor(logits), np.array(labels), reduction="sum").item() == \
        pytest.approx(-(lsm[0, 1] + lsm[1, 2]), rel=1e-12)
    a, b = np.array([1.0, 2.0, 4.0]), np.array([0.0, 2.0, 1.0])
    assert F.mse_loss(acaode.tensor(a), b).item() == pytest.approx(10 / 3)
    assert F.mse_loss(acaode.tensor(a), b, reduction="sum").item() == pytest.approx(10)
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(acaode.tensor(a), b, reduction="max")
    with pytest.raises(ValueError):
        F.cross_entropy(acaode.tensor(logits), [1, 3])  # label out of range
    img = np.arange(32.0).reshape(1, 2, 4, 4)
    np.testing.assert_allclose(F.avg_pool2d(acaode.tensor(img), 2).numpy(),
                               img.reshape(1, 2, 2, 2, 2, 2).mean((3, 5)))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(acaode.tensor(img), 1).numpy(),
                               img.mean((2, 3), keepdims=True))
    with pytest.raises(ValueError, match="output_size"):
        F.adaptive_avg_pool2d(acaode.tensor(img), 2)
    w = np.array([[1.0, -1.0], [0.5, 2.0]])
    np.testing.assert_allclose(F.linear(acaode.tensor([[1.0, 2.0]]), acaode.tensor(w)).numpy(),
                               [[1.0, 2.0]] @ w.T)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
