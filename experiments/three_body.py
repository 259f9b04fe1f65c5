#!/usr/bin/env python3
"""The three-body problem: learning dynamics from one trajectory, ACA vs adjoint vs naive.

The fourth experiment of Zhuang et al., "Adaptive Checkpoint Adjoint Method for Gradient
Estimation in Neural ODE" (ICML 2020; the paper's Appendix D.4 and Table 3), with acaode's public
API. Three bodies with masses m = (1.1, 1.1, 0.9) start at r1 = (0, 0.2, 0),
r2 = (0.5, 0, 0.5), r3 = (0, 0, 0.5) with velocities v1 = (0, 0.1, 0), v2 = (0, 0, 0.1),
v3 = (0.1, 0, 0), and move by Newton's law of gravitation:

    dr_i/dt = K2 v_i,    dv_i/dt = K1 sum_{j != i} m_j (r_j - r_i) / |r_j - r_i|^3.

Units: the paper states no gravitational constant. By default (``--units paper-code``) we
use the non-dimensionalisation of the authors' reference code (torch_ACA's
three_body_problem.py: Alpha Centauri masses, distances and period), K1 = 0.2005 and
K2 = 7.239 (so G_eff = K1 K2 = 1.451 in r-v units); ``--units G1`` sets K1 = K2 = 1
(G = 1), which has a near-collision (distance 0.0066) at t = 0.38 and is much stiffer.

Ground truth: acaode's dopri8 at rtol = atol = 1e-10. Training data: the positions at N
(1000) equally spaced points of [0, 1]; test: the positions on [0, 2] (twice as long).
Models (the paper's Table 3: Adam, lr 0.1, lr decay 0.99 per epoch, 100 epochs, one full-batch
step per epoch; dopri5 at rtol = atol = 1e-5; 1 initial point fed at inference; from the
authors' code, Adam betas (0.5, 0.5) and the training loss weighted by 0.01^t):

- ODE-{adjoint,naive,aca}: the known physics with learnable masses (log-masses,
  initialised 10 % off: m_init = (1.0, 1.2, 1.0)).
- NODE-{adjoint,naive,aca}: the kinematics dr/dt = K2 v known, the acceleration a neural
  net of the state, dv/dt = MLP(z) (18 -> 64 -> 64 -> 9, tanh).
- LSTM: 9 -> 64 hidden -> linear 9, trained to predict the next position on windows of 20
  points of the training data (Adam lr 0.01, decay 0.999 per epoch); at inference it is
  fed the first 10 true points and rolls out the rest of [0, 2] on its own.
- LSTM-aug-input: the same LSTM on the whole state (positions and velocities, 18 -> 64 ->
  18), rolling out the state; scored on the positions. The paper names this model but does
  not say what its input is augmented with: the velocities are our choice.

Reported: trajectory MSE on [0, 2] (mean over time points and the 9 position
coordinates), also on [0, 1] (the training window) and [1, 2] (extrapolation), the
learned masses, and the training-loss curves. With ``--seeds N`` the whole experiment runs
for seeds 0 .. N-1 and a second table gives each model's mean, spread, best and worst MSE
and its training loss at the best and the last epoch: at the paper's learning rate the ODE
models' loss swings by decades from epoch to epoch, so one run ranks the methods by chance.
A seed sets the NODE and LSTM initialisations and, for seeds > 0, the ODE models' initial
masses (each 10 % above or below the truth, signs drawn from the seed; seed 0 keeps
(1.0, 1.2, 1.0)); this seeding is ours, the paper reports single runs.

    bazel run //experiments:three_body -- --quick --out /tmp/tb   # under a minute
    python experiments/three_body.py      # installed acaode; Table 3's settings (minutes)

Writes DIR/three_body.png (trajectories and loss curves) and DIR/three_body.json (every
number), and prints the table.
"""
import math
import os
import sys
import time

import numpy as np
from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment_cli  # noqa: E402  (the shared command line)

