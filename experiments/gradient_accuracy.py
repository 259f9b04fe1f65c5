#!/usr/bin/env python3
"""Gradient accuracy of ACA, the continuous adjoint and naive backpropagation.

The first experiment of Zhuang et al., "Adaptive Checkpoint Adjoint Method for Gradient
Estimation in Neural ODE" (ICML 2020), with acaode's public API:

1. An ODE with a known gradient, dz/dt = alpha z, z(0) = z0 in R^2, loss L = sum z(T):
       dL/dz0 = exp(alpha T),   dL/dalpha = T exp(alpha T) sum(z0).
   We report the relative error ||g - g_exact|| / ||g_exact|| of (dL/dz0, dL/dalpha) for
   each gradient method, over the integration time T and over the tolerance.
   With alpha < 0 the forward solve decays, so the adjoint's backward reconstruction of
   z(t) runs through growing dynamics and its error is amplified (the paper, Appendix B);
   ACA differentiates the forward solve's own steps and is exact for the discrete
   solution, so its error is the solver's discretisation error only. The sweep over T is
   also run with alpha > 0 (growing forward, decaying backward), as the paper asks of
   both signs.
2. The van der Pol oscillator of the paper's Appendix D.1, dy1/dt = y2,
   dy2/dt = (0.15 - y1^2) y2 - y1, y(0) = (2, 0), solved forward to T with dopri5 at
   MATLAB ode45's default tolerances (rtol = 1e-3, atol = 1e-6); then the continuous
   adjoint's backward solve reconstructs z(0) from z(T) (inexact: the limit cycle attracts
   forward in time and repels backward), up to T = 20 as in the paper's figure (where the
   adjoint's backward solve fails, the table says "fail"). ACA's "reconstruction error" is
   the largest difference between its replayed and stored states: zero by construction
   (it replays the forward steps from their checkpoints), shown for contrast, not found.

    bazel run //experiments:gradient_accuracy -- --quick --out /tmp/ga   # a few seconds
    python experiments/gradient_accuracy.py      # installed acaode; the full sweep into
                                                 # experiments/out/gradient_accuracy/

Writes DIR/gradient_accuracy.png (four panels) and DIR/gradient_accuracy.json (every
number), and prints the tables.
"""
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment_cli  # noqa: E402  (the shared command line)

import acaode

GRADIENTS = ("aca", "adjoint", "naive")
ALPHA = -0.5          # decaying forward (the main sweep)
ALPHA_GROWING = 0.5   # growing forward (the same sweep over T)
Z0 = np.array([1.0, 2.0])
VDP_MU = 0.15
VDP_Y0 = np.array([2.0, 0.0])
VDP_RTOL, VDP_ATOL = 1e-3, 1e-6  # ode45's defaults, as in the paper's Appendix D.1
ATOL_OVER_RTOL = 1e-3            # atol = 1e-3 rtol in part 1 (z(T) gets small for large T)

SETTINGS = {
    "quick": dict(times=[1.0, 5.0, 10.0, 20.0], tol_time=1e-5, tols=[1e-3, 1e-5, 1e-7],
                  tol_T=10.0, vdp_times=[2.0, 4.0, 6.0], vdp_plot_T=6.0),
    "full": dict(times=[1.0, 2.0, 5.0, 10.0, 15.0, 20.0], tol_time=1e-5,
                 tols=[1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9], tol_T=10.0,
                 vdp_times=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0, 20.0],
                 vdp_plot_T=7.0),
}


def linear_gradient_error(gradient, T, rtol, alpha=ALPHA):
    """Relative error of (dL/dz0, dL/dalpha) for dz/dt = alpha z, L = sum z(T)."""
    a = acaode.tensor(alpha, requires_grad=True)
    z0 = acaode.tensor(Z0, requires_grad=True)
    atol = rtol * ATOL_OVER_RTOL
    ys = acaode.odeint(lambda t, z: a * z, z0, [0.0, T], params=[a], rtol=rtol, atol=atol,
                       gradient=gradient, autonomous=True)
    ys[-1].sum().backward()
    got = np.concatenate([z0.grad.numpy(), [a.grad.item()]])
    growth = math.exp(alpha * T)
    exact = np.concatenate([np.full(2, growth), [T * growth * Z0.sum()]])
    return float(np.linalg.norm(got - exact) / np.linalg.norm(exact))


def van_der_pol(t, y):
    y1, y2 = y[0:1], y[1:2]
    return acaode.cat([y2, (VDP_MU - y1 * y1) * y2 - y1])


