#!/usr/bin/env python3
"""scipy.integrate.solve_ivp on the problems of solver_benchmark.cc, for side-by-side
wall times (per solve and per step). Needs numpy + scipy (a scratch venv is fine):

    python3 solvers/benchmarks/scipy_timings.py
"""
import timeit

import numpy as np
from scipy.integrate import solve_ivp


def vdp(t, y):
    return np.array([y[1], (0.15 - y[0] ** 2) * y[1] - y[0]])


def arenstorf(t, y):
    mu, mup = 0.012277471, 1 - 0.012277471
    d1 = ((y[0] + mu) ** 2 + y[1] ** 2) ** 1.5
    d2 = ((y[0] - mup) ** 2 + y[1] ** 2) ** 1.5
    return np.array([y[2], y[3],
                     y[0] + 2 * y[3] - mup * (y[0] + mu) / d1 - mu * (y[0] - mup) / d2,
                     y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2])


def lotka_volterra(t, y):
    return np.array([1.5 * y[0] - y[0] * y[1], -3.0 * y[1] + y[0] * y[1]])


rng = np.random.default_rng(7)
W1, B1 = rng.normal(0, 0.5, (2, 64)), rng.normal(0, 0.1, 64)
W2, B2 = rng.normal(0, 0.125, (64, 64)), rng.normal(0, 0.1, 64)
W3, B3 = rng.normal(0, 0.125, (64, 2)), rng.normal(0, 0.1, 2)


def mlp(t, y):
    z = y.reshape(16, 2)
    return (np.tanh(np.tanh(z @ W1 + B1) @ W2 + B2) @ W3 + B3).ravel()


PROBLEMS = [
    ("van_der_pol", vdp, np.array([2.0, 0.0]), 15.0),
    ("arenstorf", arenstorf, np.array([0.994, 0.0, 0.0, -2.00158510637908252240537862224]),
     17.0652165601579625588917206249),
    ("lotka_volterra", lotka_volterra, np.array([10.0, 5.0]), 15.0),
    ("mlp64_batch16", mlp, rng.normal(0, 1, 32), 5.0),
]

print(f"{'problem':15s} {'method':7s} {'tol':>6s} {'steps':>7s} {'nfev':>6s} "
      f"{'solve_us':>11s} {'per_step_us':>11s} {'f_eval_us':>10s}")
for name, f, y0, t1 in PROBLEMS:
    n = 20000
    t_f = timeit.timeit(lambda: f(0.0, y0), number=n) / n
    for method in ("RK23", "RK45", "DOP853"):
        for tol in (1e-6, 1e-8):
            sol = solve_ivp(f, (0.0, t1), y0, method=method, rtol=tol, atol=tol)
            repeats = max(3, 2000 // max(sol.nfev, 1))
            t = timeit.timeit(lambda: solve_ivp(f, (0.0, t1), y0, method=method, rtol=tol,
                                                atol=tol), number=repeats) / repeats
            steps = len(sol.t) - 1
            print(f"{name:15s} {method:7s} {tol:6.0e} {steps:7d} {sol.nfev:6d} "
                  f"{t * 1e6:11.1f} {t / steps * 1e6:11.2f} {t_f * 1e6:10.3f}")