import acaode
from acaode import nn

GRADIENTS = ("adjoint", "naive", "aca")
TRUE_MASSES = np.array([1.1, 1.1, 0.9])
INIT_MASSES = np.array([1.0, 1.2, 1.0])
R0 = np.array([[0.0, 0.2, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 0.5]])
V0 = np.array([[0.0, 0.1, 0.0], [0.0, 0.0, 0.1], [0.1, 0.0, 0.0]])
Z0 = np.concatenate([R0.ravel(), V0.ravel()])[None, :]  # the state [1, 18]: r then v
UNITS = {"paper-code": (0.2005, 7.239), "G1": (1.0, 1.0)}  # (K1, K2)
TRUTH_TOL = 1e-10
# From the authors' reference code (the paper does not give them): Adam's betas, and the
# training loss's weight LOSS_DECAY^t on the squared error at time t. Without them the
# learned masses wander off (the loss over the chaotic [0, 1] has poor local minima).
ADAM_BETAS = (0.5, 0.5)
LOSS_DECAY = 0.01

SETTINGS = {
    "quick": dict(n_train=100, n_test=200, epochs=30, lr=0.1, decay=0.99, rtol=1e-5,
                  atol=1e-5, hidden=32, lstm_epochs=40, lstm_lr=0.01, lstm_decay=0.999,
                  lstm_hidden=32, seq_len=20, lstm_warmup=10, seed=0),
    "full": dict(n_train=1000, n_test=2000, epochs=100, lr=0.1, decay=0.99, rtol=1e-5,
                 atol=1e-5, hidden=64, lstm_epochs=500, lstm_lr=0.01, lstm_decay=0.999,
                 lstm_hidden=64, seq_len=20, lstm_warmup=10, seed=0),
}


def gravity(z, masses, k1, k2):
    """dz/dt of the three-body system; z [1, 18] (r1, r2, r3, v1, v2, v3), masses [3]."""
    r = z[:, 0:9].reshape([3, 3])
    d = r.unsqueeze(0) - r.unsqueeze(1)                 # d[i, j] = r_j - r_i, [3, 3, 3]
    eye = acaode.tensor(np.eye(3), dtype=z.dtype)
    inv3 = acaode.pow((d * d).sum(2) + eye, -1.5) * (1.0 - eye)   # 1/|r_j - r_i|^3, 0 on i=j
    w = inv3 * masses.reshape([1, 3]) * k1              # K1 m_j / |r_j - r_i|^3
    acc = (d * w.unsqueeze(2)).sum(1)                   # [3, 3]
    return acaode.cat([z[:, 9:18] * k2, acc.reshape([1, 9])], 1)


class ThreeBodyOde(nn.Module):
    """Known physics, learnable masses m = exp(log_m)."""

    def __init__(self, masses, k1, k2):
        super().__init__()
        self.log_m = nn.Parameter(np.log(np.asarray(masses, dtype=np.float64)))
        self.k1, self.k2 = k1, k2

    def masses(self):
        return acaode.exp(self.log_m)

    def forward(self, t, z):
        return gravity(z, self.masses(), self.k1, self.k2)


class ThreeBodyNode(nn.Module):
    """Known kinematics dr/dt = K2 v; the acceleration dv/dt = MLP(z) is learned."""

    def __init__(self, hidden, k2):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(18, hidden, dtype=acaode.float64), nn.Tanh(),
                                 nn.Linear(hidden, hidden, dtype=acaode.float64), nn.Tanh(),
                                 nn.Linear(hidden, 9, dtype=acaode.float64))
        self.k2 = k2

    def forward(self, t, z):
        return acaode.cat([z[:, 9:18] * self.k2, self.net(z)], 1)


