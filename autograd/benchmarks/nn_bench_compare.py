"""Runs nn_bench (acaode) and nn_bench_torch.py (PyTorch) with one thread
each, alternating --rounds times, and prints the best time of each case and
the ratios acaode / PyTorch (< 1: acaode is faster). Best-of-rounds keeps
the comparison meaningful on a machine shared with other jobs.

    bazel build -c opt //autograd/benchmarks:nn_bench
    .venv-bench/bin/python autograd/benchmarks/nn_bench_compare.py \
        --bench bazel-bin/autograd/benchmarks/nn_bench
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bench", default="bazel-bin/autograd/benchmarks/nn_bench")
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", ACAODE_NUM_THREADS="1")
    here = os.path.dirname(os.path.abspath(__file__))

    def run(cmd):
        out = subprocess.check_output(cmd, env=env).decode().strip().splitlines()[-1]
        return json.loads(out)

    def best(old, new):
        if old is None:
            return new
        return {k: min(v, new[k]) if k.endswith("_us") else v for k, v in old.items()}

    ours = theirs = None
    for _ in range(args.rounds):
        ours = best(ours, run([args.bench, f"--seconds={args.seconds}"]))
        theirs = best(theirs, run([sys.executable, os.path.join(here, "nn_bench_torch.py"),
                                   "--threads", "1", "--seconds", str(args.seconds)]))
    print(f"{'case':<18}{'acaode us':>12}{theirs['impl']:>22}{'ratio':>8}")
    for key in ("mlp_fwd_bwd_us", "mlp_fwd_us", "conv_fwd_bwd_us", "conv_fwd_us"):
        a, t = ours[key], theirs[key]
        print(f"{key[:-3]:<18}{a:>12.1f}{t:>22.1f}{a / t:>8.2f}")


if __name__ == "__main__":
    main()
