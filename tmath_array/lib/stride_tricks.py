"""``xp.lib.stride_tricks``: NumPy's sliding windows (as new arrays, not views)."""

from __future__ import annotations

import sys as _sys

from .._numpy.construct import sliding_window_view

__all__ = ["sliding_window_view"]

_ADVICE = {
    "as_strided": "MLX arrays have no strides to set: use sliding_window_view for windows, "
                  "or xp.broadcast_to for repeated rows",
    "broadcast_to": "use xp.broadcast_to",
}


def __getattr__(name: str):
    advice = _ADVICE.get(name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    if advice is not None:
        msg += f" (a NumPy name tmath_array does not provide): {advice}"
    raise AttributeError(msg, name=name, obj=_sys.modules[__name__])
