"""Helpers shared by the test modules: dtype tables, NumPy oracles, strategies.

Import them with ``from helpers import ...`` (pytest puts ``tests/`` on ``sys.path``);
``conftest.py`` keeps only hooks, fixtures and Hypothesis profiles.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import tmath_array as xp

# The dtypes of the standard this namespace has (MLX has no complex128).
STANDARD_DTYPE_NAMES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64",
)
INT_DTYPE_NAMES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
SIGNED_DTYPE_NAMES = ("int8", "int16", "int32", "int64")
UNSIGNED_DTYPE_NAMES = ("uint8", "uint16", "uint32", "uint64")
REAL_FLOAT_DTYPE_NAMES = ("float32", "float64")
# Every dtype of the namespace, the float16 and bfloat16 extensions included.
ALL_DTYPE_NAMES = STANDARD_DTYPE_NAMES + ("float16", "bfloat16")


def xp_dtype(name: str):
    """The tmath_array dtype called ``name``."""
    return getattr(xp, name)


def np_dtype(name: str) -> np.dtype:
    """The NumPy dtype matching the tmath_array dtype called ``name``.

    NumPy has no bfloat16; its values compare as float32.
    """
    return np.dtype("float32" if name == "bfloat16" else name)


def dtype_name(dtype) -> str:
    """The name of a tmath_array dtype (``xp.int8`` -> ``"int8"``)."""
    for name in ALL_DTYPE_NAMES:
        if dtype == xp_dtype(name):
            return name
    raise AssertionError(f"{dtype!r} is not a tmath_array dtype")


def to_numpy(x) -> np.ndarray:
    """An Array as a NumPy array (bfloat16 goes through float32: NumPy has no bfloat16)."""
    if x.dtype == xp.bfloat16:
        x = xp.astype(x, xp.float32)
    return np.asarray(x)


def _check_dtype_and_shape(x, expected: np.ndarray, dtype: str | None) -> np.ndarray:
    """Check ``x``'s dtype and shape; return its values as NumPy.

    The dtype is checked three ways: the Array's ``dtype`` attribute, the dtype of the
    MLX array behind it, and the dtype NumPy receives.
    """
    want = dtype if dtype is not None else expected.dtype.name
    assert dtype_name(x.dtype) == want, f"dtype {x.dtype} != {want}"
    data = x.__mlx_array__()
    assert x.dtype._mx == data.dtype, f"x.dtype is {x.dtype}, but its MLX data is {data.dtype}"
    assert x.shape == expected.shape, f"shape {x.shape} != {expected.shape}"
    got = to_numpy(x)
    assert got.dtype == np_dtype(want), f"NumPy gets {got.dtype}, not {want}"
    return got


def assert_array_equal(x, expected, *, dtype: str | None = None) -> None:
    """``x`` (an Array) equals ``expected`` (NumPy) in values, shape and dtype.

    The dtype compared is ``dtype`` when given, else ``expected``'s.
    """
    expected = np.asarray(expected)
    got = _check_dtype_and_shape(x, expected, dtype)
    if got.dtype.kind in "fc":
        np.testing.assert_array_equal(got, expected.astype(got.dtype))
    else:
        np.testing.assert_array_equal(got, expected)


def assert_close(x, expected, *, rtol: float | None = None, atol: float = 0.0,
                 dtype: str | None = None) -> None:
    """Like :func:`assert_array_equal` with floating tolerances for the values."""
    expected = np.asarray(expected)
    want = dtype if dtype is not None else expected.dtype.name
    got = _check_dtype_and_shape(x, expected, dtype)
    if rtol is None:
        rtol = {"float16": 1e-3, "bfloat16": 1e-2, "float64": 1e-12}.get(want, 1e-5)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def elements(name: str, lo=None, hi=None):
    """Element strategy for a dtype; floats stay finite and moderate."""
    if name == "bool":
        return st.booleans()
    if name in INT_DTYPE_NAMES:
        info = np.iinfo(name)
        return st.integers(int(info.min) if lo is None else max(lo, int(info.min)),
                           int(info.max) if hi is None else min(hi, int(info.max)))
    width = {"float16": 16, "float32": 32, "float64": 64, "complex64": 32}[name]
    lo = -1e3 if lo is None else lo
    hi = 1e3 if hi is None else hi
    if name == "complex64":
        return st.builds(complex, st.floats(lo, hi, width=32), st.floats(lo, hi, width=32))
    return st.floats(lo, hi, width=width)
