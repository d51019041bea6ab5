"""The fft extension against NumPy (computed in double precision)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_array_equal, assert_close, np_dtype, to_numpy, xp_dtype
from hypothesis import assume, given
from hypothesis import strategies as st

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy

SPEC_FFT = """fft ifft fftn ifftn rfft irfft rfftn irfftn hfft ihfft fftfreq rfftfreq fftshift
              ifftshift""".split()
NORMS = st.sampled_from(["backward", "ortho", "forward"])
REAL = ("float32", "float64", "float16", "bfloat16")


def signal(shape, dtype: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.uniform(-10, 10, shape)
    if dtype == "complex64":
        a = a + 1j * rng.uniform(-10, 10, shape)
    return a.astype(np_dtype(dtype))


def close(out, expected: np.ndarray, dtype: str) -> None:
    """Values within float32 rounding of the transform's scale; ``dtype`` is the result's."""
    scale = max(1.0, float(np.abs(expected).max())) if expected.size else 1.0
    assert_close(out, expected.astype(np_dtype(dtype)), rtol=0, atol=1e-5 * scale, dtype=dtype)


shapes = st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple)


@st.composite
def one_axis(draw, out_default=None):
    """``(shape, n, axis)``; ``n`` may be None, smaller or larger than the axis."""
    shape = draw(shapes)
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = draw(st.none() | st.integers(1, 12))
    if n is None and out_default is not None:
        assume(out_default(shape[axis]) >= 1)
    return shape, n, axis


@st.composite
def many_axes(draw, irfft=False):
    """``(shape, s, axes)`` with ``s`` None, given, or holding -1."""
    shape = draw(shapes)
    ndim = len(shape)
    axes = draw(st.none() | st.lists(st.integers(0, ndim - 1), min_size=1, unique=True))
    if axes is not None and draw(st.booleans()):
        axes = [a - ndim for a in axes]
    if axes is None:
        s = None
    else:
        s = draw(st.none() | st.lists(st.integers(1, 8) | st.just(-1), min_size=len(axes),
                                      max_size=len(axes)))
    last = (axes or list(range(ndim)))[-1]
    if irfft and (s is None or s[-1] == -1):
        assume(shape[last] > 1)
    return shape, s, axes


def numpy_s(shape, s, axes, irfft=False):
    """NumPy's ``s`` for ours (NumPy has no -1 entries)."""
    if s is None:
        return None
    out = []
    for i, (v, ax) in enumerate(zip(s, axes)):
        if v == -1:
            v = 2 * (shape[ax] - 1) if irfft and i == len(s) - 1 else shape[ax]
        out.append(v)
    return out


# --- namespace -------------------------------------------------------------------------

def test_namespace_has_every_spec_function():
    assert [n for n in SPEC_FFT if not hasattr(xp.fft, n)] == []
    assert sorted(xp.fft.__all__) == sorted(SPEC_FFT)


# --- one-dimensional transforms ---------------------------------------------------------

@pytest.mark.parametrize("name", ["fft", "ifft"])
@given(case=one_axis(), norm=NORMS, seed=st.integers(0, 2**32 - 1))
def test_complex_transforms_match_numpy(name, case, norm, seed):
    shape, n, axis = case
    a = signal(shape, "complex64", seed)
    out = getattr(xp.fft, name)(xp.asarray(a), n=n, axis=axis, norm=norm)
    close(out, getattr(np.fft, name)(a.astype(np.complex128), n=n, axis=axis, norm=norm),
          "complex64")


@pytest.mark.parametrize("dtype", REAL)
@pytest.mark.parametrize("name", ["rfft", "ihfft"])
@given(case=one_axis(), norm=NORMS, seed=st.integers(0, 2**32 - 1))
def test_real_input_transforms_match_numpy(dtype, name, case, norm, seed):
    shape, n, axis = case
    a = signal(shape, dtype, seed)
    x = xp.asarray(a, dtype=xp_dtype(dtype))
    ref = to_numpy(x).astype(np.float64)  # the values the array holds (bfloat16 rounds)
    out = getattr(xp.fft, name)(x, n=n, axis=axis, norm=norm)
    # Half types and float64 are transformed in float32: the result is complex64.
    close(out, getattr(np.fft, name)(ref, n=n, axis=axis, norm=norm), "complex64")


@pytest.mark.parametrize("name", ["irfft", "hfft"])
@given(case=one_axis(out_default=lambda m: 2 * (m - 1)), norm=NORMS,
       seed=st.integers(0, 2**32 - 1))
def test_real_output_transforms_match_numpy(name, case, norm, seed):
    shape, n, axis = case
    a = signal(shape, "complex64", seed)
    out = getattr(xp.fft, name)(xp.asarray(a), n=n, axis=axis, norm=norm)
    close(out, getattr(np.fft, name)(a.astype(np.complex128), n=n, axis=axis, norm=norm),
          "float32")


