"""Manipulation functions."""

from __future__ import annotations

import builtins
import math
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._interop import convert as _convert
from .._runtime import lazy as _lazy
from .._runtime import memory as _memory

if TYPE_CHECKING:
    from .._array.array import Array


def reshape(x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
    """``x`` with a new shape of the same size; one dimension may be -1.

    ``copy=False`` returns an array sharing ``x``'s MLX buffer (no copy is ever
    needed for a reshape); ``copy=True`` returns an independent array.
    """
    x = _convert.array("reshape", x)
    shape = _args.shape_tuple("reshape", shape)
    if copy is not None and copy.__class__ is not builtins.bool:
        raise ValueError(f"reshape: copy must be True, False or None, got {copy!r}")
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1 or builtins.any(s < -1 for s in shape):
        raise ValueError(f"reshape: invalid shape {shape}")
    _memory.check_shape("reshape", shape)
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
        return _core.new(mx.array(out), x._dtype, x._device)
    res = _core.new(mx.array(out) if out is x._array else out, x._dtype, x._device)
    if _views.reshape_is_view(x, shape):  # NumPy's rule: a view when the strides allow
        return _views.derived(res, x, ("reshape", shape))
    if copy is False:
        raise ValueError(f"reshape: x (a view whose layout does not allow it) cannot take "
                         f"shape {shape} without a copy, but copy=False was given")
    return res


def _shape_tuple(name: str, shape) -> tuple:
    """A shape as a tuple; an int is a 1-D shape (as NumPy takes it)."""
    return _args.shape_tuple(name, shape)


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """The shape that ``shapes`` broadcast to.

    Raises:
        ValueError: when the shapes do not broadcast.
    """
    out: list[int] = []
    for shape in shapes:
        shape = _shape_tuple("broadcast_shapes", shape)
        if len(shape) > len(out):
            out = [1] * (len(shape) - len(out)) + out
        for i, n in enumerate(shape, start=len(out) - len(shape)):
            if n < 0:
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
    x = _convert.array("broadcast_to", x)
    shape = _shape_tuple("broadcast_to", shape)
    if broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}")
    _memory.check_shape("broadcast_to", shape, x._array.itemsize, _core.dtype_name(x._dtype))
    return _core.new(mx.broadcast_to(x._array, shape, stream=x._device._s), x._dtype, x._device)


def broadcast_arrays(*arrays: Array) -> tuple[Array, ...]:
    """The arrays broadcast against each other (a tuple)."""
    arrays = [_convert.array("broadcast_arrays", a) for a in arrays]
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


def concat(arrays: tuple[Array, ...] | list[Array], /, axis: int | None = 0) -> Array:
    """Join arrays along an existing axis (``axis=None`` flattens them first)."""
    if not isinstance(arrays, (tuple, list)) or not arrays:
        raise ValueError("concat: expected a non-empty tuple or list of arrays")
    arrays = [_convert.array("concat", a) for a in arrays]
    _same_device("concat", arrays)
    from .data_types import result_type

    dt = result_type(*arrays)
    dev = arrays[0]._device
    s = dev._s
    parts = [a._array if a._dtype is dt else a._array.astype(dt._mx, stream=s) for a in arrays]
    if axis is None:
        _memory.check_shape("concat", (builtins.sum(a.size for a in arrays),))
        parts = [mx.reshape(p, (-1,), stream=s) for p in parts]
        return _core.new(mx.concatenate(parts, axis=0, stream=s), dt, dev)
    ndim = arrays[0].ndim
    if ndim == 0:
        raise ValueError("concat: 0-dimensional arrays cannot be concatenated")
    ax = _args.check_axis("concat", axis, ndim)
    for a in arrays[1:]:
        if a.ndim != ndim or builtins.any(
                m != n for i, (m, n) in enumerate(zip(a.shape, arrays[0].shape)) if i != ax):
            raise ValueError(f"concat: shapes {[t.shape for t in arrays]} differ outside "
                             f"axis {axis}")
    # (empty arrays can add up past MLX's 32-bit sides: its raw OverflowError otherwise)
    shape = list(arrays[0].shape)
    shape[ax] = builtins.sum(a.shape[ax] for a in arrays)
    _memory.check_shape("concat", tuple(shape))
    return _core.new(mx.concatenate(parts, axis=ax, stream=s), dt, dev)


# --- axes -------------------------------------------------------------------

