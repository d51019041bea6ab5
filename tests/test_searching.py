"""Searching functions against NumPy: argmax, argmin, count_nonzero, nonzero, searchsorted."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_array_equal, np_dtype, to_numpy
from hypothesis import given
from hypothesis import strategies as st
from section_helpers import ALL_NAMES, REAL_NAMES, arrays, axis_strategy, to_xp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy


@given(case=arrays(REAL_NAMES, min_side=1), data=st.data(), keepdims=st.booleans(),
       fn=st.sampled_from(["argmax", "argmin"]))
def test_argmax_argmin(case, data, keepdims, fn):
    name, a = case
    axis = data.draw(axis_strategy(a.ndim, tuples=False), label="axis")
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, keepdims=keepdims)
    # NumPy, like tmath_array, takes the first NaN as both the maximum and the minimum.
    expected = getattr(np, fn)(a, axis=axis, keepdims=keepdims)
    assert_array_equal(got, expected, dtype="int32")


def test_argmax_first_occurrence_and_zero_dimensional():
    x = xp.asarray([1, 5, 5, 0, 0])
    assert int(xp.argmax(x)) == 1 and int(xp.argmin(x)) == 3
    assert_array_equal(xp.argmax(xp.asarray(2.5)), np.array(0, dtype=np.int32))
    assert_array_equal(xp.argmin(xp.asarray(2.5), axis=0), np.array(0, dtype=np.int32))


@pytest.mark.parametrize("fn", [xp.argmax, xp.argmin])
def test_argmax_errors(fn):
    with pytest.raises(TypeError):
        fn(xp.asarray([True, False]))
    with pytest.raises(TypeError):
        fn(xp.asarray([1j, 2j]))
    with pytest.raises(TypeError):
        fn({"not": "data"})
    with pytest.raises(IndexError):
        fn(xp.ones((2, 3)), axis=2)
    with pytest.raises(TypeError):
        fn(xp.ones((2, 3)), axis=(0,))
    with pytest.raises(ValueError):
        fn(xp.ones((0,)))
    with pytest.raises(ValueError):
        fn(xp.ones((3, 0)), axis=1)
    # Searching along a non-empty axis of an empty array is fine.
    assert fn(xp.ones((3, 0)), axis=0).shape == (0,)


@given(case=arrays(ALL_NAMES, min_side=0), data=st.data(), keepdims=st.booleans())
def test_count_nonzero(case, data, keepdims):
    name, a = case
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    got = xp.count_nonzero(to_xp(a, name), axis=axis, keepdims=keepdims)
    expected = np.count_nonzero(a, axis=axis, keepdims=keepdims)
    assert_array_equal(got, np.asarray(expected), dtype="int32")


def test_count_nonzero_errors():
    with pytest.raises(IndexError):
        xp.count_nonzero(xp.ones((2,)), axis=1)
    with pytest.raises(ValueError):
        xp.count_nonzero(xp.ones((2, 2)), axis=(0, -2))
    with pytest.raises(TypeError):
        xp.count_nonzero({"not": "data"})


@given(case=arrays(ALL_NAMES, min_dims=1, min_side=0, max_side=6))
def test_nonzero(case):
    name, a = case
    x = to_xp(a, name)
    _lazy.reset()
    got = xp.nonzero(x)
    # One counted sync when there is something to look at, none for an empty input.
    assert _lazy.counts() == ({} if a.size == 0 else {"data-dependent": 1})
    expected = np.nonzero(a)
    assert len(got) == a.ndim
    for g, e in zip(got, expected):
        assert_array_equal(g, e.astype(np.int32), dtype="int32")


def test_nonzero_result_is_lazy_and_usable():
    x = xp.asarray([[0.0, 2.0, 0.0], [3.0, 0.0, -0.0], [float("nan"), 0.0, 1.0]])
    rows, cols = xp.nonzero(x)
    assert _lazy.counts() == {"data-dependent": 1}
    # Building on the result does not evaluate anything more.
    total = rows * 10 + cols
    assert _lazy.counts() == {"data-dependent": 1}
    assert total.tolist() == [1, 10, 20, 22]
    assert _lazy.counts() == {"data-dependent": 1, "conversion": 1}


def test_nonzero_errors():
    with pytest.raises(ValueError):
        xp.nonzero(xp.asarray(1.0))
    with pytest.raises(TypeError):
        xp.nonzero({"not": "data"})
    assert _lazy.counts() == {}


@st.composite
def searchsorted_case(draw):
    name, a = draw(arrays(REAL_NAMES, min_dims=1, max_dims=1, min_side=0, max_side=12))
    _, v = draw(arrays((name,), max_dims=2, max_side=4))
    return name, a, v


@given(case=searchsorted_case(), side=st.sampled_from(["left", "right"]),
       use_sorter=st.booleans())
def test_searchsorted(case, side, use_sorter):
    name, a, v = case
    x1 = to_xp(a, name)
    if use_sorter:
        order = np.argsort(a, kind="stable")
        got = xp.searchsorted(x1, to_xp(v, name), side=side, sorter=to_xp(order, "int64"))
        expected = np.searchsorted(a, v, side=side, sorter=order)
    else:
        a = np.sort(a)
        got = xp.searchsorted(to_xp(a, name), to_xp(v, name), side=side)
        expected = np.searchsorted(a, v, side=side)
    assert_array_equal(got, np.asarray(expected).astype(np.int32), dtype="int32")


@given(case=arrays(REAL_NAMES, min_dims=1, max_dims=1, min_side=1, max_side=10, special=False),
       side=st.sampled_from(["left", "right"]), data=st.data())
def test_searchsorted_python_scalar(case, side, data):
    name, a = case
    a = np.sort(a)
    if name.startswith("float") or name == "bfloat16":
        value = data.draw(st.sampled_from([float(v) for v in a] + [0.25, -1e3, 1e3]))
    else:
        info = np.iinfo(name)
        value = data.draw(st.sampled_from([int(v) for v in a] + [int(info.min), int(info.max)]))
    got = xp.searchsorted(to_xp(a, name), value, side=side)
    assert got.shape == ()
    assert int(got) == int(np.searchsorted(a.astype(np.float64), value, side=side))


def test_searchsorted_errors():
    x1 = xp.asarray([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        xp.searchsorted(xp.ones((2, 2)), x1)
    with pytest.raises(ValueError):
        xp.searchsorted(x1, x1, side="middle")
    with pytest.raises(TypeError):
        xp.searchsorted(x1, x1, sorter=xp.asarray([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError):
        xp.searchsorted(x1, x1, sorter=xp.asarray([0, 1]))
    with pytest.raises(TypeError):
        xp.searchsorted(xp.asarray([1j]), xp.asarray([1j]))
    with pytest.raises(TypeError):
        xp.searchsorted(xp.asarray([True]), xp.asarray([True]))
    # A sorter index out of range wraps around instead of reading past the array.
    out = xp.searchsorted(x1, xp.asarray([2.5]), sorter=xp.asarray([3, 1, 2 + 2**40]))
    assert out.shape == (1,)


@given(case=arrays(ALL_NAMES, max_dims=2, max_side=4), data=st.data())
def test_where_arrays_and_scalars(case, data):
    name, a = case
    cond = np.asarray(data.draw(st.lists(st.booleans(), min_size=a.shape[-1] if a.ndim else 1,
                                         max_size=a.shape[-1] if a.ndim else 1)))
    x = to_xp(a, name)
    cond = cond.astype(bool)
    c = xp.asarray(cond)
    if name == "bool":
        scalar = True
    elif name == "complex64":
        scalar = 2.5 - 1j
    elif name in ("float16", "bfloat16", "float32", "float64"):
        scalar = -2.5
    else:
        scalar = 7
    expected = np.where(cond, a, np.asarray(scalar, dtype=np_dtype(name)))
    assert_array_equal(xp.where(c, x, scalar), expected, dtype=name)
    expected = np.where(cond, np.asarray(scalar, dtype=np_dtype(name)), a)
    assert_array_equal(xp.where(c, scalar, x), expected, dtype=name)
    np.testing.assert_array_equal(to_numpy(xp.where(c, x, x)), np.broadcast_to(a, expected.shape))


@pytest.mark.parametrize("args", [
    lambda c: (c, xp.ones(4), xp.ones(4)),          # fast path: one dtype
    lambda c: (c, xp.ones(4, dtype=xp.int8), 1.5),  # promotion path
    lambda c: (c[:, None], xp.ones((3, 2)), xp.zeros(3)),
], ids=["arrays", "scalar", "values"])
def test_where_shapes_that_do_not_broadcast(args):
    # (found by tools/fuzz: MLX's own "[broadcast_shapes] ..." ValueError leaked out)
    c = xp.asarray([True, False, True])
    with pytest.raises(ValueError, match="^where: shapes .* cannot be broadcast together"):
        xp.where(*args(c))
