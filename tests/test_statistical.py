"""Statistical functions against NumPy: sum, prod, max, min, mean, var, std, cumulative_*."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import (
    INT_DTYPE_NAMES,
    assert_array_equal,
    assert_close,
    np_dtype,
    to_numpy,
    xp_dtype,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from section_helpers import ALL_NAMES, FLOAT_NAMES, REAL_NAMES, arrays, axis_strategy, to_xp

import tmath_array as xp
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import lazy as _lazy

NUMERIC_NAMES = REAL_NAMES + ("complex64",)

# The standard's accumulation dtypes (default int32, so default uint32).
ACCUMULATE = {"int8": "int32", "int16": "int32", "int32": "int32", "int64": "int64",
              "uint8": "uint32", "uint16": "uint32", "uint32": "uint32", "uint64": "uint64"}

# Relative tolerances of a reduction result, by result dtype.
RTOL = {"float16": 2e-3, "bfloat16": 2e-2, "float32": 1e-5, "float64": 1e-12, "complex64": 1e-5}


def _tol(name: str, n: int) -> float:
    return RTOL[name] * max(1, n) ** 0.5


def _np_reduce(fn, a, axis, keepdims, out_name):
    """NumPy's reduction of ``a`` in a wide dtype, then rounded to ``out_name``."""
    wide = np.complex128 if out_name == "complex64" else (
        np.float64 if out_name in FLOAT_NAMES else np_dtype(out_name))
    with np.errstate(all="ignore"):
        return np.asarray(fn(a.astype(wide), axis=axis, keepdims=keepdims))


# Complex values stay finite: products of complex infinities differ between libraries
# (C99's rules in NumPy, the textbook formula in MLX), as they do for multiply itself.
@given(case=arrays(REAL_NAMES, max_dims=3, max_side=4, lo=-4, hi=4)
       | arrays(("complex64",), max_dims=3, max_side=4, lo=-4, hi=4, special=False),
       data=st.data(), keepdims=st.booleans(), fn=st.sampled_from(["sum", "prod"]))
def test_sum_prod(case, data, keepdims, fn):
    name, a = case
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, keepdims=keepdims)
    out_name = ACCUMULATE.get(name, name)
    expected = _np_reduce(getattr(np, fn), a, axis, keepdims, out_name)
    if out_name in INT_DTYPE_NAMES:
        # Integers wrap around in both libraries alike.
        assert_array_equal(got, expected.astype(np_dtype(out_name)), dtype=out_name)
    else:
        with np.errstate(all="ignore"):
            expected = expected.astype(np_dtype(out_name))
        n = a.size // max(1, expected.size)
        assert_close(got, expected, rtol=_tol(out_name, n), atol=RTOL[out_name],
                     dtype=out_name)


@given(case=arrays(REAL_NAMES, max_dims=2, max_side=4, lo=-4, hi=4, special=False),
       data=st.data(), fn=st.sampled_from(["sum", "prod"]))
def test_sum_prod_dtype_argument(case, data, fn):
    name, a = case
    wider = [n for n in NUMERIC_NAMES if xp.can_cast(xp_dtype(name), xp_dtype(n))]
    out_name = data.draw(st.sampled_from(wider), label="dtype")
    got = getattr(xp, fn)(to_xp(a, name), dtype=xp_dtype(out_name))
    expected = _np_reduce(getattr(np, fn), a, None, False, out_name)
    with np.errstate(all="ignore"):
        expected = expected.astype(np_dtype(out_name))
    if out_name in INT_DTYPE_NAMES:
        assert_array_equal(got, expected, dtype=out_name)
    else:
        assert_close(got, expected, rtol=_tol(out_name, a.size), atol=RTOL[out_name],
                     dtype=out_name)


