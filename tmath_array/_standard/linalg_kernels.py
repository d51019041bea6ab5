"""MLX-level kernels behind the linalg extension.

Two kinds of function live here:

* pure MLX op chains (guards, tails, the complex Householder QR and Cholesky),
  written as functions of ``mx.array`` and run through ``_compile.run`` by
  ``_linalg.py``; inside them ops use the ambient stream (the array's device);
* thin wrappers around MLX's LAPACK factorizations, which MLX runs only on its
  CPU stream: they pass ``stream=mx.cpu`` whatever the array's device.

Every function takes matrices in the last two axes and maps over the leading ones.
"""

from __future__ import annotations

import math

import mlx.core as mx

CPU = mx.cpu


# --- guards -----------------------------------------------------------------

def guard(a: mx.array):
    """``(a_safe, ok)``: non-finite matrices replaced by zeros, and which were finite.

    Note: LAPACK misbehaves on non-finite input: SVD raises at evaluation (long
    after the call), eigh returns made-up eigenvalues, and eig/eigvals reach
    LAPACK's xerbla, which ends the process. Factorizations therefore see zeros
    in place of such matrices, and the caller turns their results into NaN.
    """
    ok = mx.all(mx.isfinite(a), axis=(-2, -1), keepdims=True)
    return mx.where(ok, a, mx.zeros((), dtype=a.dtype)), ok


def nan_value(dtype) -> mx.array:
    """A 0-d NaN of ``dtype`` (``nan + 0j`` for complex64).

    Note: a complex NaN constant breaks MLX's compiled CPU kernels (the generated
    C++ reads ``complex64_t(nan, 0)`` and does not build); a float32 NaN cast to
    complex64 compiles.
    """
    if dtype == mx.complex64:
        return mx.array(math.nan, dtype=mx.float32).astype(mx.complex64)
    return mx.array(math.nan, dtype=dtype)


def nan_where(x: mx.array, ok: mx.array) -> mx.array:
    """``x`` where ``ok`` (broadcast), NaN elsewhere."""
    return mx.where(ok, x, nan_value(x.dtype))


def _diag(a: mx.array) -> mx.array:
    return mx.diagonal(a, axis1=-2, axis2=-1)


def _band_mask(m: int, n: int, lower: bool) -> mx.array:
    rows = mx.arange(m)[:, None]
    cols = mx.arange(n)[None, :]
    return cols <= rows if lower else cols >= rows


def triangle(a: mx.array, lower: bool) -> mx.array:
    """The lower (or upper) triangle of ``a`` with +0.0 elsewhere."""
    m, n = a.shape[-2:]
    return mx.where(_band_mask(m, n, lower), a, mx.zeros((), dtype=a.dtype))


def ctranspose(a: mx.array) -> mx.array:
    """Conjugate transpose of the last two axes."""
    t = mx.swapaxes(a, -1, -2)
    return mx.conj(t) if a.dtype == mx.complex64 else t


# --- SVD and eigenvalue tails ------------------------------------------------

def svd_tail(u, s, vh, ok, full: bool, dt, rdt):
    """Reduce ``U``/``Vh`` when asked, NaN for non-finite inputs, cast to the result dtypes."""
    if not full:
        k = s.shape[-1]
        u = u[..., :, :k]
        vh = vh[..., :k, :]
    u = nan_where(u, ok)
    vh = nan_where(vh, ok)
    s = nan_where(s, ok[..., 0])
    return u.astype(dt._mx), s.astype(rdt._mx), vh.astype(dt._mx)


def vals_tail(w, ok, rdt):
    """Eigen- or singular values: NaN for non-finite inputs, cast to ``rdt``."""
    return nan_where(w, ok[..., 0]).astype(rdt._mx)


def eigh_tail(w, v, ok, dt, rdt):
    return nan_where(w, ok[..., 0]).astype(rdt._mx), nan_where(v, ok).astype(dt._mx)


def eig_tail(w, v, ok, conj: bool):
    """Complex eigenpairs: NaN for non-finite inputs.

    Note: for complex input, MLX 0.32's eig returns the complex conjugates of
    the right eigenvectors (``A @ conj(v) == w * conj(v)``); ``conj`` undoes it.
    """
    if conj:
        v = mx.conj(v)
    return nan_where(w, ok[..., 0]), nan_where(v, ok)


