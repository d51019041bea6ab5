"""Elementwise functions written out with MLX ops, where MLX's own differs from the standard.

Every function here is a plain function of MLX arrays (no validation, no streams):
the public functions in ``_standard/elementwise.py`` run them through the compiled-op
cache (``_compile.run``), so each is one fused kernel. Inside a trace the input
dtype is known, so a function may branch on ``a.dtype``.

Each deviation from the MLX op of the same name has a ``# Note:`` saying why;
``docs/elementwise.md`` lists them all.
"""

from __future__ import annotations

import math

import mlx.core as mx

_HALF = (mx.float16, mx.bfloat16)
# The signed integer type of each float's width: its sign bit is the float's.
_BITS_AS = {mx.float16: mx.int16, mx.bfloat16: mx.int16, mx.float32: mx.int32,
            mx.float64: mx.int64}
_SIGNED = (mx.int8, mx.int16, mx.int32, mx.int64)
_SMALLEST_SUBNORMAL = {mx.float32: 2.0 ** -149, mx.float64: 2.0 ** -1074}
# exp(x) is subnormal below about these (and e^-x overflows a little lower).
_SUBNORMAL_BELOW = {mx.float32: -80.0, mx.float64: -700.0}


def _where(c, a, b):
    return mx.where(c, a, b)


def signbit(a, stream=None):
    """True where the sign bit is set (``-0.0`` and negative NaNs included)."""
    return mx.less(mx.view(a, _BITS_AS[a.dtype], stream=stream), 0, stream=stream)


def _complex(re, im):
    # Note: re + 1j * im is not exact (1j * inf has a NaN real part); the two
    # float32 planes are stacked and reinterpreted as complex64 instead.
    return mx.view(mx.stack([re, im], axis=-1), mx.complex64).squeeze(-1)


# --- float64 exp, sin and cos ----------------------------------------------------
# Note: MLX's CPU kernels evaluate exp, sin and cos of float64 with float32-style
# approximations: exp(100.0) is inf, exp(-88.0) is 0, relative error ~7e-6; sin and
# cos have absolute errors up to 4e-4 at |x| ~ 1e4 and give NaN past ~3.4e38. expm1 and
# tan are exact (libm), so float64 exp, sin and cos are built from them.

def _exp_nonpositive(x):
    """exp(x) for x <= 0 (or NaN) from expm1, within ~2 ulp, subnormal results included."""
    neg = mx.reciprocal(mx.expm1(-x) + 1.0)
    # Where the result is subnormal e^-x overflows: square e^(x/2) instead.
    tiny = mx.square(mx.reciprocal(mx.expm1(-0.5 * x) + 1.0))
    return _where(x > _SUBNORMAL_BELOW[x.dtype], neg, tiny)


def exp_f64(x):
    return _where(x >= 0, mx.expm1(x) + 1.0, _exp_nonpositive(x))


def _half_angle(x):
    """v = tan(x/2) or its reciprocal, whichever is at most 1 in size."""
    t = mx.tan(0.5 * x)
    return _where(mx.abs(t) > 1.0, mx.reciprocal(t), t)


def sin_f64(a):
    v = _half_angle(a)
    # sin x = 2v / (1 + v^2) for v = tan(x/2) and for v = 1/tan(x/2) alike; below
    # 2^-26, sin x rounds to x (and x/2 would lose a subnormal's last bit).
    return _where(mx.abs(a) < 2.0 ** -26, a, 2.0 * v / (1.0 + v * v))


def cos_f64(a):
    # cos x = sin x / tan x keeps the relative accuracy of both near either's zeros
    # (the half-angle form (1 - t^2) / (1 + t^2) cancels where cos x is small).
    return _where(a == 0, 1.0, sin_f64(a) / mx.tan(a))


def sin_signed_zero(a):
    # Note: MLX's sin(-0.0) is +0.0; the standard (and IEEE 754) keep the sign.
    return _where(a == 0, a, mx.sin(a))


# --- real functions MLX lacks or gets wrong -------------------------------------

def sign(a):
    # Note: MLX's sign(nan) is 0; the standard's is NaN.
    return _where(a == a, mx.sign(a), a)


