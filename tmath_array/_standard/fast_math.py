"""Fast, accurate float32 kernels for MLX's CPU device: exp and the functions built on it.

MLX's Linux CPU build evaluates ``exp``, ``expm1``, ``tanh``, ``sigmoid``, ``erf``... one
element at a time, with ~59 ulp of error in float32 ``exp`` near |x| = 80. Here each
function is a range reduction plus a polynomial written in MLX ops and fused by
``mx.compile`` into C++ loops that the compiler vectorises (see ``_runtime/native.py`` for
when they are used and how they are built). Every kernel computes in float32: float16 and
bfloat16 input is widened once and the result rounded once. float64 never comes here.

Shape of the exp family (MLX's CPU fuser cuts a kernel at 11 levels of depth and 24
arrays, fuses nothing that two outputs share, and never fuses a bit cast, ``mx.view``):

1. ``scale``: ``x -> sb``, the int32 bit pattern of ``2^k`` (``x = k ln2 + r``, ``k`` moved
   into the normal exponents; below the subnormal threshold the last ``2^-24``, above 80
   the last factor 2, is applied by ``finish``, which decides it from the same input);
2. ``reduce``: ``x -> r``, ``|r| <= ln2/2`` (recomputing ``k``);
3. ``mx.view(sb, float32)`` (no copy), then ``finish``: ``expm1(r)`` by a degree-8
   polynomial (Estrin's scheme: shallow), and the function's own formula.

erf and the exact GELU add a kernel for ``erfcx``; log has its own four (see there). Each
public function is an ``mx.custom_function`` with its derivative (the view has no VJP).

``x = n ln2 + r`` uses the two-part ``ln2`` of Cody and Waite (``n * LN2_HI`` is exact), so
``r`` is exact up to ``2^-24 |n LN2_LO|``; the polynomial's truncation error is < 1e-9.
Measured error (``tests/test_fast_math.py``, and ``benchmarks/fast_math_accuracy.py`` over
every float32): see ``docs/fast_math.md``.

Where tmath_array's compiled extension loads (``_runtime/kernels``), each function's forward
computation is instead one call of its C++ kernel (the same reductions and polynomials, one
vectorised pass, threaded for large arrays), and ``sin``/``cos`` are served too; the
derivatives below are the same for both paths.

Every kernel carries ``marker`` (``_runtime.native``): a no-op clamp, or a select on a
constant condition, with a constant that names the kernel for this CPU and tells the
compiler wrapper to build it with ``-march=native``.
"""

from __future__ import annotations

import math

import mlx.core as mx

from .._runtime import compile_cache as _compile
from .._runtime import kernels as _kern
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

# MLX's CPU fuser cuts a kernel at 11 ops of depth: an op, or the broadcast of a constant,
# 11 levels below the output (counted along its deepest path) becomes a separate array (a
# constant's broadcast then makes the whole kernel strided and scalar). The depth of each
# piece is noted as [levels below the kernel's output]; the polynomial q needs 6 more
# levels, so q sits at [4] or higher. Each kernel has one output: MLX does not fuse an
# intermediate that two outputs share.


def _flag(cond, marker):
    """``cond`` or a constant false that carries the marker into the kernel's source."""
    return mx.logical_or(cond, mx.array(marker, _I32) < 0)


def _n_of(w, lo=X_MIN, hi=X_MAX):
    """``(xc, n)``: ``w`` clamped to ``[lo, hi]``, and ``round(xc / ln 2)`` [5 deep]."""
    # Selects, not MLX's maximum/minimum (their NaN test is a branch that g++ does not
    # vectorise in some kernels); NaN fails both tests and passes through. hi=None: w is
    # never above 0 (one select less: the fuser's depth budget is tight).
    xc = mx.where(w < lo, lo, w if hi is None else mx.where(w > hi, hi, w))
    # A division, not a product: "xc * (1/ln 2) + ROUND" may be contracted into an fma in
    # one kernel and not in the other, and both kernels must find the same n.
    return xc, (xc / LN2 + ROUND) - ROUND


