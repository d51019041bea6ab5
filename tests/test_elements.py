"""Element reads of evaluated arrays (``x[i]``) and host arithmetic on them: NumPy's values
(the oracle), no sync point, and no change for arrays that are not evaluated."""

from __future__ import annotations

import operator

import mlx.core as mx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tmath_array as xp

HOST = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
        "uint32", "uint64"]
OPS = [operator.add, operator.sub, operator.mul, operator.truediv]


def _values(dtype, n=6, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        v = rng.normal(0, 1e3, n).astype(dtype)
        v[:3] = [0.0, np.inf, -1.5]
        return v
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)


@settings(max_examples=200, deadline=None)
@given(dtype=st.sampled_from(HOST), i=st.integers(0, 5), j=st.integers(0, 5),
       op=st.sampled_from(OPS), scalar=st.sampled_from([None, 2, -3, 0.5, 1e30]),
       reflected=st.booleans(), seed=st.integers(0, 3))
def test_element_arithmetic_is_numpys(dtype, i, j, op, scalar, reflected, seed):
    a = _values(dtype, seed=seed)
    x = xp.asarray(a)
    xp.eval(x)
    before = xp.sync_stats()
    e = x[i]
    other_x = x[j] if scalar is None else scalar
    try:
        got = op(other_x, e) if reflected else op(e, other_x)
    except (TypeError, OverflowError):
        # What the ordinary array path refuses (a float for an integer array, an int out
        # of range): the same refusal for a 0-d array that is not an element.
        z = xp.asarray(a[i])
        with pytest.raises((TypeError, OverflowError)):
            op(other_x, z) if reflected else op(e, z) if scalar is None else op(z, other_x)
        return
    assert (xp.sync_stats() - before).total == 0
    # The oracle: the same operation on 0-d arrays of the ordinary (MLX) path.
    z = xp.asarray(a)[i:i + 1].reshape(())
    zo = xp.asarray(a)[j:j + 1].reshape(()) if scalar is None else scalar
    want = op(zo, z) if reflected else op(z, zo)
    assert got.dtype == want.dtype and got.shape == ()
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("dtype", HOST)
def test_python_loop_matches_numpy(dtype):
    a = _values(dtype, n=50)
    a[~np.isfinite(a)] = 1 if np.dtype(dtype).kind == "f" else a[~np.isfinite(a)]
    b = a[::-1].copy()
    x, y = xp.asarray(a), xp.asarray(b)
    xp.eval(x, y)
    s = xp.asarray(np.zeros((), dtype=dtype))
    t = np.zeros((), dtype=dtype)
    with np.errstate(all="ignore"):
        for i in range(len(a)):
            s += x[i] * y[i]
            t += a[i] * b[i]
            if np.dtype(dtype).kind == "f":
                s -= x[i] / 7.0
                t -= a[i] / np.asarray(7.0, dtype=dtype)
    np.testing.assert_array_equal(np.asarray(s), t)


def test_an_element_is_an_array():
    x = xp.asarray([1.5, 2.5])
    xp.eval(x)
    e = x[1]
    assert isinstance(e, xp.Array) and e.dtype == xp.float32 and e.shape == () and e.ndim == 0
    assert float(e) == 2.5 and int(e) == 2 and bool(e) and e.item() == 2.5
    assert mx.array(e).item() == 2.5 and repr(e) == repr(xp.asarray(2.5))
    assert (e + x).tolist() == [4.0, 5.0]  # with a whole array: the ordinary path
    e[...] = 7  # a write makes it an ordinary 0-d array
    assert float(e) == 7.0 and float(e * 2) == 14.0


def test_lazy_arrays_stay_lazy():
    x = xp.arange(5.0) * 2  # not evaluated
    before = xp.sync_stats()
    e = x[3]
    f = e * 3
    assert (xp.sync_stats() - before).total == 0
    assert type(e) is xp.Array and float(f) == 18.0


def test_a_write_invalidates_the_host_copy():
    x = xp.asarray([1.0, 2.0, 3.0])
    xp.eval(x)
    assert float(x[0]) == 1.0
    x[0] = 10
    assert float(x[0]) == 10.0
    xp.eval(x)
    v = x[1:]
    v += 1  # through a view: the base's host copy goes too
    assert [float(x[i]) for i in range(3)] == [10.0, 3.0, 4.0]
    x += 1
    assert float(x[2]) == 5.0


def test_float32_rounding_at_the_limit():
    big = np.float32(3.0e38)
    x = xp.asarray(np.array([big, 2], dtype=np.float32))
    xp.eval(x)
    got = x[0] * x[1]  # overflows float32: inf, as NumPy's float32 product
    with np.errstate(over="ignore"):
        assert float(got) == float(big * np.float32(2))
    assert float(x[0] + 1e30) == float(np.float32(big + np.float32(1e30)))


def test_the_host_copy_goes_with_its_array():
    import gc

    from tmath_array._array import views

    for _ in range(3):
        x = xp.asarray(np.arange(1000.0))
        xp.eval(x)
        float(x[1])
        assert id(x) in views.host_cache
        key = id(x)
        del x
        gc.collect()
        assert key not in views.host_cache


def test_an_element_captured_by_compile_raises_as_an_array_does():
    x = xp.asarray([1.0, 2.0])
    xp.eval(x)
    e = x[1]

    @xp.compile
    def g(a):
        return a * e

    with pytest.raises(ValueError, match="not among its arguments"):
        g(x)

    @xp.compile
    def h(a, s):
        return a * s

    assert h(x, e).tolist() == [2.0, 4.0]  # as an argument: fine
