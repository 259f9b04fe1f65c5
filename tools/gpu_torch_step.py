"""The GPU check's reference (tools/gpu_run.sh): the same conv ODE training step as
aca/benchmarks/gpu_step_bench.cc in PyTorch on the GPU — f(z) = GN(conv(relu(GN(conv(z))))),
z [32, 64, 8, 8] float32, four classic RK4 steps of h = 0.25, loss = mean(z(1)^2), backprop
through the steps (no TF32). Standalone: needs only torch. Prints one line; exit 2 where
torch or a GPU is missing.
"""
import statistics
import sys
import time


def make_conv_step(torch, channels=64, batch=32, size=8, steps=4):
    """The training step as a closure on the GPU (torch passed in: imported by the caller)."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    c = channels
    block = torch.nn.Sequential(
        torch.nn.Conv2d(c, c, 3, padding=1), torch.nn.GroupNorm(8, c), torch.nn.ReLU(),
        torch.nn.Conv2d(c, c, 3, padding=1), torch.nn.GroupNorm(8, c)).to(dev)
    z0 = torch.randn(batch, c, size, size, device=dev)
    h = 1.0 / steps

    def step():
        block.zero_grad()
        z = z0
        for _ in range(steps):
            k1 = block(z)
            k2 = block(z + 0.5 * h * k1)
            k3 = block(z + 0.5 * h * k2)
            k4 = block(z + h * k3)
            z = z + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        (z * z).mean().backward()

    return step


def main():
    try:
        import torch
    except ImportError:
        print("torch: not importable")
        return 2
    if not torch.cuda.is_available():
        print("torch: sees no GPU")
        return 2
    torch.manual_seed(0)
    step = make_conv_step(torch)
    step()
    torch.cuda.synchronize()
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append(1e3 * (time.perf_counter() - t0))
    print(f"torch conv training step (backprop through rk4), float32, gpu: "
          f"{statistics.median(times):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
