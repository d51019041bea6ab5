"""PyTorch's math, reductions, shape and indexing functions over the namespace.

Each function takes its tensor argument first, so it serves twice: ``torch.exp(x)`` and,
bound by :mod:`._methods`, ``x.exp()``. Every one runs through :func:`._ops.apply`
(PyTorch's type promotion, then namespace functions, then autograd when an input
requires grad).
"""

from __future__ import annotations

import builtins
import collections
import math

import mlx.core as mx
import numpy as np

import tmath_array.linalg as _xlinalg
import tmath_array.nn as _xnn

from .. import _numpy as _np_layer  # noqa: F401 (the NumPy layer's functions below)
from .._array import core as _acore
from .._array import dtypes as _d
from .._array import views as _views
from .._array.array import Array
from .._numpy import aliases as _al
from .._numpy import numeric as _nu
from .._numpy import products as _pr
from .._numpy import shape as _sh
from .._numpy import stats as _sx
from .._standard import creation as _cr
from .._standard import data_types as _dt
from .._standard import elementwise as _ew
from .._standard import fast_math as _fast
from .._standard import indexing as _ix
from .._standard import linear_algebra as _la
from .._standard import manipulation as _mf
from .._standard import searching as _se
from .._standard import sorting as _so
from .._standard import statistical as _st
from . import _types as _t
from ._ops import (
    _as_int,
    apply,
    as_dtype,
    astype,
    backward_class,
    binary,
    dim_index,
    inplace,
    int_view,
    multi_views,
    node_class,
    number,
    operand,
    promoted,
    sizes,
    tensor_arg,
    tensor_list,
    to_tensor,
)
from ._ops import (
    dims as dims_of,
)
from ._ops import (
    result_type as result_type_of,
)
from ._tensor import Tensor, of

# --- named tuples (torch.return_types) ---------------------------------------------------


def _return_type(name: str, fields=("values", "indices")):
    base = collections.namedtuple(name, fields)

    def __repr__(self):  # noqa: N807
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__,
                               "__module__": "torch.return_types"})
    return cls


class return_types:  # noqa: N801 - PyTorch's module name
    max = _return_type("max")
    min = _return_type("min")
    sort = _return_type("sort")
    topk = _return_type("topk")
    median = _return_type("median")
    mode = _return_type("mode")
    kthvalue = _return_type("kthvalue")
    aminmax = _return_type("aminmax", ("min", "max"))
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")
    std_mean = tuple
    slogdet = _return_type("slogdet", ("sign", "logabsdet"))
    qr = _return_type("qr", ("Q", "R"))
    svd = _return_type("svd", ("U", "S", "Vh"))
    eigh = _return_type("eigh", ("eigenvalues", "eigenvectors"))


# --- elementwise ---------------------------------------------------------------------


def _floating(x: Tensor) -> Tensor:
    """Integer and bool inputs of a floating function become the default float dtype."""
    if _t.category(x._dtype) < 2:
        return astype(x, _t.default_float())
    return x


def _unary(name: str, fn, *, floating: bool = False, saves: bool = True,
           node: str | None = None, real_only: bool = False):
    cls = node_class(node) if node else backward_class(name)

    def f(input):
        x = to_tensor(input)
        if floating:
            x = _floating(x)
        if real_only and _t.category(x._dtype) == 3:
            raise RuntimeError(f'"{name}" not implemented for \'ComplexFloat\'')
        return apply(cls, fn, (x,), saves=saves)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"PyTorch's ``torch.{name}`` (elementwise)."
    return f


@mx.custom_function
def _cabs_mx(a):
    from .._array import core as _core
    from .._array.devices import default_device
    return _ew.abs(_core.wrap(a, default_device()))._array


@_cabs_mx.vjp
def _cabs_vjp(primals, cotangent, output):
    # Note: MLX's derivative of complex abs is cotangent * sign(z), and sign's own derivative
    # is 0: second derivatives through |z| (create_graph) were 0. z / |z| written out (with
    # |z| from this function) is differentiable again.
    z = primals[0] if isinstance(primals, (list, tuple)) else primals
    r = _cabs_mx(z)
    zero = r == 0
    return (cotangent * mx.where(zero, mx.zeros_like(z), z / mx.where(zero, 1.0, r)),)


def _abs(u):
    if u._dtype is _d.complex64:
        from .._array import core as _core
        return _core.new(_cabs_mx(u._array), _d.float32, u._device)
    return _ew.abs(u)


abs = _unary("abs", _abs)  # noqa: A001
absolute = abs
neg = _unary("neg", _ew.negative, saves=False)
negative = neg
positive = _unary("positive", _ew.positive, saves=False)
@mx.custom_function
def _exp64_mx(a):
    from .._array import core as _core
    from .._array.devices import default_device
    return _ew.exp(_core.wrap(a, default_device()))._array


@_exp64_mx.vjp
def _exp64_vjp(primals, cotangent, output):
    # Note: the namespace's exact float64 exp is a composite (cosh and sinh) whose own
    # derivative is NaN where they overflow (exp(-800)); the derivative of exp is exp.
    return (cotangent * output,)


def _exp(u):
    if u._dtype is _d.float64:
        return _from_mx(_exp64_mx(u._array), u)
    return _ew.exp(u)


exp = _unary("exp", _exp, floating=True)
exp2 = _unary("exp2", _nu.exp2, floating=True)
expm1 = _unary("expm1", _ew.expm1, floating=True)
log = _unary("log", _ew.log, floating=True)
log2 = _unary("log2", _ew.log2, floating=True)
log10 = _unary("log10", _ew.log10, floating=True)
log1p = _unary("log1p", _ew.log1p, floating=True)
sqrt = _unary("sqrt", _ew.sqrt, floating=True)
sin = _unary("sin", _ew.sin, floating=True)
cos = _unary("cos", _ew.cos, floating=True)
tan = _unary("tan", _ew.tan, floating=True)
asin = _unary("asin", _ew.asin, floating=True)
acos = _unary("acos", _ew.acos, floating=True)
atan = _unary("atan", _ew.atan, floating=True)
arcsin, arccos, arctan = asin, acos, atan
sinh = _unary("sinh", _ew.sinh, floating=True)
cosh = _unary("cosh", _ew.cosh, floating=True)
tanh = _unary("tanh", _ew.tanh, floating=True)
asinh = _unary("asinh", _ew.asinh, floating=True)
acosh = _unary("acosh", _ew.acosh, floating=True)
atanh = _unary("atanh", _ew.atanh, floating=True)
arcsinh, arccosh, arctanh = asinh, acosh, atanh
floor = _unary("floor", _ew.floor)
ceil = _unary("ceil", _ew.ceil)
trunc = _unary("trunc", _ew.trunc)
fix = trunc
sign = _unary("sign", lambda u: _se.where(_ew.isnan(u), _cr.zeros((), dtype=u._dtype,
                                                                      device=u._device),
                                          _ew.sign(u))
               if _t.category(u._dtype) == 2 else _ew.sign(u))
# (PyTorch's sign of NaN is 0; the standard's, NaN)
square = _unary("square", _ew.square)
reciprocal = _unary("reciprocal", _ew.reciprocal, floating=True)
conj = _unary("conj", _ew.conj, saves=False)
def real(input):
    """The real parts of a complex tensor, a view of it (the tensor itself when real), as
    PyTorch's ``torch.real`` and ``t.real``."""
    x = to_tensor(input)
    if _t.category(x._dtype) != 3:
        return x
    return apply(node_class("RealBackward0"),
                 lambda u: _views.derived(_ew.real(u), u, ("real",)), (x,), saves=False)


def imag(input):
    """The imaginary parts of a complex tensor, a view of it (PyTorch's ``torch.imag``)."""
    x = to_tensor(input)
    if _t.category(x._dtype) != 3:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply(node_class("ImagBackward0"),
                 lambda u: _views.derived(_ew.imag(u), u, ("imag",)), (x,), saves=False)
isnan = _unary("isnan", _ew.isnan)
isinf = _unary("isinf", _ew.isinf)
isfinite = _unary("isfinite", _ew.isfinite)
signbit = _unary("signbit", _ew.signbit)
logical_not = _unary("logical_not", _ew.logical_not)
bitwise_not = _unary("bitwise_not", _ew.bitwise_invert)
deg2rad = _unary("deg2rad", _nu.deg2rad, floating=True)
rad2deg = _unary("rad2deg", _nu.rad2deg, floating=True)
sigmoid = _unary("sigmoid", _xnn.sigmoid, floating=True)
relu = _unary("relu", _xnn.relu)
def _erf_mx(a):
    # Note: MLX's erf has float32 accuracy in float64 (relative error ~2e-7) and is MLX's
    # slow one-element loop on the CPU build: float64 takes tmath_array.nn's series (its
    # derivative written out), float32 and half the fast kernels where they serve.
    if a.dtype == mx.float64:
        return _ERF64(a)
    if _fast.serves(a):
        return _fast.erf(a)
    return mx.erf(a)


_ERF64 = _fast._differentiable(
    _xnn._erf64, lambda x: (2.0 / np.sqrt(np.pi)) * _xnn._exp64(-(x * x)))
erf = _unary("erf", lambda x: _wrap_mx(_erf_mx, x), floating=True, real_only=True)
def _erfinv_mx(a):
    # Note: MLX's erfinv has float32 accuracy in float64 (erfinv(0.99999) 7e-5 off):
    # float64 refines it with Newton steps on the exact float64 erf.
    y = mx.erfinv(a)
    if a.dtype != mx.float64:
        return y
    # (where float32 rounds |a| to 1, MLX gives +-inf: start from the tail's
    # sqrt(-log(1 - a^2)), above the root, where Newton on the concave erf descends to it)
    tail = mx.sign(a) * mx.sqrt(-mx.log1p(-(a * a)))
    y = mx.where(mx.isinf(y) & (mx.abs(a) < 1), tail, y)
    for _ in range(6):  # (two from MLX's start; the tail's start takes six)
        step = (_xnn._erf64(y) - a) / ((2.0 / math.sqrt(math.pi)) * _xnn._exp64(-(y * y)))
        y = mx.where(mx.isfinite(y) & mx.isfinite(step), y - step, y)
    return y


erfinv = _unary("erfinv", lambda x: _wrap_mx(_erfinv_mx, x), floating=True, real_only=True)
sinc = _unary("sinc", lambda u: _dt.astype(_nu.sinc(_dt.astype(u, _d.float32)), u._dtype)
               if u._dtype in (_d.float16, _d.bfloat16) else _nu.sinc(u), floating=True)
# (half precision computed in float32, as PyTorch's CPU kernels do)


def _wrap_mx(mxfn, x: Array) -> Array:
    return _from_mx(mxfn(x._array), x)


def _from_mx(a, like: Array) -> Array:
    from .._array import core as _core
    return _core.new(a, like._dtype, like._device)


def _stop(idx: Array) -> Array:
    """Indices computed inside a recorded function: no derivative flows into them."""
    return _from_mx(mx.stop_gradient(idx._array), idx)


def rsqrt(input):
    x = _floating(to_tensor(input))
    return apply(backward_class("rsqrt"), lambda u: _ew.reciprocal(_ew.sqrt(u)), (x,))


def frac(input):
    x = to_tensor(input)
    return apply(backward_class("frac"), lambda u: _ew.subtract(u, _ew.trunc(u)), (x,))


def sgn(input):
    return sign(input)


def round(input, *, decimals: int = 0):  # noqa: A001
    x = to_tensor(input)
    if decimals == 0:
        return apply(backward_class("round"), _ew.round, (x,))
    if x._dtype in (_d.float16, _d.bfloat16):
        # (PyTorch scales half precision in float32: -104 * 1000 is no inf there)
        return apply(backward_class("round", 1), lambda u: _dt.astype(
            _al.around(_dt.astype(u, _d.float32), decimals), u._dtype), (x,))
    return apply(backward_class("round", 1), lambda u: _al.around(u, decimals), (x,))


