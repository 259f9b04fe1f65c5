"""experiments/run_all.py: one command runs the chosen experiments in quick mode, each into
its own folder, and says what ran; an unknown experiment name is refused with the list."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments", "run_all.py")


def run(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    return subprocess.run([sys.executable, SCRIPT, *args], env=env, capture_output=True,
                          text=True, timeout=600)


def test_runs_the_chosen_experiments_into_their_folders(tmp_path):
    pytest = __import__("pytest")
    pytest.importorskip("skimage", reason="image_reconstruction needs the cameraman image")
    proc = run("--quick", "--only", "gradient_accuracy,image_reconstruction", "--out",
               str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "gradient_accuracy" / "gradient_accuracy.json").exists()
    assert (tmp_path / "image_reconstruction" / "image_reconstruction.png").exists()
    assert "gradient_accuracy: ok" in proc.stdout
    assert "image_reconstruction: ok" in proc.stdout


def test_unknown_experiment_is_refused(tmp_path):
    proc = run("--only", "latent_sde", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "unknown experiment(s) latent_sde" in proc.stderr
    assert "three_body" in proc.stderr and "latent_ode" in proc.stderr


if __name__ == "__main__":
    import pytest
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
