"""Data-parallel training over MPI: the same model on every process, each with its share of
the data, gradients averaged after every backward pass.

    # mpirun -n 2 python train.py
    import acaode
    from acaode import distributed as dist

    dist.init()                                   # from the MPI launch (mpirun, srun)
    model = dist.DistributedDataParallel(model)   # checks shapes, broadcasts rank 0's weights
    sampler = dist.DistributedSampler(len(data), shuffle=True, seed=0)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for idx in batches(list(sampler)):
            loss = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()                       # .grad now holds the average over ranks
            opt.step()

Two transports, chosen per tensor by its device:
- CPU tensors go through mpi4py (any MPI it is built against; Debian's Open MPI in CI):
  acaode hands it NumPy views of tensor memory, so nothing is copied on the way in or out.
- CUDA tensors go through NCCL, on the GPU's stream, one GPU per rank (run each rank on its
  own GPU, e.g. ``CUDA_VISIBLE_DEVICES`` set from the launcher's local rank; docs/
  distributed.md). The communicator is made on first use: rank 0 makes its id and MPI
  carries it to the others. NCCL is loaded then (Note [NCCL at run time] in
  autograd/cuda/nccl.h), and a missing NCCL raises RuntimeError naming what to install.
mpi4py is imported only by ``init()``; acaode itself never needs MPI or NCCL.

Gradient averaging (Note [Post-backward hooks] in bindings/core/bind_tensor.cc): after every
``Tensor.backward()`` each live ``DistributedDataParallel`` sums its parameters' gradients
over the ranks and divides by the world size, in buckets of at most ``bucket_bytes`` of one
dtype, with non-blocking all-reduces so that packing the next bucket overlaps the transfer
of the previous one. An ODE block's parameter gradients all arrive at the end of its
backward pass (ACA integrates the parameter adjoint through the whole solve), so there is
no earlier point to start communicating from. Every rank must call ``backward()`` the same
number of times (as with any collective). ``with model.no_sync():`` skips the averaging,
for accumulating gradients over micro-batches before one synchronised backward.

Failure behaviour: ``init()`` installs an exception hook that prints the error with the
rank and aborts the whole MPI job (``MPI_Abort``), so a rank that raises ends every rank
with a non-zero exit instead of leaving the others waiting in a collective forever.
"""
from __future__ import annotations

import contextlib
import sys
import traceback
import weakref
from typing import Any, Iterator, List, Optional

import numpy as np

from acaode import _core

__all__ = [
    "init", "is_initialized", "rank", "world_size", "all_reduce", "broadcast", "barrier",
    "DistributedDataParallel", "DistributedSampler",
]

_MPI: Any = None  # the mpi4py.MPI module once init() ran
_NCCL: Any = None  # the NCCL communicator of CUDA tensors, made on first use
_OPS = ("sum", "mean", "max", "min")


def init() -> int:
    """Initialises MPI from the launcher's environment (mpirun, mpiexec, srun; a single
    process without a launcher is a world of one) and returns this process's rank.
    Idempotent. Raises RuntimeError naming what is missing when mpi4py or an MPI library is
    not installed."""
    global _MPI
    if _MPI is not None:
        return _MPI.COMM_WORLD.Get_rank()
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise RuntimeError(
            "acaode.distributed needs mpi4py and an MPI library, and could not import them "
            f"({e}). Install them, e.g. `apt install openmpi-bin` and `pip install mpi4py`, "
            "and launch with `mpirun -n N python script.py`.") from e
    _MPI = MPI
    _install_abort_on_exception()
    return MPI.COMM_WORLD.Get_rank()


def is_initialized() -> bool:
    """Whether init() has run in this process."""
    return _MPI is not None


def rank() -> int:
    """This process's rank in [0, world_size())."""
    return _comm().Get_rank()


def world_size() -> int:
    """The number of processes in the job."""
    return _comm().Get_size()


def barrier() -> None:
    """Waits until every rank has reached this call."""
    _comm().Barrier()


def all_reduce(tensor: _core.Tensor, op: str = "sum") -> _core.Tensor:
    """Replaces tensor's values, in place, by their reduction over all ranks: op is "sum",
    "mean", "max" or "min". Every rank passes a tensor of the same shape and dtype. Returns
    tensor."""
    if op not in _OPS:
        raise ValueError(f"all_reduce: op must be one of {', '.join(_OPS)}, got {op!r}")
    if _is_cuda(tensor, "all_reduce"):
        _nccl().all_reduce([tensor], op)
        return tensor
    data = _host_view(tensor, "all_reduce")
    MPI = _mpi()
    mpi_op = {"sum": MPI.SUM, "mean": MPI.SUM, "max": MPI.MAX, "min": MPI.MIN}[op]
    _comm().Allreduce(MPI.IN_PLACE, data, op=mpi_op)
    if op == "mean":
        data /= world_size()
    return tensor


