"""
acaode C++ core (autograd, solvers, gradient methods); use the acaode package.
"""
from __future__ import annotations
import numpy
import typing
from . import nn
from . import optim
from . import cuda
__all__: list[str] = ['AdjointOptions', 'Generator', 'GradientMethod', 'OdeintOptions', 'Solution', 'SolveStats', 'SolverError', 'Tensor', 'abs', 'add', 'arange', 'argmax', 'broadcast_to', 'build_info', 'cat', 'clamp', 'cos', 'cuda', 'div', 'enable_grad', 'exp', 'flatten', 'from_numpy', 'full', 'index_select', 'is_grad_enabled', 'linspace', 'log', 'manual_seed', 'matmul', 'max', 'maximum', 'mean', 'method_names', 'min', 'minimum', 'mul', 'neg', 'nn', 'no_grad', 'norm', 'odeint_solve', 'ones', 'ones_like', 'optim', 'permute', 'pow', 'rand', 'randn', 'relu', 'reshape', 'set_grad_enabled', 'sigmoid', 'sin', 'softplus', 'split', 'sqrt', 'square', 'squeeze', 'stack', 'sub', 'sum', 'tanh', 'tensor', 'transpose', 'unsqueeze', 'zeros', 'zeros_like']
class SolverError(RuntimeError):
    """
    A numerical failure of a solve (max_steps reached, step size underflow, non-finite state); a RuntimeError. The message says what happened and what to change.
    """
class Generator:
    """
    A seeded random number generator (xoshiro256**); the same seed gives the same numbers on every platform.
    """
    def __init__(self, seed: int) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def seed(self) -> int:
        ...
