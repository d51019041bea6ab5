"""Searching functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from . import _core
from . import _dtypes as _d

if TYPE_CHECKING:
    from ._array_object import Array


def where(condition: Array, x1: Array | complex, x2: Array | complex, /) -> Array:
    """Elements of ``x1`` where ``condition`` is true, else of ``x2``.

    ``x1`` and ``x2`` may be Python scalars (one of them at least an array, or
    both scalars taking the dtype the standard gives them).
    """
    array_cls = _core.Array
    if condition.__class__ is array_cls and x1.__class__ is array_cls \
            and x2.__class__ is array_cls:
        # Fast path: three arrays on one device, values of one dtype.
        dev = condition._device
        dt = x1._dtype
        if condition._dtype is _d.bool and x2._dtype is dt and x1._device is dev \
                and x2._device is dev:
            return _core.new(mx.where(condition._array, x1._array, x2._array, stream=dev._s),
                             dt, dev)
    _core.check_array("where", condition, "condition")
    if condition._dtype is not _d.bool:
        raise TypeError(f"where: condition must be a bool array, got "
                        f"{_core.dtype_name(condition._dtype)}")
    dev = condition._device
    if not isinstance(x1, _core.Array) and not isinstance(x2, _core.Array):
        from ._creation_functions import asarray

        x1 = asarray(x1, device=dev)
    a1, a2, dt, xdev = _core.prep_binary("where", x1, x2, _d.CATEGORIES["all"], "any")
    if xdev != dev:
        raise ValueError(f"where: condition is on {dev}, the values on {xdev}")
    a1 = _core.as_mx(a1, dt)
    a2 = _core.as_mx(a2, dt)
    return _core.new(mx.where(condition._array, a1, a2, stream=dev._s), dt, dev)
