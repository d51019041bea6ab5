"""NumPy-only math, statistics and counting functions (np-math) against NumPy.

NumPy is the oracle; its float64 results for integer input are compared as
float32 (our default float), its int64 counts and indices as int32. Dtypes and
shapes are checked by ``assert_close``/``assert_array_equal``. Most functions
are plain MLX graphs (no compiled kernel), so the dtype and rank draws cost no
compile time; the ones that reuse compiled kernels (fmod, tensordot, unique,
nonzero, norms, svd) draw from few dtypes and ranks.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import assert_array_equal, assert_close, np_dtype
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from section_helpers import arrays, axis_strategy, to_xp

import tmath_array as xp

RTOL = {"float16": 2e-3, "bfloat16": 2e-2, "float32": 2e-5, "float64": 1e-12}


def np_call(fn, *args, **kwargs):
    """NumPy's result, without its RuntimeWarnings (all-NaN slices, 0/0)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def float_name(name: str) -> str:
    """Our float dtype for an input dtype: integers and bool give float32."""
    return name if name in ("float16", "bfloat16", "float32", "float64") else "float32"


def ufunc_name(name: str) -> str:
    """Our dtype for a NumPy ufunc of ``name`` input: NumPy's (float16 for int8, float32
    for int16...), with float32 where NumPy gives its default float64 for integers."""
    out = np.sin(np.zeros(1, dtype=name)).dtype.name
    return "float32" if out == "float64" and name != "float64" else out


def as_expected(e, name: str) -> np.ndarray:
    """NumPy's result in dtype ``name`` (bfloat16 values are compared as float32)."""
    with np.errstate(all="ignore"):  # float16 overflows to inf, as ours does
        return np.asarray(e).astype(np_dtype(name))


# --- elementwise ------------------------------------------------------------------------

UNARY = ["fabs", "exp2", "cbrt", "deg2rad", "rad2deg", "degrees", "radians", "sinc"]


# float64 is checked in test_unary_special_values: its sin (in sinc) is a compiled kernel
# per rank.
@given(case=arrays(("float32", "float16", "int32", "int8", "uint8"), max_dims=2, lo=-20,
                   hi=20),
       fn=st.sampled_from(UNARY))
def test_unary(case, fn):
    name, a = case
    out = ufunc_name(name)
    got = getattr(xp, fn)(to_xp(a, name))
    expected = as_expected(np_call(getattr(np, fn), a.astype(np.float64)), out)
    assert_close(got, expected, rtol=RTOL[out] * 4, atol=RTOL[out], dtype=out)


def test_unary_special_values():
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -8.0, 27.0], dtype=np.float32)
    for fn in UNARY:
        got = np.asarray(getattr(xp, fn)(xp.asarray(a)))
        expected = np_call(getattr(np, fn), a)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7, err_msg=fn)
        np.testing.assert_array_equal(np.signbit(got[:2]), np.signbit(expected[:2]), err_msg=fn)
    a64 = np.linspace(-20, 20, 81)
    for fn in UNARY:
        assert_close(getattr(xp, fn)(xp.asarray(a64)), getattr(np, fn)(a64), rtol=1e-12,
                     atol=1e-15)
    with pytest.raises(TypeError):
        xp.fabs(xp.asarray([1j]))
    # Array-likes are taken as NumPy takes them (a list of floats is float32).
    assert xp.cbrt([8.0]).dtype == xp.float32 and float(xp.cbrt([8.0])[0]) == 2.0


# One rank: fmod reuses compiled kernels (remainder, copysign), one per dtype and rank.
@given(case=arrays(("float32", "int32"), min_dims=2, max_dims=2, max_side=4, lo=-50,
                   hi=50),
       data=st.data(), fn=st.sampled_from(["fmod", "fmax", "fmin", "heaviside"]))
def test_binary(case, data, fn):
    name, a = case
    b = data.draw(hnp.arrays(a.dtype, a.shape[-1:], elements=st.sampled_from(
        [0, 1, -1, 3, -7] if name != "float32" else [0.0, -0.0, 1.5, -2.0, np.nan, np.inf])))
    got = getattr(xp, fn)(to_xp(a, name), to_xp(b, name))
    expected = np_call(getattr(np, fn), a, b)
    if fn == "fmod" and name != "float32":
        expected = np.where(b == 0, 0, expected)  # integer division by zero gives 0 here
    out = ufunc_name(name) if fn == "heaviside" else name
    if out == "float32":
        assert_close(got, as_expected(expected, out), rtol=1e-6, dtype=out)
        if fn == "fmod":  # the sign of zero results follows x1 (NaN's sign means nothing)
            num = ~np.isnan(expected)
            np.testing.assert_array_equal(np.signbit(np.asarray(got))[num],
                                          np.signbit(expected)[num])
    else:
        assert_array_equal(got, expected, dtype=out)


def test_binary_with_python_scalars():
    x = xp.asarray([-2.0, 0.0, np.nan, 3.0])
    assert_close(xp.fmax(x, 0.5), np_call(np.fmax, np.asarray(x), np.float32(0.5)))
    assert_close(xp.heaviside(x, 0.5), np.heaviside(np.asarray(x), np.float32(0.5)))
    assert_array_equal(xp.fmod(xp.asarray([[7, -7]]), 3),
                       np.fmod([[7, -7]], 3).astype(np.int32))
    with pytest.raises(TypeError):
        xp.fmax(xp.asarray([1j]), 1.0)


@pytest.mark.parametrize("name", ["float32", "float16", "complex64", "int32"])
def test_nan_to_num(name):
    a = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0], dtype=np.float64)
    if name == "complex64":
        c = np.empty(a.shape, dtype=np.complex128)
        c.real, c.imag = a, a[::-1]
        a = c
    elif name == "int32":
        a = np.array([1, -2, 3])
    a = a.astype(np_dtype(name))
    assert_array_equal(xp.nan_to_num(to_xp(a, name)), np.nan_to_num(a))
    got = xp.nan_to_num(to_xp(a, name), nan=-1.0, posinf=9.0, neginf=-9.0)
    assert_array_equal(got, np.nan_to_num(a, nan=-1.0, posinf=9.0, neginf=-9.0))


def test_nan_to_num_in_place_and_errors():
    x = xp.asarray([np.nan, 2.0])
    y = xp.nan_to_num(x, copy=False)
    assert y is x
    assert_array_equal(x, np.array([0.0, 2.0], dtype=np.float32))
    with pytest.raises(TypeError):
        xp.nan_to_num(x, nan="zero")
    with pytest.raises(TypeError):
        xp.nan_to_num(x, copy=None)