# --- Cholesky ----------------------------------------------------------------

def step_masks(n: int):
    """``(below, diag)``: ``below[k]`` is ``arange(n) >= k``, ``diag[k]`` is ``arange(n) == k``.

    Note: a loop over columns takes its masks from these tables rather than writing
    ``rows >= k``: a Python int ``k`` would be a constant of the fused kernel, and the
    CPU backend compiles (with g++, a second or more each) one kernel per constant
    value. A slice of a table is an input instead, so every step shares one kernel.
    """
    rows = mx.arange(n)
    return rows[None, :] >= rows[:, None], rows[None, :] == rows[:, None]


def cholesky_tail(fac, ok, upper: bool, dt):
    """Clean triangle (+0.0 off it) and NaN for matrices that are not positive definite.

    Note: MLX does not report LAPACK's potrf failure and returns a partial
    factor; a failure leaves a non-positive (or NaN) pivot on the diagonal,
    which is what the check looks for.
    """
    ok = ok & mx.all(mx.real(_diag(fac)) > 0, axis=-1, keepdims=True)[..., None]
    return nan_where(triangle(fac, not upper), ok).astype(dt._mx)


def cholesky_complex(a, upper: bool):
    """Lower (or upper) Cholesky factor of Hermitian positive-definite complex matrices.

    Note: MLX's cholesky takes real matrices only; this is the column-by-column
    algorithm as one MLX graph (n steps). A matrix that is not positive
    definite gets a non-positive pivot, caught by :func:`cholesky_tail`.
    """
    n = a.shape[-1]
    below, diag = step_masks(n)
    cols = []
    for j in range(n):
        v = a[..., :, j]
        if j:
            lp = mx.stack(cols, axis=-1)  # (..., n, j)
            v = v - mx.squeeze(lp @ mx.conj(lp[..., j, :])[..., None], -1)
        d = mx.sqrt(mx.real(v[..., j]))  # NaN when the pivot is negative
        # rows >= j rather than > j: row j is d, set next.
        col = mx.where(below[j], v / d[..., None].astype(v.dtype), mx.zeros((), dtype=v.dtype))
        col = mx.where(diag[j], d[..., None].astype(v.dtype), col)
        cols.append(col)
    lower = mx.stack(cols, axis=-1)
    return ctranspose(lower) if upper else lower


# --- QR ------------------------------------------------------------------------

def _scaled_norm(x, axis):
    """Euclidean norm of ``x`` along ``axis`` without overflow or underflow."""
    ax = mx.abs(x)
    m = mx.max(ax, axis=axis, keepdims=True)
    safe = mx.where((m > 0) & ~mx.isinf(m), m, mx.ones((), dtype=m.dtype))
    r = ax / safe
    return mx.squeeze(safe, axis) * mx.sqrt(mx.sum(r * r, axis=axis))


def householder_qr(a):
    """``(Q, R, flips)`` for complex (or real) matrices: complete ``Q``, ``R`` with a real diagonal.

    Note: MLX's qr takes real matrices only. This is Householder QR as one MLX
    graph (``min(M - 1, N)`` reflections), which also gives the determinant's
    sign: each reflection actually applied (``flips`` counts them) has
    determinant -1. ``R``'s diagonal is made real and non-negative by moving
    its phases into ``Q``, as LAPACK does.
    """
    m, n = a.shape[-2:]
    cdt = a.dtype
    batch = a.shape[:-2]
    q = mx.broadcast_to(mx.eye(m, dtype=cdt), (*batch, m, m))
    r = a
    flips = mx.zeros(batch, dtype=mx.int32)
    zero = mx.zeros((), dtype=cdt)
    below, diag = step_masks(m)
    for k in range(min(m - 1, n)):
        x = mx.where(below[k], r[..., :, k], zero)                       # (..., m)
        xnorm = _scaled_norm(x, -1)
        x0 = r[..., k, k]
        ax0 = mx.abs(x0)
        phase = mx.where(ax0 > 0, x0 / mx.where(ax0 > 0, ax0, 1).astype(cdt), mx.ones((), cdt))
        alpha = -phase * xnorm.astype(cdt)
        v = x - mx.where(diag[k], alpha[..., None], zero)
        vnorm = _scaled_norm(v, -1)
        active = vnorm > 0
        u = v / mx.where(active, vnorm, 1)[..., None].astype(cdt)
        u = mx.where(active[..., None], u, zero)
        # R <- H R and Q <- Q H with H = I - 2 u u^H
        r = r - 2 * u[..., :, None] * (mx.conj(u)[..., None, :] @ r)
        q = q - 2 * (q @ u[..., :, None]) * mx.conj(u)[..., None, :]
        flips = flips + active.astype(mx.int32)
    r = triangle(r, lower=False)
    return q, r, flips


