"""``torch.nn.init``: in-place initialisations with PyTorch's distributions and gains.

Random draws come from MLX's global generator, which ``torch.manual_seed`` seeds: the
same seed gives the same weights here (not the same numbers as PyTorch's generator).
Each function fills the tensor in place, outside autograd, and returns it.
"""

from __future__ import annotations

import math

import mlx.core as mx

from .._tensor import Tensor, commit


def _check(t, name: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(t).__name__}")
    return t


def _fill(t: Tensor, a: mx.array) -> Tensor:
    commit(t, a.astype(t._array.dtype))
    return t


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table)."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {slope} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(t: Tensor) -> tuple[int, int]:
    if t.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive = math.prod(t.shape[2:]) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def _fan(t: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(t)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    t = _check(tensor, "uniform_")
    return _fill(t, mx.random.uniform(a, b, tuple(t.shape)))


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    t = _check(tensor, "normal_")
    return _fill(t, mean + std * mx.random.normal(tuple(t.shape)))


def trunc_normal_(tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator=None):
    """Normal(mean, std) truncated to [a, b], by the inverse CDF as PyTorch does."""
    t = _check(tensor, "trunc_normal_")

    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)
    u = mx.random.uniform(2 * lo - 1, 2 * hi - 1, tuple(t.shape))
    v = mx.erfinv(u) * (std * math.sqrt(2.0)) + mean
    return _fill(t, mx.clip(v, a, b))


def constant_(tensor, val: float):
    t = _check(tensor, "constant_")
    return _fill(t, mx.full(tuple(t.shape), val))


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def eye_(tensor):
    t = _check(tensor, "eye_")
    if t.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(t, mx.eye(*t.shape))


def dirac_(tensor, groups: int = 1):
    t = _check(tensor, "dirac_")
    if t.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_per = t.shape[0] // groups
    min_dim = min(out_per, t.shape[1])
    import numpy as np
    w = np.zeros(t.shape, dtype=np.float32)
    for g in range(groups):
        for d in range(min_dim):
            idx = (g * out_per + d, d) + tuple(s // 2 for s in t.shape[2:])
            w[idx] = 1
    return _fill(t, mx.array(w))


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    t = _check(tensor, "xavier_uniform_")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(t)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(t, -a, a)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    t = _check(tensor, "xavier_normal_")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)))


def kaiming_uniform_(tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None):
    t = _check(tensor, "kaiming_uniform_")
    if 0 in t.shape:
        return t
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(t, -bound, bound)


def kaiming_normal_(tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None):
    t = _check(tensor, "kaiming_normal_")
    if 0 in t.shape:
        return t
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    return normal_(t, 0.0, std)


def orthogonal_(tensor, gain: float = 1.0, generator=None):
    t = _check(tensor, "orthogonal_")
    if t.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    rows, cols = t.shape[0], t.numel() // t.shape[0]
    flat = mx.random.normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = mx.linalg.qr(flat, stream=mx.cpu)
    q = q * mx.sign(mx.diagonal(r))
    if rows < cols:
        q = q.T
    return _fill(t, (gain * q).reshape(tuple(t.shape)))


__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_", "orthogonal_"]


from tmath_array.torch import _names  # noqa: E402

__getattr__ = _names.missing_in(__name__, "docs/torch_training.md")
