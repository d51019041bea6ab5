"""NumPy-only counting functions: histogram, bincount, argwhere, flatnonzero, unique.

``histogram`` with an integer number of bins or explicit edges is lazy: its
output shape is known from ``bins`` alone, and data-derived ranges are
computed in the graph. The others have data-dependent output shapes and are
counted sync points (reason ``data-dependent``), each ONE evaluation routed
through ``_lazy.materialize`` or an existing data-dependent function
(``nonzero``, ``_standard/sets._unique``). See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._runtime import lazy as _lazy
from .._runtime import memory as _memory
from .._standard.manipulation import reshape, stack
from .._standard.searching import nonzero
from .._standard.sets import _unique
from .numeric import check_bool, float_dtype, param_array

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_FLOATING = _CAT["floating-point"]


def _scatter_add(size: int, idx: mx.array, vals, dt, dev) -> mx.array:
    """``zeros(size)`` with ``vals`` added at ``idx`` (repeats accumulate), on ``dev``."""
    with mx.stream(dev._s):
        return mx.zeros((size,), dtype=dt._mx).at[idx].add(vals)


def _counts(idx: mx.array, keep: mx.array, n: int, weights, dev):
    """Counts (or weight sums) of ``idx`` in ``[0, n)`` where ``keep`` (the rest go to slot n)."""
    s = dev._s
    slot = mx.where(keep, idx, n, stream=s).astype(mx.int32, stream=s)
    if weights is None:
        cdt = _convert.default_int(dev)  # (NumPy's counts: int64; the default integer here)
        return _scatter_add(n + 1, slot, 1, cdt, dev)[:n], cdt
    w = mx.reshape(weights._array, (-1,), stream=s)
    return _scatter_add(n + 1, slot, w, weights._dtype, dev)[:n], weights._dtype


def _weights(name: str, weights, like):
    """``weights`` (None, an Array or a list) as a real Array of ``like``'s shape."""
    if weights is None:
        return None
    weights = param_array(name, weights, "weights", like)
    _core.check_category(name, weights, "real-valued")
    if weights.shape != like.shape:
        raise ValueError(f"{name}: weights of shape {weights.shape} must have the data's "
                         f"shape {like.shape}")
    return weights


# --- histogram --------------------------------------------------------------------------

def _check_range(rng) -> tuple[float, float]:
    try:
        # (the length first: iterating a huge tensor of shape (10**9, 0) makes 10**9 views)
        if len(rng) != 2:
            raise ValueError
        lo, hi = float(rng[0]), float(rng[1])
    except (TypeError, ValueError, IndexError, RuntimeError):
        raise TypeError(f"histogram: range must be a pair of numbers (min, max), got "
                        f"{type(rng).__name__}") from None
    if lo > hi:
        raise ValueError(f"histogram: max must be larger than min in range {rng!r}")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"histogram: range {rng!r} is not finite")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _uniform_edges(lo: float, hi: float, n: int) -> list[float]:
    # NumPy's linspace, in Python floats (float64): start + i * step, the last edge exact.
    step = (hi - lo) / n
    return [lo + i * step for i in range(n)] + [hi]


def _bins_from_rule(a, rule: str, rng):
    """Bin count and range for a named rule (NumPy's 'auto', 'fd', ...): one counted sync."""
    # Note: the number of bins depends on the values: the one sync point of histogram.
    # Note: NumPy has no bfloat16: those values are read as float32 (exactly).
    src = a._array.astype(mx.float32) if a._dtype is _d.bfloat16 else a._array
    _lazy.materialize(_lazy.DATA_DEPENDENT, src)
    host = np.asarray(src)
    # Integers stay integers: NumPy's rules give them bins at least 1 wide.
    if a._dtype is _d.bool:
        host = host.astype(np.float64)
    try:
        edges = np.histogram_bin_edges(host, bins=rule, range=rng)
    except ValueError as e:
        raise ValueError(f"histogram: {e}") from None
    return len(edges) - 1, (float(edges[0]), float(edges[-1]))


