"""Fast, accurate float32 kernels for MLX's CPU device: exp and the functions built on it.

MLX's Linux CPU build evaluates ``exp``, ``expm1``, ``tanh``, ``sigmoid``, ``erf``... one
element at a time, with ~59 ulp of error in float32 ``exp`` near |x| = 80. Here each
function is a range reduction plus a polynomial written in MLX ops and fused by
``mx.compile`` into C++ loops that the compiler vectorises (see ``_runtime/native.py`` for
when they are used and how they are built). Every kernel computes in float32: float16 and
bfloat16 input is widened once and the result rounded once. float64 never comes here.

Shape of every kernel (MLX's CPU fuser cuts a kernel at 11 ops of depth, and a bit cast
(``mx.view``) never fuses):

1. ``reduce``: ``x -> (r, sb, j)`` with ``x = k ln2 + r``, ``|r| <= ln2/2``; ``sb`` is the
   bit pattern of ``2^kc`` (``kc``: ``k`` clamped to the normal exponents) and ``j =
   k - kc + 24`` carries the rest of the scale (``k`` down to -150: subnormal results);
2. ``mx.view(sb, float32)`` (no copy);
3. ``finish``: ``expm1(r)`` by a degree-8 polynomial (Estrin's scheme: shallow), then the
   function's own formula.

``x = n ln2 + r`` uses the two-part ``ln2`` of Cody and Waite (``n * LN2_HI`` is exact), so
``r`` is exact up to ``2^-24 |n LN2_LO|``; the polynomial's truncation error is < 1e-9.
Measured error (``tests/test_fast_math.py``, and ``benchmarks/fast_math_accuracy.py`` over
every float32): see ``docs/fast_math.md``.

Every stage carries ``marker`` (``_runtime.native``): a no-op clamp by a constant that
names the kernel for this CPU and tells the compiler wrapper to build it with
``-march=native``.
"""

from __future__ import annotations

import math

import mlx.core as mx

from .._runtime import compile_cache as _compile
from .._runtime import native as _native

_F32 = mx.float32
_I32 = mx.int32

LN2 = 0.6931471805599453
LN2_HI = 0.693145751953125          # 0x3f317200: 16 bits, so n * LN2_HI is exact
LN2_LO = 1.4286068203094173e-06     # ln 2 - LN2_HI
ROUND = 12582912.0                  # 1.5 * 2^23: (t + ROUND) - ROUND rounds t to an integer
# exp(x) is +inf above 88.72 and rounds to 0 below -103.97: clamping there changes nothing.
X_MAX, X_MIN = 89.0, -104.0
# Beyond these (decided on a kernel input that both kernels read, so they agree bit for
# bit), 2^k is split as 2^(k + 24) * 2^-24 (subnormal results) or 2^(k - 1) * 2 (k = 128).
SUB_BELOW, OVF_ABOVE = -80.0, 80.0
# expm1(r) = r + r^2 (1/2! + r/3! + ... + r^6/8!), |r| <= 0.35: truncation < 1e-9 relative.
_C = [1.0 / math.factorial(n) for n in range(2, 9)]

# MLX's CPU fuser cuts a kernel at 11 ops of depth; the depth of each piece is noted as
# [ops from the kernel's output]. Each kernel has one output: MLX does not fuse an
# intermediate that two outputs share.


def _flag(cond, marker):
    """``cond`` or a constant false that carries the marker into the kernel's source."""
    return mx.logical_or(cond, mx.array(marker, _I32) < 0)


def _n_of(w, lo=X_MIN, hi=X_MAX):
    """``(xc, n)``: ``w`` clamped to ``[lo, hi]``, and ``round(xc / ln 2)`` [5 deep]."""
    # Selects, not MLX's maximum/minimum (their NaN test is a branch that g++ does not
    # vectorise in some kernels); NaN fails both tests and passes through.
    xc = mx.where(w < lo, lo, mx.where(w > hi, hi, w))
    # A division, not a product: "xc * (1/ln 2) + ROUND" may be contracted into an fma in
    # one kernel and not in the other, and both kernels must find the same n.
    return xc, (xc / LN2 + ROUND) - ROUND