def copysign(a, b):
    """|a| with the sign bit of b, by bit operations (exact for NaNs too)."""
    # Note: MLX's bfloat16 negation drops a NaN's sign (it goes through float32), so
    # -abs(a) cannot carry the sign of a NaN; the bits can.
    ib = _BITS_AS[a.dtype]
    low = (1 << (8 * ib.size - 1)) - 1  # every bit but the sign
    bits = mx.bitwise_or(mx.bitwise_and(mx.view(a, ib), low),
                         mx.bitwise_and(mx.view(b, ib), ~low))
    return mx.view(bits, a.dtype)


def hypot(a, b):
    """sqrt(a**2 + b**2) without overflow or underflow; hypot(+-inf, nan) is inf."""
    dt = a.dtype
    if dt in _HALF:
        a = a.astype(mx.float32)
        b = b.astype(mx.float32)
    a = mx.abs(a)
    b = mx.abs(b)
    hi = mx.maximum(a, b)
    lo = mx.minimum(a, b)
    # Dividing by at least the smallest subnormal makes hypot(0, 0) = 0 without a
    # select (selects are the slow part of a fused CPU kernel here).
    r = lo / mx.maximum(hi, _SMALLEST_SUBNORMAL[hi.dtype])
    h = hi * mx.sqrt(1.0 + r * r)
    h = _where((a == math.inf) | (b == math.inf), math.inf, h)
    return h.astype(dt) if dt in _HALF else h


def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow, within a few ulp."""
    # Note: exp here comes from expm1: MLX's exp has float32 accuracy in float64 and
    # ~64 ulp in float32, which logaddexp(0, -45) would show in full.
    dt = a.dtype
    if dt in _HALF:
        a = a.astype(mx.float32)
        b = b.astype(mx.float32)
    hi = mx.maximum(a, b)
    e = _exp_nonpositive(-mx.abs(a - b))
    out = hi + mx.log1p(e)
    # a == b covers +-inf twice (where a - b is NaN).
    out = _where(a == b, a + math.log(2.0), out)
    return out.astype(dt) if dt in _HALF else out


def nextafter(a, b):
    """The next representable value after ``a`` toward ``b``, by stepping the bit pattern."""
    ib = _BITS_AS[a.dtype]
    bits = mx.view(a, ib)
    # Stepping the integer image by one moves the magnitude by one ulp, for either sign.
    away = mx.equal(b > a, a > 0)
    stepped = mx.view(_where(away, bits + 1, bits - 1), a.dtype)
    smallest = mx.view(mx.ones_like(bits), a.dtype)
    out = _where(a == 0, _where(b > 0, smallest, -smallest), stepped)
    out = _where(a == b, b, out)
    return _where(mx.isnan(a) | mx.isnan(b), a + b, out)


def clip(a, lo, hi):
    # Note: NumPy's order, minimum(maximum(x, min), max): where min > max (the standard
    # leaves it unspecified) every element becomes max, as with np.clip. A NaN anywhere
    # gives NaN either way.
    return mx.minimum(mx.maximum(a, lo), hi)


# --- complex functions MLX lacks or gets wrong ------------------------------------

def sign_complex(z):
    # Note: MLX's sign keeps the zero's signs (sign(-0-0j) is -0-0j); the standard's is 0+0j.
    # MLX's z / |z| also loses subnormal inputs (|1e-45+1e-45j| rounds to 1e-45, giving
    # 1+1j): finite z is scaled by its larger part first. Infinite and NaN parts keep MLX's.
    re, im = mx.real(z), mx.imag(z)
    m = mx.maximum(mx.abs(re), mx.abs(im))
    finite = (m > 0) & (m < float("inf"))
    m = _where(finite, m, mx.ones_like(m))
    r, i = re / m, im / m
    h = mx.sqrt(r * r + i * i)
    scaled = (r / h).astype(z.dtype) + (i / h).astype(z.dtype) * 1j
    return _where(z == 0, mx.zeros_like(z), _where(finite, scaled, mx.sign(z)))


def tanh_complex(z):
    # Note: tanh(+-inf + yj) for finite y is +-1 + 0j with the sign of y on the zero
    # (MLX gives the sign of sin(2y), as C99 does; the standard fixes it).
    w = mx.tanh(z)
    x = mx.real(z)
    y = mx.imag(z)
    fix = mx.isinf(x) & mx.isfinite(y)
    return _where(fix, _complex(mx.real(w), y * 0.0), w)


def expm1_complex(z):
    """expm1 of complex64 (MLX has none): accurate near 0, the standard's special cases."""
    x = mx.real(z)
    y = mx.imag(z)
    # e^x cos y - 1 = expm1(x) cos y - 2 sin(y/2)^2, without cancellation near 0.
    s = mx.sin(0.5 * y)
    re = mx.expm1(x) * mx.cos(y) - 2.0 * s * s + 0.0
    im = mx.exp(x) * mx.sin(y)
    im = _where(y == 0, y, im)
    fin_y = mx.isfinite(y)
    re = _where((x == -math.inf) & ~fin_y, -1.0, re)
    im = _where((x == -math.inf) & ~fin_y, 0.0, im)
    re = _where((x == math.inf) & ~fin_y, math.inf, re)
    return _complex(re, im)


