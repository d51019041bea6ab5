"""The one way in for data: everything a function accepts as an array enters here.

Python scalars and (nested) sequences, NumPy arrays and scalars, PyTorch tensors,
DLPack producers, ``__array__`` objects, buffers, MLX arrays and Arrays all become an
Array through :func:`to_array` (the standard's ``asarray`` is its signature over it).
Functions that take array-likes call :func:`array` (or :func:`operand`, which keeps a
Python scalar a weak scalar for a binary function): for an Array argument that is one
class check and a return, so accepting array-likes costs the Array-in path nothing.

Converting host data is one copy into MLX, never a sync point (docs/interop.md).
"""

from __future__ import annotations

import builtins
import math

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import devices as _devices
from .._array import dtypes as _d
from .._array.array import Array, new, wrap
from .._array.devices import check_dtype_on_device, to_device
from .._array.scalars import scalar_rank
from . import numpy_dlpack as _np_interop
from . import torch_tensors as _torch_interop

# --- default dtypes ---------------------------------------------------------------

# The dtypes a Python int, float and complex take where nothing else decides: float32,
# int32 and complex64 on every device by default; float64/int64 on the CPU under the
# "numpy" rule (xp.set_default_dtypes, docs/dtypes.md). Decided in _array/devices.py.
DEFAULT_COMPLEX = _d.complex64
default_int = _devices.default_int
default_float = _devices.default_float
default_index = _devices.default_index


# --- Python scalars ----------------------------------------------------------------

def scalar_default_dtype(name: str, value, device=None):
    """The dtype a Python scalar gets when none is given."""
    r = scalar_rank(value)
    if r is None:
        raise TypeError(f"{name}: expected a Python scalar, got {type(value).__name__}")
    if r == 1:
        dint = default_int(device)
        lo, hi = _d.INT_RANGE[dint]
        if lo <= value <= hi:
            return dint
        # Note: beyond the default a Python int becomes int64 (uint64 past that), as MLX does.
        if _d.INT_RANGE[_d.int64][0] <= value <= _d.INT_RANGE[_d.int64][1]:
            return _d.int64
        if 0 <= value <= _d.INT_RANGE[_d.uint64][1]:
            return _d.uint64
        raise OverflowError(f"{name}: Python int {value} does not fit any integer dtype")
    if r == 0:
        return _d.bool
    return default_float(device) if r == 2 else DEFAULT_COMPLEX


def scalar_array(name: str, value, dtype) -> mx.array:
    """A 0-d MLX array holding a Python scalar converted to ``dtype``."""
    if _core.scalar_rank(value) is None:
        # (A NumPy scalar is its Python value; anything else is refused here, before a
        # comparison with it fails or MLX takes its truth as a bool.)
        if not (isinstance(value, np.generic) and value.dtype.kind in "biufc"):
            raise TypeError(f"{name}: expected a Python scalar, got {type(value).__name__}")
        value = value.item()
    if dtype in _d.INT_RANGE:
        if isinstance(value, (float, complex)) and not isinstance(value, builtins.bool):
            if isinstance(value, complex):
                raise TypeError(f"{name}: cannot convert a complex value to "
                                f"{_core.dtype_name(dtype)}")
            if not math.isfinite(value):
                raise ValueError(f"{name}: cannot convert {value} to {_core.dtype_name(dtype)}")
            value = int(value)
        lo, hi = _d.INT_RANGE[dtype]
        if not lo <= value <= hi:
            raise OverflowError(f"{name}: {value} is out of range for {_core.dtype_name(dtype)}")
        if value > 2**63 - 1:
            return mx.array(np.array(value, dtype=np.uint64))
        return mx.array(int(value), dtype=dtype._mx)
    if isinstance(value, complex) and dtype not in _d.CATEGORIES["complex floating-point"]:
        raise TypeError(f"{name}: cannot convert a complex value to {_core.dtype_name(dtype)}")
    if dtype is _d.bool:
        # (MLX cannot take an int beyond int64 even for a bool: std::bad_cast)
        return mx.array(builtins.bool(value))
    if isinstance(value, int) and dtype in _d.CATEGORIES["floating-point"]:
        value = float(value)
    return mx.array(value, dtype=dtype._mx)


# --- the way in --------------------------------------------------------------------