def vdp_reconstruction_error(gradient, T):
    """|z(0) recovered by the backward pass - z(0)| after a forward solve to T.

    adjoint: the backward solve's reconstruction of z(0) (its stats); aca: the largest
    difference between the replayed and the stored states (0 when the replay is exact).
    A backward solve that fails (acaode.SolverError) counts as an infinite error.
    """
    z0 = acaode.tensor(VDP_Y0, requires_grad=True)
    sol = acaode.solve(van_der_pol, z0, [0.0, T], rtol=VDP_RTOL, atol=VDP_ATOL,
                       gradient=gradient)
    try:
        sol.ys[-1].sum().backward()
    except acaode.SolverError:
        return math.inf
    if gradient == "adjoint":
        return float(np.linalg.norm(sol.stats.adjoint_reconstructed_z0.numpy() - VDP_Y0))
    return float(sol.stats.replay_max_abs_diff)


def vdp_trajectories(T, n=60):
    """The forward trajectory z(t_k) on [0, T], and its backward reconstruction: for each
    t_k one solve of the same ODE from z(T) backward to t_k, as the adjoint's augmented
    system does from T to 0. Arrays [k, 2]; points whose backward solve fails are left out."""
    with acaode.no_grad():
        ts = np.linspace(0.0, T, n)
        forward = acaode.odeint(van_der_pol, VDP_Y0, ts, rtol=VDP_RTOL, atol=VDP_ATOL)
        z_T = acaode.odeint(van_der_pol, VDP_Y0, [0.0, T], rtol=VDP_RTOL, atol=VDP_ATOL)[-1]
        reverse = []
        for t_k in ts[-2::-1]:
            try:
                reverse.append(acaode.odeint(van_der_pol, z_T, [T, t_k], rtol=VDP_RTOL,
                                             atol=VDP_ATOL)[-1].numpy().copy())
            except acaode.SolverError:
                pass
    return forward.numpy().copy(), np.array(reverse)


def run(settings):
    results = {"settings": settings, "alpha": ALPHA, "alpha_growing": ALPHA_GROWING,
               "z0": Z0.tolist(), "atol_over_rtol": ATOL_OVER_RTOL}
    results["vs_time"] = [
        {"T": T, **{g: linear_gradient_error(g, T, settings["tol_time"]) for g in GRADIENTS}}
        for T in settings["times"]]
    results["vs_time_growing"] = [
        {"T": T, **{g: linear_gradient_error(g, T, settings["tol_time"], ALPHA_GROWING)
                    for g in GRADIENTS}}
        for T in settings["times"]]
    results["vs_tol"] = [
        {"rtol": tol, **{g: linear_gradient_error(g, settings["tol_T"], tol) for g in GRADIENTS}}
        for tol in settings["tols"]]
    results["vdp"] = [
        {"T": T, **{g: vdp_reconstruction_error(g, T) for g in ("aca", "adjoint")}}
        for T in settings["vdp_times"]]
    return results


def fmt(x):
    return "fail" if math.isinf(x) else f"{x:.3e}"


def print_tables(results, out=sys.stdout):
    s = results["settings"]
    print(f"== gradient error vs integration time: dz/dt = {ALPHA} z, dopri5, "
          f"rtol = {s['tol_time']:g}, atol = {s['tol_time'] * ATOL_OVER_RTOL:g}", file=out)
    print(f"{'T':>8} " + " ".join(f"{g:>11}" for g in GRADIENTS), file=out)
    for row in results["vs_time"]:
        print(f"{row['T']:>8g} " + " ".join(f"{fmt(row[g]):>11}" for g in GRADIENTS), file=out)
    print(f"== gradient error vs integration time, growing: dz/dt = {ALPHA_GROWING} z", file=out)
    print(f"{'T':>8} " + " ".join(f"{g:>11}" for g in GRADIENTS), file=out)
    for row in results["vs_time_growing"]:
        print(f"{row['T']:>8g} " + " ".join(f"{fmt(row[g]):>11}" for g in GRADIENTS), file=out)
    print(f"== gradient error vs tolerance: T = {s['tol_T']:g}, atol = {ATOL_OVER_RTOL:g} rtol",
          file=out)
    print(f"{'rtol':>8} " + " ".join(f"{g:>11}" for g in GRADIENTS), file=out)
    for row in results["vs_tol"]:
        print(f"{row['rtol']:>8g} " + " ".join(f"{fmt(row[g]):>11}" for g in GRADIENTS),
              file=out)
    print(f"== van der Pol reverse reconstruction |z0_rec - z0|: mu = {VDP_MU}, y0 = (2, 0), "
          f"dopri5, rtol = {VDP_RTOL:g}, atol = {VDP_ATOL:g}", file=out)
    print(f"{'T':>8} {'aca':>11} {'adjoint':>11}   (aca: replay - checkpoint, zero by "
          "construction)", file=out)
    for row in results["vdp"]:
        print(f"{row['T']:>8g} {fmt(row['aca']):>11} {fmt(row['adjoint']):>11}", file=out)


