"""The linalg extension (and tensordot/vecdot) against NumPy: values, not only shapes.

Factorizations are checked by reconstruction (``U diag(S) Vh == A``, ``Q R == A``,
``L L^H == A``, ``A v == w v``) and by comparison with NumPy in double precision.
Matrices stay small: the MLX CPU build uses a reference BLAS.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_array_equal, assert_close, np_dtype, to_numpy, xp_dtype
from hypothesis import given
from hypothesis import strategies as st

import tmath_array as xp
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import lazy as _lazy

la = xp.linalg

FLOAT = ("float32", "float64", "complex64")
HALF = ("float16", "bfloat16")
EPS = {"float32": 1.2e-7, "float64": 2.3e-16, "complex64": 1.2e-7}

# The 2025.12 specification's linalg function list (array_api_stubs/_2025_12/linalg.py).
SPEC_LINALG = """cholesky cross det diagonal eigh eigvalsh inv matmul matrix_norm matrix_power
                 matrix_rank matrix_transpose outer pinv qr slogdet solve svd svdvals tensordot
                 trace vecdot vector_norm""".split()


# --- strategies and helpers -------------------------------------------------------

@st.composite
def shapes(draw, square=False, max_batch=2, max_side=5):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=max_batch)))
    m = draw(st.integers(1, max_side))
    n = m if square else draw(st.integers(1, max_side))
    return (*batch, m, n)


def random(shape, dtype: str, seed: int, scale: float = 1.0) -> np.ndarray:
    """Random values in [-scale, scale) (complex: both parts), as ``dtype``'s NumPy type."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-scale, scale, shape)
    if dtype == "complex64":
        a = a + 1j * rng.uniform(-scale, scale, shape)
    return a.astype(np_dtype(dtype))


def well_conditioned(shape, dtype: str, seed: int) -> np.ndarray:
    """Diagonally dominant square matrices (condition number below ~3)."""
    a = random(shape, dtype, seed).astype(np.complex128 if dtype == "complex64" else np.float64)
    n = shape[-1]
    a = a + 2 * n * np.eye(n)
    return a.astype(np_dtype(dtype))


def hermitian_pd(shape, dtype: str, seed: int) -> np.ndarray:
    b = random(shape, dtype, seed).astype(np.complex128 if dtype == "complex64" else np.float64)
    n = shape[-1]
    return (b @ np.conj(np.swapaxes(b, -1, -2)) + n * np.eye(n)).astype(np_dtype(dtype))


def wide(a: np.ndarray) -> np.ndarray:
    """The double-precision NumPy oracle's input."""
    return a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)


def ct(a: np.ndarray) -> np.ndarray:
    return np.conj(np.swapaxes(a, -1, -2))


def tol(dtype: str, a: np.ndarray) -> float:
    """An absolute tolerance for O(n) rounding errors on the scale of ``a``."""
    scale = max(1.0, float(np.abs(a).max())) if a.size else 1.0
    n = max(a.shape[-2:]) if a.ndim >= 2 else max(a.shape or (1,))
    return 50 * EPS[dtype] * n * scale


def xpa(a: np.ndarray, dtype: str):
    return xp.asarray(a, dtype=xp_dtype(dtype))


# --- namespace ----------------------------------------------------------------------

def test_namespace_has_every_spec_function():
    assert sorted(n for n in SPEC_LINALG if not hasattr(la, n)) == []
    assert set(SPEC_LINALG) <= set(la.__all__)
    assert "linalg" in xp.__all__ and "fft" in xp.__all__


@pytest.mark.parametrize("name", ["matmul", "matrix_transpose", "tensordot", "vecdot"])
def test_shared_functions_are_the_same_objects(name):
    assert getattr(la, name) is getattr(xp, name)


# --- SVD --------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(), seed=st.integers(0, 2**32 - 1), full=st.booleans())
def test_svd_reconstructs(dtype, shape, seed, full):
    a = random(shape, dtype, seed, scale=10)
    U, S, Vh = la.svd(xpa(a, dtype), full_matrices=full)
    u, s, vh = to_numpy(U), to_numpy(S), to_numpy(Vh)
    m, n = shape[-2:]
    k = min(m, n)
    assert u.shape == (*shape[:-2], m, m if full else k)
    assert vh.shape == (*shape[:-2], n if full else k, n)
    assert S.dtype == (xp.float32 if dtype == "complex64" else xp_dtype(dtype))
    assert U.dtype == Vh.dtype == xp_dtype(dtype)
    t = tol(dtype, a)
    np.testing.assert_allclose((u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :], a, atol=t)
    np.testing.assert_allclose(ct(u) @ u, np.broadcast_to(np.eye(u.shape[-1]), u.shape[:-2]
                                                           + (u.shape[-1],) * 2), atol=t / 10)
    np.testing.assert_allclose(s, np.linalg.svd(wide(a), compute_uv=False), atol=t)
    assert np.all(s[..., :-1] >= s[..., 1:])


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(), seed=st.integers(0, 2**32 - 1))
def test_svdvals_match_numpy(dtype, shape, seed):
    a = random(shape, dtype, seed, scale=10)
    s = la.svdvals(xpa(a, dtype))
    assert_close(s, np.linalg.svd(wide(a), compute_uv=False).astype(np.float64),
                 atol=tol(dtype, a), rtol=0, dtype="float64" if dtype == "float64" else "float32")


