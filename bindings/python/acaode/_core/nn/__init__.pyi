"""
Neural-network modules (acaode.nn).
"""
from __future__ import annotations
import acaode._core
import typing
from . import functional
__all__: list[str] = ['AutonomousOde', 'BatchNorm2d', 'Conv2d', 'Flatten', 'GRUCell', 'GroupNorm', 'LSTM', 'LSTMCell', 'Linear', 'Module', 'Parameter', 'ReLU', 'Sequential', 'Sigmoid', 'Softplus', 'Tanh', 'functional']
class Module:
    """
    Base class of layers and models. Subclass it in Python: call super().__init__(), assign parameters (acaode.nn.Parameter or any leaf Tensor with requires_grad=True) and child modules as attributes, and define forward(self, x) -- or forward(self, t, z) returning dz/dt for acaode.odeint.
    """
    @classmethod
    def __init_subclass__(cls, **kwargs):
        ...
    def __call__(self, *args, **kwargs) -> typing.Any:
        """
        module(*args, **kwargs) is module.forward(*args, **kwargs).
        """
    def __init__(self):
        """
        Initialises the Module (idempotent).
        """
    def __repr__(self) -> str:
        ...
    def __setattr__(self, name: str, value: typing.Any) -> None:
        """
        Sets an attribute. On a Python subclass a leaf Tensor that requires grad is also registered as a parameter and a Module as a child (ValueError if the name is already registered); other values are plain attributes.
        """
    def children(self) -> list:
        """
        The direct child modules, in registration order.
        """
    def cuda(self) -> typing.Any:
        """
        The same as module.to('cuda'): moves every parameter and buffer to the CUDA device in place and returns the module (RuntimeError without a GPU, nothing moved).
        """
    def eval(self) -> typing.Any:
        """
        Evaluation mode, the same as train(False); returns the module.
        """
    def forward(self, input: acaode._core.Tensor) -> acaode._core.Tensor:
        """
        The module's computation on one input tensor. C++ layers run their own; a Python subclass defines forward(self, x), or forward(self, t, z) returning dz/dt for acaode.odeint. RuntimeError when the module defines no such forward.
        """
    def load(self, path: typing.Any) -> None:
        """
        Reads a file written by save(); a missing, corrupt or mismatched file raises (FileNotFoundError, OSError, ValueError) and leaves the module unchanged.
        """
    def load_state_dict(self, state_dict: dict) -> None:
        """
        Copies the arrays into the parameters and buffers (same names, shapes); on a mismatch raises ValueError naming the entry and changes nothing.
        """
    def named_buffers(self) -> list[tuple[str, acaode._core.Tensor]]:
        """
        (dotted name, tensor) pairs of the buffers (state without gradient, e.g. BatchNorm2d's running_mean) of this module and its children, each once.
        """
    def named_children(self) -> list:
        """
        (name, module) pairs of the direct children, in registration order.
        """
    def named_parameters(self) -> list[tuple[str, acaode._core.Tensor]]:
        """
        (dotted name, tensor) pairs, e.g. ('0.weight', ...) in a Sequential.
        """
    def num_parameters(self) -> int:
        """
        The total number of parameter elements (the sum of numel() over parameters()).
        """
    def parameters(self) -> list[acaode._core.Tensor]:
        """
        Parameters of this module and its children, depth first, each once.
        """
    def register_buffer(self, name: str, value: typing.Any) -> acaode._core.Tensor:
        """
        Adds state without gradient (saved in state_dict), e.g. running statistics: registers value (a Tensor kept as is, or array-like data copied) as the buffer name, sets it as an attribute and returns it. TypeError unless self is a Python subclass; ValueError for an empty or dotted name or a name already registered.
        """
    def register_parameter(self, name: str, value: typing.Any) -> acaode._core.Tensor:
        """
        Registers value as the parameter name, sets it as an attribute and returns it. value: a leaf Tensor (kept as is and marked requires_grad) or array-like data (copied). TypeError unless self is a Python subclass; ValueError for a non-leaf tensor, an empty or dotted name, or a name already registered.
        """
    def save(self, path: typing.Any) -> None:
        """
        Writes the state dict to a checksummed binary file.
        """
    def state_dict(self) -> dict:
        """
        Parameters and buffers by dotted name, as NumPy arrays (copies: a snapshot).
        """
    def to(self, device: typing.Any) -> typing.Any:
        """
        Moves every parameter and buffer to the device in place and returns the module (RuntimeError without a GPU, nothing moved).
        """
    def train(self, mode: bool = True) -> typing.Any:
        """
        Sets training mode (True) or evaluation mode (False) on this module and all its children and returns the module. Of the built-in layers only BatchNorm2d behaves differently (batch statistics in training, running statistics in eval).
        """
    def zero_grad(self) -> None:
        """
        Resets every parameter's gradient to None.
        """
    @property
    def training(self) -> bool:
        """
        True in training mode (the default), False after eval() or train(False).
        """
    @property
    def type_name(self) -> str:
        """
        The C++ type name of the module, e.g. 'Linear' ('Module' for a Python subclass).
        """
