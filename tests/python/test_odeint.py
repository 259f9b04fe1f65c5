"""acaode.odeint / acaode.solve: solutions against analytic ones, gradients of every method
against finite differences and analytic gradients, a Python Module against the same network
of C++ layers, statistics, the GIL released for C++-only dynamics, and every error path."""
import sys
import threading
import time

import numpy as np
import pytest

import acaode
from acaode import nn

A = np.array([[-0.5, 1.0], [-1.0, -0.3]])
Z0 = np.array([1.0, 0.5])
TS = [0.0, 0.5, 1.5]
W = np.array([[0.3, -1.0], [2.0, 0.7], [-0.4, 1.1]])  # loss = sum(W * ys)
GRADIENTS = ("aca", "adjoint", "naive")
FD_STEP = 1e-6


def expm(m):
    vals, vecs = np.linalg.eig(m)
    return (vecs @ np.diag(np.exp(vals)) @ np.linalg.inv(vecs)).real


def linear_loss(a_np, z0_np, gradient, tol=1e-10):
    """loss(A, z0) through odeint with dz/dt = z A^T, and the tensors to read grads from."""
    a = acaode.tensor(a_np, requires_grad=True)
    z0 = acaode.tensor(z0_np, requires_grad=True)
    ys = acaode.odeint(lambda t, z: acaode.matmul(a, z), z0, TS, params=[a], rtol=tol,
                       atol=tol, gradient=gradient, adjoint_rtol=1e-12, adjoint_atol=1e-12)
    return (ys * acaode.tensor(W)).sum(), a, z0


def central_difference(fn, x):
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += FD_STEP
        xm[idx] -= FD_STEP
        out[idx] = (fn(xp) - fn(xm)) / (2 * FD_STEP)
    return out


def test_solution_matches_matrix_exponential():
    ys = acaode.odeint(lambda t, z: acaode.matmul(acaode.tensor(A), z), Z0, TS, rtol=1e-10,
                       atol=1e-12)
    assert ys.shape == (3, 2)
    for k, t in enumerate(TS):
        np.testing.assert_allclose(ys[k].numpy(), expm(A * t) @ Z0, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("gradient", GRADIENTS)
def test_gradients_match_finite_differences(gradient):
    loss, a, z0 = linear_loss(A, Z0, gradient)
    loss.backward()
    with acaode.no_grad():
        fd_a = central_difference(lambda x: linear_loss(x, Z0, gradient)[0].item(), A)
        fd_z0 = central_difference(lambda x: linear_loss(A, x, gradient)[0].item(), Z0)
    np.testing.assert_allclose(a.grad.numpy(), fd_a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(z0.grad.numpy(), fd_z0, rtol=1e-5, atol=1e-6)
    # and against the analytic gradient dL/dz0 = sum_k expm(A t_k)^T w_k
    exact = sum(expm(A * t).T @ W[k] for k, t in enumerate(TS))
    np.testing.assert_allclose(z0.grad.numpy(), exact, rtol=1e-6)


@pytest.mark.parametrize("gradient", GRADIENTS)
def test_scalar_decay_gradient_is_analytic(gradient):
    # z(T) = z0 exp(alpha T): dz(T)/dalpha = T z0 exp(alpha T), dz(T)/dz0 = exp(alpha T)
    alpha = acaode.tensor(-0.7, requires_grad=True)
    z0 = acaode.tensor([2.0], requires_grad=True)
    ys = acaode.odeint(lambda t, z: alpha * z, z0, [0.0, 3.0], params=[alpha], rtol=1e-10,
                       atol=1e-12, gradient=gradient, adjoint_rtol=1e-12, adjoint_atol=1e-14)
    ys[-1].sum().backward()
    assert alpha.grad.item() == pytest.approx(3 * 2 * np.exp(-2.1), rel=1e-7)
    assert z0.grad.item() == pytest.approx(np.exp(-2.1), rel=1e-7)


def test_integration_backward_in_time_and_per_component_tolerances():
    ys = acaode.odeint(lambda t, z: -z, [1.0, 2.0], [1.0, 0.0], rtol=[1e-10, 1e-9],
                       atol=1e-12)
    np.testing.assert_allclose(ys[-1].numpy(), np.array([1.0, 2.0]) * np.e, rtol=1e-8)


@pytest.mark.parametrize("method", acaode.METHODS)
def test_every_method_on_a_fixed_grid(method):
    ys = acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], method=method, step_size=0.01)
    order_tol = {"euler": 1e-2, "midpoint": 1e-4, "heun": 1e-4, "heun_euler": 1e-4,
                 "rk12": 1e-4}.get(method, 1e-6)
    assert ys[-1].item() == pytest.approx(np.exp(-1), rel=order_tol)


