"""The linear algebra extension (``xp.linalg``) of the standard, over MLX.

Every function maps over the leading (batch) dimensions. What differs from
MLX's own ``mx.linalg`` (each marked ``# Note:`` where it happens):

* factorizations run on MLX's CPU stream whatever the array's device (MLX has
  them nowhere else); results carry the input's device;
* float16 and bfloat16 are computed in float32 and returned in the input
  dtype; float64 works on the CPU device; complex64 works everywhere, through
  our own kernels where MLX's LAPACK wrappers take real matrices only;
* results are NaN, never a crash or a deferred error, for input LAPACK cannot
  handle: non-finite matrices, singular matrices in ``inv``/``solve``, matrices
  that are not positive definite in ``cholesky`` (see docs/linalg.md);
* empty matrices never reach LAPACK (MLX's ``inv`` of a 0x0 matrix kills the
  process with SIGFPE).
"""

from __future__ import annotations

import builtins
import math
import numbers
from typing import TYPE_CHECKING, Literal, NamedTuple

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import CPU, check_dtype_on_device
from .._array.devices import default_int as _default_int
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from .._runtime import memory as _memory
from . import linalg_kernels as _k
from .linear_algebra import (
    check_broadcast,
    matmul,
    matrix_transpose,
    negative_axis,
    tensordot,
    vecdot,
)
from .statistical import _check_keepdims

if TYPE_CHECKING:
    from .._array.array import Array
    from .._array.dtypes import DType

__all__ = [
    "EigResult", "EighResult", "QRResult", "SVDResult", "SlogdetResult",
    "cholesky", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv",
    "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "outer",
    "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensordot", "trace", "vecdot",
    "vector_norm",
]


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class EigResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


_CPU = mx.cpu
# Note: the complex factorizations written as MLX graphs run where MLX's own
# factorizations do, on the CPU (they are matmul-heavy loops; MLX's GPU
# complex support is partial).
_FACTOR_DEV = CPU
_HALF = frozenset((_d.float16, _d.bfloat16))
_NUMERIC = _d.CATEGORIES["numeric"]
_REAL_FLOATING = _d.CATEGORIES["real-valued floating-point"]
_EPS = {_d.float16: 2.0**-10, _d.bfloat16: 2.0**-7, _d.float32: 2.0**-23, _d.float64: 2.0**-52}


# --- helpers -----------------------------------------------------------------

def _real(dt: DType) -> DType:
    """The real dtype of the same precision (``complex64`` -> ``float32``)."""
    return _d.float32 if dt is _d.complex64 else dt


def _matrices(name: str, x, square: bool = False):
    """Validate a stack of floating-point matrices: ``(mx array, dtype, device)``.

    The MLX array is in the dtype computations use (float32 for the half types).
    """
    x = _core.check_category(name, _convert.array(name, x), "floating-point")
    shape = tuple(x._array.shape)
    if len(shape) < 2:
        raise ValueError(f"{name}: x must have at least two dimensions, got shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"{name}: x must be a stack of square matrices, got shape {shape}")
    a = x._array
    if x._dtype in _HALF:
        # Note: MLX's factorizations take float32, float64 and complex64 only;
        # the half types are computed in float32 and cast back.
        a = a.astype(mx.float32, stream=x._device._s)
    return a, x._dtype, x._device


def _new(arr: mx.array, dt: DType, dev) -> Array:
    return _core.new(arr, dt, dev)


def _zeros(shape, dt: DType, dev) -> Array:
    return _new(mx.zeros(tuple(shape), dtype=dt._mx, stream=dev._s), dt, dev)


def _eyes(batch, m: int, n: int, dt: DType, dev) -> Array:
    """A stack of ``m x n`` identity matrices."""
    if 0 in batch:
        # Note: no matrix at all; MLX's eye of a huge side (2**31 rows) crashes when
        # evaluated, even broadcast to nothing.
        return _new(mx.zeros((*batch, m, n), dtype=dt._mx, stream=dev._s), dt, dev)
    eye = mx.eye(m, n, dtype=dt._mx, stream=dev._s)
    return _new(mx.broadcast_to(eye, (*batch, m, n), stream=dev._s), dt, dev)


def _guard(a: mx.array, dev):
    return _compile.run("linalg_guard", _k.guard, dev, a)


def _rtol(name: str, rtol, rdt: DType, m: int, n: int, batch, dev) -> mx.array:
    """The relative tolerance as an MLX array of the computation's real dtype."""
    cdt = _d.float64 if rdt is _d.float64 else _d.float32
    if rtol is None:
        return mx.array(builtins.max(m, n) * _EPS[rdt], dtype=cdt._mx)
    if isinstance(rtol, _core.Array):
        if rtol._dtype not in _REAL_FLOATING:
            _core.bad_dtype(name, "real-valued floating-point", rtol._dtype)
        if rtol._device != dev:
            raise ValueError(f"{name}: rtol is on device {rtol._device}, x on {dev}")
        try:
            fits = mx.broadcast_shapes(tuple(rtol._array.shape), tuple(batch)) == tuple(batch)
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"{name}: rtol of shape {tuple(rtol._array.shape)} does not "
                             f"broadcast to the stack shape {tuple(batch)}")
        return rtol._array.astype(cdt._mx, stream=dev._s)
    rtol = _args.check_real(name, rtol, "rtol")
    return mx.array(float(rtol), dtype=cdt._mx)


