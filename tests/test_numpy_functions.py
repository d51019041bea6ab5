"""NumPy functions that NumPy scripts use (docs/numpy.md), against NumPy.

NumPy is the oracle. Integer input where NumPy gives float64 is compared as
float32 (our default float), NumPy's int64 indices as int32. Lazy functions are
run under a no-sync check; data-dependent ones are checked to sync exactly once.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from helpers import assert_array_equal, assert_close
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy


@contextmanager
def no_sync():
    before = _lazy.counts()
    yield
    assert _lazy.counts() == before


@contextmanager
def syncs(n: int):
    """At most ``n`` sync points (empty inputs need none)."""
    before = sum(_lazy.counts().values())
    yield
    assert sum(_lazy.counts().values()) - before <= n


def np_call(fn, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


INT_NAMES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
REAL_NAMES = INT_NAMES + ("float32", "float64")


def small_arrays(names=REAL_NAMES, min_dims=1, max_dims=3, min_side=1, max_side=5,
                 lo=-20, hi=20):
    @st.composite
    def draw(draw):
        name = draw(st.sampled_from(names))
        shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims,
                                      min_side=min_side, max_side=max_side))
        dt = np.dtype(name)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            el = st.integers(max(lo, int(info.min)), min(hi, int(info.max)))
        else:
            el = st.floats(lo, hi, width=32 if name == "float32" else 64)
        return name, draw(hnp.arrays(dt, shape, elements=el))
    return draw()


def float_of(name: str) -> str:
    return name if name in ("float32", "float64") else "float32"


# --- select, choose, digitize -------------------------------------------------------------

@given(case=small_arrays(max_dims=2), k=st.integers(1, 3))
def test_select_matches_numpy(case, k):
    name, a = case
    conds = [a > t for t in (-5, 0, 5)[:k]]
    choices = [a * (i + 1) for i in range(k)]
    with no_sync():
        got = xp.select([xp.asarray(c) for c in conds],
                        [xp.asarray(c) for c in choices], 7)
    assert_array_equal(got, np.select(conds, choices, 7))


def test_select_errors_and_broadcasting():
    x = xp.arange(6)
    assert_array_equal(xp.select([x < 2, x > 3], [x, 10], default=-1),
                       np.select([np.arange(6) < 2, np.arange(6) > 3], [np.arange(6), 10], -1)
                       .astype(np.int32))
    with pytest.raises(ValueError):
        xp.select([x < 2], [x, x])
    with pytest.raises(ValueError):
        xp.select([], [])
    with pytest.raises(TypeError):
        xp.select([x], [x])


@given(n=st.integers(1, 4), shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
       data=st.data())
def test_choose_matches_numpy(n, shape, data):
    idx = data.draw(hnp.arrays(np.int32, shape, elements=st.integers(0, n - 1)))
    choices = [np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * (i + 1)
               for i in range(n)]
    with no_sync():
        got = xp.choose(xp.asarray(idx), [xp.asarray(c) for c in choices])
    assert_array_equal(got, np.choose(idx, choices))
    wrapped = idx + 2 * n
    assert_array_equal(xp.choose(xp.asarray(wrapped), [xp.asarray(c) for c in choices],
                                 mode="wrap"), np.choose(wrapped, choices, mode="wrap"))
    assert_array_equal(xp.choose(xp.asarray(wrapped), [xp.asarray(c) for c in choices],
                                 mode="clip"), np.choose(wrapped, choices, mode="clip"))


def test_choose_errors():
    with pytest.raises(ValueError):
        xp.choose([0, 3], [[1, 2], [3, 4]])
    with pytest.raises(TypeError):
        xp.choose(xp.asarray([0.5]), [xp.asarray([1.0])])
    with pytest.raises(ValueError):
        xp.choose(xp.asarray([0]), [xp.asarray([1.0])], mode="bad")


@given(case=small_arrays(("float32", "float64", "int32", "int64"), max_dims=2),
       bins=st.lists(st.integers(-20, 20), min_size=1, max_size=6),
       right=st.booleans(), decreasing=st.booleans())
def test_digitize_matches_numpy(case, bins, right, decreasing):
    name, a = case
    b = np.array(sorted(bins, reverse=decreasing), dtype=np.float64)
    with no_sync():
        got = xp.digitize(xp.asarray(a), xp.asarray(b), right=right)
    assert_array_equal(got, np.digitize(a, b, right=right).astype(np.int32))
    assert_array_equal(xp.digitize(xp.asarray(a), b.tolist(), right),
                       np.digitize(a, b, right).astype(np.int32))


def test_digitize_nan_and_errors():
    a = np.array([np.nan, -1.0, 2.0, np.inf], dtype=np.float32)
    assert_array_equal(xp.digitize(xp.asarray(a), [0.0, 1.0, 3.0]),
                       np.digitize(a, [0.0, 1.0, 3.0]).astype(np.int32))
    with pytest.raises(ValueError):
        xp.digitize(xp.asarray(a), [0.0, 3.0, 1.0])
    with pytest.raises(ValueError):
        xp.digitize(xp.asarray(a), [[0.0, 1.0]])
    with pytest.raises(TypeError):
        xp.digitize(xp.asarray([1j]), [0.0, 1.0])


# --- partition, argpartition, lexsort ---------------------------------------------------

@given(case=small_arrays(max_dims=3), data=st.data())
def test_partition_kth_elements_match_numpy(case, data):
    name, a = case
    axis = data.draw(st.sampled_from([None, *range(-a.ndim, a.ndim)]))
    n = a.size if axis is None else a.shape[axis]
    kth = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3))
    with no_sync():
        p = xp.partition(xp.asarray(a), kth, axis=axis)
        ip = xp.argpartition(xp.asarray(a), kth, axis=axis)
    expected = np.partition(a, kth, axis=axis)
    got = np.asarray(p)
    ax = 0 if axis is None else axis % a.ndim
    for k in kth:
        np.testing.assert_array_equal(np.take(got, k, axis=ax), np.take(expected, k, axis=ax))
    assert got.dtype == a.dtype and got.shape == expected.shape
    # The indices pick the same values.
    src = a.reshape(-1) if axis is None else a
    picked = np.take_along_axis(src, np.asarray(ip).astype(np.int64), axis=ax)
    np.testing.assert_array_equal(picked, got)
    assert np.asarray(ip).dtype == np.int32


def test_partition_errors():
    x = xp.asarray([3, 1, 2])
    with pytest.raises(ValueError):
        xp.partition(x, 3)
    with pytest.raises(ValueError):
        xp.argpartition(x, -4)
    with pytest.raises(TypeError):
        xp.partition(x, 1.5)
    with pytest.raises(IndexError):
        xp.partition(x, 1, axis=1)


@given(n=st.integers(1, 4), size=st.integers(0, 12), data=st.data())
def test_lexsort_matches_numpy(n, size, data):
    keys = [data.draw(hnp.arrays(np.int32, (size,), elements=st.integers(0, 3)))
            for _ in range(n)]
    with no_sync():
        got = xp.lexsort([xp.asarray(k) for k in keys])
    assert_array_equal(got, np.lexsort(keys).astype(np.int32))
    assert_array_equal(xp.lexsort(xp.asarray(np.stack(keys))),
                       np.lexsort(np.stack(keys)).astype(np.int32))


def test_lexsort_axis_floats_and_errors():
    rng = np.random.default_rng(0)
    k1 = rng.integers(0, 3, (4, 6)).astype(np.float32)
    k2 = rng.normal(size=(4, 6)).astype(np.float32)
    k2[0, 0] = np.nan
    for axis in (0, 1, -1):
        assert_array_equal(xp.lexsort([xp.asarray(k2), xp.asarray(k1)], axis=axis),
                           np.lexsort([k2, k1], axis=axis).astype(np.int32))
    with pytest.raises(ValueError):
        xp.lexsort([xp.asarray([1, 2]), xp.asarray([1, 2, 3])])
    with pytest.raises(TypeError):
        xp.lexsort([])


# --- unravel_index, ravel_multi_index ----------------------------------------------------

@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=5), order=st.sampled_from("CF"),
       data=st.data())
def test_unravel_ravel_roundtrip_matches_numpy(shape, order, data):
    size = int(np.prod(shape))
    idx = data.draw(hnp.arrays(np.int64, data.draw(hnp.array_shapes(min_dims=0, max_dims=2)),
                               elements=st.integers(0, size - 1)))
    with no_sync():
        coords = xp.unravel_index(xp.asarray(idx), shape, order=order)
        back = xp.ravel_multi_index(coords, shape, order=order)
    expected = np.unravel_index(idx, shape, order=order)
    assert len(coords) == len(expected)
    for g, e in zip(coords, expected):
        assert_array_equal(g, np.asarray(e).astype(np.int32))
    assert_array_equal(back, idx.astype(np.int32))
    assert_array_equal(xp.unravel_index(idx.tolist(), shape, order)[0],
                       np.asarray(expected[0]).astype(np.int32))


def test_ravel_multi_index_modes_and_errors():
    coords = np.array([[3, 6, 6], [4, 5, 1]])
    for mode in ("wrap", "clip", ("clip", "wrap")):
        big = coords * 3 - 4
        assert_array_equal(xp.ravel_multi_index(xp.asarray(big), (7, 6), mode=mode),
                           np.ravel_multi_index(big, (7, 6), mode=mode).astype(np.int32))
    with pytest.raises(ValueError):
        xp.ravel_multi_index([[7], [0]], (7, 6))
    with pytest.raises(ValueError):
        xp.ravel_multi_index([[1]], (7, 6))
    with pytest.raises(ValueError):
        xp.unravel_index(42, (7, 6))
    with pytest.raises(ValueError):
        xp.unravel_index(-1, (7, 6))
    with pytest.raises(TypeError):
        xp.unravel_index(xp.asarray([1.0]), (7, 6))
    with pytest.raises(ValueError):
        xp.unravel_index(1, (2, 3), order="K")


# --- gradient, trapezoid ----------------------------------------------------------------

@given(case=small_arrays(("float32", "float64", "int32", "int16"), max_dims=3, min_side=3),
       edge_order=st.sampled_from([1, 2]), data=st.data())
def test_gradient_matches_numpy(case, edge_order, data):
    name, a = case
    axis = data.draw(st.sampled_from([None, *range(a.ndim)]))
    spacing = data.draw(st.sampled_from(["none", "scalar", "coords"]))
    axes = range(a.ndim) if axis is None else [axis]
    if spacing == "none":
        args = ()
    elif spacing == "scalar":
        args = (0.5,)
    else:
        args = tuple(np.cumsum(np.linspace(0.5, 2.0, a.shape[ax])) for ax in axes)
    with no_sync():
        got = xp.gradient(xp.asarray(a), *[xp.asarray(v) if isinstance(v, np.ndarray) else v
                                           for v in args], axis=axis, edge_order=edge_order)
    expected = np_call(np.gradient, a.astype(np.float64), *args, axis=axis,
                       edge_order=edge_order)
    out = float_of(name)
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
    else:
        got, expected = (got,), (expected,)
    for g, e in zip(got, expected):
        scale = max(1.0, float(np.max(np.abs(e))) if e.size else 1.0)
        assert_close(g, e.astype(out), rtol=1e-5 if out == "float32" else 1e-10,
                     atol=1e-5 * scale if out == "float32" else 1e-10 * scale, dtype=out)


def test_gradient_errors_and_complex():
    z = np.array([1 + 1j, 2 - 1j, 4 + 0j, 7 + 2j], dtype=np.complex64)
    assert_close(xp.gradient(xp.asarray(z)), np.gradient(z), rtol=1e-6)
    with pytest.raises(ValueError):
        xp.gradient(xp.asarray([1.0, 2.0]), edge_order=2)
    with pytest.raises(ValueError):
        xp.gradient(xp.asarray([1.0, 2.0, 3.0]), xp.asarray([1.0, 2.0]))
    with pytest.raises(TypeError):
        xp.gradient(xp.ones((3, 3)), 1.0, 2.0, 3.0)
    with pytest.raises(ValueError):
        xp.gradient(xp.asarray([1.0, 2.0, 3.0]), edge_order=3)
    with pytest.raises(TypeError):
        xp.gradient(xp.asarray([True, False, True]))


@given(case=small_arrays(("float32", "float64", "int32", "uint8"), max_dims=3), data=st.data())
def test_trapezoid_matches_numpy(case, data):
    name, a = case
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    how = data.draw(st.sampled_from(["dx", "x1d", "xnd"]))
    kw = {"dx": 0.25} if how == "dx" else {}
    if how == "x1d":
        kw["x"] = np.cumsum(np.arange(1.0, a.shape[axis] + 1)).astype(np.float32)
    elif how == "xnd":
        kw["x"] = (np.cumsum(np.ones(a.shape), axis=axis) * 0.5).astype(np.float32)
    with no_sync():
        got = xp.trapezoid(xp.asarray(a), **{k: xp.asarray(v) if isinstance(v, np.ndarray)
                                             else v for k, v in kw.items()}, axis=axis)
    expected = np.trapezoid(a.astype(np.float64), **kw, axis=axis)
    out = float_of(name)
    assert_close(got, np.asarray(expected).astype(out), rtol=1e-5 if out == "float32" else 1e-10,
                 atol=1e-3, dtype=out)


def test_trapezoid_errors():
    with pytest.raises(ValueError):
        xp.trapezoid(xp.asarray([1.0, 2.0, 3.0]), x=xp.asarray([1.0, 2.0]))
    with pytest.raises(IndexError):
        xp.trapezoid(xp.asarray([1.0, 2.0]), axis=1)


# --- convolve, correlate, cross ----------------------------------------------------------

@given(name=st.sampled_from(["float32", "float64", "int32", "int64", "uint8", "complex64"]),
       n=st.integers(1, 9), m=st.integers(1, 9), mode=st.sampled_from(["full", "same", "valid"]),
       fn=st.sampled_from(["convolve", "correlate"]), data=st.data())
def test_convolve_correlate_match_numpy(name, n, m, mode, fn, data):
    el = st.integers(0, 5) if name == "uint8" else st.integers(-5, 5)
    a = data.draw(hnp.arrays(np.int64, (n,), elements=el))
    v = data.draw(hnp.arrays(np.int64, (m,), elements=el))
    if name == "complex64":
        a, v = a + 1j * a[::-1], v - 2j
    a, v = a.astype(name), v.astype(name)
    with no_sync():
        got = getattr(xp, fn)(xp.asarray(a), xp.asarray(v), mode)
    expected = getattr(np, fn)(a, v, mode)
    if name in ("float32", "complex64"):
        assert_close(got, expected.astype(name), rtol=1e-5, atol=1e-4)
    else:
        assert_array_equal(got, expected)


def test_convolve_errors_and_lists():
    assert_close(xp.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5]),
                 np.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5]).astype(np.float32))
    with pytest.raises(ValueError):
        xp.convolve(xp.asarray([]), xp.asarray([1.0]))
    with pytest.raises(ValueError):
        xp.correlate(xp.asarray([1.0]), xp.asarray([1.0]), mode="bad")
    with pytest.raises(ValueError):
        xp.convolve(xp.ones((2, 2)), xp.ones(2))


@given(name=st.sampled_from(["float32", "float64", "int32", "int64"]),
       lead=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), data=st.data())
def test_cross_matches_numpy(name, lead, data):
    el = st.integers(-9, 9)
    a = data.draw(hnp.arrays(np.int64, (*lead, 3), elements=el)).astype(name)
    b = data.draw(hnp.arrays(np.int64, (3,), elements=el)).astype(name)
    with no_sync():
        got = xp.cross(xp.asarray(a), xp.asarray(b))
    assert_array_equal(got, np.cross(a, b))
    if a.ndim >= 2:
        at = np.moveaxis(a, -1, 0)
        assert_array_equal(xp.cross(xp.asarray(at), xp.asarray(b), axisa=0, axisc=0),
                           np.cross(at, b, axisa=0, axisc=0))


def test_cross_two_dimensional_and_errors():
    with pytest.warns(DeprecationWarning):
        got = xp.cross(xp.asarray([1.0, 2.0]), xp.asarray([3.0, 4.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert_close(got, np.asarray(np.cross([1.0, 2.0], [3.0, 4.0]), dtype=np.float32))
        assert_close(xp.cross(xp.asarray([1.0, 2.0]), xp.asarray([3.0, 4.0, 5.0])),
                     np.cross([1.0, 2.0], [3.0, 4.0, 5.0]).astype(np.float32))
    with pytest.raises(ValueError):
        xp.cross(xp.asarray([1.0, 2.0, 3.0, 4.0]), xp.asarray([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError):
        xp.cross(xp.asarray([True, False, True]), xp.asarray([True, False, True]))


# --- meshgrid, block --------------------------------------------------------------------

@given(sizes=st.lists(st.integers(0, 4), min_size=1, max_size=3),
       indexing=st.sampled_from(["xy", "ij"]), sparse=st.booleans())
def test_meshgrid_matches_numpy(sizes, indexing, sparse):
    vs = [np.arange(n, dtype=np.float32 if i % 2 else np.int32) * (i + 1)
          for i, n in enumerate(sizes)]
    with no_sync():
        got = xp.meshgrid(*[xp.asarray(v) for v in vs], indexing=indexing, sparse=sparse)
    expected = np.meshgrid(*vs, indexing=indexing, sparse=sparse)
    assert isinstance(got, tuple) and len(got) == len(expected)
    for g, e in zip(got, expected):
        assert_array_equal(g, e)


def test_meshgrid_lists_and_errors():
    got = xp.meshgrid([1, 2, 3], [4, 5])
    for g, e in zip(got, np.meshgrid([1, 2, 3], [4, 5])):
        assert_array_equal(g, e.astype(np.int32))
    with pytest.raises(ValueError):
        xp.meshgrid(xp.arange(2), indexing="yx")
    assert xp.meshgrid() == ()


def test_block_matches_numpy():
    a = np.arange(4.0, dtype=np.float32).reshape(2, 2)
    b = np.ones((2, 3), dtype=np.float32)
    c = np.full((1, 5), 7.0, dtype=np.float32)
    cases = [
        [[a, b], [c]],
        [a, a],
        [[a], [a]],
        [1.0, np.float32(2.0), np.array([3.0, 4.0], dtype=np.float32)],
        [[[a]], [[a]]],
        a,
    ]
    for case in cases:
        conv = _nested(case, lambda v: xp.asarray(v) if isinstance(v, np.ndarray) else v)
        with no_sync():
            got = xp.block(conv)
        expected = np.block(case)
        assert_array_equal(got, expected.astype(np.float32))


def _nested(obj, fn):
    if isinstance(obj, list):
        return [_nested(o, fn) for o in obj]
    return fn(obj)


def test_block_errors():
    a = xp.ones((2, 2))
    with pytest.raises(ValueError):
        xp.block([[a], a])
    with pytest.raises(ValueError):
        xp.block([])
    with pytest.raises(TypeError):
        xp.block((a, a))
    with pytest.raises(ValueError):
        xp.block([[a, xp.ones((3, 3))]])


# --- fromfunction, fromiter, frombuffer, ascontiguousarray -----------------------------

def test_fromfunction_fromiter_frombuffer():
    with no_sync():
        got = xp.fromfunction(lambda i, j: i * 10 + j, (3, 4))
    assert_array_equal(got, np.fromfunction(lambda i, j: i * 10 + j, (3, 4))
                       .astype(np.float32))
    assert_array_equal(xp.fromfunction(lambda i, j: i == j, (3, 3), dtype=int),
                       np.fromfunction(lambda i, j: i == j, (3, 3), dtype=int))
    assert_array_equal(xp.fromfunction(lambda i: i * 2, 4, dtype=float),
                       np.fromfunction(lambda i: i * 2, (4,), dtype=float))
    assert_array_equal(xp.fromiter((i * i for i in range(6)), xp.int32),
                       np.fromiter((i * i for i in range(6)), np.int32))
    assert_array_equal(xp.fromiter(iter([1.5, 2.5, 3.5]), float, count=2),
                       np.fromiter(iter([1.5, 2.5, 3.5]), float, count=2))
    raw = np.arange(6, dtype=np.float32).tobytes()
    assert_array_equal(xp.frombuffer(raw, dtype=xp.float32, count=4, offset=4),
                       np.frombuffer(raw, dtype=np.float32, count=4, offset=4))
    assert_array_equal(xp.frombuffer(b"\x00" * 16), np.frombuffer(b"\x00" * 16))
    with pytest.raises(ValueError):
        xp.frombuffer(b"\x00" * 3, dtype=xp.float32)
    with pytest.raises(TypeError):
        xp.fromiter([1, 2], None)
    for fn in (xp.ascontiguousarray, xp.asfortranarray):
        assert_array_equal(fn(5), np.ascontiguousarray(5).astype(np.int32))
        assert_array_equal(fn([[1.0, 2.0]], dtype=xp.float64), np.asfortranarray([[1.0, 2.0]]))


# --- apply_along_axis, vectorize -----------------------------------------------------------

@given(case=small_arrays(("float32", "int32"), max_dims=3), data=st.data())
def test_apply_along_axis_matches_numpy(case, data):
    name, a = case
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    fns = [(lambda r: xp.sum(r), lambda r: np.sum(r)),
           (lambda r: xp.stack([xp.min(r), xp.max(r)]), lambda r: np.stack([r.min(), r.max()])),
           (lambda r: xp.outer(r, r), lambda r: np.outer(r, r))]
    ours, theirs = data.draw(st.sampled_from(fns))
    with no_sync():
        got = xp.apply_along_axis(ours, axis, xp.asarray(a))
    expected = np.apply_along_axis(theirs, axis, a)
    assert_array_equal(got, expected.astype(np.asarray(got).dtype))


def test_apply_along_axis_errors():
    with pytest.raises(ValueError):
        xp.apply_along_axis(lambda r: r, 0, xp.ones((3, 0)))
    with pytest.raises(IndexError):
        xp.apply_along_axis(lambda r: r, 2, xp.ones((3, 2)))


def test_vectorize_matches_numpy_with_one_sync():
    def f(a, b):
        return a - b if a > b else a + b

    x = np.array([[1, 5, 3], [4, 2, 6]], dtype=np.int32)
    with syncs(1):
        got = xp.vectorize(f)(xp.asarray(x), 3)
    assert_array_equal(got, np.vectorize(f)(x, 3))
    g = xp.vectorize(lambda v: (v * 2.0, v > 2), otypes=[xp.float32, xp.bool])
    g1, g2 = g(xp.asarray(x))
    e1, e2 = np.vectorize(lambda v: (v * 2.0, v > 2), otypes=[np.float32, bool])(x)
    assert_array_equal(g1, e1)
    assert_array_equal(g2, e2)

    @xp.vectorize
    def h(v, n):
        return v ** n

    assert_array_equal(h(xp.asarray([1.0, 2.0], dtype=xp.float64), 3),
                       np.vectorize(lambda v, n: v ** n)(np.array([1.0, 2.0]), 3))

    @xp.vectorize(otypes=[float])
    def k(v):
        return v / 2

    assert_array_equal(k(xp.asarray([1, 3])), np.array([0.5, 1.5]))
    sig = xp.vectorize(lambda r: np.sort(r)[::-1], signature="(n)->(n)")
    assert_array_equal(sig(xp.asarray(x)), np.sort(x, axis=1)[:, ::-1])
    with pytest.raises(TypeError):
        xp.vectorize(lambda v: "s" * int(v), otypes=[object])(xp.asarray([1, 2]))


# --- packbits, unpackbits, sliding_window_view -----------------------------------------------

@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=11), data=st.data(),
       bitorder=st.sampled_from(["big", "little"]))
def test_packbits_unpackbits_match_numpy(shape, data, bitorder):
    a = data.draw(hnp.arrays(np.uint8, shape, elements=st.integers(0, 3)))
    axis = data.draw(st.sampled_from([None, *range(-a.ndim, a.ndim)]))
    with no_sync():
        packed = xp.packbits(xp.asarray(a), axis=axis, bitorder=bitorder)
    expected = np.packbits(a, axis=axis, bitorder=bitorder)
    assert_array_equal(packed, expected)
    n = expected.size if axis is None else expected.shape[axis] * 8
    count = data.draw(st.sampled_from([None, 0, n // 2, n + 3, -(n // 3)]))
    with no_sync():
        un = xp.unpackbits(packed, axis=axis, count=count, bitorder=bitorder)
    assert_array_equal(un, np.unpackbits(expected, axis=axis, count=count, bitorder=bitorder))
    assert_array_equal(xp.packbits(xp.asarray(a > 1)), np.packbits(a > 1))


def test_packbits_errors():
    with pytest.raises(TypeError):
        xp.packbits(xp.asarray([1.0]))
    with pytest.raises(TypeError):
        xp.unpackbits(xp.asarray([1], dtype=xp.int32))
    with pytest.raises(ValueError):
        xp.unpackbits(xp.asarray([1], dtype=xp.uint8), count=-9)
    with pytest.raises(ValueError):
        xp.packbits(xp.asarray([1], dtype=xp.uint8), bitorder="middle")


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=6), data=st.data())
def test_sliding_window_view_matches_numpy(shape, data):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    axes = data.draw(st.sampled_from([None, 0, -1, (0, -1)]))
    if axes is None:
        window = tuple(data.draw(st.integers(0, n)) for n in shape)
    elif isinstance(axes, int):
        window = data.draw(st.integers(0, shape[axes]))
    else:
        window = tuple(data.draw(st.integers(0, shape[ax])) for ax in axes)
        if shape[0] - window[0] + 1 < window[1] and a.ndim == 1:
            window = (window[0], 0)
    swv = np.lib.stride_tricks.sliding_window_view
    try:
        expected = swv(a, window, axis=axes)
    except ValueError:
        with pytest.raises(ValueError):
            xp.lib.stride_tricks.sliding_window_view(xp.asarray(a), window, axis=axes)
        return
    with no_sync():
        got = xp.lib.stride_tricks.sliding_window_view(xp.asarray(a), window, axis=axes)
    assert_array_equal(got, expected)


def test_sliding_window_view_errors():
    swv = xp.lib.stride_tricks.sliding_window_view
    with pytest.raises(ValueError):
        swv(xp.ones(3), 4)
    with pytest.raises(ValueError):
        swv(xp.ones((3, 3)), 2)
    with pytest.raises(ValueError):
        swv(xp.ones(3), 2, writeable=True)
    with pytest.raises(ValueError):
        swv(xp.ones(3), -1)
    with pytest.raises(AttributeError, match="strides"):
        xp.lib.stride_tricks.as_strided  # noqa: B018


# --- set operations, unique(axis=) --------------------------------------------------------

SET_NAMES = ("int32", "int64", "uint8", "float32", "float64")


def _set_arrays():
    @st.composite
    def draw(draw):
        name = draw(st.sampled_from(SET_NAMES))
        dt = np.dtype(name)
        el = st.integers(0, 6) if dt.kind in "iu" else st.sampled_from(
            [0.0, -0.0, 1.5, 2.0, 3.0, np.nan, np.inf])
        a = draw(hnp.arrays(dt, draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0,
                                                      max_side=6)), elements=el))
        b = draw(hnp.arrays(dt, draw(st.integers(0, 6)), elements=el))
        return a, b
    return draw()


def _same(got, expected):
    expected = np.asarray(expected)
    g = np.asarray(got)
    assert g.dtype == expected.dtype and g.shape == expected.shape, (g, expected)
    np.testing.assert_array_equal(g, expected)


@given(ab=_set_arrays(), fn=st.sampled_from(["setdiff1d", "intersect1d", "union1d", "setxor1d"]))
def test_set_operations_match_numpy(ab, fn):
    a, b = ab
    with syncs(1):
        got = getattr(xp, fn)(xp.asarray(a), xp.asarray(b))
    _same(got, getattr(np, fn)(a, b))


@given(ab=_set_arrays())
def test_intersect1d_indices_and_assume_unique(ab):
    a, b = ab
    got = xp.intersect1d(xp.asarray(a), xp.asarray(b), return_indices=True)
    expected = np.intersect1d(a, b, return_indices=True)
    _same(got[0], expected[0])
    for g, e in zip(got[1:], expected[1:]):
        _same(g, e.astype(np.int32))
    ua, ub = np.unique(a), np.unique(b)
    ua, ub = ua[~np.isnan(ua)] if ua.dtype.kind == "f" else ua, \
        ub[~np.isnan(ub)] if ub.dtype.kind == "f" else ub
    for fn in ("setdiff1d", "intersect1d", "setxor1d"):
        _same(getattr(xp, fn)(xp.asarray(ua), xp.asarray(ub), assume_unique=True),
              getattr(np, fn)(ua, ub, assume_unique=True))


def test_set_operations_lists_and_errors():
    _same(xp.setdiff1d([5, 1, 2, 2, 7], [2, 9]), np.setdiff1d([5, 1, 2, 2, 7], [2, 9])
          .astype(np.int32))
    _same(xp.in1d(xp.asarray([[1, 2], [3, 4]]), xp.asarray([2, 4]), invert=True),
          np.isin(np.array([[1, 2], [3, 4]]).ravel(), [2, 4], invert=True))
    with pytest.raises(TypeError):
        xp.union1d(xp.asarray([1j]), xp.asarray([1j]))
    with pytest.raises(TypeError):
        xp.setdiff1d(xp.asarray([1]), xp.asarray([1]), assume_unique=None)


@given(case=small_arrays(("int32", "uint8", "float32", "float64"), max_dims=3, min_side=0,
                         lo=0, hi=2),
       flags=st.sampled_from([(False, False, False), (True, True, True), (False, True, False)]),
       data=st.data())
def test_unique_axis_matches_numpy(case, flags, data):
    name, a = case
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    if a.shape[axis] == 0 or 0 in a.shape:
        return  # NumPy's unique of empty slices is a corner with its own rules
    with syncs(1):
        got = xp.unique(xp.asarray(a), *flags, axis=axis)
    expected = np.unique(a, *flags, axis=axis)
    if not any(flags):
        got, expected = (got,), (expected,)
    _same(got[0], expected[0])
    for g, e in zip(got[1:], expected[1:]):
        _same(g, e.astype(np.int32))


def test_unique_axis_errors():
    with pytest.raises(IndexError):
        xp.unique(xp.ones((2, 2)), axis=2)
    with pytest.raises(TypeError):
        xp.unique(xp.ones((2, 2), dtype=xp.complex64), axis=0)


# --- delete, insert, trim_zeros, ediff1d ---------------------------------------------------

@given(case=small_arrays(("int32", "float32"), max_dims=3, min_side=1), data=st.data())
def test_delete_matches_numpy(case, data):
    name, a = case
    axis = data.draw(st.sampled_from([None, *range(-a.ndim, a.ndim)]))
    n = a.size if axis is None else a.shape[axis]
    kind = data.draw(st.sampled_from(["int", "list", "slice", "mask"]))
    if kind == "int":
        obj = data.draw(st.integers(-n, n - 1))
    elif kind == "list":
        obj = data.draw(st.lists(st.integers(-n, n - 1), max_size=4))
    elif kind == "slice":
        obj = slice(data.draw(st.integers(-n, n)), None, data.draw(st.sampled_from([1, 2, -1])))
    else:
        obj = data.draw(hnp.arrays(bool, (n,)))
    with no_sync():
        got = xp.delete(xp.asarray(a), obj, axis=axis)
    _same(got, np.delete(a, obj, axis=axis))


@given(case=small_arrays(("int32", "float32"), max_dims=3, min_side=1), data=st.data())
def test_insert_matches_numpy(case, data):
    name, a = case
    axis = data.draw(st.sampled_from([None, *range(-a.ndim, a.ndim)]))
    n = a.size if axis is None else a.shape[axis]
    kind = data.draw(st.sampled_from(["int", "list", "slice"]))
    if kind == "int":
        obj = data.draw(st.integers(-n, n))
    elif kind == "list":
        obj = data.draw(st.lists(st.integers(-n, n), max_size=4))
    else:
        obj = slice(data.draw(st.integers(0, n)), None, 2)
    values = data.draw(st.sampled_from([7, [7], 2.5]))
    try:
        expected = np.insert(a, obj, values, axis=axis)
    except ValueError:
        with pytest.raises(ValueError):
            xp.insert(xp.asarray(a), obj, values, axis=axis)
        return
    with no_sync():
        got = xp.insert(xp.asarray(a), obj, values, axis=axis)
    _same(got, expected)


def test_delete_insert_shapes_and_errors():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    _same(xp.insert(xp.asarray(a), 1, [7, 8, 9], axis=1), np.insert(a, 1, [7, 8, 9], axis=1))
    _same(xp.insert(xp.asarray(a), [1], [[7], [8], [9]], axis=1),
          np.insert(a, [1], [[7], [8], [9]], axis=1))
    _same(xp.insert(xp.asarray(a), 2, xp.asarray([[1, 2, 3, 4]]), axis=0),
          np.insert(a, 2, [[1, 2, 3, 4]], axis=0))
    with syncs(1):
        got = xp.delete(xp.asarray(a), xp.asarray([0, 2]), axis=1)
    _same(got, np.delete(a, [0, 2], axis=1))
    with pytest.raises(IndexError):
        xp.delete(xp.asarray(a), 4, axis=1)
    with pytest.raises(IndexError):
        xp.delete(xp.asarray(a), [0.5], axis=1)
    with pytest.raises(ValueError):
        xp.delete(xp.asarray(a), [True, False], axis=1)
    with pytest.raises(IndexError):
        xp.insert(xp.asarray(a), 5, 0, axis=1)
    with pytest.raises(IndexError):
        xp.insert(xp.asarray(a), [0, -6], 0, axis=1)
    with pytest.raises(ValueError):
        xp.insert(xp.asarray(a), [[0]], 0, axis=1)
    with pytest.raises(IndexError):
        xp.delete(xp.asarray(a), 0, axis=2)


@given(case=small_arrays(("int32", "float32"), max_dims=2, min_side=0, lo=-1, hi=1),
       trim=st.sampled_from(["f", "b", "fb", "BF"]), data=st.data())
def test_trim_zeros_matches_numpy(case, trim, data):
    name, a = case
    axis = data.draw(st.sampled_from([None, *range(a.ndim)]))
    with syncs(1):
        got = xp.trim_zeros(xp.asarray(a), trim, axis=axis)
    _same(got, np.trim_zeros(a, trim, axis=axis))


def test_ediff1d_matches_numpy():
    a = np.array([[1, 2], [4, 7]], dtype=np.int32)
    with no_sync():
        got = xp.ediff1d(xp.asarray(a), to_end=[10, 20], to_begin=-9)
    _same(got, np.ediff1d(a, to_end=np.array([10, 20], dtype=np.int32), to_begin=np.int32(-9)))
    _same(xp.ediff1d(xp.asarray([1.0, 0.5])), np.ediff1d(np.array([1.0, 0.5], np.float32)))
    with pytest.raises(TypeError):
        xp.ediff1d(xp.asarray([1, 2]), to_end=[0.5])
    with pytest.raises(ValueError):
        xp.trim_zeros(xp.asarray([0, 1]), "x")


# --- file I/O -----------------------------------------------------------------------------

def test_save_load_roundtrip(tmp_path):
    a = xp.reshape(xp.arange(6, dtype=xp.float32), (2, 3))
    b = xp.asarray([1, 2, 3], dtype=xp.int64)
    with syncs(1):
        xp.save(tmp_path / "a.npy", a)
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), np.asarray(a))
    got = xp.load(tmp_path / "a.npy")
    assert isinstance(got, xp.Array)
    assert_array_equal(got, np.asarray(a))
    xp.save(str(tmp_path / "b"), [[1.5, 2.5]])  # NumPy adds .npy; lists are converted
    assert_array_equal(xp.load(str(tmp_path / "b.npy")), np.array([[1.5, 2.5]], np.float32))
    with syncs(1):
        xp.savez(tmp_path / "z.npz", a, bee=b)
    xp.savez_compressed(tmp_path / "zc.npz", a, bee=b)
    for name in ("z.npz", "zc.npz"):
        with xp.load(tmp_path / name) as f:
            assert sorted(f.files) == ["arr_0", "bee"] and "bee" in f and len(f) == 2
            assert_array_equal(f["arr_0"], np.asarray(a))
            assert_array_equal(f["bee"], np.asarray(b))
        ref = np.load(tmp_path / name)
        np.testing.assert_array_equal(ref["bee"], np.asarray(b))
    h = xp.asarray([1.0, 2.0], dtype=xp.bfloat16)
    xp.save(tmp_path / "h.npy", h)
    assert np.load(tmp_path / "h.npy").dtype == np.float32


def test_load_refuses_objects_and_strings(tmp_path):
    np.save(tmp_path / "o.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError):
        xp.load(tmp_path / "o.npy")
    with pytest.raises(TypeError):
        xp.load(tmp_path / "o.npy", allow_pickle=True)
    np.save(tmp_path / "s.npy", np.array(["ab", "c"]))
    with pytest.raises(TypeError):
        xp.load(tmp_path / "s.npy")


def test_text_io_matches_numpy(tmp_path):
    data = np.array([[1.0, 2.5, -3.0], [4.0, 5.0, 6.25]])
    xp.savetxt(tmp_path / "t.txt", xp.asarray(data), fmt="%.4f", delimiter=",", header="a,b,c")
    assert (tmp_path / "t.txt").read_text() == _np_text(tmp_path, data, fmt="%.4f",
                                                        delimiter=",", header="a,b,c")
    got = xp.loadtxt(tmp_path / "t.txt", delimiter=",")
    assert_array_equal(got, np.loadtxt(tmp_path / "t.txt", delimiter=","))
    x, y = xp.loadtxt(tmp_path / "t.txt", delimiter=",", usecols=(0, 2), unpack=True)
    ex, ey = np.loadtxt(tmp_path / "t.txt", delimiter=",", usecols=(0, 2), unpack=True)
    assert_array_equal(x, ex)
    assert_array_equal(y, ey)
    assert_array_equal(xp.loadtxt(tmp_path / "t.txt", delimiter=",", dtype=xp.float32),
                       np.loadtxt(tmp_path / "t.txt", delimiter=",", dtype=np.float32))
    (tmp_path / "m.csv").write_text("x,y\n1,2\n3,\n,6\n")
    got = xp.genfromtxt(tmp_path / "m.csv", delimiter=",", skip_header=1)
    assert_array_equal(got, np.genfromtxt(tmp_path / "m.csv", delimiter=",", skip_header=1))
    got = xp.genfromtxt(tmp_path / "m.csv", delimiter=",", skip_header=1, filling_values=-1)
    assert_array_equal(got, np.genfromtxt(tmp_path / "m.csv", delimiter=",", skip_header=1,
                                          filling_values=-1))
    with pytest.raises(TypeError):
        xp.genfromtxt(tmp_path / "m.csv", delimiter=",", names=True)
    with pytest.raises(TypeError):
        xp.genfromtxt(tmp_path / "m.csv", delimiter=",", usemask=True)
    raw = np.arange(5, dtype=np.int16)
    raw.tofile(tmp_path / "r.bin")
    assert_array_equal(xp.fromfile(tmp_path / "r.bin", dtype=xp.int16), raw)


def _np_text(tmp_path, data, **kw):
    np.savetxt(tmp_path / "ref.txt", data, **kw)
    return (tmp_path / "ref.txt").read_text()


# --- floating-point error state, print options --------------------------------------------

def test_errstate_records_settings_and_restores():
    assert xp.geterr() == np.geterr()
    old = xp.seterr(all="ignore")
    try:
        assert old == {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}
        assert xp.geterr() == dict.fromkeys(("divide", "over", "under", "invalid"), "ignore")
        with xp.errstate(divide="warn", invalid="print"):
            assert xp.geterr()["divide"] == "warn" and xp.geterr()["invalid"] == "print"
            # No error state: results carry inf/NaN, nothing warns (filterwarnings=error).
            assert_array_equal(xp.asarray([1.0, 0.0]) / 0.0,
                               np_call(np.divide, np.array([1.0, 0.0], np.float32), 0.0))
        assert xp.geterr()["divide"] == "ignore"
    finally:
        xp.seterr(**old)
    assert xp.geterr() == old

    @xp.errstate(over="ignore")
    def f():
        return xp.geterr()["over"]

    assert f() == "ignore" and xp.geterr()["over"] == "warn"
    with pytest.raises(ValueError):
        xp.seterr(divide="loud")
    with pytest.warns(RuntimeWarning, match="cannot be honoured"):
        old = xp.seterr(over="raise")
    xp.seterr(**old)
    with pytest.warns(RuntimeWarning):
        xp.errstate(all="raise")
    assert xp.seterrcall(print) is None and xp.geterrcall() is print
    xp.seterrcall(None)
    with pytest.raises(ValueError):
        xp.seterrcall(42)


def test_printoptions_are_numpys():
    x = xp.asarray([1.0 / 3.0, 2.0])
    with xp.printoptions(precision=2):
        assert str(x) == "[0.33 2.  ]"
        assert xp.get_printoptions()["precision"] == 2
    old = xp.get_printoptions()
    xp.set_printoptions(precision=3)
    try:
        assert str(x) == str(np.asarray(x))
    finally:
        xp.set_printoptions(**old)


# --- polynomials ----------------------------------------------------------------------------

@given(deg=st.integers(0, 4), n=st.integers(6, 30), seed=st.integers(0, 2**16),
       two_d=st.booleans(), weighted=st.booleans())
def test_polyfit_polyval_match_numpy(deg, n, seed, two_d, weighted):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3, 3, n)).astype(np.float32)
    y = (rng.normal(size=(n, 2) if two_d else n) + x[:, None] ** 2 if two_d
         else rng.normal(size=n) + x ** 2).astype(np.float32)
    w = rng.uniform(0.5, 2, n).astype(np.float32) if weighted else None
    with no_sync():
        got = xp.polyfit(xp.asarray(x), xp.asarray(y), deg,
                         w=None if w is None else xp.asarray(w))
    expected = np.polyfit(x.astype(np.float64), y.astype(np.float64), deg, w=w)
    assert_close(got, expected.astype(np.float32), rtol=1e-4, atol=1e-4)
    if not two_d:
        with no_sync():
            val = xp.polyval(got, xp.asarray(x))
        assert_close(val, np.polyval(expected, x.astype(np.float64)).astype(np.float32),
                     rtol=1e-4, atol=1e-4)


def test_polyfit_full_cov_and_errors():
    x = np.linspace(0, 10, 25)
    y = 3 * x ** 2 - 2 * x + 1 + np.sin(x)
    c, res, rank, sv, rcond = xp.polyfit(xp.asarray(x), xp.asarray(y), 3, full=True)
    ec, eres, erank, esv, ercond = np.polyfit(x, y, 3, full=True)
    assert_close(c, ec, rtol=1e-9, atol=1e-10)
    assert_close(res, eres, rtol=1e-8)
    assert int(rank) == erank and rcond == pytest.approx(ercond)
    assert_close(sv, esv, rtol=1e-9)
    for cov in (True, "unscaled"):
        c, v = xp.polyfit(xp.asarray(x), xp.asarray(y), 2, cov=cov)
        ec, ev = np.polyfit(x, y, 2, cov=cov)
        assert_close(v, ev, rtol=1e-7, atol=1e-12)
    with pytest.raises(ValueError):
        xp.polyfit(xp.asarray(x), xp.asarray(y), -1)
    with pytest.raises(TypeError):
        xp.polyfit(xp.asarray(x), xp.asarray(y[:-1]), 2)
    with pytest.raises(TypeError):
        xp.polyfit(xp.ones((2, 2)), xp.ones(2), 1)


def test_roots_and_poly_match_numpy():
    for p in ([1.0, -3.0, 2.0], [1.0, 0.0, 1.0], [0.0, 0.0, 2.0, -4.0, 0.0, 0.0], [5.0],
              [1.0, -6.0, 11.0, -6.0]):
        with syncs(1):
            got = xp.roots(xp.asarray(p, dtype=xp.float64))
        expected = np.roots(p)
        g = np.asarray(got)
        assert g.shape == expected.shape
        assert (g.dtype.kind == "c") == (expected.dtype.kind == "c")
        np.testing.assert_allclose(np.sort_complex(g), np.sort_complex(expected), atol=1e-6)
    assert_close(xp.poly([1.0, 2.0, 3.0]), np.poly([1.0, 2.0, 3.0]).astype(np.float32))
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    # From complex64 eigenvalues (MLX has no complex128): float32 precision.
    assert_close(xp.poly(xp.asarray(m)), np.poly(m), rtol=1e-5, atol=1e-5)
    r = np.random.default_rng(3).normal(size=(5, 5)).astype(np.float32)
    assert_close(xp.poly(xp.asarray(r)), np.poly(r).astype(np.float32), rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError):
        xp.roots(xp.ones((2, 2)))


def test_poly1d_matches_numpy():
    p, q = xp.poly1d([1, 2, 3]), np.poly1d([1, 2, 3])
    assert p.order == q.order == len(p)
    assert_array_equal(p.coeffs, q.coeffs.astype(np.int32))
    assert_close(p(xp.asarray([0.5, 2.0])), q([0.5, 2.0]).astype(np.float32))
    assert str(p) == str(q)
    for ours, theirs in ((p.deriv(), q.deriv()), (p.integ(), q.integ()), (p * p, q * q),
                         (p ** 3, q ** 3), (p + [1, 1], q + [1, 1]), (p - 1, q - 1),
                         (2 * p, 2 * q), (-p, -q), (p.integ(2, k=[1, 2]), q.integ(2, k=[1, 2])),
                         (xp.poly1d([0, 0, 1, 2]), np.poly1d([0, 0, 1, 2])),
                         (xp.poly1d([1, 2], r=True), np.poly1d([1, 2], r=True)),
                         (xp.polyval(p, xp.poly1d([1, 1])), np.polyval(q, np.poly1d([1, 1])))):
        np.testing.assert_allclose(np.asarray(ours.coeffs), theirs.coeffs, rtol=1e-6)
    np.testing.assert_allclose(np.sort_complex(np.asarray(p.roots)), np.sort_complex(q.roots),
                               rtol=1e-6)
    assert p == xp.poly1d([1, 2, 3]) and p != xp.poly1d([1, 2, 4])
    assert int(p[0]) == 3 and int(p[2]) == 1 and int(p[7]) == 0
    quo, rem = xp.poly1d([1.0, -3.0, 2.0]) / xp.poly1d([1.0, -1.0])
    equo, erem = np.poly1d([1.0, -3.0, 2.0]) / np.poly1d([1.0, -1.0])
    np.testing.assert_allclose(np.asarray(quo.coeffs), equo.coeffs)
    np.testing.assert_allclose(np.asarray(rem.coeffs), erem.coeffs)
    for fn in ("polyadd", "polysub", "polymul"):
        np.testing.assert_allclose(np.asarray(getattr(xp, fn)([1.0, 2.0], [3.0, 4.0, 5.0])),
                                   getattr(np, fn)([1.0, 2.0], [3.0, 4.0, 5.0]))
    np.testing.assert_allclose(np.asarray(xp.polyder([1.0, 2.0, 3.0, 4.0], 2)),
                               np.polyder([1.0, 2.0, 3.0, 4.0], 2))
    with pytest.raises(ValueError):
        xp.poly1d([[1, 2]])
    with pytest.raises(ValueError):
        p ** -1


@given(kind=st.sampled_from(["Polynomial", "Chebyshev"]), deg=st.integers(0, 6),
       seed=st.integers(0, 2**16))
def test_polynomial_classes_match_numpy(kind, deg, seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-2, 5, 40))
    y = np.exp(x / 3) + np.sin(2 * x) + rng.normal(0, 0.1, 40)
    ours = getattr(xp.polynomial, kind)
    theirs = getattr(np.polynomial, kind)
    with no_sync():
        p = ours.fit(xp.asarray(x), xp.asarray(y), deg)
        v = p(xp.asarray(x))
        dv = p.deriv()(xp.asarray(x))
        conv = p.convert()
    q = theirs.fit(x, y, deg)
    assert_close(p.domain, q.domain)
    assert_close(p.coef, q.coef, rtol=1e-7, atol=1e-9)
    assert_close(v, q(x), rtol=1e-9, atol=1e-9)
    assert_close(dv, q.deriv()(x), rtol=1e-7, atol=1e-8)
    assert_close(conv.coef, q.convert().coef, rtol=1e-6, atol=1e-6)
    # float32 data: fitted in float64 on the CPU, so NumPy's float64 fit within float32.
    p32 = ours.fit(xp.asarray(x.astype(np.float32)), xp.asarray(y.astype(np.float32)), deg)
    q32 = theirs.fit(x.astype(np.float32).astype(np.float64),
                     y.astype(np.float32).astype(np.float64), deg)
    assert_close(p32(xp.asarray(x.astype(np.float32))),
                 q32(x.astype(np.float32)).astype(np.float32), rtol=1e-4, atol=1e-4)


def test_polynomial_module_functions_and_arithmetic():
    P, C = xp.polynomial.Polynomial, xp.polynomial.Chebyshev
    NP_, NC = np.polynomial.Polynomial, np.polynomial.Chebyshev
    for ours, theirs in ((P([1.0, 2.0]) * P([0.0, 1.0, 3.0]), NP_([1.0, 2.0]) * NP_([0.0, 1, 3])),
                         (C([1.0, 2.0, 3.0]) * C([0.0, 1.0]), NC([1.0, 2, 3]) * NC([0.0, 1])),
                         (P([1.0, 2.0]) + 3, NP_([1.0, 2.0]) + 3),
                         (C([1.0, 2.0]) - C([0.5]), NC([1.0, 2.0]) - NC([0.5])),
                         (P([1.0, 1.0]) ** 3, NP_([1.0, 1.0]) ** 3)):
        np.testing.assert_allclose(np.asarray(ours.coef), theirs.coef, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(P([1.0, -3.0, 2.0]).roots()),
                               NP_([1.0, -3.0, 2.0]).roots(), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(C([1.0, -3.0, 2.0], domain=[0, 4]).roots()),
                               NC([1.0, -3.0, 2.0], domain=[0, 4]).roots(), rtol=1e-6)
    x = np.linspace(-1, 1, 7)
    c2 = np.array([[1.0, 2.0], [0.5, -1.0], [0.25, 3.0]])
    npp, npc = np.polynomial.polynomial, np.polynomial.chebyshev
    xpp, xpc = xp.polynomial.polynomial, xp.polynomial.chebyshev
    assert_close(xpp.polyval(xp.asarray(x), xp.asarray(c2)), npp.polyval(x, c2), rtol=1e-12)
    assert_close(xpc.chebval(xp.asarray(x), xp.asarray(c2)), npc.chebval(x, c2), rtol=1e-12)
    assert_close(xpp.polyvander(xp.asarray(x), 3), npp.polyvander(x, 3), rtol=1e-12)
    assert_close(xpc.chebvander(xp.asarray(x), 3), npc.chebvander(x, 3), rtol=1e-12)
    c4 = np.array([1.0, 2.0, 3.0, 4.0])
    for fn in ("chebder", "cheb2poly", "poly2cheb"):
        assert_close(getattr(xpc, fn)(xp.asarray(c4)), getattr(npc, fn)(c4), rtol=1e-12)
    y = np.cos(3 * x)
    assert_close(xpp.polyfit(xp.asarray(x), xp.asarray(y), [0, 2, 4]),
                 npp.polyfit(x, y, [0, 2, 4]), rtol=1e-9, atol=1e-12)
    xs, ys = P([1.0, 2.0], domain=[0, 2]).linspace(5)
    exs, eys = NP_([1.0, 2.0], domain=[0, 2]).linspace(5)
    assert_close(xs, exs.astype(np.float32))
    assert_close(ys, eys.astype(np.float32))
    assert str(P([1.0, 2.0])) == str(NP_(np.array([1.0, 2.0], dtype=np.float32)))
    with pytest.raises(TypeError):
        P([1.0]) + C([1.0])
    with pytest.raises(ValueError):
        P([1.0], domain=[0, 1, 2])


def test_tobytes_matches_numpy():
    a = np.arange(12, dtype=np.int16).reshape(3, 4)
    x = xp.asarray(a)
    for order in ("C", "F", "A", "K"):
        assert x.tobytes(order) == a.tobytes(order)
    assert xp.asarray(np.float64(2.5)).tobytes() == np.float64(2.5).tobytes()
    h = xp.asarray([1.0, -2.0], dtype=xp.bfloat16)
    assert h.tobytes() == np.array([0x3F80, 0xC000], dtype=np.uint16).tobytes()
    with pytest.raises(ValueError):
        x.tobytes("Z")


@given(case=small_arrays(("float32", "float64", "int32"), max_dims=2), data=st.data())
def test_piecewise_matches_numpy(case, data):
    name, a = case
    k = data.draw(st.integers(1, 3))
    conds = [a > t for t in (-5, 0, 5)[:k]]
    funcs = [lambda v: v * 2, 7, lambda v: -v][:k]
    if data.draw(st.booleans()):
        funcs = funcs + [lambda v: v + 1]
    with no_sync():
        got = xp.piecewise(xp.asarray(a), [xp.asarray(c) for c in conds], funcs)
    assert_array_equal(got, np.piecewise(a, conds, funcs))


def test_piecewise_single_condition_and_errors():
    x = np.linspace(-2.5, 2.5, 6, dtype=np.float32)
    assert_array_equal(xp.piecewise(xp.asarray(x), x < 0, [lambda v: v * 0 + 1, 7]),
                       np.piecewise(x, x < 0, [lambda v: v * 0 + 1, 7]))
    with pytest.raises(ValueError):
        xp.piecewise(xp.asarray(x), [x < 0], [1, 2, 3])
    with pytest.raises(TypeError):
        xp.piecewise(xp.asarray(x), [xp.asarray(x)], [1])


@pytest.mark.parametrize("n,m", [(6, 3), (300, 200)])  # shifted products; MLX's convolution
def test_convolve_inf_nan_as_numpy(n, m):
    rng = np.random.default_rng(n)
    for _ in range(10):
        a = rng.normal(size=n).astype(np.float32)
        v = rng.normal(size=m).astype(np.float32)
        for arr in (a, v):
            k = rng.integers(0, 3)
            arr[rng.integers(0, arr.size, k)] = rng.choice([np.inf, -np.inf, np.nan, 0.0], k)
        got = np.asarray(xp.convolve(xp.asarray(a), xp.asarray(v)))
        expected = np_call(np.convolve, a, v)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3, equal_nan=True)
    assert_array_equal(xp.convolve(xp.asarray([1.0, 2.0, 3.0, 4.0]), xp.asarray([np.inf, 1.0])),
                       np.array([np.inf, np.inf, np.inf, np.inf, 4.0], dtype=np.float32))


# --- NaN functions, windows, small helpers, histogram2d -----------------------------------

@given(case=small_arrays(("float32", "float64"), max_dims=2, lo=-5, hi=5), data=st.data())
def test_nanfunctions_match_numpy(case, data):
    name, a = case
    a = a.copy()
    mask = data.draw(hnp.arrays(bool, a.shape))
    a[mask] = np.nan
    axis = data.draw(st.sampled_from([None, *range(a.ndim)]))
    x = xp.asarray(a)
    with no_sync():
        got = {"nanprod": xp.nanprod(x, axis=axis), "nancumsum": xp.nancumsum(x, axis=axis),
               "nancumprod": xp.nancumprod(x, axis=axis),
               "nanquantile": xp.nanquantile(x, [0.25, 0.5], axis=axis),
               "nanpercentile": xp.nanpercentile(x, 90, axis=axis)}
    for fn, g in got.items():
        args = ([0.25, 0.5],) if fn == "nanquantile" else (90,) if fn == "nanpercentile" else ()
        e = np_call(getattr(np, fn), a, *args, axis=axis)
        assert_close(g, np.asarray(e).astype(a.dtype), rtol=1e-4 if name == "float32" else 1e-9,
                     atol=1e-4)
    for fn in ("nanargmax", "nanargmin"):
        g = np.asarray(getattr(xp, fn)(x, axis=axis))
        if a.size == 0:
            continue
        allnan = np.all(np.isnan(a), axis=axis)
        e = np.asarray(getattr(np, fn)(np.where(np.isnan(a), -np.inf if fn == "nanargmax"
                                                else np.inf, a), axis=axis))
        np.testing.assert_array_equal(g, np.where(allnan, -1, e))
        if not np.any(allnan):
            np.testing.assert_array_equal(g, np_call(getattr(np, fn), a, axis=axis))


def test_windows_and_helpers_match_numpy():
    for fn in ("bartlett", "blackman", "hamming", "hanning"):
        for m in (0, 1, 2, 7, 64):
            assert_close(getattr(xp, fn)(m), getattr(np, fn)(m).astype(np.float32), atol=1e-6)
        with pytest.raises(TypeError):
            getattr(xp, fn)(2.5)
    for fn, shape, arg in (("hsplit", (2, 6), 3), ("vsplit", (4, 2), [1, 3]),
                           ("dsplit", (1, 2, 4), 2), ("hsplit", (6,), [2])):
        a = np.arange(np.prod(shape), dtype=np.int32).reshape(shape)
        got, expected = getattr(xp, fn)(xp.asarray(a), arg), getattr(np, fn)(a, arg)
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_array_equal(g, e)
    with pytest.raises(ValueError):
        xp.vsplit(xp.ones(4), 2)
    with pytest.raises(ValueError):
        xp.hsplit(xp.ones((2, 5)), 2)
    x = np.array([1, 2, 3, 5], dtype=np.int32)
    for n, inc in ((None, False), (2, True), (0, False), (5, True)):
        assert_array_equal(xp.vander(xp.asarray(x), n, inc), np.vander(x, n, inc).astype(np.int32))
    assert_array_equal(xp.tri(3, 5, -1), np.tri(3, 5, -1).astype(np.float32))
    assert_array_equal(xp.tri(2, dtype=int), np.tri(2, dtype=int))
    z = np.array([1 + 1j, -1, 2j, -0.5 - 0.5j], dtype=np.complex64)
    assert_close(xp.angle(xp.asarray(z)), np.angle(z).astype(np.float32))
    assert_close(xp.angle(xp.asarray(z), deg=True), np.angle(z, deg=True).astype(np.float32),
                 rtol=1e-5)
    assert_close(xp.angle(xp.asarray([-2.0, 3.0])), np.angle([-2.0, 3.0]).astype(np.float32))
    f = np.array([np.inf, -np.inf, 1.0, np.nan, -0.0], dtype=np.float32)
    assert_array_equal(xp.isposinf(xp.asarray(f)), np.isposinf(f))
    assert_array_equal(xp.isneginf(xp.asarray(f)), np.isneginf(f))
    assert_array_equal(xp.iscomplex(xp.asarray(z)), np.iscomplex(z))
    assert_array_equal(xp.isreal(xp.asarray(z)), np.isreal(z))
    assert_array_equal(xp.isreal(xp.asarray(f)), np.isreal(f))
    assert xp.iscomplexobj(xp.asarray(z)) and xp.isrealobj(xp.asarray(f))
    assert xp.iscomplexobj(1j) and not xp.iscomplexobj([1.0])
    assert xp.isscalar(3.0) and xp.isscalar(np.float32(1)) and not xp.isscalar(xp.asarray(3.0))
    with pytest.raises(TypeError):
        xp.isposinf(xp.asarray(z))


@given(n=st.integers(2, 40), seed=st.integers(0, 2**16), period=st.sampled_from([None, 4.0]))
def test_unwrap_matches_numpy(n, seed, period):
    rng = np.random.default_rng(seed)
    p = (np.cumsum(rng.uniform(-2, 2, (3, n)), axis=1) % (2 * np.pi)).astype(np.float32)
    kw = {} if period is None else {"period": period}
    with no_sync():
        got = xp.unwrap(xp.asarray(p), **kw)
    assert_close(got, np.unwrap(p, **kw), rtol=1e-5, atol=2e-5)
    assert_close(xp.unwrap(xp.asarray(p), axis=0), np.unwrap(p, axis=0), rtol=1e-5, atol=2e-5)


@given(n=st.integers(1, 60), seed=st.integers(0, 2**16), density=st.booleans(),
       how=st.sampled_from(["int", "pair", "range", "edges"]))
def test_histogram2d_matches_numpy(n, seed, density, how):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n).astype(np.float32)
    y = rng.normal(size=n).astype(np.float32)
    w = rng.uniform(0, 2, n).astype(np.float32)
    kw = {"int": {"bins": 4}, "pair": {"bins": [3, 5]},
          "range": {"bins": 4, "range": [[-1, 1], [-2, 0.5]]},
          "edges": {"bins": [np.array([-3, -1, 0, 2], np.float32),
                             np.array([-1, 0, 1], np.float32)]}}[how]
    xkw = {k: ([xp.asarray(b) for b in v] if k == "bins" and how == "edges" else v)
           for k, v in kw.items()}
    with no_sync():
        h, ex, ey = xp.histogram2d(xp.asarray(x), xp.asarray(y), density=density,
                                   weights=xp.asarray(w), **xkw)
    eh, eex, eey = np_call(np.histogram2d, x, y, density=density, weights=w, **kw)
    assert_close(h, eh.astype(np.float32), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(ex), eex, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(ey), eey, rtol=1e-6, atol=1e-6)
    assert_close(xp.histogram_bin_edges(xp.asarray(x), 5), np.histogram_bin_edges(x, 5),
                 rtol=1e-6, atol=1e-6)


def test_histogram_rules_on_integers_and_half_floats():
    """Rule names on integers keep NumPy's integer bin widths; bfloat16 is readable."""
    a = np.array([0, 0, 0, 1, 2, 3, 3, 4, 5])
    assert_close(xp.histogram_bin_edges(xp.asarray(a), bins="auto", range=(0, 1)),
                 np.histogram_bin_edges(a, bins="auto", range=(0, 1)).astype(np.float32))
    rng = np.random.default_rng(1)
    for rule in ("auto", "fd", "sturges", "sqrt", "doane", "scott", "rice", "stone"):
        b = rng.integers(0, 50, 100).astype(np.int32)
        counts, edges = xp.histogram(xp.asarray(b), rule)
        e_counts, e_edges = np.histogram(b, rule)
        assert_array_equal(counts, e_counts.astype(np.int32))
        np.testing.assert_allclose(np.asarray(edges), e_edges, rtol=1e-6)
    h = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    counts, _ = xp.histogram(xp.asarray(h, dtype=xp.bfloat16), "auto")
    assert_array_equal(counts, np.histogram(h, "auto")[0].astype(np.int32))


