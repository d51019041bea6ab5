"""Searching functions: argmax, argmin, count_nonzero, nonzero, searchsorted, where.

``nonzero`` has a data-dependent output shape: it is a counted sync point (one
``_lazy.materialize`` with reason DATA_DEPENDENT), after which its result is
built lazily in MLX again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from .._runtime import lazy as _lazy

if TYPE_CHECKING:
    from .._array.array import Array

_PLAIN = frozenset((_core.Array, bool, int, float, complex))


_NO_VALUE = object()


def where(condition: Array, x1: Array | complex = _NO_VALUE, x2: Array | complex = _NO_VALUE,
          /) -> Array | tuple[Array, ...]:
    """Elements of ``x1`` where ``condition`` is true, else of ``x2``.

    ``x1`` and ``x2`` may be Python scalars (one of them at least an array, or
    both scalars taking the dtype the standard gives them) or array-likes. With
    ``condition`` alone, NumPy's ``where(condition)``: :func:`nonzero` (a sync point).
    """
    array_cls = _core.Array
    if x1 is _NO_VALUE or x2 is _NO_VALUE:
        if x1 is not _NO_VALUE or x2 is not _NO_VALUE:
            raise TypeError("where: give both x1 and x2, or neither")
        return nonzero(_convert.array("where", condition))
    if condition.__class__ is array_cls and x1.__class__ is array_cls \
            and x2.__class__ is array_cls:
        # Fast path: three arrays on one device, values of one dtype.
        dev = condition._device
        dt = x1._dtype
        if condition._dtype is _d.bool and x2._dtype is dt and x1._device is dev \
                and x2._device is dev:
            try:
                out = mx.where(condition._array, x1._array, x2._array, stream=dev._s)
            except ValueError as exc:
                raise _core.broadcast_failure("where", exc, condition, x1, x2) or exc from None
            return _core.new(out, dt, dev)
    condition = _convert.array("where", condition)
    if x1.__class__ not in _PLAIN:
        x1 = _convert.operand("where", x1, condition._device)
    if x2.__class__ not in _PLAIN:
        x2 = _convert.operand("where", x2, condition._device)
    if condition._dtype is not _d.bool:
        raise TypeError(f"where: condition must be a bool array, got "
                        f"{_core.dtype_name(condition._dtype)}")
    dev = condition._device
    if not isinstance(x1, _core.Array) and not isinstance(x2, _core.Array):
        x1 = _convert.to_array(x1, device=dev, name="where")
    a1, a2, dt, xdev = _core.prep_binary("where", x1, x2, _d.CATEGORIES["all"], "any")
    if xdev != dev:
        raise ValueError(f"where: condition is on {dev}, the values on {xdev}")
    a1 = _core.as_mx(a1, dt)
    a2 = _core.as_mx(a2, dt)
    try:
        out = mx.where(condition._array, a1, a2, stream=dev._s)
    except ValueError as exc:
        raise _core.broadcast_failure("where", exc, condition, x1, x2) or exc from None
    return _core.new(out, dt, dev)


def _arg_extremum(name: str, mxfn, x, axis, keepdims) -> Array:
    x = _core.check_category(name, _convert.array(name, x), "real-valued")
    keepdims = _args.check_bool(name, keepdims, "keepdims")
    a = x._array
    s = x._device._s
    if axis is None:
        if a.size == 0:
            raise ValueError(f"{name}: cannot search an empty array")
        out = mxfn(a.reshape(-1, stream=s), axis=0, stream=s) if a.ndim else mx.zeros(
            (), dtype=mx.int32)
        if keepdims:
            out = out.reshape((1,) * a.ndim, stream=s)
    else:
        ax = _args.check_axis(name, axis, a.ndim)
        if a.ndim == 0:
            return _core.new_index(mx.zeros((), dtype=mx.int32), x._device)
        if a.shape[ax] == 0:
            raise ValueError(f"{name}: cannot search along an empty axis {axis}")
        if a.size == 0:
            # Note: MLX refuses any zero-size input; the result is empty, known from the shape.
            shape = [1 if i == ax else n for i, n in enumerate(a.shape)]
            if not keepdims:
                del shape[ax]
            return _core.new_index(mx.zeros(shape, dtype=mx.int32), x._device)
        out = mxfn(a, axis=ax, keepdims=keepdims, stream=s)
    # Note: MLX returns uint32 indices; the standard wants the default index dtype.
    return _core.new_index(out, x._device)


def argmax(x: Array, /, axis: int | None = None, out: Array | None = None, *,
           keepdims: bool = False) -> Array:
    """The index of the first maximum of ``x`` along ``axis`` (of the flattened ``x`` by default).

    NaN counts as the maximum, as in NumPy.

    Raises:
        ValueError: for an empty search.
    """
    r = _arg_extremum("argmax", mx.argmax, x, axis, keepdims)
    return r if out is None else _core.write_out("argmax", out, r)


def argmin(x: Array, /, axis: int | None = None, out: Array | None = None, *,
           keepdims: bool = False) -> Array:
    """The index of the first minimum of ``x`` along ``axis``; NaN counts as the minimum.

    Raises:
        ValueError: for an empty search.
    """
    r = _arg_extremum("argmin", mx.argmin, x, axis, keepdims)
    return r if out is None else _core.write_out("argmin", out, r)


def count_nonzero(x: Array, /, axis: int | tuple[int, ...] | None = None, *,
                  keepdims: bool = False) -> Array:
    """The number of non-zero (true) elements of ``x`` over ``axis`` (the index dtype)."""
    x = _convert.array("count_nonzero", x)
    keepdims = _args.check_bool("count_nonzero", keepdims, "keepdims")
    axes = _args.check_axes("count_nonzero", axis, x.ndim)
    if axes is not None and x.ndim == 0:
        axes = None
    a = x._array
    if not a.size:
        a = _core.fresh_empty(a, x._device._s)  # (MLX's reductions of some empty layouts)
    out = mx.count_nonzero(a, axis=None if axes is None else list(axes),
                           keepdims=keepdims, stream=x._device._s)
    return _core.new_index(out, x._device)


def _nonzero_positions(a: mx.array):
    """The non-zero mask of the flattened ``a``, each element's rank among them, and the count."""
    mask = a.reshape(-1) != 0
    rank = mx.cumsum(mask.astype(mx.int32)) - 1
    return mask, rank, mx.sum(mask.astype(mx.int32))


