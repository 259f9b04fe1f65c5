#!/usr/bin/env python3
"""Irregularly sampled time series: a latent ODE on MuJoCo Hopper data, ACA vs adjoint vs naive.

The time-series experiment of Zhuang et al., "Adaptive Checkpoint Adjoint Method for Gradient
Estimation in Neural ODE" (ICML 2020; the paper's Appendix D.3): Rubanova et al.'s latent ODE
("Latent ODEs for Irregularly-Sampled Time Series", NeurIPS 2019) trained on their MuJoCo
Hopper data with 10 %, 20 % and 50 % of the time points observed; the test MSE per epoch for
each gradient method of the decoder's ODE solve. The paper ran Rubanova et al.'s official
code for 300 epochs and shows the curves for epochs 0-100 (Appendix D.3, Figs. 2-4); it gives
no table of numbers there, and says that ACA's test MSE is the lowest.

Data (as Rubanova et al.'s mujoco_physics.py and parse_datasets.py). dm_control's suite
"hopper"/"stand" physics (MuJoCo, 5 ms per step, no actuation), 10,000 trajectories of 200
steps of the state (qpos, qvel: 14 numbers), from random initial states drawn from
np.random.seed(123)'s stream: the x and z positions U(0, 0.5), the other 5 coordinates
U(-2, 2), the 7 velocities U(-5, 5). Normalised per feature as they did,
(x - min) / max over every trajectory and step. Each trajectory is cut to a window of
`timepoints` (100) consecutive steps at a random start, at times k / 200; the first 80 % of
the trajectories train, the last 20 % test. A fraction p of each trajectory's time points
(int(p T) of them, all 14 features together) is observed; the encoder sees only those, and
the model is scored on every time point (interpolation).

Model (Rubanova et al.'s latent ODE with the ODE-RNN encoder, their hopper configuration):
- Encoder: the ODE-RNN run backwards in time from the last time point to the first. Between
  two grid times its hidden state (mean and std, `rec_dims` each) moves by one Euler step of
  a tanh MLP ODE; at an observed time a GRU update (their GRU_unit: update and reset gates
  and the new state each an MLP of [mean, std, data, mask], `gru_units` hidden) mixes in the
  observation; at an unobserved time the hidden state only evolves. An MLP (100 hidden) maps
  the final [mean, std] to the latent initial state's mean and std.
- Latent initial state: **reparameterised** z0 = mean + std * eps (one sample, eps ~ N(0, 1)
  from a seeded NumPy stream shared by every gradient method) for training; the mean for
  testing.
- Latent dynamics dz/dt = MLP(z) (tanh, `gen_layers` hidden layers of `units`), solved with
  acaode's dopri5 at rtol = 1e-3, atol = 1e-4 through every time point, with the gradient
  method under test (`gradient="aca" | "adjoint" | "naive"`); a linear map to the 14 outputs.
- Loss (their ELBO with one sample): MSE / (2 sigma^2) + kl_coef * KL(N(mean, std) || N(0, 1)),
  sigma = 1e-3, the MSE over every time point of the training windows, the KL a mean over
  trajectories and latent dimensions, kl_coef = 0 for the first 50 epochs and then
  1 - 0.993^(epoch - 50).
- Training: batches of 50, learning rate 0.01 decayed by 0.999 per batch down to 0.001; all
  weights N(0, 0.1^2), biases 0 (their init_network_weights), the same initial weights,
  observation masks and eps for each gradient method.

The paper (and Rubanova et al.'s paper) does not specify these; they are our choices, or come
from Rubanova et al.'s code, and are flagged here as the brief asks:
- [code] every architecture size and training setting above is from Rubanova et al.'s README
  command for MuJoCo (-n 10000 -l 15 --rec-dims 30 --gru-units 100 --units 300
  --gen-layers 3 --rec-layers 3) and their code's defaults (batch 50, lr 0.01, sigma 1e-3,
  dopri5 at 1e-3 / 1e-4, the KL schedule); the ACA paper says only that it ran that code.
- [ours] Adam instead of their Adamax (acaode has no Adamax).
- [ours] one posterior sample per trajectory instead of three (their logsumexp over three);
  the test MSE uses the posterior mean instead of samples.
- [ours] the training masks are redrawn every epoch from a seeded stream, the test masks are
  drawn once (their data loader redraws both on every pass, unseeded).
- [ours] the min / max of the normalisation are those of the trajectories loaded (all 10,000
  in the full setting; the subset in --quick / medium).
- [ours] acaode's solver lands a step on every output time (torchdiffeq interpolates), so the
  decoder takes at least one dopri5 step per time point.
- [ours] the quick and medium settings shrink the data, the networks and the epochs (below).

Settings (--quick / --medium / default full):
- quick: the first 250 of the 10,000 trajectories, windows of 50 steps, latent 6, rec_dims
  12, 40 units, 1 hidden layer per ODE MLP, 5 epochs; seconds.
- medium: the first 1,000 trajectories, windows of 100, latent 15, rec_dims 30, 64 units,
  gru_units 50, 1 hidden layer, 20 epochs; about 8 minutes on 2 cores (run_all.py's
  setting without --quick).
- full: Rubanova et al.'s configuration, 300 epochs (about 13 days on 2 cores, see
  experiments/README.md).

The 10,000 trajectories are generated once (about a minute) and cached as
OUT/hopper_seed123_10000x200.npy; a smaller request takes the first rows of a larger cached
set (the random stream is consumed trajectory by trajectory, so they are the same).

    bazel run //experiments:latent_ode -- --quick --out /tmp/lo   # seconds
    python experiments/latent_ode.py --medium                      # minutes
    python experiments/latent_ode.py                               # the full configuration

Writes DIR/latent_ode.png (test MSE against epoch, one panel per observed fraction, one line
per method; and a test trajectory) and DIR/latent_ode.json (every number), and prints the
table.
"""
import glob
import math
import os
import re
import sys
import time

