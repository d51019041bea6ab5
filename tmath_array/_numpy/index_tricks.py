"""NumPy's index tricks and in-place helpers: ``put``, ``putmask``, ``place``, ``copyto``,
``ndenumerate``, ``ndindex``, ``mgrid``, ``ogrid``, ``r_``, ``c_``.

The in-place helpers write into the given Array (Arrays are mutable handles; PORTING.md):
each builds the new data lazily and hands it to ``write_back``. Reading indices is a
sync point only where NumPy's answer depends on them (``put``'s bounds check with
``mode="raise"`` when the indices are an Array, ``place`` with no values).
"""

from __future__ import annotations

import builtins
import itertools

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.array import Array, write_back
from .._interop import convert as _convert
from .._interop.convert import default_float, default_int
from .._interop.numpy_dlpack import to_numpy
from .._standard.creation import arange, asarray, linspace
from .._standard.data_types import astype, result_type
from .._standard.manipulation import broadcast_to, concat, permute_dims, reshape
from .._standard.searching import where as _where
from .._standard.statistical import cumulative_sum
from .._standard.utility import any as _any
from .ufuncs import _KIND, _same_kind, host_index


def _target(name: str, a) -> Array:
    if not isinstance(a, Array):
        raise TypeError(f"{name}: the first argument must be a tmath_array Array (it is "
                        f"updated in place), got {type(a).__name__}")
    return a


def _values_like(name: str, a: Array, values) -> Array:
    """``values`` as a flat Array of a's dtype (cast as NumPy's put/place cast: unsafe).

    Python scalars and sequences convert straight to a's dtype where they fit (0.1 into
    float64 stays exact), else through their own dtype.
    """
    v = None
    if not isinstance(values, (Array, np.ndarray)):
        try:
            v = asarray(values, dtype=a._dtype, device=a._device)
        except (TypeError, OverflowError, ValueError):
            v = None
    if v is None:
        v = _convert.array(name, values)
        if v._dtype is not a._dtype:
            v = astype(v, a._dtype)
    return reshape(v, (-1,))


def _cycle(v: Array, n: int) -> Array:
    """The first ``n`` elements of ``v`` repeated cyclically (``v`` flat, not empty)."""
    m = v.shape[0]
    if m == n:
        return v
    if n <= m:
        return v[:n]
    return v[arange(n, dtype=_d.int32, device=v._device) % m]


# --- put, putmask, place, copyto ---------------------------------------------------------

def put(a, ind, v, mode: str = "raise") -> None:
    """``a.flat[ind] = v`` (``v`` repeated as needed), written into ``a``.

    ``mode``: ``"raise"`` (IndexError for an index out of range: reading an Array of
    indices is one counted sync point), ``"wrap"`` or ``"clip"`` (lazy). A repeated
    index takes the last of its values, as in NumPy.
    """
    name = "put"
    a = _target(name, a)
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"put: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    n = a.size
    if isinstance(ind, Array):
        if ind._dtype not in _d.CATEGORIES["integer"]:
            raise TypeError(f"put: indices must be integers, got {_core.dtype_name(ind._dtype)}")
        idx = reshape(ind, (-1,))
        host = host_index(idx) if mode == "raise" else None  # (a counted sync)
    else:
        host = host_index(ind).reshape(-1)
        if host.dtype.kind not in "iu":
            raise TypeError(f"put: indices must be integers, got {host.dtype}")
        idx = asarray(host.astype(np.int64), device=a._device)
    m = idx.shape[0]
    if m == 0:
        return
    if mode == "raise":
        bad = host[(host < -n) | (host >= n)]
        if bad.size:
            raise IndexError(f"put: index {int(bad[0])} is out of bounds for size {n}")
        idx = idx % n if n else idx
    elif n == 0:
        raise IndexError("put: cannot put into an empty array")
    elif mode == "wrap":
        idx = idx % n
    else:
        idx = _clip_index(idx, n)
    vals = _values_like(name, a, v)
    if vals.shape[0] == 0:
        return
    vals = _cycle(vals, m)
    # Note: MLX's scatter does not say which of repeated indices wins; NumPy's last one
    # does. The last occurrence of each position is found with a scatter-max (exact).
    s = a._device._s
    flat = mx.reshape(a._array, (-1,), stream=s)
    order = mx.arange(m, dtype=mx.int32, stream=s)
    last = mx.full((n,), -1, dtype=mx.int32, stream=s).at[idx._array].maximum(order)
    hit = last >= 0
    picked = mx.take(vals._array, mx.maximum(last, 0, stream=s), axis=0, stream=s)
    new_flat = mx.where(hit, picked, flat, stream=s)
    write_back(a, mx.reshape(new_flat, a.shape, stream=s))


def _clip_index(idx: Array, n: int) -> Array:
    s = idx._device._s
    return _core.new(mx.clip(idx._array, 0, n - 1, stream=s), idx._dtype, idx._device)


