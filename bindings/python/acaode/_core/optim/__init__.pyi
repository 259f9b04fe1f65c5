"""
Optimizers (acaode.optim).
"""
from __future__ import annotations
import acaode._core
import typing
from . import lr_scheduler
__all__: list[str] = ['Adam', 'Optimizer', 'SGD', 'lr_scheduler']
class Optimizer:
    """
    Base class of SGD and Adam (not constructible itself). step() updates the parameters' storage in place (no autograd) from their .grad, skipping those whose grad is None.
    """
    def load_state_dict(self, state_dict: dict) -> None:
        """
        Restores a state_dict() of an optimizer of the same kind over parameters of the same shapes; on a bad entry raises ValueError naming it and changes nothing.
        """
    def state_dict(self) -> dict:
        """
        What the next steps depend on besides the parameters, as NumPy arrays (copies): 'lr', and per parameter index i with state 'i.step', 'i.exp_avg', 'i.exp_avg_sq' (Adam) or 'i.momentum_buffer' (SGD). Save it beside the model's state_dict to resume training exactly.
        """
    def step(self) -> None:
        """
        One update of every parameter with a gradient (those whose grad is None are skipped), in place and without autograd.
        """
    def zero_grad(self) -> None:
        """
        Resets every parameter's gradient to None (the next backward writes it afresh).
        """
    @property
    def lr(self) -> float:
        """
        The learning rate used by the next step(); settable (not validated), as the lr_scheduler classes do.
        """
    @lr.setter
    def lr(self, arg1: float) -> None:
        ...
    @property
    def params(self) -> list[acaode._core.Tensor]:
        """
        The parameters being optimized, in the order given: Tensor handles sharing their storage and gradients (not copies).
        """
class SGD(Optimizer):
    """
    Stochastic gradient descent, exactly torch.optim.SGD's update.
    """
    def __init__(self, params: typing.Iterable, lr: float = 0.01, momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False) -> None:
        """
        params: an iterable of leaf CPU Tensors that require grad (e.g. module.parameters()). Per step: g = grad + weight_decay p; with momentum, b = g on the first step, then b = momentum b + (1 - dampening) g, and g = g + momentum b (nesterov) or b; p -= lr g. Needs lr > 0, momentum >= 0, dampening in [0, 1], weight_decay >= 0, and nesterov only with momentum > 0 and dampening == 0. ValueError naming the bad option or parameter; TypeError for a non-Tensor.
        """
class Adam(Optimizer):
    """
    Adam (Kingma & Ba), exactly torch.optim.Adam's update.
    """
    def __init__(self, params: typing.Iterable, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-08, weight_decay: float = 0.0) -> None:
        """
        params: an iterable of leaf CPU Tensors that require grad (e.g. module.parameters()). Per step t of a parameter: g = grad + weight_decay p, m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps), with (beta1, beta2) = betas. Needs lr > 0, betas in [0, 1), eps >= 0, weight_decay >= 0. ValueError naming the bad option or parameter; TypeError for a non-Tensor.
        """