import numpy as np
from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment_cli  # noqa: E402  (the shared command line)

import acaode
from acaode import nn

GRADIENTS = ("aca", "adjoint", "naive")
FRACTIONS = (0.1, 0.2, 0.5)
HOPPER_STEPS = 200  # Rubanova et al.'s HopperPhysics.T: steps per generated trajectory
HOPPER_DIM = 14  # qpos (7) then qvel (7)
HOPPER_SEED = 123  # their np.random.seed(123)
HOPPER_N = 10000  # their n_training_samples

COMMON = dict(
    rtol=1e-3, atol=1e-4,  # the decoder's dopri5 (their DiffeqSolver)
    obsrv_std=1e-3,  # sigma of the Gaussian likelihood (their hopper value)
    lr=0.01, lr_decay=0.999, lr_floor=0.001,  # per batch, as their update_learning_rate
    kl_wait=50, kl_rate=0.993,  # kl_coef = 0 before epoch 50, then 1 - 0.993^(epoch - 50)
    init_std=0.1,  # weights N(0, 0.1^2), biases 0 (their init_network_weights)
    z0_units=100,  # hidden units of the [mean, std] -> z0 map (their transform_z0)
    batch=50, train_fraction=0.8, eval_batch=500,
    window_seed=1991,  # the windows' starts (their default --random-seed)
    seed=0,  # initial weights, observation masks, eps
)
SETTINGS = {
    "quick": dict(COMMON, n_traj=250, timepoints=50, latents=6, rec_dims=12, units=40,
                  gru_units=40, gen_layers=1, rec_layers=1, epochs=5),
    "medium": dict(COMMON, n_traj=1000, timepoints=100, latents=15, rec_dims=30, units=64,
                   gru_units=50, gen_layers=1, rec_layers=1, epochs=20),
    "full": dict(COMMON, n_traj=HOPPER_N, timepoints=100, latents=15, rec_dims=30, units=300,
                 gru_units=100, gen_layers=3, rec_layers=3, epochs=300),
}
PAPER = ("Appendix D.3 (Figs. 2-4): curves only, 300 epochs of Rubanova et al.'s code; "
         "ACA's test MSE lowest at 10 %, 20 % and 50 %")


# ----------------------------------------------------------------------------- data


def hopper_physics():
    """dm_control's hopper "stand" physics. Physics only: no OpenGL context is needed, so
    MUJOCO_GL=disable keeps dm_control from probing GLFW/EGL/OSMesa on a headless machine
    (it reads the variable on its first import)."""
    os.environ["MUJOCO_GL"] = "disable"
    from dm_control import suite
    return suite.load("hopper", "stand").physics


