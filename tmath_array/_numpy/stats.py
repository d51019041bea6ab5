"""NumPy-only statistics: ptp, average, the nan* reductions, cov, corrcoef.

NumPy semantics, lazy (no sync point), with the dtype rule of ``numeric``:
integer input gives float32 where NumPy gives float64. Quantiles are in
``quantiles``. See docs/numpy_math.md.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._standard.statistical import _axes, _check_keepdims, _reduced_size
from .._standard.statistical import max as _max
from .._standard.statistical import mean as _mean
from .._standard.statistical import min as _min
from .._standard.statistical import sum as _sum
from .numeric import as_float, check_bool, float_dtype, no_out, param_array

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_FLOATING = _CAT["floating-point"]
_HALF = (_d.float16, _d.bfloat16)


def _real_of(dt):
    return _d.float32 if dt is _d.complex64 else dt


def ptp(a: Array, axis: int | tuple[int, ...] | None = None, out: None = None,
        keepdims: bool = False) -> Array:
    """``max - min`` over ``axis``, in ``a``'s dtype (integers wrap, as in NumPy)."""
    no_out("ptp", out)
    a = _convert.array("ptp", a)
    hi = _max(a, axis=axis, keepdims=keepdims)
    lo = _min(a, axis=axis, keepdims=keepdims)
    return _core.new(mx.subtract(hi._array, lo._array, stream=a._device._s), a._dtype, a._device)


# --- NaN-ignoring reductions --------------------------------------------------------

def _nan_parts(name: str, a, axis, keepdims, dtype=None):
    """``(x, valid, axes, out dtype, work dtype, complex x)`` for a NaN-ignoring float
    reduction; ``complex x`` is the complex input where a real ``dtype`` was asked for
    (else None), ``x`` then its real part."""
    x, dt = as_float(name, a, "numeric")
    keepdims = _check_keepdims(name, keepdims)
    if dtype is not None:
        want = _d.as_dtype(dtype)
        if want is None or want not in _FLOATING:
            raise TypeError(f"{name}: dtype must be a floating-point dtype, got {dtype!r}")
        dt = want
        # Note: the input converted once, from its own values (int64 to float64 through
        # float32 lost digits: 3017634044306474 became 3017634090057728).
        x = a._array
    work = _d.float32 if dt in _HALF else dt
    s = a._device._s
    # (As NumPy: a complex value is NaN when either part is, and leaves the reduction.)
    valid = mx.logical_not(mx.isnan(x, stream=s), stream=s)
    cx = x if a._dtype is _d.complex64 and work is not _d.complex64 else None
    if x.dtype != work._mx:
        x = x.astype(work._mx, stream=s)
    return x, valid, _axes(name, a, axis), dt, work, cx


def _nan_mean(x, valid, axes, keepdims, s):
    cnt = mx.sum(valid, axis=axes, keepdims=keepdims, stream=s).astype(x.dtype, stream=s)
    tot = mx.sum(mx.where(valid, x, 0, stream=s), axis=axes, keepdims=keepdims, stream=s)
    return tot / cnt, cnt


def nansum(a: Array, axis: int | tuple[int, ...] | None = None, dtype=None, out: None = None,
           keepdims: bool = False) -> Array:
    """The sum over ``axis`` treating NaN as zero; dtype rules as ``xp.sum``
    (int8/int16 accumulate in int32 where NumPy uses int64)."""
    no_out("nansum", out)
    a = _core.check_category("nansum", _convert.array("nansum", a), "numeric")
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
    a = _convert.array("nanmean", a)
    if a._dtype not in _FLOATING and dtype is None:
        return _mean(a, axis=axis, keepdims=keepdims)
    x, valid, axes, dt, _, _ = _nan_parts("nanmean", a, axis, keepdims, dtype)
    r, _ = _nan_mean(x, valid, axes, keepdims, a._device._s)
    return _core.new(r.astype(dt._mx, stream=a._device._s), dt, a._device)


def _nan_extremum(name: str, reduce, fill: float, a, axis, out, keepdims) -> Array:
    no_out(name, out)
    a = _core.check_category(name, _convert.array(name, a), "real-valued")
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
    a = _convert.array(name, a)
    # (Types before values: ddof != 0 of a tensor would ask for an ambiguous truth.)
    for v, n in ((ddof, "ddof"), (correction, "correction")):
        if v is not None:
            _args.check_real(name, v, n)
    if ddof is None:
        raise TypeError(f"{name}: ddof must be a real number, got NoneType")
    if correction is not None:
        if ddof != 0:
            raise ValueError(f"{name}: give ddof or correction, not both")
        ddof = correction
    ddof = _args.check_real(name, ddof, "ddof")
    x, valid, axes, dt, work, cx = _nan_parts(name, a, axis, keepdims, dtype)
    s = a._device._s
    m, _ = _nan_mean(x, valid, axes, True, s)
    if cx is not None:
        # Note: complex input with a real dtype, as NumPy: the mean of the real parts, the
        # deviations keep their imaginary parts (8+inf j has an infinite variance).
        d = mx.where(valid, cx - m.astype(cx.dtype, stream=s), 0, stream=s)
        sq = mx.real(d * mx.conj(d), stream=s).astype(work._mx, stream=s)
    else:
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
    a = _core.check_category("average", _convert.array("average", a), "numeric")
    keepdims = _check_keepdims("average", keepdims)
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
            if axes is None or w.shape != tuple(a.shape[i] for i in axes):  # (None: 0-d a)
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


# --- covariance -----------------------------------------------------------------------

def _variables(name: str, m, y, rowvar: bool, dtype):
    """``(X, dtype)``: the observations as an MLX matrix (variables x observations)."""
    check_bool(name, rowvar, "rowvar")
    parts = []
    for v, n in ((m, "m"), (y, "y")):
        if v is None and n == "y":
            continue
        v = _core.check_category(name, _convert.array(name, v), "numeric")
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
    m = _convert.array("cov", m)
    check_bool("cov", bias, "bias")
    ddof = _args.check_optional_int("cov", ddof, "ddof")
    if ddof is None:
        ddof = 0 if bias else 1
    ddof = float(ddof)  # (a Python int past 64 bits would reach MLX as a C++ bad_cast)
    if isinstance(m, _core.Array) and m.ndim == 2 and 0 in m.shape:
        _, dt, _, dev = _variables("cov", m, None, rowvar, dtype)
        if m.shape[0 if rowvar else 1] == 0:
            # As NumPy: no variables in m give a (0, 0) result, whatever y holds.
            return _core.new(mx.zeros((0, 0), dtype=dt._mx), dt, dev)
    x, dt, work, dev = _variables("cov", m, y, rowvar, dtype)
    s = dev._s
    if not x.size:  # (no observations: a transposed empty array hangs MLX's mean)
        x = _core.fresh_empty(x, s)
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
    x = _convert.array("corrcoef", x)
    half = None
    if dtype is None and x._dtype in (_d.float16, _d.bfloat16) and (
            y is None or _convert.array("corrcoef", y)._dtype in (_d.float16, _d.bfloat16)):
        # (half precision computed in float32 and rounded once: the variance of values
        # near 6e-8 underflowed float16 to 0, and the coefficient was NaN; NumPy: float64)
        half = x._dtype
    if half is not None:
        out = corrcoef(x, y, rowvar, dtype=_d.float32)
        return _core.new(out._array.astype(half._mx, stream=out._device._s), half,
                         out._device)
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
