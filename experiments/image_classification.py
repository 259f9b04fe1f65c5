#!/usr/bin/env python3
"""Image classification: an ODE-Net trained with ACA vs a ResNet of the same shape, and
their robustness to the test-time solver (the paper's Appendix D.2, Tables 1-2).

The image-classification experiment of Zhuang et al., "Adaptive Checkpoint Adjoint Method
for Gradient Estimation in Neural ODE" (ICML 2020), scaled to a CPU and to Fashion-MNIST
(the paper used a NODE18 / ResNet18 on CIFAR-10), with acaode's public API:

- the network: a conv stem (1 -> C/2 channels at 14x14, -> C at 7x7, GroupNorm + ReLU), one
  ODE block dz/dt = f(z) = conv(ReLU(GroupNorm(conv(z)))) integrated over t in [0, 1], then
  global average pooling and a linear layer to the 10 classes;
- ODE-Net: the block solved by heun_euler at rtol = atol = 1e-2, trained with
  gradient="aca";
- ResNet: the same network with the block solved by one Euler step of size 1, i.e. the
  residual block z + f(z) (also through odeint, so both share every line of code).

Both are trained the same way (Adam, cross entropy), then each is tested, without
retraining, with other solvers: euler / midpoint (RK2) / rk4 at step sizes 1, 0.5, 0.2, 0.1 and
heun_euler / bosh3 (RK23) / dopri5 (RK45) at rtol = atol = 1e-1, 1e-2, 1e-3. The tables
give the change in test error rate (percentage points) against the solver the model was
trained with. The paper's finding: the ResNet's error grows by several points under other
solvers, the ODE-Net's by about one.

The data: the Debian package dataset-fashion-mnist (idx files, gzipped, under
/usr/share/datasets/fashion-mnist; override with --data or $FASHION_MNIST_DIR).

    bazel run //experiments:image_classification -- --quick --out /tmp/ic   # about a minute
    python experiments/image_classification.py   # 12000 training images, 3 epochs (about
                                                 # 1.5 min on one core)
    mpirun -n 2 python experiments/image_classification.py --distributed   # data-parallel

With --distributed (launched by mpirun or srun; docs/distributed.md) every rank trains the
same models on its share of each batch (acaode.distributed: DistributedSampler and
DistributedDataParallel), which gives the same global batches, hence the same training,
as one process; rank 0 evaluates and writes the results, with the training throughput
(images/s) and the share of the training time spent averaging gradients.

Writes DIR/image_classification.png (the two tables as heat maps, and the training loss)
and DIR/image_classification.json (every number), and prints the tables.
"""
import gzip
import os
import sys
import time

import numpy as np
from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment_cli  # noqa: E402  (the shared command line)

import acaode
from acaode import distributed as dist
from acaode import nn
from acaode.nn import functional as F

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"
DATA_PACKAGE = "dataset-fashion-mnist"
DTYPE = acaode.float32
MEAN, STD = 0.2860, 0.3530            # Fashion-MNIST's pixel mean and deviation
TRAIN_METHOD = dict(method="heun_euler", rtol=1e-2, atol=1e-2)   # the ODE-Net's solver
RESNET_METHOD = dict(method="euler", step_size=1.0)              # a residual block
# "RK2" is the midpoint method, as in the authors' code (TorchDiffEqPack's RK2).
FIXED = (("euler", "Euler"), ("midpoint", "RK2"), ("rk4", "RK4"))
STEPS = (1.0, 0.5, 0.2, 0.1)
ADAPTIVE = (("heun_euler", "HeunEuler"), ("bosh3", "RK23"), ("dopri5", "RK45"))
TOLS = (1e-1, 1e-2, 1e-3)

SETTINGS = {
    "quick": dict(n_train=1000, n_test=400, epochs=2, batch=20, lr=5e-3, channels=16,
                  seed=0),
    "full": dict(n_train=12000, n_test=2000, epochs=3, batch=64, lr=2e-3, channels=32,
                 seed=0),
}