def logit(input, eps=None):
    x = _floating(to_tensor(input))
    if eps is not None:
        eps = number(eps, "eps")
        if isinstance(eps, complex):
            raise TypeError("logit(): argument 'eps' must be float, not complex")

    if eps is not None and eps < 0:
        eps = None  # (PyTorch ignores a negative eps)

    def f(u):
        if eps is not None:
            # (PyTorch's kernel: x < eps ? eps : (x > 1 - eps ? 1 - eps : x))
            u = _se.where(_ew.less(u, eps), eps,
                          _se.where(_ew.greater(u, 1.0 - eps), 1.0 - eps, u))
        return _ew.log(_ew.divide(u, _ew.subtract(1.0, u)))
    return apply(backward_class("logit"), f, (x,))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced (by 0, the dtype's largest and its lowest value)."""
    x = to_tensor(input)
    if _t.category(x._dtype) != 2:
        return x if _t.category(x._dtype) < 2 else _unsupported("nan_to_num of complex")
    info = np.finfo(np.float32 if x._dtype is _d.bfloat16 else
                    {_d.float16: np.float16, _d.float32: np.float32}.get(x._dtype, np.float64))
    big = float(info.max) if x._dtype is not _d.bfloat16 else 3.3895313892515355e38
    vals = [number(v, n) for v, n in ((nan, "nan"), (posinf, "posinf"), (neginf, "neginf"))
            if v is not None]
    if builtins.any(isinstance(v, complex) for v in vals):
        raise TypeError("nan_to_num(): replacement values must be real numbers")
    nan_v = builtins.float(number(nan, "nan"))
    pos = big if posinf is None else builtins.float(number(posinf, "posinf"))
    neg = -big if neginf is None else builtins.float(number(neginf, "neginf"))

    def f(u):
        # (each test on the input: a NaN replaced by inf is not then replaced by posinf)
        out = _se.where(_ew.equal(u, float("inf")), pos, u)
        out = _se.where(_ew.equal(u, float("-inf")), neg, out)
        return _se.where(_ew.isnan(u), nan_v, out)
    return apply(backward_class("nan_to_num"), f, (x,))


def angle(input):
    x = to_tensor(input)
    if _t.category(x._dtype) == 3:
        return apply(backward_class("angle"), lambda u: _ew.atan2(_ew.imag(u), _ew.real(u)),
                     (x,))
    x = _floating(x)

    def f(u):
        a = _ew.multiply(_dt.astype(_ew.less(u, 0.0), u._dtype), 3.141592653589793)
        return _se.where(_ew.isnan(u), u, a)
    return apply(backward_class("angle"), f, (x,))


# --- binary ---------------------------------------------------------------------------

_ADD = backward_class("add")
_SUB = backward_class("sub")
_MUL = backward_class("mul")
_DIV = backward_class("div")
_POW = backward_class("pow")


def _alpha(other, alpha, input=None):
    alpha = number(alpha, "alpha")
    o = operand(other)
    if o is None:
        raise TypeError(f"argument 'other' must be Tensor or Number, not "
                        f"{type(other).__name__}")
    if alpha == 1:
        return other
    if isinstance(o, Tensor):
        # (scaled in the result's dtype: uint8 - int8 * 2 computes in int16, as PyTorch)
        i = operand(input) if input is not None else None
        if i is not None:
            o = astype(o, result_type_of(i, o))
        return mul(o, alpha)
    i = operand(input) if input is not None else None
    if i is not None and not isinstance(alpha, complex):
        dt = result_type_of(i, o)
        if _t.category(dt) == 2 and not isinstance(o, complex):
            # (PyTorch casts both numbers to the result dtype first: 5e-324 is 0 in float32,
            # 1e308 is inf)
            with np.errstate(over="ignore"):
                alpha = builtins.float(_np_float(dt)(alpha))
                o = builtins.float(_np_float(dt)(o))
    return o * alpha


def _np_float(dt):
    return {_d.float16: np.float16, _d.float64: np.float64}.get(dt, np.float32)


def _bool_pair(input, other):
    a, b = operand(input), operand(other)
    return a is not None and b is not None and result_type_of(a, b) is _d.bool


def add(input, other, *, alpha=1):
    """``input + alpha * other``."""
    if alpha != 1 and _bool_pair(input, other):
        # (bools: PyTorch's result stays bool, input or (alpha and other))
        return logical_or(input, other) if number(alpha, "alpha") else \
            logical_or(input, logical_and(other, False))  # (broadcast with other)
    return binary(_ew.add, _ADD, input, _alpha(other, alpha, input), saves=False)


def sub(input, other, *, alpha=1):
    """``input - alpha * other``."""
    return binary(_ew.subtract, _SUB, input, _alpha(other, alpha, input), saves=False)


subtract = sub


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha)


def mul(input, other):
    return binary(_ew.multiply, _MUL, input, other, scalar_saves=False)


multiply = mul


def _to_float_operands(a, b):
    """Integer operands of a floating result, each converted to the default float dtype
    directly (PyTorch converts every input, not their common integer type)."""
    a2, b2 = operand(a), operand(b)
    if a2 is None or b2 is None:
        return a, b
    if _t.category(result_type_of(a2, b2)) >= 2:
        return a2, b2
    f = _t.default_float()
    return tuple(astype(v, f) if isinstance(v, Tensor) else builtins.float(v) for v in (a2, b2))


def _integral(v) -> bool:
    if isinstance(v, Array):
        return _t.category(v._dtype) < 2
    return isinstance(v, int)


def true_divide_fn(u, v):
    """The namespace's divide with PyTorch's dtype for integer operands."""
    # Note: PyTorch divides integers into its own default float (float32), whatever
    # default dtype rule the namespace follows (float64 on the CPU under "numpy").
    if _integral(u) and _integral(v):
        f = _t.default_float()
        u = _dt.astype(u, f) if isinstance(u, Array) else u
        v = _dt.astype(v, f) if isinstance(v, Array) else v
    return _ew.divide(u, v)


true_divide_fn.__name__ = "divide"


def div(input, other, *, rounding_mode=None):
    """``input / other``; ``rounding_mode="trunc"`` or ``"floor"`` rounds the quotient."""
    if rounding_mode is None:
        a, b = operand(input), operand(other)
        if (isinstance(a, Tensor) and _t.category(a._dtype) < 2) or \
                (isinstance(b, Tensor) and _t.category(b._dtype) < 2):
            # Note: integer operands are each converted to the float result (PyTorch's
            # true division), never to their common integer type first.
            input, other = _to_float_operands(a, b)
        return binary(true_divide_fn, _DIV, input, other, scalar_saves=False)
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        a, b = operand(input), operand(other)
        dt, (x, y) = promoted(a, b)
        if _t.category(dt) >= 2:
            return trunc(div(x, y))
        return binary(lambda u, v: _trunc_div(u, v), backward_class("div", 2), x, y)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                       f"but found '{rounding_mode}'")


def _trunc_div(u, v):
    q = _ew.floor_divide(u, v)
    r = _ew.remainder(u, v)
    neg = _ew.logical_and(_ew.not_equal(r, 0), _ew.less(_ew.multiply(u, v), 0)) \
        if isinstance(u, Array) else None
    return _ew.add(q, _dt.astype(neg, q._dtype)) if neg is not None else q


divide = div
true_divide = div


def floor_divide(input, other):
    return binary(_ew.floor_divide, backward_class("floor_divide"), input, other)


def remainder(input, other):
    return binary(_ew.remainder, backward_class("remainder"), input, other)


def fmod(input, other):
    return binary(_nu.fmod, backward_class("fmod"), input, other)


def pow(input, exponent):  # noqa: A001
    """``input ** exponent``; integer tensors to negative integer powers raise, as PyTorch."""
    if isinstance(input, Array):  # an Array is a tensor here (the branches below need one)
        input = operand(input)
    if isinstance(exponent, builtins.int) and not isinstance(exponent, builtins.bool) and \
            isinstance(input, Tensor) and _t.category(input._dtype) == 1 and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if exponent.__class__ is builtins.float and (exponent == 0.5 or exponent == -0.5) and \
            isinstance(input, Tensor) and _t.category(input._dtype) == 2:
        # Note: PyTorch computes x ** 0.5 as sqrt(x) and x ** -0.5 as rsqrt(x) (NaN for
        # -inf and -0.0 ** -0.5 = -inf, where C's pow gives inf and inf).
        return sqrt(input) if exponent > 0 else rsqrt(input)
    if exponent.__class__ is builtins.float and exponent and isinstance(input, Tensor) and \
            _t.category(input._dtype) == 2:
        # (builtins.abs: this module's abs is torch.abs, a tensor and a sync point here)
        big = builtins.abs(exponent)
        if input._dtype is _d.float32 and 2**21 <= big < 2**127 and \
                builtins.float(np.float32(exponent)) != exponent and \
                builtins.float(np.float32(exponent)).is_integer():
            # Note: PyTorch keeps a Python exponent in double; rounded to float32 a large
            # exponent becomes an integer of another parity (-1 ** 4601631786060755.0 was 1,
            # not -1) or an integer at all (-0.33 ** -3785598.99 was -inf, not NaN):
            # |x| ** e as exp(e log|x|) in float64 (MLX's float64 pow is float32-accurate),
            # the sign of x kept for an odd e, NaN for a finite negative x and a fraction e.
            ax = astype(abs(input), _d.float64)
            mag = astype(exp(mul(log(ax), exponent)), _d.float32)
            if not exponent.is_integer():
                return where(logical_and(lt(input, 0), isfinite(input)), math.nan, mag)
            return copysign(mag, input) if exponent % 2 == 1 else mag
        if input._dtype is _d.float32 and big < _F32_TINY:
            # Note: PyTorch keeps a Python exponent in double for float32 (float16 and
            # bfloat16 round it as MLX does); MLX rounds it to float32, where 1e-66 is 0.
            if input._device.type == "cpu":
                # computed in float64 (-8 ** -2e-100 is NaN, not 1)
                return astype(pow(astype(input, _d.float64), exponent), _d.float32)
            # no float64 on a GPU: float32's smallest exponent of the same sign gives
            # PyTorch's results but for negative bases (x ** 0 = 1, -inf ** -1e-66 = 0)
            exponent = math.copysign(_F32_TINY, exponent)
    return binary(_ew.pow, _POW, input, exponent)


_F32_TINY = float(np.finfo(np.float32).smallest_subnormal)


def float_power(input, exponent):
    """``input ** exponent`` computed in double precision (float64; complex64 for complex
    operands: MLX has no complex128), as PyTorch's ``float_power``."""
    a, b = operand(input), operand(exponent)
    if a is None or b is None:
        raise TypeError(f"float_power(): unsupported operand types {type(input).__name__}, "
                        f"{type(exponent).__name__}")
    cplx = builtins.any(
        (isinstance(v, Tensor) and _t.category(v._dtype) == 3) or isinstance(v, builtins.complex)
        for v in (a, b))
    # Note: PyTorch's result is complex128 for complex operands; MLX has no complex128.
    dt = _d.complex64 if cplx else _d.float64
    conv = builtins.complex if cplx else builtins.float
    a, b = (astype(v, dt) if isinstance(v, Tensor) else conv(v) for v in (a, b))
    return pow(a, b)


def atan2(input, other):
    x, y = _to_float_operands(input, other)
    return binary(_ew.atan2, backward_class("atan2"), x, y)


arctan2 = atan2


@mx.custom_function
def _hypot_mx(a, b):
    from .._array import core as _core
    return _ew.hypot(_core.wrap(a, _CPU_DEV()), _core.wrap(b, _CPU_DEV()))._array


@_hypot_mx.vjp
def _hypot_vjp(primals, cotangent, output):
    # Note: the namespace's overflow-safe hypot goes through max/min, whose derivative at
    # x == y differs from PyTorch's x / hypot; this is PyTorch's derivative.
    a, b = primals
    safe = mx.where(output == 0, 1, output)
    return cotangent * a / safe, cotangent * b / safe


def _CPU_DEV():  # noqa: N802
    from .._array.devices import default_device
    return default_device()