def test_float32_solve():
    z0 = acaode.tensor([1.0, 0.5], dtype="float32", requires_grad=True)
    a = acaode.tensor(A, dtype="float32")
    ys = acaode.odeint(lambda t, z: acaode.matmul(a, z), z0, TS, rtol=1e-5, atol=1e-6)
    assert ys.dtype == np.float32
    np.testing.assert_allclose(ys[-1].numpy(), expm(A * 1.5) @ Z0, rtol=1e-4)
    ys.sum().backward()
    assert z0.grad.dtype == np.float32


class PyMlp(nn.Module):
    """tanh MLP written out by hand; the same network as Sequential(Linear, Tanh, Linear)."""

    def __init__(self, seq):
        super().__init__()
        sd = seq.state_dict()
        self.w1 = nn.Parameter(sd["0.weight"])
        self.b1 = nn.Parameter(sd["0.bias"])
        self.w2 = nn.Parameter(sd["2.weight"])
        self.b2 = nn.Parameter(sd["2.bias"])

    def forward(self, t, z):
        h = acaode.tanh(z @ self.w1.T + self.b1)
        return h @ self.w2.T + self.b2


@pytest.mark.parametrize("gradient", GRADIENTS)
def test_python_module_matches_cpp_layers(gradient):
    seq = nn.Sequential(nn.Linear(2, 8, generator=acaode.Generator(1)), nn.Tanh(),
                        nn.Linear(8, 2, generator=acaode.Generator(2)))
    py = PyMlp(seq)
    z0_np = np.array([[0.5, -1.0], [1.0, 0.2]])
    results = []
    for func in (seq, py):
        z0 = acaode.tensor(z0_np, requires_grad=True)
        ys = acaode.odeint(func, z0, [0.0, 0.5, 1.0], rtol=1e-8, atol=1e-9, gradient=gradient)
        (ys ** 2).sum().backward()
        results.append((ys.numpy().copy(), z0.grad.numpy().copy(),
                        [p.grad.numpy().copy() for p in func.parameters()]))
    (ys_c, gz_c, gp_c), (ys_p, gz_p, gp_p) = results
    np.testing.assert_allclose(ys_p, ys_c, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gz_p, gz_c, rtol=1e-10, atol=1e-12)
    for gc_, gp_ in zip(gp_c, gp_p):
        np.testing.assert_allclose(gp_, gc_, rtol=1e-10, atol=1e-12)


def test_solve_statistics():
    seq = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    z0 = acaode.tensor([[0.5, -1.0]], requires_grad=True)
    sol = acaode.solve(seq, z0, [0.0, 0.5, 1.0], rtol=1e-6, atol=1e-8)
    s = sol.stats
    assert sol.ys.shape == (3, 1, 2)
    np.testing.assert_array_equal(sol.ts, [0.0, 0.5, 1.0])
    assert sol.accepted_times[0] == 0.0 and sol.accepted_times[-1] == 1.0
    assert {0.5, 1.0} <= set(sol.accepted_times.tolist())
    assert s.accepted_steps == len(sol.accepted_times) - 1
    assert s.forward_f_evals >= 6 * s.accepted_steps
    assert s.checkpoint_bytes == s.accepted_steps * 2 * 8
    assert s.backward_f_evals == 0 and not s.backward_done
    sol.ys.sum().backward()
    # dopri5 replays 6 stages per step, all but the last step, whose graph the forward
    # pass kept (Note [Taped last step])
    assert s.backward_done and s.backward_f_evals == 6 * (s.accepted_steps - 1)
    assert s.replayed_steps == s.accepted_steps - 1 and s.retained_steps == 1
    assert s.replay_max_abs_diff == 0.0 and s.peak_tape_bytes > 0
    assert "accepted_steps" in repr(s)
    adj = acaode.solve(seq, z0, [0.0, 1.0], gradient="adjoint")
    assert adj.stats.adjoint_reconstructed_z0 is None
    adj.ys.sum().backward()
    assert adj.stats.backward_accepted_steps > 0
    np.testing.assert_allclose(adj.stats.adjoint_reconstructed_z0.numpy(), z0.numpy(), atol=1e-4)


