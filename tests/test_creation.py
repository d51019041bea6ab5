"""Creation functions against NumPy, asarray's inputs and copy rules, and their errors."""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np
import pytest
from helpers import ALL_DTYPE_NAMES, assert_array_equal, assert_close, dtype_name, xp_dtype
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy

CPU = xp.__array_namespace_info__().default_device()
small_ints = st.integers(-50, 50)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


# --- arange ---------------------------------------------------------------------

@given(start=small_ints, stop=small_ints, step=small_ints.filter(bool))
def test_arange_int(start, stop, step):
    expected = np.arange(start, stop, step)
    assert_array_equal(xp.arange(start, stop, step), expected.astype(np.int32))


@given(stop=st.integers(-5, 50))
def test_arange_stop_only(stop):
    assert_array_equal(xp.arange(stop), np.arange(stop, dtype=np.int32))


@given(
    start=st.floats(-100, 100),
    stop=st.floats(-100, 100),
    step=st.floats(0.1, 10) | st.floats(-10, -0.1),
)
def test_arange_float(start, stop, step):
    expected = np.arange(start, stop, step)
    x = xp.arange(start, stop, step)
    assert x.shape == (len(expected),)  # the size is NumPy's
    atol = 1e-5 * max(abs(start), abs(stop), 1.0)
    assert_close(x, expected, atol=atol, dtype="float32")


@pytest.mark.parametrize(
    "args", [(5, 0), (0, 5, -1), (3, 3), (0.5, 0.5), (2.0, 1.0, 0.5), (0, 1, -0.1)]
)
def test_arange_empty(args):
    x = xp.arange(*args)
    assert x.shape == (0,)
    assert len(np.arange(*args)) == 0


def test_arange_dtype_and_errors():
    assert_array_equal(xp.arange(0, 10, 3, dtype=xp.int8), np.arange(0, 10, 3, dtype=np.int8))
    assert_array_equal(xp.arange(4, dtype=xp.float64), np.arange(4.0))
    assert_close(xp.arange(1, 2, 0.25, dtype=xp.float16), np.arange(1, 2, 0.25, dtype=np.float16))
    with pytest.raises(ValueError):
        xp.arange(0, 10, 0)
    with pytest.raises(OverflowError):
        xp.arange(0, 300, 100, dtype=xp.int8)


@pytest.mark.parametrize("args, dtype", [((0.5, 5, 1.5), "int8"), ((-2.5, 2, 1.0), "int32"),
                                         ((1, 2, 0.25), "int64"), ((-0.99999, 1.56), "int64"),
                                         ((3, 5, 0.5), "uint32"), ((-4.18220602452171, 1), "int64"),
                                         ((1, -2.129227329050449, -0.5309158317740506), "int32"),
                                         ((1, 3.8144456507020212, 0.5), "int16")])
def test_arange_float_arguments_with_an_integer_dtype(args, dtype):
    # NumPy's rule: the first two values truncated, their difference the step (found by
    # tools/fuzz: [0, 0, 1] for arange(-0.99999, 1.56, dtype=int64), NumPy [0, 0, 0])
    assert_array_equal(xp.arange(*args, dtype=xp_dtype(dtype)), np.arange(*args, dtype=dtype))


def test_arange_float_arguments_past_an_integer_dtype():
    # NumPy wraps [3, 1, -1] around to uint32; here the values must fit the dtype
    with pytest.raises(OverflowError, match="^arange: "):
        xp.arange(3, 0.48, -1.0674, dtype=xp.uint32)


@pytest.mark.parametrize("args", [(-(2**70), 1, -1), (2**70, 0), (0, 2**64, -(2**65))])
def test_arange_empty_with_huge_ints(args):
    # (found by tools/fuzz: an empty range still passed start to MLX: std::bad_cast)
    assert xp.arange(*args).shape == (0,)
    assert len(range(*args)) == 0


