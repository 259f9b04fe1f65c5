#!/usr/bin/env python3
"""Training the same ODE-Net with each gradient method: test error against epoch and
against wall time, and the spread over seeds (the paper's Fig. 7, Zhuang et al., "Adaptive
Checkpoint Adjoint Method for Gradient Estimation in Neural ODE", ICML 2020).

The network, data and solver are those of experiments/image_classification.py (Fashion-MNIST,
a conv stem, one ODE block solved by heun_euler at rtol = atol = 1e-2, pooling, a linear
layer). Each run starts from the initialisation of its seed and trains with Adam on
cross entropy, the ODE block's gradient computed by one method: "aca", "adjoint" (the
continuous adjoint) or "naive" (backpropagation through the solver). After every epoch the
run records its test error and the training time so far. ACA runs with several seeds
(the spread), the adjoint and naive with the first seed. The paper's claim: ACA reaches a
lower test error than the adjoint, and sooner in wall time than naive backpropagation.

    bazel run //experiments:gradient_training -- --quick --out /tmp/gt     # about a minute
    python experiments/gradient_training.py      # the full training set (60,000 images):
                                                 # hours on 2 cores
    python experiments/gradient_training.py --resume --epochs 20   # extend a finished run
    python experiments/gradient_training.py --resume --epochs 0 --tables   # Tables 1-2 only

With --tables, each trained model is then tested, without retraining, with the test-time
solvers of the paper's Tables 1-2 (experiments/image_classification.py: Euler, RK2, RK4 at
four step sizes and HeunEuler, RK23, RK45 at three tolerances), and the change in its test
error against the training solver is reported: the robustness of an ODE-Net trained with
each gradient method (on the first --table-images test images, 2,000 by default).

Writes DIR/gradient_training.json (every curve, and the tables with --tables),
DIR/gradient_training.png (the four panels) and DIR/weights_<method>_seed<k>.npz (the
trained parameters and the optimizer's state). --resume continues each run from there,
exactly as if it had not stopped.
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment_cli  # noqa: E402  (the shared command line)
import image_classification as ic  # noqa: E402  (the model, data and evaluation)

import acaode  # noqa: E402
from acaode import distributed as dist  # noqa: E402

SETTINGS = {
    "quick": dict(n_train=600, n_test=300, epochs=2, batch=20, lr=5e-3, channels=8,
                  aca_seeds=[0, 1], other_seeds=[0], lr_milestones=[2], lr_gamma=0.5),
    "full": dict(n_train=60000, n_test=10000, epochs=19, batch=128, lr=2e-3, channels=32,
                 aca_seeds=[0, 1, 2], other_seeds=[0], lr_milestones=[10, 16], lr_gamma=0.1),
}


def learning_rate(s, epoch):
    """The step-decay schedule: epoch (0-based) trains at lr * lr_gamma^k, k the number of
    milestones <= epoch. A function of the epoch alone, so a resumed run follows it exactly."""
    return s["lr"] * s["lr_gamma"] ** sum(1 for m in s["lr_milestones"] if m <= epoch)


def runs_of(s):
    return ([("aca", seed) for seed in s["aca_seeds"]] +
            [(g, seed) for g in ("adjoint", "naive") for seed in s["other_seeds"]])


def weights_path(out_dir, gradient, seed):
    return os.path.join(out_dir, f"weights_{gradient}_seed{seed}.npz")


def load_weights(path, model, opt=None):
    """Puts the parameters (and the optimizer's state) saved by train_run back."""
    saved = dict(np.load(path))
    model.load_state_dict({k[6:]: v for k, v in saved.items() if k.startswith("model.")})
    if opt is not None:
        opt.load_state_dict({k[4:]: v for k, v in saved.items() if k.startswith("opt.")})


def train_run(gradient, seed, s, data, out_dir, previous=None, log=None, until=None):
    """Trains one (method, seed) until its curve has `until` epochs (default: s["epochs"]
    more than it has); returns its curve."""
    x_train, y_train, x_test, y_test = data
    acaode.manual_seed(seed)
    model = ic.OdeNet(s["channels"])
    curve = previous or {"gradient": gradient, "seed": seed, "epoch": [], "test_error": [],
                         "train_seconds": [], "loss": [], "lr": []}
    # curves saved before the schedule existed trained at the constant s["lr"]
    curve.setdefault("lr", [s["lr"]] * len(curve["epoch"]))
    weights = weights_path(out_dir, gradient, seed)
    opt = acaode.optim.Adam(model.parameters(), lr=s["lr"])
    if previous is not None:
        load_weights(weights, model, opt)
    sampler = dist.DistributedSampler(len(x_train), shuffle=True, seed=seed, drop_last=True,
                                      num_replicas=1, rank=0)
    seconds = curve["train_seconds"][-1] if curve["train_seconds"] else 0.0
    first = len(curve["epoch"])
    for epoch in range(first, first + s["epochs"] if until is None else until):
        sampler.set_epoch(epoch)
        opt.lr = learning_rate(s, epoch)
        order = np.fromiter(sampler, dtype=np.int64)
        model.train()
        start = time.perf_counter()
        losses = []
        for b in range(0, len(order) - s["batch"] + 1, s["batch"]):
            idx = order[b:b + s["batch"]]
            losses.append(ic.train_step(model, opt, x_train[idx], y_train[idx],
                                        ic.TRAIN_METHOD, gradient))
        seconds += time.perf_counter() - start
        model.eval()
        error = ic.error_rate(model, ic.TRAIN_METHOD, x_test, y_test)
        curve["epoch"].append(epoch + 1)
        curve["test_error"].append(error)
        curve["train_seconds"].append(seconds)
        curve["loss"].append(float(np.mean(losses)))
        curve["lr"].append(opt.lr)
        if log:
            print(f"  {gradient} seed {seed} epoch {epoch + 1} (lr {opt.lr:g}): loss "
                  f"{curve['loss'][-1]:.4f}, test error {error:.2f} %, {seconds:.1f} s", file=log,
                  flush=True)
    np.savez(weights, **{f"model.{k}": np.asarray(v) for k, v in model.state_dict().items()},
             **{f"opt.{k}": np.asarray(v) for k, v in opt.state_dict().items()})
    return curve


def solver_tables(s, data, out_dir, n_images, log=None):
    """The Tables 1-2 protocol on every trained run, on the first n_images test images: its
    test error with the training solver and the change under each other test solver
    (ic.solver_table)."""
    x_test, y_test = data[2][:n_images], data[3][:n_images]
    tables = {}
    for gradient, seed in runs_of(s):
        model = ic.OdeNet(s["channels"])
        load_weights(weights_path(out_dir, gradient, seed), model)
        model.eval()
        reference = ic.error_rate(model, ic.TRAIN_METHOD, x_test, y_test)
        table = dict(ic.solver_table(model, x_test, y_test, reference), error=reference)
        changes = [v for kind in ("fixed_delta", "adaptive_delta")
                   for row in table[kind].values() for v in row.values()]
        table["mean_abs_change"] = float(np.mean(np.abs(changes)))
        table["max_change"] = float(np.max(changes))
        tables[f"{gradient}_seed{seed}"] = table
        if log:
            print(f"  {gradient} seed {seed}: test error {reference:.2f} %, mean |change| "
                  f"{table['mean_abs_change']:.2f} points over {len(changes)} test solvers",
                  file=log, flush=True)
    return tables


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"aca": "C0", "adjoint": "C1", "naive": "C2"}
    fig, ax = plt.subplots(1, 4, figsize=(18, 4))
    first = {}
    for c in results["curves"]:
        first.setdefault(c["gradient"], c)
    for g, c in first.items():
        ax[0].plot(c["epoch"], c["test_error"], "o-", color=colors[g], label=g)
        ax[1].plot(c["train_seconds"], c["test_error"], "o-", color=colors[g], label=g)
        ax[3].plot(c["epoch"], c["loss"], "o-", color=colors[g], label=g)
    aca = [c for c in results["curves"] if c["gradient"] == "aca"]
    errors = np.array([c["test_error"] for c in aca])
    epochs = aca[0]["epoch"]
    ax[2].fill_between(epochs, errors.min(axis=0), errors.max(axis=0), color="C0", alpha=0.3,
                       label=f"ACA, {len(aca)} seeds (min-max)")
    ax[2].plot(epochs, errors.mean(axis=0), "o-", color="C0", label="ACA mean")
    for g in ("adjoint", "naive"):
        if g in first:
            ax[2].plot(first[g]["epoch"], first[g]["test_error"], "s--", color=colors[g], label=g)
    for a, (xl, yl, title) in zip(ax, (("epoch", "test error (%)", "test error per epoch"),
                                       ("training time (s)", "test error (%)",
                                        "test error against wall time"),
                                       ("epoch", "test error (%)", "spread over seeds"),
                                       ("epoch", "training cross entropy", "training loss"))):
        a.set(xlabel=xl, ylabel=yl, title=title)
        a.grid(True, alpha=0.3)
        a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def print_solver_tables(tables, out=sys.stdout):
    print("== robustness to the test-time solver (the paper's Tables 1-2 protocol): change in "
          "test error (points) against the training solver", file=out)
    print(f"{'run':>14} {'error %':>8} " + " ".join(f"{label:>8}" for _, label in ic.FIXED) +
          " " + " ".join(f"{label:>9}" for _, label in ic.ADAPTIVE) +
          f" {'mean |d|':>9} {'max d':>7}", file=out)
    for name, t in tables.items():
        # each solver's worst change over its step sizes or tolerances
        fixed = " ".join(f"{max(t['fixed_delta'][m].values()):>+8.2f}" for m, _ in ic.FIXED)
        adaptive = " ".join(f"{max(t['adaptive_delta'][m].values()):>+9.2f}"
                            for m, _ in ic.ADAPTIVE)
        print(f"{name:>14} {t['error']:>8.2f} {fixed} {adaptive} "
              f"{t['mean_abs_change']:>9.2f} {t['max_change']:>+7.2f}", file=out)
    print("(per solver: the largest change over its step sizes or tolerances)", file=out)