@pytest.mark.parametrize("budget", [float("inf"), 20000, 64, 0])
def test_memory_budget_gives_the_same_gradient_bit_for_bit(budget):
    # Note [Memory budget]: tapes kept (inf, 20 kB), binomial checkpointing (64 bytes: 4
    # states of 16 bytes; 0: only z0) — the gradient is the one without a budget, exactly.
    seq = nn.Sequential(nn.Linear(2, 16, generator=acaode.Generator(3)), nn.Tanh(),
                        nn.Linear(16, 2, generator=acaode.Generator(4)))
    runs = []
    for b in (None, budget):
        z0 = acaode.tensor([[0.5, -1.0]], requires_grad=True)
        seq.zero_grad()
        sol = acaode.solve(seq, z0, [0.0, 1.0, 3.0], rtol=1e-7, atol=1e-9, memory_budget=b)
        (sol.ys ** 2).sum().backward()
        runs.append((z0.grad.numpy().copy(), [p.grad.numpy().copy() for p in seq.parameters()],
                     sol.stats))
    (gz0, gp0, s0), (gz, gp, s) = runs
    np.testing.assert_array_equal(gz, gz0)
    for a, b in zip(gp, gp0):
        np.testing.assert_array_equal(a, b)
    n = s.accepted_steps
    # no budget: every step replayed but the last, whose tape the forward pass kept
    assert s0.memory_budget == -1 and s0.replayed_steps == n - 1 and s0.retained_steps == 1
    if budget == float("inf"):
        assert s.retained_steps == n and s.replayed_steps == 0 and s.backward_f_evals == 0
        # without a budget the last step's k1 is evaluated once more, on its leaf
        assert s.forward_f_evals == s0.forward_f_evals - 1
    else:
        assert s.peak_held_bytes <= budget
        assert s.retained_steps + s.replayed_steps == n
    if budget in (64, 0):
        assert s.recomputed_steps > 0
    assert "recomputed_steps" in repr(s)


def test_adjoint_norms_agree_with_aca_and_seminorm_is_cheapest():
    # adjoint_norm: "rms" (one norm over [z, a, g]), "mixed" (torchdiffeq's default: the
    # largest per-part RMS norm, never below the others) and "seminorm" (z and a only).
    seq = nn.Sequential(nn.Linear(2, 16, generator=acaode.Generator(3)), nn.Tanh(),
                        nn.Linear(16, 2, generator=acaode.Generator(4)))
    grads, steps = {}, {}
    for gradient, norm in [("aca", "rms"), ("adjoint", "rms"), ("adjoint", "mixed"),
                           ("adjoint", "seminorm")]:
        z0 = acaode.tensor([[0.5, -1.0], [0.3, 0.2]], requires_grad=True)
        seq.zero_grad()
        sol = acaode.solve(seq, z0, [0.0, 2.0], rtol=1e-5, atol=1e-7, gradient=gradient,
                           adjoint_norm=norm)
        (sol.ys[-1] ** 2).sum().backward()
        grads[gradient, norm] = np.concatenate([p.grad.numpy().ravel()
                                                for p in seq.parameters()])
        steps[gradient, norm] = sol.stats.backward_accepted_steps
    exact = grads["aca", "rms"]
    for norm in acaode.ADJOINT_NORMS:
        err = np.linalg.norm(grads["adjoint", norm] - exact) / np.linalg.norm(exact)
        assert err < 1e-4, (norm, err)
    assert steps["adjoint", "mixed"] >= steps["adjoint", "rms"]
    assert steps["adjoint", "mixed"] > steps["adjoint", "seminorm"]
    with pytest.raises(ValueError, match="adjoint_norm"):
        acaode.odeint(seq, z0, [0.0, 1.0], gradient="adjoint", adjoint_norm="max")


