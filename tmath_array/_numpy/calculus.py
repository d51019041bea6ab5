"""NumPy's differences, integrals, convolutions and the cross product.

``gradient``, ``trapezoid``, ``convolve``, ``correlate`` and ``cross`` with NumPy's
signatures and values, all lazy (their output shapes follow from the input shapes).
Integer input gives float32 where NumPy gives float64, as elsewhere in the package.
See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import warnings
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import CPU, default_float
from .._interop import convert as _convert
from .._standard.data_types import astype, result_type
from .._standard.elementwise import conj, logical_or
from .._standard.manipulation import (
    broadcast_arrays,
    broadcast_to,
    concat,
    moveaxis,
    reshape,
    stack,
)
from .._standard.statistical import sum as _sum

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_INEXACT = _CAT["floating-point"]


def _inexact(name: str, x: Array) -> Array:
    """``x`` as a float or complex array: integers become the default float (NumPy: float64)."""
    if x._dtype is _d.bool:
        raise TypeError(f"{name}: boolean input is not supported (NumPy's subtract refuses "
                        "booleans); cast it with astype")
    if x._dtype not in _INEXACT:
        return astype(x, default_float(x.device))
    return x


def _sl(ndim: int, ax: int, s: slice) -> tuple:
    return (slice(None),) * ax + (s,)


# --- gradient ---------------------------------------------------------------------------

def gradient(f, *varargs, axis=None, edge_order: int = 1):
    """The gradient of ``f`` by central differences inside and one-sided ones (first or
    second order) at the edges, as NumPy's gradient.

    ``varargs`` are the spacings: none (1.0), one scalar for every axis, or one per
    axis, each a scalar or the coordinates along that axis (a 1-d array of its length).
    Returns one array for one axis, else a tuple of arrays (one per axis).

    Note: coordinates are always treated as possibly uneven (NumPy takes a shortcut for
    evenly spaced ones): the values agree to rounding.
    """
    y0 = _convert.array("gradient", f)
    y = _inexact("gradient", y0)
    # Note: wide integers are differenced in float64 on the CPU (NumPy's precision), and
    # the result rounded to float32.
    wide = y0._dtype in (_d.int32, _d.int64, _d.uint32, _d.uint64) and y0.device == CPU
    if wide:
        y = astype(y0, _d.float64)
    n = y.ndim
    if n == 0:
        raise ValueError("gradient: f must have at least one dimension")
    if axis is None:
        axes = tuple(range(n))
    else:
        axes = _core.check_axes("gradient", axis if isinstance(axis, tuple) else
                                tuple(axis) if isinstance(axis, list) else axis, n)
    if not _args.is_int(edge_order):  # (before a comparison asks a tensor for its truth)
        raise TypeError(f"gradient: edge_order must be 1 or 2, got {type(edge_order).__name__}")
    if edge_order not in (1, 2):
        raise ValueError("gradient: 'edge_order' greater than 2 not supported" if
                         edge_order > 2 else f"gradient: edge_order must be 1 or 2, got "
                         f"{edge_order}")
    nv = len(varargs)
    if nv == 0:
        spacing = [1.0] * len(axes)
    elif nv == 1 and _scalar_spacing(varargs[0]):
        spacing = list(varargs) * len(axes)
    elif nv == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError("gradient: invalid number of arguments")
    out = []
    for ax, h in zip(axes, spacing):
        m = y.shape[ax]
        if m < edge_order + 1:
            raise ValueError("gradient: shape of array too small to calculate a numerical "
                             "gradient, at least (edge_order + 1) elements are required")
        if _scalar_spacing(h):
            out.append(_gradient_uniform(y, ax, h, edge_order))
        else:
            xs = _convert.array("gradient", h)
            if xs.ndim != 1:
                raise ValueError("gradient: distances must be either scalars or 1d")
            if xs.shape[0] != m:
                raise ValueError("gradient: when 1d, distances must match the length of the "
                                 "corresponding dimension")
            out.append(_gradient_coords(y, ax, xs, edge_order))
    if wide:
        out = [astype(o, default_float(o.device)) for o in out]
    return out[0] if len(out) == 1 else tuple(out)


def _scalar_spacing(h) -> bool:
    if isinstance(h, _core.Array):
        return h.ndim == 0
    return isinstance(h, (int, float, complex)) and not isinstance(h, builtins.bool) \
        or getattr(h, "ndim", None) == 0


def _gradient_uniform(y: Array, ax: int, h, edge_order: int) -> Array:
    n = y.ndim
    if isinstance(h, _core.Array) or getattr(h, "ndim", None) == 0:
        h = _convert.array("gradient", h)
        if h._dtype not in _INEXACT:
            h = astype(h, y._dtype)
    else:
        h = float(h) if not isinstance(h, complex) else h

    def s(a, b=None):
        return y[_sl(n, ax, slice(a, b))]

    inner = (s(2) - s(None, -2)) / (2.0 * h)
    if edge_order == 1:
        first = (s(1, 2) - s(0, 1)) / h
        last = (s(-1) - s(-2, -1)) / h
    else:
        first = (-1.5 * s(0, 1) + 2.0 * s(1, 2) - 0.5 * s(2, 3)) / h
        last = (0.5 * s(-3, -2) - 2.0 * s(-2, -1) + 1.5 * s(-1)) / h
    return astype(concat([first, inner, last], axis=ax), y._dtype)


def _gradient_coords(y: Array, ax: int, xs: Array, edge_order: int) -> Array:
    n = y.ndim
    if xs._dtype not in _INEXACT:
        xs = astype(xs, _d.float32 if y._dtype in (_d.float16, _d.bfloat16, _d.complex64)
                    else y._dtype)
    d = xs[1:] - xs[:-1]
    shape = [1] * n
    shape[ax] = -1

    def c(v):
        return reshape(v, tuple(shape))

    def s(a, b=None):
        return y[_sl(n, ax, slice(a, b))]

    dx1, dx2 = d[:-1], d[1:]
    a = -dx2 / (dx1 * (dx1 + dx2))
    b = (dx2 - dx1) / (dx1 * dx2)
    cc = dx1 / (dx2 * (dx1 + dx2))
    inner = c(a) * s(None, -2) + c(b) * s(1, -1) + c(cc) * s(2)
    if edge_order == 1:
        first = (s(1, 2) - s(0, 1)) / c(d[:1])
        last = (s(-1) - s(-2, -1)) / c(d[-1:])
    else:
        p1, p2 = d[0:1], d[1:2]
        a = -(2.0 * p1 + p2) / (p1 * (p1 + p2))
        b = (p1 + p2) / (p1 * p2)
        cc = -p1 / (p2 * (p1 + p2))
        first = c(a) * s(0, 1) + c(b) * s(1, 2) + c(cc) * s(2, 3)
        q1, q2 = d[-2:-1], d[-1:]
        a = q2 / (q1 * (q1 + q2))
        b = -(q2 + q1) / (q1 * q2)
        cc = (2.0 * q2 + q1) / (q2 * (q1 + q2))
        last = c(a) * s(-3, -2) + c(b) * s(-2, -1) + c(cc) * s(-1)
    return astype(concat([first, inner, last], axis=ax), y._dtype)


# --- trapezoid --------------------------------------------------------------------------

def trapezoid(y, x=None, dx=1.0, axis: int = -1) -> Array:
    """The integral of ``y`` along ``axis`` by the trapezoidal rule, over the sample
    points ``x`` (1-d of the axis' length, or of ``y``'s shape) or with spacing ``dx``.
    Integer input gives float32 (NumPy: float64)."""
    ya = _convert.array("trapezoid", y)
    if ya.ndim == 0:
        raise IndexError("trapezoid: axis -1 is out of bounds for array of dimension 0")
    ax = _core.check_axis("trapezoid", axis, ya.ndim)
    n = ya.ndim
    # NumPy's order of operations and dtypes: d * (y[1:] + y[:-1]) / 2.0, so integer
    # sums and products wrap as NumPy's do; the division gives a float.
    if x is None:
        if isinstance(dx, (int, float, complex)) and not isinstance(dx, builtins.bool):
            d = dx
        else:
            d = _convert.array("trapezoid", dx)
    else:
        xa = _convert.array("trapezoid", x)
        if xa.ndim == 1:
            if xa.shape[0] != ya.shape[ax]:
                raise ValueError(f"trapezoid: x of length {xa.shape[0]} does not match the "
                                 f"axis of length {ya.shape[ax]}")
            d = _diff(xa, 0)
            shape = [1] * n
            shape[ax] = d.shape[0]
            d = reshape(d, tuple(shape))
        else:
            d = _diff(xa, _core.check_axis("trapezoid", axis, xa.ndim))
    lo = ya[_sl(n, ax, slice(None, -1))]
    hi = ya[_sl(n, ax, slice(1, None))]
    if ya._dtype is _d.bool:
        pair = astype(logical_or(lo, hi), _d.int32)  # NumPy adds booleans with "or"
    else:
        pair = lo + hi
    target = None
    if pair._dtype not in _INEXACT and pair.device.type == "cpu" and not (
            isinstance(d, _core.Array) and d._dtype in _INEXACT):
        # (integer sums times a float: computed in float64 as NumPy, then the documented
        # default float; in float32 the sums of large integers cancelled to noise)
        target = default_float(pair.device)
        pair = astype(pair, _d.float64)
    try:
        prod = d * pair
    except ValueError as exc:
        raise ValueError(f"trapezoid: {exc}") from None
    if isinstance(prod, _core.Array) and prod._dtype not in _INEXACT:
        prod = astype(prod, default_float(prod.device))
    # NumPy sums the broadcast product along ``axis`` (an N-d x can add dimensions).
    out = _sum(prod / 2.0, axis=_core.check_axis("trapezoid", axis, prod.ndim))
    return astype(out, target) if target is not None and out._dtype is not target else out


def _diff(x: Array, ax: int) -> Array:
    """``x[1:] - x[:-1]`` along ``ax`` (booleans: NumPy's subtract refuses them)."""
    if x._dtype is _d.bool:
        raise TypeError("trapezoid: boolean sample points are not supported (NumPy's "
                        "subtract refuses booleans)")
    return x[_sl(x.ndim, ax, slice(1, None))] - x[_sl(x.ndim, ax, slice(None, -1))]


# --- convolve, correlate ----------------------------------------------------------------

# Operands whose shorter side is at most this long are convolved as a sum of shifted
# products (exact, one operation per element of the shorter side); longer float32/16
# ones by MLX's convolution.
_DIRECT = 128


def _conv_full(a: Array, v: Array) -> Array:
    """The full discrete convolution of two non-empty 1-d arrays of one dtype."""
    dt, dev = a._dtype, a._device
    s = dev._s
    if dt is _d.complex64:
        ar, ai = mx.real(a._array, stream=s), mx.imag(a._array, stream=s)
        vr, vi = mx.real(v._array, stream=s), mx.imag(v._array, stream=s)

        def cv(p, q):
            return _real_full(p, q, _d.float32, s)
        re = cv(ar, vr) - cv(ai, vi)
        im = cv(ar, vi) + cv(ai, vr)
        return _core.new(re + 1j * im.astype(mx.complex64, stream=s), dt, dev)
    if dt is _d.bool:
        out = _real_full(a._array.astype(mx.int32, stream=s),
                         v._array.astype(mx.int32, stream=s), _d.int32, s)
        return _core.new(out != 0, dt, dev)
    return _core.new(_real_full(a._array, v._array, dt, s), dt, dev)


def _real_full(p: mx.array, q: mx.array, dt, s) -> mx.array:
    n, m = p.shape[0], q.shape[0]
    if dt in (_d.float32, _d.float16, _d.bfloat16) and builtins.min(n, m) > _DIRECT:
        return _mlx_convolve(p, q, s)
    # Note: MLX's convolution takes floating point only, computes float64 in float32
    # precision, and multiplies its zero padding by the other operand (inf * 0 = NaN where
    # NumPy has no such product). Integers, float64 and short operands are summed as
    # shifted products: exact, and NaN/inf exactly where NumPy has them.
    x, k = (p, q) if n >= m else (q, p)
    m = k.shape[0]
    out = None
    for j in range(m):
        term = mx.pad(x * k[j], [(j, m - 1 - j)], stream=s)
        out = term if out is None else out + term
    return out


def _mlx_convolve(p: mx.array, q: mx.array, s) -> mx.array:
    """MLX's convolution of the finite parts, with NumPy's inf/NaN where a real product
    of a non-finite value occurs (counted by convolving 0/1 indicators, which are finite)."""
    def cv(x, y):
        return mx.convolve(x, y, mode="full", stream=s)

    def ind(mask):
        return mask.astype(mx.float32, stream=s)

    fp, fq = mx.isfinite(p, stream=s), mx.isfinite(q, stream=s)
    base = cv(mx.where(fp, p, 0, stream=s), mx.where(fq, q, 0, stream=s))
    classes = []
    for x, f in ((p, fp), (q, fq)):
        classes.append({"nan": mx.isnan(x, stream=s), "pinf": x == float("inf"),
                        "ninf": x == float("-inf"), "zero": x == 0,
                        "pos": mx.logical_and(x > 0, f, stream=s),
                        "neg": mx.logical_and(x < 0, f, stream=s),
                        "one": mx.ones(x.shape, dtype=mx.bool_)})
    cp, cq = classes

    def count(pairs):
        total = None
        for i, j in pairs:
            c = cv(ind(cp[i]), ind(cq[j]))
            total = c if total is None else total + c
        return total > 0

    inf_p = mx.logical_or(cp["pinf"], cp["ninf"], stream=s)
    inf_q = mx.logical_or(cq["pinf"], cq["ninf"], stream=s)
    cp["inf"], cq["inf"] = inf_p, inf_q
    cp["pos+"] = mx.logical_or(cp["pos"], cp["pinf"], stream=s)
    cp["neg+"] = mx.logical_or(cp["neg"], cp["ninf"], stream=s)
    cq["pos+"] = mx.logical_or(cq["pos"], cq["pinf"], stream=s)
    cq["neg+"] = mx.logical_or(cq["neg"], cq["ninf"], stream=s)
    nan = count([("nan", "one"), ("one", "nan"), ("inf", "zero"), ("zero", "inf")])
    pinf = count([("pinf", "pos+"), ("ninf", "neg+"), ("pos", "pinf"), ("neg", "ninf")])
    ninf = count([("pinf", "neg+"), ("ninf", "pos+"), ("pos", "ninf"), ("neg", "pinf")])
    out = mx.where(pinf, float("inf"), base, stream=s)
    out = mx.where(ninf, float("-inf"), out, stream=s)
    bad = mx.logical_or(nan, mx.logical_and(pinf, ninf, stream=s), stream=s)
    return mx.where(bad, float("nan"), out, stream=s).astype(p.dtype, stream=s)


def _conv(name: str, a, v, mode: str) -> Array:
    aa, va = _convert.array(name, a), _convert.array(name, v)
    if aa.ndim > 1 or va.ndim > 1:
        raise ValueError(f"{name}: object too deep for desired array (1-d inputs only)")
    aa, va = reshape(aa, (-1,)), reshape(va, (-1,))
    if aa.shape[0] == 0:
        raise ValueError(f"{name}: a cannot be empty")
    if va.shape[0] == 0:
        raise ValueError(f"{name}: v cannot be empty")
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"{name}: mode must be one of 'full', 'same' or 'valid', got {mode!r}")
    dt = result_type(aa, va)
    aa, va = astype(aa, dt), astype(va, dt)
    return aa, va


