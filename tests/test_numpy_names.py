"""NumPy names (docs/numpy.md) against NumPy: values, shapes, dtypes, errors, laziness,
and the AttributeError advice for the NumPy names that are not here."""

from __future__ import annotations

import inspect
import re
from contextlib import contextmanager

import numpy as np
import pytest
from helpers import assert_array_equal, assert_close, np_dtype, xp_dtype
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._numpy import aliases as _numpy_aliases
from tmath_array._numpy import shape as _numpy_shape
from tmath_array._numpy.advice import NUMPY_ADVICE
from tmath_array._runtime import lazy as _lazy

# --- the tables stay honest -------------------------------------------------------

# NumPy 2 dtype names -> the dtype they are here (NumPy's, on this 64-bit platform).
DTYPE_ALIASES = {
    "bool_": "bool", "byte": "int8", "ubyte": "uint8", "short": "int16", "ushort": "uint16",
    "intc": "int32", "int_": "int64", "intp": "int64", "uintp": "uint64", "uint": "uint64",
    "longlong": "int64", "ulonglong": "uint64", "half": "float16", "single": "float32",
    "double": "float64", "csingle": "complex64",
}
FUNCTIONS = """absolute arccos arccosh arcsin arcsinh arctan arctan2 arctanh power bitwise_not
    invert left_shift right_shift true_divide mod conjugate around amax amin cumsum cumprod
    ndim shape size array copy identity concatenate transpose diagonal
    split array_split hstack vstack dstack column_stack append swapaxes ravel atleast_1d
    atleast_2d atleast_3d fliplr flipud rot90 diag triu_indices tril_indices triu_indices_from
    tril_indices_from indices ix_ logspace geomspace pad dtype""".split()


@pytest.mark.parametrize("name", [*DTYPE_ALIASES, *FUNCTIONS, "ndarray"])
def test_numpy_name_is_exported_and_numpy_has_it(name):
    assert name in xp.__all__
    assert hasattr(np, name), f"NumPy has no {name}: the table is wrong"


@pytest.mark.parametrize("name", sorted(DTYPE_ALIASES))
def test_dtype_alias_is_numpys_dtype(name):
    assert getattr(xp, name) is xp_dtype(DTYPE_ALIASES[name])
    assert np.dtype(getattr(np, name)) == np_dtype(DTYPE_ALIASES[name])


def test_every_function_of_the_numpy_modules_is_in_the_table():
    defined = {n for mod in (_numpy_aliases, _numpy_shape) for n, f in vars(mod).items()
               if inspect.isfunction(f) and f.__module__ == mod.__name__
               and not n.startswith("_")}
    assert defined - {"as_array", "round_"} == set(FUNCTIONS)  # (round_ is xp.round)


def test_ndarray_is_array():
    assert xp.ndarray is xp.Array
    assert isinstance(xp.arange(3), xp.ndarray)
    assert not isinstance(np.arange(3), xp.ndarray)


@contextmanager
def no_sync():
    before = _lazy.counts()
    yield
    assert _lazy.counts() == before


# --- NumPy spellings of elementwise functions ---------------------------------------

F32 = np.array([-0.75, 0.0, 0.5, 0.9], dtype=np.float32)
POS = np.array([1.0, 1.5, 3.0], dtype=np.float32)
INTS = np.array([-3, 0, 2, 7], dtype=np.int32)
SMALL = np.array([0, 1, 2, 3], dtype=np.int8)

