"""Array methods against NumPy's ndarray methods (and PyTorch's Tensor methods) as oracles."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import torch
from helpers import dtype_name, np_dtype, to_numpy, xp_dtype
from hypothesis import given
from hypothesis import strategies as st
from section_helpers import arrays, to_xp

import tmath_array as xp

SHAPE = (2, 3, 4)


def _data(name: str, shape=SHAPE) -> np.ndarray:
    """Deterministic values of dtype ``name`` (NumPy), small enough that products fit."""
    rng = np.random.default_rng(zlib.crc32(f"{name}{shape}".encode()))
    if name == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if name.startswith("uint"):
        return rng.integers(0, 3, shape).astype(name)
    if name.startswith("int"):
        return rng.integers(-2, 3, shape).astype(name)
    if name == "complex64":
        return (rng.integers(-4, 5, shape) + 1j * rng.integers(-4, 5, shape)).astype(name) / 2
    return (rng.integers(-4, 5, shape) / 2).astype(np_dtype(name))


def _pair(name: str, shape=SHAPE):
    a = np.asarray(_data(name, shape))  # a 0-d array, not a NumPy scalar
    return to_xp(a, name), a


def _check(got, expected, *, close: bool = False) -> None:
    """``got`` (an Array) holds NumPy's ``expected`` values, in its shape and kind of dtype."""
    expected = np.asarray(expected)
    assert isinstance(got, xp.Array)
    assert got.shape == expected.shape
    values = to_numpy(got)
    assert values.dtype.kind == expected.dtype.kind or (
        values.dtype.kind == "f" and expected.dtype.kind == "f"), (values.dtype, expected.dtype)
    if close:
        np.testing.assert_allclose(values, expected, rtol=2e-3 if values.dtype == np.float16
                                   else 1e-5)
    else:
        np.testing.assert_array_equal(values, expected)


# --- reductions --------------------------------------------------------------------------

REDUCTION_DTYPES = ("bool", "int8", "int32", "int64", "uint8", "float16", "float32", "float64")
REDUCTION_KWARGS = [{}, {"axis": 0}, {"axis": -1}, {"axis": (0, 2)}, {"axis": 1, "keepdims": True}]


@pytest.mark.parametrize("kwargs", REDUCTION_KWARGS, ids=str)
@pytest.mark.parametrize("name", REDUCTION_DTYPES)
@pytest.mark.parametrize("method", ["sum", "prod", "mean", "max", "min", "any", "all"])
def test_reduction_matches_numpy(method, name, kwargs):
    x, a = _pair(name)
    got = getattr(x, method)(**kwargs)
    if method == "prod" and name == "float16":
        # float16 products accumulate in float32 and round once (NumPy's, in float16, do not).
        expected = a.astype(np.float32).prod(**kwargs).astype(np.float16)
    else:
        expected = getattr(a, method)(**kwargs)
    _check(got, expected, close=method == "mean")
    if name != "bool":  # the method's dtype is the namespace function's
        assert got.dtype == getattr(xp, method)(x, **kwargs).dtype


@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"axis": -1, "keepdims": True}], ids=str)
@pytest.mark.parametrize("name", ["bool", "uint8", "int32", "float32"])
@pytest.mark.parametrize("method", ["argmax", "argmin"])
def test_arg_extremum_matches_numpy(method, name, kwargs):
    x, a = _pair(name)
    got = getattr(x, method)(**kwargs)
    _check(got, getattr(a, method)(**kwargs))
    assert got.dtype == xp.int32


# Few kernels: var/std compile one per dtype and axes (ddof is an input, not a constant).
@pytest.mark.parametrize("method,name,kwargs", [
    ("std", "float32", {}),
    ("std", "float32", {"ddof": 1}),
    ("std", "float16", {"dtype": "float32"}),
    ("var", "int32", {"axis": 0, "ddof": 1}),
    ("var", "bool", {"axis": 0, "ddof": 1}),
], ids=str)
def test_std_var_take_numpy_ddof(method, name, kwargs):
    x, a = _pair(name)
    _check(getattr(x, method)(**kwargs), getattr(a, method)(**kwargs), close=True)


