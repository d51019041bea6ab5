"""Statistical functions: reductions and cumulative sums/products.

Reductions are one MLX op each (plus casts), except ``var``/``std``, which run
through the compiled-op cache with their axes and correction as static
parameters. Result dtypes follow the standard, not MLX (see the ``# Note:``
comments and docs/sections.md).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import check_dtype_on_device
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile

if TYPE_CHECKING:
    from .._array.array import Array
    from .._array.dtypes import DType

_CAT = _d.CATEGORIES

# Note: the standard accumulates integers narrower than the default integer (int32, or
# int64 under the "numpy" default dtypes on the CPU) in the integer of that width and the
# same signedness; MLX's sum gives int32 for every integer narrower than 32 bits, signed
# or not, and its prod/cumsum keep the input dtype.
_ACCUMULATE = {
    _d.int32: {_d.int8: _d.int32, _d.int16: _d.int32, _d.uint8: _d.uint32,
               _d.uint16: _d.uint32},
    _d.int64: {_d.int8: _d.int64, _d.int16: _d.int64, _d.int32: _d.int64,
               _d.uint8: _d.uint64, _d.uint16: _d.uint64, _d.uint32: _d.uint64},
}
# Half-precision inputs reduce in float32 and round once at the end.
_HALF = (_d.float16, _d.bfloat16)


def _axes(name: str, x, axis) -> list[int] | None:
    """``axis`` as MLX takes it: None (every axis) or a list of normalised axes."""
    axes = _args.check_axes(name, axis, x.ndim)
    if axes is None or x.ndim == 0:
        # A 0-d array reduces over its one (implicit) element whatever axis says.
        return None
    return list(axes)


def _check_keepdims(name: str, keepdims) -> bool:
    return _args.check_bool(name, keepdims, "keepdims")


def _reduced_size(x, axes) -> int:
    if axes is None:
        return x._array.size
    return math.prod(x._array.shape[a] for a in axes)


def _accumulation_dtype(name: str, x, dtype) -> DType:
    """The result dtype of sum/prod/cumulative_*: ``dtype`` if given, else the standard's."""
    if dtype is None:
        return _ACCUMULATE[_convert.default_int(x._device)].get(x._dtype, x._dtype)
    dt = _d.as_dtype(dtype)
    if dt is None:
        raise TypeError(f"{name}: {dtype!r} is not a tmath_array dtype")
    if dt not in _CAT["numeric"]:
        _core.bad_dtype(f"{name} (dtype=)", "numeric", dt)
    if _d.kind_rank(dt) < _d.kind_rank(x._dtype):
        raise TypeError(f"{name}: cannot accumulate {_core.dtype_name(x._dtype)} values in "
                        f"{_core.dtype_name(dt)} (it drops the fraction or imaginary part); "
                        "cast x first")
    check_dtype_on_device(dt, x._device, name)
    return dt


def _sum_prod(name: str, mxfn, x, axis, dtype, keepdims) -> Array:
    x = _convert.array(name, x)
    if x._dtype is _d.bool:
        # Note: booleans count in the default integer (np.sum(mask) counts the True
        # values), an extension: the standard leaves bool input to sum/prod unspecified.
        di = _convert.default_int(x._device)
        x = _core.new(x._array.astype(di._mx, stream=x._device._s), di, x._device)
    x = _core.check_category(name, x, "numeric")
    keepdims = _check_keepdims(name, keepdims)
    axes = _axes(name, x, axis)
    dt = _accumulation_dtype(name, x, dtype)
    s = x._device._s
    a = x._array
    work = _d.float32 if dt in _HALF else dt
    if work is not dt and x._dtype is not dt:
        # The standard casts the input to dtype first: each element rounds (or overflows)
        # to the half dtype, then the sum runs in float32.
        a = a.astype(dt._mx, stream=s)
    if work is not x._dtype:
        a = a.astype(work._mx, stream=s)
    if not a.size:
        a = _core.fresh_empty(a, s)  # (MLX's reductions of some empty layouts: see there)
    out = mxfn(a, axis=axes, keepdims=keepdims, stream=s)
    if out.dtype != dt._mx:
        out = out.astype(dt._mx, stream=s)
    return _core.new(out, dt, x._device)