def _scale_bits(w, adj, marker, lo=X_MIN, hi=X_MAX):
    """The int32 bit pattern of ``2^(n + adj)`` [9 deep from w, 4 from adj]."""
    k = _n_of(w, lo, hi)[1].astype(_I32)
    if adj is None:
        k = mx.minimum(k, marker)  # a no-op clamp: the marker
    else:
        k = k + mx.minimum(adj, marker)  # (adj is at most 24)
    return mx.left_shift(k + 127, 23)


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


def _expm1_scale(x, marker):
    # expm1 needs no subnormal scaling (it is -1 there): k is only kept >= -126.
    k = _n_of(x)[1].astype(_I32)
    k = mx.maximum(k + mx.minimum(mx.where(x > OVF_ABOVE, -1, 0), marker), -126)
    return mx.left_shift(k + 127, 23)


def _expm1_finish(x, r, s, marker):
    q = _expm1_poly(r)
    big = ((q + 1.0) * s) * 2.0            # k = 128: s = 2^127, exact, then one rounding
    small = s * q + (s - 1.0)              # exact parts: s = 2^k, -126 <= k <= 127
    # [0] where, [1] big / where, [2] (q+1) s / small, [3] q + 1 / s q, [4] q. k = 0: q
    # itself; x == 0 keeps the zero's sign (q of -0.0 is +0.0).
    return mx.where(_flag(x > OVF_ABOVE, marker), big,
                    mx.where(s == 1.0, mx.where(x == 0, x, q), small))


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

def _exp(a):
    return _back(_pipeline("exp", _f32(a), _exp_scale, _exp_finish), a)


def _expm1(a):
    return _back(_pipeline("expm1", _f32(a), _expm1_scale, _expm1_finish), a)


# The logistic family takes e = exp(-|x|) (never overflows): 1/(1+e), or e/(1+e) for x < 0.
def _neg_abs(x):
    return mx.minimum(x, -x)


def _logistic_adj(x, marker):
    return mx.where(mx.abs(x) > -SUB_BELOW, 24, 0)


def _logistic_scale(x, marker):
    return _scale_bits(_neg_abs(x), _logistic_adj(x, marker), marker, X_MIN, None)


def _logistic_exp(x, r, s):
    """exp(-|x|) [0] (q + 1) * 2^k, [1] q + 1, [2] q."""
    # 2^k = s * rest is exact (a power of two down to 2^-149): one rounding.
    return (_expm1_poly(r) + 1.0) * (s * mx.where(mx.abs(x) > -SUB_BELOW, 2.0 ** -24, 1.0))


def _logistic(x, r, s, marker):
    """sigmoid(x): [0] /, [1] 1 + e, [2] e."""
    e = _logistic_exp(x, r, s)
    return mx.where(_flag(x < 0, marker), e, 1.0) / (e + 1.0)


def _times_logistic(v, r, s, x, marker):
    """x sigmoid(v) (v has x's sign): x / (1 + e) for v >= 0, x e / (1 + e) below.

    [0] /, [1] where / e + 1, [2] (q + 1) (2^k x) / e, [3] q + 1, [4] q. x e keeps its
    accuracy where e is subnormal (x 2^k is exact or one rounding).
    """
    q1 = _expm1_poly(r) + 1.0
    two_k = s * mx.where(mx.abs(v) > -SUB_BELOW, 2.0 ** -24, 1.0)
    return mx.where(_flag(v < 0, marker), q1 * (two_k * x), x) / (q1 * two_k + 1.0)


def _silu_finish(x, r, s, marker):
    return _times_logistic(x, r, s, x, marker)


def _sigmoid(a):
    """1 / (1 + exp(-x)), as ``e / (1 + e)`` with ``e = exp(x)`` for negative x."""
    return _back(_pipeline("sigmoid", _f32(a), _logistic_scale, _logistic, _neg_abs,
                           (X_MIN, None)), a)