def read_idx(path):
    """An idx file (gzipped or raw) as a NumPy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an idx file of unsigned bytes (magic {data[:4]!r})")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_file(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        f"Fashion-MNIST file {stem}(.gz) not found in {directory}: install the Debian "
        f"package {DATA_PACKAGE} (sudo apt-get install {DATA_PACKAGE}), or pass --data DIR "
        f"(or set FASHION_MNIST_DIR) to a directory holding the idx files")


def load_fashion_mnist(directory, split):
    """Images [N, 1, 28, 28] float32, normalised, and labels [N] int64 of a split."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(find_file(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find_file(directory, f"{prefix}-labels-idx1-ubyte"))
    x = ((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None, :, :]
    return x, labels.astype(np.int64)


class OdeFunc(nn.Module):
    """f(t, z) = conv(ReLU(GroupNorm(conv(z)))), z [N, C, 7, 7]; autonomous."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, dtype=DTYPE)
        self.norm = nn.GroupNorm(min(8, channels // 2), channels, dtype=DTYPE)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, dtype=DTYPE)

    def forward(self, t, z):
        return self.conv2(F.relu(self.norm(self.conv1(z))))


class OdeNet(nn.Module):
    """stem -> ODE block over [0, 1] (solver given per call) -> pool -> linear."""

    def __init__(self, channels):
        super().__init__()
        half = channels // 2
        self.stem = nn.Sequential(
            nn.Conv2d(1, half, 3, stride=2, padding=1, dtype=DTYPE),
            nn.GroupNorm(min(8, half // 2), half, dtype=DTYPE),
            nn.ReLU(),
            nn.Conv2d(half, channels, 3, stride=2, padding=1, dtype=DTYPE),
            nn.GroupNorm(min(8, channels // 2), channels, dtype=DTYPE), nn.ReLU())
        self.func = OdeFunc(channels)
        self.fc = nn.Linear(channels, 10, dtype=DTYPE)
        self.channels = channels

    def logits(self, x, solver, gradient="aca"):
        z0 = self.stem(x)
        sol = acaode.solve(self.func, z0, [0.0, 1.0], gradient=gradient, autonomous=True,
                           **solver)
        self.last_stats = sol.stats  # f evaluations, for the progress bar
        z1 = sol.ys[-1]
        pooled = F.adaptive_avg_pool2d(z1, 1).reshape([x.shape[0], self.channels])
        return self.fc(pooled)


def train_step(model, opt, x, y, solver, gradient="aca"):
    """One Adam step on the cross entropy of a batch; returns the batch's loss."""
    opt.zero_grad()
    loss = F.cross_entropy(model.logits(acaode.tensor(x), solver, gradient), y)
    loss.backward()  # distributed: the gradients are averaged over the ranks here
    opt.step()
    return loss.item()


def train(model, solver, x, y, s, log=None, name="", distributed=False, max_steps=None):
    """Adam on cross entropy over s["epochs"] epochs of shuffled batches of s["batch"]
    images. Distributed, each rank takes batch / world_size images of every batch (the
    same global batches as one process) and the gradients are averaged over the ranks."""
    ranks = dist.world_size() if distributed else 1
    if s["batch"] % ranks:
        raise ValueError(f"the batch of {s['batch']} images does not split over {ranks} ranks")
    local_batch = s["batch"] // ranks
    sampler = dist.DistributedSampler(len(x), shuffle=True, seed=s["seed"], drop_last=True,
                                      num_replicas=ranks, rank=dist.rank() if distributed else 0)
    ddp = dist.DistributedDataParallel(model) if distributed else None
    opt = acaode.optim.Adam(model.parameters(), lr=s["lr"])
    losses = []
    images = 0
    model.train()
    for epoch in range(s["epochs"]):
        sampler.set_epoch(epoch)
        mine = np.fromiter(sampler, dtype=np.int64)
        # A progress bar on a terminal (tqdm turns itself off when stderr is not one).
        batches = tqdm(range(0, len(mine) - local_batch + 1, local_batch),
                       disable=None if log else True, leave=False,
                       desc=f"{name} epoch {epoch + 1}", unit="batch")
        for b in batches:
            idx = mine[b:b + local_batch]
            value = train_step(model, opt, x[idx], y[idx], solver)
            if distributed:  # the whole batch's mean loss
                value = dist.all_reduce(acaode.tensor([value], dtype="float64"), "mean").item()
            losses.append(value)
            images += local_batch * ranks
            stats = model.last_stats
            batches.set_postfix(loss=f"{losses[-1]:.4f}",
                                nfe=f"{stats.forward_f_evals}+{stats.backward_f_evals}")
            if max_steps is not None and len(losses) >= max_steps:
                break
        if log:
            per_epoch = len(mine) // local_batch
            print(f"  {name} epoch {epoch + 1}: mean loss "
                  f"{np.mean(losses[-per_epoch:]):.4f}", file=log, flush=True)
        if max_steps is not None and len(losses) >= max_steps:
            break
    model.eval()
    communication = ddp.communication_seconds if ddp else 0.0
    if ddp:
        ddp.close()
    return losses, images, communication


def error_rate(model, solver, x, y, batch=250):
    """Test error (%) of the model with the ODE block solved by `solver`."""
    wrong = 0
    with acaode.no_grad():
        for b in range(0, len(x), batch):
            logits = model.logits(acaode.tensor(x[b:b + batch]), solver)
            wrong += int((acaode.argmax(logits, 1).numpy() != y[b:b + batch]).sum())
    return 100.0 * wrong / len(x)


def solver_table(model, x, y, reference):
    """Error rates under every test solver, and their change vs `reference` (the error with
    the training solver)."""
    fixed = {m: {str(h): error_rate(model, dict(method=m, step_size=h), x, y) for h in STEPS}
             for m, _ in FIXED}
    adaptive = {m: {str(tol): error_rate(model, dict(method=m, rtol=tol, atol=tol), x, y)
                    for tol in TOLS}
                for m, _ in ADAPTIVE}
    delta = lambda table: {m: {k: v - reference for k, v in row.items()}  # noqa: E731
                           for m, row in table.items()}
    return {"fixed": fixed, "adaptive": adaptive, "fixed_delta": delta(fixed),
            "adaptive_delta": delta(adaptive)}


def run(settings, data_dir, log=None, distributed=False, max_steps=None):
    """Trains both models and, on rank 0 (every process when not distributed), evaluates
    them (not after a training cut short by max_steps); returns the results there and None
    on the other ranks."""
    s = settings
    report = not distributed or dist.rank() == 0
    x_train, y_train = load_fashion_mnist(data_dir, "train")
    x_test, y_test = load_fashion_mnist(data_dir, "test")
    rng = np.random.default_rng(s["seed"])
    tr = rng.choice(len(x_train), s["n_train"], replace=False)
    te = rng.choice(len(x_test), s["n_test"], replace=False)
    x_train, y_train, x_test, y_test = x_train[tr], y_train[tr], x_test[te], y_test[te]
    results = {"settings": s, "data": data_dir, "models": {},
               "ranks": dist.world_size() if distributed else 1}
    for name, solver in (("ODE-Net", TRAIN_METHOD), ("ResNet", RESNET_METHOD)):
        acaode.manual_seed(s["seed"])   # the same initial weights for both
        model = OdeNet(s["channels"])
        start = time.perf_counter()
        losses, images, communication = train(model, solver, x_train, y_train, s, log, name,
                                               distributed, max_steps)
        train_seconds = time.perf_counter() - start
        entry = {"train_solver": solver, "losses": losses, "train_seconds": train_seconds,
                 "images_per_second": images / train_seconds,
                 "communication_share": communication / train_seconds}
        if log:
            print(f"  {name}: {entry['images_per_second']:.1f} training images/s on "
                  f"{results['ranks']} process(es), {100 * entry['communication_share']:.1f} % "
                  "of the time averaging gradients", file=log, flush=True)
        if report and max_steps is not None:  # a throughput run: training only
            results["models"][name] = entry
            continue
        if not report:
            continue
        reference = error_rate(model, solver, x_test, y_test)
        entry.update({"error": reference,
                      "train_error": error_rate(model, solver, x_train[:500], y_train[:500])})
        entry.update(solver_table(model, x_test, y_test, reference))
        entry["seconds"] = time.perf_counter() - start
        results["models"][name] = entry
        if log:
            print(f"  {name}: test error {reference:.2f} % ({entry['seconds']:.1f} s)",
                  file=log, flush=True)
    return results if report else None


def print_tables(results, out=sys.stdout):
    s = results["settings"]
    print(f"== image classification, Fashion-MNIST: {s['n_train']} training images, "
          f"{s['epochs']} epoch(s), {s['n_test']} test images, {s['channels']} channels",
          file=out)
    for name, m in results["models"].items():
        solver = m["train_solver"]
        trained = (f"heun_euler rtol = atol = {solver['rtol']:g}" if "rtol" in solver
                   else f"euler, one step of {solver['step_size']:g}")
        print(f"== {name} (trained with {trained}): test error {m['error']:.2f} %; change "
              f"in error rate (points) with other test solvers", file=out)
        print(f"{'stepsize':>10} " + " ".join(f"{h:>7g}" for h in STEPS) + "   "
              f"{'rtol/atol':>10} " + " ".join(f"{t:>7g}" for t in TOLS), file=out)
        for (fm, fl), (am, al) in zip(FIXED, ADAPTIVE):
            fixed = " ".join(f"{m['fixed_delta'][fm][str(h)]:>+7.2f}" for h in STEPS)
            adaptive = " ".join(f"{m['adaptive_delta'][am][str(t)]:>+7.2f}" for t in TOLS)
            print(f"{fl:>10} {fixed}   {al:>10} {adaptive}", file=out)
    for name, m in results["models"].items():
        deltas = ([abs(v) for row in m["fixed_delta"].values() for v in row.values()] +
                  [abs(v) for row in m["adaptive_delta"].values() for v in row.values()])
        print(f"{name}: mean |change| over the {len(deltas)} test solvers "
              f"{np.mean(deltas):.2f} points", file=out)


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    vmax = max(max(abs(v) for t in ("fixed_delta", "adaptive_delta")
                   for row in m[t].values() for v in row.values())
               for m in results["models"].values()) or 1.0
    for a, (name, m) in zip(ax[:2], results["models"].items()):
        grid = np.array([[m["fixed_delta"][fm][str(h)] for h in STEPS] +
                         [m["adaptive_delta"][am][str(t)] for t in TOLS]
                         for (fm, _), (am, _) in zip(FIXED, ADAPTIVE)])
        im = a.imshow(grid, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                a.text(j, i, f"{grid[i, j]:+.1f}", ha="center", va="center", fontsize=8)
        a.set_xticks(range(len(STEPS) + len(TOLS)))
        a.set_xticklabels([f"h={h:g}" for h in STEPS] + [f"tol={t:g}" for t in TOLS],
                          rotation=45, ha="right", fontsize=8)
        a.set_yticks(range(3))
        a.set_yticklabels([f"{fl} / {al}" for (_, fl), (_, al) in zip(FIXED, ADAPTIVE)],
                          fontsize=8)
        a.axvline(len(STEPS) - 0.5, color="k", lw=1)
        a.set_title(f"{name}: test error {m['error']:.2f} %, change (points)", fontsize=10)
        fig.colorbar(im, ax=a, fraction=0.046)
    for name, m in results["models"].items():
        ax[2].plot(m["losses"], label=name, alpha=0.8)
    ax[2].set(xlabel="step", ylabel="training cross entropy", title="training")
    ax[2].grid(True, alpha=0.3)
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = experiment_cli.make_parser(
        __doc__, "image_classification",
        quick_help="1000 training images, 1 epoch (about a minute), for tests")
    parser.add_argument("--data", default=os.environ.get("FASHION_MNIST_DIR", DEFAULT_DATA),
                        help=f"directory with the idx files (package {DATA_PACKAGE})")
    parser.add_argument("--epochs", type=int, help="override the number of epochs")
    parser.add_argument("--n-train", type=int, help="override the number of training images")
    parser.add_argument("--distributed", action="store_true",
                        help="data-parallel over the MPI job (launch with mpirun -n N)")
    parser.add_argument("--max-steps", type=int,
                        help="train each model this many steps only, and skip the evaluation "
                             "(throughput runs: the JSON holds the losses and images/s)")
    args = parser.parse_args(argv)
    if args.distributed:
        dist.init()
    settings = dict(SETTINGS["quick" if args.quick else "full"])
    if args.epochs:
        settings["epochs"] = args.epochs
    if args.n_train:
        settings["n_train"] = args.n_train
    start = time.perf_counter()
    main_rank = not args.distributed or dist.rank() == 0
    try:
        results = run(settings, args.data, log=sys.stderr if main_rank else None,
                      distributed=args.distributed, max_steps=args.max_steps)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if results is None:  # a rank other than 0: rank 0 reports
        return 0
    results["seconds"] = time.perf_counter() - start
    out_dir = experiment_cli.output_dir(args.out)
    json_path = os.path.join(out_dir, "image_classification.json")
    if args.max_steps is not None:
        experiment_cli.write_json(results, json_path)
        for name, m in results["models"].items():
            print(f"{name}: {len(m['losses'])} steps, {m['images_per_second']:.1f} images/s "
                  f"on {results['ranks']} process(es), {100 * m['communication_share']:.1f} % "
                  "averaging gradients")
        return 0
    png = os.path.join(out_dir, "image_classification.png")
    plot(results, png)
    experiment_cli.write_json(results, json_path)
    print_tables(results)
    print(f"wrote {png} and image_classification.json ({results['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