def _mode_slice(full: Array, n: int, m: int, mode: str) -> Array:
    lo, hi = builtins.max(n, m), builtins.min(n, m)
    if mode == "full":
        return full
    if mode == "same":
        start = (hi - 1) // 2
        return full[start:start + lo]
    return full[hi - 1:lo]


def convolve(a, v, mode: str = "full") -> Array:
    """The discrete linear convolution of two 1-d sequences, as NumPy's convolve.

    ``mode`` 'full' (length ``N + M - 1``), 'same' (``max(M, N)``) or 'valid'
    (``max(M, N) - min(M, N) + 1``)."""
    aa, va = _conv("convolve", a, v, mode)
    return _mode_slice(_conv_full(aa, va), aa.shape[0], va.shape[0], mode)


def correlate(a, v, mode: str = "valid") -> Array:
    """The cross-correlation of two 1-d sequences, ``c[k] = sum_n a[n + k] * conj(v[n])``,
    as NumPy's correlate (default mode 'valid')."""
    aa, va = _conv("correlate", a, v, mode)
    n, m = aa.shape[0], va.shape[0]
    if n >= m:
        rv = va[::-1]
        if rv._dtype is _d.complex64:
            rv = conj(rv)
        return _mode_slice(_conv_full(aa, rv), n, m, mode)
    # NumPy correlates the longer with the shorter and reverses (and conjugates) the result.
    ra = aa[::-1]
    if ra._dtype is _d.complex64:
        ra = conj(ra)
    out = _mode_slice(_conv_full(va, ra), m, n, mode)[::-1]
    return conj(out) if out._dtype is _d.complex64 else out


