"""experiments/gradient_accuracy.py --quick: runs, writes its PNG and JSON, prints its
tables, and its numbers tell the paper's story (ACA's gradient error at the tolerance's
level, the adjoint's larger; ACA's reverse reconstruction exact, the adjoint's not)."""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments",
                      "gradient_accuracy.py")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradient_accuracy")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out / "gradient_accuracy.json") as f:
        results = json.load(f)
    return out, proc.stdout, results


def test_writes_png_and_prints_tables(run):
    out, stdout, results = run
    png = out / "gradient_accuracy.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
    assert "gradient error vs integration time" in stdout
    assert "van der Pol reverse reconstruction" in stdout
    # the printed table holds the JSON's numbers
    for row in results["vs_tol"]:
        assert f"{row['adjoint']:.3e}" in stdout


def test_aca_gradient_error_is_at_the_tolerance_level(run):
    _, _, results = run
    for row in results["vs_tol"]:
        assert row["aca"] <= 10 * row["rtol"], row
        assert row["adjoint"] <= 100 * row["rtol"], row  # sane, just worse
    for row in results["vs_time"]:
        assert row["aca"] <= 10 * results["settings"]["tol_time"], row


def test_adjoint_error_exceeds_aca_and_grows_with_time(run):
    _, _, results = run
    for row in results["vs_tol"]:
        assert row["adjoint"] > 2 * row["aca"], row
    long = results["vs_time"][-1]
    assert long["adjoint"] > 2 * long["aca"], long
    assert results["vs_time"][-1]["adjoint"] > 10 * results["vs_time"][0]["adjoint"]


def test_growing_dynamics_sweep(run):
    # alpha > 0: the adjoint's backward reconstruction decays, ACA stays at the tolerance.
    _, stdout, results = run
    assert results["alpha_growing"] > 0 and "growing" in stdout
    assert [r["T"] for r in results["vs_time_growing"]] == results["settings"]["times"]
    for row in results["vs_time_growing"]:
        assert row["aca"] <= 10 * results["settings"]["tol_time"], row
        assert row["adjoint"] <= 100 * results["settings"]["tol_time"], row


def test_van_der_pol_reconstruction(run):
    _, _, results = run
    for row in results["vdp"]:
        # ACA's entry is its replay minus its checkpoint: zero by construction (a regression
        # check of the bitwise replay, not a finding); the adjoint's reconstruction is not.
        assert row["aca"] == 0.0, row
        assert row["adjoint"] > 1e-4, row


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