def _hypot(u, v):
    for w in (u, v):
        if isinstance(w, Array) and _t.category(w._dtype) < 2:
            # Note: PyTorch's hypot takes floating tensors only (the namespace, as NumPy,
            # computes integers in a float).
            raise RuntimeError(f'"hypot" not implemented for \'{_t.dtype_str(w._dtype)}\'')
    if isinstance(u, Array) and isinstance(v, Array) and u._dtype is v._dtype:
        return _from_mx(_hypot_mx(u._array, v._array), u)
    return _ew.hypot(u, v)


def hypot(input, other):
    return binary(_hypot, backward_class("hypot"), input, other)


def _tie_split(pick):
    """max/min whose gradient is shared equally by tied operands, as in PyTorch (MLX gives
    all of it to one side)."""
    def f(u, v):
        if not isinstance(u, Array) or not isinstance(v, Array) or \
                _t.category(u._dtype if isinstance(u, Array) else v._dtype) < 2:
            return (_ew.maximum if pick is _ew.greater else _ew.minimum)(u, v)
        half = _ew.add(_ew.multiply(u, 0.5), _ew.multiply(v, 0.5))
        return _se.where(pick(u, v), u, _se.where(pick(v, u), v, half))
    f.__name__ = "maximum" if pick is _ew.greater else "minimum"
    return f


_MAXIMUM = _tie_split(_ew.greater)
_MINIMUM = _tie_split(_ew.less)


def maximum(input, other):
    return binary(_MAXIMUM, backward_class("maximum"), input, other)


def minimum(input, other):
    return binary(_MINIMUM, backward_class("minimum"), input, other)


def fmax(input, other):
    return binary(_nu.fmax, backward_class("fmax"), input, other)


def fmin(input, other):
    return binary(_nu.fmin, backward_class("fmin"), input, other)


def copysign(input, other):
    # (PyTorch's promotion first, then integers to the default float: uint64 with bfloat16
    # is bfloat16, not the float32 that converting the integer input alone gave)
    x, y = _to_float_operands(to_tensor(input), other)
    return binary(_ew.copysign, backward_class("copysign"), x, y)


def logaddexp(input, other):
    return binary(_ew.logaddexp, backward_class("logaddexp"), input, other)


def _compare(name, fn):
    cls = backward_class(name)

    def f(input, other):
        return binary(fn, cls, input, other)
    f.__name__ = f.__qualname__ = name
    return f


eq = _compare("eq", _ew.equal)
ne = _compare("ne", _ew.not_equal)
lt = _compare("lt", _ew.less)
le = _compare("le", _ew.less_equal)
gt = _compare("gt", _ew.greater)
ge = _compare("ge", _ew.greater_equal)
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge
logical_and = _compare("logical_and", lambda a, b: _ew.logical_and(_bool(a), _bool(b)))
logical_or = _compare("logical_or", lambda a, b: _ew.logical_or(_bool(a), _bool(b)))
logical_xor = _compare("logical_xor", lambda a, b: _ew.logical_xor(_bool(a), _bool(b)))
bitwise_and = _compare("bitwise_and", _ew.bitwise_and)
bitwise_or = _compare("bitwise_or", _ew.bitwise_or)
bitwise_xor = _compare("bitwise_xor", _ew.bitwise_xor)
bitwise_left_shift = _compare("bitwise_left_shift", _ew.bitwise_left_shift)
bitwise_right_shift = _compare("bitwise_right_shift", _ew.bitwise_right_shift)


def _bool(a):
    if isinstance(a, Array):
        return a if a._dtype is _d.bool else _ew.not_equal(a, 0)
    return builtins.bool(a)


def clamp(input, min=None, max=None):  # noqa: A002
    """``input`` limited to ``[min, max]`` (numbers or tensors)."""
    x = to_tensor(input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if _t.category(x._dtype) == 3:
        raise RuntimeError("clamp is not supported for complex types")
    lo = operand(min) if min is not None else None
    hi = operand(max) if max is not None else None
    for b in (lo, hi):
        if b is None and (min if b is lo else max) is not None or \
                b is not None and not isinstance(b, Tensor) and isinstance(b, complex):
            raise TypeError("clamp: min and max must be real numbers or tensors")
    ops = [o for o in (x, lo, hi) if o is not None]
    dt, _ = promoted(*ops)
    x = astype(x, dt)
    tens = [x]
    for b in (lo, hi):
        if isinstance(b, Tensor):
            tens.append(astype(b, dt))
    lo_t = isinstance(lo, Tensor)
    hi_t = isinstance(hi, Tensor)
    lo_s = None if lo is None or lo_t else (builtins.float(lo) if _t.category(dt) >= 2 else lo)
    hi_s = None if hi is None or hi_t else (builtins.float(hi) if _t.category(dt) >= 2 else hi)

    def f(u, *bounds):
        bs = list(bounds)
        a = bs.pop(0) if lo_t else lo_s
        b = bs.pop(0) if hi_t else hi_s
        # Note: PyTorch's clamp with min > max gives max, and its gradient reaches the
        # input where it equals a bound: where() selects as it does.
        nan = _t.category(u._dtype) >= 2
        if a is not None:
            u = _se.where(_ew.less(u, a), a, u)
            if nan and (isinstance(a, Array) or a != a):
                u = _se.where(_ew.isnan(a) if isinstance(a, Array) else
                              _ew.isnan(u) | True, a, u)
        if b is not None:
            u = _se.where(_ew.greater(u, b), b, u)
            if nan and (isinstance(b, Array) or b != b):
                u = _se.where(_ew.isnan(b) if isinstance(b, Array) else
                              _ew.isnan(u) | True, b, u)
        return u
    return apply(node_class("ClampBackward1"), f, tuple(tens))


clip = clamp


def clamp_min(input, min):  # noqa: A002
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    return clamp(input, max=max)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``; one argument: ``nonzero``."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    c = to_tensor(condition)
    if c._dtype is not _d.bool:
        c = of(_ew.not_equal(c, 0))
    a, b = operand(input), operand(other)
    dt, (x, y) = promoted(a, b)
    tens = [t for t in (x, y) if isinstance(t, Tensor)]
    xt, yt = isinstance(x, Tensor), isinstance(y, Tensor)

    def f(*ts):
        ts = list(ts)
        u = ts.pop(0) if xt else x
        v = ts.pop(0) if yt else y
        if not xt and not yt:
            u = _cr.asarray(u, dtype=dt, device=c._device)
        return _se.where(c, u, v)
    if not tens:
        return of(f())
    return apply(backward_class("where"), f, tuple(tens))


def lerp(input, end, weight):
    """``input + weight * (end - input)``: ``input`` and ``end`` floating tensors of one
    dtype, ``weight`` a number or a tensor of that dtype (PyTorch's rules)."""
    x = tensor_arg(input, "input")
    if not isinstance(end, Array):
        raise TypeError(f"lerp(): argument 'end' must be Tensor, not {type(end).__name__}")
    e = to_tensor(end)
    if _t.category(x._dtype) < 2:
        raise RuntimeError(f'"lerp_kernel_scalar" not implemented for '
                           f"'{_t.dtype_str(x._dtype)}'")
    for what, t in (("end", e), ("weight", weight)):
        if isinstance(t, Array) and t._dtype is not x._dtype:
            raise RuntimeError(f"expected dtype {_t.dtype_str(x._dtype)} for `{what}` but got "
                               f"dtype {_t.dtype_str(t._dtype)}")
    if not isinstance(weight, Array):
        weight = number(weight, "weight")
    return add(x, mul(weight, sub(e, x)))


def _common(*xs):
    """Tensors converted to their PyTorch result type (all three operands of addcmul)."""
    ts = [tensor_arg(x, "input") for x in xs]
    dt = result_type_of(*ts)
    return [astype(t, dt) for t in ts]


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``, in the operands' common dtype."""
    a, b, c = _common(input, tensor1, tensor2)
    # Note: PyTorch's kernel computes value * tensor1 * tensor2 left to right (value=0 with
    # an overflowing product gives input, not NaN).
    return add(a, mul(mul(b, number(value, "value")), c))


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``, in the operands' common dtype."""
    a, b, c = _common(input, tensor1, tensor2)
    if _t.category(a._dtype) < 2:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 "
                           "and tensor2.")
    # (PyTorch's order: value * tensor1 / tensor2, left to right)
    return add(a, div(mul(b, number(value, "value")), c))


def square_(input):
    return inplace(input, square(input))


# --- reductions -------------------------------------------------------------------------

def _sum_dtype(x: Tensor, dtype):
    dt = as_dtype(dtype)
    if dt is None and _t.category(x._dtype) < 2:
        dt = _d.int64
    return dt


def _sum_input(x: Tensor, dt) -> Tensor:
    # The standard's sum takes no dtype= wider than a bool input's kind: cast first.
    return astype(x, dt) if dt is not None and x._dtype is _d.bool else x


def sum(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None):  # noqa: A001
    """The sum over ``dim`` (all by default); integers and bools sum in int64."""
    x = to_tensor(input)
    ax = dims_of(dim if axis is None else axis)
    dt = _sum_dtype(x, dtype)
    x = _sum_input(x, dt)
    cls = node_class("SumBackward0" if ax is None else "SumBackward1")
    return apply(cls, lambda u: _st.sum(u, axis=ax, keepdims=keepdim, dtype=dt), (x,),
                 saves=False)


def nansum(input, dim=None, keepdim: bool = False, *, dtype=None):
    x = to_tensor(input)
    if _t.category(x._dtype) < 2:
        return sum(x, dim, keepdim, dtype=dtype)
    ax = dims_of(dim)
    return apply(backward_class("nansum"),
                 lambda u: _st.sum(_se.where(_ew.isnan(u), 0.0, u), axis=ax, keepdims=keepdim,
                                   dtype=as_dtype(dtype)), (x,))


def prod(input, dim=None, keepdim: bool = False, *, dtype=None):
    x = to_tensor(input)
    ax = dims_of(dim)
    dt = _sum_dtype(x, dtype)
    x = _sum_input(x, dt)
    return apply(backward_class("prod", 0 if ax is None else 1),
                 lambda u: _st.prod(u, axis=ax, keepdims=keepdim, dtype=dt), (x,))


def _mean_input(name, x: Tensor, dtype) -> Tensor:
    dt = as_dtype(dtype)
    if dt is not None:
        return astype(x, dt)
    if _t.category(x._dtype) < 2:
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be "
                           f"either a floating point or complex dtype. Got: "
                           f"{_d.NAMES[x._dtype].capitalize()}")
    return x


def mean(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None):
    x = _mean_input("mean", to_tensor(input), dtype)
    ax = dims_of(dim if axis is None else axis)
    cls = node_class("MeanBackward0" if ax is None else "MeanBackward1")
    return apply(cls, lambda u: _st.mean(u, axis=ax, keepdims=keepdim), (x,), saves=False)


def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None):
    x = _mean_input("nanmean", to_tensor(input), dtype)
    if _t.category(x._dtype) == 3:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    ax = dims_of(dim)
    if x._dtype in (_d.float16, _d.bfloat16):
        # Note: PyTorch divides the nansum, rounded to the dtype (inf past its range),
        # by the count; NumPy's nanmean keeps the sum in a wider type.
        def f(u):
            total = _sx.nansum(u, axis=ax, keepdims=keepdim)
            count = _st.sum(_dt.astype(_ew.logical_not(_ew.isnan(u)), u._dtype), axis=ax,
                            keepdims=keepdim)
            return _ew.divide(_dt.astype(total, u._dtype), count)
        return apply(backward_class("nanmean"), f, (x,))
    return apply(backward_class("nanmean"),
                 lambda u: _sx.nanmean(u, axis=ax, keepdims=keepdim), (x,))


def _correction(dim, unbiased, correction):
    if isinstance(dim, builtins.bool):  # std(x, True): the old unbiased overload
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    elif isinstance(correction, (np.generic, Array)):
        correction = number(correction, "correction")  # (np.int64(3) counts as 3)
    return dims_of(dim), correction