@pytest.mark.parametrize("name", INT_DTYPE_NAMES)
def test_sum_prod_integer_result_dtypes(name):
    x = xp.asarray([100, 100, 100], dtype=xp_dtype(name))
    want = ACCUMULATE[name]
    assert_array_equal(xp.sum(x), np.array(300, dtype=want), dtype=want)
    assert_array_equal(xp.prod(x), np.array(10**6, dtype=want), dtype=want)
    assert_array_equal(xp.cumulative_sum(x), np.array([100, 200, 300], dtype=want), dtype=want)
    # An explicit dtype narrower than the default is honoured (and wraps around).
    assert_array_equal(xp.sum(x, dtype=x.dtype), np.array([100, 100, 100], dtype=name).sum(
        dtype=name), dtype=name)


def test_sum_prod_empty_and_errors():
    empty = xp.asarray([], dtype=xp.float32)
    assert float(xp.sum(empty)) == 0.0 and float(xp.prod(empty)) == 1.0
    assert_array_equal(xp.sum(xp.zeros((0, 3)), axis=0), np.zeros(3, dtype=np.float32))
    assert_array_equal(xp.prod(xp.zeros((0, 3), dtype=xp.int8), axis=0),
                       np.ones(3, dtype=np.int32), dtype="int32")
    for fn in (xp.sum, xp.prod):
        with pytest.raises(TypeError):
            fn(xp.asarray([1.5]), dtype=xp.int32)  # drops the fraction
        with pytest.raises(TypeError):
            fn(xp.asarray([1j]), dtype=xp.float32)  # drops the imaginary part
        with pytest.raises(TypeError):
            fn(xp.asarray([1]), dtype=xp.bool)
        with pytest.raises(TypeError):
            fn(xp.asarray([1]), dtype="int33")
        with pytest.raises(IndexError):
            fn(xp.ones((2, 2)), axis=2)
        with pytest.raises(ValueError):
            fn(xp.ones((2, 2)), axis=(1, -1))
        with pytest.raises(TypeError):
            fn({"not": "data"})


@given(case=arrays(REAL_NAMES, max_dims=3, max_side=4, min_side=1), data=st.data(),
       keepdims=st.booleans(), fn=st.sampled_from(["max", "min"]))
def test_max_min(case, data, keepdims, fn):
    name, a = case
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, keepdims=keepdims)
    # NaN propagates in both.
    expected = getattr(np, fn)(a, axis=axis, keepdims=keepdims)
    assert_array_equal(got, np.asarray(expected), dtype=name)


@pytest.mark.parametrize("fn", [xp.max, xp.min])
def test_max_min_empty_and_errors(fn):
    with pytest.raises(ValueError):
        fn(xp.asarray([], dtype=xp.float32))
    with pytest.raises(ValueError):
        fn(xp.zeros((0, 3)), axis=0)
    with pytest.raises(ValueError):
        fn(xp.zeros((0, 0)), axis=(0, 1))
    # Reducing a non-empty axis of an empty array is fine.
    assert fn(xp.zeros((0, 3)), axis=1).shape == (0,)
    with pytest.raises(TypeError):
        fn(xp.asarray([1j]))
    with pytest.raises(TypeError):
        fn(xp.asarray([True]))
    with pytest.raises(IndexError):
        fn(xp.ones((2,)), axis=-2)


@given(case=arrays(REAL_NAMES + ("complex64",), max_dims=3, max_side=4), data=st.data(),
       keepdims=st.booleans())
def test_mean(case, data, keepdims):
    name, a = case
    # Complex division of an infinite sum is implementation-defined (NumPy's complex128
    # gives nan+nanj for (inf+infj)/1, complex64 here keeps inf+infj).
    assume(name != "complex64" or np.isfinite(a).all())
    if name in INT_DTYPE_NAMES:
        # Huge integers cancel exactly in Python, not in floating point: keep them moderate.
        a = np.clip(a, -(10**6), 10**6).astype(a.dtype)
    _check_mean(name, a, data, keepdims)


def _check_mean(name, a, data, keepdims):
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    got = xp.mean(to_xp(a, name), axis=axis, keepdims=keepdims)
    out_name = "float32" if name in INT_DTYPE_NAMES else name
    with np.errstate(all="ignore"), _quiet_numpy():
        expected = _np_reduce(np.mean, a, axis, keepdims, out_name).astype(np_dtype(out_name))
    n = a.size // max(1, expected.size)
    assert_close(got, expected, rtol=_tol(out_name, n), atol=RTOL[out_name], dtype=out_name)


