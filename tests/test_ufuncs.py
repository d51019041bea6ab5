"""NumPy's ufunc interface on the elementwise functions, NumPy as the oracle.

``reduce``/``accumulate``/``reduceat``/``outer``/``at`` and ``out=``/``where=``/``dtype=``
give NumPy's values and dtypes; the functions stay the standard's plain functions.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from helpers import assert_array_equal, assert_close
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from section_helpers import to_xp

import tmath_array as xp

INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
REDUCE_DTYPES = {
    "add": INTS + ("bool", "float32", "float64"),
    "multiply": INTS + ("bool", "float32", "float64"),
    "maximum": INTS + ("float32", "float64"),
    "minimum": INTS + ("float32", "float64"),
    "subtract": INTS + ("float32", "float64"),
    "logical_and": ("bool",),
    "logical_or": ("bool",),
    "logical_xor": ("bool",),
    "bitwise_and": INTS + ("bool",),
    "bitwise_or": INTS + ("bool",),
    "bitwise_xor": INTS + ("bool",),
}
NP_NAME = {"bitwise_invert": "invert", "pow": "power"}


def np_ufunc(name: str):
    return getattr(np, NP_NAME.get(name, name))


def values(name: str):
    if name == "bool":
        return st.booleans()
    if name in INTS:
        info = np.iinfo(name)
        return st.integers(max(int(info.min), -50), min(int(info.max), 50))
    return st.floats(-10, 10, width=32 if name == "float32" else 64) | st.sampled_from(
        [0.0, -0.0, float("nan"), float("inf")])


@st.composite
def case(draw, names, *, min_side=0):
    fname = draw(st.sampled_from(names))
    dname = draw(st.sampled_from(REDUCE_DTYPES[fname]))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=4))
    a = draw(hnp.arrays(np.dtype(dname), shape, elements=values(dname)))
    return fname, dname, a


def check(got, expected):
    """Values and dtype as NumPy's (floats within float32/float64 tolerance)."""
    expected = np.asarray(expected)
    if expected.dtype.kind == "f":
        assert_close(got, expected, rtol=1e-5 if expected.dtype == np.float32 else 1e-12,
                     atol=1e-5)
    else:
        assert_array_equal(got, expected)


def np_result(fn, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --- reduce ---------------------------------------------------------------------------

@given(case(sorted(REDUCE_DTYPES)), st.data())
def test_reduce_matches_numpy(c, data):
    fname, dname, a = c
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1)
                     | st.lists(st.integers(0, a.ndim - 1), unique=True, max_size=a.ndim)
                     .map(tuple), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    fn = getattr(xp, fname)
    try:
        expected = np_result(np_ufunc(fname).reduce, a, axis=axis, keepdims=keepdims)
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)):
            fn.reduce(to_xp(a, dname), axis=axis, keepdims=keepdims)
        return
    check(fn.reduce(to_xp(a, dname), axis=axis, keepdims=keepdims), expected)


@given(case(["add", "multiply", "maximum", "subtract", "bitwise_or"], min_side=1), st.data())
def test_reduce_initial_and_where(c, data):
    fname, dname, a = c
    initial = data.draw(st.integers(0, 5), label="initial")
    mask = data.draw(hnp.arrays(np.bool_, a.shape[-1:]), label="where")
    fn = getattr(xp, fname)
    kwargs = {"initial": initial, "where": mask}
    expected = np_result(np_ufunc(fname).reduce, a, axis=0, **kwargs)
    check(fn.reduce(to_xp(a, dname), axis=0, **kwargs), expected)


def test_reduce_examples():
    x = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    check(xp.add.reduce(xp.asarray(x), axis=0), np.add.reduce(x, axis=0))  # int64 as NumPy
    check(xp.add.reduce([1, 2, 3]), np.add.reduce([1, 2, 3]))
    check(xp.logical_and.reduce(xp.asarray([[True, False], [True, True]]), axis=1),
          np.logical_and.reduce(np.array([[True, False], [True, True]]), axis=1))
    check(xp.maximum.reduce(xp.asarray([1.0, np.nan, 3.0])), np.float32(np.nan))
    check(xp.add.reduce(xp.zeros((0, 3)), axis=0), np.zeros(3, np.float32))
    check(xp.multiply.reduce(xp.asarray(x), axis=None, dtype=xp.float64),
          np.multiply.reduce(x, axis=None, dtype=np.float64))
    out = xp.zeros(3, dtype=xp.int64)
    assert xp.add.reduce(xp.asarray(x), axis=0, out=out) is out
    check(out, np.add.reduce(x, axis=0))


