"""NumPy's names for functions and dtypes the standard already has.

Porting code from NumPy means changing one import; these names make that work
without changing the standard's own functions. The rule (docs/numpy.md): a
standard name keeps the standard's semantics (``xp.max``, ``xp.round``,
``xp.permute_dims``); a NumPy-only name gets NumPy's semantics (``xp.amax`` takes
array-likes and a positional axis, ``xp.transpose`` reverses the axes,
``xp.around`` takes ``decimals``), computed lazily with the standard's functions.

What NumPy semantics means here:

* array-likes: every function takes Arrays, Python scalars, nested sequences and
  NumPy arrays (converted with :func:`asarray`); binary functions keep a Python
  scalar operand a Python scalar, so it adopts the array's dtype (NEP 50, as in
  NumPy 2);
* inexact results: the inverse trigonometric functions give integer and bool input
  NumPy's float (float16 for bool and 8-bit integers, float32 for 16-bit ones) and the
  default real floating dtype (float32; NumPy: float64) for wider integers;
* the package's default dtypes: float32 and int32 (NumPy: float64 and int64), or
  NumPy's on the CPU with ``set_default_dtypes("numpy")`` (docs/dtypes.md).
"""

from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._interop import convert as _convert
from .._standard.creation import asarray, eye
from .._standard.data_types import astype
from .._standard.elementwise import (
    _named,
    abs,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    bitwise_invert,
    bitwise_left_shift,
    bitwise_right_shift,
    conj,
    divide,
    pow,
    remainder,
    round,
)
from .._standard.linalg import diagonal as _matrix_diagonal
from .._standard.manipulation import _axis, concat, moveaxis, permute_dims, reshape
from .._standard.statistical import cumulative_prod, cumulative_sum, max, min
from .numeric import ufunc_inexact

if TYPE_CHECKING:
    from .._array.array import Array

# --- dtypes: NumPy 2's names (int_ and intp are int64 there, as here) ---------------

bool_ = _d.bool
byte = _d.int8
ubyte = _d.uint8
short = _d.int16
ushort = _d.uint16
intc = _d.int32
int_ = _d.int64
intp = _d.int64
uintp = _d.uint64
uint = _d.uint64
longlong = _d.int64
ulonglong = _d.uint64
half = _d.float16
single = _d.float32
double = _d.float64
csingle = _d.complex64

# ``isinstance(x, xp.ndarray)`` works as with NumPy.
ndarray = _core.Array


def dtype(obj, /):
    """The tmath dtype ``obj`` names, as ``np.dtype(obj)``: ``xp.dtype("f4")`` is
    ``xp.float32``; Python types, strings, NumPy dtypes and scalar types, an array
    (its dtype) are accepted.

    Note: NumPy's ``np.dtype`` is a class; here it is a function returning one of the
    namespace's dtype objects (``isinstance(d, xp.dtype)`` does not work: compare with
    ``==`` or use ``xp.isdtype``).

    Raises:
        TypeError: ``obj`` names no dtype tmath_array has (complex128 is complex64 here).
    """
    if isinstance(obj, _core.Array):
        return obj._dtype
    dt = _d.as_dtype(obj)
    if dt is None and isinstance(obj, (np.ndarray, np.generic)):
        dt = _d.as_dtype(obj.dtype)  # (a NumPy array or scalar: its dtype, as np.dtype)
    if dt is None:
        raise TypeError(f"dtype: {obj!r} is not a dtype tmath_array has")
    return dt


# --- array-likes --------------------------------------------------------------------

def as_array(name: str, a) -> Array:
    """``a`` as an Array: an Array is returned as is, anything else goes through asarray."""
    if a.__class__ is _core.Array:
        return a
    if isinstance(a, (str, bytes)):
        # Note: NumPy makes a 0-d string array of text and bytes (there are no string
        # dtypes here); the standard's asarray reads bytes as a buffer, which NumPy code
        # does not mean.
        raise TypeError(f"{name}: strings are not supported, got {type(a).__name__}")
    return _convert.array(name, a)


_operand = _convert.operand


def _unary(name: str, fn, inexact: bool = False):
    """NumPy's ``name`` for the standard's ``fn``, on array-likes."""
    def f(x, /):
        a = as_array(name, x)
        return fn(ufunc_inexact(a) if inexact else a)

    extra = " Integer and bool input give a float, as in NumPy." if inexact else ""
    return _named(f, name, f"NumPy's name for :func:`{fn.__name__}`; takes array-likes.{extra}")


