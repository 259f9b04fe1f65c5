"""gradient="mali" (MALI, reversible ALF; aca/reversible.h) from Python: its gradient
matches ACA's and the analytic one on dz/dt = A z, and a mismatched method is rejected."""
import sys

import numpy as np
import pytest

import acaode

A = np.array([[-0.1, 1.0], [-1.0, -0.2]])
Z0 = np.array([1.0, -0.5])
TS = [0.0, 0.5, 1.5]
W = np.array([[0.0, 0.0], [0.3, -1.1], [0.8, 0.4]])


def expm(m):
    vals, vecs = np.linalg.eig(m)
    return (vecs @ np.diag(np.exp(vals)) @ np.linalg.inv(vecs)).real


def gradients(gradient, method, tol):
    a = acaode.tensor(A, requires_grad=True)
    z0 = acaode.tensor(Z0, requires_grad=True)
    sol = acaode.solve(lambda t, z: acaode.matmul(a, z), z0, TS, params=[a], rtol=tol,
                       atol=tol, gradient=gradient, method=method)
    (sol.ys * acaode.tensor(W)).sum().backward()
    return a.grad.numpy(), z0.grad.numpy(), sol


def test_mali_gradient_matches_aca_and_analytic():
    a_mali, z0_mali, sol = gradients("mali", "alf", 1e-8)
    a_aca, z0_aca, _ = gradients("aca", "dopri5", 1e-10)
    # ALF is second order: at tol 1e-8 the gradients agree to ~1e-8 relative.
    np.testing.assert_allclose(a_mali, a_aca, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(z0_mali, z0_aca, rtol=1e-6, atol=1e-8)
    exact = sum(expm(A * t).T @ W[k] for k, t in enumerate(TS))
    np.testing.assert_allclose(z0_mali, exact, rtol=1e-6)
    # Only the end state (z_N, v_N) is kept, whatever the number of steps.
    assert sol.stats.accepted_steps > 100
    assert sol.stats.checkpoint_bytes == 2 * Z0.nbytes
    # Backward: one inverse and one replay per step, plus v0 = f(t0, z0).
    assert sol.stats.backward_f_evals == 2 * sol.stats.accepted_steps + 1
    np.testing.assert_allclose(sol.stats.adjoint_reconstructed_z0.numpy(), Z0, atol=1e-12)


def test_mali_needs_alf_and_alf_needs_mali():
    with pytest.raises(ValueError, match="alf"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], gradient="mali")
    with pytest.raises(ValueError, match="alf"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], method="alf")


def test_damped_mali_matches_finite_differences():
    def loss(z0_np, grad=False):
        z0 = acaode.tensor(z0_np, requires_grad=grad)
        ys = acaode.odeint(lambda t, z: acaode.matmul(acaode.tensor(A), z), z0, TS,
                           gradient="mali", method="alf", step_size=0.1, mali_damping=0.3)
        value = (ys * acaode.tensor(W)).sum()
        if grad:
            value.backward()
            return z0.grad.numpy()
        return value.item()

    g = loss(Z0, grad=True)
    fd = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = 1e-6
        fd[i] = (loss(Z0 + e) - loss(Z0 - e)) / 2e-6
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)
    with pytest.raises(ValueError, match="mali_damping"):
        acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0], gradient="mali", method="alf",
                      mali_damping=0.5)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