def test_mean_empty_is_nan():
    assert np.isnan(float(xp.mean(xp.asarray([], dtype=xp.float32))))
    out = to_numpy(xp.mean(xp.zeros((0, 2)), axis=0))
    assert out.shape == (2,) and np.isnan(out).all()
    with pytest.raises(TypeError):
        xp.mean(xp.asarray([1.5]), keepdims=1)


class _quiet_numpy:  # noqa: N801 - a context manager used like np.errstate
    """Silence NumPy's RuntimeWarnings (means of nothing, ddof >= N) under filterwarnings=error."""

    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


@given(case=arrays(FLOAT_NAMES + ("int16", "int32"), max_dims=3, max_side=4), data=st.data(),
       keepdims=st.booleans(), fn=st.sampled_from(["var", "std"]))
def test_var_std(case, data, keepdims, fn):
    name, a = case
    if name in INT_DTYPE_NAMES:
        a = np.clip(a, -(10**6), 10**6).astype(a.dtype)
    axis = data.draw(axis_strategy(a.ndim), label="axis")
    correction = data.draw(st.sampled_from([0, 1, 0.5, 2.25, 7]) | st.floats(0, 5),
                           label="correction")
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, correction=correction, keepdims=keepdims)
    out_name = "float32" if name in INT_DTYPE_NAMES else name
    with np.errstate(all="ignore"), _quiet_numpy():
        expected = np.asarray(getattr(np, fn)(a.astype(np.float64), axis=axis, ddof=correction,
                                              keepdims=keepdims))
        n = a.size // max(1, expected.size)
        # The standard: NaN when N - correction <= 0 (NumPy gives inf or NaN there).
        if n - correction <= 0:
            expected = np.full_like(expected, np.nan)
        expected = expected.astype(np_dtype(out_name))
    # A two-pass variance of moderate values: the error scales with the squared mean.
    scale = float(np.nanmax(np.abs(a[np.isfinite(a)]), initial=1.0))
    atol = RTOL[out_name] * scale * (scale if fn == "var" else 1.0) * max(1, n)
    assert_close(got, expected, rtol=_tol(out_name, n), atol=atol, dtype=out_name)


def test_var_std_special_cases_and_compile_cache():
    x = xp.asarray([1.0, 2.0, 4.0])
    assert float(xp.var(x, correction=1)) == pytest.approx(np.var([1, 2, 4], ddof=1))
    assert np.isnan(float(xp.var(x, correction=3)))
    assert np.isnan(float(xp.std(x, correction=3.5)))
    assert np.isnan(float(xp.var(xp.asarray([1.0, float("nan")]))))
    assert np.isnan(float(xp.var(xp.asarray([], dtype=xp.float32))))
    # The composite is compiled once per (axes, keepdims): other sizes and corrections hit.
    xp.var(xp.ones((3, 4)), axis=0, correction=1)
    before = _compile.info()["hits"]
    xp.var(xp.ones((3, 4)), axis=0, correction=0.5)
    xp.var(xp.ones((5, 2)), axis=0, correction=2)
    assert _compile.info()["hits"] == before + 2
    with pytest.raises(TypeError):
        xp.var(xp.asarray([1j, 2j]))
    with pytest.raises(TypeError):
        xp.std(x, correction="1")
    with pytest.raises(TypeError):
        xp.std(x, correction=True)
    with pytest.raises(IndexError):
        xp.var(x, axis=1)


@st.composite
def cumulative_case(draw):
    name, a = draw(arrays(NUMERIC_NAMES, min_dims=1, max_dims=3, max_side=4, lo=-3, hi=3))
    # Complex running sums/products through an infinite part are implementation-defined
    # (which component turns NaN differs between complex64 and NumPy's complex128 oracle).
    assume(name != "complex64" or np.isfinite(a).all())
    axis = draw(st.integers(-a.ndim, a.ndim - 1) | (st.none() if a.ndim == 1 else st.nothing()))
    return name, a, axis


