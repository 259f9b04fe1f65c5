"""The benchmark's derived columns, tables, summary lines and bar chart.

Columns per row (one configuration of one case): median time; its ratio to acaode ACA and
to the fastest exact peer; f evaluations forward+backward (``~`` estimated, ``?``
unknown); peak resident-set growth (MB); the parameter gradient's relative L2 difference
from acaode ACA's; and the share of the one-thread GEMM peak that the case's useful FLOPs,
F_fwd x (N_fwd + 2 N_bwd), make in the row's time: N_fwd the forward evaluations and N_bwd
the vector-Jacobian products that backpropagation through acaode ACA's steps does (ACA's
replays and its second evaluation of the last step's k1 are recomputation, not counted).
"""
import numpy as np

from bench_cases import EXACT_PEERS, REFERENCE, flops_per_eval, other_discretisation


def grad_rel_diff(grads, reference, names):
    a = np.concatenate([np.asarray(grads[n], np.float64).ravel() for n in names])
    b = np.concatenate([np.asarray(reference[n], np.float64).ravel() for n in names])
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def derive(case, rows, grads, peak_gflops):
    """Fills the ratio, gradient and roofline columns of a case's rows (dicts, in place).

    Returns the case-level facts: reference time, fastest exact peer, useful FLOPs."""
    ok = {r["config"]: r for r in rows if r["status"] == "ok"}
    ref = ok.get(REFERENCE)
    peers = [ok[c] for c in EXACT_PEERS if c in ok]
    best = min(peers, key=lambda r: r["time_s"]) if peers else None
    useful = None
    if ref is not None:
        n_fwd, n_bwd = ref.get("useful_evals") or (ref["nfe_fwd"], ref["nfe_bwd"])
        useful = flops_per_eval(case) * (n_fwd + 2 * n_bwd)
    for r in ok.values():
        r["vs_aca"] = r["time_s"] / ref["time_s"] if ref else None
        r["vs_best_peer"] = r["time_s"] / best["time_s"] if best else None
        r["pct_peak"] = (100.0 * useful / r["time_s"] / (peak_gflops * 1e9)
                         if useful and peak_gflops else None)
        if ref is not None and r["config"] in grads:
            r["grad_rel_diff"] = grad_rel_diff(grads[r["config"]], grads[REFERENCE],
                                               list(grads[REFERENCE]))
        other = other_discretisation(case.name, r["config"])
        r["grad_excluded"] = other is not None
        if other and other not in r["note"]:
            r["note"] = "; ".join(filter(None, (r["note"], other)))
    return {"reference_time_s": ref["time_s"] if ref else None,
            "fastest_exact_peer": best["config"] if best else None,
            "fastest_exact_peer_time_s": best["time_s"] if best else None,
            "flops_per_eval": flops_per_eval(case), "useful_flops": useful,
            "gemm_peak_gflops": peak_gflops}


def describe(case):
    if case.kind == "mlp":
        d, h = case.shape
        what = f"MLP {d}->{h}->{d} tanh, batch {case.batch}"
    else:
        c, hh, ww = case.shape
        what = f"conv block, state [{case.batch}, {c}, {hh}, {ww}]"
    solver = (f"{case.method} h = {case.step_size}" if case.step_size else
              f"{case.method} rtol {case.rtol:g} atol {case.atol:g}")
    loss = "mean" if case.loss == "mean" else "sum"
    return (f"{case.name}: {what}, {case.dtype}, {solver}, t in [0, {case.t1:g}], "
            f"loss = {loss}(z(T)^2)")


def _fmt(value, spec, unit=""):
    """value formatted (unit appended), or "-" as wide."""
    text = format(value, spec) + unit if value is not None else None
    return text if text else "-".rjust(len(format(0.0, spec) + unit))


def _nfe(r):
    if r["nfe_approx"]:
        return f"~{r['nfe_fwd']}+?"
    return f"{r['nfe_fwd']}+{r['nfe_bwd']}"