# --- QR ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(), seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["reduced",
                                                                              "complete"]))
def test_qr_reconstructs(dtype, shape, seed, mode):
    a = random(shape, dtype, seed, scale=10)
    Q, R = la.qr(xpa(a, dtype), mode=mode)
    q, r = to_numpy(Q), to_numpy(R)
    m, n = shape[-2:]
    k = min(m, n)
    rows = m if mode == "complete" else k
    assert q.shape == (*shape[:-2], m, rows) and r.shape == (*shape[:-2], rows, n)
    assert Q.dtype == R.dtype == xp_dtype(dtype)
    t = tol(dtype, a)
    np.testing.assert_allclose(q @ r, a, atol=t)
    np.testing.assert_allclose(ct(q) @ q, np.broadcast_to(np.eye(rows), q.shape[:-2]
                                                           + (rows, rows)), atol=t / 10)
    assert np.array_equal(r, np.triu(r))  # exactly upper triangular
    assert np.all(np.imag(np.diagonal(r, axis1=-2, axis2=-1)) == 0)  # real diagonal


# --- Cholesky, eigh, eig ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True), seed=st.integers(0, 2**32 - 1), upper=st.booleans())
def test_cholesky_reconstructs_and_matches_numpy(dtype, shape, seed, upper):
    a = hermitian_pd(shape, dtype, seed)
    f = to_numpy(la.cholesky(xpa(a, dtype), upper=upper))
    t = tol(dtype, a)
    if upper:
        assert np.array_equal(f, np.triu(f))
        np.testing.assert_allclose(ct(f) @ f, a, atol=t)
        np.testing.assert_allclose(f, ct(np.linalg.cholesky(wide(a))), atol=t)
    else:
        assert np.array_equal(f, np.tril(f))
        np.testing.assert_allclose(f @ ct(f), a, atol=t)
        np.testing.assert_allclose(f, np.linalg.cholesky(wide(a)), atol=t)


@pytest.mark.parametrize("dtype", FLOAT)
def test_cholesky_of_a_matrix_that_is_not_positive_definite_is_nan(dtype):
    a = np.array([[[4.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]], np_dtype(dtype))
    f = to_numpy(la.cholesky(xpa(a, dtype)))
    np.testing.assert_allclose(f[0], [[2, 0], [0, 1]], atol=1e-6)
    assert np.isnan(f[1]).all()


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True), seed=st.integers(0, 2**32 - 1))
def test_eigh_satisfies_av_equals_wv(dtype, shape, seed):
    b = random(shape, dtype, seed, scale=10)
    a = ((b + ct(b)) / 2).astype(b.dtype)
    w, v = la.eigh(xpa(a, dtype))
    rdt = xp.float32 if dtype == "complex64" else xp_dtype(dtype)
    assert w.dtype == rdt and v.dtype == xp_dtype(dtype)
    wn, vn = to_numpy(w), to_numpy(v)
    t = tol(dtype, a)
    np.testing.assert_allclose(a @ vn, vn * wn[..., None, :], atol=t)
    np.testing.assert_allclose(wn, np.linalg.eigvalsh(wide(a)), atol=t)
    np.testing.assert_allclose(to_numpy(la.eigvalsh(xpa(a, dtype))), wn, atol=t)


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True), seed=st.integers(0, 2**32 - 1))
def test_eig_satisfies_av_equals_wv(dtype, shape, seed):
    a = random(shape, dtype, seed, scale=3)
    w, v = la.eig(xpa(a, dtype))
    assert w.dtype == v.dtype == xp.complex64  # no complex128 in MLX
    wn, vn = to_numpy(w), to_numpy(v)
    t = tol("float32", a)
    np.testing.assert_allclose(a @ vn, vn * wn[..., None, :], atol=t)
    np.testing.assert_allclose(np.linalg.norm(vn, axis=-2), 1, atol=1e-5)
    np.testing.assert_allclose(wn.sum(-1), np.trace(a, axis1=-2, axis2=-1), atol=t)
    np.testing.assert_allclose(np.sort_complex(to_numpy(la.eigvals(xpa(a, dtype)))),
                               np.sort_complex(wn), atol=t)


# --- determinants, inverse, solve, powers -----------------------------------------------

def hadamard(a: np.ndarray) -> np.ndarray:
    """Hadamard's bound on |det a|: the product of the column norms (a scale for errors)."""
    return np.prod(np.maximum(np.linalg.norm(wide(a), axis=-2), 1), axis=-1)


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True), seed=st.integers(0, 2**32 - 1))
def test_det_and_slogdet_match_numpy(dtype, shape, seed):
    a = random(shape, dtype, seed, scale=3)
    x = xpa(a, dtype)
    expected = np.linalg.det(wide(a))
    bound = hadamard(a) * 100 * EPS[dtype] * shape[-1]
    d = to_numpy(la.det(x))
    assert la.det(x).dtype == xp_dtype(dtype)
    np.testing.assert_array_less(np.abs(d - expected), bound)
    sign, logabs = la.slogdet(x)
    assert sign.dtype == xp_dtype(dtype)
    assert logabs.dtype == (xp.float32 if dtype == "complex64" else xp_dtype(dtype))
    recon = to_numpy(sign).astype(expected.dtype) * np.exp(to_numpy(logabs).astype(np.float64))
    np.testing.assert_array_less(np.abs(recon - expected), bound)
    np.testing.assert_allclose(np.abs(to_numpy(sign)), 1, atol=1e-5)


