"""``torch.autograd.functional``: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp``, ``vhp``.

MLX's transforms do the work: the function runs on tensors made from MLX's traced arrays
(in no_grad mode, so nothing is recorded), and ``mx.vjp``/``mx.jvp``/``mx.vmap`` give the
derivatives as lazy graphs.
"""

from __future__ import annotations

import mlx.core as mx

from .._ops import to_tensor
from .._tensor import Tensor, from_mx
from .grad_mode import no_grad


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,), False
    return tuple(to_tensor(v) for v in x), True


def _mx_fn(func, like):
    """``func`` (tensors -> tensor(s)) as a function of MLX arrays; records its output
    structure in ``info``."""
    info = {}

    def f(*arrs):
        ts = [from_mx(a, t._dtype, t._device) for a, t in zip(arrs, like)]
        with no_grad():
            out = func(*ts)
        if isinstance(out, Tensor):
            info["tuple"] = False
            info["like"] = (out,)
            return out._array
        out = tuple(out)
        info["tuple"] = True
        info["like"] = out
        return tuple(o._array for o in out)
    return f, info


def _wrap(arrs, like):
    return tuple(from_mx(a, t._dtype, t._device) for a, t in zip(arrs, like))


def _out(vals, is_tuple):
    return tuple(vals) if is_tuple else vals[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``."""
    ins, tup = _as_tuple(inputs)
    f, info = _mx_fn(func, ins)
    prim = [t._array for t in ins]
    outs0 = f(*prim)
    outs0 = outs0 if isinstance(outs0, tuple) else (outs0,)
    if v is None:
        if len(outs0) != 1 or outs0[0].size != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element.")
        cots = [mx.ones_like(outs0[0])]
    else:
        vs, _ = _as_tuple(v)
        cots = [t._array for t in vs]
    outs, grads = mx.vjp(f, prim, cots)
    return (_out(_wrap(outs, info["like"]), info["tuple"]), _out(_wrap(grads, ins), tup))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``."""
    ins, tup = _as_tuple(inputs)
    f, info = _mx_fn(func, ins)
    prim = [t._array for t in ins]
    if v is None:
        if len(ins) != 1 or ins[0]._array.size != 1:
            raise RuntimeError("The vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single "
                               "element.")
        tans = [mx.ones_like(prim[0])]
    else:
        vs, _ = _as_tuple(v)
        tans = [t._array for t in vs]
    outs, tangents = mx.jvp(f, prim, tans)
    like = info["like"]
    return (_out(_wrap(outs, like), info["tuple"]), _out(_wrap(tangents, like), info["tuple"]))


def _jacobian_mx(f, prim, n_out_shapes):
    """For each output k and input i: d out_k / d in_i, shaped out_k.shape + in_i.shape."""
    outs = f(*prim)
    outs = outs if isinstance(outs, tuple) else (outs,)
    result = []
    for k, o in enumerate(outs):
        m = o.size
        basis = mx.eye(m, dtype=o.dtype).reshape((m,) + tuple(o.shape))

        def row(ct, k=k):
            def fk(*a):
                r = f(*a)
                return r[k] if isinstance(r, tuple) else r
            return tuple(mx.vjp(fk, prim, [ct])[1])
        rows = mx.vmap(row)(basis) if m else tuple(mx.zeros((0,) + p.shape, o.dtype)
                                                      for p in prim)
        result.append([r.reshape(tuple(o.shape) + tuple(p.shape)) for r, p in zip(rows, prim)])
    return outs, result


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian: for one input and one output a tensor of shape ``out.shape +
    in.shape``; tuples (of tuples) otherwise, as PyTorch."""
    ins, tup_in = _as_tuple(inputs)
    f, info = _mx_fn(func, ins)
    prim = [t._array for t in ins]
    outs, jac = _jacobian_mx(f, prim, None)
    like = info["like"]
    rows = []
    for k, o in enumerate(like):
        rows.append(_out(tuple(from_mx(j, o._dtype, o._device) for j in jac[k]), tup_in))
    return _out(tuple(rows), info["tuple"])


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function: ``in.shape + in.shape`` for one input."""
    ins, tup = _as_tuple(inputs)
    f, info = _mx_fn(func, ins)
    prim = [t._array for t in ins]

    def g(*a):
        out = f(*a)
        if isinstance(out, tuple) or out.size != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "with a single element.")
        return _grads(f, a)
    _, jac = _jacobian_mx(g, prim, None)
    rows = tuple(_out(tuple(from_mx(j, t._dtype, t._device) for j in jac[i]), tup)
                 for i, t in enumerate(ins))
    return _out(rows, tup)


def _grads(f, a):
    r = mx.grad(lambda *b: f(*b).reshape(()), argnums=list(range(len(a))))(*a)
    return tuple(r) if isinstance(r, (tuple, list)) else (r,)


def _grad_fn(f, n):
    def g(*a):
        return _grads(f, a)
    return g


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a scalar function."""
    ins, tup = _as_tuple(inputs)
    f, info = _mx_fn(func, ins)
    prim = [t._array for t in ins]
    vs, _ = _as_tuple(v)
    _, tangents = mx.jvp(_grad_fn(f, len(prim)), prim, [t._array for t in vs])
    val = f(*prim)
    return (from_mx(val, info["like"][0]._dtype, info["like"][0]._device),
            _out(_wrap(tangents, ins), tup))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` (equal to ``hvp`` for the symmetric Hessian)."""
    return hvp(func, inputs, v, create_graph, strict)



