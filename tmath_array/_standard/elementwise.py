"""Elementwise functions of the standard.

Each function is one line made by a factory, keyed by the dtype category the
standard names for it: ``grep "^add ="`` finds it. A function that is one MLX op
calls it directly; one that needs several (because MLX lacks it or differs from
the standard) runs a function of ``_elementwise_special`` as one compiled kernel
(``_compile.run``). Every deviation from MLX is marked with a ``# Note:``.

``SIGNATURES`` maps each name to ``(number of array operands, dtype category)``;
the factories fill it, and the tests are parametrised over it.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import core as _core
from .._array import dtypes as _d
from .._array.core import as_mx, bad_dtype, new
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from . import elementwise_factory as _factory
from . import elementwise_special as _sp
from . import fast_math as _fast

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_INTEGER = _CAT["integer"]

# The factories (and SIGNATURES, name -> (number of array operands, dtype category)).
_unary = _factory.unary
_unary_composite = _factory.unary_composite
_binary = _factory.binary
_binary_composite = _factory.binary_composite
_named = _factory.named
SIGNATURES = _factory.SIGNATURES


def _fused(key: str, fn):
    """A binary impl running ``fn`` (MLX arrays in, out) as one compiled kernel."""
    def impl(a1, a2, dt, dev):
        return _compile.run(key, fn, dev, as_mx(a1, dt), as_mx(a2, dt))

    return impl


def _fused_for(dtypes, key: str, fn, plain):
    """A unary impl: compiled ``fn`` for ``dtypes``, the one MLX op ``plain`` otherwise."""
    def impl(a, dt, dev):
        if dt in dtypes:
            return _compile.run(key, fn, dev, a)
        return plain(a, stream=dev._s)

    return impl


_F64 = frozenset((_d.float64,))
_C64 = frozenset((_d.complex64,))
_REAL_FLOAT = _CAT["real-valued floating-point"]
_REAL_NOT_F64 = _REAL_FLOAT - _F64

# --- unary: identity, sign and classification -----------------------------------
# Note: identity functions return a new MLX node: MLX's __setitem__ mutates the
# array object in place, so handing back the same object would alias x.
_copy = mx.array
positive = _unary("positive", "numeric", lambda a, stream: _copy(a))
negative = _unary("negative", "numeric", mx.negative)
bitwise_invert = _unary("bitwise_invert", "integer or boolean", mx.bitwise_invert)
# Note: the standard's logical functions take booleans; other dtypes follow NumPy (their
# truth: nonzero is True, the result bool), as np.logical_not(int_array) does.
logical_not = _unary("logical_not", "all", mx.logical_not, _d.bool)
isnan = _unary("isnan", "numeric", mx.isnan, _d.bool)
isinf = _unary("isinf", "numeric", mx.isinf, _d.bool)
isfinite = _unary("isfinite", "numeric", mx.isfinite, _d.bool)
# Note: MLX's sign(nan) is 0 (the standard's is NaN) and sign(-0-0j) keeps the zero's
# signs (the standard's is 0+0j): floating dtypes take a fused fix.
sign = _unary_composite("sign", "numeric", lambda a, dt, dev: (
    mx.sign(a, stream=dev._s) if dt in _INTEGER
    else _compile.run("sign_complex", _sp.sign_complex, dev, a) if dt is _d.complex64
    else _compile.run("sign", _sp.sign, dev, a)))
# Note: MLX has no signbit; the sign bit is read through an integer view. This stays
# two plain ops: compiled, the view does not fuse and the kernel is slower (1M: 1.2 vs
# 0.6 ms).
signbit = _unary_composite("signbit", "real-valued floating-point",
                           lambda a, dt, dev: _sp.signbit(a, dev._s), _d.bool)

# Note: MLX's abs of complex64 already returns the real magnitude (float32).
abs = _unary("abs", "numeric", mx.abs, {_d.complex64: _d.float32})  # noqa: A001

# Note: the standard extends real() and conj() to real-valued input (2024.12),
# where they return the input unchanged.
real = _unary("real", "numeric", lambda a, stream: mx.real(a, stream=stream)
              if a.dtype == mx.complex64 else _copy(a), {_d.complex64: _d.float32})
imag = _unary("imag", "complex floating-point", mx.imag, _d.float32)
conj = _unary("conj", "numeric", lambda a, stream: mx.conj(a, stream=stream)
              if a.dtype == mx.complex64 else _copy(a))

# --- unary: rounding --------------------------------------------------------------


def _rounding(mxfn):
    # Integers are already integer-valued: the result is a copy (no float round trip).
    return lambda a, dt, dev: _copy(a) if dt in _INTEGER else mxfn(a, stream=dev._s)


ceil = _unary_composite("ceil", "real-valued", _rounding(mx.ceil))
floor = _unary_composite("floor", "real-valued", _rounding(mx.floor))
trunc = _unary_composite("trunc", "real-valued", _rounding(mx.trunc))
# MLX rounds half to even, as the standard asks; complex parts are rounded apart.
round = _unary_composite("round", "numeric", _rounding(mx.round))  # noqa: A001

# --- unary: powers, exponentials and logarithms --------------------------------------


def _square(a, dt, dev):
    if dt is _d.complex64 and dev.type == "cpu":
        # Note: rounded as NumPy's complex products (see multiply below).
        return _compile.run("square_complex", _sp.square_complex, dev, a)
    return mx.square(a, stream=dev._s)


square = _unary_composite("square", "numeric", _square)
sqrt = _unary("sqrt", "floating-point", mx.sqrt)
reciprocal = _unary("reciprocal", "floating-point", mx.reciprocal)
# Note: MLX's float64 exp has float32 range and accuracy (exp(100.0) is inf): float64
# goes through expm1 (exact), see _elementwise_special.
exp = _unary_composite("exp", "floating-point", _fast.routed(  # fast: see below
    "exp", _fast.exp, _fused_for(_F64, "exp_f64", _sp.exp_f64, mx.exp)))


def _expm1(a, dt, dev):
    if dt is _d.complex64:
        # Note: MLX has no complex expm1.
        return _compile.run("expm1_complex", _sp.expm1_complex, dev, a)
    return mx.expm1(a, stream=dev._s)


# Note: on MLX's CPU-only build, float32/float16/bfloat16 exp, expm1, log, log1p and tanh run
# _standard/fast_math.py's kernels (MLX's own are 8-50x slower there, its exp ~59 ulp off).
expm1 = _unary_composite("expm1", "floating-point", _fast.routed("expm1", _fast.expm1, _expm1))
log = _unary_composite("log", "floating-point", _fast.routed(  # fast: see expm1
    "log", _fast.log, lambda a, dt, dev: mx.log(a, stream=dev._s)))
log1p = _unary_composite("log1p", "floating-point", _fast.routed(  # fast: see expm1
    "log1p", _fast.log1p, lambda a, dt, dev: mx.log1p(a, stream=dev._s)))
log2 = _unary("log2", "floating-point", mx.log2)
log10 = _unary("log10", "floating-point", mx.log10)

# --- unary: trigonometric and hyperbolic --------------------------------------------
# Note: MLX's float64 sin and cos are float32-grade (NaN past ~3.4e38) and its sin
# loses the sign of -0.0: float64 goes through tan (exact), the rest keeps -0.0.
# With tmath_array's compiled kernels (MLX's CPU-only build), float32/float16/bfloat16 sin
# and cos run the extension's vectorised loops (_standard/fast_math.py, _runtime/kernels).
sin = _unary_composite("sin", "floating-point", _fast.routed("sin", _fast.sin, lambda a, dt, dev: (
    _compile.run("sin_f64", _sp.sin_f64, dev, a) if dt is _d.float64
    else _compile.run("sin", _sp.sin_signed_zero, dev, a) if dt in _REAL_NOT_F64
    else mx.sin(a, stream=dev._s)), ext_only=True))
cos = _unary_composite("cos", "floating-point", _fast.routed(
    "cos", _fast.cos, _fused_for(_F64, "cos_f64", _sp.cos_f64, mx.cos), ext_only=True))
tan = _unary("tan", "floating-point", mx.tan)
asin = _unary("asin", "floating-point", mx.arcsin)
acos = _unary("acos", "floating-point", mx.arccos)
atan = _unary("atan", "floating-point", mx.arctan)
sinh = _unary("sinh", "floating-point", mx.sinh)
cosh = _unary("cosh", "floating-point", mx.cosh)
tanh = _unary_composite("tanh", "floating-point", _fast.routed(  # fast: see expm1
    "tanh", _fast.tanh, _fused_for(_C64, "tanh_complex", _sp.tanh_complex, mx.tanh)))
asinh = _unary("asinh", "floating-point", mx.arcsinh)
acosh = _unary("acosh", "floating-point", mx.arccosh)
atanh = _unary("atanh", "floating-point", mx.arctanh)

# --- binary arithmetic ------------------------------------------------------
add = _binary("add", "numeric", mx.add)
subtract = _binary("subtract", "numeric", mx.subtract)
# Note: complex64 products round as NumPy's FMA loops (see _sp.multiply_complex) where
# float64 exists (the CPU); elsewhere MLX's own.
_CPU_COMPLEX = _fused("multiply_complex", _sp.multiply_complex)
multiply = _binary("multiply", "numeric", mx.multiply, special=(_C64, lambda a1, a2, dt, dev: (
    _CPU_COMPLEX(a1, a2, dt, dev) if dev.type == "cpu" else mx.multiply(a1, a2, stream=dev._s))))

# Note: the standard leaves division of integers implementation-defined; the
# result is the default real floating dtype of the device: float32 (as MLX and
# PyTorch give), float64 on the CPU under the "numpy" default dtypes (as NumPy).


def _divide_integers(a1, a2, dt, dev):
    f = _convert.default_float(dev)._mx
    return mx.divide(a1.astype(f, stream=dev._s) if isinstance(a1, mx.array) else a1,
                     a2.astype(f, stream=dev._s) if isinstance(a2, mx.array) else a2,
                     stream=dev._s)


divide = _binary("divide", "numeric", mx.divide, {d: _d.float32 for d in _INTEGER},
                 special=(_INTEGER, _divide_integers))


def _by_kind(int_impl, float_impl):
    return lambda a1, a2, dt, dev: (int_impl if dt in _INTEGER else float_impl)(a1, a2, dt, dev)


def _plain(mxfn):
    return lambda a1, a2, dt, dev: mxfn(a1, a2, stream=dev._s)


# Note: integer division by zero gives 0 and MIN // -1 wraps (MLX traps: SIGFPE).
floor_divide = _binary_composite("floor_divide", "real-valued", _by_kind(
    _fused("floor_divide_int", _sp.floor_divide_int), _plain(mx.floor_divide)))
remainder = _binary_composite("remainder", "real-valued", _by_kind(
    _fused("remainder_int", _sp.remainder_int), _fused("remainder", _sp.remainder_float)))


def _pow_inexact(a1, a2, dt, dev):
    """Floating and complex ``pow``: a small integer exponent by repeated multiplication."""
    if isinstance(a1, mx.array) and a2.__class__ in (int, float, complex):
        n = a2.real if a2.__class__ is complex and a2.imag == 0 else a2
        if n.__class__ is not complex and n == n and builtins.abs(n) <= 100 and n == int(n):
            # Note: MLX's power is not NumPy's: its complex z ** 2 is not z * z
            # ((-2+0j) ** 2 gives 4+7e-7j) and its float64 pow has float32 accuracy.
            # NumPy computes a complex power with a small integer exponent by binary
            # exponentiation; so does this, and real floats multiply in float64 where
            # the device has it (the correctly rounded result, as NumPy's pow).
            n = int(n)
            if n == 2:
                # One rounding either way: NumPy's square (z * z for complex, see multiply).
                return _square(a1, dt, dev)
            work = mx.complex64 if dt is _d.complex64 else \
                dt._mx if n in (0, 1, -1) else mx.float64 if dev.type == "cpu" else \
                mx.float32
            return _sp.int_power(a1, n, work, dev._s)
    return mx.power(a1, a2, stream=dev._s)


# Note: an integer base to a negative integer power truncates toward zero.
pow = _binary_composite("pow", "numeric", _by_kind(  # noqa: A001
    _fused("pow_int", _sp.pow_int), _pow_inexact))

# --- binary: real floating-point functions --------------------------------------------
atan2 = _binary("atan2", "real-valued floating-point", mx.arctan2)
# Note: MLX has no copysign, hypot or nextafter; logaddexp is written out for an
# exact float64 (MLX's has float32 accuracy there).
copysign = _binary_composite("copysign", "real-valued floating-point",
                             _fused("copysign", _sp.copysign))
hypot = _binary_composite("hypot", "real-valued floating-point", _fused("hypot", _sp.hypot))
logaddexp = _binary_composite("logaddexp", "real-valued floating-point",
                              _fused("logaddexp", _sp.logaddexp))
nextafter = _binary_composite("nextafter", "real-valued floating-point",
                              _fused("nextafter", _sp.nextafter))
maximum = _binary("maximum", "real-valued", mx.maximum)
minimum = _binary("minimum", "real-valued", mx.minimum)

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
def _logical_xor(a, b, stream=None):
    if not (isinstance(a, mx.array) and a.dtype == mx.bool_ and isinstance(b, mx.array)
            and b.dtype == mx.bool_):
        a = mx.not_equal(a, 0, stream=stream)
        b = mx.not_equal(b, 0, stream=stream)
    return mx.not_equal(a, b, stream=stream)


logical_and = _binary("logical_and", "all", mx.logical_and, _d.bool)
logical_or = _binary("logical_or", "all", mx.logical_or, _d.bool)
logical_xor = _binary("logical_xor", "all", _logical_xor, _d.bool)
# Note: MLX shifts by the count modulo the width; counts past the width give 0 (or -1).
bitwise_left_shift = _binary_composite("bitwise_left_shift", "integer",
                                       _fused("left_shift", _sp.left_shift))
bitwise_right_shift = _binary_composite("bitwise_right_shift", "integer",
                                        _fused("right_shift", _sp.right_shift))

# --- clip -------------------------------------------------------------------------
SIGNATURES["clip"] = (3, "real-valued")
_CLIP_ALLOWED = _CAT["real-valued"]


def _clip_bound(x: Array, bound, argname: str):
    """An MLX operand of x's dtype for ``min``/``max`` of clip, or None."""
    if bound is None:
        return None
    dt = x._dtype
    if isinstance(bound, _core.Array):
        if bound._device != x._device:
            raise ValueError(f"clip: {argname} is on {bound._device}, x on {x._device}")
        bdt = bound._dtype
        if bdt not in _CLIP_ALLOWED:
            bad_dtype("clip", "real-valued", bdt)
        if bdt is dt:
            return bound._array
        if dt in _INTEGER and bdt not in _INTEGER:
            raise TypeError(f"clip: a {_core.dtype_name(bdt)} {argname} cannot bound an "
                            f"array of {_core.dtype_name(dt)}")
        # A bound of another dtype is cast to x's (the result keeps x's dtype); an
        # integer bound saturates to x's range first instead of wrapping around.
        b = bound._array
        s = x._device._s
        if bdt in _INTEGER and dt in _INTEGER:
            (lo, hi), (blo, bhi) = _d.INT_RANGE[dt], _d.INT_RANGE[bdt]
            b = mx.clip(b, as_mx(builtins.max(lo, blo), bdt), as_mx(builtins.min(hi, bhi), bdt),
                        stream=s)
        return b.astype(dt._mx, stream=s)
    if isinstance(bound, builtins.bool) or not isinstance(bound, (int, float)):
        raise TypeError(f"clip: {argname} must be None, an array, an int or a float, "
                        f"got {type(bound).__name__}")
    if dt in _INTEGER:
        if isinstance(bound, float):
            raise TypeError(f"clip: a float {argname} cannot bound an array of "
                            f"{_core.dtype_name(dt)}")
        # Note: the standard leaves bounds outside the dtype's range unspecified; they
        # saturate to it (clip(int8, min=-1000) leaves the array as it is).
        lo, hi = _d.INT_RANGE[dt]
        bound = builtins.min(builtins.max(bound, lo), hi)
    return as_mx(_core.scalar_value("clip", bound, dt), dt)


