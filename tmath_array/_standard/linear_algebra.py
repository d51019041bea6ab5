"""Linear-algebra functions of the main namespace (``matmul``, ``matrix_transpose``,
``tensordot``, ``vecdot``); ``xp.linalg`` re-exports these same objects."""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from .._runtime import memory as _memory

if TYPE_CHECKING:
    from .._array.array import Array

_NUMERIC = _d.CATEGORIES["numeric"]
_INTEGER = _d.CATEGORIES["integer"]
_HALF = (_d.float16, _d.bfloat16)


def negative_axis(name: str, axis, ndim: int) -> int:
    """An axis counted from the end, in ``[-ndim, -1]`` (the standard's rule)."""
    axis = _args.check_int(name, axis, "axis")
    if axis >= 0:
        raise ValueError(f"{name}: axis must be a negative integer (counted from the last "
                         f"dimension), got {axis}")
    if axis < -ndim:
        raise IndexError(f"{name}: axis {axis} is out of bounds for arrays of dimension "
                         f"{ndim}")
    return axis


def check_broadcast(name: str, a1: mx.array, a2: mx.array) -> None:
    """ValueError unless the shapes of ``a1`` and ``a2`` broadcast together."""
    try:
        mx.broadcast_shapes(tuple(a1.shape), tuple(a2.shape))
    except ValueError:
        raise ValueError(f"{name}: shapes {tuple(a1.shape)} and {tuple(a2.shape)} do not "
                         "broadcast") from None


def _product_shape(a1: mx.array, a2: mx.array) -> tuple[int, ...]:
    """The shape of ``a1 @ a2`` (contracted sizes already checked to agree)."""
    s1 = (1,) + tuple(a1.shape) if a1.ndim == 1 else tuple(a1.shape)
    s2 = tuple(a2.shape) + (1,) if a2.ndim == 1 else tuple(a2.shape)
    batch = tuple(mx.broadcast_shapes(s1[:-2], s2[:-2]))
    return (batch + s1[-2:-1] * (a1.ndim > 1) + s2[-1:] * (a2.ndim > 1))


def float_matmul(name: str, a1: mx.array, a2: mx.array, stream, *operands) -> mx.array:
    """``mx.matmul`` of floating operands, within MLX's limits (``matmul``, ``nn.linear``).

    Batch shapes that do not broadcast are the standard's ValueError (naming
    ``operands``, the caller's arrays); an empty result is made without a product;
    a product whose flattened operands pass MLX's 32-bit sizes raises MemoryError or
    ValueError for its result instead of MLX's OverflowError.
    """
    try:
        out = mx.matmul(a1, a2, stream=stream)
    except ValueError as exc:  # (batch shapes that do not broadcast)
        raise _core.broadcast_failure(name, exc, *operands) or exc from None
    except OverflowError:
        # Note: MLX flattens the batch into one 32-bit dimension, even for an empty
        # result; say what the result would need instead.
        shape = _product_shape(a1, a2)
        if math.prod(shape) == 0:
            return mx.zeros(shape, dtype=a1.dtype, stream=stream)
        _memory.check_shape(name, shape, a1.dtype.size, str(a1.dtype).split(".")[-1])
        raise ValueError(f"{name}: the product of shapes {tuple(a1.shape)} and "
                         f"{tuple(a2.shape)} exceeds MLX's 32-bit sizes") from None
    if out.size == 0:
        # Note: MLX's matmul segfaults evaluating an empty product with a huge batch,
        # (3, 2**30, 0, 3) @ (1, 3, 1); an empty result needs no product at all.
        out = mx.zeros(out.shape, dtype=out.dtype, stream=stream)
    return out