# --- integer arithmetic -------------------------------------------------------

def _int_divisor(b):
    """A divisor safe for integer division (no SIGFPE), with the masks of 0 and -1."""
    zero = b == 0
    if b.dtype in _SIGNED:
        # Note: MIN // -1 traps in hardware (the process dies of SIGFPE); -1 goes apart.
        neg1 = b == -1
        return _where(zero | neg1, 1, b), zero, neg1
    return _where(zero, 1, b), zero, None


def floor_divide_int(a, b):
    """Integer floor division; division by zero gives 0 (as NumPy), MIN // -1 wraps."""
    d, zero, neg1 = _int_divisor(b)
    q = mx.floor_divide(a, d)
    if neg1 is not None:
        q = _where(neg1, -a, q)
    return _where(zero, 0, q)


def remainder_int(a, b):
    """Integer remainder with the divisor's sign; ``x % 0`` gives 0 (as NumPy)."""
    d, zero, neg1 = _int_divisor(b)
    r = mx.remainder(a, d)
    bad = zero if neg1 is None else zero | neg1
    return _where(bad, 0, r)


def remainder_float(a, b):
    r = mx.remainder(a, b)
    # Note: a zero result takes the divisor's sign (-0.0 % 1.0 is +0.0 and
    # 0.0 % -1.0 is -0.0, as in Python); MLX keeps the dividend's.
    # (-0.0 comes from negating a zero: mx.compile turns a -0.0 constant into +0.0.)
    zero = mx.zeros_like(r)
    return _where(r == 0, _where(b < 0, -zero, zero), r)


def pow_int(a, b):
    """Integer power; a negative exponent truncates toward zero (1, -1 or 0)."""
    p = mx.power(a, b)
    if a.dtype not in _SIGNED:
        return p
    # Note: MLX gives 0 for 1 ** -1 and (-1) ** -1; the exact truncated values are
    # 1 and -1 (every other base truncates to 0; 0 ** -n is defined as 0).
    odd = mx.bitwise_and(b, 1) == 1
    small = _where(a == 1, 1, 0).astype(a.dtype)
    small = _where(a == -1, _where(odd, -1, 1).astype(a.dtype), small)
    return _where(b < 0, small, p)


def _shift(a, b, right: bool):
    # Note: MLX shifts by the count modulo the register width (x86 semantics), so
    # 1 << 40 on int32 is 256. The standard's result for counts >= the bit width
    # is 0 (or -1 for a right shift of a negative value), as in NumPy; a negative
    # count (unspecified by the standard) gives the same.
    bits = a.dtype.size * 8
    big = (b >= bits) | (b < 0)
    safe = _where(big, 0, b)
    out = mx.right_shift(a, safe) if right else mx.left_shift(a, safe)
    if right and a.dtype in _SIGNED:
        fill = _where(a < 0, -1, 0).astype(a.dtype)
    else:
        fill = mx.zeros_like(out)
    return _where(big, fill, out)


def left_shift(a, b):
    return _shift(a, b, False)


