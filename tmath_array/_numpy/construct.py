"""NumPy's constructors from functions, buffers and blocks, and window and bit helpers.

``meshgrid`` (NumPy's, with ``sparse=`` and ``copy=``), ``block``, ``fromfunction``,
``fromiter``, ``frombuffer``, ``apply_along_axis``, ``vectorize``,
``ascontiguousarray``, ``asfortranarray``, ``packbits``, ``unpackbits`` and
``sliding_window_view`` (``xp.lib.stride_tricks``). All are lazy except
``vectorize``, which calls a Python function per element on the host (one sync
point to read its inputs). See docs/numpy.md.
"""

from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import default_float, to_device
from .._interop import convert as _convert
from .._interop.numpy_dlpack import numpy_dtype
from .._runtime import lazy as _lazy
from .._standard.creation import _check_bytes, asarray
from .._standard.data_types import astype
from .._standard.manipulation import (
    broadcast_arrays,
    concat,
    moveaxis,
    permute_dims,
    reshape,
    stack,
)
from .array_methods import _dtype as _numpy_dtype_arg
from .shape import indices

if TYPE_CHECKING:
    from .._array.array import Array


# --- meshgrid ---------------------------------------------------------------------------

def meshgrid(*xi, copy: bool = True, sparse: bool = False, indexing: str = "xy"):
    """Coordinate arrays from coordinate vectors, as NumPy's meshgrid (a tuple).

    Inputs are flattened; each output keeps its input's dtype. ``sparse=True`` gives
    arrays of shape ``(1, .., n_i, .., 1)`` that broadcast against each other. With
    ``indexing='xy'`` (the default) the first two axes are swapped, as in NumPy.
    ``copy`` is accepted for NumPy's signature: results are always new arrays.
    """
    _core.check_bool("meshgrid", copy, "copy")
    _core.check_bool("meshgrid", sparse, "sparse")
    if _core.check_str("meshgrid", indexing, "indexing") not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [reshape(_convert.array("meshgrid", x), (-1,)) for x in xi]
    nd = len(xs)
    if nd == 0:
        return ()
    dev = xs[0]._device
    for x in xs[1:]:
        if x._device != dev:
            raise ValueError("meshgrid: arrays are on different devices")
    out = []
    for i, x in enumerate(xs):
        shape = [1] * nd
        shape[i] = -1
        if indexing == "xy" and nd > 1 and i < 2:
            shape[i], shape[1 - i] = 1, -1
        out.append(reshape(x, tuple(shape)))
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


# --- block ------------------------------------------------------------------------------

def _block_depth(arrays, index: list) -> tuple[list, int]:
    """``(first index path, list depth)``; ValueError for mismatched depths, empty lists."""
    if isinstance(arrays, tuple):
        raise TypeError(f"block: {_where(index)} is a tuple. Only lists can be used to arrange "
                        "blocks, and np.block does not allow implicit conversion from tuple "
                        "to ndarray.")
    if isinstance(arrays, list):
        if not arrays:
            raise ValueError(f"block: list at {_where(index)} cannot be empty")
        first = None
        for i, a in enumerate(arrays):
            path, depth = _block_depth(a, [*index, i])
            if first is None:
                first = (path, depth)
            elif depth != first[1]:
                raise ValueError(f"block: list depths are mismatched. First element was at "
                                 f"depth {first[1]}, but there is an element at depth {depth} "
                                 f"({_where(path)})")
        return first[0], first[1] + 1
    return index, 0


def _where(index: list) -> str:
    return "arrays" + "".join(f"[{i}]" for i in index)


def _leaf_ndim(arrays) -> int:
    if isinstance(arrays, list):
        return builtins.max(_leaf_ndim(a) for a in arrays)
    return arrays.ndim


def _to_leaves(arrays):
    if isinstance(arrays, list):
        return [_to_leaves(a) for a in arrays]
    if isinstance(arrays, (str, bytes)):
        raise TypeError(f"block: blocks must be numbers or arrays, got {type(arrays).__name__} "
                        "(MLX arrays hold numbers only)")
    return _convert.array("block", arrays)