@given(shape=shapes, norm=NORMS, seed=st.integers(0, 2**32 - 1))
def test_round_trips(shape, norm, seed):
    c = signal(shape, "complex64", seed)
    r = signal(shape, "float32", seed)
    m = shape[-1]
    close(xp.fft.ifft(xp.fft.fft(xp.asarray(c), norm=norm), norm=norm), c, "complex64")
    close(xp.fft.irfft(xp.fft.rfft(xp.asarray(r), norm=norm), n=m, norm=norm), r, "float32")
    close(xp.fft.hfft(xp.fft.ihfft(xp.asarray(r), norm=norm), n=m, norm=norm), r, "float32")
    close(xp.fft.ifftn(xp.fft.fftn(xp.asarray(c), norm=norm), norm=norm), c, "complex64")
    close(xp.fft.irfftn(xp.fft.rfftn(xp.asarray(r), norm=norm), s=shape,
                        axes=list(range(len(shape))), norm=norm), r, "float32")


# --- n-dimensional transforms -----------------------------------------------------------

@pytest.mark.parametrize("name", ["fftn", "ifftn"])
@given(case=many_axes(), norm=NORMS, seed=st.integers(0, 2**32 - 1))
def test_complex_nd_transforms_match_numpy(name, case, norm, seed):
    shape, s, axes = case
    a = signal(shape, "complex64", seed)
    out = getattr(xp.fft, name)(xp.asarray(a), s=s, axes=axes, norm=norm)
    expected = getattr(np.fft, name)(a.astype(np.complex128), s=numpy_s(shape, s, axes),
                                     axes=axes, norm=norm)
    close(out, expected, "complex64")


@pytest.mark.parametrize("dtype", REAL)
@given(case=many_axes(), norm=NORMS, seed=st.integers(0, 2**32 - 1))
def test_rfftn_matches_numpy(dtype, case, norm, seed):
    shape, s, axes = case
    x = xp.asarray(signal(shape, dtype, seed), dtype=xp_dtype(dtype))
    ref = to_numpy(x).astype(np.float64)
    out = xp.fft.rfftn(x, s=s, axes=axes, norm=norm)
    close(out, np.fft.rfftn(ref, s=numpy_s(shape, s, axes), axes=axes, norm=norm), "complex64")


@given(case=many_axes(irfft=True), norm=NORMS, seed=st.integers(0, 2**32 - 1))
def test_irfftn_matches_numpy(case, norm, seed):
    shape, s, axes = case
    a = signal(shape, "complex64", seed)
    out = xp.fft.irfftn(xp.asarray(a), s=s, axes=axes, norm=norm)
    expected = np.fft.irfftn(a.astype(np.complex128), s=numpy_s(shape, s, axes, irfft=True),
                             axes=axes, norm=norm)
    close(out, expected, "float32")


def test_transform_over_no_axes_is_a_copy():
    x = xp.asarray([1 + 1j, 2 - 1j])
    y = xp.fft.fftn(x, axes=[])
    assert_array_equal(y, np.array([1 + 1j, 2 - 1j], np.complex64))
    y[0] = 5  # the input is not aliased
    assert complex(x[0]) == 1 + 1j


# --- frequencies and shifts -------------------------------------------------------------

@pytest.mark.parametrize("dtype", [None, *REAL])
@given(n=st.integers(1, 40), d=st.floats(0.01, 10) | st.integers(1, 5))
def test_frequencies_match_numpy(dtype, n, d):
    want = dtype or "float32"
    kw = {} if dtype is None else {"dtype": xp_dtype(dtype)}
    rtol = {"float16": 1e-3, "bfloat16": 1e-2, "float64": 1e-14}.get(want, 1e-6)
    assert_close(xp.fft.fftfreq(n, d=d, **kw), np.fft.fftfreq(n, d=d).astype(np_dtype(want)),
                 rtol=rtol, atol=1e-30, dtype=want)
    assert_close(xp.fft.rfftfreq(n, d=d, **kw), np.fft.rfftfreq(n, d=d).astype(np_dtype(want)),
                 rtol=rtol, atol=1e-30, dtype=want)


@pytest.mark.parametrize("d", [4.86e-247, -4.86e-247, 1e-40, -2.0, float("inf")])
@pytest.mark.parametrize("dtype", REAL)
def test_frequencies_of_extreme_spacings(dtype, d):
    # (found by tools/fuzz: d * n underflowing to 0 in float32 made frequency 0 a NaN)
    with np.errstate(over="ignore"):
        for name in ("fftfreq", "rfftfreq"):
            want = getattr(np.fft, name)(8, d=d).astype(np_dtype(dtype))
            got = to_numpy(getattr(xp.fft, name)(8, d=d, dtype=xp_dtype(dtype)))
            np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
            np.testing.assert_allclose(got, want, rtol=1e-2 if dtype in ("float16", "bfloat16")
                                       else 1e-6)