def matmul(x1: Array, x2: Array, /) -> Array:
    """Matrix product with NumPy's rules for 1-D operands and batch broadcasting.

    Raises:
        TypeError: for non-numeric dtypes.
        ValueError: when the contracted dimensions differ or an operand is 0-D.
    """
    x1 = _core.check_category("matmul", _convert.array("matmul", x1), "numeric")
    x2 = _core.check_category("matmul", _convert.array("matmul", x2), "numeric")
    a1, a2, dt, dev = _core.prep_binary("matmul", x1, x2, _NUMERIC, "numeric")
    if a1.ndim == 0 or a2.ndim == 0:
        raise ValueError("matmul: operands must have at least one dimension")
    k1 = a1.shape[-1]
    k2 = a2.shape[-2] if a2.ndim > 1 else a2.shape[0]
    if k1 != k2:
        raise ValueError(f"matmul: contracted dimensions differ ({k1} and {k2}) for shapes "
                         f"{tuple(a1.shape)} and {tuple(a2.shape)}")
    s = dev._s
    if dt not in _INTEGER:
        return _core.new(float_matmul("matmul", a1, a2, s, x1, x2), dt, dev)
    # Note: MLX's matmul takes floating dtypes only; integers multiply and sum
    # exactly, with the standard's wrap-around on overflow.
    v1 = a1.ndim == 1
    v2 = a2.ndim == 1
    if v1:
        a1 = mx.expand_dims(a1, 0, stream=s)
    if v2:
        a2 = mx.expand_dims(a2, 1, stream=s)
    try:
        batch = mx.broadcast_shapes(a1.shape[:-2], a2.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: batch shapes {tuple(a1.shape[:-2])} and "
                         f"{tuple(a2.shape[:-2])} do not broadcast") from None
    prod = mx.multiply(mx.expand_dims(a1, -1, stream=s), mx.expand_dims(a2, -3, stream=s),
                       stream=s)
    out = mx.sum(prod, axis=-2, stream=s).astype(dt._mx, stream=s)
    out = mx.broadcast_to(out, tuple(batch) + tuple(out.shape[-2:]), stream=s)
    if v1:
        out = mx.squeeze(out, -2, stream=s)
    if v2:
        out = mx.squeeze(out, -1, stream=s)
    return _core.new(out, dt, dev)


def matrix_transpose(x: Array, /) -> Array:
    """Transpose of the last two axes."""
    x = _convert.array("matrix_transpose", x)
    if x.ndim < 2:
        raise ValueError("matrix_transpose: x must have at least two dimensions")
    n = x.ndim
    res = _core.new(mx.swapaxes(x._array, -1, -2, stream=x._device._s), x._dtype, x._device)
    return _views.derived(res, x, ("perm", tuple(range(n - 2)) + (n - 1, n - 2)))


