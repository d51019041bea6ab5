"""Elementwise functions of the standard.

Each function is one line made by a factory, keyed by the dtype category the
standard names for it: ``grep "^add ="`` finds it. Functions whose MLX
counterpart differs from the standard are written out below the factories,
with a ``# Note:`` saying why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from . import _core
from . import _dtypes as _d
from ._core import as_mx, bad_dtype, new, prep_binary

if TYPE_CHECKING:
    from ._array_object import Array

_CAT = _d.CATEGORIES
_object_new = object.__new__


def _out_dtypes(allowed, out_dtype) -> dict:
    """Map each allowed input dtype to the result dtype.

    ``out_dtype`` is None (same dtype), one dtype, or a dict of the exceptions.
    """
    if out_dtype is None:
        return {d: d for d in allowed}
    if isinstance(out_dtype, dict):
        return {d: out_dtype.get(d, d) for d in allowed}
    return {d: out_dtype for d in allowed}


def _unary(name: str, category: str, mxfn, out_dtype=None):
    """A unary function on arrays of ``category``; see _out_dtypes for ``out_dtype``."""
    allowed = _CAT[category]
    out = _out_dtypes(allowed, out_dtype)

    def fn(x: Array, /) -> Array:
        if not isinstance(x, _core.Array):
            raise TypeError(f"{name}: expected an array, got {type(x).__name__}")
        dt = x._dtype
        if dt not in allowed:
            bad_dtype(name, category, dt)
        dev = x._device
        # _core.new() inlined: this is the hot path (see benchmarks/bench_overhead.py).
        res = _object_new(_core.Array)
        res._array = mxfn(x._array, stream=dev._s)
        res._dtype = out[dt]
        res._device = dev
        return res

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of an array of {category} dtype."
    fn._fast = (mxfn, allowed, out)  # for the Array operators' inlined fast path
    return fn


def _binary(name: str, category: str, mxfn, out_dtype=None):
    """A binary function (arrays or Python scalars) on operands of ``category``."""
    allowed = _CAT[category]
    out = _out_dtypes(allowed, out_dtype)

    # Dtypes that take a Python float or int unchanged (MLX's weak scalars give the
    # array's dtype): the fast path below skips the general promotion for them.
    float_ok = allowed & _d.CATEGORIES["floating-point"]
    # Note: MLX cannot take a Python int above 2**63 - 1 as a weak scalar (bad_cast);
    # such uint64 values go through prep_binary, which makes them a uint64 array.
    int_range = {d: (lo, min(hi, 2**63 - 1)) for d, (lo, hi) in _d.INT_RANGE.items()
                 if d in allowed}

    def fn(x1: Array | complex, x2: Array | complex, /) -> Array:
        # Fast path: an array with an array of the same dtype and device, or with a
        # Python float/int that keeps the array's dtype. Everything else (and every
        # error) goes through prep_binary.
        array_cls = _core.Array
        if x1.__class__ is array_cls:
            dt = x1._dtype
            c2 = x2.__class__
            if c2 is array_cls:
                if dt is x2._dtype and x1._device is x2._device and dt in allowed:
                    dev = x1._device
                    # _core.new() inlined: this is the hot path.
                    res = _object_new(array_cls)
                    res._array = mxfn(x1._array, x2._array, stream=dev._s)
                    res._dtype = out[dt]
                    res._device = dev
                    return res
            elif (c2 is float and dt in float_ok) or (
                    c2 is int and dt in int_range
                    and int_range[dt][0] <= x2 <= int_range[dt][1]):
                dev = x1._device
                res = _object_new(array_cls)
                res._array = mxfn(x1._array, x2, stream=dev._s)
                res._dtype = out[dt]
                res._device = dev
                return res
        a1, a2, dt, dev = prep_binary(name, x1, x2, allowed, category)
        return new(mxfn(a1, a2, stream=dev._s), out[dt], dev)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of two operands of {category} dtype, broadcast together."
    # For the Array operators' inlined fast path (_array_object._binary_operator).
    fn._fast = (mxfn, allowed, out, float_ok, int_range)
    return fn


def _binary_composite(name: str, category: str, impl, out_dtype=None):
    """Like :func:`_binary`, for a function written as ``impl(a1, a2, dtype, stream)``."""
    allowed = _CAT[category]
    out = _out_dtypes(allowed, out_dtype)

    def fn(x1: Array | complex, x2: Array | complex, /) -> Array:
        a1, a2, dt, dev = prep_binary(name, x1, x2, allowed, category)
        return new(impl(a1, a2, dt, dev._s), out[dt], dev)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = impl.__doc__
    return fn



# --- unary ----------------------------------------------------------------------
# Note: identity functions return a new MLX node: MLX's __setitem__ mutates the
# array object in place, so handing back the same object would alias x.
_copy = mx.array
positive = _unary("positive", "numeric", lambda a, stream: _copy(a))
negative = _unary("negative", "numeric", mx.negative)
bitwise_invert = _unary("bitwise_invert", "integer or boolean", mx.bitwise_invert)
logical_not = _unary("logical_not", "boolean", mx.logical_not)
isnan = _unary("isnan", "numeric", mx.isnan, _d.bool)
isinf = _unary("isinf", "numeric", mx.isinf, _d.bool)
isfinite = _unary("isfinite", "numeric", mx.isfinite, _d.bool)


# Note: MLX's abs of complex64 already returns the real magnitude (float32).
abs = _unary("abs", "numeric", mx.abs, {_d.complex64: _d.float32})  # noqa: A001

# Note: the standard extends real() and conj() to real-valued input (2024.12),
# where they return the input unchanged.
real = _unary("real", "numeric", lambda a, stream: mx.real(a, stream=stream)
              if a.dtype == mx.complex64 else _copy(a), {_d.complex64: _d.float32})
imag = _unary("imag", "complex floating-point", mx.imag, _d.float32)
conj = _unary("conj", "numeric", lambda a, stream: mx.conj(a, stream=stream)
              if a.dtype == mx.complex64 else _copy(a))

# --- binary arithmetic ------------------------------------------------------
add = _binary("add", "numeric", mx.add)
subtract = _binary("subtract", "numeric", mx.subtract)
multiply = _binary("multiply", "numeric", mx.multiply)


# Note: the standard leaves division of integers implementation-defined; the
# result is float32, the default floating dtype (as MLX and PyTorch give).
divide = _binary("divide", "numeric", mx.divide, {d: _d.float32 for d in _d.CATEGORIES["integer"]})


def _int_divisor(a1, a2, dt, stream):
    """Divisor safe for integer division (no SIGFPE), with masks for 0 and -1."""
    a2 = as_mx(a2, dt)
    zero = mx.equal(a2, 0, stream=stream)
    if dt in _d.KINDS["signed integer"]:
        # Note: MIN // -1 traps in hardware (the process dies of SIGFPE); handle -1 apart.
        neg1 = mx.equal(a2, -1, stream=stream)
        bad = mx.logical_or(zero, neg1, stream=stream)
        return mx.where(bad, 1, a2, stream=stream), zero, neg1
    return mx.where(zero, 1, a2, stream=stream), zero, None


def _floor_divide(a1, a2, dt, stream):
    """Elementwise floor division; integer division by zero gives 0 (as NumPy)."""
    if dt not in _d.CATEGORIES["integer"]:
        return mx.floor_divide(a1, a2, stream=stream)
    a1 = as_mx(a1, dt)
    d, zero, neg1 = _int_divisor(a1, a2, dt, stream)
    q = mx.floor_divide(a1, d, stream=stream)
    if neg1 is not None:
        q = mx.where(neg1, mx.negative(a1, stream=stream), q, stream=stream)
    return mx.where(zero, mx.zeros_like(q, stream=stream), q, stream=stream)


def _remainder(a1, a2, dt, stream):
    """Elementwise remainder with the sign of the divisor; integer ``x % 0`` gives 0."""
    if dt not in _d.CATEGORIES["integer"]:
        r = mx.remainder(a1, a2, stream=stream)
        # Note: a zero result takes the divisor's sign (-0.0 % 1.0 is +0.0 and
        # 0.0 % -1.0 is -0.0, as in Python); MLX keeps the dividend's.
        a2 = as_mx(a2, dt)
        signed_zero = mx.where(mx.less(a2, 0, stream=stream), -0.0, 0.0, stream=stream)
        return mx.where(mx.equal(r, 0, stream=stream), signed_zero.astype(r.dtype, stream=stream),
                        r, stream=stream)
    a1 = as_mx(a1, dt)
    d, zero, neg1 = _int_divisor(a1, a2, dt, stream)
    r = mx.remainder(a1, d, stream=stream)
    bad = zero if neg1 is None else mx.logical_or(zero, neg1, stream=stream)
    return mx.where(bad, mx.zeros_like(r, stream=stream), r, stream=stream)


floor_divide = _binary_composite("floor_divide", "real-valued", _floor_divide)
remainder = _binary_composite("remainder", "real-valued", _remainder)


def _pow(a1, a2, dt, stream):
    """Elementwise power; an integer base to a negative integer power truncates toward zero."""
    p = mx.power(a1, a2, stream=stream)
    if dt not in _d.KINDS["signed integer"]:
        return p
    # Note: MLX gives 0 for 1 ** -1 and (-1) ** -1; the exact truncated values are
    # 1 and -1 (every other base truncates to 0; 0 ** -n is defined as 0).
    a1 = as_mx(a1, dt)
    a2 = as_mx(a2, dt)
    odd = mx.equal(mx.bitwise_and(a2, 1, stream=stream), 1, stream=stream)
    neg_one = mx.where(odd, -1, 1, stream=stream).astype(dt._mx, stream=stream)
    one = mx.equal(a1, 1, stream=stream)
    small = mx.where(one, 1, 0, stream=stream).astype(dt._mx, stream=stream)
    small = mx.where(mx.equal(a1, -1, stream=stream), neg_one, small, stream=stream)
    return mx.where(mx.less(a2, 0, stream=stream), small, p, stream=stream)


pow = _binary_composite("pow", "numeric", _pow)  # noqa: A001

# --- comparison ----------------------------------------------------------------
equal = _binary("equal", "all", mx.equal, _d.bool)
not_equal = _binary("not_equal", "all", mx.not_equal, _d.bool)
less = _binary("less", "real-valued", mx.less, _d.bool)
less_equal = _binary("less_equal", "real-valued", mx.less_equal, _d.bool)
greater = _binary("greater", "real-valued", mx.greater, _d.bool)
greater_equal = _binary("greater_equal", "real-valued", mx.greater_equal, _d.bool)

# --- bitwise and logical -------------------------------------------------------
bitwise_and = _binary("bitwise_and", "integer or boolean", mx.bitwise_and)
bitwise_or = _binary("bitwise_or", "integer or boolean", mx.bitwise_or)
bitwise_xor = _binary("bitwise_xor", "integer or boolean", mx.bitwise_xor)
logical_and = _binary("logical_and", "boolean", mx.logical_and)
logical_or = _binary("logical_or", "boolean", mx.logical_or)
logical_xor = _binary("logical_xor", "boolean", mx.not_equal)


def _shift(mxfn, fill_negative: bool):
    def impl(a1, a2, dt, stream):
        # Note: MLX shifts by the count modulo the register width (x86 semantics), so
        # 1 << 40 on int32 is 256. The standard's result for counts >= the bit width
        # is 0 (or -1 for a right shift of a negative value), as in NumPy.
        bits = _d.INT_BITS[dt]
        a1 = as_mx(a1, dt)
        a2 = as_mx(a2, dt)
        big = mx.logical_or(mx.greater_equal(a2, bits, stream=stream),
                            mx.less(a2, 0, stream=stream), stream=stream)
        safe = mx.where(big, 0, a2, stream=stream).astype(dt._mx, stream=stream)
        out = mxfn(a1, safe, stream=stream)
        if fill_negative and dt in _d.KINDS["signed integer"]:
            fill = mx.where(mx.less(a1, 0, stream=stream), -1, 0, stream=stream)
        else:
            fill = 0
        return mx.where(big, as_mx(fill, dt).astype(dt._mx, stream=stream), out, stream=stream)

    return impl


bitwise_left_shift = _binary_composite("bitwise_left_shift", "integer",
                                       _shift(mx.left_shift, False))
bitwise_right_shift = _binary_composite("bitwise_right_shift", "integer",
                                        _shift(mx.right_shift, True))
