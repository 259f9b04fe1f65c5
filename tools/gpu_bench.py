"""Short GPU benchmark and check: one ACA training step of a conv ODE block.

The block is f(z) = GN(conv(relu(GN(conv(z))))) on [batch, C, H, W] (3x3 convolutions,
GroupNorm with 8 groups), solved over [0, 1] with fixed-step RK4 and ACA gradients; the
step is forward + loss + backward. It reports:

  * acaode on the CPU and on the GPU (median seconds per training step),
  * PyTorch on the GPU for the same block and the same RK4 steps (backprop through the
    steps; ACA additionally replays each step's forward, so it does ~1.5x the work),
    when torch is importable and sees a GPU,
  * the largest relative difference between the GPU and CPU gradients of acaode (float64,
    a small batch): the "odeint + ACA backward on GPU against CPU" check.

    python tools/gpu_bench.py            # or: bazel run //tools:gpu_bench
    python tools/gpu_bench.py --quick    # smaller sizes (used by tools/gpu_check.sh)

Exit status 0 when the GPU step ran and the gradients agree (rtol 1e-6 in float64), 1 when
they do not, 2 when no GPU is usable (the reason is printed).
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

import acaode
from acaode import nn


def make_block(channels, dtype, seed):
    gen = acaode.Generator(seed)
    return nn.Sequential(
        nn.Conv2d(channels, channels, 3, padding=1, dtype=dtype, generator=gen),
        nn.GroupNorm(8, channels, dtype=dtype),
        nn.ReLU(),
        nn.Conv2d(channels, channels, 3, padding=1, dtype=dtype, generator=gen),
        nn.GroupNorm(8, channels, dtype=dtype),
    )


def acaode_step(block, z0, steps):
    ys = acaode.odeint(block, z0, [0.0, 1.0], method="rk4", step_size=1.0 / steps,
                       gradient="aca")
    y = ys[-1]
    loss = (y * y).mean()
    loss.backward()
    return loss


def time_it(fn, repeats, sync=None):
    fn()  # warm-up (allocator cache, cuBLAS handle, kernel loading)
    if sync:
        sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def grads_of(block):
    return {name: p.grad.to("cpu").numpy().copy() for name, p in block.named_parameters()
            if p.grad is not None}


def gradient_check(args):
    """acaode GPU vs CPU gradients on one float64 step (same weights, same input)."""
    block = make_block(args.channels, "float64", seed=1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, args.channels, 8, 8))
    z0 = acaode.tensor(x, dtype="float64", requires_grad=True)
    acaode_step(block, z0, args.steps)
    cpu = grads_of(block)
    cpu["z0"] = z0.grad.numpy().copy()
    block.zero_grad()
    block.to("cuda")
    zg_leaf = acaode.tensor(x, dtype="float64").to("cuda").detach().requires_grad_()
    acaode_step(block, zg_leaf, args.steps)
    gpu = grads_of(block)
    gpu["z0"] = zg_leaf.grad.to("cpu").numpy().copy()
    worst = 0.0
    for name, g in cpu.items():
        denom = max(np.abs(g).max(), 1e-300)
        worst = max(worst, float(np.abs(gpu[name] - g).max() / denom))
    return worst


def torch_time(args):
    try:
        import torch
    except ImportError:
        return None, "torch not importable"
    if not torch.cuda.is_available():
        return None, "torch sees no GPU"
    from gpu_torch_step import make_conv_step  # the one PyTorch reference step
    step = make_conv_step(torch, args.channels, args.batch, args.size, args.steps)
    return time_it(step, args.repeats, torch.cuda.synchronize), "ok"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--channels", type=int, default=32)
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="batch 16, 4 steps, 3 repeats")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()
    if args.quick:
        args.batch, args.steps, args.repeats = 16, 4, 3

    results = {"block": f"conv-GN-relu-conv-GN, C={args.channels}, "
                        f"{args.batch}x{args.size}x{args.size}, rk4 x{args.steps}, float32"}
    if not acaode.cuda.is_available():
        print("no CUDA device:", acaode.cuda.unavailable_reason())
        return 2

    x = np.random.default_rng(1).standard_normal(
        (args.batch, args.channels, args.size, args.size)).astype(np.float32)

    cpu_block = make_block(args.channels, "float32", seed=2)
    z_cpu = acaode.tensor(x, dtype="float32")
    results["acaode_cpu_s"] = time_it(lambda: acaode_step(cpu_block, z_cpu, args.steps),
                                      max(1, args.repeats // 2))

    gpu_block = make_block(args.channels, "float32", seed=2)
    gpu_block.to("cuda")
    z_gpu = z_cpu.to("cuda")
    results["acaode_gpu_s"] = time_it(lambda: acaode_step(gpu_block, z_gpu, args.steps),
                                      args.repeats, acaode.cuda.synchronize)
    results["torch_gpu_s"], results["torch_status"] = torch_time(args)
    results["max_rel_grad_diff_gpu_vs_cpu_f64"] = gradient_check(args)

    print("GPU benchmark:", results["block"])
    print(f"  acaode CPU  : {results['acaode_cpu_s'] * 1e3:9.1f} ms / training step")
    print(f"  acaode GPU  : {results['acaode_gpu_s'] * 1e3:9.1f} ms / training step "
          f"({results['acaode_cpu_s'] / results['acaode_gpu_s']:.1f}x the CPU)")
    if results["torch_gpu_s"] is not None:
        print(f"  PyTorch GPU : {results['torch_gpu_s'] * 1e3:9.1f} ms / training step "
              f"(acaode / torch = {results['acaode_gpu_s'] / results['torch_gpu_s']:.2f})")
    else:
        print(f"  PyTorch GPU : skipped ({results['torch_status']})")
    ok = results["max_rel_grad_diff_gpu_vs_cpu_f64"] < 1e-6
    print(f"  gradients GPU vs CPU (float64): max rel diff "
          f"{results['max_rel_grad_diff_gpu_vs_cpu_f64']:.2e} -> {'OK' if ok else 'MISMATCH'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
