"""The Array object: attributes, conversion to Python scalars, indexing, containers,
printing and interop (its operators are in test_array_operators.py)."""

from __future__ import annotations

import operator
import sys

import mlx.core as mx
import numpy as np
import pytest
from helpers import assert_array_equal, elements, xp_dtype
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy

CPU = xp.__array_namespace_info__().default_device()


# --- attributes -------------------------------------------------------------------

def test_attributes():
    x = xp.zeros((2, 3, 4), dtype=xp.int16)
    assert x.dtype == xp.int16
    assert x.device == CPU
    assert isinstance(x.shape, tuple) and x.shape == (2, 3, 4)
    assert (x.ndim, x.size) == (3, 24)
    assert xp.asarray(1.0).shape == ()
    assert xp.asarray(1.0).size == 1


def test_transposes():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert_array_equal(xp.asarray(a).T, a.T)
    for other in (np.ones(3), np.arange(24.0).reshape(2, 3, 4), np.asarray(1.0)):
        assert_array_equal(xp.asarray(other).T, other.T)  # NumPy reverses any number of axes
    b = np.arange(24).reshape(2, 3, 4)
    assert_array_equal(xp.asarray(b).mT, np.swapaxes(b, -1, -2))
    with pytest.raises(ValueError):
        xp.ones(3).mT  # noqa: B018


def test_array_constructor_is_not_public():
    with pytest.raises(TypeError):
        xp.Array([1, 2])


# --- conversion to Python scalars ---------------------------------------------------

def test_python_scalar_conversions():
    assert bool(xp.asarray(True)) is True
    assert bool(xp.asarray(0.0)) is False
    assert int(xp.asarray(-3.7)) == -3
    assert int(xp.asarray(7, dtype=xp.uint64)) == 7
    assert float(xp.asarray(2, dtype=xp.int8)) == 2.0
    assert float(xp.asarray(0.1, dtype=xp.float64)) == 0.1
    assert complex(xp.asarray(1 + 2j)) == 1 + 2j
    assert complex(xp.asarray(1.5)) == 1.5 + 0j
    assert operator.index(xp.asarray(3, dtype=xp.int16)) == 3
    assert [10, 20, 30][xp.asarray(1)] == 20


def test_python_scalar_conversion_special_values():
    assert bool(xp.asarray(float("nan"))) is True
    assert bool(xp.asarray(-0.0)) is False
    with pytest.raises(ValueError):
        int(xp.asarray(float("nan")))
    with pytest.raises(OverflowError):
        int(xp.asarray(float("inf")))
    assert float(xp.asarray(float("-inf"))) == float("-inf")


def test_python_scalar_conversion_errors():
    many = xp.asarray([1, 2])
    for f in (int, float, complex, operator.index):
        with pytest.raises(TypeError):
            f(many)
    with pytest.raises(ValueError):
        bool(many)
    with pytest.raises(TypeError):
        operator.index(xp.asarray(1.0))
    with pytest.raises(TypeError):
        operator.index(xp.asarray(True))
    with pytest.raises(TypeError):
        float(xp.asarray(1 + 1j))
    with pytest.raises(TypeError):
        int(xp.asarray(1 + 1j))


def test_conversions_count_sync_points():
    x = xp.asarray(2.5) * 2
    assert _lazy.counts() == {}
    assert float(x) == 5.0
    assert _lazy.counts() == {"conversion": 1}
    int(x), bool(x), complex(x)
    assert _lazy.counts()["conversion"] == 4
    xp.asarray([1, 2]).tolist()
    assert _lazy.counts()["conversion"] == 5


# --- __getitem__ --------------------------------------------------------------------

