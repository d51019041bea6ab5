"""NumPy's ``shares_memory`` and ``may_share_memory`` over tmath views (docs/views.md)."""

from __future__ import annotations

import numpy as np

from .._array import core as _core
from .._array import views as _views


def shares_memory(a, b, /, max_work=None) -> bool:
    """Whether ``a`` and ``b`` share an element: a view and its base, two views of one base
    that overlap. Exact for views of one step from the base (basic indexing, transposes,
    reshapes, diagonals, real/imag); views through a dtype view of another itemsize answer
    as ``may_share_memory``. NumPy arrays get NumPy's answer; anything else, False."""
    if isinstance(a, _core.Array) and isinstance(b, _core.Array):
        return _views.shares_memory(a, b, exact=True)
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return bool(np.shares_memory(a, b, max_work=max_work))
    return False


def may_share_memory(a, b, /, max_work=None) -> bool:
    """Whether ``a`` and ``b`` are views of one base (or one is the other's base)."""
    if isinstance(a, _core.Array) and isinstance(b, _core.Array):
        return _views.shares_memory(a, b, exact=False)
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return bool(np.may_share_memory(a, b, max_work=max_work))
    return False