def _real_diag_phases(q, r):
    """Move the phases of ``R``'s diagonal into ``Q`` (``Q D``, ``D^H R``)."""
    m, n = r.shape[-2:]
    d = _diag(r)                                          # (..., min(m, n))
    ad = mx.abs(d)
    p = mx.where(ad > 0, d / mx.where(ad > 0, ad, 1).astype(d.dtype), mx.ones((), d.dtype))
    if m > p.shape[-1]:
        p = mx.concatenate([p, mx.ones((*p.shape[:-1], m - p.shape[-1]), dtype=p.dtype)], -1)
    q = q * p[..., None, :]
    r = mx.conj(p)[..., :, None] * r
    # The diagonal is now |d|: store it exactly real.
    r = mx.where(mx.eye(m, n, dtype=mx.bool_), mx.abs(r).astype(r.dtype), r)
    return q, r


def qr_complex(a, complete: bool):
    q, r, _ = householder_qr(a)
    q, r = _real_diag_phases(q, r)
    if not complete:
        k = min(a.shape[-2:])
        q = q[..., :, :k]
        r = r[..., :k, :]
    return q, r


def qr_real_tail(q, r, n: int, dt):
    """Keep ``R``'s first ``n`` columns (see ``qr``'s complete mode) with an exact triangle."""
    r = triangle(r[..., :, :n], lower=False)
    return q.astype(dt._mx), r.astype(dt._mx)


# --- determinants ---------------------------------------------------------------

def _lu_sign_logabs(lu, piv):
    """Sign and log|det| from a packed LU factor and LAPACK-style pivots."""
    d = _diag(lu)
    n = d.shape[-1]
    swaps = mx.sum(piv != mx.arange(n, dtype=piv.dtype), axis=-1)
    parity = 1 - 2 * (swaps % 2)
    sign = parity.astype(d.dtype) * mx.prod(mx.sign(d), axis=-1) + 0  # +0.0, never -0.0
    logabs = mx.sum(mx.log(mx.abs(d)), axis=-1)
    return sign, logabs


def slogdet_real_tail(lu, piv, dt):
    sign, logabs = _lu_sign_logabs(lu, piv)
    # Note: a NaN matrix has no sign; LU gives 0 there (NumPy gives NaN too).
    sign = mx.where(mx.isnan(logabs), nan_value(sign.dtype), sign)
    return sign.astype(dt._mx), logabs.astype(dt._mx)


def det_real_tail(lu, piv, dt):
    d = _diag(lu)
    n = d.shape[-1]
    swaps = mx.sum(piv != mx.arange(n, dtype=piv.dtype), axis=-1)
    parity = (1 - 2 * (swaps % 2)).astype(d.dtype)
    return (parity * mx.prod(d, axis=-1)).astype(dt._mx)


def slogdet_complex(a):
    """Sign and log|det| of complex matrices from Householder QR (``det Q = (-1)^flips``)."""
    _, r, flips = householder_qr(a)
    d = _diag(r)
    ad = mx.abs(d)
    unit = mx.where(ad > 0, d / mx.where(ad > 0, ad, 1).astype(d.dtype), mx.zeros((), d.dtype))
    parity = (1 - 2 * (flips % 2)).astype(d.dtype)
    sign = parity * mx.prod(unit, axis=-1)
    logabs = mx.sum(mx.log(ad), axis=-1)
    sign = mx.where(mx.isnan(logabs), nan_value(d.dtype), sign)
    return sign, logabs


def det_complex(a):
    _, r, flips = householder_qr(a)
    parity = (1 - 2 * (flips % 2)).astype(a.dtype)
    return parity * mx.prod(_diag(r), axis=-1)


