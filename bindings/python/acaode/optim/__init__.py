"""acaode.optim: SGD and Adam (torch.optim's updates) and learning-rate schedules."""
from acaode._core import optim as _optim

Optimizer = _optim.Optimizer
SGD = _optim.SGD
Adam = _optim.Adam

from acaode.optim import lr_scheduler  # noqa: E402

__all__ = ["Optimizer", "SGD", "Adam", "lr_scheduler"]