# --- closeness and equality ----------------------------------------------------------------

@given(case=arrays(("float32", "int32", "float64", "complex64"), max_dims=2, max_side=4),
       data=st.data(), equal_nan=st.booleans())
def test_isclose_allclose(case, data, equal_nan):
    name, a = case
    b = data.draw(hnp.arrays(a.dtype, a.shape[-1:] if a.ndim else (),
                             elements=st.sampled_from(a.ravel().tolist() or [0])), label="b")
    b = (b * (1 + 1e-6)).astype(a.dtype) if name in ("float32", "float64") else b
    got = xp.isclose(to_xp(a, name), to_xp(b, name), equal_nan=equal_nan)
    expected = np_call(np.isclose, a, b, equal_nan=equal_nan)
    assert_array_equal(got, expected)
    got_all = xp.allclose(to_xp(a, name), to_xp(b, name), equal_nan=equal_nan)
    assert_array_equal(got_all, np.asarray(np_call(np.allclose, a, b, equal_nan=equal_nan)))


def test_isclose_tolerances_and_scalars():
    a = np.array([1.0, 1.001, 100.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    for rtol, atol in ((1e-5, 1e-8), (1e-2, 0.0), (0.0, 0.5)):
        assert_array_equal(xp.isclose(xp.asarray(a), 1.0, rtol=rtol, atol=atol),
                           np.isclose(a, np.float32(1.0), rtol=rtol, atol=atol))
    with pytest.raises(TypeError):
        xp.isclose(xp.asarray(a), a, rtol="big")
    with pytest.raises(TypeError):
        xp.isclose(xp.asarray([True]), xp.asarray([True]))


@given(case=arrays(("float32", "int16", "bool"), max_dims=2, max_side=3), data=st.data(),
       equal_nan=st.booleans())
def test_array_equal_equiv(case, data, equal_nan):
    name, a = case
    b = data.draw(st.sampled_from([a, a[:1] if a.ndim else a[None], a.copy(),
                                   np.zeros_like(a)]), label="b")
    x, y = to_xp(a, name), to_xp(b, name)
    assert_array_equal(xp.array_equal(x, y, equal_nan=equal_nan),
                       np.asarray(np.array_equal(a, b, equal_nan=equal_nan)))
    assert_array_equal(xp.array_equiv(x, y), np.asarray(np_call(np.array_equiv, a, b)))


# --- products ---------------------------------------------------------------------------------

DOT_SHAPES = [((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((4, 2, 3), (2, 3, 2))]


@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
@pytest.mark.parametrize("name", ["float32", "int32"])
def test_dot_inner_outer_kron(shapes, name):
    rng = np.random.default_rng(len(str(shapes)))
    a = rng.integers(-4, 5, shapes[0]).astype(np_dtype(name))
    b = rng.integers(-4, 5, shapes[1]).astype(np_dtype(name))
    check = assert_close if name == "float32" else assert_array_equal
    check(xp.dot(to_xp(a, name), to_xp(b, name)), np.asarray(np.dot(a, b)))
    check(xp.outer(to_xp(a, name), to_xp(b, name)), np.outer(a, b))
    check(xp.kron(to_xp(a, name), to_xp(b, name)), np.kron(a, b))
    bb = b if a.ndim == 0 or b.shape[-1:] == a.shape[-1:] else np.swapaxes(b, -1, -2)
    if a.ndim == 0 or bb.shape[-1:] == a.shape[-1:]:
        check(xp.inner(to_xp(a, name), to_xp(bb, name)), np.asarray(np.inner(a, bb)))
    if a.size == b.size:
        check(xp.vdot(to_xp(a, name), to_xp(b, name)), np.asarray(np.vdot(a, b)))


def test_products_complex_and_errors():
    a = np.array([1 + 2j, 3 - 1j], dtype=np.complex64)
    b = np.array([2 - 1j, 1j], dtype=np.complex64)
    assert_close(xp.vdot(xp.asarray(a), xp.asarray(b)), np.asarray(np.vdot(a, b)))
    assert_close(xp.inner(xp.asarray(a), xp.asarray(b)), np.asarray(np.inner(a, b)))
    x = xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.dot(x, x)
    with pytest.raises(ValueError):
        xp.inner(x, xp.ones((2,)))
    with pytest.raises(ValueError):
        xp.vdot(x, xp.ones((5,)))
    with pytest.raises(ValueError, match="out="):
        xp.dot(x, x.mT, out=x)
    with pytest.raises(TypeError):
        xp.outer(xp.asarray([True]), x)


@pytest.mark.parametrize("name", ["float32", "int32", "bool", "int8"])
def test_trace(name):
    a = (np.arange(24).reshape(2, 3, 4) % 3).astype(np_dtype(name))
    out = {"bool": "int32", "int8": "int32"}.get(name, name)
    for offset, axis1, axis2 in ((0, 0, 1), (1, 1, 2), (-1, 2, 0), (5, 0, 1)):
        expected = np.trace(a, offset, axis1, axis2).astype(np_dtype(out))
        assert_array_equal(xp.trace(to_xp(a, name), offset, axis1, axis2), expected, dtype=out)
    assert_array_equal(xp.trace(to_xp(a, name), dtype=xp.float32),
                       np.trace(a, dtype=np.float32))
    with pytest.raises(ValueError):
        xp.trace(xp.ones((3,)))
    with pytest.raises(ValueError):
        xp.trace(xp.ones((3, 3)), axis1=1, axis2=-1)


EINSUM = [("ij,jk->ik", ((2, 3), (3, 4))), ("ij,jk", ((2, 3), (3, 4))), ("ii->i", ((3, 3),)),
          ("ii", ((3, 3),)), ("i,i->", ((4,), (4,))), ("...ij->...ji", ((2, 3, 4),)),
          ("bij,bjk->bik", ((2, 2, 3), (2, 3, 2))), ("i,j->ij", ((2,), (3,)))]


@pytest.mark.parametrize("subscripts,shapes", EINSUM, ids=[e[0] for e in EINSUM])
@pytest.mark.parametrize("name", ["float32", "int32"])
def test_einsum(subscripts, shapes, name):
    rng = np.random.default_rng(0)
    ops = [rng.integers(-5, 6, s).astype(np_dtype(name)) for s in shapes]
    got = xp.einsum(subscripts, *[to_xp(o, name) for o in ops])
    check = assert_close if name == "float32" else assert_array_equal
    check(got, np.asarray(np.einsum(subscripts, *ops)))


def test_einsum_dtypes_and_errors():
    a = xp.ones((2, 2), dtype=xp.float32)
    i = xp.ones((2, 2), dtype=xp.int32)
    assert xp.einsum("ij,jk->ik", a, i).dtype == xp.float32  # operands promote
    assert xp.einsum("ij->", i, dtype=xp.float64).dtype == xp.float64
    with pytest.raises(TypeError):
        xp.einsum("ij->", a, dtype=xp.int32)  # not a safe cast
    assert xp.einsum("ij->", a, dtype=xp.int32, casting="unsafe").dtype == xp.int32
    with pytest.raises(TypeError):
        xp.einsum("ij->", xp.asarray([True]))
    with pytest.raises(TypeError):
        xp.einsum(a, [0, 1])
    with pytest.raises(ValueError):
        xp.einsum("ij,jk->ik", a, xp.ones((3, 2)))


# --- interp ----------------------------------------------------------------------------------

@given(xp_=hnp.arrays(np.float32, st.integers(1, 6), elements=st.floats(-10, 10, width=32),
                      unique=True),
       x=hnp.arrays(np.float32, st.integers(0, 8), elements=st.floats(-12, 12, width=32)
                    | st.sampled_from([np.nan, np.inf, -np.inf])),
       lr=st.sampled_from([(None, None), (-1.0, 99.0)]), data=st.data())
def test_interp(xp_, x, lr, data):
    xp_ = np.sort(xp_)
    fp = data.draw(hnp.arrays(np.float32, xp_.shape, elements=st.floats(-5, 5, width=32)))
    got = xp.interp(xp.asarray(x), xp.asarray(xp_), xp.asarray(fp), left=lr[0], right=lr[1])
    expected = np.interp(x, xp_, fp, left=lr[0], right=lr[1]).astype(np.float32)
    assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_interp_period_complex_and_errors():
    x = np.linspace(-400, 400, 17)
    xp_ = np.array([190, -190, 350, -350, 0.0])
    fp = np.array([5, 10, 3, 4, 1.0])
    assert_close(xp.interp(xp.asarray(x, dtype=xp.float64), xp.asarray(xp_), xp.asarray(fp),
                           period=360), np.interp(x, xp_, fp, period=360), rtol=1e-12)
    cf = np.array([1 + 1j, 2 - 3j, 0j], dtype=np.complex64)
    assert_close(xp.interp(xp.asarray([0.5, 1.5, 9.0]), [0.0, 1.0, 2.0], xp.asarray(cf)),
                 np.interp([0.5, 1.5, 9.0], [0.0, 1.0, 2.0], cf).astype(np.complex64))
    assert_close(xp.interp(2.5, [1, 2, 3], [3, 2, 0]), np.asarray(np.interp(2.5, [1, 2, 3],
                                                                              [3, 2, 0]),
                                                                    dtype=np.float32))
    with pytest.raises(ValueError):
        xp.interp(xp.asarray([1.0]), [], [])
    with pytest.raises(ValueError):
        xp.interp(xp.asarray([1.0]), [0.0, 1.0], [1.0])
    with pytest.raises(ValueError):
        xp.interp(xp.asarray([1.0]), [0.0, 1.0], [1.0, 2.0], period=0)
    with pytest.raises(TypeError):
        xp.interp(xp.asarray([1.0]), "ab", [1.0, 2.0])


# --- statistics ------------------------------------------------------------------------------

STAT_NAMES = ("float32", "float64", "int32", "float16")


@given(case=arrays(STAT_NAMES, max_dims=3, max_side=4, min_side=1, lo=-50, hi=50),
       data=st.data(), keepdims=st.booleans(),
       fn=st.sampled_from(["nansum", "nanmean", "nanmax", "nanmin", "nanvar", "nanstd",
                           "ptp"]))
def test_nan_reductions(case, data, keepdims, fn):
    name, a = case
    assume(not (fn == "ptp" and name != "int32" and not np.isfinite(a).all()))
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    kwargs = {"ddof": data.draw(st.integers(0, 2), label="ddof")} if fn in ("nanvar",
                                                                             "nanstd") else {}
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, keepdims=keepdims, **kwargs)
    out = name if fn in ("nansum", "nanmax", "nanmin", "ptp") else float_name(name)
    exact = fn in ("nanmax", "nanmin", "ptp") or (fn == "nansum" and name == "int32")
    wide = a if exact else a.astype(np.float64)
    expected = np_call(getattr(np, fn), wide, axis=axis, keepdims=keepdims, **kwargs)
    if name == "int32" and out == "int32":
        assert_array_equal(got, np.asarray(expected).astype(np.int32), dtype=out)
    else:
        n = a.size // max(1, np.asarray(expected).size)
        tol = RTOL[out] * max(1, n) * (50 if fn in ("nanvar", "nanstd") else 4)
        assert_close(got, as_expected(expected, out), rtol=tol, atol=tol * 50, dtype=out)


def test_nan_reductions_special_cases():
    a = np.array([[np.nan, np.nan], [1.0, np.nan]], dtype=np.float32)
    for fn in ("nanmean", "nanmax", "nanmin", "nanvar", "nanstd", "nanmedian"):
        assert_close(getattr(xp, fn)(xp.asarray(a), axis=1), np_call(getattr(np, fn), a, axis=1))
    assert_close(xp.nanvar(xp.asarray(a), correction=1), np_call(np.nanvar, a, ddof=1))
    c = np.array([1 + 1j, np.nan, 2 - 1j], dtype=np.complex64)
    assert_close(xp.nansum(xp.asarray(c)), np.asarray(np.nansum(c)))
    assert_close(xp.nanvar(xp.asarray(c)), np.asarray(np.nanvar(c), dtype=np.float32),
                 dtype="float32")
    assert_array_equal(xp.nansum(xp.asarray([1, 2], dtype=xp.int8)), np.asarray(3, np.int32))
    with pytest.raises(ValueError):
        xp.nanmax(xp.ones((0,)))
    with pytest.raises(ValueError):
        xp.nanvar(xp.ones(3), ddof=1, correction=1)
    with pytest.raises(TypeError):
        xp.nanmean(xp.ones(3), dtype=xp.int32)
    with pytest.raises(ValueError, match="out="):
        xp.nansum(xp.ones(3), out=xp.ones(()))


@given(case=arrays(("float32", "int32", "float64"), max_dims=2, max_side=4, min_side=1),
       data=st.data(), returned=st.booleans(), keepdims=st.booleans())
def test_average(case, data, returned, keepdims):
    name, a = case
    assume(np.isfinite(a).all())
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1) if a.ndim else st.none(),
                     label="axis")
    wshape = a.shape if axis is None else data.draw(st.sampled_from([a.shape,
                                                                     (a.shape[axis],)]))
    w = data.draw(hnp.arrays(np.float32, wshape, elements=st.floats(0.5, 4, width=32)))
    got = xp.average(to_xp(a, name), axis=axis, weights=xp.asarray(w), returned=returned,
                     keepdims=keepdims)
    expected = np.average(a.astype(np.float64), axis=axis, weights=w, returned=returned,
                          keepdims=keepdims)
    out = float_name(name)
    for g, e in zip(got, expected) if returned else [(got, expected)]:
        assert_close(g, as_expected(e, out), rtol=1e-4, atol=1e-4, dtype=out)
    assert_close(xp.average(to_xp(a, name), axis=axis),
                 as_expected(np.average(a.astype(np.float64), axis=axis), out), rtol=1e-4,
                 atol=1e-4, dtype=out)


def test_average_errors():
    x = xp.ones((2, 3))
    with pytest.raises(TypeError):
        xp.average(x, weights=xp.ones(3))
    with pytest.raises(ValueError):
        xp.average(x, axis=0, weights=xp.ones(3))
    avg, scl = xp.average(x, axis=1, weights=[1.0, 2.0, 3.0], returned=True)
    assert_close(scl, np.array([6.0, 6.0], dtype=np.float32))


QUANTILE_METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "weibull", "hazen",
                    "interpolated_inverted_cdf", "median_unbiased", "normal_unbiased"]