def generate_hopper(n, steps=HOPPER_STEPS, seed=HOPPER_SEED, progress=False):
    """[n, steps, 14]: (qpos, qvel) of n hopper trajectories, as Rubanova et al.'s
    HopperPhysics._generate_random_trajectories (RandomState(seed) is the stream of their
    np.random.seed(seed)); the state is recorded before each physics.step()."""
    physics = hopper_physics()
    nq = physics.model.nq
    rng = np.random.RandomState(seed)
    data = np.zeros((n, steps, HOPPER_DIM))
    for i in tqdm(range(n), disable=not progress or None, leave=False, desc="hopper",
                  unit="traj"):
        with physics.reset_context():
            # x and z of the hopper in [0, 0.5] (z > 0: above the ground), the rest random
            physics.data.qpos[:2] = rng.uniform(0, 0.5, size=2)
            physics.data.qpos[2:] = rng.uniform(-2, 2, size=physics.data.qpos[2:].shape)
            physics.data.qvel[:] = rng.uniform(-5, 5, size=physics.data.qvel.shape)
        for k in range(steps):
            data[i, k, :nq] = physics.data.qpos
            data[i, k, nq:] = physics.data.qvel
            physics.step()
    return data


def cache_path(cache_dir, n, steps=HOPPER_STEPS, seed=HOPPER_SEED):
    return os.path.join(cache_dir, f"hopper_seed{seed}_{n}x{steps}.npy")


def load_hopper(n, cache_dir, progress=False):
    """The first n trajectories of the seeded set: from the smallest cached set of at least n
    (in cache_dir), else generated and cached. Returns (data [n, 200, 14], path)."""
    pattern = re.compile(rf"hopper_seed{HOPPER_SEED}_(\d+)x{HOPPER_STEPS}\.npy$")
    cached = []
    for path in glob.glob(os.path.join(cache_dir, "hopper_seed*.npy")):
        m = pattern.search(os.path.basename(path))
        if m and int(m.group(1)) >= n:
            cached.append((int(m.group(1)), path))
    if cached:
        path = min(cached)[1]
        return np.array(np.load(path, mmap_mode="r")[:n]), path
    data = generate_hopper(n, progress=progress)
    os.makedirs(cache_dir, exist_ok=True)
    path = cache_path(cache_dir, n)
    np.save(path + ".tmp.npy", data)
    os.replace(path + ".tmp.npy", path)
    return data, path


def normalise(data):
    """Rubanova et al.'s normalize_data: (x - min) / max per feature (max 0 -> 1)."""
    lo = data.min(axis=(0, 1))
    hi = data.max(axis=(0, 1))
    hi = np.where(hi == 0, 1.0, hi)
    return (data - lo) / hi, lo, hi


def make_dataset(raw, s):
    """Normalised windows of s["timepoints"] consecutive steps at random starts, their times
    k / 200, and the 80 / 20 split by trajectory (their parse_datasets, interpolation)."""
    norm, lo, hi = normalise(raw)
    n, steps = raw.shape[:2]
    length = s["timepoints"]
    start = np.random.RandomState(s["window_seed"]).randint(0, steps - length + 1, size=n)
    windows = norm[np.arange(n)[:, None], start[:, None] + np.arange(length)]
    n_train = int(n * s["train_fraction"])
    return {"train": windows[:n_train], "test": windows[n_train:],
            "t": np.arange(length) / steps, "start": start, "lo": lo, "hi": hi}


def observed_count(timepoints, fraction):
    """int(p T), as their subsample_timepoints (the small offset guards 0.1 * 30 = 2.999...)."""
    return int(timepoints * fraction + 1e-9)


def observation_masks(n, timepoints, fraction, rng):
    """[n, T] 0/1: for each trajectory, int(p T) time points drawn without replacement."""
    k = observed_count(timepoints, fraction)
    chosen = np.argsort(rng.random((n, timepoints)), axis=1)[:, :k]
    mask = np.zeros((n, timepoints))
    mask[np.arange(n)[:, None], chosen] = 1.0
    return mask


