"""``torch.nn.utils``: gradient clipping and parameter <-> vector conversion (lazy: the
clipping factor is an MLX expression, never read back)."""

from __future__ import annotations

import math

import mlx.core as mx

from ..._tensor import Tensor, commit, from_mx


def _params(parameters, fn: str) -> list[Tensor]:
    """Tensors from a tensor or an iterable of tensors (PyTorch's ``parameters`` argument)."""
    if isinstance(parameters, Tensor):
        return [parameters]
    if hasattr(parameters, "__mlx_array__") or hasattr(parameters, "__array__"):
        raise TypeError(f"{fn}: parameters must be a Tensor or an iterable of Tensors, got "
                        f"{type(parameters).__name__}")
    try:
        ps = list(parameters)
    except TypeError:
        raise TypeError(f"{fn}: parameters must be a Tensor or an iterable of Tensors, got "
                        f"{type(parameters).__name__}") from None
    for p in ps:
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: expected Tensors, got {type(p).__name__}")
    return ps


def _grads(parameters, fn: str) -> list[Tensor]:
    return [p for p in _params(parameters, fn) if p._grad is not None]


def _number(v, name: str, fn: str) -> float:
    import numpy as np

    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer,
                                                              np.floating)):
        raise TypeError(f"{fn}: {name} must be a number, got {type(v).__name__}")
    return float(v)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale the gradients so their joint ``norm_type`` norm is at most ``max_norm``;
    returns the norm before clipping (a 0-d tensor)."""
    ps = _grads(parameters, "clip_grad_norm_")
    max_norm = _number(max_norm, "max_norm", "clip_grad_norm_")
    norm_type = _number(norm_type, "norm_type", "clip_grad_norm_")
    if not ps:
        from ...._array.devices import CPU
        from ... import _types
        dt = _types.get_default_dtype()
        return from_mx(mx.array(0.0, dtype=dt._mx), dt, CPU)
    gs = [p._grad._array for p in ps]
    if norm_type == math.inf:
        total = mx.max(mx.stack([mx.max(mx.abs(g)) for g in gs]))
    else:
        total = mx.sum(mx.stack([mx.sum(mx.abs(g) ** norm_type) for g in gs])) ** (1 / norm_type)
    if error_if_nonfinite:
        from ...._runtime import lazy as _lazy
        _lazy.materialize(_lazy.CONVERSION, total)
        if not math.isfinite(total.item()):
            raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                               "`parameters` is non-finite, so it cannot be clipped. To disable "
                               "this error and scale the gradients by the non-finite norm "
                               "anyway, set `error_if_nonfinite=False`")
    coef = mx.minimum(max_norm / (total + 1e-6), 1.0)
    for p in ps:
        g = p._grad
        commit(g, (g._array * coef).astype(g._array.dtype))
    g0 = ps[0]._grad
    return from_mx(total.astype(g0._array.dtype), g0._dtype, g0._device)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    c = _number(clip_value, "clip_value", "clip_grad_value_")
    for p in _grads(parameters, "clip_grad_value_"):
        g = p._grad
        commit(g, mx.clip(g._array, -c, c))


def parameters_to_vector(parameters) -> Tensor:
    ps = _params(parameters, "parameters_to_vector")
    if not ps:
        raise RuntimeError("parameters_to_vector: no parameters given")
    if any(p._dtype is not ps[0]._dtype for p in ps):
        raise RuntimeError("parameters_to_vector: parameters of different dtypes")
    a = mx.concatenate([p._array.reshape(-1) for p in ps])
    return from_mx(a, ps[0]._dtype, ps[0]._device)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    ps = _params(parameters, "vector_to_parameters")
    if vec.ndim != 1 or vec.shape[0] != sum(p.numel() for p in ps):
        raise RuntimeError(f"vector_to_parameters: a vector of {vec.numel()} elements for "
                           f"parameters of {sum(p.numel() for p in ps)}")
    start = 0
    for p in ps:
        n = p.numel()
        commit(p, vec._array[start:start + n].reshape(p._array.shape).astype(p._array.dtype))
        start += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters"]