@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
def test_getitem_basic_indices(data, shape):
    a = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    assert_array_equal(xp.asarray(a)[key], a[key])


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
def test_getitem_integer_array(data, shape):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    axis = data.draw(st.integers(0, len(shape) - 1))
    n = shape[axis]
    idx = data.draw(hnp.arrays(np.int32, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0,
                                                          max_side=4),
                               elements=st.integers(-n, n - 1)))
    key = (slice(None),) * axis + (idx,)
    assert_array_equal(xp.asarray(a)[key[:-1] + (xp.asarray(idx),)], a[key])
    if axis == 0:
        assert_array_equal(xp.asarray(a)[xp.asarray(idx)], a[idx])


def small_slices(n: int):
    """Slices with bounds near the axis (huge bounds: test_getitem_huge_slice_bounds)."""
    bound = st.none() | st.integers(-2 * n - 2, 2 * n + 2)
    step = st.none() | st.integers(-n - 2, n + 2).filter(bool)
    return st.builds(slice, bound, bound, step)


@st.composite
def mixed_index(draw, shape):
    """A key mixing integer arrays (one common shape) with ints, slices and None."""
    index_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    n_axes = draw(st.integers(1, len(shape)))
    key = []
    for n in shape[:n_axes]:
        kinds = ["slice", "int", "array"] if n else ["slice"]
        kind = draw(st.sampled_from(kinds))
        if kind == "slice":
            key.append(draw(small_slices(n)))
        elif kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        else:
            key.append(draw(hnp.arrays(st.sampled_from([np.int32, np.int64, np.int8]),
                                       index_shape, elements=st.integers(-n, n - 1))))
    if not any(isinstance(k, np.ndarray) for k in key):
        key[0] = np.zeros(index_shape, dtype=np.int64)
        assume(shape[0] > 0)
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    return tuple(key)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
def test_getitem_mixed_integer_arrays(data, shape):
    a = np.arange(int(np.prod(shape)), dtype=np.int16).reshape(shape)
    key = data.draw(mixed_index(shape))
    xkey = tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)
    assert_array_equal(xp.asarray(a)[xkey], a[key])


def test_getitem_integer_array_out_of_range_is_clamped():
    """Out-of-range integer-array indices are clamped (documented, keeps indexing lazy)."""
    x = xp.arange(5)
    assert x[xp.asarray([7])].tolist() == [4]
    assert x[xp.asarray([-7])].tolist() == [0]  # counts from the end, then clamps
    assert x[xp.asarray([-1, 5, 100, -100])].tolist() == [4, 4, 4, 0]
    assert xp.arange(5, dtype=xp.int8)[xp.asarray([200], dtype=xp.uint8)].tolist() == [4]


@pytest.mark.parametrize("key", [
    slice(None, 2**40), slice(None, sys.maxsize), slice(-(2**40), None), slice(2**31, None),
    slice(None, None, 2**31), slice(None, None, -(2**31)), slice(None, None, -(2**40)),
], ids=str)
def test_getitem_huge_slice_bounds(key):
    a = np.arange(5, dtype=np.int32)
    assert_array_equal(xp.asarray(a)[key], a[key])


def test_getitem_zero_dimensional_array_as_slice_bound():
    """Accepted as NumPy does; reading its value is a counted conversion."""
    x = xp.arange(6)
    assert x[xp.asarray(1):xp.asarray(5, dtype=xp.uint8):xp.asarray(2)].tolist() == [1, 3]
    assert _lazy.counts() == {"conversion": 4}
    with pytest.raises(IndexError):
        x[:xp.asarray(1.0)]
    with pytest.raises(IndexError):
        x[:xp.asarray([1])]


def test_getitem_errors():
    x = xp.reshape(xp.arange(12), (3, 4))
    with pytest.raises(IndexError):
        x[3]
    with pytest.raises(IndexError):
        x[-4]
    with pytest.raises(IndexError):
        x[0, 4]
    with pytest.raises(IndexError):
        xp.asarray(1.0)[0]
    with pytest.raises(ValueError):
        x[::0]  # raw MLX dies of SIGFPE on this
    with pytest.raises(ValueError):
        x[:, 1:3:0]
    with pytest.raises(IndexError):
        x[0, 0, 0]
    with pytest.raises(IndexError):
        x[..., 0, ...]
    with pytest.raises(IndexError):
        x[xp.asarray([0.0])]
    with pytest.raises(IndexError):
        x["a"]


