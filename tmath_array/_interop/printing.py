"""Printing arrays the way NumPy prints them.

``repr(x)`` is NumPy's repr with this type's name and the dtype always shown
(``Array([1., 2.], dtype=float32)``); ``str(x)`` is NumPy's str (``[1. 2.]``; a
0-d array prints as its value, so ``print(loss)`` reads as with NumPy), and
``format(x, ".3f")`` formats a 0-d array's value as NumPy does. NumPy's print options apply
(``np.set_printoptions``, ``with np.printoptions(...)``); by default an array
of up to 1000 elements prints in full, a larger one shows 3 items at each edge,
and lines wrap at 75 characters. Each of them reads the values: one sync point,
counted as a conversion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from . import numpy_dlpack as _interop

if TYPE_CHECKING:
    from .._array.array import Array

_PREFIX = "Array("


def _host(x: Array) -> np.ndarray:
    """``x``'s values in NumPy (one counted sync point); bfloat16 as float32 that prints well."""
    if x._dtype is not _d.bfloat16:
        return _interop.to_numpy(x)
    # Note: NumPy has no bfloat16 (ml_dtypes' prints 6 digits, as MLX does); its values,
    # exact in float32, print with the fewest digits that identify them, as float16's do.
    as_f32 = _core.new(x._array.astype(mx.float32, stream=x._device._s), _d.float32, x._device)
    return _bfloat16_digits(_interop.to_numpy(as_f32))


def _bfloat16_digits(v: np.ndarray) -> np.ndarray:
    """float32 values of bfloat16 numbers, each replaced by its shortest decimal that rounds
    back to the same bfloat16. Only what NumPy shows is worked on (a summary's edges)."""
    out = v.copy()
    opts = np.get_printoptions()
    if out.size <= opts["threshold"]:
        return _shortest_bfloat16(out)
    e = opts["edgeitems"]
    edges = np.ix_(*[np.r_[0:e, n - e:n] if n > 2 * e else np.arange(n) for n in out.shape])
    out[edges] = _shortest_bfloat16(out[edges])
    return out


def bfloat16_bits(c: np.ndarray) -> np.ndarray:
    """The float32 bit patterns (uint64) of ``c`` rounded to bfloat16, to nearest even (also
    the torch face's conversion of a Python number to bfloat16)."""
    bits = c.astype(np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16


def _shortest_bfloat16(v: np.ndarray) -> np.ndarray:
    todo = np.isfinite(v) & (v != 0)
    w = v[todo].astype(np.float64)
    want = v[todo].view(np.uint32)
    found = np.zeros(w.shape, dtype=bool)
    for digits in (1, 2, 3, 4):  # 4 significant digits always identify a bfloat16
        # Python's formatting and parsing round correctly (a scaled np.round does not).
        cand = np.fromiter((float(f"{c:.{digits - 1}e}") for c in w), np.float64, w.size)
        ok = ~found & (bfloat16_bits(cand) == want)
        w[ok] = cand[ok]
        found |= ok
    v[todo] = w
    return v


def array_repr(x: Array) -> str:
    """``repr(x)``: NumPy's layout, named Array, with the dtype (and, as NumPy, the shape of
    an empty or summarised array) at the end."""
    nd = _host(x)
    opts = np.get_printoptions()
    body = np.array2string(nd, separator=", ", prefix=_PREFIX, suffix=")")
    extras = []
    if (nd.size == 0 and nd.shape != (0,)) or nd.size > opts["threshold"]:
        extras.append(f"shape={nd.shape}")
    extras.append(f"dtype={_core.dtype_name(x._dtype)}")
    head = _PREFIX + body + ","
    tail = ", ".join(extras) + ")"
    # As NumPy: the extras go on a line of their own when the last line would be too long.
    last_line = len(head) - (head.rfind("\n") + 1)
    fits = last_line + len(tail) + 1 <= opts["linewidth"]
    return head + (" " if fits else "\n" + " " * len(_PREFIX)) + tail


def array_str(x: Array) -> str:
    """``str(x)``: NumPy's str of the same values (``[1. 2.]``; a 0-d array as its value)."""
    return np.array_str(_host(x))


def array_format(x: Array, spec: str) -> str:
    """``format(x, spec)``, as NumPy's: a 0-d array formats its value as a Python scalar
    (``f"{x:.3f}"``; ``f"{x}"`` of float32 0.1 is ``0.10000000149011612``, as NumPy's), a
    larger array takes only the empty spec, which gives ``str(x)``."""
    if x.ndim == 0:
        return format(x._scalar("format"), spec)
    if spec:
        raise TypeError(f"unsupported format string {spec!r} for an array of shape {x.shape}: "
                        "only a 0-d array takes a format spec (as in NumPy)")
    return array_str(x)