@given(case=arrays(("float32", "int32", "float64"), max_dims=3, max_side=4, min_side=1,
                   special=False),
       data=st.data(), keepdims=st.booleans(), method=st.sampled_from(QUANTILE_METHODS),
       q=st.sampled_from([0.5, 0.0, 1.0, [0.1, 0.33, 0.7], [[0.25], [0.9]]]))
def test_quantile_percentile(case, data, keepdims, method, q):
    name, a = case
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    got = xp.quantile(to_xp(a, name), q, axis=axis, keepdims=keepdims, method=method)
    expected = np.quantile(a, q, axis=axis, keepdims=keepdims, method=method)
    discrete = method in ("lower", "higher", "nearest")
    out = name if discrete else float_name(name)
    if out == "int32":
        assert_array_equal(got, expected.astype(np.int32), dtype=out)
    else:
        assert_close(got, as_expected(expected, out), rtol=1e-5, atol=1e-5, dtype=out)
    qp = np.multiply(q, 100).tolist()
    got = xp.percentile(to_xp(a, name), qp, axis=axis, keepdims=keepdims, method=method)
    expected = np.percentile(a, qp, axis=axis, keepdims=keepdims, method=method)
    if out == "int32":
        assert_array_equal(got, expected.astype(np.int32), dtype=out)
    else:
        assert_close(got, as_expected(expected, out), rtol=1e-5, atol=1e-5, dtype=out)