def _assemble(arrays, depth: int, list_ndim: int, ndim: int) -> Array:
    if isinstance(arrays, list):
        parts = [_assemble(a, depth + 1, list_ndim, ndim) for a in arrays]
        try:
            return concat(parts, axis=-(list_ndim - depth))
        except ValueError as exc:
            raise ValueError(f"block: {exc}") from None
    a = arrays
    if a.ndim < ndim:
        a = reshape(a, (1,) * (ndim - a.ndim) + a.shape)
    return a


def block(arrays) -> Array:
    """An array assembled from nested lists of blocks, as NumPy's block: the innermost
    lists are joined along the last axis, the next ones along the second-to-last, and
    so on; blocks of fewer dimensions get leading axes of length one."""
    _, list_ndim = _block_depth(arrays, [])
    leaves = _to_leaves(arrays)
    ndim = builtins.max(list_ndim, _leaf_ndim(leaves))
    out = _assemble(leaves, 0, list_ndim, ndim)
    if list_ndim == 0:
        return asarray(out, copy=True)
    return out


# --- from functions, iterables and buffers ----------------------------------------------

def fromfunction(function, shape, *, dtype=None, like=None, **kwargs):
    """``function(*index_grids)``: the function called once on the index grids of
    ``shape`` (each of ``dtype``), as NumPy's fromfunction.

    Note: ``dtype`` defaults to the package's float (float32; NumPy: float64);
    ``dtype=float`` asks for float64.
    """
    if like is not None:
        raise TypeError("fromfunction: like= is not supported (results are tmath_array arrays)")
    if not callable(function):
        raise TypeError(f"fromfunction: function must be callable, got "
                        f"{type(function).__name__}")
    dt = _numpy_dtype_arg("fromfunction", dtype) or default_float()
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, builtins.bool):
        shape = (int(shape),)
    grids = indices(tuple(shape), dtype=dt)
    return function(*[grids[i] for i in range(len(shape))], **kwargs)


def _host_dtype(name: str, dtype):
    """A dtype argument as ``(NumPy dtype to read with, tmath dtype to land in)``."""
    dt = _numpy_dtype_arg(name, dtype)
    if dt is None:
        raise TypeError(f"{name}: a dtype is required")
    if dt is _d.bfloat16:
        return np.dtype(np.float32), dt
    return numpy_dtype(dt), dt


def fromiter(iter, dtype, count: int = -1, *, like=None) -> Array:  # noqa: A002
    """A 1-d array of the values of an iterable, as NumPy's fromiter (read on the host,
    then copied into MLX)."""
    if like is not None:
        raise TypeError("fromiter: like= is not supported (results are tmath_array arrays)")
    nd, dt = _host_dtype("fromiter", dtype)
    if isinstance(iter, _core.Array):
        # (its values as NumPy's: each element's __int__ of inf would raise; NumPy casts)
        _lazy.materialize(_lazy.CONVERSION, iter._array)
        iter = np.asarray(iter._array)  # noqa: A001
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            host = np.fromiter(iter, dtype=nd, count=count)
    except (TypeError, ValueError, OverflowError) as exc:
        raise type(exc)(f"fromiter: {exc}") from None
    return asarray(host).astype(dt) if dt is _d.bfloat16 else asarray(host, dtype=dt)


def frombuffer(buffer, dtype=float, count: int = -1, offset: int = 0, *, like=None) -> Array:
    """A 1-d array of the bytes of ``buffer`` read as ``dtype`` (float64 by default, as
    NumPy reads them), copied into MLX."""
    if like is not None:
        raise TypeError("frombuffer: like= is not supported (results are tmath_array arrays)")
    dt = _numpy_dtype_arg("frombuffer", float if dtype is None else dtype)
    if dt is _d.bfloat16:
        raise TypeError("frombuffer: bfloat16 has no NumPy dtype to read bytes with; read "
                        "xp.uint16 and reinterpret them with MLX")
    read = numpy_dtype(dt)
    if dt is _d.complex64 and not isinstance(dtype, _d.DType):
        try:
            # (complex128 bytes read as complex128, then rounded to complex64: read as
            # complex64 they were twice as many numbers, and other ones)
            if np.dtype(dtype) == np.complex128:
                read = np.dtype(np.complex128)
        except TypeError:
            pass
    try:
        host = np.frombuffer(buffer, dtype=read, count=count, offset=offset)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"frombuffer: {exc}") from None
    return asarray(host, dtype=dt, copy=True)


# --- applying Python functions ----------------------------------------------------------