def test_reduction_dtype_argument_takes_numpy_spellings():
    x, a = _pair("int8")
    for dtype, want in [(xp.int64, "int64"), ("int64", "int64"), (np.float32, "float32"),
                        (float, "float64")]:
        got = x.sum(axis=1, dtype=dtype)
        assert dtype_name(got.dtype) == want
        _check(got, a.sum(axis=1, dtype=want))
    _check(x.mean(dtype=xp.float64), a.mean(dtype=np.float64))
    assert x.mean(dtype=xp.float64).dtype == xp.float64


@given(case=arrays(("int16", "float32"), min_dims=1, max_dims=3, min_side=1, max_side=4,
                   special=False), data=st.data(),
       method=st.sampled_from(["sum", "mean", "max", "min", "argmax", "argmin", "any"]))
def test_reduction_along_any_axis_matches_numpy(case, data, method):
    name, a = case
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    got = getattr(to_xp(a, name), method)(axis=axis, keepdims=keepdims)
    expected = getattr(a, method)(axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-5, atol=1e-3)


# --- cumulative --------------------------------------------------------------------------

@pytest.mark.parametrize("method,name,kwargs", [
    ("cumsum", "float32", {}),
    ("cumsum", "int8", {"axis": 1}),
    ("cumsum", "bool", {}),
    ("cumprod", "float32", {"axis": -1}),
    ("cumsum", "int32", {"dtype": "float32"}),
], ids=str)
def test_cumulative_flattens_without_axis_as_numpy(method, name, kwargs):
    x, a = _pair(name)
    _check(getattr(x, method)(**kwargs), getattr(a, method)(**kwargs))


def test_cumsum_of_a_0d_array_is_1d_as_numpy():
    a = np.array(5, dtype=np.int32)
    _check(xp.asarray(a).cumsum(), a.cumsum())
    _check(xp.asarray(a).cumsum(axis=0), np.cumsum(a, axis=0))


# --- shape ------------------------------------------------------------------------------

@pytest.mark.parametrize("args,kwargs", [
    ((6, 4), {}), (((6, 4),), {}), (([4, 6],), {}), ((-1,), {}), ((4, -1), {}),
    ((3, 8), {"order": "F"}), (((2, 2, 6),), {"order": "F"}), ((24,), {"order": "A"}),
], ids=str)
def test_reshape_matches_numpy(args, kwargs):
    x, a = _pair("int32")
    _check(x.reshape(*args, **kwargs), a.reshape(*args, **kwargs))


@pytest.mark.parametrize("shape,args", [
    (SHAPE, ()), (SHAPE, (None,)), (SHAPE, ((2, 0, 1),)), (SHAPE, (1, 2, 0)),
    (SHAPE, ([0, 2, 1],)), ((3, 4), (1, 0)), ((3, 4), ()), ((4,), ()), ((), ()),
], ids=str)
def test_transpose_matches_numpy(shape, args):
    x, a = _pair("float32", shape)
    _check(x.transpose(*args), a.transpose(*args))


@pytest.mark.parametrize("axes", [(0, 2), (-1, 1), (1, 1)], ids=str)
def test_swapaxes_matches_numpy(axes):
    x, a = _pair("float32")
    _check(x.swapaxes(*axes), a.swapaxes(*axes))


@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
@pytest.mark.parametrize("method", ["flatten", "ravel"])
def test_flatten_and_ravel_match_numpy(method, order):
    x, a = _pair("int8")
    _check(getattr(x, method)(order), getattr(a, method)(order))


@pytest.mark.parametrize("axis", [None, 0, (0, 2), -2], ids=str)
def test_squeeze_matches_numpy(axis):
    x, a = _pair("float32", (1, 3, 1, 2))
    _check(x.squeeze(axis), a.squeeze(axis))


@pytest.mark.parametrize("offset,axis1,axis2", [(0, 0, 1), (1, 0, 1), (-1, 1, 2), (2, 2, 0),
                                                (0, -1, -3)])
def test_diagonal_and_trace_match_numpy(offset, axis1, axis2):
    x, a = _pair("int32", (3, 4, 5))
    _check(x.diagonal(offset, axis1, axis2), a.diagonal(offset, axis1, axis2))
    _check(x.trace(offset, axis1, axis2), a.trace(offset, axis1, axis2))