def histogram(a: Array, bins: int | str | Array | Sequence[float] = 10, range=None,  # noqa: A002
              density: bool | None = None, weights: Array | None = None):
    """Counts of the (flattened) ``a`` in bins, and the bin edges, as NumPy's histogram.

    ``bins`` is a number of equal bins over ``range`` (default: ``a``'s minimum to
    maximum, computed lazily), the increasing bin edges, or a rule name ('auto',
    'fd', 'sturges', ...). Each bin holds ``[edge, next edge)``, the last one its
    right edge too; values outside are not counted.

    Returns:
        ``(counts, edges)``: counts of the default integer dtype (NumPy: int64), the
        weights' dtype with ``weights``, a float with ``density``; edges of ``a``'s
        float dtype (the default float for integer input).

    A rule name is a sync point (``data-dependent``): the number of bins depends on
    the values. Everything else is lazy; in particular a data-derived range with
    NaN or inf gives NaN edges and zero counts (NumPy raises ValueError), and edges
    given as an array are not checked to increase (a Python list is).
    """
    a = _core.check_category("histogram", _convert.array("histogram", a), "real-valued")
    # (a flag: an array or tensor would be asked for its truth)
    density = density is not None and _core.check_bool("histogram", density, "density")
    dev, s = a._device, a._device._s
    edt = float_dtype(a._dtype)
    # Note: the bins are worked out in ``work`` and the edges returned in ``edt``: integer
    # input in float64 where the device has it (NumPy's precision: float32 cannot split
    # the range of one large integer into bins), bfloat16 in float32 (its 8-bit
    # mantissa would make bins of very unequal widths).
    work = (_d.float64 if edt is not a._dtype and dev.type == "cpu" else
            _d.float32 if edt is _d.bfloat16 else edt)
    x = mx.reshape(a._array, (-1,), stream=s).astype(work._mx, stream=s)
    weights = _weights("histogram", weights, a)
    rng = None if range is None else _check_range(range)
    if isinstance(bins, str):
        bins, rng = _bins_from_rule(a, bins, rng)
    if _args.is_int(bins):
        bins = _args.check_int("histogram", bins, "bins")
        if bins < 1:
            raise ValueError(f"histogram: bins must be positive, got {bins}")
        _memory.check_shape("histogram", (bins + 1,), work._mx.size, _d.dtype_name(work))
        counts, edges, cdt = _uniform(x, bins, rng, weights, work, dev)
    else:
        e = param_array("histogram", bins, "bins", a)
        _core.check_category("histogram", e, "real-valued")
        if e.ndim != 1 or e.shape[0] < 2:
            raise ValueError(f"histogram: bin edges must be 1-d with at least two, got {e.shape}")
        if isinstance(bins, Sequence):
            flat = [float(v) for v in bins]
            if builtins.any(p > q for p, q in zip(flat, flat[1:])):
                raise ValueError("histogram: bins must increase monotonically")
        edt = _d.promote_types(edt, float_dtype(e._dtype), "histogram")
        work = _d.promote_types(work, float_dtype(e._dtype), "histogram")
        edges = e._array.astype(work._mx, stream=s)
        x = x.astype(work._mx, stream=s)
        nb = edges.shape[0] - 1
        idx = mx.searchsorted(edges, x, side="right", stream=s).astype(mx.int32) - 1
        idx = mx.where(x == edges[-1], nb - 1, idx, stream=s)
        keep = mx.logical_and(x >= edges[0], x <= edges[-1], stream=s)
        counts, cdt = _counts(idx, keep, nb, weights, dev)
    if density:
        ddt = _d.promote_types(float_dtype(cdt), edt, "histogram")
        wdt = _d.promote_types(ddt, work, "histogram")
        c = counts.astype(wdt._mx, stream=s)
        widths = (edges[1:] - edges[:-1]).astype(wdt._mx, stream=s)
        counts, cdt = (c / widths / mx.sum(c, stream=s)).astype(ddt._mx, stream=s), ddt
    if work is not edt:
        edges = edges.astype(edt._mx, stream=s)
    return _core.new(counts, cdt, dev), _core.new(edges, edt, dev)


