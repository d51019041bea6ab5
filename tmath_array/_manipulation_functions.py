"""Manipulation functions."""

from __future__ import annotations

import builtins
import math
import operator
from typing import TYPE_CHECKING

import mlx.core as mx

from . import _core

if TYPE_CHECKING:
    from ._array_object import Array


def reshape(x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
    """``x`` with a new shape of the same size; one dimension may be -1.

    ``copy=False`` returns an array sharing ``x``'s MLX buffer (no copy is ever
    needed for a reshape); ``copy=True`` returns an independent array.
    """
    _core.check_array("reshape", x)
    if isinstance(shape, int) and not isinstance(shape, builtins.bool):
        shape = (shape,)
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"reshape: shape must be a tuple of ints, got {shape!r}") from None
    if copy not in (None, True, False):
        raise ValueError(f"reshape: copy must be True, False or None, got {copy!r}")
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1 or builtins.any(s < -1 for s in shape):
        raise ValueError(f"reshape: invalid shape {shape}")
    size = x._array.size
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or size % known:
            raise ValueError(f"reshape: cannot reshape an array of size {size} into {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif known != size:
        raise ValueError(f"reshape: cannot reshape an array of size {size} into {shape}")
    out = mx.reshape(x._array, shape, stream=x._device._s)
    if copy:
        out = mx.array(out)
    return _core.new(out, x._dtype, x._device)


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """The shape that ``shapes`` broadcast to.

    Raises:
        ValueError: when the shapes do not broadcast.
    """
    out: list[int] = []
    for shape in shapes:
        shape = tuple(shape)
        if len(shape) > len(out):
            out = [1] * (len(shape) - len(out)) + out
        for i, n in enumerate(shape, start=len(out) - len(shape)):
            if isinstance(n, builtins.bool) or not isinstance(n, int) or n < 0:
                raise TypeError(f"broadcast_shapes: dimensions must be non-negative ints, "
                                f"got {n!r}")
            if out[i] == 1:
                out[i] = n
            elif n != 1 and n != out[i]:
                raise ValueError(f"broadcast_shapes: shapes {shapes} do not broadcast")
    return tuple(out)


def broadcast_to(x: Array, /, shape: tuple[int, ...]) -> Array:
    """``x`` broadcast to ``shape``.

    Raises:
        ValueError: when ``x``'s shape does not broadcast to ``shape``.
    """
    _core.check_array("broadcast_to", x)
    shape = tuple(shape)
    if broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}")
    return _core.new(mx.broadcast_to(x._array, shape, stream=x._device._s), x._dtype, x._device)


def broadcast_arrays(*arrays: Array) -> tuple[Array, ...]:
    """The arrays broadcast against each other (a tuple)."""
    for a in arrays:
        _core.check_array("broadcast_arrays", a, "arrays")
    _same_device("broadcast_arrays", arrays)
    shape = broadcast_shapes(*(a.shape for a in arrays))
    return tuple(broadcast_to(a, shape) for a in arrays)


def _same_device(name: str, arrays):
    if arrays:
        dev = arrays[0]._device
        for a in arrays[1:]:
            if a._device != dev:
                raise ValueError(f"{name}: arrays are on different devices ({dev} and "
                                 f"{a._device})")


def concat(arrays: tuple[Array, ...] | list[Array], /, *, axis: int | None = 0) -> Array:
    """Join arrays along an existing axis (``axis=None`` flattens them first)."""
    if not isinstance(arrays, (tuple, list)) or not arrays:
        raise ValueError("concat: expected a non-empty tuple or list of arrays")
    for a in arrays:
        _core.check_array("concat", a, "arrays")
    _same_device("concat", arrays)
    from ._data_type_functions import result_type

    dt = result_type(*arrays)
    dev = arrays[0]._device
    s = dev._s
    parts = [a._array if a._dtype is dt else a._array.astype(dt._mx, stream=s) for a in arrays]
    if axis is None:
        parts = [mx.reshape(p, (-1,), stream=s) for p in parts]
        return _core.new(mx.concatenate(parts, axis=0, stream=s), dt, dev)
    ndim = arrays[0].ndim
    if ndim == 0:
        raise ValueError("concat: 0-dimensional arrays cannot be concatenated")
    ax = _core.check_axis("concat", axis, ndim)
    for a in arrays[1:]:
        if a.ndim != ndim or builtins.any(
                m != n for i, (m, n) in enumerate(zip(a.shape, arrays[0].shape)) if i != ax):
            raise ValueError(f"concat: shapes {[t.shape for t in arrays]} differ outside "
                             f"axis {axis}")
    return _core.new(mx.concatenate(parts, axis=ax, stream=s), dt, dev)
