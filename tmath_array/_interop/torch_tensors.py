"""PyTorch tensors in and out, on any device PyTorch has (CPU, CUDA, MPS).

PyTorch stays optional: nothing here imports it until a tensor is met or
``to_torch`` is called. A device tensor never goes through ``.numpy()`` (which
raises "can't convert mps:0 device type tensor to numpy"): it is synchronised
and copied to host memory by PyTorch itself, through DLPack's ``dl_device``
first and a detached ``.to("cpu")`` where that is refused.
"""

from __future__ import annotations

import sys

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import Device, check_dtype_on_device
from .numpy_dlpack import KDL_CPU, CopyRequiredError, check_copy, dlpack_export, from_numpy

# torch dtype name -> tmath dtype (complex128 arrives as complex64: MLX has no complex128).
_FROM_TORCH = {
    "bool": _d.bool, "int8": _d.int8, "int16": _d.int16, "int32": _d.int32,
    "int64": _d.int64, "uint8": _d.uint8, "uint16": _d.uint16, "uint32": _d.uint32,
    "uint64": _d.uint64, "float16": _d.float16, "bfloat16": _d.bfloat16,
    "float32": _d.float32, "float64": _d.float64, "complex64": _d.complex64,
    "complex128": _d.complex64,
}


def is_tensor(obj) -> bool:
    """Whether ``obj`` is a ``torch.Tensor`` (without importing torch)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


def _import_torch(name: str):
    try:
        import torch
    except ImportError:
        raise ImportError(f"{name} needs PyTorch, an optional dependency of tmath_array: "
                          "pip install torch") from None
    return torch


def _dtype_name(t) -> str:
    return str(t.dtype).removeprefix("torch.")


def tensor_dtype(t, name: str):
    """The tmath dtype of a tensor's data, or TypeError."""
    dt = _FROM_TORCH.get(_dtype_name(t))
    if dt is None:
        raise TypeError(f"{name}: torch dtype {t.dtype} has no tmath_array equivalent "
                        f"(supported: {', '.join(sorted(_FROM_TORCH))})")
    return dt


def _to_host(t) -> np.ndarray:
    """A NumPy array of a (detached, resolved) device tensor's data in host memory."""
    try:
        # PyTorch copies to the host and synchronises when asked for dl_device=kDLCPU.
        return np.from_dlpack(t, device="cpu")
    except (BufferError, RuntimeError, TypeError, ValueError, NotImplementedError):
        # Older PyTorch (or a backend without DLPack): an explicit, synchronous copy.
        return np.from_dlpack(t.to("cpu"))


def from_torch(t, dtype, device: Device, *, name: str = "asarray",
               keep_float64: bool = False) -> mx.array:
    """An MLX array (one copy; two for a conjugate or negative view) from a tensor.

    Works for tensors that require grad (their data is taken, detached), non-contiguous
    and conjugated/negated views, and tensors on CUDA or MPS.
    """
    src = tensor_dtype(t, name)
    if keep_float64 and dtype is None and src is _d.float64:
        check_dtype_on_device(src, device, name)
    if dtype is not None:
        check_dtype_on_device(dtype, device, name)
    t = t.detach()  # O(1); DLPack refuses tensors that require grad
    # DLPack cannot carry PyTorch's lazy conjugate and negative bits: PyTorch refuses the
    # first, and exports a negative view's storage un-negated. Materialise them.
    if t.is_conj():
        t = t.resolve_conj()
    if t.is_neg():
        t = t.resolve_neg()
    bits = src is _d.bfloat16
    if bits:
        # Note: NumPy has no bfloat16; its bits travel as int16 (same size, any strides).
        t = t.view(_import_torch(name).int16)
    nd = np.from_dlpack(t) if t.device.type == "cpu" else _to_host(t)
    return from_numpy(nd, dtype, device, name=name, bfloat16_bits=bits,
                      keep_float64=keep_float64)


def to_torch(x, /, *, device=None, copy: bool | None = None):
    """``x`` as a ``torch.Tensor``: zero-copy on the CPU, copied to ``device`` when asked.

    A sync point (``x`` is evaluated). The CPU tensor shares memory with ``x``:
    writing to one writes to the other; ``copy=True`` gives an independent tensor.

    Args:
        x: an Array.
        device: a torch device (``"cpu"``, ``"cuda"``, ``"mps"``, ``torch.device``);
            default: the CPU.
        copy: True always copies; False raises ValueError/BufferError where a copy is
            needed (another device); None copies only then.

    Raises:
        ImportError: PyTorch is not installed.
    """
    torch = _import_torch("to_torch")
    _core.check_array("to_torch", x)
    check_copy("to_torch", copy)
    try:
        target = torch.device("cpu" if device is None else device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"to_torch: unknown torch device {device!r} ({exc})") from None
    moving = target.type != "cpu"
    if moving and copy is False:
        raise CopyRequiredError(f"to_torch: moving the data to {target} is a copy, but "
                                "copy=False was given")
    capsule = dlpack_export(x, dl_device=(KDL_CPU, 0), copy=None if moving else copy)
    t = torch.from_dlpack(capsule)
    return t.to(target) if moving else t
