"""Strategies shared by the searching, sorting, set and statistical tests.

Arrays are drawn as NumPy arrays (the oracle's input) together with the name of
the tmath_array dtype they stand for; :func:`to_xp` makes the Array. bfloat16
values are rounded to bfloat16 first, so that NumPy (in float32) sees exactly the
values tmath_array holds.
"""

from __future__ import annotations

import numpy as np
from helpers import INT_DTYPE_NAMES, np_dtype, xp_dtype
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp

FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")
REAL_NAMES = INT_DTYPE_NAMES + FLOAT_NAMES
ALL_NAMES = ("bool",) + REAL_NAMES + ("complex64",)

_SPECIAL_FLOATS = [0.0, -0.0, 1.5, -2.0, 3.0, float("nan"), float("inf"), float("-inf")]


def to_xp(a: np.ndarray, name: str):
    """The Array of dtype ``name`` holding the values of ``a``."""
    if name == "bfloat16":
        return xp.astype(xp.asarray(np.asarray(a, dtype=np.float32)), xp.bfloat16)
    return xp.asarray(np.asarray(a, dtype=np_dtype(name)), dtype=xp_dtype(name))


def round_bfloat16(a: np.ndarray) -> np.ndarray:
    x = xp.astype(xp.asarray(np.asarray(a, dtype=np.float32)), xp.bfloat16)
    return np.asarray(xp.astype(x, xp.float32))


def element_strategy(name: str, *, special: bool = True, lo: float = -100, hi: float = 100):
    """Values of dtype ``name`` with many ties (a small pool) and, with ``special``, the
    extremes: NaN/inf/-0.0 for floats, the smallest and largest value for integers."""
    if name == "bool":
        return st.booleans()
    if name in INT_DTYPE_NAMES:
        info = np.iinfo(name)
        extremes = (int(info.min), int(info.max)) if special else ()
        pool = [v for v in (0, 1, 2, -1, -3, *extremes) if info.min <= v <= info.max]
        return st.sampled_from(pool) | st.integers(max(int(info.min), int(lo)),
                                                   min(int(info.max), int(hi)))
    width = 16 if name == "float16" else 64 if name == "float64" else 32
    finite = st.floats(lo, hi, width=width)
    pool = _SPECIAL_FLOATS if special else [0.0, 1.5, -2.0, 3.0]
    if name == "complex64":
        part = st.sampled_from(pool) | st.floats(lo, hi, width=32)
        return st.builds(complex, part, part)
    return st.sampled_from(pool) | finite


@st.composite
def arrays(draw, names=REAL_NAMES, *, min_dims=0, max_dims=3, min_side=0, max_side=5,
           special: bool = True, lo: float = -100, hi: float = 100):
    """``(dtype name, NumPy array)`` for a dtype drawn from ``names``."""
    name = draw(st.sampled_from(names))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                  max_side=max_side))
    a = draw(hnp.arrays(np_dtype(name), shape,
                        elements=element_strategy(name, special=special, lo=lo, hi=hi)))
    if name == "bfloat16":
        a = round_bfloat16(a)
    return name, a


def axis_strategy(ndim: int, *, tuples: bool = True):
    """None, an int (negative too) or, with ``tuples``, a tuple of distinct axes."""
    if ndim == 0:
        return st.none()
    one = st.integers(-ndim, ndim - 1)
    if not tuples:
        return st.none() | one
    many = st.lists(one, unique_by=lambda i: i % ndim, max_size=ndim).map(tuple)
    return st.none() | one | many
