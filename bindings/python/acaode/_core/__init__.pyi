"""
acaode C++ core (autograd, solvers, gradient methods); use the acaode package.
"""
from __future__ import annotations
import numpy
import typing
from . import nn
from . import optim
from . import cuda
from . import _nccl
__all__: list[str] = ['AdjointNorm', 'AdjointOptions', 'Generator', 'GradientMethod', 'OdeintOptions', 'Solution', 'SolveStats', 'SolverError', 'Tensor', 'abs', 'add', 'arange', 'argmax', 'broadcast_to', 'build_info', 'cat', 'clamp', 'cos', 'cuda', 'div', 'enable_grad', 'exp', 'flatten', 'from_numpy', 'full', 'index_select', 'is_grad_enabled', 'linspace', 'log', 'manual_seed', 'matmul', 'max', 'maximum', 'mean', 'method_names', 'min', 'minimum', 'mul', 'neg', 'nn', 'no_grad', 'norm', 'odeint_solve', 'ones', 'ones_like', 'optim', 'permute', 'pow', 'rand', 'randn', 'relu', 'reshape', 'set_grad_enabled', 'sigmoid', 'sin', 'softplus', 'split', 'sqrt', 'square', 'squeeze', 'stack', 'sub', 'sum', 'tanh', 'tensor', 'transpose', 'unsqueeze', 'zeros', 'zeros_like']
class SolverError(RuntimeError):
    """
    A numerical failure of a solve (max_steps reached, step size underflow, non-finite state); a RuntimeError. The message says what happened and what to change.
    """
class Generator:
    """
    A seeded random number generator (xoshiro256**); the same seed gives the same numbers on every platform.
    """
    def __init__(self, seed: int) -> None:
        """
        A generator seeded with seed (an int in [0, 2^64)).
        """
    def __repr__(self) -> str:
        ...
    @property
    def seed(self) -> int:
        """
        The seed this generator was created with.
        """