def _tensordot_axes(axes, n1: int, n2: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Normalise tensordot's ``axes`` to two tuples of non-negative axes."""
    if _args.is_int(axes):
        axes = _args.check_int("tensordot", axes, "axes")
        if axes < 0:
            raise ValueError(f"tensordot: axes must be non-negative, got {axes}")
        if axes > builtins.min(n1, n2):
            raise ValueError(f"tensordot: cannot contract {axes} axes of arrays of dimensions "
                             f"{n1} and {n2}")
        return tuple(range(n1 - axes, n1)), tuple(range(axes))
    if not (isinstance(axes, Sequence) and len(axes) == 2
            and builtins.all(isinstance(a, Sequence) for a in axes)):
        raise TypeError("tensordot: axes must be an int or a pair of sequences of ints, "
                        f"got {axes!r}")
    first, second = (tuple(_args.check_axis("tensordot", a, n) for a in seq)
                     for seq, n in zip(axes, (n1, n2)))
    if len(first) != len(second):
        raise ValueError(f"tensordot: axes {axes!r} name different numbers of axes")
    if len(set(first)) != len(first) or len(set(second)) != len(second):
        raise ValueError(f"tensordot: repeated axis in {axes!r}")
    return first, second


def _tensordot(a1, a2, ax1, ax2, dt):
    """Contract ``ax1`` of ``a1`` with ``ax2`` of ``a2`` as one matrix product."""
    free1 = [i for i in range(a1.ndim) if i not in ax1]
    free2 = [i for i in range(a2.ndim) if i not in ax2]
    out_shape = [a1.shape[i] for i in free1] + [a2.shape[i] for i in free2]
    k = 1
    for i in ax1:
        k *= a1.shape[i]
    p = 1
    for i in free1:
        p *= a1.shape[i]
    q = 1
    for i in free2:
        q *= a2.shape[i]
    m1 = mx.reshape(mx.transpose(a1, free1 + list(ax1)), (p, k))
    m2 = mx.reshape(mx.transpose(a2, list(ax2) + free2), (k, q))
    if dt in _INTEGER:
        # Note: MLX's matmul takes floating dtypes only; integers multiply and sum
        # exactly, wrapping around as the standard's integer arithmetic does.
        prod = mx.sum(m1[:, :, None] * m2[None, :, :], axis=1)
    elif dt in _HALF:
        prod = mx.matmul(m1.astype(mx.float32), m2.astype(mx.float32))
    else:
        prod = mx.matmul(m1, m2)
    return mx.reshape(prod.astype(dt._mx), out_shape)


def tensordot(x1: Array, x2: Array, /,
              axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> Array:
    """Tensor contraction of ``x1`` and ``x2`` over ``axes``.

    Args:
        axes: ``N`` contracts the last ``N`` axes of ``x1`` with the first ``N``
            of ``x2``; a pair of sequences names the axes of each array.

    Raises:
        TypeError: for non-numeric dtypes or malformed ``axes``.
        ValueError: when contracted axes differ in size (they never broadcast).
        IndexError: for an axis out of range.
    """
    x1, x2 = _convert.array("tensordot", x1), _convert.array("tensordot", x2)
    for x in (x1, x2):
        _core.check_category("tensordot", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("tensordot", x1, x2, _NUMERIC, "numeric")
    ax1, ax2 = _tensordot_axes(axes, a1.ndim, a2.ndim)
    for i, j in zip(ax1, ax2):
        if a1.shape[i] != a2.shape[j]:
            raise ValueError(f"tensordot: axis {i} of x1 (size {a1.shape[i]}) and axis {j} of "
                             f"x2 (size {a2.shape[j]}) differ in size")
    free1 = [a1.shape[i] for i in range(a1.ndim) if i not in ax1]
    free2 = [a2.shape[i] for i in range(a2.ndim) if i not in ax2]
    out_shape = (*free1, *free2)
    _memory.check_shape("tensordot", out_shape, dt._mx.size, _d.dtype_name(dt))
    k = math.prod(a1.shape[i] for i in ax1)
    if k == 0 or math.prod(out_shape) == 0:
        # Note: made directly: the product's flattened sides may pass MLX's 32-bit limit
        # ((10**9, 3, 0) with (0,): MLX's raw OverflowError for 3 * 10**9).
        return _core.new(mx.zeros(out_shape, dtype=dt._mx, stream=dev._s), dt, dev)
    for side in (math.prod(free1), k, math.prod(free2)):
        if side > _memory.MAX_DIM:
            raise ValueError(f"tensordot: a flattened side of {side} elements exceeds the "
                             f"largest MLX supports ({_memory.MAX_DIM}, 32-bit)")
    out = _compile.run("tensordot", _tensordot, dev, a1, a2, static=(ax1, ax2, dt))
    return _core.new(out, dt, dev)


def _vecdot(a1, a2, axis: int, dt):
    if dt in _HALF:
        a1 = a1.astype(mx.float32)
        a2 = a2.astype(mx.float32)
    elif dt is _d.complex64:
        a1 = mx.conj(a1)
    return mx.sum(a1 * a2, axis=axis).astype(dt._mx)


def vecdot(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Dot product ``sum(conj(x1) * x2)`` along ``axis`` (negative); other axes broadcast.

    Raises:
        ValueError: when the axis sizes differ (the contracted axis never
            broadcasts) or ``axis`` is not negative.
        IndexError: for an axis beyond the smaller array's dimensions.
    """
    x1, x2 = _convert.array("vecdot", x1), _convert.array("vecdot", x2)
    for x in (x1, x2):
        _core.check_category("vecdot", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("vecdot", x1, x2, _NUMERIC, "numeric")
    axis = negative_axis("vecdot", axis, builtins.min(a1.ndim, a2.ndim))
    if a1.shape[axis] != a2.shape[axis]:
        raise ValueError(f"vecdot: axis {axis} has size {a1.shape[axis]} in x1 and "
                         f"{a2.shape[axis]} in x2")
    check_broadcast("vecdot", a1, a2)
    out = _compile.run("vecdot", _vecdot, dev, a1, a2, static=(axis, dt))
    return _core.new(out, dt, dev)