@pytest.mark.parametrize("args", [(float("inf"),), (0, float("nan")), (float("-inf"), 0),
                                  (0, 5, float("inf")), (-1e308, 1e308, 1e-308),
                                  (0, 1, 8e-106)])
def test_arange_without_a_finite_length(args):
    # (found by tools/fuzz: Python's OverflowError from math.ceil(inf), or MLX's
    # "arange(): incompatible function arguments" for a length beyond int64)
    with pytest.raises(ValueError, match="^arange: "):
        xp.arange(*args)


# --- linspace -------------------------------------------------------------------

@given(
    start=st.floats(-1e3, 1e3),
    stop=st.floats(-1e3, 1e3),
    num=st.integers(0, 40),
    endpoint=st.booleans(),
)
def test_linspace(start, stop, num, endpoint):
    expected = np.linspace(start, stop, num, endpoint=endpoint)
    x = xp.linspace(start, stop, num, endpoint=endpoint)
    atol = 1e-5 * max(abs(start), abs(stop), 1.0)
    assert_close(x, expected, atol=atol, dtype="float32")
    if num > 1 and endpoint:
        assert float(x[-1]) == np.float32(stop)


@pytest.mark.parametrize("endpoint", [True, False])
@pytest.mark.parametrize("num", [0, 1, 5])
def test_linspace_complex(num, endpoint):
    start, stop = 1 + 2j, -3 + 0.5j
    x = xp.linspace(start, stop, num, endpoint=endpoint)
    expected = np.linspace(start, stop, num, endpoint=endpoint)
    assert_close(x, expected, atol=1e-6, dtype="complex64")


def test_linspace_dtype_and_errors():
    assert_close(xp.linspace(0, 1, 5, dtype=xp.float64), np.linspace(0, 1, 5), dtype="float64")
    with pytest.raises(ValueError):
        xp.linspace(0, 1, -1)
    with pytest.raises(TypeError):
        xp.linspace(0, 1, 5, dtype=xp.int32)


# --- eye ------------------------------------------------------------------------

@given(n_rows=st.integers(0, 6), n_cols=st.none() | st.integers(0, 6),
       k=st.integers(-8, 8) | st.integers(-(2**62), 2**62))
def test_eye(n_rows, n_cols, k):
    assert_array_equal(xp.eye(n_rows, n_cols, k=k), np.eye(n_rows, n_cols, k=k, dtype=np.float32))


def test_eye_dtype():
    assert_array_equal(xp.eye(3, dtype=xp.int16), np.eye(3, dtype=np.int16))
    assert_array_equal(xp.eye(2, 3, k=1, dtype=xp.bool), np.eye(2, 3, k=1, dtype=bool))


# --- full, zeros, ones, empty and *_like ---------------------------------------

@pytest.mark.parametrize(
    ("fill", "expected"),
    [(True, "bool"), (7, "int32"), (-2.5, "float32"), (1 + 2j, "complex64")],
)
def test_full_infers_dtype(fill, expected):
    x = xp.full((2, 3), fill)
    assert_array_equal(x, np.full((2, 3), fill), dtype=expected)


@given(shape=shapes, name=st.sampled_from(ALL_DTYPE_NAMES))
def test_zeros_ones_empty_full(shape, name):
    dt = xp_dtype(name)
    npd = np.float32 if name == "bfloat16" else np.dtype(name)
    assert_array_equal(xp.zeros(shape, dtype=dt), np.zeros(shape, npd), dtype=name)
    assert_array_equal(xp.ones(shape, dtype=dt), np.ones(shape, npd), dtype=name)
    e = xp.empty(shape, dtype=dt)
    assert (e.shape, e.dtype) == (shape, dt)
    assert_array_equal(xp.full(shape, True, dtype=dt), np.full(shape, True, npd), dtype=name)