def _scale_bits(w, adj, marker, lo=X_MIN, hi=X_MAX):
    """The int32 bit pattern of ``2^(n + adj)`` [9 deep from w, 4 from adj]."""
    k = _n_of(w, lo, hi)[1].astype(_I32)
    if adj is not None:
        k = k + adj
    return mx.left_shift(mx.minimum(k, marker) + 127, 23)  # marker: a no-op clamp


def _reduced(w, lo=X_MIN, hi=X_MAX):
    """``r = w - n ln 2`` (Cody-Waite: ``n * LN2_HI`` is exact), ``|r| <= 0.35`` [8 deep]."""
    xc, n = _n_of(w, lo, hi)
    return (xc - n * LN2_HI) - n * LN2_LO


def _reduce_kernel(pre, lo=X_MIN, hi=X_MAX):
    def fn(x, marker):
        # A select on a constant: only to carry the marker (folded away by the compiler).
        w = x if pre is None else pre(x)
        return mx.where(_flag(x != x, marker), x, _reduced(w, lo, hi))

    return fn


def _expm1_poly(r):
    """expm1(r) for |r| <= 0.35 (Estrin's scheme; r*r is 5 ops below the result)."""
    r2 = r * r
    r4 = r2 * r2
    # (array op scalar, never scalar op array: a Python scalar on the left can reach the
    # kernel as a strided input, which g++ does not vectorise)
    t1 = r + r2 * (r * _C[1] + _C[0])
    t2 = r4 * (r * _C[3] + _C[2])
    t3 = (r4 * r2) * ((r * _C[5] + _C[4]) + r2 * _C[6])
    return t1 + (t2 + t3)


def _exp_adj(x, marker):
    # Two selects added, not nested: g++ does not vectorise nested int32 selects here.
    return mx.where(x < SUB_BELOW, 24, 0) + mx.where(x > OVF_ABOVE, -1, 0)


def _exp_rest(x, marker):
    """The factor 2^-24 or 2 that the scale's bits leave out, else 1 [3 deep]."""
    return mx.where(_flag(x < SUB_BELOW, marker), 2.0 ** -24,
                    mx.where(x > OVF_ABOVE, 2.0, 1.0))


def _exp_scale(x, marker):
    return _scale_bits(x, _exp_adj(x, marker), marker)


def _exp_finish(x, r, s, marker):
    # [0] * s, [1] * rest, [2] + 1, [3] q. (q + 1) * rest is exact, then one rounding.
    return ((_expm1_poly(r) + 1.0) * _exp_rest(x, marker)) * s


def _expm1_finish(x, r, s, marker):
    q = _expm1_poly(r)
    big = ((q + 1.0) * _exp_rest(x, marker)) * s   # k = 128 (and k < -126: rounds to -1)
    small = s * q + (s - 1.0)                       # exact parts: s = 2^k, |k| <= 126
    # [0] where, [1] where, [2] big, [3] * rest, [4] q + 1, [5] q. k = 0: q itself; x == 0
    # keeps the zero's sign (q of -0.0 is +0.0).
    return mx.where(s == 1.0, mx.where(x == 0, x, q),
                    mx.where(x > OVF_ABOVE, big, small))


def _pipeline(name: str, x, scale, finish, pre=None, bounds=(X_MIN, X_MAX)):
    """Three fused kernels: the scale's bits, the reduced argument, ``finish``."""
    m = _native.state.marker
    sb = _compile.kernel(f"fast.{name}.scale", scale, m)(x)
    r = _compile.kernel(f"fast.reduce.{name if pre else 'plain'}",
                        _reduce_kernel(pre, *bounds), m)(x)
    return _compile.kernel(f"fast.{name}.finish", finish, m)(x, r, mx.view(sb, _F32))


def _f32(a):
    return a if a.dtype == _F32 else a.astype(_F32)


def _back(out, a):
    return out if a.dtype == _F32 else out.astype(a.dtype)


# --- the functions ------------------------------------------------------------------------

def exp(a):
    return _back(_pipeline("exp", _f32(a), _exp_scale, _exp_finish), a)


def expm1(a):
    return _back(_pipeline("expm1", _f32(a), _exp_scale, _expm1_finish), a)


# The logistic family takes e = exp(-|x|) (never overflows): 1/(1+e), or e/(1+e) for x < 0.
def _neg_abs(x):
    return mx.minimum(x, -x)