def encoder_inputs(windows, mask):
    """Per time point i: x_i = [data * mask, mask] [B, 28] and m_i [B, 1], as tensors."""
    m = mask[:, :, None]
    x = np.concatenate([windows * m, np.broadcast_to(m, windows.shape)], axis=2)
    return ([acaode.tensor(np.ascontiguousarray(x[:, i])) for i in range(x.shape[1])],
            [acaode.tensor(np.ascontiguousarray(m[:, i])) for i in range(x.shape[1])])


# ----------------------------------------------------------------------------- model


def mlp(n_in, n_out, n_layers, n_units):
    """Rubanova et al.'s create_net: Linear, then n_layers x (Tanh, Linear), Tanh, Linear."""
    layers = [nn.Linear(n_in, n_units)]
    for _ in range(n_layers):
        layers += [nn.Tanh(), nn.Linear(n_units, n_units)]
    layers += [nn.Tanh(), nn.Linear(n_units, n_out)]
    return nn.Sequential(*layers)


class GruUnit(nn.Module):
    """Rubanova et al.'s GRU_unit: a GRU update of a hidden (mean, std) pair by an input x,
    applied only where the mask m [B, 1] is 1."""

    def __init__(self, hidden, n_in, units):
        super().__init__()
        width = 2 * hidden + n_in
        self.update_gate = nn.Sequential(nn.Linear(width, units), nn.Tanh(),
                                         nn.Linear(units, hidden), nn.Sigmoid())
        self.reset_gate = nn.Sequential(nn.Linear(width, units), nn.Tanh(),
                                        nn.Linear(units, hidden), nn.Sigmoid())
        self.new_state = nn.Sequential(nn.Linear(width, units), nn.Tanh(),
                                       nn.Linear(units, 2 * hidden))
        self.hidden = hidden

    def forward(self, y, std, x, m):
        both = acaode.cat([y, std, x], 1)
        u = self.update_gate(both)
        r = self.reset_gate(both)
        new = self.new_state(acaode.cat([y * r, std * r, x], 1))
        new_y, new_std = new[:, :self.hidden], acaode.abs(new[:, self.hidden:])
        new_y = (1.0 - u) * new_y + u * y
        new_std = (1.0 - u) * new_std + u * std
        return m * new_y + (1.0 - m) * y, acaode.abs(m * new_std + (1.0 - m) * std)


class OdeRnnEncoder(nn.Module):
    """Rubanova et al.'s Encoder_z0_ODE_RNN, run backwards: observations -> (mean, std) of
    z0. Every grid interval is shorter than their minimum_step ((t_end - t_0) / 50), so their
    code takes one Euler step per interval; so does this."""

    def __init__(self, data_dim, s):
        super().__init__()
        self.ode = mlp(s["rec_dims"], s["rec_dims"], s["rec_layers"], s["units"])
        self.gru = GruUnit(s["rec_dims"], 2 * data_dim, s["gru_units"])
        self.to_z0 = nn.Sequential(nn.Linear(2 * s["rec_dims"], s["z0_units"]), nn.Tanh(),
                                   nn.Linear(s["z0_units"], 2 * s["latents"]))
        self.rec_dims, self.latents = s["rec_dims"], s["latents"]

    def forward(self, xs, ms, ts):
        batch = xs[0].shape[0]
        y = acaode.zeros(batch, self.rec_dims)
        std = acaode.zeros(batch, self.rec_dims)
        prev_t = ts[-1] + 0.01  # their start, 0.01 after the last time point
        for i in reversed(range(len(ts))):
            y = y + self.ode(y) * float(ts[i] - prev_t)  # Euler, backwards in time
            y, std = self.gru(y, std, xs[i], ms[i])
            prev_t = ts[i]
        out = self.to_z0(acaode.cat([y, std], 1))
        return out[:, :self.latents], acaode.abs(out[:, self.latents:])


class LatentOde(nn.Module):
    """ODE-RNN encoder -> z0 -> dz/dt = MLP(z) solved by acaode -> linear decoder."""

    def __init__(self, s, data_dim=HOPPER_DIM):
        super().__init__()
        self.encoder = OdeRnnEncoder(data_dim, s)
        self.dynamics = mlp(s["latents"], s["latents"], s["gen_layers"], s["units"])
        self.decoder = nn.Linear(s["latents"], data_dim)
        self.s = s

    def decode(self, z0, ts, gradient):
        """Predictions [T, B, 14] at the times ts, and the solve's statistics."""
        sol = acaode.solve(self.dynamics, z0, ts, method="dopri5", rtol=self.s["rtol"],
                           atol=self.s["atol"], gradient=gradient)
        steps, batch = sol.ys.shape[0], sol.ys.shape[1]
        flat = sol.ys.reshape([steps * batch, self.s["latents"]])
        return self.decoder(flat).reshape([steps, batch, -1]), sol.stats


