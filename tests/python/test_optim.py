"""acaode.optim: SGD and Adam updates against hand-computed steps, the schedules against
their closed forms, option errors, and a small fit that converges."""
import gc
import sys

import numpy as np
import pytest

import acaode
from acaode import nn, optim
from acaode.optim import lr_scheduler


def set_grad(p, g):
    p.grad = np.asarray(g, dtype=float)


def test_sgd_momentum_nesterov_weight_decay():
    p = acaode.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)
    x = np.array([1.0, -2.0])
    buf = None
    for g in ([0.5, 1.0], [-1.0, 0.25]):
        set_grad(p, g)
        opt.step()
        d = np.array(g) + 0.01 * x
        buf = d if buf is None else 0.9 * buf + d
        x = x - 0.1 * (d + 0.9 * buf)
        np.testing.assert_allclose(p.numpy(), x, rtol=1e-14)
    opt.zero_grad()
    assert p.grad is None
    assert opt.lr == 0.1 and opt.params[0] is not None


def test_adam_matches_formula():
    p = acaode.tensor([0.5, 1.5], requires_grad=True)
    opt = optim.Adam([p], lr=0.01, betas=(0.8, 0.99), eps=1e-8)
    x, m, v = np.array([0.5, 1.5]), 0.0, 0.0
    for t, g in enumerate(([1.0, -3.0], [0.2, 0.4], [-0.5, 1.0]), start=1):
        set_grad(p, g)
        opt.step()
        g = np.array(g)
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        x = x - 0.01 / (1 - 0.8 ** t) * m / (np.sqrt(v) / np.sqrt(1 - 0.99 ** t) + 1e-8)
        np.testing.assert_allclose(p.numpy(), x, rtol=1e-13)


def test_parameters_without_grad_are_skipped():
    a = acaode.tensor([1.0], requires_grad=True)
    b = acaode.tensor([2.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=1.0)
    set_grad(a, [1.0])
    opt.step()
    assert a.item() == 0.0 and b.item() == 2.0


def test_option_errors_name_the_field():
    p = [acaode.zeros(1, requires_grad=True)]
    with pytest.raises(ValueError, match="lr"):
        optim.SGD(p, lr=-1.0)
    with pytest.raises(ValueError, match="nesterov"):
        optim.SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta1"):
        optim.Adam(p, betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="eps"):
        optim.Adam(p, eps=-1.0)
    with pytest.raises(ValueError):
        optim.SGD([acaode.zeros(1)], lr=0.1)  # does not require grad
    with pytest.raises(TypeError):
        optim.SGD([1.0], lr=0.1)


def test_schedules_follow_closed_forms():
    p = [acaode.zeros(1, requires_grad=True)]
    sgd = optim.SGD(p, lr=1.0)
    s = lr_scheduler.StepLR(sgd, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        s.step()
        lrs.append(sgd.lr)
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.25] and s.epoch == 5 and s.base_lr == 1.0
    adam = optim.Adam(p, lr=0.1)
    ms = lr_scheduler.MultiStepLR(adam, milestones=[1, 3], gamma=0.1)
    assert [ms.lr_at(e) for e in range(5)] == pytest.approx([0.1, 0.01, 0.01, 0.001, 0.001])
    ex = lr_scheduler.ExponentialLR(optim.SGD(p, lr=2.0), gamma=0.9)
    gc.collect()  # the scheduler keeps its optimizer alive
    ex.step()
    ex.step()
    assert ex.lr_at(2) == pytest.approx(2.0 * 0.81)
    with pytest.raises(ValueError):
        lr_scheduler.StepLR(sgd, step_size=0)
    with pytest.raises(ValueError):
        lr_scheduler.MultiStepLR(sgd, milestones=[3, 2])
    with pytest.raises(ValueError):
        lr_scheduler.ExponentialLR(sgd, gamma=0.0)


def test_linear_regression_fit_converges():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    w_true = np.array([[1.0, -2.0, 0.5]])
    y = x @ w_true.T + 0.3
    model = nn.Linear(3, 1, generator=acaode.Generator(0))
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(400):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(acaode.tensor(x)), y)
        loss.backward()
        opt.step()
    assert loss.item() < 1e-6
    np.testing.assert_allclose(model.weight.numpy(), w_true, atol=1e-3)
    np.testing.assert_allclose(model.bias.numpy(), [0.3], atol=1e-3)



@pytest.mark.parametrize("make", [
    lambda ps: acaode.optim.Adam(ps, lr=0.05, weight_decay=0.01),
    lambda ps: acaode.optim.SGD(ps, lr=0.05, momentum=0.9),
])
def test_state_dict_resumes_training_exactly(make):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 3))

    def model():
        acaode.manual_seed(5)
        return acaode.nn.Sequential(acaode.nn.Linear(3, 8), acaode.nn.Tanh(),
                                    acaode.nn.Linear(8, 1))

    def steps(net, opt, n):
        for _ in range(n):
            opt.zero_grad()
            acaode.mean(net(acaode.tensor(x)) ** 2).backward()
            opt.step()

    net = model()
    opt = make(net.parameters())
    steps(net, opt, 3)
    weights, state = net.state_dict(), opt.state_dict()
    assert state["lr"] == 0.05 and len(state) > 1
    steps(net, opt, 2)
    resumed = model()
    resumed.load_state_dict(weights)
    opt2 = make(resumed.parameters())
    opt2.lr = 1.0
    opt2.load_state_dict(state)
    assert opt2.lr == 0.05
    steps(resumed, opt2, 2)
    for a, b in zip(net.state_dict().values(), resumed.state_dict().values()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="'lr' is missing"):
        opt2.load_state_dict({k: v for k, v in state.items() if k != "lr"})


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