@pytest.mark.parametrize("dtype", FLOAT)
def test_slogdet_does_not_underflow_and_marks_singular(dtype):
    a = np.stack([np.diag([1e-30, 1e-30]), [[0.0, 1.0], [1.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]]])
    sign, logabs = la.slogdet(xpa(a.astype(np_dtype(dtype)), dtype))
    sign, logabs = to_numpy(sign), to_numpy(logabs)
    np.testing.assert_allclose(sign[:2], [1, -1])
    np.testing.assert_allclose(logabs[:2], [2 * math.log(1e-30), 0], rtol=1e-6, atol=1e-6)
    if dtype == "complex64":
        # Householder QR leaves a rounding-sized pivot where LU finds an exact zero
        # (the standard allows it): the determinant is still tiny.
        assert logabs[2] < -10
    else:
        assert (sign[2], logabs[2]) == (0, -math.inf)
        assert to_numpy(la.det(xpa(a[2].astype(np_dtype(dtype)), dtype))) == 0


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True), seed=st.integers(0, 2**32 - 1))
def test_inv_matches_numpy(dtype, shape, seed):
    a = well_conditioned(shape, dtype, seed)
    inv = to_numpy(la.inv(xpa(a, dtype)))
    eye = np.broadcast_to(np.eye(shape[-1]), shape)
    np.testing.assert_allclose(a @ inv, eye, atol=tol(dtype, a))
    np.testing.assert_allclose(inv, np.linalg.inv(wide(a)), atol=tol(dtype, a))


@pytest.mark.parametrize("dtype", FLOAT)
def test_inv_and_solve_of_singular_matrices_are_nan(dtype):
    a = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 4.0]]], np_dtype(dtype))
    inv = to_numpy(la.inv(xpa(a, dtype)))
    assert np.isnan(inv[0]).all()
    np.testing.assert_allclose(inv[1], [[0.5, 0], [0, 0.25]])
    sol = to_numpy(la.solve(xpa(a, dtype), xpa(np.ones(2, np_dtype(dtype)), dtype)))
    assert np.isnan(sol[0]).all()
    np.testing.assert_allclose(sol[1], [0.5, 0.25])


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("dtype", FLOAT)
def test_inv_and_solve_when_only_one_lu_is_singular(dtype, transpose):
    # (found by tools/fuzz: LU(a) has no zero pivot but LU(a.T), which MLX's inv factorizes,
    # has one; inv then raised "[Inverse::eval_cpu] LU factorization failed" at evaluation)
    a = np.array([[-3.696946697812286, -1.9659003274199147, -1.0, -1.0],
                  [-1.0, -1.0, 0.044715, 4.292836367625867e+16],
                  [-0.0, -1.0, -1.0, 3.71226263129922],
                  [-2.659395602974297e-88, -1.0, -1.0, -1.0]])
    a = (a.T if transpose else a).astype(np_dtype(dtype))
    x = xpa(a, dtype)
    for out in (la.inv(x), la.solve(x, xpa(np.ones(4, np_dtype(dtype)), dtype)),
                la.matrix_power(x, -2)):
        got = to_numpy(out)  # evaluates: no RuntimeError
        assert np.isnan(got).all() or np.isfinite(got).all()


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True), k=st.integers(1, 3), seed=st.integers(0, 2**32 - 1),
       rhs=st.sampled_from(["vector", "matrix", "one", "same", "extra"]))
def test_solve_matches_numpy(dtype, shape, k, seed, rhs):
    a = well_conditioned(shape, dtype, seed)
    n = shape[-1]
    rhs_batch = {"vector": None, "matrix": (), "one": (1,), "same": shape[:-2],
                 "extra": (2, *(1,) * len(shape[:-2]))}[rhs]
    if rhs_batch is None:  # one vector for every matrix
        b = random((n,), dtype, seed + 1)
        expected = np.linalg.solve(wide(a), wide(b)[..., None])[..., 0]
    else:
        b = random((*rhs_batch, n, k), dtype, seed + 1)
        expected = np.linalg.solve(wide(a), wide(b))
    out = la.solve(xpa(a, dtype), xpa(b, dtype))
    assert out.shape == expected.shape and out.dtype == xp_dtype(dtype)
    np.testing.assert_allclose(to_numpy(out), expected, atol=tol(dtype, a))


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(square=True, max_side=4), n=st.integers(-3, 6), seed=st.integers(0, 2**32 - 1))
def test_matrix_power_matches_numpy(dtype, shape, n, seed):
    a = well_conditioned(shape, dtype, seed) / (2 * shape[-1])
    a = a.astype(np_dtype(dtype))
    out = to_numpy(la.matrix_power(xpa(a, dtype), n))
    expected = np.linalg.matrix_power(wide(a), n)
    np.testing.assert_allclose(out, expected, rtol=1e-4 if dtype != "float64" else 1e-10,
                               atol=tol(dtype, expected))