# (name, arguments as NumPy data, expected dtype: NumPy's unless given). NumPy gives
# float64 for integer input of the inverse trigonometric functions; here float32.
ELEMENTWISE = [
    ("absolute", (INTS,), None),
    ("absolute", (F32.tolist(),), "float32"),  # a list: float32, NumPy float64
    ("arccos", (F32,), None),
    ("arccos", (np.array([0, 1, -1], np.int32),), "float32"),
    ("arccosh", (POS,), None),
    ("arcsin", (F32,), None),
    ("arcsinh", (INTS,), "float32"),
    ("arctan", (F32,), None),
    ("arctanh", (F32,), None),
    ("arctan2", (F32, POS[:1]), None),
    ("arctan2", (INTS, 2), "float32"),
    ("power", (INTS, 2), None),
    ("power", (SMALL, SMALL), None),
    ("power", (POS, 0.5), None),
    ("bitwise_not", (INTS,), None),
    ("invert", (np.array([True, False]),), None),
    ("left_shift", (SMALL, 2), None),
    ("right_shift", (INTS, 1), None),
    ("true_divide", (F32, 2.0), None),
    ("true_divide", (INTS, 4), "float32"),
    ("mod", (INTS, 3), None),
    ("mod", (F32, -0.5), None),
    ("conjugate", (np.array([1 + 2j, -3j], dtype=np.complex64),), None),
    ("conjugate", (F32,), None),
]


def _xp_arg(a):
    return xp.asarray(a) if isinstance(a, np.ndarray) else a


@pytest.mark.parametrize("name,args,dtype", ELEMENTWISE,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ELEMENTWISE)])
def test_elementwise_spelling(name, args, dtype):
    with no_sync():
        got = getattr(xp, name)(*map(_xp_arg, args))
    want = getattr(np, name)(*args)
    assert_close(got, want.astype(dtype) if dtype else want, dtype=dtype)


@pytest.mark.parametrize("name,standard", [
    ("absolute", "abs"), ("arccos", "acos"), ("arctan2", "atan2"), ("power", "pow"),
    ("invert", "bitwise_invert"), ("left_shift", "bitwise_left_shift"),
    ("true_divide", "divide"), ("mod", "remainder"), ("conjugate", "conj")])
def test_elementwise_spelling_equals_the_standard_function(name, standard):
    x = xp.asarray([0.25, 0.5]) if name in ("absolute", "arccos", "arctan2", "power",
                                            "true_divide", "mod", "conjugate") \
        else xp.asarray([1, 6])
    args = (x,) if standard in ("abs", "acos", "bitwise_invert", "conj") else (x, x)
    assert np.array_equal(np.asarray(getattr(xp, name)(*args)),
                          np.asarray(getattr(xp, standard)(*args)))


def test_elementwise_spelling_errors():
    with pytest.raises(TypeError):
        xp.absolute("text")
    with pytest.raises(TypeError):
        xp.left_shift(xp.asarray([1.5]), 1)  # the standard's dtype rule stays
    for fn in (np.arctan2, xp.arctan2):
        with pytest.raises(TypeError):  # no complex arctan2
            fn(np.array([1j], np.complex64), 1.0)


def test_two_python_scalars_give_a_0d_array():
    out = xp.power(2, 10)
    assert out.shape == () and out.dtype == xp.int32 and int(out) == 1024


# --- around ---------------------------------------------------------------------------

@given(a=hnp.arrays(st.sampled_from([np.float32, np.float64]), hnp.array_shapes(max_dims=2),
                    elements=st.floats(-1e4, 1e4, width=32)),
       decimals=st.integers(-3, 4))
def test_around_matches_numpy(a, decimals):
    with no_sync():
        got = xp.around(xp.asarray(a, dtype=xp_dtype(a.dtype.name)), decimals)
    assert_array_equal(got, np.around(a, decimals))


@pytest.mark.parametrize("values,dtype,decimals", [
    ([150, 250, -150, 1234, -5], "int32", -2), ([17, -17], "int64", -1), ([5, 7], "int8", 1),
    ([125, 250], "uint8", -1), ([1.25, 2.5, 0.125], "float16", 1),
    ([1.25 + 2.35j, -0.5j], "complex64", 1), ([2.5, -0.5], "float32", 0)])
def test_around_table(values, dtype, decimals):
    a = np.array(values, dtype=np_dtype(dtype))
    assert_array_equal(xp.around(xp.asarray(a), decimals), np.around(a, decimals))


def test_around_errors():
    with pytest.raises(TypeError):
        xp.around(xp.asarray([1.0]), 1.5)
    with pytest.raises(TypeError):
        xp.around(xp.asarray([True]), -1)


# --- reductions and accumulations ---------------------------------------------------------