def nonzero(x: Array, /) -> tuple[Array, ...]:
    """The indices of the non-zero (true) elements of ``x``, one index array per dimension.

    A sync point: the number of non-zero elements decides the output shape, so the
    input is evaluated once (counted as ``data-dependent`` in ``_lazy.counts()``).
    The indices are then computed lazily in MLX.

    Raises:
        ValueError: for a 0-d ``x``.
    """
    x = _convert.array("nonzero", x)
    a = x._array
    dev = x._device
    if a.ndim == 0:
        raise ValueError("nonzero: x must have at least one dimension (use nonzero(x[None]))")
    shape = a.shape
    size = a.size
    if size == 0:
        return tuple(_core.new_index(mx.zeros((0,), dtype=mx.int32), dev) for _ in shape)
    # Flattened first: one compiled trace serves every rank.
    mask, rank, count = _compile.run("nonzero", _nonzero_positions, dev,
                                     mx.reshape(a, (-1,), stream=dev._s))
    # Note: MLX has no nonzero (its output shape depends on the values): one counted sync.
    _lazy.materialize(_lazy.DATA_DEPENDENT, mask, rank, count)
    n = count.item()
    s = dev._s
    # Scatter each non-zero element's flat position to its rank; the others go to slot n.
    dest = mx.where(mask, rank, n, stream=s)
    flat = mx.put_along_axis(mx.zeros((n + 1,), dtype=mx.int32, stream=s), dest,
                             mx.arange(size, dtype=mx.int32, stream=s), axis=0, stream=s)[:n]
    out = []
    stride = size
    for dim in shape:
        stride //= dim
        idx = flat // stride if stride != 1 else flat
        out.append(_core.new_index(idx % dim if len(out) else idx, dev))
    return tuple(out)


def searchsorted(x1: Array, x2: Array | int | float, /, side: str = "left",
                 sorter: Array | None = None) -> Array:
    """Indices where the elements of ``x2`` would be inserted in the sorted 1-d ``x1``.

    NaN sorts last (as :func:`sort` places it). ``sorter`` (integer indices that
    sort ``x1``) is taken modulo ``x1``'s length, so a wrong index gives a wrong
    answer, never an out-of-bounds read.
    """
    x1 = _core.check_category("searchsorted", _convert.array("searchsorted", x1), "real-valued")
    if x1.ndim != 1:
        raise ValueError(f"searchsorted: x1 must be one-dimensional, got shape {x1.shape}")
    if _args.check_str("searchsorted", side, "side") not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    x2 = _convert.operand("searchsorted", x2)
    a1, a2, dt, dev = _core.prep_binary("searchsorted", x1, x2, _d.CATEGORIES["real-valued"],
                                        "real-valued")
    a1 = _core.as_mx(a1, dt)
    a2 = _core.as_mx(a2, dt)
    s = dev._s
    if sorter is not None:
        sorter = _convert.array("searchsorted", sorter)
        _core.check_category("searchsorted", sorter, "integer")
        if sorter.shape != x1.shape:
            raise ValueError(f"searchsorted: sorter has shape {sorter.shape}, x1 {x1.shape}")
        if sorter._device != dev:
            raise ValueError("searchsorted: sorter is on another device than x1")
        n = x1.shape[0]
        # Note: MLX's take does no bounds check (a huge index can crash); wrap indices.
        idx = mx.remainder(sorter._array, n, stream=s) if n else sorter._array
        a1 = mx.take(a1, idx.astype(mx.int32, stream=s), axis=0, stream=s)
    out = mx.searchsorted(a1, a2, side=side, stream=s)
    # Note: MLX returns uint32 indices; the standard wants the default index dtype.
    return _core.new_index(out, dev)
