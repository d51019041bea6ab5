"""torch.compile of the PyTorch face: compiled results equal eager ones, state lands in the
objects, and what cannot be traced falls back to eager with a warning."""

from __future__ import annotations

import numpy as np
import pytest

import tmath_array as xp
import tmath_array.torch as torch
from tmath_array.torch import nn, optim


def _setup(opt_cls=optim.Adam, **kw):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = opt_cls(model.parameters(), lr=0.05, **kw)
    return model, opt


def _run(compiled: bool, opt_cls=optim.Adam, steps=6, **kw):
    model, opt = _setup(opt_cls, **kw)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.from_numpy(np.linspace(-1, 1, 48, dtype=np.float32).reshape(8, 6))
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    f = torch.compile(step) if compiled else step
    losses = [f(x, y).item() for _ in range(steps)]
    return losses, model, opt


@pytest.mark.parametrize("opt_cls, kw", [(optim.Adam, {}), (optim.SGD, {"momentum": 0.9}),
                                         (optim.RMSprop, {"centered": True}),
                                         (optim.AdamW, {"amsgrad": True})])
def test_compiled_training_step_equals_eager(opt_cls, kw):
    # Fused kernels round differently from op-by-op evaluation: agreement to float32
    # accumulation error over a few steps, not bit for bit.
    le, me, oe = _run(False, opt_cls, **kw)
    lc, mc, oc = _run(True, opt_cls, **kw)
    np.testing.assert_allclose(lc, le, rtol=1e-5)
    for (n, pe), pc in zip(me.named_parameters(), mc.parameters()):
        np.testing.assert_allclose(np.asarray(pc.detach()), np.asarray(pe.detach()),
                                   rtol=1e-4, atol=1e-5, err_msg=n)
        np.testing.assert_allclose(np.asarray(pc.grad), np.asarray(pe.grad), rtol=1e-4,
                                   atol=1e-5, err_msg=n)
    assert set(oc.state_dict()["state"]) == set(oe.state_dict()["state"])


def test_compiled_step_is_one_lazy_graph():
    model, opt = _setup()
    x, y = torch.randn(4, 6), torch.randn(4, 3)

    @torch.compile
    def step(x, y):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss
    step(x, y).item()
    before = xp.sync_stats().total
    for _ in range(3):
        loss = step(x, y)
    assert xp.sync_stats().total == before
    loss.item()
    assert xp.sync_stats().total == before + 1


def test_scheduler_changes_take_effect():
    model, opt = _setup(optim.SGD)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    x, y = torch.randn(4, 6), torch.randn(4, 3)
    w0 = np.asarray(model[0].weight.detach()).copy()

    @torch.compile
    def step():
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    deltas = []
    for _ in range(3):
        step()
        sched.step()
        w1 = np.asarray(model[0].weight.detach()).copy()
        g = np.asarray(model[0].weight.grad)
        deltas.append(np.abs(w0 - w1).sum() / np.abs(g).sum())
        w0 = w1
    np.testing.assert_allclose(deltas, [0.05, 0.025, 0.0125], rtol=1e-4)


def test_sync_inside_falls_back_with_a_warning():
    model, opt = _setup(optim.SGD)
    seen = []

    def step(x):
        opt.zero_grad()
        loss = model(x).sum()
        seen.append(loss.item())          # a sync point: cannot be traced
        loss.backward()
        opt.step()
        return loss
    f = torch.compile(step)
    x = torch.randn(2, 6)
    with pytest.warns(UserWarning, match="runs eagerly"):
        out = f(x)
    assert seen and np.isclose(out.item(), seen[-1])
    f(x)  # eager from now on, without a second warning
    with pytest.raises(RuntimeError, match="fullgraph"):
        torch.compile(step, fullgraph=True)(x)


def test_compiled_module_forward_and_backward():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2))
    cm = torch.compile(model)
    x = torch.randn(3, 5)
    out_e = model(x)
    out_c = cm(x)
    np.testing.assert_allclose(np.asarray(out_c.detach()), np.asarray(out_e.detach()), rtol=1e-6)
    out_e.sum().backward()
    ge = [np.asarray(p.grad).copy() for p in model.parameters()]
    model.zero_grad()
    out_c.sum().backward()
    for p, g in zip(model.parameters(), ge):
        np.testing.assert_allclose(np.asarray(p.grad), g, rtol=1e-5, atol=1e-7)
    assert cm.state_dict().keys() == model.state_dict().keys()
    assert "OptimizedModule" in repr(cm)


def test_compiled_module_keeps_dropout_random_and_batchnorm_stats():
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.Dropout(0.5))
    cm = torch.compile(model)
    x = torch.randn(8, 4)
    a = np.asarray(cm(x).detach())
    b = np.asarray(cm(x).detach())
    assert not np.array_equal(a, b)                      # a new mask each call
    assert int(model[1].num_batches_tracked.item()) == 2
    assert not np.allclose(np.asarray(model[1].running_mean), 0)
    model.eval()
    np.testing.assert_allclose(np.asarray(cm(x).detach()), np.asarray(model(x).detach()),
                               rtol=1e-5, atol=1e-6)
