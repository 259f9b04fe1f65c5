"""experiments/latent_ode.py --quick: runs, writes its PNG and JSON, prints its table, and its
numbers hold against independent oracles:

- the data generator reproduces MuJoCo's own stepping (the `mujoco` package's mj_step on
  the hopper model, without dm_control's Physics wrapper) from the initial states drawn from
  np.random.RandomState(123) in Rubanova et al.'s order and ranges;
- the cache holds exactly the generated trajectories, and the normalisation is their
  (x - min) / max;
- every observation mask observes int(p T) time points per trajectory, uniformly over time;
- the model's gradient (encoder, ODE solve and decoder) matches central finite differences;
- each method's test MSE falls from the first epoch to the last;
- ACA and naive give the same curves to round-off: the decoder's dopri5 lands a step on
  every output time and never rejects one here (checked), so the step sizes do not depend on
  the parameters and both are the exact gradient of the same discrete solve; the continuous
  adjoint's backward re-solve is not exact, but at these small steps it agrees to 1e-7.
"""
import importlib.util
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments", "latent_ode.py")
os.environ["MUJOCO_GL"] = "disable"  # physics only, before dm_control's first import


def load_script():
    spec = importlib.util.spec_from_file_location("latent_ode_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lo():
    return load_script()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("latent_ode")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out / "latent_ode.json") as f:
        results = json.load(f)
    return out, proc.stdout, results


def mujoco_oracle(n, steps):
    """n trajectories stepped by the mujoco package itself (mj_step), from the initial
    states of Rubanova et al.'s generator: RandomState(123), per trajectory qpos[:2] ~
    U(0, 0.5), qpos[2:] ~ U(-2, 2), qvel ~ U(-5, 5)."""
    import mujoco
    from dm_control.suite import hopper

    xml, assets = hopper.get_model_and_assets()
    model = mujoco.MjModel.from_xml_string(xml, assets)
    data = mujoco.MjData(model)
    rng = np.random.RandomState(123)
    out = np.zeros((n, steps, model.nq + model.nv))
    for i in range(n):
        mujoco.mj_resetData(model, data)
        data.qpos[:2] = rng.uniform(0, 0.5, size=2)
        data.qpos[2:] = rng.uniform(-2, 2, size=model.nq - 2)
        data.qvel[:] = rng.uniform(-5, 5, size=model.nv)
        mujoco.mj_forward(model, data)
        for k in range(steps):
            out[i, k, :model.nq] = data.qpos
            out[i, k, model.nq:] = data.qvel
            mujoco.mj_step(model, data)
    return out, model.opt.timestep


def test_writes_png_and_prints_table(run):
    out, stdout, results = run
    png = out / "latent_ode.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
    assert "latent ODE on MuJoCo Hopper" in stdout and "Appendix D.3" in stdout
    assert list(results["fractions"]) == ["10%", "20%", "50%"]
    epochs = results["settings"]["epochs"]
    for entry in results["fractions"].values():
        assert list(entry["methods"]) == ["aca", "adjoint", "naive"]
        for h in entry["methods"].values():
            assert len(h["test_mse"]) == epochs + 1 and len(h["train_mse"]) == epochs
            assert all(math.isfinite(x) for x in h["test_mse"])
            assert f"{h['test_mse'][-1]:.4e}" in stdout  # the table holds the JSON's numbers


def test_generator_reproduces_mujoco_stepping(lo):
    ours = lo.generate_hopper(4, steps=120)
    oracle, timestep = mujoco_oracle(4, 120)
    assert timestep == 0.005 and ours.shape == (4, 120, 14)
    np.testing.assert_allclose(ours, oracle, rtol=0, atol=1e-12)
    # the initial states lie in Rubanova et al.'s ranges, and the hopper moves
    assert np.all((ours[:, 0, :2] >= 0) & (ours[:, 0, :2] <= 0.5))
    assert np.all(np.abs(ours[:, 0, 2:7]) <= 2) and np.all(np.abs(ours[:, 0, 7:]) <= 5)
    assert np.abs(ours[:, -1] - ours[:, 0]).max() > 0.1


def test_cache_and_normalisation(run, lo):
    out, _, results = run
    s = results["settings"]
    cached = np.load(out / f"hopper_seed123_{s['n_traj']}x200.npy")
    assert cached.shape == (s["n_traj"], 200, 14)
    # the cache is the generator's output: its first rows are the first trajectories
    np.testing.assert_array_equal(cached[:4, :120], lo.generate_hopper(4, steps=120))
    lo_, hi = cached.min(axis=(0, 1)), cached.max(axis=(0, 1))
    np.testing.assert_allclose(results["data"]["min"], lo_, rtol=1e-15)
    np.testing.assert_allclose(results["data"]["max"], hi, rtol=1e-15)
    # a test window = the normalised cache rows at the recorded start
    k = results["data"]["n_train"]
    start = results["data"]["window_start"][k]
    window = (cached[k, start:start + s["timepoints"]] - lo_) / hi
    np.testing.assert_allclose(results["fractions"]["10%"]["example"]["truth"], window,
                               rtol=1e-12, atol=1e-15)
    assert results["data"]["t"][1] == pytest.approx(1 / 200)
    # a smaller request reads the first rows of the cached set
    again, path = lo.load_hopper(10, str(out))
    np.testing.assert_array_equal(again, cached[:10])


