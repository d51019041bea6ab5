"""``torch.linalg`` over ``tmath_array.linalg``, with PyTorch's argument names and autograd.

Note: MLX 0.32 has no derivative for its LAPACK-backed factorizations. ``inv``, ``solve``,
``det`` and ``slogdet`` get theirs here (``mx.custom_function`` with the textbook formulas:
``d inv = -inv^T G inv^T``, ``d det = G det inv^T``...); ``cholesky``, ``qr``, ``svd``,
``eigh`` and the others raise a RuntimeError at ``backward`` naming the function. Norms,
matmul, cross, matrix_power, tensordot, vecdot and the other compositions of elementwise
and matmul operations differentiate through MLX.
"""

from __future__ import annotations

import mlx.core as mx

import tmath_array.linalg as _xl

from .._numpy import products as _pr
from . import _math as M  # noqa: N812
from ._math import _floating, return_types
from ._ops import apply, backward_class, dims, to_tensor
from ._tensor import of

__all__ = ["norm", "vector_norm", "matrix_norm", "det", "slogdet", "inv", "pinv", "solve",
           "lstsq", "cholesky", "qr", "eigh", "eigvalsh", "eig", "eigvals", "svd", "svdvals",
           "matrix_rank", "matrix_power", "cross", "diagonal", "multi_dot", "vecdot",
           "matmul", "inv_ex", "cholesky_ex", "solve_ex", "outer"]


def _ns(fn, *arrays):
    """The namespace's ``fn`` on MLX arrays (inside a custom function)."""
    from .._array import core as _core
    from .._array.devices import default_device
    dev = default_device()
    return fn(*[_core.wrap(a, dev) for a in arrays])


def _mT(a):  # noqa: N802
    return mx.swapaxes(a, -1, -2)


def _first(primals):
    # (MLX hands a one-argument function's primal over as the array itself)
    return primals[0] if isinstance(primals, (list, tuple)) else primals


@mx.custom_function
def _inv_mx(a):
    return _ns(_xl.inv, a)._array


@_inv_mx.vjp
def _inv_vjp(primals, cotangent, output):
    y = _mT(output)
    return (-(y @ cotangent @ y),)


@mx.custom_function
def _det_mx(a):
    return _ns(_xl.det, a)._array


@_det_mx.vjp
def _det_vjp(primals, cotangent, output):
    # (through _inv_mx and _solve_mx, the derivatives are differentiable again:
    # create_graph, second derivatives)
    inv_t = _mT(_inv_mx(_first(primals)))
    return ((cotangent * output)[..., None, None] * inv_t,)


@mx.custom_function
def _logabsdet_mx(a):
    return _ns(_xl.slogdet, a)[1]._array


@_logabsdet_mx.vjp
def _logabsdet_vjp(primals, cotangent, output):
    inv_t = _mT(_inv_mx(_first(primals)))
    return (cotangent[..., None, None] * inv_t,)


@mx.custom_function
def _solve_mx(a, b):
    return _ns(_xl.solve, a, b)._array


@_solve_mx.vjp
def _solve_vjp(primals, cotangent, output):
    a, b = primals
    gb = _solve_mx(_mT(a), cotangent)
    if b.ndim == 1:
        ga = -mx.outer(gb, output)
    else:
        ga = -(gb @ _mT(output))
    return ga, gb


def _from(a, like):
    from .._array import core as _core
    return _core.new(a, like._dtype, like._device)


def _wrap_like(a, like):
    from .._array import core as _core
    return _core.wrap(a, like._device)


def _lapply(name, f, tensors):
    return apply(backward_class(f"linalg_{name}"), f, tensors, opname=f"torch.linalg.{name}")


