"""experiments/image_reconstruction.py --quick: the heat equation on the cameraman image.
The oracle itself is checked first (its z(T) against a fine fixed-step solve, its dL/dnu
against central differences of its z(T)); then the script's numbers: the adjoint's
backward reconstruction of z(0) degrades by orders of magnitude as T grows, ACA's and
naive backpropagation's dL/dnu stay at the solver's tolerance, and ACA's is more accurate
than the adjoint's at every T."""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import acaode

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments",
                      "image_reconstruction.py")


def load_script():
    spec = importlib.util.spec_from_file_location("image_reconstruction", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_oracle_against_a_fine_solve_and_finite_differences():
    ir = load_script()
    z0 = np.random.default_rng(0).random((8, 8))
    zt, grad = ir.exact(z0, 0.7, 0.5)
    with acaode.no_grad():
        fine = acaode.solve(ir.Heat(0.7), acaode.tensor(z0.reshape(1, 1, 8, 8)), [0.0, 0.5],
                            method="rk4", step_size=1e-3).ys[-1].numpy()[0, 0]
    assert np.abs(fine - zt).max() < 1e-10 * np.abs(zt).max()
    eps = 1e-6
    loss = [np.mean(ir.exact(z0, 0.7 + s, 0.5)[0] ** 2) for s in (eps, -eps)]
    assert abs((loss[0] - loss[1]) / (2 * eps) - grad) < 1e-7 * abs(grad)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    pytest.importorskip("skimage", reason="the cameraman image comes with scikit-image")
    out = tmp_path_factory.mktemp("image_reconstruction")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "image_reconstruction.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return json.loads((out / "image_reconstruction.json").read_text()), proc.stdout


def test_the_adjoints_reconstruction_degrades_with_T(results):
    data, stdout = results
    errors = [r["reconstruction_error"] for r in data["rows"]]
    assert errors == sorted(errors)
    assert errors[0] < 1e-2 and errors[-1] > 1e-1, errors
    assert "z(0) solved back" in stdout


def test_aca_gradient_is_exact_to_the_tolerance_and_beats_the_adjoints(results):
    data, _ = results
    for r in data["rows"]:
        assert r["aca"]["grad_error"] < 1e-5, r
        assert r["naive"]["grad_error"] < 1e-5, r
        assert r["aca"]["grad_error"] < r["adjoint"]["grad_error"], r
        # ACA and naive take the same forward steps (naive's with its step size on the
        # tape, rounded in a different order).
        assert r["aca"]["forward_error"] == pytest.approx(r["naive"]["forward_error"],
                                                          rel=1e-6)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
