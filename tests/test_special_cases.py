"""The standard's IEEE 754 special cases (NaN, +-infinity, +-0) of the elementwise functions.

A grid of special and ordinary values goes through every real floating function, in
every real floating dtype, against NumPy (which follows IEEE 754 and C99 here), signs of
zero and NaN-ness included. Then one test per case that MLX alone gets wrong.
"""

from __future__ import annotations

import itertools
import math
import warnings

import mlx.core as mx
import numpy as np
import pytest
from helpers import np_dtype, xp_dtype

import tmath_array as xp
from tmath_array._array.dtypes import CATEGORIES
from tmath_array._standard.elementwise import SIGNATURES

inf, nan = math.inf, math.nan
GRID = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, -3.0, 7.25, 100.0]
NP_NAME = {"acos": "arccos", "asin": "arcsin", "atan": "arctan", "acosh": "arccosh",
           "asinh": "arcsinh", "atanh": "arctanh", "atan2": "arctan2", "pow": "power",
           "bitwise_invert": "invert"}
# Where the standard leaves the sign of a zero result open (or NumPy differs from it).
ZERO_SIGN_FREE = {"maximum", "minimum", "sign"}
REAL_FLOAT = CATEGORIES["real-valued floating-point"]
FLOATS = ("float16", "bfloat16", "float32", "float64")


def _real_float_functions(arity):
    return sorted(n for n, (k, cat) in SIGNATURES.items()
                  if k == arity and REAL_FLOAT <= CATEGORIES[cat] and n != "clip")


def _np(name, *args):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name in ("positive", "real", "conj"):
            return np.asarray(args[0]).copy()
        return getattr(np, NP_NAME.get(name, name))(*args)


def _values(x) -> np.ndarray:
    if x.dtype == xp.bfloat16:
        x = xp.astype(x, xp.float32)
    return np.asarray(x)


def _assert_same(got: np.ndarray, expected: np.ndarray, name: str, rtol: float, inputs):
    expected = expected.astype(np.float64)
    got = got.astype(np.float64)
    for i, (g, e) in enumerate(zip(got.ravel(), expected.ravel())):
        where = f"{name}{tuple(v.ravel()[i] for v in inputs)}: got {g!r}, expected {e!r}"
        if math.isnan(e):
            assert math.isnan(g), where
        elif math.isinf(e) or e == 0:
            assert g == e, where
            if e == 0 and name not in ZERO_SIGN_FREE:
                assert math.copysign(1, g) == math.copysign(1, e), where
        else:
            assert math.isclose(g, e, rel_tol=rtol), where


def _rounded(a: np.ndarray, dtype_name: str):
    """``a`` (float64) in ``dtype_name``, and back as float64: the values the dtype holds."""
    x = xp.astype(xp.asarray(a), xp_dtype(dtype_name))
    return x, _values(x).astype(np.float64)


@pytest.mark.parametrize("dtype_name", FLOATS)
@pytest.mark.parametrize("name", _real_float_functions(1))
def test_unary_special_values_against_numpy(name, dtype_name):
    x, held = _rounded(np.array(GRID), dtype_name)
    out = getattr(xp, name)(x)
    expected = _np(name, held)
    if out.dtype != xp.bool:
        assert out.dtype == x.dtype
        # NumPy computes in float64: round its result to the dtype too.
        expected = _rounded(expected, dtype_name)[1]
    rtol = {"float16": 2e-3, "bfloat16": 1e-2, "float32": 1e-5, "float64": 1e-13}[dtype_name]
    _assert_same(_values(out), expected, name, rtol, (held,))


@pytest.mark.parametrize("dtype_name", FLOATS)
@pytest.mark.parametrize("name", _real_float_functions(2))
def test_binary_special_values_against_numpy(name, dtype_name):
    pairs = np.array(list(itertools.product(GRID, GRID)))
    x1, h1 = _rounded(pairs[:, 0], dtype_name)
    x2, h2 = _rounded(pairs[:, 1], dtype_name)
    out = getattr(xp, name)(x1, x2)
    if name == "nextafter":  # exact: NumPy's float64 steps are not the dtype's
        return _check_nextafter(_values(out), h1, h2, dtype_name)
    expected = _np(name, h1, h2)
    if name == "floor_divide":
        # With an infinite operand the standard prefers floor(x1 / x2) (inf // 2 is inf,
        # 1 // -inf is -0), where Python and NumPy give NaN and -1.
        py = np.isinf(h1) | np.isinf(h2)
        expected = np.where(py, np.floor(_np("divide", h1, h2)), expected)
    if name == "hypot":  # NumPy's float16 hypot(nan, inf) is NaN; IEEE 754's is inf
        expected = np.where(np.isinf(h1) | np.isinf(h2), inf, expected)
    if out.dtype != xp.bool:
        expected = _rounded(expected, dtype_name)[1]
    rtol = {"float16": 2e-3, "bfloat16": 1e-2, "float32": 1e-5, "float64": 1e-13}[dtype_name]
    _assert_same(_values(out), expected, name, rtol, (h1, h2))