def initialise(model, seed, std):
    """Their init_network_weights: every weight N(0, std^2), every bias 0 (NumPy-seeded, so
    each gradient method starts from the same weights)."""
    rng = np.random.RandomState(seed)
    with acaode.no_grad():
        for name, p in model.named_parameters():
            value = (rng.normal(0.0, std, size=p.shape) if name.endswith("weight")
                     else np.zeros(p.shape))
            p.copy_(acaode.tensor(value))


# ----------------------------------------------------------------------------- training


def kl_coefficient(epoch, s):
    """Their KL annealing on the 0-based epoch."""
    return 0.0 if epoch < s["kl_wait"] else 1.0 - s["kl_rate"] ** (epoch - s["kl_wait"])


TEST_MASKS, TRAIN_MASKS, EPS = 0, 1, 2  # the streams' purposes


def stream(seed, fraction, what, epoch=0):
    """A NumPy generator for (seed, observed %, purpose, epoch): the same for every method."""
    return np.random.default_rng([seed, int(round(100 * fraction)), what, epoch])


def evaluate(model, windows, mask, ts, s):
    """Test MSE over every time point and feature, z0 = the posterior mean."""
    total = 0.0
    with acaode.no_grad():
        for b in range(0, len(windows), s["eval_batch"]):
            w = windows[b:b + s["eval_batch"]]
            xs, ms = encoder_inputs(w, mask[b:b + s["eval_batch"]])
            mean, _ = model.encoder(xs, ms, ts)
            pred, _ = model.decode(mean, ts, "aca")
            pred = pred.numpy().transpose(1, 0, 2)
            total += float(np.sum((pred - w) ** 2))
    return total / windows.size


def predict(model, windows, mask, ts):
    with acaode.no_grad():
        xs, ms = encoder_inputs(windows, mask)
        mean, _ = model.encoder(xs, ms, ts)
        pred, _ = model.decode(mean, ts, "aca")
    return pred.numpy().transpose(1, 0, 2)


def train(model, gradient, data, fraction, test_mask, s, progress=True):
    """Trains in place; returns per-epoch test MSE (epoch 0 = before training), training MSE,
    seconds and f evaluations per batch."""
    ts = data["t"]
    train_w = data["train"]
    n_train, length = train_w.shape[:2]
    opt = acaode.optim.Adam(model.parameters(), lr=s["lr"])
    scale = 1.0 / (2.0 * s["obsrv_std"] ** 2)
    hist = {"test_mse": [evaluate(model, data["test"], test_mask, ts, s)], "train_mse": [],
            "epoch_seconds": [], "nfe_forward": [], "nfe_backward": [], "accepted_steps": [],
            "rejected_steps": []}
    bar = tqdm(range(s["epochs"]), disable=None if progress else True, leave=False,
               desc=f"{int(round(100 * fraction))}% {gradient}", unit="epoch")
    for epoch in bar:
        start = time.perf_counter()
        mask = observation_masks(n_train, length, fraction,
                                 stream(s["seed"], fraction, TRAIN_MASKS, epoch))
        eps = stream(s["seed"], fraction, EPS, epoch).standard_normal((n_train, s["latents"]))
        kl_coef = kl_coefficient(epoch, s)
        sq, nfe_f, nfe_b, accepted, rejected, n_batches = 0.0, 0, 0, 0, 0, 0
        for b in range(0, n_train, s["batch"]):
            opt.lr = max(opt.lr * s["lr_decay"], s["lr_floor"])
            opt.zero_grad()
            w = train_w[b:b + s["batch"]]
            xs, ms = encoder_inputs(w, mask[b:b + s["batch"]])
            mean, std = model.encoder(xs, ms, ts)
            z0 = mean + std * acaode.tensor(eps[b:b + s["batch"]])
            pred, stats = model.decode(z0, ts, gradient)
            diff = pred - acaode.tensor(np.ascontiguousarray(w.transpose(1, 0, 2)))
            mse = (diff * diff).mean()
            loss = mse * scale
            if kl_coef > 0:  # KL(N(mean, std) || N(0, 1)), mean over batch and latents
                kl = (std * std + mean * mean - 1.0) * 0.5 - acaode.log(std + 1e-12)
                loss = loss + kl.mean() * kl_coef
            loss.backward()
            opt.step()
            sq += mse.item() * len(w)
            nfe_f += stats.forward_f_evals
            nfe_b += stats.backward_f_evals
            accepted += stats.accepted_steps
            rejected += stats.rejected_steps
            n_batches += 1
        hist["epoch_seconds"].append(time.perf_counter() - start)
        hist["train_mse"].append(sq / n_train)
        hist["nfe_forward"].append(nfe_f / n_batches)
        hist["nfe_backward"].append(nfe_b / n_batches)
        hist["accepted_steps"].append(accepted / n_batches)
        hist["rejected_steps"].append(rejected / n_batches)
        hist["test_mse"].append(evaluate(model, data["test"], test_mask, ts, s))
        bar.set_postfix(test_mse=f"{hist['test_mse'][-1]:.3e}")
    return hist


