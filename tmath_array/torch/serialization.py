"""``torch.save`` / ``torch.load`` without pickle: NumPy's ``.npz`` with a JSON layout.

A saved object is a tensor, or a (nested) dict, list or tuple of tensors, Python numbers,
strings, bools and None: exactly what ``state_dict()`` of a module or an optimizer holds.
Each tensor is one ``.npy`` member of the zip (bfloat16 as its uint16 bits); the member
``__layout__.npy`` holds the structure as JSON text (UTF-8 bytes). Any tool that reads
``.npz`` reads the tensors (``numpy.load(f)``), and loading runs no code from the file:
``load`` never unpickles. A PyTorch pickle checkpoint is refused with a message saying how
to convert it. See SECURITY.md.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import mlx.core as mx
import numpy as np

from .._array import dtypes as _d
from .._array.array import Array
from .._runtime import lazy as _lazy

_LAYOUT = "__layout__"
_FORMAT = "tmath_array.torch/1"


def _to_host(t: Array) -> tuple[np.ndarray, str]:
    a = t._array
    name = t._dtype.name
    if t._dtype is _d.bfloat16:
        a = a.view(mx.uint16)
    _lazy.materialize(_lazy.CONVERSION, a)
    return np.array(a, copy=True), name


def _encode(obj, arrays: dict):
    if isinstance(obj, Array):
        key = f"t{len(arrays)}"
        arrays[key], name = _to_host(obj)
        return {"__tensor__": key, "dtype": name,
                "requires_grad": bool(getattr(obj, "requires_grad", False)),
                "parameter": type(obj).__name__ == "Parameter"}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        if isinstance(obj, float) and obj != obj:
            return {"__float__": "nan"}
        if isinstance(obj, float) and obj in (float("inf"), float("-inf")):
            return {"__float__": "inf" if obj > 0 else "-inf"}
        return obj
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"torch.save: dict keys must be str or int, got "
                                f"{type(k).__name__}")
            items.append([k, _encode(v, arrays)])
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        return {"__list__" if isinstance(obj, list) else "__tuple__":
                [_encode(v, arrays) for v in obj]}
    raise TypeError(f"torch.save saves tensors and dicts/lists/tuples of tensors, numbers "
                    f"and strings (a state_dict); got {type(obj).__name__}. Arbitrary Python "
                    "objects would need pickle, which this format never uses (SECURITY.md).")


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Save ``obj`` (a tensor or a state_dict-like structure) to a path or binary file.

    Note: the file is NumPy's ``.npz`` (no pickle), not PyTorch's pickle format.
    """
    if pickle_module is not None:
        raise ValueError("torch.save here never pickles: pickle_module is not supported")
    arrays: dict = {}
    layout = {"format": _FORMAT, "object": _encode(obj, arrays)}
    arrays[_LAYOUT] = np.frombuffer(json.dumps(layout).encode(), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def _decode(node, arrays, device):
    from ._tensor import from_mx

    if isinstance(node, dict):
        if "__tensor__" in node:
            host = arrays[node["__tensor__"]]
            dt = getattr(_d, node["dtype"])
            a = mx.array(host)
            if dt is _d.bfloat16:
                a = a.view(mx.bfloat16)
            elif a.dtype != dt._mx:
                a = a.astype(dt._mx)
            t = from_mx(a, dt, device)
            if node.get("parameter"):
                from .nn.module import Parameter

                return Parameter(t, requires_grad=node.get("requires_grad", True))
            if node.get("requires_grad"):
                t.requires_grad_(True)
            return t
        if "__dict__" in node:
            return {k: _decode(v, arrays, device) for k, v in node["__dict__"]}
        if "__list__" in node:
            return [_decode(v, arrays, device) for v in node["__list__"]]
        if "__tuple__" in node:
            return tuple(_decode(v, arrays, device) for v in node["__tuple__"])
        if "__float__" in node:
            return float(node["__float__"])
        raise ValueError("torch.load: unknown entry in the file's layout")
    return node


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Load what :func:`save` wrote (tensors land in MLX, on ``map_location``'s device).

    Raises:
        ValueError: the file is not this format (a PyTorch pickle checkpoint, say).
    """
    if pickle_module is not None or weights_only is False:
        raise ValueError("torch.load here never unpickles (weights_only=False and "
                         "pickle_module are not supported): see SECURITY.md")
    from ._types import to_mlx_device

    device = to_mlx_device(map_location if map_location is not None else "cpu") \
        if not callable(map_location) else to_mlx_device("cpu")
    if hasattr(f, "read"):
        data = f.read()
    else:
        with open(f, "rb") as fh:
            data = fh.read()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("torch.load: not a tmath_array.torch checkpoint (expected NumPy's "
                         ".npz written by torch.save)")
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        if _LAYOUT + ".npy" not in z.zip.namelist():
            names = z.zip.namelist()
            if any(n.endswith("data.pkl") for n in names):
                raise ValueError(
                    "torch.load: this is a PyTorch pickle checkpoint, which is never unpickled "
                    "here. Convert it with PyTorch: torch.save(...) there, then "
                    "numpy.savez('weights.npz', **{k: v.numpy() for k, v in sd.items()}) and "
                    "load that with tmath_array.torch.from_numpy per entry.")
            raise ValueError("torch.load: not a tmath_array.torch checkpoint (no layout entry)")
        layout = json.loads(bytes(z[_LAYOUT]).decode())
        if layout.get("format") != _FORMAT:
            raise ValueError(f"torch.load: unknown format {layout.get('format')!r}")
        arrays = {k: z[k] for k in z.files if k != _LAYOUT}
    return _decode(layout["object"], arrays, device)