def apply_along_axis(func1d, axis: int, arr, *args, **kwargs) -> Array:
    """``func1d`` applied to each 1-d slice of ``arr`` along ``axis``, as NumPy's
    apply_along_axis: the dimensions of its result replace ``axis``.

    ``func1d`` receives Arrays and is called once per slice; with array operations
    inside, everything stays lazy.
    """
    if not callable(func1d):
        raise TypeError(f"apply_along_axis: func1d must be callable, got "
                        f"{type(func1d).__name__}")
    x = _convert.array("apply_along_axis", arr)
    if x.ndim == 0:
        raise IndexError("apply_along_axis: axis 0 is out of bounds for array of dimension 0")
    ax = _core.check_axis("apply_along_axis", axis, x.ndim)
    moved = moveaxis(x, ax, -1)
    outer = moved.shape[:-1]
    if 0 in outer:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    rows = reshape(moved, (-1, moved.shape[-1]))
    results = [_convert.array("apply_along_axis", func1d(rows[i], *args, **kwargs))
               for i in range(rows.shape[0])]
    try:
        res = stack(results, axis=0)
    except ValueError as exc:
        raise ValueError(f"apply_along_axis: the function returned results of different "
                         f"shapes ({exc})") from None
    rnd = res.ndim - 1
    res = reshape(res, outer + res.shape[1:])
    nd = res.ndim
    perm = (*range(ax), *range(nd - rnd, nd), *range(ax, nd - rnd))
    return permute_dims(res, perm)


class vectorize:  # noqa: N801 (NumPy's name)
    """A Python function of scalars applied to each element of array arguments, as
    NumPy's vectorize (same arguments: ``otypes``, ``excluded``, ``signature``, ``cache``).

    Note: the function is called per element on the host: the Array arguments are read
    once (one sync point, a conversion), NumPy's vectorize calls the function with
    NumPy scalars, and the result comes back as an Array (a tuple of them for several
    outputs). A function written with array operations needs no vectorize: call it on
    the arrays directly (it stays lazy), or ``xp.compile`` it.
    """

    def __init__(self, pyfunc=None, otypes=None, doc=None, excluded=None, cache=False,
                 signature=None):
        self.pyfunc = pyfunc
        if otypes is not None and not isinstance(otypes, str):
            otypes = [_otype(t) for t in otypes]
        self.otypes = otypes
        self.excluded = set(excluded) if excluded is not None else set()
        self.cache = cache
        self.signature = signature
        self.__doc__ = doc if doc is not None else getattr(pyfunc, "__doc__", None)
        if pyfunc is not None:
            self._np = np.vectorize(pyfunc, otypes=otypes, doc=doc, excluded=excluded,
                                    cache=cache, signature=signature)

    def __call__(self, *args, **kwargs):
        if self.pyfunc is None:
            # Used as a decorator with arguments: @vectorize(otypes=[float]).
            return vectorize(args[0], self.otypes, self.__doc__, self.excluded or None,
                             self.cache, self.signature)
        excluded = self.excluded
        args = list(args)
        slots = [(args, i) for i, a in enumerate(args) if i not in excluded
                 and isinstance(a, _core.Array)]
        slots += [(kwargs, k) for k, v in kwargs.items() if k not in excluded
                  and isinstance(v, _core.Array)]
        dev = slots[0][0][slots[0][1]]._device if slots else to_device(None, "vectorize")
        if slots:
            # One sync point for all the Array arguments, then host copies of them.
            mxs = [_host_mx(c[k]) for c, k in slots]
            _lazy.materialize(_lazy.CONVERSION, *mxs)
            for (c, k), m in zip(slots, mxs):
                c[k] = np.array(m, copy=True)
        host_args, host_kwargs = args, kwargs
        out = self._np(*host_args, **host_kwargs)
        if isinstance(out, tuple):
            return tuple(_back(o, dev) for o in out)
        return _back(out, dev)


def _otype(t):
    dt = _d.as_dtype(t)
    if dt is not None:
        return numpy_dtype(dt) if dt is not _d.bfloat16 else np.dtype(np.float32)
    return t


def _host_mx(a) -> mx.array:
    # Note: NumPy has no bfloat16 (without ml_dtypes): such arguments arrive as float32.
    return a._array.astype(mx.float32) if a._dtype is _d.bfloat16 else a._array