M = np.arange(24, dtype=np.float32).reshape(2, 3, 4) % 7 - 3


@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), ([0, 2], True),
                                           ((-1,), False)])
@pytest.mark.parametrize("name", ["amax", "amin"])
def test_amax_amin(name, axis, keepdims):
    want = getattr(np, name)(M, tuple(axis) if isinstance(axis, list) else axis,
                             keepdims=keepdims)
    assert_array_equal(getattr(xp, name)(M, axis, keepdims), want)
    assert_array_equal(getattr(xp, name)(xp.asarray(M), axis=axis, keepdims=keepdims), want)


def test_amax_amin_errors():
    with pytest.raises(ValueError):
        xp.amax(np.zeros((0, 3), np.float32))  # NumPy: ValueError too
    with pytest.raises(IndexError):
        xp.amin(M, 3)


# (input, axis, dtype, expected dtype): NumPy accumulates int32 and bool in int64;
# here in the default integer, int32.
CUMULATIVE = [
    (M, None, None, "float32"), (M, 1, None, "float32"), (M, -1, "float64", "float64"),
    (np.arange(6, dtype=np.int8).reshape(2, 3), 0, None, "int32"),
    (np.arange(1, 7, dtype=np.uint16), None, None, "uint32"),
    (np.array([[True, False], [True, True]]), None, None, "int32"),
]


@pytest.mark.parametrize("a,axis,dtype,want", CUMULATIVE)
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumsum_cumprod(name, a, axis, dtype, want):
    with no_sync():
        got = getattr(xp, name)(xp.asarray(a), axis, None if dtype is None else xp_dtype(dtype))
    assert_array_equal(got, getattr(np, name)(a, axis=axis).astype(want), dtype=want)


def test_cumsum_takes_array_likes():
    assert_array_equal(xp.cumsum([[1, 2], [3, 4]], 1), np.cumsum([[1, 2], [3, 4]], 1),
                       dtype="int32")
    with pytest.raises(IndexError):
        xp.cumsum(M, axis=3)


# --- shape, conversion, creation ----------------------------------------------------------

@pytest.mark.parametrize("a", [M, [[1, 2, 3]], 2.5, np.zeros((0, 4))])
def test_ndim_shape_size(a):
    assert xp.ndim(a) == np.ndim(a)
    assert xp.shape(a) == np.shape(a)
    assert xp.size(a) == np.size(a)
    if np.ndim(a) >= 2:
        assert xp.size(a, 1) == np.size(a, 1)
        assert xp.size(a, (0, -1)) == np.size(a, (0, -1))
    assert xp.shape(xp.asarray(a)) == np.shape(a)
    with pytest.raises(IndexError):
        xp.size(a, np.ndim(a))


def test_array_copy_identity():
    src = xp.asarray([1.0, 2.0])
    for y in (xp.array(src), xp.copy(src), xp.array(src, copy=None, dtype=xp.float64)):
        y[0] = 9.0
        assert src.tolist() == [1.0, 2.0]
    assert xp.array(src, copy=None) is src
    assert_array_equal(xp.array([[1, 2]], xp.int8, ndmin=4), np.array([[1, 2]], np.int8, ndmin=4))
    assert_array_equal(xp.array([1.5, 2.0]), np.array([1.5, 2.0], np.float32))  # float32 default
    with pytest.raises(ValueError):
        xp.array([1, 2], copy=False)  # NumPy 2: ValueError too
    assert_array_equal(xp.identity(3), np.identity(3, np.float32))
    assert_array_equal(xp.identity(2, dtype=xp.int16), np.identity(2, np.int16))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concatenate(axis):
    a, b = M[:, :2], M[:, 1:]
    if axis in (0, -1):
        a, b = M, M[:, :, :1] if axis == -1 else M[:1]
    want = np.concatenate([a, b], axis=axis)
    assert_array_equal(xp.concatenate([xp.asarray(a), b.tolist()], axis), want)
    assert_array_equal(xp.concatenate((a, b), axis=axis, dtype=xp.float64),
                       want.astype(np.float64))