# --- pinv, matrix_rank ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(), rank=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_pinv_satisfies_the_penrose_conditions(dtype, shape, rank, seed):
    m, n = shape[-2:]
    a = (random((*shape[:-2], m, rank), dtype, seed) @ random((rank, n), dtype, seed + 1))
    x = to_numpy(la.pinv(xpa(a, dtype)))
    assert x.shape == (*shape[:-2], n, m)
    # An SVD-based pseudo-inverse is backward stable: X = pinv(A + E) + F with
    # ||E|| <~ eps ||A|| and ||F|| <~ eps ||X||. Its residuals then grow with
    # kappa = ||A|| ||X|| (the condition number of the rank it kept), not with ||A||
    # alone: a float32 product of random factors can be nearly singular (kappa ~ 1e4
    # with a singular value just above the cutoff). The residuals are computed in double
    # precision, so that only pinv's rounding counts; the constant is ~7x the largest
    # ratio seen over 27,000 random cases.
    a, x = wide(a), wide(x)
    norm_a = np.linalg.norm(a, 2, axis=(-2, -1))
    norm_x = np.linalg.norm(x, 2, axis=(-2, -1))
    kappa = np.maximum(norm_a * norm_x, 1.0)
    unit = 50 * max(m, n) * EPS[dtype]
    for what, residual, scale in [("A X A - A", a @ x @ a - a, norm_a * kappa),
                                  ("X A X - X", x @ a @ x - x, norm_x * kappa),
                                  ("(A X)^H - A X", ct(a @ x) - a @ x, kappa),
                                  ("(X A)^H - X A", ct(x @ a) - x @ a, kappa)]:
        err = np.abs(residual).max(axis=(-2, -1))
        assert np.all(err <= unit * scale), f"{what}: {err} > {unit * scale} (kappa {kappa})"


def test_pinv_matches_numpy_with_the_same_rtol():
    a = random((2, 4, 3), "float64", 7)
    for rtol in (None, 0.3):
        expected = np.linalg.pinv(a, rtol=rtol)
        assert_close(la.pinv(xp.asarray(a), rtol=rtol), expected, rtol=1e-10, atol=1e-12)
    rtol = xp.asarray([0.0, 0.9], dtype=xp.float64)  # one per matrix
    out = to_numpy(la.pinv(xp.asarray(a), rtol=rtol))
    np.testing.assert_allclose(out[0], np.linalg.pinv(a[0], rtol=0.0), atol=1e-12)
    np.testing.assert_allclose(out[1], np.linalg.pinv(a[1], rtol=0.9), atol=1e-12)


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=shapes(), rank=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_matrix_rank_of_products(dtype, shape, rank, seed):
    m, n = shape[-2:]
    a = random((*shape[:-2], m, rank), dtype, seed) @ random((rank, n), dtype, seed + 1)
    r = la.matrix_rank(xpa(a, dtype))
    assert r.dtype == xp.int32
    assert_array_equal(r, np.full(shape[:-2], min(m, n, rank)), dtype="int32")
    assert_array_equal(la.matrix_rank(xpa(a, dtype), rtol=0.5),
                       np.linalg.matrix_rank(wide(a), rtol=0.5), dtype="int32")


# --- norms ------------------------------------------------------------------------------

MATRIX_ORDS = ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]


@pytest.mark.parametrize("dtype", FLOAT)
@pytest.mark.parametrize("ord", MATRIX_ORDS)
@given(shape=shapes(), seed=st.integers(0, 2**32 - 1), keepdims=st.booleans())
def test_matrix_norm_matches_numpy(dtype, ord, shape, seed, keepdims):
    a = random(shape, dtype, seed, scale=10)
    out = la.matrix_norm(xpa(a, dtype), ord=ord, keepdims=keepdims)
    expected = np.linalg.matrix_norm(wide(a), ord=ord, keepdims=keepdims)
    rdt = "float64" if dtype == "float64" else "float32"
    rtol = 1e-5 if rdt == "float32" else 1e-12
    atol = 0.0
    if ord == -2 and a.size:
        # The smallest singular value of a backward-stable SVD is accurate to eps times
        # the largest one, not relative to itself (an ill-conditioned draw shows it).
        atol = rtol * float(np.max(np.linalg.matrix_norm(wide(a), ord=2)))
    assert_close(out, expected.astype(np_dtype(rdt)), rtol=rtol, atol=atol, dtype=rdt)


@pytest.mark.parametrize("dtype", FLOAT)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**32 - 1),
       ord=st.sampled_from([2, 1, 0, -1, -2, math.inf, -math.inf, 3, 0.5, -1.5]),
       keepdims=st.booleans(), data=st.data())