def _check_nextafter(got, h1, h2, dtype_name):
    for g, a, b in zip(got, h1, h2):
        if math.isnan(a) or math.isnan(b):
            assert math.isnan(g)
        elif a == b:
            assert g == b and math.copysign(1, g) == math.copysign(1, b)  # -0 -> +0 is +0
        else:
            assert (g > a) == (b > a) and g != a
            # Nothing of the dtype lies strictly between a and the result.
            mid = xp.astype(xp.asarray((a + g) / 2, dtype=xp.float64), xp_dtype(dtype_name))
            assert float(xp.astype(mid, xp.float64)) in (a, g), (a, b, g)


# --- each case MLX alone gets wrong -------------------------------------------------------

def _f(values, dtype_name="float32"):
    """An array of ``dtype_name`` holding ``values``, signs of NaNs included."""
    a = np.array(values, dtype=np.float64)
    if dtype_name == "bfloat16":
        # Note: MLX's cast to bfloat16 drops a NaN's sign: take the float32 top bits.
        bits = (a.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
        return xp.asarray(mx.view(mx.array(bits), mx.bfloat16))
    return xp.asarray(a.astype(np_dtype(dtype_name)))


def _bits_sign(x) -> list[bool]:
    return np.signbit(_values(x)).tolist()


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_sign_of_nan_is_nan(dtype_name):
    out = _values(xp.sign(_f([nan, -nan, 2.0, -0.0], dtype_name)))
    assert np.isnan(out[:2]).all() and out[2] == 1 and out[3] == 0


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_sin_keeps_the_sign_of_zero(dtype_name):
    x = _f([-0.0, 0.0], dtype_name)
    assert _bits_sign(xp.sin(x)) == [True, False]
    assert _values(xp.sin(x)).tolist() == [0.0, 0.0]


def test_float64_exp_sin_cos_special_values():
    x = xp.asarray(np.array([nan, inf, -inf, 0.0, -0.0, 5e-324, -5e-324]))
    e, s, c = (_values(f(x)) for f in (xp.exp, xp.sin, xp.cos))
    assert np.isnan(e[0]) and e[1] == inf and e[2] == 0 and not np.signbit(e[2])
    assert e[3] == e[4] == 1 and e[5] == e[6] == 1
    assert np.isnan(s[:3]).all() and s[3:].tolist() == [0.0, -0.0, 5e-324, -5e-324]
    assert np.signbit(s).tolist()[3:] == [False, True, False, True]
    assert np.isnan(c[:3]).all() and c[3:].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_complex_sign_of_zero_is_zero():
    z = xp.asarray(np.array([complex(-0.0, 0.0), complex(0.0, -0.0), complex(-0.0, -0.0)],
                            dtype=np.complex64))
    out = np.asarray(xp.sign(z))
    assert (out == 0).all()
    assert not np.signbit(out.real).any() and not np.signbit(out.imag).any()


def test_complex_tanh_at_infinite_real_part():
    """tanh(+-inf + yj), y finite, is +-1 + 0j with y's sign on the zero."""
    z = np.array([complex(inf, 3.0), complex(inf, -3.0), complex(-inf, 3.0), complex(inf, 0.0),
                  complex(-inf, -1.0)], dtype=np.complex64)
    out = np.asarray(xp.tanh(xp.asarray(z)))
    assert out.real.tolist() == [1.0, 1.0, -1.0, 1.0, -1.0]
    assert (out.imag == 0).all()
    assert np.signbit(out.imag).tolist() == [False, True, False, False, True]


# The standard's complex expm1 cases (b is the imaginary part); None: sign unspecified.
EXPM1_CASES = [
    (complex(0.0, 0.0), (0.0, 0.0)), (complex(-0.0, 0.0), (0.0, 0.0)),
    (complex(1.0, inf), (nan, nan)), (complex(1.0, nan), (nan, nan)),
    (complex(inf, 0.0), (inf, 0.0)),
    (complex(-inf, 0.5), (-1.0 + 0.0 * math.cos(0.5), 0.0)),
    (complex(-inf, inf), (-1.0, None)), (complex(-inf, nan), (-1.0, None)),
    (complex(inf, inf), (None, nan)), (complex(inf, nan), (None, nan)),
    (complex(nan, 0.0), (nan, 0.0)), (complex(nan, 2.0), (nan, nan)),
    (complex(nan, nan), (nan, nan)),
]


@pytest.mark.parametrize("z, expected", EXPM1_CASES, ids=[str(c[0]) for c in EXPM1_CASES])
def test_complex_expm1_special_cases(z, expected):
    out = complex(xp.expm1(xp.asarray(np.array([z], dtype=np.complex64)))[0])
    for got, want in zip((out.real, out.imag), expected):
        if want is None:  # an infinity (or zero) whose sign the standard leaves open
            assert math.isinf(got) or got == 0
        elif math.isnan(want):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(want, abs=1e-6)
            if want == 0:
                assert math.copysign(1, got) == math.copysign(1, want)


@pytest.mark.parametrize("dtype_name", ("float32", "float64"))
def test_remainder_zero_takes_the_divisors_sign(dtype_name):
    """Through the compiled kernel (where MLX turns a -0.0 constant into +0.0)."""
    x1 = _f([0.0, -0.0, 0.0, -0.0, 4.0, -4.0], dtype_name)
    x2 = _f([-2.0, -2.0, 2.0, 2.0, -2.0, 2.0], dtype_name)
    out = xp.remainder(x1, x2)
    assert _values(out).tolist() == [0.0] * 6
    assert _bits_sign(out) == [True, True, False, False, True, False]
    assert _bits_sign(x1 % -2.0) == [True, True, True, True, True, True]


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_copysign_with_nans_and_zeros(dtype_name):
    neg_nan = -np.float64(nan)
    x1 = _f([1.5, 1.5, 1.5, 1.5, nan, nan, neg_nan, -2.0, inf], dtype_name)
    x2 = _f([-0.0, 0.0, neg_nan, nan, -1.0, 0.0, 3.0, inf, -inf], dtype_name)
    out = xp.copysign(x1, x2)
    assert _bits_sign(out) == [True, False, True, False, True, False, False, False, True]
    v = _values(out)
    assert np.abs(v[:4]).tolist() == [1.5] * 4 and np.isnan(v[4:7]).all()
    assert v[7:].tolist() == [2.0, -inf]


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_signbit(dtype_name):
    x = _f([-0.0, 0.0, -nan, nan, -inf, inf, -1e-30, 3.0], dtype_name)
    out = xp.signbit(x)
    assert out.dtype == xp.bool
    assert out.tolist() == [True, False, True, False, True, False, True, False]


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_hypot_special_cases(dtype_name):
    big = float(xp.finfo(xp_dtype(dtype_name)).max) / 2
    x1 = _f([inf, nan, -inf, nan, 0.0, -0.0, big, 3.0], dtype_name)
    x2 = _f([nan, -inf, 2.0, 2.0, -0.0, 0.0, big, -4.0], dtype_name)
    v = _values(xp.hypot(x1, x2))
    assert v[:3].tolist() == [inf, inf, inf] and np.isnan(v[3])
    assert v[4:6].tolist() == [0.0, 0.0] and not np.signbit(v[4:6]).any()
    assert np.isfinite(v[6]) and v[6] == pytest.approx(big * math.sqrt(2), rel=1e-2)
    assert v[7] == 5.0


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_logaddexp_special_cases(dtype_name):
    x1 = _f([nan, 1.0, inf, inf, -inf, -inf, inf, 1e4], dtype_name)
    x2 = _f([1.0, nan, nan, -inf, -inf, 2.0, inf, 1e4], dtype_name)
    v = _values(xp.logaddexp(x1, x2))
    assert np.isnan(v[:3]).all()
    assert v[3:5].tolist() == [inf, -inf] and v[5] == 2.0 and v[6] == inf
    held = _values(x2)[7]
    assert v[7] == pytest.approx(held + math.log(2), rel=1e-2)  # no overflow at 1e4


@pytest.mark.parametrize("dtype_name", FLOATS)
def test_nextafter_special_cases(dtype_name):
    tiny = float(xp.finfo(xp_dtype(dtype_name)).smallest_normal)
    x1 = _f([nan, 1.0, -0.0, 0.0, 0.0, -0.0, inf, -inf], dtype_name)
    x2 = _f([1.0, nan, 0.0, -0.0, 1.0, -1.0, 0.0, 0.0], dtype_name)
    out = xp.nextafter(x1, x2)
    v = _values(out)
    assert np.isnan(v[:2]).all()
    assert v[2:4].tolist() == [0.0, 0.0] and _bits_sign(out)[2:4] == [False, True]
    assert 0 < v[4] < tiny and -tiny < v[5] < 0  # the smallest subnormals
    assert v[6] == float(xp.finfo(xp_dtype(dtype_name)).max)
    assert v[7] == -v[6]
