"""torch.optim, lr_scheduler and utils.data of the PyTorch face against real PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch as real

import tmath_array as xp
import tmath_array.torch as ft
from tmath_array.torch import nn, optim
from tmath_array.torch.utils import data


def sync_count() -> int:
    return xp.sync_stats().total


OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.3, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.05}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.2}),
]


def _quadratic_steps(opt_cls, params, kwargs, lib, steps=8):
    """Minimise sum((A @ w - b)**2) + sum(v**4) for a few steps; returns the parameters."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 3)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    tensor = lib.tensor
    w = tensor(params[0], requires_grad=True)
    v = tensor(params[1], requires_grad=True)
    opt = opt_cls([{"params": [w]}, {"params": [v], "lr": kwargs["lr"] / 2}], **kwargs)
    A, B = tensor(a), tensor(b)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((A @ w - B) ** 2).sum() + (v ** 4).sum()
        loss.backward()
        opt.step()
    return [np.array(w.detach().numpy()), np.array(v.detach().numpy())], opt


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS,
                         ids=[f"{n}-{'-'.join(k)}" for n, k in OPTIMIZERS])
def test_optimizer_matches_pytorch(name, kwargs):
    p0 = [np.array([0.5, -1.0, 2.0], dtype=np.float32), np.array([1.5, -0.7], np.float32)]
    theirs, t_opt = _quadratic_steps(getattr(real.optim, name), p0, kwargs, real)
    ours, o_opt = _quadratic_steps(getattr(optim, name), p0, kwargs, ft)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)
    # state_dict layout as PyTorch's: groups with parameter indices, state per index.
    osd, tsd = o_opt.state_dict(), t_opt.state_dict()
    assert [g["params"] for g in osd["param_groups"]] == [g["params"] for g in tsd["param_groups"]]
    assert sorted(osd["state"]) == sorted(tsd["state"])
    for i in tsd["state"]:
        assert set(osd["state"][i]) == set(tsd["state"][i])


def test_optimizer_state_dict_round_trip():
    def run(resume):
        w = ft.tensor([1.0, -2.0], requires_grad=True)
        opt = optim.Adam([w], lr=0.1)
        for step in range(6):
            if step == 3 and resume:
                sd = opt.state_dict()
                w2 = ft.tensor(w.detach().numpy(), requires_grad=True)
                opt = optim.Adam([w2], lr=0.5)
                opt.load_state_dict(sd)
                w = w2
            opt.zero_grad()
            (w ** 2).sum().backward()
            opt.step()
        return w.detach().numpy()
    np.testing.assert_allclose(run(True), run(False), rtol=1e-6)


def test_optimizer_errors():
    w = ft.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="learning rate"):
        optim.SGD([w], lr=-1)
    with pytest.raises(ValueError, match="empty"):
        optim.Adam([])
    with pytest.raises(TypeError):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="more than one"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([w], lr=0.1, nesterov=True)


def test_step_is_lazy():
    """An optimizer step evaluates nothing: the loop's only sync is reading the loss."""
    model = nn.Linear(4, 1)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = ft.randn(8, 4), ft.randn(8, 1)
    before = sync_count()
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    assert sync_count() == before
    loss.item()
    assert sync_count() == before + 1


SCHEDULERS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("LambdaLR", {"lr_lambda": lambda e: 1 / (1 + e)}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 12}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 12, "three_phase": True,
                    "anneal_strategy": "linear"}),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_scheduler_matches_pytorch(name, kwargs, opt_name):
    extra = {"momentum": 0.9} if opt_name == "SGD" else {}
    t_opt = getattr(real.optim, opt_name)([real.zeros(1, requires_grad=True)], lr=0.1, **extra)
    o_opt = getattr(optim, opt_name)([ft.zeros(1, requires_grad=True)], lr=0.1, **extra)
    t_s = getattr(real.optim.lr_scheduler, name)(t_opt, **kwargs)
    o_s = getattr(optim.lr_scheduler, name)(o_opt, **kwargs)
    for _ in range(11):
        t_opt.step()
        o_opt.step()
        t_s.step()
        o_s.step()
        np.testing.assert_allclose(o_s.get_last_lr(), t_s.get_last_lr(), rtol=1e-6)
        for key in ("momentum", "betas"):
            if key in t_opt.param_groups[0]:
                np.testing.assert_allclose(np.ravel(o_opt.param_groups[0][key]),
                                           np.ravel(t_opt.param_groups[0][key]), rtol=1e-6)