class NextPointLstm(nn.Module):
    """points [T, N, dims] -> the next points [T, N, dims] (predicting the increment); dims 9
    (positions: LSTM) or 18 (positions and velocities: LSTM-aug-input)."""

    def __init__(self, hidden, dims=9):
        super().__init__()
        self.lstm = nn.LSTM(dims, hidden, dtype=acaode.float64)
        self.head = nn.Linear(hidden, dims, dtype=acaode.float64)
        self.hidden, self.dims = hidden, dims

    def forward(self, x, state=None):
        out, state = self.lstm(x, state)
        steps, batch = x.shape[0], x.shape[1]
        delta = self.head(out.reshape([steps * batch, self.hidden]))
        return x + delta.reshape([steps, batch, self.dims]) * 0.1, state


def ground_truth(ts, k1, k2):
    """The states [T, 18] (positions, then velocities) at ts."""
    truth = ThreeBodyOde(TRUE_MASSES, k1, k2)
    with acaode.no_grad():
        ys = acaode.odeint(truth, acaode.tensor(Z0), ts, method="dopri8", rtol=TRUTH_TOL,
                           atol=TRUTH_TOL)
    return ys.numpy()[:, 0, :].copy()


def position_mse(pred, truth):
    return float(np.mean((pred - truth) ** 2))


def train_ode_model(model, gradient, ts, target, s):
    """The paper's Table 3: Adam(lr), lr *= decay per epoch, one full-batch step per epoch; the loss
    is the position MSE on [0, 1] weighted by LOSS_DECAY^t (the authors' code)."""
    opt = acaode.optim.Adam(model.parameters(), lr=s["lr"], betas=ADAM_BETAS)
    sched = acaode.optim.lr_scheduler.ExponentialLR(opt, s["decay"])
    z0 = acaode.tensor(Z0)
    tgt = acaode.tensor(target)
    weight = acaode.tensor(LOSS_DECAY ** np.asarray(ts)[:, None])  # early times count more
    losses = []
    # A progress bar on a terminal (tqdm turns itself off when stderr is not one).
    epochs = tqdm(range(s["epochs"]), disable=None, leave=False, desc=f"ODE ({gradient})",
                  unit="epoch")
    for _ in epochs:
        opt.zero_grad()
        sol = acaode.solve(model, z0, ts, method="dopri5", rtol=s["rtol"], atol=s["atol"],
                           gradient=gradient, autonomous=True)
        diff = sol.ys[:, 0, 0:9] - tgt
        loss = (diff * diff * weight).mean()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        epochs.set_postfix(loss=f"{losses[-1]:.3e}",
                           nfe=f"{sol.stats.forward_f_evals}+{sol.stats.backward_f_evals}")
    return losses


def predict_ode_model(model, ts, s):
    with acaode.no_grad():
        ys = acaode.odeint(model, acaode.tensor(Z0), ts, method="dopri5", rtol=s["rtol"],
                           atol=s["atol"])
    return ys.numpy()[:, 0, :9].copy()


def lstm_windows(train_pos, seq_len):
    """Every window of seq_len consecutive points: inputs x[k:k+L-1], targets x[k+1:k+L]."""
    n = train_pos.shape[0] - seq_len + 1
    win = np.stack([train_pos[k:k + seq_len] for k in range(n)], axis=1)  # [L, n, 9]
    return win[:-1], win[1:]


def train_lstm(model, train_pos, s):
    x, y = lstm_windows(train_pos, s["seq_len"])
    x, y = acaode.tensor(x), acaode.tensor(y)
    opt = acaode.optim.Adam(model.parameters(), lr=s["lstm_lr"])
    sched = acaode.optim.lr_scheduler.ExponentialLR(opt, s["lstm_decay"])
    losses = []
    epochs = tqdm(range(s["lstm_epochs"]), disable=None, leave=False, desc="LSTM",
                  unit="epoch")
    for _ in epochs:
        opt.zero_grad()
        pred, _ = model(x)
        diff = pred - y
        loss = (diff * diff).mean()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        epochs.set_postfix(loss=f"{losses[-1]:.3e}")
    return losses


