"""Regressions of the NumPy layer's fuzz rounds (the open findings of the merged run,
seed 20261205, and the 10,000-call rounds from seed 31001; docs/reliability-fuzzing.md),
each against NumPy where NumPy answers."""

from __future__ import annotations

import numpy as np
import pytest

import tmath_array as xp


@pytest.mark.parametrize("rcond", [1e30, -1.0, 0.0, 1.0, float("nan"), -2.0**70, 0.5, None])
def test_lstsq_takes_rcond_as_lapacks_gelsd(rcond):
    """(rcond=1e30 or NaN dropped every singular value: zeros, NumPy 50.8; gelsd replaces
    an rcond outside (0, 1) with its unit roundoff)"""
    for a, b in [(np.array([[5]], "uint8"), np.array([254], "uint8")),
                 (np.array([[5, 1], [1, 2], [1, 1e-9]], "f4"), np.array([254, 3, 1], "f4")),
                 (np.array([[1, 1], [1, 0], [1, 1]], bool), np.array([1, 0, 1], bool))]:
        x, _, rank, _ = xp.linalg.lstsq(xp.asarray(a), xp.asarray(b), rcond=rcond)
        ex, _, erank, _ = np.linalg.lstsq(a, b, rcond=rcond)
        assert int(rank) == erank
        np.testing.assert_allclose(np.asarray(x), ex, rtol=1e-4, atol=1e-5 * np.abs(ex).max())


def test_lstsq_of_a_zero_matrix_is_zero_with_any_rcond():
    for rcond in (float("nan"), float("inf"), None):
        x, _, rank, _ = xp.linalg.lstsq(xp.zeros((2, 2)), xp.ones((2,)), rcond=rcond)
        assert int(rank) == 0 and np.asarray(x).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("f", [xp.setxor1d, xp.union1d, xp.intersect1d, xp.setdiff1d])
def test_set_operations_take_a_python_scalar_as_an_array(f):
    """(as NumPy's setxor1d, intersect1d and setdiff1d do; NumPy 2's union1d concatenates
    it weakly and wraps -1 to 65535 beside uint16)"""
    a = np.array([256, 65535, 2, 7], "uint16")
    got = f(xp.asarray(a), -1)
    want = getattr(np, f.__name__)(a.astype("int32"), np.int32(-1))
    assert got.dtype == (xp.uint16 if f is xp.setdiff1d else xp.int32)
    assert np.asarray(got).tolist() == want.tolist()


def test_setxor1d_of_int64_and_float16_collides_in_the_promoted_dtype():
    """int64 with float16 promotes to float16 (docs/dtypes.md; NumPy: float64): values
    past float16 are inf there, one value with an inf of the other array."""
    a = np.array([1.0, np.inf], "float16")
    b = np.array([9223372036854775806], "int64")
    got = xp.setxor1d(xp.asarray(a), xp.asarray(b))
    assert got.dtype == xp.float16
    with np.errstate(over="ignore"):
        want = np.setxor1d(a, b.astype("float16"))
    assert np.asarray(got).tolist() == want.tolist() == [1.0]


def test_nanmean_with_a_dtype_converts_integers_once():
    """(int64 reached float64 through float32: 3017634044306474 became 3017634090057728)"""
    a = np.array([3017634044306474, 5], "int64")
    assert float(xp.nanmean(xp.asarray(a), dtype=xp.float64)) == np.nanmean(a, dtype=np.float64)
    assert float(xp.nanvar(xp.asarray(a), dtype=xp.float64)) == np.nanvar(a, dtype=np.float64)


def test_nanmean_of_complex_to_a_real_dtype_drops_values_with_a_nan_part():
    c = np.array([-3.4028234663852886e38, complex(3.4028234663852886e38, np.nan), -2.98 + 0.5j],
                 "complex64")
    with np.errstate(all="ignore"), pytest.warns(np.exceptions.ComplexWarning):
        want = np.nanmean(c, dtype=np.float32)
    assert float(xp.nanmean(xp.asarray(c), dtype=xp.float32)) == pytest.approx(float(want))


@pytest.mark.parametrize("c", [[8 + np.inf * 1j, 1 + 1j], [2.010016562492211e16j],
                               [1 + 2j, 3 - 1j]])