# --- every dtype: a result or a clear error, never a raw MLX one ---------------------------

ALL_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
              "float16", "bfloat16", "float32", "float64", "complex64")

SWEEP = {
    "select": lambda x: xp.select([x == x], [x]),
    "choose": lambda x: xp.choose(xp.asarray([0, 1, 0]), [x, x]),
    "piecewise": lambda x: xp.piecewise(x, [x == x], [lambda v: v]),
    "digitize": lambda x: xp.digitize(x, [0, 1]),
    "partition": lambda x: xp.partition(x, 1),
    "argpartition": lambda x: xp.argpartition(x, 1),
    "lexsort": lambda x: xp.lexsort([x, x]),
    "gradient": lambda x: xp.gradient(x),
    "trapezoid": lambda x: xp.trapezoid(x),
    "convolve": lambda x: xp.convolve(x, x),
    "correlate": lambda x: xp.correlate(x, x, "same"),
    "cross": lambda x: xp.cross(x, x),
    "ediff1d": lambda x: xp.ediff1d(x),
    "delete": lambda x: xp.delete(x, 1),
    "insert": lambda x: xp.insert(x, 1, 0),
    "setdiff1d": lambda x: xp.setdiff1d(x, x[:1]),
    "intersect1d": lambda x: xp.intersect1d(x, x[:1]),
    "union1d": lambda x: xp.union1d(x, x),
    "setxor1d": lambda x: xp.setxor1d(x, x[:1]),
    "trim_zeros": lambda x: xp.trim_zeros(x),
    "unique": lambda x: xp.unique(xp.stack([x, x]), axis=0, return_counts=True),
    "meshgrid": lambda x: xp.meshgrid(x, x, sparse=True),
    "block": lambda x: xp.block([x, x]),
    "apply_along_axis": lambda x: xp.apply_along_axis(lambda r: r[::-1], 0, x),
    "packbits": lambda x: xp.packbits(x),
    "unpackbits": lambda x: xp.unpackbits(x),
    "sliding_window_view": lambda x: xp.lib.stride_tricks.sliding_window_view(x, 2),
    "polyfit": lambda x: xp.polyfit(x, x, 1),
    "polyval": lambda x: xp.polyval(x, x),
    "polyder": lambda x: xp.polyder(x),
    "polyint": lambda x: xp.polyint(x),
    "polymul": lambda x: xp.polymul(x, x),
    "polydiv": lambda x: xp.polydiv(x, x[:2]),
    "roots": lambda x: xp.roots(x),
    "nanargmax": lambda x: xp.nanargmax(x),
    "nanprod": lambda x: xp.nanprod(x),
    "nancumsum": lambda x: xp.nancumsum(x),
    "nanquantile": lambda x: xp.nanquantile(x, 0.5),
    "vander": lambda x: xp.vander(x),
    "angle": lambda x: xp.angle(x),
    "unwrap": lambda x: xp.unwrap(x),
    "isposinf": lambda x: xp.isposinf(x),
    "histogram2d": lambda x: xp.histogram2d(x, x, bins=2),
    "tobytes": lambda x: x.tobytes(),
}


@pytest.mark.parametrize("fn", sorted(SWEEP))
def test_every_dtype_gives_a_result_or_a_clear_error(fn):
    for name in ALL_DTYPES:
        x = xp.asarray(np.array([3, 0, 1]).astype(np.float32 if name == "bfloat16" else name),
                       dtype=getattr(xp, name))
        try:
            out = SWEEP[fn](x)
        except (TypeError, ValueError, IndexError) as exc:
            msg = str(exc)
            assert msg and not msg.startswith("["), (fn, name, msg)  # not MLX's raw text
            continue
        for o in out if isinstance(out, tuple) else (out,):
            if isinstance(o, xp.Array):
                xp.eval(o)  # computes without an error deferred to evaluation
