"""Data type functions: astype, can_cast, finfo, iinfo, isdtype, result_type."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import check_dtype_on_device, to_device
from .._interop import convert as _convert

if TYPE_CHECKING:
    from .._array.array import Array
    from .._array.devices import Device
    from .._array.dtypes import DType


def _check_dtype(name: str, dtype):
    dt = _d.as_dtype(dtype)
    if dt is None:
        raise TypeError(f"{name}: {dtype!r} is not a tmath_array dtype")
    return dt


def astype(x: Array, dtype: DType, /, *, copy: bool = True,
           device: Device | None = None) -> Array:
    """``x`` converted to ``dtype`` (and moved to ``device``).

    Raises:
        TypeError: casting complex to a real dtype (take ``real`` or ``abs`` first).
    """
    x = _convert.array("astype", x)
    copy = _args.check_bool("astype", copy, "copy")
    dtype = _check_dtype("astype", dtype)
    dev = x._device if device is None else to_device(device, "astype")
    check_dtype_on_device(dtype, dev, "astype")
    if x._dtype is _d.complex64 and dtype is not _d.complex64:
        raise TypeError("astype: casting complex to a real dtype is not allowed; "
                        "use real(), imag() or abs() first")
    if dtype is x._dtype:
        if not copy:
            return x if dev == x._device else _core.new(x._array, dtype, dev)
        return _core.new(mx.array(x._array), dtype, dev)
    return _core.new(x._array.astype(dtype._mx, stream=dev._s), dtype, dev)


def can_cast(from_: DType | Array, to: DType, /) -> bool:
    """Whether ``from_`` (a dtype or array) casts to ``to`` under the promotion rules."""
    if isinstance(from_, _core.Array):
        from_ = from_._dtype
    elif isinstance(from_, (np.ndarray, np.generic)):
        from_ = from_.dtype  # (a NumPy array or scalar: its dtype, as in NumPy)
    from_ = _check_dtype("can_cast", from_)
    to = _check_dtype("can_cast", to)
    if from_ is to:
        return True
    # Note: the standard's float64 -> complex128 has no MLX counterpart; promotion to
    # complex64 loses precision, so it is no cast.
    if from_ is _d.float64 and to is _d.complex64:
        return False
    # The table holds same-kind pairs and real -> complex ones; mixed-kind promotion
    # (an extension) is never a cast.
    return _d.PROMOTION_TABLE.get((from_, to)) is to


@dataclass(frozen=True)
class finfo_object:  # noqa: N801 - the name the standard's stubs use
    """Machine limits of a floating dtype (``finfo``)."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: object


@dataclass(frozen=True)
class iinfo_object:  # noqa: N801 - the name the standard's stubs use
    """Machine limits of an integer dtype (``iinfo``)."""

    bits: int
    max: int
    min: int
    dtype: object


# bfloat16: 8 exponent bits, 7 stored mantissa bits.
_BF16 = dict(bits=16, eps=2.0**-7, max=float.fromhex("0x1.fep127"),
             min=-float.fromhex("0x1.fep127"), smallest_normal=2.0**-126)


def finfo(type, /) -> finfo_object:  # noqa: A002
    """Limits of a floating dtype; for complex64 those of its float32 parts."""
    if isinstance(type, _core.Array):
        type = type._dtype  # noqa: A001
    elif isinstance(type, (np.ndarray, np.generic)):
        type = type.dtype  # noqa: A001  (a NumPy array or scalar: its dtype, as in NumPy)
    type = _check_dtype("finfo", type)  # noqa: A001
    if type not in _d.CATEGORIES["floating-point"]:
        raise TypeError(f"finfo: {_core.dtype_name(type)} is not a floating-point dtype")
    if type is _d.bfloat16:
        return finfo_object(dtype=type, **_BF16)
    real = {_d.complex64: np.float32, _d.float16: np.float16, _d.float32: np.float32,
            _d.float64: np.float64}[type]
    fi = np.finfo(real)
    dt = _d.float32 if type is _d.complex64 else type
    return finfo_object(bits=int(fi.bits),
                        eps=float(fi.eps), max=float(fi.max), min=float(fi.min),
                        smallest_normal=float(fi.smallest_normal), dtype=dt)


def iinfo(type, /) -> iinfo_object:  # noqa: A002
    """Limits of an integer dtype."""
    if isinstance(type, _core.Array):
        type = type._dtype  # noqa: A001
    elif isinstance(type, (np.ndarray, np.generic)):
        type = type.dtype  # noqa: A001  (a NumPy array or scalar: its dtype, as in NumPy)
    type = _check_dtype("iinfo", type)  # noqa: A001
    if type not in _d.INT_RANGE:
        raise TypeError(f"iinfo: {_core.dtype_name(type)} is not an integer dtype")
    lo, hi = _d.INT_RANGE[type]
    return iinfo_object(bits=_d.INT_BITS[type], max=hi, min=lo, dtype=type)


def isdtype(dtype: DType, kind: DType | str | tuple[DType | str, ...]) -> bool:
    """Whether ``dtype`` is of ``kind``: a dtype, a kind name, or a tuple of those."""
    dtype = _check_dtype("isdtype", dtype)
    if isinstance(kind, tuple):
        return builtins.any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, str):
        try:
            return dtype in _d.KINDS[kind]
        except KeyError:
            raise ValueError(f"isdtype: unknown kind {kind!r}; expected one of "
                             f"{', '.join(map(repr, _d.KINDS))}") from None
    if _d.as_dtype(kind) is not None:
        return dtype is _d.as_dtype(kind)
    raise TypeError(f"isdtype: kind must be a dtype, a string or a tuple, got {kind!r}")


def result_type(*arrays_and_dtypes: Array | DType | complex) -> DType:
    """The dtype that arrays, dtypes and Python scalars promote to together.

    Python scalars take part as in binary operations: they adopt the dtype of the
    arrays unless their kind is higher. At least one array or dtype is required.
    """
    dtypes = []
    scalars = []
    for a in arrays_and_dtypes:
        if isinstance(a, _core.Array):
            dtypes.append(a._dtype)
        elif _d.as_dtype(a) is not None:
            dtypes.append(_d.as_dtype(a))
        elif isinstance(a, (np.ndarray, np.generic)) and _d.as_dtype(a.dtype) is not None:
            # Note: a NumPy array or scalar takes part with its dtype (np.float64(1.5) is
            # no weak Python float here), as in NumPy.
            dtypes.append(_d.as_dtype(a.dtype))
        elif _core.scalar_rank(a) is not None:
            scalars.append(a)
        else:
            raise TypeError(f"result_type: {a!r} is not an array, a dtype or a Python scalar")
    if not dtypes:
        raise ValueError("result_type: at least one array or dtype is required")
    out = dtypes[0]
    for d in dtypes[1:]:
        out = _d.promote_types(out, d, "result_type")
    for s in scalars:
        dt = _core.scalar_dtype("result_type", s, out)
        if dt is out and out in _d.INT_RANGE:
            _core.scalar_value("result_type", s, out)  # OverflowError when out of range
        out = dt
    return out