def test_vector_norm_matches_numpy(dtype, shape, seed, ord, keepdims, data):
    a = random(tuple(shape), dtype, seed, scale=10)
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)
                     | st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True)
                     .map(tuple), label="axis")
    out = la.vector_norm(xpa(a, dtype), axis=axis, keepdims=keepdims, ord=ord)
    expected = np.linalg.vector_norm(wide(a), axis=axis, keepdims=keepdims, ord=ord)
    rdt = "float64" if dtype == "float64" else "float32"
    assert_close(out, np.asarray(expected).astype(np_dtype(rdt)),
                 rtol=1e-5 if rdt == "float32" else 1e-12, dtype=rdt)


def test_vector_norm_does_not_overflow_or_underflow():
    big = xp.asarray([3e30, 4e30], dtype=xp.float32)
    np.testing.assert_allclose(float(la.vector_norm(big)), 5e30, rtol=1e-6)
    tiny = xp.asarray([3e-30, 4e-30], dtype=xp.float32)
    np.testing.assert_allclose(float(la.vector_norm(tiny)), 5e-30, rtol=1e-6)
    np.testing.assert_allclose(float(la.matrix_norm(xp.reshape(big, (1, 2)))), 5e30, rtol=1e-6)
    assert float(la.vector_norm(xp.asarray([math.inf, 1.0]))) == math.inf
    assert math.isnan(float(la.vector_norm(xp.asarray([math.nan, 1.0]))))
    assert float(la.vector_norm(xp.asarray(-3.0), ord=1)) == 3.0  # a 0-D vector


def test_norms_of_empty_input():
    assert_array_equal(la.vector_norm(xp.zeros((2, 0)), axis=1), np.zeros(2, np.float32))
    assert_array_equal(la.matrix_norm(xp.zeros((3, 0, 2)), ord=2), np.zeros(3, np.float32))
    with pytest.raises(ValueError):
        la.vector_norm(xp.zeros((0,)), ord=math.inf)


@pytest.mark.parametrize("keepdims", [np.ones(2), "yes", None, 1])
def test_norms_keepdims_must_be_bool(keepdims):
    # (found by tools/fuzz: bool(<tensor>) raised PyTorch's RuntimeError; now the check
    # of the statistical reductions)
    with pytest.raises(TypeError, match="matrix_norm: keepdims must be a bool"):
        la.matrix_norm(xp.ones((2, 2)), keepdims=keepdims)
    with pytest.raises(TypeError, match="vector_norm: keepdims must be a bool"):
        la.vector_norm(xp.ones((2, 2)), keepdims=keepdims)


@pytest.mark.parametrize("ord", [np.array([1, 2]), np.array(1), xp.asarray([1, 2]), [1], object()],
                         ids=["numpy", "numpy 0-d", "tmath", "list", "object"])
def test_matrix_norm_ord_of_the_wrong_type(ord):
    # (found by tools/fuzz: a tensor as ord was compared with the table of norms, and
    # PyTorch refused its truth value with a RuntimeError)
    with pytest.raises(TypeError, match="matrix_norm: ord must be"):
        la.matrix_norm(xp.ones((2, 2)), ord=ord)
    assert float(la.matrix_norm(xp.ones((2, 2)), ord=np.int64(1))) == 2.0  # NumPy scalars do


# --- half precision: computed in float32, returned in the input dtype -------------------

HALF_CASES = {
    "svd": lambda x: la.svd(x),
    "svdvals": la.svdvals,
    "qr": lambda x: la.qr(x, mode="complete"),
    "eigh": la.eigh,
    "eigvalsh": la.eigvalsh,
    "cholesky": la.cholesky,
    "det": la.det,
    "slogdet": la.slogdet,
    "inv": la.inv,
    "pinv": la.pinv,
    "matrix_power": lambda x: la.matrix_power(x, -2),
    "matrix_norm": lambda x: la.matrix_norm(x, ord="nuc"),
    "vector_norm": lambda x: la.vector_norm(x, ord=3),
    "solve": lambda x: la.solve(x, x),
    "trace": la.trace,
}


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("name", sorted(HALF_CASES))
def test_half_types_compute_in_float32(dtype, name):
    a = hermitian_pd((2, 3, 3), "float32", 3)
    x = xp.asarray(a, dtype=xp_dtype(dtype))
    f = HALF_CASES[name]
    got = f(x)
    ref = f(xp.astype(x, xp.float32))  # the same values, computed in float32
    got = got if isinstance(got, tuple) else (got,)
    ref = ref if isinstance(ref, tuple) else (ref,)
    for g, r in zip(got, ref):
        assert g.dtype == xp_dtype(dtype)
        assert_array_equal(g, to_numpy(xp.astype(r, xp_dtype(dtype))), dtype=dtype)


# --- the rest of the extension ----------------------------------------------------------

INT_AND_FLOAT = ("int8", "uint8", "int32", "int64", "float32", "float64", "complex64")