def plot(results, settings, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    floor = 1e-17  # exact zeros drawn on the axis floor of the log plots
    fig, ax = plt.subplots(2, 2, figsize=(11, 8.5))
    styles = {"aca": "o-", "adjoint": "s--", "naive": "^:"}
    for g in GRADIENTS:
        ax[0, 0].semilogy([r["T"] for r in results["vs_time"]],
                          [max(r[g], floor) for r in results["vs_time"]], styles[g],
                          label=f"{g}, alpha = {ALPHA}")
        ax[0, 0].semilogy([r["T"] for r in results["vs_time_growing"]],
                          [max(r[g], floor) for r in results["vs_time_growing"]], styles[g],
                          alpha=0.45, label=f"{g}, alpha = {ALPHA_GROWING}")
        ax[0, 1].loglog([r["rtol"] for r in results["vs_tol"]],
                        [max(r[g], floor) for r in results["vs_tol"]], styles[g], label=g)
    ax[0, 0].set(xlabel="integration time T", ylabel="relative gradient error",
                 title=f"dz/dt = alpha z, rtol = {settings['tol_time']:g}")
    tols = [r["rtol"] for r in results["vs_tol"]]
    ax[0, 1].loglog(tols, tols, "k-", lw=0.8, alpha=0.5, label="rtol")
    ax[0, 1].set(xlabel="rtol", ylabel="relative gradient error",
                 title=f"dz/dt = {ALPHA} z, T = {settings['tol_T']:g}")
    forward, reverse = vdp_trajectories(settings["vdp_plot_T"])
    ax[1, 0].plot(forward[:, 0], forward[:, 1], "C0-", label="forward (ACA replays this)")
    ax[1, 0].plot(reverse[:, 0], reverse[:, 1], "C1--", label="backward reconstruction (adjoint)")
    ax[1, 0].plot(*VDP_Y0, "ko", label="z(0)")
    ax[1, 0].set(xlabel="y1", ylabel="y2",
                 title=f"van der Pol, T = {settings['vdp_plot_T']:g}, rtol = {VDP_RTOL:g}")
    Ts = [r["T"] for r in results["vdp"]]
    adj = [r["adjoint"] for r in results["vdp"]]
    ok = [i for i, e in enumerate(adj) if math.isfinite(e)]
    ax[1, 1].semilogy([Ts[i] for i in ok], [adj[i] for i in ok], "s--", color="C1",
                      label="adjoint")
    failed = [Ts[i] for i, e in enumerate(adj) if not math.isfinite(e)]
    if failed:
        top = max([adj[i] for i in ok] + [1.0]) * 10
        ax[1, 1].semilogy(failed, [top] * len(failed), "x", color="C3",
                          label="adjoint backward solve failed")
    ax[1, 1].semilogy(Ts, [max(r["aca"], floor) for r in results["vdp"]], "o-", color="C0",
                      label="aca: replay - checkpoint, 0 by construction (drawn at 1e-17)")
    ax[1, 1].set(xlabel="T", ylabel="|z(0) reconstructed - z(0)|",
                 title="reverse-time reconstruction of z(0)")
    for a in ax.flat:
        a.grid(True, which="both", alpha=0.3)
        a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = experiment_cli.make_parser(
        __doc__, "gradient_accuracy",
        quick_help="a small sweep (seconds), for tests and a first look")
    args = parser.parse_args(argv)
    settings = SETTINGS["quick" if args.quick else "full"]
    start = time.perf_counter()
    results = run(settings)
    results["seconds"] = time.perf_counter() - start
    out_dir = experiment_cli.output_dir(args.out)
    png = os.path.join(out_dir, "gradient_accuracy.png")
    plot(results, settings, png)
    experiment_cli.write_json(results, os.path.join(out_dir, "gradient_accuracy.json"))
    print_tables(results)
    print(f"wrote {png} and gradient_accuracy.json ({results['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