# --- factorizations -------------------------------------------------------------

def cholesky(x: Array, /, *, upper: bool = False) -> Array:
    """Cholesky factor of symmetric (Hermitian) positive-definite matrices.

    Args:
        x: stack of square matrices; only the lower triangle is read.
        upper: return the upper factor ``U`` (``x = U^H U``) instead of ``L``.

    Returns:
        The factor; NaN for a matrix that is not positive definite or not finite.
    """
    a, dt, dev = _matrices("cholesky", x, square=True)
    upper = _args.check_bool("cholesky", upper, "upper")
    if a.size == 0:
        return _zeros(a.shape, dt, dev)
    a, ok = _guard(a, dev)
    if dt is _d.complex64:
        fac = _compile.run("cholesky_complex", _k.cholesky_complex, _FACTOR_DEV, a,
                           static=(upper,))
    else:
        fac = mx.linalg.cholesky(a, upper=upper, stream=_CPU)
    out = _compile.run("cholesky_tail", _k.cholesky_tail, dev, fac, ok, static=(upper, dt))
    return _new(out, dt, dev)


def qr(x: Array, /, *, mode: Literal["reduced", "complete"] = "reduced") -> QRResult:
    """QR decomposition ``x = Q R`` (``mode`` ``'reduced'`` or ``'complete'``).

    ``R``'s diagonal is real, for complex input too.
    """
    if _args.check_str("qr", mode, "mode") not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    a, dt, dev = _matrices("qr", x)
    complete = mode == "complete"
    *batch, m, n = a.shape
    k = builtins.min(m, n)
    rows = m if complete else k
    if a.size == 0:
        return QRResult(_eyes(batch, m, rows, dt, dev), _zeros((*batch, rows, n), dt, dev))
    if dt is _d.complex64:
        q, r = _compile.run("qr_complex", _k.qr_complex, _FACTOR_DEV, a, static=(complete,))
        return QRResult(_new(q, dt, dev), _new(r, dt, dev))
    if complete and m > n:
        # Note: MLX's qr has no complete mode. Factoring [x | I] gives the full
        # M x M Q, and R's first N columns are x's complete R.
        eye = mx.broadcast_to(mx.eye(m, dtype=a.dtype, stream=dev._s), (*batch, m, m))
        a = mx.concatenate([a, eye], axis=-1, stream=dev._s)
    q, r = mx.linalg.qr(a, stream=_CPU)
    q, r = _compile.run("qr_real_tail", _k.qr_real_tail, dev, q, r, static=(n, dt))
    return QRResult(_new(q, dt, dev), _new(r, dt, dev))