def run(s, cache_dir, fractions=FRACTIONS, gradients=GRADIENTS, log=None, progress=True):
    start = time.perf_counter()
    raw, path = load_hopper(s["n_traj"], cache_dir, progress=progress)
    data_seconds = time.perf_counter() - start
    data = make_dataset(raw, s)
    ts = data["t"]
    n_test, length = data["test"].shape[:2]
    # a reference: predicting every test point by the training windows' mean at that time
    baseline = float(np.mean((data["test"] - data["train"].mean(axis=0)) ** 2))
    results = {"settings": s, "paper": PAPER, "mean_predictor_mse": baseline,
               "data": {"cache": os.path.abspath(path), "seconds": data_seconds,
                        "n_train": len(data["train"]), "n_test": n_test,
                        "timepoints": length, "t": ts.tolist(), "min": data["lo"].tolist(),
                        "max": data["hi"].tolist(), "window_start": data["start"].tolist()},
               "fractions": {}}
    for fraction in fractions:
        pct = f"{int(round(100 * fraction))}%"
        test_mask = observation_masks(n_test, length, fraction,
                                      stream(s["seed"], fraction, TEST_MASKS))
        entry = {"fraction": fraction, "observed_per_trajectory": observed_count(length, fraction),
                 "test_mask": test_mask.astype(int).tolist(),
                 "example": {"truth": data["test"][0].tolist()}, "methods": {}}
        for g in gradients:
            acaode.manual_seed(s["seed"])
            model = LatentOde(s)
            initialise(model, s["seed"], s["init_std"])
            t0 = time.perf_counter()
            try:
                hist = train(model, g, data, fraction, test_mask, s, progress)
                entry["example"][g] = predict(model, data["test"][:1], test_mask[:1], ts)[0]
            except acaode.SolverError as e:  # a diverged training run
                hist = {"test_mse": [math.inf], "error": str(e)}
            hist["seconds"] = time.perf_counter() - t0
            entry["methods"][g] = hist
            if log:
                print(f"  {pct} {g}: test MSE {hist['test_mse'][0]:.4e} -> "
                      f"{hist['test_mse'][-1]:.4e} ({hist['seconds']:.1f} s)", file=log,
                      flush=True)
        results["fractions"][pct] = entry
    return results


# ----------------------------------------------------------------------------- output