class Tensor:
    """
    An n-dimensional float32/float64 array with reverse-mode automatic differentiation. Create with acaode.tensor(...).
    """
    __array_ufunc__ = None
    def __add__(self, arg0: typing.Any) -> typing.Any:
        """
        self + other with NumPy broadcasting. other: a Tensor of the same dtype, a number (NumPy scalars included) or array-like data (converted to self's dtype); NotImplemented for anything else. Differentiable.
        """
    def __array__(self, dtype: typing.Any = None, copy: typing.Any = None) -> typing.Any:
        """
        NumPy's array protocol (numpy.asarray(t)): the numpy() view, converted to dtype and/or copied when asked. CPU tensors only (RuntimeError for CUDA).
        """
    def __float__(self) -> float:
        """
        float(t): the value of a one-element tensor (ValueError unless numel() == 1).
        """
    def __getitem__(self, arg0: typing.Any) -> Tensor:
        """
        t[key] for key an int, a slice, None (a new dim of size 1), ... (Ellipsis), a list or 1-D integer array of indices (not a boolean mask), or a tuple of these. Ints and step-1 slices share storage where the selection is contiguous (e.g. along dim 0); stepped slices and index lists copy (CPU only). Differentiable. IndexError for an int out of range or too many indices, ValueError for an index-list entry out of range, TypeError for other keys.
        """
    def __init__(self, data: typing.Any, dtype: typing.Any = None, requires_grad: bool = False) -> None:
        """
        Same as acaode.tensor(data, dtype, requires_grad): a new leaf tensor holding a copy of data (a NumPy array, nested lists, a number or a Tensor). dtype: float32 or float64 (default: float32 for float32 arrays, else float64).
        """
    def __len__(self) -> int:
        """
        len(t): the size of dim 0 (TypeError for a 0-d tensor).
        """
    def __matmul__(self, arg0: typing.Any) -> typing.Any:
        """
        self @ other: acaode.matmul with a Tensor or array-like other (converted to self's dtype). Differentiable.
        """
    def __mul__(self, arg0: typing.Any) -> typing.Any:
        """
        self * other elementwise with NumPy broadcasting; other as in __add__. Differentiable.
        """
    def __neg__(self) -> Tensor:
        """
        -self elementwise; differentiable.
        """
    def __pos__(self) -> Tensor:
        """
        +self: returns this tensor itself.
        """
    def __pow__(self, arg0: typing.Any) -> typing.Any:
        """
        self ** p for a number p (NotImplemented for a tensor or array exponent): x^p elementwise, differentiable in self (d/dx = p x^(p-1)).
        """
    def __radd__(self, arg0: typing.Any) -> typing.Any:
        """
        other + self for a number or array-like other (see __add__). Differentiable.
        """
    def __repr__(self) -> str:
        ...
    def __rmatmul__(self, arg0: typing.Any) -> typing.Any:
        """
        other @ self for array-like other (converted to self's dtype). Differentiable.
        """
    def __rmul__(self, arg0: typing.Any) -> typing.Any:
        """
        other * self for a number or array-like other (see __add__). Differentiable.
        """
    def __rpow__(self, arg0: typing.Any) -> typing.Any:
        """
        b ** self for a number b > 0, computed as exp(self * log(b)); differentiable. ValueError for b <= 0; NotImplemented for a non-number base.
        """
    def __rsub__(self, arg0: typing.Any) -> typing.Any:
        """
        other - self for a number or array-like other (see __add__). Differentiable.
        """
    def __rtruediv__(self, arg0: typing.Any) -> typing.Any:
        """
        other / self for a number or array-like other (see __add__). Differentiable.
        """
    def __sub__(self, arg0: typing.Any) -> typing.Any:
        """
        self - other with NumPy broadcasting; other as in __add__. Differentiable.
        """
    def __truediv__(self, arg0: typing.Any) -> typing.Any:
        """
        self / other elementwise with NumPy broadcasting; other as in __add__. Differentiable.
        """
    def abs(self) -> Tensor:
        """
        |x| elementwise; differentiable with gradient sign(x) (0 at x == 0).
        """
    def backward(self, grad: typing.Any = None, retain_graph: bool = False) -> None:
        """
        Back-propagates from this tensor into the .grad of every leaf that requires grad. grad may be omitted for a one-element tensor. Runs without the GIL; then runs the post-backward hooks (acaode.distributed's gradient averaging).
        """
    def clamp(self, min: float, max: float) -> Tensor:
        """
        min(max(x, min), max) elementwise; both bounds are required numbers. Differentiable: the gradient passes where min <= x <= max (bounds included), 0 outside. ValueError if min > max.
        """
    def clone(self) -> Tensor:
        """
        A copy with its own storage on the same device; differentiable (the gradient passes through unchanged).
        """
    def copy_(self, src: typing.Any) -> Tensor:
        """
        Writes src's values into this tensor's storage and returns this tensor. src: a Tensor or array-like data of exactly this shape (converted to this dtype; ValueError for another shape). No autograd: RuntimeError if this tensor requires grad while grad mode is on (use it inside acaode.no_grad()).
        """
    def cos(self) -> Tensor:
        """
        Cosine elementwise (radians); differentiable (d/dx = -sin(x)).
        """
    def cpu(self) -> Tensor:
        """
        A copy on the CPU, the same as t.to('cpu'): differentiable, and this tensor itself when already there.
        """
    def cuda(self) -> Tensor:
        """
        A copy on the CUDA device, the same as t.to('cuda'): differentiable, and this tensor itself when already there. RuntimeError without a usable GPU.
        """
    def detach(self) -> Tensor:
        """
        A view sharing this tensor's storage, with no graph and not requiring grad.
        """
    def exp(self) -> Tensor:
        """
        e^x elementwise; differentiable (d/dx = e^x).
        """
    def fill_(self, value: float) -> Tensor:
        """
        Sets every element to value in place and returns this tensor. No autograd: RuntimeError if this tensor requires grad while grad mode is on (use it inside acaode.no_grad()).
        """
    def flatten(self, start_dim: int = 0) -> Tensor:
        """
        Collapses dims start_dim..last into one (a 0-d tensor gives shape [1]). A view; differentiable.
        """
    def item(self) -> float:
        """
        The value of a one-element tensor as a Python float (copied from the GPU when there). ValueError unless numel() == 1.
        """
    def log(self) -> Tensor:
        """
        Natural logarithm elementwise (-inf at 0, NaN for x < 0); differentiable (d/dx = 1/x).
        """
    def matmul(self, other: Tensor) -> Tensor:
        """
        Matrix product with another Tensor of the same dtype (shapes as acaode.matmul: [M, K] @ [K, N], batched with identical leading dims, 1-D operands as vectors). Differentiable. ValueError for incompatible shapes or dtypes.
        """
    def max(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        """
        Largest value of all elements (0-d) when dim is None, else along dim (a single int); values only, no indices. Differentiable: the gradient goes to the first maximum. ValueError for an empty input or a dim out of range.
        """
    def mean(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        """
        Mean of all elements (0-d) when dim is None, else over dim: an int or a tuple/list of distinct ints; keepdim=True keeps the reduced dims with size 1. Differentiable. ValueError for a bad dim or a mean over zero elements.
        """
    def min(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        """
        Smallest value of all elements (0-d) when dim is None, else along dim (a single int); values only, no indices. Differentiable: the gradient goes to the first minimum. ValueError for an empty input or a dim out of range.
        """
    def norm(self) -> Tensor:
        """
        Euclidean (Frobenius) norm sqrt(sum(x^2)) over all elements, as a 0-d tensor. Differentiable (gradient x / norm, 0 where the norm is 0). CPU tensors only (RuntimeError for CUDA).
        """
    def numel(self) -> int:
        """
        The number of elements (the product of the shape).
        """
    def numpy(self) -> numpy.ndarray:
        """
        A NumPy view of the data (no copy; read-only when the tensor requires grad).
        """
    def permute(self, *args) -> Tensor:
        """
        Reorders the dims, given as ints or one tuple/list: output dim i is dim dims[i]. Returns a copy; differentiable. ValueError unless dims is a permutation.
        """
    def pow(self, exponent: float) -> Tensor:
        """
        x^p elementwise for a real number p (not a tensor); NaN where x < 0 and p is not an integer. Differentiable (d/dx = p x^(p-1)).
        """
    def relu(self) -> Tensor:
        """
        max(x, 0) elementwise; differentiable with gradient 1 where x > 0, else 0.
        """
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """
        Sets requires_grad in place and returns this tensor. Leaves only (ValueError on a computed tensor).
        """
    def reshape(self, *args) -> Tensor:
        """
        The same data with a new shape, given as ints or one tuple/list (t.reshape(2, -1) or t.reshape((2, -1)); one entry may be -1, inferred). A view sharing storage; differentiable. ValueError if the element counts differ.
        """
    def sigmoid(self) -> Tensor:
        """
        1 / (1 + exp(-x)) elementwise, computed stably; differentiable (d/dx = s (1 - s)).
        """
    def sin(self) -> Tensor:
        """
        Sine elementwise (radians); differentiable (d/dx = cos(x)).
        """
    def size(self, dim: typing.Any = None) -> typing.Any:
        """
        The shape as a tuple when dim is None, else the size of dim (an int; negative counts from the end; ValueError when out of range).
        """
    def sqrt(self) -> Tensor:
        """
        Square root elementwise (NaN for x < 0); differentiable (d/dx = 1 / (2 sqrt(x))).
        """
    def square(self) -> Tensor:
        """
        x^2 elementwise; differentiable (d/dx = 2x).
        """
    def squeeze(self, dim: int) -> Tensor:
        """
        Removes dim, which must have size 1 (dim is required; ValueError otherwise). A view; differentiable.
        """
    def sum(self, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
        """
        Sum of all elements (0-d) when dim is None, else over dim: an int or a tuple/list of distinct ints; keepdim=True keeps the reduced dims with size 1. Differentiable. ValueError for a dim out of range or repeated.
        """
    def tanh(self) -> Tensor:
        """
        Hyperbolic tangent elementwise; differentiable (d/dx = 1 - tanh(x)^2).
        """
    def to(self, device_or_dtype: typing.Any) -> Tensor:
        """
        A copy on a device ('cpu', 'cuda') or of a dtype (differentiable); self when already there.
        """
    def tolist(self) -> typing.Any:
        """
        The data as nested Python lists of floats (a float for a 0-d tensor). CPU tensors only (RuntimeError for CUDA).
        """
    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """
        Swaps dims dim0 and dim1 (negative ones count from the end). Returns a copy, not a view; differentiable.
        """
    def unsqueeze(self, dim: int) -> Tensor:
        """
        Inserts a dim of size 1 at position dim (in [-ndim - 1, ndim]). A view; differentiable.
        """
    def view(self, *args) -> Tensor:
        """
        Same as reshape(*shape) (every tensor is contiguous, so it is always a view).
        """
    @property
    def T(self) -> Tensor:
        """
        The transpose of a 2-D tensor (a copy; differentiable). ValueError for other ranks.
        """
    @property
    def device(self) -> str:
        """
        Where the data lives: 'cpu' or 'cuda'.
        """
    @property
    def dtype(self) -> typing.Any:
        """
        The element type as a numpy.dtype: float32 or float64.
        """
    @property
    def grad(self) -> Tensor | None:
        """
        The gradient accumulated (+=) by backward() into this leaf, a Tensor of its shape and dtype, or None before any backward reached it. Assign None to reset it, or a Tensor / array-like of this shape (converted to this dtype; ValueError for another shape).
        """
    @grad.setter
    def grad(self, arg1: typing.Any) -> None:
        ...
    @property
    def grad_fn(self) -> str | None:
        """
        The name of the recorded op that computed this tensor (e.g. 'MulBackward'), or None for a leaf.
        """
    @property
    def is_leaf(self) -> bool:
        """
        True for a tensor not computed by a recorded op (created by the user, or under no_grad()); backward() writes the .grad of leaves only.
        """
    @property
    def ndim(self) -> int:
        """
        The number of dims (0 for a 0-d tensor).
        """
    @property
    def requires_grad(self) -> bool:
        """
        Whether autograd tracks this tensor: ops on it record a graph and backward() accumulates into the .grad of such leaves. Settable on leaves only (ValueError on a computed tensor: detach() it first).
        """
    @requires_grad.setter
    def requires_grad(self, arg1: bool) -> None:
        ...
    @property
    def shape(self) -> tuple:
        """
        The size of every dim, as a tuple of ints (() for a 0-d tensor).
        """
class _GradModeContext:
    def __enter__(self) -> None:
        ...
    def __exit__(self, *args) -> None:
        ...
class GradientMethod:
    """
    How a solve computes gradients (odeint's gradient= argument).
    
    Members:
    
      aca : Adaptive checkpoint adjoint: an untaped forward solve keeping the accepted states; backward replays each step taped. Exact for the discrete solution.
    
      adjoint : Continuous adjoint: a backward solve of the augmented system (AdjointOptions); z is reconstructed backward in time, which is inexact.
    
      naive : Back-propagation through the whole taped solve, step-size search included; the most memory.
    
      mali : MALI: the reversible ALF solver (method 'alf') keeping only the end state; backward inverts each step, then replays it taped.
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
        """
        The member's name: 'aca', 'adjoint', 'naive' or 'mali'.
        """
    @property
    def value(self) -> int:
        """
        The member's integer value (aca 0, adjoint 1, naive 2, mali 3).
        """
class AdjointNorm:
    """
    The continuous adjoint's backward error norm (odeint's adjoint_norm= argument).
    
    Members:
    
      rms : One RMS norm over the whole [z, a, g_theta].
    
      mixed : torchdiffeq's default: the largest of the RMS norms of z, of a and of each parameter's gradient.
    
      seminorm : torchdiffeq's seminorm: the larger of the RMS norms of z and a; the parameters' gradients do not steer the step size.
    """
    __members__: typing.ClassVar[dict[str, AdjointNorm]]
    mixed: typing.ClassVar[AdjointNorm]
    rms: typing.ClassVar[AdjointNorm]
    seminorm: typing.ClassVar[AdjointNorm]
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
        """
        The member's name: 'rms', 'mixed' or 'seminorm'.
        """
    @property
    def value(self) -> int:
        """
        The member's integer value (rms 0, mixed 1, seminorm 2).
        """
class AdjointOptions:
    """
    The continuous adjoint's backward solve; unset fields (negative, empty) take the forward solve's value.
    """
    def __init__(self) -> None:
        """
        Every field unset: the backward solve takes the forward's values.
        """
    @property
    def atol(self) -> float:
        """
        Absolute tolerance of the backward solve; negative (default -1): the forward's atol.
        """
    @atol.setter
    def atol(self, arg0: float) -> None:
        ...
    @property
    def max_steps(self) -> int:
        """
        Most steps (accepted + rejected) of each backward interval; 0 (default): the forward's max_steps.
        """
    @max_steps.setter
    def max_steps(self, arg0: int) -> None:
        ...
    @property
    def method(self) -> str:
        """
        Tableau name of the backward solve; '' (default): the forward's method.
        """
    @method.setter
    def method(self, arg0: str) -> None:
        ...
    @property
    def norm(self) -> AdjointNorm:
        """
        The backward solve's error norm (AdjointNorm; default rms).
        """
    @norm.setter
    def norm(self, arg0: AdjointNorm) -> None:
        ...
    @property
    def rtol(self) -> float:
        """
        Relative tolerance of the backward solve; negative (default -1): the forward's rtol.
        """
    @rtol.setter
    def rtol(self, arg0: float) -> None:
        ...
class OdeintOptions:
    """
    Options of a solve (aca/options.h), field by field.
    """
    def __init__(self) -> None:
        """
        The default options (the defaults given on each field).
        """
    def validate(self) -> None:
        """
        Checks the options: ValueError naming the argument, its value and the violated constraint; returns None when they are valid.
        """
    @property
    def adjoint(self) -> AdjointOptions:
        """
        The continuous adjoint's backward solve (AdjointOptions; used by gradient adjoint only).
        """
    @adjoint.setter
    def adjoint(self, arg0: AdjointOptions) -> None:
        ...
    @property
    def atol(self) -> float:
        """
        Absolute tolerance (default 1e-8); see rtol.
        """
    @atol.setter
    def atol(self, arg0: float) -> None:
        ...
    @property
    def atol_tensor(self) -> Tensor:
        """
        Per-component absolute tolerances (broadcastable to z0) that replace atol when set (unset by default); the adjoint's backward solve uses the scalar atol.
        """
    @atol_tensor.setter
    def atol_tensor(self, arg0: Tensor) -> None:
        ...
    @property
    def autonomous(self) -> bool:
        """
        Whether f ignores t (default False); the naive method then skips the evaluations that carry f's time dependence into its taped step sizes.
        """
    @autonomous.setter
    def autonomous(self, arg0: bool) -> None:
        ...
    @property
    def dt_max(self) -> float:
        """
        Largest |h| of an adaptive step (default inf).
        """
    @dt_max.setter
    def dt_max(self, arg0: float) -> None:
        ...
    @property
    def dt_min(self) -> float:
        """
        Smallest |h| of an adaptive step (default 0); a smaller one fails with 'step size underflow'.
        """
    @dt_min.setter
    def dt_min(self, arg0: float) -> None:
        ...
    @property
    def first_step(self) -> float:
        """
        The first adaptive step's size; 0 (default): chosen by Hairer's algorithm.
        """
    @first_step.setter
    def first_step(self, arg0: float) -> None:
        ...
    @property
    def gradient(self) -> GradientMethod:
        """
        How gradients are computed, a GradientMethod (default aca).
        """
    @gradient.setter
    def gradient(self, arg0: GradientMethod) -> None:
        ...
    @property
    def mali_damping(self) -> float:
        """
        Gradient mali only: the ALF damping d in [0, 1), d != 1/2 (default 0: undamped ALF).
        """
    @mali_damping.setter
    def mali_damping(self, arg0: float) -> None:
        ...
    @property
    def max_steps(self) -> int:
        """
        The forward solve fails (SolverError) after this many steps, accepted + rejected, over all intervals (default 100000).
        """
    @max_steps.setter
    def max_steps(self, arg0: int) -> None:
        ...
    @property
    def memory_budget(self) -> int:
        """
        Gradient aca only: bytes ACA may hold between the forward and backward passes (states and kept tapes); -1 (default): no budget (every accepted state, no tape); 2**63 - 1: every tape. The gradient is the same bit for bit.
        """
    @memory_budget.setter
    def memory_budget(self, arg0: int) -> None:
        ...
    @property
    def method(self) -> str:
        """
        Tableau name of the forward solve (default 'dopri5'; see method_names()). Adaptive steps need an embedded method unless step_size > 0; 'alf' goes with gradient mali, and only then.
        """
    @method.setter
    def method(self, arg0: str) -> None:
        ...
    @property
    def rtol(self) -> float:
        """
        Relative tolerance (default 1e-6): a step is accepted when the RMS over the components of err_i / (atol + rtol max(|z_i|, |z_new,i|)) is <= 1.
        """
    @rtol.setter
    def rtol(self, arg0: float) -> None:
        ...
    @property
    def rtol_tensor(self) -> Tensor:
        """
        Per-component relative tolerances (broadcastable to z0) that replace rtol when set (unset by default); the adjoint's backward solve uses the scalar rtol.
        """
    @rtol_tensor.setter
    def rtol_tensor(self, arg0: Tensor) -> None:
        ...
    @property
    def step_size(self) -> float:
        """
        A fixed grid when > 0: steps of this size, each interval's last one shortened to land on the output time, no error control; 0 (default): adaptive steps.
        """
    @step_size.setter
    def step_size(self, arg0: float) -> None:
        ...
class SolveStats:
    """
    Statistics of one solve; the backward fields are filled in when backward() has run through it.
    """
    def __repr__(self) -> str:
        ...
    @property
    def accepted_steps(self) -> int:
        """
        Accepted steps of the forward solve.
        """
    @property
    def adjoint_reconstructed_z0(self) -> Tensor | None:
        """
        Adjoint: z(t[0]) as reconstructed by the backward solve; MALI: as recovered by inverting every step (None otherwise).
        """
    @property
    def backward_accepted_steps(self) -> int:
        """
        Accepted steps of the adjoint's backward solve (gradient adjoint only).
        """
    @property
    def backward_done(self) -> bool:
        """
        Whether a backward pass has run through this solve and completed.
        """
    @property
    def backward_f_evals(self) -> int:
        """
        Evaluations of f in the backward pass (ACA: the replays; adjoint: the augmented dynamics, one taped f and one VJP each; naive: 0).
        """
    @property
    def backward_rejected_steps(self) -> int:
        """
        Rejected steps of the adjoint's backward solve (gradient adjoint only).
        """
    @property
    def checkpoint_bytes(self) -> int:
        """
        Bytes of states kept between forward and backward beyond the inputs and outputs: ACA's accepted states (with a budget, those it kept); 0 for the adjoint and naive.
        """
    @property
    def forward_f_evals(self) -> int:
        """
        Evaluations of f in the forward solve (initial step selection included).
        """
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
        """
        Most bytes held by a recorded graph at one time (naive: the taped solve; ACA: the largest replay of one step; adjoint: the largest taped f); 0 until something is taped.
        """
    @property
    def recomputed_steps(self) -> int:
        """
        ACA with a budget: forward steps recomputed (binomial checkpointing).
        """
    @property
    def rejected_steps(self) -> int:
        """
        Rejected steps of the forward solve.
        """
    @property
    def replay_max_abs_diff(self) -> float:
        """
        ACA: largest |replayed z_i - stored z_i| over the backward replays; MALI: largest |replayed step - the state recovered by inversion|.
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
        """
        The SolveStats of the solve; its backward fields are filled in once backward() has run through it.
        """
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
    """
    |x| elementwise. Same shape and dtype as input. Differentiable with gradient sign(x) (0 at x == 0).
    """
def add(input: Tensor, other: typing.Any) -> Tensor:
    """
    input + other elementwise with NumPy broadcasting. other: a Tensor of input's dtype (ValueError for another dtype), a Python number, or array-like data (converted to input's dtype). Differentiable in both tensor operands; a broadcast operand's gradient is summed over the stretched dims. ValueError for shapes that do not broadcast.
    """
def arange(start: float, end: typing.Any = None, step: float = 1.0, dtype: typing.Any = None) -> Tensor:
    """
    The 1-D tensor start, start + step, ... of the values < end (> end for a negative step), ceil((end - start) / step) of them (none when the step points away from end); arange(n) is 0, 1, ..., n - 1. float64 unless dtype is float32. ValueError for a zero step or a non-finite argument.
    """
def argmax(input: Tensor, dim: int, keepdim: bool = False) -> Tensor:
    """
    Index of the first maximum along dim (a required int; negative counts from the end), returned as a tensor of input's float dtype (there are no integer tensors). Not differentiable (records no graph). ValueError for a dim out of range or empty.
    """
def broadcast_to(input: Tensor, shape: list[int]) -> Tensor:
    """
    A copy of input stretched to shape by NumPy broadcasting (size-1 or missing leading dims stretch). Differentiable: the gradient is summed over the stretched dims. ValueError if input's shape does not broadcast to shape.
    """
def cat(tensors: list[Tensor], dim: int = 0) -> Tensor:
    """
    Concatenates a non-empty sequence of tensors along the existing dim; all other dims, the dtypes and the devices must agree (else ValueError). Returns a copy; differentiable in every input.
    """
def clamp(input: Tensor, min: float, max: float) -> Tensor:
    """
    min(max(x, min), max) elementwise; both bounds are required numbers. Same shape and dtype as input. Differentiable: the gradient passes unchanged where min <= x <= max (the bounds included) and is 0 outside. ValueError if min > max.
    """
def cos(input: Tensor) -> Tensor:
    """
    Cosine elementwise (radians). Same shape and dtype as input. Differentiable (d/dx = -sin(x)).
    """
def div(input: Tensor, other: typing.Any) -> Tensor:
    """
    input / other elementwise with NumPy broadcasting (division by zero gives inf or NaN, no error). other: a Tensor of input's dtype (ValueError for another dtype), a Python number, or array-like data (converted to input's dtype). Differentiable in both tensor operands. ValueError for shapes that do not broadcast.
    """
def enable_grad() -> _GradModeContext:
    """
    Context manager: turns recording back on inside no_grad().
    """
def exp(input: Tensor) -> Tensor:
    """
    e^x elementwise: a new tensor of input's shape and dtype. Differentiable (d/dx = e^x).
    """
def flatten(input: Tensor, start_dim: int = 0) -> Tensor:
    """
    Collapses dims start_dim..last into one (a 0-d input gives shape [1]). A view sharing input's storage; differentiable.
    """
def from_numpy(array: typing.Any) -> Tensor:
    """
    A tensor sharing the memory of a float32/float64 C-contiguous writeable array (no copy): writes through either are seen by the other.
    """
def full(shape: typing.Any, fill_value: float, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of the given shape (an int or a tuple/list of ints) with every element fill_value; dtype: float32 or float64 (default float64). ValueError for a negative size.
    """
def index_select(input: Tensor, dim: int, index: list[int]) -> Tensor:
    """
    Picks the entries index (a sequence of ints; repeats allowed, negative ones count from the end) along dim: a copy whose size(dim) is len(index). Differentiable (the gradient is scatter-added back). CPU tensors only (RuntimeError for CUDA). ValueError for an index or dim out of range.
    """
def is_grad_enabled() -> bool:
    """
    Whether ops record the autograd graph in this thread (True unless inside no_grad() or after set_grad_enabled(False)).
    """
def linspace(start: float, end: float, steps: int, dtype: typing.Any = None) -> Tensor:
    """
    The 1-D tensor of steps evenly spaced values from start to end, both included (the last value is exactly end; steps == 1 gives [start]); float64 unless dtype is float32. ValueError for steps < 1.
    """
def log(input: Tensor) -> Tensor:
    """
    Natural logarithm elementwise (-inf at 0 and NaN for x < 0; no error). Same shape and dtype as input. Differentiable (d/dx = 1/x).
    """
def manual_seed(seed: int) -> None:
    """
    Reseeds the default generator (used by randn, rand and layer initialisation when no generator is given).
    """
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """
    Matrix product of two Tensors of one dtype: [M, K] @ [K, N] -> [M, N]; batched [..., M, K] @ [..., K, N] -> [..., M, N] with identical leading dims (no batch broadcasting); [..., M, K] @ [K, N] shares the right factor; [K] @ [K, N] -> [N]; [..., M, K] @ [K] -> [..., M]; [K] @ [K] -> 0-d. Differentiable in both. ValueError when inner sizes, batch dims or dtypes differ, for a 0-d operand, or for a 2-D left factor with a batched right one.
    """
def max(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    """
    Largest value: of all elements (a 0-d tensor) when dim is None, else along dim, a single int (negative counts from the end); keepdim=True keeps that dim with size 1. Values only, no indices (see argmax). Differentiable: the gradient goes to the first maximum. ValueError for an empty input or a dim out of range.
    """
def maximum(input: Tensor, other: Tensor) -> Tensor:
    """
    Elementwise max(input, other) of two Tensors of one dtype, with NumPy broadcasting (numbers are not accepted: use clamp). Differentiable: the gradient goes to the larger operand, half to each where they are equal. ValueError for mismatched dtypes or shapes that do not broadcast.
    """
def mean(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    """
    Arithmetic mean: of all elements (a 0-d tensor) when dim is None, else over dim, an int or a tuple/list of distinct ints (negative ones count from the end); keepdim=True keeps the reduced dims with size 1. Same dtype as input. Differentiable. ValueError for a dim out of range or repeated, or a mean over zero elements.
    """
def method_names() -> list[str]:
    """
    Every method name the solvers accept: canonical names, then aliases.
    """
def min(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    """
    Smallest value: of all elements (a 0-d tensor) when dim is None, else along dim, a single int (negative counts from the end); keepdim=True keeps that dim with size 1. Values only, no indices. Differentiable: the gradient goes to the first minimum. ValueError for an empty input or a dim out of range.
    """
def minimum(input: Tensor, other: Tensor) -> Tensor:
    """
    Elementwise min(input, other) of two Tensors of one dtype, with NumPy broadcasting (numbers are not accepted: use clamp). Differentiable: the gradient goes to the smaller operand, half to each where they are equal. ValueError for mismatched dtypes or shapes that do not broadcast.
    """
def mul(input: Tensor, other: typing.Any) -> Tensor:
    """
    input * other elementwise with NumPy broadcasting. other: a Tensor of input's dtype (ValueError for another dtype), a Python number, or array-like data (converted to input's dtype). Differentiable in both tensor operands. ValueError for shapes that do not broadcast.
    """
def neg(input: Tensor) -> Tensor:
    """
    -x elementwise: a new tensor of input's shape and dtype. Differentiable (d/dx = -1).
    """
def no_grad() -> _GradModeContext:
    """
    Context manager: ops inside record no autograd graph (this thread).
    """
def norm(input: Tensor) -> Tensor:
    """
    Euclidean (Frobenius) norm sqrt(sum(x^2)) over all elements, as a 0-d tensor of input's dtype (no p or dim arguments); scaled internally so large values do not overflow. Differentiable: gradient x / norm, 0 where the norm is 0. CPU tensors only (RuntimeError for CUDA tensors).
    """
def odeint_solve(func: typing.Any, z0: Tensor, t: list[float], params: list[Tensor], options: OdeintOptions, callback: typing.Any = None, restore_state: bool = False, t_tensor: typing.Any = None) -> Solution:
    """
    The solve behind acaode.odeint / acaode.solve (use those).
    """
def ones(*args, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of ones. The shape is given as ints or one tuple/list (ones(2, 3) or ones((2, 3))); dtype: float32 or float64 (default float64). ValueError for a negative size.
    """
def ones_like(input: Tensor, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of ones with input's shape, dtype and device.
    """
def permute(input: Tensor, dims: list[int]) -> Tensor:
    """
    Reorders the dims: output dim i is input dim dims[i]; dims must be a permutation of all of input's dims (negative ones count from the end). Returns a copy; differentiable. ValueError otherwise.
    """
def pow(input: Tensor, exponent: float) -> Tensor:
    """
    x^p elementwise for a real number p (a Python number, not a tensor); NaN where x < 0 and p is not an integer. Same shape and dtype as input. Differentiable in x (d/dx = p x^(p-1)).
    """
def rand(*args, dtype: typing.Any = None, generator: Generator = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of samples uniform on [0, 1) drawn from generator (default: the one reseeded by acaode.manual_seed), which advances. The shape is given as ints or one tuple/list; dtype: float32 or float64 (default float64).
    """
def randn(*args, dtype: typing.Any = None, generator: Generator = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of standard normal samples (Box-Muller, computed in float64 and rounded for float32) drawn from generator (default: the one reseeded by acaode.manual_seed), which advances. The shape is given as ints or one tuple/list; dtype: float32 or float64 (default float64).
    """
def relu(input: Tensor) -> Tensor:
    """
    relu(x) = max(x, 0) elementwise. Same shape and dtype as input. Differentiable with gradient 1 where x > 0, else 0 (0 at x == 0).
    """
def reshape(input: Tensor, shape: list[int]) -> Tensor:
    """
    The same elements with a new shape (a sequence of ints; one entry may be -1, inferred). A view sharing input's storage; differentiable. ValueError if the element counts differ.
    """
def set_grad_enabled(mode: bool) -> None:
    """
    Turns graph recording on (True) or off (False) for this thread until changed again; the no_grad() / enable_grad() context managers restore the previous mode on exit.
    """
def sigmoid(input: Tensor) -> Tensor:
    """
    sigmoid(x) = 1 / (1 + exp(-x)) elementwise, computed stably for both signs. Same shape and dtype as input. Differentiable (d/dx = s (1 - s) with s = sigmoid(x)).
    """
def sin(input: Tensor) -> Tensor:
    """
    Sine elementwise (radians). Same shape and dtype as input. Differentiable (d/dx = cos(x)).
    """
def softplus(input: Tensor) -> Tensor:
    """
    softplus(x) = log(1 + exp(x)) elementwise (beta = 1), computed stably as max(x, 0) + log1p(exp(-|x|)). Same shape and dtype as input. Differentiable (d/dx = sigmoid(x)).
    """
def split(input: Tensor, sizes: list[int], dim: int = 0) -> list[Tensor]:
    """
    Cuts input along dim into consecutive pieces of the given sizes (a sequence of non-negative ints summing to input.size(dim); a single int is not accepted) and returns them as a list. Differentiable; pieces share storage when contiguous (e.g. along dim 0). ValueError when the sizes do not add up.
    """
def sqrt(input: Tensor) -> Tensor:
    """
    Square root elementwise (NaN for x < 0; no error). Same shape and dtype as input. Differentiable (d/dx = 1 / (2 sqrt(x)), infinite at 0).
    """
def square(input: Tensor) -> Tensor:
    """
    x^2 elementwise. Same shape and dtype as input. Differentiable (d/dx = 2x).
    """
def squeeze(input: Tensor, dim: int) -> Tensor:
    """
    Removes dim, which must have size 1 (dim is required; ValueError otherwise). A view sharing input's storage; differentiable.
    """
def stack(tensors: list[Tensor], dim: int = 0) -> Tensor:
    """
    Joins a non-empty sequence of equally shaped tensors of one dtype along a new dim inserted at position dim (in [-ndim - 1, ndim]). Returns a copy; differentiable in every input. ValueError for differing shapes or dtypes.
    """
def sub(input: Tensor, other: typing.Any) -> Tensor:
    """
    input - other elementwise with NumPy broadcasting. other: a Tensor of input's dtype (ValueError for another dtype), a Python number, or array-like data (converted to input's dtype). Differentiable in both tensor operands. ValueError for shapes that do not broadcast.
    """
def sum(input: Tensor, dim: typing.Any = None, keepdim: bool = False) -> Tensor:
    """
    Sum of the elements: of all of them (a 0-d tensor) when dim is None, else over dim, an int or a tuple/list of distinct ints (negative ones count from the end); keepdim=True keeps the reduced dims with size 1. Same dtype as input. Differentiable (the gradient is broadcast back). ValueError for a dim out of range or repeated.
    """
def tanh(input: Tensor) -> Tensor:
    """
    Hyperbolic tangent elementwise. Same shape and dtype as input. Differentiable (d/dx = 1 - tanh(x)^2).
    """
def tensor(data: typing.Any, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor holding a copy of data (a NumPy array, nested lists, a number or a Tensor). dtype: float32 or float64 (default: float32 for float32 arrays, else float64).
    """
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """
    Swaps dims dim0 and dim1 (negative ones count from the end). Returns a copy, not a view; differentiable. ValueError for a dim out of range.
    """
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """
    Inserts a dim of size 1 at position dim (in [-ndim - 1, ndim]). A view sharing input's storage; differentiable.
    """
def zeros(*args, dtype: typing.Any = None, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of zeros. The shape is given as ints or one tuple/list (zeros(2, 3) or zeros((2, 3)); no arguments: 0-d); dtype: float32 or float64 (default float64). ValueError for a negative size.
    """
def zeros_like(input: Tensor, requires_grad: bool = False) -> Tensor:
    """
    A new tensor of zeros with input's shape, dtype and device.
    """
_post_backward_hooks: list = list()
build_info: dict = {'compiler': '12.2.0', 'simd': 'baseline', 'cpu_kernels': 'baseline', 'conv': 'onednn 2.6.3 (winograd, direct)'}