def svd(x: Array, /, *, full_matrices: bool = True) -> SVDResult:
    """Singular value decomposition ``x = U diag(S) Vh``, singular values descending."""
    a, dt, dev = _matrices("svd", x)
    full = _args.check_bool("svd", full_matrices, "full_matrices")
    rdt = _real(dt)
    *batch, m, n = a.shape
    k = builtins.min(m, n)
    if a.size == 0:
        return SVDResult(_eyes(batch, m, m if full else k, dt, dev), _zeros((*batch, k), rdt, dev),
                         _eyes(batch, n if full else k, n, dt, dev))
    # Note: MLX computes the full U (m, m) and Vh (n, n) whatever full_matrices says: a
    # (1, 65535) float64 matrix asked for 34 GB and crashed; past the limit, MemoryError.
    for side in (m, n):
        _memory.check_shape("svd", (*batch, side, side), a.dtype.size, _d.dtype_name(dt))
    a, ok = _guard(a, dev)
    u, s, vh = mx.linalg.svd(a, stream=_CPU)
    u, s, vh = _compile.run("svd_tail", _k.svd_tail, dev, u, s, vh, ok, static=(full, dt, rdt))
    return SVDResult(_new(u, dt, dev), _new(s, rdt, dev), _new(vh, dt, dev))


def _svdvals(a: mx.array, dev):
    """Singular values and the finiteness mask, for non-empty ``a``."""
    a, ok = _guard(a, dev)
    return mx.linalg.svd(a, compute_uv=False, stream=_CPU), ok


def svdvals(x: Array, /) -> Array:
    """Singular values, descending."""
    a, dt, dev = _matrices("svdvals", x)
    rdt = _real(dt)
    *batch, m, n = a.shape
    if a.size == 0:
        return _zeros((*batch, builtins.min(m, n)), rdt, dev)
    s, ok = _svdvals(a, dev)
    return _new(_compile.run("vals_tail", _k.vals_tail, dev, s, ok, static=(rdt,)), rdt, dev)


