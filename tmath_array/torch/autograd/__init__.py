"""``torch.autograd``: ``backward``, ``grad``, grad-mode switches and ``Function``.

The engine (:mod:`tmath_array.torch._engine`) records operations on tensors that require
grad and differentiates their replays with ``mx.vjp``; everything here builds lazy MLX
graphs and synchronises nothing (docs/torch.md).
"""

from __future__ import annotations

import mlx.core as mx

from .. import _engine
from .._ops import to_tensor
from .._tensor import Tensor, from_mx
from . import functional
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "no_grad",
           "enable_grad", "inference_mode", "set_grad_enabled", "functional", "Variable",
           "is_grad_enabled"]

is_grad_enabled = _engine.is_grad_enabled


def _root_grads(tensors, grads, name, graph: bool = False):
    """The roots' cotangents: MLX arrays, or Tensors for ``create_graph`` (a given
    ``grad_output`` that requires grad then keeps its history)."""
    out = []
    for t, g in zip(tensors, grads):
        if g is None:
            if t._array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not _engine.differentiable(t._dtype):
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   "outputs")
            a = mx.ones(t._array.shape, t._array.dtype)
            out.append(from_mx(a, t._dtype, t._device) if graph else a)
        else:
            g = to_tensor(g)
            if tuple(g._array.shape) != tuple(t._array.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{g.shape} and output[0] has a shape of {t.shape}.")
            if graph:
                out.append(g if g._dtype is t._dtype else g.to(t._dtype))
            else:
                out.append(g._array.astype(t._array.dtype))
    return out


def _seq(x):
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _check_roots(tensors):
    for t in tensors:
        if not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have "
                               "a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (lazily).

    ``create_graph=True``: the gradients keep their history (``.grad`` has a
    ``grad_fn``) and can be differentiated again; the graph is retained."""
    ts = _seq(tensors)
    _check_roots(ts)
    gs = [None] * len(ts) if grad_tensors is None else _seq(grad_tensors)
    if isinstance(grad_tensors, Tensor) or grad_tensors is None:
        gs = gs if len(gs) == len(ts) else [grad_tensors] * len(ts)
    roots = _root_grads(ts, gs, "backward", graph=bool(create_graph))
    # (PyTorch: retain_graph defaults to create_graph)
    retain = bool(retain_graph) if retain_graph is not None else bool(create_graph)
    if inputs is not None:
        ins = _seq(inputs)
        got = _engine.run_backward(ts, roots, retain_graph=retain, inputs=ins,
                                   graph=bool(create_graph))
        _engine.accumulate_leaves([(t, g) for t, g in zip(ins, got) if g is not None])
        return
    _engine.run_backward(ts, roots, retain_graph=retain, graph=bool(create_graph))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs`` (a tuple of tensors);
    ``.grad`` is left alone. ``create_graph=True``: the gradients keep their history and
    can be differentiated again (Hessian-vector products, gradient penalties)."""
    outs = _seq(outputs)
    ins = _seq(inputs)
    _check_roots(outs)
    for t in ins:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    gs = [None] * len(outs) if grad_outputs is None else _seq(grad_outputs)
    graph = bool(create_graph)
    roots = _root_grads(outs, gs, "grad", graph=graph)
    retain = bool(retain_graph) if retain_graph is not None else graph
    got = _engine.run_backward(outs, roots, retain_graph=retain, inputs=ins,
                               accumulate=False, graph=graph)
    res = []
    for t, g in zip(ins, got):
        if g is None:
            if materialize_grads:
                res.append(from_mx(mx.zeros(t._array.shape, t._array.dtype), t._dtype,
                                   t._device))
                continue
            if not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is "
                                   "the desired behavior.")
            res.append(None)
        elif graph:
            res.append(g if g._dtype is t._dtype else g.to(t._dtype))
        else:
            if g.dtype != t._array.dtype:
                g = g.astype(t._array.dtype)
            res.append(from_mx(g, t._dtype, t._device))
    return tuple(res)


def Variable(data, requires_grad=False, volatile=False):  # noqa: N802 - PyTorch's name
    """The legacy ``Variable(t, requires_grad=...)``: a tensor."""
    t = to_tensor(data)
    if requires_grad:
        t.requires_grad_(True)
    return t

