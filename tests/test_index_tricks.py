"""NumPy's index tricks and in-place helpers against NumPy: put, putmask, place, copyto,
ndenumerate, ndindex, mgrid, ogrid, r_, c_, tile with an int."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp

small_int_arrays = hnp.arrays(np.int32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                              elements=st.integers(-50, 50))


def same(got, expected):
    """Values and shape as NumPy's; dtype of the same kind (NumPy's defaults are 64-bit)."""
    got_np = np.asarray(got)
    expected = np.asarray(expected)
    assert got_np.shape == expected.shape
    assert got_np.dtype.kind == expected.dtype.kind or (
        got_np.dtype.kind in "iu" and expected.dtype.kind in "iu")
    np.testing.assert_array_equal(got_np, expected)


# --- put -------------------------------------------------------------------------------------

@given(small_int_arrays, st.data())
def test_put_matches_numpy(a, data):
    n = a.size
    ind = data.draw(st.lists(st.integers(-n, n - 1), max_size=8), label="ind")
    v = data.draw(st.lists(st.integers(-9, 9), min_size=1, max_size=5), label="v")
    as_array = data.draw(st.booleans(), label="indices as an Array")
    x = xp.asarray(a)
    expected = a.copy()
    np.put(expected, ind, v)
    xp.put(x, xp.asarray(np.asarray(ind, dtype=np.int64)) if as_array else ind, v)
    same(x, expected)


@pytest.mark.parametrize("mode", ["wrap", "clip"])
def test_put_modes_are_lazy(mode):
    a = np.arange(5, dtype=np.int32)
    x = xp.asarray(a)
    ind = xp.asarray([7, -8, 2])
    xp.eval(x, ind)
    before = xp.sync_stats().total
    xp.put(x, ind, [1, 2, 3], mode=mode)
    assert xp.sync_stats().total == before
    np.put(a, [7, -8, 2], [1, 2, 3], mode=mode)
    same(x, a)


def test_put_errors():
    x = xp.zeros(3)
    with pytest.raises(IndexError):
        xp.put(x, [3], 1.0)
    with pytest.raises(IndexError):
        xp.put(x, xp.asarray([-4]), 1.0)
    with pytest.raises(TypeError, match="in place"):
        xp.put(np.zeros(3), [0], 1.0)
    with pytest.raises(ValueError):
        xp.put(x, [0], 1.0, mode="bogus")


def test_put_keeps_float64_scalars_exact():
    x = xp.zeros(3, dtype=xp.float64)
    xp.put(x, [1], 0.1)
    assert float(x[1]) == 0.1


# --- putmask, place ---------------------------------------------------------------------------

@given(small_int_arrays, st.data())
def test_putmask_and_place_match_numpy(a, data):
    mask = data.draw(hnp.arrays(np.bool_, a.shape), label="mask")
    v = data.draw(st.lists(st.integers(-9, 9), min_size=1, max_size=5), label="v")
    e1, e2 = a.copy(), a.copy()
    np.putmask(e1, mask, v)
    np.place(e2, mask, v)
    x1, x2 = xp.asarray(a), xp.asarray(a)
    xp.putmask(x1, xp.asarray(mask), v)
    xp.place(x2, mask, xp.asarray(np.asarray(v, dtype=np.int32)))
    same(x1, e1)
    same(x2, e2)


def test_place_with_no_values():
    x = xp.arange(3)
    xp.place(x, [False, False, False], [])
    same(x, np.arange(3))
    with pytest.raises(ValueError, match="empty"):
        xp.place(x, [False, True, False], [])


# --- copyto -------------------------------------------------------------------------------------

@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                  elements=st.floats(-9, 9, width=32)), st.data())
def test_copyto_matches_numpy(dst, data):
    src_shape = data.draw(hnp.broadcastable_shapes(dst.shape, max_dims=dst.ndim).filter(
        lambda s: np.broadcast_shapes(s, dst.shape) == dst.shape), label="src")
    src = data.draw(hnp.arrays(np.int16, src_shape, elements=st.integers(-9, 9)), label="vals")
    where = data.draw(st.none() | hnp.arrays(np.bool_, dst.shape), label="where")
    expected = dst.copy()
    kwargs = {} if where is None else {"where": where}
    np.copyto(expected, src, **kwargs)
    d = xp.asarray(dst)
    xp.copyto(d, xp.asarray(src), **({} if where is None else {"where": xp.asarray(where)}))
    same(d, expected)


def test_copyto_casting():
    d = xp.zeros(3, dtype=xp.int32)
    with pytest.raises(TypeError, match="same_kind"):
        xp.copyto(d, xp.ones(3))
    with pytest.raises(TypeError):
        xp.copyto(d, 1.5)
    xp.copyto(d, xp.asarray([1.7, 2.2, -3.9]), casting="unsafe")
    e = np.zeros(3, np.int32)
    np.copyto(e, np.array([1.7, 2.2, -3.9], np.float32), casting="unsafe")
    same(d, e)
    xp.copyto(d, 7)
    same(d, np.full(3, 7))
    with pytest.raises(TypeError, match="safe"):
        xp.copyto(xp.zeros(2, dtype=xp.int8), xp.asarray([1, 2], dtype=xp.int16),
                  casting="safe")
    with pytest.raises(ValueError, match="broadcast"):
        xp.copyto(d, xp.ones(2, dtype=xp.int32))


# --- iteration ------------------------------------------------------------------------------

def test_ndenumerate_and_ndindex():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    assert list(xp.ndenumerate(xp.asarray(a))) == list(np.ndenumerate(a))
    for shape in [(2, 3), (0, 2), (), (3,)]:
        assert list(xp.ndindex(*shape)) == list(np.ndindex(*shape))
        assert list(xp.ndindex(shape)) == list(np.ndindex(shape))
    with pytest.raises(TypeError):
        xp.ndindex(2.5)


# --- mgrid, ogrid, r_, c_ ------------------------------------------------------------------

@pytest.mark.parametrize("key", [
    (slice(0, 5),), (slice(0, 3), slice(0, 2)), (slice(-1, 1, 5j),),
    (slice(0, 1, 0.25), slice(2, 5)), (slice(-2, 2, 4j), slice(0, 3, 3j)), (slice(5, 0, -2),),
])
def test_grids_match_numpy(key):
    k = key[0] if len(key) == 1 else key
    same(xp.mgrid[k], np.mgrid[k].astype(np.float32 if np.mgrid[k].dtype.kind == "f"
                                           else np.int32))
    got, expected = xp.ogrid[k], np.ogrid[k]
    if isinstance(expected, tuple | list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(np.asarray(g), e, rtol=1e-6)
            assert g.shape == e.shape
    else:
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)
    with pytest.raises(TypeError):
        xp.mgrid[1]


@pytest.mark.parametrize("build", [
    lambda m: m.r_[1:4, 0, 4],
    lambda m: m.r_[m.asarray([1, 2]), 0, [5, 6]],
    lambda m: m.r_[-1:1:5j, 2.5],
    lambda m: m.r_["0,2", [1, 2, 3], [4, 5, 6]],
    lambda m: m.r_["1,2,0", [1, 2, 3], [4, 5, 6]],
    lambda m: m.r_["-1", m.ones((2, 2)), m.zeros((2, 1))],
    lambda m: m.c_[m.asarray([1, 2, 3]), m.asarray([4, 5, 6])],
    lambda m: m.c_[m.ones((2, 2)), [[7], [8]]],
    lambda m: m.c_[[1, 2], 0:2],
])
def test_concatenators_match_numpy(build):
    expected = build(np)
    got = build(xp)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)
    assert got.shape == expected.shape
    assert np.asarray(got).dtype.kind == expected.dtype.kind


def test_concatenator_directive_errors():
    with pytest.raises(ValueError, match="first"):
        xp.r_[[1], "0,2"]
    with pytest.raises(ValueError, match="matrix"):
        xp.r_["r", [1, 2]]


@given(small_int_arrays, st.integers(0, 3))
def test_tile_with_an_int(a, reps):
    same(xp.tile(xp.asarray(a), reps), np.tile(a, reps))
