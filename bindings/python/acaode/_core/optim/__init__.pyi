"""
Optimizers (acaode.optim).
"""
from __future__ import annotations
import acaode._core
import typing
from . import lr_scheduler
__all__: list[str] = ['Adam', 'Optimizer', 'SGD', 'lr_scheduler']
class Optimizer:
    lr: float
    def step(self) -> None:
        """
        One update of every parameter with a gradient.
        """
    def zero_grad(self) -> None:
        ...
    @property
    def params(self) -> list[acaode._core.Tensor]:
        ...
class SGD(Optimizer):
    """
    Stochastic gradient descent, exactly torch.optim.SGD's update.
    """
    def __init__(self, params: typing.Iterable, lr: float = 0.01, momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False) -> None:
        ...
class Adam(Optimizer):
    """
    Adam (Kingma & Ba), exactly torch.optim.Adam's update.
    """
    def __init__(self, params: typing.Iterable, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-08, weight_decay: float = 0.0) -> None:
        ...
