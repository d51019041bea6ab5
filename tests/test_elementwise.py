"""Elementwise functions: the name -> dtype-category table, dtypes, values against NumPy,
Python scalars, clip, laziness and the compiled composites.

The special cases (NaN, infinities, signed zeros) are in test_special_cases.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import ALL_DTYPE_NAMES, INT_DTYPE_NAMES, assert_array_equal, np_dtype, xp_dtype
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._array.dtypes import CATEGORIES
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import lazy as _lazy
from tmath_array._standard import fast_math as _fast_math
from tmath_array._standard.elementwise import SIGNATURES

# The elementwise functions of the 2025.12 standard (array_api_stubs/_2025_12).
STANDARD_NAMES = (
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_left_shift", "bitwise_invert", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "ceil", "clip", "conj", "copysign", "cos", "cosh", "divide", "equal", "exp", "expm1",
    "floor", "floor_divide", "greater", "greater_equal", "hypot", "imag", "isfinite", "isinf",
    "isnan", "less", "less_equal", "log", "log1p", "log2", "log10", "logaddexp", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative",
    "nextafter", "not_equal", "positive", "pow", "real", "reciprocal", "remainder", "round",
    "sign", "signbit", "sin", "sinh", "square", "sqrt", "subtract", "tan", "tanh", "trunc",
)

BOOL_RESULT = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
               "isnan", "isinf", "isfinite", "signbit", "logical_not", "logical_and",
               "logical_or", "logical_xor"}  # (logical_*: any dtype by its truth, as NumPy)
FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")


def expected_dtype(name: str, dtype):
    """The result dtype of ``name`` for an input of ``dtype`` (the standard's rules)."""
    if name in BOOL_RESULT:
        return xp.bool
    if name in ("abs", "real", "imag") and dtype == xp.complex64:
        return xp.float32
    if name == "divide" and dtype in CATEGORIES["integer"]:
        return xp.float32  # implementation-defined by the standard: the default float
    return dtype


def sample(dtype):
    """A small array of ``dtype`` whose values every function accepts."""
    if dtype == xp.bool:
        return xp.asarray([True, False])
    if dtype in CATEGORIES["integer"]:
        return xp.asarray([1, 2], dtype=dtype)
    if dtype == xp.complex64:
        return xp.asarray([0.5 + 0.25j, 0.25 - 0.5j])
    return xp.asarray([0.5, 0.25], dtype=dtype)


def call(name: str, x):
    fn = getattr(xp, name)
    arity = SIGNATURES[name][0]
    if name == "clip":
        return fn(x, min=x, max=x)
    return fn(*(x,) * arity)


# --- the table ------------------------------------------------------------------

def test_table_is_the_standards_list():
    assert sorted(SIGNATURES) == sorted(STANDARD_NAMES)
    assert set(STANDARD_NAMES) <= set(xp.__all__)
    for name, (arity, category) in SIGNATURES.items():
        assert category in CATEGORIES, name
        assert getattr(xp, name).__name__ == name
        assert arity in (1, 2, 3)


@pytest.mark.parametrize("dtype_name", ALL_DTYPE_NAMES)
@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_accepts_exactly_its_category(name, dtype_name):
    dtype = xp_dtype(dtype_name)
    x = sample(dtype)
    category = SIGNATURES[name][1]
    if dtype in CATEGORIES[category]:
        out = call(name, x)
        assert out.dtype == expected_dtype(name, dtype)
        assert out.shape == x.shape
        assert out.device == x.device
    elif category in ("floating-point", "real-valued floating-point") \
            and dtype in CATEGORIES["integer or boolean"] and name != "reciprocal":
        # NumPy's rule (np.sqrt(ints) is a float): 32/64-bit integers in float64 (as
        # NumPy, on the CPU), narrower ones in the default float32 (NumPy: float16 for
        # 8-bit); the same values as the call on the converted array.
        out = call(name, x)
        wide = dtype_name in ("int32", "uint32", "int64", "uint64")
        want = call(name, xp.astype(x, xp.float64 if wide else xp.float32))
        assert out.dtype == want.dtype and out.shape == x.shape
        np.testing.assert_array_equal(np.asarray(out), np.asarray(want))
    else:
        with pytest.raises(TypeError, match=name):
            call(name, x)


@pytest.mark.parametrize("mixed", [False, True], ids=["same dtype", "mixed dtypes"])
@pytest.mark.parametrize("name", sorted(n for n, (arity, _) in SIGNATURES.items() if arity > 1))
def test_shapes_that_do_not_broadcast(name, mixed):
    # (found by tools/fuzz: MLX's own "[broadcast_shapes] ..." ValueError leaked out)
    category = SIGNATURES[name][1]
    dtype = next(d for d in (xp.float32, xp.int32, xp.bool) if d in CATEGORIES[category])
    other = {xp.float32: xp.float64, xp.int32: xp.int64}.get(dtype, dtype) if mixed else dtype
    x1 = xp.ones((3, 3), dtype=dtype)
    x2 = xp.ones((4,), dtype=other)
    args = (x1, x2, x2) if name == "clip" else (x1, x2)
    with pytest.raises(ValueError, match=rf"^{name}: shapes \(3, 3\), \(4,\) and \(4,\)|"
                                         rf"^{name}: shapes \(3, 3\) and \(4,\) cannot be "
                                         "broadcast together"):
        getattr(xp, name)(*args)


def _values_for(category: str):
    if category == "boolean":
        return [True, False]
    if category in ("integer", "integer or boolean"):
        return [1, 2]
    if category == "complex floating-point":
        return [0.5 + 1j, 1.0 - 2j]
    return [0.5, 1.0]


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_array_likes_as_numpy_takes_them(name):
    """Lists, Python scalars and NumPy arrays enter as asarray makes them (as in NumPy)."""
    arity, category = SIGNATURES[name]
    n = min(arity, 2)
    values = _values_for(category)
    fn = getattr(xp, name)
    want = fn(*([xp.asarray(values)] * n))
    nd = np.asarray(values)
    for like, ref in ((values, want), (tuple(values), want), (nd, fn(*[xp.asarray(nd)] * n))):
        got = fn(*([like] * n))
        assert got.dtype == ref.dtype and got.shape == ref.shape
        np.testing.assert_array_equal(np.asarray(got), np.asarray(ref))
    scalar = fn(*([values[0]] * n))  # Python scalars alone: a 0-d array
    assert scalar.shape == () and scalar.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(scalar), np.asarray(want)[0])
    with pytest.raises(TypeError):
        fn(*([{"not": "data"}] * n))


