"""Conversions between tmath arrays and NumPy, DLPack producers and Python data.

What MLX 0.32 allows decides what each direction costs (docs/interop.md):

* **Out** of tmath (``np.asarray(x)``, ``x.__dlpack__()``, ``to_torch(x)``): one counted
  sync point (the array is evaluated), then a zero-copy view of MLX's buffer.
* **In** to tmath (``asarray``, ``from_dlpack``): exactly one copy. MLX owns its
  memory: ``mx.array`` copies every buffer it is given and ``mx.from_dlpack(...,
  copy=False)`` raises "Cannot import a CPU DLPack array without a copy".

PyTorch tensors have their own entry point in ``torch_tensors``.
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import devices as _devices
from .._array import dtypes as _d
from .._array import views as _views
from .._array.devices import CPU, Device, check_dtype_on_device
from .._runtime import lazy as _lazy

_TO_NUMPY = {
    _d.bool: np.bool_, _d.int8: np.int8, _d.int16: np.int16, _d.int32: np.int32,
    _d.int64: np.int64, _d.uint8: np.uint8, _d.uint16: np.uint16, _d.uint32: np.uint32,
    _d.uint64: np.uint64, _d.float16: np.float16, _d.float32: np.float32,
    _d.float64: np.float64, _d.complex64: np.complex64,
}
FROM_NUMPY = {np.dtype(v): k for k, v in _TO_NUMPY.items()}

# DLPack device types (DLDeviceType) this module meets.
KDL_CPU, KDL_CUDA, KDL_CUDA_HOST, KDL_METAL, KDL_ROCM_HOST = 1, 2, 3, 8, 11
_HOST_MEMORY = (KDL_CPU, KDL_CUDA_HOST, KDL_ROCM_HOST)


def check_copy(name: str, copy) -> None:
    """``copy`` must be True, False or None (not 1, not "no")."""
    if copy is not None and not isinstance(copy, bool):
        raise ValueError(f"{name}: copy must be True, False or None, got {copy!r}")


class CopyRequiredError(BufferError, ValueError):
    """A copy is needed but ``copy=False`` was given.

    The standard asks for BufferError from ``__dlpack__``/``from_dlpack`` and for
    ValueError from ``asarray``/``from_dlpack``'s summary (NumPy's ``__array__``
    protocol wants ValueError too); this is both.
    """


def bfloat16_numpy_dtype(what: str) -> np.dtype:
    """NumPy's bfloat16 dtype from ``ml_dtypes``, or a TypeError that says what to do."""
    try:
        import ml_dtypes
    except ImportError:
        raise TypeError(
            f"{what}: bfloat16 has no NumPy dtype. Convert first with "
            "xp.astype(x, xp.float32), or install ml_dtypes (pip install ml_dtypes) to get "
            "NumPy arrays of ml_dtypes.bfloat16"
        ) from None
    return np.dtype(ml_dtypes.bfloat16)


def numpy_dtype(dtype) -> np.dtype:
    """The NumPy dtype of a tmath dtype; bfloat16 needs ``ml_dtypes``."""
    if dtype is _d.bfloat16:
        return bfloat16_numpy_dtype("numpy_dtype")
    return np.dtype(_TO_NUMPY[dtype])


# --- out: NumPy ---------------------------------------------------------------------