def _axis(name: str, axis, ndim: int) -> int:
    """One axis in ``[-ndim, ndim)`` (IndexError outside), as a non-negative int."""
    return _args.check_axis_strict(name, axis, ndim)


def _axes(name: str, axis, ndim: int, what: str = "axis") -> tuple[int, ...]:
    """An int or a tuple of unique axes, normalised (ValueError for a repeated axis)."""
    if isinstance(axis, (tuple, list)):
        axes = tuple(_axis(name, a, ndim) for a in axis)
    else:
        axes = (_axis(name, axis, ndim),)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: repeated {what} in {axis}")
    return axes


def _ints(name: str, values, what: str) -> tuple[int, ...]:
    return _args.check_ints(name, values, what)


def _fresh(x: Array, a: mx.array) -> Array:
    # Note: an unchanged result still gets a new MLX node: MLX's __setitem__
    # mutates the array object in place, so sharing it would alias x.
    return _core.new(mx.array(a) if a is x._array else a, x._dtype, x._device)


def expand_dims(x: Array, /, axis: int | tuple[int, ...]) -> Array:
    """``x`` with a new axis of size one at each position of ``axis``.

    Positions refer to the result, which has ``x.ndim + len(axis)`` dimensions.

    Raises:
        IndexError: for a position outside ``[-M, M)``, ``M`` the result's ndim.
        ValueError: when two positions are the same.
    """
    x = _convert.array("expand_dims", x)
    n_new = len(axis) if isinstance(axis, (tuple, list)) else 1
    axes = _axes("expand_dims", axis, x.ndim + n_new)
    res = _fresh(x, mx.expand_dims(x._array, sorted(axes), stream=x._device._s)
                 if axes else x._array)
    return _views.derived(res, x, ("reshape", res.shape))


def squeeze(x: Array, /, axis: int | tuple[int, ...] | None = None) -> Array:
    """``x`` without the singleton axes ``axis`` (every one of them by default, as NumPy).

    Raises:
        ValueError: when an axis of ``axis`` does not have size one.
    """
    x = _convert.array("squeeze", x)
    if axis is None:
        axis = tuple(i for i, n in enumerate(x.shape) if n == 1)
    axes = _axes("squeeze", axis, x.ndim)
    for ax in axes:
        if x.shape[ax] != 1:
            raise ValueError(f"squeeze: axis {ax} has size {x.shape[ax]}, not 1")
    res = _fresh(x, mx.squeeze(x._array, axes, stream=x._device._s) if axes else x._array)
    return _views.derived(res, x, ("reshape", res.shape))


def flip(x: Array, /, axis: int | tuple[int, ...] | None = None) -> Array:
    """``x`` with the order of elements reversed along ``axis`` (all axes by default)."""
    x = _convert.array("flip", x)
    axes = tuple(range(x.ndim)) if axis is None else _axes("flip", axis, x.ndim)
    res = _fresh(x, mx.flip(x._array, axes, stream=x._device._s) if axes else x._array)
    key = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))
    return _views.derived(res, x, ("key", key))


def permute_dims(x: Array, /, axes: tuple[int, ...]) -> Array:
    """``x`` with its axes permuted: axis ``i`` of the result is axis ``axes[i]`` of ``x``.

    Raises:
        ValueError: when ``axes`` is not a permutation of the axes of ``x``.
    """
    x = _convert.array("permute_dims", x)
    axes = _ints("permute_dims", axes, "axes")
    if len(axes) != x.ndim:
        raise ValueError(f"permute_dims: axes {axes} do not match an array of dimension "
                         f"{x.ndim}")
    perm = _axes("permute_dims", axes, x.ndim)
    res = _fresh(x, mx.transpose(x._array, perm, stream=x._device._s))
    return _views.derived(res, x, ("perm", tuple(perm)))


