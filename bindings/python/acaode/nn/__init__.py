"""acaode.nn: modules. ``Module`` is subclassable in Python; the layers are C++.

    class Mlp(acaode.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 16)          # a child: its parameters are ours
            self.scale = nn.Parameter([1.0])     # a parameter
        def forward(self, t, z):                 # an ODE right-hand side for odeint
            return self.scale * self.fc1(z)
"""
import functools

from acaode._core import nn as _nn

Module = _nn.Module
Parameter = _nn.Parameter
Linear = _nn.Linear
Conv2d = _nn.Conv2d
GroupNorm = _nn.GroupNorm
BatchNorm2d = _nn.BatchNorm2d
ReLU = _nn.ReLU
Tanh = _nn.Tanh
Sigmoid = _nn.Sigmoid
Softplus = _nn.Softplus
Flatten = _nn.Flatten
Sequential = _nn.Sequential
LSTMCell = _nn.LSTMCell
LSTM = _nn.LSTM
GRUCell = _nn.GRUCell
AutonomousOde = _nn.AutonomousOde

# The C++ object behind a Python subclass is built before the subclass's own __init__ runs,
# so attributes can be assigned (and methods called) right away, with or without
# super().__init__() (Note [Python modules] in bindings/core/bind_nn.cc).
_cpp_init = Module.__init__


def _construct(self):
    if not _nn._constructed(self):
        _cpp_init(self)


def _module_init(self):
    """Initialises the Module (idempotent)."""
    _construct(self)


def _init_subclass(cls, **kwargs):
    super(Module, cls).__init_subclass__(**kwargs)
    init = cls.__dict__.get("__init__")
    if init is None:
        return

    @functools.wraps(init)
    def __init__(self, *args, **kw):
        _construct(self)
        init(self, *args, **kw)

    cls.__init__ = __init__


# Patching the extension type's methods is deliberate (the C++ class must be constructed
# before a Python subclass's __init__ runs), hence the type-checker exemptions.
Module.__init__ = _module_init  # type: ignore[method-assign]
Module.__init_subclass__ = classmethod(_init_subclass)  # type: ignore[method-assign,assignment]

from acaode.nn import functional  # noqa: E402

__all__ = ["Module", "Parameter", "Linear", "Conv2d", "GroupNorm", "BatchNorm2d", "ReLU",
           "Tanh", "Sigmoid", "Softplus", "Flatten", "Sequential", "LSTMCell", "LSTM",
           "GRUCell", "AutonomousOde", "functional"]
