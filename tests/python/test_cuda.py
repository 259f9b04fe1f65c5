"""acaode.cuda and Tensor.to(device): availability is reported honestly; without a GPU every
use of the cuda device is a RuntimeError naming the reason (never a crash); with one,
tensors round-trip exactly and gradients flow back through .to()."""
import sys

import numpy as np
import pytest

import acaode

HAS_GPU = acaode.cuda.is_available()
NO_GPU_REASON = "no CUDA device: " + acaode.cuda.unavailable_reason()


def test_availability_is_consistent():
    n = acaode.cuda.device_count()
    assert isinstance(n, int) and n >= 0
    assert acaode.cuda.is_available() == (n > 0)
    assert isinstance(acaode.cuda.is_built(), bool)
    if n == 0:
        assert acaode.cuda.unavailable_reason() != ""
    else:
        assert acaode.cuda.unavailable_reason() == ""


def test_to_still_converts_dtypes_and_cpu_is_identity():
    t = acaode.tensor([1.0, 2.5])
    f = t.to("float32")
    assert f.dtype == np.float32
    np.testing.assert_array_equal(f.numpy(), [1.0, 2.5])
    assert t.to(np.float64) is not None
    same = t.to("cpu")
    assert same.device == "cpu"
    np.testing.assert_array_equal(same.numpy(), t.numpy())


def test_bad_device_names_are_value_errors():
    t = acaode.tensor([1.0])
    with pytest.raises(ValueError, match="cuda:1"):
        t.to("cuda:1")
    with pytest.raises(ValueError):
        t.to("tpu")


@pytest.mark.skipif(HAS_GPU, reason="a CUDA device is present; this test is for machines without")
def test_without_gpu_using_cuda_raises_runtime_error():
    t = acaode.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no CUDA device"):
        t.to("cuda")
    with pytest.raises(RuntimeError, match="no CUDA device"):
        t.cuda()
    with pytest.raises(RuntimeError, match="no CUDA device"):
        acaode.cuda.synchronize()
    # The interpreter and the tensor are fine afterwards.
    assert t.numpy().tolist() == [1.0, 2.0]
    assert acaode.cuda.memory_stats()["bytes_in_use"] == 0


@pytest.mark.skipif(HAS_GPU, reason="a CUDA device is present; this test is for machines without")
def test_without_gpu_module_to_cuda_raises_and_moves_nothing():
    lin = acaode.nn.Linear(2, 3)
    before = lin.weight.numpy().copy()
    with pytest.raises(RuntimeError, match="no CUDA device"):
        lin.to("cuda")
    assert lin.weight.device == "cpu"
    np.testing.assert_array_equal(lin.weight.numpy(), before)
    with pytest.raises(ValueError):
        lin.to("tpu")
    assert lin.to("cpu") is lin


@pytest.mark.skipif(not HAS_GPU, reason=NO_GPU_REASON)
def test_module_to_cuda_and_odeint_gradients_match_cpu():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    func = acaode.nn.Sequential(acaode.nn.Linear(3, 8), acaode.nn.Tanh(), acaode.nn.Linear(8, 3))

    def step(dev):
        func.zero_grad()
        z0 = acaode.tensor(x).to(dev).detach().requires_grad_()
        ys = acaode.odeint(func, z0, [0.0, 0.5, 1.0], method="dopri5", rtol=1e-8, atol=1e-10,
                           gradient="aca")
        (ys * ys).sum().backward()
        grads = [p.grad.to("cpu").numpy().copy() for _, p in func.named_parameters()]
        return ys.to("cpu").numpy(), z0.grad.to("cpu").numpy(), grads

    ys_cpu, gz_cpu, gp_cpu = step("cpu")
    func.to("cuda")
    assert all(p.device == "cuda" for _, p in func.named_parameters())
    ys_gpu, gz_gpu, gp_gpu = step("cuda")
    np.testing.assert_allclose(ys_gpu, ys_cpu, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(gz_gpu, gz_cpu, rtol=1e-8, atol=1e-10)
    for a, b in zip(gp_gpu, gp_cpu):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.skipif(not HAS_GPU, reason=NO_GPU_REASON)
def test_round_trip_and_gradient_through_to():
    t = acaode.tensor([[1.5, -2.0], [3.25, 4.0]], requires_grad=True)
    g = t.to("cuda")
    assert g.device == "cuda"
    with pytest.raises(RuntimeError, match="GPU"):
        g.numpy()
    back = g.to("cpu")
    np.testing.assert_array_equal(back.numpy(), t.detach().numpy())
    back.backward(acaode.tensor([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(t.grad.numpy(), [[1.0, 2.0], [3.0, 4.0]])


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
