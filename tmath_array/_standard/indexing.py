"""Indexing functions: take and take_along_axis.

Indices follow ``x[integer array]``: negative ones count from the end and
out-of-range ones are clamped into the axis (docs/indexing.md), so both
functions stay lazy and never read outside the array (raw ``mx.take`` does, or
crashes on a huge index).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import core as _core
from .._array import dtypes as _d
from .._array.indexing import clamp_indices
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from .manipulation import _axis

if TYPE_CHECKING:
    from .._array.array import Array

_INTEGER = _d.CATEGORIES["integer"]


def _check_indices(name: str, x, indices) -> None:
    _core.check_array(name, x)
    _core.check_array(name, indices, "indices")
    if indices._dtype not in _INTEGER:
        raise TypeError(f"{name}: indices must have an integer dtype, got "
                        f"{_core.dtype_name(indices._dtype)}")
    if indices._device != x._device:
        raise ValueError(f"{name}: indices are on {indices._device}, x on {x._device}")


def _take(a, idx, axis):
    return mx.take(a, clamp_indices(idx, a.shape[axis]), axis=axis)


def _take_along(a, idx, axis):
    return mx.take_along_axis(a, clamp_indices(idx, a.shape[axis]), axis=axis)


def take(x: Array, indices: Array, /, axis: int | None = None) -> Array:
    """The elements of ``x`` at ``indices`` (one-dimensional) along ``axis``.

    ``axis`` may be left out for a one-dimensional ``x`` only. Negative indices
    count from the end; out-of-range ones are clamped into the axis.

    Raises:
        TypeError: for indices of a non-integer dtype.
        ValueError: for indices that are not one-dimensional, or no ``axis`` with
            ``x.ndim > 1``.
        IndexError: for an axis out of range, or indices into an empty axis.
    """
    x = _convert.array("take", x)
    indices = _convert.array("take", indices, x._device)
    _check_indices("take", x, indices)
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"take: axis is required for an array of dimension {x.ndim}")
        axis = 0
    ax = _axis("take", axis, x.ndim)
    if indices.ndim != 1:
        raise ValueError(f"take: indices must be one-dimensional, got shape {indices.shape}")
    if x.shape[ax] == 0:
        if indices.size:
            raise IndexError(f"take: indices into axis {ax} of size 0")
        return _core.new(mx.take(x._array, indices._array.astype(mx.int32), axis=ax,
                                 stream=x._device._s), x._dtype, x._device)
    out = _compile.run("take", _take, x._device, x._array, indices._array, static=(ax,))
    return _core.new(out, x._dtype, x._device)


def take_along_axis(x: Array, indices: Array, /, axis: int = -1) -> Array:
    """The elements of ``x`` at ``indices`` along ``axis``, for each position of the others.

    ``indices`` has ``x``'s number of dimensions; the other axes broadcast against
    ``x``'s. Negative indices count from the end; out-of-range ones are clamped.

    Raises:
        TypeError: for indices of a non-integer dtype.
        ValueError: when the shapes are not compatible.
        IndexError: for an axis out of range, or indices into an empty axis.
    """
    x = _convert.array("take_along_axis", x)
    indices = _convert.array("take_along_axis", indices, x._device)
    _check_indices("take_along_axis", x, indices)
    ax = _axis("take_along_axis", axis, x.ndim)
    if indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices must have {x.ndim} dimensions like x, "
                         f"got shape {indices.shape}")
    for i, (n, m) in enumerate(zip(x.shape, indices.shape)):
        if i != ax and n != m and n != 1 and m != 1:
            raise ValueError(f"take_along_axis: shapes {x.shape} and {indices.shape} do not "
                             f"broadcast outside axis {ax}")
    if x.shape[ax] == 0:
        if indices.size:
            raise IndexError(f"take_along_axis: indices into axis {ax} of size 0")
        out = mx.take_along_axis(x._array, indices._array.astype(mx.int32), axis=ax,
                                 stream=x._device._s)
        return _core.new(out, x._dtype, x._device)
    out = _compile.run("take_along_axis", _take_along, x._device, x._array, indices._array,
                       static=(ax,))
    return _core.new(out, x._dtype, x._device)
