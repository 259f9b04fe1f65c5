"""Side-by-side benchmark: acaode's gradient methods against torchdiffeq and TorchDiffEqPack.

The same MLP neural ODE (same weights), dopri5, the same tolerances, float64, on the CPU:

    problem A: f(z) = W2 tanh(W1 z + b1) + b2, 2 -> 64 -> 2, batch 128
    problem B: the same shape 32 -> 128 -> 32, batch 256

For each library and gradient method: forward + backward wall time (median of --repeats
after one warm-up), peak resident memory of the process above its post-import baseline,
f evaluations, and the gradient's relative difference from acaode's ACA gradient.

    tools/setup_bench.sh
    .venv-bench/bin/python experiments/benchmarks/odeint_vs_torchdiffeq.py [--quick] [--threads 1]

Peers (benchmark-only dependencies, tools/bench_requirements.txt): torchdiffeq's odeint
(backprop through the solver) and odeint_adjoint (continuous adjoint); TorchDiffEqPack's
odesolve_adjoint (the ACA authors' ACA). Each configuration runs in its own subprocess so
that peak memory is its own.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

PROBLEMS = {"A": (2, 64, 128), "B": (32, 128, 256)}
CONFIGS = [
    ("acaode", "aca"), ("acaode", "adjoint"), ("acaode", "naive"),
    ("torchdiffeq", "naive"), ("torchdiffeq", "adjoint"),
    ("TorchDiffEqPack", "aca"),
]


def make_weights(dim, hidden, batch, seed=0):
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((hidden, dim)) / np.sqrt(dim)
    b1 = 0.1 * rng.standard_normal(hidden)
    w2 = rng.standard_normal((dim, hidden)) / np.sqrt(hidden)
    b2 = 0.1 * rng.standard_normal(dim)
    z0 = rng.standard_normal((batch, dim))
    return w1, b1, w2, b2, z0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_acaode(method, weights, args):
    import acaode
    from acaode import nn
    w1, b1, w2, b2, z0 = weights
    func = nn.Sequential(nn.Linear(w1.shape[1], w1.shape[0]), nn.Tanh(),
                         nn.Linear(w2.shape[1], w2.shape[0]))
    func.load_state_dict({"0.weight": w1, "0.bias": b1, "2.weight": w2, "2.bias": b2})
    z = acaode.tensor(z0)
    params = func.parameters()

    def step():
        func.zero_grad()
        sol = acaode.solve(func, z, [0.0, args.t1], method="dopri5", rtol=args.tol,
                           atol=args.tol, gradient=method)
        (sol.ys[-1] ** 2).sum().backward()
        return sol.stats
    base = peak_rss_mb()
    stats = step()
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        stats = step()
        times.append(time.perf_counter() - t0)
    grad = np.concatenate([p.grad.numpy().ravel() for p in params])
    nfe = stats.forward_f_evals + stats.backward_f_evals
    return times, grad, nfe, peak_rss_mb() - base


def run_torch(lib, method, weights, args):
    import torch
    torch.set_default_dtype(torch.float64)
    w1, b1, w2, b2, z0 = weights

    class Func(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(torch.nn.Linear(w1.shape[1], w1.shape[0]),
                                           torch.nn.Tanh(),
                                           torch.nn.Linear(w2.shape[1], w2.shape[0]))
            with torch.no_grad():
                for p, v in zip(self.net.parameters(), (w1, b1, w2, b2)):
                    p.copy_(torch.from_numpy(v))
            self.nfe = 0

        def forward(self, t, z):
            self.nfe += 1
            return self.net(z)

    func = Func()
    z = torch.from_numpy(z0.copy())
    ts = torch.tensor([0.0, args.t1])
    if lib == "torchdiffeq":
        import torchdiffeq
        solve = torchdiffeq.odeint if method == "naive" else torchdiffeq.odeint_adjoint

        def forward():
            return solve(func, z, ts, method="dopri5", rtol=args.tol, atol=args.tol)[-1]
    else:
        from TorchDiffEqPack import odesolve_adjoint
        options = {"method": "Dopri5", "h": None, "t0": 0.0, "t1": args.t1, "rtol": args.tol,
                   "atol": args.tol, "print_neval": False, "neval_max": 1000000,
                   "t_eval": None, "interpolation_method": "cubic"}

        def forward():
            return odesolve_adjoint(func, z, options=options)

    def step():
        func.zero_grad()
        func.nfe = 0
        (forward() ** 2).sum().backward()
        return func.nfe
    base = peak_rss_mb()
    nfe = step()
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        nfe = step()
        times.append(time.perf_counter() - t0)
    grad = np.concatenate([p.grad.detach().numpy().ravel() for p in func.net.parameters()])
    return times, grad, nfe, peak_rss_mb() - base


def worker(args):
    dim, hidden, batch = PROBLEMS[args.problem]
    weights = make_weights(dim, hidden, batch)
    if args.lib == "acaode":
        times, grad, nfe, mem = run_acaode(args.method, weights, args)
    else:
        import torch
        torch.set_num_threads(args.threads)
        times, grad, nfe, mem = run_torch(args.lib, args.method, weights, args)
    np.save(args.grad_out, grad)
    print(json.dumps({"time": float(np.median(times)), "nfe": int(nfe), "mem_mb": mem}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="problem A only, 2 repeats")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="threads for every library")
    parser.add_argument("--tol", type=float, default=1e-6, help="rtol = atol")
    parser.add_argument("--t1", type=float, default=1.0)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lib"), parser.add_argument("--method")
    parser.add_argument("--problem", default="A"), parser.add_argument("--grad-out")
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    env = dict(os.environ, ACAODE_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads),
               OPENBLAS_NUM_THREADS=str(args.threads))
    problems = ["A"] if args.quick else ["A", "B"]
    repeats = 2 if args.quick else args.repeats
    print(f"dopri5, rtol = atol = {args.tol}, t in [0, {args.t1}], float64, "
          f"{args.threads} thread(s), median of {repeats}")
    with tempfile.TemporaryDirectory() as tmp:
        for problem in problems:
            dim, hidden, batch = PROBLEMS[problem]
            print(f"\nproblem {problem}: MLP {dim}->{hidden}->{dim} tanh, batch {batch}")
            print(f"{'library':16s} {'gradient':8s} {'time ms':>9s} {'vs acaode-aca':>13s} "
                  f"{'NFE':>6s} {'peak MB':>8s} {'grad rel diff':>13s}")
            rows, reference = [], None
            for lib, method in CONFIGS:
                grad_file = os.path.join(tmp, f"{problem}_{lib}_{method}.npy")
                cmd = [sys.executable, __file__, "--worker", "--lib", lib, "--method", method,
                       "--problem", problem, "--grad-out", grad_file, "--repeats", str(repeats),
                       "--threads", str(args.threads), "--tol", str(args.tol),
                       "--t1", str(args.t1)]
                proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
                if proc.returncode != 0:
                    print(f"{lib:16s} {method:8s} FAILED: {proc.stderr.strip().splitlines()[-1]}")
                    continue
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                grad = np.load(grad_file)
                if reference is None:
                    reference = (result["time"], grad)
                diff = np.linalg.norm(grad - reference[1]) / np.linalg.norm(reference[1])
                print(f"{lib:16s} {method:8s} {1e3 * result['time']:9.2f} "
                      f"{result['time'] / reference[0]:12.1f}x {result['nfe']:6d} "
                      f"{result['mem_mb']:8.1f} {diff:13.2e}")


if __name__ == "__main__":
    main()
