"""``torch.nn``: Module, Parameter, layers, activations, containers, losses, ``init``,
``functional`` and ``utils``, with PyTorch's names, arguments and default initialisations.
See docs/torch.md for what is supported."""

from . import functional, init, parallel, utils
from .layers import (
    CELU,
    ELU,
    GELU,
    SELU,
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    BCELoss,
    BCEWithLogitsLoss,
    Bilinear,
    Conv1d,
    Conv2d,
    CrossEntropyLoss,
    Dropout,
    Embedding,
    Flatten,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    HuberLoss,
    Identity,
    KLDivLoss,
    L1Loss,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSigmoid,
    LogSoftmax,
    MaxPool1d,
    MaxPool2d,
    Mish,
    ModuleDict,
    ModuleList,
    MSELoss,
    MultiheadAttention,
    NLLLoss,
    ParameterList,
    ReLU,
    ReLU6,
    RMSNorm,
    Sequential,
    Sigmoid,
    SiLU,
    SmoothL1Loss,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Tanh,
    Unflatten,
)
from .module import Module, Parameter


from tmath_array.torch import _names  # noqa: E402

__getattr__ = _names.missing_in(__name__, "docs/torch_training.md")
