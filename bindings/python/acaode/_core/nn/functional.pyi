"""
NN ops as functions (acaode.nn.functional).
"""
from __future__ import annotations
import acaode._core
import typing
__all__: list[str] = ['adaptive_avg_pool2d', 'avg_pool2d', 'batch_norm', 'conv2d', 'cross_entropy', 'group_norm', 'linear', 'log_softmax', 'mse_loss', 'relu', 'sigmoid', 'softplus', 'tanh']
def adaptive_avg_pool2d(input: acaode._core.Tensor, output_size: int) -> acaode._core.Tensor:
    """
    Global average pooling [N, C, H, W] -> [N, C, 1, 1] (the mean of each H x W plane); only output_size=1 is supported (ValueError otherwise). Differentiable. ValueError for a non-4-D input or empty planes.
    """
def avg_pool2d(input: acaode._core.Tensor, kernel_size: int, stride: int | None = None, padding: int = 0) -> acaode._core.Tensor:
    """
    Mean over kernel_size x kernel_size windows of input [N, C, H, W] -> [N, C, OH, OW], OH = (H + 2 padding - kernel_size) // stride + 1; stride defaults to kernel_size. The zero padding counts in the divisor (PyTorch's count_include_pad=True). Differentiable. ValueError for a non-4-D input, kernel_size < 1, stride < 1, padding outside [0, kernel_size / 2], or a kernel larger than the padded image.
    """
def batch_norm(input: acaode._core.Tensor, running_mean: acaode._core.Tensor | None, running_var: acaode._core.Tensor | None, weight: acaode._core.Tensor | None = None, bias: acaode._core.Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-05) -> acaode._core.Tensor:
    """
    Batch normalization of input [N, C, ...]: y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c] per channel c. With training=True, or when running_mean and running_var are None, mean and var are the batch mean and biased variance over N and all positions; otherwise the running statistics. With training=True, given running statistics are updated in place (no autograd): running = (1 - momentum) running + momentum stat, with the unbiased variance. running_mean and running_var: both [C] or both None; weight and bias: [C] or None (1 and 0). Differentiable in input, weight and bias. ValueError for bad shapes or dtypes, eps <= 0, or batch statistics of one value per channel.
    """
def conv2d(input: acaode._core.Tensor, weight: acaode._core.Tensor, bias: acaode._core.Tensor | None = None, stride: int = 1, padding: int = 0) -> acaode._core.Tensor:
    """
    2-D convolution, NCHW (groups = 1, no dilation): input [N, C, H, W], weight [O, C, KH, KW], bias [O] or None -> [N, O, OH, OW] with OH = (H + 2 padding - KH) // stride + 1 (the same stride and zero padding in both spatial dims). Differentiable in input, weight and bias. ValueError for a non-4-D input or weight, a channel mismatch, a bias not [O], mixed dtypes, stride < 1, padding < 0, or a kernel larger than the padded image.
    """
def cross_entropy(input: acaode._core.Tensor, target: typing.Any, reduction: str = 'mean') -> acaode._core.Tensor:
    """
    Cross entropy of logits [N, C] with integer class labels [N] (a Tensor, array or list): -sum_n log_softmax(input)[n, target[n]], divided by N for reduction='mean' (not for 'sum'), as a 0-d tensor. Differentiable in input only (gradient softmax - onehot(target), / N for 'mean'). ValueError for input not 2-D, a wrong number of labels, a label not an integer in [0, C), a mean over an empty batch, or a reduction other than 'mean' and 'sum'.
    """
def group_norm(input: acaode._core.Tensor, num_groups: int, weight: acaode._core.Tensor | None = None, bias: acaode._core.Tensor | None = None, eps: float = 1e-05) -> acaode._core.Tensor:
    """
    Group normalization of input [N, C, ...]: y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], with the mean and biased variance of each sample over each group of C / num_groups channels and all positions; weight and bias [C] or None (1 and 0). Differentiable in input, weight and bias. ValueError for fewer than 2 dims, num_groups not dividing C, weight or bias not [C] or of another dtype, or eps <= 0.
    """
def linear(input: acaode._core.Tensor, weight: acaode._core.Tensor, bias: acaode._core.Tensor | None = None) -> acaode._core.Tensor:
    """
    y = x W^T + b with weight [out, in]: input [..., in] (at least 1-D), bias [out] or None -> [..., out]. Differentiable in input, weight and bias. ValueError for mismatched shapes or dtypes.
    """
def log_softmax(input: acaode._core.Tensor, dim: int = -1) -> acaode._core.Tensor:
    """
    log(softmax(x)) along dim, computed stably: y_i = x_i - m - log(sum_j exp(x_j - m)) with m the max along dim. Same shape and dtype as input. Differentiable. ValueError for a 0-d input or a dim out of range.
    """
def mse_loss(input: acaode._core.Tensor, target: typing.Any, reduction: str = 'mean') -> acaode._core.Tensor:
    """
    Mean squared error: sum((input - target)^2), divided by input.numel() for reduction='mean' (not for 'sum'), as a 0-d tensor. target: a Tensor or array-like of exactly input's shape (no broadcasting), converted to input's dtype. Differentiable in input and target. ValueError for a shape mismatch, a mean over an empty input, or a reduction other than 'mean' and 'sum'.
    """
def relu(input: acaode._core.Tensor) -> acaode._core.Tensor:
    """
    relu(x) = max(x, 0) elementwise. Same shape and dtype as input. Differentiable with gradient 1 where x > 0, else 0.
    """
def sigmoid(input: acaode._core.Tensor) -> acaode._core.Tensor:
    """
    sigmoid(x) = 1 / (1 + exp(-x)) elementwise, computed stably. Same shape and dtype as input. Differentiable (d/dx = s (1 - s)).
    """
def softplus(input: acaode._core.Tensor) -> acaode._core.Tensor:
    """
    softplus(x) = log(1 + exp(x)) elementwise (beta = 1), computed stably. Same shape and dtype as input. Differentiable (d/dx = sigmoid(x)).
    """
def tanh(input: acaode._core.Tensor) -> acaode._core.Tensor:
    """
    Hyperbolic tangent elementwise. Same shape and dtype as input. Differentiable (d/dx = 1 - tanh(x)^2).
    """
