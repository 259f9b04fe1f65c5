"""One benchmark configuration in its own process (started by bench.py, not by hand).

    bench_worker.py --case CASE --config LIB:VARIANT --repeats N --threads T --cpus 1
                    --result R.json --grads G.npz
    bench_worker.py --gemm float64 --threads 1 --cpus 1 --result R.json

The driver sets the thread counts in the environment (ACAODE_NUM_THREADS, OMP_, MKL_,
OPENBLAS_NUM_THREADS, XLA_FLAGS) before this process imports anything; here the process
is pinned to --cpus (os.sched_setaffinity) before any library is imported. Then: build f
from the case's seeded weights (and, for diffrax, compile), take the resident-set baseline
(the peak is reset to the current size through /proc/self/clear_refs, so import and
compile transients do not count), one warm-up step, --repeats timed steps
(time.perf_counter), and the peak resident set above the baseline over those steps. A step
is forward + loss + backward. Writes the result JSON and the parameter gradients (.npz). A
configuration the library or build cannot run (bench_cases.NotAvailable) writes status
"n/a"; any other error propagates (non-zero exit, the driver prints FAILED).
"""
import argparse
import gc
import json
import os
import statistics
import time

# numpy, bench_cases and the libraries are imported only after the process is pinned.


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def reset_peak_rss():
    """Resets VmHWM to the current resident set (Linux >= 4.0); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def load_library(library):
    """(build, library_version) of the module that runs this library."""
    if library == "acaode":
        import bench_acaode as m
        return m.build, m.library_version
    if library == "diffrax":
        import bench_jax as m
        return m.build, m.library_version
    import bench_torch as m
    return (lambda *a, **k: m.build(a[0], library, *a[1:], **k),
            lambda: m.library_version(library))


def run_config(args):
    import numpy as np

    from bench_cases import CASES, NotAvailable, make_weights
    case = CASES[args.case]
    library, variant = args.config.split(":")
    params, z0 = make_weights(case)
    build, version = load_library(library)
    try:
        bench = build(case, variant, params, z0, args.threads)
    except NotAvailable as e:
        return {"status": "n/a", "reason": str(e)}
    gc.collect()
    exact_peak = reset_peak_rss()
    base_kb = status_kb("VmRSS") if exact_peak else status_kb("VmHWM")
    nfe = bench.step()  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        nfe = bench.step()
        times.append(time.perf_counter() - start)
    peak_kb = status_kb("VmHWM")
    np.savez(args.grads, **bench.grads())
    return {"status": "ok", "time_s": statistics.median(times), "times_s": times,
            "nfe_fwd": nfe[0], "nfe_bwd": nfe[1],
            "useful_evals": nfe[2] if len(nfe) > 2 else None,
            "nfe_approx": getattr(bench, "nfe_approx", False),
            "mem_mb": (peak_kb - base_kb) / 1024.0, "mem_exact_baseline": exact_peak,
            "compile_s": bench.compile_s, "note": bench.note, "version": version(),
            "threads": args.threads, "cpus": sorted(os.sched_getaffinity(0))}


def gemm_peak(dtype, threads):
    """Best GFLOP/s of torch.mm on large square matrices in one process.

    Many short products rather than a few long ones: on a shared machine the best of them
    is the likeliest to have had the CPU to itself."""
    import torch
    torch.set_num_threads(threads)
    n = 1024
    a = torch.randn(n, n, dtype=getattr(torch, dtype))
    b = torch.randn(n, n, dtype=getattr(torch, dtype))
    torch.mm(a, b)
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return {"status": "ok", "dtype": dtype, "n": n, "gflops": 2 * n ** 3 / best / 1e9,
            "threads": threads}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case")
    parser.add_argument("--config")
    parser.add_argument("--gemm", help="measure the GEMM peak in this dtype instead")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cpus", required=True, help="comma-separated CPU ids to pin to")
    parser.add_argument("--result", required=True)
    parser.add_argument("--grads")
    args = parser.parse_args()
    os.sched_setaffinity(0, [int(c) for c in args.cpus.split(",")])
    result = gemm_peak(args.gemm, args.threads) if args.gemm else run_config(args)
    with open(args.result, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
