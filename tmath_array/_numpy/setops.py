"""NumPy's set operations, ``delete``/``insert``, ``trim_zeros``, ``ediff1d`` and
``unique(axis=...)``.

Set operations (``setdiff1d``, ``intersect1d``, ``union1d``, ``setxor1d``) and
``unique(axis=)``, ``trim_zeros`` have data-dependent output shapes: each builds
its whole graph lazily and reads one boolean mask at ONE counted sync point
(``data-dependent``), then selects lazily. ``delete`` and ``insert`` are lazy
when the positions are Python or NumPy data (the usual case): the index table
is computed on the host from them; positions given as an Array are read (one
counted sync). Sorting follows NumPy: NaN last; NumPy's ``unique`` counts all
NaN as one value. See docs/numpy.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._runtime import lazy as _lazy
from .._standard.creation import asarray
from .._standard.data_types import astype, result_type
from .._standard.elementwise import equal, isnan, logical_and, logical_not, not_equal
from .._standard.indexing import take
from .._standard.manipulation import broadcast_to, concat, moveaxis, reshape
from .._standard.searching import searchsorted
from .._standard.sets import isin
from .._standard.sorting import argsort, sort
from .._standard.utility import any as _any
from .counting import unique
from .selecting import lexsort

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES


def _flat(name: str, a) -> Array:
    x = reshape(_convert.array(name, a), (-1,))
    if x._dtype in _CAT["complex floating-point"]:
        raise TypeError(f"{name}: complex values cannot be ordered here (MLX sorts real "
                        "numbers only)")
    return x


def _host_positions_of(*masks: Array) -> list[np.ndarray]:
    """The positions of the True entries of each mask, on the host: one counted sync."""
    # Note: how many entries survive decides the output shape: the one sync point.
    _lazy.materialize(_lazy.DATA_DEPENDENT, *[m._array for m in masks])
    return [np.flatnonzero(np.asarray(m._array)).astype(np.int32) for m in masks]


def _positions(*masks: Array) -> list[mx.array]:
    """As :func:`_host_positions_of`, as MLX index arrays."""
    return [mx.array(p) for p in _host_positions_of(*masks)]


def _index(idx: mx.array, dev) -> Array:
    return _core.new_index(idx, dev)


def _sorted_first(x: Array, equal_nan: bool = True):
    """``(sorted x, the stable sorting permutation, mask of each run's first element)``."""
    perm = argsort(x, stable=True)
    s = take(x, perm)
    if s.shape[0] == 0:
        return s, perm, astype(s, _d.bool)
    new = not_equal(s[1:], s[:-1])
    if equal_nan and s._dtype in _CAT["floating-point"]:
        new = logical_and(new, logical_not(logical_and(isnan(s[1:]), isnan(s[:-1]))))
    first = concat([asarray([True], device=s.device), new])
    return s, perm, first


def _common(name: str, ar1, ar2):
    a, b = _flat(name, ar1), _flat(name, ar2)
    dt = result_type(a, b)
    return astype(a, dt), astype(b, dt)


# --- set operations ---------------------------------------------------------------------

def setdiff1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The sorted unique values of ``ar1`` that are not in ``ar2`` (with
    ``assume_unique``, the values of ``ar1`` in their order). One sync point."""
    _core.check_bool("setdiff1d", assume_unique, "assume_unique")
    a = _flat("setdiff1d", ar1)
    b = _flat("setdiff1d", ar2)
    if assume_unique:
        keep = isin(a, b, invert=True) if b.shape[0] else asarray(
            np.ones(a.shape[0], dtype=bool), device=a.device)
        (pos,) = _positions(keep)
        return take(a, _index(pos, a.device))
    s, _, first = _sorted_first(a)
    keep = logical_and(first, isin(s, b, invert=True)) if b.shape[0] else first
    (pos,) = _positions(keep)
    return take(s, _index(pos, a.device))


def intersect1d(ar1, ar2, assume_unique: bool = False, return_indices: bool = False):
    """The sorted unique values in both arrays; with ``return_indices``, also the index
    of the first occurrence of each in ``ar1`` and in ``ar2`` (int32). One sync point."""
    _core.check_bool("intersect1d", assume_unique, "assume_unique")
    _core.check_bool("intersect1d", return_indices, "return_indices")
    a, b = _common("intersect1d", ar1, ar2)
    dev = a.device
    if assume_unique:
        return _intersect_sorted(a, b, return_indices)
    s, perm, first = _sorted_first(a)
    keep = logical_and(first, isin(s, b)) if b.shape[0] and s.shape[0] else \
        astype(asarray(np.zeros(s.shape[0], dtype=bool), device=dev), _d.bool)
    (pos,) = _positions(keep)
    p = _index(pos, dev)
    values = take(s, p)
    if not return_indices:
        return values
    ind1 = take(perm, p)
    perm2 = argsort(b, stable=True)
    s2 = take(b, perm2)
    if s2.shape[0] == 0 or values.shape[0] == 0:
        return values, ind1, _index(mx.zeros((0,), dtype=mx.int32), dev)
    ind2 = take(perm2, searchsorted(s2, values, side="left"))
    return values, ind1, ind2


def _intersect_sorted(a: Array, b: Array, return_indices: bool):
    # NumPy's assume_unique path: equal neighbours of the sorted concatenation.
    dev = a.device
    aux = concat([a, b])
    if aux.shape[0] < 2:
        empty = _index(mx.zeros((0,), dtype=mx.int32), dev)
        return (aux[:0], empty, empty) if return_indices else aux[:0]
    order = argsort(aux, stable=True)
    srt = take(aux, order)
    (pos,) = _positions(equal(srt[1:], srt[:-1]))
    p = _index(pos, dev)
    values = take(srt[:-1], p)
    if not return_indices:
        return values
    n1 = a.shape[0]
    return values, take(order[:-1], p), take(order[1:], p) - n1


def union1d(ar1, ar2) -> Array:
    """The sorted unique values in either array (one sync point)."""
    a, b = _common("union1d", ar1, ar2)
    return unique(concat([a, b]))


def setxor1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The sorted unique values in exactly one of the arrays (one sync point)."""
    _core.check_bool("setxor1d", assume_unique, "assume_unique")
    a, b = _common("setxor1d", ar1, ar2)
    dev = a.device
    if assume_unique:
        # NumPy's path: the entries of the sorted concatenation unlike both neighbours.
        srt = sort(concat([a, b]))
        if srt.shape[0] == 0:
            return srt
        edge = asarray([True], device=dev)
        flag = concat([edge, not_equal(srt[1:], srt[:-1]), edge])
        (pos,) = _positions(logical_and(flag[1:], flag[:-1]))
        return take(srt, _index(pos, dev))
    s1, _, f1 = _sorted_first(a)
    s2, _, f2 = _sorted_first(b)
    if s1.shape[0] and s2.shape[0]:
        k1 = logical_and(f1, isin(s1, b, invert=True))
        k2 = logical_and(f2, isin(s2, a, invert=True))
    else:
        k1, k2 = f1, f2
    p1, p2 = _positions(k1, k2)
    return sort(concat([take(s1, _index(p1, dev)), take(s2, _index(p2, dev))]))


def in1d(ar1, ar2, assume_unique: bool = False, invert: bool = False, *, kind=None) -> Array:
    """Whether each element of the flattened ``ar1`` is in ``ar2`` (1-d bool).

    Note: NumPy 2.4 removed ``in1d`` (use ``isin``); it is kept here for older scripts.
    """
    _core.check_bool("in1d", assume_unique, "assume_unique")
    _core.check_bool("in1d", invert, "invert")
    if kind not in (None, "sort", "table"):
        raise ValueError(f"in1d: kind must be None, 'sort' or 'table', got {kind!r}")
    a = reshape(_convert.array("in1d", ar1), (-1,))
    b = _convert.array("in1d", ar2)
    return isin(a, b, invert=invert)


# --- unique along an axis -----------------------------------------------------------------

def unique_axis(ar: Array, return_index: bool, return_inverse: bool, return_counts: bool,
                axis: int):
    """NumPy's ``unique(ar, axis=axis)``: the sorted unique slices along ``axis``
    (lexicographic order of their flattened elements). One sync point."""
    ax = _core.check_axis("unique", axis, ar.ndim)
    if ar.ndim == 0:
        raise IndexError("unique: axis 0 is out of bounds for array of dimension 0")
    if ar._dtype in _CAT["complex floating-point"]:
        raise TypeError("unique: complex values cannot be ordered here")
    x = moveaxis(ar, ax, 0)
    n = x.shape[0]
    dev = ar.device
    rest = x.shape[1:]
    m = 1
    for d in rest:
        m *= d
    rows = reshape(x, (n, m))
    if n == 0:
        values, index, inverse, counts = x, *(
            _index(mx.zeros((0,), dtype=mx.int32), dev) for _ in range(3))
    else:
        if m == 0:
            perm = _index(mx.arange(n, dtype=mx.int32), dev)
        else:
            perm = lexsort([rows[:, j] for j in range(m - 1, -1, -1)])
        srt = take(rows, perm, axis=0)
        if m == 0:
            new = asarray(np.zeros(n - 1, dtype=bool), device=dev)
        else:
            new = _any(not_equal(srt[1:], srt[:-1]), axis=1)
        first = concat([asarray([True], device=dev), new])
        (starts,) = _positions(first)
        st = _index(starts, dev)
        k = starts.shape[0]
        values = reshape(take(srt, st, axis=0), (k, *rest))
        index = take(perm, st)
        ends = mx.concatenate([starts[1:], mx.array([n], dtype=mx.int32)])
        counts = _index(ends - starts, dev)
        group = mx.cumsum(first._array.astype(mx.int32), axis=0) - 1
        inverse = _index(mx.zeros((n,), dtype=mx.int32).at[perm._array].add(group), dev)
    out = [moveaxis(values, 0, ax)]
    for want, v in ((return_index, index), (return_inverse, inverse),
                    (return_counts, counts)):
        if want:
            out.append(v)
    return out[0] if len(out) == 1 else tuple(out)


# --- delete, insert -----------------------------------------------------------------------

def _host_positions(name: str, obj) -> np.ndarray:
    """``obj`` (host data, or an Array read at one counted sync) as a NumPy array."""
    if isinstance(obj, _core.Array):
        # Note: the positions decide the output shape: one counted sync point.
        _lazy.materialize(_lazy.DATA_DEPENDENT, obj._array)
        a = obj._array
        if obj._dtype is _d.bfloat16:
            a = a.astype(mx.float32)
        return np.asarray(a)
    return np.asarray(obj)


def _axis_and_array(name: str, arr, axis):
    x = _convert.array(name, arr)
    if axis is None:
        return reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise IndexError(f"{name}: axis {axis} is out of bounds for array of dimension 0")
    return x, _core.check_axis(name, axis, x.ndim)


def delete(arr, obj, axis: int | None = None) -> Array:
    """``arr`` without the entries at ``obj`` (an int, a slice, a sequence of ints or
    a boolean mask) along ``axis`` (the flattened array by default), as NumPy's delete.

    Raises:
        IndexError: for an index out of range, or indices that are not integers.
        ValueError: for a boolean mask of the wrong length.
    """
    x, ax = _axis_and_array("delete", arr, axis)
    n = x.shape[ax]
    if isinstance(obj, slice):
        drop = np.arange(*obj.indices(n))
    else:
        h = _host_positions("delete", obj)
        if h.dtype == bool:
            if h.ndim != 1 or h.shape[0] != n:
                raise ValueError(f"delete: boolean array argument obj to delete must be one "
                                 f"dimensional and match the axis length of {n}")
            drop = np.flatnonzero(h)
        else:
            if h.size and h.dtype.kind not in "iu":
                raise IndexError("delete: arrays used as indices must be of integer (or "
                                 "boolean) type")
            h = h.astype(np.int64).reshape(-1)
            bad = (h < -n) | (h >= n)
            if bad.any():
                raise IndexError(f"delete: index {int(h[bad][0])} is out of bounds for axis "
                                 f"{ax} with size {n}")
            drop = np.where(h < 0, h + n, h)
    keep = np.ones(n, dtype=bool)
    keep[drop] = False
    pos = asarray(np.flatnonzero(keep).astype(np.int32), device=x.device)
    if n == 0:
        return x
    return take(x, pos, axis=ax)


def insert(arr, obj, values, axis: int | None = None) -> Array:
    """``arr`` with ``values`` inserted before the index or indices ``obj`` along
    ``axis`` (the flattened array by default), as NumPy's insert; ``values`` are cast
    to ``arr``'s dtype.

    Raises:
        IndexError: for an index outside ``[-N, N]``.
        ValueError: for ``obj`` of more than one dimension.
    """
    x, ax = _axis_and_array("insert", arr, axis)
    n = x.shape[ax]
    if isinstance(obj, slice):
        idx = np.arange(*obj.indices(n))
        scalar = False
    else:
        idx = _host_positions("insert", obj)
        if idx.dtype == bool:
            raise IndexError("insert: boolean obj is not supported (NumPy casts it to "
                             "integers with a FutureWarning); pass integer positions")
        if idx.size and idx.dtype.kind not in "iu":
            raise IndexError("insert: index arrays must be of integer type")
        if idx.ndim > 1:
            raise ValueError("insert: index array argument obj to insert must be one "
                             "dimensional or scalar")
        scalar = idx.ndim == 0
        idx = idx.astype(np.int64)
    v = _convert.array("insert", values)
    if v._dtype is not x._dtype:
        v = astype(v, x._dtype)
    if v._device != x._device:
        raise ValueError("insert: values are on another device than arr")
    if idx.size == 1:
        index = int(idx.reshape(-1)[0])
        if index < -n or index > n:
            raise IndexError(f"insert: index {index} is out of bounds for axis {ax} with "
                             f"size {n}")
        if index < 0:
            index += n
        if v.ndim < x.ndim:
            v = reshape(v, (1,) * (x.ndim - v.ndim) + v.shape)
        if scalar:
            v = moveaxis(v, 0, ax)
        numnew = v.shape[ax]
        shape = list(x.shape)
        shape[ax] = numnew
        try:
            v = broadcast_to(v, tuple(shape))
        except ValueError as exc:
            raise ValueError(f"insert: values cannot be broadcast to the inserted shape "
                             f"({exc})") from None
        lead = (slice(None),) * ax
        return concat([x[(*lead, slice(None, index))], v, x[(*lead, slice(index, None))]],
                      axis=ax)
    if idx.size and ((idx < -n).any() or (idx > n).any()):
        bad = idx[(idx < -n) | (idx > n)][0]
        raise IndexError(f"insert: index {int(bad)} is out of bounds for axis {ax} with "
                         f"size {n}")
    idx = np.where(idx < 0, idx + n, idx)
    numnew = idx.shape[0]
    order = np.argsort(idx, kind="stable")
    newpos = idx.copy()
    newpos[order] += np.arange(numnew)
    total = n + numnew
    src = np.empty(total, dtype=np.int64)
    old = np.ones(total, dtype=bool)
    old[newpos] = False
    src[old] = np.arange(n)
    src[newpos] = n + np.arange(numnew)
    shape = list(x.shape)
    shape[ax] = numnew
    try:
        if v.ndim > x.ndim:
            raise ValueError(f"values of dimension {v.ndim} for an array of dimension {x.ndim}")
        vb = broadcast_to(v, tuple(shape))
    except ValueError as exc:
        raise ValueError(f"insert: values cannot be broadcast to the inserted shape "
                         f"({exc})") from None
    both = concat([x, vb], axis=ax)
    return take(both, asarray(src.astype(np.int32), device=x.device), axis=ax)


# --- trim_zeros, ediff1d ------------------------------------------------------------------

def trim_zeros(filt, trim: str = "fb", axis=None) -> Array:
    """``filt`` without its leading ('f') and/or trailing ('b') zeros, as NumPy's
    trim_zeros (along every axis, or the given ones). One sync point."""
    x = _convert.array("trim_zeros", filt)
    if not isinstance(trim, str) or not set(trim.lower()) <= {"f", "b"}:
        raise ValueError(f"trim_zeros: unexpected character(s) in `trim`: {trim!r}")
    t = trim.lower()
    if x.ndim == 0:
        raise ValueError("trim_zeros: filt must have at least one dimension")
    axes = tuple(range(x.ndim)) if axis is None else _core.check_axes(
        "trim_zeros", axis if isinstance(axis, tuple) else (axis,), x.ndim)
    nz = not_equal(x, astype(asarray(0), x._dtype)) if x._dtype is not _d.bool else x
    masks = []
    for ax in axes:
        other = tuple(i for i in range(x.ndim) if i != ax)
        masks.append(_any(nz, axis=other) if other else nz)
    positions = _host_positions_of(*masks) if masks else []
    key = [slice(None)] * x.ndim
    for ax, pos in zip(axes, positions):
        p = pos
        if p.size == 0:
            key[ax] = slice(0, 0)
            continue
        lo = int(p[0]) if "f" in t else 0
        hi = int(p[-1]) + 1 if "b" in t else x.shape[ax]
        key[ax] = slice(lo, hi)
    return x[tuple(key)]


def ediff1d(ary, to_end=None, to_begin=None) -> Array:
    """The differences of consecutive elements of the flattened ``ary``, with
    ``to_begin`` and ``to_end`` joined at the ends, as NumPy's ediff1d."""
    x = reshape(_convert.array("ediff1d", ary), (-1,))
    if x._dtype is _d.bool:
        raise TypeError("ediff1d: boolean input is not supported (NumPy's subtract refuses "
                        "booleans)")
    d = x[1:] - x[:-1]
    parts = []
    for v in (to_begin, to_end):
        if v is None:
            parts.append(None)
            continue
        a = reshape(_convert.array("ediff1d", v), (-1,))
        if _KIND[_kind(a._dtype)] > _KIND[_kind(x._dtype)]:
            raise TypeError(f"ediff1d: dtype of `to_begin`/`to_end` must be compatible with "
                            f"input `ary` under the `same_kind` rule, got "
                            f"{_core.dtype_name(a._dtype)}")
        parts.append(astype(a, x._dtype))
    out = [p for p in (parts[0], d, parts[1]) if p is not None]
    return concat(out) if len(out) > 1 else d


# NumPy's "same_kind" casting: to the same kind or a later one in this order.
_KIND = {"b": 0, "u": 1, "i": 2, "f": 3, "c": 4}


def _kind(dt) -> str:
    if dt is _d.bool:
        return "b"
    if dt in _CAT["integer"]:
        return "u" if dt in (_d.uint8, _d.uint16, _d.uint32, _d.uint64) else "i"
    return "c" if dt in _CAT["complex floating-point"] else "f"