def test_no_function_syncs():
    """Every function only builds the graph: nothing is evaluated until asked."""
    outs = []
    for name in sorted(SIGNATURES):
        for dtype_name in ALL_DTYPE_NAMES:
            dtype = xp_dtype(dtype_name)
            if dtype in CATEGORIES[SIGNATURES[name][1]]:
                outs.append(call(name, sample(dtype)))
    assert _lazy.counts() == {}
    xp.eval(*outs)
    assert _lazy.counts() == {"explicit": 1}


# --- values against NumPy ---------------------------------------------------------

def _np(fn, *args):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


# name -> (NumPy function, lower bound, upper bound) of the test domain (bounds that
# float16 represents exactly).
UNARY = {
    "acos": (np.arccos, -1, 1), "asin": (np.arcsin, -1, 1), "atan": (np.arctan, -50, 50),
    "acosh": (np.arccosh, 1, 100), "asinh": (np.arcsinh, -100, 100),
    "atanh": (np.arctanh, -0.875, 0.875), "cos": (np.cos, -100, 100), "sin": (np.sin, -100, 100),
    "tan": (np.tan, -1.5, 1.5), "cosh": (np.cosh, -20, 20), "sinh": (np.sinh, -20, 20),
    "tanh": (np.tanh, -20, 20), "exp": (np.exp, -80, 80), "expm1": (np.expm1, -20, 20),
    "log": (np.log, 2**-10, 1e3), "log1p": (np.log1p, -0.875, 1e3),
    "log2": (np.log2, 2**-10, 1e3), "log10": (np.log10, 2**-10, 1e3), "sqrt": (np.sqrt, 0, 1e4),
    "reciprocal": (np.reciprocal, 0.125, 100),
    "square": (np.square, -100, 100), "abs": (np.abs, -100, 100), "negative": (np.negative, -9, 9),
    "positive": (np.positive, -9, 9), "sign": (np.sign, -9, 9), "ceil": (np.ceil, -100, 100),
    "floor": (np.floor, -100, 100), "trunc": (np.trunc, -100, 100),
    "round": (np.round, -100, 100),
}
# Relative tolerances per dtype (values far from a result's zeros).
RTOL = {"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 2e-6, "float64": 1e-14,
        "complex64": 1e-5}