@given(case=arrays(("float32", "int32"), max_dims=3, max_side=4, min_side=1), data=st.data(),
       keepdims=st.booleans(), fn=st.sampled_from(["median", "nanmedian"]))
def test_median_nanmedian(case, data, keepdims, fn):
    name, a = case
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, keepdims=keepdims)
    expected = np_call(getattr(np, fn), a.astype(np.float64), axis=axis, keepdims=keepdims)
    assert_close(got, as_expected(expected, "float32"), rtol=1e-5, atol=1e-4, dtype="float32")


def test_quantile_array_q_and_errors():
    a = np.arange(10, dtype=np.float32)
    q = np.array([0.25, 0.5], dtype=np.float32)
    assert_close(xp.quantile(xp.asarray(a), xp.asarray(q)), np.quantile(a, q))
    assert_close(xp.quantile(xp.asarray(a), xp.asarray([1.5])), np.array([np.nan], np.float32))
    q64 = np.array([0.1, 0.9])  # a NumPy q, as NumPy code passes it: float64 as in NumPy
    assert_close(xp.quantile(xp.asarray(a), q64), np.quantile(a, q64), rtol=1e-6)
    with pytest.raises(ValueError):
        xp.quantile(xp.asarray(a), 1.5)
    with pytest.raises(ValueError):
        xp.percentile(xp.asarray(a), [50, 101])
    with pytest.raises(ValueError):
        xp.quantile(xp.asarray(a), 0.5, method="inverted_cdf")
    with pytest.raises(ValueError):
        xp.median(xp.ones((0, 3)), axis=0)
    with pytest.raises(TypeError):
        xp.quantile(xp.asarray(a), "half")
    with pytest.raises(TypeError):
        xp.median(xp.asarray([1j]))


@given(case=arrays(("float32", "float64", "int32"), min_dims=1, max_dims=2, max_side=4,
                   min_side=2, special=False, lo=-10, hi=10),
       rowvar=st.booleans(), bias=st.booleans(), weighted=st.booleans(), data=st.data())
def test_cov_corrcoef(case, rowvar, bias, weighted, data):
    name, a = case
    nobs = a.shape[-1] if (rowvar or a.ndim == 1) else a.shape[0]
    fw = aw = None
    if weighted:
        fw = data.draw(hnp.arrays(np.int32, (nobs,), elements=st.integers(1, 3)), label="fw")
        aw = data.draw(hnp.arrays(np.float32, (nobs,), elements=st.floats(0.5, 2, width=32)),
                       label="aw")
    got = xp.cov(to_xp(a, name), rowvar=rowvar, bias=bias,
                 fweights=None if fw is None else xp.asarray(fw),
                 aweights=None if aw is None else xp.asarray(aw))
    expected = np_call(np.cov, a, rowvar=rowvar, bias=bias, fweights=fw, aweights=aw)
    out = float_name(name)
    assert_close(got, as_expected(expected, out), rtol=1e-4, atol=1e-3, dtype=out)
    # A constant variable's correlation is 0/0, or rounding noise (float32) / rounding noise.
    assume(np.ptp(a, axis=-1 if (rowvar or a.ndim == 1) else 0).min() > 1e-3)
    got = xp.corrcoef(to_xp(a, name), rowvar=rowvar)
    expected = np_call(np.corrcoef, a, rowvar=rowvar)
    assert_close(got, as_expected(expected, out), rtol=1e-4, atol=1e-3, dtype=out)


