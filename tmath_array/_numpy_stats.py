"""NumPy-only statistics: ptp, average, the nan* reductions, quantiles, cov, corrcoef.

NumPy semantics, lazy (no sync point), with the dtype rule of ``_numpy_math``:
integer input gives float32 where NumPy gives float64. Quantiles sort along the
reduced axis and gather at indices computed from the (per-slice) element
count, so the NaN-ignoring variants stay lazy too. See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mlx.core as mx

from . import _core
from . import _dtypes as _d
from ._numpy_math import as_float, check_bool, float_dtype, no_out, param_array
from ._statistical_functions import _axes, _check_keepdims, _reduced_size
from ._statistical_functions import max as _max
from ._statistical_functions import mean as _mean
from ._statistical_functions import min as _min
from ._statistical_functions import sum as _sum

if TYPE_CHECKING:
    from ._array_object import Array

_CAT = _d.CATEGORIES
_FLOATING = _CAT["floating-point"]
_HALF = (_d.float16, _d.bfloat16)


def _real_of(dt):
    return _d.float32 if dt is _d.complex64 else dt


def ptp(a: Array, axis: int | tuple[int, ...] | None = None, out: None = None,
        keepdims: bool = False) -> Array:
    """``max - min`` over ``axis``, in ``a``'s dtype (integers wrap, as in NumPy)."""
    no_out("ptp", out)
    hi = _max(a, axis=axis, keepdims=keepdims)
    lo = _min(a, axis=axis, keepdims=keepdims)
    return _core.new(mx.subtract(hi._array, lo._array, stream=a._device._s), a._dtype, a._device)


# --- NaN-ignoring reductions --------------------------------------------------------

def _nan_parts(name: str, a, axis, keepdims, dtype=None):
    """``(x, valid, axes, out dtype, work dtype)`` for a NaN-ignoring float reduction."""
    x, dt = as_float(name, a, "numeric")
    _check_keepdims(name, keepdims)
    if dtype is not None:
        want = _d.as_dtype(dtype)
        if want is None or want not in _FLOATING:
            raise TypeError(f"{name}: dtype must be a floating-point dtype, got {dtype!r}")
        dt = want
    work = _d.float32 if dt in _HALF else dt
    s = a._device._s
    if x.dtype != work._mx:
        x = x.astype(work._mx, stream=s)
    valid = mx.logical_not(mx.isnan(x, stream=s), stream=s)
    return x, valid, _axes(name, a, axis), dt, work


def _nan_mean(x, valid, axes, keepdims, s):
    cnt = mx.sum(valid, axis=axes, keepdims=keepdims, stream=s).astype(x.dtype, stream=s)
    tot = mx.sum(mx.where(valid, x, 0, stream=s), axis=axes, keepdims=keepdims, stream=s)
    return tot / cnt, cnt


def nansum(a: Array, axis: int | tuple[int, ...] | None = None, dtype=None, out: None = None,
           keepdims: bool = False) -> Array:
    """The sum over ``axis`` treating NaN as zero; dtype rules as ``xp.sum``
    (int8/int16 accumulate in int32 where NumPy uses int64)."""
    no_out("nansum", out)
    _core.check_category("nansum", a, "numeric")
    if a._dtype in _FLOATING:
        s = a._device._s
        a = _core.new(mx.where(mx.isnan(a._array, stream=s), 0, a._array, stream=s), a._dtype,
                      a._device)
    return _sum(a, axis=axis, dtype=dtype, keepdims=keepdims)


def nanmean(a: Array, axis: int | tuple[int, ...] | None = None, dtype=None, out: None = None,
            keepdims: bool = False) -> Array:
    """The mean over ``axis`` of the non-NaN elements; NaN for an all-NaN slice.

    Integer input gives float32 (as ``xp.mean``; NumPy: float64).
    """
    no_out("nanmean", out)
    if a._dtype not in _FLOATING and dtype is None:
        return _mean(a, axis=axis, keepdims=keepdims)
    x, valid, axes, dt, _ = _nan_parts("nanmean", a, axis, keepdims, dtype)
    r, _ = _nan_mean(x, valid, axes, keepdims, a._device._s)
    return _core.new(r.astype(dt._mx, stream=a._device._s), dt, a._device)


