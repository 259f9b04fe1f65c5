"""Side-by-side benchmark: acaode's gradient methods against torchdiffeq, TorchDiffEqPack,
torchode and diffrax on the same neural ODEs, the same weights and the same solver settings.

    tools/setup_bench.sh
    .venv-bench/bin/python experiments/benchmarks/bench.py [--quick] [--cases a,b]
        [--configs lib[:variant],...] [--repeats N] [--out DIR]

Cases (bench_cases.py): mlp_small (2->64->2, batch 128, T = 5), mlp_medium (32->128->32,
batch 256, T = 1), mlp_long (2->64->2, T = 40), mlp_wide_f32 (64->256->64, batch 512,
float32, rtol = atol = 1e-3), all dopri5 (rtol 1e-6, atol 1e-8 unless said) with loss =
sum(z(T)^2); conv_block (float32 [32, 64, 8, 8], conv-GN-ReLU-conv-GN, fixed-step rk4
h = 0.25 on [0, 1], loss = mean(z(1)^2); torch peers only); mlp_python_f (mlp_small with
acaode's f a Python nn.Module subclass: the per-evaluation callback cost; torch peers with
exact gradients only). --quick: mlp_small and conv_block, 2 repeats.

Configurations: acaode aca / adjoint / naive / mali (ALF: a different discretisation) /
aca with memory_budget=inf (n/a where the build lacks the keyword) / aca on 2 threads (MLP
cases); torchdiffeq odeint and odeint_adjoint; TorchDiffEqPack odesolve_adjoint; torchode
AutoDiffAdjoint (per-sample step control); diffrax RecursiveCheckpointAdjoint and
BacksolveAdjoint (jit-compiled, compile time reported apart). Each configuration runs in
its own worker process (bench_worker.py) on one thread pinned to one CPU; a step is forward
+ loss + backward, timed as the median of --repeats after a warm-up. Per case: a table
(bench_report.py: time, ratios to acaode ACA and to the fastest exact peer, f evaluations,
peak MB, gradient difference from ACA, share of the one-thread GEMM peak) and a summary
line. Writes DIR/bench.json (everything) and DIR/bench.png (time per configuration, one
panel per case); DIR defaults to experiments/out/bench. A configuration that fails prints
FAILED with the last line of its stderr, and the run goes on.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

import bench_report as report
from bench_cases import (CASES, DEFAULT_CASES, QUICK_CASES, REFERENCE, SKIPPED, THREADS2)

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "bench_worker.py")
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "out", "bench"))
THREAD_VARS = ("ACAODE_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "OPENBLAS_NUM_THREADS")
XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def worker_env(threads):
    env = dict(os.environ, XLA_FLAGS=XLA_FLAGS, JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="")
    env.update({k: str(threads) for k in THREAD_VARS})
    return env


def pick_cpus(threads):
    allowed = sorted(os.sched_getaffinity(0))
    return allowed[-threads:] if len(allowed) >= threads else None


def run_worker(argv, threads, tmp, timeout):
    """Runs bench_worker.py; its result dict, or status FAILED with stderr's last line."""
    cpus = pick_cpus(threads)
    if cpus is None:
        return {"status": "n/a", "reason": f"fewer than {threads} CPUs available"}
    result = os.path.join(tmp, "result.json")
    if os.path.exists(result):
        os.remove(result)
    cmd = [sys.executable, WORKER, *argv, "--threads", str(threads),
           "--cpus", ",".join(map(str, cpus)), "--result", result]
    try:
        proc = subprocess.run(cmd, env=worker_env(threads), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "FAILED", "reason": f"timed out after {timeout} s"}
    if proc.returncode != 0 or not os.path.exists(result):
        lines = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
        return {"status": "FAILED", "reason": lines[-1]}
    with open(result) as f:
        return json.load(f)


def selected(config, wanted):
    if config == REFERENCE or not wanted:
        return True
    return any(config == w or config.split(":")[0] == w for w in wanted)