# --- __setitem__ --------------------------------------------------------------------

@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
       name=st.sampled_from(["int32", "float32", "uint8", "bool"]))
def test_setitem_basic(data, shape, name):
    a = np.zeros(shape, dtype=name)
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    target = a[key].shape
    if data.draw(st.booleans()):
        value = data.draw(elements(name, -100, 100))
        xvalue = value
    else:
        vshape = target[data.draw(st.integers(0, len(target))):]
        value = data.draw(hnp.arrays(np.dtype(name), vshape, elements=elements(name, -100, 100)))
        xvalue = xp.asarray(value)
    x = xp.asarray(a)
    x[key] = xvalue
    a[key] = value
    assert_array_equal(x, a)


@given(data=st.data(), n=st.integers(1, 6))
def test_setitem_integer_array(data, n):
    a = np.arange(n * 3, dtype=np.int32).reshape(n, 3)
    idx = np.array(data.draw(st.lists(st.integers(-n, n - 1), unique_by=lambda i: i % n,
                                      max_size=n)), dtype=np.int64)
    value = np.arange(len(idx) * 3, dtype=np.int32).reshape(len(idx), 3) + 100
    x = xp.asarray(a)
    x[xp.asarray(idx)] = xp.asarray(value)
    a[idx] = value
    assert_array_equal(x, a)
    x[xp.asarray(idx), 1] = -5
    a[idx, 1] = -5
    assert_array_equal(x, a)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
def test_setitem_mixed_integer_arrays(data, shape):
    """Integer arrays with ints, slices and None (MLX's own scatter misplaces None's axis)."""
    a = np.arange(int(np.prod(shape)), dtype=np.int16).reshape(shape)
    key = data.draw(mixed_index(shape))
    pos = np.arange(a.size).reshape(shape)[key]
    assume(len(np.unique(pos)) == pos.size)  # duplicates: which write wins is unspecified
    value = -1 - np.arange(pos.size, dtype=np.int16).reshape(pos.shape)
    x = xp.asarray(a)
    x[tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)] = xp.asarray(value)
    a[key] = value
    assert_array_equal(x, a)


@pytest.mark.parametrize("key", [
    (np.array([0]), slice(0, 2), None), (np.array([1, 2]), slice(None), None, 0),
    (None, np.array([[0], [3]]), slice(1, None), None), (np.array([2]), None, 1),
    (0, slice(None), np.array([0, 1])), (np.array([1, 3]), Ellipsis, -1),
    (1, slice(0, 2), np.array(0)),
], ids=str)
def test_setitem_integer_arrays_mlx_misplaces(key):
    """Keys on which MLX's own scatter misplaces axes (None, or a slice between the
    integer indices)."""
    a = np.arange(24, dtype=np.int32).reshape(4, 3, 2)
    value = -1 - np.arange(a[key].size, dtype=np.int32).reshape(a[key].shape)
    x = xp.asarray(a)
    x[tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)] = xp.asarray(value)
    a[key] = value
    assert_array_equal(x, a)