@given(case=cumulative_case(), include_initial=st.booleans(),
       fn=st.sampled_from(["cumulative_sum", "cumulative_prod"]))
def test_cumulative(case, include_initial, fn):
    name, a, axis = case
    got = getattr(xp, fn)(to_xp(a, name), axis=axis, include_initial=include_initial)
    out_name = ACCUMULATE.get(name, name)
    ax = 0 if axis is None else axis
    np_fn = np.cumsum if fn == "cumulative_sum" else np.cumprod
    wide = a.astype(np.complex128 if name == "complex64" else np.float64
                    if name in FLOAT_NAMES else np_dtype(out_name))
    with np.errstate(all="ignore"):
        expected = np_fn(wide, axis=ax)
        if include_initial:
            shape = list(a.shape)
            shape[ax] = 1
            first = np.full(shape, 0 if fn == "cumulative_sum" else 1, dtype=wide.dtype)
            expected = np.concatenate([first, expected], axis=ax)
        expected = expected.astype(np_dtype(out_name))
    if out_name in INT_DTYPE_NAMES:
        assert_array_equal(got, expected, dtype=out_name)
    else:
        assert_close(got, expected, rtol=_tol(out_name, a.shape[ax]), atol=RTOL[out_name],
                     dtype=out_name)


def test_cumulative_dtype_and_errors():
    x = xp.asarray([1, 2, 3], dtype=xp.int8)
    assert_array_equal(xp.cumulative_prod(x, dtype=xp.float32, include_initial=True),
                       np.array([1, 1, 2, 6], dtype=np.float32))
    assert_array_equal(xp.cumulative_sum(xp.zeros((2, 0)), axis=1, include_initial=True),
                       np.zeros((2, 1), dtype=np.float32))
    for fn in (xp.cumulative_sum, xp.cumulative_prod):
        with pytest.raises(ValueError):
            fn(xp.ones((2, 2)))  # axis is required beyond 1-d
        with pytest.raises(ValueError):
            fn(xp.asarray(1.0))
        with pytest.raises(IndexError):
            fn(x, axis=1)
        with pytest.raises(TypeError):
            fn(xp.asarray([True]))
        with pytest.raises(TypeError):
            fn(xp.asarray([1.5]), dtype=xp.int64)
        with pytest.raises(TypeError):
            fn(x, include_initial=1)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_reductions_stay_lazy(name):
    x = xp.ones((3, 4), dtype=xp_dtype(name))
    _lazy.reset()
    outs = [xp.count_nonzero(x, axis=0)]
    if name != "bool":
        outs += [xp.sum(x, axis=1), xp.prod(x), xp.cumulative_sum(x, axis=0)]
    if name not in ("bool", "complex64"):
        outs += [xp.max(x), xp.min(x, axis=(0, 1)), xp.argmax(x, axis=0), xp.sort(x)]
    if name in FLOAT_NAMES:
        outs += [xp.mean(x), xp.var(x, axis=0), xp.std(x, correction=1)]
    assert _lazy.counts() == {}
    xp.eval(*outs)
    assert _lazy.counts() == {"explicit": 1}


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_bool_input_counts_like_numpy(axis):
    """np.sum(mask) and np.mean(pred == y): booleans count as 0/1 (an extension)."""
    m = np.array([[True, False, True], [True, True, False]])
    x = xp.asarray(m)
    assert xp.sum(x, axis=axis).dtype == xp.int32
    assert xp.prod(x, axis=axis).dtype == xp.int32
    assert xp.mean(x, axis=axis).dtype == xp.float32
    np.testing.assert_array_equal(np.asarray(xp.sum(x, axis=axis)), np.sum(m, axis=axis))
    np.testing.assert_array_equal(np.asarray(xp.prod(x, axis=axis)), np.prod(m, axis=axis))
    np.testing.assert_allclose(np.asarray(xp.mean(x, axis=axis)), np.mean(m, axis=axis),
                               rtol=1e-6)
    np.testing.assert_allclose(np.asarray(xp.std(x, axis=axis)), np.std(m, axis=axis),
                               rtol=1e-6)


