"""
Learning-rate schedules.
"""
from __future__ import annotations
import acaode._core.optim
__all__: list[str] = ['ExponentialLR', 'LRScheduler', 'MultiStepLR', 'StepLR']
class LRScheduler:
    """
    Base class of the schedules (not constructible itself): a closed-form lr_at(epoch) from base_lr, applied to the optimizer by step(), typically once per epoch.
    """
    def lr_at(self, epoch: int) -> float:
        """
        The learning rate of the given epoch by the closed form (changes nothing).
        """
    def step(self) -> None:
        """
        Advances one epoch and sets the optimizer's lr to lr_at(epoch).
        """
    @property
    def base_lr(self) -> float:
        """
        The optimizer's lr when the scheduler was created.
        """
    @property
    def epoch(self) -> int:
        """
        The number of step() calls so far (0 at creation).
        """
class StepLR(LRScheduler):
    """
    lr = base * gamma^floor(epoch / step_size)
    """
    def __init__(self, optimizer: acaode._core.optim.Optimizer, step_size: int, gamma: float = 0.1) -> None:
        """
        Multiplies optimizer's lr by gamma every step_size epochs. step_size >= 1, gamma > 0 (ValueError otherwise); the optimizer is kept alive by the scheduler.
        """
class MultiStepLR(LRScheduler):
    """
    lr = base * gamma^(number of milestones <= epoch)
    """
    def __init__(self, optimizer: acaode._core.optim.Optimizer, milestones: list[int], gamma: float = 0.1) -> None:
        """
        Multiplies optimizer's lr by gamma at each milestone epoch. milestones: strictly increasing ints >= 1; gamma > 0 (ValueError otherwise); the optimizer is kept alive by the scheduler.
        """
class ExponentialLR(LRScheduler):
    """
    lr = base * gamma^epoch
    """
    def __init__(self, optimizer: acaode._core.optim.Optimizer, gamma: float) -> None:
        """
        Multiplies optimizer's lr by gamma every epoch. gamma > 0 (ValueError otherwise); the optimizer is kept alive by the scheduler.
        """