def test_concatenate_errors():
    with pytest.raises(ValueError):
        xp.concatenate([M, M[:, :1]])
    with pytest.raises(ValueError):
        xp.concatenate([])
    with pytest.raises(IndexError):
        xp.concatenate([M], axis=3)
    with pytest.raises(TypeError):
        xp.concatenate(xp.asarray(M))


@given(a=hnp.arrays(np.int16, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3)),
       data=st.data())
def test_transpose(a, data):
    x = xp.asarray(a)
    with no_sync():
        got = xp.transpose(x)
    assert_array_equal(got, np.transpose(a))
    axes = data.draw(st.permutations(range(a.ndim)))
    assert_array_equal(xp.transpose(x, axes), np.transpose(a, axes))
    assert_array_equal(xp.transpose(x), xp.permute_dims(x, tuple(reversed(range(a.ndim)))))


@given(a=hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=4),
                    elements=st.integers(-9, 9).map(float)), data=st.data())
def test_diagonal(a, data):
    ax1, ax2 = data.draw(st.lists(st.integers(-a.ndim, a.ndim - 1), min_size=2, max_size=2,
                                  unique_by=lambda i: i % a.ndim))
    offset = data.draw(st.integers(-5, 5))
    with no_sync():
        got = xp.diagonal(xp.asarray(a), offset, ax1, ax2)
    assert_array_equal(got, np.diagonal(a, offset, ax1, ax2))


def test_diagonal_errors():
    for bad in ((0, 0), (1, -1)):  # the same axis twice: ValueError (NumPy too)
        with pytest.raises(ValueError):
            np.diagonal(M[0], 0, *bad)
        with pytest.raises(ValueError):
            xp.diagonal(M[0], 0, *bad)
    with pytest.raises(IndexError):  # NumPy's AxisError is an IndexError
        np.diagonal(M, 0, 0, 3)
    with pytest.raises(IndexError):
        xp.diagonal(M, 0, 0, 3)
    with pytest.raises(ValueError):
        xp.diagonal(np.arange(3))


# --- split, array_split ----------------------------------------------------------------------

@given(n=st.integers(0, 12), data=st.data())
def test_split_and_array_split(n, data):
    a = np.arange(2 * n, dtype=np.int32).reshape(2, n)
    x = xp.asarray(a)
    how = data.draw(st.integers(1, 5) | st.lists(st.integers(-n - 3, n + 3), max_size=4))
    fns = ["array_split"] + (["split"] if isinstance(how, list) or n % how == 0 else [])
    for name in fns:
        with no_sync():
            got = getattr(xp, name)(x, how, axis=1)
        want = getattr(np, name)(a, how, axis=1)
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_array_equal(g, w)


def test_split_of_an_empty_axis_into_too_many_parts_is_a_memory_error():
    # (found by the fuzzer: 2**31 - 2 empty parts were made one by one until Python ran out
    # of memory, an empty MemoryError)
    for fn in (xp.split, xp.array_split):
        with pytest.raises(MemoryError, match="arrays"):
            fn(xp.zeros((3, 0)), 2**31 - 2, axis=1)
    assert len(xp.split(xp.zeros((3, 0)), 5, axis=1)) == 5


def test_split_errors():
    a = np.arange(10)
    for fn in (np.array_split, xp.array_split, xp.split):  # np.split: ZeroDivisionError
        with pytest.raises(ValueError):
            fn(a, 0)
    for fn in (np.split, xp.split, np.array_split, xp.array_split):
        with pytest.raises(IndexError):
            fn(a, 2, axis=1)
    for fn in (np.split, xp.split):
        with pytest.raises(ValueError):  # unequal parts
            fn(a, 3)
    with pytest.raises(TypeError):
        xp.split(a, xp.asarray([2, 5]))  # an Array of indices would be a sync point
    with pytest.raises(TypeError):
        xp.split(a, [1.5])


# --- stacking and shape functions --------------------------------------------------------------

SHAPES = [(), (3,), (2, 3), (2, 3, 4)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack",
                                  "dstack", "column_stack", "ravel", "flipud", "fliplr"])