def test_trace_of_bool_counts_and_takes_dtype():
    x, a = _pair("bool", (4, 4))
    _check(x.trace(), a.trace())
    y, b = _pair("int8", (3, 3))
    assert y.trace(dtype="int64").dtype == xp.int64
    _check(y.trace(dtype="int64"), b.trace(dtype=np.int64))


# --- products ---------------------------------------------------------------------------

DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((), (3,)),
              ((2, 3), ())]


@pytest.mark.parametrize("name,s1,s2", [("int32", *s) for s in DOT_SHAPES] + [
    ("float32", *s) for s in DOT_SHAPES + [((2, 3, 4), (4,)), ((2, 3, 4), (5, 4, 6))]], ids=str)
def test_dot_matches_numpy(name, s1, s2):
    x, a = _pair(name, s1)
    y, b = _pair(name, s2)
    _check(x.dot(y), a.dot(b), close=True)


def test_dot_with_a_python_scalar():
    x, a = _pair("float32", (2, 3))
    _check(x.dot(2.0), a.dot(np.float32(2.0)))


# --- sorting and searching ----------------------------------------------------------------

def _ties_and_nan(shape=(3, 5)):
    a = _data("float32", shape)
    a[0, 1] = np.nan
    return xp.asarray(a), a


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_argsort_matches_numpy_stable_sort(axis):
    x, a = _ties_and_nan()
    _check(x.argsort(axis), a.argsort(axis, kind="stable"))
    _check(x.argsort(axis=axis, kind="quicksort", stable=True), a.argsort(axis, stable=True))


def test_argsort_of_bool_and_0d():
    x, a = _pair("bool", (7,))
    _check(x.argsort(), a.argsort(kind="stable"))
    _check(xp.asarray(3.0).argsort(), np.array(3.0).argsort())


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("name", ["float32", "bool", "uint8"])
def test_sort_is_in_place_and_returns_none(name, axis):
    x, a = _pair(name, (3, 5))
    assert x.sort(axis) is None
    assert a.sort(axis) is None
    _check(x, a)
    assert x.dtype == xp_dtype(name)


def test_nonzero_matches_numpy():
    x, a = _pair("int8", (3, 4))
    got = x.nonzero()
    expected = a.nonzero()
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        _check(g, e)


# --- elementwise ----------------------------------------------------------------------------

@pytest.mark.parametrize("decimals", [-2, -1, 0, 1, 2])
@pytest.mark.parametrize("name", ["float32", "float64", "int32", "complex64"])
def test_round_matches_numpy(name, decimals):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    if name == "int32":
        a = np.concatenate([[15, 25, 150, 250, 5, 35, 0, 949, 950, 1050],
                            rng.integers(0, 2000, 20)])
        a = np.concatenate([a, -a]).astype(name)
    else:
        a = (rng.normal(0, 300, 40) + 1j * rng.normal(0, 300, 40) if name == "complex64"
             else np.concatenate([rng.normal(0, 300, 40), [0.125, 2.5, -3.5, 0.05]]))
        a = a.astype(name)
    got = xp.asarray(a).round(decimals)
    assert got.dtype == xp_dtype(name)
    _check(got, a.round(decimals))


def test_round_of_small_integers_by_a_large_power_is_zero():
    a = np.array([100, -100, 5], dtype=np.int8)
    _check(xp.asarray(a).round(-3), a.round(-3))


def test_clip_and_conj_match_numpy():
    x, a = _pair("float32")
    _check(x.clip(-1, 1), a.clip(-1, 1))
    _check(x.clip(min=0), a.clip(min=0))
    _check(x.clip(max=0.5), a.clip(max=0.5))
    z, c = _pair("complex64", (5,))
    _check(z.conj(), c.conj())
    _check(x.conj(), a.conj())


# --- dtypes, copies, values ---------------------------------------------------------------

@pytest.mark.parametrize("spec,want", [
    (xp.float32, "float32"), (float, "float64"), (int, "int64"), (bool, "bool"),
    (complex, "complex64"), ("float32", "float32"), ("int8", "int8"), (np.float16, "float16"),
    (np.dtype("uint8"), "uint8"), ("bfloat16", "bfloat16"), (np.complex128, "complex64"),
], ids=str)
def test_astype_takes_numpy_dtype_spellings(spec, want):
    x, a = _pair("float32")
    got = x.astype(spec)
    assert dtype_name(got.dtype) == want
    _check(got, a.astype(np_dtype(want)))