def np_values(shape, dtype: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    return random(shape, dtype, seed, scale=10)


@pytest.mark.parametrize("dtype", INT_AND_FLOAT + ("bool",))
@given(shape=shapes(), offset=st.integers(-6, 6) | st.sampled_from([10**30, -(10**30)]),
       seed=st.integers(0, 2**32 - 1))
def test_diagonal_matches_numpy(dtype, shape, offset, seed):
    a = np_values(shape, dtype, seed) if dtype != "bool" else np_values(shape, "int8", seed) > 0
    expected = np.diagonal(a, offset=max(min(offset, 99), -99), axis1=-2, axis2=-1)
    assert_array_equal(la.diagonal(xp.asarray(a), offset=offset), expected)


TRACE_DTYPE = {"int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


@pytest.mark.parametrize("dtype", INT_AND_FLOAT + ("int16", "uint16", "uint64"))
@given(shape=shapes(), offset=st.integers(-6, 6), seed=st.integers(0, 2**32 - 1))
def test_trace_matches_numpy(dtype, shape, offset, seed):
    a = np_values(shape, dtype, seed)
    out_dtype = TRACE_DTYPE.get(dtype, dtype)
    expected = np.trace(a.astype(out_dtype), offset=offset, axis1=-2, axis2=-1)
    out = la.trace(xp.asarray(a), offset=offset)
    if out_dtype.startswith("float") or out_dtype == "complex64":
        assert_close(out, expected.astype(out_dtype), atol=tol("float32", a), dtype=out_dtype)
    else:  # integers wrap around, as NumPy's
        assert_array_equal(out, expected.astype(out_dtype), dtype=out_dtype)


def test_trace_dtype_argument_casts_first():
    a = np.full((3, 3), 100, np.int8)
    assert_array_equal(la.trace(xp.asarray(a), dtype=xp.int8), np.int8(44))  # 300 wraps
    assert_array_equal(la.trace(xp.asarray(a), dtype=xp.float32), np.float32(300))
    with pytest.raises(TypeError):
        la.trace(xp.asarray(a, dtype=xp.complex64), dtype=xp.float32)
    with pytest.raises(TypeError):
        la.trace(xp.asarray(a > 0))


@pytest.mark.parametrize("dtype", INT_AND_FLOAT)
@given(seed=st.integers(0, 2**32 - 1), axis=st.integers(-3, -1),
       bshape=st.sampled_from([(2, 3, 4), (1, 3, 4), (3, 4), (4,)]))
def test_cross_matches_numpy(dtype, seed, axis, bshape):
    ashape = [2, 3, 4]
    ashape[axis] = 3
    bshape = list((1,) * (3 - len(bshape)) + bshape)
    bshape[axis] = 3
    a, b = np_values(tuple(ashape), dtype, seed), np_values(tuple(bshape), dtype, seed + 1)
    expected = np.cross(a, b, axis=axis)
    out = la.cross(xp.asarray(a), xp.asarray(b), axis=axis)
    if dtype.startswith(("int", "uint")):
        assert_array_equal(out, expected)
    else:
        assert_close(out, expected, atol=tol("float32", a) * 10)


@pytest.mark.parametrize("dtype", INT_AND_FLOAT)
@given(n=st.integers(0, 5), m=st.integers(0, 5), seed=st.integers(0, 2**32 - 1))
def test_outer_matches_numpy(dtype, n, m, seed):
    a, b = np_values((n,), dtype, seed), np_values((m,), dtype, seed + 1)
    if dtype == "complex64":  # MLX's complex product may differ in the last bit
        assert_close(la.outer(xp.asarray(a), xp.asarray(b)), np.outer(a, b), rtol=1e-6)
    else:
        assert_array_equal(la.outer(xp.asarray(a), xp.asarray(b)), np.outer(a, b))


@st.composite
def tensordot_case(draw):
    n1 = draw(st.integers(0, 3))
    n2 = draw(st.integers(0, 3))
    sizes = st.integers(0, 3)
    s1 = [draw(sizes) for _ in range(n1)]
    s2 = [draw(sizes) for _ in range(n2)]
    if draw(st.booleans()):
        k = draw(st.integers(0, min(n1, n2)))
        for i in range(k):
            s2[i] = s1[n1 - k + i]
        return tuple(s1), tuple(s2), k
    k = draw(st.integers(0, min(n1, n2)))
    ax1 = draw(st.permutations(range(n1)))[:k]
    ax2 = draw(st.permutations(range(n2)))[:k]
    for i, j in zip(ax1, ax2):
        s2[j] = s1[i]
    neg = draw(st.booleans())
    ax1 = [i - n1 if neg else i for i in ax1]
    return tuple(s1), tuple(s2), (ax1, ax2)


@pytest.mark.parametrize("dtype", INT_AND_FLOAT)
@given(case=tensordot_case(), seed=st.integers(0, 2**32 - 1))
def test_tensordot_matches_numpy(dtype, case, seed):
    s1, s2, axes = case
    a, b = np_values(s1, dtype, seed), np_values(s2, dtype, seed + 1)
    expected = np.tensordot(a, b, axes=axes).astype(a.dtype)
    out = xp.tensordot(xp.asarray(a), xp.asarray(b), axes=axes)
    if dtype.startswith(("int", "uint")):
        assert_array_equal(out, expected)
    else:
        assert_close(out, expected, atol=tol("float32", a) * 10 * max(a.size, 1))


@pytest.mark.parametrize("dtype", INT_AND_FLOAT)
@given(seed=st.integers(0, 2**32 - 1), axis=st.integers(-2, -1),
       shapes=st.sampled_from([((2, 3), (2, 3)), ((4, 2, 3), (2, 3)), ((1, 3), (4, 3)),
                               ((3,), (5, 3)), ((2, 0), (2, 0))]))
def test_vecdot_matches_numpy(dtype, seed, axis, shapes):
    s1, s2 = shapes
    if -axis > min(len(s1), len(s2)) or s1[axis] != s2[axis]:
        axis = -1
    a, b = np_values(s1, dtype, seed), np_values(s2, dtype, seed + 1)
    expected = np.vecdot(a, b, axis=axis).astype(a.dtype)
    out = xp.vecdot(xp.asarray(a), xp.asarray(b), axis=axis)
    if dtype.startswith(("int", "uint")):
        assert_array_equal(out, expected)
    else:
        assert_close(out, expected, atol=tol("float32", a) * 10)


def test_vecdot_conjugates_the_first_argument():
    out = la.vecdot(xp.asarray([1j, 2j, 3j]), xp.asarray([1, 2j, 3]))
    assert complex(out) == 4 - 10j


# --- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc", [
    (lambda: la.svd(xp.ones((2, 2), dtype=xp.int32)), TypeError),
    (lambda: la.inv(xp.ones((2, 3))), ValueError),
    (lambda: la.det(xp.ones((3,))), ValueError),
    (lambda: la.qr(xp.ones((2, 2)), mode="r"), ValueError),
    (lambda: la.matrix_norm(xp.ones((2, 2)), ord=3), ValueError),
    (lambda: la.vector_norm(xp.ones((2, 2)), ord="fro"), TypeError),
    (lambda: la.matrix_power(xp.ones((2, 2)), 1.5), TypeError),
    (lambda: la.solve(xp.ones((2, 2)), xp.ones((3,))), ValueError),
    (lambda: la.solve(xp.ones((2, 2, 2)), xp.ones((3, 2, 1))), ValueError),
    (lambda: la.cross(xp.ones((3,)), xp.ones((4,))), ValueError),
    (lambda: la.cross(xp.ones((3,)), xp.ones((3,)), axis=0), ValueError),
    (lambda: la.cross(xp.ones((2, 3)), xp.ones((3,)), axis=-2), IndexError),
    (lambda: la.outer(xp.ones((2, 2)), xp.ones((2,))), ValueError),
    (lambda: la.outer(xp.ones((2,), dtype=xp.bool), xp.ones((2,))), TypeError),
    (lambda: xp.tensordot(xp.ones((2, 3)), xp.ones((2, 3)), axes=1), ValueError),
    (lambda: xp.tensordot(xp.ones((2, 3)), xp.ones((3, 2)), axes=-1), ValueError),
    (lambda: xp.tensordot(xp.ones((2, 3)), xp.ones((3, 2)), axes=((5,), (0,))), IndexError),
    (lambda: xp.tensordot(xp.ones((2, 3)), xp.ones((3, 2)), axes=((1,), (0, 1))), ValueError),
    (lambda: xp.tensordot(xp.ones((2, 3)), xp.ones((3, 2)), axes="x"), TypeError),
    (lambda: xp.vecdot(xp.ones((2, 3)), xp.ones((2, 4))), ValueError),
    (lambda: xp.vecdot(xp.ones((2, 3)), xp.ones((2, 3)), axis=0), ValueError),
    (lambda: xp.vecdot(xp.ones((3,)), xp.ones((2, 3)), axis=-2), IndexError),
    (lambda: la.pinv(xp.ones((2, 2)), rtol=xp.ones((3,))), ValueError),
    (lambda: la.matrix_rank(xp.ones((2, 2)), rtol=xp.ones((), dtype=xp.int32)), TypeError),
    (lambda: la.diagonal(xp.ones((2,))), ValueError),
])
def test_invalid_input_raises_spec_errors(call, exc):
    with pytest.raises(exc):
        call()