# --- inverse and solve --------------------------------------------------------------

def embed(a):
    """The real ``2n x 2n`` form ``[[B, -C], [C, B]]`` of complex ``A = B + iC``.

    Note: MLX's inv and solve take real matrices only. The embedding is exact:
    its inverse is the embedding of ``A``'s inverse, and it is singular exactly
    when ``A`` is.
    """
    b = mx.real(a)
    c = mx.imag(a)
    top = mx.concatenate([b, -c], axis=-1)
    bottom = mx.concatenate([c, b], axis=-1)
    return mx.concatenate([top, bottom], axis=-2)


def unembed_rows(x, n: int):
    """Complex ``X`` from the stacked real ``[Re X; Im X]`` (rows ``n`` apart)."""
    return x[..., :n, :].astype(mx.complex64) + 1j * x[..., n:, :].astype(mx.complex64)


def singular_guard(a, lu, ok):
    """``(a_safe, ok)``: exactly singular matrices replaced by the identity, ``ok`` updated.

    Note: MLX's inv and solve raise a RuntimeError at evaluation time (not at
    the call) for an exactly singular matrix. Those matrices are swapped for
    the identity before the factorization and their results become NaN.
    """
    d = _diag(lu)
    ok = ok & mx.all(d != 0, axis=-1)[..., None, None]
    n = a.shape[-1]
    return mx.where(ok, a, mx.eye(n, dtype=a.dtype)), ok


def inv_tail(x, ok, n: int | None, dt):
    if n is not None:  # the inverse of the embedding holds [Re X; Im X] in its first n columns
        x = unembed_rows(x[..., :, :n], n)
    return nan_where(x, ok).astype(dt._mx)


def solve_tail(x, ok, n: int | None, vector: bool, dt):
    if n is not None:
        x = unembed_rows(x, n)
    x = nan_where(x, ok)
    if vector:
        x = mx.squeeze(x, -1)
    return x.astype(dt._mx)


def solve_rhs(b, complex_: bool):
    """The right-hand side for the embedded system: ``[Re B; Im B]``."""
    if not complex_:
        return b
    return mx.concatenate([mx.real(b), mx.imag(b)], axis=-2)


# --- composites on singular values ------------------------------------------------------

def pinv_tail(u, s, vh, ok, rtol, dt):
    """``V diag(1/s) U^H`` keeping singular values above ``rtol * max(s)``."""
    k = s.shape[-1]
    u = u[..., :, :k]
    vh = vh[..., :k, :]
    smax = mx.max(s, axis=-1, keepdims=True)
    cutoff = rtol[..., None] * smax
    keep = s > cutoff
    inv_s = mx.where(keep, 1 / mx.where(keep, s, 1), mx.zeros((), s.dtype))
    v = ctranspose(vh) * inv_s[..., None, :].astype(vh.dtype)
    out = v @ ctranspose(u)
    return nan_where(out, ok).astype(dt._mx)


def rank_tail(s, ok, rtol, idt):
    smax = mx.max(s, axis=-1, keepdims=True)
    rank = mx.sum(s > rtol[..., None] * smax, axis=-1)
    # Note: a non-finite matrix has no rank; 0 is what a NaN comparison gives.
    return mx.where(ok[..., 0, 0], rank, 0).astype(idt._mx)


def matrix_norm_sv(s, ok, ord_, keepdims: bool, rdt):
    """``'nuc'``, 2 and -2 norms from singular values."""
    if ord_ == "nuc":
        out = mx.sum(s, axis=-1)
    elif ord_ == 2:
        out = mx.max(s, axis=-1)
    else:
        out = mx.min(s, axis=-1)
    out = nan_where(out, ok[..., 0, 0])
    if keepdims:
        out = out[..., None, None]
    return out.astype(rdt._mx)


def matrix_norm_elementwise(a, ord_, keepdims: bool, rdt):
    """``'fro'``, 1, -1, inf and -inf norms (no factorization)."""
    if ord_ == "fro":
        flat = mx.reshape(a, (*a.shape[:-2], -1))
        out = _scaled_norm(flat, -1)
    else:
        ax = mx.abs(a)
        if ord_ in (1, -1):
            sums = mx.sum(ax, axis=-2)   # column sums
        else:
            sums = mx.sum(ax, axis=-1)   # row sums
        out = mx.max(sums, axis=-1) if ord_ > 0 else mx.min(sums, axis=-1)
    if keepdims:
        out = out[..., None, None]
    return out.astype(rdt._mx)