def predict_lstm(model, truth, n_steps, warmup):
    """Feeds the first `warmup` true points, then its own predictions; [n_steps, dims]."""
    out = [truth[k] for k in range(warmup)]
    with acaode.no_grad():
        pred, state = model(acaode.tensor(truth[:warmup][:, None, :]))
        nxt = pred.numpy()[-1, 0].copy()
        while len(out) < n_steps:
            out.append(nxt)
            pred, state = model(acaode.tensor(nxt[None, None, :]), state)
            nxt = pred.numpy()[-1, 0].copy()
    return np.array(out)


def initial_masses(seed):
    """Seed 0: INIT_MASSES; otherwise each true mass 10 % too high or too low (seeded signs)."""
    if seed == 0:
        return INIT_MASSES
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=3)
    return TRUE_MASSES * (1.0 + 0.1 * signs)


def run(settings, units="paper-code", log=None):
    s = settings
    k1, k2 = UNITS[units]
    init_masses = initial_masses(s["seed"])
    acaode.manual_seed(s["seed"])
    train_ts = np.linspace(0.0, 1.0, s["n_train"])
    test_ts = np.linspace(0.0, 2.0, s["n_test"])
    train_state = ground_truth(train_ts, k1, k2)
    test_state = ground_truth(test_ts, k1, k2)
    train_pos, test_pos = train_state[:, :9], test_state[:, :9]
    first_half = test_ts <= 1.0

    def scores(pred):
        return {"mse": position_mse(pred, test_pos),
                "mse_0_1": position_mse(pred[first_half], test_pos[first_half]),
                "mse_1_2": position_mse(pred[~first_half], test_pos[~first_half])}

    results = {"settings": s, "units": units, "k1": k1, "k2": k2,
               "true_masses": TRUE_MASSES.tolist(), "init_masses": init_masses.tolist(),
               "models": {}, "trajectories": {"t": test_ts.tolist(), "truth": test_pos}}
    init = ThreeBodyOde(init_masses, k1, k2)
    results["initial_ode"] = scores(predict_ode_model(init, test_ts, s))
    for kind in ("ODE", "NODE"):
        for g in GRADIENTS:
            acaode.manual_seed(s["seed"])  # the same initial NODE for each gradient method
            model = (ThreeBodyOde(init_masses, k1, k2) if kind == "ODE"
                     else ThreeBodyNode(s["hidden"], k2))
            start = time.perf_counter()
            try:
                losses = train_ode_model(model, g, train_ts, train_pos, s)
                pred = predict_ode_model(model, test_ts, s)
                entry = {**scores(pred), "losses": losses}
            except acaode.SolverError as e:  # training diverged into a stiff corner
                pred, entry = None, {"mse": math.inf, "mse_0_1": math.inf,
                                     "mse_1_2": math.inf, "losses": [], "error": str(e)}
            entry["seconds"] = time.perf_counter() - start
            if kind == "ODE":
                entry["masses"] = model.masses().numpy().tolist()
            results["models"][f"{kind}-{g}"] = entry
            results["trajectories"][f"{kind}-{g}"] = pred
            if log:
                print(f"  {kind}-{g}: mse {entry['mse']:.3e} ({entry['seconds']:.1f} s)",
                      file=log, flush=True)
    for name, train, test in (("LSTM", train_pos, test_pos),
                              ("LSTM-aug-input", train_state, test_state)):
        acaode.manual_seed(s["seed"])
        lstm = NextPointLstm(s["lstm_hidden"], dims=train.shape[1])
        start = time.perf_counter()
        losses = train_lstm(lstm, train, s)
        pred = predict_lstm(lstm, test, len(test_ts), s["lstm_warmup"])[:, :9]
        results["models"][name] = {**scores(pred), "losses": losses,
                                   "seconds": time.perf_counter() - start}
        results["trajectories"][name] = pred
        if log:
            print(f"  {name}: mse {results['models'][name]['mse']:.3e} "
                  f"({results['models'][name]['seconds']:.1f} s)", file=log, flush=True)
    return results


