"""Linear-algebra functions of the main namespace (``matmul``, ``matrix_transpose``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from . import _core
from . import _dtypes as _d

if TYPE_CHECKING:
    from ._array_object import Array

_NUMERIC = _d.CATEGORIES["numeric"]
_INTEGER = _d.CATEGORIES["integer"]


def matmul(x1: Array, x2: Array, /) -> Array:
    """Matrix product with NumPy's rules for 1-D operands and batch broadcasting.

    Raises:
        TypeError: for non-numeric dtypes.
        ValueError: when the contracted dimensions differ or an operand is 0-D.
    """
    for x in (x1, x2):
        _core.check_category("matmul", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("matmul", x1, x2, _NUMERIC, "numeric")
    if a1.ndim == 0 or a2.ndim == 0:
        raise ValueError("matmul: operands must have at least one dimension")
    k1 = a1.shape[-1]
    k2 = a2.shape[-2] if a2.ndim > 1 else a2.shape[0]
    if k1 != k2:
        raise ValueError(f"matmul: contracted dimensions differ ({k1} and {k2}) for shapes "
                         f"{tuple(a1.shape)} and {tuple(a2.shape)}")
    s = dev._s
    if dt not in _INTEGER:
        return _core.new(mx.matmul(a1, a2, stream=s), dt, dev)
    # Note: MLX's matmul takes floating dtypes only; integers multiply and sum
    # exactly, with the standard's wrap-around on overflow.
    v1 = a1.ndim == 1
    v2 = a2.ndim == 1
    if v1:
        a1 = mx.expand_dims(a1, 0, stream=s)
    if v2:
        a2 = mx.expand_dims(a2, 1, stream=s)
    try:
        batch = mx.broadcast_shapes(a1.shape[:-2], a2.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: batch shapes {tuple(a1.shape[:-2])} and "
                         f"{tuple(a2.shape[:-2])} do not broadcast") from None
    prod = mx.multiply(mx.expand_dims(a1, -1, stream=s), mx.expand_dims(a2, -3, stream=s),
                       stream=s)
    out = mx.sum(prod, axis=-2, stream=s).astype(dt._mx, stream=s)
    out = mx.broadcast_to(out, tuple(batch) + tuple(out.shape[-2:]), stream=s)
    if v1:
        out = mx.squeeze(out, -2, stream=s)
    if v2:
        out = mx.squeeze(out, -1, stream=s)
    return _core.new(out, dt, dev)


def matrix_transpose(x: Array, /) -> Array:
    """Transpose of the last two axes."""
    _core.check_array("matrix_transpose", x)
    if x.ndim < 2:
        raise ValueError("matrix_transpose: x must have at least two dimensions")
    return _core.new(mx.swapaxes(x._array, -1, -2, stream=x._device._s), x._dtype, x._device)