def eigh(x: Array, /) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of symmetric (Hermitian) matrices.

    Only the lower triangle is read.
    """
    a, dt, dev = _matrices("eigh", x, square=True)
    rdt = _real(dt)
    if a.size == 0:
        return EighResult(_zeros(a.shape[:-1], rdt, dev), _zeros(a.shape, dt, dev))
    a, ok = _guard(a, dev)
    w, v = mx.linalg.eigh(a, stream=_CPU)
    w, v = _compile.run("eigh_tail", _k.eigh_tail, dev, w, v, ok, static=(dt, rdt))
    return EighResult(_new(w, rdt, dev), _new(v, dt, dev))


def eigvalsh(x: Array, /) -> Array:
    """Eigenvalues (ascending) of symmetric (Hermitian) matrices."""
    a, dt, dev = _matrices("eigvalsh", x, square=True)
    rdt = _real(dt)
    if a.size == 0:
        return _zeros(a.shape[:-1], rdt, dev)
    a, ok = _guard(a, dev)
    w = mx.linalg.eigvalsh(a, stream=_CPU)
    return _new(_compile.run("vals_tail", _k.vals_tail, dev, w, ok, static=(rdt,)), rdt, dev)


def eig(x: Array, /) -> EigResult:
    """Eigenvalues and eigenvectors of general square matrices, as complex64.

    Note: the standard asks for complex128 from float64 input; MLX has no
    complex128, so every input gives complex64.
    """
    a, dt, dev = _matrices("eig", x, square=True)
    c = _d.complex64
    if a.size == 0:
        return EigResult(_zeros(a.shape[:-1], c, dev), _zeros(a.shape, c, dev))
    a, ok = _guard(a, dev)
    w, v = mx.linalg.eig(a, stream=_CPU)
    w, v = _compile.run("eig_tail", _k.eig_tail, dev, w, v, ok, static=(dt is c,))
    return EigResult(_new(w, c, dev), _new(v, c, dev))


def eigvals(x: Array, /) -> Array:
    """Eigenvalues of general square matrices, as complex64 (see :func:`eig`)."""
    a, _, dev = _matrices("eigvals", x, square=True)
    c = _d.complex64
    if a.size == 0:
        return _zeros(a.shape[:-1], c, dev)
    a, ok = _guard(a, dev)
    w = mx.linalg.eigvals(a, stream=_CPU)
    return _new(_compile.run("vals_tail", _k.vals_tail, dev, w, ok, static=(c,)), c, dev)


# --- determinants, inverse, solve -------------------------------------------------------

def slogdet(x: Array, /) -> SlogdetResult:
    """Sign and natural log of the absolute value of the determinant.

    A singular matrix gives ``(0, -inf)``.
    """
    a, dt, dev = _matrices("slogdet", x, square=True)
    rdt = _real(dt)
    batch = a.shape[:-2]
    if a.size == 0:
        if a.shape[-1] == 0:  # the empty product
            return SlogdetResult(_new(mx.ones(batch, dtype=dt._mx), dt, dev),
                                 _zeros(batch, rdt, dev))
        return SlogdetResult(_zeros(batch, dt, dev), _zeros(batch, rdt, dev))
    if dt is _d.complex64:
        sign, logabs = _compile.run("slogdet_complex", _k.slogdet_complex, _FACTOR_DEV, a)
    else:
        # Note: MLX's slogdet takes the log of the determinant, which underflows
        # (diag(1e-30, 1e-30) gives -inf); the log is summed over the LU pivots here.
        lu, piv = mx.linalg.lu_factor(a, stream=_CPU)
        sign, logabs = _compile.run("slogdet_real_tail", _k.slogdet_real_tail, dev, lu, piv,
                                    static=(dt,))
    return SlogdetResult(_new(sign, dt, dev), _new(logabs, rdt, dev))


def det(x: Array, /) -> Array:
    """Determinant of square matrices."""
    a, dt, dev = _matrices("det", x, square=True)
    batch = a.shape[:-2]
    if a.size == 0:
        fill = mx.ones if a.shape[-1] == 0 else mx.zeros
        return _new(fill(batch, dtype=dt._mx), dt, dev)
    if dt is _d.complex64:
        out = _compile.run("det_complex", _k.det_complex, _FACTOR_DEV, a)
    else:
        lu, piv = mx.linalg.lu_factor(a, stream=_CPU)
        out = _compile.run("det_real_tail", _k.det_real_tail, dev, lu, piv, static=(dt,))
    return _new(out, dt, dev)


def _invertible(a: mx.array, dev, transposed: bool = False):
    """``(a_safe, ok)`` for the real matrices ``a``: ``ok`` where finite and not singular.

    ``transposed``: judge by the factorization of ``a``'s transpose, which is what MLX's
    ``inv`` factorizes (LAPACK reads the row-major matrix as column-major).
    """
    a, ok = _guard(a, dev)
    # Note: rounding can make one of LU(a) and LU(a.T) exactly singular and not the
    # other: MLX's inv then raised "LU factorization failed" at evaluation for a
    # matrix LU(a) had passed (the fuzzer found one with entries 4e16 and 3e-88).
    lu, piv = mx.linalg.lu_factor(mx.swapaxes(a, -1, -2, stream=_CPU) if transposed else a,
                                  stream=_CPU)
    return _compile.run("singular_guard", _k.singular_guard, dev, a, lu, ok)


def _inv_mx(a: mx.array, dt: DType, dev) -> mx.array:
    """Inverse of non-empty square ``a`` (computation dtype), NaN where singular."""
    n = a.shape[-1]
    cplx = dt is _d.complex64
    if cplx:
        a = _compile.run("linalg_embed", _k.embed, dev, a)
    a, ok = _invertible(a, dev, transposed=True)
    inv_a = mx.linalg.inv(a, stream=_CPU)
    return _compile.run("inv_tail", _k.inv_tail, dev, inv_a, ok,
                        static=(n if cplx else None, dt))


def inv(x: Array, /) -> Array:
    """Inverse of square matrices; all-NaN for a singular (or non-finite) matrix."""
    a, dt, dev = _matrices("inv", x, square=True)
    if a.size == 0:
        return _zeros(a.shape, dt, dev)
    return _new(_inv_mx(a, dt, dev), dt, dev)


def solve(x1: Array, x2: Array, /) -> Array:
    """Solution ``X`` of ``x1 @ X = x2``; NaN for a singular (or non-finite) ``x1``.

    ``x2`` of shape ``(M,)`` is one right-hand side for every matrix of ``x1``;
    otherwise ``x2`` is ``(..., M, K)`` and the stack shapes broadcast.
    """
    x1, x2 = _convert.array("solve", x1), _convert.array("solve", x2)
    for x in (x1, x2):
        _core.check_category("solve", x, "floating-point")
    a, b, dt, dev = _core.prep_binary("solve", x1, x2, _d.CATEGORIES["floating-point"],
                                      "floating-point")
    s = dev._s
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"solve: x1 must be a stack of square matrices, got shape "
                         f"{tuple(a.shape)}")
    n = a.shape[-1]
    vector = b.ndim == 1
    if b.ndim == 0 or b.shape[-2 if not vector else 0] != n:
        raise ValueError(f"solve: x2 of shape {tuple(b.shape)} does not match x1 of shape "
                         f"{tuple(a.shape)}")
    if vector:
        batch = tuple(a.shape[:-2])
        b = mx.broadcast_to(b[:, None], (*batch, n, 1), stream=s)
    else:
        try:
            batch = tuple(mx.broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2])))
        except ValueError:
            raise ValueError(f"solve: stack shapes of x1 {tuple(a.shape)} and x2 "
                             f"{tuple(b.shape)} do not broadcast") from None
        a = mx.broadcast_to(a, (*batch, n, n), stream=s)
        b = mx.broadcast_to(b, (*batch, *b.shape[-2:]), stream=s)
    out_shape = (*batch, n) if vector else tuple(b.shape)
    if a.size == 0 or b.size == 0:
        return _zeros(out_shape, dt, dev)
    if dt in _HALF:
        # Note: computed in float32, as the factorizations (MLX has no half LAPACK).
        a = a.astype(mx.float32, stream=s)
        b = b.astype(mx.float32, stream=s)
    cplx = dt is _d.complex64
    if cplx:
        # Note: MLX's solve is real only; the embedded real system is exact.
        a = _compile.run("linalg_embed", _k.embed, dev, a)
        b = _compile.run("solve_rhs", _k.solve_rhs, dev, b, static=(True,))
    a, ok = _invertible(a, dev)
    sol = mx.linalg.solve(a, b, stream=_CPU)
    out = _compile.run("solve_tail", _k.solve_tail, dev, sol, ok,
                       static=(n if cplx else None, vector, dt))
    return _new(out, dt, dev)


def matrix_power(x: Array, n: int, /) -> Array:
    """``x`` raised to the integer power ``n`` (``n < 0`` inverts first)."""
    n = _args.check_int("matrix_power", n, "n")
    a, dt, dev = _matrices("matrix_power", x, square=True)
    *batch, m, _ = a.shape
    if n == 0:
        return _eyes(batch, m, m, dt, dev)
    if a.size == 0:
        return _zeros(a.shape, dt, dev)
    if n < 0:
        a = _inv_mx(a, _d.float32 if dt in _HALF else dt, dev)
    out = _compile.run("matrix_power", _k.matrix_power, dev, a, static=(builtins.abs(n), dt))
    return _new(out, dt, dev)


def pinv(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Moore-Penrose pseudo-inverse; singular values ``<= rtol * max(S)`` count as zero.

    ``rtol`` defaults to ``max(M, N) * eps`` of ``x``'s (real) dtype.
    """
    a, dt, dev = _matrices("pinv", x)
    *batch, m, n = a.shape
    tol = _rtol("pinv", rtol, _real(dt), m, n, batch, dev)
    if a.size == 0:
        return _zeros((*batch, n, m), dt, dev)
    # Note: MLX computes the full U (m, m) and Vh (n, n) whatever full_matrices says: a
    # (1, 65535) float64 matrix asked for 34 GB and crashed; past the limit, MemoryError.
    for side in (m, n):
        _memory.check_shape("svd", (*batch, side, side), a.dtype.size, _d.dtype_name(dt))
    a, ok = _guard(a, dev)
    u, s, vh = mx.linalg.svd(a, stream=_CPU)
    out = _compile.run("pinv_tail", _k.pinv_tail, dev, u, s, vh, ok, tol, static=(dt,))
    return _new(out, dt, dev)