def putmask(a, mask, values) -> None:
    """``a.flat[i] = values.flat[i % len(values)]`` where ``mask.flat[i]``, written into ``a``."""
    name = "putmask"
    a = _target(name, a)
    m = _convert.array(name, mask)
    if m._dtype is not _d.bool:
        m = astype(m, _d.bool)
    if m.shape != a.shape:
        raise ValueError(f"putmask: mask and data must be the same size (mask {m.shape}, "
                         f"data {a.shape})")
    vals = _values_like(name, a, values)
    if vals.shape[0] == 0:
        return
    full = reshape(_cycle(vals, a.size), a.shape)
    write_back(a, _where(m, full, a)._array)


def place(arr, mask, vals) -> None:
    """The elements of ``arr`` where ``mask`` is True take ``vals`` in order (repeated as
    needed), written into ``arr``."""
    name = "place"
    arr = _target(name, arr)
    m = _convert.array(name, mask)
    if m._dtype is not _d.bool:
        m = astype(m, _d.bool)
    if m.size != arr.size:
        raise ValueError(f"place: mask and data must be the same size (mask {m.shape}, "
                         f"data {arr.shape})")
    v = _values_like(name, arr, vals)
    if arr.size == 0:
        return
    mf = reshape(m, (-1,))
    if v.shape[0] == 0:
        if builtins.bool(_any(mf)):  # (a sync point, only for empty vals)
            raise ValueError("place: cannot insert from an empty array")
        return
    # The k-th True takes vals[k % len(vals)]: k is the running count of Trues.
    k = cumulative_sum(astype(mf, _d.int32)) - 1
    taken = v[(k % v.shape[0]) * astype(mf, _d.int32)]
    flat = reshape(arr, (-1,))
    write_back(arr, reshape(_where(mf, taken, flat), arr.shape)._array)


_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _can_cast(src, dst, casting: str, scalar) -> builtins.bool:
    if casting == "unsafe":
        return True
    if scalar is not None:  # a Python scalar is weak (NEP 50): its kind must fit
        if isinstance(scalar, builtins.bool):
            return True
        if isinstance(scalar, int):
            return dst is not _d.bool
        return _KIND[dst] >= (3 if isinstance(scalar, float) else 4)
    if casting in ("no", "equiv"):
        return src is dst
    if casting == "safe":
        try:
            return _d.promote_types(src, dst) is dst
        except TypeError:
            return False
    return _same_kind(src, dst)


def copyto(dst, src, casting: str = "same_kind", where=True) -> None:
    """Copy ``src`` (broadcast) into ``dst`` where ``where`` is True, as NumPy's copyto."""
    name = "copyto"
    dst = _target(name, dst)
    if casting not in _CASTINGS:
        raise ValueError(f"copyto: casting must be one of {_CASTINGS}, got {casting!r}")
    scalar = src if isinstance(src, (builtins.bool, int, float, complex)) else None
    if scalar is not None:
        if not _can_cast(None, dst._dtype, casting, scalar):
            raise TypeError(f"copyto: cannot cast Python {type(src).__name__} to "
                            f"{_core.dtype_name(dst._dtype)} with casting rule {casting!r}")
        s = asarray(src, dtype=dst._dtype, device=dst._device)
    else:
        s = _convert.array(name, src)
        if not _can_cast(s._dtype, dst._dtype, casting, None):
            raise TypeError(f"copyto: cannot cast {_core.dtype_name(s._dtype)} to "
                            f"{_core.dtype_name(dst._dtype)} with casting rule {casting!r}")
        if s._dtype is not dst._dtype:
            s = astype(s, dst._dtype)
    try:
        s = broadcast_to(s, dst.shape)
    except ValueError:
        raise ValueError(f"copyto: could not broadcast src of shape {s.shape} into dst of "
                         f"shape {dst.shape}") from None
    if where is not True:
        m = _convert.array(name, where)
        if m._dtype is not _d.bool:
            raise TypeError("copyto: where must be a boolean array")
        s = _where(broadcast_to(m, dst.shape), s, dst)
    write_back(dst, mx.array(s._array) if s._array is dst._array else s._array)


# --- iteration ------------------------------------------------------------------------------

class ndenumerate:  # noqa: N801 - NumPy's name
    """``(index, value)`` for every element, in C order, as NumPy's ``ndenumerate``.

    The array is read once (one counted sync point); values are NumPy scalars.
    """

    def __init__(self, arr) -> None:
        self._it = np.ndenumerate(to_numpy(_convert.array("ndenumerate", arr)))

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)


class ndindex:  # noqa: N801 - NumPy's name
    """Every index tuple of an array of the given shape, in C order (no data involved)."""

    def __init__(self, *shape) -> None:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        dims = []
        for d in shape:
            if isinstance(d, builtins.bool) or not hasattr(d, "__index__"):
                raise TypeError(f"ndindex: dimensions must be ints, got {d!r}")
            if d.__index__() < 0:
                raise ValueError(f"ndindex: negative dimensions are not allowed, got {shape}")
            dims.append(d.__index__())
        self._it = itertools.product(*(range(d) for d in dims))

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)


# --- mgrid, ogrid -------------------------------------------------------------------------

def _default(kind_float: builtins.bool):
    return default_float() if kind_float else default_int()


