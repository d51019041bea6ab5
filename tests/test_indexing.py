"""Indexing functions (take, take_along_axis) against NumPy, out-of-range indices included."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import INT_DTYPE_NAMES, assert_array_equal
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_manipulation import arrays, axis_of, no_sync

import tmath_array as xp

INDEX_DTYPES = st.sampled_from(INT_DTYPE_NAMES)
NONEMPTY = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)


def clamp_reference(idx: np.ndarray, n: int) -> np.ndarray:
    """The documented rule: negative indices count from the end, then clamp into [0, n)."""
    i = idx.astype(object)  # exact for every integer dtype, uint64 included
    i = np.where(i < 0, i + n, i)
    return np.clip(i, 0, n - 1).astype(np.int64)


def index_values(name: str, n: int, out_of_range: bool):
    info = np.iinfo(name)
    lo, hi = (int(info.min), int(info.max)) if out_of_range else (-n, n - 1)
    return st.integers(max(lo, int(info.min)), min(hi, int(info.max)))


def test_indexing_names_are_exported():
    for name in ("take", "take_along_axis"):
        assert callable(getattr(xp, name))
        assert name in xp.__all__


@given(case=arrays(shapes=NONEMPTY), data=st.data(), iname=INDEX_DTYPES,
       oob=st.booleans())
def test_take(case, data, iname, oob):
    name, a, x = case
    axis = data.draw(axis_of(a.ndim))
    n = a.shape[axis]
    idx = data.draw(hnp.arrays(np.dtype(iname), st.integers(0, 6),
                               elements=index_values(iname, n, oob)))
    indices = xp.asarray(idx)
    kw = {"axis": axis} if a.ndim > 1 or data.draw(st.booleans()) else {}
    with no_sync():
        out = xp.take(x, indices, **kw)
    assert_array_equal(out, np.take(a, clamp_reference(idx, n), axis=axis), dtype=name)


def test_take_out_of_range_is_clamped():
    """Raw MLX segfaults on mx.take(mx.arange(5), mx.array([10**8])); here it is clamped."""
    x = xp.arange(5)
    assert xp.take(x, xp.asarray([10**8])).tolist() == [4]
    assert xp.take(x, xp.asarray([-(10**8), -1, -5, -6, 5])).tolist() == [0, 4, 0, 0, 4]
    big = xp.asarray([2**63 + 7, 2**64 - 1, 3], dtype=xp.uint64)
    assert xp.take(x, big).tolist() == [4, 4, 3]
    assert xp.take(x, xp.asarray([-(2**63)], dtype=xp.int64)).tolist() == [0]
    assert xp.take(xp.arange(300, dtype=xp.int16), xp.asarray([255], dtype=xp.uint8),
                   axis=0).tolist() == [255]


def test_take_errors():
    x = xp.reshape(xp.arange(6), (2, 3))
    with pytest.raises(ValueError):
        xp.take(x, xp.asarray([0]))  # axis is required for ndim > 1
    with pytest.raises(ValueError):
        xp.take(x, xp.asarray([[0]]), axis=0)
    with pytest.raises(TypeError):
        xp.take(x, xp.asarray([0.0]), axis=0)
    with pytest.raises(TypeError):
        xp.take(x, xp.asarray([True]), axis=0)
    with pytest.raises(TypeError):
        xp.take(x, {"not": "data"}, axis=0)
    with pytest.raises(IndexError):
        xp.take(x, xp.asarray([0]), axis=2)
    with pytest.raises(IndexError):
        xp.take(x, xp.asarray([0]), axis=-3)
    with pytest.raises(IndexError):
        xp.take(xp.asarray(1.0), xp.asarray([0]))
    with pytest.raises(IndexError):
        xp.take(xp.ones((2, 0)), xp.asarray([0]), axis=1)  # nothing to clamp into
    assert xp.take(xp.ones((2, 0)), xp.asarray([], dtype=xp.int32), axis=1).shape == (2, 0)


@given(case=arrays(shapes=NONEMPTY), data=st.data(), iname=INDEX_DTYPES,
       oob=st.booleans())
def test_take_along_axis(case, data, iname, oob):
    name, a, x = case
    axis = data.draw(axis_of(a.ndim))
    ax = axis % a.ndim
    n = a.shape[ax]
    # Other axes: the same size or 1 on either side (they broadcast).
    ishape = [data.draw(st.sampled_from([s, 1])) for s in a.shape]
    ishape[axis] = data.draw(st.integers(0, 2 * n))
    if data.draw(st.booleans()):
        a = a[tuple(slice(0, 1) if i != ax and ishape[i] != 1 and
                    data.draw(st.booleans()) else slice(None) for i in range(a.ndim))]
        x = xp.asarray(a, dtype=x.dtype)
    idx = data.draw(hnp.arrays(np.dtype(iname), tuple(ishape),
                               elements=index_values(iname, n, oob)))
    kw = {"axis": axis} if axis != -1 or data.draw(st.booleans()) else {}
    with no_sync():
        out = xp.take_along_axis(x, xp.asarray(idx), **kw)
    want = np.take_along_axis(a, clamp_reference(idx, n), axis=axis)
    assert_array_equal(out, want, dtype=name)


def test_take_along_axis_out_of_range_is_clamped():
    x = xp.reshape(xp.arange(6), (2, 3))
    idx = xp.asarray([[10**8, -1], [-(10**8), 1]])
    assert xp.take_along_axis(x, idx, axis=1).tolist() == [[2, 2], [3, 4]]
    assert xp.take_along_axis(x, xp.asarray([[7, -7, 0]]), axis=0).tolist() == [[3, 1, 2]]


def test_take_along_axis_errors():
    x = xp.reshape(xp.arange(6), (2, 3))
    with pytest.raises(ValueError):
        xp.take_along_axis(x, xp.asarray([0, 1]), axis=1)  # ndim differs
    with pytest.raises(ValueError):
        xp.take_along_axis(x, xp.zeros((3, 1), dtype=xp.int32), axis=1)  # 3 vs 2
    with pytest.raises(TypeError):
        xp.take_along_axis(x, xp.zeros((2, 1)), axis=1)
    with pytest.raises(IndexError):
        xp.take_along_axis(x, xp.zeros((2, 1), dtype=xp.int32), axis=2)
    with pytest.raises(IndexError):
        xp.take_along_axis(x, xp.zeros((2, 1), dtype=xp.int32), axis=-3)
    with pytest.raises(IndexError):
        xp.take_along_axis(xp.asarray(1), xp.asarray(0))
    with pytest.raises(IndexError):
        xp.take_along_axis(xp.ones((2, 0)), xp.zeros((2, 1), dtype=xp.int32), axis=1)


def test_take_reuses_its_compiled_kernel():
    from tmath_array._runtime import compile_cache as _compile

    x = xp.arange(10)
    xp.take(x, xp.asarray([1, 2]))
    before = _compile.info()["hits"]
    assert xp.take(x, xp.asarray([3, 4])).tolist() == [3, 4]
    assert _compile.info()["hits"] == before + 1
