"""Utility functions: all, any, diff."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .statistical import _check_keepdims

if TYPE_CHECKING:
    from .._array.array import Array


def _reduce_bool(name: str, mxfn, x, axis, keepdims: bool):
    x = _convert.array(name, x)
    keepdims = _check_keepdims(name, keepdims)
    axes = _args.check_axes(name, axis, x.ndim)
    a = x._array
    s = x._device._s
    if x._dtype is not _d.bool:
        a = mx.not_equal(a, 0, stream=s)
    if axes is not None and x.ndim == 0:
        axes = None
    if not a.size:
        a = _core.fresh_empty(a, s)  # (MLX's reductions of some empty layouts: see there)
    out = mxfn(a, axis=list(axes) if axes is not None else None, keepdims=keepdims, stream=s)
    return _core.new(out, _d.bool, x._device)


def all(x: Array, /, axis: int | tuple[int, ...] | None = None, out: Array | None = None,
        keepdims: bool = False) -> Array:  # noqa: A001
    """Whether every element along ``axis`` is true (non-zero)."""
    r = _reduce_bool("all", mx.all, x, axis, keepdims)
    return r if out is None else _core.write_out("all", out, r)


def any(x: Array, /, axis: int | tuple[int, ...] | None = None, out: Array | None = None,
        keepdims: bool = False) -> Array:  # noqa: A001
    """Whether any element along ``axis`` is true (non-zero)."""
    r = _reduce_bool("any", mx.any, x, axis, keepdims)
    return r if out is None else _core.write_out("any", out, r)


def diff(x: Array, /, n: int = 1, axis: int = -1, prepend: Array | None = None,
         append: Array | None = None) -> Array:
    """The ``n``-th forward difference along ``axis``.

    Raises:
        ValueError: for a 0-d array or a negative ``n``.
    """
    x = _convert.array("diff", x)
    if x.ndim == 0:
        raise ValueError("diff: x must have at least one dimension")
    n = _args.check_int("diff", n, "n")
    if n < 0:
        raise ValueError(f"diff: n must be non-negative, got {n}")
    ax = _args.check_axis("diff", axis, x.ndim)
    if n == 0:
        # As NumPy: zero differences return x, whatever prepend/append say.
        return _core.new(mx.array(x._array), x._dtype, x._device)
    s = x._device._s
    parts = []
    dt = x._dtype
    for extra, what in ((prepend, "prepend"), (x, None), (append, "append")):
        if extra is None:
            continue
        if what is not None:
            extra = _convert.array("diff", extra)
            if extra._device != x._device:
                raise ValueError(f"diff: {what} is on another device")
            if extra.ndim == 0:
                # As NumPy: a scalar stands for one slice along axis.
                shape = x.shape[:ax] + (1,) + x.shape[ax + 1:]
                extra = _core.new(mx.broadcast_to(extra._array, shape, stream=s), extra._dtype,
                                  extra._device)
            if extra.ndim != x.ndim or any_mismatch(extra.shape, x.shape, ax):
                raise ValueError(f"diff: {what} must match x's shape except along axis")
            dt = _d.promote_types(dt, extra._dtype, "diff")
        parts.append(extra._array)
    joined = sum(p.shape[ax] for p in parts)
    if joined > 2**31 - 1:
        # (MLX's sides are 32-bit: its concatenate raised a raw OverflowError)
        raise ValueError(f"diff: x with prepend/append has {joined} elements along axis "
                         f"{ax}, past the largest side MLX supports (2**31 - 1)")
    a = parts[0] if len(parts) == 1 else mx.concatenate(
        [p.astype(dt._mx, stream=s) for p in parts], axis=ax, stream=s)
    for _ in range(n):
        length = a.shape[ax]
        if length == 0:
            break
        hi = [slice(None)] * a.ndim
        lo = [slice(None)] * a.ndim
        hi[ax] = slice(1, None)
        lo[ax] = slice(None, -1)
        if dt is _d.bool:
            a = mx.not_equal(a[tuple(hi)], a[tuple(lo)], stream=s)
        else:
            a = mx.subtract(a[tuple(hi)], a[tuple(lo)], stream=s)
    return _core.new(a, dt, x._device)


def any_mismatch(shape1, shape2, axis: int) -> bool:
    return builtins.any(a != b for i, (a, b) in enumerate(zip(shape1, shape2)) if i != axis)
