"""ACA's memory budget: time and memory of one training step as the budget goes from 0 to
unlimited (Note [Memory budget], aca/step_store.h), and a long solve under a tenth of its
checkpoints.

    .venv-bench/bin/python experiments/benchmarks/memory_budget.py [--quick] [--case mlp_small]

For the case (a benchmark case of bench_cases.py, the same weights), budgets are given in
states: 0, N/10, N/2, N (no tape), N + a quarter, half and all of the tapes (inf). Each
row: median time of a forward + backward, the bytes ACA held at most (its own count), the
peak resident memory above the baseline, f evaluations, replayed and recomputed steps, and
whether the gradient equals the no-budget gradient bit for bit. Peers' times for the same
case, when experiments/out/bench/bench.json holds them (bench.py), are drawn as reference
lines. Then a long fixed-grid solve (10^5 Euler steps; --quick: 10^4) with room for a tenth
of its states: it completes, and its gradient is compared with the no-budget one.
Writes memory_budget.json and memory_budget.png next to bench.json. One thread.
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("ACAODE_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import acaode  # noqa: E402
from acaode import nn  # noqa: E402
from bench_acaode import make_func  # noqa: E402
from bench_cases import CASES, make_weights  # noqa: E402
from bench_worker import reset_peak_rss, status_kb  # noqa: E402


def train_step(func, z0, case, budget):
    func.zero_grad()
    kwargs = dict(method=case.method, rtol=case.rtol, atol=case.atol, memory_budget=budget)
    if case.step_size is not None:
        kwargs["step_size"] = case.step_size
    sol = acaode.solve(func, z0, [0.0, case.t1], **kwargs)
    y = sol.ys[-1]
    ((y * y).mean() if case.loss == "mean" else (y * y).sum()).backward()
    return sol.stats, [p.grad.numpy().copy() for p in func.parameters()]


def measure(func, z0, case, budget, repeats):
    train_step(func, z0, case, budget)  # warm-up
    exact = reset_peak_rss()
    base_kb = status_kb("VmRSS") if exact else status_kb("VmHWM")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        stats, grads = train_step(func, z0, case, budget)
        times.append(time.perf_counter() - start)
    rss_mb = (status_kb("VmHWM") - base_kb) / 1024.0
    return statistics.median(times), rss_mb, stats, grads


def frontier(case, repeats):
    params, z0_np = make_weights(case)
    func = make_func(case, params, python_f=False)
    z0 = acaode.tensor(z0_np)
    t_ref, rss_ref, s_ref, g_ref = measure(func, z0, case, None, repeats)
    n, state = s_ref.accepted_steps, z0_np.nbytes
    s_inf = train_step(func, z0, case, float("inf"))[0]
    tapes = s_inf.peak_held_bytes - n * state
    budgets = [("none (paper's ACA)", None), ("0", 0), ("N/10 states", n // 10 * state),
               ("N/2 states", n // 2 * state), ("N states", n * state),
               ("N states + 1/4 tapes", n * state + tapes // 4),
               ("N states + 1/2 tapes", n * state + tapes // 2), ("inf", float("inf"))]
    rows = []
    for label, budget in budgets:
        if budget is None:
            t, rss, s, g = t_ref, rss_ref, s_ref, g_ref
        else:
            t, rss, s, g = measure(func, z0, case, budget, repeats)
        same = all(np.array_equal(a, b) for a, b in zip(g, g_ref))
        rows.append(dict(budget=label, budget_bytes=None if budget is None else
                         (None if budget == float("inf") else int(budget)),
                         time_ms=1e3 * t, held_kb=s.peak_held_bytes / 1024 if budget is not None
                         else s.checkpoint_bytes / 1024, rss_mb=rss,
                         f_evals=s.forward_f_evals + s.backward_f_evals,
                         replayed=s.replayed_steps, recomputed=s.recomputed_steps,
                         retained=s.retained_steps, bit_identical=same))
    print(f"\n{case.name}: {n} accepted steps, state {state} bytes, all tapes "
          f"{tapes / 1024:.0f} KiB ({tapes / max(n, 1) / 1024:.1f} KiB per step)")
    print(f"{'budget':<22}{'time ms':>9}{'held KiB':>10}{'RSS MiB':>9}{'f evals':>9}"
          f"{'replayed':>9}{'recomp.':>9}{'kept':>6}  same gradient")
    for r in rows:
        print(f"{r['budget']:<22}{r['time_ms']:9.2f}{r['held_kb']:10.1f}{r['rss_mb']:9.2f}"
              f"{r['f_evals']:9d}{r['replayed']:9d}{r['recomputed']:9d}{r['retained']:6d}  "
              f"{'bitwise' if r['bit_identical'] else 'DIFFERENT'}")
    return dict(case=case.name, steps=n, state_bytes=state, tape_bytes=tapes, rows=rows)


def long_solve(steps):
    """A fixed-grid Euler solve of `steps` steps with room for steps/10 states."""
    gen = acaode.Generator(0)
    func = nn.Sequential(nn.Linear(2, 16, generator=gen), nn.Tanh(),
                         nn.Linear(16, 2, generator=gen))
    z0 = acaode.tensor(np.random.default_rng(0).standard_normal((4, 2)))
    out = {}
    for label, budget in (("none", None), ("tenth", steps // 10 * z0.numpy().nbytes)):
        func.zero_grad()
        start = time.perf_counter()
        sol = acaode.solve(func, z0, [0.0, 1.0], method="euler", step_size=1.0 / steps,
                           max_steps=steps + 10, memory_budget=budget)
        (sol.ys[-1] ** 2).sum().backward()
        s = sol.stats
        out[label] = dict(seconds=time.perf_counter() - start, steps=s.accepted_steps,
                          held_kb=(s.peak_held_bytes if budget is not None
                                   else s.checkpoint_bytes) / 1024,
                          recomputed=s.recomputed_steps,
                          grads=[p.grad.numpy().copy() for p in func.parameters()])
    same = all(np.array_equal(a, b) for a, b in zip(out["none"]["grads"], out["tenth"]["grads"]))
    for v in out.values():
        del v["grads"]
    print(f"\nlong solve, {out['none']['steps']} Euler steps: no budget "
          f"{out['none']['seconds']:.2f} s holding {out['none']['held_kb']:.0f} KiB; a tenth "
          f"of the states {out['tenth']['seconds']:.2f} s holding {out['tenth']['held_kb']:.0f}"
          f" KiB, {out['tenth']['recomputed']} steps recomputed; gradient "
          f"{'bitwise equal' if same else 'DIFFERENT'}")
    return dict(out, bit_identical=same)


def plot(result, peers, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    rows = result["rows"]
    ax.plot([r["held_kb"] for r in rows], [r["time_ms"] for r in rows], "o-", label="acaode ACA")
    for r in rows:
        ax.annotate(r["budget"], (r["held_kb"], r["time_ms"]), fontsize=7,
                    textcoords="offset points", xytext=(4, 4))
    for name, ms in peers.items():
        ax.axhline(ms, linestyle="--", linewidth=1, color="gray")
        ax.annotate(name, (ax.get_xlim()[0], ms), fontsize=7, color="gray")
    ax.set_xscale("symlog")
    ax.set_xlabel("bytes ACA holds for the backward pass (KiB)")
    ax.set_ylabel("forward + backward (ms)")
    ax.set_title(f"{result['case']}: ACA's time/memory frontier")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", default="mlp_small", choices=sorted(CASES))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--out", default=os.path.join("experiments", "out", "bench"))
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 7)
    os.makedirs(args.out, exist_ok=True)
    result = frontier(CASES[args.case], repeats)
    result["long_solve"] = long_solve(10_000 if args.quick else 100_000)
    peers = {}
    bench_json = os.path.join(args.out, "bench.json")
    if os.path.exists(bench_json):
        with open(bench_json) as f:
            rows = json.load(f).get("cases", {}).get(args.case, {}).get("rows", [])
        for r in rows:
            if r.get("status") == "ok" and r["config"] in (
                    "torchdiffeq:odeint", "diffrax:recursive_checkpoint", "diffrax:backsolve"):
                peers[r["config"]] = 1e3 * r["time_s"]
    result["peers_ms"] = peers
    with open(os.path.join(args.out, "memory_budget.json"), "w") as f:
        json.dump(result, f, indent=1)
    plot(result, peers, os.path.join(args.out, "memory_budget.png"))
    print(f"wrote {args.out}/memory_budget.json and memory_budget.png")
    if not (result["long_solve"]["bit_identical"] and
            all(r["bit_identical"] for r in result["rows"])):
        sys.exit("a budget changed the gradient")


if __name__ == "__main__":
    main()