@pytest.mark.parametrize("device", [None, CPU, "cpu", mx.cpu])
def test_creation_device_argument(device):
    for x in (xp.zeros(2, device=device), xp.ones((1,), device=device),
              xp.empty(3, device=device), xp.full(2, 1, device=device),
              xp.arange(3, device=device), xp.eye(2, device=device),
              xp.linspace(0, 1, 3, device=device), xp.asarray([1], device=device)):
        assert x.device == CPU


def test_default_dtypes():
    for x in (xp.zeros(2), xp.ones(2), xp.empty(2), xp.eye(2)):
        assert x.dtype == xp.float32


@given(shape=shapes, name=st.sampled_from(ALL_DTYPE_NAMES))
def test_like_functions(shape, name):
    x = xp.zeros(shape, dtype=xp_dtype(name))
    for f in (xp.zeros_like, xp.ones_like, xp.empty_like):
        y = f(x)
        assert (y.shape, y.dtype, y.device) == (shape, x.dtype, x.device)
        z = f(x, dtype=xp.int16, device=CPU)
        assert (z.shape, z.dtype) == (shape, xp.int16)
    assert_array_equal(xp.ones_like(x), np.ones(shape, "float32" if name == "bfloat16" else name),
                       dtype=name)
    assert_array_equal(xp.full_like(x, 1, dtype=xp.int8), np.ones(shape, np.int8))


@pytest.mark.parametrize("value", [2**63, 2**64, -(2**70), 0, 0.5, float("nan")])
def test_bool_from_any_python_number(value):
    # (found by tools/fuzz: asarray(2**63, dtype=bool) raised MLX's std::bad_cast)
    want = bool(value)
    assert xp.asarray(value, dtype=xp.bool).tolist() is want
    assert xp.full((2,), value, dtype=xp.bool).tolist() == [want, want]


def test_full_like_values_and_dtype():
    x = xp.asarray([[1, 2], [3, 4]], dtype=xp.int16)
    assert_array_equal(xp.full_like(x, 9), np.full((2, 2), 9, np.int16))
    assert_array_equal(xp.full_like(x, 2.5, dtype=xp.float32), np.full((2, 2), 2.5, np.float32))
    assert_array_equal(xp.zeros_like(x), np.zeros((2, 2), np.int16))


# --- tril / triu ------------------------------------------------------------------

@given(
    a=hnp.arrays(np.int32, hnp.array_shapes(min_dims=2, max_dims=3, min_side=0, max_side=5),
                 elements=st.integers(-100, 100)),
    k=st.integers(-6, 6) | st.integers(-(2**62), 2**62),
)
def test_tril_triu(a, k):
    x = xp.asarray(a)
    assert_array_equal(xp.tril(x, k=k), np.tril(a, k=k))
    assert_array_equal(xp.triu(x, k=k), np.triu(a, k=k))


def test_tril_triu_need_2d():
    with pytest.raises(ValueError):
        xp.tril(xp.ones(3))


# --- meshgrid ---------------------------------------------------------------------

@given(sizes=st.lists(st.integers(0, 4), min_size=1, max_size=3),
       indexing=st.sampled_from(["xy", "ij"]))
def test_meshgrid(sizes, indexing):
    arrays = [np.arange(n, dtype=np.float32) + 10 * i for i, n in enumerate(sizes)]
    got = xp.meshgrid(*(xp.asarray(a) for a in arrays), indexing=indexing)
    expected = np.meshgrid(*arrays, indexing=indexing)
    assert isinstance(got, tuple)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert_array_equal(g, e)


def test_meshgrid_errors():
    with pytest.raises(ValueError):
        xp.meshgrid(xp.ones(2), indexing="xx")
    # Beyond the standard (1-d inputs), NumPy's meshgrid flattens its inputs; so does
    # xp.meshgrid (docs/numpy.md).
    got = xp.meshgrid(xp.ones((2, 2)), xp.arange(3))
    for g, e in zip(got, np.meshgrid(np.ones((2, 2), np.float32), np.arange(3, dtype=np.int32))):
        assert_array_equal(g, e)