def test_reduce_errors():
    with pytest.raises(ValueError, match="no identity"):
        xp.maximum.reduce(xp.zeros((0,)))
    with pytest.raises(ValueError, match="reorderable"):
        xp.subtract.reduce(xp.ones((2, 2)), axis=(0, 1))
    with pytest.raises(ValueError, match="binary"):
        xp.sin.reduce(xp.ones(3))
    with pytest.raises(IndexError):
        xp.add.reduce(xp.ones(3), axis=1)
    with pytest.raises(ValueError, match="initial"):
        xp.maximum.reduce(xp.ones(3), where=xp.asarray([True, False, True]))
    with pytest.raises(TypeError, match="axis"):
        xp.add.reduce(xp.ones(3), axis=0.5)
    with pytest.raises(TypeError, match="axis"):
        xp.add.accumulate(xp.ones(3), axis="0")
    check(xp.add.reduce(xp.ones((2, 3)), axis=np.int64(1)), np.full(2, 3.0, np.float32))
    check(xp.add.reduce(xp.ones((2, 3)), axis=[0, 1]), np.float32(6.0))


# --- accumulate -----------------------------------------------------------------------

@given(case(sorted(REDUCE_DTYPES)), st.data())
def test_accumulate_matches_numpy(c, data):
    fname, dname, a = c
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    fn = getattr(xp, fname)
    try:
        expected = np_result(np_ufunc(fname).accumulate, a, axis=axis)
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)):
            fn.accumulate(to_xp(a, dname), axis=axis)
        return
    check(fn.accumulate(to_xp(a, dname), axis=axis), expected)


def test_accumulate_examples():
    check(xp.add.accumulate([1, 2, 3]), np.add.accumulate([1, 2, 3]))
    check(xp.maximum.accumulate(xp.asarray([1.0, np.nan, 0.0, 5.0])),
          np.maximum.accumulate(np.array([1.0, np.nan, 0.0, 5.0], np.float32)))
    check(xp.divide.accumulate(xp.asarray([8.0, 2.0, 2.0])),
          np.divide.accumulate(np.array([8.0, 2.0, 2.0], np.float32)))
    with pytest.raises(TypeError):
        xp.add.accumulate(xp.asarray(1.0))


# --- outer --------------------------------------------------------------------------------

@given(st.sampled_from(["add", "multiply", "subtract", "maximum", "less", "pow"]),
       hnp.arrays(np.int32, hnp.array_shapes(max_dims=2, max_side=4), elements=st.integers(-9, 9)),
       hnp.arrays(np.int32, hnp.array_shapes(max_dims=2, max_side=4), elements=st.integers(0, 3)))
def test_outer_matches_numpy(fname, a, b):
    check(getattr(xp, fname).outer(xp.asarray(a), xp.asarray(b)), np_ufunc(fname).outer(a, b))


# --- at -------------------------------------------------------------------------------------

@given(st.sampled_from(["add", "subtract", "multiply", "maximum", "minimum", "pow",
                        "bitwise_or", "floor_divide"]),
       hnp.arrays(np.int32, st.integers(1, 6), elements=st.integers(1, 5)),
       st.lists(st.integers(-6, 5), min_size=0, max_size=8), st.integers(1, 3))
def test_at_accumulates_repeated_indices(fname, a, idx, b):
    idx = [i % a.size for i in idx]
    x = xp.asarray(a)
    getattr(xp, fname).at(x, idx, b)
    expected = a.copy()
    np_ufunc(fname).at(expected, idx, b)
    check(x, expected)