# --- data -----------------------------------------------------------------------------------

def test_tensor_dataset_and_loader_sequential():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    ours = data.DataLoader(data.TensorDataset(ft.from_numpy(x), ft.from_numpy(y)), batch_size=4)
    theirs = real.utils.data.DataLoader(real.utils.data.TensorDataset(real.from_numpy(x),
                                                                      real.from_numpy(y)),
                                        batch_size=4)
    assert len(ours) == len(theirs) == 3
    for (ox, oy), (tx, ty) in zip(ours, theirs):
        np.testing.assert_array_equal(np.asarray(ox), tx.numpy())
        np.testing.assert_array_equal(np.asarray(oy), ty.numpy())
    assert len(data.DataLoader(data.TensorDataset(ft.from_numpy(x)), batch_size=4,
                               drop_last=True)) == 2


def test_shuffle_is_a_permutation_and_follows_the_seed():
    x = ft.arange(50)
    ds = data.TensorDataset(x)

    def epoch():
        return np.concatenate([np.asarray(b[0]) for b in data.DataLoader(ds, batch_size=8,
                                                                          shuffle=True)])
    ft.manual_seed(3)
    a = epoch()
    b = epoch()
    ft.manual_seed(3)
    c = epoch()
    assert sorted(a.tolist()) == list(range(50))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_loader_over_a_tensor_dataset_has_no_sync_point():
    ds = data.TensorDataset(ft.randn(64, 3), ft.randint(0, 2, (64,)))
    before = sync_count()
    batches = list(data.DataLoader(ds, batch_size=16, shuffle=True))
    assert sync_count() == before
    assert [tuple(b[0].shape) for b in batches] == [(16, 3)] * 4


class Squares(data.Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": float(i), "sq": np.array([i, i * i], dtype=np.float32), "name": f"s{i}"}


def test_generic_dataset_collation_matches_pytorch():
    ours = list(data.DataLoader(Squares(), batch_size=3))
    theirs = list(real.utils.data.DataLoader(Squares(), batch_size=3))
    for o, t in zip(ours, theirs):
        assert o["name"] == t["name"]
        np.testing.assert_array_equal(np.asarray(o["x"]), t["x"].numpy())
        assert o["x"].dtype == ft.float64
        np.testing.assert_array_equal(np.asarray(o["sq"]), t["sq"].numpy())


def test_random_split_and_subset_loader():
    ds = data.TensorDataset(ft.arange(10))
    ft.manual_seed(0)
    a, b = data.random_split(ds, [0.7, 0.3])
    assert (len(a), len(b)) == (7, 3)
    seen = sorted(int(v) for batch in data.DataLoader(a, batch_size=3) for v in batch[0].tolist())
    seen += sorted(int(v) for batch in data.DataLoader(b, batch_size=3) for v in batch[0].tolist())
    assert sorted(seen) == list(range(10))
    with pytest.raises(ValueError):
        data.random_split(ds, [3, 3])


def test_loader_argument_errors():
    ds = data.TensorDataset(ft.arange(4))
    with pytest.raises(ValueError):
        data.DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError):
        data.DataLoader(ds, sampler=data.SequentialSampler(ds), shuffle=True)
    with pytest.raises(ValueError, match="Size mismatch"):
        data.TensorDataset(ft.arange(4), ft.arange(3))