def test_astype_copy_false_keeps_the_array():
    x, _ = _pair("float32")
    assert x.astype(xp.float32, copy=False) is x
    assert x.astype(xp.float32) is not x


def test_copy_is_independent_and_lazy():
    x, a = _pair("float32", (4,))
    y = x.copy()
    x[0] = 100.0
    assert xp.sync_stats().total == 0
    _check(y, a)


@pytest.mark.parametrize("name,value", [("float32", 2.5), ("float64", 0.1), ("int32", 1.7),
                                        ("int8", -3), ("bool", 2), ("uint8", True),
                                        ("complex64", 1 + 2j), ("float32", 3)])
def test_fill_matches_numpy(name, value):
    x, a = _pair(name)
    assert x.fill(value) is None
    a.fill(value)
    _check(x, a)
    assert x.dtype == xp_dtype(name)
    zero = False if name == "bool" else 0
    x[0, 0, 0] = a[0, 0, 0] = zero  # still an array like any other
    _check(x, a)


def test_fill_with_a_0d_array():
    x, a = _pair("float32")
    x.fill(xp.asarray(4, dtype=xp.int8))
    a.fill(np.int8(4))
    _check(x, a)


@pytest.mark.parametrize("args", [(), (4,), (-1,), (1, 2), ((1, 2),), (0, -1)], ids=str)
@pytest.mark.parametrize("name", ["bool", "int32", "uint64", "float32", "complex64"])
def test_item_matches_numpy(name, args):
    shape = () if not args else (3, 4)
    x, a = _pair(name, shape)
    got = x.item(*args)
    expected = a.item(*args)
    assert type(got) is type(expected)
    assert got == expected
    assert xp.sync_stats().total == 1


def test_item_of_a_one_element_array_of_any_shape():
    x, a = _pair("float32", (1, 1, 1))
    assert x.item() == a.item()
    y = xp.astype(xp.asarray([0.5]), xp.bfloat16)
    assert y.item() == 0.5 and type(y.item()) is float


def test_numpy_is_np_asarray():
    x, a = _pair("int16")
    got = x.numpy()
    assert isinstance(got, np.ndarray) and got.dtype == np.int16
    np.testing.assert_array_equal(got, a)
    assert xp.sync_stats()["conversion"] == 1


@pytest.mark.parametrize("name", ["bool", "int8", "int16", "uint32", "int64", "float16",
                                  "float32", "float64", "complex64"])
def test_nbytes_and_itemsize_match_numpy(name):
    x, a = _pair(name)
    assert (x.nbytes, x.itemsize) == (a.nbytes, a.itemsize)
    b = xp.astype(x, xp.bfloat16) if name != "complex64" else x
    assert b.nbytes == b.size * b.itemsize