def fmt(x):
    return "fail" if not math.isfinite(x) else f"{x:.3e}"


def summarize(runs):
    """Per model, over the runs (one per seed): the test MSEs' mean, standard deviation,
    best and worst, and the mean training loss at the best and at the last epoch."""
    summary = {}
    for name in runs[0]["models"]:
        entries = [r["models"][name] for r in runs]
        mse = np.array([e["mse"] for e in entries])
        curves = [e["losses"] for e in entries if e["losses"]]
        best = [min(curve) for curve in curves]
        last = [curve[-1] for curve in curves]
        summary[name] = {
            "mse": mse.tolist(),
            "mse_mean": float(np.mean(mse)), "mse_std": float(np.std(mse)),
            "mse_best": float(np.min(mse)), "mse_worst": float(np.max(mse)),
            "best_loss_mean": float(np.mean(best)) if best else math.inf,
            "last_loss_mean": float(np.mean(last)) if last else math.inf,
        }
    return summary


def print_seed_table(results, out=sys.stdout):
    seeds = results["seeds"]
    print(f"== over {len(seeds)} seeds ({', '.join(map(str, seeds))}): test MSE on [0, 2] and "
          "the training loss (mean over seeds)", file=out)
    print(f"{'model':>14} {'mean':>11} {'std':>11} {'best':>11} {'worst':>11} "
          f"{'best-epoch':>11} {'last-epoch':>11}", file=out)
    for name, m in results["summary"].items():
        print(f"{name:>14} {fmt(m['mse_mean']):>11} {fmt(m['mse_std']):>11} "
              f"{fmt(m['mse_best']):>11} {fmt(m['mse_worst']):>11} "
              f"{fmt(m['best_loss_mean']):>11} {fmt(m['last_loss_mean']):>11}", file=out)