def _silu(a):
    """x * sigmoid(x) (-inf gives NaN, as in PyTorch)."""
    return _back(_pipeline("silu", _f32(a), _logistic_scale, _silu_finish, _neg_abs,
                           (X_MIN, None)), a)


def _tanh_arg(x):
    return x + x  # (x * 2.0 reached this kernel as a strided input: not vectorised)


# tanh rounds to +-1 in float32 beyond |x| = 9.01; clamping 2x to +-20 keeps expm1(2x) finite.
TANH_BOUND = 20.0


def _tanh_scale(x, marker):
    return _scale_bits(_tanh_arg(x), None, marker, -TANH_BOUND, TANH_BOUND)


def _tanh_finish(x, r, s, marker):
    # e = expm1(2x) = s q + (s - 1), exact parts (|2x| <= 20); s = 1 gives q + 0 (-0.0
    # aside, which the select keeps). e / (e + 2) has no cancellation for either sign.
    # [0] where, [1] /, [2] s q + (s +- 1), [3] s q, [4] q
    sq = s * _expm1_poly(r)
    return mx.where(_flag(x == 0, marker), x, (sq + (s - 1.0)) / (sq + (s + 1.0)))


def _tanh(a):
    """expm1(2x) / (expm1(2x) + 2)."""
    return _back(_pipeline("tanh", _f32(a), _tanh_scale, _tanh_finish, _tanh_arg,
                           (-TANH_BOUND, TANH_BOUND)), a)


_GELU_C = 2.0 * math.sqrt(2.0 / math.pi)


def _gelu_tanh_arg(x, marker):
    # 0.5 x (1 + tanh(u)) = x sigmoid(2u), 2u = 2 sqrt(2/pi) (x + 0.044715 x^3)
    v = (x * _GELU_C) * ((x * x) * 0.044715 + 1.0)
    return mx.where(_flag(x != x, marker), x, v)


def _gelu_tanh_finish(v, r, s, x, marker):
    return _times_logistic(v, r, s, x, marker)


def _gelu_tanh(a):
    x = _f32(a)
    m = _native.state.marker
    v = _compile.kernel("fast.gelu_tanh.arg", _gelu_tanh_arg, m)(x)
    sb = _compile.kernel("fast.gelu_tanh.scale", _logistic_scale, m)(v)
    r = _compile.kernel("fast.reduce.sigmoid", _reduce_kernel(_neg_abs, X_MIN, None), m)(v)
    out = _compile.kernel("fast.gelu_tanh.finish", _gelu_tanh_finish, m)(
        v, r, mx.view(sb, _F32), x)
    return _back(out, a)


# --- erf and the exact GELU -----------------------------------------------------------------
# erf(x) = x P(x^2) for |x| < 1; beyond, erf(|x|) = 1 - exp(-x^2) erfcx(|x|), with erfcx
# (= erfc(x) exp(x^2), smooth in t = 1/x) a polynomial in t - c. Coefficients: weighted
# least squares on Chebyshev nodes (relative error), rounded to float32; measured error in
# docs/fast_math.md.
_ERF_P = [1.1283791065216064, -0.37612324953079224, 0.11280179768800735,
          -0.02671131119132042, 0.004917550832033157, -0.0005631418898701668]
# erfcx(1/t) on t in [0.25, 1] (erf: 1 <= |x| <= 4; erf rounds to +-1 beyond 3.92)
_ERFCX_ERF = (0.625, [0.3059529960155487, 0.3822837769985199, -0.17239490151405334,
                      0.043767042458057404, 0.023337865248322487, -0.04694567248225212,
                      0.04307526350021362, -0.026895256713032722, 0.005812147632241249,
                      0.025932447984814644, -0.03674522787332535])