def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """The variance; PyTorch's default is unbiased (``correction=1``)."""
    x = _mean_input("var", to_tensor(input), None)
    ax, c = _correction(dim, unbiased, correction)
    _dof_warning("var", x, ax, c)
    return apply(backward_class("var"), lambda u: _var(u, ax, c, keepdim), (x,))


def _dof_warning(name, x, ax, c) -> None:
    if _past_count(c, _count(x, ax)):
        import warnings
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)


def _var(u, ax, c, keepdim):
    n = _count(u, ax)
    if _no_dof(c, n):
        # Note: PyTorch divides by max(0, n - correction): inf (0/0: NaN) where the
        # standard's var gives NaN.
        ssd = _ew.multiply(_st.var(u, axis=ax, correction=0, keepdims=keepdim), float(n))
        return _ew.divide(ssd, 0.0)
    return _empty_nan(_st.var(u, axis=ax, correction=c, keepdims=keepdim), u)


def _count(u, ax) -> int:
    """The number of elements each result of a reduction over ``ax`` reads (0 where
    ``ax`` is not valid: the reduction itself reports it)."""
    shape = u._array.shape
    if ax is None:
        return u._array.size
    axes = ax if isinstance(ax, tuple) else (ax,)
    n = 1
    for a in axes:
        if a.__class__ is not builtins.int or not -builtins.max(len(shape), 1) <= a < \
                builtins.max(len(shape), 1):
            return 0
        n *= shape[a] if shape else 1
    return n


def _past_count(c, n: int) -> bool:
    """Whether a ``correction`` leaves no degrees of freedom (PyTorch then divides by 0)."""
    return n > 0 and isinstance(c, (builtins.int, builtins.float)) and \
        not isinstance(c, builtins.bool) and c >= n


def _no_dof(c, n: int) -> bool:
    """Whether PyTorch's divisor ``max(0, n - c)`` is 0: ``c`` past the count (with its
    warning, :func:`_dof_warning`) or NaN (without)."""
    return _past_count(c, n) or (n > 0 and isinstance(c, builtins.float) and math.isnan(c))


def _empty_nan(r, u):
    # (PyTorch: the variance of no elements is NaN, whatever the correction)
    return _ew.add(r, float("nan")) if u._array.size == 0 else r


def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """The standard deviation; PyTorch's default is unbiased (``correction=1``)."""
    x = _mean_input("std", to_tensor(input), None)
    ax, c = _correction(dim, unbiased, correction)
    _dof_warning("std", x, ax, c)
    return apply(backward_class("std"), lambda u: _ew.sqrt(_var(u, ax, c, keepdim))
                 if _no_dof(c, _count(u, ax)) else
                 _empty_nan(_st.std(u, axis=ax, correction=c, keepdims=keepdim), u), (x,))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dims_of(dim) if not isinstance(dim, builtins.bool) else None, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dims_of(dim) if not isinstance(dim, builtins.bool) else None, keepdim))


def _ordered(x: Tensor) -> Tensor:
    # The standard's max/argmax/sort take no bools; they order as uint8.
    return of(_dt.astype(x, _d.uint8)) if x._dtype is _d.bool else x


def _back(res: Tensor, like: Tensor) -> Tensor:
    return of(_dt.astype(res, _d.bool)) if like._dtype is _d.bool and res._dtype is not _d.bool \
        else res


def _nonempty(name, x, ax):
    if x._array.size == 0 and ax is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                           "input.numel() == 0. Specify the reduction dim with the 'dim' "
                           "argument.")


def _minmax(name, red, arg, rt):
    cls0 = backward_class(name, 0)
    cls1 = backward_class(name, 1)
    elementwise = maximum if name == "max" else minimum

    def f(input, dim=None, keepdim: bool = False, *, other=None):
        if isinstance(dim, Array) and not isinstance(dim, builtins.int):
            return elementwise(input, dim)
        if other is not None:
            return elementwise(input, other)
        x = to_tensor(input)
        if dim is None:
            _nonempty(name, x, None)
            xo = _ordered(x)
            return _back(apply(cls0, lambda u: red(u), (xo,)), x)
        d = dims_of(dim)
        xo = _ordered(x)
        vals, idx = apply(cls1, lambda u: (red(u, axis=d, keepdims=keepdim),
                                           _dt.astype(arg(u, axis=d, keepdims=keepdim),
                                                      _d.int64)), (xo,))
        return rt(_back(vals, x), idx)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"``torch.{name}(x)`` (a 0-d tensor), ``torch.{name}(x, dim, keepdim)`` "
                 f"(named tuple of values and int64 indices), ``torch.{name}(x, other)``.")
    return f


max = _minmax("max", _st.max, _se.argmax, return_types.max)  # noqa: A001
min = _minmax("min", _st.min, _se.argmin, return_types.min)  # noqa: A001


def amax(input, dim=(), keepdim: bool = False):
    x = to_tensor(input)
    ax = dims_of(dim)
    xo = _ordered(x)
    return _back(apply(backward_class("amax"), lambda u: _st.max(u, axis=ax, keepdims=keepdim),
                       (xo,)), x)


def amin(input, dim=(), keepdim: bool = False):
    x = to_tensor(input)
    ax = dims_of(dim)
    xo = _ordered(x)
    return _back(apply(backward_class("amin"), lambda u: _st.min(u, axis=ax, keepdims=keepdim),
                       (xo,)), x)


def aminmax(input, *, dim=None, keepdim=False):
    return return_types.aminmax(amin(input, dim if dim is not None else (), keepdim),
                                amax(input, dim if dim is not None else (), keepdim))


def _arg(fn, name, input, dim, keepdim):
    x = _ordered(to_tensor(input))
    d = dims_of(dim)
    _nonempty(name, x, d)
    res = _dt.astype(fn(x, axis=d, keepdims=keepdim if d is not None else False), _d.int64)
    if d is None and keepdim:
        res = _mf.reshape(res, (1,) * x.ndim)  # (PyTorch keeps every dimension)
    return of(res)