def matrix_rank(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Number of singular values above ``rtol * max(S)`` (default int dtype)."""
    a, dt, dev = _matrices("matrix_rank", x)
    *batch, m, n = a.shape
    tol = _rtol("matrix_rank", rtol, _real(dt), m, n, batch, dev)
    idt = _default_int(dev)
    if a.size == 0:
        return _zeros(batch, idt, dev)
    s, ok = _svdvals(a, dev)
    return _new(_compile.run("rank_tail", _k.rank_tail, dev, s, ok, tol, static=(idt,)),
                idt, dev)


# --- norms -------------------------------------------------------------------------------

_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def matrix_norm(x: Array, /, *, keepdims: bool = False,
                ord: int | float | str | None = "fro") -> Array:  # noqa: A002
    """Matrix norms: ``'fro'``, ``'nuc'``, 1, -1, 2, -2, inf, -inf (see the standard's table).

    The result has the real dtype of ``x``'s precision. Every norm of an empty
    matrix is 0.
    """
    if ord is None:
        ord = "fro"  # noqa: A001
    if not isinstance(ord, (numbers.Real, str)):
        # (an array or tensor compared with the table would answer with an array)
        raise TypeError(f"matrix_norm: ord must be an int, a float or a str, got "
                        f"{type(ord).__name__}")
    if isinstance(ord, builtins.bool) or ord not in _MATRIX_ORDS:
        raise ValueError(f"matrix_norm: ord must be one of 'fro', 'nuc', 1, -1, 2, -2, inf, "
                         f"-inf; got {ord!r}")
    if not isinstance(ord, str):
        ord = int(ord) if math.isfinite(ord) else float(ord)  # noqa: A001
    a, dt, dev = _matrices("matrix_norm", x)
    rdt = _real(dt)
    keepdims = _check_keepdims("matrix_norm", keepdims)
    *batch, m, n = a.shape
    out_shape = (*batch, 1, 1) if keepdims else tuple(batch)
    if a.size == 0:
        return _zeros(out_shape, rdt, dev)
    if ord in ("nuc", 2, -2):
        s, ok = _svdvals(a, dev)
        out = _compile.run("matrix_norm_sv", _k.matrix_norm_sv, dev, s, ok,
                           static=(ord, keepdims, rdt))
    else:
        out = _compile.run("matrix_norm", _k.matrix_norm_elementwise, dev, a,
                           static=(ord, keepdims, rdt))
    return _new(out, rdt, dev)


def vector_norm(x: Array, /, *, axis: int | tuple[int, ...] | None = None,
                keepdims: bool = False, ord: int | float = 2) -> Array:  # noqa: A002
    """Vector p-norms over ``axis`` (all axes by default), as the standard's table.

    The result has the real dtype of ``x``'s precision. Large values do not
    overflow where the norm itself is representable.
    """
    x = _core.check_category("vector_norm", _convert.array("vector_norm", x), "floating-point")
    ord = _args.check_real("vector_norm", ord, "ord")  # noqa: A001
    if math.isnan(ord):
        raise ValueError("vector_norm: ord must not be NaN")
    # (A float for infinities, and for ints past 32 bits: MLX's power takes a Python int
    # as a C++ int, std::bad_cast beyond 64 bits.)
    ord = float(ord) if math.isinf(ord) or builtins.abs(ord) > 2**31 else ord  # noqa: A001
    keepdims = _check_keepdims("vector_norm", keepdims)
    dt, dev = x._dtype, x._device
    rdt = _real(dt)
    a = x._array
    ndim = a.ndim
    axes = _args.check_axes("vector_norm", axis, ndim)
    if axes is None:
        axes = tuple(range(ndim))
    if ndim == 0:  # a 0-D array is one vector of one element
        a = mx.reshape(a, (1,), stream=dev._s)
        axes = (0,)
    shape = tuple(x._array.shape)
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(shape)) if keepdims else \
        tuple(d for i, d in enumerate(shape) if i not in axes)
    if builtins.any(a.shape[i] == 0 for i in axes):
        if math.isinf(ord):
            raise ValueError(f"vector_norm: ord={ord} of an empty vector (no maximum or "
                             "minimum)")
        fill = math.inf if ord < 0 else 0.0
        return _new(mx.full(out_shape, fill, dtype=rdt._mx, stream=dev._s), rdt, dev)
    if dt in _HALF:
        a = a.astype(mx.float32, stream=dev._s)
    out = _compile.run("vector_norm", _k.vector_norm, dev, a,
                       static=(tuple(axes), keepdims, ord, rdt))
    if ndim == 0:
        out = mx.reshape(out, (), stream=dev._s)
    return _new(out, rdt, dev)


# --- the rest ------------------------------------------------------------------------------

def _diagonal_length(offset: int, m: int, n: int) -> int:
    return builtins.max(0, builtins.min(m, n - offset) if offset >= 0 else
                        builtins.min(m + offset, n))


def diagonal(x: Array, /, *, offset: int = 0) -> Array:
    """The ``offset``-th diagonal of each matrix (any dtype)."""
    x = _convert.array("diagonal", x)
    offset = _args.check_int("diagonal", offset, "offset")
    a = x._array
    if a.ndim < 2:
        raise ValueError(f"diagonal: x must have at least two dimensions, got shape "
                         f"{tuple(a.shape)}")
    *batch, m, n = a.shape
    if _diagonal_length(offset, m, n) == 0:
        # Note: an empty mx.diagonal (an offset past the matrix) is a view that
        # MLX's reductions can loop on forever; an empty diagonal is built here.
        return _zeros((*batch, 0), x._dtype, x._device)
    out = mx.diagonal(a, offset, -2, -1, stream=x._device._s)
    return _new(out, x._dtype, x._device)


# trace's default result dtypes: small integers accumulate in the default integer
# dtype (int32) or its unsigned counterpart.
_TRACE_DEFAULT = {_d.int8: _d.int32, _d.int16: _d.int32, _d.uint8: _d.uint32,
                  _d.uint16: _d.uint32}


def _trace(a, k: int, dt: DType):
    d = mx.diagonal(a, k, -2, -1)
    if dt in _HALF:  # accumulate in float32
        return mx.sum(d.astype(mx.float32), axis=-1).astype(dt._mx)
    return mx.sum(d.astype(dt._mx), axis=-1).astype(dt._mx)


def trace(x: Array, /, *, offset: int = 0, dtype: DType | None = None) -> Array:
    """Sum of the ``offset``-th diagonal of each matrix.

    Args:
        dtype: the result dtype; by default ``x``'s, except that int8/int16 give
            int32 and uint8/uint16 give uint32. ``x`` is cast to it before summing.
    """
    x = _core.check_category("trace", _convert.array("trace", x), "numeric")
    offset = _args.check_int("trace", offset, "offset")
    a = x._array
    if a.ndim < 2:
        raise ValueError(f"trace: x must have at least two dimensions, got shape "
                         f"{tuple(a.shape)}")
    dev = x._device
    if dtype is None:
        dt = _TRACE_DEFAULT.get(x._dtype, x._dtype)
    else:
        dt = _d.as_dtype(dtype)
        if dt is None:
            raise TypeError(f"trace: {dtype!r} is not a tmath_array dtype")
        if dt not in _NUMERIC:
            _core.bad_dtype("trace", "numeric", dt)
        if x._dtype is _d.complex64 and dt is not _d.complex64:
            raise TypeError(f"trace: cannot sum complex64 values as {_core.dtype_name(dt)}")
        check_dtype_on_device(dt, dev, "trace")
    *batch, m, n = a.shape
    if _diagonal_length(offset, m, n) == 0 or a.size == 0:  # the empty sum (see diagonal)
        return _zeros(batch, dt, dev)
    out = _compile.run("trace", _trace, dev, a, static=(offset, dt))
    return _new(out, dt, dev)


def outer(x1: Array, x2: Array, /) -> Array:
    """Outer product of two vectors: ``out[i, j] = x1[i] * x2[j]``."""
    x1, x2 = _convert.array("outer", x1), _convert.array("outer", x2)
    for x in (x1, x2):
        _core.check_category("outer", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("outer", x1, x2, _NUMERIC, "numeric")
    if a1.ndim != 1 or a2.ndim != 1:
        raise ValueError(f"outer: x1 and x2 must be one-dimensional, got shapes "
                         f"{tuple(a1.shape)} and {tuple(a2.shape)}")
    s = dev._s
    return _new(mx.multiply(a1[:, None], a2[None, :], stream=s), dt, dev)


def cross(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Cross product of 3-element vectors along ``axis`` (negative); other axes broadcast."""
    x1, x2 = _convert.array("cross", x1), _convert.array("cross", x2)
    for x in (x1, x2):
        _core.check_category("cross", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("cross", x1, x2, _NUMERIC, "numeric")
    axis = negative_axis("cross", axis, builtins.min(a1.ndim, a2.ndim))
    if a1.shape[axis] != 3 or a2.shape[axis] != 3:
        raise ValueError(f"cross: axis {axis} must have size 3 in both arrays, got shapes "
                         f"{tuple(a1.shape)} and {tuple(a2.shape)}")
    check_broadcast("cross", a1, a2)
    out = _compile.run("cross", _k.cross, dev, a1, a2, static=(axis,))
    return _new(out, dt, dev)