@pytest.mark.parametrize("key", [
    (slice(None), np.array([0, 2]), Ellipsis, -1), (slice(None), 0, Ellipsis, np.array([1, 0])),
    (slice(0, 0), np.array([True, False, True]), Ellipsis, 1),
    (slice(None), np.array([True, False, True]), Ellipsis, np.array([1])),
    (None, np.array([1]), slice(None), Ellipsis, None, np.array([0])),
    (slice(1, 3), True, slice(None), Ellipsis, np.array([1])),
], ids=str)
def test_empty_ellipsis_separates_advanced_indices(key):
    """An ``...`` that stands for no axis still separates advanced indices, so their axes go
    first, as in NumPy (MLX drops it and kept them in place; found by tests/test_soak.py)."""
    a = np.arange(24, dtype=np.int32).reshape(4, 3, 2)
    xkey = tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)
    assert_array_equal(xp.asarray(a)[xkey], a[key])
    value = -1 - np.arange(a[key].size, dtype=np.int32).reshape(a[key].shape)
    x = xp.asarray(a)
    x[xkey] = xp.asarray(value)
    a[key] = value
    assert_array_equal(x, a)


def test_setitem_on_a_filled_array():
    x = xp.full((3,), 1)
    x[0] = 5
    assert x.tolist() == [5, 1, 1]
    y = xp.zeros((2, 2))
    y[1] = xp.asarray([1.0, 2.0])
    assert y.tolist() == [[0.0, 0.0], [1.0, 2.0]]


def test_setitem_errors():
    x = xp.asarray([1, 2, 3], dtype=xp.int32)
    with pytest.raises(TypeError):
        x[0] = 1.5
    with pytest.raises(TypeError):
        x[0] = xp.asarray(1.5)
    with pytest.raises(TypeError):
        x[0] = "a"
    with pytest.raises(OverflowError):
        xp.asarray([1], dtype=xp.int8)[0] = 300
    with pytest.raises(IndexError):
        x[3] = 0
    with pytest.raises(ValueError):
        x[::0] = 0
    assert x.tolist() == [1, 2, 3]


def _keys(key):
    """The same key for NumPy and tmath_array (lists become integer or boolean arrays)."""
    parts = key if isinstance(key, tuple) else (key,)
    np_key = tuple(np.array(k) if isinstance(k, list) else k for k in parts)
    xp_key = tuple(xp.asarray(k) if isinstance(k, list) else k for k in parts)
    return np_key, xp_key


# (found by tools/fuzz: values that do not fit the selection raised MLX's own
# "[broadcast_shapes] ..." or "Cannot broadcast array of shape (1,1,3) into shape (1,3)",
# the latter also for values NumPy accepts: leading ones are dropped)
@pytest.mark.parametrize("key, vshape", [
    (0, (1, 3)), (0, (1, 1, 3)), (0, (2, 3)), (0, (4,)), (slice(0, 2), (1, 2, 3)),
    ([0, 1], (1, 2, 3)), ([0, 1], (2, 2, 3)), ((slice(None), [0, 1]), (3,)),
    ((slice(None), [0, 1]), (4, 1)), ([True, False, True, True], (3, 3)),
    ([True, False, True, True], (1, 3)), ([True, False, True, True], (5,)),
    ((0, [0, 2]), (2,)), ((0, [0, 2]), (3,)), ((None, 0, [0, 2]), (1, 2)),
])
def test_setitem_value_shapes_follow_numpy(key, vshape):
    np_key, xp_key = _keys(key)
    a = np.zeros((4, 3), dtype=np.float32)
    v = np.arange(1, np.prod(vshape) + 1, dtype=np.float32).reshape(vshape)
    x = xp.asarray(a)
    try:
        a[np_key] = v
    except ValueError:
        with pytest.raises(ValueError, match="cannot assign a value of shape"):
            x[xp_key] = xp.asarray(v)
        assert not np.asarray(x).any()
        return
    x[xp_key] = xp.asarray(v)
    assert_array_equal(x, a)


@pytest.mark.parametrize("key", [([0, 1], [0, 1, 2]), (False, [0, 1]),
                                 ([True, False, True, True], [0, 1])])
def test_index_arrays_that_do_not_broadcast(key):
    # (found by tools/fuzz: MLX's own "[broadcast_shapes] ..." ValueError leaked out)
    _, xp_key = _keys(key)
    x = xp.zeros((4, 3))
    with pytest.raises(IndexError, match="indexing arrays could not be broadcast"):
        x[xp_key]
    with pytest.raises(IndexError, match="indexing arrays could not be broadcast"):
        x[xp_key] = 1.0