def _one(name, fn, A, node=None):
    x = _floating(to_tensor(A))
    return apply(backward_class(node or f"linalg_{name}"), fn, (x,),
                 opname=f"torch.linalg.{name}")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    x = _floating(to_tensor(x))
    ax = dims(dim)
    return apply(backward_class("linalg_vector_norm"),
                 lambda u: _xl.vector_norm(u, axis=ax, keepdims=keepdim, ord=ord), (x,))


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    x = _floating(to_tensor(A))
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple of ints")
    d = tuple(dim)
    if d not in ((-2, -1), (x.ndim - 2, x.ndim - 1)):
        x = M.movedim(x, d, (-2, -1))
    return apply(backward_class("linalg_matrix_norm"),
                 lambda u: _xl.matrix_norm(u, keepdims=keepdim, ord=ord), (x,))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    x = _floating(to_tensor(A))
    if dim is None and ord is None:
        return vector_norm(x, 2, None, keepdim)
    if isinstance(dim, (tuple, list)) and len(dim) == 2 or (dim is None and x.ndim == 2):
        return matrix_norm(x, "fro" if ord is None else ord, tuple(dim or (-2, -1)), keepdim)
    return vector_norm(x, 2 if ord is None else ord, dim, keepdim)


def _info(A):
    from . import _types as _t
    from ._creation import zeros
    return zeros(tuple(to_tensor(A).shape[:-2]), dtype=_t.int32)


def det(A):
    return _one("det", lambda u: _from(_det_mx(u._array), u), A)


def slogdet(A):
    x = _floating(to_tensor(A))
    sign = of(_xl.slogdet(x)[0])
    # (logabsdet is real for complex input: its dtype is read from the result)
    la = _lapply("slogdet", lambda u: _wrap_like(_logabsdet_mx(u._array), u), (x,))
    return return_types.slogdet(sign, la)


def inv(A):
    return _one("inv", lambda u: _from(_inv_mx(u._array), u), A)


def inv_ex(A, *, check_errors=False):
    return inv(A), _info(A)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """PyTorch's pseudo-inverse: singular values at most ``max(atol, rtol * largest)`` are
    dropped (``atol``/``rtol`` tensors broadcast with the batch dimensions); ``hermitian``
    takes them from ``eigh``."""
    x = _floating(to_tensor(A))
    if atol is None and rtol is None and not hermitian:
        return _one("pinv", _xl.pinv, A)
    if hermitian:
        w, u = eigh(x)
        sv = M.abs(w)
        tol = _cutoff(x, sv, M.amax(sv, -1, keepdim=True), atol, rtol)
        inv = M.where(M.gt(sv, tol), M.reciprocal(w), 0.0)
        return M.matmul(M.mul(u, M.unsqueeze(inv, -2)), M.transpose(M.conj(u), -2, -1))
    u, sv, vh = svd(x, full_matrices=False)
    tol = _cutoff(x, sv, M.narrow(sv, -1, 0, 1), atol, rtol)
    inv = M.where(M.gt(sv, tol), M.reciprocal(sv), 0.0)
    return M.matmul(M.mul(M.transpose(M.conj(vh), -2, -1), M.unsqueeze(inv, -2)),
                    M.transpose(M.conj(u), -2, -1))


def _tolerance(v, name, dt):
    from ._creation import as_tensor
    from ._ops import number
    if isinstance(v, M.Tensor):
        if v.is_complex():
            raise RuntimeError(f"linalg: {name} tensor of complex type is not supported")
        return M.unsqueeze(v.to(dt), -1)
    v = number(v, name)
    if isinstance(v, complex):
        raise RuntimeError(f"linalg: {name} of complex type is not supported")
    return as_tensor(float(v), dtype=dt)


def _cutoff(x, sv, largest, atol, rtol):
    """PyTorch's ``max(atol, rtol * largest)``; without ``rtol``, eps * max(m, n), or 0
    where ``atol`` is positive."""
    import numpy as np

    dt = sv.dtype
    a = _tolerance(0.0 if atol is None else atol, "atol", dt)
    if rtol is None:
        eps = float(np.finfo(np.float64 if str(dt) == "torch.float64" else np.float32).eps)
        default = eps * max(x.shape[-1], x.shape[-2])
        r = _tolerance(default, "rtol", dt) if atol is None else \
            M.where(M.gt(a, 0), 0.0, default)
    else:
        r = _tolerance(rtol, "rtol", dt)
    return M.maximum(a, M.mul(r, largest))