def _is_float_key(key: tuple) -> builtins.bool:
    for k in key:
        for v in (k.start, k.stop, k.step):
            if isinstance(v, (float, complex, np.floating, np.complexfloating)):
                return True
    return False


class _Grid:
    """``mgrid``/``ogrid``: NumPy's ``nd_grid``, whose values are computed on the host by
    NumPy itself (Python numbers in, no array: nothing to keep lazy) and copied in once."""

    def __init__(self, sparse: builtins.bool) -> None:
        self._sparse = sparse

    def __getitem__(self, key):
        one = not isinstance(key, tuple)
        keys = (key,) if one else key
        for k in keys:
            if not isinstance(k, slice):
                raise TypeError(f"{'ogrid' if self._sparse else 'mgrid'}[...]: every index "
                                f"must be a slice (start:stop:step), got {k!r}")
        grid = (np.ogrid if self._sparse else np.mgrid)[key]
        # Note: NumPy gives int64/float64; here the namespace's default int/float.
        dt = _default(_is_float_key(keys))
        if isinstance(grid, (list, tuple)):
            return [asarray(g.copy(), dtype=dt) for g in grid]
        return asarray(grid, dtype=dt)

    def __repr__(self) -> str:
        return "ogrid" if self._sparse else "mgrid"


mgrid = _Grid(sparse=False)
ogrid = _Grid(sparse=True)


# --- r_, c_ ---------------------------------------------------------------------------------

def _ndmin(a: Array, ndmin: int) -> Array:
    if a.ndim >= ndmin:
        return a
    return reshape(a, (1,) * (ndmin - a.ndim) + a.shape)


class _Concatenator:
    """``r_``/``c_``: NumPy's ``AxisConcatenator`` (slices, scalars, sequences and arrays
    joined along an axis; a leading string sets ``"axis[,ndmin[,trans1d]]"``)."""

    def __init__(self, axis: int, ndmin: int, trans1d: int, name: str) -> None:
        self._axis, self._ndmin, self._trans1d, self._name = axis, ndmin, trans1d, name

    def __getitem__(self, key):
        keys = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self._axis, self._ndmin, self._trans1d
        objs: list = []
        scalars: list[int] = []
        for i, item in enumerate(keys):
            is_scalar = False
            if isinstance(item, slice):
                new = _slice_values(item)
                new = _ndmin(new, ndmin)
                if ndmin > 1 and trans1d != -1:
                    new = _swap_last(new, trans1d)
            elif isinstance(item, str):
                if i != 0:
                    raise ValueError(f"{self._name}: special directives must be the first entry")
                if item in ("r", "c"):
                    raise ValueError(f"{self._name}: the matrix directives 'r' and 'c' need "
                                     "NumPy's matrix class, which tmath_array does not have")
                try:
                    parts = [int(p) for p in item.split(",")]
                except ValueError:
                    raise ValueError(f"{self._name}: unknown special directive {item!r}") \
                        from None
                axis = parts[0]
                if len(parts) > 1:
                    ndmin = parts[1]
                if len(parts) > 2:
                    trans1d = parts[2]
                continue
            elif isinstance(item, (builtins.bool, int, float, complex)):
                is_scalar = True
                new = item
            else:
                a = _convert.array(self._name, item)
                item_ndim = a.ndim
                new = _ndmin(a, ndmin)
                if trans1d != -1 and item_ndim < ndmin:
                    k2 = ndmin - item_ndim
                    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
                    axes = list(range(ndmin))
                    new = permute_dims(new, tuple(axes[:k1] + axes[k2:] + axes[k1:k2]))
            if is_scalar:
                scalars.append(len(objs))
            objs.append(new)
        arrays = [o for o in objs if isinstance(o, Array)]
        if not objs:
            return asarray(np.zeros(0), dtype=default_float())
        if arrays:
            dt = result_type(*arrays, *(objs[k] for k in scalars))
        else:
            dt = asarray(objs[0])._dtype
            for k in scalars[1:]:
                dt = result_type(dt, objs[k])
        for k in scalars:
            objs[k] = _ndmin(asarray(objs[k], dtype=dt), builtins.max(ndmin, 1))
        objs = [o if o._dtype is dt else astype(o, dt) for o in objs]
        return concat(objs, axis=axis)

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return self._name


def _slice_values(k: slice) -> Array:
    start = 0 if k.start is None else k.start
    step = 1 if k.step is None else k.step
    stop = k.stop
    if stop is None:
        raise ValueError("r_/c_: a slice needs a stop")
    if isinstance(step, (complex, np.complexfloating)):
        num = int(builtins.abs(step))
        return linspace(float(start), float(stop), num, dtype=default_float())
    return arange(start, stop, step)


def _swap_last(a: Array, axis: int) -> Array:
    axes = list(range(a.ndim))
    axes[-1], axes[axis] = axes[axis], axes[-1]
    return permute_dims(a, tuple(axes))


r_ = _Concatenator(0, 1, -1, "r_")
c_ = _Concatenator(-1, 2, 0, "c_")

__all__ = ["put", "putmask", "place", "copyto", "ndenumerate", "ndindex", "mgrid", "ogrid",
           "r_", "c_"]