def test_shape_function_table(name, shape):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    np_fn, xp_fn = getattr(np, name), getattr(xp, name)
    if name in ("hstack", "vstack", "dstack", "column_stack"):
        args = ([a, a + 1],)
    else:
        args = (a,)
    try:
        want = np_fn(*args)
    except ValueError:
        with pytest.raises(ValueError):
            xp_fn(*map(lambda t: [xp.asarray(v) for v in t] if isinstance(t, list)
                       else xp.asarray(t), args))
        return
    with no_sync():
        got = xp_fn(*map(lambda t: [xp.asarray(v) for v in t] if isinstance(t, list)
                         else xp.asarray(t), args))
    assert_array_equal(got, want)


def test_atleast_several_inputs():
    got = xp.atleast_2d(1.0, [1, 2], M)
    want = np.atleast_2d(np.float32(1.0), np.array([1, 2], np.int32), M)
    assert isinstance(got, tuple) and len(got) == 3
    for g, w in zip(got, want):
        assert_array_equal(g, w)
    assert xp.atleast_3d() == np.atleast_3d() == ()


def test_stacks_with_mixed_shapes_and_dtype():
    a, b = np.arange(3, dtype=np.int32), np.arange(6, dtype=np.int32).reshape(2, 3)
    assert_array_equal(xp.vstack([a, b]), np.vstack([a, b]))
    assert_array_equal(xp.vstack([a, b], dtype=xp.float32), np.vstack([a, b], dtype=np.float32))
    assert_array_equal(xp.hstack([b, b.T[:2].T]), np.hstack([b, b.T[:2].T]))
    assert_array_equal(xp.column_stack([a, b.T]), np.column_stack([a, b.T]))
    for fn in (xp.hstack, xp.vstack, xp.dstack, xp.column_stack):
        with pytest.raises(ValueError):
            fn([])
        with pytest.raises(TypeError):
            fn(xp.asarray(a))
    with pytest.raises(ValueError):
        xp.vstack([a, np.arange(4)])


def test_ravel_order():
    assert_array_equal(xp.ravel(M, order="F"), np.ravel(M, order="F"))
    assert_array_equal(xp.ravel(M, "K"), np.ravel(M, "K"))
    with pytest.raises(ValueError):
        xp.ravel(M, order="X")


@given(a=hnp.arrays(np.int8, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=3)),
       data=st.data())
def test_swapaxes(a, data):
    i, j = data.draw(st.integers(-a.ndim, a.ndim - 1)), data.draw(st.integers(-a.ndim,
                                                                               a.ndim - 1))
    x = xp.asarray(a)
    with no_sync():
        got = xp.swapaxes(x, i, j)
    assert_array_equal(got, np.swapaxes(a, i, j))
    for fn in (np.swapaxes, xp.swapaxes):
        with pytest.raises(IndexError):
            fn(a, 0, a.ndim)


@given(a=hnp.arrays(np.int16, hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=3)),
       k=st.integers(-6, 6), data=st.data())
def test_rot90(a, k, data):
    axes = data.draw(st.lists(st.integers(-a.ndim, a.ndim - 1), min_size=2, max_size=2,
                              unique_by=lambda i: i % a.ndim))
    x = xp.asarray(a)
    with no_sync():
        got = xp.rot90(x, k, axes)
    assert_array_equal(got, np.rot90(a, k, axes))


def test_rot90_errors():
    for fn in (np.rot90, xp.rot90):
        with pytest.raises(ValueError):
            fn(M, 1, (0, 0))
        with pytest.raises(ValueError):
            fn(M, 1, (0, 1, 2))
    with pytest.raises(IndexError):  # NumPy: ValueError; here the package's axis convention
        xp.rot90(M, 1, (0, 3))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_append(axis):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    v = a[:1] if axis == 0 else a[:, :2] if axis == 1 else [7.0, 8.5]
    # A list of Python floats: float32 here, float64 in NumPy.
    assert_array_equal(xp.append(xp.asarray(a), v, axis=axis), np.append(a, v, axis=axis),
                       dtype="float32")
    if axis is not None:
        with pytest.raises(ValueError):
            xp.append(a, [1.0, 2.0], axis=axis)