def _nan_extremum(name: str, reduce, fill: float, a, axis, out, keepdims) -> Array:
    no_out(name, out)
    _core.check_category(name, a, "real-valued")
    if a._dtype not in _FLOATING:
        return reduce(a, axis=axis, keepdims=keepdims)
    s = a._device._s
    x = a._array
    nan = mx.isnan(x, stream=s)
    r = reduce(_core.new(mx.where(nan, fill, x, stream=s), a._dtype, a._device), axis=axis,
               keepdims=keepdims)
    all_nan = mx.all(nan, axis=_axes(name, a, axis), keepdims=keepdims, stream=s)
    return _core.new(mx.where(all_nan, math.nan, r._array, stream=s), a._dtype, a._device)


def nanmax(a: Array, axis: int | tuple[int, ...] | None = None, out: None = None,
           keepdims: bool = False) -> Array:
    """The maximum over ``axis`` ignoring NaN; NaN for an all-NaN slice.

    Raises:
        ValueError: for a reduction over zero elements.
    """
    return _nan_extremum("nanmax", _max, -math.inf, a, axis, out, keepdims)


def nanmin(a: Array, axis: int | tuple[int, ...] | None = None, out: None = None,
           keepdims: bool = False) -> Array:
    """The minimum over ``axis`` ignoring NaN; NaN for an all-NaN slice.

    Raises:
        ValueError: for a reduction over zero elements.
    """
    return _nan_extremum("nanmin", _min, math.inf, a, axis, out, keepdims)


def _nan_var(name: str, a, axis, dtype, out, ddof, keepdims, correction, root: bool) -> Array:
    no_out(name, out)
    if correction is not None:
        if ddof != 0:
            raise ValueError(f"{name}: give ddof or correction, not both")
        ddof = correction
    if isinstance(ddof, builtins.bool) or not isinstance(ddof, (int, float)):
        raise TypeError(f"{name}: ddof must be a real number, got {type(ddof).__name__}")
    x, valid, axes, dt, work = _nan_parts(name, a, axis, keepdims, dtype)
    s = a._device._s
    m, _ = _nan_mean(x, valid, axes, True, s)
    d = mx.where(valid, x - m, 0, stream=s)
    sq = mx.real(d * mx.conj(d), stream=s) if work is _d.complex64 else d * d
    cnt = mx.sum(valid, axis=axes, keepdims=keepdims, stream=s).astype(sq.dtype, stream=s)
    dof = cnt - ddof
    # As NumPy: NaN where the degrees of freedom are not positive.
    r = mx.where(dof > 0, mx.sum(sq, axis=axes, keepdims=keepdims, stream=s) / dof, math.nan,
                 stream=s)
    if root:
        r = mx.sqrt(r, stream=s)
    rdt = _real_of(dt)
    return _core.new(r.astype(rdt._mx, stream=s), rdt, a._device)


def nanvar(a: Array, axis: int | tuple[int, ...] | None = None, dtype=None, out: None = None,
           ddof: int | float = 0, keepdims: bool = False, *,
           correction: int | float | None = None) -> Array:
    """The variance over ``axis`` of the non-NaN elements, dividing by ``count - ddof``.

    NaN where ``count - ddof <= 0``. Complex input gives a real result; integer
    input float32.
    """
    return _nan_var("nanvar", a, axis, dtype, out, ddof, keepdims, correction, False)


def nanstd(a: Array, axis: int | tuple[int, ...] | None = None, dtype=None, out: None = None,
           ddof: int | float = 0, keepdims: bool = False, *,
           correction: int | float | None = None) -> Array:
    """The standard deviation over ``axis`` of the non-NaN elements (see :func:`nanvar`)."""
    return _nan_var("nanstd", a, axis, dtype, out, ddof, keepdims, correction, True)


# --- average --------------------------------------------------------------------------