def right_shift(a, b):
    return _shift(a, b, True)


def int_power(a: mx.array, n: int, work: mx.Dtype, s) -> mx.array:
    """``a ** n`` for a small integer ``n`` by binary exponentiation, as NumPy's complex
    power (``npy_cpow``: plain products, ``1 / r`` by Smith's division) computes it.

    Real floats multiply in ``work`` (float64 on the CPU) and round once: the correctly
    rounded power, which NumPy's ``pow`` gives but for a last-bit error in ~10% of cases.
    """
    dtype = a.dtype
    if dtype != work:
        a = a.astype(work, stream=s)
    if n == 0:
        r = mx.ones_like(a, stream=s)
    else:
        k = -n if n < 0 else n
        r = None
        p = a
        while True:
            if k & 1:
                r = p if r is None else mx.multiply(r, p, stream=s)
            k >>= 1
            if not k:
                break
            p = mx.multiply(p, p, stream=s)
        if n == -1 and work == mx.complex64:
            r = reciprocal_complex(r)  # NumPy's z ** -1 is its reciprocal
        elif n < 0:
            r = reciprocal_smith(r) if work == mx.complex64 else \
                mx.divide(mx.array(1, dtype=work), r, stream=s)
    if r.dtype != dtype:
        return r.astype(dtype, stream=s)
    # (a new node even for n == 1: MLX's __setitem__ mutates an array object in place)
    return mx.array(r) if r is a else r


def reciprocal_complex(z):
    """``1 / z`` for complex64 as NumPy's ``reciprocal`` loop computes it."""
    br, bi = mx.real(z), mx.imag(z)
    small = mx.abs(bi) <= mx.abs(br)
    r = _where(small, bi / br, br / bi)
    d = _where(small, br + bi * r, br * r + bi)
    re = _where(small, 1.0 / d, r / d)
    im = _where(small, -r / d, -1.0 / d)
    return mx.view(mx.stack([re, im], axis=-1), mx.complex64).squeeze(-1)


def reciprocal_smith(z):
    """``1 / z`` for complex64 as NumPy's ``npy_cpow`` divides (Smith's algorithm)."""
    br, bi = mx.real(z), mx.imag(z)
    big = mx.abs(br) >= mx.abs(bi)
    rat = _where(big, bi / br, br / bi)
    scl = _where(big, 1.0 / (br + bi * rat), 1.0 / (bi + br * rat))
    re = _where(big, (1.0 + 0.0 * rat) * scl, rat * scl)
    im = _where(big, (0.0 - rat) * scl, (0.0 * rat - 1.0) * scl)
    zero = (br == 0) & (bi == 0)
    re = _where(zero, 1.0 / mx.abs(br), re)
    im = _where(zero, 0.0 / mx.abs(bi), im)
    return mx.view(mx.stack([re, im], axis=-1), mx.complex64).squeeze(-1)


def multiply_complex(a, b):
    """complex64 ``a * b`` rounded as NumPy's (FMA) loops round it, computed in float64.

    Note: MLX rounds ``ar*br - ai*bi`` twice (each product, then the difference); NumPy on
    a CPU with FMA (x86-64 since 2013, every ARM64) computes ``fma(ar, br, -(ai*bi))`` and
    ``fma(ar, bi, ai*br)``: they differ in the last bit of ~40% of products, which a
    chaotic iteration (the Mandelbrot set) amplifies. The exact product of two float32
    values in float64, minus the rounded other one, rounded once to float32 is that FMA
    (a second rounding differs only on exact float32 ties, ~2**-29 of the results).
    """
    f64 = mx.float64
    ar, ai = mx.real(a), mx.imag(a)
    br, bi = mx.real(b), mx.imag(b)
    re = ar.astype(f64) * br.astype(f64) - (ai * bi).astype(f64)
    im = ar.astype(f64) * bi.astype(f64) + (ai * br).astype(f64)
    parts = mx.stack([re.astype(mx.float32), im.astype(mx.float32)], axis=-1)
    return mx.view(parts, mx.complex64).squeeze(-1)


def square_complex(a):
    return multiply_complex(a, a)