@pytest.mark.parametrize("gradient", ["aca", "adjoint", "naive", "mali"])
def test_callback_sees_every_accepted_step(gradient):
    seen = []
    method = "alf" if gradient == "mali" else "dopri5"
    z0 = acaode.tensor([[1.0, 0.5]], requires_grad=True)
    sol = acaode.solve(lambda t, z: -z, z0, [0.0, 0.5, 2.0], method=method, gradient=gradient,
                       rtol=1e-6, atol=1e-8,
                       callback=lambda t, z: seen.append((t, z.numpy().copy())))
    assert [t for t, _ in seen] == sol.accepted_times[1:].tolist()
    assert len(seen) == sol.stats.accepted_steps
    # The state passed is the solution there: exp(-t) z0 within the tolerance.
    for t, z in seen:
        np.testing.assert_allclose(z, np.exp(-t) * np.array([[1.0, 0.5]]), rtol=1e-3)
    np.testing.assert_array_equal(seen[-1][1], sol.ys.numpy()[-1])


def test_callback_exception_ends_the_solve():
    class Stop(Exception):
        pass

    def stop_after_three(t, z, calls=[]):
        calls.append(t)
        if len(calls) == 3:
            raise Stop(f"enough at t = {t}")

    with pytest.raises(Stop, match="enough"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 10.0], step_size=0.1, method="rk4",
                      callback=stop_after_three)
    with pytest.raises(ValueError, match="callback"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], callback=3)


def test_cpp_only_dynamics_run_without_the_gil_and_without_python():
    # A second thread counts while the main thread is inside the solve and the backward.
    # Were the GIL held, it could run only in switch intervals at the edges of each call
    # (a handful of counts); released, it counts freely. The horizon doubles until the solve
    # lasts long enough to tell, so neither a fast nor a slow machine decides the outcome;
    # the threshold is a count, not a rate.
    width = 128
    seq = nn.Sequential(nn.Linear(width, width, generator=acaode.Generator(0)), nn.Tanh(),
                        nn.Linear(width, width, generator=acaode.Generator(1)))
    z0 = acaode.randn(64, width, generator=acaode.Generator(2))
    calls_before = acaode._core._python_callback_count()
    counter = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter[0] += 1

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    thread = threading.Thread(target=count)
    thread.start()
    try:
        horizon = 0.5
        while True:
            time.sleep(0.005)
            c0, t0 = counter[0], time.perf_counter()
            ys = acaode.odeint(seq, z0, [0.0, horizon], rtol=1e-9, atol=1e-9)
            c1, t1 = counter[0], time.perf_counter()
            ys[-1].sum().backward()
            c2, t2 = counter[0], time.perf_counter()
            if min(t1 - t0, t2 - t1) > 0.05 or horizon > 100:
                break
            horizon *= 2
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(old_interval)
    assert acaode._core._python_callback_count() == calls_before
    # Measured: ~5e6 counts/s with the GIL released; a held GIL allows tens per call.
    assert c1 - c0 > 5000, f"{c1 - c0} counts during a {t1 - t0:.3f} s solve"
    assert c2 - c1 > 5000, f"{c2 - c1} counts during a {t2 - t1:.3f} s backward"


def test_python_dynamics_call_back_into_python():
    before = acaode._core._python_callback_count()
    sol = acaode.solve(lambda t, z: -z, [1.0], [0.0, 1.0])
    assert acaode._core._python_callback_count() - before == sol.stats.forward_f_evals


class Boom(Exception):
    pass


def test_python_exception_reaches_the_caller_unchanged():
    err = Boom("from f")

    def f(t, z):
        if t > 0.3:
            raise err
        return -z

    for gradient in GRADIENTS:
        with pytest.raises(Boom) as info:
            acaode.odeint(f, [1.0], [0.0, 1.0], gradient=gradient)
        assert info.value is err

    class Bad(nn.Module):
        def forward(self, t, z):
            raise KeyError("inside forward")

    with pytest.raises(KeyError, match="inside forward"):
        acaode.odeint(Bad(), [1.0], [0.0, 1.0])