def average(a: Array, axis: int | tuple[int, ...] | None = None, weights=None,
            returned: bool = False, *, keepdims: bool = False):
    """The (weighted) mean of ``a`` over ``axis``.

    ``weights`` has ``a``'s shape, or the shape of ``a`` along ``axis``. With
    ``returned``, also gives the sum of the weights (broadcast to the result's
    shape). Weights summing to zero give inf/NaN (NumPy raises ZeroDivisionError,
    which would need the values).
    """
    check_bool("average", returned, "returned")
    _core.check_category("average", a, "numeric")
    _check_keepdims("average", keepdims)
    s = a._device._s
    if weights is None:
        avg = _mean(a, axis=axis, keepdims=keepdims)
        n = _reduced_size(a, _axes("average", a, axis))
        scl = mx.full(avg.shape, n, dtype=avg._dtype._mx, stream=s)
    else:
        w = param_array("average", weights, "weights", a)
        _core.check_category("average", w, "numeric")
        axes = _axes("average", a, axis)
        if w.shape != a.shape:
            if axis is None:
                raise TypeError("average: axis must be given when the shapes of a and weights "
                                "differ")
            if w.shape != tuple(a.shape[i] for i in axes):
                raise ValueError(f"average: weights of shape {w.shape} do not match a's shape "
                                 f"{a.shape} along axis {axis}")
            order = sorted(range(len(axes)), key=lambda k: axes[k])
            shape = [1] * a.ndim
            for i in axes:
                shape[i] = a.shape[i]
            w = _core.new(mx.reshape(mx.transpose(w._array, order, stream=s), shape, stream=s),
                          w._dtype, w._device)
        dt = _d.promote_types(a._dtype, w._dtype, "average")
        if a._dtype not in _FLOATING:
            dt = float_dtype(dt)
        work = _d.float32 if dt in _HALF else dt
        x, wa = (v._array.astype(work._mx, stream=s) for v in (a, w))
        wa = mx.broadcast_to(wa, x.shape, stream=s)
        scl = mx.sum(wa, axis=axes, keepdims=keepdims, stream=s)
        r = mx.sum(x * wa, axis=axes, keepdims=keepdims, stream=s) / scl
        avg = _core.new(r.astype(dt._mx, stream=s), dt, a._device)
        scl = scl.astype(dt._mx, stream=s)
    if returned:
        return avg, _core.new(scl, avg._dtype, avg._device)
    return avg


# --- quantiles ------------------------------------------------------------------------

# method -> (alpha, beta) of Hyndman & Fan's continuous estimators, as NumPy names them.
_CONTINUOUS = {"linear": None, "weibull": (0.0, 0.0), "hazen": (0.5, 0.5),
               "interpolated_inverted_cdf": (0.0, 1.0), "median_unbiased": (1 / 3, 1 / 3),
               "normal_unbiased": (3 / 8, 3 / 8), "midpoint": None}
_DISCRETE = {"lower": mx.floor, "higher": mx.ceil, "nearest": mx.round}
_MEDIAN = object()  # the method of median and nanmedian (not a NumPy method name)


def _q_values(name: str, q, scale: float, dev):
    """``q`` (a number, nested sequence or Array) as an MLX array of fractions in [0, 1]."""
    idt = mx.float64 if dev.type == "cpu" else mx.float32
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
        if isinstance(v, builtins.bool) or not isinstance(v, (int, float)):
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
    return (qa / scale if scale != 1 else qa), None, None


def _lerp(a, b, t):
    # NumPy's _lerp, for the same rounding: a + (b - a) t, or b - (b - a)(1 - t) from t = 1/2.
    d = b - a
    return mx.where(t >= 0.5, b - d * (1 - t), a + d * t)


def _quantile(name: str, a, q, axis, method, keepdims, skip_nan: bool, scale: float) -> Array:
    _core.check_category(name, a, "real-valued")
    _check_keepdims(name, keepdims)
    if method not in _CONTINUOUS and method not in _DISCRETE and method != _MEDIAN:
        raise ValueError(f"{name}: method {method!r} is not supported; use one of "
                         f"{', '.join(sorted([*_CONTINUOUS, *_DISCRETE]))}")
    dev, s = a._device, a._device._s
    qa, qdt, bad = _q_values(name, q, scale, dev)
    axes = _core.check_axes(name, axis, a.ndim)
    if axes is None or a.ndim == 0:
        axes = tuple(range(a.ndim))
    keep = [i for i in range(a.ndim) if i not in axes]
    batch = [a.shape[i] for i in keep]
    n = math.prod(a.shape[i] for i in axes)
    if n == 0:
        raise ValueError(f"{name}: cannot take a quantile of zero elements (axis={axis!r})")
    x = mx.reshape(mx.transpose(a._array, keep + list(axes), stream=s), (*batch, n), stream=s)
    discrete = method in _DISCRETE
    out_dt = a._dtype if discrete else float_dtype(a._dtype)
    if qdt is not None and not discrete:
        out_dt = _d.promote_types(out_dt, float_dtype(qdt), name)
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
    kept = [1 if i in axes else d for i, d in enumerate(a.shape)] if keepdims else batch
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


# --- covariance -----------------------------------------------------------------------