def test_cov_y_ddof_complex_and_errors():
    rng = np.random.default_rng(1)
    m, y = rng.standard_normal((2, 5)), rng.standard_normal(5)
    assert_close(xp.cov(xp.asarray(m), xp.asarray(y), ddof=2), np.cov(m, y, ddof=2),
                 rtol=1e-10)
    c = (m[0] + 1j * m[1]).astype(np.complex64)
    assert_close(xp.cov(xp.asarray(c)), np.cov(c).astype(np.complex64), rtol=1e-4)
    assert_close(xp.corrcoef(xp.asarray(m), xp.asarray(y)), np.corrcoef(m, y), rtol=1e-10)
    with pytest.raises(ValueError):
        xp.cov(xp.ones((2, 2, 2)))
    with pytest.raises(ValueError):
        xp.cov(xp.ones((2, 3)), xp.ones((2, 4)))
    with pytest.raises(TypeError):
        xp.cov(xp.ones((2, 3)), fweights=xp.ones(3))
    with pytest.raises(TypeError):
        xp.cov(xp.ones((2, 3)), ddof=1.5)


# --- histogram, bincount, argwhere, flatnonzero, unique ------------------------------------

@given(case=arrays(("float32", "int32"), max_dims=2, max_side=6, special=False, lo=-20,
                   hi=20),
       bins=st.integers(1, 7) | st.sampled_from([[-20.0, -3.5, 0.0, 1.0, 30.0], [0, 1]]),
       rng=st.sampled_from([None, (-5.0, 5.0), (0, 0)]), weighted=st.booleans(),
       density=st.booleans())
def test_histogram(case, bins, rng, weighted, density):
    name, a = case
    w = (np.arange(a.size).reshape(a.shape) % 3).astype(np.float32) if weighted else None
    got_counts, got_edges = xp.histogram(to_xp(a, name), bins=bins, range=rng,
                                         weights=None if w is None else xp.asarray(w),
                                         density=density)
    counts, edges = np_call(np.histogram, a, bins=bins, range=rng, weights=w, density=density)
    assert_close(got_edges, edges.astype(np.float32), rtol=1e-6, atol=1e-6, dtype="float32")
    if density:
        assert_close(got_counts, counts.astype(np.float32), rtol=1e-5, dtype="float32")
    else:
        assert_array_equal(got_counts, counts.astype(np.float32 if weighted else np.int32))


def test_histogram_rules_edges_and_errors():
    a = np.random.default_rng(2).standard_normal(50).astype(np.float32)
    for rule in ("auto", "fd", "sturges", "sqrt"):
        got = xp.histogram(xp.asarray(a), bins=rule)
        expected = np.histogram(a, bins=rule)
        assert_array_equal(got[0], expected[0].astype(np.int32))
        assert_close(got[1], expected[1], rtol=1e-6)
    x = xp.asarray(a)
    edges = np.array([-1.0, 0.0, 2.5])
    got = xp.histogram(x, bins=edges, range=np.array([-1, 1]))
    expected = np.histogram(a, bins=edges, range=np.array([-1, 1]))
    assert_array_equal(got[0], expected[0].astype(np.int32))
    assert_array_equal(got[1], expected[1])
    with pytest.raises(TypeError):
        xp.histogram(x, range=(1.0,))
    with pytest.raises(ValueError):
        xp.histogram(x, bins=0)
    with pytest.raises(ValueError):
        xp.histogram(x, bins=[1.0, 0.0])
    with pytest.raises(ValueError):
        xp.histogram(x, range=(1.0, 0.0))
    with pytest.raises(ValueError):
        xp.histogram(x, range=(0.0, np.inf))
    with pytest.raises(ValueError):
        xp.histogram(x, bins="no-such-rule")
    with pytest.raises(ValueError):
        xp.histogram(x, weights=xp.ones(3))
    with pytest.raises(TypeError):
        xp.histogram(xp.asarray([1j]))


@given(x=hnp.arrays(np.int32, st.integers(0, 12), elements=st.integers(0, 9)),
       minlength=st.integers(0, 12), weighted=st.booleans())
def test_bincount(x, minlength, weighted):
    w = (np.arange(x.size) * 0.5).astype(np.float32) if weighted else None
    got = xp.bincount(xp.asarray(x), None if w is None else xp.asarray(w), minlength)
    expected = np.bincount(x, w, minlength)
    assert_array_equal(got, expected.astype(np.float32 if weighted else np.int32))
    got = xp.bincount(xp.asarray(x), length=5)
    assert_array_equal(got, np.bincount(x[x < 5], minlength=5)[:5].astype(np.int32))


def test_bincount_errors():
    with pytest.raises(ValueError):
        xp.bincount(xp.asarray([1, -1]))
    with pytest.raises(ValueError):
        xp.bincount(xp.asarray([[1]]))
    with pytest.raises(ValueError):
        xp.bincount(xp.asarray([1]), minlength=-1)
    with pytest.raises(TypeError):
        xp.bincount(xp.asarray([1.0]))


@given(case=arrays(("float32", "bool"), max_dims=3, max_side=4))
def test_argwhere_flatnonzero(case):
    name, a = case
    assert_array_equal(xp.argwhere(to_xp(a, name)), np.argwhere(a).astype(np.int32))
    assert_array_equal(xp.flatnonzero(to_xp(a, name)), np.flatnonzero(a).astype(np.int32))


@given(case=arrays(("float32", "int32"), max_dims=2, max_side=5), equal_nan=st.booleans(),
       flags=st.sampled_from([(False, False, False), (True, True, True)]))
def test_unique(case, equal_nan, flags):
    name, a = case
    got = xp.unique(to_xp(a, name), *flags, equal_nan=equal_nan)
    expected = np.unique(a, *flags, equal_nan=equal_nan)
    if not any(flags):
        got, expected = (got,), (expected,)
    assert len(got) == len(expected)
    assert_array_equal(got[0], expected[0])
    for g, e in zip(got[1:], expected[1:]):
        assert_array_equal(g, e.astype(np.int32))
    if a.ndim:  # unique slices (tests/test_numpy_functions.py has more)
        b = np.nan_to_num(a, posinf=1e9, neginf=-1e9)
        assert_array_equal(xp.unique(to_xp(b, name), axis=0), np.unique(b, axis=0))


# --- linalg.norm and linalg.lstsq ----------------------------------------------------------

# Few cases: every (ord, axes, keepdims) of the standard's norms is a compiled kernel.
NORM_CASES = [
    ((3,), None, None, False), ((2, 3, 4), None, None, True), ((3,), 0, None, False),
    ((2, 3, 4), 3, 1, True), ((2, 3), "fro", None, False), ((2, 3), "nuc", None, False),
    ((2, 3), np.inf, None, False), ((2, 3, 4), 1, (2, 0), True), ((2, 3, 4), -2, (0, 1), False),
]


