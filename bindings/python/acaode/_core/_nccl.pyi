"""
NCCL collectives on CUDA tensors (private).
"""
from __future__ import annotations
import acaode._core
__all__: list[str] = ['Communicator', 'available', 'unique_id', 'version']
class Communicator:
    """
    One rank's membership of an NCCL communicator.
    """
    def __init__(self, unique_id: bytes, world_size: int, rank: int) -> None:
        ...
    def abort(self) -> None:
        """
        Ends the communicator without waiting for the other ranks.
        """
    def all_reduce(self, tensors: list[acaode._core.Tensor], op: str = 'sum') -> None:
        """
        Each CUDA tensor reduced over the ranks in place (sum, mean, max, min).
        """
    def broadcast(self, tensors: list[acaode._core.Tensor], root: int = 0) -> None:
        """
        Each CUDA tensor replaced in place by rank root's values.
        """
    @property
    def rank(self) -> int:
        ...
    @property
    def world_size(self) -> int:
        ...
def available() -> tuple[bool, str]:
    """
    (True, '') when NCCL loads, else (False, why).
    """
def unique_id() -> bytes:
    """
    A fresh communicator id (bytes), made on one rank and sent to the others.
    """
def version() -> int:
    """
    The loaded NCCL's version code, e.g. 22803 (RuntimeError without NCCL).
    """