def test_at_examples():
    x = xp.zeros(5)
    xp.add.at(x, [0, 0, 1, 4, 4, 4], 1.0)
    check(x, np.array([2, 1, 0, 0, 3], np.float32))
    y = xp.asarray([0.0, 1.0, 2.0])
    xp.negative.at(y, [0, 0, 1])  # unary: applied twice at 0
    check(y, np.array([0.0, -1.0, 2.0], np.float32))
    m = xp.asarray(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    xp.add.at(m, (xp.asarray([0, 0]), slice(None)), xp.asarray([1.0, 2.0, 3.0]))
    e = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    np.add.at(e, (np.array([0, 0]), slice(None)), np.array([1.0, 2.0, 3.0], np.float32))
    check(m, e)
    k = xp.asarray([1.0, 2.0, 3.0])
    xp.pow.at(k, xp.asarray([True, False, True]), 2.0)
    check(k, np.array([1.0, 2.0, 9.0], np.float32))
    with pytest.raises(TypeError, match="in place"):
        xp.add.at(np.zeros(3), [0], 1)
    with pytest.raises(TypeError, match="same_kind"):
        xp.add.at(xp.zeros(3, dtype=xp.int32), [0], 1.5)


# --- reduceat -------------------------------------------------------------------------------

@given(st.sampled_from(["add", "multiply", "maximum", "bitwise_or"]),
       hnp.arrays(np.int16, st.tuples(st.integers(1, 6), st.integers(1, 3)),
                  elements=st.integers(-5, 5)),
       st.lists(st.integers(0, 5), min_size=1, max_size=6), st.sampled_from([0, 1, -1]))
def test_reduceat_matches_numpy(fname, a, idx, axis):
    n = a.shape[axis]
    idx = [i % n for i in idx]
    check(getattr(xp, fname).reduceat(xp.asarray(a), idx, axis=axis),
          np_ufunc(fname).reduceat(a, idx, axis=axis))


# --- out=, where=, dtype= -------------------------------------------------------------------

def test_out_positional_writes_into_the_array():
    z = xp.asarray([1.0 + 1j, -2.0 + 0j])
    alias = z
    r = xp.multiply(z, z, z)  # np.multiply(z, z, z)
    assert r is z and alias is z
    check(z, np.array([1 + 1j, -2 + 0j], np.complex64) ** 2)
    y = xp.zeros(2, dtype=xp.float64)
    xp.sin(xp.asarray([0.0, 1.0]), out=y)
    check(y, np.sin(np.array([0.0, 1.0], np.float32)).astype(np.float64))
    w = xp.zeros((2, 2))
    xp.add(xp.asarray(1.0), 2.0, out=(w,))
    check(w, np.full((2, 2), 3.0, np.float32))
    v = xp.zeros(3)
    xp.add(1.0, [1.0, 2.0, 3.0], out=v)  # array-likes, written into v
    check(v, np.array([2.0, 3.0, 4.0], np.float32))
    xp.multiply(2.0, 3.0, out=w)  # two Python scalars
    check(w, np.full((2, 2), 6.0, np.float32))


def test_where_keeps_out_elsewhere():
    a = np.array([1.0, 2.0, 0.0, 4.0], np.float32)
    b = np.array([0.0, 2.0, 0.0, 2.0], np.float32)
    out = np.zeros(4, np.float32)
    np.divide(a, b, out=out, where=b != 0)
    o = xp.zeros(4)
    xb = xp.asarray(b)
    xp.divide(xp.asarray(a), xb, out=o, where=xb != 0)
    check(o, out)
    # Without out=, NumPy leaves the unselected elements uninitialised; here they are 0.
    check(xp.add(xp.asarray(a), 1.0, where=xp.asarray([True, False, True, False])),
          np.array([2.0, 0.0, 1.0, 0.0], np.float32))


def test_dtype_argument():
    i = np.array([1, 2, 3], np.int8)
    check(xp.add(xp.asarray(i), xp.asarray(i), dtype=xp.float32),
          np.add(i, i, dtype=np.float32))
    check(xp.add(xp.asarray(i), 1, dtype=np.int16), np.add(i, 1, dtype=np.int16))
    with pytest.raises(TypeError):
        xp.less(xp.asarray(i), 2, dtype=xp.float64)


def test_out_errors():
    x = xp.ones(3)
    with pytest.raises(TypeError, match="Array"):
        xp.add(x, x, out=np.zeros(3))
    with pytest.raises(TypeError, match="same_kind"):
        xp.add(x, x, out=xp.zeros(3, dtype=xp.int32))
    with pytest.raises(ValueError, match="broadcast"):
        xp.add(x, x, out=xp.zeros(2))
    with pytest.raises(TypeError, match="boolean"):
        xp.add(x, x, where=xp.ones(3))


# --- the functions stay plain, standard functions -------------------------------------------

@pytest.mark.parametrize("name", ["add", "subtract", "maximum", "logical_and", "sin",
                                  "negative", "isnan", "pow", "hypot"])
def test_attributes_as_numpy(name):
    fn, ref = getattr(xp, name), np_ufunc(name)
    assert (fn.nin, fn.nout, fn.__name__) == (ref.nin, ref.nout, name)
    if ref.identity is not None or fn.identity is not None:
        assert fn.identity == ref.identity
    params = list(inspect.signature(fn).parameters.values())
    assert [p.kind for p in params[:fn.nin]] == [inspect.Parameter.POSITIONAL_ONLY] * fn.nin
    assert [p.name for p in params[fn.nin:]] == ["out", "where", "dtype"]
    assert inspect.isfunction(fn) and callable(fn.reduce) and callable(fn.outer)


def test_identity_of_bitwise_and_reduces_empty():
    check(xp.bitwise_and.reduce(xp.zeros((0,), dtype=xp.uint8)),
          np.bitwise_and.reduce(np.zeros((0,), np.uint8)))