# erfcx(1/(sqrt(2) t)) on t = 1/|x| in [1/(10 sqrt 2), 1/sqrt 2] (GELU's tail, 1 <= |z| <= 10)
_ERFCX_GELU = (0.3889087438583374, [
    0.27629438042640686, 0.578178882598877, -0.3624694049358368, 0.09538257122039795,
    0.17986878752708435, -0.39190712571144104, 0.4559839069843292, -0.2924904227256775,
    -0.312744677066803, 1.4331547021865845, -1.5443713665008545])
# 2/sqrt(pi) - float32(2/sqrt(pi))
_ERF_C0_LO = 2.0 / math.sqrt(math.pi) - 1.1283791065216064
ERF_BOUND = 16.5           # -x^2 clamped here: erf is +-1 (to float32) long before
INV_SQRT2 = 0.7071067811865476
SQRT2 = 1.4142135623730951
GELU_SUB = 12.6            # |x| beyond: exp(-x^2/2) < 2^-114, scaled as in exp


def _estrin(u, cs):
    """sum cs[i] u^i (Estrin's scheme; array operand first)."""
    # (a lone last coefficient stays a Python float: p * c is an op on a constant)
    terms = [u * cs[i + 1] + cs[i] if i + 1 < len(cs) else cs[i]
             for i in range(0, len(cs), 2)]
    p = u * u
    while len(terms) > 1:
        terms = [terms[i] + p * terms[i + 1] if i + 1 < len(terms) else terms[i]
                 for i in range(0, len(terms), 2)]
        p = p * p
    return terms[0]


def _neg_square(x):
    return (x * x) * -1.0


def _half_neg_square(x):
    return (x * x) * -0.5


def _erf_scale(x, marker):
    return _scale_bits(_neg_square(x), None, marker, -ERF_BOUND, None)


def _erfcx_kernel(lo, hi, coeffs):
    c0, cs = coeffs

    def fn(x, marker):
        # Below lo the value is not used (the small branch is): no lower clamp.
        ax = mx.abs(x)
        a = mx.where(_flag(ax > hi, marker), hi, ax)
        return _estrin(mx.reciprocal(a) - c0, cs)

    return fn


def _erf_finish(x, r, s, rx, marker):
    # [0] where, [1] sgn - e R, [2] (q + 1) (s sgn R), [3] q + 1, [4] q
    sgn = mx.where(x < 0, -1.0, 1.0)
    big = sgn - (_expm1_poly(r) + 1.0) * ((s * sgn) * rx)
    # x C0 + x (x^2 Q(x^2) + C0_LO): the leading coefficient's rounding error kept out
    small = x * _ERF_P[0] + x * ((x * x) * _estrin(x * x, _ERF_P[1:]) + _ERF_C0_LO)
    return mx.where(_flag(mx.abs(x) < 1.0, marker), small, big)


def _erf(a):
    """erf: ``x P(x^2)`` below 1, ``1 - exp(-x^2) erfcx(x)`` beyond."""
    x = _f32(a)
    m = _native.state.marker
    sb = _compile.kernel("fast.erf.scale", _erf_scale, m)(x)
    r = _compile.kernel("fast.reduce.erf", _reduce_kernel(_neg_square, -ERF_BOUND, None), m)(x)
    rx = _compile.kernel("fast.erf.erfcx", _erfcx_kernel(1.0, 4.0, _ERFCX_ERF), m)(x)
    out = _compile.kernel("fast.erf.finish", _erf_finish, m)(x, r, mx.view(sb, _F32), rx)
    return _back(out, a)


def _gelu_adj(x, marker):
    return mx.where(mx.abs(x) > GELU_SUB, 24, 0)


def _gelu_scale(x, marker):
    return _scale_bits(_half_neg_square(x), _gelu_adj(x, marker), marker, X_MIN, None)