def to_numpy(x, dtype=None, copy=None) -> np.ndarray:
    """``x.__array__``: a sync point, then a zero-copy view unless a copy is asked for.

    The view shares memory with ``x`` (writing to it writes to ``x``); a layout with a
    zero stride (a broadcast) is exported read-only, as NumPy's ``broadcast_to`` is,
    since one write there would change many elements.
    """
    check_copy("__array__", copy)
    a = x._array
    bf16 = None
    if x._dtype is _d.bfloat16:
        try:
            bf16 = bfloat16_numpy_dtype("np.asarray")
        except TypeError:
            if dtype is None or np.dtype(dtype).name == "bfloat16":
                raise
            # Another dtype was asked for: a copy anyway, made exactly in float32.
            if copy is False:
                raise CopyRequiredError("converting bfloat16 to NumPy needs a copy, but "
                                        "copy=False was given") from None
            a = a.astype(mx.float32)
    # Note: NumPy's view must own a handle of its own on MLX's buffer. The buffer
    # protocol keeps the exporting mx.array object alive, and ``x[i] = v`` overwrites
    # that object in place: when the update cannot reuse the buffer (a broadcast), the
    # old buffer is freed under the view, which then reads whatever reuses the memory.
    # ``a[...]`` is a new object on the same buffer (free); MLX has no PEP 3118 format
    # for bfloat16, whose uint16 bits (a view: same buffer, same strides) stand in.
    handle = a[...] if bf16 is None else a.view(mx.uint16)
    _lazy.materialize(_lazy.CONVERSION, a, handle)
    nd = np.asarray(handle)
    if bf16 is not None:
        nd = nd.view(bf16)
    if any(s == 0 and n > 1 for s, n in zip(nd.strides, nd.shape)):
        nd.flags.writeable = False
    elif _views.is_view(x) or _views.has_views(x):
        # Note: a write into MLX's buffer of a view (or of a base with live views) would
        # reach some of the arrays sharing those elements and not others (each holds
        # its own MLX array); a read-only export makes such a write an error, never a
        # silent loss (docs/views.md).
        nd.flags.writeable = False
    if dtype is not None and np.dtype(dtype) != nd.dtype:
        if copy is False:
            raise CopyRequiredError(f"converting {_core.dtype_name(x._dtype)} to NumPy "
                                    f"{np.dtype(dtype)} needs a copy, but copy=False was given")
        return nd.astype(dtype)
    return nd.copy() if copy else nd


# --- out: DLPack --------------------------------------------------------------------

def dlpack_device(x) -> tuple[int, int]:
    """``x.__dlpack_device__()``: kDLCPU for the CPU device, MLX's answer otherwise."""
    if x._device == CPU:
        # Note: MLX reports Metal (8, 0) for every array on a Mac, even one computed on
        # the CPU stream; the memory is unified, so CPU-device arrays say kDLCPU.
        return (KDL_CPU, 0)
    return tuple(x._array.__dlpack_device__())


def _int_pair(value, what: str) -> tuple[int, int]:
    try:
        first, second = value
        return (int(first), int(second))
    except (TypeError, ValueError):
        raise ValueError(f"__dlpack__: {what} must be a pair of ints, got {value!r}") from None


def _layout_probe(a: mx.array) -> mx.array:
    """An array with ``a``'s strides that the buffer protocol can describe."""
    # Note: MLX's buffer protocol has no bfloat16 format; its bits carry the same strides.
    return a.view(mx.uint16) if a.dtype == mx.bfloat16 else a


