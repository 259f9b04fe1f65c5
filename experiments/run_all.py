#!/usr/bin/env python3
"""Regenerates every experiment's tables and figures with one command: each script of
experiments/ in turn, writing into OUT/<experiment>/, and a summary of what ran and how
long it took (experiments/README.md lists the results beside the paper's).

    python experiments/run_all.py --quick        # every experiment in quick mode (minutes)
    python experiments/run_all.py                # the full versions (hours on 2 cores;
                                                 # latent_ode in its --medium setting)
    python experiments/run_all.py --only three_body,image_reconstruction

Benchmarks against peer libraries are separate (experiments/benchmarks/bench.py: they need
the .venv-bench environment of tools/setup_bench.sh).
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENTS = ("gradient_accuracy", "image_reconstruction", "three_body",
               "image_classification", "gradient_training", "latent_ode")
# Without --quick, the setting each experiment runs in when its full version is out of reach
# on a workstation (latent_ode's full configuration takes about 13 days on 2 cores),
# three_body over 3 seeds (one run ranks its gradient methods by chance), and
# gradient_training with the Tables 1-2 protocol on its trained models.
FULL_RUN_ARGS = {"latent_ode": ["--medium"], "three_body": ["--seeds", "3"],
                 "gradient_training": ["--tables"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every script with --quick")
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(EXPERIMENTS)}")
    parser.add_argument("--out", default="experiments/out")
    args = parser.parse_args(argv)
    chosen = EXPERIMENTS if not args.only else tuple(args.only.split(","))
    unknown = [e for e in chosen if e not in EXPERIMENTS]
    if unknown:
        parser.error(f"unknown experiment(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(EXPERIMENTS)}")
    summary = []
    for name in chosen:
        cmd = [sys.executable, os.path.join(HERE, name + ".py"), "--out",
               os.path.join(args.out, name)]
        cmd += ["--quick"] if args.quick else FULL_RUN_ARGS.get(name, [])
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd)
        summary.append((name, code, time.perf_counter() - start))
    print("== summary")
    for name, code, seconds in summary:
        print(f"{name:>22}: {'ok' if code == 0 else f'FAILED (exit {code})'}, {seconds:.0f} s")
    return 0 if all(code == 0 for _, code, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
