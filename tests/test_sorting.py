"""Sorting functions against NumPy (and Python's stable sort for the descending order)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_array_equal, to_numpy
from hypothesis import given
from hypothesis import strategies as st
from section_helpers import REAL_NAMES, arrays, to_xp

import tmath_array as xp
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import lazy as _lazy


def _descending_order(lane) -> list[int]:
    """Stable descending order of a 1-d lane with NaN first (Python's sorted is stable)."""
    def key(i):
        v = lane[i]
        if isinstance(v, float) and math.isnan(v):
            return (0, 0)
        return (1, -v)
    return sorted(range(len(lane)), key=key)


def expected_argsort(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    moved = np.moveaxis(a, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1]) if moved.size else moved.reshape(0, moved.shape[-1])
    out = np.array([_descending_order(lane.tolist()) for lane in flat], dtype=np.int64)
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


@st.composite
def sort_case(draw):
    name, a = draw(arrays(REAL_NAMES, min_dims=1, max_dims=3, min_side=0, max_side=7))
    axis = draw(st.integers(-a.ndim, a.ndim - 1))
    return name, a, axis


@given(case=sort_case(), descending=st.booleans(), stable=st.booleans())
def test_argsort(case, descending, stable):
    name, a, axis = case
    got = xp.argsort(to_xp(a, name), axis=axis, descending=descending, stable=stable)
    # Always stable, whatever ``stable`` says.
    expected = expected_argsort(a, axis, descending)
    assert_array_equal(got, expected.astype(np.int32), dtype="int32")


@given(case=sort_case(), descending=st.booleans(), stable=st.booleans())
def test_sort(case, descending, stable):
    name, a, axis = case
    got = xp.sort(to_xp(a, name), axis=axis, descending=descending, stable=stable)
    expected = np.take_along_axis(a, expected_argsort(a, axis, descending), axis=axis)
    assert_array_equal(got, expected, dtype=name)
    # Signed zeros keep their order too (ties are stable): compare the sign bits.
    if a.dtype.kind == "f":
        np.testing.assert_array_equal(np.signbit(to_numpy(got)), np.signbit(expected))


def test_descending_is_stable_on_long_runs_of_ties():
    a = np.array([2, 1, 2, 3, 1, 2, 3, 3, 1] * 40, dtype=np.int16)
    got = xp.argsort(to_xp(a, "int16"), descending=True)
    expected = expected_argsort(a, -1, True)
    assert_array_equal(got, expected.astype(np.int32), dtype="int32")
    assert _lazy.counts() == {"conversion": 1}


def test_nan_order_matches_numpy():
    a = np.array([1.0, np.nan, -np.inf, 0.0, np.nan, np.inf, -0.0], dtype=np.float32)
    assert_array_equal(xp.sort(xp.asarray(a)), np.sort(a))
    assert_array_equal(xp.argsort(xp.asarray(a)), np.argsort(a, kind="stable").astype(np.int32))
    # Descending: NaN first, then +inf ... -inf.
    desc = xp.sort(xp.asarray(a), descending=True)
    np.testing.assert_array_equal(to_numpy(desc)[2:], [np.inf, 1.0, 0.0, -0.0, -np.inf])
    assert np.isnan(to_numpy(desc)[:2]).all()


def test_descending_sort_is_compiled_once():
    x = xp.asarray(np.arange(12, dtype=np.float32).reshape(3, 4))
    xp.sort(x, descending=True)
    before = _compile.info()["hits"]
    xp.sort(x + 1, descending=True)
    assert _compile.info()["hits"] == before + 1


@pytest.mark.parametrize("fn", [xp.sort, xp.argsort])
def test_zero_dimensional_has_no_axis(fn):
    for axis in (-1, 0):
        with pytest.raises(IndexError):
            fn(xp.asarray(3.5), axis=axis)


@pytest.mark.parametrize("fn", [xp.sort, xp.argsort])
def test_errors(fn):
    x = xp.asarray([[1, 2], [3, 4]])
    with pytest.raises(IndexError):
        fn(x, axis=2)
    with pytest.raises(IndexError):
        fn(x, axis=-3)
    with pytest.raises(TypeError):
        fn(x, axis=(0,))
    with pytest.raises(TypeError):
        fn(x, descending=1)
    with pytest.raises(TypeError):
        fn(x, stable="yes")
    with pytest.raises(ValueError):
        fn(x, kind="bogosort")
    with pytest.raises(TypeError):
        fn(xp.asarray([1j, 2j]))
    with pytest.raises(TypeError):
        fn(xp.asarray([True, False]))
    with pytest.raises(TypeError):
        fn({"not": "data"})