def _back(o, dev):
    o = np.asarray(o)
    if o.dtype == object:
        raise TypeError("vectorize: the function returned values that are not numbers "
                        "(an object array); give otypes= or return numbers")
    return asarray(o, device=dev)


# --- memory layout ----------------------------------------------------------------------

def ascontiguousarray(a, dtype=None, *, like=None) -> Array:
    """``a`` as an Array of at least one dimension, as NumPy's ascontiguousarray.

    Note: MLX manages memory layout itself; this converts and, as NumPy does, gives a
    0-d input the shape ``(1,)``.
    """
    if like is not None:
        raise TypeError("ascontiguousarray: like= is not supported")
    dt = _numpy_dtype_arg("ascontiguousarray", dtype)
    x = _convert.array("ascontiguousarray", a)
    if dt is not None and dt is not x._dtype:
        x = astype(x, dt)
    return reshape(x, (1,)) if x.ndim == 0 else x


def asfortranarray(a, dtype=None, *, like=None) -> Array:
    """``a`` as an Array of at least one dimension (NumPy's asfortranarray).

    Note: MLX arrays are row-major and layout is invisible here: the values are the same
    as NumPy's; only the memory order (which nothing here exposes) differs.
    """
    if like is not None:
        raise TypeError("asfortranarray: like= is not supported")
    dt = _numpy_dtype_arg("asfortranarray", dtype)
    x = _convert.array("asfortranarray", a)
    if dt is not None and dt is not x._dtype:
        x = astype(x, dt)
    return reshape(x, (1,)) if x.ndim == 0 else x


# --- bits -------------------------------------------------------------------------------

def _bitorder(name: str, bitorder) -> str:
    if bitorder not in ("big", "little"):
        raise ValueError(f"{name}: 'order' must be either 'little' or 'big', got {bitorder!r}")
    return bitorder