# --- asarray ----------------------------------------------------------------------

_list_shapes = hnp.array_shapes(min_dims=1, max_dims=3, max_side=3)
_KIND_DEFAULT = {"i": "int32", "f": "float32", "b": "bool", "c": "complex64"}


@given(a=st.one_of(
    hnp.arrays(np.int64, _list_shapes, elements=st.integers(-2**31, 2**31 - 1)),
    hnp.arrays(np.float64, _list_shapes, elements=st.floats(-1e6, 1e6)),
    hnp.arrays(np.bool_, _list_shapes),
    hnp.arrays(np.complex128, _list_shapes,
               elements=st.complex_numbers(max_magnitude=1e6, allow_nan=False,
                                           allow_infinity=False)),
))
def test_asarray_nested_lists(a):
    """Nested lists of Python scalars take the default dtype of their kind."""
    expected_name = _KIND_DEFAULT[a.dtype.kind]
    x = xp.asarray(a.tolist())
    assert_close(x, a.astype(expected_name), rtol=1e-6, dtype=expected_name)


def test_asarray_mixed_lists():
    assert_array_equal(xp.asarray([1, 2.5]), np.array([1, 2.5], np.float32))
    assert_array_equal(xp.asarray([True, 2]), np.array([1, 2], np.int32))
    assert_array_equal(xp.asarray([[]]), np.zeros((1, 0), np.float32))
    assert_array_equal(xp.asarray(()), np.zeros((0,), np.float32))
    with pytest.raises(ValueError):
        xp.asarray([[1, 2], [3]])
    with pytest.raises(OverflowError):
        xp.asarray([300], dtype=xp.int8)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "bool"), (3, "int32"), (-2**31, "int32"), (2.5, "float32"), (1j, "complex64")],
)
def test_asarray_python_scalars(value, expected):
    x = xp.asarray(value)
    assert x.shape == ()
    assert dtype_name(x.dtype) == expected
    assert x.tolist() == value


@pytest.mark.parametrize(
    "name", ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float16", "float32", "float64", "complex64"]
)
def test_asarray_numpy_every_dtype(name):
    a = (np.arange(-3, 9).reshape(3, 4) * 7).astype(name)
    x = xp.asarray(a)
    assert_array_equal(x, a)  # the dtype is kept: float64 stays float64 on the CPU
    assert x.device == CPU
    np.testing.assert_array_equal(np.asarray(x), a)


def test_asarray_numpy_non_native_byte_order():
    a = np.array([1, -2, 3], dtype=">i4")
    assert_array_equal(xp.asarray(a), a.astype(np.int32))


def test_asarray_unsupported_numpy_dtypes_raise():
    for a in (np.array(["a"]), np.array(["2020-01-01"], dtype="datetime64[D]"),
              np.array([object()])):
        with pytest.raises(TypeError):
            xp.asarray(a)


def test_asarray_numpy_float64_precision():
    a = np.array([1 + 2.0**-40, np.pi])
    x = xp.asarray(a)
    assert x.dtype == xp.float64
    np.testing.assert_array_equal(np.asarray(x), a)


def test_asarray_numpy_complex128_becomes_complex64():
    a = np.array([1 + 2j, -0.5j])
    assert_array_equal(xp.asarray(a), a.astype(np.complex64))


@given(a=hnp.arrays(np.int16, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=6),
                    elements=st.integers(-1000, 1000)),
       data=st.data())
def test_asarray_strided_numpy(a, data):
    """Non-contiguous, transposed and negative-stride NumPy views."""
    steps = data.draw(st.lists(st.integers(-3, 3).filter(bool), min_size=a.ndim,
                               max_size=a.ndim))
    view = a[tuple(slice(None, None, s) for s in steps)]
    # A view NumPy flags C-contiguous despite a negative stride (size-1 axes) is the
    # subject of test_asarray_contiguous_view_with_negative_stride.
    assume(not (view.flags.c_contiguous and min(view.strides) < 0))
    assert_array_equal(xp.asarray(view), view)
    assert_array_equal(xp.asarray(view.T), view.T)