def float_arrays(name: str, lo: float, hi: float, shape=None):
    """NumPy arrays of dtype ``name`` (bfloat16 values as float32) in [lo, hi]."""
    dt = np_dtype(name)
    width = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64}[name]
    shapes = hnp.array_shapes(min_dims=0, max_dims=2, max_side=5) if shape is None else shape
    arrays = hnp.arrays(dt, shapes, elements=st.floats(lo, hi, width=width))
    if name == "bfloat16":  # round to the values bfloat16 has
        arrays = arrays.map(lambda a: np.asarray(xp.astype(xp.astype(
            xp.asarray(a), xp.bfloat16), xp.float32)))
    return arrays


def as_xp(a: np.ndarray, name: str):
    x = xp.asarray(a)
    return xp.astype(x, xp.bfloat16) if name == "bfloat16" else x


def check_close(out, expected: np.ndarray, name: str, rtol: float | None = None, atol=0.0):
    assert out.dtype == xp_dtype(name)
    got = np.asarray(xp.astype(out, xp.float32) if name == "bfloat16" else out)
    rtol = RTOL[name] if rtol is None else rtol
    np.testing.assert_allclose(got, _np(expected.astype, got.dtype), rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype_name", FLOAT_NAMES)
@pytest.mark.parametrize("fname", sorted(UNARY))
@given(data=st.data())
def test_unary_real_floats_against_numpy(fname, dtype_name, data):
    ref, lo, hi = UNARY[fname]
    a = data.draw(float_arrays(dtype_name, lo, hi))
    expected = _np(ref, a.astype(np.float64))
    # Absolute slack for results near zero (sin(pi), log(1), ...).
    atol = {"float16": 1e-3, "bfloat16": 8e-3, "float32": 1e-6, "float64": 1e-13}[dtype_name]
    # MLX's float32 exp is its own approximation, ~64 ulp (docs/elementwise.md).
    rtol = 1e-5 if (fname, dtype_name) == ("exp", "float32") else None
    check_close(getattr(xp, fname)(as_xp(a, dtype_name)), expected, dtype_name, rtol, atol)


COMPLEX_UNARY = ("acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "exp",
                 "expm1", "log", "log1p", "log2", "log10", "sin", "sinh", "sqrt", "tan", "tanh",
                 "reciprocal", "square", "sign", "round", "abs", "negative", "positive", "conj",
                 "real", "imag")


@pytest.mark.parametrize("fname", COMPLEX_UNARY)
@given(data=st.data())
def test_unary_complex_against_numpy(fname, data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=5))
    part = hnp.arrays(np.float32, shape, elements=st.floats(-3, 3, width=32))
    z = (data.draw(part) + 1j * data.draw(part)).astype(np.complex64)
    ref = {"acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin, "asinh": np.arcsinh,
           "atan": np.arctan, "atanh": np.arctanh}.get(fname) or getattr(np, fname)
    expected = _np(ref, z.astype(np.complex128))
    with np.errstate(all="ignore"):  # beyond complex64's range the result is infinite
        expected = expected.astype(np.complex64 if expected.dtype.kind == "c" else np.float32)
    out = getattr(xp, fname)(xp.asarray(z))
    got = np.asarray(out)
    assert got.dtype == (np.float32 if fname in ("abs", "real", "imag") else np.complex64)
    finite = np.isfinite(expected)
    scale = np.maximum(np.abs(expected), 1.0)
    assert np.all(np.abs(got[finite] - expected[finite]) <= 2e-5 * scale[finite]), (z, got)