def print_tables(results, out=sys.stdout):
    s = results["settings"]
    print(f"== three-body trajectory MSE (positions; units {results['units']}: "
          f"K1 = {results['k1']:g}, K2 = {results['k2']:g}); train: {s['n_train']} points "
          f"of [0, 1], {s['epochs']} epochs, dopri5 rtol = {s['rtol']:g}; test: "
          f"{s['n_test']} points of [0, 2]", file=out)
    print(f"{'model':>14} {'MSE [0,2]':>11} {'MSE [0,1]':>11} {'MSE [1,2]':>11} "
          f"{'final loss':>11} {'seconds':>8}", file=out)
    init = results["initial_ode"]
    print(f"{'ODE (init)':>14} {fmt(init['mse']):>11} {fmt(init['mse_0_1']):>11} "
          f"{fmt(init['mse_1_2']):>11} {'':>11} {'':>8}", file=out)
    for name, m in results["models"].items():
        final = m["losses"][-1] if m["losses"] else math.inf
        print(f"{name:>14} {fmt(m['mse']):>11} {fmt(m['mse_0_1']):>11} "
              f"{fmt(m['mse_1_2']):>11} {fmt(final):>11} {m['seconds']:>8.1f}", file=out)
    print(f"== learned masses (truth {results['true_masses']}, init "
          f"{results['init_masses']})", file=out)
    for g in GRADIENTS:
        m = results["models"][f"ODE-{g}"]["masses"]
        print(f"{'ODE-' + g:>14} " + " ".join(f"{x:.4f}" for x in m), file=out)


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    traj = results["trajectories"]
    shown = [("ODE-aca", "C1--"), ("NODE-aca", "C2-."), ("LSTM", "C3:"),
             ("LSTM-aug-input", "C4:")]
    fig = plt.figure(figsize=(15, 9))
    for body in range(3):
        ax = fig.add_subplot(2, 3, body + 1, projection="3d")
        sl = slice(3 * body, 3 * body + 3)
        truth = np.asarray(traj["truth"])[:, sl]
        lo, hi = truth.min(0) - 0.3, truth.max(0) + 0.3
        ax.plot(*truth.T, "C0-", lw=2, label="ground truth")
        for name, style in shown:
            if traj.get(name) is not None:
                # a rollout that flies off is drawn up to where it leaves the box
                pred = np.asarray(traj[name])[:, sl]
                inside = np.all((pred >= lo) & (pred <= hi), axis=1)
                stop = len(pred) if inside.all() else int(np.argmin(inside))
                ax.plot(*pred[:stop].T, style, label=name)
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), zlim=(lo[2], hi[2]))
        ax.set(title=f"body {body + 1} (m = {TRUE_MASSES[body]:g}), t in [0, 2]",
               xlabel="x", ylabel="y", zlabel="z")
        if body == 0:
            ax.legend(fontsize=8)
    ax = fig.add_subplot(2, 3, 4)
    for name, m in results["models"].items():
        if m["losses"] and not name.startswith("LSTM"):
            ax.semilogy(m["losses"], label=name)
    ax.set(xlabel="epoch", ylabel="training loss (MSE on [0, 1])", title="ODE / NODE training")
    ax.legend(fontsize=7)
    ax = fig.add_subplot(2, 3, 5)
    for name, style in (("LSTM", "C3"), ("LSTM-aug-input", "C4")):
        ax.semilogy(results["models"][name]["losses"], style, label=name)
    ax.set(xlabel="epoch", ylabel="one-step MSE", title="LSTM training")
    ax.legend(fontsize=7)
    ax = fig.add_subplot(2, 3, 6)
    names = list(results["models"])
    vals = [results["models"][n]["mse"] for n in names]
    ax.bar(range(len(names)), [v if math.isfinite(v) else 0 for v in vals], color="C0")
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    ax.set(ylabel="trajectory MSE on [0, 2]", title="test MSE")
    for a in fig.axes[3:]:
        a.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = experiment_cli.make_parser(
        __doc__, "three_body", quick_help="few epochs and points (under a minute), for tests")
    parser.add_argument("--units", choices=sorted(UNITS), default="paper-code",
                        help="K1, K2 of the equations (default: the authors' code's)")
    parser.add_argument("--epochs", type=int, help="override the ODE/NODE epochs")
    parser.add_argument("--lstm-epochs", type=int, help="override the LSTM epochs")
    parser.add_argument("--seeds", type=int, default=1,
                        help="run seeds 0 .. N-1 and add the table over seeds (default 1)")
    args = parser.parse_args(argv)
    settings = dict(SETTINGS["quick" if args.quick else "full"])
    if args.epochs:
        settings["epochs"] = args.epochs
    if args.lstm_epochs:
        settings["lstm_epochs"] = args.lstm_epochs
    if args.seeds < 1:
        parser.error(f"--seeds {args.seeds}: must be at least 1")
    start = time.perf_counter()
    runs = []
    for seed in range(args.seeds):
        if args.seeds > 1:
            print(f"seed {seed}:", file=sys.stderr, flush=True)
        runs.append(run(dict(settings, seed=seed), args.units, log=sys.stderr))
    results = runs[0]  # the tables, figure and trajectories of seed 0
    if args.seeds > 1:
        results["seeds"] = list(range(args.seeds))
        results["init_masses_per_seed"] = [r["init_masses"] for r in runs]
        results["summary"] = summarize(runs)
    results["seconds"] = time.perf_counter() - start
    out_dir = experiment_cli.output_dir(args.out)
    png = os.path.join(out_dir, "three_body.png")
    plot(results, png)
    experiment_cli.write_json(results, os.path.join(out_dir, "three_body.json"))
    print_tables(results)
    if args.seeds > 1:
        print_seed_table(results)
    print(f"wrote {png} and three_body.json ({results['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