def _variables(name: str, m, y, rowvar: bool, dtype):
    """``(X, dtype)``: the observations as an MLX matrix (variables x observations)."""
    check_bool(name, rowvar, "rowvar")
    parts = []
    for v, n in ((m, "m"), (y, "y")):
        if v is None:
            continue
        _core.check_category(name, v, "numeric")
        if v.ndim > 2:
            raise ValueError(f"{name}: {n} must have at most two dimensions, got {v.shape}")
        parts.append(v)
    dt = parts[0]._dtype
    for v in parts[1:]:
        if v._device != parts[0]._device:
            raise ValueError(f"{name}: m and y are on different devices")
        dt = _d.promote_types(dt, v._dtype, name)
    dt = float_dtype(dt)
    if dtype is not None:
        want = _d.as_dtype(dtype)
        if want is None or want not in _FLOATING:
            raise TypeError(f"{name}: dtype must be a floating-point dtype, got {dtype!r}")
        dt = want
    s = parts[0]._device._s
    work = _d.float32 if dt in _HALF else dt
    mats = []
    for v in parts:
        x = v._array.astype(work._mx, stream=s)
        x = mx.reshape(x, (1, -1), stream=s) if x.ndim < 2 else x
        if not rowvar and v.ndim == 2:
            x = mx.transpose(x, stream=s)
        mats.append(x)
    if len(mats) == 2 and mats[0].shape[1] != mats[1].shape[1]:
        raise ValueError(f"{name}: m and y have different numbers of observations")
    return mx.concatenate(mats, axis=0, stream=s), dt, work, parts[0]._device


def cov(m: Array, y: Array | None = None, rowvar: bool = True, bias: bool = False,
        ddof: int | None = None, fweights=None, aweights=None, *, dtype=None) -> Array:
    """The covariance matrix of the variables in ``m`` (rows, or columns with ``rowvar=False``).

    ``y`` adds variables. The divisor is ``N - ddof`` (``ddof`` defaults to 1, or
    0 with ``bias``), weighted as NumPy with ``fweights`` (integer repeat counts)
    and ``aweights``. One variable gives a 0-d result. Float32 unless an input is
    float64 or complex64 (NumPy: float64 always).
    """
    check_bool("cov", bias, "bias")
    if ddof is not None and (isinstance(ddof, builtins.bool) or not isinstance(ddof, int)):
        raise TypeError(f"cov: ddof must be an int, got {type(ddof).__name__}")
    if ddof is None:
        ddof = 0 if bias else 1
    x, dt, work, dev = _variables("cov", m, y, rowvar, dtype)
    s = dev._s
    nobs = x.shape[1]
    w = None
    for wv, n in ((fweights, "fweights"), (aweights, "aweights")):
        if wv is None:
            continue
        wa = param_array("cov", wv, n, m)
        if n == "fweights" and wa._dtype not in _CAT["integer"]:
            raise TypeError("cov: fweights must be integers")
        if wa.shape != (nobs,):
            raise ValueError(f"cov: {n} must have shape ({nobs},), got {wa.shape}")
        wa = wa._array.astype(work._mx, stream=s)
        w = wa if w is None else w * wa
    if w is None:
        mean = mx.mean(x, axis=1, keepdims=True, stream=s)
        fact = mx.array(nobs - ddof, dtype=work._mx)
    else:
        wsum = mx.sum(w, stream=s)
        mean = mx.sum(x * w, axis=1, keepdims=True, stream=s) / wsum
        if aweights is None:
            fact = wsum - ddof
        else:
            aw = param_array("cov", aweights, "aweights", m)._array.astype(work._mx, stream=s)
            fact = wsum - ddof * mx.sum(w * aw, stream=s) / wsum
    xc = x - mean
    xw = xc if w is None else xc * w
    c = mx.matmul(xw, mx.conj(mx.transpose(xc, stream=s), stream=s), stream=s)
    # As NumPy: a non-positive divisor gives inf/NaN (NumPy also warns).
    c = c / mx.where(fact > 0, fact, 0, stream=s)
    if c.shape == (1, 1):
        c = mx.reshape(c, (), stream=s)
    return _core.new(c.astype(dt._mx, stream=s), dt, dev)


def corrcoef(x: Array, y: Array | None = None, rowvar: bool = True, *, dtype=None) -> Array:
    """Pearson correlation coefficients of the variables (see :func:`cov`), clipped to [-1, 1]."""
    c = cov(x, y, rowvar, dtype=dtype)
    s = c._device._s
    a = c._array
    if a.ndim == 0:
        return _core.new(a / a, c._dtype, c._device)
    d = mx.sqrt(mx.real(mx.diagonal(a, stream=s)) if c._dtype is _d.complex64
                else mx.diagonal(a, stream=s), stream=s)
    r = a / d[:, None] / d[None, :]
    if c._dtype is _d.complex64:
        r = mx.clip(mx.real(r), -1, 1) + 1j * mx.clip(mx.imag(r), -1, 1)
    else:
        r = mx.clip(r, -1, 1)
    return _core.new(r.astype(c._dtype._mx, stream=s), c._dtype, c._device)