# --- diag, triangle indices, index grids ------------------------------------------------------

@pytest.mark.parametrize("k", [-4, -1, 0, 2, 5])
@pytest.mark.parametrize("shape", [(0,), (3,), (3, 4), (0, 2), (1, 1)])
def test_diag(shape, k):
    a = (np.arange(int(np.prod(shape))) - 2).astype(np.int32).reshape(shape)
    with no_sync():
        got = xp.diag(xp.asarray(a), k)
    assert_array_equal(got, np.diag(a, k))


def test_diag_dtypes_and_errors():
    for a in (np.array([True, False]), np.array([1 + 1j, 2j], np.complex64)):
        assert_array_equal(xp.diag(a, 1), np.diag(a, 1))
    for bad in (np.zeros(()), np.zeros((2, 2, 2))):
        for fn in (np.diag, xp.diag):
            with pytest.raises(ValueError):
                fn(bad)
    with pytest.raises(TypeError):
        xp.diag([1, 2], 1.0)


@pytest.mark.parametrize("n,k,m", [(4, 0, None), (4, 1, None), (4, -2, 6), (3, 5, 2),
                                   (0, 0, None), (5, -7, 3), (1, 0, 0)])
@pytest.mark.parametrize("name", ["triu_indices", "tril_indices"])
def test_triangle_indices(name, n, k, m):
    with no_sync():
        got = getattr(xp, name)(n, k, m)
    want = getattr(np, name)(n, k, m)
    assert len(got) == 2
    for g, w in zip(got, want):
        assert_array_equal(g, w.astype(np.int32), dtype="int32")  # NumPy: intp
    a = np.zeros((n, n if m is None else m))
    for g, w in zip(getattr(xp, name + "_from")(a, k), getattr(np, name + "_from")(a, k)):
        assert_array_equal(g, w.astype(np.int32), dtype="int32")


def test_triangle_indices_errors():
    with pytest.raises(ValueError):
        xp.triu_indices(-1)
    with pytest.raises(TypeError):
        xp.tril_indices(3.0)
    with pytest.raises(ValueError):
        xp.triu_indices_from(np.zeros(3))


def test_triangle_indices_select_what_numpy_selects():
    a = np.arange(20, dtype=np.float32).reshape(4, 5)
    rows, cols = xp.triu_indices_from(a, 1)
    assert_array_equal(xp.asarray(a)[rows, cols], a[np.triu_indices_from(a, 1)])


@pytest.mark.parametrize("dims", [(2, 3), (4,), (2, 0, 3), ()])
def test_indices(dims):
    with no_sync():
        dense = xp.indices(dims)
        sparse = xp.indices(dims, dtype=xp.int8, sparse=True)
    assert_array_equal(dense, np.indices(dims).astype(np.int32), dtype="int32")
    want = np.indices(dims, dtype=np.int8, sparse=True)
    assert len(sparse) == len(want)
    for g, w in zip(sparse, want):
        assert_array_equal(g, w)
    with pytest.raises(TypeError):
        xp.indices(3)


def test_ix_():
    a = np.arange(30, dtype=np.float32).reshape(5, 6)
    got = xp.ix_([0, 3, 4], xp.asarray([5, 1]))
    want = np.ix_([0, 3, 4], [5, 1])
    for g, w in zip(got, want):
        assert_array_equal(g, w.astype(np.int32), dtype="int32")
    assert_array_equal(xp.asarray(a)[got], a[want])
    assert xp.ix_([])[0].dtype == xp.int32
    with pytest.raises(TypeError):
        xp.ix_([True, False])
    with pytest.raises(ValueError):
        xp.ix_([[1, 2]])


# --- logspace, geomspace ----------------------------------------------------------------------

@pytest.mark.parametrize("start,stop,num,endpoint,base", [
    (0, 3, 4, True, 10.0), (-2, 2.5, 7, False, 10.0), (1, -1, 5, True, 2.0), (0, 1, 1, True, 10.0),
    (0, 1, 0, True, 10.0), (2, 8, 13, True, np.e)])