def _binary(name: str, fn, inexact: bool = False):
    """NumPy's ``name`` for the standard's binary ``fn``, on array-likes."""
    def f(x1, x2, /):
        a1 = _operand(name, x1)
        a2 = _operand(name, x2)
        if not isinstance(a1, _core.Array) and not isinstance(a2, _core.Array):
            a1 = as_array(name, a1)  # two Python scalars: the first becomes a 0-d array
        if inexact:
            a1, a2 = ufunc_inexact(a1), ufunc_inexact(a2)
        return fn(a1, a2)

    extra = " Integer and bool input give a float, as in NumPy." if inexact else ""
    return _named(f, name, f"NumPy's name for :func:`{fn.__name__}`; takes array-likes "
                           f"and Python scalars.{extra}")


# --- elementwise ------------------------------------------------------------------

absolute = _unary("absolute", abs)
arccos = _unary("arccos", acos, inexact=True)
arccosh = _unary("arccosh", acosh, inexact=True)
arcsin = _unary("arcsin", asin, inexact=True)
arcsinh = _unary("arcsinh", asinh, inexact=True)
arctan = _unary("arctan", atan, inexact=True)
arctanh = _unary("arctanh", atanh, inexact=True)
arctan2 = _binary("arctan2", atan2, inexact=True)
power = _binary("power", pow)
bitwise_not = _unary("bitwise_not", bitwise_invert)
invert = _unary("invert", bitwise_invert)
left_shift = _binary("left_shift", bitwise_left_shift)
right_shift = _binary("right_shift", bitwise_right_shift)
true_divide = _binary("true_divide", divide)
mod = _binary("mod", remainder)
conjugate = _unary("conjugate", conj)


def around(a, decimals: int = 0) -> Array:
    """``a`` rounded to ``decimals`` decimal places, half to even (NumPy's ``around``).

    As NumPy: ``x * 10**decimals`` is rounded and divided back, in ``a``'s dtype
    (complex parts apart); integers are returned unchanged for ``decimals >= 0`` and
    rounded to tens, hundreds, ... for negative ``decimals``.
    """
    x = as_array("around", a)
    decimals = _args.check_int("around", decimals, "decimals")
    if decimals == 0 or (decimals > 0 and x._dtype in _d.CATEGORIES["integer"]):
        return round(x)
    if x._dtype not in _d.CATEGORIES["numeric"]:
        _core.bad_dtype("around", "numeric", x._dtype)
    s = x._device._s
    a = x._array
    work = x._dtype
    if x._dtype in _d.CATEGORIES["integer"]:
        # Note: as NumPy, integers round through the float64 (here: CPU) quotient.
        work = _d.float64 if x._device.type == "cpu" else _d.float32
        a = a.astype(work._mx, stream=s)
    # Note: not mx.round(a, decimals), which multiplies back by 10**-decimals
    # (one rounding more than NumPy's division: float16 1.25 -> 1.199 instead of 1.2).
    f = mx.array(10.0 ** builtins.abs(decimals), dtype=mx.float32 if work is _d.complex64
                 else work._mx)
    scale, unscale = (mx.multiply, mx.divide) if decimals > 0 else (mx.divide, mx.multiply)
    out = unscale(mx.round(scale(a, f, stream=s), stream=s), f, stream=s)
    return _core.new(out.astype(x._dtype._mx, stream=s), x._dtype, x._device)


def round_(x, /, decimals: int = 0, out=None) -> Array:
    """The standard's ``round`` with NumPy's ``decimals`` and ``out`` (``xp.round``).

    ``decimals=0`` is the standard's function (half to even); other values as
    :func:`around`. Array-likes are accepted.
    """
    return _core.write_out("round", out, around(x, decimals))


round_.__name__ = round_.__qualname__ = "round"


# --- reductions and accumulations -------------------------------------------------

def _axis_arg(axis):
    """NumPy accepts a list of axes where the standard wants a tuple."""
    return tuple(axis) if isinstance(axis, list) else axis


