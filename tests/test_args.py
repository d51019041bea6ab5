"""One rule per kind of argument (tmath_array/_array/args.py), across the namespace.

* every bool flag takes NumPy's bools (``np.True_``) as Python's, and refuses ints;
* every int argument (axes, shapes, sizes, ``k=``, ``n=``, bounds) takes anything with
  ``__index__`` (NumPy integers), and refuses bools;
* the data enters through one module: ``asarray`` and the NumPy layer's array-likes give
  the same arrays.
NumPy is the oracle: each call with NumPy's types must equal the call with Python's.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import tmath_array as xp
from tmath_array._array import args as _args


def _m():
    return xp.asarray(np.arange(1.0, 10.0).reshape(3, 3) + 3 * np.eye(3), dtype=xp.float32)


def _v():
    return xp.asarray([3.0, 1.0, 2.0, 5.0])


# (label, call taking the flag) for every bool flag of the namespace.
FLAGS = [
    ("sum keepdims", lambda f: xp.sum(_m(), axis=0, keepdims=f)),
    ("prod keepdims", lambda f: xp.prod(_m(), axis=1, keepdims=f)),
    ("mean keepdims", lambda f: xp.mean(_m(), axis=0, keepdims=f)),
    ("max keepdims", lambda f: xp.max(_m(), axis=0, keepdims=f)),
    ("std keepdims", lambda f: xp.std(_m(), axis=0, keepdims=f)),
    ("all keepdims", lambda f: xp.all(_m() > 2, axis=0, keepdims=f)),
    ("argmax keepdims", lambda f: xp.argmax(_m(), axis=0, keepdims=f)),
    ("count_nonzero keepdims", lambda f: xp.count_nonzero(_m(), axis=0, keepdims=f)),
    ("sort descending", lambda f: xp.sort(_v(), descending=f)),
    ("argsort stable", lambda f: xp.argsort(_v(), stable=f)),
    ("cumulative_sum include_initial", lambda f: xp.cumulative_sum(_v(), include_initial=f)),
    ("linspace endpoint", lambda f: xp.linspace(0, 1, 5, endpoint=f)),
    ("astype copy", lambda f: xp.astype(_v(), xp.float64, copy=f)),
    ("matrix_norm keepdims", lambda f: xp.linalg.matrix_norm(_m(), keepdims=f)),
    ("vector_norm keepdims", lambda f: xp.linalg.vector_norm(_m(), axis=0, keepdims=f)),
    ("cholesky upper", lambda f: xp.linalg.cholesky(_m() @ _m().mT, upper=f)),
    ("norm keepdims", lambda f: xp.linalg.norm(_m(), keepdims=f)),
    ("isclose equal_nan", lambda f: xp.isclose(_v(), _v(), equal_nan=f)),
    ("average returned", lambda f: xp.average(_v(), returned=f)),
    ("cov bias", lambda f: xp.cov(_m(), bias=f)),
    ("unique return_counts", lambda f: xp.unique(_v(), return_counts=f)),
]


def _np(result):
    if isinstance(result, tuple):
        return [np.asarray(r) for r in result]
    return np.asarray(result)


@pytest.mark.parametrize("call", [c for _, c in FLAGS], ids=[n for n, _ in FLAGS])
@pytest.mark.parametrize("flag", [True, False])
def test_numpy_bool_is_a_flag(call, flag):
    want = _np(call(flag))
    got = _np(call(np.bool_(flag)))
    if isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    else:
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("call", [c for _, c in FLAGS], ids=[n for n, _ in FLAGS])
@pytest.mark.parametrize("bad", [1, 0, "yes", None, xp.asarray(True)])
def test_non_bool_flag_is_a_type_error(call, bad):
    if bad is None and call is dict(FLAGS)["argsort stable"]:  # (NumPy's stable=None)
        return
    with pytest.raises(TypeError, match="must be a bool"):
        call(bad)


NP_INTS = [np.int64, np.int32, np.uint8, np.intp]

# (label, call taking the int, the value given) for int arguments of the namespace.
INTS = [
    ("broadcast_shapes", lambda n: xp.broadcast_shapes((n,), (1,)), 3),
    ("broadcast_to", lambda n: xp.broadcast_to(xp.ones(1), (2, n)), 3),
    ("zeros shape", lambda n: xp.zeros((n, 2)), 3),
    ("zeros int shape", lambda n: xp.zeros(n), 3),
    ("full shape", lambda n: xp.full((n,), 2.0), 3),
    ("reshape", lambda n: xp.reshape(xp.arange(6), (n, 2)), 3),
    ("arange stop", lambda n: xp.arange(n), 5),
    ("arange start stop step", lambda n: xp.arange(n, 20, n), 3),
    ("linspace num", lambda n: xp.linspace(0.0, 1.0, n), 5),
    ("eye n k", lambda n: xp.eye(n, 4, k=n), 2),
    ("tril k", lambda n: xp.tril(_m(), k=n), 1),
    ("triu k", lambda n: xp.triu(_m(), k=n), 1),
    ("sum axis", lambda n: xp.sum(_m(), axis=n), 1),
    ("sum axes", lambda n: xp.sum(_m(), axis=(n, 0)), 1),
    ("cumulative_sum axis", lambda n: xp.cumulative_sum(_m(), axis=n), 1),
    ("expand_dims axis", lambda n: xp.expand_dims(_v(), axis=n), 1),
    ("squeeze axis", lambda n: xp.squeeze(xp.ones((3, 1)), axis=n), 1),
    ("concat axis", lambda n: xp.concat([_m(), _m()], axis=n), 1),
    ("stack axis", lambda n: xp.stack([_v(), _v()], axis=n), 1),
    ("flip axis", lambda n: xp.flip(_m(), axis=n), 1),
    ("roll shift", lambda n: xp.roll(_v(), n), 2),
    ("take axis", lambda n: xp.take(_m(), xp.asarray([0, 2]), axis=n), 1),
    ("argmax axis", lambda n: xp.argmax(_m(), axis=n), 1),
    ("sort axis", lambda n: xp.sort(_m(), axis=n), 0),
    ("diff n", lambda n: xp.diff(_v(), n=n), 2),
    ("repeat repeats", lambda n: xp.repeat(_v(), n), 2),
    ("tile reps", lambda n: xp.tile(_v(), (n,)), 2),
    ("matrix_power n", lambda n: xp.linalg.matrix_power(_m(), n), 2),
    ("diagonal offset", lambda n: xp.linalg.diagonal(_m(), offset=n), 1),
    ("vector_norm axis", lambda n: xp.linalg.vector_norm(_m(), axis=n), 1),
    ("fft n", lambda n: xp.fft.fft(xp.astype(_v(), xp.complex64), n=n), 6),
    ("fftfreq n", lambda n: xp.fft.fftfreq(n), 6),
    ("moveaxis", lambda n: xp.moveaxis(xp.ones((2, 3, 4)), n, 2), 0),
    ("split sections", lambda n: xp.split(xp.arange(6), n)[0], 3),
    ("around decimals", lambda n: xp.around(_v() / 3, n), 2),
    ("bincount minlength", lambda n: xp.bincount(xp.asarray([1, 2]), minlength=n), 5),
    ("logspace num", lambda n: xp.logspace(0, 2, n), 4),
    ("transpose axes", lambda n: xp.transpose(xp.ones((2, 3, 4)), (n, 0, 1)), 2),
]


@pytest.mark.parametrize("call,n", [(c, n) for _, c, n in INTS], ids=[i for i, _, _ in INTS])
@pytest.mark.parametrize("np_int", NP_INTS, ids=lambda t: t.__name__)
def test_numpy_integers_are_ints(call, n, np_int):
    want = call(n)
    got = call(np_int(n))
    if isinstance(want, tuple):  # broadcast_shapes
        assert got == want and all(type(v) is int for v in got)
        return
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("call,n", [(c, n) for _, c, n in INTS], ids=[i for i, _, _ in INTS])
def test_bools_and_floats_are_not_ints(call, n):
    for bad in (np.bool_(True), 2.0):
        if bad.__class__ is float and call in (INTS[6][1], INTS[7][1]):
            continue  # arange takes float bounds, as NumPy
        with pytest.raises(TypeError):
            call(bad)


def test_the_fast_paths_return_plain_python_values():
    assert _args.check_int("f", 3, "n") == 3
    v = _args.check_int("f", np.int64(3), "n")
    assert type(v) is int and v == 3
    assert _args.check_axes("f", [np.int32(0), -1], 3) == (0, 2)
    assert _args.check_shape("f", np.int16(4)) == (4,)
    assert _args.check_bool("f", np.False_, "x") is False
    with pytest.raises(ValueError, match="repeated axis"):
        _args.check_axes("f", (0, np.int64(-3)), 3)
    with pytest.raises(IndexError, match="out of bounds"):
        _args.check_axis("f", np.int64(3), 3)
    with pytest.raises(ValueError, match="negative"):
        _args.check_shape("f", (2, np.int64(-1)))
    with pytest.raises(TypeError, match="must be an int, got bool"):
        _args.check_int("f", True, "n")


def test_scipy_stats_moment_on_tmath_arrays():
    """SciPy's own array-API dispatch (SCIPY_ARRAY_API=1) with tmath arrays: stats.moment
    reached broadcast_shapes with NumPy integers. The oracle is SciPy on NumPy data."""
    code = (
        "import numpy as np, scipy.stats as st, tmath_array as xp\n"
        "d = np.asarray([[1., 2., 3.5, 4., 7.], [0., 2., 1., 5., 3.]])\n"
        "for order in (1, 2, 3, 4):\n"
        "    got = st.moment(xp.asarray(d, dtype=xp.float64), order=order, axis=1)\n"
        "    assert type(got).__module__.startswith('tmath_array'), type(got)\n"
        "    np.testing.assert_allclose(np.asarray(got), st.moment(d, order=order, axis=1),"
        " rtol=1e-12)\n"
        "print('ok')\n"
    )
    env = dict(os.environ, SCIPY_ARRAY_API="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


# --- one way in for data ---------------------------------------------------------------

HOST_DATA = [
    3, 2.5, True, 1 + 2j, [1, 2, 3], [[1.0, 2.0], [3.0, 4.0]], (True, False),
    np.float64(1.5), np.int16(7), np.arange(6).reshape(2, 3), np.ones(3, np.float32),
]


@pytest.mark.parametrize("data", HOST_DATA, ids=repr)
def test_numpy_layer_converts_like_asarray(data):
    """Every array-like enters through _interop.convert: the NumPy layer's functions see
    what asarray gives."""
    from tmath_array._interop import convert

    want = xp.asarray(data)
    got = convert.array("f", data)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    x = xp.asarray(data)
    assert convert.array("f", x) is x  # an Array passes untouched


def test_conversion_errors_name_the_function():
    with pytest.raises(TypeError, match="^amax: cannot convert"):
        xp.amax({"a": 1})
    with pytest.raises(TypeError, match="^asarray: cannot convert a sequence of <U"):
        xp.asarray([1, "a"])
    with pytest.raises(TypeError, match="^asarray: the sequence holds objects"):
        xp.asarray([1, None])