def test_asarray_contiguous_view_with_negative_stride():
    view = np.arange(3)[::-1][:1]  # shape (1,), stride -8, flagged C-contiguous
    assert_array_equal(xp.asarray(view), np.array([2]))


@pytest.mark.parametrize(
    "scalar",
    [np.int8(-3), np.uint16(7), np.int64(2**40), np.float32(1.5), np.float64(0.1),
     np.bool_(True), np.complex64(1 - 1j)],
)
def test_asarray_numpy_scalars(scalar):
    x = xp.asarray(scalar)
    assert x.shape == ()
    assert dtype_name(x.dtype) == np.asarray(scalar).dtype.name
    assert x.tolist() == scalar.item()


def test_asarray_buffers():
    assert_array_equal(xp.asarray(b"\x01\x02\xff"), np.array([1, 2, 255], np.uint8))
    assert_array_equal(xp.asarray(bytearray(b"ab")), np.array([97, 98], np.uint8))
    mv = memoryview(np.array([1.5, -2.0], dtype=np.float32))
    assert_array_equal(xp.asarray(mv), np.array([1.5, -2.0], np.float32))


def test_asarray_mlx_array_and_array():
    m = mx.array([1, 2, 3], dtype=mx.int16)
    x = xp.asarray(m)
    assert_array_equal(x, np.array([1, 2, 3], np.int16))
    y = xp.asarray(x)
    assert y is x
    assert_array_equal(xp.asarray(x, dtype=xp.float32), np.array([1, 2, 3], np.float32))
    assert_array_equal(xp.asarray(m, dtype=xp.int64), np.array([1, 2, 3], np.int64))


def test_asarray_with_dtype():
    assert_array_equal(xp.asarray([1, 2], dtype=xp.float64), np.array([1, 2], np.float64))
    assert_array_equal(xp.asarray([[True, False]], dtype=xp.uint8), np.array([[1, 0]], np.uint8))
    assert_array_equal(xp.asarray(3, dtype=xp.int8), np.array(3, np.int8))
    assert_close(xp.asarray([0.5, 1.25], dtype=xp.bfloat16), np.array([0.5, 1.25]),
                 dtype="bfloat16")


def test_asarray_dlpack_producer():
    import torch

    x = xp.asarray(torch.tensor([1.5, 2.5]))
    assert_array_equal(x, np.array([1.5, 2.5], np.float32))


def test_from_dlpack():
    a = np.arange(6, dtype=np.int16).reshape(2, 3)
    assert_array_equal(xp.from_dlpack(a), a)
    x = xp.asarray([1.0, 2.0])
    assert_array_equal(xp.from_dlpack(x), np.array([1.0, 2.0], np.float32))


# --- asarray copy semantics -------------------------------------------------------

def test_asarray_copy_none_reuses_array():
    x = xp.asarray([1, 2, 3])
    assert xp.asarray(x) is x
    assert xp.asarray(x, dtype=xp.int32, copy=None) is x
    assert xp.asarray(x, copy=False) is x


def test_asarray_copy_true_is_independent():
    x = xp.asarray([1, 2, 3])
    y = xp.asarray(x, copy=True)
    assert y is not x
    y[0] = 10
    assert x.tolist() == [1, 2, 3]
    assert y.tolist() == [10, 2, 3]
    x[1] = 20
    assert y.tolist() == [10, 2, 3]


def test_asarray_copy_true_from_numpy_is_independent():
    a = np.array([1.0, 2.0], dtype=np.float32)
    x = xp.asarray(a, copy=True)
    a[0] = 5.0
    assert x.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("obj", [[1, 2], np.array([1, 2]), 3, b"ab"])