def _gelu_finish(x, r, s, rx, marker):
    # x Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2:
    #   |x| < sqrt 2: x/2 + (x/2) z P(z^2), z = x / sqrt 2;
    #   x > 0: x (1 - E/2), x < 0: x E/2, E = exp(-x^2/2) erfcx(|z|) (relative accuracy
    #   in the tail). [0] where, [1] +, [2] (q + 1) (K x), [3] q + 1, [4] q
    k = (s * mx.where(mx.abs(x) > GELU_SUB, 2.0 ** -24, 1.0)) * (rx * mx.where(x < 0, 0.5, -0.5))
    # Past x = 20 the tail term is below 1e-80 x: it is left out (+inf gives inf, not NaN).
    xt = mx.where(x > 20.0, 0.0, x)
    big = mx.where(x > 0, x, 0.0) + (_expm1_poly(r) + 1.0) * (k * xt)
    # |x| < sqrt 2: r already holds the result (see _gelu_reduce)
    return mx.where(_flag(mx.abs(x) < SQRT2, marker), r, big)


def _gelu_reduce(x, marker):
    """exp's reduced argument of -x^2/2; for |x| < sqrt 2, where it is not needed, the
    GELU itself: (x/2) (1 + z P(z^2)), z = x / sqrt 2 (-0.0 kept). (MLX fuses at most 24
    arrays, constants included, into one kernel: the finish has no room for P's.)"""
    h = x * 0.5
    small = h * ((x * INV_SQRT2) * _estrin(x * h, _ERF_P) + 1.0)
    return mx.where(_flag(mx.abs(x) < SQRT2, marker), small,
                    _reduced(_half_neg_square(x), X_MIN, None))


def _gelu_erf(a):
    """x Phi(x) with the erf above (GELU, approximate='none')."""
    x = _f32(a)
    m = _native.state.marker
    sb = _compile.kernel("fast.gelu.scale", _gelu_scale, m)(x)
    r = _compile.kernel("fast.gelu.reduce", _gelu_reduce, m)(x)
    rx = _compile.kernel("fast.gelu.erfcx",
                         _erfcx_kernel(SQRT2, 10.0 * SQRT2, _ERFCX_GELU), m)(x)
    out = _compile.kernel("fast.gelu.finish", _gelu_finish, m)(x, r, mx.view(sb, _F32), rx)
    return _back(out, a)


# --- where they are used ----------------------------------------------------------------------
_DTYPES = (mx.float32, mx.float16, mx.bfloat16)


def serves(a, ext_only: bool = False) -> bool:
    """Whether the fast kernels compute on ``a`` (an MLX array): a float32/float16/bfloat16
    array, on MLX's CPU-only build, with the kernels on (``_runtime.native``); with
    ``ext_only``, only where the compiled extension serves (sin, cos, the norms)."""
    return (_native.state.fast and not _native.GPU_AVAILABLE and a.dtype in _DTYPES
            and (not ext_only or uses_ext()))


def uses_ext() -> bool:
    """Whether the compiled extension computes (else the fused MLX-op kernels)."""
    return _native.state.ext and _kern.ext is not None


def routed(name: str, fast_fn, impl, ext_only: bool = False):
    """A unary impl ``(a, dtype, device)`` that runs ``fast_fn`` where :func:`serves`."""
    def fn(a, dt, dev):
        if serves(a, ext_only):
            return fast_fn(a)
        return impl(a, dt, dev)

    fn.__name__ = f"{name}_routed"
    return fn


# --- log ------------------------------------------------------------------------------------
# log(x) = k ln2 + log1p(f), x = 2^k m, m in [sqrt(1/2), sqrt 2), f = m - 1 (exact), with
# log1p(f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f): the classic fdlibm/musl logf
# scheme and its coefficients. m and k come from the bits of x (an int32 view of the input,
# no copy); subnormal x is first scaled by 2^23.
_LG = (0.66666662693, 0.40000972152, 0.28498786688, 0.24279078841)
_LOG_LN2_HI = 6.9313812256e-01      # 0x3f317180
_LOG_LN2_LO = 9.0580006145e-06      # 0x3717f7d1
FLT_MIN = 2.0 ** -126