def test_python_exception_during_backward_replay():
    w = acaode.tensor([0.5], requires_grad=True)
    in_backward = False

    def f(t, z):
        if in_backward:  # only the replays of the backward pass
            raise Boom("in replay")
        return -w * z

    sol = acaode.solve(f, [1.0], [0.0, 1.0], params=[w])
    assert sol.stats.accepted_steps > 1  # so that the backward pass replays a step
    in_backward = True
    with pytest.raises(Boom, match="in replay"):
        sol.ys.sum().backward()
    assert w.grad is None
    assert acaode.is_grad_enabled()


def test_solver_failures_raise_solver_error():
    with pytest.raises(acaode.SolverError, match="max_steps") as info:
        acaode.odeint(lambda t, z: -1000.0 * z, [1.0], [0.0, 10.0], max_steps=5)
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(acaode.SolverError):
        acaode.odeint(lambda t, z: z * z, [1.0], [0.0, 2.0])  # blows up at t = 1


def test_backward_solver_failure_raises_solver_error():
    # van der Pol (the ACA paper's Appendix D.1) is unstable backward in time: the adjoint's
    # backward solve of the augmented system fails at ode45's tolerances for T = 10.
    def vdp(t, y):
        y1, y2 = y[0:1], y[1:2]
        return acaode.cat([y2, (0.15 - y1 * y1) * y2 - y1])

    z0 = acaode.tensor([2.0, 0.0], requires_grad=True)
    ys = acaode.odeint(vdp, z0, [0.0, 10.0], rtol=1e-3, atol=1e-6, gradient="adjoint")
    with pytest.raises(acaode.SolverError, match="backward solve"):
        ys[-1].sum().backward()
    assert z0.grad is None
    ys = acaode.odeint(vdp, z0, [0.0, 10.0], rtol=1e-3, atol=1e-6, gradient="aca")
    ys[-1].sum().backward()  # ACA never integrates backward
    assert np.all(np.isfinite(z0.grad.numpy()))


@pytest.mark.parametrize("kwargs, name", [
    (dict(method="rk99"), "method"),
    (dict(method=3), "method"),
    (dict(method="rk4"), "step_size"),
    (dict(rtol=-1.0), "rtol"),
    (dict(atol=float("nan")), "atol"),
    (dict(rtol="x"), "rtol"),
    (dict(gradient="backprop"), "gradient"),
    (dict(step_size=0), "step_size"),
    (dict(step_size=-0.1), "step_size"),
    (dict(first_step=-1.0), "first_step"),
    (dict(max_steps=0), "max_steps"),
    (dict(max_steps=1.5), "max_steps"),
    (dict(adjoint_rtol=-1.0), "adjoint_rtol"),
    (dict(adjoint_atol=float("inf")), "adjoint_atol"),
    (dict(adjoint_method="nope"), "adjoint_method"),
    (dict(params=[1.0]), "params"),
    (dict(rtoll=1e-3), "rtoll"),
    (dict(memory_budget=-1), "memory_budget"),
    (dict(memory_budget="1GB"), "memory_budget"),
    (dict(memory_budget=float("nan")), "memory_budget"),
    (dict(memory_budget=1 << 20, gradient="adjoint"), "memory_budget"),
])
def test_bad_arguments_raise_value_error_naming_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], **kwargs)


def test_bad_positional_arguments():
    with pytest.raises(TypeError):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], rtoll=1e-3)  # also a TypeError
    with pytest.raises(ValueError, match="t\\[2\\]"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0, 0.5])
    with pytest.raises(ValueError, match="t: must be 1-D"):
        acaode.odeint(lambda t, z: -z, [1.0], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="func"):
        acaode.odeint(42, [1.0], [0.0, 1.0])
    with pytest.raises(TypeError, match="func returned"):
        acaode.odeint(lambda t, z: 1.0, [1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="params\\[0\\]"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0],
                      params=[acaode.zeros(1, dtype="float32", requires_grad=True)])
    with pytest.raises(ValueError):
        acaode.odeint(lambda t, z: acaode.zeros(3), [1.0], [0.0, 1.0])  # wrong shape


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))