@pytest.mark.parametrize("shape,ord_,axis,keepdims", NORM_CASES, ids=str)
def test_norm(shape, ord_, axis, keepdims):
    a = (np.arange(np.prod(shape)).reshape(shape) % 5 - 2).astype(np.float32)
    got = xp.linalg.norm(xp.asarray(a), ord=ord_, axis=axis, keepdims=keepdims)
    expected = np.linalg.norm(a, ord=ord_, axis=axis, keepdims=keepdims)
    assert_close(got, np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_norm_integers_and_errors():
    assert_close(xp.linalg.norm(xp.asarray([3, 4])), np.asarray(5.0, dtype=np.float32))
    with pytest.raises(ValueError):
        xp.linalg.norm(xp.ones((2, 2, 2)), ord=1)
    with pytest.raises(ValueError):
        xp.linalg.norm(xp.ones(3), ord="fro")
    with pytest.raises(ValueError):
        xp.linalg.norm(xp.ones((2, 2)), ord=3)
    with pytest.raises(ValueError):
        xp.linalg.norm(xp.ones((2, 2, 2)), axis=(0, 1, 2))
    with pytest.raises(TypeError):
        xp.linalg.norm(xp.ones(2), keepdims=1)


@pytest.mark.parametrize("shape,bshape", [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 5), (3,)),
                                          ((4, 4), (4, 1))], ids=str)
def test_lstsq(shape, bshape):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(bshape).astype(np.float32)
    x, res, rank, s = xp.linalg.lstsq(xp.asarray(a), xp.asarray(b), rcond=None)
    ex, eres, erank, es = np.linalg.lstsq(a.astype(np.float64), b.astype(np.float64),
                                          rcond=None)
    assert_close(x, ex.astype(np.float32), rtol=1e-4, atol=1e-5)
    assert_close(res, eres.astype(np.float32), rtol=1e-4, atol=1e-5)
    assert_array_equal(rank, np.asarray(erank, dtype=np.int32))
    assert_close(s, es.astype(np.float32), rtol=1e-5)


def test_lstsq_rank_deficient_float32_and_errors():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], dtype=np.float32)
    b = np.array([1.0, 2.0, 3.5], dtype=np.float32)
    x, res, rank, s = xp.linalg.lstsq(xp.asarray(a), xp.asarray(b))
    ex, _, erank, es = np.linalg.lstsq(a, b)
    assert_close(x, ex, rtol=1e-4, atol=1e-5)
    assert int(rank) == erank == 1
    assert res.shape == (1,)  # NumPy gives (0,) here: see lstsq's docstring
    with pytest.raises(ValueError):
        xp.linalg.lstsq(xp.ones((2, 2, 2)), xp.ones((2,)))
    with pytest.raises(ValueError):
        xp.linalg.lstsq(xp.ones((3, 2)), xp.ones((2,)))
    with pytest.raises(TypeError):
        xp.linalg.lstsq(xp.ones((3, 2)), xp.ones((3,)), rcond="x")


# --- laziness ------------------------------------------------------------------------------

def test_lazy_functions_run_no_sync_point():
    x = xp.asarray([1.0, np.nan, 3.0, -2.0])
    m = xp.reshape(xp.arange(6, dtype=xp.float32), (2, 3))
    xp.reset_sync_stats()
    results = [
        xp.fmod(x, 2.0), xp.cbrt(x), xp.sinc(x), xp.isclose(x, x), xp.allclose(m, m),
        xp.array_equal(m, m), xp.nan_to_num(x), xp.dot(m, m.mT), xp.einsum("ij->j", m),
        xp.interp(x, [0.0, 1.0], [1.0, 2.0]), xp.nanmean(x), xp.nanstd(m, axis=0),
        xp.percentile(m, [10, 90], axis=1), xp.nanmedian(x), xp.cov(m), xp.corrcoef(m),
        xp.average(m, axis=1, weights=[1.0, 2.0, 3.0]), xp.histogram(x, bins=3)[0],
        xp.histogram(m, bins=[0.0, 2.0, 9.0])[0], xp.bincount(xp.asarray([1, 2]), length=4),
        xp.linalg.norm(m, ord="nuc"), xp.linalg.lstsq(m.mT, x[:3])[0],
    ]
    assert xp.sync_stats().total == 0
    assert all(isinstance(r, xp.Array) for r in results)


def test_isclose_shapes_that_do_not_broadcast_and_nan_reductions_of_non_arrays():
    # (found by tools/fuzz: MLX's '[broadcast_shapes]' error and an AttributeError leaked)
    with pytest.raises(ValueError, match=r"^isclose: shapes \(0, 1\) and \(5, 0, 2, 2\)"):
        xp.allclose(xp.zeros((0, 1)), xp.zeros((5, 0, 2, 2)))
    for fn in (xp.nanmean, xp.nanmax, xp.nanstd, xp.nanmedian, xp.nansum):
        with pytest.raises(TypeError):
            fn({"not": "data"})


@pytest.mark.parametrize("name", ["bool", "int8", "uint8", "int16", "uint16", "int32",
                                  "uint64"])
@pytest.mark.parametrize("fn", ["rad2deg", "degrees", "deg2rad", "fabs", "cbrt", "sinc",
                                "exp2", "arcsinh", "arctan", "arccos"])
def test_integer_input_gives_numpys_small_floats(fn, name):
    """NumPy's ufuncs give bool and 8-bit integers float16, 16-bit ones float32; wider
    integers give NumPy's float64, here float32."""
    a = np.array([0, 1, 1, 0, 1], dtype=name) if name == "bool" else \
        np.array([0, 1, 2, 5, 9], dtype=name)
    if fn == "arccos":
        a = a.astype(bool).astype(name)  # inside [-1, 1]
    out = ufunc_name(name)
    got = getattr(xp, fn)(xp.asarray(a))
    assert_close(got, as_expected(getattr(np, fn)(a.astype(np.float64)), out),
                 rtol=RTOL[out], atol=RTOL[out], dtype=out)


@pytest.mark.parametrize("n1, n2", [("int8", "uint8"), ("int8", "int16"), ("uint8", "bool"),
                                    ("int32", "int8")])