def _uniform(x: mx.array, n: int, rng, weights, edt, dev):
    """Counts in ``n`` equal bins (NumPy's fast path, with its edge corrections), and edges."""
    s = dev._s
    if rng is not None:
        edges = mx.array(_uniform_edges(*rng, n), dtype=edt._mx)
        lo, hi = (mx.array(v, dtype=edt._mx) for v in rng)
    elif x.size == 0:
        edges = mx.array(_uniform_edges(0.0, 1.0, n), dtype=edt._mx)
        lo, hi = edges[0], edges[-1]
    else:
        lo, hi = mx.min(x, stream=s), mx.max(x, stream=s)
        same = lo == hi
        lo = mx.where(same, lo - 0.5, lo, stream=s)
        hi = mx.where(same, hi + 0.5, hi, stream=s)
        steps = mx.arange(n, dtype=edt._mx, stream=s) * ((hi - lo) / n) + lo
        edges = mx.concatenate([steps, mx.reshape(hi, (1,))], stream=s)
    # A non-finite range (from NaN or inf data) counts nothing; f must stay finite (it
    # becomes an index).
    keep = mx.logical_and(mx.logical_and(x >= lo, x <= hi, stream=s),
                          mx.isfinite(hi - lo, stream=s), stream=s)
    # Where the range collapsed (hi == lo after rounding) f would be NaN, and a NaN cast
    # to an index reads out of bounds: the values go to bin 0 then.
    f = mx.where(hi > lo, (x - lo) / (hi - lo) * n, 0, stream=s)
    idx = mx.clip(mx.where(keep, f, 0, stream=s), 0, n - 1, stream=s).astype(mx.int32)
    # A value just below its computed edge steps back, one at or above the next steps up.
    idx = idx - (x < mx.take(edges, idx, stream=s)).astype(mx.int32)
    idx = mx.maximum(idx, 0)
    up = mx.logical_and(x >= mx.take(edges, idx + 1, stream=s), idx != n - 1)
    idx = idx + up.astype(mx.int32)
    counts, cdt = _counts(idx, keep, n, weights, dev)
    return counts, edges, cdt


# --- bincount ---------------------------------------------------------------------------