class _CountingDecay(nn.Module):
    """dz/dt = -theta z^3, counting its evaluations in a buffer (its only state)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("calls", acaode.zeros(1))
        self.register_parameter("theta", acaode.tensor([20.0]))

    def forward(self, t, z):
        self.calls.numpy()[0] += 1  # in place: the buffer's own storage
        return -(self.theta * z * z * z)


@pytest.mark.parametrize("gradient", ["aca", "adjoint", "naive"])
def test_restore_state_undoes_rejected_trials_and_the_backward_pass(gradient):
    # The paper's Appendix A: f's state is put back before every trial step. Oracle: the
    # solve's counts; dopri5 (FSAL) with a given first step evaluates f once at t0 and 6 times
    # per trial, so the rejected trials' evaluations are 6 * rejected_steps.
    f = _CountingDecay()
    sol = acaode.solve(f, np.ones(3), [0.0, 1.0], gradient=gradient, first_step=0.9)
    s = sol.stats
    assert s.rejected_steps > 0
    after_forward = f.calls.numpy()[0]
    # ACA evaluates the last step's k1 once more, on the leaf of the graph it keeps for the
    # backward pass; that evaluation is undone as well
    last_step_k1 = 1 if gradient == "aca" else 0
    assert after_forward == s.forward_f_evals - 6 * s.rejected_steps - last_step_k1
    sol.ys[1].sum().backward()
    assert f.theta.grad is not None
    assert f.calls.numpy()[0] == after_forward  # the replays / adjoint evaluations undone


def test_restore_state_off_keeps_every_evaluation():
    f = _CountingDecay()
    sol = acaode.solve(f, np.ones(3), [0.0, 1.0], first_step=0.9, restore_state=False)
    assert f.calls.numpy()[0] == sol.stats.forward_f_evals
    sol.ys[1].sum().backward()
    assert sol.stats.backward_f_evals > 0
    assert f.calls.numpy()[0] == sol.stats.forward_f_evals + sol.stats.backward_f_evals


def test_restore_state_keeps_batchnorm_statistics_through_backward():
    # BatchNorm2d's running statistics change by the forward solve only; without
    # restore_state ACA's replays update them again.
    x = np.random.default_rng(0).normal(size=(4, 2, 3, 3))
    stats = {}
    for restore in (None, False):
        seq = nn.Sequential(nn.BatchNorm2d(2), nn.Tanh())
        z0 = acaode.tensor(x, requires_grad=True)
        ys = acaode.odeint(seq, z0, [0.0, 0.5], restore_state=restore)
        bn = seq[0]
        forward = bn.running_mean.numpy().copy()
        assert np.any(forward != 0)
        ys.sum().backward()
        stats[restore] = (forward, bn.running_mean.numpy().copy())
    forward, after = stats[None]
    np.testing.assert_array_equal(after, forward)
    forward_off, after_off = stats[False]
    assert np.any(after_off != forward_off)


@pytest.mark.parametrize("value, message", [
    ("yes", "restore_state: must be True, False or None"),
    (1, "restore_state: must be True, False or None"),
])
def test_restore_state_rejects_bad_values(value, message):
    with pytest.raises(ValueError, match=message):
        acaode.odeint(nn.Sequential(nn.Tanh()), np.ones(2), [0.0, 1.0], restore_state=value)


def test_restore_state_needs_a_module():
    with pytest.raises(ValueError, match="restore_state=True: func must be an acaode.nn.Module"):
        acaode.odeint(lambda t, z: -z, np.ones(2), [0.0, 1.0], restore_state=True)


@pytest.mark.parametrize("gradient", GRADIENTS + ("mali",))
def test_output_time_gradients_are_analytic(gradient):
    # y_k = expm(A (t_k - t_0)) z0 and L = sum_k W_k . y_k: dL/dt_k = W_k . A y_k (k >= 1),
    # dL/dt_0 = -(their sum) (f is autonomous).
    t = acaode.tensor(TS, requires_grad=True)
    method, tol = ("alf", 1e-9) if gradient == "mali" else ("dopri5", 1e-11)
    ys = acaode.odeint(lambda s, z: acaode.matmul(acaode.tensor(A), z), Z0, t, method=method,
                       rtol=tol, atol=tol, gradient=gradient, adjoint_rtol=1e-12,
                       adjoint_atol=1e-12)
    (ys * acaode.tensor(W)).sum().backward()
    y = [expm(A * (s - TS[0])) @ Z0 for s in TS]
    expected = np.array([0.0] + [W[k] @ A @ y[k] for k in range(1, len(TS))])
    expected[0] = -expected[1:].sum()
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-6 if gradient == "mali" else 1e-8)


@pytest.mark.parametrize("gradient", GRADIENTS)
def test_output_time_gradients_match_finite_differences(gradient):
    # non-autonomous f, backward in time, float32 times
    a = acaode.tensor(A)

    def f(s, z):
        return acaode.matmul(a, z).tanh() * (1.0 + 0.5 * np.sin(2.0 * s)) + 0.2 * np.cos(s)

    times = np.array([1.2, 0.7, -0.1])

    def loss(ts, **kwargs):
        ys = acaode.odeint(f, Z0, ts, rtol=1e-12, atol=1e-12, **kwargs)
        return (ys * acaode.tensor(W)).sum()

    t = acaode.tensor(times, requires_grad=True)
    loss(t, gradient=gradient, adjoint_rtol=1e-12, adjoint_atol=1e-12).backward()
    with acaode.no_grad():
        fd = central_difference(lambda x: loss(list(x)).item(), times)
    np.testing.assert_allclose(t.grad.numpy(), fd, rtol=1e-5, atol=1e-7)


def test_output_time_gradients_with_a_cpp_module_and_float32_times():
    net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    t = acaode.tensor(np.array([0.0, 0.5, 1.0], dtype=np.float32), requires_grad=True)
    sol = acaode.solve(net, Z0, t, rtol=1e-9, atol=1e-9)
    (sol.ys * acaode.tensor(W)).sum().backward()
    grads = t.grad.numpy()
    assert t.grad.dtype == acaode.float32
    # autonomous f: shifting every time together changes nothing
    assert abs(grads.sum()) < 1e-5 * np.abs(grads).max()
    assert np.all(grads[1:] != 0)
    # one evaluation of f per output time on top of the replays (dopri5: 6 per step, every
    # step but the last)
    assert sol.stats.backward_f_evals == 6 * (sol.stats.accepted_steps - 1) + len(TS)
    # parameters and z0 get the same gradients as with plain times
    p_grads = [p.grad.numpy().copy() for p in net.parameters()]
    net.zero_grad()
    (acaode.odeint(net, Z0, [0.0, 0.5, 1.0], rtol=1e-9, atol=1e-9) *
     acaode.tensor(W)).sum().backward()
    for got, want in zip(p_grads, (p.grad.numpy() for p in net.parameters())):
        np.testing.assert_array_equal(got, want)


def test_output_times_without_requires_grad_get_no_gradient():
    t = acaode.tensor(TS)
    z0 = acaode.tensor(Z0, requires_grad=True)
    acaode.odeint(lambda s, z: -z, z0, t).sum().backward()
    assert t.grad is None
    assert z0.grad is not None


def test_naive_time_argument_evaluations_and_the_autonomous_hint():
    # The naive method carries f's time dependence into its taped step sizes with two
    # evaluations of f per stage in the backward pass; for an autonomous f they give exactly
    # 0, so autonomous=True (or a C++ module, known to ignore t) skips them with the same
    # gradient bit for bit.
    a = acaode.tensor(A, requires_grad=True)
    grads, evals = {}, {}
    for hint in (False, True):
        a.grad = None
        sol = acaode.solve(lambda t, z: acaode.matmul(a, z).tanh(), Z0, TS, params=[a],
                           gradient="naive", autonomous=hint)
        (sol.ys * acaode.tensor(W)).sum().backward()
        grads[hint], evals[hint] = a.grad.numpy().copy(), sol.stats.backward_f_evals
    np.testing.assert_array_equal(grads[True], grads[False])
    assert evals[True] == 0 and evals[False] > 0
    net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    sol = acaode.solve(net, Z0, TS, gradient="naive")
    sol.ys.sum().backward()
    assert sol.stats.backward_f_evals == 0
    with pytest.raises(ValueError, match="autonomous"):
        acaode.odeint(net, Z0, TS, autonomous=1)