def _log_prescale(x, marker):
    return mx.where(_flag(x < FLT_MIN, marker), x * 8388608.0, x)


def _log_parts(x, xi):
    """(k as float32, f) from the bits xi of the prescaled x [k: 5 deep, f: 5 deep]."""
    mant = mx.bitwise_and(xi, 0x7FFFFF)
    big = mant > 0x3504F3                    # m > sqrt 2: halve it
    fm = mant.astype(_F32) * (2.0 ** -23)   # m - 1, exact
    f = mx.where(big, fm * 0.5 - 0.5, fm)    # m/2 - 1, exact (shallower than from m)
    k = (mx.right_shift(xi, 23) - 127).astype(_F32) + (
        mx.where(big, 1.0, 0.0) - mx.where(x < FLT_MIN, 23.0, 0.0))
    return k, f


def _log_s(x, xi, marker):
    """s = f / (2 + f)."""
    f = _log_parts(x, xi)[1]
    return mx.where(_flag(x != x, marker), x, f / (f + 2.0))


def _log_t(s, marker):
    """s (f^2/2 + R(s^2)) - f^2/2, with f^2/2 = 2 s^2 / (1 - s)^2 (its rounding moves the
    result by < 0.1 ulp: it enters as (1 - s) f^2/2, next to f)."""
    z = s * s
    w = z * z
    r = z * (w * _LG[2] + _LG[0]) + w * (w * _LG[3] + _LG[1])
    om = s * -1.0 + 1.0
    hfsq = (z * 2.0) / (om * om)
    return mx.where(_flag(s != s, marker), s, s * (hfsq + r) - hfsq)


def _log_finish(x, xi, t, marker):
    k, f = _log_parts(x, xi)
    # +inf: its bits give k = 128, f = 0; the factor makes k ln2 (and the result) inf.
    # (Neither sqrt, which g++ does not vectorise here, nor a third nested select.)
    core = ((k * _LOG_LN2_HI) * mx.where(x == math.inf, math.inf, 1.0) + f) + (
        t + k * _LOG_LN2_LO)
    # 0 -> -inf; negative or NaN -> NaN
    return mx.where(x == 0, -math.inf, mx.where(_flag(x > 0, marker), core, math.nan))


def _log(a):
    x = _f32(a)
    m = _native.state.marker
    # four kernels: the scaled input, s, the polynomial part, the sum (the fuser's depth)
    xi = mx.view(_compile.kernel("fast.log.prescale", _log_prescale, m)(x), _I32)
    s = _compile.kernel("fast.log.s", _log_s, m)(x, xi)
    t = _compile.kernel("fast.log.t", _log_t, m)(s)
    out = _compile.kernel("fast.log.finish", _log_finish, m)(x, xi, t)
    return _back(out, a)




def _log1p_finish(x, u, lu, marker):
    # log1p(x) = log(u) + (x - (u - 1)) / u, u = 1 + x rounded (the correction is exact for
    # normal u; u = 1 gives x itself). -0.0 kept; -1 -> -inf, below -1 and NaN -> NaN,
    # inf -> inf: log(u) there.
    ok = (u > 0) & (u < math.inf) & (x != 0)
    return mx.where(_flag(ok, marker), lu + (x - (u - 1.0)) / u, mx.where(x == 0, x, lu))


def _log1p(a):
    x = _f32(a)
    m = _native.state.marker
    u = x + 1.0
    lu = _log(u)
    return _back(_compile.kernel("fast.log1p.finish", _log1p_finish, m)(x, u, lu), a)

# --- derivatives ------------------------------------------------------------------------------
# A kernel's bit cast (mx.view) has no VJP or JVP in MLX: each function is an
# mx.custom_function with its derivative written out. The VJP uses the output where that is
# exact (exp, tanh, sigmoid); everything else, and the JVP, uses MLX's own ops, which are
# differentiable again (higher orders work).
_INV_SQRT_2PI = 0.3989422804014327