def moveaxis(x: Array, source: int | tuple[int, ...], destination: int | tuple[int, ...],
             /) -> Array:
    """``x`` with the axes ``source`` moved to positions ``destination``; others keep order.

    Raises:
        ValueError: when ``source`` and ``destination`` differ in length or repeat an axis.
    """
    x = _convert.array("moveaxis", x)
    src = _axes("moveaxis", source, x.ndim, "source axis")
    dst = _axes("moveaxis", destination, x.ndim, "destination axis")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source} and destination {destination} must have "
                         "the same number of axes")
    order = [n for n in range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    res = _fresh(x, mx.transpose(x._array, order, stream=x._device._s))
    return _views.derived(res, x, ("perm", tuple(order)))


def roll(x: Array, /, shift: int | tuple[int, ...],
         axis: int | tuple[int, ...] | None = None) -> Array:
    """``x`` with elements shifted by ``shift`` along ``axis`` (the flattened array if None).

    Elements shifted beyond the last position come back at the first. A repeated
    axis gets the sum of its shifts, as in NumPy.

    Raises:
        ValueError: when ``shift`` and ``axis`` are tuples of different lengths, or
            ``shift`` is a tuple and ``axis`` is None.
    """
    x = _convert.array("roll", x)
    shifts = _ints("roll", shift, "shift") if isinstance(shift, (tuple, list)) \
        else _ints("roll", (shift,), "shift")
    s = x._device._s
    if axis is None:
        if isinstance(shift, (tuple, list)):
            raise ValueError("roll: a tuple shift needs a tuple axis of the same length")
        flat = mx.reshape(x._array, (-1,), stream=s)
        n = flat.size
        k = shifts[0] % n if n else 0
        if k == 0:
            return _fresh(x, x._array)
        # Note: the shift is reduced modulo the size here; MLX takes 32-bit shifts.
        out = mx.roll(flat, k, stream=s)
        return _fresh(x, mx.reshape(out, x.shape, stream=s))
    axes = tuple(_axis("roll", a, x.ndim) for a in axis) if isinstance(axis, (tuple, list)) \
        else (_axis("roll", axis, x.ndim),)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    elif len(shifts) != len(axes):
        raise ValueError(f"roll: shift {shift} and axis {axis} must have the same length")
    total: dict[int, int] = {}
    for sh, ax in zip(shifts, axes):
        total[ax] = total.get(ax, 0) + sh
    moves = {ax: sh % x.shape[ax] for ax, sh in total.items() if x.shape[ax]}
    moves = {ax: sh for ax, sh in moves.items() if sh}
    if not moves:
        return _fresh(x, x._array)
    return _fresh(x, mx.roll(x._array, tuple(moves.values()), tuple(moves), stream=s))


def stack(arrays: tuple[Array, ...] | list[Array], /, axis: int = 0) -> Array:
    """Join arrays of one shape along a new axis ``axis`` of the result.

    Raises:
        ValueError: when the arrays differ in shape or device, or none are given.
        IndexError: for ``axis`` outside ``[-N-1, N]``, ``N`` the arrays' ndim.
    """
    if not isinstance(arrays, (tuple, list)) or not arrays:
        raise ValueError("stack: expected a non-empty tuple or list of arrays")
    arrays = [_convert.array("stack", a) for a in arrays]
    _same_device("stack", arrays)
    shape = arrays[0].shape
    if builtins.any(a.shape != shape for a in arrays[1:]):
        raise ValueError(f"stack: arrays must have the same shape, got "
                         f"{[a.shape for a in arrays]}")
    ax = _axis("stack", axis, len(shape) + 1)
    from .data_types import result_type

    dt = result_type(*arrays)
    dev = arrays[0]._device
    s = dev._s
    parts = [a._array if a._dtype is dt else a._array.astype(dt._mx, stream=s) for a in arrays]
    return _core.new(mx.stack(parts, axis=ax, stream=s), dt, dev)


def unstack(x: Array, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of ``x`` along ``axis``, as a tuple of ``x.shape[axis]`` arrays."""
    x = _convert.array("unstack", x)
    ax = _axis("unstack", axis, x.ndim)
    if x.shape[ax] == 0:
        return ()
    n = x.shape[ax]  # (an empty (2**30, 0) array unstacks into 2**30 arrays)
    _memory.check_objects("unstack", n * _memory.ARRAY_OBJECT_BYTES, f"{n} arrays")
    return tuple(_core.new(a, x._dtype, x._device)
                 for a in mx.unstack(x._array, axis=ax, stream=x._device._s))


def tile(x: Array, repetitions: tuple[int, ...] | int, /) -> Array:
    """``x`` repeated ``repetitions[i]`` times along axis ``i`` (shapes aligned right).

    Raises:
        ValueError: for a negative repetition count.
    """
    x = _convert.array("tile", x)
    if _args.is_int(repetitions):  # (NumPy's tile(x, 3))
        repetitions = (repetitions,)
    reps = _ints("tile", repetitions, "repetitions")
    if builtins.any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be non-negative, got {reps}")
    ndim = builtins.max(x.ndim, len(reps))
    shape = (1,) * (ndim - x.ndim) + x.shape
    full = (1,) * (ndim - len(reps)) + reps
    _check_size("tile", math.prod(n * r for n, r in zip(shape, full)))
    # (an empty array passes the size check; MLX takes counts and sides as 32-bit ints)
    if builtins.any(r > _memory.MAX_DIM for r in reps):
        raise ValueError(f"tile: repetitions {reps} exceed the largest count MLX supports "
                         f"({_memory.MAX_DIM}, 32-bit)")
    _memory.check_shape("tile", tuple(n * r for n, r in zip(shape, full)))
    if not reps:
        return _fresh(x, x._array)
    return _fresh(x, mx.tile(x._array, list(reps), stream=x._device._s))


_MAX_SIZE = 2**31 - 1  # MLX shapes and sizes are 32-bit


def _check_size(name: str, n: int) -> None:
    if n > _MAX_SIZE:
        raise ValueError(f"{name}: the result would have {n} elements, more than an MLX array "
                         f"holds ({_MAX_SIZE})")


def repeat(x: Array, repeats: int | Array, /, axis: int | None = None) -> Array:
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None).

    An integer ``repeats`` stays lazy. An array ``repeats`` (shape ``(1,)`` or
    ``(x.shape[axis],)``) makes the result's shape depend on its values: it is
    read at one counted sync point (``data-dependent``) and the result is lazy.

    Raises:
        ValueError: for negative repeats, or a ``repeats`` array of the wrong shape.
        TypeError: for a ``repeats`` array that is not of an integer dtype.
    """
    x = _convert.array("repeat", x)
    s = x._device._s
    a = x._array
    if axis is None:
        a = mx.reshape(a, (-1,), stream=s)
        ax = 0
    else:
        ax = _axis("repeat", axis, x.ndim)
    if isinstance(repeats, np.ndarray) and repeats.ndim == 0:
        repeats = repeats[()]  # (a 0-d NumPy array: its scalar, as NumPy broadcasts it)
    if isinstance(repeats, (list, tuple, np.ndarray)):
        # (NumPy's repeats: an array-like)
        repeats = _convert.array("repeat", repeats, x._device)
    if isinstance(repeats, _core.Array):
        return _repeat_array(x, a, repeats, ax)
    repeats = _args.check_int("repeat", repeats, "repeats")
    if not 0 <= repeats <= _MAX_SIZE:
        raise ValueError(f"repeat: repeats must lie in [0, {_MAX_SIZE}], got {repeats}")
    _check_size("repeat", a.size * repeats)
    _memory.check_shape("repeat", (a.shape[ax] * repeats,))  # (for empty arrays)
    return _core.new(mx.repeat(a, repeats, axis=ax, stream=s), x._dtype, x._device)


def _repeat_array(x: Array, a: mx.array, repeats: Array, ax: int) -> Array:
    if repeats._dtype not in _d.CATEGORIES["integer"]:
        raise TypeError(f"repeat: a repeats array must have an integer dtype, got "
                        f"{_core.dtype_name(repeats._dtype)}")
    if repeats._device != x._device:
        raise ValueError(f"repeat: repeats is on {repeats._device}, x on {x._device}")
    n = a.shape[ax]
    if repeats.shape not in ((1,), (n,)):
        raise ValueError(f"repeat: repeats must have shape (1,) or ({n},), got "
                         f"{repeats.shape}")
    # Note: the only sync point: the output shape depends on the repeat counts.
    _lazy.materialize(_lazy.DATA_DEPENDENT, repeats._array)
    counts = np.asarray(repeats._array)
    if counts.size and (counts.min() < 0 or counts.max() > _MAX_SIZE):
        raise ValueError(f"repeat: repeats must lie in [0, {_MAX_SIZE}]")
    if counts.shape == (1,):
        count = int(counts[0])
        _check_size("repeat", a.size * count)
        _memory.check_shape("repeat", (a.shape[ax] * count,))  # (for empty arrays)
        return _core.new(mx.repeat(a, count, axis=ax, stream=x._device._s), x._dtype,
                         x._device)
    total = int(counts.sum(dtype=np.int64))
    _check_size("repeat", builtins.max(total, total * (a.size // n if n else 0)))
    if total == 0:
        shape = list(a.shape)
        shape[ax] = 0
        return _core.new(mx.zeros(shape, dtype=a.dtype, stream=x._device._s), x._dtype,
                         x._device)
    index = mx.array(np.repeat(np.arange(n, dtype=np.int32), counts.astype(np.int64)))
    return _core.new(mx.take(a, index, axis=ax, stream=x._device._s), x._dtype, x._device)