def test_binary_ufuncs_cast_each_integer_operand(n1, n2):
    """As NumPy's loop selection: arctan2(int8, uint8) is float16, (int8, int16) float32."""
    a = np.array([1, 0, 3], dtype=n1)
    b = np.array([2, 1, 0], dtype=n2)
    for fn in ("arctan2", "heaviside"):
        want = getattr(np, fn)(a, b)
        out = "float32" if want.dtype == np.float64 else want.dtype.name
        got = getattr(xp, fn)(xp.asarray(a), xp.asarray(b))
        assert_close(got, as_expected(want, out), rtol=RTOL[out], dtype=out)


@pytest.mark.parametrize("fn", ["fmod", "fmax", "fmin", "heaviside", "isclose"])
@pytest.mark.parametrize("s1, s2", [((3,), (2,)), ((3, 3), (3, 0)), ((0, 2**30), (4,))])
def test_binary_shapes_that_do_not_broadcast(fn, s1, s2):
    x1 = xp.zeros(s1, dtype=xp.uint16)
    x2 = xp.zeros(s2, dtype=xp.uint16)
    with pytest.raises(ValueError, match=f"^{fn}: shapes .* cannot be broadcast") as info:
        getattr(xp, fn)(x1, x2)
    with pytest.raises(ValueError):  # NumPy agrees that they do not
        np.broadcast_shapes(s1, s2)
    assert "[broadcast_shapes]" not in str(info.value)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "complex64"])
@pytest.mark.parametrize("kw", [{}, {"nan": 2.0, "posinf": 7.0, "neginf": -9.0},
                                {"posinf": 1e300}])
def test_nan_to_num_every_floating_dtype(name, kw):
    a = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0, 3.0], dtype=name)
    if name == "complex64":
        a.imag = a.real[::-1]
    with np.errstate(over="ignore"):
        want = np.nan_to_num(a, **kw)
    assert_array_equal(xp.nan_to_num(xp.asarray(a), **kw), want)


@pytest.mark.parametrize("kw", [{"minlength": 2**70}, {"minlength": 2**40},
                                {"length": 2**63}, {"minlength": 2**31}])
def test_bincount_huge_lengths_raise_before_building(kw):
    with pytest.raises((ValueError, MemoryError), match="bincount"):
        xp.bincount(xp.asarray([1, 2]), **kw)


@pytest.mark.parametrize("value, name", [(2**62, "int64"), (2**64 - 1, "uint64")])
def test_bincount_huge_values_raise_before_building(value, name):
    with pytest.raises((ValueError, MemoryError), match="bincount"):
        xp.bincount(xp.asarray(np.array([value, 1], dtype=name)))


@pytest.mark.parametrize("name", ["uint64", "int64", "bool", "uint8"])
def test_bincount_of_every_integer_dtype(name):
    a = np.array([3, 0, 1, 1], dtype=name)
    assert_array_equal(xp.bincount(xp.asarray(a)),
                       np.bincount(a.astype(np.int64)).astype(np.int32))


@pytest.mark.parametrize("fn", ["nanvar", "nanstd"])
@pytest.mark.parametrize("ddof", [2**63, 2**70, 2**63 - 1])
def test_nan_variance_with_a_huge_ddof_is_nan(fn, ddof):
    """count - ddof <= 0 gives NaN (a Python int past 64 bits used to crash in MLX)."""
    got = np.asarray(getattr(xp, fn)(xp.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]]),
                                     ddof=ddof, axis=1))
    assert got.shape == (2,) and np.isnan(got).all()


@pytest.mark.parametrize("ddof", [2**63, 2**70])
def test_cov_with_a_huge_ddof_matches_numpy(ddof):
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]], dtype=np.float32)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy: "Degrees of freedom <= 0"
        want = np.cov(a, ddof=ddof).astype(np.float32)
    assert_array_equal(xp.cov(xp.asarray(a), ddof=ddof), want)


@pytest.mark.parametrize("name", ["int64", "int32", "uint8", "bool"])
def test_lstsq_of_integers_is_solved_like_numpy(name):
    """Integer input is solved in float64 on the CPU, as NumPy does: float32 rounding
    would call this matrix rank 1. The results are float32."""
    a = np.array([[1, 2**20], [0, 1]]) if name in ("int64", "int32") else \
        np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    a = a.astype(name)
    b = np.arange(a.shape[0]).astype(name)
    x, res, rank, s = xp.linalg.lstsq(xp.asarray(a), xp.asarray(b))
    ex, eres, erank, es = np.linalg.lstsq(a.astype(np.float64), b.astype(np.float64))
    assert int(rank) == erank
    assert_close(x, ex.astype(np.float32), rtol=1e-6, atol=1e-6)
    assert_close(s, es.astype(np.float32), rtol=1e-6)


@pytest.mark.parametrize("ashape, bshape", [((0, 3), (0, 3)), ((0, 3), (0,)), ((3, 0), (3, 2)),
                                            ((0, 0), (0, 1))])
def test_lstsq_of_empty_matrices(ashape, bshape):
    a, b = np.zeros(ashape, np.float32), np.zeros(bshape, np.float32)
    got = xp.linalg.lstsq(xp.asarray(a), xp.asarray(b))
    want = np.linalg.lstsq(a, b)
    for g, w in zip(got, want):
        assert g.shape == np.shape(w)
    assert_array_equal(got[0], want[0])
    assert int(got[2]) == want[2]


@pytest.mark.parametrize("name", ["uint32", "int64", "uint64", "int32"])
@pytest.mark.parametrize("density", [False, True])
def test_histogram_of_large_integers_matches_numpy(name, density):
    """Integer input is binned in float64 (as NumPy): one large value, or values a few
    apart, fall in NumPy's bins (float32 cannot split such a range: once a segfault)."""
    for vals in ([20868394], [20868394, 20868396, 20868395], [2**31 - 5, 2**31 - 1]):
        a = np.array(vals, dtype=name)
        counts, edges = xp.histogram(xp.asarray(a), density=density)
        want_counts, want_edges = np.histogram(a, density=density)
        assert_close(counts, want_counts.astype(np.float32 if density else np.int32),
                     rtol=1e-6)
        assert_close(edges, want_edges.astype(np.float32), rtol=1e-6)


def test_histogram_of_a_collapsed_float32_range_stays_in_bounds():
    """NumPy raises ("Too many bins for data range"); deciding that needs the values, so
    here every value lands in the first bin, never outside the counts."""
    counts, edges = xp.histogram(xp.asarray(np.float32([20868394, 20868394])), density=True)
    assert counts.shape == (10,) and edges.shape == (11,)
    assert np.asarray(xp.histogram(xp.asarray(np.float32([20868394])))[0]).sum() == 1


