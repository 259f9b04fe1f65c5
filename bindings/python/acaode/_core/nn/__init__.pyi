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
        ...
    def __init__(self):
        """
        Initialises the Module (idempotent).
        """
    def __repr__(self) -> str:
        ...
    def __setattr__(self, name: str, value: typing.Any) -> None:
        ...
    def children(self) -> list:
        ...
    def cuda(self) -> typing.Any:
        """
        module.to('cuda').
        """
    def eval(self) -> typing.Any:
        ...
    def forward(self, input: acaode._core.Tensor) -> acaode._core.Tensor:
        ...
    def load(self, path: typing.Any) -> None:
        """
        Reads a file written by save(); a missing, corrupt or mismatched file raises (FileNotFoundError, OSError, ValueError) and leaves the module unchanged.
        """
    def load_state_dict(self, state_dict: dict) -> None:
        """
        Copies the arrays into the parameters and buffers (same names, shapes); on a mismatch raises ValueError naming the entry and changes nothing.
        """
    def named_buffers(self) -> list[tuple[str, acaode._core.Tensor]]:
        ...
    def named_children(self) -> list:
        ...
    def named_parameters(self) -> list[tuple[str, acaode._core.Tensor]]:
        """
        (dotted name, tensor) pairs, e.g. ('0.weight', ...) in a Sequential.
        """
    def num_parameters(self) -> int:
        ...
    def parameters(self) -> list[acaode._core.Tensor]:
        """
        Parameters of this module and its children, depth first, each once.
        """
    def register_buffer(self, name: str, value: typing.Any) -> acaode._core.Tensor:
        """
        Adds state without gradient (saved in state_dict), e.g. running statistics.
        """
    def register_parameter(self, name: str, value: typing.Any) -> acaode._core.Tensor:
        ...
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
        ...
    def zero_grad(self) -> None:
        """
        Resets every parameter's gradient to None.
        """
    @property
    def training(self) -> bool:
        ...
    @property
    def type_name(self) -> str:
        ...
class Linear(Module):
    """
    y = x W^T + b; weight [out, in], bias [out]; PyTorch's initialisation.
    """
    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        ...
    @property
    def bias(self) -> typing.Any:
        ...
    @property
    def weight(self) -> acaode._core.Tensor:
        ...
class Conv2d(Module):
    """
    2-D convolution, NCHW; weight [out, in, k, k], bias [out].
    """
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        ...
    @property
    def bias(self) -> typing.Any:
        ...
    @property
    def weight(self) -> acaode._core.Tensor:
        ...
class GroupNorm(Module):
    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-05, affine: bool = True, dtype: typing.Any = None) -> None:
        ...
    @property
    def bias(self) -> typing.Any:
        ...
    @property
    def weight(self) -> typing.Any:
        ...
class BatchNorm2d(Module):
    def __init__(self, num_features: int, eps: float = 1e-05, momentum: float = 0.1, affine: bool = True, dtype: typing.Any = None) -> None:
        ...
    @property
    def bias(self) -> typing.Any:
        ...
    @property
    def running_mean(self) -> acaode._core.Tensor:
        ...
    @property
    def running_var(self) -> acaode._core.Tensor:
        ...
    @property
    def weight(self) -> typing.Any:
        ...
class ReLU(Module):
    def __init__(self) -> None:
        ...
class Tanh(Module):
    def __init__(self) -> None:
        ...
class Sigmoid(Module):
    def __init__(self) -> None:
        ...
class Softplus(Module):
    def __init__(self) -> None:
        ...
class Flatten(Module):
    def __init__(self, start_dim: int = 1) -> None:
        ...
class Sequential(Module):
    """
    Modules applied in order; children named '0', '1', ...
    """
    def __getitem__(self, arg0: int) -> Module:
        ...
    def __init__(self, *args) -> None:
        ...
    def __len__(self) -> int:
        ...
    def append(self, module: Module) -> typing.Any:
        ...
class LSTMCell(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        ...
    def forward(self, input: acaode._core.Tensor, state: typing.Any = None) -> tuple[acaode._core.Tensor, acaode._core.Tensor]:
        """
        x [N, I], state (h, c) each [N, H] or None (zeros) -> (h', c').
        """
class LSTM(Module):
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        ...
    def forward(self, input: acaode._core.Tensor, state: typing.Any = None) -> tuple:
        """
        x [T, N, I] -> (output [T, N, H], (h, c) each [num_layers, N, H]).
        """
class GRUCell(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: typing.Any = None, generator: acaode._core.Generator = None) -> None:
        ...
    def forward(self, input: acaode._core.Tensor, h: acaode._core.Tensor | None = None) -> acaode._core.Tensor:
        ...
class AutonomousOde(Module):
    """
    The ODE f(t, z) = func(z) of a module func (its child 'func').
    """
    def __init__(self, func: Module) -> None:
        ...
    def forward(self, t: float, z: acaode._core.Tensor) -> acaode._core.Tensor:
        ...
def Parameter(data: typing.Any, requires_grad: bool = True) -> acaode._core.Tensor:
    """
    A leaf tensor requiring grad (sharing data's storage when data is a Tensor); assign it to a Module attribute to register it.
    """
def _constructed(module: typing.Any) -> bool:
    """
    Whether the C++ side of a Module exists (acaode/nn/__init__.py builds it before a subclass's __init__ runs; Note [Python modules]).
    """