def _one(a):
    return a[0] if isinstance(a, (tuple, list)) else a


def _ext_or(name, fused):
    """The forward computation: the extension's kernel ``name``, else ``fused``."""
    def fn(a):
        if uses_ext():
            return _back(_kern.unary(name, a), a)
        if fused is None:
            raise RuntimeError(f"no fused kernel for {name}: the extension serves it only")
        return fused(a)

    fn.__name__ = f"_{name}"
    return fn


def _differentiable(fn, d_x, d_out=None):
    """``fn`` with ``dy/dx = d_out(x, y)`` (VJP) or ``d_x(x)``, for vjp, jvp and vmap."""
    f = mx.custom_function(fn)

    # (MLX passes one input's primals, tangents and output as arrays, not tuples)
    @f.vjp
    def _vjp(primals, cotangent, output):
        x, ct, y = _one(primals), _one(cotangent), _one(output)
        return (ct * (d_out(x, y) if d_out is not None else d_x(x)),)

    @f.jvp
    def _jvp(primals, tangents):
        return (_one(tangents) * d_x(_one(primals)),)

    @f.vmap
    def _vmap(inputs, axes):
        # elementwise: the batched array goes through as it is
        return fn(_one(inputs)), _one(axes)

    return f


def _d_silu(x):
    sg = mx.sigmoid(x)
    return sg * (1.0 + x * (1.0 - sg))


def _d_gelu_erf(x):
    return 0.5 * (1.0 + mx.erf(x * INV_SQRT2)) + x * mx.exp(-0.5 * x * x) * _INV_SQRT_2PI


def _d_gelu_tanh(x):
    c = math.sqrt(2.0 / math.pi)
    t = mx.tanh(c * (x + 0.044715 * x * x * x))
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * x * x)


exp = _differentiable(_ext_or("exp", _exp), mx.exp, lambda x, y: y)
expm1 = _differentiable(_ext_or("expm1", _expm1), mx.exp, lambda x, y: y + 1.0)
log = _differentiable(_ext_or("log", _log), mx.reciprocal)
log1p = _differentiable(_ext_or("log1p", _log1p), lambda x: mx.reciprocal(x + 1.0))
tanh = _differentiable(_ext_or("tanh", _tanh), lambda x: 1.0 - mx.square(mx.tanh(x)),
                       lambda x, y: 1.0 - y * y)
sigmoid = _differentiable(_ext_or("sigmoid", _sigmoid),
                          lambda x: mx.sigmoid(x) * (1.0 - mx.sigmoid(x)),
                          lambda x, y: y * (1.0 - y))
silu = _differentiable(_ext_or("silu", _silu), _d_silu)
erf = _differentiable(_ext_or("erf", _erf),
                      lambda x: (2.0 / math.sqrt(math.pi)) * mx.exp(-(x * x)))
gelu_erf = _differentiable(_ext_or("gelu_erf", _gelu_erf), _d_gelu_erf)
gelu_tanh = _differentiable(_ext_or("gelu_tanh", _gelu_tanh), _d_gelu_tanh)
# The extension only (serves(a, ext_only=True)): MLX's own sin and cos otherwise.
sin = _differentiable(_ext_or("sin", None), mx.cos)
cos = _differentiable(_ext_or("cos", None), lambda x: -mx.sin(x))


# --- layer norm and RMS norm (the extension only) ---------------------------------------------
# Forward: one threaded pass of the extension over the rows; derivatives: MLX's own
# mx.fast.layer_norm / rms_norm (differentiable with MLX ops, higher orders included).