class Linear(Module):
    """
    Affine layer y = x W^T + b (torch.nn.Linear): input [..., in_features] -> [..., out_features]; weight [out, in], bias [out]; PyTorch's initialisation.
    """
    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        """
        in_features, out_features >= 0; bias=False omits b; dtype float32 or float64 (default float64). weight and bias are drawn U(-1/sqrt(in), 1/sqrt(in)) from generator (default: the one acaode.manual_seed reseeds). ValueError for a negative size.
        """
    @property
    def bias(self) -> typing.Any:
        """
        The bias parameter b, shape [out_features], or None when built with bias=False.
        """
    @property
    def weight(self) -> acaode._core.Tensor:
        """
        The weight parameter W, shape [out_features, in_features].
        """
class Conv2d(Module):
    """
    2-D convolution, NCHW (torch.nn.Conv2d with groups = 1, square kernel, no dilation): [N, in, H, W] -> [N, out, OH, OW], OH = (H + 2 padding - k) // stride + 1; weight [out, in, k, k], bias [out].
    """
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        """
        Channels and kernel_size >= 1, stride >= 1 (both spatial dims), padding >= 0 (zeros on every side); bias=False omits the bias; dtype float32 or float64 (default float64). Parameters are drawn U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels * k * k, from generator (default: the one acaode.manual_seed reseeds). ValueError otherwise.
        """
    @property
    def bias(self) -> typing.Any:
        """
        The bias parameter, shape [out_channels], or None when built with bias=False.
        """
    @property
    def weight(self) -> acaode._core.Tensor:
        """
        The weight parameter, shape [out_channels, in_channels, k, k].
        """
class GroupNorm(Module):
    """
    Group normalization (torch.nn.GroupNorm) of input [N, C, ...]: y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], with the mean and biased variance of each sample over each group of C / num_groups channels and all positions. The same in training and eval mode; differentiable.
    """
    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-05, affine: bool = True, dtype: typing.Any = None) -> None:
        """
        num_groups must divide num_channels (C); eps > 0; affine=True adds the parameters weight (ones) and bias (zeros) of shape [C]; dtype float32 or float64 (default float64). ValueError otherwise, and in forward for an input not [N, C, ...].
        """
    @property
    def bias(self) -> typing.Any:
        """
        The shift parameter, shape [num_channels], or None when affine=False.
        """
    @property
    def weight(self) -> typing.Any:
        """
        The scale parameter, shape [num_channels], or None when affine=False.
        """
class BatchNorm2d(Module):
    """
    Batch normalization of input [N, C, H, W] (torch.nn.BatchNorm2d): y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c]. Training mode: per-channel batch mean and biased variance, and the buffers running_mean / running_var updated in place as (1 - momentum) running + momentum stat (unbiased variance); eval mode: the running statistics. Differentiable.
    """
    def __init__(self, num_features: int, eps: float = 1e-05, momentum: float = 0.1, affine: bool = True, dtype: typing.Any = None) -> None:
        """
        num_features = C >= 1; eps > 0; momentum in [0, 1]; affine=True adds the parameters weight (ones) and bias (zeros) of shape [C]; dtype float32 or float64 (default float64). ValueError otherwise, and in forward for an input not [N, C, H, W] or, in training, with one value per channel.
        """
    @property
    def bias(self) -> typing.Any:
        """
        The shift parameter, shape [num_features], or None when affine=False.
        """
    @property
    def running_mean(self) -> acaode._core.Tensor:
        """
        Buffer [num_features]: the running mean (zeros at first), updated by forward in training mode and used in eval mode.
        """
    @property
    def running_var(self) -> acaode._core.Tensor:
        """
        Buffer [num_features]: the running unbiased variance (ones at first), updated by forward in training mode and used in eval mode.
        """
    @property
    def weight(self) -> typing.Any:
        """
        The scale parameter, shape [num_features], or None when affine=False.
        """
class ReLU(Module):
    """
    Layer applying max(x, 0) elementwise (acaode.relu); no parameters.
    """
    def __init__(self) -> None:
        """
        A ReLU layer (no arguments).
        """
class Tanh(Module):
    """
    Layer applying tanh elementwise (acaode.tanh); no parameters.
    """
    def __init__(self) -> None:
        """
        A Tanh layer (no arguments).
        """
class Sigmoid(Module):
    """
    Layer applying 1 / (1 + exp(-x)) elementwise (acaode.sigmoid); no parameters.
    """
    def __init__(self) -> None:
        """
        A Sigmoid layer (no arguments).
        """
class Softplus(Module):
    """
    Layer applying log(1 + exp(x)) elementwise (beta = 1; acaode.softplus); no parameters.
    """
    def __init__(self) -> None:
        """
        A Softplus layer (no arguments).
        """