def amax(a, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """The maximum of ``a`` over ``axis``: :func:`max`, with NumPy's positional ``axis``."""
    return max(as_array("amax", a), axis=_axis_arg(axis), keepdims=keepdims)


def amin(a, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """The minimum of ``a`` over ``axis``: :func:`min`, with NumPy's positional ``axis``."""
    return min(as_array("amin", a), axis=_axis_arg(axis), keepdims=keepdims)


def _accumulate(name: str, fn, a, axis, dtype) -> Array:
    x = as_array(name, a)
    if x._dtype is _d.bool:
        # Note: NumPy counts booleans (in its default integer); the standard refuses them.
        x = astype(x, _convert.default_int(x.device))
    if axis is None or x.ndim == 0:
        # Note: NumPy accumulates a 0-d array as a 1-d one (axis 0 or None).
        x = reshape(x, (-1,))
        axis = 0 if axis is None else axis
    return fn(x, axis=axis, dtype=dtype)


def cumsum(a, axis: int | None = None, dtype=None) -> Array:
    """The cumulative sum along ``axis``; ``axis=None`` sums the flattened array (NumPy).

    Dtypes as :func:`cumulative_sum` (integers narrower than the default integer
    accumulate in an integer of its width and their signedness; NumPy uses int64); bool
    counts in the default integer.
    """
    return _accumulate("cumsum", cumulative_sum, a, axis, dtype)


def cumprod(a, axis: int | None = None, dtype=None) -> Array:
    """The cumulative product along ``axis``; ``axis=None`` flattens first (NumPy)."""
    return _accumulate("cumprod", cumulative_prod, a, axis, dtype)


# --- shape and conversion ----------------------------------------------------------

def ndim(a) -> int:
    """The number of dimensions of ``a`` (an Array or an array-like)."""
    return as_array("ndim", a).ndim


def shape(a) -> tuple[int, ...]:
    """The shape of ``a`` (an Array or an array-like)."""
    return as_array("shape", a).shape


def size(a, axis: int | tuple[int, ...] | None = None) -> int:
    """The number of elements of ``a``, or along ``axis`` (an int or a tuple of ints)."""
    x = as_array("size", a)
    if axis is None:
        return x._array.size
    axes = axis if isinstance(axis, tuple) else (axis,)
    n = 1
    for ax in axes:
        n *= x.shape[_axis("size", ax, x.ndim)]
    return n


_MAX_NDMIN = 64  # NumPy's NPY_MAXDIMS


def array(obj, dtype=None, *, copy: bool | None = True, ndmin: int = 0) -> Array:
    """An array from ``obj``, a copy by default (NumPy's ``array``).

    ``copy=None`` copies only when needed and ``copy=False`` raises ValueError when
    a copy is needed, as :func:`asarray`. ``ndmin`` prepends axes of size one.
    Python floats and ints take the default dtypes (float32 and int32; NumPy's float64
    and int64 under the "numpy" default dtypes, docs/dtypes.md).
    """
    x = asarray(obj, dtype=dtype, copy=copy)
    ndmin = _args.check_int("array", ndmin, "ndmin")
    if ndmin > _MAX_NDMIN:
        raise ValueError(f"array: ndmin {ndmin} is more than the {_MAX_NDMIN} dimensions an "
                         "array can have (NumPy's limit)")
    if ndmin > x.ndim:
        x = reshape(x, (1,) * (ndmin - x.ndim) + x.shape)
    return x


def copy(a) -> Array:
    """An independent copy of ``a``."""
    return asarray(as_array("copy", a), copy=True)


def identity(n: int, dtype=None) -> Array:
    """The ``n`` x ``n`` identity matrix (float32 unless ``dtype`` says otherwise)."""
    return eye(n, dtype=dtype)


def concatenate(arrays, axis: int | None = 0, dtype=None) -> Array:
    """Join array-likes along ``axis`` (``axis=None`` flattens them first), as :func:`concat`.

    ``dtype`` casts the result (NumPy casts the inputs: the same values).
    """
    if not isinstance(arrays, (tuple, list)):
        raise TypeError(f"concatenate: expected a sequence of arrays, got "
                        f"{type(arrays).__name__}")
    out = concat([as_array("concatenate", a) for a in arrays], axis=axis)
    return out if dtype is None else astype(out, dtype, copy=False)


def transpose(a, axes: tuple[int, ...] | list[int] | None = None) -> Array:
    """``a`` with its axes reversed, or permuted by ``axes`` (NumPy's ``transpose``).

    The standard's :func:`permute_dims` always needs ``axes``.
    """
    x = as_array("transpose", a)
    if axes is None:
        axes = tuple(range(x.ndim - 1, -1, -1))
    elif _args.is_int(axes):
        axes = (axes,)  # as NumPy, an int is the one axis of a 1-D array
    return permute_dims(x, _args.check_ints("transpose", axes, "axes"))


def diagonal(a, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    """The ``offset``-th diagonal of the matrices in axes ``axis1`` and ``axis2``.

    NumPy's argument order: the two axes are removed and the diagonal is the last
    axis of the result. ``xp.linalg.diagonal`` is the standard's (the last two axes).

    Raises:
        ValueError: for fewer than two dimensions, or ``axis1 == axis2``.
        IndexError: for an axis out of range.
    """
    x = as_array("diagonal", a)
    if x.ndim < 2:
        raise ValueError(f"diagonal: a must have at least two dimensions, got shape {x.shape}")
    ax1 = _axis("diagonal", axis1, x.ndim)
    ax2 = _axis("diagonal", axis2, x.ndim)
    if ax1 == ax2:
        raise ValueError(f"diagonal: axis1 and axis2 cannot be the same (both {ax1})")
    res = _matrix_diagonal(moveaxis(x, (ax1, ax2), (-2, -1)), offset=offset)
    # Note: a writable view (PyTorch's diagonal is; NumPy's is a read-only view).
    return _views.derived(res, x, ("diag", operator.index(offset), ax1, ax2))