def test_nanvar_of_complex_to_a_real_dtype_keeps_the_imaginary_deviations(c):
    """(the input was cast to the real dtype first: 0 where NumPy's variance is inf)"""
    c = np.array(c, "complex64")
    with pytest.warns(np.exceptions.ComplexWarning):
        want = np.nanvar(c, dtype=np.float64)
    got = xp.nanvar(xp.asarray(c), dtype=xp.float64)
    assert got.dtype == xp.float64
    assert float(got) == pytest.approx(float(want), rel=1e-6)


@pytest.mark.parametrize("start, stop", [(0, np.nan), (0, np.inf), (1e308, -1e308), (2, 3)])
def test_one_value_of_linspace_and_logspace_is_start_plus_zero_steps(start, stop):
    """(logspace(0, nan, 1) was [1.0], NumPy [nan]: start + 0 * (stop - start))"""
    with np.errstate(all="ignore"):
        for f in ("linspace", "logspace"):
            got = np.asarray(getattr(xp, f)(start, stop, 1, dtype=xp.float64))
            np.testing.assert_array_equal(got, getattr(np, f)(start, stop, 1))


def test_histogram2d_bins_large_integers_in_numpys_precision():
    """(3330844418 rounded to float32 fell outside its own bins: an empty histogram)"""
    x, y = np.array([3330844418], "uint64"), np.array([75724], "uint64")
    w = np.array([44075750261], "uint64")
    h, ex, ey = xp.histogram2d(xp.asarray(x), xp.asarray(y), weights=xp.asarray(w))
    want, wx, wy = np.histogram2d(x, y, weights=w)
    np.testing.assert_allclose(np.asarray(h), want, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(ex), wx)
    np.testing.assert_array_equal(np.asarray(ey), wy)


def test_histogram_range_is_checked_before_it_is_iterated():
    """(a tensor of shape (10**9, 0) as range: std::bad_alloc from 10**9 views)"""
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="range"):
        xp.histogram_bin_edges(xp.zeros((3, 0)), bins=1, range=torch.zeros((10**9, 0)))
    with pytest.raises(TypeError, match="range"):
        xp.histogram(xp.zeros((3,)), range=(0.0, 1.0, 2.0))


def test_svd_of_a_wide_float64_matrix_checks_its_full_factors():
    """(polyfit of one point with deg=65534: MLX's SVD builds the full (65535, 65535) Vh
    whatever full_matrices says: 32 GiB, a segfault)"""
    with pytest.raises(MemoryError, match="svd"):
        xp.linalg.svd(xp.ones((1, 65535), dtype=xp.float64), full_matrices=False)
    with pytest.raises(MemoryError):
        xp.polyfit(xp.asarray(np.array([7], "uint16")), xp.asarray(np.array([4], "uint16")),
                   deg=65534)


@pytest.mark.parametrize("shape", [2**70, (2**40, 2**40), (3, 2**62)])
def test_unravel_index_refuses_shapes_past_int64(shape):
    """(shape=2**70: MLX's std::bad_cast; NumPy: dimensions are too large)"""
    with pytest.raises(ValueError, match="too large"):
        xp.unravel_index(xp.asarray(np.array([3], "uint64")), shape)
    with pytest.raises(ValueError):
        np.unravel_index(np.array([3], "uint64"), shape)


def test_tensordot_of_an_empty_contraction_with_huge_free_sides():
    """(free sides flattened to 3 * 10**9: MLX's raw OverflowError)"""
    r = xp.linalg.tensordot(xp.zeros((10**9, 3, 0), dtype=xp.int8), xp.zeros((0,), dtype=xp.int8),
                            axes=([2], [0]))
    assert r.shape == (10**9, 3) and r.dtype == xp.int8
    small = xp.tensordot(xp.zeros((4, 3, 0)), xp.zeros((0, 2)), axes=1)
    np.testing.assert_array_equal(np.asarray(small), np.zeros((4, 3, 2)))