def test_setitem_integer_array_out_of_range_is_clamped():
    """Like reads, writes through out-of-range integer-array indices land on the clamped
    element (never outside the array)."""
    x = xp.zeros(5, dtype=xp.int32)
    x[xp.asarray([10**8])] = 7
    x[xp.asarray([-(10**8)])] = 3
    assert x.tolist() == [3, 0, 0, 0, 7]
    y = xp.zeros((2, 3), dtype=xp.int32)
    y[xp.asarray([5]), xp.asarray([2**63 + 1], dtype=xp.uint64)] = 1
    assert y.tolist() == [[0, 0, 0], [0, 0, 1]]
    assert _lazy.counts() == {"conversion": 2}


# --- boolean masks ----------------------------------------------------------------

def data_dependent_syncs() -> int:
    return _lazy.counts().get("data-dependent", 0)


@st.composite
def mask_key(draw, shape):
    """A key holding one boolean mask (NumPy array) over some axes of ``shape``, mixed
    with the other index kinds NumPy allows next to it; 0-d masks included."""
    ndim = len(shape)
    start = draw(st.integers(0, ndim))
    m = draw(st.integers(0, ndim - start))
    mask = draw(hnp.arrays(np.bool_, shape[start:start + m]))
    before = [draw(st.sampled_from(["slice", "int", "full"]) if shape[i] else
                   st.sampled_from(["slice", "full"])) for i in range(start)]
    n_after = draw(st.integers(0, ndim - start - m))
    key = []
    for i, kind in enumerate(before):
        n = shape[i]
        if kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            key.append(draw(small_slices(n)))
        else:
            key.append(slice(None))
    if before and all(k == slice(None) for k in key) and draw(st.booleans()):
        key = [Ellipsis]  # the mask then covers the last axes
        n_after = 0
        mask = draw(hnp.arrays(np.bool_, shape[ndim - m:]))
    key.append(mask)
    axis = start + m
    for i in range(axis, axis + n_after):
        n = shape[i]
        key.append(draw(st.integers(-n, n - 1)) if n and draw(st.booleans())
                   else draw(small_slices(n)))
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    return tuple(key)


def as_tmath_key(key):
    return tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
       name=st.sampled_from(["bool", "int8", "uint64", "float16", "float32", "complex64"]))
def test_getitem_boolean_mask(data, shape, name):
    a = data.draw(hnp.arrays(np.dtype(name), shape, elements=elements(name, -50, 50)))
    key = data.draw(mask_key(shape))
    x = xp.asarray(a)
    before = data_dependent_syncs()
    out = x[as_tmath_key(key)]
    # One sync point reads the mask; none for a mask without elements.
    mask = next(k for k in key if isinstance(k, np.ndarray))
    assert data_dependent_syncs() == before + (1 if mask.size else 0)
    assert_array_equal(out, a[key])


@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
def test_getitem_sole_mask(data, shape):
    """The standard's case: a sole mask of the leading axes (the whole shape or fewer)."""
    a = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    m = data.draw(st.integers(0, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:m]))
    x = xp.asarray(a)
    _lazy.reset()
    out = x[xp.asarray(mask)]
    syncs = {"data-dependent": 1} if mask.size else {}
    assert _lazy.counts() == syncs
    assert out.shape == a[mask].shape  # known without another sync
    assert _lazy.counts() == syncs
    assert_array_equal(out, a[mask])
    assert_array_equal(x[bool(mask.any())], a[bool(mask.any())])  # a Python bool: no sync


