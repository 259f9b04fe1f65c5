"""acaode.optim.lr_scheduler: closed-form learning-rate schedules (call step() per epoch)."""
from acaode._core import optim as _optim

_s = _optim.lr_scheduler

LRScheduler = _s.LRScheduler
StepLR = _s.StepLR
MultiStepLR = _s.MultiStepLR
ExponentialLR = _s.ExponentialLR

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR"]