def _logistic_adj(x, marker):
    return mx.where(mx.abs(x) > -SUB_BELOW, 24, 0)


def _logistic_scale(x, marker):
    return _scale_bits(_neg_abs(x), _logistic_adj(x, marker), marker)


def _logistic_exp(x, r, s):
    """exp(-|x|) [0] (q + 1) * 2^k, [1] q + 1, [2] q."""
    # 2^k = s * rest is exact (a power of two down to 2^-149): one rounding.
    return (_expm1_poly(r) + 1.0) * (s * mx.where(mx.abs(x) > -SUB_BELOW, 2.0 ** -24, 1.0))


def _logistic(x, r, s, marker):
    """sigmoid(x): [0] /, [1] 1 + e, [2] e."""
    e = _logistic_exp(x, r, s)
    return mx.where(_flag(x < 0, marker), e, 1.0) / (e + 1.0)


def _silu_finish(x, r, s, marker):
    # x / (1 + e) for x >= 0 (one rounding less than x * sigmoid), x e / (1 + e) below
    # ([0] /, [1] where, [2] x * e, [3] e). Below x = -87 the result is x times a
    # subnormal e: a few correct bits, as in PyTorch (which gives -0.0 there).
    e = _logistic_exp(x, r, s)
    return mx.where(_flag(x < 0, marker), x * e, x) / (e + 1.0)


def sigmoid(a):
    """1 / (1 + exp(-x)), as ``e / (1 + e)`` with ``e = exp(x)`` for negative x."""
    return _back(_pipeline("sigmoid", _f32(a), _logistic_scale, _logistic, _neg_abs), a)


def silu(a):
    """x * sigmoid(x) (-inf gives NaN, as in PyTorch)."""
    return _back(_pipeline("silu", _f32(a), _logistic_scale, _silu_finish, _neg_abs), a)


def _tanh_arg(x):
    return x + x  # (x * 2.0 reached this kernel as a strided input: not vectorised)


# tanh rounds to +-1 in float32 beyond |x| = 9.01; clamping 2x to +-20 keeps expm1(2x) finite.
TANH_BOUND = 20.0


def _tanh_scale(x, marker):
    return _scale_bits(_tanh_arg(x), None, marker, -TANH_BOUND, TANH_BOUND)


def _tanh_finish(x, r, s, marker):
    # e = expm1(2x) = s q + (s - 1), exact parts (|2x| <= 20); s = 1 gives q + 0 (-0.0
    # aside, which the select keeps). e / (e + 2) has no cancellation for either sign.
    # [0] where, [1] /, [2] e + 2, [3] e, [4] s * q, [5..10] polynomial
    e = s * _expm1_poly(r) + (s - 1.0)
    return mx.where(_flag(x == 0, marker), x, e / (e + 2.0))


def tanh(a):
    """expm1(2x) / (expm1(2x) + 2)."""
    return _back(_pipeline("tanh", _f32(a), _tanh_scale, _tanh_finish, _tanh_arg,
                           (-TANH_BOUND, TANH_BOUND)), a)


_GELU_C = 2.0 * math.sqrt(2.0 / math.pi)


def _gelu_tanh_arg(x, marker):
    # 0.5 x (1 + tanh(u)) = x sigmoid(2u), 2u = 2 sqrt(2/pi) (x + 0.044715 x^3)
    v = (x * _GELU_C) * ((x * x) * 0.044715 + 1.0)
    return mx.where(_flag(x != x, marker), x, v)


def _gelu_tanh_finish(v, r, s, x, marker):
    # x sigmoid(v): the logistic of v, times x (v has x's sign).
    e = _logistic_exp(v, r, s)
    return mx.where(_flag(v < 0, marker), x * e, x) / (e + 1.0)


def gelu_tanh(a):
    x = _f32(a)
    m = _native.state.marker
    v = _compile.kernel("fast.gelu_tanh.arg", _gelu_tanh_arg, m)(x)
    sb = _compile.kernel("fast.gelu_tanh.scale", _logistic_scale, m)(v)
    r = _compile.kernel("fast.reduce.sigmoid", _reduce_kernel(_neg_abs), m)(v)
    out = _compile.kernel("fast.gelu_tanh.finish", _gelu_tanh_finish, m)(
        v, r, mx.view(sb, _F32), x)
    return _back(out, a)
