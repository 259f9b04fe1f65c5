"""
Learning-rate schedules.
"""
from __future__ import annotations
import acaode._core.optim
__all__: list[str] = ['ExponentialLR', 'LRScheduler', 'MultiStepLR', 'StepLR']
class LRScheduler:
    def lr_at(self, epoch: int) -> float:
        ...
    def step(self) -> None:
        """
        Advances one epoch and sets the optimizer's lr to lr_at(epoch).
        """
    @property
    def base_lr(self) -> float:
        ...
    @property
    def epoch(self) -> int:
        ...
class StepLR(LRScheduler):
    """
    lr = base * gamma^floor(epoch / step_size)
    """
    def __init__(self, optimizer: acaode._core.optim.Optimizer, step_size: int, gamma: float = 0.1) -> None:
        ...
class MultiStepLR(LRScheduler):
    """
    lr = base * gamma^(number of milestones <= epoch)
    """
    def __init__(self, optimizer: acaode._core.optim.Optimizer, milestones: list[int], gamma: float = 0.1) -> None:
        ...
class ExponentialLR(LRScheduler):
    """
    lr = base * gamma^epoch
    """
    def __init__(self, optimizer: acaode._core.optim.Optimizer, gamma: float) -> None:
        ...