def test_observation_masks_have_the_requested_fractions(run, lo):
    _, _, results = run
    length = results["data"]["timepoints"]
    for pct, want in (("10%", length // 10), ("20%", length // 5), ("50%", length // 2)):
        mask = np.array(results["fractions"][pct]["test_mask"])
        assert mask.shape == (results["data"]["n_test"], length)
        assert set(np.unique(mask)) == {0, 1}
        np.testing.assert_array_equal(mask.sum(axis=1), want)
        assert len({tuple(row) for row in mask}) == len(mask)  # drawn per trajectory
    # uniform over time: 4,000 masks of 100 points, each point observed with frequency p
    for p in (0.1, 0.2, 0.5):
        mask = lo.observation_masks(4000, 100, p, np.random.default_rng(7))
        np.testing.assert_array_equal(mask.sum(axis=1), round(100 * p))
        sigma = math.sqrt(p * (1 - p) / 4000)
        assert np.abs(mask.mean(axis=0) - p).max() < 5 * sigma


def test_gradient_matches_finite_differences(lo):
    import acaode

    s = dict(lo.SETTINGS["quick"], latents=3, rec_dims=4, units=6, gru_units=5, z0_units=7)
    rng = np.random.default_rng(3)
    windows = rng.random((3, 8, 14))
    mask = lo.observation_masks(3, 8, 0.5, rng)
    ts = np.arange(8) / 200
    eps = rng.standard_normal((3, 3))
    model = lo.LatentOde(s)
    lo.initialise(model, 1, 0.5)  # larger weights than the default: a non-trivial gradient
    xs, ms = lo.encoder_inputs(windows, mask)
    target = acaode.tensor(np.ascontiguousarray(windows.transpose(1, 0, 2)))

    def loss(gradient="aca"):
        mean, std = model.encoder(xs, ms, ts)
        pred, _ = model.decode(mean + std * acaode.tensor(eps), ts, gradient)
        diff = pred - target
        return (diff * diff).mean()

    model.zero_grad()
    loss().backward()
    params = dict(model.named_parameters())
    for name in ("encoder.ode.0.weight", "encoder.gru.update_gate.2.weight",
                 "encoder.to_z0.2.bias", "dynamics.2.weight", "decoder.weight"):
        p = params[name]
        grad = p.grad.numpy().ravel()
        base = p.numpy().copy()
        for k in (0, p.numpy().size - 1):
            h = 1e-6
            values = []
            for sign in (1, -1):
                bumped = base.copy().ravel()
                bumped[k] += sign * h
                with acaode.no_grad():
                    p.copy_(acaode.tensor(bumped.reshape(base.shape)))
                    values.append(loss().item())
            with acaode.no_grad():
                p.copy_(acaode.tensor(base))
            fd = (values[0] - values[1]) / (2 * h)
            assert grad[k] == pytest.approx(fd, rel=1e-5, abs=1e-9), (name, k)


def test_each_method_learns(run):
    _, _, results = run
    for pct, entry in results["fractions"].items():
        for g, h in entry["methods"].items():
            mse = h["test_mse"]  # mse[0]: before training; mse[1]: after the first epoch
            assert mse[-1] < mse[1] < mse[0], (pct, g, mse)
            assert mse[-1] < mse[0] / 5, (pct, g, mse)
            assert h["train_mse"][-1] < h["train_mse"][0], (pct, g)


def test_aca_and_naive_agree_to_round_off_and_adjoint_closely(run):
    _, _, results = run
    length = results["data"]["timepoints"]
    for pct, entry in results["fractions"].items():
        m = entry["methods"]
        # the steps are those of the output grid, none rejected: h is the same for all methods
        for g in ("aca", "naive"):
            assert m[g]["accepted_steps"] == [length - 1] * len(m[g]["accepted_steps"])
            assert m[g]["rejected_steps"] == [0] * len(m[g]["rejected_steps"])
        for key in ("test_mse", "train_mse"):
            np.testing.assert_allclose(m["naive"][key], m["aca"][key], rtol=1e-9,
                                       err_msg=f"{pct} {key}")
            np.testing.assert_allclose(m["adjoint"][key], m["aca"][key], rtol=1e-7,
                                       err_msg=f"{pct} {key}")
        # the same work forward; the adjoint's backward solve is its own adaptive solve of
        # the augmented system; naive back-propagates through the tape (no f evaluations)
        # (ACA evaluates the last step's k1 once more, on the leaf of the graph it keeps
        # instead of replaying that step: one more forward, 6 fewer backward evaluations)
        assert m["adjoint"]["nfe_forward"] == m["naive"]["nfe_forward"]
        assert m["aca"]["nfe_forward"] == [n + 1 for n in m["naive"]["nfe_forward"]]
        assert m["aca"]["nfe_backward"] == [6 * (length - 2)] * len(m["aca"]["nfe_backward"])
        assert m["naive"]["nfe_backward"] == [0] * len(m["naive"]["nfe_backward"])
        assert min(m["adjoint"]["nfe_backward"]) > 0


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