# An ord that rounds to 0 in the dtype (x ** ord would be x ** 0 = 1 for every x, zeros too).
_SMALLEST_SUBNORMAL = {mx.float16: 5.960464477539063e-08, mx.bfloat16: 9.183549615799121e-41,
                       mx.float32: 1.401298464324817e-45, mx.complex64: 1.401298464324817e-45}


def _tiny_ord_norm(ax, axes, keepdims: bool, ord_):
    """The p-norm's limit for ``0 < |p|`` below the dtype's range: each finite nonzero term
    ``|x| ** p`` is 1, a zero's 0 (p > 0) or inf (p < 0), an inf's inf or 0; then
    ``sum ** (1/p)`` is 0, the one term's ``|x|``, or inf/0 for two or more."""
    finite = mx.isfinite(ax)
    nz = mx.sum((ax != 0) & finite, axis=axes, keepdims=keepdims)
    big = mx.max(mx.where(finite, ax, 0), axis=axes, keepdims=keepdims)  # (the one term's)
    if ord_ > 0:
        out = mx.where(nz == 0, 0.0, mx.where(nz == 1, big, math.inf))
        out = mx.where(mx.any(ax == math.inf, axis=axes, keepdims=keepdims), math.inf, out)
    else:
        out = mx.where(nz == 0, math.inf, mx.where(nz == 1, big, 0.0))
        out = mx.where(mx.any(ax == 0, axis=axes, keepdims=keepdims), 0.0, out)
    out = mx.where(mx.any(mx.isnan(ax), axis=axes, keepdims=keepdims), math.nan, out)
    return out.astype(ax.dtype)


def vector_norm(a, axes, keepdims: bool, ord_, rdt):
    """p-norms (and the standard's non-norms) over ``axes`` of ``a``."""
    ax = mx.abs(a)
    if ord_ == math.inf:
        out = mx.max(ax, axis=axes, keepdims=keepdims)
    elif ord_ == -math.inf:
        out = mx.min(ax, axis=axes, keepdims=keepdims)
    elif ord_ == 0:
        out = mx.sum((ax != 0).astype(ax.dtype), axis=axes, keepdims=keepdims)
    elif ord_ == 1:
        out = mx.sum(ax, axis=axes, keepdims=keepdims)
    elif abs(ord_) < _SMALLEST_SUBNORMAL.get(a.dtype, 0.0):
        out = _tiny_ord_norm(ax, axes, keepdims, ord_)
    else:
        # Scaled by the largest magnitude: no overflow for large values (nor
        # underflow for tiny ones) where the norm itself is representable.
        # (the largest finite one: an inf term is inf for p > 0 and 0 for p < 0 whatever the
        # scale, and the finite terms keep theirs: (inf, 3) with p = -1e-9 is 3, not 1)
        m = mx.max(mx.where(mx.isinf(ax), 0, ax), axis=axes, keepdims=True)
        safe = mx.where(m > 0, m, mx.ones((), dtype=m.dtype))
        r = ax / safe
        if ord_ == 2:
            p = mx.sum(r * r, axis=axes, keepdims=True)
            out = safe * mx.sqrt(p)
        else:
            p = mx.sum(mx.power(r, ord_), axis=axes, keepdims=True)
            out = safe * mx.power(p, 1.0 / ord_)
        if not keepdims:
            out = mx.squeeze(out, axes)
    return out.astype(rdt._mx)


def matrix_power(a, n: int, dt):
    """``a ** n`` for ``n >= 1`` by repeated squaring, cast to ``dt``."""
    result = None
    base = a
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result.astype(dt._mx)


def cross(a, b, axis: int):
    """Cross product of 3-vectors along ``axis`` (a negative axis)."""
    # split, not take: take refuses arrays with no elements (broadcast stacks may be empty).
    a0, a1, a2 = mx.split(a, 3, axis=axis)
    b0, b1, b2 = mx.split(b, 3, axis=axis)
    return mx.concatenate([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=axis)