def sum(x: Array, /, axis: int | tuple[int, ...] | None = None, dtype: DType | None = None,
        out: Array | None = None, keepdims: bool = False) -> Array:  # noqa: A001
    """The sum of ``x`` over ``axis`` (every axis by default).

    Integers narrower than the default integer accumulate in it (signed) or the
    unsigned integer of its width unless ``dtype`` says otherwise; floating dtypes keep
    their dtype. The empty sum is 0.
    """
    r = _sum_prod("sum", mx.sum, x, axis, dtype, keepdims)
    return r if out is None else _core.write_out("sum", out, r)


def prod(x: Array, /, axis: int | tuple[int, ...] | None = None, dtype: DType | None = None,
         out: Array | None = None, keepdims: bool = False) -> Array:
    """The product of ``x`` over ``axis``; dtype rules as :func:`sum`. The empty product is 1."""
    r = _sum_prod("prod", mx.prod, x, axis, dtype, keepdims)
    return r if out is None else _core.write_out("prod", out, r)


def _extremum(name: str, mxfn, x, axis, out, keepdims) -> Array:
    x = _core.check_category(name, _convert.array(name, x), "real-valued")
    keepdims = _check_keepdims(name, keepdims)
    axes = _axes(name, x, axis)
    if _reduced_size(x, axes) == 0:
        # Note: as NumPy, a reduction over zero elements is an error (it has no identity);
        # checked here so that every empty shape gets the same ValueError.
        raise ValueError(f"{name}: cannot reduce over zero elements (axis={axis!r}): "
                         "the maximum/minimum of nothing is undefined")
    s = x._device._s
    a, dt = x._array, x._dtype
    if isinstance(out, _core.Array) and out._dtype is not dt and \
            _d.kind_rank(out._dtype) >= _d.kind_rank(dt):
        # As NumPy, the reduction runs in out='s dtype, on the input cast to it: int32
        # 2147483647 is -1 in int8, so the int8 maximum of [2147483647, 1] is 1 (not the
        # int32 maximum wrapped). (Casting is monotone across kinds and to narrower
        # floats, so only a narrower integer changes the result.)
        a, dt = a.astype(out._dtype._mx, stream=s), out._dtype
    r = _core.new(mxfn(a, axis=axes, keepdims=keepdims, stream=s), dt, x._device)
    return r if out is None else _core.write_out(name, out, r)


def max(x: Array, /, axis: int | tuple[int, ...] | None = None, out: Array | None = None,
        keepdims: bool = False) -> Array:  # noqa: A001
    """The maximum of ``x`` over ``axis``; NaN propagates.

    Raises:
        ValueError: when a reduction runs over zero elements.
    """
    return _extremum("max", mx.max, x, axis, out, keepdims)


def min(x: Array, /, axis: int | tuple[int, ...] | None = None, out: Array | None = None,
        keepdims: bool = False) -> Array:  # noqa: A001
    """The minimum of ``x`` over ``axis``; NaN propagates.

    Raises:
        ValueError: when a reduction runs over zero elements.
    """
    return _extremum("min", mx.min, x, axis, out, keepdims)


def _float_input(name: str, x, category: str):
    """Validate a mean/var/std input: its MLX array in the working dtype, and the result dtype.

    Integers are accepted (the standard allows it) and give the default real
    floating dtype, float32; on the CPU they are averaged in float64 first, so that
    large values and long sums keep their precision until the final rounding.
    """
    dt = x._dtype
    # Note: booleans average as 0/1 (np.mean(pred == y) is an accuracy), an extension.
    if dt in _CAT["integer"] or dt is _d.bool:
        out = _convert.default_float(x._device)
    elif dt in _CAT[category]:
        out = dt
    else:
        _core.bad_dtype(name, f"{category} or integer", dt)
    work = _d.float32 if out in _HALF else out
    if (dt in _CAT["integer"] or dt is _d.bool) and x._device.type == "cpu":
        work = _d.float64
    a = x._array
    if work is not dt:
        a = a.astype(work._mx, stream=x._device._s)
    return a, out


def mean(x: Array, /, axis: int | tuple[int, ...] | None = None, dtype: DType | None = None,
         out: Array | None = None, keepdims: bool = False) -> Array:
    """The arithmetic mean of ``x`` over ``axis``; the mean of nothing is NaN.

    Integer input gives the default real floating dtype. NumPy's ``dtype`` (the result
    dtype) and ``out`` are accepted.
    """
    x = _convert.array("mean", x)
    x = _with_dtype("mean", x, _out_precision(x, dtype, out))
    r = _mean(x, axis, keepdims)
    return r if out is None else _core.write_out("mean", out, r)


