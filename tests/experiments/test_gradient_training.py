"""experiments/gradient_training.py --quick (the paper's Fig. 7 protocol on a small subset):
every run of the protocol (ACA with two seeds, the adjoint, naive) trains and learns,
records one test error and a growing training time per epoch, saves its weights, and
--resume extends the curves from the saved weights instead of starting over."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENTS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments")
SCRIPT = os.path.join(EXPERIMENTS, "gradient_training.py")
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
HAVE_DATA = any(os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte" + ext))
                for ext in ("", ".gz"))


def run(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, SCRIPT, "--data", DATA, *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    if not HAVE_DATA:
        pytest.skip(f"Fashion-MNIST not in {DATA} (Debian package dataset-fashion-mnist)")
    out = tmp_path_factory.mktemp("gradient_training")
    run("--quick", "--out", str(out))
    return out


def test_every_method_trains_and_learns(out):
    results = json.loads((out / "gradient_training.json").read_text())
    runs = [(c["gradient"], c["seed"]) for c in results["curves"]]
    assert runs == [("aca", 0), ("aca", 1), ("adjoint", 0), ("naive", 0)]
    for c in results["curves"]:
        assert c["epoch"] == [1, 2]
        assert c["lr"] == [5e-3, 5e-3], c              # the decay comes at epoch 3
        assert c["test_error"][-1] < 80.0, c            # chance: 90 %
        assert c["loss"][-1] < c["loss"][0], c
        assert np.all(np.diff(c["train_seconds"]) > 0), c
        assert (out / f"weights_{c['gradient']}_seed{c['seed']}.npz").exists()
    assert (out / "gradient_training.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resume_continues_exactly(out, tmp_path):
    run("--quick", "--epochs", "3", "--out", str(tmp_path))
    straight = json.loads((tmp_path / "gradient_training.json").read_text())
    resumed_dir = tmp_path / "resumed"
    run("--quick", "--out", str(resumed_dir))
    run("--resume", "--epochs", "1", "--out", str(resumed_dir))
    resumed = json.loads((resumed_dir / "gradient_training.json").read_text())
    for a, b in zip(straight["curves"], resumed["curves"]):
        assert a["test_error"] == b["test_error"] and a["loss"] == b["loss"]
        # the step decay at epoch 3 falls in the resumed call and is followed there
        assert a["lr"] == b["lr"] == [5e-3, 5e-3, 2.5e-3]
    for name in ("weights_aca_seed0.npz", "weights_naive_seed0.npz"):
        a, b = np.load(tmp_path / name), np.load(resumed_dir / name)
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_resume_extends_the_saved_runs(out):
    before = json.loads((out / "gradient_training.json").read_text())
    stdout = run("--resume", "--epochs", "1", "--out", str(out))
    after = json.loads((out / "gradient_training.json").read_text())
    for b, a in zip(before["curves"], after["curves"]):
        assert a["epoch"] == [1, 2, 3]
        assert a["test_error"][:2] == b["test_error"]
        assert a["train_seconds"][2] > b["train_seconds"][1]
    assert "aca seed 1" in stdout


def test_solver_tables_of_the_trained_models(out, tmp_path):
    """--resume --epochs 0 --tables: no training, the Tables 1-2 protocol on the saved
    weights. The error with the training solver is the curve's last one (the weights come
    back exactly), and every change is that solver's error minus it."""
    tmp_path = tmp_path / "tables"
    shutil.copytree(out, tmp_path)  # the module's trained runs, left as they are
    before = json.loads((tmp_path / "gradient_training.json").read_text())
    stdout = run("--resume", "--epochs", "0", "--tables", "--out", str(tmp_path))
    after = json.loads((tmp_path / "gradient_training.json").read_text())
    assert [c["test_error"] for c in after["curves"]] == [c["test_error"] for c in before["curves"]]
    tables = after["solver_tables"]
    assert after["table_images"] == 300  # the quick test set, below --table-images' 2000
    assert list(tables) == ["aca_seed0", "aca_seed1", "adjoint_seed0", "naive_seed0"]
    for c in after["curves"]:
        t = tables[f"{c['gradient']}_seed{c['seed']}"]
        assert t["error"] == c["test_error"][-1]
        changes = []
        for kind, solvers, keys in (("fixed", ("euler", "midpoint", "rk4"), 4),
                                    ("adaptive", ("heun_euler", "bosh3", "dopri5"), 3)):
            assert sorted(t[kind]) == sorted(solvers)
            for m in solvers:
                assert len(t[kind][m]) == keys
                for k, err in t[kind][m].items():
                    assert 0.0 <= err <= 100.0
                    assert t[kind + "_delta"][m][k] == pytest.approx(err - t["error"], abs=1e-9)
                    changes.append(err - t["error"])
        assert t["mean_abs_change"] == pytest.approx(np.mean(np.abs(changes)))
        assert t["max_change"] == pytest.approx(max(changes))
    assert "robustness to the test-time solver" in stdout


def test_a_call_stopped_midway_keeps_its_finished_runs_and_catches_up(out, tmp_path):
    """The JSON is rewritten after each run. A call stopped before its last run finished
    leaves that run's saved curve and weights as they were (here: naive never trained);
    the next --resume trains it up to the others, and then all go on together."""
    tmp_path = tmp_path / "stopped"
    shutil.copytree(out, tmp_path)
    saved = json.loads((tmp_path / "gradient_training.json").read_text())
    saved["curves"] = [c for c in saved["curves"] if c["gradient"] != "naive"]
    (tmp_path / "gradient_training.json").write_text(json.dumps(saved))
    (tmp_path / "weights_naive_seed0.npz").unlink()
    before = {(c["gradient"], c["seed"]): c for c in saved["curves"]}
    run("--resume", "--epochs", "1", "--out", str(tmp_path))
    after = json.loads((tmp_path / "gradient_training.json").read_text())
    n = len(next(iter(before.values()))["epoch"])
    for c in after["curves"]:
        assert c["epoch"] == list(range(1, n + 2)), c
        if (c["gradient"], c["seed"]) in before:
            assert c["test_error"][:n] == before[(c["gradient"], c["seed"])]["test_error"]
    assert [c["gradient"] for c in after["curves"]] == ["aca", "aca", "adjoint", "naive"]


def test_zero_epochs_needs_resume(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--epochs", "0", "--out",
                           str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--epochs 0: must be positive (0 only with --resume)" in proc.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
