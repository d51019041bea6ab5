"""Gradients of the face agree with ``torch.autograd`` (hypothesis, float32 tolerance).

Each case is one function written once for both modules (``T`` is ``torch`` or
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

# name -> (function of (T, *tensors), input shapes, value domain)
CASES = {
    "exp": (lambda T, x: T.exp(x), [(3, 4)], "real"),
    "log": (lambda T, x: T.log(x), [(3, 4)], "pos"),
    "sqrt": (lambda T, x: x.sqrt(), [(5,)], "pos"),
    "rsqrt": (lambda T, x: T.rsqrt(x), [(5,)], "pos"),
    "sin_cos": (lambda T, x: T.sin(x) * T.cos(x), [(2, 3)], "real"),
    "tanh": (lambda T, x: x.tanh(), [(4,)], "real"),
    "sigmoid": (lambda T, x: T.sigmoid(x), [(4, 2)], "real"),
    "relu": (lambda T, x: T.relu(x), [(6,)], "real"),
    "abs": (lambda T, x: x.abs(), [(6,)], "real"),
    "square_neg": (lambda T, x: -x.square(), [(3,)], "real"),
    "reciprocal": (lambda T, x: x.reciprocal(), [(3,)], "pos"),
    "log1p_expm1": (lambda T, x: T.log1p(x) + T.expm1(x), [(3,)], "pos"),
    "erf": (lambda T, x: T.erf(x), [(5,)], "real"),
    "atan_asinh": (lambda T, x: T.atan(x) + T.asinh(x), [(5,)], "real"),
    "softmax": (lambda T, x: T.softmax(x, dim=1), [(3, 4)], "real"),
    "log_softmax": (lambda T, x: T.log_softmax(x, dim=-1), [(3, 4)], "real"),
    "logsumexp": (lambda T, x: T.logsumexp(x, dim=0), [(3, 4)], "real"),
    "add_alpha": (lambda T, x, y: T.add(x, y, alpha=2.5), [(3, 4), (4,)], "real"),
    "sub": (lambda T, x, y: x - y, [(3, 1), (1, 4)], "real"),
    "mul": (lambda T, x, y: x * y * 3.0, [(2, 3), (2, 3)], "real"),
    "div": (lambda T, x, y: x / y, [(4,), (4,)], "pos"),
    "rdiv_rsub": (lambda T, x: 2.0 / x + (1.0 - x), [(4,)], "pos"),
    "pow_scalar": (lambda T, x: x ** 3 + x.pow(2), [(4,)], "real"),
    "pow_tensor": (lambda T, x, y: T.pow(x, y), [(4,), (4,)], "pos"),
    "maximum": (lambda T, x, y: T.maximum(x, y), [(5,), (5,)], "real"),
    "atan2": (lambda T, x, y: T.atan2(x, y), [(5,), (5,)], "pos"),
    "hypot": (lambda T, x, y: T.hypot(x, y), [(5,), (5,)], "pos"),
    "sum_dim": (lambda T, x: x.sum(dim=1, keepdim=True), [(3, 4)], "real"),
    "mean": (lambda T, x: x.mean(dim=(0, 1)), [(2, 3, 2)], "real"),
    "std": (lambda T, x: x.std(dim=0), [(4, 3)], "real"),
    "var": (lambda T, x: T.var(x, unbiased=False), [(4, 3)], "real"),
    "prod": (lambda T, x: x.prod(dim=1), [(2, 3)], "pos"),
    "max_dim": (lambda T, x: x.max(dim=1).values, [(3, 4)], "real"),
    "amax": (lambda T, x: T.amax(x, dim=0), [(3, 4)], "real"),
    "norm": (lambda T, x: x.norm(), [(3, 4)], "pos"),
    "cumsum": (lambda T, x: x.cumsum(dim=1), [(2, 4)], "real"),
    "cumprod": (lambda T, x: T.cumprod(x, 0), [(4,)], "pos"),
    "view_permute": (lambda T, x: x.view(2, 6).permute(1, 0).reshape(3, 4), [(3, 4)], "real"),
    "transpose_t": (lambda T, x: x.transpose(0, 1).t(), [(3, 4)], "real"),
    "flatten_unsqueeze": (lambda T, x: x.flatten(1).unsqueeze(0), [(2, 3, 2)], "real"),
    "expand_repeat": (lambda T, x: x.expand(3, 4) + x.repeat(3, 1), [(1, 4)], "real"),
    "flip_roll": (lambda T, x: T.flip(x, (0,)) + T.roll(x, 1, 1), [(3, 4)], "real"),
    "cat_stack": (lambda T, x, y: T.cat([x, y], 0).sum(0) + T.stack([x, y]).mean(0).sum(0),
                  [(2, 3), (2, 3)], "real"),
    "split_chunk": (lambda T, x: T.split(x, 2, dim=1)[1] * T.chunk(x, 2, 1)[0], [(3, 4)],
                    "real"),
    "narrow_select": (lambda T, x: x.narrow(1, 1, 2) + x.select(1, 0).unsqueeze(1), [(3, 4)],
                      "real"),
    "getitem": (lambda T, x: x[1:, ::2] * x[0, 0] + x[1:, -1:], [(3, 4)], "real"),
    "setitem": (lambda T, x, y: _setitem(T, x, y), [(3, 4), (4,)], "real"),
    "gather": (lambda T, x: T.gather(x, 1, T.tensor([[0, 0], [1, 3], [2, 1]])), [(3, 4)],
               "real"),
    "index_select": (lambda T, x: x.index_select(0, T.tensor([2, 0, 2])), [(3, 4)], "real"),
    "masked_fill_where": (lambda T, x, y: T.where(x > 0, x, y).masked_fill(y > 1, 0.5),
                          [(3, 4), (3, 4)], "real"),
    "clamp": (lambda T, x: x.clamp(-0.5, 0.7) + T.clamp(x, min=0.1), [(6,)], "real"),
    "tril_diag": (lambda T, x: T.tril(x) + T.diag(T.diagonal(x)), [(3, 3)], "real"),
    "matmul": (lambda T, x, y: x @ y, [(2, 3), (3, 4)], "real"),
    "bmm": (lambda T, x, y: T.bmm(x, y), [(2, 2, 3), (2, 3, 2)], "real"),
    "einsum": (lambda T, x, y: T.einsum("ij,kj->ik", x, y), [(2, 3), (4, 3)], "real"),
    "outer_dot": (lambda T, x, y: T.outer(x, y) * T.dot(x, x), [(3,), (3,)], "real"),
    "vector_norm": (lambda T, x: T.linalg.vector_norm(x, ord=3, dim=1), [(2, 3)], "pos"),
    "matrix_norm": (lambda T, x: T.linalg.matrix_norm(x), [(3, 3)], "real"),
    "cross": (lambda T, x, y: T.linalg.cross(x, y), [(2, 3), (2, 3)], "real"),
    "rfft": (lambda T, x: T.fft.rfft(x).abs(), [(8,)], "real"),
    "lerp_addcmul": (lambda T, x, y: T.lerp(x, y, 0.3) + T.addcmul(x, x, y, value=0.5),
                     [(4,), (4,)], "real"),
    "sort_topk": (lambda T, x: T.sort(x, dim=1).values + T.topk(x, 4, dim=1).values,
                  [(2, 4)], "real"),
    "inplace_nonleaf": (lambda T, x: _inplace(x), [(3,)], "real"),
    "to_double": (lambda T, x: x.double().exp().float(), [(3,)], "real"),
}


def _setitem(T, x, y):
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


def _run(T, fn, arrays, up):
    ts = [T.tensor(a, requires_grad=True) for a in arrays]
    out = fn(T, *ts)
    out.backward(T.tensor(up))
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