def test_logspace(start, stop, num, endpoint, base):
    with no_sync():
        got = xp.logspace(start, stop, num, endpoint, base)
    assert_close(got, np.logspace(start, stop, num, endpoint, base).astype(np.float32),
                 rtol=1e-6)
    assert_close(xp.logspace(start, stop, num, endpoint, base, dtype=xp.float64),
                 np.logspace(start, stop, num, endpoint, base))


@pytest.mark.parametrize("start,stop,num,endpoint", [
    (1, 1000, 4, True), (-1, -1000, 4, True), (2, 3, 5, False), (5, 0.5, 6, True),
    (7, 7, 3, True), (3.5, 1e6, 1, True), (1, 10, 0, True)])
def test_geomspace(start, stop, num, endpoint):
    with no_sync():
        got = xp.geomspace(start, stop, num, endpoint, dtype=xp.float64)
    want = np.geomspace(start, stop, num, endpoint)
    assert_close(got, want)
    if num:
        assert float(got[0]) == start  # exact ends, as NumPy
    assert_close(xp.geomspace(start, stop, num, endpoint), want.astype(np.float32), rtol=1e-6)


def test_log_ranges_integer_dtype_and_errors():
    assert_array_equal(xp.logspace(0, 3, 4, dtype=xp.int32),
                       np.logspace(0, 3, 4, dtype=np.int32))
    for fn in (np.geomspace, xp.geomspace):
        with pytest.raises(ValueError):
            fn(0, 10)
    with pytest.raises(ValueError):  # NumPy: NaN and a RuntimeWarning
        xp.geomspace(-1, 10)
    with pytest.raises(TypeError):
        xp.logspace(0, 1j)
    with pytest.raises(ValueError):
        xp.logspace(0, 1, -1)


# --- pad ---------------------------------------------------------------------------------------

MODES = ["constant", "edge", "reflect", "symmetric", "wrap"]


@st.composite
def pad_widths(draw, ndim: int):
    w = st.integers(0, 7)
    form = draw(st.integers(0, 4 if ndim else 2))  # NumPy refuses [] and () (float arrays)
    if form == 0:
        return draw(w)
    if form == 1:
        return (draw(w), draw(w))
    if form == 2:
        return ((draw(w), draw(w)),)
    if form == 3:
        return [(draw(w),) for _ in range(ndim)]
    return tuple((draw(w), draw(w)) for _ in range(ndim))


@given(a=hnp.arrays(np.int16, hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)),
       mode=st.sampled_from(MODES), data=st.data())
def test_pad(a, mode, data):
    width = data.draw(pad_widths(a.ndim))
    with no_sync():
        got = xp.pad(xp.asarray(a), width, mode)
    assert_array_equal(got, np.pad(a, width, mode))


@pytest.mark.parametrize("values", [5, (1, 2), ((1, 2),), ((1, 2), (3, 4), (-5, 6)), 2.7])
def test_pad_constant_values(values):
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    width = ((1, 2), (0, 1), (2, 1))
    assert_array_equal(xp.pad(a, width, constant_values=values),
                       np.pad(a, width, constant_values=values))
    f = a.astype(np.float32)
    assert_array_equal(xp.pad(f, 1, "constant", constant_values=values),
                       np.pad(f, 1, "constant", constant_values=values))


def test_pad_empty_axis_and_errors():
    e = np.zeros((0, 2), np.float32)
    assert_array_equal(xp.pad(e, 1), np.pad(e, 1))
    assert_array_equal(xp.pad(e, ((0, 0), (1, 1)), "edge"), np.pad(e, ((0, 0), (1, 1)), "edge"))
    for fn in (np.pad, xp.pad):
        with pytest.raises(ValueError):  # nothing to copy from
            fn(e, 1, mode="edge")
        with pytest.raises(ValueError):
            fn(M, -1)
        with pytest.raises(TypeError):
            fn(M, 1.5)
        with pytest.raises(ValueError):
            fn(M, ((1, 2, 3),))
    with pytest.raises(ValueError):
        xp.pad(M, 1, mode="linear_ramp")  # a NumPy mode not supported here
    with pytest.raises(ValueError):
        xp.pad(M, 1, mode="reflect", reflect_type="odd")