def clip(x: Array, /, min: int | float | Array | None = None,  # noqa: A002
         max: int | float | Array | None = None) -> Array:  # noqa: A002
    """Clamp each element of ``x`` to ``[min, max]``.

    Args:
        x: array of a real-valued dtype.
        min: lower bound (None for none): a Python int or float, or an array
            broadcastable with ``x``; it takes ``x``'s dtype.
        max: upper bound, as ``min``.

    Returns:
        An array of ``x``'s dtype, of the shape of ``x``, ``min`` and ``max``
        broadcast together. A NaN in ``x``, ``min`` or ``max`` gives NaN.
    """
    x = _convert.array("clip", x)
    if min is not None and min.__class__ not in _factory._PLAIN_OPERANDS:
        min = _convert.operand("clip", min, x._device)  # noqa: A001
    if max is not None and max.__class__ not in _factory._PLAIN_OPERANDS:
        max = _convert.operand("clip", max, x._device)  # noqa: A001
    if x._dtype not in _CLIP_ALLOWED:
        bad_dtype("clip", "real-valued", x._dtype)
    lo = _clip_bound(x, min, "min")
    hi = _clip_bound(x, max, "max")
    a = x._array
    dev = x._device
    try:
        if lo is not None and hi is not None:
            a = _compile.run("clip", _sp.clip, dev, a, lo, hi)
        elif hi is not None:
            a = mx.minimum(a, hi, stream=dev._s)
        elif lo is not None:
            a = mx.maximum(a, lo, stream=dev._s)
        else:
            a = _copy(a)
    except ValueError as exc:
        raise _core.broadcast_failure("clip", exc, x, *(b for b in (min, max)
                                                        if b is not None)) or exc from None
    return new(a, x._dtype, dev)