def _grad(r):
    if r["config"] == REFERENCE:
        return "(ref)"
    value = r.get("grad_rel_diff")
    if value is None:
        return "-"
    return f"[{value:.1e}]" if r.get("grad_excluded") else f"{value:.2e}"


HEADER = (f"{'configuration':30s} {'time ms':>9s} {'vs ACA':>7s} {'vs best':>7s} "
          f"{'NFE f+b':>11s} {'peak MB':>8s} {'grad diff':>10s} {'% peak':>7s}  note")


def row_line(r):
    name = r["config"]
    if r["status"] != "ok":
        return f"{name:30s} {r['status']}: {r.get('reason', '')}"
    return (f"{name:30s} {1e3 * r['time_s']:9.2f} {_fmt(r['vs_aca'], '6.2f', 'x')} "
            f"{_fmt(r['vs_best_peer'], '6.2f', 'x')} {_nfe(r):>11s} {r['mem_mb']:8.1f} "
            f"{_grad(r):>10s} {_fmt(r['pct_peak'], '6.1f', '%')}  {r.get('note', '')}")


def summary_line(case, facts):
    ref, best = facts["reference_time_s"], facts["fastest_exact_peer_time_s"]
    if ref is None or best is None:
        return f"{case.name}: no comparison (acaode ACA or every exact peer missing)"
    ratio = best / ref
    word = "faster" if ratio >= 1 else "slower"
    ratio = ratio if ratio >= 1 else 1 / ratio
    return (f"{case.name}: acaode ACA is {ratio:.2f}x {word} than the fastest exact peer "
            f"({facts['fastest_exact_peer']})")


def print_case(case, rows, facts, print_fn=print):
    print_fn("\n" + describe(case))
    if case.note:
        print_fn("  " + case.note)
    if facts["useful_flops"]:
        print_fn(f"  useful work {facts['useful_flops'] / 1e6:.1f} MFLOP per step "
                 f"(F_fwd {facts['flops_per_eval'] / 1e6:.3f} MFLOP x (N_fwd + 2 N_bwd)); "
                 f"GEMM peak {_fmt(facts['gemm_peak_gflops'], '.1f')} GFLOP/s "
                 f"({case.dtype}, 1 thread)")
    print_fn(HEADER)
    for r in rows:
        print_fn(row_line(r))
    print_fn(summary_line(case, facts))


FOOTNOTES = """\
vs ACA / vs best: time over acaode ACA's / over the fastest exact peer's (diffrax
  RecursiveCheckpointAdjoint, torchdiffeq odeint, torchode AutoDiffAdjoint, TorchDiffEqPack).
NFE f+b: f evaluations forward + backward (torch peers: calls of f counted in f; backprop
  through the solver calls f only forward; torchode counts whole-batch calls; diffrax:
  ~6 per forward step, backward unknown). peak MB: resident-set growth over the worker's
  baseline after imports and compilation. grad diff: relative L2 difference of the
  parameter gradients from acaode ACA's; [..] = a different discretisation (see the
  note), not expected to agree. % peak: useful FLOPs / time / one-thread GEMM peak."""


def plot(cases, results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = [c.name for c in cases]
    fig, axes = plt.subplots(len(names), 1, figsize=(8, 1.0 + 3.6 * len(names)),
                             squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        rows = [r for r in results[name]["rows"] if r["status"] == "ok"]
        labels = [r["config"] for r in rows]
        times = [1e3 * r["time_s"] for r in rows]
        colors = ["tab:red" if lbl == REFERENCE else
                  "tab:blue" if lbl.startswith("acaode") else "tab:gray" for lbl in labels]
        if not rows:
            ax.set_title(f"{name}: no results", fontsize=10)
            continue
        left = 10 ** np.floor(np.log10(min(times) / 2))  # bars start at a power of ten
        ax.barh(range(len(rows)), [t - left for t in times], left=left, color=colors)
        for i, t in enumerate(times):
            ax.text(t, i, f" {t:.3g}", va="center", fontsize=7)
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlim(left, max(times) * 3)
        ax.set_xlabel("forward + backward, ms (median)")
        ax.set_title(name, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