# --- robustness: non-finite and empty input ---------------------------------------------

NAN_CASES = {
    "svd": lambda x: la.svd(x),
    "svdvals": la.svdvals,
    "eigh": la.eigh,
    "eigvalsh": la.eigvalsh,
    "eig": la.eig,
    "eigvals": la.eigvals,
    "inv": la.inv,
    "pinv": la.pinv,
    "cholesky": la.cholesky,
    "det": la.det,
    "slogdet": la.slogdet,
    "solve": lambda x: la.solve(x, x),
    "matrix_norm": lambda x: la.matrix_norm(x, ord=2),
}


@pytest.mark.parametrize("dtype", FLOAT)
@pytest.mark.parametrize("bad", [math.nan, math.inf])
@pytest.mark.parametrize("name", sorted(NAN_CASES))
def test_non_finite_matrices_give_nan_not_a_crash(dtype, bad, name):
    # Note: raw MLX raises at evaluation (svd), returns invented values (eigh) or
    # ends the process through LAPACK's xerbla (eig of NaN).
    a = np.stack([np.eye(2) * 2, [[bad, 1.0], [1.0, 1.0]]]).astype(np_dtype(dtype))
    out = NAN_CASES[name](xpa(a, dtype))
    for part in out if isinstance(out, tuple) else (out,):
        values = to_numpy(part)
        assert np.isfinite(values[0]).all()
        if name in ("det", "slogdet") and math.isinf(bad):
            continue  # LU carries infinities as NumPy does: det([[inf, 1], [1, 1]]) = inf
        assert np.isnan(values[1]).all(), (name, values[1])


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0), (0, 3, 3)])
def test_empty_square_matrices(shape):
    z = xp.zeros(shape)
    batch = shape[:-2]
    one = np.ones(batch, np.float32)
    assert_array_equal(la.det(z), one if shape[-1] == 0 else np.zeros(batch, np.float32))
    assert la.inv(z).shape == shape and la.cholesky(z).shape == shape
    assert la.eigh(z).eigenvalues.shape == shape[:-1]
    assert la.matrix_power(z, -3).shape == shape
    sign, logabs = la.slogdet(z)
    assert sign.shape == logabs.shape == batch