def test_getitem_masks_from_expressions():
    x = xp.reshape(xp.arange(12, dtype=xp.float32), (3, 4))
    _lazy.reset()
    y = x[(x > 4) & (x < 9)] * 2  # lazy after the one sync
    assert _lazy.counts() == {"data-dependent": 1}
    assert y.tolist() == [10.0, 12.0, 14.0, 16.0]
    assert x[xp.asarray(True)].shape == (1, 3, 4)
    assert x[xp.asarray(False)].shape == (0, 3, 4)
    assert xp.asarray(5)[xp.asarray(True)].tolist() == [5]


@pytest.mark.parametrize("mshape, want", [((0,), (0, 4)), ((3, 0), (0,)), ((0, 4), (0,)),
                                          ((0, 0), (0,))])
def test_getitem_mask_with_empty_axes(mshape, want):
    """The standard lets a mask axis have size 0 instead of the array's (NumPy does not):
    nothing is selected, and no sync is needed."""
    x = xp.reshape(xp.arange(12), (3, 4))
    out = x[xp.zeros(mshape, dtype=xp.bool)]
    assert out.shape == want
    assert data_dependent_syncs() == 0


def test_getitem_mask_errors():
    x = xp.reshape(xp.arange(12), (3, 4))
    for bad in [xp.ones((4,), dtype=xp.bool), xp.ones((3, 3), dtype=xp.bool),
                xp.ones((3, 4, 1), dtype=xp.bool), xp.ones((2, 4), dtype=xp.bool)]:
        with pytest.raises(IndexError):
            x[bad]
        with pytest.raises(IndexError):
            x[bad] = 0
    with pytest.raises(IndexError):
        x[xp.ones((3,), dtype=xp.bool), 0, 0]  # too many indices
    with pytest.raises(IndexError):
        x[..., xp.ones((3,), dtype=xp.bool), ...]
    assert data_dependent_syncs() == 0  # shapes are checked before any sync


@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
       name=st.sampled_from(["bool", "int16", "uint8", "float32", "bfloat16"]))
def test_setitem_mask_same_value_is_lazy(data, shape, name):
    """``x[mask] = v`` with one value for every selected element is an mx.where: no sync."""
    a = data.draw(hnp.arrays(np.dtype("float32" if name == "bfloat16" else name), shape,
                             elements=elements("bool" if name == "bool" else "int8", 0, 9)))
    m = data.draw(st.integers(0, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:m]))
    rest = shape[m:]
    vshape = data.draw(st.sampled_from([(), (1,) * (len(rest) + 1)] + [
        rest[i:] for i in range(len(rest))]))
    value = data.draw(hnp.arrays(a.dtype, vshape, elements=elements(
        "bool" if name == "bool" else "int8", 10, 20)))
    use_scalar = vshape == () and data.draw(st.booleans())
    x = xp.asarray(a, dtype=xp_dtype(name))
    v = value.item() if use_scalar else xp.asarray(value, dtype=xp_dtype(name))
    key = xp.asarray(mask) if m or data.draw(st.booleans()) else bool(mask)
    if data.draw(st.booleans()):
        key = (key, Ellipsis)
    with_sync = _lazy.counts()
    x[key] = v
    assert _lazy.counts() == with_sync
    a[mask] = value
    assert_array_equal(x, a, dtype=name)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
def test_setitem_mask_value_per_element(data, shape):
    """One value per selected element: the mask is read at one counted sync point."""
    a = np.zeros(shape, dtype=np.int32)
    m = data.draw(st.integers(1, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:m]))
    k = int(mask.sum())
    value = np.arange(k * int(np.prod(shape[m:])), dtype=np.int32).reshape(
        (k,) + shape[m:]) + 1
    x = xp.asarray(a)
    before = data_dependent_syncs()
    x[xp.asarray(mask)] = xp.asarray(value)
    # (a single selected element takes a value of shape (1, ...) by broadcasting: lazy)
    assert data_dependent_syncs() == before + (1 if k != 1 and mask.size else 0)
    a[mask] = value
    assert_array_equal(x, a)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