def print_tables(results, out=sys.stdout):
    s, d = results["settings"], results["data"]
    print(f"== latent ODE on MuJoCo Hopper (interpolation): {d['n_train']} train / "
          f"{d['n_test']} test trajectories of {d['timepoints']} points, latent "
          f"{s['latents']}, {s['units']} units, {s['epochs']} epochs, dopri5 rtol = "
          f"{s['rtol']:g}, atol = {s['atol']:g}", file=out)
    print(f"{'observed':>8} {'method':>8} {'MSE ep 0':>10} {'MSE final':>10} {'MSE best':>10} "
          f"{'train MSE':>10} {'seconds':>8} {'s/epoch':>8} {'NFE f+b':>10}", file=out)
    for pct, entry in results["fractions"].items():
        for g, h in entry["methods"].items():
            if "error" in h:
                print(f"{pct:>8} {g:>8} failed: {h['error']}", file=out)
                continue
            nfe = f"{h['nfe_forward'][-1]:.0f}+{h['nfe_backward'][-1]:.0f}"
            print(f"{pct:>8} {g:>8} {h['test_mse'][0]:>10.4e} {h['test_mse'][-1]:>10.4e} "
                  f"{min(h['test_mse']):>10.4e} {h['train_mse'][-1]:>10.4e} "
                  f"{h['seconds']:>8.1f} {np.mean(h['epoch_seconds']):>8.2f} {nfe:>10}",
                  file=out)
    print(f"== reference: predicting the training mean at each time point: test MSE "
          f"{results['mean_predictor_mse']:.4e}", file=out)
    print(f"== paper: {results['paper']}", file=out)


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = list(results["fractions"].items())
    fig, axes = plt.subplots(2, len(entries), figsize=(5 * len(entries), 8), squeeze=False)
    t = np.asarray(results["data"]["t"])
    for col, (pct, entry) in enumerate(entries):
        ax = axes[0, col]
        for g, h in entry["methods"].items():
            ax.semilogy(range(len(h["test_mse"])), h["test_mse"], marker=".", label=g)
        ax.set(title=f"{pct} of the time points observed", xlabel="epoch",
               ylabel="test MSE (interpolation)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        ax = axes[1, col]
        truth = np.asarray(entry["example"]["truth"])
        seen = np.asarray(entry["test_mask"][0], dtype=bool)
        for k, feature in enumerate((1, 2, 8)):  # z, torso angle, z velocity
            ax.plot(t, truth[:, feature], f"C{k}-", lw=1, alpha=0.5)
            ax.plot(t[seen], truth[seen, feature], f"C{k}o", ms=3)
            if "aca" in entry["example"]:
                ax.plot(t, np.asarray(entry["example"]["aca"])[:, feature], f"C{k}--")
        ax.set(title=f"test trajectory 0 ({pct}): truth, observed (dots), ACA (dashed)",
               xlabel="t", ylabel="normalised state")
        ax.title.set_fontsize(9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = experiment_cli.make_parser(
        __doc__, "latent_ode",
        out_help="directory for latent_ode.png and .json (and the data cache)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="250 trajectories, small networks, 5 epochs (seconds), for tests")
    size.add_argument("--medium", action="store_true",
                      help="1,000 trajectories, medium networks, 20 epochs (minutes)")
    parser.add_argument("--epochs", type=int, help="override the number of epochs")
    parser.add_argument("--n-traj", type=int, help="override the number of trajectories")
    parser.add_argument("--fractions", default=",".join(str(f) for f in FRACTIONS),
                        help="comma-separated observed fractions (default 0.1,0.2,0.5)")
    parser.add_argument("--methods", default=",".join(GRADIENTS),
                        help="comma-separated gradient methods (default aca,adjoint,naive)")
    parser.add_argument("--data-dir", help="where the generated data is cached (default: --out)")
    args = parser.parse_args(argv)
    out_dir = experiment_cli.output_dir(args.out)
    data_dir = args.data_dir or out_dir
    settings = dict(SETTINGS["quick" if args.quick else "medium" if args.medium else "full"])
    settings["name"] = "quick" if args.quick else "medium" if args.medium else "full"
    if args.epochs:
        settings["epochs"] = args.epochs
    if args.n_traj:
        settings["n_traj"] = args.n_traj
    methods = tuple(args.methods.split(","))
    bad = [m for m in methods if m not in GRADIENTS]
    if bad:
        parser.error(f"unknown method(s) {', '.join(bad)}; choose from {', '.join(GRADIENTS)}")
    fractions = tuple(float(f) for f in args.fractions.split(","))
    start = time.perf_counter()
    results = run(settings, data_dir, fractions, methods, log=sys.stderr)
    results["seconds"] = time.perf_counter() - start
    png = os.path.join(out_dir, "latent_ode.png")
    plot(results, png)
    experiment_cli.write_json(results, os.path.join(out_dir, "latent_ode.json"))
    print_tables(results)
    print(f"wrote {png} and latent_ode.json ({results['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