def dlpack_export(x, *, stream=None, max_version=None, dl_device=None, copy=None):
    """``x.__dlpack__``: evaluates ``x`` (a sync point) and exports MLX's buffer.

    The capsule is a zero-copy view unless ``copy=True``, or the layout has a negative
    stride (PyTorch aborts the process on those, so they are made contiguous: a copy,
    BufferError when ``copy=False``). MLX makes DLPack 0.x ("dltensor") capsules,
    which the standard allows whatever ``max_version`` asks for.
    """
    check_copy("__dlpack__", copy)
    if max_version is not None:
        _int_pair(max_version, "max_version (major, minor)")
    own = dlpack_device(x)
    target = own if dl_device is None else _int_pair(dl_device, "dl_device (type, id)")
    if stream is not None and (isinstance(stream, bool) or not isinstance(stream, int)):
        # (compared with -1, a tensor or array would answer with an array of its own)
        raise TypeError(f"__dlpack__: stream must be None or an int, got "
                        f"{type(stream).__name__}")
    if stream is not None and stream != -1:
        # Note: CPU and Metal have no stream a consumer could name; the standard
        # allows only None there (-1, "do not synchronise", is harmless).
        raise ValueError(f"__dlpack__: stream must be None for DLPack device {target}, "
                         f"got {stream!r}")
    if target != own and target != (KDL_CPU, 0):
        raise BufferError(f"__dlpack__: cannot export an array on {x._device} (DLPack device "
                          f"{own}) to DLPack device {target}; only {own} and kDLCPU (1, 0) "
                          "are supported")
    a = x._array
    probe = _layout_probe(a)
    _lazy.materialize(_lazy.EXPORT, a, probe)
    if not copy and any(s < 0 for s in memoryview(probe).strides):
        if copy is False:
            raise CopyRequiredError("__dlpack__: this array's layout has negative strides, "
                                    "which DLPack consumers reject; exporting it needs a copy, "
                                    "but copy=False was given")
        a = mx.contiguous(a, stream=x._device._s)
        _lazy.materialize(_lazy.EXPORT, a)
    # Note: MLX's own dl_device=None means Metal whenever Metal exists; pass ours.
    return a.__dlpack__(dl_device=target, copy=copy)


# --- in: NumPy ----------------------------------------------------------------------

def _flip_negative(nd: np.ndarray):
    """``(view, key)``: ``nd`` with every negative stride flipped, and the MLX key that
    flips it back (None when there is nothing to flip)."""
    neg = tuple(s < 0 for s in nd.strides)
    if not any(neg):
        return nd, None
    view = nd[tuple(slice(None, None, -1) if f else slice(None) for f in neg)]
    # A length-1 axis reads the same either way (MLX rejects its negative stride all the same).
    flips = [f and n > 1 for f, n in zip(neg, nd.shape)]
    key = tuple(slice(None, None, -1) if f else slice(None) for f in flips)
    return view, key if any(flips) else None


def _sparse(nd: np.ndarray) -> bool:
    """Whether the memory ``nd`` spans is much larger than its data.

    MLX copies the whole span of a strided buffer (and keeps its strides), which is
    the fastest copy for a transpose, but not for every 100th element of a big array.
    """
    span = nd.itemsize + sum((n - 1) * abs(s) for n, s in zip(nd.shape, nd.strides))
    return span > 2 * nd.nbytes and span > (1 << 16)


def from_numpy(nd: np.ndarray, dtype, device: Device, *, name: str = "asarray",
               bfloat16_bits: bool = False, keep_float64: bool = False) -> mx.array:
    """An MLX array (one copy) from a NumPy array, with the dtype rules of asarray.

    ``bfloat16_bits``: ``nd`` holds bfloat16 values as 16-bit integers.
    ``keep_float64``: float64 data for a GPU device is an error rather than float32.
    """
    if not nd.dtype.isnative:
        nd = nd.astype(nd.dtype.newbyteorder("="))
    if bfloat16_bits:
        src = _d.bfloat16
    else:
        src = FROM_NUMPY.get(nd.dtype)
        if src is None:
            if nd.dtype.kind == "c":
                src = _d.complex64  # complex128 -> complex64 (MLX has no complex128)
            elif nd.dtype.name == "bfloat16":  # ml_dtypes.bfloat16
                src = _d.bfloat16
                nd = nd.view(np.uint16)
                bfloat16_bits = True
            else:
                raise TypeError(f"{name}: NumPy dtype {nd.dtype} has no tmath_array equivalent")
    if dtype is None:
        dtype = src
        if src is _d.float64 and device != CPU:
            if keep_float64:
                check_dtype_on_device(src, device, name)
            # Note: no float64 on the GPU; NumPy's default float64 becomes float32 there.
            dtype = _d.float32
    if nd.size == 0:
        # Note: MLX reductions over an empty array imported from a NumPy buffer read
        # uninitialised memory (wrong results, or a hang); an empty array made by
        # MLX itself behaves.
        return mx.zeros(nd.shape, dtype=dtype._mx)
    # Note: MLX rejects negative strides; flip those axes in NumPy (a view) and back
    # in MLX (a lazy slice), so the data is still copied once.
    nd, flip_back = _flip_negative(nd)
    if _sparse(nd):
        nd = np.ascontiguousarray(nd)
    if bfloat16_bits:
        m = mx.array(nd, dtype=mx.uint16 if nd.dtype == np.uint16 else mx.int16)
        m = m.view(mx.bfloat16)
        if dtype is not src:
            m = m.astype(dtype._mx)
    elif dtype is src:
        # Note: MLX turns NumPy float64 into float32 unless the dtype is given.
        m = mx.array(nd, dtype=src._mx)
    elif _d.kind_rank(dtype) >= _d.kind_rank(src):
        m = mx.array(nd, dtype=src._mx).astype(dtype._mx)
    elif dtype is _d.bfloat16:
        m = mx.array(nd.astype(np.float32), dtype=mx.float32).astype(mx.bfloat16)
    else:
        m = mx.array(nd.astype(numpy_dtype(dtype)), dtype=dtype._mx)
    return m if flip_back is None else m[flip_back]


