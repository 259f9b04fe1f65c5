"""PyTorch twin of nn_bench.cc: the same MLP and conv block, float32, forward
+ backward with the input requiring grad, timed the same way (CPU time of the calling thread,
time.thread_time; minimum over 11 repeats of the mean per-iteration time). Prints one JSON line.

    .venv-bench/bin/python autograd/benchmarks/nn_bench_torch.py --threads 1
"""
import argparse
import json
import time

import torch


def time_us(fn, seconds, repeats=11):
    for _ in range(5):
        fn()
    t0 = time.thread_time()
    calib = 0
    while time.thread_time() - t0 < 0.05:
        fn()
        calib += 1
    per = 0.05 / calib
    iters = max(1, int(seconds / repeats / per))
    us = []
    for _ in range(repeats):
        a = time.thread_time()
        for _ in range(iters):
            fn()
        us.append((time.thread_time() - a) * 1e6 / iters)
    return min(us)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=1.0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    mlp = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64))
    xa = torch.randn(128, 64, requires_grad=True)

    def mlp_step():
        mlp.zero_grad(set_to_none=True)
        xa.grad = None
        mlp(xa).sum().backward()

    def mlp_fwd():
        with torch.no_grad():
            mlp(xa)

    block = torch.nn.Sequential(
        torch.nn.Conv2d(64, 64, 3, padding=1), torch.nn.GroupNorm(8, 64), torch.nn.ReLU(),
        torch.nn.Conv2d(64, 64, 3, padding=1))
    xb = torch.randn(32, 64, 8, 8, requires_grad=True)

    def conv_step():
        block.zero_grad(set_to_none=True)
        xb.grad = None
        block(xb).sum().backward()

    def conv_fwd():
        with torch.no_grad():
            block(xb)

    out = {
        "impl": "torch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "mlp_fwd_bwd_us": time_us(mlp_step, args.seconds),
        "mlp_fwd_us": time_us(mlp_fwd, args.seconds),
        "conv_fwd_bwd_us": time_us(conv_step, args.seconds),
        "conv_fwd_us": time_us(conv_fwd, args.seconds),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