def packbits(a, /, axis: int | None = None, bitorder: str = "big") -> Array:
    """The elements of a boolean or integer array (non-zero is 1) packed into bits of
    uint8 along ``axis`` (the flattened array by default), padded with zeros."""
    x = _convert.array("packbits", a)
    _bitorder("packbits", bitorder)
    if x._dtype is not _d.bool and x._dtype not in _d.CATEGORIES["integer"]:
        raise TypeError("packbits: expected an input array of integer or boolean data type")
    if axis is None:
        x, ax = reshape(x, (-1,)), 0
    else:
        ax = _core.check_axis("packbits", axis, x.ndim)
    if x.ndim == 0:
        x = reshape(x, (1,))
    s = x._device._s
    bits = (x._array != 0).astype(mx.uint32, stream=s)
    bits = mx.moveaxis(bits, ax, -1, stream=s)
    n = bits.shape[-1]
    k = -(-n // 8)
    bits = mx.pad(bits, [(0, 0)] * (bits.ndim - 1) + [(0, 8 * k - n)], stream=s)
    bits = mx.reshape(bits, (*bits.shape[:-1], k, 8), stream=s)
    w = [128, 64, 32, 16, 8, 4, 2, 1] if bitorder == "big" else [1, 2, 4, 8, 16, 32, 64, 128]
    packed = mx.sum(bits * mx.array(w, dtype=mx.uint32), axis=-1, stream=s)
    packed = mx.moveaxis(packed.astype(mx.uint8, stream=s), -1, ax, stream=s)
    return _core.new(packed, _d.uint8, x._device)


def unpackbits(a, /, axis: int | None = None, count: int | None = None,
               bitorder: str = "big") -> Array:
    """The bits of a uint8 array as a uint8 array of 0 and 1 along ``axis`` (the
    flattened array by default); ``count`` keeps that many (padding with zeros), a
    negative ``count`` drops that many from the end."""
    x = _convert.array("unpackbits", a)
    _bitorder("unpackbits", bitorder)
    if x._dtype is not _d.uint8:
        raise TypeError("unpackbits: expected an input array of unsigned byte data type, got "
                        f"{_core.dtype_name(x._dtype)}")
    if axis is None:
        x, ax = reshape(x, (-1,)), 0
    else:
        ax = _core.check_axis("unpackbits", axis, x.ndim)
    if x.ndim == 0:
        raise ValueError("unpackbits: a 0-d array has no axis to unpack")
    s = x._device._s
    v = mx.moveaxis(x._array, ax, -1, stream=s)
    shifts = [7, 6, 5, 4, 3, 2, 1, 0] if bitorder == "big" else [0, 1, 2, 3, 4, 5, 6, 7]
    bits = mx.bitwise_and(mx.right_shift(v[..., None], mx.array(shifts, dtype=mx.uint8),
                                         stream=s), 1, stream=s)
    bits = mx.reshape(bits, (*v.shape[:-1], v.shape[-1] * 8), stream=s)
    n = bits.shape[-1]
    if count is not None:
        if isinstance(count, builtins.bool):
            raise TypeError("unpackbits: count must be an int, got bool")
        c = operator.index(count)
        if c < 0:
            if -c > n:
                raise ValueError("unpackbits: -count larger than number of elements")
            bits = bits[..., :n + c]
        elif c <= n:
            bits = bits[..., :c]
        else:
            bits = mx.pad(bits, [(0, 0)] * (bits.ndim - 1) + [(0, c - n)], stream=s)
    out = mx.moveaxis(bits.astype(mx.uint8, stream=s), -1, ax, stream=s)
    return _core.new(out, _d.uint8, x._device)


# --- sliding windows --------------------------------------------------------------------

def sliding_window_view(x, window_shape, axis=None, *, subok: bool = False,
                        writeable: bool = False) -> Array:
    """Every window of ``window_shape`` over ``x``: the windowed axes shrink to
    ``n - w + 1`` and the window's axes are appended, as NumPy's
    ``lib.stride_tricks.sliding_window_view``.

    Note: NumPy returns a read-only view sharing ``x``'s memory; here the windows are a
    new array (``prod(window)`` times the elements of the view's positions), computed
    lazily by one gather per windowed axis. ``writeable=True`` raises ValueError: a
    write could not reach ``x``.
    """
    _core.check_bool("sliding_window_view", writeable, "writeable")
    _core.check_bool("sliding_window_view", subok, "subok")
    if writeable:
        raise ValueError("sliding_window_view: writeable=True is not supported (tmath_array "
                         "has no views; the windows are a copy)")
    a = _convert.array("sliding_window_view", x)
    ws = (window_shape,) if isinstance(window_shape, (int, np.integer)) else tuple(window_shape)
    ws = tuple(_window_int(w) for w in ws)
    if builtins.any(w < 0 for w in ws):
        raise ValueError("sliding_window_view: `window_shape` cannot contain negative values")
    if axis is None:
        if len(ws) != a.ndim:
            raise ValueError(f"sliding_window_view: since axis is `None`, must provide "
                             f"window_shape for all dimensions of `x`; got {len(ws)} window "
                             f"dimensions for {a.ndim} array dimensions")
        axes = tuple(range(a.ndim))
    else:
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        axes = tuple(_core.check_axis("sliding_window_view", int(ax), a.ndim) for ax in axes)
        if len(ws) != len(axes):
            raise ValueError(f"sliding_window_view: must provide matching length window_shape "
                             f"and axis; got {len(ws)} window_shape elements and {len(axes)} "
                             "axes elements")
    shape = list(a.shape)
    for ax, w in zip(axes, ws):
        if shape[ax] < w:
            raise ValueError("sliding_window_view: window shape cannot be larger than input "
                             "array shape")
        shape[ax] -= w - 1
    out_shape = (*shape, *ws)
    _check_bytes("sliding_window_view", out_shape, a._dtype)
    s = a._device._s
    arr = a._array
    for ax, w in zip(axes, ws):
        n = arr.shape[ax]
        idx = (mx.arange(n - w + 1, dtype=mx.int32, stream=s)[:, None]
               + mx.arange(w, dtype=mx.int32, stream=s)[None, :])
        arr = mx.take(arr, idx, axis=ax, stream=s)
        arr = mx.moveaxis(arr, ax + 1, -1, stream=s)
    return _core.new(arr, a._dtype, a._device)


def _window_int(w) -> int:
    if isinstance(w, builtins.bool):
        raise TypeError("sliding_window_view: window_shape must be ints, got bool")
    try:
        return operator.index(w)
    except TypeError:
        raise TypeError(f"sliding_window_view: window_shape must be ints, got "
                        f"{type(w).__name__}") from None

