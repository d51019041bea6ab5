"""``torch.optim``: SGD, Adam, AdamW, RMSprop, Adagrad and the learning-rate schedulers.

Updates are lazy MLX graphs (no sync point per step); see docs/torch.md.
"""

from . import lr_scheduler
from .algorithms import SGD, Adagrad, Adam, AdamW, RMSprop
from .optimizer import Optimizer

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]


from tmath_array.torch import _names  # noqa: E402

__getattr__ = _names.missing_in(__name__, "docs/torch_training.md")