def test_split_refuses_a_tensor_of_indices_without_iterating_it():
    """(hsplit with a (2**30, 0) tensor: PyTorch unbinds it whole to iterate, bad_alloc)"""
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="indices_or_sections"):
        xp.hsplit(xp.ones((2, 4, 1)), torch.zeros((2**30, 0)))
    got = [a.shape for a in xp.hsplit(xp.ones((2, 4, 1)), np.array([1, 3]))]
    assert got == [a.shape for a in np.hsplit(np.ones((2, 4, 1)), np.array([1, 3]))]


def test_choose_and_piecewise_refuse_a_non_sequence():
    """(object() as choices or funclist: "'object' object is not iterable")"""
    with pytest.raises(TypeError, match="choose: choices"):
        xp.choose(xp.asarray([0, 1]), object())
    with pytest.raises(TypeError, match="piecewise: funclist"):
        xp.piecewise(xp.zeros((0,), dtype=xp.bool), xp.asarray([True]), object())
    np.testing.assert_array_equal(np.asarray(xp.choose(xp.asarray([0, 1]), ([1, 2], [3, 4]))),
                                  np.choose([0, 1], ([1, 2], [3, 4])))


def test_gradient_checks_edge_order_before_comparing_it():
    """(a tensor as edge_order: PyTorch's ambiguous-truth RuntimeError)"""
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="edge_order"):
        xp.gradient(xp.asarray([1.0, 2.0, 4.0]), edge_order=torch.ones((3, 4)))
    with pytest.raises(ValueError, match="edge_order"):
        xp.gradient(xp.asarray([1.0, 2.0, 4.0]), edge_order=0)


@pytest.mark.parametrize("ends", [(np.nan, 2.0), (1.0, np.nan), (-1.0, np.nan), (-2.0, -8.0)])
def test_geomspace_with_a_nan_end_as_numpy(ends):
    """(geomspace(nan, 2) ended in an exact 2.0; NumPy: every value NaN)"""
    with np.errstate(all="ignore"):
        want = np.geomspace(*ends, num=4)
    np.testing.assert_allclose(np.asarray(xp.geomspace(*ends, num=4)), want, rtol=1e-6)


def test_poly_of_half_precision_roots_multiplies_out_in_float32():
    """(products rounded to bfloat16 at every step: 2.93e16 where NumPy has 3.04e16)"""
    z = xp.asarray(np.array([5.713942027226317e16, -7.46875, 8.0], "float32"), dtype=xp.bfloat16)
    got = xp.poly(z)
    assert got.dtype == xp.bfloat16
    want = np.poly(np.asarray(z.astype(xp.float32)))
    np.testing.assert_allclose(np.asarray(got.astype(xp.float32)), want, rtol=1e-2)


def test_unravel_index_past_int32_coordinates_is_int64():
    # (a coordinate past 2**31 - 1 wrapped in the int32 result: [0] for NumPy's 2**39)
    got = xp.unravel_index(xp.asarray([2**59 + 3], dtype=xp.int64), (2**40, 2**20))
    want = np.unravel_index([2**59 + 3], (2**40, 2**20))
    for g, w in zip(got, want):
        assert g.dtype == xp.int64
        np.testing.assert_array_equal(np.asarray(g), w)


def test_isclose_of_integers_compares_in_float64_as_numpy():
    # (in float32, 2147483654 rounded to 2**31 and rtol 0.9999999999999999 to 1.0)
    a = [[3, 2380, 255], [1110, 65534, 6], [6, 53, 1]]
    b = np.array([-3, -6, -262143, -262143, -262143, 341585, -2147483648, 0, -2147483648],
                 dtype=np.int32).reshape(3, 3)
    got = xp.isclose(a, xp.asarray(b), rtol=0.9999999999999999)
    np.testing.assert_array_equal(np.asarray(got), np.isclose(a, b, rtol=0.9999999999999999))


