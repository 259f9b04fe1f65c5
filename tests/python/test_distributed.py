"""acaode.distributed on 2 MPI ranks on this machine (loopback): collectives against NumPy,
data-parallel gradients against one process with the whole batch (ACA, adjoint, naive;
fixed grid to 1e-12, adaptive to the tolerance), five ODE-Net training steps against one
process, shape mismatches detected at wrap time, and a failing rank ending the job.

Each scenario runs `mpirun -n 2 python distributed_worker.py SCENARIO` (mpi_launch.py: it
skips without MPI, unless ACAODE_REQUIRE_MPI=1).
"""
import os
import sys

import pytest
from mpi_launch import mpirun

import acaode
from acaode import distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "distributed_worker.py")


def _launch(scenario, timeout=240):
    return mpirun(WORKER, [scenario], ranks=2, timeout=timeout)


@pytest.mark.parametrize("scenario", ["collectives", "gradients", "no_sync", "shape_mismatch",
                                      "sampler", "odenet_training"])
def test_two_ranks(scenario):
    proc, _ = _launch(scenario)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"ok {scenario}" in proc.stdout


def test_a_failing_rank_ends_the_job_with_its_message():
    proc, seconds = _launch("raises", timeout=120)
    assert proc.returncode != 0
    assert "deliberate failure on rank 1" in proc.stderr + proc.stdout
    assert seconds < 60


def test_init_names_what_is_missing_without_mpi4py(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import mpi4py -> ImportError
    monkeypatch.setattr(dist, "_MPI", None)
    with pytest.raises(RuntimeError, match="mpi4py"):
        dist.init()


def test_calls_before_init_say_so(monkeypatch):
    monkeypatch.setattr(dist, "_MPI", None)
    with pytest.raises(RuntimeError, match="init"):
        dist.all_reduce(acaode.zeros(2))


def test_sampler_shards_without_mpi():
    parts = [list(dist.DistributedSampler(7, shuffle=False, num_replicas=3, rank=r))
             for r in range(3)]
    assert parts == [[0, 3, 6], [1, 4, 0], [2, 5, 1]]
    parts = [list(dist.DistributedSampler(7, shuffle=False, drop_last=True, num_replicas=3,
                                          rank=r)) for r in range(3)]
    assert parts == [[0, 3], [1, 4], [2, 5]]
    with pytest.raises(ValueError, match="rank 3"):
        dist.DistributedSampler(7, num_replicas=3, rank=3)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))


def test_nccl_loads_or_says_what_is_missing():
    ok, why = acaode._core._nccl.available()
    if not ok:
        assert "ACAODE_NCCL_LIBRARY" in why and "LD_LIBRARY_PATH" in why
        with pytest.raises(RuntimeError, match="NCCL"):
            acaode._core._nccl.unique_id()
        return
    assert why == ""
    assert acaode._core._nccl.version() >= 21000
    a, b = acaode._core._nccl.unique_id(), acaode._core._nccl.unique_id()
    assert isinstance(a, bytes) and len(a) == 128 and a != b  # no GPU needed to make one


def test_nccl_communicator_checks_its_arguments():
    Communicator = acaode._core._nccl.Communicator
    with pytest.raises(ValueError, match="128 bytes"):
        Communicator(b"short", 1, 0)
    with pytest.raises(ValueError, match="rank 3 is not in a world of 2"):
        Communicator(bytes(128), 2, 3)
    if not acaode.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA device"):
            Communicator(bytes(128), 1, 0)
