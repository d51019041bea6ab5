"""``__getitem__``/``__setitem__`` keys: validation and translation to MLX.

MLX does no bounds checking: ``a[10]`` on five elements reads whatever lies in
memory, and a zero slice step kills the process. Every key is validated here
first, from shapes alone, so no check needs a sync point.

Integer *array* indices cannot be checked without reading them. They follow the
standard for negative values (counted from the end) and are clamped into the
axis otherwise: an out-of-range index reads the first or last element, as in
JAX. This keeps indexing lazy; the clamp is documented in docs/indexing.md.
"""

from __future__ import annotations

import builtins
import operator

import mlx.core as mx

from . import _core
from . import _dtypes as _d

_INTEGER = _d.CATEGORIES["integer"]


def _index_int(k) -> int | None:
    """``k`` as a Python int when it is an integer index (not a bool), else None."""
    if isinstance(k, builtins.bool):
        return None
    if isinstance(k, int):
        return k
    if hasattr(k, "__index__") and not isinstance(k, _core.Array):
        return operator.index(k)
    return None


def _slice_part(v, what: str):
    if v is None:
        return None
    i = _index_int(v)
    if i is None:
        raise IndexError(f"slice {what} must be an int or None, got {type(v).__name__}")
    return i


def _clamp(v: int | None, lo: int, hi: int) -> int | None:
    return None if v is None else builtins.min(builtins.max(v, lo), hi)


def _slice(k: slice, size: int) -> slice:
    """A slice with bounds and step clamped to what selects the same elements.

    MLX takes 32-bit slice parameters only (and silently misreads some), while
    Python and NumPy accept any int and clamp.
    """
    step = _slice_part(k.step, "step")
    if step == 0:
        raise ValueError("slice step cannot be zero")
    start = _clamp(_slice_part(k.start, "start"), -size - 1, size + 1)
    stop = _clamp(_slice_part(k.stop, "stop"), -size - 1, size + 1)
    if step is not None and builtins.abs(step) > size:
        step = size + 1 if step > 0 else -(size + 1)
    return slice(start, stop, step)


def translate(x, key) -> tuple:
    """Validate ``key`` against ``x`` and return the MLX key (always a tuple)."""
    if not isinstance(key, tuple):
        key = (key,)
    shape = x._array.shape
    ndim = len(shape)
    n_ellipsis = 0
    n_indexed = 0
    for k in key:
        if k is Ellipsis:
            n_ellipsis += 1
        elif k is not None:
            n_indexed += 1
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_indexed > ndim:
        raise IndexError(
            f"too many indices: array is {ndim}-dimensional, but {n_indexed} were indexed"
        )

    out = []
    axis = 0
    for k in key:
        if k is None:
            out.append(None)
            continue
        if k is Ellipsis:
            out.append(Ellipsis)
            axis += ndim - n_indexed
            continue
        size = shape[axis]
        i = _index_int(k)
        if i is not None:
            if not -size <= i < size:
                raise IndexError(
                    f"index {i} is out of bounds for axis {axis} with size {size}"
                )
            out.append(i)
        elif isinstance(k, slice):
            out.append(_slice(k, size))
        elif isinstance(k, _core.Array):
            out.append(_array_index(x, k, axis, size))
        else:
            raise IndexError(
                f"only integers, slices, ellipsis, None and integer arrays are valid "
                f"indices; got {type(k).__name__}"
            )
        axis += 1
    return tuple(out)


def _array_index(x, k, axis: int, size: int) -> mx.array:
    if k._device != x._device:
        raise ValueError(f"index array is on {k._device}, the indexed array on {x._device}")
    if k._dtype not in _INTEGER:
        if k._dtype is _d.bool:
            raise IndexError(
                "boolean array indices have a data-dependent shape and are not supported yet"
            )
        raise IndexError(f"arrays used as indices must be of integer dtype, got "
                         f"{_core.dtype_name(k._dtype)}")
    a = k._array
    if size == 0:
        if a.size:
            raise IndexError(f"index out of bounds for axis {axis} with size 0")
        return a.astype(mx.int32)
    s = x._device._s
    # Note: MLX reads out of bounds for such indices; negative ones count from the
    # end and the rest are clamped (see the module docstring). int64 holds every
    # index plus the axis size without overflow.
    if k._dtype is not _d.int64:
        a = a.astype(mx.int64, stream=s)
    a = mx.where(mx.less(a, 0, stream=s), mx.add(a, size, stream=s), a, stream=s)
    return mx.clip(a, 0, size - 1, stream=s)
