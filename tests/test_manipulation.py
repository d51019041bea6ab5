"""Manipulation functions against NumPy: shapes, values, dtypes, errors and laziness."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest
from helpers import ALL_DTYPE_NAMES, assert_array_equal, dtype_name, np_dtype, xp_dtype
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy

MANIPULATION_NAMES = """broadcast_arrays broadcast_shapes broadcast_to concat expand_dims flip
                        moveaxis permute_dims repeat reshape roll squeeze stack tile
                        unstack""".split()


def test_manipulation_names_are_exported():
    for name in MANIPULATION_NAMES:
        assert callable(getattr(xp, name)), name
        assert name in xp.__all__, name


def values(name: str):
    """Elements exact in every dtype (bfloat16 has 8 significant bits)."""
    if name == "bool":
        return st.booleans()
    if name.startswith("uint"):
        return st.integers(0, 200)
    if name.startswith("int"):
        return st.integers(-100, 100)
    if name == "complex64":
        return st.builds(complex, st.integers(-50, 50), st.integers(-50, 50))
    return st.integers(-100, 100).map(float)


SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)
ANY_DTYPE = st.sampled_from(ALL_DTYPE_NAMES)


@st.composite
def arrays(draw, shapes=SHAPES, names=ANY_DTYPE):
    """``(dtype name, NumPy array, tmath array)`` with equal values (any dtype)."""
    name = draw(names)
    a = draw(hnp.arrays(np_dtype(name), draw(shapes), elements=values(name)))
    return name, a, xp.asarray(a, dtype=xp_dtype(name))


def axis_of(ndim: int):
    return st.integers(-ndim, ndim - 1)


def unique_axes(ndim: int, min_size: int = 0):
    return st.lists(axis_of(ndim), min_size=min_size, max_size=ndim,
                    unique_by=lambda i: i % ndim).map(tuple)


@contextmanager
def no_sync():
    """The block runs without any sync point."""
    before = _lazy.counts()
    yield
    assert _lazy.counts() == before


# --- reshape, broadcasting, concat ----------------------------------------------

@given(case=arrays(), data=st.data())
def test_reshape(case, data):
    name, a, x = case
    shape = data.draw(st.permutations(a.shape).map(tuple) | st.just((a.size,)))
    if shape and data.draw(st.booleans()):
        shape = (-1,) + shape[1:] if 0 not in shape[1:] else shape
    copy = data.draw(st.sampled_from([None, True, False]))
    with no_sync():
        out = xp.reshape(x, shape, copy=copy)
    assert_array_equal(out, a.reshape(shape), dtype=name)


def test_reshape_copy_is_independent():
    x = xp.asarray([1, 2, 3, 4])
    y = xp.reshape(x, (2, 2), copy=True)
    y[0, 0] = 9
    assert x.tolist() == [1, 2, 3, 4]
    for copy in (None, False):  # a view, as NumPy's reshape (docs/views.md)
        y = xp.reshape(x, (2, 2), copy=copy)
        y[0, 0] = 9
        assert x.tolist() == [9, 2, 3, 4]
        x[0] = 1


@pytest.mark.parametrize("shape", [(5,), (2, -1, -1), (-2, 2), (3, -1)])
def test_reshape_errors(shape):
    with pytest.raises(ValueError):
        xp.reshape(xp.arange(4), shape)


@given(case=arrays(shapes=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)), data=st.data())
def test_broadcast_to(case, data):
    name, a, x = case
    shape = data.draw(hnp.broadcastable_shapes(a.shape, max_dims=4).map(
        lambda s: np.broadcast_shapes(s, a.shape)))
    with no_sync():
        out = xp.broadcast_to(x, shape)
    assert_array_equal(out, np.broadcast_to(a, shape), dtype=name)


def test_broadcast_to_errors():
    with pytest.raises(ValueError):
        xp.broadcast_to(xp.arange(3), (4,))
    with pytest.raises(ValueError):
        xp.broadcast_to(xp.arange(3), (3, 2))


def test_shapes_as_ints_and_non_shapes():
    # (found by tools/fuzz: an int shape failed with "'int' object is not iterable")
    assert xp.broadcast_shapes((4, 1, 1), (1,), 5) == np.broadcast_shapes((4, 1, 1), (1,), 5)
    assert xp.broadcast_to(xp.ones(1), 3).shape == (3,)
    for bad in ("ab", None, 1.5, {"a": 1}):
        with pytest.raises(TypeError, match="broadcast_shapes: shape must be"):
            xp.broadcast_shapes((1,), bad)
        with pytest.raises(TypeError, match="broadcast_to: shape must be"):
            xp.broadcast_to(xp.ones(1), bad)


@given(data=st.data(), name=st.sampled_from(ALL_DTYPE_NAMES))
def test_broadcast_arrays(data, name):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3)).input_shapes
    arrs = [data.draw(hnp.arrays(np_dtype(name), s, elements=values(name))) for s in shapes]
    xs = [xp.asarray(a, dtype=xp_dtype(name)) for a in arrs]
    with no_sync():
        out = xp.broadcast_arrays(*xs)
    assert isinstance(out, tuple)
    for got, want in zip(out, np.broadcast_arrays(*arrs)):
        assert_array_equal(got, want, dtype=name)


def test_broadcast_arrays_errors():
    with pytest.raises(ValueError):
        xp.broadcast_arrays(xp.arange(3), xp.arange(4))
    with pytest.raises(TypeError):
        xp.broadcast_arrays(xp.arange(3), {"not": "data"})


@given(data=st.data(), names=st.lists(st.sampled_from(["int8", "int32", "uint8", "float32"]),
                                      min_size=1, max_size=3))
def test_concat(data, names):
    base = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
    axis = data.draw(st.none() | axis_of(len(base)))
    arrs = []
    for name in names:
        shape = base
        if axis is not None:
            shape = list(base)
            shape[axis] = data.draw(st.integers(0, 3))
            shape = tuple(shape)
        arrs.append(data.draw(hnp.arrays(np.dtype(name), shape, elements=values(name))))
    xs = [xp.asarray(a) for a in arrs]
    with no_sync():
        out = xp.concat(xs, axis=axis)
    want = dtype_name(xp.result_type(*xs))  # int with float: our promotion, not NumPy's
    assert_array_equal(out, np.concatenate(arrs, axis=axis).astype(want), dtype=want)


def test_concat_errors():
    with pytest.raises(ValueError):
        xp.concat([xp.ones((2, 3)), xp.ones((2, 4))], axis=0)
    with pytest.raises(IndexError):
        xp.concat([xp.ones((2, 3))], axis=2)
    with pytest.raises(ValueError):
        xp.concat([])
    with pytest.raises(ValueError):
        xp.concat([xp.asarray(1.0)])
    assert xp.concat([xp.asarray(1.0), xp.asarray(2.0)], axis=None).tolist() == [1.0, 2.0]


def test_concat_of_empty_arrays_past_32_bits():
    # (found by tools/fuzz: two (2**31 - 1, 0) arrays joined along axis 0 leaked MLX's raw
    # "[concatenate] Shape dimension 4294967294 is outside the supported range")
    a = xp.zeros((2**31 - 1, 0))
    with pytest.raises(ValueError, match="^concat: dimension 4294967294"):
        xp.concat([a, a], axis=-2)
    assert xp.concat([a, a], axis=1).shape == (2**31 - 1, 0)
    assert xp.concat([a, a], axis=None).shape == (0,)


# --- axes: expand_dims, squeeze, flip, permute_dims, moveaxis ---------------------

@given(case=arrays(), data=st.data())
def test_expand_dims(case, data):
    name, a, x = case
    m = a.ndim + 1
    axis = data.draw(st.integers(-m, m - 1))
    with no_sync():
        out = xp.expand_dims(x, axis=axis)
    assert_array_equal(out,
                       np.expand_dims(a, axis), dtype=name)
    n_new = data.draw(st.integers(1, 3))
    axes = data.draw(st.lists(st.integers(-(a.ndim + n_new), a.ndim + n_new - 1),
                              min_size=n_new, max_size=n_new,
                              unique_by=lambda i: i % (a.ndim + n_new)).map(tuple))
    with no_sync():
        out = xp.expand_dims(x, axis=axes)
    assert_array_equal(out, np.expand_dims(a, axes), dtype=name)


@given(case=arrays(shapes=hnp.array_shapes(min_dims=0, max_dims=3)), data=st.data())
def test_expand_dims_bad_axis(case, data):
    _, _, x = case
    m = x.ndim + 1
    axis = data.draw(st.integers(-3 * m, 3 * m).filter(lambda i: not -m <= i < m))
    with pytest.raises(IndexError):
        xp.expand_dims(x, axis=axis)
    with pytest.raises(IndexError):
        xp.expand_dims(x, axis=(0, axis + (1 if axis > 0 else -1)))
    with pytest.raises(ValueError):
        xp.expand_dims(x, axis=(0, -(x.ndim + 2)))  # the same position twice
    with pytest.raises(TypeError):
        xp.expand_dims(x, axis=0.0)


@given(case=arrays(shapes=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)
                   .filter(lambda s: 1 in s)), data=st.data())
def test_squeeze(case, data):
    name, a, x = case
    ones = [i for i, n in enumerate(a.shape) if n == 1]
    axes = data.draw(st.lists(st.sampled_from(ones), unique=True).map(tuple))
    axes = tuple(i - a.ndim if data.draw(st.booleans()) else i for i in axes)
    axis = axes[0] if len(axes) == 1 and data.draw(st.booleans()) else axes
    with no_sync():
        out = xp.squeeze(x, axis=axis)
    assert_array_equal(out, np.squeeze(a, axis=axis), dtype=name)


def test_squeeze_errors():
    x = xp.ones((1, 3, 1))
    with pytest.raises(ValueError):
        xp.squeeze(x, axis=1)
    with pytest.raises(ValueError):
        xp.squeeze(x, axis=(0, 1))
    with pytest.raises(ValueError):
        xp.squeeze(x, axis=(0, -3))
    with pytest.raises(IndexError):
        xp.squeeze(x, axis=3)
    with pytest.raises(IndexError):
        xp.squeeze(xp.asarray(1), axis=0)


@given(case=arrays(), data=st.data())
def test_flip(case, data):
    name, a, x = case
    axis = None if a.ndim == 0 else data.draw(
        st.none() | axis_of(a.ndim) | unique_axes(a.ndim))
    kw = {} if axis is None and data.draw(st.booleans()) else {"axis": axis}
    with no_sync():
        out = xp.flip(x, **kw)
    assert_array_equal(out, np.flip(a, axis=axis), dtype=name)


@given(case=arrays(shapes=hnp.array_shapes(min_dims=1, max_dims=4)), data=st.data())
def test_permute_dims(case, data):
    name, a, x = case
    perm = data.draw(st.permutations(range(a.ndim)))
    axes = tuple(p - a.ndim if data.draw(st.booleans()) else p for p in perm)
    with no_sync():
        out = xp.permute_dims(x, axes)
    assert_array_equal(out, np.transpose(a, perm),
                       dtype=name)


def test_permute_dims_errors():
    x = xp.ones((2, 3, 4))
    with pytest.raises(ValueError):
        xp.permute_dims(x, (0, 1))
    with pytest.raises(ValueError):
        xp.permute_dims(x, (0, 1, 1))
    with pytest.raises(ValueError):
        xp.permute_dims(x, (0, 1, -2))
    with pytest.raises(IndexError):
        xp.permute_dims(x, (0, 1, 3))
    with pytest.raises(TypeError):
        xp.permute_dims(x, (0, 1, 2.0))


@given(case=arrays(shapes=hnp.array_shapes(min_dims=1, max_dims=4)), data=st.data())
def test_moveaxis(case, data):
    name, a, x = case
    if data.draw(st.booleans()):
        src, dst = data.draw(axis_of(a.ndim)), data.draw(axis_of(a.ndim))
    else:
        src = data.draw(unique_axes(a.ndim))
        dst = data.draw(st.lists(axis_of(a.ndim), min_size=len(src), max_size=len(src),
                                 unique_by=lambda i: i % a.ndim).map(tuple))
    with no_sync():
        out = xp.moveaxis(x, src, dst)
    assert_array_equal(out, np.moveaxis(a, src, dst),
                       dtype=name)


def test_moveaxis_errors():
    x = xp.ones((2, 3, 4))
    with pytest.raises(ValueError):
        xp.moveaxis(x, (0, 1), (0,))
    with pytest.raises(ValueError):
        xp.moveaxis(x, (0, 0), (1, 2))
    with pytest.raises(ValueError):
        xp.moveaxis(x, (0, 1), (2, -1))
    with pytest.raises(IndexError):
        xp.moveaxis(x, 3, 0)
    with pytest.raises(IndexError):
        xp.moveaxis(x, 0, -4)


# --- roll, stack, unstack, tile, repeat ----------------------------------------------

@given(case=arrays(), data=st.data())
def test_roll(case, data):
    name, a, x = case
    shift_st = st.integers(-20, 20) | st.integers(-(2**40), 2**40)
    if a.ndim == 0 or data.draw(st.booleans()):
        shift = data.draw(shift_st)
        axis = None if a.ndim == 0 else data.draw(st.none() | axis_of(a.ndim))
    else:
        # Repeated axes are allowed: their shifts add up (as in NumPy).
        axis = data.draw(st.lists(axis_of(a.ndim), min_size=1, max_size=4).map(tuple))
        shift = data.draw(st.just(data.draw(shift_st)) |
                          st.lists(shift_st, min_size=len(axis), max_size=len(axis)).map(tuple))
    kw = {} if axis is None and data.draw(st.booleans()) else {"axis": axis}
    with no_sync():
        out = xp.roll(x, shift, **kw)
    assert_array_equal(out, np.roll(a, shift, axis=axis),
                       dtype=name)


def test_roll_errors():
    x = xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.roll(x, (1, 2), axis=(0,))
    with pytest.raises(ValueError):
        xp.roll(x, (1, 2))
    with pytest.raises(IndexError):
        xp.roll(x, 1, axis=2)
    with pytest.raises(TypeError):
        xp.roll(x, 1.5)


@given(data=st.data(), names=st.lists(st.sampled_from(["bool", "int16", "int64", "uint16",
                                                        "float16", "bfloat16", "float32"]),
                                      min_size=1, max_size=3))
def test_stack(data, names):
    assume(len({n == "bool" for n in names}) == 1)
    assume(not ({"int16", "int64", "uint16"} & set(names) and
                {"float16", "bfloat16", "float32"} & set(names)))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    arrs = [data.draw(hnp.arrays(np_dtype(n), shape, elements=values(n))) for n in names]
    xs = [xp.asarray(a, dtype=xp_dtype(n)) for a, n in zip(arrs, names)]
    want = dtype_name(xp.result_type(*xs))
    with no_sync():
        out = xp.stack(xs, axis=axis)
    assert_array_equal(out, np.stack(arrs, axis=axis).astype(np_dtype(want)), dtype=want)


def test_stack_errors():
    with pytest.raises(ValueError):
        xp.stack([xp.ones(2), xp.ones(3)])
    with pytest.raises(ValueError):
        xp.stack([])
    with pytest.raises(IndexError):
        xp.stack([xp.ones(2), xp.ones(2)], axis=2)
    with pytest.raises(IndexError):
        xp.stack([xp.ones(2), xp.ones(2)], axis=-3)


@given(case=arrays(shapes=hnp.array_shapes(min_dims=1, max_dims=4)), data=st.data())
def test_unstack(case, data):
    name, a, x = case
    axis = data.draw(axis_of(a.ndim))
    with no_sync():
        out = xp.unstack(x, axis=axis)
    assert isinstance(out, tuple)
    assert len(out) == a.shape[axis]
    for i, got in enumerate(out):
        assert_array_equal(got, np.take(a, i, axis=axis), dtype=name)


def test_unstack_errors():
    with pytest.raises(IndexError):
        xp.unstack(xp.ones((2, 3)), axis=2)
    with pytest.raises(IndexError):
        xp.unstack(xp.asarray(1.0))


@given(case=arrays(shapes=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)),
       reps=st.lists(st.integers(0, 3), max_size=4).map(tuple))
def test_tile(case, reps):
    name, a, x = case
    with no_sync():
        out = xp.tile(x, reps)
    assert_array_equal(out, np.tile(a, reps), dtype=name)


def test_tile_errors():
    with pytest.raises(ValueError):
        xp.tile(xp.ones(2), (2, -1))
    assert xp.tile(xp.ones(2), 2).shape == np.tile(np.ones(2), 2).shape  # an int, as NumPy
    with pytest.raises(TypeError):
        xp.tile(xp.ones(2), 2.0)  # (an int works, as in NumPy: tests/test_index_tricks.py)
    with pytest.raises(TypeError):
        xp.tile(xp.ones(2), True)
    with pytest.raises(ValueError):
        xp.tile(xp.ones(2), -1)
    with pytest.raises(ValueError):
        xp.tile(xp.ones(2), (2**31,))  # more elements than an MLX array holds


@pytest.mark.parametrize("call", [
    lambda: xp.tile(xp.ones((2, 0)), (2**31, 2)),
    lambda: xp.tile(xp.ones((2**16, 0)), (2**16, 2)),
    lambda: xp.repeat(xp.ones((0,)), 2**40),
    lambda: xp.repeat(xp.ones((2, 0)), 2**30, axis=0),
    lambda: xp.repeat(xp.ones((2**30, 0)), xp.asarray([2]), axis=0),
], ids=["tile count", "tile side", "repeat count", "repeat side", "repeat array side"])
def test_tile_and_repeat_of_empty_arrays_past_32_bits(call):
    # (found by tools/fuzz: an empty array passed the size check and MLX's nanobind
    # "incompatible function arguments" TypeError leaked for counts past 2**31 - 1)
    with pytest.raises(ValueError, match="^(tile|repeat): "):
        call()
    assert xp.tile(xp.ones((2, 0)), (3, 2)).shape == (6, 0)
    assert xp.repeat(xp.ones((2, 0)), 3, axis=0).shape == (6, 0)


@given(case=arrays(), data=st.data())
def test_repeat_int(case, data):
    name, a, x = case
    axis = None if a.ndim == 0 else data.draw(st.none() | axis_of(a.ndim))
    n = data.draw(st.integers(0, 4))
    with no_sync():
        out = xp.repeat(x, n, axis=axis)
    assert_array_equal(out, np.repeat(a, n, axis=axis), dtype=name)


@given(case=arrays(), data=st.data(),
       rname=st.sampled_from(["int8", "int32", "int64", "uint8", "uint64"]))
def test_repeat_array(case, data, rname):
    """An array of repeats: one counted sync point; the result itself stays lazy."""
    name, a, x = case
    axis = None if a.ndim == 0 else data.draw(st.none() | axis_of(a.ndim))
    n = a.size if axis is None else a.shape[axis]
    rshape = data.draw(st.sampled_from([(1,), (n,)]))
    r = data.draw(hnp.arrays(np.dtype(rname), rshape, elements=st.integers(0, 4)))
    repeats = xp.asarray(r)
    _lazy.reset()
    out = xp.repeat(x, repeats, axis=axis)
    want = np.repeat(a, r.astype(np.int64), axis=axis)
    assert out.shape == want.shape
    assert _lazy.counts() == {"data-dependent": 1}
    assert_array_equal(out, want, dtype=name)


def test_repeat_errors():
    x = xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.repeat(x, -1)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([1, -1, 2]), axis=1)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([1, 2]), axis=1)  # neither (1,) nor (3,)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([[1, 2, 3]]), axis=1)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([2**62, 2**62, 4], dtype=xp.int64), axis=1)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([2**63 + 1], dtype=xp.uint64))
    with pytest.raises(ValueError):
        xp.repeat(x, 2**30)  # more elements than an MLX array holds
    with pytest.raises(TypeError):
        xp.repeat(x, xp.asarray([1.0, 2.0, 3.0]), axis=1)
    with pytest.raises(TypeError):
        xp.repeat(x, 1.5)
    with pytest.raises(TypeError):
        xp.repeat(x, True)
    with pytest.raises(IndexError):
        xp.repeat(x, 2, axis=2)
    with pytest.raises(IndexError):
        xp.repeat(x, xp.asarray([2]), axis=-3)


# --- bad axes: one table --------------------------------------------------------------

BAD_AXIS_CALLS = {
    "expand_dims": lambda x: xp.expand_dims(x, axis=4),
    "squeeze": lambda x: xp.squeeze(x, axis=3),
    "flip": lambda x: xp.flip(x, axis=-4),
    "flip tuple": lambda x: xp.flip(x, axis=(0, 3)),
    "permute_dims": lambda x: xp.permute_dims(x, (0, 1, 5)),
    "moveaxis": lambda x: xp.moveaxis(x, 0, 3),
    "roll": lambda x: xp.roll(x, 1, axis=3),
    "stack": lambda x: xp.stack([x, x], axis=4),
    "unstack": lambda x: xp.unstack(x, axis=-4),
    "repeat": lambda x: xp.repeat(x, 2, axis=3),
    "concat": lambda x: xp.concat([x, x], axis=3),
    "take": lambda x: xp.take(x, xp.asarray([0]), axis=3),
    "take_along_axis": lambda x: xp.take_along_axis(x, xp.zeros((1, 1, 1), dtype=xp.int32),
                                                    axis=-4),
}


@pytest.mark.parametrize("call", BAD_AXIS_CALLS.values(), ids=list(BAD_AXIS_CALLS))
def test_bad_axis_raises_index_error(call):
    with pytest.raises(IndexError):
        call(xp.ones((1, 2, 3)))
    assert _lazy.counts() == {}


@pytest.mark.parametrize("fn", [xp.flip, xp.squeeze, xp.unstack, xp.roll])
def test_axis_must_be_an_int(fn):
    x = xp.ones((1, 2))
    with pytest.raises(TypeError):
        if fn is xp.roll:
            fn(x, 1, axis=0.0)
        elif fn is xp.squeeze:
            fn(x, 0.0)
        else:
            fn(x, axis="0")


@pytest.mark.parametrize("fn", [
    lambda m, x: m.expand_dims(x, axis=()), lambda m, x: m.squeeze(x, axis=()),
    lambda m, x: m.flip(x, axis=()), lambda m, x: m.roll(x, 0), lambda m, x: m.tile(x, ()),
    lambda m, x: m.permute_dims(x, (0,)) if m is xp else m.transpose(x, (0,)),
    lambda m, x: m.moveaxis(x, 0, 0), lambda m, x: m.reshape(x, (3,)),
])
def test_unchanged_results_alias_as_in_numpy(fn):
    """MLX's __setitem__ mutates in place: a no-op result never shares x's MLX array, and
    a write to it reaches x exactly where NumPy's result is a view."""
    x = xp.asarray([1, 2, 3])
    y = fn(xp, x)
    assert y._array is not x._array
    y[0] = 9
    a = np.asarray([1, 2, 3], dtype=np.int32)
    b = fn(np, a)
    b[0] = 9
    assert x.tolist() == a.tolist()