def to_array(obj, dtype=None, device=None, copy: bool | None = None, *,
             name: str = "asarray") -> Array:
    """``obj`` as an Array (``asarray``'s semantics; ``dtype`` already validated).

    With ``copy=None`` an existing array is reused when its dtype and device already
    fit; ``copy=False`` raises ValueError when a copy cannot be avoided (MLX always
    copies memory it does not own: NumPy data, buffers, lists).
    """
    if isinstance(obj, Array):
        dev = obj._device if device is None else to_device(device, name)
        dt = obj._dtype if dtype is None else dtype
        check_dtype_on_device(dt, dev, name)
        if dt is obj._dtype:
            if copy:
                return new(mx.array(obj._array), dt, dev)
            return obj if dev == obj._device else new(obj._array, dt, dev)
        if copy is False:
            raise ValueError(f"{name}: changing the dtype needs a copy, but copy=False was given")
        return new(obj._array.astype(dt._mx, stream=dev._s), dt, dev)
    dev = to_device(device, name)
    if dtype is not None:
        check_dtype_on_device(dtype, dev, name)
    if isinstance(obj, mx.array):
        src = _core.CANON[obj.dtype]
        if obj.size == 0:
            obj = mx.zeros(obj.shape, dtype=obj.dtype)  # see numpy_dlpack.from_numpy
        dt = src if dtype is None else dtype
        check_dtype_on_device(dt, dev, name)
        if dt is src:
            return new(mx.array(obj) if copy else obj, dt, dev)
        if copy is False:
            raise ValueError(f"{name}: changing the dtype needs a copy, but copy=False was given")
        return new(obj.astype(dt._mx, stream=dev._s), dt, dev)
    if hasattr(obj, "__mlx_array__"):
        return to_array(obj.__mlx_array__(), dtype, device, copy, name=name)
    if copy is False:
        raise ValueError(f"{name}: a {type(obj).__name__} cannot be used without a copy "
                         "(MLX copies memory it does not own); pass copy=None or True")
    if scalar_rank(obj) is not None and not isinstance(obj, np.generic):
        dt = scalar_default_dtype(name, obj, dev) if dtype is None else dtype
        check_dtype_on_device(dt, dev, name)
        return new(scalar_array(name, obj, dt), dt, dev)
    if isinstance(obj, (np.ndarray, np.generic)):
        return wrap(_np_interop.from_numpy(np.asarray(obj), dtype, dev, name=name), dev)
    if isinstance(obj, (list, tuple)):
        return wrap(_from_sequence(obj, dtype, dev, name), dev)
    if _torch_interop.is_tensor(obj):
        return wrap(_torch_interop.from_torch(obj, dtype, dev, name=name), dev)
    if hasattr(obj, "__dlpack__"):
        return wrap(_np_interop.import_dlpack(obj, dtype, dev, name=name), dev)
    if hasattr(obj, "__array__") or hasattr(obj, "__array_interface__"):
        return wrap(_np_interop.from_numpy(np.asarray(obj), dtype, dev, name=name), dev)
    try:
        view = memoryview(obj)
    except TypeError:
        raise TypeError(f"{name}: cannot convert {type(obj).__name__} to an array") from None
    return wrap(_np_interop.from_numpy(np.asarray(view), dtype, dev, name=name), dev)


def _from_sequence(obj, dtype, dev, name: str) -> mx.array:
    """Parse a nested sequence of Python scalars (with NumPy) into an MLX array."""
    if dtype is not None:
        try:
            nd = np.asarray(obj, dtype=_np_interop.numpy_dtype(dtype)
                            if dtype is not _d.bfloat16 else np.float32)
        except OverflowError as exc:
            raise OverflowError(f"{name}: {exc}") from None
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: {exc}") from None
        return _np_interop.from_numpy(nd, dtype, dev, name=name)
    try:
        nd = np.asarray(obj)
    except ValueError as exc:  # a ragged sequence
        raise ValueError(f"{name}: {exc}") from None
    if nd.dtype == object:
        raise TypeError(f"{name}: the sequence holds objects that are not numbers")
    kind = nd.dtype.kind
    if kind in "iu":
        # Python ints take the default integer dtype when every value fits.
        dint = default_int(dev)
        lo, hi = _d.INT_RANGE[dint]
        target = dint if nd.size == 0 or (nd.min() >= lo and nd.max() <= hi) else None
        return _np_interop.from_numpy(nd, target, dev, name=name)
    if kind == "f":
        return _np_interop.from_numpy(nd, default_float(dev), dev, name=name)
    if kind == "c":
        return _np_interop.from_numpy(nd, DEFAULT_COMPLEX, dev, name=name)
    if kind == "b":
        return _np_interop.from_numpy(nd, _d.bool, dev, name=name)
    raise TypeError(f"{name}: cannot convert a sequence of {nd.dtype} values")


def from_host(name: str, obj, dtype=None, device=None) -> Array:
    """:func:`to_array` with the function's name in its errors (``copy=None``)."""
    return to_array(obj, dtype, device, None, name=name)


def array(name: str, x, device=None) -> Array:
    """An array-like argument of function ``name`` as an Array.

    An Array passes through untouched (one class check: the hot path); anything
    :func:`to_array` takes is converted, on ``device`` when given.
    """
    if x.__class__ is Array:
        return x
    if isinstance(x, Array):
        return x
    _not_text(name, x)
    return to_array(x, None, device, None, name=name)


def _not_text(name: str, x) -> None:
    # Note: NumPy makes a string array of text and bytes (there are no string dtypes
    # here); asarray (the standard's) would read bytes as a buffer, which NumPy code never
    # means in an array-like argument.
    if isinstance(x, (str, bytes, bytearray)):
        raise TypeError(f"{name}: text is not an array-like here, got {type(x).__name__}")


def operand(name: str, x, device=None):
    """A binary operand: an Array or a Python scalar as it is (a scalar stays weak, as
    NEP 50 has it); any other array-like becomes an Array."""
    cls = x.__class__
    if cls is Array or cls is float or cls is int or cls is builtins.bool or cls is complex:
        return x
    if isinstance(x, (Array, builtins.bool, int, float, complex)) and not isinstance(
            x, np.generic):
        return x
    _not_text(name, x)
    return to_array(x, None, device, None, name=name)


__all__ = ["array", "from_host", "operand", "scalar_array", "scalar_default_dtype",
           "to_array"]
