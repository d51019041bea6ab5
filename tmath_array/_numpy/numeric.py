"""NumPy-only math functions: elementwise extras, closeness tests, interp.

These names are not in the standard; they follow NumPy's semantics (as
``jax.numpy`` does) and stay lazy. Dtype rule, shared with ``stats``
``products`` and ``counting``: where NumPy turns integers into its default float
(float64), they give ours, float32; float64 input stays float64 (CPU only);
results NumPy gives as its default integer (int64) are int32 here. See
docs/numpy_math.md.

Arguments NumPy has but these functions cannot honour (``out=``, ...) raise
ValueError or TypeError saying so; none is silently ignored.
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
from .._array.devices import default_float
from .._interop import convert as _convert
from .._standard.elementwise import copysign, remainder, sin
from .._standard.elementwise_special import _complex as complex_from_parts

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_NUMERIC = _CAT["numeric"]
_REAL = _CAT["real-valued"]
_INTEGER = _CAT["integer"]
_FLOATING = _CAT["floating-point"]
_HALF = (_d.float16, _d.bfloat16)
_INTEGER_OR_BOOL = _CAT["integer or boolean"]


# --- shared helpers (also used by stats and counting) -------------------

def no_out(name: str, out) -> None:
    """ValueError for NumPy's ``out=`` argument, which has no meaning here."""
    if out is not None:
        raise ValueError(f"{name}: out= is not supported (tmath_array functions return a new "
                         "array; assign the result instead)")


def float_dtype(dt):
    """The floating dtype a NumPy function computes ``dt`` in: integers and bool give the
    default real floating dtype."""
    return dt if dt in _FLOATING else default_float()


# NumPy's ufuncs give integer input the smallest float that holds it: float16 for bool and
# 8-bit integers, float32 for 16-bit ones; wider integers give NumPy's default float
# (float64), here ours (float32; float64 on the CPU under the "numpy" default dtypes).
_UFUNC_FLOAT = {_d.bool: _d.float16, _d.int8: _d.float16, _d.uint8: _d.float16,
                _d.int16: _d.float32, _d.uint16: _d.float32}


def ufunc_float_dtype(dt):
    """The float dtype a NumPy ufunc (``rad2deg``, ``arcsinh``...) gives for ``dt`` input."""
    return dt if dt in _FLOATING else _UFUNC_FLOAT.get(dt) or default_float()


def ufunc_inexact(x):
    """An integer or bool Array as the float a NumPy ufunc computes it in; else unchanged.

    Each operand is cast on its own, as NumPy's loop selection does: ``arctan2`` of int8
    and uint8 is float16 (both fit it), of int8 and int16 float32.
    """
    if isinstance(x, _core.Array) and x._dtype in _INTEGER_OR_BOOL:
        dt = ufunc_float_dtype(x._dtype)
        return _core.new(x._array.astype(dt._mx, stream=x._device._s), dt, x._device)
    return x


def as_float(name: str, x, category: str = "real-valued", ufunc: bool = False):
    """Validate ``x`` (an Array of ``category`` or bool): its MLX array cast to its float dtype.

    ``ufunc``: the dtype of NumPy's ufuncs (:func:`ufunc_float_dtype`), else that of its
    reductions (:func:`float_dtype`).
    """
    _core.check_array(name, x)
    if x._dtype is not _d.bool and x._dtype not in _CAT[category]:
        _core.bad_dtype(name, f"{category} or boolean", x._dtype)
    dt = ufunc_float_dtype(x._dtype) if ufunc else float_dtype(x._dtype)
    a = x._array if dt is x._dtype else x._array.astype(dt._mx, stream=x._device._s)
    return a, dt


def param_array(name: str, v, argname: str, like=None):
    """An Array argument that NumPy code often passes as a Python list or scalar.

    Arrays pass through; Python scalars, (nested) sequences of numbers and NumPy
    arrays become arrays on ``like``'s device. Anything else is a TypeError.
    """
    if isinstance(v, _core.Array):
        if like is not None and v._device != like._device:
            raise ValueError(f"{name}: {argname} is on {v._device}, the data on {like._device}")
        return v
    if _core.scalar_rank(v) is not None or isinstance(v, (np.ndarray, np.generic)) or (
            isinstance(v, Sequence) and not isinstance(v, str)):
        return _convert.to_array(v, device=None if like is None else like._device, name=name)
    raise TypeError(f"{name}: {argname} must be an array, a Python number or a sequence of "
                    f"numbers, got {type(v).__name__}")


