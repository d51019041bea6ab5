"""Indexing with Python lists, nested lists and NumPy arrays, as NumPy does (the oracle);
``x.repeat`` and ``x.put``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tmath_array as xp


def _same(a, b) -> None:
    got = np.asarray(a)
    assert got.shape == np.shape(b)
    np.testing.assert_array_equal(got, b)


@st.composite
def _list_key(draw, shape):
    """A key with at least one list (or NumPy array) for an array of ``shape``."""
    key = []
    for n in shape:
        kind = draw(st.sampled_from(["list", "nested", "bool", "slice", "int", "numpy"]))
        if kind == "slice" or n == 0:
            key.append(slice(None, None, draw(st.sampled_from([1, -1, 2]))))
        elif kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "bool":
            key.append(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        else:
            idx = draw(st.lists(st.integers(-n, n - 1), min_size=0, max_size=4))
            if kind == "nested" and len(idx) % 2 == 0 and idx:
                idx = [idx[: len(idx) // 2], idx[len(idx) // 2:]]
            key.append(np.array(idx, dtype=np.int64) if kind == "numpy" else idx)
    if not any(isinstance(k, (list, np.ndarray)) for k in key):
        key[0] = [0] if shape[0] else []
    return tuple(key)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_list_keys_read_and_write_as_numpy(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    a = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    x = xp.asarray(a)
    key = data.draw(_list_key(shape))
    try:
        want = a[key]
    except IndexError:
        with pytest.raises(IndexError):
            x[key]
        return
    _same(x[key], want)
    if len(key) == 1:
        _same(x[key[0]], a[key[0]])  # the list alone, not in a tuple
    before = xp.sync_stats()
    x[key] = -7
    a[key] = -7
    _same(x, a)
    assert (xp.sync_stats() - before).total == 1  # the comparison's own conversion


def test_out_of_range_list_raises_index_error():
    x = xp.arange(5)
    with pytest.raises(IndexError):
        x[[0, 5]]
    with pytest.raises(IndexError):
        x[[-6]] = 1
    with pytest.raises(IndexError):
        x[[1.5]]
    with pytest.raises(IndexError):
        x[[True, False]]  # a mask of the wrong length


def test_advanced_results_are_copies():
    a = np.arange(6)
    x = xp.asarray(a)
    y = x[[1, 2]]
    y += 10
    _same(x, a)


@pytest.mark.parametrize("repeats,axis", [(2, None), (3, 0), ([1, 2], 0), ([0, 1, 2], 1),
                                          (np.array([2, 1]), 0)])
def test_repeat_method(repeats, axis):
    a = np.arange(6).reshape(2, 3)
    if axis == 1:
        a = np.arange(6).reshape(2, 3)
    _same(xp.asarray(a).repeat(repeats, axis=axis), a.repeat(repeats, axis=axis))


@pytest.mark.parametrize("indices,values,mode", [
    ([0, 2], [9, 8], "raise"), ([1, -1], 5, "raise"), ([0, 1, 2, 3], [1, 2], "raise"),
    ([7, -9], [3, 4], "wrap"), ([10, -10], [3, 4], "clip"), (np.array([5]), [6], "raise"),
])
def test_put_method(indices, values, mode):
    a = np.arange(6).reshape(2, 3)
    x = xp.asarray(a)
    x.put(indices, values, mode=mode)
    a.put(indices, values, mode=mode)
    _same(x, a)


def test_put_errors():
    x = xp.arange(4)
    with pytest.raises(IndexError):
        x.put([4], 1)
    with pytest.raises(ValueError):
        x.put([0], 1, mode="nope")
