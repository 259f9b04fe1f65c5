"""One rank of the acaode.distributed tests, launched by test_distributed.py as
`mpirun -n 2 python distributed_worker.py SCENARIO`. Each scenario checks its results
itself (every rank computes the single-process reference locally) and exits non-zero with
a message on a mismatch; rank 0 prints "ok SCENARIO" at the end.
"""
import sys

import numpy as np

import acaode
from acaode import distributed as dist
from acaode import nn


def check(cond, what):
    if not cond:
        raise AssertionError(f"rank {dist.rank()}: {what}")


def rel_err(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def collectives():
    r, n = dist.rank(), dist.world_size()
    for dtype in ("float32", "float64"):
        for shape in ((), (5,), (3, 4), (2, 3, 4)):
            base = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
            per_rank = [base * (k + 1) - k for k in range(n)]
            for op, ref in (("sum", sum(per_rank)), ("mean", sum(per_rank) / n),
                            ("max", np.maximum.reduce(per_rank)),
                            ("min", np.minimum.reduce(per_rank))):
                t = acaode.tensor(per_rank[r].copy())
                out = dist.all_reduce(t, op)
                check(out is t, "all_reduce returns its argument")
                check(np.array_equal(t.numpy(), ref.astype(dtype)),
                      f"all_reduce {op} {dtype} {shape}: {t.numpy()} != {ref}")
            t = acaode.tensor(per_rank[r].copy())
            dist.broadcast(t, root=n - 1)
            check(np.array_equal(t.numpy(), per_rank[n - 1]), f"broadcast {dtype} {shape}")
    try:
        dist.all_reduce(acaode.zeros(3), "prod")
        check(False, "all_reduce accepted op 'prod'")
    except ValueError as e:
        check("op must be one of" in str(e), str(e))


def make_mlp(seed):
    acaode.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 3))


def grads_after(model, x, gradient, fixed):
    """The parameter gradients of mean(z(1)^2) for z' = model(z), z(0) = x. odeint takes
    the module itself (model.module for a DistributedDataParallel); the wrapper's hook
    averages after backward()."""
    func = getattr(model, "module", model)
    kw = dict(gradient=gradient)
    if fixed:
        kw.update(method="rk4", step_size=0.1)
    else:
        kw.update(method="dopri5", rtol=1e-9, atol=1e-11)
    for p in func.parameters():
        p.grad = None
    ys = acaode.odeint(func, acaode.tensor(x), [0.0, 0.5, 1.0], **kw)
    acaode.mean(ys[-1] ** 2).backward()
    return [p.grad.numpy().copy() for p in func.parameters()]


def gradients():
    r, n = dist.rank(), dist.world_size()
    x = np.random.default_rng(7).standard_normal((8 * n, 3))
    shard = x.reshape(n, 8, 3)[r]
    for gradient in ("aca", "adjoint", "naive"):
        for fixed in (True, False):
            # The single-process reference: the whole batch, plain module.
            reference = grads_after(make_mlp(1), x, gradient, fixed)
            # Rank r starts from different weights: the wrapper must take rank 0's.
            model = dist.DistributedDataParallel(make_mlp(1 + r))
            got = grads_after(model, shard, gradient, fixed)
            # rk4 on a fixed grid: the same arithmetic up to summation order; adaptive: the
            # step sizes depend on the batch, so agreement is to the tolerance.
            tol = 1e-12 if fixed else 1e-6
            for g, ref in zip(got, reference):
                check(rel_err(g, ref) < tol,
                      f"{gradient} fixed={fixed}: relative error {rel_err(g, ref):.2e}")
            # Every rank holds the same averaged gradient.
            for g in got:
                check(np.array_equal(g, dist.broadcast(acaode.tensor(g.copy()), 0).numpy()),
                      "ranks disagree on the averaged gradient")
            model.close()