@pytest.mark.parametrize("device", xp.__array_namespace_info__().devices(), ids=str)
def test_frequencies_on_a_device(device):
    assert xp.fft.fftfreq(4, device=device).device == device
    assert xp.fft.rfftfreq(4, device=device).device == device


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dtype", ["float32", "complex64", "float16", "int32", "bool"])
@given(shape=st.lists(st.integers(0, 6), min_size=1, max_size=3).map(tuple), data=st.data())
def test_shifts_match_numpy(name, dtype, shape, data):
    ndim = len(shape)
    axes = data.draw(st.none() | st.integers(-ndim, ndim - 1)
                     | st.lists(st.integers(0, ndim - 1), unique=True), label="axes")
    a = np.arange(math.prod(shape)).reshape(shape)
    a = (a % 2 == 0) if dtype == "bool" else a.astype(np_dtype(dtype))
    out = getattr(xp.fft, name)(xp.asarray(a), axes=axes)
    assert_array_equal(out, getattr(np.fft, name)(a, axes=axes))


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shifts_of_zero_d_arrays(name):
    # (found by tools/fuzz: axes=0 on a 0-d array failed with "tuple index out of range")
    x = xp.asarray(5, dtype=xp.int8)
    assert_array_equal(getattr(xp.fft, name)(x), np.array(5, dtype=np.int8))
    for axes in (0, -1, (0,)):
        with pytest.raises(IndexError, match=f"^{name}: .*(has no axis|out of bounds)"):
            getattr(xp.fft, name)(x, axes=axes)


# --- precision, devices, laziness -------------------------------------------------------

def test_result_dtypes():
    c = xp.ones((4,), dtype=xp.complex64)
    for dtype in (xp.float16, xp.bfloat16, xp.float32, xp.float64):
        r = xp.ones((4,), dtype=dtype)
        assert xp.fft.rfft(r).dtype == xp.fft.ihfft(r).dtype == xp.complex64
        assert xp.fft.rfftn(r).dtype == xp.complex64
    assert xp.fft.fft(c).dtype == xp.fft.fftn(c).dtype == xp.complex64
    assert xp.fft.irfft(c).dtype == xp.fft.hfft(c).dtype == xp.fft.irfftn(c).dtype == xp.float32


@pytest.mark.parametrize("device", xp.__array_namespace_info__().devices(), ids=str)
def test_results_stay_on_the_input_device(device):
    c = xp.ones((2, 4), dtype=xp.complex64, device=device)
    r = xp.ones((2, 4), device=device)
    outs = [xp.fft.fft(c), xp.fft.hfft(c), xp.fft.irfftn(c), xp.fft.rfft(r), xp.fft.ihfft(r),
            xp.fft.fftshift(r)]
    assert all(o.device == device for o in outs)


def test_fft_is_lazy():
    c = xp.ones((8,), dtype=xp.complex64)
    _lazy.reset()
    outs = [xp.fft.fft(c), xp.fft.hfft(c), xp.fft.ihfft(xp.real(c)), xp.fft.fftshift(c),
            xp.fft.fftfreq(8), xp.fft.rfftn(xp.ones((2, 3)))]
    assert _lazy.counts() == {}
    xp.eval(*outs)
    assert _lazy.counts() == {"explicit": 1}


# --- errors -----------------------------------------------------------------------------

C = xp.ones((3, 4), dtype=xp.complex64)
R = xp.ones((3, 4))


@pytest.mark.parametrize("call, exc", [
    (lambda: xp.fft.fft(R), TypeError),            # fft takes complex input (rfft for real)
    (lambda: xp.fft.rfft(C), TypeError),           # MLX would drop the imaginary part
    (lambda: xp.fft.ihfft(C), TypeError),
    (lambda: xp.fft.irfft(R), TypeError),
    (lambda: xp.fft.fft(xp.ones((3,), dtype=xp.int32)), TypeError),
    (lambda: xp.fft.fft(C, n=0), ValueError),
    (lambda: xp.fft.fft(C, n=2.5), TypeError),
    (lambda: xp.fft.fft(C, axis=2), IndexError),
    (lambda: xp.fft.fft(C, norm="none"), ValueError),
    (lambda: xp.fft.irfft(xp.ones((3, 1), dtype=xp.complex64)), ValueError),  # n would be 0
    (lambda: xp.fft.fftn(C, s=(2, 2)), ValueError),  # s needs axes
    (lambda: xp.fft.fftn(C, s=(2,), axes=(0, 1)), ValueError),
    (lambda: xp.fft.fftn(C, axes=(0, 0)), ValueError),
    (lambda: xp.fft.fftn(C, axes=(0, 2)), IndexError),
    (lambda: xp.fft.fftn(C, s=(0,), axes=(0,)), ValueError),
    (lambda: xp.fft.rfftn(R, axes=()), ValueError),
    (lambda: xp.fft.fftfreq(0), ValueError),
    (lambda: xp.fft.fftfreq(4, d=0.0), ValueError),
    (lambda: xp.fft.fftfreq(4, dtype=xp.int32), TypeError),
    (lambda: xp.fft.rfftfreq(4, dtype=xp.complex64), TypeError),
    (lambda: xp.fft.fftfreq(4, device="tpu"), ValueError),
    (lambda: xp.fft.fftshift(R, axes=(0, 0)), ValueError),
    (lambda: xp.fft.fftshift({"not": "data"}), TypeError),
])
def test_invalid_input_raises_spec_errors(call, exc):
    with pytest.raises(exc):
        call()