@pytest.mark.parametrize("shape", [(3, 0), (0, 3), (2, 0, 4)])
def test_empty_rectangular_matrices(shape):
    z = xp.zeros(shape)
    *batch, m, n = shape
    k = min(m, n)
    U, S, Vh = la.svd(z)
    assert_array_equal(U, np.broadcast_to(np.eye(m, dtype=np.float32), (*batch, m, m)))
    assert S.shape == (*batch, k)
    assert_array_equal(Vh, np.broadcast_to(np.eye(n, dtype=np.float32), (*batch, n, n)))
    Q, R = la.qr(z, mode="complete")
    assert Q.shape == (*batch, m, m) and R.shape == (*batch, m, n)
    assert la.pinv(z).shape == (*batch, n, m)
    assert_array_equal(la.matrix_rank(z), np.zeros(batch, np.int32))


# --- devices, laziness, compiled composites ---------------------------------------------

@pytest.mark.parametrize("device", xp.__array_namespace_info__().devices(), ids=str)
def test_results_stay_on_the_input_device(device):
    x = xp.asarray(hermitian_pd((2, 3, 3), "float32", 1), device=device)
    outs = [*la.svd(x), *la.qr(x), *la.eigh(x), la.inv(x), la.cholesky(x), la.det(x),
            la.pinv(x), la.solve(x, x), la.matrix_norm(x, ord=2), *la.eig(x)]
    for out in outs:
        assert out.device == device
    np.testing.assert_allclose(to_numpy(la.inv(x)), np.linalg.inv(to_numpy(x)), atol=1e-5)


def test_linalg_is_lazy():
    x = xp.asarray(hermitian_pd((2, 4, 4), "float32", 2))
    c = xp.asarray(hermitian_pd((4, 4), "complex64", 2))
    _lazy.reset()
    outs = [*la.svd(x), la.inv(x), la.solve(x, x), *la.slogdet(x), la.pinv(x), *la.qr(c),
            la.cholesky(c), la.det(c), la.vector_norm(x), la.matrix_norm(x, ord="nuc")]
    assert _lazy.counts() == {}
    xp.eval(*outs)
    assert _lazy.counts() == {"explicit": 1}


def test_composites_reuse_compiled_kernels():
    x = xp.asarray(random((3, 4), "float32", 5))
    la.vector_norm(x, ord=3)
    la.pinv(x)
    before = _compile.info()["hits"]
    xp.eval(la.vector_norm(x, ord=3), la.pinv(x))
    assert _compile.info()["hits"] >= before + 3  # vector_norm, svd guard, pinv tail


@pytest.mark.parametrize("ord_", [2**70, 2**40, -2**70, -2**63])
def test_vector_norm_with_a_huge_integer_ord(ord_):
    """(found by tools/fuzz: ord=-2**70 reached MLX's power as a C++ int: std::bad_cast)
    A huge positive ord approaches the largest magnitude, as the limit of p-norms."""
    a = np.array([[3.0, 4.0], [1e-3, 2.0]], dtype=np.float32)
    got = xp.linalg.vector_norm(xp.asarray(a), axis=1, ord=ord_)
    assert got.shape == (2,) and got.dtype == xp.float32
    if ord_ > 0:
        assert_close(got, np.abs(a).max(axis=1))


def test_factorizations_of_no_matrices_with_a_huge_side():
    """(tools/fuzz, seed 20261211: qr of shape (2, 0, 2**31 - 1, 3) crashed at evaluation)"""
    q, r = xp.linalg.qr(xp.zeros((2, 0, 2**31 - 1, 3)))
    assert np.asarray(q).shape == (2, 0, 2**31 - 1, 3)
    assert np.asarray(r).shape == (2, 0, 3, 3)
    u, s, vh = xp.linalg.svd(xp.zeros((0, 2**31 - 1, 3)), full_matrices=False)
    assert np.asarray(u).shape == (0, 2**31 - 1, 3)
