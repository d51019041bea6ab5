"""``xp.lib``: the parts of ``numpy.lib`` that NumPy scripts use.

``xp.lib.stride_tricks.sliding_window_view`` (a copy: tmath_array has no views).
"""

from __future__ import annotations

from . import stride_tricks

__all__ = ["stride_tricks"]