def test_complex_expm1_is_accurate_near_zero():
    """exp(z) - 1 would lose every digit of 1e-6j; expm1 keeps them."""
    z = np.array([1e-6 + 1e-6j, -1e-7 + 3e-7j, 1e-30 - 1e-30j, 0.5 + 2j], dtype=np.complex64)
    got = np.asarray(xp.expm1(xp.asarray(z)))
    expected = np.expm1(z.real.astype(np.float64)) * np.cos(z.imag.astype(np.float64)) \
        - 2 * np.sin(z.imag.astype(np.float64) / 2) ** 2 \
        + 1j * np.exp(z.real.astype(np.float64)) * np.sin(z.imag.astype(np.float64))
    np.testing.assert_allclose(got, expected, rtol=2e-6)


# name -> (NumPy function, domain of x1, domain of x2)
BINARY = {
    "atan2": (np.arctan2, (-50, 50), (-50, 50)),
    "copysign": (np.copysign, (-50, 50), (-50, 50)),
    "hypot": (np.hypot, (-1e3, 1e3), (-1e3, 1e3)),
    "logaddexp": (np.logaddexp, (-80, 80), (-80, 80)),
    "maximum": (np.maximum, (-50, 50), (-50, 50)),
    "minimum": (np.minimum, (-50, 50), (-50, 50)),
}


@pytest.mark.parametrize("dtype_name", FLOAT_NAMES)
@pytest.mark.parametrize("fname", sorted(BINARY))
@given(data=st.data())
def test_binary_real_floats_against_numpy(fname, dtype_name, data):
    ref, d1, d2 = BINARY[fname]
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=4))
    a = data.draw(float_arrays(dtype_name, *d1, shape=shapes.input_shapes[0]))
    b = data.draw(float_arrays(dtype_name, *d2, shape=shapes.input_shapes[1]))
    out = getattr(xp, fname)(as_xp(a, dtype_name), as_xp(b, dtype_name))
    assert out.shape == shapes.result_shape
    check_close(out, _np(ref, a.astype(np.float64), b.astype(np.float64)), dtype_name,
                atol=1e-30)


@pytest.mark.parametrize("dtype_name", INT_DTYPE_NAMES)
@given(data=st.data())
def test_integer_maximum_minimum_and_rounding(dtype_name, data):
    dt = np.dtype(dtype_name)
    info = np.iinfo(dt)
    ints = st.integers(int(info.min), int(info.max))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=4))
    a = data.draw(hnp.arrays(dt, shape, elements=ints))
    b = data.draw(hnp.arrays(dt, shape, elements=ints))
    x1, x2 = xp.asarray(a), xp.asarray(b)
    assert_array_equal(xp.maximum(x1, x2), np.maximum(a, b))
    assert_array_equal(xp.minimum(x1, x2), np.minimum(a, b))
    for f in ("ceil", "floor", "trunc", "round", "positive", "square"):
        assert_array_equal(getattr(xp, f)(x1), _np(getattr(np, f), a))
    assert_array_equal(xp.sign(x1), np.sign(a))


# --- Python scalars -------------------------------------------------------------------

SCALAR_BINARY = ("add", "subtract", "multiply", "divide", "atan2", "copysign", "hypot",
                 "logaddexp", "maximum", "minimum", "nextafter", "pow")
NP_NAMES = {"atan2": "arctan2", "pow": "power"}


@pytest.mark.parametrize("fname", SCALAR_BINARY)
@given(a=float_arrays("float32", 0.5, 8), s=st.sampled_from([-2.5, 1.5, 3, -1, 0.75]),
       left=st.booleans())
def test_python_scalars(fname, a, s, left):
    """A Python int or float next to a float32 array keeps float32, on either side."""
    ref = getattr(np, NP_NAMES.get(fname, fname))
    fn = getattr(xp, fname)
    x = xp.asarray(a)
    out = fn(s, x) if left else fn(x, s)
    sv = np.float32(s)
    expected = _np(ref, sv, a) if left else _np(ref, a, sv)
    assert out.dtype == xp.float32
    np.testing.assert_allclose(np.asarray(out), expected, rtol=2e-6, atol=1e-30)