# --- PyTorch ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["float", "double", "half", "int", "long", "bool"])
@pytest.mark.parametrize("name", ["float32", "int8", "bool"])
def test_torch_casts_match_torch(name, method):
    x, a = _pair(name)
    if name == "float32":
        a = a * 1.5  # fractions and negatives: casts to integers truncate toward zero
        x = xp.asarray(a)
    got = getattr(x, method)()
    expected = getattr(torch.from_numpy(a), method)()
    assert dtype_name(got.dtype) == str(expected.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(to_numpy(got), expected.numpy())
    if got.dtype == x.dtype:
        assert got is x  # as PyTorch: no copy when the dtype is right already


def test_torch_shape_methods_match_torch():
    x, a = _pair("float32")
    t = torch.from_numpy(a)
    assert (x.numel(), x.dim()) == (t.numel(), t.dim())
    assert x.detach() is x
    assert x.cpu() is x and x.cpu().device == xp.Device("cpu")


# --- laziness and discoverability -------------------------------------------------------------

METHODS = ("astype reshape transpose swapaxes flatten ravel squeeze sum mean prod max min std "
           "var any all argmax argmin cumsum cumprod argsort sort clip round conj nonzero dot "
           "diagonal trace item copy fill tolist numpy numel dim detach cpu float double int "
           "long half bool").split()


@pytest.mark.parametrize("method", METHODS)
def test_methods_are_documented_methods_of_array(method):
    assert method in dir(xp.Array)
    fn = getattr(xp.Array, method)
    assert callable(fn) and fn.__doc__ and fn.__name__ == method
    assert "nbytes" in dir(xp.Array) and "itemsize" in dir(xp.Array)


def test_methods_build_a_graph_without_syncing():
    x, a = _pair("float32")
    y = x.transpose().reshape(4, 6).sum(axis=0).cumsum().astype(float).round(1)
    x.sort()
    x.fill(1.0)
    assert xp.sync_stats().total == 0
    _check(y, a.transpose().reshape(4, 6).sum(axis=0).cumsum().astype(np.float64).round(1),
           close=True)


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("call,error", [
    (lambda x: x.transpose(0, 1), ValueError),           # NumPy's transpose takes every axis
    (lambda x: x.transpose(0, 1, 1), ValueError),
    (lambda x: x.reshape(5, 5), ValueError),
    (lambda x: x.reshape(24, order="X"), ValueError),
    (lambda x: x.ravel(order=1), TypeError),
    (lambda x: x.flatten(1), TypeError),                 # PyTorch's flatten(start_dim)
    (lambda x: x.squeeze(0), ValueError),
    (lambda x: x.swapaxes(0, 3), IndexError),
    (lambda x: x.sum(axis=3), IndexError),
    (lambda x: x.max(axis=(0, 0)), ValueError),
    (lambda x: x.astype("nonsense"), TypeError),
    (lambda x: x.astype(object), TypeError),
    (lambda x: x.sort(kind="bogo"), ValueError),
    (lambda x: x.sort(axis=None), TypeError),  # as NumPy: an in-place sort keeps its shape
    (lambda x: x.item(), ValueError),
    (lambda x: x.item(24), IndexError),
    (lambda x: x.item(1, 2), ValueError),
    (lambda x: x.diagonal(0, 1, 1), ValueError),
    (lambda x: x.diagonal(0, 0, 3), IndexError),
    (lambda x: x.fill([1.0]), TypeError),
    (lambda x: x.fill(xp.ones(2)), ValueError),
    (lambda x: x.round(1.5), TypeError),
    (lambda x: x.std(ddof="1"), TypeError),
    (lambda x: x.dot(xp.ones((5,))), ValueError),
])
def test_errors(call, error):
    x, _ = _pair("float32")
    with pytest.raises(error):
        call(x)
    assert xp.sync_stats().total == 0


@pytest.mark.parametrize("call,error", [
    (lambda x: xp.arange(3).diagonal(), ValueError),
    (lambda x: xp.zeros((0,)).max(), ValueError),
    (lambda x: xp.asarray(1.0).swapaxes(0, 0), IndexError),
    (lambda x: xp.asarray([1 + 1j]).max(), TypeError),
    (lambda x: xp.asarray([True]).round(), TypeError),
    (lambda x: xp.ones((3,), dtype=xp.int8).fill(1000), OverflowError),
    (lambda x: xp.asarray([1 + 1j]).astype(float), TypeError),
])
def test_errors_of_other_inputs(call, error):
    with pytest.raises(error):
        call(None)


@pytest.mark.parametrize("method", ["sort", "argsort"])
@pytest.mark.parametrize("bad", [torch.tensor([1, 2]), np.array([True, False]),
                                 xp.asarray([True, False]), 1, "yes"])
def test_sort_flags_of_the_wrong_type_raise_type_error(method, bad):
    x = xp.asarray([3, 1, 2])
    with pytest.raises(TypeError, match="stable"):
        getattr(x, method)(stable=bad)
    with pytest.raises(TypeError, match="kind"):
        getattr(x, method)(kind=bad if not isinstance(bad, str) else 3)


@pytest.mark.parametrize("method", ["sort", "argsort"])
def test_sort_takes_numpy_bools_and_rejects_unknown_kinds(method):
    a = np.array([3, 1, 2, 1])
    x = xp.asarray(a)
    out = getattr(x, method)(stable=np.True_)
    if method == "sort":
        _check(x, np.sort(a))
    else:
        _check(out, a.argsort(stable=True))
    with pytest.raises(ValueError, match="kind"):
        getattr(x, method)(kind="bogus")