# --- laziness ------------------------------------------------------------------------------------

def test_shape_functions_are_lazy():
    x = xp.reshape(xp.arange(24, dtype=xp.float32), (2, 3, 4))
    with no_sync():
        outs = [xp.split(x, 2, axis=0), xp.array_split(x, [1, 2], axis=2), xp.hstack([x, x]),
                xp.vstack([x, x]), xp.dstack([x, x]), xp.column_stack([x[0], x[1]]),
                xp.swapaxes(x, 0, 2), xp.ravel(x), xp.atleast_3d(x[0, 0]), xp.fliplr(x),
                xp.flipud(x), xp.rot90(x), xp.append(x, x), xp.diag(x[0]), xp.diag(x[0, 0]),
                xp.triu_indices(4), xp.indices((2, 3)), xp.ix_([0, 1], [2]),
                xp.logspace(0, 1, 5), xp.geomspace(1, 2, 5),
                *(xp.pad(x, 2, m) for m in MODES), xp.transpose(x), xp.diagonal(x),
                xp.concatenate([x, x], axis=None), xp.cumsum(x), xp.around(x, 2)]
    assert len(outs) == 30


# --- AttributeError advice for NumPy names that are not here -------------------------------

def _numpy_has_or_removed(name: str) -> bool:
    try:
        getattr(np, name)
    except AttributeError as exc:
        return "removed in the NumPy 2.0 release" in str(exc)
    return True


@pytest.mark.parametrize("name", sorted(NUMPY_ADVICE))
def test_unsupported_numpy_name_says_what_to_use(name):
    assert _numpy_has_or_removed(name), f"{name} is not a NumPy name: the table is wrong"
    assert name not in xp.__all__
    with pytest.raises(AttributeError) as info:
        getattr(xp, name)
    msg = str(info.value)
    assert msg.startswith(f"module 'tmath_array' has no attribute '{name}'")
    assert NUMPY_ADVICE[name] in msg
    assert info.value.name == name
    assert not hasattr(xp, name)


def test_advice_names_existing_functions():
    """Every ``xp.<name>`` an advice recommends exists (so the advice stays true)."""
    for name, advice in NUMPY_ADVICE.items():
        for ref in re.findall(r"\bxp\.([A-Za-z_][\w.]*\w)", advice):
            obj = xp
            for part in ref.split("."):
                assert hasattr(obj, part), f"advice for {name} names xp.{ref}, which is missing"
                obj = getattr(obj, part)


def test_other_missing_names_keep_the_normal_message():
    with pytest.raises(AttributeError) as info:
        xp.no_such_name  # noqa: B018
    assert str(info.value) == "module 'tmath_array' has no attribute 'no_such_name'"
    assert getattr(xp, "float_", None) is None
    with pytest.raises(ImportError):
        from tmath_array import float_  # noqa: F401


@pytest.mark.parametrize("junk", [object(), "a", None, [1, object()]])
def test_pad_constant_values_that_are_not_numbers(junk):
    """(found by tools/fuzz: "'<=' not supported between instances of 'int' and 'object'")"""
    with pytest.raises(TypeError, match="pad: expected a Python scalar"):
        xp.pad(xp.zeros((2,), dtype=xp.uint16), 1, constant_values=junk)


@pytest.mark.parametrize("fn", ["atleast_1d", "atleast_3d", "arcsinh", "absolute", "copy"])
@pytest.mark.parametrize("text", [b"ab", "ab"])
def test_numpy_names_refuse_text(fn, text):
    """NumPy makes a string scalar of bytes (found by tools/fuzz: atleast_3d(b"ab") was a
    (1, 2, 1) array of the bytes); there are no string dtypes here."""
    with pytest.raises(TypeError, match="strings are not supported"):
        getattr(xp, fn)(text)
    assert np.asarray(text).shape == ()