def test_fuzz_round_20261222_findings():
    # half-precision cumulative sums accumulate in float32 (bfloat16 drifted 3% in 50 terms)
    x = np.full(108, -0.82421875, dtype=np.float32)
    got = xp.astype(xp.cumulative_sum(xp.asarray(x, dtype=xp.bfloat16)), xp.float32)
    assert abs(float(got[49]) - np.cumsum(x)[49]) < 0.25
    # corrcoef of half precision in float32 (its variances underflowed float16: NaN)
    a = np.array([[5.960464477539063e-08, 0.0, -0.0]], dtype=np.float16)
    b = np.array([[-7.0, -5.58984375, 5.56640625]], dtype=np.float16)
    np.testing.assert_allclose(np.asarray(xp.corrcoef(xp.asarray(a), xp.asarray(b)),
                                          dtype=np.float64), np.corrcoef(a, b), atol=2e-3)
    # frombuffer with NumPy's complex128 reads complex128 values (then complex64)
    raw = np.array([1.5 + 2j, -3j]).tobytes()
    np.testing.assert_array_equal(np.asarray(xp.frombuffer(raw, dtype=np.complex128)),
                                  np.frombuffer(raw, dtype=np.complex128).astype(np.complex64))


def test_unwrap_period_must_be_a_number():
    # (a list period reached `/`: an accidental TypeError)
    with pytest.raises(TypeError, match="period must be a real number"):
        xp.unwrap(xp.asarray([1.0, 2.0]), period=[1.0])
    got = xp.unwrap(xp.asarray([0.0, 7.0]), period=np.float64(6.0))
    np.testing.assert_allclose(np.asarray(got), np.unwrap([0.0, 7.0], period=6.0))


def test_linspace_of_a_python_int_past_int64():
    # (MLX takes no Python int past int64: std::bad_cast)
    got = xp.linspace(2**70, 5, 3)
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.linspace(2.0**70, 5, 3),
                               rtol=1e-6)
    assert xp.linspace(2**70, (), np.uint16(7), dtype=xp.int32).shape == (7, 0)


def test_trapezoid_of_large_integers_sums_in_float64():
    # (int32 sums times a float were float32: the sums of large values cancelled to noise)
    y = np.array([-1673, 127, -4, -7, 2**31 - 1, -(2**31) + 1, 7, 7, 7, 2**31 - 1, 1, 2],
                 dtype=np.int32).reshape(4, 3)
    got = xp.trapezoid(xp.asarray(y), dx=0.3853751237141073, axis=0)
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                               np.trapezoid(y, dx=0.3853751237141073, axis=0), rtol=1e-6)


def test_fuzz_round_20261231_findings():
    # pad_width as a 0-d NumPy array is its scalar, as NumPy reads it
    got = xp.pad(np.zeros((3, 0), dtype=np.int16), np.array(2, dtype=np.int16),
                 constant_values=np.uint16(6))
    assert got.shape == (7, 4)
    # indices refuses a huge array as dimensions before iterating it (it made its rows)
    with pytest.raises(TypeError, match="at most 64 ints"):
        xp.indices(xp.zeros((2**30, 2, 0), dtype=xp.int16))
    # isin keeps a NumPy float64 scalar's dtype (a subnormal is not 0, as in NumPy)
    b = np.array([False, False]).reshape((2, 1, 1, 1))
    tiny = np.float64(-2.2250738585e-313)
    np.testing.assert_array_equal(xp.isin(xp.asarray(b), tiny).numpy(), np.isin(b, tiny))
    # a quantile whose result is empty: empty, whatever the reduced axes' size
    got = xp.nanpercentile(xp.zeros((2, 0, 2**31 - 1), dtype=xp.int64), [2, 0], axis=(0, 2))
    assert got.shape == (2, 0)
    got = xp.quantile(xp.zeros((0, 3)), 0.5, axis=1, keepdims=True)
    assert got.shape == np.quantile(np.zeros((0, 3)), 0.5, axis=1, keepdims=True).shape


def test_fuzz_round_20261242_findings():
    # tri with a side past MLX's 32-bit dimensions: ValueError (MLX's raw OverflowError)
    with pytest.raises(ValueError, match="exceeds the largest"):
        xp.tri(0, 3238505585)
    np.testing.assert_array_equal(xp.tri(4, 2, -1, dtype=int).numpy(), np.tri(4, 2, -1, int))
    # array given a dtype positionally converts the list to it directly (as NumPy)
    got = xp.array([9.320322534534958e-49], xp.float64, copy=None, ndmin=np.int16(3))
    np.testing.assert_array_equal(got.numpy(), np.array([9.320322534534958e-49], ndmin=3))


