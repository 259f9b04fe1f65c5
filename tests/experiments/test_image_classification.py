"""experiments/image_classification.py --quick: trains the ODE-Net (heun_euler, ACA) and
the ResNet on 1000 Fashion-MNIST images, tests both with 21 other solvers, writes its PNG
and JSON and prints the tables; the models beat chance, the training solver's own entry is
exactly 0, and the ODE-Net is the more robust to the test solver (the ACA paper's Tables 1-2).
Also: the idx reader against hand-made files, the error when the data is missing, and
--distributed on 2 MPI ranks against one process (five training steps of each model)."""
import gzip
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "python"))  # mpi_launch, also under plain pytest
from mpi_launch import mpirun  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments",
                      "image_classification.py")
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
HAVE_DATA = os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte.gz")) or \
    os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte"))


def env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
                MPLBACKEND="Agg")


def load_script():
    spec = importlib.util.spec_from_file_location("image_classification", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if not HAVE_DATA:
        pytest.skip(f"Fashion-MNIST not in {DATA} (Debian package dataset-fashion-mnist)")
    out = tmp_path_factory.mktemp("image_classification")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--data", DATA, "--out",
                           str(out)], env=env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out / "image_classification.json") as f:
        results = json.load(f)
    return out, proc.stdout, results


def test_read_idx_gzipped_and_raw(tmp_path):
    ic = load_script()
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    header = bytes([0, 0, 8, 3]) + b"".join(int(d).to_bytes(4, "big") for d in images.shape)
    (tmp_path / "raw-idx3-ubyte").write_bytes(header + images.tobytes())
    with gzip.open(tmp_path / "gz-idx3-ubyte.gz", "wb") as f:
        f.write(header + images.tobytes())
    np.testing.assert_array_equal(ic.read_idx(str(tmp_path / "raw-idx3-ubyte")), images)
    np.testing.assert_array_equal(ic.read_idx(str(tmp_path / "gz-idx3-ubyte.gz")), images)
    (tmp_path / "bad").write_bytes(bytes([0, 0, 0x0D, 1, 0, 0, 0, 1]) + b"\0\0\0\0")
    with pytest.raises(ValueError, match="idx"):
        ic.read_idx(str(tmp_path / "bad"))


def test_missing_data_names_the_package(tmp_path):
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--data", str(tmp_path),
                           "--out", str(tmp_path / "out")], env=env(), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "dataset-fashion-mnist" in proc.stderr and str(tmp_path) in proc.stderr


def test_writes_png_and_prints_tables(run):
    out, stdout, results = run
    png = out / "image_classification.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
    assert list(results["models"]) == ["ODE-Net", "ResNet"]
    for name, m in results["models"].items():
        assert f"{name} (trained with" in stdout
        assert f"test error {m['error']:.2f} %" in stdout
        assert f"{m['adaptive_delta']['dopri5']['0.001']:>+7.2f}" in stdout
        assert len(m["fixed"]) == 3 and all(len(r) == 4 for r in m["fixed"].values())
        assert len(m["adaptive"]) == 3 and all(len(r) == 3 for r in m["adaptive"].values())


def test_models_learn(run):
    _, _, results = run
    for name, m in results["models"].items():
        assert m["error"] < 75.0, (name, m["error"])           # chance: 90 %
        assert m["train_error"] < 75.0, (name, m["train_error"])
        assert np.mean(m["losses"][-10:]) < 0.8 * np.mean(m["losses"][:10]), name


def test_training_solver_entry_is_zero(run):
    _, _, results = run
    ode, res = results["models"]["ODE-Net"], results["models"]["ResNet"]
    assert ode["adaptive_delta"]["heun_euler"]["0.01"] == 0.0
    assert ode["adaptive"]["heun_euler"]["0.01"] == ode["error"]
    assert res["fixed_delta"]["euler"]["1.0"] == 0.0
    assert res["fixed"]["euler"]["1.0"] == res["error"]


def test_ode_net_is_more_robust_to_the_test_solver(run):
    _, _, results = run

    def mean_abs_change(m):
        return np.mean([abs(v) for t in ("fixed_delta", "adaptive_delta")
                        for row in m[t].values() for v in row.values()])

    ode = mean_abs_change(results["models"]["ODE-Net"])
    res = mean_abs_change(results["models"]["ResNet"])
    assert ode < res, (ode, res)
    # the ODE-Net's accurate solvers agree with each other: the solution of the same ODE
    accurate = [results["models"]["ODE-Net"]["adaptive"][m]["0.001"]
                for m in ("heun_euler", "bosh3", "dopri5")]
    assert max(accurate) - min(accurate) <= 2.0, accurate


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))


def test_distributed_training_matches_one_process(tmp_path):
    """Two ranks with half of every batch each train as one process does: the ResNet (a
    fixed Euler step) to float32 round-off; the ODE-Net to the tolerance of its adaptive
    solver, whose step sizes depend on the (half) batch."""
    if not HAVE_DATA:
        pytest.skip(f"Fashion-MNIST not in {DATA} (Debian package dataset-fashion-mnist)")
    common = ["--quick", "--max-steps", "5", "--data", DATA]
    one = subprocess.run([sys.executable, SCRIPT, *common, "--out", str(tmp_path / "one")],
                         env=env(), capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr
    two, _ = mpirun(SCRIPT, [*common, "--distributed", "--out", str(tmp_path / "two")])
    assert two.returncode == 0, two.stdout + two.stderr
    results = [json.loads((tmp_path / d / "image_classification.json").read_text())
               for d in ("one", "two")]
    assert [r["ranks"] for r in results] == [1, 2]
    for name, tol in (("ResNet", 1e-5), ("ODE-Net", 1e-2)):
        a, b = (np.array(r["models"][name]["losses"]) for r in results)
        assert len(a) == len(b) == 5
        assert np.abs(a - b).max() <= tol * np.abs(a).max(), (name, a, b)
        assert results[1]["models"][name]["images_per_second"] > 0
        assert "averaging gradients" in two.stdout