def _out_precision(x, dtype, out):
    """The working dtype of mean/var/std: ``dtype``, else float64 for integer or bool input
    written into a float64 ``out=`` (NumPy averages integers in float64; rounding to the
    default float32 first would lose what the out= array holds)."""
    if dtype is None and isinstance(out, _core.Array) and out._dtype is _d.float64 and \
            isinstance(x, _core.Array) and (x._dtype is _d.bool or x._dtype in _CAT["integer"]):
        return _d.float64
    return dtype


def _with_dtype(name: str, x: Array, dtype) -> Array:
    """NumPy's ``dtype=`` of mean/var/std: ``x`` computed in that floating dtype.

    Note: NumPy also takes an integer dtype there (and accumulates in it, wrapping
    around); here the dtype must be floating (TypeError otherwise).
    """
    if dtype is None:
        return x
    dt = _d.as_dtype(dtype)
    if dt is None:
        raise TypeError(f"{name}: {dtype!r} is not a tmath_array dtype")
    if dt not in _CAT["floating-point"]:
        _core.bad_dtype(f"{name} (dtype=)", "floating-point", dt)
    check_dtype_on_device(dt, x._device, name)
    if x._dtype is _d.complex64 and dt is not _d.complex64:
        raise TypeError(f"{name}: cannot compute complex values in {_core.dtype_name(dt)}")
    return x if dt is x._dtype else _core.new(x._array.astype(dt._mx, stream=x._device._s),
                                              dt, x._device)


def _mean(x: Array, axis, keepdims) -> Array:
    a, out = _float_input("mean", x, "floating-point")
    keepdims = _check_keepdims("mean", keepdims)
    axes = _axes("mean", x, axis)
    s = x._device._s
    if not a.size:
        a = _core.fresh_empty(a, s)
    r = mx.mean(a, axis=axes, keepdims=keepdims, stream=s)
    if r.dtype != out._mx:
        r = r.astype(out._mx, stream=s)
    return _core.new(r, out, x._device)


def _var(a: mx.array, inv_n: mx.array, scale: mx.array, axes, keepdims: bool,
         root: bool) -> mx.array:
    """Two-pass variance (or its square root) of ``a`` over ``axes`` (a tuple or None).

    ``inv_n`` (1/N) and ``scale`` (1/(N - correction), or NaN) are 0-d arrays.
    """
    # Note: not mx.mean and no Python scalars of N here. mx.compile on the CPU writes
    # every constant of the graph into the C++ it generates and compiles with the system
    # compiler (seconds on a busy machine): a size-dependent constant meant one compile
    # per size. As inputs, the sizes leave one kernel per dtype and layout.
    d = a - mx.sum(a, axis=axes, keepdims=True) * inv_n
    r = mx.sum(d * d, axis=axes, keepdims=keepdims) * scale
    return mx.sqrt(r) if root else r


def _var_std(name: str, x, axis, correction, keepdims, root: bool) -> Array:
    a, out = _float_input(name, x, "real-valued floating-point")
    keepdims = _check_keepdims(name, keepdims)
    correction = _args.check_real(name, correction, "correction")
    axes = _axes(name, x, axis)
    n = _reduced_size(x, axes)
    dof = n - correction
    # Note: MLX's var takes an integer ddof and gives inf for N <= ddof; the standard
    # takes any real correction and wants NaN when N - correction <= 0.
    inv_n = mx.array(1.0 / n if n else float("nan"), dtype=a.dtype)
    scale = mx.array(1.0 / dof if dof > 0 else float("nan"), dtype=a.dtype)
    static = (None if axes is None else tuple(axes), keepdims, root)
    if not a.size:
        a = _core.fresh_empty(a, x._device._s)
    r = _compile.run(name, _var, x._device, a, inv_n, scale, static=static)
    if r.dtype != out._mx:
        r = r.astype(out._mx, stream=x._device._s)
    return _core.new(r, out, x._device)