def test_scalar_rules_for_real_floating_functions():
    x = xp.asarray([1.0, 2.0], dtype=xp.float64)
    assert xp.hypot(x, 2).dtype == xp.float64
    assert xp.atan2(3, xp.asarray([1.0], dtype=xp.float16)).dtype == xp.float16
    # integer arrays are computed in a float, as NumPy does
    np.testing.assert_allclose(np.asarray(xp.hypot(xp.asarray([1, 2]), 2.0)),
                               np.hypot([1, 2], 2.0), rtol=1e-6)
    with pytest.raises(TypeError):
        xp.copysign(x, 1j)  # a complex scalar would need a complex dtype
    assert float(xp.nextafter(1.0, 2.0)) == np.nextafter(np.float32(1), np.float32(2))


# --- nextafter is exact -------------------------------------------------------------------

def _all_values(name: str) -> np.ndarray:
    """Every finite value of a 16-bit float dtype, as float32, sorted, one zero."""
    bits = np.arange(2**16, dtype=np.uint32)
    if name == "bfloat16":
        vals = (bits << 16).view(np.float32)
    else:
        vals = bits.astype(np.uint16).view(np.float16).astype(np.float32)
    vals = vals[np.isfinite(vals)]
    return np.unique(vals)


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_nextafter_exhaustive_16_bit(name):
    """Every finite value steps to its neighbour in the sorted table of all values."""
    table = _all_values(name)  # -max ... -tiny, 0, tiny ... max
    x = xp.astype(xp.asarray(table), xp_dtype(name))
    up = np.asarray(xp.astype(xp.nextafter(x, xp.asarray(np.inf, dtype=xp_dtype(name))),
                              xp.float32))
    down = np.asarray(xp.astype(xp.nextafter(x, xp.asarray(-np.inf, dtype=xp_dtype(name))),
                                xp.float32))
    np.testing.assert_array_equal(up[:-1], table[1:])
    np.testing.assert_array_equal(down[1:], table[:-1])
    assert up[-1] == np.inf and down[0] == -np.inf


@pytest.mark.parametrize("name", ["float32", "float64"])
@given(data=st.data())
def test_nextafter_matches_numpy_bitwise(name, data):
    dt = np.dtype(name)
    width = dt.itemsize * 8
    special = st.sampled_from([0.0, -0.0, np.inf, -np.inf, float(np.finfo(dt).max),
                               float(np.finfo(dt).smallest_subnormal), 1.0, -1.0])
    el = st.floats(width=width, allow_nan=False) | special
    a = data.draw(hnp.arrays(dt, 6, elements=el))
    b = data.draw(hnp.arrays(dt, 6, elements=el))
    got = np.asarray(xp.nextafter(xp.asarray(a), xp.asarray(b)))
    np.testing.assert_array_equal(got.view(f"u{dt.itemsize}"),
                                  _np(np.nextafter, a, b).view(f"u{dt.itemsize}"))


# --- float64 accuracy where MLX's kernels are float32-grade -----------------------------

def _ulps(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    return np.where(same, 0, np.abs(got - expected) / np.spacing(np.abs(expected)))


@pytest.mark.parametrize("fname", ["exp", "sin", "cos"])
def test_float64_exp_sin_cos_within_4_ulp(fname):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-700, 700, 5000), rng.uniform(-5, 5, 5000),
                        10.0 ** rng.uniform(-300, 300, 2000) * rng.choice([-1, 1], 2000),
                        [1e22, 1e300, np.pi, np.pi / 2, 709.7, -708.0, 1e-8, 2.0 ** -26]])
    if fname == "exp":
        x = np.clip(x, -708, 709.7)
    got = np.asarray(getattr(xp, fname)(xp.asarray(x)))
    assert got.dtype == np.float64
    assert _ulps(got, getattr(np, fname)(x)).max() <= 4


