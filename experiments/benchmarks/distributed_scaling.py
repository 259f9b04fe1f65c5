#!/usr/bin/env python3
"""Training throughput of the image-classification ODE-Net (and its ResNet twin) on 1 and 2
MPI ranks of this machine, with the share of the step spent averaging gradients, against
one process using 2 intra-op threads: experiments/image_classification.py --max-steps N
(full settings: batch 64, 32 channels, float32), launched three ways:

    1 rank, 1 thread    python image_classification.py --max-steps N
    2 ranks, 1 thread   mpirun -n 2 python image_classification.py --max-steps N --distributed
    1 rank, 2 threads   ACAODE_NUM_THREADS=2 python image_classification.py --max-steps N

    python experiments/benchmarks/distributed_scaling.py [--steps 20] [--out DIR]

Writes DIR/distributed_scaling.json and .png and prints the table. Needs mpirun and mpi4py
(tools/setup.sh installs both) and the Fashion-MNIST package.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "image_classification.py")
MPI_ENV = dict(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")


def launch(name, ranks, threads, steps, out):
    env = dict(os.environ, ACAODE_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               **MPI_ENV)
    args = [sys.executable, SCRIPT, "--max-steps", str(steps), "--out", out]
    if ranks > 1:
        args = ["mpirun", "-n", str(ranks)] + args + ["--distributed"]
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "image_classification.json")) as f:
        results = json.load(f)
    return {"name": name, "ranks": ranks, "threads": threads,
            "models": {m: {"images_per_second": v["images_per_second"],
                           "communication_share": v["communication_share"]}
                       for m, v in results["models"].items()}}


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    models = list(rows[0]["models"])
    fig, axes = plt.subplots(1, len(models), figsize=(5 * len(models), 3.6))
    for ax, model in zip(axes, models):
        rates = [r["models"][model]["images_per_second"] for r in rows]
        comm = [r["models"][model]["communication_share"] for r in rows]
        x = np.arange(len(rows))
        ax.bar(x, rates, color=["#888", "#1f77b4", "#aaa"][:len(rows)])
        for i, (rate, share) in enumerate(zip(rates, comm)):
            label = f"{rate:.0f}/s" + (f"\n{100 * share:.1f} % comm." if share else "")
            ax.text(i, rate, label, ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x)
        ax.set_xticklabels([r["name"] for r in rows], fontsize=8)
        ax.set_ylabel("training images / s")
        ax.set_title(f"{model}: speed-up {rates[1] / rates[0]:.2f}x on 2 ranks", fontsize=10)
        ax.set_ylim(0, 1.25 * max(rates))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="training steps per model")
    parser.add_argument("--out", default="experiments/out/distributed_scaling")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [launch("1 rank\n1 thread", 1, 1, args.steps, os.path.join(tmp, "a")),
                launch("2 ranks (MPI)\n1 thread each", 2, 1, args.steps, os.path.join(tmp, "b")),
                launch("1 rank\n2 threads", 1, 2, args.steps, os.path.join(tmp, "c"))]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "distributed_scaling.json"), "w") as f:
        json.dump(rows, f, indent=1)
    png = os.path.join(args.out, "distributed_scaling.png")
    plot(rows, png)
    for model in rows[0]["models"]:
        base = rows[0]["models"][model]["images_per_second"]
        for r in rows:
            m = r["models"][model]
            print(f"{model:8} {r['name'].replace(chr(10), ', '):28} "
                  f"{m['images_per_second']:8.1f} images/s  {m['images_per_second'] / base:5.2f}x"
                  f"  communication {100 * m['communication_share']:4.1f} %")
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