def test_setitem_mask_mixed_key(data, shape):
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    key = data.draw(mask_key(shape))
    target = a[key].shape
    value = data.draw(st.sampled_from([(), target, target[1:]]).flatmap(
        lambda s: hnp.arrays(np.int64, s, elements=st.integers(-9, -1))))
    x = xp.asarray(a)
    x[as_tmath_key(key)] = xp.asarray(value)
    a[key] = value
    assert_array_equal(x, a)


def test_setitem_mask_errors():
    x = xp.asarray([1, 2, 3, 4])
    with pytest.raises(ValueError):
        x[x > 1] = xp.asarray([7, 8])  # three elements selected, two values
    with pytest.raises(TypeError):
        x[x > 1] = 1.5
    with pytest.raises(TypeError):
        x[x > 1] = xp.asarray(1.5)
    with pytest.raises(ValueError):
        x[xp.asarray([True, False, True, False], device=CPU)] = xp.asarray([[1], [2], [3]])
    assert x.tolist() == [1, 2, 3, 4]


def test_setitem_mask_does_not_alias():
    x = xp.asarray([1, 2, 3])
    y = x[xp.asarray([True, True, True])]
    y[x > 1] = 0
    assert x.tolist() == [1, 2, 3]
    assert y.tolist() == [1, 0, 0]


# --- containers, printing, interop --------------------------------------------------

def test_len_and_iter():
    a = np.arange(6).reshape(3, 2)
    x = xp.asarray(a)
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3
    for r, e in zip(rows, a):
        assert_array_equal(r, e)
    with pytest.raises(TypeError):
        len(xp.asarray(1))
    with pytest.raises(TypeError):
        iter(xp.asarray(1)).__next__()


@pytest.mark.parametrize("name", ["bool", "int8", "uint64", "float32", "float64", "bfloat16",
                                  "complex64"])
def test_repr(name):
    r = repr(xp.ones((2, 2), dtype=xp_dtype(name)))
    assert r.startswith("Array(")
    assert name in r


def test_tolist():
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    assert xp.asarray(a).tolist() == a.tolist()
    assert xp.asarray(True).tolist() is True
    assert xp.asarray([1 + 1j]).tolist() == [1 + 1j]


def test_to_device():
    x = xp.asarray([1, 2])
    assert x.to_device(CPU) is x
    assert x.to_device("cpu").device == CPU
    with pytest.raises(ValueError):
        x.to_device("nonsense")


@pytest.mark.parametrize("name", ["bool", "int8", "int64", "uint32", "float16", "float32",
                                  "float64", "complex64"])
def test_numpy_and_mlx_interop(name):
    a = (np.arange(6) - 2).astype(name).reshape(2, 3)
    x = xp.asarray(a)
    np.testing.assert_array_equal(np.asarray(x), a)
    assert np.asarray(x).dtype == a.dtype
    m = mx.array(x)  # via __mlx_array__
    assert isinstance(m, mx.array)
    np.testing.assert_array_equal(np.array(m), a)


def test_float64_on_cpu():
    x = xp.asarray([1.0, 2.0], dtype=xp.float64)
    y = (x + 2.0**-40) * 3
    assert y.dtype == xp.float64
    np.testing.assert_array_equal(np.asarray(y), (np.array([1.0, 2.0]) + 2.0**-40) * 3)
    assert float(y[0]) != 3.0


@pytest.mark.parametrize("fn", [operator.pos, xp.positive, xp.real, xp.conj],
                         ids=lambda fn: fn.__name__)
def test_identity_functions_do_not_alias(fn):
    # MLX's __setitem__ mutates the array object in place: an identity function must
    # hand back a new one, or writing to the result would change the input.
    x = xp.asarray([1.0, 2.0])
    y = fn(x)
    y[0] = 9.0
    assert x.tolist() == [1.0, 2.0]
    assert y.tolist() == [9.0, 2.0]
