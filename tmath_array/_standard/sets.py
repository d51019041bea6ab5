"""Set functions: isin and unique_all/unique_counts/unique_inverse/unique_values.

The ``unique_*`` functions have data-dependent output shapes. MLX's ``unique``
needs the output size up front; these functions ask it for the largest
possible size (the input's), evaluate the result and the number of distinct
elements at ONE counted sync point (reason ``data-dependent``), and return
lazy slices of it. Values come sorted (NaN last); each NaN is its own value,
and -0.0 equals 0.0 (the first of them to occur is the one returned).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from .._runtime import lazy as _lazy

if TYPE_CHECKING:
    from .._array.array import Array


class UniqueAllResult(NamedTuple):
    values: Array
    indices: Array
    inverse_indices: Array
    counts: Array


class UniqueCountsResult(NamedTuple):
    values: Array
    counts: Array


class UniqueInverseResult(NamedTuple):
    values: Array
    inverse_indices: Array


def _unique_impl(a: mx.array, want_index: bool, want_inverse: bool, nan_count: bool = False):
    """MLX's unique at full size (values, [index], [inverse], counts), the number of
    distinct elements (entries with a non-zero count) and, with ``nan_count``, of NaN."""
    out = mx.unique(a, a.size, want_index, want_inverse, True, fill_value=0)
    if nan_count:
        return (*out, mx.sum(mx.isnan(a)), mx.sum(out[-1] > 0))
    return (*out, mx.sum(out[-1] > 0))


def _unique(name: str, x, want_index: bool, want_inverse: bool, equal_nan: bool = False):
    """``(values, indices, inverse_indices, counts)`` as MLX arrays of the right sizes.

    With ``equal_nan`` (NumPy's ``unique``), every NaN counts as one value: the
    first NaN stands for all of them.
    """
    _core.check_array(name, x)
    a = x._array
    dev = x._device
    s = dev._s
    is_bool = x._dtype is _d.bool
    if is_bool:
        # Note: MLX sorts bool on the CPU stream only; uint8 sorts everywhere.
        a = a.astype(mx.uint8, stream=s)
    if a.size == 0:
        # The shape is known without looking at the values: no sync.
        empty = mx.zeros((0,), dtype=mx.int32)
        values = x._array.reshape(0)
        inverse = mx.zeros(a.shape, dtype=mx.int32)
        return values, empty, inverse, empty
    equal_nan = equal_nan and x._dtype in _d.CATEGORIES["floating-point"]
    # Note: not compiled. MLX's unique builds its graph with the size as a constant, so a
    # compiled trace meant one C++ compile (seconds) per input size, for nothing to fuse.
    with mx.stream(s):
        out = list(_unique_impl(a, want_index, want_inverse, equal_nan))
    # Note: MLX's unique refuses a data-dependent size; this is the one counted sync.
    _lazy.materialize(_lazy.DATA_DEPENDENT, *out)
    k = out.pop().item()
    nans = out.pop().item() if equal_nan else 0
    if nans > 1:
        # NaN sorts last, one entry per NaN: keep the first, counting all of them.
        k -= nans - 1
        out[-1] = mx.concatenate([out[-1][:k - 1], mx.array([nans], dtype=out[-1].dtype)],
                                 stream=s)
        if want_inverse:
            out[-2] = mx.minimum(out[-2], k - 1, stream=s)
    values = out.pop(0)[:k]
    counts = out.pop()[:k]
    if is_bool:
        values = values.astype(mx.bool_, stream=s)
    # Note: MLX gives uint32 indices; the standard wants the default index dtype.
    index = out.pop(0)[:k].astype(mx.int32, stream=s) if want_index else None
    inverse = (out.pop(0).astype(mx.int32, stream=s).reshape(a.shape, stream=s)
               if want_inverse else None)
    return values, index, inverse, counts


def unique_all(x: Array, /) -> UniqueAllResult:
    """The distinct values of ``x``, the first index of each, the inverse indices and counts.

    A sync point (counted as ``data-dependent``): the number of distinct values
    decides the output shape.
    """
    x = _convert.array("unique_all", x)
    values, index, inverse, counts = _unique("unique_all", x, True, True)
    dev = x._device
    return UniqueAllResult(_core.new(values, x._dtype, dev), _core.new_index(index, dev),
                           _core.new_index(inverse, dev), _core.new_index(counts, dev))


def unique_counts(x: Array, /) -> UniqueCountsResult:
    """The distinct values of ``x`` and how often each occurs (a counted sync point)."""
    x = _convert.array("unique_counts", x)
    values, _, _, counts = _unique("unique_counts", x, False, False)
    dev = x._device
    return UniqueCountsResult(_core.new(values, x._dtype, dev), _core.new_index(counts, dev))


def unique_inverse(x: Array, /) -> UniqueInverseResult:
    """The distinct values of ``x`` and the indices into them that rebuild ``x`` (a sync point)."""
    x = _convert.array("unique_inverse", x)
    values, _, inverse, _ = _unique("unique_inverse", x, False, True)
    dev = x._device
    return UniqueInverseResult(_core.new(values, x._dtype, dev),
                               _core.new_index(inverse, dev))


def unique_values(x: Array, /) -> Array:
    """The distinct values of ``x``, sorted, NaN last (a counted sync point)."""
    x = _convert.array("unique_values", x)
    values, _, _, _ = _unique("unique_values", x, False, False)
    return _core.new(values, x._dtype, x._device)


def _isin(a1: mx.array, a2: mx.array, invert: bool, floating: bool) -> mx.array:
    # Binary searches of each x1 element in the sorted x2: O((n1 + n2) log n2), no n1*n2
    # table. An element is present when some x2 elements compare equal to it, i.e. the
    # left and right insertion points differ; NaN (sorted last) equals nothing.
    table = mx.sort(a2.reshape(-1))
    found = mx.searchsorted(table, a1, side="right") > mx.searchsorted(table, a1, side="left")
    if floating:
        found = mx.logical_and(found, a1 == a1)
    return mx.logical_not(found) if invert else found


_ISIN_ALLOWED = _d.CATEGORIES["real-valued"] | {_d.bool}


def isin(x1: Array | int, x2: Array | int, /, assume_unique: bool = False,
         invert: bool = False) -> Array:
    """Whether each element of ``x1`` equals some element of ``x2`` (its negation with ``invert``).

    Equality is the standard's: NaN is in nothing, -0.0 equals 0.0. Real-valued and
    bool dtypes are accepted (the standard asks only for integers); the operands
    promote as in :func:`equal`.
    """
    invert = _args.check_bool("isin", invert, "invert")
    _args.check_bool("isin", assume_unique, "assume_unique")  # (a hint NumPy may use)
    # (exact Python scalars only: NumPy's float64 is a float, and keeps its dtype)
    if not isinstance(x1, _core.Array) and x1.__class__ not in (bool, int, float):
        x1 = _convert.array("isin", x1)
    if not isinstance(x2, _core.Array) and x2.__class__ not in (bool, int, float):
        x2 = _convert.array("isin", x2)
    a1, a2, dt, dev = _core.prep_binary("isin", x1, x2, _ISIN_ALLOWED, "real-valued or boolean")
    a1 = _core.as_mx(a1, dt)
    a2 = _core.as_mx(a2, dt)
    s = dev._s
    if dt is _d.bool:
        a1 = a1.astype(mx.uint8, stream=s)
        a2 = a2.astype(mx.uint8, stream=s)
    if a2.size == 0:
        out = mx.full(a1.shape, invert, dtype=mx.bool_, stream=s)
    else:
        floating = dt in _d.CATEGORIES["floating-point"]
        out = _compile.run("isin", _isin, dev, a1, a2, static=(invert, floating))
    return _core.new(out, _d.bool, dev)