def run_case(case, args, tmp, peaks):
    rows, grads = [], {}
    for config in case.configs:
        if not selected(config, args.configs):
            continue
        threads = 2 if config == THREADS2 else 1
        grad_file = os.path.join(tmp, f"{case.name}-{config.replace(':', '-')}.npz")
        argv = ["--case", case.name, "--config", config, "--repeats", str(args.repeats),
                "--grads", grad_file]
        row = {"config": config, **run_worker(argv, threads, tmp, args.timeout)}
        if row["status"] == "ok":
            with np.load(grad_file) as g:
                grads[config] = {k: g[k] for k in g.files}
        rows.append(row)
        done = (f"{1e3 * row['time_s']:.2f} ms" if row["status"] == "ok" else
                f"{row['status']} {row.get('reason', '')}")
        print(f"  [{case.name}] {config}: {done}", file=sys.stderr, flush=True)
    for config, reason in SKIPPED.get(case.name, {}).items():
        if selected(config, args.configs):
            rows.append({"config": config, "status": "skipped", "reason": reason})
    facts = report.derive(case, rows, grads, peaks.get(case.dtype))
    return rows, facts


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"cases {', '.join(QUICK_CASES)} and 2 repeats")
    parser.add_argument("--cases", help=f"comma-separated, of: {', '.join(CASES)}")
    parser.add_argument("--configs", help="comma-separated library or library:variant "
                        "(acaode:aca is always run: it is the reference)")
    parser.add_argument("--repeats", type=int, help="timed steps per configuration (default "
                        "11: medians of fewer drift by 5-10%% on a shared VM; 2 with --quick)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per worker")
    args = parser.parse_args()
    names = args.cases.split(",") if args.cases else (QUICK_CASES if args.quick else
                                                       DEFAULT_CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(CASES)}")
    args.cases = [CASES[n] for n in names]
    args.configs = args.configs.split(",") if args.configs else []
    known = {c for case in CASES.values() for c in case.configs}
    known |= {c.split(":")[0] for c in known}
    unknown = [c for c in args.configs if c not in known]
    if unknown:
        parser.error(f"unknown configuration(s) {', '.join(unknown)}; known: "
                     f"{', '.join(sorted(known, key=str.lower))}")
    args.repeats = args.repeats or (2 if args.quick else 11)
    return args


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    print(f"{len(args.cases)} case(s), median of {args.repeats} after a warm-up, one "
          f"thread pinned to CPU {pick_cpus(1)[0]} per worker ({os.cpu_count()} CPUs here)")
    results = {"meta": {"date": datetime.datetime.now().isoformat(timespec="seconds"),
                        "argv": sys.argv, "python": sys.version.split()[0],
                        "machine": platform.processor() or platform.machine(),
                        "cpus": os.cpu_count(), "repeats": args.repeats},
               "gemm_peak_gflops": {}, "cases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for dtype in sorted({c.dtype for c in args.cases}):
            peak = run_worker(["--gemm", dtype], 1, tmp, args.timeout)
            if peak["status"] == "ok":
                results["gemm_peak_gflops"][dtype] = peak["gflops"]
                print(f"GEMM peak ({dtype}, torch.mm {peak['n']}^2, 1 thread): "
                      f"{peak['gflops']:.1f} GFLOP/s")
            else:
                print(f"GEMM peak ({dtype}): {peak['status']}: {peak.get('reason', '')}")
        for case in args.cases:
            rows, facts = run_case(case, args, tmp, results["gemm_peak_gflops"])
            report.print_case(case, rows, facts)
            results["cases"][case.name] = {"description": report.describe(case),
                                           "note": case.note, "facts": facts, "rows": rows,
                                           "summary": report.summary_line(case, facts)}
            with open(os.path.join(args.out, "bench.json"), "w") as f:
                json.dump(results, f, indent=1)
    print("\n" + report.FOOTNOTES)
    print("\nsummary:")
    for name, result in results["cases"].items():
        print("  " + result["summary"])
    png = os.path.join(args.out, "bench.png")
    report.plot(args.cases, results["cases"], png)
    print(f"\nwrote {os.path.join(args.out, 'bench.json')} and {png} "
          f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
