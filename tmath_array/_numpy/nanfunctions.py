"""NumPy's NaN-ignoring functions beyond ``stats.py``: ``nanargmax``, ``nanargmin``,
``nanprod``, ``nancumsum``, ``nancumprod``, ``nanquantile``, ``nanpercentile``.

All lazy. Integer and bool input has no NaN: the plain function's result. See
docs/numpy.md ("Functions of NumPy scripts").
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._standard.searching import argmax, argmin
from .._standard.statistical import prod as _prod
from .aliases import cumprod, cumsum
from .numeric import check_bool, no_out
from .quantiles import _quantile

if TYPE_CHECKING:
    from .._array.array import Array

_FLOATING = _d.CATEGORIES["floating-point"]


def _filled(a: Array, fill) -> Array:
    """``a`` with NaN replaced by ``fill`` (floating dtypes only)."""
    if a._dtype not in _FLOATING:
        return a
    s = a._device._s
    return _core.new(mx.where(mx.isnan(a._array, stream=s), fill, a._array, stream=s),
                     a._dtype, a._device)


def _nan_arg(name: str, fn, fill: float, a, axis, out, keepdims) -> Array:
    no_out(name, out)
    x = _convert.array(name, a)
    _core.check_category(name, x, "real-valued")
    if x.size == 0:
        raise ValueError(f"{name}: attempt to get {name[3:]} of an empty sequence")
    r = fn(_filled(x, fill), axis=axis, keepdims=keepdims)
    if x._dtype not in _FLOATING:
        return r
    s = x._device._s
    nan = mx.isnan(x._array, stream=s)
    all_nan = mx.all(nan, axis=axis, keepdims=keepdims, stream=s) if axis is not None \
        else mx.all(nan, keepdims=keepdims, stream=s)
    if not keepdims and axis is None:
        all_nan = mx.reshape(all_nan, ())
    # Note: NumPy raises ValueError for an all-NaN slice, which needs the values (a sync
    # point); here such a slice gives -1, which no real index is.
    return _core.new(mx.where(all_nan, -1, r._array, stream=s), r._dtype, r._device)


def nanargmax(a, axis: int | None = None, out=None, *, keepdims: bool = False) -> Array:
    """The index of the largest non-NaN element over ``axis`` (int32); -1 for an
    all-NaN slice (NumPy raises ValueError there)."""
    return _nan_arg("nanargmax", argmax, -math.inf, a, axis, out, keepdims)


def nanargmin(a, axis: int | None = None, out=None, *, keepdims: bool = False) -> Array:
    """The index of the smallest non-NaN element over ``axis`` (int32); -1 for an
    all-NaN slice (NumPy raises ValueError there)."""
    return _nan_arg("nanargmin", argmin, math.inf, a, axis, out, keepdims)


def nanprod(a, axis=None, dtype=None, out=None, keepdims: bool = False) -> Array:
    """The product over ``axis`` treating NaN as one (dtype rules as ``xp.prod``)."""
    no_out("nanprod", out)
    x = _convert.array("nanprod", a)
    return _prod(_filled(x, 1), axis=axis, dtype=dtype, keepdims=keepdims)


def nancumsum(a, axis=None, dtype=None, out=None) -> Array:
    """The running sum over ``axis`` (the flattened array by default), NaN counted as 0."""
    no_out("nancumsum", out)
    return cumsum(_filled(_convert.array("nancumsum", a), 0), axis, dtype)


def nancumprod(a, axis=None, dtype=None, out=None) -> Array:
    """The running product over ``axis`` (the flattened array by default), NaN as 1."""
    no_out("nancumprod", out)
    return cumprod(_filled(_convert.array("nancumprod", a), 1), axis, dtype)


def nanquantile(a, q, axis=None, out=None, overwrite_input: bool = False,
                method: str = "linear", keepdims: bool = False) -> Array:
    """The ``q``-th quantiles of the non-NaN elements over ``axis`` (see ``xp.quantile``);
    NaN for an all-NaN slice."""
    no_out("nanquantile", out)
    check_bool("nanquantile", overwrite_input, "overwrite_input")
    _core.check_str("nanquantile", method, "method")
    return _quantile("nanquantile", _convert.array("nanquantile", a), q, axis, method,
                     keepdims, True, 1.0)


def nanpercentile(a, q, axis=None, out=None, overwrite_input: bool = False,
                  method: str = "linear", keepdims: bool = False) -> Array:
    """The ``q``-th percentiles of the non-NaN elements over ``axis`` (``q`` in [0, 100])."""
    no_out("nanpercentile", out)
    check_bool("nanpercentile", overwrite_input, "overwrite_input")
    _core.check_str("nanpercentile", method, "method")
    return _quantile("nanpercentile", _convert.array("nanpercentile", a), q, axis, method, keepdims,
                     True, 100.0)