# --- cross ------------------------------------------------------------------------------

def cross(a, b, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis=None) -> Array:
    """The cross product of vectors of dimension 2 or 3 along the given axes, as NumPy's.

    ``axis`` (when given) sets ``axisa``, ``axisb`` and ``axisc`` at once. Two 2-d
    vectors give the z component only (NumPy 2 deprecates them, with a
    DeprecationWarning, as here).
    """
    x, y = _convert.array("cross", a), _convert.array("cross", b)
    for v in (x, y):
        if v._dtype is _d.bool:
            raise TypeError("cross: boolean input is not supported (NumPy's subtract "
                            "refuses booleans)")
        if v.ndim == 0:
            raise ValueError("cross: inputs must have at least one dimension")
    if axis is not None:
        axisa = axisb = axisc = axis
    ax_a = _core.check_axis("cross", axisa, x.ndim)
    ax_b = _core.check_axis("cross", axisb, y.ndim)
    x, y = moveaxis(x, ax_a, -1), moveaxis(y, ax_b, -1)
    na, nb = x.shape[-1], y.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("cross: incompatible dimensions for cross product "
                         "(dimension must be 2 or 3)")
    if na == 2 or nb == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of "
                      "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
                      DeprecationWarning, stacklevel=2)
    dt = result_type(x, y)
    x, y = astype(x, dt), astype(y, dt)
    try:
        lead = broadcast_arrays(x[..., 0], y[..., 0])[0].shape
    except ValueError as exc:
        raise ValueError(f"cross: {exc}") from None
    a0, a1 = x[..., 0], x[..., 1]
    b0, b1 = y[..., 0], y[..., 1]
    if na == 2 and nb == 2:
        return reshape(a0 * b1 - a1 * b0, lead)
    a2 = x[..., 2] if na == 3 else None
    b2 = y[..., 2] if nb == 3 else None
    if na == 3 and nb == 3:
        c = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    elif na == 2:
        c = [a1 * b2, -(a0 * b2), a0 * b1 - a1 * b0]
    else:
        c = [-(a2 * b1), a2 * b0, a0 * b1 - a1 * b0]
    c = [broadcast_to(v, lead) for v in c]
    out = stack(c, axis=-1)
    axc = _core.check_axis("cross", axisc, out.ndim)
    return moveaxis(out, -1, axc)


__all__ = ["convolve", "correlate", "cross", "gradient", "trapezoid"]