@pytest.mark.parametrize("fn", ["sum", "prod"])
@pytest.mark.parametrize("src", ["int64", "float32", "float64"])
def test_a_half_dtype_casts_each_element_first(fn, src):
    """The standard casts the input to ``dtype`` before the sum: elements past float16's
    range become infinities (found by tools/fuzz: nansum(int64, dtype=float16) was -inf
    where NumPy gives NaN)."""
    a = np.array([-9.2e18, 9.2e18, 7e4, -7e4, 3.0]).astype(src)
    with np.errstate(all="ignore"):
        want = getattr(np, fn)(a.astype(np.float16).astype(np.float32)).astype(np.float16)
    got = getattr(xp, fn)(xp.asarray(a), dtype=xp.float16)
    assert got.dtype == xp.float16
    np.testing.assert_array_equal(np.asarray(got), want)


# Empty arrays whose layout is not a fresh one: a gather (take) of an empty array, a
# transpose of one, a transposed empty slice. MLX's CPU reductions of them left their
# result uninitialised (what the allocator last held: it changed with the tests run before)
# or never returned (see _array/core.py, fresh_empty).
_EMPTY_LAYOUTS = {
    "take": "xp.take(xp.zeros((0, 3, 2), dtype=dt), xp.asarray([1, 0]), axis=1)",
    "transpose": "xp.permute_dims(xp.zeros((2, 2, 0), dtype=dt), (2, 0, 1))",
    "slice": "xp.permute_dims(xp.zeros((3, 2, 2), dtype=dt)[3:], (0, 2, 1))",
}
_EMPTY_CHILD = """
import sys, warnings
import numpy as np
import tmath_array as xp
layouts = {layouts!r}
bad = []
for layout, code in layouts.items():
    for name, dt in (("any", "bool"), ("all", "bool"), ("count_nonzero", "bool"),
                     ("sum", "int32"), ("prod", "int8"), ("sum", "float32"),
                     ("mean", "float32"), ("var", "float32"), ("std", "float64")):
        for axis in (0, 1, 2, (0, 1), (0, 2), (1, 2), None):
            print(layout, name, dt, axis, flush=True)  # (the last line names a hang)
            x = eval(code, dict(xp=xp, dt=getattr(xp, dt)))
            got = np.asarray(getattr(xp, name)(x, axis=axis))
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                want = getattr(np, name)(np.zeros(x.shape, dtype=dt), axis=axis)
            if not np.array_equal(got, want, equal_nan=True):
                bad.append(f"{{name}}({{layout}} of {{dt}}, axis={{axis}}): {{got!r}}, "
                           f"NumPy {{want!r}}")
sys.exit("\\n".join(bad[:20]) if bad else 0)
"""


def test_reductions_of_empty_arrays_of_every_layout():
    """The identity (NumPy's result: False, True, 0, 1, NaN), whatever the layout of the
    empty array; in a new interpreter, as MLX's kernel once looped forever here."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p))
    code = _EMPTY_CHILD.format(layouts=_EMPTY_LAYOUTS)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, cwd=root, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        lines = out.strip().splitlines()
        pytest.fail(f"a reduction never returned: {lines[-1] if lines else '?'}")
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_empty_reduction_in_a_shapeless_trace_keeps_following_the_input():
    """The empty-input path of the reductions adds no shape of its own to a trace: a
    shapeless function traced on an empty array gives the right sums for later shapes."""
    f = xp.compile(lambda a: xp.sum(a, axis=0), shapeless=True)
    assert_array_equal(f(xp.zeros((0, 3))), np.zeros(3, dtype=np.float32))
    assert_array_equal(f(xp.ones((2, 3))), np.full(3, 2.0, dtype=np.float32))
    g = xp.compile(lambda a: xp.all(a, axis=0), shapeless=True)
    assert_array_equal(g(xp.take(xp.zeros((0, 3, 2), dtype=xp.bool), xp.asarray([1, 0]),
                                 axis=1)), np.ones((2, 2), dtype=bool))
    assert_array_equal(g(xp.asarray([[[True, False]], [[True, True]]])),
                       np.array([[True, False]]))
