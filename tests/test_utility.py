"""Utility functions: all, any and diff against NumPy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_array_equal
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp

shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4)
# Mostly zeros, so that all() is sometimes true and any() sometimes false.
values = st.sampled_from([0, 0, 0, 1, 3])
dtypes = st.sampled_from(["bool", "int8", "int32", "uint16", "float32", "float64", "complex64"])


@st.composite
def array_and_axis(draw):
    """A NumPy array and an ``axis`` argument: None, an int or a tuple (negatives too)."""
    dtype = draw(dtypes)
    a = draw(hnp.arrays(np.dtype(dtype), draw(shapes), elements=values.map(
        lambda v: bool(v) if dtype == "bool" else v)))
    axis_int = st.integers(-a.ndim, a.ndim - 1)
    axis = draw(st.none() | axis_int | st.lists(axis_int, unique_by=lambda i: i % a.ndim,
                                               max_size=a.ndim).map(tuple))
    return a, axis


@given(case=array_and_axis(), keepdims=st.booleans(), fn=st.sampled_from(["all", "any"]))
def test_all_any(case, keepdims, fn):
    a, axis = case
    x = xp.asarray(a)
    got = getattr(xp, fn)(x, axis=axis, keepdims=keepdims)
    assert_array_equal(got, getattr(np, fn)(a, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("fn", ["all", "any"])
def test_all_any_zero_dimensional_and_empty(fn):
    for a in (np.array(0), np.array(2.5), np.array(True), np.zeros((0,)), np.zeros((2, 0))):
        assert_array_equal(getattr(xp, fn)(xp.asarray(a)), getattr(np, fn)(a))


_EMPTY_BOOL_PROBE = """
import numpy as np, tmath_array as xp
wrong = set()
for _ in range(20):
    for shape in [(0,), (0, 2), (2, 0), (1, 0), (0, 1), (3, 0, 2)]:
        x = xp.asarray(np.zeros(shape, dtype=bool))
        if not bool(xp.all(x)):
            wrong.add(("all", shape))
        if bool(xp.any(x)):
            wrong.add(("any", shape))
print(sorted(wrong))
"""


def test_all_any_empty_bool_from_numpy():
    """Regression: MLX reductions over an empty array imported from NumPy memory read
    memory they do not own (all() False, any() sometimes True, or no return at all).

    Run in a subprocess, so that a hang fails this test instead of hanging the suite.
    """
    root = Path(__file__).resolve().parents[1]
    try:
        out = subprocess.run([sys.executable, "-c", _EMPTY_BOOL_PROBE], cwd=root, timeout=30,
                             capture_output=True, text=True, check=True).stdout
    except subprocess.TimeoutExpired:
        pytest.fail("all()/any() of an empty bool array did not return")
    assert out.strip() == "[]"


def test_all_any_treat_nonzero_as_true():
    x = xp.asarray([0.5, -1.0, float("nan")])
    assert bool(xp.all(x))
    assert not bool(xp.any(xp.asarray([0, 0], dtype=xp.uint8)))
    assert bool(xp.any(xp.asarray([0j, 1j])))


@pytest.mark.parametrize("fn", [xp.all, xp.any])
def test_all_any_axis_errors(fn):
    x = xp.ones((2, 3))
    for axis in (2, -3, (0, 5)):
        with pytest.raises(IndexError):
            fn(x, axis=axis)
    with pytest.raises(ValueError):
        fn(x, axis=(0, -2))  # repeated axis
    with pytest.raises(TypeError):
        fn({"not": "data"})


@pytest.mark.parametrize("keepdims", [1.5, None, "yes", 1])
@pytest.mark.parametrize("fn", [xp.all, xp.any])
def test_all_any_keepdims_must_be_bool(fn, keepdims):
    # (found by tools/fuzz: a non-bool keepdims reached MLX, whose nanobind TypeError leaked)
    with pytest.raises(TypeError, match=f"{fn.__name__}: keepdims must be a bool"):
        fn(xp.ones((2, 3)), keepdims=keepdims)


@st.composite
def diff_case(draw):
    dtype = draw(st.sampled_from(["int8", "int32", "int64", "uint8", "float32", "float64"]))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5))
    elements = st.integers(-50, 50) if dtype[0] == "i" else \
        st.integers(0, 100) if dtype[0] == "u" else st.floats(-100, 100, width=32)
    a = draw(hnp.arrays(np.dtype(dtype), shape, elements=elements))
    axis = draw(st.integers(-a.ndim, a.ndim - 1))
    n = draw(st.integers(0, 4))
    return a, axis, n, elements


@given(case=diff_case())
def test_diff(case):
    a, axis, n, _ = case
    with np.errstate(all="ignore"):
        expected = np.diff(a, n=n, axis=axis)
    assert_array_equal(xp.diff(xp.asarray(a), n=n, axis=axis), expected)


@given(case=diff_case(), data=st.data())
def test_diff_prepend_append(case, data):
    a, axis, n, elements = case
    n = max(n, 1)  # NumPy ignores prepend/append when n == 0
    kwargs_np, kwargs_xp = {}, {}
    for which in ("prepend", "append"):
        if data.draw(st.booleans(), label=which):
            shape = list(a.shape)
            shape[axis] = data.draw(st.integers(0, 3))
            extra = data.draw(hnp.arrays(a.dtype, tuple(shape), elements=elements))
            kwargs_np[which] = extra
            kwargs_xp[which] = xp.asarray(extra)
    with np.errstate(all="ignore"):
        expected = np.diff(a, n=n, axis=axis, **kwargs_np)
    assert_array_equal(xp.diff(xp.asarray(a), n=n, axis=axis, **kwargs_xp), expected)


def test_diff_bool():
    a = np.array([True, True, False, True])
    assert_array_equal(xp.diff(xp.asarray(a)), np.diff(a))


def test_diff_n0_returns_input_values():
    a = np.array([[1, 4], [9, 16]], dtype=np.int32)
    assert_array_equal(xp.diff(xp.asarray(a), n=0), a)


def test_diff_errors():
    with pytest.raises(ValueError):
        xp.diff(xp.asarray(1))
    with pytest.raises(ValueError):
        xp.diff(xp.ones(3), n=-1)
    with pytest.raises(IndexError):
        xp.diff(xp.ones((2, 3)), axis=2)
    with pytest.raises(ValueError):
        xp.diff(xp.ones((2, 3)), axis=1, prepend=xp.ones((3, 1)))


def test_diff_n_zero_ignores_prepend_and_append():
    a = np.array([1, 4, 9], dtype=np.int32)
    x = xp.asarray(a)
    out = xp.diff(x, n=0, prepend=xp.asarray([0], dtype=xp.int32), append=xp.asarray([5]))
    np.testing.assert_array_equal(np.asarray(out), np.diff(a, n=0, prepend=[0], append=[5]))