def solve(A, B, *, left=True):
    a, b = _floating(to_tensor(A)), _floating(to_tensor(B))
    if not left:
        return M.transpose(solve(M.transpose(a, -2, -1), M.transpose(b, -2, -1)), -2, -1)
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but "
                           f"found A of type {a.dtype} and B of type {b.dtype} instead")
    simple = (b.ndim == 1 and a.ndim == 2) or (
        b.ndim == a.ndim and tuple(a.shape[:-2]) == tuple(b.shape[:-2]))
    if simple:
        # (a batch of systems without broadcasting: the derivative of _solve_mx)
        try:
            _xl.solve(a, b)  # (validates the shapes with the namespace's errors, lazily)
        except (TypeError, ValueError) as exc:
            raise RuntimeError(f"linalg.solve: {exc}") from None
        return _lapply("solve", lambda u, v: _from(_solve_mx(u._array, v._array), u), (a, b))
    return _lapply("solve", _xl.solve, (a, b))


def solve_ex(A, B, *, left=True, check_errors=False):
    return solve(A, B, left=left), _info(A)


def lstsq(A, B, rcond=None, *, driver=None):
    a, b = _floating(to_tensor(A)), _floating(to_tensor(B))
    if a._array.size == 0 or b._array.size == 0:
        raise RuntimeError("linalg.lstsq: empty matrices are not supported by "
                           "tmath_array.torch")
    res = _lapply("lstsq", lambda u, v: tuple(_xl.lstsq(u, v, rcond)),
                (a, b))
    return res


def cholesky(A, *, upper=False):
    return _one("cholesky", lambda u: _xl.cholesky(u, upper=upper), A)


def cholesky_ex(A, *, upper=False, check_errors=False):
    return cholesky(A, upper=upper), _info(A)


def qr(A, mode="reduced"):
    x = _floating(to_tensor(A))
    q, r = _lapply("qr", lambda u: tuple(_xl.qr(u, mode=mode)), (x,))
    return return_types.qr(q, r)


def eigh(A, UPLO="L"):  # noqa: N803
    x = _floating(to_tensor(A))
    w, v = _lapply("eigh", lambda u: tuple(_xl.eigh(u)), (x,))
    return return_types.eigh(w, v)


def eigvalsh(A, UPLO="L"):  # noqa: N803
    return _one("eigvalsh", _xl.eigvalsh, A)


def eig(A):
    x = _floating(to_tensor(A))
    return _lapply("eig", lambda u: tuple(_xl.eig(u)), (x,))


def eigvals(A):
    return _one("eigvals", _xl.eigvals, A)


def svd(A, full_matrices=True, *, driver=None):
    x = _floating(to_tensor(A))
    u, s, vh = apply(backward_class("linalg_svd"),
                     lambda a: tuple(_xl.svd(a, full_matrices=full_matrices)), (x,))
    return return_types.svd(u, s, vh)


def svdvals(A, *, driver=None):
    return _one("svdvals", _xl.svdvals, A)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values (``hermitian``: absolute eigenvalues) above PyTorch's
    ``max(atol, rtol * largest)``, as int64."""
    x = _floating(to_tensor(A))
    from .._standard import data_types as _dt
    from . import _types as _t
    if atol is None and rtol is None and not hermitian:
        return of(_dt.astype(_xl.matrix_rank(x), _t.int64))
    sv = M.abs(eigvalsh(x)) if hermitian else svdvals(x)
    tol = _cutoff(x, sv, M.amax(sv, -1, keepdim=True), atol, rtol)
    return M.sum(M.gt(sv, tol), -1).to(_t.int64)


def matrix_power(A, n):
    return _one("matrix_power", lambda u: _xl.matrix_power(u, n), A)


def cross(input, other, *, dim=-1):
    return M.cross(input, other, dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return M.diagonal(A, offset, dim1, dim2)


def multi_dot(tensors):
    from ._ops import tensor_list
    tensors = tensor_list(tensors)
    if len(tensors) < 2:
        raise RuntimeError("multi_dot(): expected at least 2 tensors but got "
                           f"{len(tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = M.matmul(out, t)
    return out


def vecdot(x, y, *, dim=-1):
    a, b = to_tensor(x), to_tensor(y)
    return apply(backward_class("linalg_vecdot"), lambda u, v: _xl.vecdot(u, v, axis=dim),
                 (a, b))


def matmul(input, other):
    return M.matmul(input, other)


def outer(input, other):
    a, b = to_tensor(input), to_tensor(other)
    return apply(backward_class("outer"), _pr.outer, (a, b))
