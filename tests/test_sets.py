"""Set functions against NumPy: unique_all/counts/inverse/values and isin."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_array_equal, to_numpy
from hypothesis import given
from hypothesis import strategies as st
from section_helpers import ALL_NAMES, REAL_NAMES, arrays, to_xp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy

UNIQUE_NAMES = tuple(n for n in ALL_NAMES if n != "complex64")


def _np_unique(a: np.ndarray):
    """NumPy's answer: sorted values (each NaN distinct), first indices, inverse, counts."""
    return np.unique(a.reshape(-1), return_index=True, return_inverse=True, return_counts=True,
                     equal_nan=False)


@given(case=arrays(UNIQUE_NAMES, max_dims=3, max_side=6))
def test_unique_all(case):
    name, a = case
    x = to_xp(a, name)
    _lazy.reset()
    out = xp.unique_all(x)
    assert _lazy.counts() == ({} if a.size == 0 else {"data-dependent": 1})
    values, index, inverse, counts = _np_unique(a)
    assert_array_equal(out.values, values, dtype=name)
    assert_array_equal(out.indices, index.astype(np.int32), dtype="int32")
    assert_array_equal(out.inverse_indices, inverse.reshape(a.shape).astype(np.int32),
                       dtype="int32")
    assert_array_equal(out.counts, counts.astype(np.int32), dtype="int32")
    # Of -0.0 and 0.0, the value returned is the first to occur.
    if a.dtype.kind == "f":
        got = to_numpy(out.values)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(a.reshape(-1)[index]))


@given(case=arrays(UNIQUE_NAMES, max_dims=3, max_side=6),
       fn=st.sampled_from(["unique_counts", "unique_inverse", "unique_values"]))
def test_unique_counts_inverse_values(case, fn):
    name, a = case
    x = to_xp(a, name)
    _lazy.reset()
    out = getattr(xp, fn)(x)
    assert _lazy.counts() == ({} if a.size == 0 else {"data-dependent": 1})
    values, _, inverse, counts = _np_unique(a)
    if fn == "unique_values":
        assert_array_equal(out, values, dtype=name)
        return
    assert_array_equal(out.values, values, dtype=name)
    if fn == "unique_counts":
        assert out._fields == ("values", "counts")
        assert_array_equal(out.counts, counts.astype(np.int32), dtype="int32")
    else:
        assert out._fields == ("values", "inverse_indices")
        assert_array_equal(out.inverse_indices, inverse.reshape(a.shape).astype(np.int32),
                           dtype="int32")


@given(case=arrays(("complex64",), max_dims=2, max_side=6))
def test_unique_all_complex(case):
    """Complex values: each with a NaN part is distinct; the others are counted once each."""
    _, a = case
    out = xp.unique_all(to_xp(a, "complex64"))
    values = to_numpy(out.values)
    flat = a.reshape(-1)
    index = to_numpy(out.indices)
    counts = to_numpy(out.counts)
    inverse = to_numpy(out.inverse_indices)
    has_nan = np.isnan(values)
    assert has_nan.sum() == np.isnan(flat).sum()
    assert (counts[has_nan] == 1).all()
    clean = values[~has_nan]
    assert len(set(clean.tolist())) == len(clean)
    for v, i, c in zip(values, index, counts):
        if np.isnan(v):
            assert np.isnan(flat[i])
            continue
        assert c == (flat == v).sum()
        assert i == np.flatnonzero(flat == v)[0]
    rebuilt = values[inverse]
    np.testing.assert_array_equal(rebuilt, a)


def test_unique_nan_and_signed_zero():
    a = np.array([2.0, np.nan, -0.0, 1.0, 0.0, np.nan, 2.0, -0.0], dtype=np.float32)
    out = xp.unique_all(xp.asarray(a))
    v = to_numpy(out.values)
    np.testing.assert_array_equal(v, [-0.0, 1.0, 2.0, np.nan, np.nan])
    assert np.signbit(v[0])  # -0.0 occurs first
    assert to_numpy(out.counts).tolist() == [3, 1, 2, 1, 1]
    assert to_numpy(out.indices).tolist() == [2, 3, 0, 1, 5]
    assert to_numpy(out.inverse_indices).tolist() == [2, 3, 0, 1, 0, 4, 2, 0]


def test_unique_results_are_lazy():
    x = xp.asarray([[3, 1], [3, 2]])
    vals, inv = xp.unique_inverse(x)
    assert _lazy.counts() == {"data-dependent": 1}
    doubled = vals * 2
    shifted = inv + 1
    assert _lazy.counts() == {"data-dependent": 1}
    assert doubled.tolist() == [2, 4, 6]
    assert shifted.tolist() == [[3, 1], [3, 2]]


def test_unique_errors():
    with pytest.raises(TypeError):
        xp.unique_values({"not": "data"})
    with pytest.raises(TypeError):
        xp.unique_all(None)
    assert _lazy.counts() == {}


@st.composite
def isin_case(draw):
    name, a = draw(arrays(REAL_NAMES + ("bool",), max_dims=2, max_side=5))
    _, b = draw(arrays((name,), max_dims=2, max_side=5))
    return name, a, b


@given(case=isin_case(), invert=st.booleans())
def test_isin(case, invert):
    name, a, b = case
    x1, x2 = to_xp(a, name), to_xp(b, name)
    _lazy.reset()
    got = xp.isin(x1, x2, invert=invert)
    assert _lazy.counts() == {}  # lazy: no data-dependent shape here
    # NumPy, as the standard, says NaN is in nothing and -0.0 equals 0.0.
    expected = np.isin(a, b, invert=invert)
    assert_array_equal(got, expected, dtype="bool")


@given(case=arrays(("int8", "int32", "uint16", "int64"), max_dims=2, max_side=5),
       value=st.integers(-3, 3), invert=st.booleans())
def test_isin_python_scalars(case, value, invert):
    name, a = case
    if name.startswith("u"):
        value = abs(value)
    x = to_xp(a, name)
    assert_array_equal(xp.isin(x, value, invert=invert), np.isin(a, value, invert=invert))
    got = xp.isin(value, x, invert=invert)
    assert got.shape == ()
    assert bool(got) == bool(np.isin(value, a, invert=invert))


def test_isin_mixed_dtypes_promote():
    x1 = xp.asarray([1, 2, 300], dtype=xp.int16)
    x2 = xp.asarray([2, 44], dtype=xp.uint8)
    assert xp.isin(x1, x2).tolist() == [False, True, False]
    assert xp.isin(x1, xp.asarray([2.5, 300.0])).tolist() == [False, False, True]


def test_isin_errors():
    with pytest.raises(TypeError):
        xp.isin(xp.asarray([1j]), xp.asarray([1j]))
    with pytest.raises(TypeError):
        xp.isin(1, 2)
    with pytest.raises(TypeError):
        xp.isin(xp.asarray([1]), xp.asarray([1]), invert=1)
    with pytest.raises(OverflowError):
        xp.isin(xp.asarray([1], dtype=xp.int8), 1000)