# --- in: any DLPack producer --------------------------------------------------------

def producer_device(obj) -> Device:
    """The device ``from_dlpack(obj)`` puts its result on: the producer's, where MLX has it."""
    kind = int(obj.__dlpack_device__()[0]) if hasattr(obj, "__dlpack_device__") else KDL_CPU
    if kind in _HOST_MEMORY:
        return CPU
    gpus = [d for d in _devices.available_devices() if d.type == "gpu"]
    return gpus[0] if gpus else CPU


def host_view(obj, name: str = "from_dlpack") -> np.ndarray:
    """A NumPy view of a DLPack producer's data in host memory.

    CPU producers are viewed in place; a producer on another device is asked for a
    host copy through DLPack's ``dl_device`` (2023.12), which synchronises it.
    """
    kind = int(obj.__dlpack_device__()[0]) if hasattr(obj, "__dlpack_device__") else KDL_CPU
    if kind in _HOST_MEMORY:
        return np.from_dlpack(obj)
    try:
        return np.from_dlpack(obj, device="cpu")
    except Exception as exc:  # noqa: BLE001 - re-raised with what to do
        raise BufferError(
            f"{name}: cannot copy a {type(obj).__name__} from DLPack device "
            f"{tuple(obj.__dlpack_device__())} to host memory ({type(exc).__name__}: {exc}); "
            "move it to the CPU with its own library first"
        ) from exc


def import_dlpack(obj, dtype, device: Device, *, name: str = "asarray",
                  keep_float64: bool = False) -> mx.array:
    """An MLX array (one copy) from any DLPack producer (NumPy, JAX, CuPy, ...)."""
    try:
        nd = host_view(obj, name)
    except (RuntimeError, BufferError, TypeError):
        m = _bfloat16_from_host_dlpack(obj)
        if m is None:
            raise
        return m if dtype is None or dtype is _d.bfloat16 else m.astype(dtype._mx)
    return from_numpy(nd, dtype, device, name=name, keep_float64=keep_float64)


def _bfloat16_from_host_dlpack(obj) -> mx.array | None:
    """A host bfloat16 DLTensor, which NumPy refuses (it has no bfloat16), read by MLX."""
    kind = int(obj.__dlpack_device__()[0]) if hasattr(obj, "__dlpack_device__") else KDL_CPU
    if kind not in _HOST_MEMORY:
        return None
    try:
        m = mx.from_dlpack(obj)  # a copy: MLX imports host memory by copying
    except (ValueError, RuntimeError, TypeError, BufferError):
        return None
    if m.dtype != mx.bfloat16:
        return None
    return mx.zeros(m.shape, dtype=m.dtype) if m.size == 0 else m  # see from_numpy