def broadcast(tensor: _core.Tensor, root: int = 0) -> _core.Tensor:
    """Replaces tensor's values, in place, by those of rank root. Returns tensor."""
    if not 0 <= root < world_size():
        raise ValueError(f"broadcast: root must be in [0, {world_size()}), got {root}")
    if _is_cuda(tensor, "broadcast"):
        _nccl().broadcast([tensor], root)
    else:
        _comm().Bcast(_host_view(tensor, "broadcast"), root=root)
    return tensor


class DistributedDataParallel:
    """Wraps a module for data-parallel training: at construction every rank checks that
    its parameters and buffers have the same names, shapes and dtypes as rank 0's
    (ValueError naming the first difference, raised on every rank) and takes rank 0's
    values; after every backward() the parameters' gradients are averaged over the ranks.
    Calling it calls the module; other attributes (parameters(), state_dict(), train(),
    ...) are the module's."""

    def __init__(self, module: Any, bucket_bytes: int = 25 * 2**20):
        if bucket_bytes < 1:
            raise ValueError(f"bucket_bytes must be >= 1, got {bucket_bytes}")
        self.module = module
        self.bucket_bytes = int(bucket_bytes)
        self._sync_enabled = True
        self.communication_seconds = 0.0  # time spent averaging gradients, summed
        self._params = [p for _, p in module.named_parameters()]
        self._check_same_structure()
        for tensor in self._params + [b for _, b in module.named_buffers()]:
            broadcast(tensor, 0)
        self_ref = weakref.ref(self)

        def hook() -> None:
            ddp = self_ref()
            if ddp is not None and ddp._sync_enabled:
                ddp.synchronize_gradients()

        self._hook = hook
        _core._post_backward_hooks.append(hook)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        """Stops averaging gradients (the module stays usable)."""
        hooks = _core._post_backward_hooks
        hook = self.__dict__.get("_hook")
        if hook is not None and hook in hooks:
            hooks.remove(hook)

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Within it, backward() accumulates local gradients without averaging them; the
        first synchronised backward() after it averages the accumulated sum."""
        previous, self._sync_enabled = self._sync_enabled, False
        try:
            yield
        finally:
            self._sync_enabled = previous

    def synchronize_gradients(self) -> None:
        """Averages the parameters' gradients over the ranks now (backward() does this
        itself). A parameter without a gradient on some ranks counts as zero there; one
        without a gradient on every rank keeps none."""
        MPI = _mpi()
        start = MPI.Wtime()
        comm = _comm()
        size = comm.Get_size()
        has_grad = np.array([p.grad is not None for p in self._params], dtype=np.int32)
        comm.Allreduce(MPI.IN_PLACE, has_grad, op=MPI.MAX)
        for p, has in zip(self._params, has_grad):
            if has and p.grad is None:
                p.grad = _core.zeros_like(p)  # its shape, dtype and device
        with_grad = [p for p, has in zip(self._params, has_grad) if has]
        on_gpu = [p for p in with_grad if p.device != "cpu"]
        if on_gpu:  # one fused NCCL group, averaged by NCCL itself
            _nccl().all_reduce([p.grad for p in on_gpu], "mean")
        pending: List[Any] = []
        for bucket in self._buckets([p for p in with_grad if p.device == "cpu"]):
            views = [_host_view(p.grad, "gradient averaging") for p in bucket]
            flat = np.concatenate([v.reshape(-1) for v in views])
            pending.append((comm.Iallreduce(MPI.IN_PLACE, flat, op=MPI.SUM), flat, views))
        for request, flat, views in pending:
            request.Wait()
            flat /= size
            offset = 0
            for v in views:
                v.reshape(-1)[:] = flat[offset:offset + v.size]
                offset += v.size
        if on_gpu:  # the time includes the GPU transfer
            _core.cuda.synchronize()
        self.communication_seconds += MPI.Wtime() - start

    def _buckets(self, params: List[_core.Tensor]) -> Iterator[List[_core.Tensor]]:
        by_dtype: dict = {}
        for p in params:
            by_dtype.setdefault(np.dtype(p.dtype), []).append(p)
        for dtype, group in by_dtype.items():
            bucket: List[_core.Tensor] = []
            nbytes = 0
            for p in group:
                size = int(np.prod(p.shape)) * dtype.itemsize
                if bucket and nbytes + size > self.bucket_bytes:
                    yield bucket
                    bucket, nbytes = [], 0
                bucket.append(p)
                nbytes += size
            if bucket:
                yield bucket

    def _check_same_structure(self) -> None:
        mine = [(kind, name, tuple(t.shape), str(np.dtype(t.dtype)))
                for kind, named in (("parameter", self.module.named_parameters()),
                                    ("buffer", self.module.named_buffers()))
                for name, t in named]
        everyone = _comm().allgather(mine)
        reference = everyone[0]
        for r, theirs in enumerate(everyone[1:], start=1):
            if theirs == reference:
                continue
            for a, b in zip(reference, theirs):
                if a != b:
                    raise ValueError(
                        f"DistributedDataParallel: rank {r} has {b[0]} {b[1]!r} of shape "
                        f"{list(b[2])} and dtype {b[3]} where rank 0 has {a[0]} {a[1]!r} of "
                        f"shape {list(a[2])} and dtype {a[3]}: every rank must build the "
                        "same model")
            raise ValueError(
                f"DistributedDataParallel: rank {r} has {len(theirs)} parameters and buffers, "
                f"rank 0 has {len(reference)}: every rank must build the same model")


class DistributedSampler:
    """The indices of a data set of n examples that this rank trains on in an epoch: a
    permutation (seeded by seed + epoch, the same on every rank; the identity without
    shuffle), padded by repeating its start to a multiple of the world size unless
    drop_last (then cut down to one), dealt out round-robin: rank r gets positions
    r, r + world_size, ... Every rank gets the same number of indices."""

    def __init__(self, n: int, shuffle: bool = True, seed: int = 0, drop_last: bool = False,
                 num_replicas: Optional[int] = None, rank: Optional[int] = None):
        if n < 1:
            raise ValueError(f"DistributedSampler: the data set must not be empty, got n = {n}")
        self.n = int(n)
        self.shuffle = shuffle
        self.seed = int(seed)
        self.drop_last = drop_last
        self.num_replicas = _comm().Get_size() if num_replicas is None else int(num_replicas)
        self.rank = _comm().Get_rank() if rank is None else int(rank)
        if not 0 <= self.rank < self.num_replicas:
            raise ValueError(f"DistributedSampler: rank {self.rank} is not in "
                             f"[0, {self.num_replicas})")
        if drop_last and self.n < self.num_replicas:
            raise ValueError(f"DistributedSampler: drop_last with {self.n} examples leaves "
                             f"nothing for {self.num_replicas} ranks")
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Selects the epoch's permutation (call before iterating, on every rank)."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        if self.drop_last:
            return self.n // self.num_replicas
        return -(-self.n // self.num_replicas)

    def __iter__(self) -> Iterator[int]:
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(self.n)
        else:
            order = np.arange(self.n)
        total = len(self) * self.num_replicas
        if total > self.n:
            order = np.concatenate([order, order[:total - self.n]])
        return iter(order[:total][self.rank::self.num_replicas].tolist())


def _mpi() -> Any:
    if _MPI is None:
        raise RuntimeError("acaode.distributed: call acaode.distributed.init() first")
    return _MPI


def _comm() -> Any:
    return _mpi().COMM_WORLD


def _is_cuda(tensor: Any, what: str) -> bool:
    if not isinstance(tensor, _core.Tensor):
        raise TypeError(f"{what}: expected an acaode.Tensor, got {type(tensor).__name__}")
    return bool(tensor.device != "cpu")


def _nccl() -> Any:
    """The NCCL communicator of this job's ranks, made on first use (every rank must reach
    its first CUDA collective, as with any collective)."""
    global _NCCL
    if _NCCL is None:
        comm = _comm()
        available, why = _core._nccl.available()
        # Every rank learns whether every rank has NCCL, so that none waits forever for a
        # peer that cannot join.
        everyone = comm.allgather((available, why))
        missing = [(r, w) for r, (ok, w) in enumerate(everyone) if not ok]
        if missing:
            r, w = missing[0]
            raise RuntimeError(f"acaode.distributed: CUDA tensors need NCCL, and rank {r} "
                               f"has none: {w}")
        uid = comm.bcast(_core._nccl.unique_id() if comm.Get_rank() == 0 else None, root=0)
        _NCCL = _core._nccl.Communicator(uid, comm.Get_size(), comm.Get_rank())
    return _NCCL


def _host_view(tensor: Optional[_core.Tensor], what: str) -> np.ndarray:
    if _is_cuda(tensor, what):
        raise RuntimeError(f"{what}: a CUDA tensor cannot be viewed on the host")
    assert tensor is not None  # _is_cuda rejected anything but a Tensor
    # A writable view of the tensor's memory (detach(): a parameter's own view is read-only;
    # collectives write its values in place, outside the tape, like an optimizer step).
    return tensor.detach().numpy()


def _install_abort_on_exception() -> None:
    previous = sys.excepthook

    def abort(kind: Any, value: Any, tb: Any) -> None:
        r = _MPI.COMM_WORLD.Get_rank()
        sys.stderr.write(f"acaode.distributed: rank {r} raised; aborting every rank\n")
        sys.stderr.write("".join(traceback.format_exception(kind, value, tb)))
        sys.stderr.flush()
        if _MPI.COMM_WORLD.Get_size() > 1:
            _MPI.COMM_WORLD.Abort(1)
        previous(kind, value, tb)

    sys.excepthook = abort
