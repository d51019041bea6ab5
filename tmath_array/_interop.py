"""Conversions between tmath arrays and NumPy, DLPack producers and Python data.

MLX always copies foreign memory into arrays it owns, so data coming *in* is a
copy; data going *out* to NumPy or DLPack on the CPU is zero-copy.
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

from . import _core, _lazy
from . import _dtypes as _d
from ._devices import CPU

_TO_NUMPY = {
    _d.bool: np.bool_, _d.int8: np.int8, _d.int16: np.int16, _d.int32: np.int32,
    _d.int64: np.int64, _d.uint8: np.uint8, _d.uint16: np.uint16, _d.uint32: np.uint32,
    _d.uint64: np.uint64, _d.float16: np.float16, _d.float32: np.float32,
    _d.float64: np.float64, _d.complex64: np.complex64,
}
FROM_NUMPY = {np.dtype(v): k for k, v in _TO_NUMPY.items()}


def numpy_dtype(dtype):
    """The NumPy dtype of a tmath dtype; bfloat16 needs ``ml_dtypes``."""
    if dtype is _d.bfloat16:
        try:
            import ml_dtypes
        except ImportError:
            raise TypeError(
                "bfloat16 has no NumPy dtype: convert with x.astype(xp.float32) first, "
                "or install ml_dtypes"
            ) from None
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(_TO_NUMPY[dtype])


def to_numpy(x, dtype=None, copy=None) -> np.ndarray:
    """``np.asarray(x)``: a sync point; zero-copy unless a copy is asked for or needed."""
    if x._dtype is _d.bfloat16:
        if copy is False:
            raise ValueError("a bfloat16 array cannot be exported to NumPy without a copy")
        # No PEP 3118 format for bfloat16: go through float32 (in the same sync).
        bf16 = numpy_dtype(_d.bfloat16)  # TypeError without ml_dtypes, before any sync
        a = x._array.astype(mx.float32)
        _lazy.materialize(_lazy.CONVERSION, a)
        nd = np.asarray(a).astype(bf16)
    else:
        a = x._array
        _lazy.materialize(_lazy.CONVERSION, a)
        nd = np.array(a, copy=True) if copy else np.asarray(a)
    if dtype is not None and np.dtype(dtype) != nd.dtype:
        if copy is False:
            raise ValueError(f"converting {_core.dtype_name(x._dtype)} to {np.dtype(dtype)} "
                             "needs a copy, but copy=False was given")
        nd = nd.astype(dtype)
    return nd


def dlpack_export(x, *, stream=None, max_version=None, dl_device=None, copy=None):
    """``x.__dlpack__``: evaluates ``x`` (a sync point) and exports MLX's buffer."""
    own = x._array.__dlpack_device__()
    if dl_device is not None and tuple(dl_device) != tuple(own) and tuple(dl_device) != (1, 0):
        raise BufferError(f"cannot export to DLPack device {dl_device}")
    _lazy.materialize(_lazy.EXPORT, x._array)
    a = x._array
    if copy:
        # An MLX array made from NumPy data holds it already: nothing to evaluate.
        a = mx.array(np.array(a, copy=True))
    kwargs = {}
    if max_version is not None:
        kwargs["max_version"] = max_version
    if dl_device is not None:
        kwargs["dl_device"] = dl_device
    return a.__dlpack__(**kwargs)


def from_numpy(nd: np.ndarray, dtype, device):
    """An MLX array (a copy) from a NumPy array, with the dtype rules of asarray."""
    if not nd.dtype.isnative:
        nd = nd.astype(nd.dtype.newbyteorder("="))
    src = FROM_NUMPY.get(nd.dtype)
    if src is None:
        if nd.dtype.kind == "c":
            src = _d.complex64  # complex128 -> complex64 (MLX has no complex128)
        elif nd.dtype.name == "bfloat16":
            src = _d.bfloat16
            nd = nd.astype(np.float32)
        else:
            raise TypeError(f"asarray: NumPy dtype {nd.dtype} has no tmath_array equivalent")
    if dtype is None:
        dtype = src
        if src is _d.float64 and device != CPU:
            # Note: no float64 on the GPU; NumPy's default float64 becomes float32 there.
            dtype = _d.float32
    if nd.size == 0:
        # Note: MLX reductions over an empty array imported from a NumPy buffer read
        # uninitialised memory (wrong results, or a hang); an empty array made by
        # MLX itself behaves.
        return mx.zeros(nd.shape, dtype=(dtype or src)._mx)
    # Note: MLX rejects negative strides, which NumPy can have on an array it still
    # flags C-contiguous (a reversed view with size-1 axes).
    if not nd.flags.c_contiguous or any(st < 0 for st in nd.strides):
        nd = nd.copy(order="C")
    if src is _d.bfloat16:
        return mx.array(nd).astype(dtype._mx)
    # Note: MLX turns NumPy float64 into float32 unless the dtype is given.
    if dtype is src:
        return mx.array(nd, dtype=src._mx)
    if _d.kind_rank(dtype) >= _d.kind_rank(src):
        return mx.array(nd, dtype=src._mx).astype(dtype._mx)
    return mx.array(nd.astype(numpy_dtype(dtype)), dtype=dtype._mx)


def foreign_to_numpy(obj):
    """A NumPy array from a DLPack producer or an ``__array__`` object on the CPU."""
    if hasattr(obj, "__dlpack__"):
        dev = obj.__dlpack_device__() if hasattr(obj, "__dlpack_device__") else (1, 0)
        if tuple(dev)[0] != 1:
            # Another device: let the producer copy to the host (2023.12+ dl_device).
            try:
                return np.from_dlpack(obj, device="cpu")
            except Exception as exc:  # noqa: BLE001 - re-raised with context
                raise BufferError(f"cannot import a DLPack array from device {dev}: {exc}") \
                    from exc
        return np.from_dlpack(obj)
    return np.asarray(obj)