def test_fuzz_round_20261244_findings():
    # a p-norm whose p rounds to 0 in the dtype: the limit (0, the one term, inf or 0),
    # not x ** 0 = 1 for zeros too
    cases = {(0.0, 0.0): (0.0, 0.0), (0.0, 1.0): (1.0, 0.0), (3.0, 2.0): (np.inf, 0.0),
             (3.0,): (3.0, 3.0), (np.inf, 3.0): (np.inf, 3.0), (np.nan, 1.0): (np.nan, np.nan)}
    for v, (pos, neg) in cases.items():
        for dt, p in ((xp.float32, 1e-300), (xp.float16, 1e-9)):
            a = xp.asarray(v, dtype=dt)
            np.testing.assert_array_equal(xp.linalg.vector_norm(a, ord=p).numpy(), pos)
            np.testing.assert_array_equal(xp.linalg.vector_norm(a, ord=-p).numpy(), neg)
    got = xp.linalg.vector_norm(xp.asarray([[0.0, 1, 2], [0, 0, 0]]), axis=1, ord=1e-300,
                                keepdims=True)
    np.testing.assert_array_equal(got.numpy(), [[np.inf], [0.0]])


def test_fuzz_round_20261245_findings():
    # polyder by more than the degree stops once the polynomial is empty (m = 2**31 built
    # a graph of 2**31 slices: SIGSEGV)
    assert xp.polyder(xp.asarray(np.array([71966645, -1, 3], dtype=np.int32)),
                      np.int64(2**31)).shape == (0,)
    np.testing.assert_array_equal(xp.polyder(xp.asarray([1.0, 2, 3]), 2).numpy(),
                                  np.polyder(np.array([1.0, 2, 3]), 2))
    # fromiter of an Array reads its values as NumPy's (inf cast, not int(inf)'s error)
    got = xp.fromiter(xp.asarray(np.array([np.inf, 3.0], dtype=np.float32)), xp.uint8)
    assert got.shape == (2,) and int(got[1]) == 3


def test_fuzz_round_20261246_findings():
    # cov/corrcoef of no observations as columns: NaN, not a hang (MLX's mean of a
    # transposed empty array looped forever)
    got = xp.corrcoef(xp.asarray(np.zeros((0, 3), dtype=np.int64)), rowvar=False)
    assert got.shape == (3, 3) and bool(xp.all(xp.isnan(got)))
    # polyfit's flags and ravel_multi_index's mode are checked before use
    with pytest.raises(TypeError, match="full must be a bool"):
        xp.polyfit(xp.asarray([1.0, 2, 3]), xp.asarray([1.0, 2, 3]), 1, full=np.ones(4))
    with pytest.raises(ValueError, match="unscaled"):
        xp.polyfit(xp.asarray([1.0, 2, 3]), xp.asarray([1.0, 2, 3]), 1, cov="scaled")
    with pytest.raises(TypeError, match="clipmode"):
        xp.ravel_multi_index(([1], [2]), (3, 4), mode=np.inf)


def test_fuzz_round_20261247_findings():
    # fromiter's OverflowError names it (NumPy's own: inf into int8)
    with pytest.raises(OverflowError, match="fromiter"):
        xp.fromiter(xp.asarray(np.array([np.inf])), dtype=xp.int8)


def test_fuzz_round_20261248_findings():
    # choose with an empty result reads no index (NumPy accepts [255] there)
    got = xp.choose([255, 1, 2], xp.zeros((1, 1, 0, 1), dtype=xp.float16))
    assert got.shape == np.choose([255, 1, 2], np.zeros((1, 1, 0, 1))).shape
    with pytest.raises(ValueError, match="invalid entry"):
        xp.choose([255, 1, 2], xp.zeros((1, 3)))


