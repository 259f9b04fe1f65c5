"""acaode.nn.functional: NN ops as functions (as torch.nn.functional)."""
from acaode._core import nn as _nn

_f = _nn.functional

relu = _f.relu
tanh = _f.tanh
sigmoid = _f.sigmoid
softplus = _f.softplus
linear = _f.linear
conv2d = _f.conv2d
avg_pool2d = _f.avg_pool2d
adaptive_avg_pool2d = _f.adaptive_avg_pool2d
group_norm = _f.group_norm
batch_norm = _f.batch_norm
log_softmax = _f.log_softmax
cross_entropy = _f.cross_entropy
mse_loss = _f.mse_loss

__all__ = ["relu", "tanh", "sigmoid", "softplus", "linear", "conv2d", "avg_pool2d",
           "adaptive_avg_pool2d", "group_norm", "batch_norm", "log_softmax", "cross_entropy",
           "mse_loss"]
