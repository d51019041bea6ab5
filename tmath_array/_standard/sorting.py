"""Sorting functions: argsort and sort.

MLX's sort is stable and puts NaN last, as NumPy's stable sort does. The
standard's ``descending`` has no MLX counterpart: a descending sort reverses
the axis, sorts ascending and reverses back, which keeps equal elements in
their original order (and puts NaN first, as ``np.flip(np.sort(np.flip(x)))``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile

if TYPE_CHECKING:
    from .._array.array import Array


_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _check(name: str, x, axis, descending, stable, kind=None) -> int:
    _core.check_category(name, x, "real-valued")
    _args.check_bool(name, descending, "descending")
    if stable is not None:  # (None: NumPy's default, "no preference")
        _args.check_bool(name, stable, "stable")
    # Note: NumPy's kind= picks an algorithm; every sort here is stable (one algorithm).
    if kind not in _KINDS:
        raise ValueError(f"{name}: kind must be one of {_KINDS[1:]}, got {kind!r}")
    if x.ndim == 0:
        # As NumPy: a 0-d array has no axis to sort along (the standard's [-N, N) is empty).
        raise IndexError(f"{name}: a 0-dimensional array has no axis to sort along")
    return _args.check_axis(name, axis, x.ndim)


def _argsort_descending(a: mx.array, last: mx.array, axis: int) -> mx.array:
    # Sorting the reversed axis ascending and reversing back keeps ties in order.
    # ``last`` (the axis length - 1) is an input, not a constant: mx.compile writes
    # constants into the C++ it compiles, which would mean one compile per length.
    rev = mx.argsort(mx.flip(a, axis=axis), axis=axis)
    return last - mx.flip(rev, axis=axis).astype(mx.int32)


def _sort_descending(a: mx.array, axis: int) -> mx.array:
    return mx.flip(mx.sort(mx.flip(a, axis=axis), axis=axis), axis=axis)


def argsort(x: Array, /, axis: int = -1, kind: str | None = None, *, descending: bool = False,
            stable: bool | None = True) -> Array:
    """The indices (the default index dtype) that sort ``x`` along ``axis``.

    The sort is always stable: ties keep their original order, in both directions.
    NaN sorts last ascending and first descending.
    """
    x = _convert.array("argsort", x)
    ax = _check("argsort", x, axis, descending, stable, kind)
    a = x._array
    dev = x._device
    if descending:
        last = mx.array(a.shape[ax] - 1, dtype=mx.int32)
        out = _compile.run("argsort_descending", _argsort_descending, dev, a, last,
                           static=(ax,))
    else:
        # Note: MLX returns uint32 indices; the standard wants the default index dtype.
        out = mx.argsort(a, axis=ax, stream=dev._s).astype(mx.int32, stream=dev._s)
    return _core.new_index(out, dev)


def sort(x: Array, /, axis: int = -1, kind: str | None = None, *, descending: bool = False,
         stable: bool | None = True) -> Array:
    """A sorted copy of ``x`` along ``axis`` (stable; NaN last ascending, first descending)."""
    x = _convert.array("sort", x)
    ax = _check("sort", x, axis, descending, stable, kind)
    a = x._array
    dev = x._device
    if descending:
        out = _compile.run("sort_descending", _sort_descending, dev, a, static=(ax,))
    else:
        out = mx.sort(a, axis=ax, stream=dev._s)
    return _core.new(out, x._dtype, dev)