def no_sync():
    r, n = dist.rank(), dist.world_size()
    model = dist.DistributedDataParallel(make_mlp(3))
    x = acaode.tensor(np.full((4, 3), r + 1.0))
    with model.no_sync():
        acaode.sum(model(x)).backward()
    local = [p.grad.numpy().copy() for p in model.parameters()]
    gathered = [dist.all_reduce(acaode.tensor(g.copy()), "mean").numpy() for g in local]
    if n > 1:  # the first layer's weight gradient depends on the rank's input
        check(any(not np.array_equal(g, mean) for g, mean in zip(local, gathered)),
              "no_sync still averaged")
    model.synchronize_gradients()
    for p, mean in zip(model.parameters(), gathered):
        check(rel_err(p.grad.numpy(), mean) < 1e-12, "synchronize_gradients after no_sync")
    # Gradients on rank 0 only: the other ranks count as zeros (given zeros of the
    # parameter's shape, dtype and device), so every rank ends with rank 0's / n.
    for p in model.parameters():
        p.grad = None
    if r == 0:
        with model.no_sync():
            acaode.sum(model(x)).backward()
    rank0 = [dist.broadcast(acaode.tensor(p.grad.numpy().copy() if r == 0
                                          else np.zeros(p.shape)), 0).numpy()
             for p in model.parameters()]
    model.synchronize_gradients()
    for p, g0 in zip(model.parameters(), rank0):
        check(p.grad is not None and rel_err(p.grad.numpy(), g0 / n) < 1e-12,
              "a gradient on rank 0 only is averaged with zeros")


def shape_mismatch():
    r = dist.rank()
    acaode.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16 + r), nn.Tanh(), nn.Linear(16 + r, 3))
    try:
        dist.DistributedDataParallel(model)
    except ValueError as e:
        msg = str(e)
        check("rank 1" in msg and "'0.weight'" in msg and "[17, 3]" in msg, msg)
        return
    check(False, "mismatched shapes were accepted")


def sampler():
    n = dist.world_size()
    for size, drop_last in ((10, False), (11, False), (11, True)):
        s = dist.DistributedSampler(size, shuffle=True, seed=3, drop_last=drop_last)
        s.set_epoch(2)
        mine = list(s)
        check(len(mine) == len(s), "len(sampler)")
        alls = dist._comm().allgather(mine)
        flat = sorted(i for part in alls for i in part)
        if drop_last:
            check(len(set(flat)) == len(flat) == (size // n) * n, f"drop_last {flat}")
        else:
            check(set(flat) == set(range(size)) and len(flat) == len(s) * n, f"cover {flat}")
        check(all(len(p) == len(alls[0]) for p in alls), "equal shares")


def odenet_training():
    """Five SGD steps of a small conv ODE-Net on 2 ranks (half batch each) match one rank
    on the whole batch, loss by loss (float64, fixed-grid rk4)."""
    r, n = dist.rank(), dist.world_size()
    rng = np.random.default_rng(5)
    images = rng.standard_normal((4 * n, 1, 6, 6))
    labels = rng.integers(0, 3, size=4 * n)

    def build():
        acaode.manual_seed(11)
        feats = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, dtype="float64"), nn.ReLU())
        func = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1, dtype="float64"), nn.Tanh())
        head = nn.Linear(4 * 36, 3, dtype="float64")
        return feats, func, head

    def run(modules, xs, ys, ddp):
        feats, func, head = modules
        params = [p for m in modules for p in m.parameters()]
        opt = acaode.optim.SGD(params, lr=0.1)
        losses = []
        for _ in range(5):
            opt.zero_grad()
            h = feats(acaode.tensor(xs))
            h = acaode.odeint(func, h, [0.0, 1.0], method="rk4", step_size=0.25)[-1]
            logits = head(acaode.flatten(h, 1))
            loss = nn.functional.cross_entropy(logits, ys)
            loss.backward()
            value = acaode.tensor([loss.item()], dtype="float64")
            losses.append(dist.all_reduce(value, "mean").item() if ddp else loss.item())
            opt.step()
        return losses

    reference = run(build(), images, labels, False)
    modules = build()
    wrapped = [dist.DistributedDataParallel(m) for m in modules]
    got = run(modules, images.reshape(n, 4, 1, 6, 6)[r], labels.reshape(n, 4)[r], True)
    for w in wrapped:
        w.close()
    check(rel_err(got, reference) < 1e-12, f"losses {got} vs {reference}")


def raises():
    if dist.rank() == 1:
        raise RuntimeError("deliberate failure on rank 1")
    dist.barrier()  # rank 0 would wait here forever without the abort


if __name__ == "__main__":
    scenario = sys.argv[1]
    dist.init()
    globals()[scenario]()
    dist.barrier()
    if dist.rank() == 0:
        print("ok", scenario, flush=True)