@pytest.mark.parametrize("bins", [2**31, 2**40, 2**63])
def test_histogram_with_too_many_bins_raises_before_building(bins):
    with pytest.raises((ValueError, MemoryError), match="histogram"):
        xp.histogram(xp.asarray([1, 2, 3]), bins=bins)


def test_histogram_density_of_bfloat16_is_computed_in_float32():
    a = np.array([2.0, 1.75, 2.25], dtype=np.float32)
    counts, _ = xp.histogram(xp.asarray(a, dtype=xp.bfloat16), density=True)
    want, _ = np.histogram(a, density=True)
    assert_close(counts, want.astype(np.float32), rtol=1e-6, dtype="float32")


def test_average_of_a_0d_array_with_weights_along_an_axis():
    """(found by tools/fuzz: an accidental "'NoneType' object is not iterable")"""
    with pytest.raises(ValueError, match="average: weights"):
        xp.average(xp.asarray(np.int8(-63)), axis=0, weights=xp.asarray([3]), keepdims=True)
    with pytest.raises(ValueError):  # NumPy: AxisError, a ValueError
        np.average(np.int8(-63), axis=0, weights=np.array([3]), keepdims=True)


@pytest.mark.parametrize("name", ["float32", "float16", "complex64", "uint8"])
@pytest.mark.parametrize("rtol, atol", [(float("nan"), 1.9), (1e-5, float("nan")),
                                        (float("inf"), 0.0), (0.1, float("inf")), (0, 0)])
@pytest.mark.parametrize("equal_nan", [False, True])
def test_isclose_with_extreme_tolerances_matches_numpy(name, rtol, atol, equal_nan):
    """NumPy's formula: equal values are close whatever the tolerances (found by
    tools/fuzz: rtol=nan made equal values not close)."""
    vals = np.array([np.inf, -np.inf, np.nan, 1.0, 1e30, 0.0, 3.0, 2.9999, 7.0, 128.0])
    if name == "uint8":
        vals = np.array([0, 1, 3, 7, 128, 254, 255, 2, 5, 9])
    with np.errstate(over="ignore"):  # (1e30 is inf in float16)
        a = vals.astype(name)
        b = vals[::-1].astype(name)
    if name == "complex64":
        a.imag = vals[::-1]
        b.imag = vals
    with np.errstate(all="ignore"):
        want = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        want_self = np.isclose(a, a, rtol=rtol, atol=atol, equal_nan=equal_nan)
    got = xp.isclose(xp.asarray(a), xp.asarray(b), rtol=rtol, atol=atol, equal_nan=equal_nan)
    assert_array_equal(got, want)
    assert_array_equal(xp.isclose(xp.asarray(a), xp.asarray(a), rtol=rtol, atol=atol,
                                  equal_nan=equal_nan), want_self)


def test_nan_variance_checks_argument_types_before_values():
    """(found by tools/fuzz: a tensor ddof beside correction= asked for its truth)"""
    import torch

    for fn in (xp.nanvar, xp.nanstd):
        with pytest.raises(TypeError, match="ddof"):
            fn(xp.zeros((2, 2)), ddof=torch.tensor([1, 2]), correction=1.0)
        with pytest.raises(TypeError, match="correction"):
            fn(xp.zeros((2, 2)), correction=xp.asarray([1.0]))


@pytest.mark.parametrize("fn", ["cov", "corrcoef"])
@pytest.mark.parametrize("mshape, yshape, rowvar", [((0, 0), (0,), True), ((0, 3), (5,), True),
                                                    ((3, 0), (5,), False), ((0, 0), None, True)])
def test_cov_without_variables_is_an_empty_matrix(fn, mshape, yshape, rowvar):
    """As NumPy: no variables in m give (0, 0), whatever y holds (found by tools/fuzz)."""
    m = np.zeros(mshape, np.int16)
    y = None if yshape is None else np.zeros(yshape, np.int16)
    got = getattr(xp, fn)(xp.asarray(m), None if y is None else xp.asarray(y), rowvar)
    assert got.shape == getattr(np, fn)(m, y, rowvar).shape == (0, 0)


@pytest.mark.parametrize("fn", ["cov", "corrcoef"])
def test_cov_of_none_is_a_type_error(fn):
    """(found by tools/fuzz: m=None skipped like y=None, then "list index out of range")"""
    with pytest.raises(TypeError, match="NoneType"):
        getattr(xp, fn)(None, rowvar=True, dtype=xp.float32)


def test_histogram_density_and_quantile_method_of_the_wrong_type():
    """(found by tools/fuzz: a tensor density= asked for its truth; a dict method= was
    looked up in a dict: "unhashable type")"""
    import torch

    for bad in (torch.zeros((3, 0)), xp.asarray([True, False]), {"a": 1}):
        with pytest.raises(TypeError, match="histogram: density"):
            xp.histogram(xp.asarray([1.0, 2.0]), density=bad)
    assert_array_equal(xp.histogram(xp.asarray([1.0, 2.0]), density=np.False_)[0],
                       np.histogram([1.0, 2.0])[0].astype(np.int32))
    for fn in (xp.quantile, xp.percentile):
        with pytest.raises(TypeError, match="method must be a string"):
            fn(xp.asarray([1.0, 2.0]), 0.5, method={"a": 1})


def test_histogram_range_of_the_wrong_length_is_refused_before_it_is_iterated():
    # (found by the fuzzer: a tensor of shape (10**9, 0) as range= was iterated: the
    # unbinding exhausted memory, std::bad_alloc)
    import torch

    with pytest.raises(TypeError, match="range"):
        xp.histogram(xp.asarray([1.0, 2.0]), range=torch.zeros((10**9, 0)))
    counts, edges = xp.histogram(xp.asarray([1.0, 2.0]), range=np.array([0.0, 4.0]), bins=2)
    assert counts.tolist() == [1, 1] and edges.tolist() == [0.0, 2.0, 4.0]


def test_polyfit_of_a_huge_degree_is_a_memory_error():
    # (found by the fuzzer: deg=np.uint32(74200905) built the Vandermonde matrix a column
    # at a time until the process aborted)
    with pytest.raises(MemoryError, match="polyfit"):
        xp.polyfit(xp.asarray([1.0, 2.0]), xp.asarray([1.0, 4.0]), np.uint32(74200905))
    close = xp.polyfit(xp.asarray([1.0, 2.0, 3.0]), xp.asarray([1.0, 4.0, 9.0]), np.int64(2))
    np.testing.assert_allclose(np.asarray(close), [1.0, 0.0, 0.0], atol=1e-4)
