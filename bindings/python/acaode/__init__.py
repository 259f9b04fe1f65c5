"""acaode: exact, memory-efficient gradients for neural ODEs.

The Adaptive Checkpoint Adjoint method (ACA; Zhuang et al., ICML 2020) and the methods it
is compared with (continuous adjoint, naive backpropagation), over a C++ autograd library
and explicit Runge-Kutta solvers.
"""
from acaode._version import __version__
from acaode import _core

build_info = dict(_core.build_info)

__all__ = ["__version__", "build_info"]