def bincount(x: Array, weights: Array | None = None, minlength: int = 0, *,
             length: int | None = None) -> Array:
    """How many times each value ``0..N-1`` occurs in the 1-d non-negative integer ``x``.

    ``N`` is ``max(x) + 1``, at least ``minlength``: knowing it needs the values,
    so this is a sync point (``data-dependent``), unless ``x`` is empty or
    ``length`` is given. ``length`` (an extension, as in ``jax.numpy``) fixes the
    output length and keeps everything lazy; values outside ``[0, length)`` are
    not counted. Counts are of the default integer dtype (NumPy: int64); with
    ``weights``, the sums are float32, or float64 for float64 weights.

    Raises:
        ValueError: for negative values (checked at the sync point), a negative
            ``minlength``, or ``x`` not 1-d.
    """
    x = _convert.array("bincount", x)
    if x._dtype is not _d.bool and x._dtype not in _CAT["integer"]:
        _core.bad_dtype("bincount", "integer", x._dtype)
    if x.ndim != 1:
        raise ValueError(f"bincount: x must be 1-d, got shape {x.shape}")
    minlength = _args.check_optional_int("bincount", minlength, "minlength")
    length = _args.check_optional_int("bincount", length, "length")
    for v, n in ((minlength, "minlength"), (length, "length")):
        if v is not None and v < 0:
            raise ValueError(f"bincount: {n} must be non-negative, got {v}")
    dev, s = x._device, x._device._s
    weights = _weights("bincount", weights, x)
    if weights is not None:
        wdt = float_dtype(weights._dtype)
        weights = _core.new(weights._array.astype(wdt._mx, stream=s), wdt, dev)
    a = x._array.astype(mx.int64, stream=s)
    if length is None:
        length = minlength
        if x.size:
            # (of x itself: a uint64 beyond int64's range must not wrap to a negative)
            lo, hi = mx.min(x._array, stream=s), mx.max(x._array, stream=s)
            # Note: the output length depends on the largest value: one counted sync.
            _lazy.materialize(_lazy.DATA_DEPENDENT, lo, hi)
            if lo.item() < 0:
                raise ValueError("bincount: x must not have negative values")
            length = builtins.max(length, int(hi.item()) + 1)
    # The output (and the scratch slot past it) must fit: ValueError past MLX's 32-bit
    # sizes, MemoryError past the memory limit, before anything is built.
    cdt = _convert.default_int(dev) if weights is None else weights._dtype
    _memory.check_shape("bincount", (length + 1,), cdt._mx.size, _d.dtype_name(cdt))
    keep = mx.logical_and(a >= 0, a < length, stream=s)
    counts, cdt = _counts(a, keep, length, weights, dev)
    return _core.new(counts, cdt, dev)


# --- nonzero-like and unique ------------------------------------------------------------

def argwhere(a: Array, /) -> Array:
    """The indices of the non-zero elements, as an ``(N, a.ndim)`` int32 array.

    A sync point (``data-dependent``, through ``nonzero``): ``N`` depends on the values.
    """
    a = _convert.array("argwhere", a)
    if a.ndim == 0:
        (idx,) = nonzero(reshape(a, (1,)))
        return _core.new_index(mx.zeros((idx.shape[0], 0), dtype=mx.int32), a._device)
    return stack(nonzero(a), axis=1)


def flatnonzero(a: Array, /) -> Array:
    """The indices of the non-zero elements of the flattened ``a`` (int32; a sync point)."""
    a = _convert.array("flatnonzero", a)
    return nonzero(reshape(a, (-1,)))[0]


def unique(ar: Array, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *, equal_nan: bool = True,
           sorted: bool = True):  # noqa: A002
    """The sorted distinct values of the flattened ``ar`` (``axis=None``), or the sorted
    distinct slices along ``axis``, as NumPy's unique.

    With ``return_index``/``return_inverse``/``return_counts``, a tuple that adds
    the first index of each value, the indices rebuilding ``ar`` (of ``ar``'s
    shape) and the counts, all int32. All NaN count as one value unless
    ``equal_nan=False``. The values come sorted whatever ``sorted`` says (NumPy
    allows that). A sync point (``data-dependent``).

    With ``axis``, slices are ordered lexicographically by their elements and compared
    exactly (NaN differs from everything, as in NumPy); ``equal_nan`` applies to
    ``axis=None`` only.
    """
    ar = _convert.array("unique", ar)
    for v, n in ((return_index, "return_index"), (return_inverse, "return_inverse"),
                 (return_counts, "return_counts"), (equal_nan, "equal_nan"),
                 (sorted, "sorted")):
        check_bool("unique", v, n)
    if axis is not None:
        # The unique slices along an axis (rows sorted lexicographically): setops.py.
        from .setops import unique_axis
        return unique_axis(ar, return_index, return_inverse, return_counts, axis)
    values, index, inverse, counts = _unique("unique", ar, return_index, return_inverse,
                                             equal_nan)
    dev = ar._device
    out = [_core.new(values, ar._dtype, dev)]
    for want, arr in ((return_index, index), (return_inverse, inverse),
                      (return_counts, counts)):
        if want:
            out.append(_core.new_index(arr, dev))
    return out[0] if len(out) == 1 else tuple(out)