def prep_broadcast(name: str, x1, x2, allowed, category: str):
    """:func:`_core.prep_binary` for a function that computes with several MLX ops: the
    shapes are checked to broadcast first, so a mismatch is the standard's ValueError
    naming ``name`` (not MLX's ``[broadcast_shapes]`` from whichever op meets it first).
    Array-likes are converted (Python scalars stay weak unless both are scalars).
    """
    x1, x2 = _convert.operand(name, x1), _convert.operand(name, x2)
    if not isinstance(x1, _core.Array) and not isinstance(x2, _core.Array):
        x1 = _convert.array(name, x1)  # (two Python scalars, as NumPy: the first an array)
    a1, a2, dt, dev = _core.prep_binary(name, x1, x2, allowed, category)
    if isinstance(a1, mx.array) and isinstance(a2, mx.array) and a1.shape != a2.shape:
        try:
            mx.broadcast_shapes(a1.shape, a2.shape)
        except ValueError as exc:
            raise (_core.broadcast_failure(name, exc, a1, a2) or exc) from None
    return a1, a2, dt, dev


check_real_number = _args.check_real
check_bool = _args.check_bool


# --- elementwise ----------------------------------------------------------------------

def _unary_float(name: str, impl, doc: str):
    """A unary NumPy ufunc of real input; integers and bool give NumPy's small floats."""
    def fn(x: Array, /) -> Array:
        x = _convert.array(name, x)
        a, dt = as_float(name, x, ufunc=True)
        if dt in _HALF:
            # Note: as NumPy's half-precision loops, computed in float32 and rounded once.
            out = impl(a.astype(mx.float32, stream=x._device._s), x._device)
            return _core.new(out.astype(dt._mx, stream=x._device._s), dt, x._device)
        return _core.new(impl(a, x._device), dt, x._device)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + ("\n\nBool and 8-bit integer input give float16, 16-bit integers "
                        "float32, wider integers float32 (NumPy: float64).")
    return fn


def _cbrt(a, dev):
    s = dev._s
    p = mx.power(mx.abs(a, stream=s), mx.array(1.0 / 3.0, dtype=a.dtype), stream=s)
    # where(a == 0, a, ...) keeps the sign of -0.0, as NumPy's cbrt does.
    return mx.where(a < 0, -p, mx.where(a == 0, a, p, stream=s), stream=s)


def _sinc(a, dev):
    y = a * mx.array(math.pi, dtype=a.dtype)
    # Note: NumPy replaces 0 by 1e-20 before dividing, which underflows to 0/0 in
    # float16; sinc(0) = 1 is set directly instead. The namespace's sin, not MLX's:
    # it fixes MLX's float64 sin.
    sin_y = sin(_core.wrap(y, dev))._array
    return mx.where(a == 0, mx.array(1, dtype=a.dtype), sin_y / y, stream=dev._s)


fabs = _unary_float("fabs", lambda a, dev: mx.abs(a, stream=dev._s),
                    "The absolute value of real ``x``, as a float (complex input is a TypeError).")
exp2 = _unary_float("exp2", lambda a, dev: mx.power(mx.array(2, dtype=a.dtype), a,
                                                    stream=dev._s),
                    "``2 ** x`` elementwise.")
cbrt = _unary_float("cbrt", _cbrt, "The real cube root of ``x`` (negative for negative ``x``).")
deg2rad = _unary_float("deg2rad", lambda a, dev: mx.radians(a, stream=dev._s),
                       "Degrees to radians.")
radians = _unary_float("radians", lambda a, dev: mx.radians(a, stream=dev._s),
                       "Degrees to radians (the same as :func:`deg2rad`).")
rad2deg = _unary_float("rad2deg", lambda a, dev: mx.degrees(a, stream=dev._s),
                       "Radians to degrees.")
degrees = _unary_float("degrees", lambda a, dev: mx.degrees(a, stream=dev._s),
                       "Radians to degrees (the same as :func:`rad2deg`).")
sinc = _unary_float("sinc", _sinc, "The normalised sinc, ``sin(pi x) / (pi x)``, 1 at 0.")