def main(argv=None):
    parser = experiment_cli.make_parser(
        __doc__, "gradient_training",
        quick_help="600 training images, 2 epochs, 8 channels (a test)",
        out_help="directory for the curves, the figure and the weights (--resume reads it)")
    parser.add_argument("--data", default=os.environ.get("FASHION_MNIST_DIR", ic.DEFAULT_DATA),
                        help=f"directory with the idx files (package {ic.DATA_PACKAGE})")
    parser.add_argument("--epochs", type=int,
                        help="override the number of epochs of this call (with --resume: "
                             "beyond the longest saved curve; runs behind it catch up)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the runs saved in --out for --epochs more epochs")
    parser.add_argument("--tables", action="store_true",
                        help="then test every trained model with the test-time solvers of the "
                             "paper's Tables 1-2")
    parser.add_argument("--table-images", type=int, default=2000,
                        help="test images the solver tables use, the first N of the test set "
                             "(default 2000: 21 solvers per model)")
    args = parser.parse_args(argv)
    out_dir = experiment_cli.output_dir(args.out)
    json_path = os.path.join(out_dir, "gradient_training.json")
    s = dict(SETTINGS["quick" if args.quick else "full"])
    previous = {}
    if args.resume:
        with open(json_path) as f:
            saved = json.load(f)
        # settings saved before a key existed take that key's full-run value
        s = dict(SETTINGS["full"], **saved["settings"])
        previous = {(c["gradient"], c["seed"]): c for c in saved["curves"]}
    if args.table_images < 1:
        parser.error(f"--table-images {args.table_images}: must be at least 1")
    if args.epochs is not None:
        if args.epochs < 0 or (args.epochs == 0 and not args.resume):
            parser.error(f"--epochs {args.epochs}: must be positive (0 only with --resume)")
        s["epochs"] = args.epochs
    try:
        x_train, y_train = ic.load_fashion_mnist(args.data, "train")
        x_test, y_test = ic.load_fashion_mnist(args.data, "test")
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rng = np.random.default_rng(0)
    tr = rng.choice(len(x_train), s["n_train"], replace=False)
    te = rng.choice(len(x_test), s["n_test"], replace=False)
    data = (x_train[tr], y_train[tr], x_test[te], y_test[te])
    start = time.perf_counter()
    # Every run ends this call with the same number of epochs: s["epochs"] more than the
    # longest saved curve (a call stopped midway leaves the runs it did not reach behind;
    # they catch up here). The JSON is rewritten after each run, so that a call stopped
    # midway keeps the runs it finished, each consistent with its saved weights.
    until = max([len(c["epoch"]) for c in previous.values()] + [0]) + s["epochs"]
    curves = [previous.get(run) for run in runs_of(s)]
    for i, (g, seed) in enumerate(runs_of(s)):
        curves[i] = train_run(g, seed, s, data, out_dir, previous.get((g, seed)),
                              log=sys.stderr, until=until)
        experiment_cli.write_json({"settings": s, "curves": [c for c in curves if c]}, json_path)
    results = {"settings": s, "curves": curves}
    if args.tables:
        results["solver_tables"] = solver_tables(s, data, out_dir, args.table_images,
                                                 log=sys.stderr)
        results["table_images"] = min(args.table_images, len(data[2]))
    results["seconds"] = time.perf_counter() - start
    experiment_cli.write_json(results, json_path)
    png = os.path.join(out_dir, "gradient_training.png")
    plot(results, png)
    print(f"== ODE-Net on Fashion-MNIST ({s['n_train']} training, {s['n_test']} test images), "
          f"trained with each gradient method: test error (%) after each epoch")
    for c in curves:
        errors = " ".join(f"{e:6.2f}" for e in c["test_error"])
        print(f"{c['gradient']:>8} seed {c['seed']}: {errors}   "
              f"({c['train_seconds'][-1]:.1f} s of training)")
    if "solver_tables" in results:
        print_solver_tables(results["solver_tables"])
    print(f"wrote {png} and gradient_training.json ({results['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