def test_float64_exp_range():
    """exp(100) is finite and exp(-745) is subnormal (MLX alone: inf and 0)."""
    x = np.array([100.0, 700.0, 709.7, -100.0, -700.0, -740.0, 710.0, -746.0])
    got = np.asarray(xp.exp(xp.asarray(x)))
    expected = _np(np.exp, x)
    np.testing.assert_allclose(got[:5], expected[:5], rtol=1e-15)
    assert abs(got[5] - expected[5]) <= 1e-320
    assert got[6] == np.inf and got[7] == 0


def test_float64_logaddexp_accuracy():
    rng = np.random.default_rng(3)
    a, b = rng.uniform(-800, 800, (2, 4000))
    got = np.asarray(xp.logaddexp(xp.asarray(a), xp.asarray(b)))
    assert _ulps(got, np.logaddexp(a, b)).max() <= 4


# --- clip -----------------------------------------------------------------------------------

def test_clip_scalars_and_arrays():
    x = xp.asarray([-3.0, 0.5, 2.0, 7.0])
    assert xp.clip(x, min=0).tolist() == [0.0, 0.5, 2.0, 7.0]
    assert xp.clip(x, max=1.5).tolist() == [-3.0, 0.5, 1.5, 1.5]
    assert xp.clip(x, min=xp.asarray([0.0, 1.0, 0.0, 0.0]), max=5).tolist() == [0, 1, 2, 5]
    assert xp.clip(x, -1, 3.0).tolist() == [-1, 0.5, 2, 3]  # positional bounds
    y = xp.clip(x)
    assert y.tolist() == x.tolist() and y._array is not x._array


def test_clip_broadcasts_to_all_three_shapes():
    x = xp.zeros((3, 1))
    out = xp.clip(x, min=xp.asarray([-1.0, 1.0]), max=xp.ones((4, 1, 1)))
    assert out.shape == (4, 3, 2)
    assert np.asarray(out)[..., 1].min() == 1.0


def test_clip_nan_propagates():
    x = xp.asarray([np.nan, 1.0, 1.0])
    out = xp.clip(x, min=xp.asarray([0.0, np.nan, 0.0]), max=xp.asarray([2.0, 2.0, np.nan]))
    assert np.isnan(np.asarray(out)).all()
    assert np.isnan(np.asarray(xp.clip(xp.asarray([1.0]), min=float("nan")))).all()


@pytest.mark.parametrize("dtype_name", ("int8", "uint8", "int64", "uint64"))
def test_clip_integer_bounds_saturate(dtype_name):
    """Bounds outside the dtype's range (unspecified by the standard) saturate."""
    info = np.iinfo(dtype_name)
    dt = xp_dtype(dtype_name)
    x = xp.asarray([int(info.min), 0, int(info.max)], dtype=dt)
    assert xp.clip(x, min=int(info.min) - 5, max=int(info.max) + 5).tolist() == x.tolist()
    wide = xp.asarray([10**6], dtype=xp.int32) if dtype_name in ("int8", "uint8") else None
    if wide is not None:
        assert xp.clip(x, max=wide).tolist() == x.tolist()  # no wrap-around of 10**6
    assert xp.clip(x, min=1, max=2).dtype == dt


def test_clip_dtype_rules():
    x = xp.asarray([1, 5, 9], dtype=xp.int16)
    with pytest.raises(TypeError):
        xp.clip(x, min=1.5)  # a float cannot bound an integer array
    with pytest.raises(TypeError):
        xp.clip(x, min=xp.asarray([1.0]))
    with pytest.raises(TypeError):
        xp.clip(x, min=True)
    with pytest.raises(TypeError):
        xp.clip(xp.asarray([1 + 1j]), min=0)
    f = xp.asarray([0.1, 0.9], dtype=xp.float32)
    out = xp.clip(f, min=xp.asarray([0.5], dtype=xp.float64), max=1)
    assert out.dtype == xp.float32 and out.tolist() == [0.5, 0.8999999761581421]
    h = xp.clip(xp.asarray([0.1, 9.0], dtype=xp.bfloat16), min=0.5, max=2)
    assert h.dtype == xp.bfloat16 and xp.astype(h, xp.float32).tolist() == [0.5, 2.0]