class Tensor:
    """
    An n-dimensional float32/float64 array with reverse-mode automatic differentiation. Create with acaode.tensor(...).
    """
    __array_ufunc__ = None
    requires_grad: bool
    def __add__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __array__(self, dtype: typing.Any = None, copy: typing.Any = None) -> typing.Any:
        ...
    def __float__(self) -> float:
        ...
    def __getitem__(self, arg0: typing.Any) -> Tensor:
        ...
    def __init__(self, data: typing.Any, dtype: typing.Any = None, requires_grad: bool = False) -> None:
        ...
    def __len__(self) -> int:
        ...
    def __matmul__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __mul__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __neg__(self) -> Tensor:
        ...
    def __pos__(self) -> Tensor:
        ...
    def __pow__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __radd__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __repr__(self) -> str:
        ...
    def __rmatmul__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __rmul__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __rpow__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __rsub__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __rtruediv__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __sub__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __truediv__(self, arg0: typing.Any) -> typing.Any:
        ...
    def abs(self) -> Tensor:
        ...
    def backward(self, grad: typing.Any = None, retain_graph: bool = False) -> None:
        """
        Back-propagates from this tensor into the .grad of every leaf that requires grad. grad may be omitted for a one-element tensor. Runs without the GIL.
        """
    def clamp(self, min: float, max: float) -> Tensor:
        ...
    def clone(self) -> Tensor:
        ...
    def copy_(self, src: typing.Any) -> Tensor:
        """
        Writes src's values into this tensor's storage (no autograd; inside no_grad() when the tensor requires grad).
        """
    def cos(self) -> Tensor:
        ...
    def cpu(self) -> Tensor:
        """
        t.to('cpu').
        """
    def cuda(self) -> Tensor:
        """
        t.to('cuda').
        """
    def detach(self) -> Tensor:
        ...
    def exp(self) -> Tensor:
        ...
    def fill_(self, value: float) -> Tensor:
        ...
    def flatten(self, start_dim: int = 0) -> Tensor:
        ...
    def item(self) -> float:
        ...
    def log(self) -> Tensor:
        ...
    def matmul(self, other: Tensor) -> Tensor:
        ...
    def max(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        ...
    def mean(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        ...
    def min(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        ...
    def norm(self) -> Tensor:
        ...
    def numel(self) -> int:
        ...
    def numpy(self) -> numpy.ndarray:
        """
        A NumPy view of the data (no copy; read-only when the tensor requires grad).
        """
    def permute(self, *args) -> Tensor:
        ...
    def pow(self, exponent: float) -> Tensor:
        ...
    def relu(self) -> Tensor:
        ...
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        ...
    def reshape(self, *args) -> Tensor:
        ...
    def sigmoid(self) -> Tensor:
        ...
    def sin(self) -> Tensor:
        ...
    def size(self, dim: typing.Any = None) -> typing.Any:
        ...
    def sqrt(self) -> Tensor:
        ...
    def square(self) -> Tensor:
        ...
    def squeeze(self, dim: int) -> Tensor:
        ...
    def sum(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        ...
    def tanh(self) -> Tensor:
        ...
    def to(self, device_or_dtype: typing.Any) -> Tensor:
        """
        A copy on a device ('cpu', 'cuda') or of a dtype (differentiable); self when already there.
        """
    def tolist(self) -> typing.Any:
        ...
    def transpose(self, dim0: int, dim1: int) -> Tensor:
        ...
    def unsqueeze(self, dim: int) -> Tensor:
        ...
    def view(self, *args) -> Tensor:
        ...
    @property
    def T(self) -> Tensor:
        ...
    @property
    def device(self) -> str:
        ...
    @property
    def dtype(self) -> typing.Any:
        ...
    @property
    def grad(self) -> Tensor | None:
        ...
    @grad.setter
    def grad(self, arg1: typing.Any) -> None:
        ...
    @property
    def grad_fn(self) -> str | None:
        ...
    @property
    def is_leaf(self) -> bool:
        ...
    @property
    def ndim(self) -> int:
        ...
    @property
    def shape(self) -> tuple:
        ...
class _GradModeContext:
    def __enter__(self) -> None:
        ...
    def __exit__(self, *args) -> None:
        ...
class GradientMethod:
    """
    Members:
    
      aca
    
      adjoint
    
      naive
    
      mali
    """
    __members__: typing.ClassVar[dict[str, GradientMethod]]
    aca: typing.ClassVar[GradientMethod]
    adjoint: typing.ClassVar[GradientMethod]
    mali: typing.ClassVar[GradientMethod]
    naive: typing.ClassVar[GradientMethod]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class AdjointOptions:
    """
    The continuous adjoint's backward solve; unset fields (negative, empty) take the forward solve's value.
    """
    atol: float
    max_steps: int
    method: str
    rtol: float
    def __init__(self) -> None:
        ...
class OdeintOptions:
    """
    Options of a solve (aca/options.h), field by field.
    """
    adjoint: AdjointOptions
    atol: float
    atol_tensor: Tensor
    dt_max: float
    dt_min: float
    first_step: float
    gradient: GradientMethod
    mali_damping: float
    max_steps: int
    memory_budget: int
    method: str
    rtol: float
    rtol_tensor: Tensor
    step_size: float
    def __init__(self) -> None:
        ...
    def validate(self) -> None:
        ...
class SolveStats:
    """
    Statistics of one solve; the backward fields are filled in when backward() has run through it.
    """
    def __repr__(self) -> str:
        ...
    @property
    def accepted_steps(self) -> int:
        ...
    @property
    def adjoint_reconstructed_z0(self) -> Tensor | None:
        """
        Adjoint: z(t[0]) as reconstructed by the backward solve (None otherwise).
        """
    @property
    def backward_accepted_steps(self) -> int:
        ...
    @property
    def backward_done(self) -> bool:
        ...
    @property
    def backward_f_evals(self) -> int:
        ...
    @property
    def backward_rejected_steps(self) -> int:
        ...
    @property
    def checkpoint_bytes(self) -> int:
        ...
    @property
    def forward_f_evals(self) -> int:
        ...
    @property
    def memory_budget(self) -> int:
        """
        ACA's memory budget in bytes (-1: none).
        """
    @property
    def peak_held_bytes(self) -> int:
        """
        ACA with a budget: most bytes held for the backward pass at one time.
        """
    @property
    def peak_tape_bytes(self) -> int:
        ...
    @property
    def recomputed_steps(self) -> int:
        """
        ACA with a budget: forward steps recomputed (binomial checkpointing).
        """
    @property
    def rejected_steps(self) -> int:
        ...
    @property
    def replay_max_abs_diff(self) -> float:
        """
        ACA: largest |replayed z_i - stored z_i| over the backward replays.
        """
    @property
    def replayed_steps(self) -> int:
        """
        ACA: steps the backward pass replayed.
        """
    @property
    def retained_steps(self) -> int:
        """
        ACA with a budget: steps whose tapes the forward pass kept.
        """
class Solution:
    """
    What acaode.solve returns.
    """
    def __repr__(self) -> str:
        ...
    @property
    def accepted_times(self) -> numpy.ndarray:
        """
        The forward solve's accepted grid (every t[k] is on it).
        """
    @property
    def stats(self) -> SolveStats:
        ...
    @property
    def ts(self) -> numpy.ndarray:
        """
        The output times t.
        """
    @property
    def ys(self) -> Tensor:
        """
        The states at t: [len(t), *z0.shape].
        """
def _python_callback_count() -> int:
    """
    Calls from C++ into Python made by the bindings so far (Note [GIL in solves]).
    """
def abs(input: Tensor) -> Tensor:
    ...
def add(input: Tensor, other: typing.Any) -> Tensor:
    ...
def arange(start: float, end: typing.Any = None, step: float = 1.0, dtype: typing.Any = None) -> Tensor:
    ...
def argmax(input: Tensor, dim: int, keepdim: bool = False) -> Tensor:
    ...
def broadcast_to(input: Tensor, shape: list[int]) -> Tensor:
    ...
def cat(tensors: list[Tensor], dim: int = 0) -> Tensor:
    ...
def clamp(input: Tensor, min: float, max: float) -> Tensor:
    ...
def cos(input: Tensor) -> Tensor:
    ...
def div(input: Tensor, other: typing.Any) -> Tensor:
    ...
def enable_grad() -> _GradModeContext:
    """
    Context manager: turns recording back on inside no_grad().
    """
def exp(input: Tensor) -> Tensor:
    ...
def flatten(input: Tensor, start_dim: int = 0) -> Tensor:
    ...
def from_numpy(array: typing.Any) -> Tensor:
    """
    A tensor sharing the memory of a float32/float64 C-contiguous writeable array (no copy): writes through either are seen by the other.
    """
def full(shape: typing.Any, fill_value: float, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    ...
def index_select(input: Tensor, dim: int, index: list[int]) -> Tensor:
    ...
def is_grad_enabled() -> bool:
    ...
def linspace(start: float, end: float, steps: int, dtype: typing.Any = None) -> Tensor:
    ...
def log(input: Tensor) -> Tensor:
    ...
def manual_seed(seed: int) -> None:
    """
    Reseeds the default generator (used by randn, rand and layer initialisation when no generator is given).
    """
def matmul(input: Tensor, other: Tensor) -> Tensor:
    ...
def max(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    ...
def maximum(input: Tensor, other: Tensor) -> Tensor:
    ...
def mean(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    ...
def method_names() -> list[str]:
    """
    Every method name the solvers accept: canonical names, then aliases.
    """
def min(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    ...
def minimum(input: Tensor, other: Tensor) -> Tensor:
    ...
def mul(input: Tensor, other: typing.Any) -> Tensor:
    ...
def neg(input: Tensor) -> Tensor:
    ...
def no_grad() -> _GradModeContext:
    """
    Context manager: ops inside record no autograd graph (this thread).
    """
def norm(input: Tensor) -> Tensor:
    ...
def odeint_solve(func: typing.Any, z0: Tensor, t: list[float], params: list[Tensor], options: OdeintOptions) -> Solution:
    """
    The solve behind acaode.odeint / acaode.solve (use those).
    """
def ones(*args, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    ...
def ones_like(input: Tensor, requires_grad: bool = False) -> Tensor:
    ...
def permute(input: Tensor, dims: list[int]) -> Tensor:
    ...
def pow(input: Tensor, exponent: float) -> Tensor:
    ...
def rand(*args, dtype: typing.Any = None, generator: Generator = None, requires_grad: bool = False) -> Tensor:
    """
    Uniform samples on [0, 1).
    """
def randn(*args, dtype: typing.Any = None, generator: Generator = None, requires_grad: bool = False) -> Tensor:
    """
    Standard normal samples from `generator` (default: the one reseeded by acaode.manual_seed).
    """
def relu(input: Tensor) -> Tensor:
    ...
def reshape(input: Tensor, shape: list[int]) -> Tensor:
    ...
def set_grad_enabled(mode: bool) -> None:
    ...
def sigmoid(input: Tensor) -> Tensor:
    ...
def sin(input: Tensor) -> Tensor:
    ...
def softplus(input: Tensor) -> Tensor:
    ...
def split(input: Tensor, sizes: list[int], dim: int = 0) -> list[Tensor]:
    ...
def sqrt(input: Tensor) -> Tensor:
    ...
def square(input: Tensor) -> Tensor:
    ...
def squeeze(input: Tensor, dim: int) -> Tensor:
    ...
def stack(tensors: list[Tensor], dim: int = 0) -> Tensor:
    ...
def sub(input: Tensor, other: typing.Any) -> Tensor:
    ...
def sum(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    ...
def tanh(input: Tensor) -> Tensor:
    ...
def tensor(data: typing.Any, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor holding a copy of data (a NumPy array, nested lists, a number or a Tensor). dtype: float32 or float64 (default: float32 for float32 arrays, else float64).
    """
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    ...
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    ...
def zeros(*args, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    ...
def zeros_like(input: Tensor, requires_grad: bool = False) -> Tensor:
    ...
build_info: dict = {'compiler': '12.2.0', 'simd': 'baseline', 'cpu_kernels': 'avx512'}