def _correction(name: str, ddof, correction):
    """The standard's ``correction`` or NumPy's ``ddof`` (one of them)."""
    ddof = _args.check_real(name, ddof, "ddof")
    if correction is None:
        return ddof
    correction = _args.check_real(name, correction, "correction")
    if ddof != 0:
        raise ValueError(f"{name}: give ddof or correction, not both")
    return correction


def var(x: Array, /, axis: int | tuple[int, ...] | None = None, dtype: DType | None = None,
        out: Array | None = None, ddof: int | float = 0, keepdims: bool = False, *,
        correction: int | float | None = None) -> Array:
    """The variance of ``x`` over ``axis``, dividing by ``N - correction``.

    NumPy's ``ddof`` is the standard's ``correction`` (give one). NaN where
    ``N - correction <= 0``. Integer input gives the default real floating dtype.
    """
    x = _convert.array("var", x)
    x = _with_dtype("var", x, _out_precision(x, dtype, out))
    c = _correction("var", ddof, correction)
    r = _var_std("var", x, axis, c, keepdims, False)
    return r if out is None else _core.write_out("var", out, r)


def std(x: Array, /, axis: int | tuple[int, ...] | None = None, dtype: DType | None = None,
        out: Array | None = None, ddof: int | float = 0, keepdims: bool = False, *,
        correction: int | float | None = None) -> Array:
    """The standard deviation of ``x`` over ``axis`` (the square root of :func:`var`)."""
    x = _convert.array("std", x)
    x = _with_dtype("std", x, _out_precision(x, dtype, out))
    c = _correction("std", ddof, correction)
    r = _var_std("std", x, axis, c, keepdims, True)
    return r if out is None else _core.write_out("std", out, r)


def _cumulative(a: mx.array, axis: int, include_initial: bool, product: bool) -> mx.array:
    # Note: half precision accumulates in float32, each result rounded once (as sum does,
    # and PyTorch's CPU kernels): MLX's running bfloat16 sum drifted by 3% over 50 terms.
    half = a.dtype in (mx.float16, mx.bfloat16)
    b = a.astype(mx.float32) if half else a
    out = mx.cumprod(b, axis=axis) if product else mx.cumsum(b, axis=axis)
    if half:
        out = out.astype(a.dtype)
    if include_initial:
        shape = list(a.shape)
        shape[axis] = 1
        first = mx.ones(shape, dtype=a.dtype) if product else mx.zeros(shape, dtype=a.dtype)
        out = mx.concatenate([first, out], axis=axis)
    return out


def _cumulative_op(name: str, x, axis, dtype, include_initial, product: bool) -> Array:
    x = _core.check_category(name, _convert.array(name, x), "numeric")
    if x.ndim == 0:
        raise ValueError(f"{name}: x must have at least one dimension")
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"{name}: axis is required for an array of {x.ndim} dimensions")
        axis = 0
    ax = _args.check_axis(name, axis, x.ndim)
    include_initial = _args.check_bool(name, include_initial, "include_initial")
    dt = _accumulation_dtype(name, x, dtype)
    a = x._array
    if dt is not x._dtype:
        # Note: the standard casts before accumulating (MLX's cumsum keeps the input dtype).
        a = a.astype(dt._mx, stream=x._device._s)
    out = _compile.run(name, _cumulative, x._device, a, static=(ax, include_initial, product))
    return _core.new(out, dt, x._device)


def cumulative_sum(x: Array, /, axis: int | None = None, dtype: DType | None = None,
                   out: Array | None = None, include_initial: bool = False) -> Array:
    """The cumulative sum of ``x`` along ``axis`` (optional for 1-d ``x`` only).

    ``include_initial`` prepends the empty sum (0). Dtype rules as :func:`sum`.

    Raises:
        ValueError: for a 0-d ``x``, or no ``axis`` with more than one dimension.
    """
    r = _cumulative_op(
        "cumulative_sum", x, axis, dtype, include_initial, False)
    return r if out is None else _core.write_out("cumulative_sum", out, r)


def cumulative_prod(x: Array, /, axis: int | None = None, dtype: DType | None = None,
                    out: Array | None = None, include_initial: bool = False) -> Array:
    """The cumulative product of ``x`` along ``axis``; as :func:`cumulative_sum` with 1."""
    r = _cumulative_op(
        "cumulative_prod", x, axis, dtype, include_initial, True)
    return r if out is None else _core.write_out("cumulative_prod", out, r)
