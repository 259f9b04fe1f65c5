"""experiments/three_body.py --quick: runs, writes its PNG and JSON, prints its table, and
its numbers are those of a working fit: the learned masses move toward the truth, the
fitted trajectory beats the initial guess on the training window, and the three gradient
methods (exact up to the solver's tolerance) give nearly the same training losses while
the optimisation has not yet amplified their differences."""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments", "three_body.py")
TRUE_MASSES = np.array([1.1, 1.1, 0.9])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("three_body")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out / "three_body.json") as f:
        results = json.load(f)
    return out, proc.stdout, results


def test_writes_png_and_prints_table(run):
    out, stdout, results = run
    png = out / "three_body.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
    assert "three-body trajectory MSE" in stdout
    names = ["ODE-adjoint", "ODE-naive", "ODE-aca", "NODE-adjoint", "NODE-naive",
             "NODE-aca", "LSTM", "LSTM-aug-input"]
    assert list(results["models"]) == names
    for name in names:  # the printed table holds the JSON's numbers
        m = results["models"][name]
        assert math.isfinite(m["mse"]), (name, m)
        assert f"{m['mse']:.3e}" in stdout
        assert len(m["losses"]) == (results["settings"]["lstm_epochs"]
                                    if name.startswith("LSTM") else results["settings"]["epochs"])
    assert len(results["trajectories"]["truth"]) == results["settings"]["n_test"]


def test_ground_truth_starts_at_the_initial_positions(run):
    _, _, results = run
    truth = np.array(results["trajectories"]["truth"])
    np.testing.assert_allclose(truth[0], [0, 0.2, 0, 0.5, 0, 0.5, 0, 0, 0.5], atol=1e-12)
    # t = 2 / (n_test - 1) later each body has moved by about K2 v dt (v = 0.1 each)
    dt = 2.0 / (results["settings"]["n_test"] - 1)
    step = np.linalg.norm((truth[1] - truth[0]).reshape(3, 3), axis=1)
    np.testing.assert_allclose(step, results["k2"] * 0.1 * dt, rtol=0.2)


def test_learned_masses_move_toward_the_truth(run):
    _, _, results = run
    init_err = np.abs(np.array(results["init_masses"]) - TRUE_MASSES).max()
    for g in ("adjoint", "naive", "aca"):
        m = np.array(results["models"][f"ODE-{g}"]["masses"])
        assert np.abs(m - TRUE_MASSES).max() < 0.5 * init_err, (g, m)


def test_ode_fit_beats_the_initial_guess_on_the_training_window(run):
    _, _, results = run
    init = results["initial_ode"]["mse_0_1"]
    for g in ("adjoint", "naive", "aca"):
        m = results["models"][f"ODE-{g}"]
        assert m["mse_0_1"] < init / 2, (g, m["mse_0_1"], init)
        assert m["losses"][-1] < m["losses"][0] / 2, g


def test_gradient_methods_agree_on_the_losses(run):
    _, _, results = run
    models = results["models"]
    # one shared start, then gradients that agree to the tolerance: the same early losses
    # (ODE: later the chaotic fit amplifies the differences; NODE: smooth, all epochs)
    aca, naive, adj = (np.array(models[f"ODE-{g}"]["losses"][:2])
                       for g in ("aca", "naive", "adjoint"))
    np.testing.assert_allclose(naive, aca, rtol=1e-3)
    np.testing.assert_allclose(adj, aca, rtol=1e-3)
    aca, naive, adj = (np.array(models[f"NODE-{g}"]["losses"])
                       for g in ("aca", "naive", "adjoint"))
    np.testing.assert_allclose(naive, aca, rtol=1e-2)
    np.testing.assert_allclose(adj, aca, rtol=1e-2)
    assert not np.allclose(aca[0], aca[-1])  # it did train


@pytest.mark.parametrize("name", ["LSTM", "LSTM-aug-input"])
def test_lstm_trains(run, name):
    _, _, results = run
    losses = results["models"][name]["losses"]
    assert losses[-1] < losses[0] / 2
    # the rollout is scored on the positions only (9 coordinates), whatever the input
    assert np.array(results["trajectories"][name]).shape == (results["settings"]["n_test"], 9)


def test_seeds_give_a_table_of_mean_and_spread(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--seeds", "2", "--epochs", "3",
                           "--lstm-epochs", "3", "--out", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "three_body.json") as f:
        results = json.load(f)
    assert results["seeds"] == [0, 1]
    init = np.array(results["init_masses_per_seed"])
    np.testing.assert_allclose(init[0], [1.0, 1.2, 1.0])  # seed 0: the usual start
    np.testing.assert_allclose(np.abs(init[1] / TRUE_MASSES - 1), 0.1)  # 10 % off each
    assert "over 2 seeds" in proc.stdout
    for name, m in results["summary"].items():
        assert len(m["mse"]) == 2
        assert m["mse"][0] == results["models"][name]["mse"]  # seed 0's run is the main one
        assert m["mse_mean"] == pytest.approx(np.mean(m["mse"]))
        assert m["mse_std"] == pytest.approx(np.std(m["mse"]))
        assert m["mse_best"] == min(m["mse"]) and m["mse_worst"] == max(m["mse"])
        assert m["best_loss_mean"] <= m["last_loss_mean"]
        assert f"{m['mse_mean']:.3e}" in proc.stdout
    # the NODE starts differ between seeds, so their test errors do
    assert results["summary"]["NODE-aca"]["mse_std"] > 0


def test_seeds_must_be_positive():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--seeds", "0"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--seeds 0" in proc.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