def fmod(x1: Array | int | float, x2: Array | int | float, /) -> Array:
    """The C remainder of ``x1 / x2``: it has the sign of ``x1`` (:func:`remainder` has ``x2``'s).

    Integer division by zero gives 0 (as :func:`remainder`); a float one NaN.
    """
    a1, a2, dt, dev = prep_broadcast("fmod", x1, x2, _REAL, "real-valued")
    s = dev._s
    a1 = _core.as_mx(a1, dt)
    a2 = _core.as_mx(a2, dt)
    if dt in _INTEGER:
        r = remainder(_core.new(a1, dt, dev), _core.new(a2, dt, dev))._array
        # remainder's result has x2's sign; where it differs from x1's, step back by x2.
        wrong = mx.logical_and(r != 0, (r < 0) != (a1 < 0), stream=s)
        return _core.new(mx.where(wrong, r - a2, r, stream=s), dt, dev)
    # For floats, fmod(x1, x2) = copysign(remainder(|x1|, |x2|), x1): exact, and signed zeros,
    # inf and NaN come out as in C.
    r = remainder(_core.new(mx.abs(a1, stream=s), dt, dev),
                  _core.new(mx.abs(a2, stream=s), dt, dev))
    return copysign(r, _core.new(a1, dt, dev))


def _nan_aware(name: str, mxfn, first: bool):
    def fn(x1: Array | int | float, x2: Array | int | float, /) -> Array:
        a1, a2, dt, dev = prep_broadcast(name, x1, x2, _REAL, "real-valued")
        s = dev._s
        a1 = _core.as_mx(a1, dt)
        a2 = _core.as_mx(a2, dt)
        out = mxfn(a1, a2, stream=s)
        if dt not in _INTEGER:
            # NaN only where both are NaN: otherwise the other operand.
            out = mx.where(mx.isnan(a2, stream=s), a1, mx.where(mx.isnan(a1, stream=s), a2, out))
        return _core.new(out, dt, dev)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"The elementwise {'maximum' if first else 'minimum'} of ``x1`` and ``x2``, "
                  "ignoring NaN (NaN only where both are NaN).")
    return fn


fmax = _nan_aware("fmax", mx.maximum, True)
fmin = _nan_aware("fmin", mx.minimum, False)


def heaviside(x1: Array | int | float, x2: Array | int | float, /) -> Array:
    """The Heaviside step of ``x1``: 0 below 0, 1 above, ``x2`` at 0, NaN for NaN.

    Integer operands give a float as NumPy's ufuncs do (:func:`ufunc_inexact`).
    """
    x1, x2 = _convert.operand("heaviside", x1), _convert.operand("heaviside", x2)
    x1, x2 = ufunc_inexact(x1), ufunc_inexact(x2)
    a1, a2, dt, dev = prep_broadcast("heaviside", x1, x2, _REAL, "real-valued")
    s = dev._s
    dt = float_dtype(dt)
    a1 = _core.as_mx(a1, dt).astype(dt._mx, stream=s)
    a2 = _core.as_mx(a2, dt).astype(dt._mx, stream=s)
    one = mx.array(1, dtype=dt._mx)
    zero = mx.array(0, dtype=dt._mx)
    out = mx.where(a1 < 0, zero, mx.where(a1 > 0, one, a2, stream=s), stream=s)
    return _core.new(mx.where(mx.isnan(a1, stream=s), a1, out, stream=s), dt, dev)