@pytest.mark.parametrize("bound", ["uint16", "int8", "int64", "uint64"])
@pytest.mark.parametrize("dtype_name", ["float16", "float32", "float64"])
def test_clip_floating_array_with_integer_bounds(dtype_name, bound):
    # (found by tools/fuzz: the integer saturation looked up the float dtype's integer
    # range, a KeyError)
    a = np.array([-300.0, 1.0, 9.0, 300.0])
    x = xp.asarray(a, dtype=xp_dtype(dtype_name))
    lo = 0 if bound.startswith("u") else -100
    out = xp.clip(x, min=xp.asarray(lo, dtype=xp_dtype(bound)),
                  max=xp.asarray(100, dtype=xp_dtype(bound)))
    assert_array_equal(out, np.clip(a, lo, 100).astype(dtype_name))


@given(data=st.data(), dtype_name=st.sampled_from(("int16", "uint8", "float32", "float64")))
def test_clip_against_numpy(data, dtype_name):
    dt = np.dtype(dtype_name)
    el = (st.integers(int(np.iinfo(dt).min), int(np.iinfo(dt).max)) if dt.kind in "iu"
          else st.floats(-100, 100, width=dt.itemsize * 8))
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=2, max_side=3))
    a, lo, hi = (data.draw(hnp.arrays(dt, s, elements=el)) for s in shapes.input_shapes)
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    out = xp.clip(xp.asarray(a), min=xp.asarray(lo), max=xp.asarray(hi))
    assert_array_equal(out, np.clip(a, lo, hi))


@pytest.mark.parametrize("dtype_name", ["int8", "uint32", "uint64", "float32", "float64"])
@pytest.mark.parametrize("form", ["function", "method", "arrays"])
def test_clip_with_min_above_max_follows_numpy(dtype_name, form):
    """NumPy's rule minimum(maximum(x, min), max): every element becomes max."""
    info = np.iinfo(dtype_name) if dtype_name[0] in "iu" else None
    vals = [0, 1, 5, 9, 100] if info is None else [int(info.min), 0, 5, 9, int(info.max)]
    a = np.array(vals, dtype=dtype_name)
    x = xp.asarray(a)
    lo, hi = 7, 3
    if form == "function":
        out = xp.clip(x, lo, hi)
    elif form == "method":
        out = x.clip(lo, hi)
    else:
        out = xp.clip(x, min=xp.asarray(np.full(5, lo, dtype_name)),
                      max=xp.asarray(np.full(5, hi, dtype_name)))
    assert_array_equal(out, np.clip(a, lo, hi))


@given(data=st.data(), dtype_name=st.sampled_from(("int8", "uint32", "uint64", "float32")))
def test_clip_unordered_bounds_against_numpy(data, dtype_name):
    dt = np.dtype(dtype_name)
    el = (st.integers(int(np.iinfo(dt).min), int(np.iinfo(dt).max)) if dt.kind in "iu"
          else st.floats(-100, 100, width=dt.itemsize * 8))
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=2, max_side=3))
    a, lo, hi = (data.draw(hnp.arrays(dt, s, elements=el)) for s in shapes.input_shapes)
    assert_array_equal(xp.asarray(a).clip(xp.asarray(lo), xp.asarray(hi)), np.clip(a, lo, hi))


# --- compiled composites --------------------------------------------------------------------

COMPOSITES = {  # public call -> cache key of its compiled kernel
    "hypot": lambda x: xp.hypot(x, x), "logaddexp": lambda x: xp.logaddexp(x, x),
    "copysign": lambda x: xp.copysign(x, x), "nextafter": lambda x: xp.nextafter(x, x),
    "sign": xp.sign, "sin": xp.sin, "clip": lambda x: xp.clip(x, 0.0, 1.0),
    "remainder": lambda x: xp.remainder(x, 2.0),
}


