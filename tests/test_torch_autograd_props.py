"""Gradients of the face agree with ``torch.autograd`` (hypothesis, float32 tolerance).

Each case is one function written once for both modules (``tm`` is ``torch`` or
``tmath_array.torch``); the same inputs go through both, ``backward`` runs with the same
upstream gradient, and the outputs and every input's ``.grad`` are compared.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch as real
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array.torch as face

# name -> (function of (tm, *tensors), input shapes, value domain)
CASES = {
    "exp": (lambda tm, x: tm.exp(x), [(3, 4)], "real"),
    "log": (lambda tm, x: tm.log(x), [(3, 4)], "pos"),
    "sqrt": (lambda tm, x: x.sqrt(), [(5,)], "pos"),
    "rsqrt": (lambda tm, x: tm.rsqrt(x), [(5,)], "pos"),
    "sin_cos": (lambda tm, x: tm.sin(x) * tm.cos(x), [(2, 3)], "real"),
    "tanh": (lambda tm, x: x.tanh(), [(4,)], "real"),
    "sigmoid": (lambda tm, x: tm.sigmoid(x), [(4, 2)], "real"),
    "relu": (lambda tm, x: tm.relu(x), [(6,)], "real"),
    "abs": (lambda tm, x: x.abs(), [(6,)], "real"),
    "square_neg": (lambda tm, x: -x.square(), [(3,)], "real"),
    "reciprocal": (lambda tm, x: x.reciprocal(), [(3,)], "pos"),
    "log1p_expm1": (lambda tm, x: tm.log1p(x) + tm.expm1(x), [(3,)], "pos"),
    "erf": (lambda tm, x: tm.erf(x), [(5,)], "real"),
    "atan_asinh": (lambda tm, x: tm.atan(x) + tm.asinh(x), [(5,)], "real"),
    "softmax": (lambda tm, x: tm.softmax(x, dim=1), [(3, 4)], "real"),
    "log_softmax": (lambda tm, x: tm.log_softmax(x, dim=-1), [(3, 4)], "real"),
    "logsumexp": (lambda tm, x: tm.logsumexp(x, dim=0), [(3, 4)], "real"),
    "add_alpha": (lambda tm, x, y: tm.add(x, y, alpha=2.5), [(3, 4), (4,)], "real"),
    "sub": (lambda tm, x, y: x - y, [(3, 1), (1, 4)], "real"),
    "mul": (lambda tm, x, y: x * y * 3.0, [(2, 3), (2, 3)], "real"),
    "div": (lambda tm, x, y: x / y, [(4,), (4,)], "pos"),
    "rdiv_rsub": (lambda tm, x: 2.0 / x + (1.0 - x), [(4,)], "pos"),
    "pow_scalar": (lambda tm, x: x ** 3 + x.pow(2), [(4,)], "real"),
    "pow_tensor": (lambda tm, x, y: tm.pow(x, y), [(4,), (4,)], "pos"),
    "maximum": (lambda tm, x, y: tm.maximum(x, y), [(5,), (5,)], "real"),
    "atan2": (lambda tm, x, y: tm.atan2(x, y), [(5,), (5,)], "pos"),
    "hypot": (lambda tm, x, y: tm.hypot(x, y), [(5,), (5,)], "pos"),
    "sum_dim": (lambda tm, x: x.sum(dim=1, keepdim=True), [(3, 4)], "real"),
    "mean": (lambda tm, x: x.mean(dim=(0, 1)), [(2, 3, 2)], "real"),
    "std": (lambda tm, x: x.std(dim=0), [(4, 3)], "real"),
    "var": (lambda tm, x: tm.var(x, unbiased=False), [(4, 3)], "real"),
    "prod": (lambda tm, x: x.prod(dim=1), [(2, 3)], "pos"),
    "max_dim": (lambda tm, x: x.max(dim=1).values, [(3, 4)], "real"),
    "amax": (lambda tm, x: tm.amax(x, dim=0), [(3, 4)], "real"),
    "norm": (lambda tm, x: x.norm(), [(3, 4)], "pos"),
    "cumsum": (lambda tm, x: x.cumsum(dim=1), [(2, 4)], "real"),
    "cumprod": (lambda tm, x: tm.cumprod(x, 0), [(4,)], "pos"),
    "view_permute": (lambda tm, x: x.view(2, 6).permute(1, 0).reshape(3, 4), [(3, 4)], "real"),
    "transpose_t": (lambda tm, x: x.transpose(0, 1).t(), [(3, 4)], "real"),
    "flatten_unsqueeze": (lambda tm, x: x.flatten(1).unsqueeze(0), [(2, 3, 2)], "real"),
    "expand_repeat": (lambda tm, x: x.expand(3, 4) + x.repeat(3, 1), [(1, 4)], "real"),
    "flip_roll": (lambda tm, x: tm.flip(x, (0,)) + tm.roll(x, 1, 1), [(3, 4)], "real"),
    "cat_stack": (lambda tm, x, y: tm.cat([x, y], 0).sum(0) + tm.stack([x, y]).mean(0).sum(0),
                  [(2, 3), (2, 3)], "real"),
    "split_chunk": (lambda tm, x: tm.split(x, 2, dim=1)[1] * tm.chunk(x, 2, 1)[0], [(3, 4)],
                    "real"),
    "narrow_select": (lambda tm, x: x.narrow(1, 1, 2) + x.select(1, 0).unsqueeze(1), [(3, 4)],
                      "real"),
    "getitem": (lambda tm, x: x[1:, ::2] * x[0, 0] + x[1:, -1:], [(3, 4)], "real"),
    "setitem": (lambda tm, x, y: _setitem(tm, x, y), [(3, 4), (4,)], "real"),
    "gather": (lambda tm, x: tm.gather(x, 1, tm.tensor([[0, 0], [1, 3], [2, 1]])), [(3, 4)],
               "real"),
    "index_select": (lambda tm, x: x.index_select(0, tm.tensor([2, 0, 2])), [(3, 4)], "real"),
    "masked_fill_where": (lambda tm, x, y: tm.where(x > 0, x, y).masked_fill(y > 1, 0.5),
                          [(3, 4), (3, 4)], "real"),
    "clamp": (lambda tm, x: x.clamp(-0.5, 0.7) + tm.clamp(x, min=0.1), [(6,)], "real"),
    "tril_diag": (lambda tm, x: tm.tril(x) + tm.diag(tm.diagonal(x)), [(3, 3)], "real"),
    "matmul": (lambda tm, x, y: x @ y, [(2, 3), (3, 4)], "real"),
    "bmm": (lambda tm, x, y: tm.bmm(x, y), [(2, 2, 3), (2, 3, 2)], "real"),
    "einsum": (lambda tm, x, y: tm.einsum("ij,kj->ik", x, y), [(2, 3), (4, 3)], "real"),
    "outer_dot": (lambda tm, x, y: tm.outer(x, y) * tm.dot(x, x), [(3,), (3,)], "real"),
    "vector_norm": (lambda tm, x: tm.linalg.vector_norm(x, ord=3, dim=1), [(2, 3)], "pos"),
    "matrix_norm": (lambda tm, x: tm.linalg.matrix_norm(x), [(3, 3)], "real"),
    "cross": (lambda tm, x, y: tm.linalg.cross(x, y), [(2, 3), (2, 3)], "real"),
    "rfft": (lambda tm, x: tm.fft.rfft(x).abs(), [(8,)], "real"),
    "inv": (lambda tm, x: tm.linalg.inv(x + 4 * tm.eye(3)), [(2, 3, 3)], "real"),
    "det": (lambda tm, x: tm.linalg.det(x + 4 * tm.eye(3)), [(3, 3)], "real"),
    "slogdet": (lambda tm, x: tm.linalg.slogdet(x - 5 * tm.eye(3)).logabsdet, [(3, 3)],
                "real"),
    "solve": (lambda tm, x, y: tm.linalg.solve(x + 4 * tm.eye(3), y), [(3, 3), (3, 2)],
              "real"),
    "solve_vec": (lambda tm, x, y: tm.linalg.solve(x + 4 * tm.eye(3), y), [(3, 3), (3,)],
                  "real"),
    "lerp_addcmul": (lambda tm, x, y: tm.lerp(x, y, 0.3) + tm.addcmul(x, x, y, value=0.5),
                     [(4,), (4,)], "real"),
    "sort_topk": (lambda tm, x: tm.sort(x, dim=1).values + tm.topk(x, 4, dim=1).values,
                  [(2, 4)], "real"),
    "inplace_nonleaf": (lambda tm, x: _inplace(x), [(3,)], "real"),
    "to_double": (lambda tm, x: x.double().exp().float(), [(3,)], "real"),
}


def _setitem(tm, x, y):
    z = x * 1.0
    z[1] = y
    z[0, :2] = 3.0
    return z


def _inplace(x):
    h = x * 2
    h.mul_(3.0)
    h.add_(x)
    return h.exp()


def _domain(kind):
    if kind == "pos":
        return st.floats(0.25, 2.5, width=32)
    return st.floats(-2.0, 2.0, width=32).filter(lambda v: abs(v) > 1e-3)


@st.composite
def _inputs(draw, shapes, kind):
    return [draw(hnp.arrays(np.float32, s, elements=_domain(kind), unique=True))
            for s in shapes]


def _run(tm, fn, arrays, up):
    ts = [tm.tensor(a, requires_grad=True) for a in arrays]
    out = fn(tm, *ts)
    out.backward(tm.tensor(up))
    return out.detach().numpy(), [t.grad.numpy() for t in ts]


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_gradient_matches_torch(name, data):
    fn, shapes, kind = CASES[name]
    arrays = data.draw(_inputs(shapes, kind))
    with real.no_grad():
        out_shape = tuple(fn(real, *[real.tensor(a) for a in arrays]).shape)
    up = data.draw(hnp.arrays(np.float32, out_shape, elements=st.floats(-1, 1, width=32)))
    r_out, r_grads = _run(real, fn, arrays, up)
    f_out, f_grads = _run(face, fn, arrays, up)
    np.testing.assert_allclose(f_out, r_out, rtol=2e-4, atol=2e-5)
    for fg, rg in zip(f_grads, r_grads):
        np.testing.assert_allclose(fg, rg, rtol=5e-4, atol=5e-5)


def _second(tm, fn, arrays, up, w):
    """Second derivatives: the gradient of ``sum(w * grad(out))`` (create_graph=True)."""
    ts = [tm.tensor(a, requires_grad=True) for a in arrays]
    gs = tm.autograd.grad(fn(tm, *ts), ts, grad_outputs=tm.tensor(up), create_graph=True)
    s = sum((g * tm.tensor(wi)).sum() for g, wi in zip(gs, w))
    if not s.requires_grad:  # (the first derivative does not depend on the inputs)
        return [np.zeros(a.shape, np.float32) for a in arrays]
    out = tm.autograd.grad(s, ts, allow_unused=True)
    # (+ 0: PyTorch's zero second derivative of abs is a ZeroTensor, which numpy() refuses)
    return [np.zeros(a.shape, np.float32) if g is None else (g.detach() + 0).numpy()
            for g, a in zip(out, arrays)]


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_second_derivative_matches_torch(name, data):
    fn, shapes, kind = CASES[name]
    arrays = data.draw(_inputs(shapes, kind))
    with real.no_grad():
        out_shape = tuple(fn(real, *[real.tensor(a) for a in arrays]).shape)
    up = data.draw(hnp.arrays(np.float32, out_shape, elements=st.floats(-1, 1, width=32)))
    w = [data.draw(hnp.arrays(np.float32, s, elements=st.floats(-1, 1, width=32)))
         for s in shapes]
    want = _second(real, fn, arrays, up, w)
    got = _second(face, fn, arrays, up, w)
    for g, r in zip(got, want):
        np.testing.assert_allclose(g, r, rtol=2e-3, atol=2e-4)
