"""Views of the PyTorch face: what shares storage, checked against PyTorch itself.

Random programs of view-making operations and in-place writes run on both libraries; after
every step every live tensor must hold PyTorch's values (hypothesis draws the programs).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch as real
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tmath_array.torch as tm

# --- view-making operations: (name, function of (library, tensor, draw)) -----------------


def _dim(t, k):
    return k % t.ndim if t.ndim else 0


VIEW_OPS = {
    "slice": lambda lib, t, k: t[k % 2:] if t.ndim else t,
    "step": lambda lib, t, k: t[::2] if t.ndim else t,
    "select": lambda lib, t, k: t.select(_dim(t, k), k % t.shape[_dim(t, k)])
    if t.ndim and t.shape[_dim(t, k)] else t,
    "index_col": lambda lib, t, k: t[:, k % t.shape[1]] if t.ndim >= 2 and t.shape[1] else t,
    "narrow": lambda lib, t, k: t.narrow(_dim(t, k), 0, max(t.shape[_dim(t, k)] - 1, 0))
    if t.ndim else t,
    "t": lambda lib, t, k: t.t() if t.ndim <= 2 else t.transpose(0, 1),
    "T": lambda lib, t, k: t.T if t.ndim == 2 else t,
    "transpose": lambda lib, t, k: t.transpose(0, -1) if t.ndim else t,
    "permute": lambda lib, t, k: t.permute(*reversed(range(t.ndim))) if t.ndim else t,
    "unsqueeze": lambda lib, t, k: t.unsqueeze(k % (t.ndim + 1)),
    "squeeze": lambda lib, t, k: t.squeeze(),
    "flatten": lambda lib, t, k: t.flatten() if t.is_contiguous() else t,
    "view": lambda lib, t, k: t.view(-1) if t.is_contiguous() else t,
    "reshape": lambda lib, t, k: t.reshape(-1),
    "diagonal": lambda lib, t, k: t.diagonal() if t.ndim >= 2 else t,
    "detach": lambda lib, t, k: t.detach(),
    "data": lambda lib, t, k: t.data,
    "unbind": lambda lib, t, k: t.unbind(0)[k % t.shape[0]] if t.ndim and t.shape[0] else t,
    "split": lambda lib, t, k: t.split(2)[0] if t.ndim and t.shape[0] else t,
    "chunk": lambda lib, t, k: t.chunk(2)[-1] if t.ndim and t.shape[0] else t,
    "movedim": lambda lib, t, k: t.movedim(0, -1) if t.ndim else t,
    "expand": lambda lib, t, k: t.expand(2, *t.shape) if t.ndim < 3 else t,
    "real": lambda lib, t, k: t.real,
    "unflatten": lambda lib, t, k: t.unflatten(0, (1, t.shape[0])) if t.ndim else t,
}

WRITE_OPS = {
    "add_": lambda lib, t, k: t.add_(k),
    "mul_": lambda lib, t, k: t.mul_(2),
    "zero_": lambda lib, t, k: t.zero_(),
    "fill_": lambda lib, t, k: t.fill_(k),
    "clamp_": lambda lib, t, k: t.clamp_(max=k),
    "neg_": lambda lib, t, k: t.neg_(),
    "iadd": lambda lib, t, k: t.__iadd__(1),
    "setitem0": lambda lib, t, k: t.__setitem__(0, k) if t.ndim and t.shape[0] else None,
    "setitem_all": lambda lib, t, k: t.__setitem__(..., k),
    "setitem_slice": lambda lib, t, k: t.__setitem__(slice(1, None),
                                                   lib.full(t[1:].shape, float(k)))
    if t.ndim else None,
    "copy_": lambda lib, t, k: t.copy_(lib.arange(t.numel(), dtype=lib.float32).reshape(t.shape)),
}


def _check(pairs):
    for a, b in pairs:
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(np.asarray(a.detach()), b.detach().numpy())


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100),
                          st.integers(-3, 5)), min_size=1, max_size=14))
def test_random_views_and_writes_match_pytorch(program):
    base_np = np.arange(12, dtype=np.float32).reshape(3, 4)
    pairs = [(tm.tensor(base_np), real.tensor(base_np))]
    for is_view, pick, op, k in program:
        a, b = pairs[pick % len(pairs)]
        if is_view:
            name = sorted(VIEW_OPS)[op % len(VIEW_OPS)]
            fn = VIEW_OPS[name]
            b2 = fn(real, b, k)
            a2 = fn(tm, a, k)
            pairs.append((a2, b2))
        else:
            name = sorted(WRITE_OPS)[op % len(WRITE_OPS)]
            fn = WRITE_OPS[name]
            try:
                fn(real, b, k)
            except RuntimeError:
                # PyTorch refuses (a write through overlapping elements): so must the face,
                # and nothing is written.
                with pytest.raises(RuntimeError):
                    fn(tm, a, k)
                continue
            fn(tm, a, k)
        _check(pairs)


@pytest.mark.parametrize("make", [
    lambda x: x[:, 0], lambda x: x[1], lambda x: x.t(), lambda x: x.T, lambda x: x.view(6),
    lambda x: x.transpose(0, 1), lambda x: x.diagonal(), lambda x: x.select(1, 2),
    lambda x: x.narrow(1, 1, 2), lambda x: x.unsqueeze(0), lambda x: x.flatten(),
    lambda x: x.detach(), lambda x: x.data, lambda x: x.unbind(1)[2], lambda x: x.mT,
    lambda x: x[None, ..., 1:], lambda x: x.squeeze(), lambda x: x.view(3, 1, 2),
])
def test_in_place_through_a_view_reaches_the_base_and_back(make):
    base = np.arange(6, dtype=np.float32).reshape(2, 3)
    x, rx = tm.tensor(base), real.tensor(base)
    y, ry = make(x), make(rx)
    y.mul_(10)
    ry.mul_(10)
    np.testing.assert_array_equal(np.asarray(x), rx.numpy())
    x.add_(1)
    rx.add_(1)
    np.testing.assert_array_equal(np.asarray(y), ry.numpy())


def test_complex_real_and_imag_are_views():
    z = tm.tensor([1 + 2j, 3 - 1j])
    z.real.zero_()
    z.imag.mul_(2)
    np.testing.assert_array_equal(np.asarray(z), np.array([4j, -2j], dtype=np.complex64))


def test_expand_reads_its_base_and_refuses_writes_as_pytorch():
    x = tm.zeros(3)
    e = x.expand(2, 3)
    x.add_(1)
    np.testing.assert_array_equal(np.asarray(e), np.ones((2, 3), np.float32))
    with pytest.raises(RuntimeError, match="more than one element"):
        e.add_(1)


def test_view_of_a_non_contiguous_tensor_raises_as_pytorch():
    x = tm.zeros(2, 3).t()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.view(6)
    assert tuple(x.reshape(6).shape) == (6,)  # reshape copies


# --- autograd ----------------------------------------------------------------------------


def _both(fn):
    w = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    a = tm.tensor(w, requires_grad=True)
    b = real.tensor(w, requires_grad=True)
    fn(tm, a).backward()
    fn(real, b).backward()
    np.testing.assert_allclose(np.asarray(a.grad), b.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda lib, w: _setitem(w.clone(), 0, 0.0).sum(),
    lambda lib, w: (lambda x: (x[1:].mul_(3), (x * x).sum())[1])(w.clone()),
    lambda lib, w: (lambda x: (x.view(2, 2)[:, 0].zero_(), (x * w).sum())[1])(w * 1),
    lambda lib, w: (lambda x: (x.__setitem__(slice(0, 2), w[2:] * 5), x.pow(2).sum())[1])(
        w.clone()),
    lambda lib, w: (lambda x, y: (y.add_(w[:2]), (x * 2).sum() + y.sum())[1])(
        *(lambda x: (x, x[2:]))(w.clone())),
    lambda lib, w: (lambda x: (x.t()[0].mul_(2), x.sum())[1])(w.reshape(2, 2).clone()),
])
def test_gradients_through_in_place_writes_on_views_match_pytorch(fn):
    _both(fn)


def _setitem(x, k, v):
    x[k] = v
    return x


def test_in_place_on_a_leaf_or_its_view_raises_as_pytorch():
    w = tm.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w[0] = 1.0
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w[1:].zero_()
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w.view(3).add_(1)
    with tm.no_grad():
        w[0] = 2.0
    w.data[1] = 3.0
    w.detach()[2] = 4.0
    np.testing.assert_array_equal(np.asarray(w.detach()), [2.0, 3.0, 4.0])


def test_version_counter_is_shared_by_views():
    x = tm.ones(3)
    y = x[1:]
    v0 = x._version
    y.add_(1)
    assert x._version == v0 + 1
    assert y._version == 1


# (PyTorch refuses most uses of split/chunk/unbind outputs after a write in grad mode:
# test_multi_view_outputs_refuse_in_place_writes_in_grad_mode)
_GRAD_VIEWS = sorted(set(VIEW_OPS) - {"detach", "data", "expand", "real", "split", "chunk",
                                      "unbind"})


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100),
                          st.integers(-3, 5)), min_size=1, max_size=10))
def test_random_views_and_writes_give_pytorch_gradients(program):
    w_np = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    wa = tm.tensor(w_np, requires_grad=True)
    wb = real.tensor(w_np, requires_grad=True)
    pairs = [(wa * 1.5, wb * 1.5)]
    for is_view, pick, op, k in program:
        a, b = pairs[pick % len(pairs)]
        if is_view:
            fn = VIEW_OPS[_GRAD_VIEWS[op % len(_GRAD_VIEWS)]]
            pairs.append((fn(tm, a, k), fn(real, b, k)))
        else:
            name = sorted(WRITE_OPS)[op % len(WRITE_OPS)]
            fn = WRITE_OPS[name]
            if name == "mul_":  # (a write that keeps a gradient through the old values)
                b.mul_(b.detach() + 1)
                a.mul_(a.detach() + 1)
            else:
                try:
                    fn(real, b, k)
                except RuntimeError:
                    with pytest.raises(RuntimeError, match="is being modified inplace"):
                        fn(tm, a, k)
                    continue
                fn(tm, a, k)
        _check(pairs)
    coef = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    (pairs[0][0] * tm.tensor(coef)).sum().backward()
    (pairs[0][1] * real.tensor(coef)).sum().backward()
    np.testing.assert_allclose(np.asarray(wa.grad), wb.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("make", [lambda x: x.unbind(0)[1], lambda x: x.split(2)[1],
                                  lambda x: x.chunk(2)[0], lambda x: x.split([1, 3])[1]])
def test_multi_view_outputs_refuse_in_place_writes_in_grad_mode(make):
    w = tm.ones(4, 4, requires_grad=True)
    rw = real.ones(4, 4, requires_grad=True)
    with pytest.raises(RuntimeError) as want:
        make(rw * 1).zero_()
    with pytest.raises(RuntimeError) as got:
        make(w * 1).zero_()
    assert str(got.value) == str(want.value)
    make(w.detach()).zero_()  # (no grad: allowed)


@pytest.mark.parametrize("make", [lambda x: x.flip(0), lambda x: x.rot90(), lambda x: x.clone(),
                                  lambda x: x[[0, 1]], lambda x: x.fliplr(),
                                  lambda x: x.roll(1, 0), lambda x: x.diagonal().diag()])
def test_copies_in_pytorch_are_copies(make):
    x = tm.zeros(2, 2)
    make(x).add_(1)
    assert float(x.sum()) == 0.0


def test_torch_real_and_imag_functions_are_views_as_pytorch():
    z = tm.tensor([1 + 2j, 3 - 1j])
    tm.real(z).mul_(2)
    tm.imag(z).zero_()
    np.testing.assert_array_equal(np.asarray(z), np.array([2, 6], dtype=np.complex64))
    x = tm.ones(2)
    assert tm.real(x) is x
    with pytest.raises(RuntimeError, match="imag is not implemented"):
        tm.imag(x)


def test_gradient_through_writes_to_real_and_imag_views_matches_pytorch():
    grads = []
    for lib in (tm, real):
        w = lib.tensor([1 + 2j, 3 - 1j], requires_grad=True)
        y = w.clone()
        y.real.mul_(2)
        y.imag.add_(w.real)
        y.abs().sum().backward()
        grads.append(np.asarray(w.grad.detach()))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)


def test_writing_part_of_an_expanded_view_writes_only_that_part():
    made = []
    for lib in (tm, real):
        x = lib.arange(12.0).reshape(3, 4)
        e = x.T.expand(2, 4, 3)
        e[0] = 0.0  # (one copy of x: allowed)
        e.unflatten(0, (1, 2))[1:] = 5.0  # (no element: allowed)
        made.append((x, e))
    _check([(made[0][0], made[1][0]), (made[0][1], made[1][1])])