def test_fuzz_round_20261251_findings():
    # polydiv's remainder trimming allows float32's rounding noise (1 / 1.5 in float32)
    q, r = xp.polydiv([3, 127, 18384, 256], v=1.5)
    nq, nr = np.polydiv([3, 127, 18384, 256], 1.5)
    np.testing.assert_allclose(q.numpy(), nq, rtol=1e-6)
    assert r.shape == nr.shape == (1,)
    np.testing.assert_allclose(xp.polydiv(xp.asarray([1e-3, 3e-3, 5e-6]),
                                          xp.asarray([1.0, 1]))[1].numpy(),
                               np.polydiv([1e-3, 3e-3, 5e-6], [1.0, 1])[1], rtol=1e-5)


def test_fuzz_round_20261255_findings():
    # max/min with a narrower integer out=: the input is cast to it first, as NumPy's loop
    a = np.array([2147483647, 1], dtype=np.int32)
    for f, nf in ((xp.max, np.max), (xp.min, np.min)):
        got = f(xp.asarray(a), out=xp.asarray(np.array(25, dtype=np.int8)))
        assert got.dtype == xp.int8 and int(got) == int(nf(a, out=np.array(25, np.int8)))
    wide = xp.max(xp.asarray(a), out=xp.asarray(np.array(0, dtype=np.int64)))
    assert int(wide) == 2147483647
    with pytest.raises(TypeError, match="same_kind"):
        xp.max(xp.asarray([1.5]), out=xp.asarray(np.array(1, np.int32)))
    # lstsq of a subnormal matrix: +-inf where the solution overflows, not inf - inf = NaN
    m = np.array([[1e-40, 1e-40], [0, 1e-40]], dtype=np.float32)
    b = np.array([0.0, -8.0], dtype=np.float32)
    got = xp.linalg.lstsq(xp.asarray(m), xp.asarray(b)).x.numpy()
    with np.errstate(over="ignore"):
        want = np.linalg.lstsq(m, b)[0]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(xp.linalg.lstsq(xp.zeros((2, 2)), xp.asarray(b)).x.numpy(),
                                  [0.0, 0.0])


def test_fuzz_round_20261256_findings():
    # mean/var/std of integers into a float64 out=: computed in float64, as NumPy (the
    # default float32 rounding first lost 9e10 of -3.07e18)
    a = np.array([2, -9223372036854775808, 1], dtype=np.int64)
    for f, nf in ((xp.mean, np.mean), (xp.var, np.var), (xp.std, np.std)):
        got = f(xp.asarray(a), out=xp.asarray(np.array(0.0)))
        assert got.dtype == xp.float64 and float(got) == float(nf(a))
    assert xp.mean(xp.asarray(a)).dtype == xp.float32  # (without out=: the default float)
    # polyint of a 2-d array: a ValueError (NumPy's concatenation fails too), not a Python
    # list of 2**31 - 1 divisors
    with pytest.raises(ValueError, match="1-d"):
        xp.polyint(xp.zeros((2147483647, 0)), 5, k=np.int32(-1))
    with pytest.raises(ValueError):
        np.polyint(np.zeros((3, 3)))
    np.testing.assert_allclose(xp.polyint([1.0, 2, 3], 2, k=[1, 2]).numpy(),
                               np.polyint([1.0, 2, 3], 2, k=[1, 2]), rtol=1e-6)


def test_fuzz_round_20261257_findings():
    # a list q is an array by the way in (the default float): it promotes a half-precision
    # a as an Array q does (NumPy: its float64 array gives float64); a lone number is weak
    a = xp.asarray([1.0, 2, 3, 4], dtype=xp.bfloat16)
    assert xp.nanpercentile(a, [[3.0]]).dtype == xp.nanpercentile(a, xp.asarray([[3.0]])).dtype \
        == xp.float32
    assert xp.percentile(a, 3.0).dtype == xp.bfloat16
    assert np.asarray(np.nanpercentile(np.ones(4, np.float16), [3.0])).dtype == np.float64
    # piecewise counts its conditions before converting them (10**9 of them: no loop)
    with pytest.raises(ValueError, match="1000000000 condition"):
        xp.piecewise(xp.asarray([1.0]), xp.zeros((1000000000, 3, 3, 0), dtype=xp.bool), [1, 2])
    with pytest.raises(TypeError, match="funclist"):
        xp.piecewise(xp.asarray([1.0]), xp.zeros((1000000000, 3, 0), dtype=xp.float16),
                     xp.zeros((3, 0)))
