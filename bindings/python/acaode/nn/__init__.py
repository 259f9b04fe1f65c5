"""acaode.nn: modules. ``Module`` is subclassable in Python; the layers are C++.

    class Mlp(acaode.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 16)          # a child: its parameters are ours
            self.scale = nn.Parameter([1.0])     # a parameter
        def forward(self, t, z):                 # an ODE right-hand side for odeint
            return self.scale * self.fc1(z)
"""
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

from acaode.nn import functional  # noqa: E402

__all__ = ["Module", "Parameter", "Linear", "Conv2d", "GroupNorm", "BatchNorm2d", "ReLU",
           "Tanh", "Sigmoid", "Softplus", "Flatten", "Sequential", "LSTMCell", "LSTM",
           "GRUCell", "AutonomousOde", "functional"]
