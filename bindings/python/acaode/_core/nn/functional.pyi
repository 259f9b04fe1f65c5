"""
NN ops as functions (acaode.nn.functional).
"""
from __future__ import annotations
import acaode._core
import typing
__all__: list[str] = ['adaptive_avg_pool2d', 'avg_pool2d', 'batch_norm', 'conv2d', 'cross_entropy', 'group_norm', 'linear', 'log_softmax', 'mse_loss', 'relu', 'sigmoid', 'softplus', 'tanh']
def adaptive_avg_pool2d(input: acaode._core.Tensor, output_size: int) -> acaode._core.Tensor:
    ...
def avg_pool2d(input: acaode._core.Tensor, kernel_size: int, stride: int | None = None, padding: int = 0) -> acaode._core.Tensor:
    ...
def batch_norm(input: acaode._core.Tensor, running_mean: acaode._core.Tensor | None, running_var: acaode._core.Tensor | None, weight: acaode._core.Tensor | None = None, bias: acaode._core.Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-05) -> acaode._core.Tensor:
    ...
def conv2d(input: acaode._core.Tensor, weight: acaode._core.Tensor, bias: acaode._core.Tensor | None = None, stride: int = 1, padding: int = 0) -> acaode._core.Tensor:
    ...
def cross_entropy(input: acaode._core.Tensor, target: typing.Any, reduction: str = 'mean') -> acaode._core.Tensor:
    """
    Cross entropy of logits [N, C] with integer class labels [N] (a Tensor, array or list).
    """
def group_norm(input: acaode._core.Tensor, num_groups: int, weight: acaode._core.Tensor | None = None, bias: acaode._core.Tensor | None = None, eps: float = 1e-05) -> acaode._core.Tensor:
    ...
def linear(input: acaode._core.Tensor, weight: acaode._core.Tensor, bias: acaode._core.Tensor | None = None) -> acaode._core.Tensor:
    """
    y = x W^T + b with weight [out, in].
    """
def log_softmax(input: acaode._core.Tensor, dim: int = -1) -> acaode._core.Tensor:
    ...
def mse_loss(input: acaode._core.Tensor, target: typing.Any, reduction: str = 'mean') -> acaode._core.Tensor:
    ...
def relu(input: acaode._core.Tensor) -> acaode._core.Tensor:
    ...
def sigmoid(input: acaode._core.Tensor) -> acaode._core.Tensor:
    ...
def softplus(input: acaode._core.Tensor) -> acaode._core.Tensor:
    ...
def tanh(input: acaode._core.Tensor) -> acaode._core.Tensor:
    ...