def _norm_fn(kind: str, has_w: bool, has_b: bool, eps: float):
    def ref(x, *wb):
        w = wb[0] if has_w else None
        b = wb[-1] if has_b else None
        if kind == "rms":
            return mx.fast.rms_norm(x, w, eps)
        return mx.fast.layer_norm(x, w, b, eps)

    def fwd(x, *wb):
        w = wb[0] if has_w else None
        b = wb[-1] if has_b else None
        y = (_kern.ext.rms_norm(x, w, eps) if kind == "rms"
             else _kern.ext.layer_norm(x, w, b, eps))
        return y if x.dtype == _F32 else y.astype(x.dtype)

    return _rowwise(fwd, ref)


def _rowwise(fwd, ref):
    """``fwd`` (the extension's row kernel on ``x`` and any shared row parameters) as an
    ``mx.custom_function`` whose derivatives are ``ref``'s (MLX's own op, higher orders
    included) and whose vmap moves ``x``'s batch axis in front of the rows."""
    f = mx.custom_function(fwd)

    @f.vjp
    def _vjp(primals, cotangents, outputs):
        primals = primals if isinstance(primals, (tuple, list)) else (primals,)
        _, grads = mx.vjp(ref, list(primals), [_one(cotangents)])
        return tuple(grads)

    @f.jvp
    def _jvp(primals, tangents):
        primals = primals if isinstance(primals, (tuple, list)) else (primals,)
        tangents = tangents if isinstance(tangents, (tuple, list)) else (tangents,)
        # (MLX passes None for an input without a tangent)
        tangents = [mx.zeros_like(p) if t is None else t for p, t in zip(primals, tangents)]
        return tuple(mx.jvp(ref, list(primals), tangents)[1])

    @f.vmap
    def _vmap(inputs, axes):
        # rows are independent: move the batch axis of x to the front (the rows' axis stays
        # last); weight and bias are shared (a batched weight or bias goes through MLX's
        # own ops)
        inputs = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
        axes = axes if isinstance(axes, (tuple, list)) else (axes,)
        if any(ax is not None for ax in axes[1:]):
            return mx.vmap(ref, in_axes=tuple(axes))(*inputs), 0
        x = inputs[0] if axes[0] is None else mx.moveaxis(inputs[0], axes[0], 0)
        return fwd(x, *inputs[1:]), 0 if axes[0] is not None else None

    return f


_NORMS: dict = {}


def _norm(kind, x, w, b, eps):
    key = (kind, w is not None, b is not None, float(eps))
    f = _NORMS.get(key)
    if f is None:
        f = _NORMS[key] = _norm_fn(kind, *key[1:])
    return f(x, *[a for a in (w, b) if a is not None])


def layer_norm(x, w, b, eps: float):
    """``mx.fast.layer_norm(x, w, b, eps)`` by the extension (see :func:`serves`)."""
    return _norm("layer", x, w, b, eps)


def rms_norm(x, w, eps: float):
    """``mx.fast.rms_norm(x, w, eps)`` by the extension (see :func:`serves`)."""
    return _norm("rms", x, w, None, eps)


# --- softmax and log-softmax over the last axis (the extension only) --------------------------
# Forward: one threaded kernel over the rows (max, exp and sum, divide: the fused path's
# operations in one pass per row); derivatives: MLX's own softmax / logsumexp.

def _softmax_fn(log: bool):
    def ref(x):
        if log:
            return x - mx.logsumexp(x, axis=-1, keepdims=True)
        return mx.softmax(x, axis=-1, precise=True)

    def fwd(x):
        y = _kern.ext.softmax(x, log)
        return y if x.dtype == _F32 else y.astype(x.dtype)

    return _rowwise(fwd, ref)


_softmax_last = _softmax_fn(False)
_log_softmax_last = _softmax_fn(True)


def softmax_last(x):
    """``mx.softmax(x, axis=-1, precise=True)`` by the extension (see :func:`serves`)."""
    return _softmax_last(x)


def log_softmax_last(x):
    """``x - logsumexp(x, axis=-1)`` (the max subtracted first) by the extension."""
    return _log_softmax_last(x)
