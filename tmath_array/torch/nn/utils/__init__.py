"""``torch.nn.utils``: gradient clipping and parameter <-> vector conversion (lazy: the
clipping factor is an MLX expression, never read back)."""

from __future__ import annotations

import math

import mlx.core as mx

from ..._tensor import Tensor, commit, from_mx


def _grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p._grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale the gradients so their joint ``norm_type`` norm is at most ``max_norm``;
    returns the norm before clipping (a 0-d tensor)."""
    ps = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
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
    c = float(clip_value)
    for p in _grads(parameters):
        g = p._grad
        commit(g, mx.clip(g._array, -c, c))


def parameters_to_vector(parameters) -> Tensor:
    ps = list(parameters)
    a = mx.concatenate([p._array.reshape(-1) for p in ps])
    return from_mx(a, ps[0]._dtype, ps[0]._device)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    start = 0
    for p in parameters:
        n = p.numel()
        commit(p, vec._array[start:start + n].reshape(p._array.shape).astype(p._array.dtype))
        start += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters"]
