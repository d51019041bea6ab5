"""NumPy's ``linalg.norm`` and ``linalg.lstsq``, built on the standard's functions.

``norm`` dispatches to :func:`vector_norm` and :func:`matrix_norm` by NumPy's
rules for ``ord`` and ``axis``; ``lstsq`` is one SVD (:func:`svd`) and lazy
matrix products. Kept apart from ``_linalg`` (the standard's extension), which
is long enough. See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, NamedTuple

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._standard.linalg import _EPS, matrix_norm, svd, vector_norm
from .._standard.manipulation import expand_dims, moveaxis, reshape

if TYPE_CHECKING:
    from .._array.array import Array

_FLOATING = _d.CATEGORIES["floating-point"]


def _as_floating(name: str, x):
    """``x`` as an Array of a floating dtype (integers and bool: the default float)."""
    x = _convert.array(name, x)
    if x._dtype in _FLOATING:
        return x
    if x._dtype is not _d.bool and x._dtype not in _d.CATEGORIES["integer"]:
        _core.bad_dtype(name, "numeric", x._dtype)
    f = _convert.default_float(x._device)
    return _core.new(x._array.astype(f._mx, stream=x._device._s), f, x._device)


def norm(x: Array, ord: int | float | str | None = None,  # noqa: A002
         axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """A vector or matrix norm, with NumPy's choice between them.

    ``axis=None``: with ``ord=None`` the 2-norm of the flattened ``x`` (whatever
    its dimensions); otherwise ``x`` must be 1-d (vector norm) or 2-d (matrix
    norm). An int ``axis`` gives vector norms along it, a pair of axes matrix
    norms over them. Integer input gives float32 (NumPy: float64).

    Raises:
        ValueError: for an ``ord`` that does not fit a vector or matrix norm, or
            an ``axis`` of more than two axes.
    """
    x = _as_floating("norm", x)
    keepdims = _args.check_bool("norm", keepdims, "keepdims")
    if axis is None:
        if ord is None:
            # Flattened first, and keepdims applied here: the compiled norm kernel is keyed
            # by its axes and keepdims, and this way every rank shares one.
            flat = reshape(x, (-1,))
            out = vector_norm(flat, axis=0, ord=2)
            return reshape(out, (1,) * x.ndim) if keepdims else out
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: with ord={ord!r} and no axis, x must be 1-d or 2-d, got "
                             f"shape {x.shape}")
        axis = tuple(range(x.ndim))
    axes = (axis,) if not isinstance(axis, tuple) else axis
    axes = _args.check_axes("norm", axes, x.ndim)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: ord={ord!r} is a matrix norm; axis names one axis")
        out = vector_norm(x, axis=axes[0], ord=2 if ord is None else ord)
        return expand_dims(out, axis=axes[0]) if keepdims else out
    if len(axes) != 2:
        raise ValueError(f"norm: axis must name one or two axes, got {axis!r}")
    out = matrix_norm(moveaxis(x, axes, (-2, -1)), ord="fro" if ord is None else ord)
    if keepdims:
        out = expand_dims(out, axis=tuple(sorted(axes)))
    return out


class LstsqResult(NamedTuple):
    x: Array
    residuals: Array
    rank: Array
    s: Array


def lstsq(a: Array, b: Array, rcond: float | None = None) -> LstsqResult:
    """The least-squares solution of ``a @ x = b``, as NumPy's ``linalg.lstsq``.

    ``a`` is ``(M, N)``, ``b`` ``(M,)`` or ``(M, K)``. Singular values at most
    ``rcond * max(s)`` count as zero (``rcond=None``: machine epsilon times
    ``max(M, N)``).

    Returns:
        ``(x, residuals, rank, s)``. ``rank`` is a 0-d int32 array (lazy; NumPy
        gives an int) and ``s`` the singular values. ``residuals`` holds the
        squared norm of each column of ``b - a @ x``, of shape ``(K,)`` (``(1,)``
        for 1-d ``b``) when ``M > N``, else ``(0,)``. NumPy also returns ``(0,)``
        when ``a`` is rank-deficient; deciding that would need the values (a sync
        point), so here those residuals are returned as computed. Integer and bool
        input is solved in float64 on the CPU (NumPy's precision: float32 rounding
        would change the rank of a matrix with large entries) and returned as float32.
    """
    a, b = _convert.array("lstsq", a), _convert.array("lstsq", b)
    exact = [v._dtype not in _FLOATING for v in (a, b)]
    a = _as_floating("lstsq", a)
    b = _as_floating("lstsq", b)
    if a.ndim != 2:
        raise ValueError(f"lstsq: a must be 2-d, got shape {a.shape}")
    if b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"lstsq: b must be ({a.shape[0]},) or ({a.shape[0]}, K), got {b.shape}")
    if b._device != a._device:
        raise ValueError(f"lstsq: a is on {a._device}, b on {b._device}")
    if rcond is not None:
        rcond = _args.check_real("lstsq", rcond, "rcond")
    out_dt = _d.promote_types(a._dtype, b._dtype, "lstsq")
    dev, s_ = a._device, a._device._s
    # Note: integer input is solved in float64 where the device has it (as NumPy does),
    # so its rank and solution do not suffer float32's rounding; the results are float32.
    dt = _d.float64 if out_dt is _d.float32 and any(exact) and dev.type == "cpu" else out_dt
    m, n = a.shape
    rdt = _d.float32 if dt is _d.complex64 else dt
    eps = _EPS.get(rdt, _EPS[_d.float32])
    if rcond is None:
        rcond = eps * builtins.max(m, n)
    elif rcond <= 0 or rcond >= 1:
        # Note: LAPACK's gelsd (NumPy's solver) replaces an rcond outside (0, 1) with its
        # unit roundoff, half the machine epsilon (rcond=1e30 keeps every singular value).
        rcond = eps / 2
    am = a._array.astype(dt._mx, stream=s_)
    bm = b._array.astype(dt._mx, stream=s_)
    b2 = mx.reshape(bm, (m, 1 if b.ndim == 1 else b.shape[1]), stream=s_)
    u, sv, vh = svd(_core.new(am, dt, dev), full_matrices=False)
    u, sv, vh = u._array, sv._array, vh._array
    k = sv.shape[0]
    if k:
        # (a NaN rcond drops nothing, as in gelsd; a zero singular value is always dropped)
        keep = mx.logical_and(mx.logical_not(sv <= rcond * sv[0]), sv > 0, stream=s_)
        # V diag(s0/s) U^H b / s0: the kept ratios s0/s are at most 1/rcond, so only the
        # last division can overflow (a subnormal matrix: 1/s is inf, and inf - inf
        # in V's product would be NaN where NumPy's scaled gelsd gives +-inf)
        top = mx.where(sv[0] > 0, sv[0], 1, stream=s_)
        ratio = mx.where(keep, top / mx.where(keep, sv, 1), 0, stream=s_).astype(dt._mx)
        uhb = mx.matmul(mx.conj(mx.transpose(u)), b2, stream=s_)
        x = mx.matmul(mx.conj(mx.transpose(vh)), ratio[:, None] * uhb, stream=s_) / \
            top.astype(dt._mx)
        rank = mx.sum(keep, stream=s_).astype(mx.int32)
    else:
        x = mx.zeros((n, b2.shape[1]), dtype=dt._mx, stream=s_)
        rank = mx.array(0, dtype=mx.int32)
    if m > n:
        r = b2 - mx.matmul(am, x, stream=s_)
        res = mx.sum(mx.abs(r) ** 2, axis=0, stream=s_).astype(rdt._mx)
    else:
        res = mx.zeros((0,), dtype=rdt._mx)
    if b.ndim == 1:
        x = mx.reshape(x, (n,), stream=s_)
    if dt is not out_dt:
        x, res, sv = (v.astype(out_dt._mx, stream=s_) for v in (x, res, sv))
        dt = rdt = out_dt
    return LstsqResult(_core.new(x, dt, dev), _core.new(res, rdt, dev),
                       _core.new(rank, _d.int32, dev), _core.new(sv, rdt, dev))