def nan_to_num(x: Array, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Array:
    """``x`` with NaN replaced by ``nan`` and infinities by ``posinf``/``neginf``.

    The infinities default to the largest finite values of ``x``'s dtype. Complex
    input has its real and imaginary parts replaced separately; integer and bool
    input come back unchanged. ``copy=False`` writes the result into ``x`` (as
    NumPy does in place) and returns ``x``.
    """
    x = _convert.array("nan_to_num", x)
    check_bool("nan_to_num", copy, "copy")
    nan = check_real_number("nan_to_num", nan, "nan")
    fills = [None if v is None else check_real_number("nan_to_num", v, n)
             for v, n in ((posinf, "posinf"), (neginf, "neginf"))]
    dt, dev, s = x._dtype, x._device, x._device._s
    a = x._array
    if dt in _FLOATING:
        def fix(part):
            # Note: written with where, not mx.nan_to_num, which refuses float64.
            big = mx.finfo(part.dtype).max
            pos, neg = (big if fills[0] is None else fills[0],
                        -big if fills[1] is None else fills[1])
            inf = mx.array(math.inf, dtype=part.dtype)
            out = mx.where(mx.isnan(part, stream=s), mx.array(nan, dtype=part.dtype), part,
                           stream=s)
            out = mx.where(part == inf, mx.array(pos, dtype=part.dtype), out, stream=s)
            return mx.where(part == -inf, mx.array(neg, dtype=part.dtype), out, stream=s)

        if dt is _d.complex64:
            with mx.stream(dev._mx):  # (re + 1j * im would turn an infinite im into NaN)
                a = complex_from_parts(fix(mx.real(a, stream=s)), fix(mx.imag(a, stream=s)))
        else:
            a = fix(a)
    else:
        a = mx.array(a)  # a new node: the result must not alias x
    if not copy:
        x[...] = _core.new(a, dt, dev)
        return x
    return _core.new(a, dt, dev)


# --- closeness and equality -----------------------------------------------------------

def isclose(a: Array | complex, b: Array | complex, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Array:
    """Whether ``|a - b| <= atol + rtol * |b|`` elementwise (a bool array, broadcast).

    Infinities are close when equal; NaN is close to nothing unless ``equal_nan``.
    Integers are compared in float64 on the CPU, as NumPy (float32 on a GPU: no float64).
    """
    rtol = check_real_number("isclose", rtol, "rtol")
    atol = check_real_number("isclose", atol, "atol")
    check_bool("isclose", equal_nan, "equal_nan")
    a, b = _convert.operand("isclose", a), _convert.operand("isclose", b)
    a1, a2, dt, dev = _core.prep_binary("isclose", a, b, _NUMERIC, "numeric")
    fdt = float_dtype(dt)
    if dt in _d.CATEGORIES["integer or boolean"] and dev.type == "cpu":
        # (in float32, 2147483654 rounds to 2**31 and rtol 0.9999999999999999 to 1.0:
        # 6 and -2**31 were close)
        fdt = _d.float64
    a1 = _core.as_mx(a1, dt).astype(fdt._mx, stream=dev._s)
    a2 = _core.as_mx(a2, dt).astype(fdt._mx, stream=dev._s)
    s = dev._s
    # Note: NumPy's formula, |a - b| <= atol + rtol * |b| where b is finite, or a == b
    # (so equal values are close whatever the tolerances, NaN ones included). MLX's
    # isclose misses complex infinities and differs for infinite tolerances.
    try:
        rdt = mx.float32 if fdt is _d.complex64 else fdt._mx
        tol = mx.array(atol, dtype=rdt) + mx.array(rtol, dtype=rdt) * mx.abs(a2, stream=s)
        near = mx.logical_and(mx.less_equal(mx.abs(a1 - a2, stream=s), tol, stream=s),
                              mx.isfinite(a2, stream=s), stream=s)
        out = mx.logical_or(near, mx.equal(a1, a2, stream=s), stream=s)
    except ValueError as exc:
        raise (_core.broadcast_failure("isclose", exc, a1, a2) or exc) from None
    if equal_nan:
        both = mx.logical_and(mx.isnan(a1, stream=s), mx.isnan(a2, stream=s), stream=s)
        out = mx.logical_or(out, both, stream=s)
    return _core.new(out, _d.bool, dev)


def allclose(a: Array | complex, b: Array | complex, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> Array:
    """Whether every element of :func:`isclose` is true, as a 0-d bool array.

    Lazy: ``if xp.allclose(a, b):`` computes it there (a ``conversion`` sync point).
    """
    close = isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _core.new(mx.all(close._array, stream=close._device._s), _d.bool, close._device)


def _both(name: str, a1, a2):
    """Two operands (arrays or scalars) as MLX arrays of one dtype, and their device."""
    a1, a2 = _convert.operand(name, a1), _convert.operand(name, a2)
    x1, x2, dt, dev = _core.prep_binary(name, a1, a2, _CAT["all"], "any")
    return _core.as_mx(x1, dt), _core.as_mx(x2, dt), dev


def array_equal(a1: Array | complex, a2: Array | complex, equal_nan: bool = False) -> Array:
    """Whether ``a1`` and ``a2`` have the same shape and elements, as a 0-d bool array (lazy).

    NaN equals NaN only with ``equal_nan``. Shapes that differ give False at once.
    """
    check_bool("array_equal", equal_nan, "equal_nan")
    x1, x2, dev = _both("array_equal", a1, a2)
    if tuple(x1.shape) != tuple(x2.shape):
        return _core.new(mx.array(False), _d.bool, dev)
    return _core.new(mx.array_equal(x1, x2, equal_nan=equal_nan, stream=dev._s), _d.bool, dev)


def array_equiv(a1: Array | complex, a2: Array | complex) -> Array:
    """Whether ``a1`` and ``a2`` are equal after broadcasting, as a 0-d bool array (lazy).

    Shapes that do not broadcast give False.
    """
    x1, x2, dev = _both("array_equiv", a1, a2)
    try:
        mx.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        return _core.new(mx.array(False), _d.bool, dev)
    return _core.new(mx.all(mx.equal(x1, x2, stream=dev._s), stream=dev._s), _d.bool, dev)


# --- interpolation ----------------------------------------------------------------------

def interp(x: Array | float, xp: Array | Sequence[float], fp: Array | Sequence[complex],
           left: float | None = None, right: float | None = None,
           period: float | None = None) -> Array:
    """Piecewise-linear interpolation of the points ``(xp, fp)`` at ``x``.

    ``xp`` must increase (not checked, as in NumPy, unless ``period`` is given,
    when it is sorted). ``x`` below ``xp[0]`` gives ``left`` (default ``fp[0]``),
    above ``xp[-1]`` gives ``right`` (default ``fp[-1]``); ``period`` makes the
    points periodic and ignores ``left``/``right``. The result is float32
    (float64 when an input is, complex64 for complex ``fp``).
    """
    if not isinstance(x, _core.Array):
        x = param_array("interp", x, "x")
    xp_ = param_array("interp", xp, "xp", x)
    fp_ = param_array("interp", fp, "fp", x)
    for v, n in ((x, "x"), (xp_, "xp")):
        if v._dtype not in _REAL:
            _core.bad_dtype(f"interp ({n})", "real-valued", v._dtype)
    if fp_._dtype not in _NUMERIC:
        _core.bad_dtype("interp (fp)", "numeric", fp_._dtype)
    if xp_.ndim != 1 or fp_.ndim != 1 or xp_.shape != fp_.shape:
        raise ValueError(f"interp: xp and fp must be 1-d of the same length, got {xp_.shape} "
                         f"and {fp_.shape}")
    if xp_.shape[0] == 0:
        raise ValueError("interp: xp and fp are empty")
    dev, s = x._device, x._device._s
    rdt = _d.float64 if _d.float64 in (x._dtype, xp_._dtype, fp_._dtype) else \
        default_float(dev)
    odt = _d.complex64 if fp_._dtype is _d.complex64 else rdt
    xa, xpa = (v._array.astype(rdt._mx, stream=s) for v in (x, xp_))
    fpa = fp_._array.astype(odt._mx, stream=s)
    lo = fpa[0] if left is None else mx.array(left, dtype=odt._mx)
    hi = fpa[-1] if right is None else mx.array(right, dtype=odt._mx)
    if period is not None:
        period = check_real_number("interp", period, "period")
        if period == 0:
            raise ValueError("interp: period must be non-zero")
        p = mx.array(builtins.abs(period), dtype=rdt._mx)
        xa = mx.remainder(xa, p, stream=s)
        order = mx.argsort(mx.remainder(xpa, p, stream=s), stream=s)
        xpa = mx.take(mx.remainder(xpa, p, stream=s), order, stream=s)
        fpa = mx.take(fpa, order, stream=s)
        xpa = mx.concatenate([xpa[-1:] - p, xpa, xpa[:1] + p], stream=s)
        fpa = mx.concatenate([fpa[-1:], fpa, fpa[:1]], stream=s)
        lo, hi = fpa[0], fpa[-1]
    n = xpa.shape[0]
    if n == 1:
        # As NumPy: one point gives fp[0] at xp[0], and for NaN x too.
        res = mx.broadcast_to(fpa[0], xa.shape, stream=s)
        res = mx.where(xa < xpa[0], lo, mx.where(xa > xpa[0], hi, res, stream=s), stream=s)
        return _core.new(res.astype(odt._mx, stream=s), odt, dev)
    j = mx.clip(mx.searchsorted(xpa, xa, side="right", stream=s).astype(mx.int32) - 1,
                0, n - 2, stream=s)
    x0, x1 = mx.take(xpa, j, stream=s), mx.take(xpa, j + 1, stream=s)
    f0, f1 = mx.take(fpa, j, stream=s), mx.take(fpa, j + 1, stream=s)
    slope = (f1 - f0) / (x1 - x0)
    res = slope * (xa - x0) + f0
    # NumPy's fallbacks where the slope is infinite (repeated or huge xp steps).
    res = mx.where(mx.isnan(res), slope * (xa - x1) + f1, res, stream=s)
    res = mx.where(mx.logical_and(mx.isnan(res), f0 == f1), f0, res, stream=s)
    res = mx.where(xa == x0, f0, res, stream=s)
    res = mx.where(xa == xpa[-1], fpa[-1], res, stream=s)
    res = mx.where(xa < xpa[0], lo, mx.where(xa > xpa[-1], hi, res, stream=s), stream=s)
    nan = mx.array(math.nan, dtype=odt._mx)
    res = mx.where(mx.isnan(xa, stream=s), nan, res, stream=s).astype(odt._mx, stream=s)
    return _core.new(res, odt, dev)
