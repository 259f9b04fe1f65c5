"""acaode: exact, memory-efficient gradients for neural ODEs.

The Adaptive Checkpoint Adjoint method (ACA; Zhuang et al., ICML 2020) and the methods it
is compared with (continuous adjoint, naive backpropagation), over a C++ autograd library
and explicit Runge-Kutta solvers. The package is a thin layer over the C++ extension
``acaode._core``; everything public is re-exported here::

    import acaode
    from acaode import nn

    func = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    z0 = acaode.tensor([[1.0, 0.0]], requires_grad=True)
    ys = acaode.odeint(func, z0, [0.0, 1.0], rtol=1e-6, atol=1e-8, gradient="aca")
    ys[-1].sum().backward()          # gradients reach z0.grad and func's parameters
"""
from acaode import _openmp_env  # noqa: F401  (first: before the extension loads OpenMP)

import numpy as _np

from acaode._version import __version__  # noqa: F401  (not part of __all__)
from acaode import _core
from acaode._core import (
    Generator,
    SolverError,
    Tensor,
    # creation
    arange,
    from_numpy,
    full,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
    # grad mode
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
    # tensor functions
    abs,  # noqa: F401  (acaode.abs; kept out of __all__, a builtin)
    add,
    argmax,
    broadcast_to,
    cat,
    clamp,
    cos,
    div,
    exp,
    flatten,
    index_select,
    log,
    matmul,
    max,  # noqa: F401  (acaode.max; kept out of __all__, a builtin)
    maximum,
    mean,
    min,  # noqa: F401  (acaode.min; kept out of __all__, a builtin)
    minimum,
    mul,
    neg,
    norm,
    permute,
    pow,  # noqa: F401  (acaode.pow; kept out of __all__, a builtin)
    relu,
    reshape,
    sigmoid,
    sin,
    softplus,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    sub,
    sum,  # noqa: F401  (acaode.sum; kept out of __all__, a builtin)
    tanh,
    transpose,
    unsqueeze,
    # solves
    Solution,
    SolveStats,
)
from acaode._odeint import ADJOINT_NORMS, GRADIENTS, METHODS, odeint, solve
from acaode import cuda, distributed, nn, optim

float32 = _np.dtype("float32")
float64 = _np.dtype("float64")
build_info = dict(_core.build_info)

# What `from acaode import *` brings in. abs, max, min, pow and sum stay out (they would
# shadow Python's builtins); use them as acaode.sum(...) etc.
__all__ = [
    "Generator", "SolverError", "Tensor", "Solution", "SolveStats",
    # creation
    "arange", "from_numpy", "full", "linspace", "manual_seed", "ones", "ones_like", "rand",
    "randn", "tensor", "zeros", "zeros_like",
    # grad mode
    "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled",
    # tensor functions
    "add", "argmax", "broadcast_to", "cat", "clamp", "cos", "div", "exp", "flatten",
    "index_select", "log", "matmul", "maximum", "mean", "minimum", "mul", "neg", "norm",
    "permute", "relu", "reshape", "sigmoid", "sin", "softplus", "split", "sqrt", "square",
    "squeeze", "stack", "sub", "tanh", "transpose", "unsqueeze",
    # solves
    "ADJOINT_NORMS", "GRADIENTS", "METHODS", "odeint", "solve",
    # submodules and constants
    "cuda", "distributed", "nn", "optim", "float32", "float64", "build_info",
]
