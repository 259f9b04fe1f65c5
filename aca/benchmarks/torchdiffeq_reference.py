"""torchdiffeq on the problems of odeint_benchmark.cc, side by side with acaode.

Reads the JSON written by `odeint_benchmark --dump=FILE` (weights, z0, acaode's timings,
f evaluations and gradients), runs the same MLP neural ODE through torchdiffeq's `odeint`
(direct backprop) and `odeint_adjoint` (dopri5, same tolerances, float64, CPU), and prints
one table per configuration: forward+backward wall time (median), f evaluations, and the
gradients' largest relative difference from acaode's ACA gradient.

Needs torch and torchdiffeq (the benchmark-only environment, not the project's):
    bazel run -c opt //aca/benchmarks:odeint_benchmark -- 5 --dump=/tmp/aca_bench.json
    .venv-bench/bin/python aca/benchmarks/torchdiffeq_reference.py /tmp/aca_bench.json
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
import torchdiffeq


def tensor(entry):
    return torch.tensor(np.array(entry["data"], dtype=np.float64).reshape(entry["shape"]))


class Mlp(torch.nn.Module):
    """f(t, z) = tanh(z W1 + b1) W2 + b2, counting its evaluations."""

    def __init__(self, cfg):
        super().__init__()
        self.w1 = torch.nn.Parameter(tensor(cfg["w1"]))
        self.b1 = torch.nn.Parameter(tensor(cfg["b1"]))
        self.w2 = torch.nn.Parameter(tensor(cfg["w2"]))
        self.b2 = torch.nn.Parameter(tensor(cfg["b2"]))
        self.nfe = 0

    def forward(self, t, z):
        self.nfe += 1
        return torch.tanh(z @ self.w1 + self.b1) @ self.w2 + self.b2


def max_rel_diff(grads, reference):
    worst = 0.0
    for g, r in zip(grads, reference):
        r = np.asarray(r["data"])
        g = g.detach().numpy().ravel()
        worst = max(worst, np.max(np.abs(g - r)) / max(np.max(np.abs(r)), 1e-300))
    return worst


def run(cfg, method, repeats):
    func = Mlp(cfg)
    t = torch.tensor(cfg["t"], dtype=torch.float64)
    solve = torchdiffeq.odeint_adjoint if method == "odeint_adjoint" else torchdiffeq.odeint
    times, nfe_fwd, nfe_bwd, grads = [], 0, 0, None
    for _ in range(repeats):
        z0 = tensor(cfg["z0"]).requires_grad_(True)
        func.zero_grad()
        func.nfe = 0
        start = time.perf_counter()
        ys = solve(func, z0, t, rtol=cfg["rtol"], atol=cfg["atol"], method="dopri5")
        nfe_fwd = func.nfe
        (ys[-1] ** 2).sum().backward()
        times.append(1e3 * (time.perf_counter() - start))
        nfe_bwd = func.nfe - nfe_fwd
        grads = [z0.grad, func.w1.grad, func.b1.grad, func.w2.grad, func.b2.grad]
    return statistics.median(times), nfe_fwd, nfe_bwd, grads


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump", help="JSON written by odeint_benchmark --dump=FILE")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.dump) as f:
        configs = json.load(f)
    for cfg in configs:
        print(f"\nMLP {cfg['d']} -> {cfg['hidden']} -> {cfg['d']}, batch {cfg['batch']}, dopri5, "
              f"rtol = {cfg['rtol']}, atol = {cfg['atol']}, float64, torch threads "
              f"{args.threads}; median of {args.repeats}")
        print(f"{'library/method':28s} {'fwd+bwd ms':>10s} {'f fwd':>6s} {'f bwd':>6s} "
              f"{'grad vs acaode aca':>18s}")
        reference = cfg["methods"]["aca"]["grads"]
        for name, m in cfg["methods"].items():
            print(f"{'acaode ' + name:28s} {m['ms']:10.2f} {m['f_fwd']:6d} {m['f_bwd']:6d} "
                  f"{max_rel_diff([torch.tensor(np.array(g['data'])) for g in m['grads']], reference):18.2e}")
        rows = {}
        for method in ("odeint", "odeint_adjoint"):
            ms, fwd, bwd, grads = run(cfg, method, args.repeats)
            rows[method] = ms
            print(f"{'torchdiffeq ' + method:28s} {ms:10.2f} {fwd:6d} {bwd:6d} "
                  f"{max_rel_diff(grads, reference):18.2e}")
        aca_ms = cfg["methods"]["aca"]["ms"]
        print(f"speed-up of acaode aca: {rows['odeint'] / aca_ms:.1f}x over torchdiffeq odeint, "
              f"{rows['odeint_adjoint'] / aca_ms:.1f}x over odeint_adjoint")


if __name__ == "__main__":
    main()
