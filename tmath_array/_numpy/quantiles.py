"""NumPy-only quantiles: quantile, percentile, median, nanmedian.

Lazy: the data is sorted along the reduced axis and gathered at indices
computed, as NumPy computes them, from ``q`` and the (per-slice) element count,
so the NaN-ignoring variant stays lazy too. Dtype rule as in ``numeric``.
See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._standard.statistical import _check_keepdims
from .numeric import check_bool, float_dtype, no_out

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_FLOATING = _CAT["floating-point"]
_HALF = (_d.float16, _d.bfloat16)


# --- quantiles ------------------------------------------------------------------------

# method -> (alpha, beta) of Hyndman & Fan's continuous estimators, as NumPy names them.
_CONTINUOUS = {"linear": None, "weibull": (0.0, 0.0), "hazen": (0.5, 0.5),
               "interpolated_inverted_cdf": (0.0, 1.0), "median_unbiased": (1 / 3, 1 / 3),
               "normal_unbiased": (3 / 8, 3 / 8), "midpoint": None}
_DISCRETE = {"lower": mx.floor, "higher": mx.ceil, "nearest": mx.round}
_MEDIAN = object()  # the method of median and nanmedian (not a NumPy method name)


def _q_values(name: str, q, scale: float, dev):
    """``q`` (a number, nested sequence, NumPy array or Array) as MLX fractions in [0, 1].

    Returns ``(fractions, q's dtype if q is an array or a sequence, mask of the bad entries
    of an array q)``.
    """
    idt = mx.float64 if dev.type == "cpu" else mx.float32
    if isinstance(q, (np.ndarray, np.generic)):
        # (a NumPy array or scalar: an array of its dtype, np.float32(0.5) as a 0-d float32)
        q = _convert.to_array(q, device=dev, name=name)
    if isinstance(q, _core.Array):
        if q._dtype not in _CAT["real-valued"]:
            _core.bad_dtype(f"{name} (q)", "real-valued", q._dtype)
        # Note: an Array q is not read (that would be a sync point): values outside
        # [0, 1] (or NaN) give NaN instead of NumPy's ValueError. They are clamped for
        # the index arithmetic, which must never see them (a NaN index reads anywhere).
        qa = q._array.astype(idt, stream=dev._s) / scale
        bad = mx.logical_not((qa >= 0) & (qa <= 1), stream=dev._s)
        return mx.where(bad, 0, qa, stream=dev._s), q._dtype, bad

    def flat(v):
        if isinstance(v, Sequence) and not isinstance(v, str):
            return [x for item in v for x in flat(item)]
        if isinstance(v, builtins.bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name}: q must be a real number, a sequence of them or an array, "
                            f"got {type(v).__name__}")
        return [v]

    for v in flat(q):
        if not 0 <= v <= scale:
            raise ValueError(f"{name}: q must lie in [0, {scale:g}], got {v}")
    try:
        qa = mx.array(q, dtype=idt)
    except ValueError:
        raise ValueError(f"{name}: q must be rectangular, got {q!r}") from None
    # A sequence is an array by the way in (a list of numbers: the default float dtype,
    # float32 or under "numpy" float64, as NumPy's float64 array): it promotes a
    # half-precision a as an Array q would; a lone number is a Python scalar (weak).
    seq_dt = _convert.default_float(dev) if isinstance(q, Sequence) else None
    return (qa / scale if scale != 1 else qa), seq_dt, None


def _lerp(a, b, t):
    # NumPy's _lerp, for the same rounding: a + (b - a) t, or b - (b - a)(1 - t) from t = 1/2.
    d = b - a
    return mx.where(t >= 0.5, b - d * (1 - t), a + d * t)


def _quantile(name: str, a, q, axis, method, keepdims, skip_nan: bool, scale: float) -> Array:
    a = _core.check_category(name, _convert.array(name, a), "real-valued")
    keepdims = _check_keepdims(name, keepdims)
    if method is not _MEDIAN and not isinstance(method, str):
        raise TypeError(f"{name}: method must be a string, got {type(method).__name__}")
    if method not in _CONTINUOUS and method not in _DISCRETE and method != _MEDIAN:
        raise ValueError(f"{name}: method {method!r} is not supported; use one of "
                         f"{', '.join(sorted([*_CONTINUOUS, *_DISCRETE]))}")
    dev, s = a._device, a._device._s
    qa, qdt, bad = _q_values(name, q, scale, dev)
    axes = _args.check_axes(name, axis, a.ndim)
    if axes is None or a.ndim == 0:
        axes = tuple(range(a.ndim))
    keep = [i for i in range(a.ndim) if i not in axes]
    batch = [a.shape[i] for i in keep]
    n = math.prod(a.shape[i] for i in axes)
    if n == 0:
        raise ValueError(f"{name}: cannot take a quantile of zero elements (axis={axis!r})")
    discrete = method in _DISCRETE
    out_dt = a._dtype if discrete else float_dtype(a._dtype)
    if qdt is not None and not discrete:
        out_dt = _d.promote_types(out_dt, float_dtype(qdt), name)
    kept = [1 if i in axes else d for i, d in enumerate(a.shape)] if keepdims else batch
    if 0 in batch:  # an empty result: nothing to sort (its rows may pass int32's range)
        return _core.new(mx.zeros((*qa.shape, *kept), dtype=out_dt._mx), out_dt, dev)
    x = mx.reshape(mx.transpose(a._array, keep + list(axes), stream=s), (*batch, n), stream=s)
    work = _d.float32 if out_dt in _HALF else out_dt
    floating = a._dtype in _FLOATING
    srt = mx.sort(x, axis=-1, stream=s)  # NaN sorts last
    idt = qa.dtype
    if skip_nan and floating:
        cnt = mx.sum(mx.logical_not(mx.isnan(x, stream=s)), axis=-1, keepdims=True, stream=s)
        cnt = cnt.astype(idt, stream=s)
    else:
        cnt = mx.array(n, dtype=idt)
    qf = mx.reshape(qa, (-1,), stream=s)
    if method in ("linear", "lower", "higher", "nearest", _MEDIAN):
        v = (cnt - 1) * qf
    elif method == "midpoint":
        v0 = (cnt - 1) * qf
        v = 0.5 * (mx.floor(v0) + mx.ceil(v0))
    else:
        alpha, beta = _CONTINUOUS[method]
        v = cnt * qf + (alpha + qf * (1 - alpha - beta)) - 1
    v = mx.broadcast_to(v, (*batch, qf.shape[0]), stream=s)
    last = cnt - 1
    if discrete:
        idx = mx.clip(_DISCRETE[method](v), 0, mx.maximum(last, 0))
        res = mx.take_along_axis(srt, idx.astype(mx.int32), axis=-1, stream=s)
    elif method == _MEDIAN:
        # NumPy's median is the mean of the middle value(s), not a lerp: inf stays inf.
        lo_i = mx.maximum(mx.floor(v), 0).astype(mx.int32)
        hi_i = mx.maximum(mx.ceil(v), 0).astype(mx.int32)
        srt = srt.astype(work._mx, stream=s)
        lo = mx.take_along_axis(srt, lo_i, axis=-1, stream=s)
        hi = mx.take_along_axis(srt, hi_i, axis=-1, stream=s)
        res = mx.where(lo_i == hi_i, lo, (lo + hi) / 2, stream=s)
    else:
        # NumPy's bounds: from the last index on, both neighbours are the last element;
        # below 0, both the first.
        prev = mx.where(v >= last, last, mx.where(v < 0, 0, mx.floor(v)))
        nxt = mx.where(v >= last, last, mx.where(v < 0, 0, mx.floor(v) + 1))
        gamma = (v - prev).astype(work._mx, stream=s)
        srt = srt.astype(work._mx, stream=s)
        lo = mx.take_along_axis(srt, mx.maximum(prev, 0).astype(mx.int32), axis=-1, stream=s)
        hi = mx.take_along_axis(srt, mx.maximum(nxt, 0).astype(mx.int32), axis=-1, stream=s)
        res = _lerp(lo, hi, gamma)
    if floating and not skip_nan:
        res = mx.where(mx.isnan(srt[..., -1:], stream=s), math.nan, res, stream=s)
    if bad is not None and out_dt in _FLOATING:
        res = mx.where(mx.reshape(bad, (-1,), stream=s), math.nan, res, stream=s)
    res = mx.moveaxis(res.astype(out_dt._mx, stream=s), -1, 0, stream=s)
    return _core.new(mx.reshape(res, (*qa.shape, *kept), stream=s), out_dt, dev)


def quantile(a: Array, q, axis: int | tuple[int, ...] | None = None, out: None = None,
             overwrite_input: bool = False, method: str = "linear",
             keepdims: bool = False) -> Array:
    """The ``q``-th quantiles (``q`` in [0, 1]) of ``a`` over ``axis``; NaN for a slice with NaN.

    The result has shape ``q.shape + `` the reduced shape. ``method`` is NumPy's:
    'linear' (default), 'lower', 'higher', 'nearest', 'midpoint', 'weibull',
    'hazen', 'interpolated_inverted_cdf', 'median_unbiased', 'normal_unbiased'.
    The discrete ones ('lower', 'higher', 'nearest') keep ``a``'s dtype; the
    others give float32 for integer input. ``overwrite_input`` is accepted: the
    input is never modified, which NumPy allows. An Array ``q`` is not checked
    (that would be a sync point): its values outside [0, 1] give NaN (the
    clamped quantile for the discrete methods on integers).

    Raises:
        ValueError: for ``q`` (Python numbers) outside [0, 1], an unknown method,
            or a quantile of zero elements.
    """
    no_out("quantile", out)
    check_bool("quantile", overwrite_input, "overwrite_input")
    return _quantile("quantile", a, q, axis, method, keepdims, False, 1.0)


def percentile(a: Array, q, axis: int | tuple[int, ...] | None = None, out: None = None,
               overwrite_input: bool = False, method: str = "linear",
               keepdims: bool = False) -> Array:
    """The ``q``-th percentiles (``q`` in [0, 100]) of ``a`` over ``axis``; see :func:`quantile`."""
    no_out("percentile", out)
    check_bool("percentile", overwrite_input, "overwrite_input")
    return _quantile("percentile", a, q, axis, method, keepdims, False, 100.0)


def median(a: Array, axis: int | tuple[int, ...] | None = None, out: None = None,
           overwrite_input: bool = False, keepdims: bool = False) -> Array:
    """The median of ``a`` over ``axis``; NaN for a slice with NaN. Integers give float32."""
    no_out("median", out)
    check_bool("median", overwrite_input, "overwrite_input")
    return _quantile("median", a, 0.5, axis, _MEDIAN, keepdims, False, 1.0)


def nanmedian(a: Array, axis: int | tuple[int, ...] | None = None, out: None = None,
              overwrite_input: bool = False, keepdims: bool = False) -> Array:
    """The median over ``axis`` of the non-NaN elements; NaN for an all-NaN slice."""
    no_out("nanmedian", out)
    check_bool("nanmedian", overwrite_input, "overwrite_input")
    return _quantile("nanmedian", a, 0.5, axis, _MEDIAN, keepdims, True, 1.0)