def argmax(input, dim=None, keepdim: bool = False):
    return _arg(_se.argmax, "argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim: bool = False):
    return _arg(_se.argmin, "argmin", input, dim, keepdim)


def all(input, dim=None, keepdim: bool = False):  # noqa: A001
    x = to_tensor(input)
    if isinstance(dim, (tuple, list)) and not dim:
        return of(_ut_all(_mf.expand_dims(x, axis=0), 0, False))  # (no dim: elementwise)
    return of(_ut_all(x, dims_of(dim), keepdim))


def any(input, dim=None, keepdim: bool = False):  # noqa: A001
    x = to_tensor(input)
    if isinstance(dim, (tuple, list)) and not dim:
        return of(_ut_any(_mf.expand_dims(x, axis=0), 0, False))
    return of(_ut_any(x, dims_of(dim), keepdim))


def _ut_all(x, ax, keepdim):
    from .._standard import utility as _ut
    return _ut.all(x, axis=ax, keepdims=keepdim)


def _ut_any(x, ax, keepdim):
    from .._standard import utility as _ut
    return _ut.any(x, axis=ax, keepdims=keepdim)


def logsumexp(input, dim, keepdim: bool = False):
    x = _floating(to_tensor(input))
    if not isinstance(keepdim, builtins.bool):
        raise TypeError(f"logsumexp(): argument 'keepdim' must be bool, not "
                        f"{type(keepdim).__name__}")
    ax = dims_of(dim)

    if ax is not None:
        for d in (ax if isinstance(ax, tuple) else (ax,)):
            dim_index(d, x.ndim)
        if x.ndim == 0:
            ax = None

    def f(u):
        if u._array.size == 0:
            return _ew.log(_st.sum(_ew.exp(u), axis=ax, keepdims=keepdim))
        if u._dtype is _d.float64:
            # Note: MLX's float64 logsumexp has float32 accuracy; the namespace's exp and
            # log are exact in float64.
            m = _st.max(u, axis=ax, keepdims=True)
            m = _from_mx(mx.stop_gradient(m._array), m)
            m = _se.where(_ew.isfinite(m), m, _cr.zeros((), dtype=u._dtype, device=u._device))
            r = _ew.add(_ew.log(_st.sum(_exp(_ew.subtract(u, m)), axis=ax, keepdims=True)),
                        m)
            if not keepdim:
                r = _mf.squeeze(r, ax if ax is not None else tuple(range(u.ndim)))
            return r
        axis = list(ax) if isinstance(ax, tuple) else ax
        a = mx.logsumexp(u._array, axis=axis, keepdims=keepdim, stream=u._device._s)
        return _from_mx(a, u)
    return apply(backward_class("logsumexp"), f, (x,))


def cumsum(input, dim, *, dtype=None):
    x = to_tensor(input)
    d = dims_of(dim)
    dt = _sum_dtype(x, dtype)
    x = _sum_input(x, dt)
    return apply(backward_class("cumsum"), lambda u: _st.cumulative_sum(u, axis=d, dtype=dt),
                 (x,), saves=False)


def cumprod(input, dim, *, dtype=None):
    x = to_tensor(input)
    d = dims_of(dim)
    dt = _sum_dtype(x, dtype)
    x = _sum_input(x, dt)
    return apply(backward_class("cumprod"), lambda u: _st.cumulative_prod(u, axis=d, dtype=dt),
                 (x,))


def median(input, dim=None, keepdim: bool = False):
    """The lower median (PyTorch's: no averaging of the middle two); with ``dim``, values
    and int64 indices."""
    x = to_tensor(input)
    if dim is None:
        flat = reshape(x, (-1,))
        n = flat._array.size
        if n == 0:
            return of(_cr.full((), float("nan"), dtype=x._dtype, device=x._device))
        vals, _ = sort(flat)
        if _t.category(x._dtype) < 2:
            return vals[(n - 1) // 2]
        # As PyTorch: NaN when any value is NaN (sorted last).
        return where(any(isnan(flat)), vals[n - 1], vals[(n - 1) // 2])
    d = dim_index(dim, x.ndim)
    if x.ndim == 0:
        return return_types.median(x, of(_cr.zeros((), dtype=_d.int64, device=x._device)))
    vals, idx = sort(x, d)
    k = (x.shape[d] - 1) // 2
    v = select(vals, d, k)
    i = select(idx, d, k)
    if _t.category(x._dtype) >= 2 and x.shape[d]:
        nan = any(isnan(x), d)
        v = where(nan, select(vals, d, x.shape[d] - 1), v)
        i = where(nan, select(idx, d, x.shape[d] - 1), i)
    if keepdim:
        v, i = unsqueeze(v, d), unsqueeze(i, d)
    return return_types.median(v, i)


def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None):
    """The vector or Frobenius norm (``p`` a number, ``"fro"`` or ``"nuc"``)."""
    x = _floating(to_tensor(input))
    ax = dims_of(dim)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        return apply(backward_class("linalg_matrix_norm"),
                     lambda u: _xlinalg.matrix_norm(u, ord="nuc", keepdims=keepdim), (x,))
    return apply(backward_class("norm"),
                 lambda u: _xlinalg.vector_norm(u, axis=ax, ord=p, keepdims=keepdim), (x,))


def dist(input, other, p=2):
    return norm(sub(input, other), p)


def count_nonzero(input, dim=None):
    return of(_dt.astype(_st_count(to_tensor(input), dims_of(dim)), _d.int64))


def _st_count(x, ax):
    return _se.count_nonzero(x, axis=ax)


# --- sorting --------------------------------------------------------------------------


def sort(input, dim: int = -1, descending: bool = False, stable: bool = False):
    """Sorted values and their int64 indices (a named tuple)."""
    x = _ordered(to_tensor(input))
    d = dims_of(dim)

    def f(u):
        if u.ndim == 0:
            return u, _cr.zeros((), dtype=_d.int64, device=u._device)
        idx = _stop(_so.argsort(u, axis=d, descending=descending))
        return _ix.take_along_axis(u, idx, axis=d), _dt.astype(idx, _d.int64)
    vals, idx = apply(backward_class("sort"), f, (x,))
    return return_types.sort(_back(vals, to_tensor(input)), idx)


def argsort(input, dim: int = -1, descending: bool = False, stable: bool = False):
    x = _ordered(to_tensor(input))
    if x.ndim == 0:
        return of(_cr.zeros((), dtype=_d.int64, device=x._device))
    return of(_dt.astype(_so.argsort(x, axis=dims_of(dim), descending=descending), _d.int64))


def msort(input):
    return sort(input, 0).values


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim`` and their int64 indices."""
    x = _ordered(to_tensor(input))
    d = dim_index(dim, x.ndim)
    k = _as_int(k, "k")
    n = x.shape[d] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")

    def f(u):
        idx = _so.argsort(u, axis=d, descending=largest)
        idx = _stop(_mf.moveaxis(_mf.moveaxis(idx, d, -1)[..., :k], -1, d) if u.ndim else idx)
        return _ix.take_along_axis(u, idx, axis=d), _dt.astype(idx, _d.int64)
    vals, idx = apply(backward_class("topk"), f, (x,))
    return return_types.topk(_back(vals, to_tensor(input)), idx)


def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False):
    x = to_tensor(input)
    dim = dim_index(dim, x.ndim)
    k = _as_int(k, "k")
    if x.ndim == 0:
        if k != 1:
            raise IndexError("kthvalue(): selected number k out of range")
        return return_types.kthvalue(x, of(_cr.zeros((), dtype=_d.int64, device=x._device)))
    if not 1 <= k <= x.shape[dim]:
        raise IndexError(f"kthvalue(): selected number k out of range for dimension {dim}")
    vals, idx = sort(x, dim)
    v, i = select(vals, dim, k - 1), select(idx, dim, k - 1)
    if keepdim:
        v, i = unsqueeze(v, dim), unsqueeze(i, dim)
    return return_types.kthvalue(v, i)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    s = to_tensor(sorted_sequence)
    side = side or ("right" if right else "left")
    v = input if isinstance(input, Array) else to_tensor(input, dtype=s._dtype)
    if s.ndim > 1:
        raise RuntimeError("searchsorted: only a 1-D sorted_sequence is supported")
    res = _se.searchsorted(s, v, side=side)
    return of(_dt.astype(res, _d.int32 if out_int32 else _d.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    return searchsorted(boundaries, input, out_int32=out_int32,
                        side="left" if not right else "right")


# --- shape ------------------------------------------------------------------------------

_VIEW = node_class("ViewBackward0")


def _copy_of(a: Array) -> Array:
    """``a`` as a new array (no view): the namespace's ``flip``, ``rot90``, ``diag`` are
    NumPy's views, PyTorch's are copies."""
    return _acore.new(a._array, a._dtype, a._device)


def reshape(input, *shape):
    x = to_tensor(input)
    shp = sizes(shape, "reshape")
    return apply(_VIEW, lambda u: _mf.reshape(u, shp), (x,), saves=False)


def view(input, *shape):
    """``input``'s elements in another shape, sharing them (PyTorch's ``view``): a
    RuntimeError, as in PyTorch, where that needs a copy (``reshape`` copies then)."""
    if len(shape) == 1 and not isinstance(shape[0], (builtins.int, tuple, list)) and \
            not isinstance(shape[0], Array):
        dt = as_dtype(shape[0])
        x = to_tensor(input)
        if dt is x._dtype:
            return x
        raise RuntimeError("view(dtype) reinterprets memory, which MLX arrays do not expose; "
                           "use .to(dtype) to convert")
    x = to_tensor(input)
    shp = sizes(shape, "view")
    try:
        target = _views.checked_shape(x._array.size, shp)
    except ValueError:
        raise RuntimeError(f"shape '{list(shp)}' is invalid for input of size "
                           f"{x._array.size}") from None
    if not _views.reshape_is_view(x, target):
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.")
    return reshape(x, target)


def view_as(input, other):
    return view(input, tuple(tensor_arg(other).shape))


reshape_as = view_as


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    x = to_tensor(input)
    n = x.ndim
    s = dim_index(start_dim, n, "start_dim")
    e = dim_index(end_dim, n, "end_dim")
    if n == 0:
        return reshape(x, (1,))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = x.shape[:s] + (-1,) + x.shape[e + 1:]
    if x._array.size == 0:
        m = 1
        for v in x.shape[s:e + 1]:
            m *= v
        shp = x.shape[:s] + (m,) + x.shape[e + 1:]
    return reshape(x, tuple(shp))


def unflatten(input, dim: int, sizes_):
    x = to_tensor(input)
    if x.ndim == 0:
        raise RuntimeError("unflatten: Provided dim is out of range of a 0-d tensor")
    d = dim_index(dim, x.ndim)
    new = sizes((sizes_,), "unflatten")
    return reshape(x, tuple(x.shape[:d]) + new + tuple(x.shape[d + 1:]))


def ravel(input):
    return reshape(input, (-1,))


def permute(input, *dims):
    x = to_tensor(input)
    ax = sizes(dims, "permute")
    return apply(backward_class("permute"), lambda u: _mf.permute_dims(u, ax), (x,),
                 saves=False)


def transpose(input, dim0: int, dim1: int):
    x = to_tensor(input)
    if x.ndim == 0:
        return x
    return apply(backward_class("transpose"), lambda u: _sh.swapaxes(u, dim0, dim1), (x,),
                 saves=False)


swapaxes = swapdims = transpose


def t(input):
    x = to_tensor(input)
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    if x.ndim < 2:
        return x
    return apply(node_class("TBackward0"), lambda u: _mf.permute_dims(u, (1, 0)), (x,),
                 saves=False)


def adjoint(input):
    return conj(transpose(input, -2, -1))


def movedim(input, source, destination):
    x = to_tensor(input)
    return apply(backward_class("movedim"), lambda u: _mf.moveaxis(u, source, destination),
                 (x,), saves=False)


moveaxis = movedim


def unsqueeze(input, dim: int):
    x = to_tensor(input)
    return apply(backward_class("unsqueeze"), lambda u: _mf.expand_dims(u, axis=dim), (x,),
                 saves=False)


def squeeze(input, dim=None):
    """Drop length-1 axes (all, or those of ``dim``); a longer axis in ``dim`` stays, as
    in PyTorch."""
    x = to_tensor(input)
    if isinstance(dim, (tuple, list)) and not dim:
        return x  # (no dims given: nothing to drop, as PyTorch)
    if dim is None:
        ax = tuple(i for i, s in enumerate(x.shape) if s == 1)
    else:
        dd = dims_of(dim)
        dd = dd if isinstance(dd, tuple) else (dd,)
        n = builtins.max(x.ndim, 1)
        for d in dd:
            if not -n <= d < n:
                raise IndexError(f"Dimension out of range (expected to be in range of "
                                 f"[{-n}, {n - 1}], but got {d})")
        ax = tuple(d % n for d in dd if x.ndim and x.shape[d] == 1)
    if not ax:
        return x
    return apply(backward_class("squeeze", 1 if dim is not None else 0),
                 lambda u: _mf.squeeze(u, ax), (x,), saves=False)


def expand(input, *size):
    x = to_tensor(input)
    shp = list(sizes(size, "expand"))
    lead = len(shp) - x.ndim
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(shp)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({x.ndim})")
    for i, s in enumerate(shp):
        if s == -1:
            if i < lead:
                raise RuntimeError("expand: -1 is not allowed in a leading, non-existing "
                                   "dimension")
            shp[i] = x.shape[i - lead]
    target = tuple(shp)
    # (a view: stride 0 on the repeated axes, as in PyTorch)
    return apply(backward_class("expand"),
                 lambda u: _views.derived(_mf.broadcast_to(u, target), u, ("expand", target)),
                 (x,), saves=False)


def expand_as(input, other):
    return expand(input, tuple(tensor_arg(other).shape))


def broadcast_to(input, size):
    return expand(input, sizes((size,), "broadcast_to"))


def repeat(input, *sizes_):
    x = to_tensor(input)
    reps = sizes(sizes_, "repeat")
    if len(reps) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                           "number of dimensions of tensor")
    return apply(backward_class("repeat"), lambda u: _mf.tile(u, reps), (x,), saves=False)


def tile(input, dims):
    x = to_tensor(input)
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"tile(): argument 'dims' must be tuple of ints, not "
                        f"{type(dims).__name__}")
    reps = sizes((tuple(dims),), "tile")
    if len(reps) < x.ndim:
        reps = (1,) * (x.ndim - len(reps)) + reps
    return apply(backward_class("repeat"), lambda u: _mf.tile(u, reps), (x,), saves=False)


def repeat_interleave(input, repeats, dim=None):
    x = to_tensor(input)
    if isinstance(repeats, Array):
        repeats = of(_dt.astype(repeats, _d.int32))
    return apply(backward_class("repeat_interleave"),
                 lambda u: _mf.repeat(u, repeats, axis=dims_of(dim)), (x,), saves=False)


def flip(input, dims):
    x = to_tensor(input)
    if isinstance(dims, (tuple, list)) and not dims:
        return clone(x)  # (no dims: nothing flipped)
    ax = dims_of(dims if not isinstance(dims, builtins.int) else (dims,))
    return apply(backward_class("flip"), lambda u: _copy_of(_mf.flip(u, axis=ax)), (x,),
                 saves=False)


def fliplr(input):
    return flip(input, (1,))


def flipud(input):
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    x = to_tensor(input)
    if dims is None:
        return reshape(roll(reshape(x, (-1,)), shifts, 0), tuple(x.shape))
    return apply(backward_class("roll"), lambda u: _mf.roll(u, shifts, axis=dims_of(dims)), (x,),
                 saves=False)


def rot90(input, k: int = 1, dims=(0, 1)):
    x = to_tensor(input)
    k = dims_of(k)
    if not isinstance(dims, (tuple, list)) or len(dims) != 2:
        raise RuntimeError("expected total rotation dims == 2")
    dims = tuple(dim_index(d, x.ndim) for d in dims)
    if x.ndim < 2 or dims[0] == dims[1]:
        raise RuntimeError("expected total dims >= 2 and rotation dims to differ")
    return apply(backward_class("rot90"), lambda u: _copy_of(_sh.rot90(u, k, tuple(dims))), (x,),
                 saves=False)


def narrow(input, dim: int, start: int, length: int):
    x = to_tensor(input)
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = dim_index(dim, x.ndim)
    start = _as_int(start, "start")
    length = _as_int(length, "length")
    if start < 0:
        start += x.shape[d]
    if not 0 <= start <= start + length <= x.shape[d]:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({x.shape[d]}).")
    key = (slice(None),) * d + (slice(start, start + length),)
    return apply(node_class("SliceBackward0"), lambda u: u[key], (x,), saves=False)


def select(input, dim: int, index: int):
    x = to_tensor(input)
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = dim_index(dim, x.ndim)
    index = _as_int(index, "index")
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(x.shape)} at dimension {dim}")
    key = (slice(None),) * d + (index,)
    res = apply(node_class("SelectBackward0"), lambda u: u[key], (x,), saves=False)
    if x.ndim == 1:
        int_view(res, x, key)
    return res


def unbind(input, dim: int = 0):
    x = to_tensor(input)
    if x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = dim_index(dim, x.ndim)
    _check_tensor_count("unbind", x.shape[d])
    return multi_views(tuple(select(x, d, i) for i in range(x.shape[d])), "Unbind")


def split(tensor, split_size_or_sections, dim: int = 0):
    """Pieces of ``split_size`` along ``dim`` (the last may be shorter), or of the given
    list of sizes (PyTorch's meaning, not NumPy's split points)."""
    x = to_tensor(tensor)
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = dim_index(dim, x.ndim)
    n = x.shape[d]
    if isinstance(split_size_or_sections, Array) and split_size_or_sections.ndim == 0:
        split_size_or_sections = dims_of(split_size_or_sections)
    if not isinstance(split_size_or_sections, (builtins.int, list, tuple)) or \
            isinstance(split_size_or_sections, builtins.bool):
        raise TypeError("split(): argument 'split_size' must be int or a list of ints, not "
                        f"{type(split_size_or_sections).__name__}")
    if isinstance(split_size_or_sections, builtins.int) and n == 0:
        return (x,)
    if isinstance(split_size_or_sections, builtins.int):
        s = split_size_or_sections
        if s <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        _check_tensor_count("split", -(-n // s) if s > 0 else 1)
        lens = [s] * (n // s) + ([n % s] if n % s else []) if s else [0]
    else:
        lens = [dims_of(v) for v in split_size_or_sections]
        if builtins.any(v < 0 for v in lens):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={lens}")
        if builtins.sum(lens) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={lens}")
    return multi_views(tuple(narrow(x, d, st, ln) for st, ln in zip(_offsets(lens), lens)),
                       "Split" if isinstance(split_size_or_sections, builtins.int)
                       else "SplitWithSizes")


def _check_tensor_count(name: str, k: int) -> None:
    """MemoryError with a message, before making ``k`` tensor objects past the memory limit
    (Python would fail late, with an empty MemoryError)."""
    from .._runtime import memory as _memory
    _memory.check_objects(name, k * _TENSOR_OBJECT_BYTES, f"{k} tensors")


# (a Tensor, its instance dict, its MLX array and its view link: about 1 KiB)
_TENSOR_OBJECT_BYTES = 1024


def _offsets(lens):
    out, o = [], 0
    for v in lens:
        out.append(o)
        o += v
    return out


def tensor_split(input, indices_or_sections, dim: int = 0):
    x = to_tensor(input)
    if x.ndim == 0:
        raise RuntimeError("tensor_split expects at least a 1-dimensional tensor")
    d = dim_index(dim, x.ndim)
    n = x.shape[d]
    if isinstance(indices_or_sections, Array) and indices_or_sections.ndim == 0:
        indices_or_sections = dims_of(indices_or_sections)
    if not isinstance(indices_or_sections, (builtins.int, list, tuple)):
        raise TypeError("tensor_split(): indices_or_sections must be an int or a list of ints")
    if isinstance(indices_or_sections, builtins.int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        _check_tensor_count("tensor_split", k)
        q, r = divmod(n, k)
        lens = [q + 1] * r + [q] * (k - r)
    else:
        _check_tensor_count("tensor_split", len(indices_or_sections) + 1)
        pts = [0] + [builtins.min(builtins.max(builtins.int(i), 0), n)
                     for i in indices_or_sections] + [n]
        lens = [builtins.max(b - a, 0) for a, b in zip(pts, pts[1:])]
        starts = pts[:-1]
        return tuple(narrow(x, d, builtins.min(s, n), ln) for s, ln in zip(starts, lens))
    return tuple(narrow(x, d, st, ln) for st, ln in zip(_offsets(lens), lens))


def chunk(input, chunks: int, dim: int = 0):
    """At most ``chunks`` pieces of equal size (``ceil(n / chunks)``) along ``dim``."""
    x = to_tensor(input)
    chunks = _as_int(chunks, "chunks")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    if chunks > 2**31 - 1:
        raise RuntimeError(f"chunk: {chunks} chunks are more than a tensor can be split into")
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    dim = dim_index(dim, x.ndim)
    n = x.shape[dim]
    if n == 0:
        # (PyTorch: `chunks` empty pieces of an empty dimension)
        if chunks > 2**24:
            raise MemoryError(f"chunk: {chunks} empty pieces of an empty dimension are too "
                              f"many to make (a Tensor object each)")
        return tuple(narrow(x, dim, 0, 0) for _ in range(chunks))
    return split(x, -(-n // chunks), dim)


def cat(tensors, dim: int = 0):
    """Tensors joined along ``dim`` (PyTorch's promotion across them)."""
    ts = tensor_list(tensors)
    if not ts:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    # Note: PyTorch skips 1-D empty tensors (legacy); so does this.
    ts = [t for t in ts if not (t.ndim == 1 and t._array.size == 0)] or ts[:1]
    dt, ts = promoted(*ts)
    return apply(backward_class("cat"), lambda *us: _mf.concat(list(us), axis=dim), tuple(ts),
                 saves=False)


concat = concatenate = cat


def stack(tensors, dim: int = 0):
    ts = tensor_list(tensors)
    if not ts:
        raise RuntimeError("stack expects a non-empty TensorList")
    dt, ts = promoted(*ts)
    return apply(backward_class("stack"), lambda *us: _mf.stack(list(us), axis=dim), tuple(ts),
                 saves=False)


def hstack(tensors):
    ts = [atleast_1d(t) for t in tensor_list(tensors)]
    if not ts:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([atleast_2d(t) for t in tensor_list(tensors)], 0)


row_stack = vstack


def dstack(tensors):
    return cat([atleast_3d(t) for t in tensor_list(tensors)], 2)


def column_stack(tensors):
    return cat([reshape(t, (-1, 1)) if t.ndim < 2 else t for t in tensor_list(tensors)], 1)


def atleast_1d(*tensors):
    out = tuple(reshape(t, (1,)) if to_tensor(t).ndim == 0 else to_tensor(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_2d(*tensors):
    def one(t):
        t = to_tensor(t)
        return reshape(t, (1, 1)) if t.ndim == 0 else (unsqueeze(t, 0) if t.ndim == 1 else t)
    out = tuple(one(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_3d(*tensors):
    def one(t):
        t = to_tensor(t)
        if t.ndim == 0:
            return reshape(t, (1, 1, 1))
        if t.ndim == 1:
            return reshape(t, (1, -1, 1))
        if t.ndim == 2:
            return unsqueeze(t, 2)
        return t
    out = tuple(one(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def tril(input, diagonal: int = 0):
    x = to_tensor(input)
    return apply(backward_class("tril"), lambda u: _cr.tril(u, k=diagonal), (x,), saves=False)


def triu(input, diagonal: int = 0):
    x = to_tensor(input)
    return apply(backward_class("triu"), lambda u: _cr.triu(u, k=diagonal), (x,), saves=False)


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    x = to_tensor(input)
    return apply(backward_class("diagonal"),
                 lambda u: _sh_diagonal(u, offset, dim1, dim2), (x,), saves=False)


def _sh_diagonal(u, offset, a1, a2):
    return _al.diagonal(u, offset, a1, a2)


def diag(input, diagonal: int = 0):
    x = to_tensor(input)
    return apply(backward_class("diag"), lambda u: _copy_of(_sh.diag(u, diagonal)), (x,),
                 saves=False)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1):
    x = to_tensor(input)
    offset = dims_of(offset)
    if x.ndim == 0:
        raise IndexError("diag_embed(): expected a tensor of at least one dimension")
    if (dim1, dim2) != (-2, -1):
        _unsupported("diag_embed with dims other than (-2, -1)")
    m = x.shape[-1]
    k = builtins.abs(offset)
    if x._array.size == 0 or m + k >= 2**31:
        # Note: MLX's pad takes 32-bit widths; no element (or more than memory holds: the
        # size check raises) needs no padding.
        shape = tuple(x.shape[:-1]) + (m + k, m + k)
        from .._runtime import memory as _memory
        _memory.check_shape("diag_embed", shape, x._dtype._mx.size, _d.dtype_name(x._dtype))
        return apply(backward_class("diag_embed"),
                     lambda u: _cr.zeros(shape, dtype=u._dtype, device=u._device), (x,),
                     saves=False)
    eye = of(_cr.eye(m, dtype=_d.bool, device=x._device))
    lead = [(0, 0)] * (x.ndim - 1)
    pad = lead + ([(0, k), (k, 0)] if offset >= 0 else [(k, 0), (0, k)])

    def f(u):
        z = _cr.zeros((), dtype=u._dtype, device=u._device)
        d = _se.where(eye, _mf.expand_dims(u, axis=-1), z)
        return _sh.pad(d, pad) if k else d
    return apply(backward_class("diag_embed"), f, (x,), saves=False)


def _unsupported(what):
    raise RuntimeError(f"{what} is not supported by tmath_array.torch")


def trace(input):
    x = to_tensor(input)
    if x.ndim != 2:
        raise RuntimeError("trace: expected a matrix")
    return sum(diagonal(x))


def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None):
    x = to_tensor(input)
    tens = [x] + [to_tensor(v) for v in (prepend, append) if v is not None]
    hp, ha = prepend is not None, append is not None

    def f(u, *rest):
        rest = list(rest)
        p = rest.pop(0) if hp else None
        a = rest.pop(0) if ha else None
        return _st_diff(u, n, dim, p, a)
    return apply(backward_class("diff"), f, tuple(tens), saves=False)


def _st_diff(u, n, dim, p, a):
    from .._standard import utility as _ut
    return _ut.diff(u, axis=dim, n=n, prepend=p, append=a)


# --- indexing -------------------------------------------------------------------------


def _index_tensor(index, name):
    i = tensor_arg(index, "index")
    if i._dtype not in _d.CATEGORIES["integer"]:
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    return i


def _safe_index(i: mx.array, n: int) -> mx.array:
    """Indices into an axis of ``n``: negative ones counted from the end, then clamped.

    Note: PyTorch checks the range of every index; that needs the values (a sync), and
    MLX reads or writes out of bounds unchecked. Out-of-range indices are clamped
    instead, as the namespace's integer-array indexing does (docs/indexing.md).
    """
    i = i.astype(mx.int64) if i.dtype in (mx.uint64, mx.uint32) else i.astype(mx.int32)
    i = mx.where(i < 0, i + n, i)
    return mx.clip(i, 0, builtins.max(n - 1, 0)).astype(mx.int32)


def _check_index_shape(name, x, idx, dim, src=None):
    if idx.ndim != x.ndim and not (idx.ndim <= 1 and x.ndim <= 1):
        raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions "
                           "as input tensor")
    for k in range(idx.ndim):
        if k != dim and idx.shape[k] > (x.shape[k] if x.ndim else 1):
            raise RuntimeError(f"{name}(): Size does not match at dimension {k} expected "
                               f"index {list(idx.shape)} to be smaller than self "
                               f"{list(x.shape)} apart from dimension {dim}")
        if src is not None and idx.shape[k] > (src.shape[k] if src.ndim else 1):
            raise RuntimeError(f"{name}(): Expected index {list(idx.shape)} to be smaller "
                               f"than src {list(src.shape)}")


def gather(input, dim: int, index, *, sparse_grad: bool = False):
    """``out[i][j] = input[index[i][j]][j]`` along ``dim`` (PyTorch's gather)."""
    x = to_tensor(input)
    idx = _index_tensor(index, "gather")
    d = dim_index(dim, x.ndim)
    _check_index_shape("gather", x, idx, d)
    if x.ndim == 0 or idx._array.size == 0:
        return apply(backward_class("gather"),
                     lambda u: _mf.reshape(u, (-1,))[_cr.zeros(tuple(idx.shape),
                                                               dtype=_d.int32,
                                                               device=u._device)]
                     if u._array.size else _cr.zeros(tuple(idx.shape), dtype=u._dtype,
                                                     device=u._device), (x,))
    # Note: PyTorch lets index be smaller than input in the other dimensions: slice input.
    key = tuple(slice(0, s) if i != d else slice(None) for i, s in enumerate(idx.shape))
    n = x.shape[d]

    def f(u):
        i = _from_mx(_safe_index(idx._array, n), idx)
        return _ix.take_along_axis(u[key], i, axis=d)
    return apply(backward_class("gather"), f, (x,))


def take_along_dim(input, indices, dim=None):
    x = to_tensor(input)
    idx = _index_tensor(indices, "take_along_dim")
    if dim is None:
        return gather(reshape(x, (-1,)), 0, reshape(idx, (-1,)))
    d = dim_index(dim, x.ndim)
    if x.ndim == 0:
        return gather(x, 0, idx)
    xb_shape = list(np.broadcast_shapes(
        tuple(s if k != d else 1 for k, s in enumerate(x.shape)),
        tuple(s if k != d else 1 for k, s in enumerate(idx.shape)))) if x.ndim == idx.ndim \
        else None
    if xb_shape is None:
        raise RuntimeError("take_along_dim(): input and indices should have the same number "
                           "of dimensions")
    xs = list(xb_shape)
    xs[d] = x.shape[d]
    is_ = list(xb_shape)
    is_[d] = idx.shape[d]
    return gather(expand(x, tuple(xs)), d, expand(idx, tuple(is_)))


def index_select(input, dim: int, index):
    x = to_tensor(input)
    idx = _index_tensor(index, "index_select")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = dim_index(dim, x.ndim)
    if x.ndim == 0:
        return gather(x, 0, reshape(idx, ()))
    n = x.shape[d]

    def f(u):
        i = _from_mx(_safe_index(mx.reshape(idx._array, (-1,)), n), idx)
        return _ix.take(u, i, axis=d)
    return apply(backward_class("index_select"), f, (x,))


def take(input, index):
    x = to_tensor(input)
    idx = _index_tensor(index, "take")
    n = x._array.size
    if n == 0 and idx._array.size:
        raise IndexError("take(): tried to take from an empty tensor")

    def f(u):
        i = _from_mx(_safe_index(mx.reshape(idx._array, (-1,)), n), idx)
        flat = _mf.reshape(u, (-1,))
        return _mf.reshape(_ix.take(flat, i) if n else flat[:0], tuple(idx.shape))
    return apply(backward_class("take"), f, (x,))


def _scatter_impl(u, d, idx, src, reduce):
    """``u`` with ``src`` written (or combined) at ``idx`` along ``d``: one MLX scatter over
    the index's own extent (every other axis indexed by its position)."""
    a = u._array
    if idx._array.size == 0 or a.size == 0:
        return _from_mx(a, u)
    i = _safe_index(idx._array, a.shape[d] if a.ndim else 1)
    if a.ndim == 0:
        a = mx.reshape(a, (1,))
        i = mx.reshape(i, (1,))
    s = src._array if isinstance(src, Array) else src
    if isinstance(s, mx.array):
        s = mx.reshape(s, (1,)) if s.ndim == 0 else s
        s = s[tuple(slice(0, v) for v in i.shape)]
    else:
        s = mx.full(i.shape, s, dtype=a.dtype)
    s = s.astype(a.dtype)
    grids = mx.meshgrid(*[mx.arange(n) for n in i.shape], indexing="ij")
    coords = tuple(grids[k] if k != d else i for k in range(a.ndim))
    if reduce is None:
        # Note: duplicate indices keep one of the values (PyTorch: unspecified which).
        out = _put(a, coords, s)
    elif reduce in ("add", "sum"):
        out = a.at[coords].add(s)
    elif reduce in ("multiply", "prod"):
        out = a.at[coords].multiply(s)
    elif reduce == "amax":
        out = a.at[coords].maximum(s)
    else:
        out = a.at[coords].minimum(s)
    return _from_mx(mx.reshape(out, u._array.shape), u)


def _put(a, coords, s):
    flat = mx.zeros_like(coords[0])
    stride = 1
    for k in range(len(coords) - 1, -1, -1):
        flat = flat + coords[k] * stride
        stride *= a.shape[k]
    f = mx.reshape(a, (-1,))
    f = mx.put_along_axis(f, mx.reshape(flat, (-1,)), mx.reshape(s, (-1,)), axis=0)
    return mx.reshape(f, a.shape)


_REDUCE = (None, "add", "sum", "multiply", "prod", "amax", "amin")


def scatter(input, dim: int, index, src=None, *, value=None, reduce=None):
    """``input`` with ``src`` (a tensor or a number) written at ``index`` along ``dim``.

    Note: out-of-range indices are clamped (see ``_safe_index``), not refused.
    """
    x = to_tensor(input)
    idx = _index_tensor(index, "scatter")
    d = dim_index(dim, x.ndim)
    if x.ndim == 0 and idx._array.size > 1:
        raise RuntimeError("scatter(): index has more elements than a 0-d input")
    if reduce not in _REDUCE:
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce!r}")
    v = src if src is not None else value
    if isinstance(v, Array):
        s = astype(to_tensor(v), x._dtype)
        if s.ndim != idx.ndim and s.ndim:
            raise RuntimeError("scatter(): Index tensor must have the same number of "
                               "dimensions as src tensor")
        _check_index_shape("scatter", x, idx, d, s if s.ndim else None)
        return apply(backward_class("scatter"),
                     lambda u, w: _scatter_impl(u, d, idx, w, reduce), (x, s))
    if v is None:
        raise TypeError("scatter() needs src or value")
    v = number(v, "value")
    if _t.category(x._dtype) < 2 and isinstance(v, float):
        v = builtins.int(v) if v == v and builtins.abs(v) != float("inf") else 0
    if isinstance(v, complex) and _t.category(x._dtype) < 3:
        raise TypeError("scatter(): a complex value for a real tensor")
    if isinstance(v, builtins.int) and not isinstance(v, builtins.bool) and \
            x._dtype in _d.INT_RANGE and not \
            _d.INT_RANGE[x._dtype][0] <= v <= _d.INT_RANGE[x._dtype][1]:
        raise RuntimeError(f"value cannot be converted to type {_t.dtype_str(x._dtype)} "
                           "without overflow")
    _check_index_shape("scatter", x, idx, d)
    return apply(backward_class("scatter", 1),
                 lambda u: _scatter_impl(u, d, idx, v, reduce), (x,))


def scatter_add(input, dim: int, index, src):
    return scatter(input, dim, index, tensor_arg(src, "src"), reduce="add")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if not include_self or reduce == "mean":
        raise RuntimeError("scatter_reduce: include_self=False and reduce='mean' are not "
                           "supported by tmath_array.torch")
    if reduce not in ("sum", "prod", "amax", "amin"):
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce!r}")
    return scatter(input, dim, index, tensor_arg(src, "src"), reduce=reduce)


def index_add(input, dim, index, source, *, alpha=1):
    """``input`` with ``alpha * source`` added at rows ``index`` of ``dim`` (indices clamped
    to the axis, as in :func:`scatter`)."""
    x = to_tensor(input)
    idx = _index_tensor(index, "index_add")
    s = astype(tensor_arg(source, "source"), x._dtype)
    alpha = number(alpha, "alpha")
    if idx.ndim > 1:
        raise IndexError("index_add_(): Index is supposed to be a vector")
    d = dim_index(dim, x.ndim)
    if x.ndim == 0 or s.ndim != x.ndim or s.shape[d] != idx._array.size or \
            builtins.any(s.shape[k] != x.shape[k] for k in range(x.ndim) if k != d):
        raise RuntimeError("index_add_(): source must have the input's shape except at dim, "
                           "where its size is the number of indices")
    n = x.shape[d]

    def f(u, w):
        a = mx.moveaxis(u._array, d, 0)
        b = mx.moveaxis(w._array, d, 0)
        if alpha != 1:
            b = b * alpha
        i = _safe_index(mx.reshape(idx._array, (-1,)), n)
        return _from_mx(mx.moveaxis(a.at[i].add(b.astype(a.dtype)), 0, d), u)
    return apply(backward_class("index_add"), f, (x, s))


def index_fill(input, dim, index, value):
    x = to_tensor(input)
    idx = _index_tensor(index, "index_fill")
    if idx.ndim > 1:
        raise IndexError("index_fill_(): Index has to be a vector")
    d = dim_index(dim, x.ndim)
    value = number(value, "value")
    if x.ndim == 0:
        return masked_fill(x, of(_cr.asarray(idx._array.size > 0)), value)
    n = x.shape[d]
    if n == 0 and idx._array.size:
        raise IndexError("index_fill_(): index out of range for a dimension of size 0")
    shape = [1] * x.ndim
    shape[d] = n

    def f(u):
        hit = mx.zeros((n,), dtype=mx.bool_)
        if idx._array.size:
            hit = hit.at[_safe_index(mx.reshape(idx._array, (-1,)), n)].add(
                mx.ones((idx._array.size,), mx.bool_))
        m = _from_mx(mx.reshape(hit, tuple(shape)), _cr.asarray(True, device=u._device))
        return _se.where(m, _cast_value(u, value), u)
    return apply(backward_class("index_fill"), f, (x,))


def _cast_value(u, value):
    c = _t.category(u._dtype)
    if c == 0:
        return builtins.bool(value)
    if c == 1:
        if isinstance(value, complex):
            raise TypeError("a complex value for an integer tensor")
        if value != value or builtins.abs(value) == float("inf"):
            raise RuntimeError(f"value cannot be converted to type {_d.NAMES[u._dtype]} "
                               "without overflow")
        return builtins.int(value)
    if c == 2 and isinstance(value, complex):
        raise TypeError("a complex value for a real tensor")
    return value


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True, else ``input`` (lazy: no sync)."""
    x = to_tensor(input)
    m = to_tensor(mask)
    if m._dtype is not _d.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with "
                           f"dtype {_d.NAMES[m._dtype]}")
    if isinstance(value, Array):
        v = astype(to_tensor(value), x._dtype)
        if v.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {v.ndim} dimension(s).")
        return apply(backward_class("masked_fill", 1), lambda u, w: _se.where(m, w, u), (x, v))
    value = _cast_value(x, number(value, "value"))
    return apply(backward_class("masked_fill"), lambda u: _se.where(m, value, u), (x,))


def masked_select(input, mask):
    """The elements where ``mask`` holds, as a 1-D tensor (a data-dependent sync point)."""
    x = to_tensor(input)
    m = to_tensor(mask)
    xb, mb = broadcast_tensors(x, m)
    return apply(backward_class("masked_select"), lambda u: _mf.reshape(u, (-1,))[
        _mf.reshape(mb, (-1,))], (xb,))


def masked_scatter(input, mask, source):
    raise RuntimeError("masked_scatter is not supported by tmath_array.torch (its result "
                       "depends on the mask's values): use torch.where")


def nonzero(input, *, as_tuple: bool = False):
    """Indices of the non-zero elements (int64); a data-dependent sync point."""
    x = to_tensor(input)
    from .._standard import searching as _s
    if x.ndim == 0:
        # (PyTorch: one row of no coordinates when the value is nonzero, else none)
        hit = _s.nonzero(_mf.reshape(x, (1,)))[0]
        rows = hit._array.size
        if as_tuple:
            return (of(_cr.zeros((rows,), dtype=_d.int64, device=x._device)),)
        return of(_cr.zeros((rows, 0), dtype=_d.int64, device=x._device))
    idx = _s.nonzero(x)
    idx = [of(_dt.astype(i, _d.int64)) for i in idx]
    if as_tuple:
        return tuple(idx)
    if not idx:
        return of(_cr.zeros((0, 0), dtype=_d.int64, device=x._device))
    return of(_mf.stack(idx, axis=1))


def argwhere(input):
    return nonzero(input)


def broadcast_tensors(*tensors):
    ts = [to_tensor(t) for t in tensors]
    shape = broadcast_shapes(*[t.shape for t in ts])
    return tuple(t if tuple(t.shape) == shape else expand(t, shape) for t in ts)


def broadcast_shapes(*shapes):
    import numpy as np

    from .._standard import data_types as _dts  # noqa: F401
    norm = []
    for s in shapes:
        if isinstance(s, builtins.int) and not isinstance(s, builtins.bool):
            norm.append((s,))
        elif isinstance(s, (tuple, list)):
            norm.append(sizes((tuple(s),), "broadcast_shapes"))
        else:
            raise TypeError(f"broadcast_shapes(): expected ints or sequences of ints, not "
                            f"{type(s).__name__}")
    try:
        return _t.Size(np.broadcast_shapes(*norm))
    except ValueError as exc:
        raise RuntimeError(f"shape mismatch: {exc}") from None


def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    ts = [to_tensor(t) for t in tensors]
    ix = indexing or "ij"
    n = len(ts)
    shape = tuple(t._array.size for t in ts)
    if ix == "xy" and n >= 2:
        shape = (shape[1], shape[0]) + shape[2:]
    out = []
    for i, t in enumerate(ts):
        pos = i
        if ix == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        s = [1] * n
        s[pos] = t._array.size
        out.append(expand(reshape(t, tuple(s)), shape))
    return tuple(out)


# --- linear algebra ----------------------------------------------------------------------


def _mm_operands(name, a, b):
    x, y = to_tensor(a), to_tensor(b)
    if x._dtype is not y._dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_d.NAMES[x._dtype]} != {_d.NAMES[y._dtype]}")
    return x, y


_MM = node_class("MmBackward0")


def matmul(input, other):
    x, y = _mm_operands("matmul", input, other)
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{x.ndim}D and {y.ndim}D")
    cls = _MM if x.ndim == 2 and y.ndim == 2 else backward_class("matmul")
    return apply(cls, _la.matmul, (x, y))


def mm(input, mat2):
    x, y = _mm_operands("mm", input, mat2)
    if x.ndim != 2 or y.ndim != 2:
        raise RuntimeError(f"mm: expected 2D tensors, got {x.ndim}D and {y.ndim}D")
    if x.shape[1] != y.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x"
                           f"{x.shape[1]} and {y.shape[0]}x{y.shape[1]})")
    return apply(_MM, _la.matmul, (x, y))


def bmm(input, mat2):
    x, y = _mm_operands("bmm", input, mat2)
    if x.ndim != 3 or y.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor, got {x.ndim}D and {y.ndim}D")
    if x.shape[0] != y.shape[0] or x.shape[2] != y.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{x.shape[0]}, {x.shape[2]}] but got: [{y.shape[0]}, "
                           f"{y.shape[1]}].")
    return apply(backward_class("bmm"), _la.matmul, (x, y))


def mv(input, vec):
    x, y = _mm_operands("mv", input, vec)
    if x.ndim != 2 or y.ndim != 1:
        raise RuntimeError("vector + matrix @ vector expected, got "
                           f"{x.ndim}D and {y.ndim}D")
    return apply(backward_class("mv"), _la.matmul, (x, y))


def dot(input, other):
    x, y = _mm_operands("dot", input, other)
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src "
                           f"[{y.shape[0]}] to have the same number of elements, but got "
                           f"{x.shape[0]} and {y.shape[0]} elements respectively")
    return apply(backward_class("dot"), _la.matmul, (x, y))


inner_1d = dot


def vdot(input, other):
    return dot(conj(input), other)


def inner(input, other):
    x, y = _mm_operands("inner", input, other)
    return apply(backward_class("inner"), _pr.inner, (x, y))


def outer(input, vec2):
    x, y = _mm_operands("outer", input, vec2)
    return apply(backward_class("outer"), _pr.outer, (x, y))


ger = outer


def kron(input, other):
    x, y = _mm_operands("kron", input, other)
    return apply(backward_class("kron"), _pr.kron, (x, y))


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return add(mul(input, beta) if beta != 1 else input, mul(mm(mat1, mat2), alpha)
               if alpha != 1 else mm(mat1, mat2))


def addmv(input, mat, vec, *, beta=1, alpha=1):
    return add(mul(input, beta) if beta != 1 else input, mul(mv(mat, vec), alpha))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return add(mul(input, beta) if beta != 1 else input, mul(bmm(batch1, batch2), alpha))


def tensordot(a, b, dims=2):  # noqa: A002
    x, y = _mm_operands("tensordot", a, b)
    if isinstance(dims, Array) and dims.ndim == 0:
        dims = _as_int(dims, "dims")
    if isinstance(dims, builtins.int) and not isinstance(dims, builtins.bool):
        ax = dims
    elif isinstance(dims, (tuple, list)) and len(dims) == 2:
        ax = tuple(sizes(((d,) if isinstance(d, builtins.int) else tuple(d),), "tensordot")
                   if isinstance(d, (builtins.int, tuple, list)) else _bad_dims(d)
                   for d in dims)
    else:
        raise TypeError(f"tensordot(): argument 'dims' must be int or a pair of sequences, "
                        f"not {type(dims).__name__}")
    return apply(backward_class("tensordot"), lambda u, v: _la.tensordot(u, v, axes=ax), (x, y))


def _bad_dims(d):
    raise TypeError(f"tensordot(): dims entries must be ints or sequences, not "
                    f"{type(d).__name__}")


def einsum(equation, *operands):
    """Einstein summation (``torch.einsum("ij,jk->ik", a, b)`` or a list of operands)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ts = tuple(to_tensor(o) for o in operands)
    if len(ts) > 1:
        dt, ts = promoted(*ts)
        ts = tuple(ts)
    return apply(backward_class("einsum"), lambda *us: _pr.einsum(equation, *us), ts)


def cross(input, other, dim=None):
    """``torch.cross``: without ``dim``, PyTorch's (deprecated) default, the first
    dimension of ``input`` of size 3, not ``linalg.cross``'s last one."""
    x, y = _mm_operands("cross", input, other)
    if dim is None:
        d = next((i for i, n in enumerate(x.shape) if n == 3), None)
        if d is None:
            raise RuntimeError(f"no dimension of size 3 in input (shape {tuple(x.shape)})")
    else:
        d = dim
    nd = builtins.max(x.ndim, y.ndim)
    d = dim_index(d, nd) - nd  # (the standard's cross counts axes from the end)
    return apply(backward_class("linalg_cross"),
                 lambda u, v: _xlinalg.cross(u, v, axis=d), (x, y))


def cdist(x1, x2, p=2.0):
    d = sub(unsqueeze(x1, -2), unsqueeze(x2, -3))
    return norm(d, p, dim=-1)


def cov(input, *, correction=1, fweights=None, aweights=None):
    x = _floating(to_tensor(input))
    # (the weights were ignored: a silent unweighted covariance)
    fw = None if fweights is None else tensor_arg(fweights, "fweights")
    aw = None if aweights is None else tensor_arg(aweights, "aweights")
    return apply(backward_class("cov"), lambda u: _sx.cov(
        u, ddof=correction, fweights=None if fw is None else _mf.reshape(fw, (-1,)),
        aweights=None if aw is None else _mf.reshape(aw, (-1,))), (x,))


def corrcoef(input):
    x = _floating(to_tensor(input))
    return apply(backward_class("corrcoef"), lambda u: _sx.corrcoef(u), (x,))


_SOFTMAX64: dict = {}


def _softmax64(dim: int, log: bool):
    """float64 (log_)softmax with its derivative written out.

    Note: tmath_array.nn computes float64 softmax from exact composites (cosh and sinh)
    whose own derivatives are NaN where those overflow; these are softmax's derivatives.
    """
    f = _SOFTMAX64.get((dim, log))
    if f is None:
        fn = _xnn.log_softmax if log else _xnn.softmax

        @mx.custom_function
        def f(a):
            from .._array import core as _core
            from .._array.devices import default_device
            return fn(_core.wrap(a, default_device()), dim)._array

        @f.vjp
        def _vjp(primals, cotangent, output):
            if log:
                return (cotangent - _exp64_mx(output) * mx.sum(cotangent, axis=dim,
                                                                keepdims=True),)
            return (output * (cotangent - mx.sum(cotangent * output, axis=dim,
                                                 keepdims=True)),)
        _SOFTMAX64[(dim, log)] = f
    return f


def _softmax_apply(name, input, dim, dtype, log):
    x = to_tensor(input)
    if dtype is not None:
        x = astype(x, as_dtype(dtype))
    x = _floating(x)
    fn = _xnn.log_softmax if log else _xnn.softmax
    if x._dtype is _d.float64 and x.ndim:
        d = dim_index(dim, x.ndim)
        f64 = _softmax64(d, log)
        return apply(backward_class(name), lambda u: _from_mx(f64(u._array), u), (x,))
    return apply(backward_class(name), lambda u: fn(u, dim), (x,))


def softmax(input, dim, dtype=None):
    return _softmax_apply("softmax", input, dim, dtype, False)


def log_softmax(input, dim, dtype=None):
    return _softmax_apply("log_softmax", input, dim, dtype, True)


def histc(input, bins: int = 100, min=0, max=0):  # noqa: A002
    x = to_tensor(input)
    lo, hi = number(min, "min"), number(max, "max")
    if isinstance(lo, complex) or isinstance(hi, complex) or _t.category(x._dtype) == 3:
        raise RuntimeError("torch.histc: complex values are not supported")
    lo, hi = builtins.float(lo), builtins.float(hi)
    if isinstance(bins, builtins.bool) or not isinstance(bins, (builtins.int, np.integer)):
        raise TypeError(f"histc(): argument 'bins' must be int, not {type(bins).__name__}")
    bins = dims_of(bins)
    if bins <= 0:
        raise RuntimeError("torch.histc: bins must be > 0")
    if lo == hi:
        lo, hi = builtins.float(x.min()), builtins.float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    from .._numpy import counting as _cn
    if bins > 2**31 - 1:
        raise RuntimeError(f"torch.histc: {bins} bins are too many")
    h, _ = _cn.histogram(x, bins=bins, range=(lo, hi))
    return of(_dt.astype(h, x._dtype))


def bincount(input, weights=None, minlength: int = 0):
    from .._numpy import counting as _cn
    x = to_tensor(input)
    minlength = _as_int(minlength, "minlength")
    if not 0 <= minlength < 2**31:
        raise RuntimeError(f"bincount: minlength must be in [0, 2**31), got {minlength}")
    out = _cn.bincount(x, weights=weights, minlength=minlength)
    return of(out if weights is not None else _dt.astype(out, _d.int64))


def unique(input, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None):
    """The distinct values (a data-dependent sync point)."""
    if dim is not None:
        raise RuntimeError("unique(dim=) is not supported by tmath_array.torch")
    x = to_tensor(input)
    from .._standard import sets as _sets
    res = _sets.unique_all(x)
    vals = of(res.values)
    out = [vals]
    if return_inverse:
        out.append(of(_dt.astype(_mf.reshape(res.inverse_indices, tuple(x.shape)), _d.int64)))
    if return_counts:
        out.append(of(_dt.astype(res.counts, _d.int64)))
    return vals if len(out) == 1 else tuple(out)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = to_tensor(input), to_tensor(other)
    _, (a, b) = promoted(a, b)
    close = _nu.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    # Note: PyTorch compares by the tolerances only where both are finite (NumPy: where
    # `other` is; isclose(inf, 1, atol=inf) is True there, False here); equal values and
    # (equal_nan) NaN pairs stay close.
    if _t.category(a._dtype) >= 2:
        close = _ew.logical_or(
            _ew.logical_and(close, _ew.isfinite(a)),
            _ew.logical_or(_ew.equal(a, b), _ew.logical_and(_ew.isnan(a), _ew.isnan(b))
                           if equal_nan else _ew.equal(a, b)))
    return of(close)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """Whether every element is close (a Python bool: a sync point, as in PyTorch)."""
    return builtins.bool(all(isclose(input, other, rtol, atol, equal_nan)))


def equal(input, other) -> bool:
    a, b = to_tensor(input), to_tensor(other)
    if tuple(a.shape) != tuple(b.shape):
        return False
    return builtins.bool(all(eq(a, b)))


def numel(input) -> int:
    return to_tensor(input)._array.size


def is_tensor(obj) -> bool:
    """True for tensors, and for tmath_array Arrays (which every function takes as one)."""
    return isinstance(obj, Array)


def is_floating_point(input) -> bool:
    return tensor_arg(input, "input")._dtype in _t.FLOATING


def is_complex(input) -> bool:
    return tensor_arg(input, "input")._dtype in _t.COMPLEX


def is_nonzero(input) -> bool:
    x = to_tensor(input)
    if x._array.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(x)


def clone(input, *, memory_format=None):
    x = to_tensor(input)
    return apply(backward_class("clone"), lambda u: _cr.asarray(u, copy=True), (x,),
                 saves=False)


def detach(input):
    from ._tensor import alias
    return alias(to_tensor(input))