@pytest.mark.parametrize("key", sorted(COMPOSITES))
def test_composites_run_from_the_compile_cache(key):
    _compile.clear()
    # (float32 sin runs the compiled extension's kernel where it serves: float64's composite)
    f64 = key == "sin" and _fast_math.uses_ext()
    x = xp.asarray([0.25, 0.5], dtype=xp.float64 if f64 else None)
    for _ in range(3):
        COMPOSITES[key](x)
    info = _compile.info()
    assert (info["misses"], info["hits"]) == (1, 2)
    # One entry, under the composite's name (keyed by device too under
    # TMATH_ARRAY_DEVICE_PATHS=multi or on a machine with a GPU).
    assert [k if isinstance(k, str) else k[0] for k in _compile._entries] == \
        ["sin_f64" if f64 else key]


def test_single_ops_are_not_compiled():
    _compile.clear()
    x = xp.asarray([0.25, 0.5])
    # (float32 exp and tanh run the fused fast kernels on MLX's CPU build: fast_math.py)
    fast = (xp.exp, xp.tanh) if _fast_math.serves(x._array) else ()
    for f in (xp.exp, xp.cos, xp.tanh, xp.sqrt, xp.floor, xp.atan2, xp.maximum, xp.add):
        if f not in fast:
            f(*(x,) * SIGNATURES[f.__name__][0])
    assert _compile.info()["misses"] == 0


# --- powers with a small integer exponent: NumPy's roundings ------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, -1, -2, -3, 3.0, 16])
def test_complex_integer_power_is_numpys(n):
    """``z ** n`` rounds as NumPy's: ``z ** 2`` is ``z * z`` (its square), ``z ** -1`` its
    reciprocal, other n its ``npy_cpow`` (binary exponentiation, Smith's division for
    n < 0). (NumPy's ``z ** 2.0`` and ``np.power(z, 2)`` take npy_cpow's plain products;
    here they are ``z * z`` too.)"""
    rng = np.random.default_rng(abs(int(n)))
    z = (rng.standard_normal(2000) + 1j * rng.standard_normal(2000)).astype(np.complex64)
    z[:4] = [-2 + 0j, 1j, 0.5 - 2j, 0]
    with np.errstate(all="ignore"):
        expected = z ** n
    x = xp.asarray(z)
    got = np.asarray(x ** n)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.complex64
    if n == 2:
        np.testing.assert_array_equal(got, np.asarray(x * x))
        np.testing.assert_array_equal(np.asarray(x * x), z * z)


def test_complex_square_example_from_the_issue():
    z = xp.asarray([-2 + 0j])
    assert complex(xp.pow(z, 2)[0]) == 4 + 0j
    assert complex((z ** 2)[0]) == 4 + 0j


@given(st.sampled_from(["float32", "float64", "float16"]),
       st.integers(-12, 12), st.lists(st.floats(-30, 30, width=16), min_size=1, max_size=50))
def test_float_integer_power_is_correctly_rounded(name, n, values):
    """A real float to an integer power is the correctly rounded result (the exact
    power rounded once): NumPy's x ** 2 exactly, its pow within one unit in the last
    place (NumPy's own pow is off by one in ~10% of float32 cases)."""
    a = np.asarray(values, dtype=name)
    with np.errstate(all="ignore"):
        exact = (a.astype(np.float64) ** n).astype(name) if name != "float64" else None
        ref = a ** n
    got = np.asarray(xp.asarray(a) ** n)
    assert got.dtype == a.dtype
    if exact is not None:
        np.testing.assert_array_equal(got, exact)
    if n in (0, 1, 2, -1):
        np.testing.assert_array_equal(got, ref)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(got, ref, rtol=2 * np.finfo(name).eps, atol=0)


def test_complex_multiply_rounds_as_numpy():
    rng = np.random.default_rng(3)
    a = (rng.standard_normal(5000) + 1j * rng.standard_normal(5000)).astype(np.complex64)
    b = (rng.standard_normal(5000) + 1j * rng.standard_normal(5000)).astype(np.complex64)
    np.testing.assert_array_equal(np.asarray(xp.asarray(a) * xp.asarray(b)), a * b)
    np.testing.assert_array_equal(np.asarray(xp.multiply(xp.asarray(a), 2.5)), a * np.float32(2.5))
    np.testing.assert_array_equal(np.asarray(xp.square(xp.asarray(a))), np.square(a))