def test_asarray_copy_false_raises_when_a_copy_is_needed(obj):
    with pytest.raises(ValueError):
        xp.asarray(obj, copy=False)


def test_asarray_copy_false_dtype_change_raises():
    with pytest.raises(ValueError):
        xp.asarray(xp.asarray([1, 2]), dtype=xp.int64, copy=False)


# --- errors -------------------------------------------------------------------------

@pytest.mark.parametrize("f", [xp.zeros, xp.ones, xp.empty, lambda s: xp.full(s, 1)])
def test_negative_shape_raises(f):
    with pytest.raises(ValueError):
        f((2, -1))
    with pytest.raises(ValueError):
        f(-3)


@pytest.mark.parametrize("bad", ["float33", np.str_, "complex256", 3, object()])
def test_bad_dtype_raises(bad):
    for f in (lambda: xp.zeros(2, dtype=bad), lambda: xp.asarray([1], dtype=bad),
              lambda: xp.full(2, 1, dtype=bad), lambda: xp.arange(3, dtype=bad),
              lambda: xp.zeros_like(xp.ones(2), dtype=bad)):
        with pytest.raises(TypeError):
            f()


def test_int_out_of_dtype_range_raises():
    with pytest.raises(OverflowError):
        xp.asarray(300, dtype=xp.int8)
    with pytest.raises(OverflowError):
        xp.full((2,), 300, dtype=xp.int8)
    with pytest.raises(OverflowError):
        xp.asarray(-1, dtype=xp.uint32)
    with pytest.raises(OverflowError):
        xp.full((2,), 2**64)


@pytest.mark.parametrize("device", ["nonsense", "tpu", "cpu:x", 3, object()])
def test_bad_device_raises(device):
    with pytest.raises(ValueError):
        xp.zeros(2, device=device)
    with pytest.raises(ValueError):
        xp.asarray([1, 2], device=device)


def test_creation_never_syncs():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = xp.asarray(a)
    made = [
        x, xp.asarray([[1, 2], [3, 4]]), xp.asarray(2.5), xp.asarray(x, copy=True),
        xp.arange(10), xp.arange(0.0, 1.0, 0.1), xp.linspace(0, 1, 7), xp.eye(4, k=1),
        xp.zeros((2, 3)), xp.ones(4), xp.empty(2), xp.full((2, 2), 7),
        xp.zeros_like(x), xp.ones_like(x), xp.empty_like(x), xp.full_like(x, 3.0),
        xp.tril(x), xp.triu(x, k=1), *xp.meshgrid(xp.arange(3), xp.arange(2)),
    ]
    assert all(isinstance(m, xp.Array) for m in made)
    assert _lazy.counts() == {}
    assert math.isclose(float(xp.linspace(0, 1, 7)[-1]), 1.0)
    assert _lazy.counts() == {"conversion": 1}


@pytest.mark.parametrize("dtype", ["int8", "uint64", "float32", "bool", "complex64"])
@pytest.mark.parametrize("junk", [object(), "a", None, b"1"])
def test_full_with_a_dtype_refuses_fill_values_that_are_not_numbers(dtype, junk):
    """(found by tools/fuzz: with a dtype, object() filled a bool array with True and a
    string reached an int comparison: an accidental TypeError)"""
    with pytest.raises(TypeError, match="^full: "):
        xp.full((2,), junk, dtype=xp_dtype(dtype))


@pytest.mark.parametrize("value", [np.float32(1.5), np.int64(3), np.True_, np.uint8(7)])
@pytest.mark.parametrize("dtype", ["int8", "float32", "bool"])
def test_full_with_a_dtype_takes_numpy_scalars(value, dtype):
    assert_array_equal(xp.full((2,), value, dtype=xp_dtype(dtype)),
                       np.full((2,), value, dtype=dtype))