class Flatten(Module):
    """
    Layer collapsing dims start_dim..last into one, e.g. [N, C, H, W] -> [N, C*H*W] with the default start_dim = 1 (a view; acaode.flatten); no parameters.
    """
    def __init__(self, start_dim: int = 1) -> None:
        """
        start_dim: the first dim collapsed (negative counts from the end).
        """
class Sequential(Module):
    """
    Modules applied in order; children named '0', '1', ...
    """
    def __getitem__(self, arg0: int) -> Module:
        """
        The module at int index i (negative counts from the end; no slices). IndexError when out of range.
        """
    def __init__(self, *args) -> None:
        """
        Sequential(m0, m1, ...): the modules in order (TypeError for a non-Module). A Linear directly followed by a Tanh or ReLU runs as one fused op, with the same values and gradients.
        """
    def __len__(self) -> int:
        """
        The number of modules.
        """
    def append(self, module: Module) -> typing.Any:
        """
        Adds module at the end (named str(len(self)) before the call) and returns this Sequential.
        """
class LSTMCell(Module):
    """
    One LSTM step (torch.nn.LSTMCell): [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh; c' = sigmoid(f) c + sigmoid(i) tanh(g); h' = sigmoid(o) tanh(c'). Parameters weight_ih [4H, I], weight_hh [4H, H], bias_ih and bias_hh [4H].
    """
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        """
        input_size I >= 1 and hidden_size H >= 1 (ValueError otherwise); bias=False omits the biases; dtype float32 or float64 (default float64). Every parameter is drawn U(-1/sqrt(H), 1/sqrt(H)) from generator (default: the one acaode.manual_seed reseeds).
        """
    def forward(self, input: acaode._core.Tensor, state: typing.Any = None) -> tuple[acaode._core.Tensor, acaode._core.Tensor]:
        """
        x [N, I], state (h, c) each [N, H] or None (zeros) -> (h', c'). Differentiable. ValueError for other shapes; TypeError for a state that is not a pair of Tensors.
        """
class LSTM(Module):
    """
    Multi-layer LSTM over a sequence (torch.nn.LSTM, sequence first, unidirectional, no dropout): each layer runs the LSTMCell equations over time on the hidden states of the layer below. Layer k's parameters: weight_ih_l<k> [4H, I or H], weight_hh_l<k> [4H, H], bias_ih_l<k> and bias_hh_l<k> [4H].
    """
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        """
        input_size I >= 1, hidden_size H >= 1, num_layers >= 1 (ValueError otherwise); bias=False omits the biases; dtype float32 or float64 (default float64). Every parameter is drawn U(-1/sqrt(H), 1/sqrt(H)) from generator (default: the one acaode.manual_seed reseeds).
        """
    def forward(self, input: acaode._core.Tensor, state: typing.Any = None) -> tuple:
        """
        x [T, N, I] (T >= 1), state (h0, c0) each [num_layers, N, H] or None (zeros) -> (output [T, N, H] of the last layer, (h, c) each [num_layers, N, H]). Differentiable. ValueError for other shapes.
        """
class GRUCell(Module):
    """
    One GRU step (torch.nn.GRUCell): r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = (1 - z) n + z h. Parameters weight_ih [3H, I], weight_hh [3H, H], bias_ih and bias_hh [3H] (gates r, z, n).
    """
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        """
        input_size I >= 1 and hidden_size H >= 1 (ValueError otherwise); bias=False omits the biases; dtype float32 or float64 (default float64). Every parameter is drawn U(-1/sqrt(H), 1/sqrt(H)) from generator (default: the one acaode.manual_seed reseeds).
        """
    def forward(self, input: acaode._core.Tensor, h: acaode._core.Tensor | None = None) -> acaode._core.Tensor:
        """
        x [N, I], h [N, H] or None (zeros) -> h' [N, H]. Differentiable. ValueError for other shapes.
        """
class AutonomousOde(Module):
    """
    The ODE f(t, z) = func(z) of a module func (its child 'func').
    """
    def __init__(self, func: Module) -> None:
        """
        Wraps the module func (kept alive by this object) as the time-independent right-hand side f(t, z) = func(z); its parameters read 'func.<name>'.
        """
    def forward(self, t: float, z: acaode._core.Tensor) -> acaode._core.Tensor:
        """
        dz/dt = func(z) at state z (the time t is ignored).
        """
def Parameter(data: typing.Any, requires_grad: bool = True) -> acaode._core.Tensor:
    """
    A leaf tensor requiring grad (sharing data's storage when data is a Tensor); assign it to a Module attribute to register it.
    """
def _constructed(module: typing.Any) -> bool:
    """
    Whether the C++ side of a Module exists (acaode/nn/__init__.py builds it before a subclass's __init__ runs; Note [Python modules]).
    """
