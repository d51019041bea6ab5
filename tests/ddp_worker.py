"""One rank of the multi-process tests of tests/test_torch_ddp.py.

Run by the launcher (``python -m tmath_array.distributed.launch -n N tests/ddp_worker.py
SCENARIO OUTDIR``); each rank writes what it computed to ``OUTDIR/rank<r>.npz`` (arrays) and
``OUTDIR/rank<r>.json`` (messages, counts). The model, data and seeds are functions defined
here (:func:`make_model`, :func:`data`), so the test process reruns the same training on
the whole batch in one process.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

STEPS = 6
LR = 0.1
BATCH = 16


def data():
    """The whole batch: 16 rows of 4 features, 2 targets."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(BATCH, 4)).astype(np.float32)
    y = np.stack([np.sin(x[:, 0]) + x[:, 1], x[:, 2] * x[:, 3]], axis=1).astype(np.float32)
    return x, y


def make_model(torch, seed: int, buffer_value: float = 1.0):
    """A small MLP (4 -> 8 -> 2), initialised from ``seed``, with a buffer."""
    torch.manual_seed(seed)
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.fc2 = nn.Linear(8, 2)
            self.register_buffer("scale", torch.full((2,), buffer_value))

        def forward(self, x):
            return self.fc2(torch.tanh(self.fc1(x)))

    return Net()


def params_of(model) -> dict:
    return {k: np.array(v.detach().numpy()) for k, v in model.state_dict().items()}


def _count_all_sums(record: list):
    """Wrap MLX's all_sum so that each call appends its input's shape to ``record``."""
    import mlx.core as mx

    real = mx.distributed.all_sum

    def counting(*a, **k):
        record.append(list(a[0].shape))
        return real(*a, **k)

    mx.distributed.all_sum = counting
    return real


def _backward_all_sums(loss) -> int:
    """``loss.backward()``; returns how many all_sums it built."""
    import mlx.core as mx

    record: list = []
    real = _count_all_sums(record)
    try:
        loss.backward()
    finally:
        mx.distributed.all_sum = real
    return len(record)


def _train(torch, out, info, r, n):
    import tmath_array as xp
    from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

    model = make_model(torch, seed=100 + r, buffer_value=float(r + 1))
    for k, v in params_of(model).items():
        out[f"before/{k}"] = v
    ddp = DDP(model)
    for k, v in params_of(model).items():
        out[f"init/{k}"] = v
    info["state_dict_keys"] = list(ddp.state_dict())
    opt = torch.optim.SGD(ddp.parameters(), lr=LR, momentum=0.9)
    x, y = data()
    lo, hi = r * BATCH // n, (r + 1) * BATCH // n
    xs, ys = torch.from_numpy(x[lo:hi]), torch.from_numpy(y[lo:hi])
    losses, syncs, calls = [], [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(ddp(xs), ys)
        record: list = []
        real = _count_all_sums(record)
        before = xp.sync_stats().total
        try:
            loss.backward()
        finally:
            import mlx.core as mx
            mx.distributed.all_sum = real
        syncs.append(xp.sync_stats().total - before)
        calls.append(record)
        opt.step()
        losses.append(loss.item())
    info["backward_syncs"] = syncs
    info["backward_all_sums"] = calls
    out["losses"] = np.array(losses, dtype=np.float32)
    for k, v in params_of(model).items():
        out[f"final/{k}"] = v


def _no_sync(torch, out, info, r, n):
    from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

    model = make_model(torch, seed=100 + r)
    ddp = DDP(model, find_unused_parameters=False)
    x, y = data()
    lo, hi = r * BATCH // n, (r + 1) * BATCH // n
    half = (hi - lo) // 2
    parts = [(torch.from_numpy(x[lo:lo + half]), torch.from_numpy(y[lo:lo + half])),
             (torch.from_numpy(x[lo + half:hi]), torch.from_numpy(y[lo + half:hi]))]
    with ddp.no_sync():
        loss = torch.nn.functional.mse_loss(ddp(parts[0][0]), parts[0][1])
    info["no_sync_all_sums"] = _backward_all_sums(loss)
    out["local/fc1.weight"] = model.fc1.weight.grad.numpy()
    loss = torch.nn.functional.mse_loss(ddp(parts[1][0]), parts[1][1])
    info["synced_all_sums"] = _backward_all_sums(loss)
    for k, p in model.named_parameters():
        out[f"accumulated/{k}"] = p.grad.numpy()


def _unused(torch, out, info, r, n):
    """A branch used on rank 0 only: refused without find_unused_parameters, averaged
    (as zeros where unused) with it."""
    from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

    nn = torch.nn

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 1)
            self.b = nn.Linear(3, 1)

        def forward(self, x, use_b):
            return self.a(x) + (self.b(x) if use_b else 0.0)

    torch.manual_seed(5)
    x = torch.ones(2, 3) * (r + 1)
    strict = DDP(Two())
    try:
        strict(x, False).sum().backward()
        info["unused_error"] = None
    except RuntimeError as e:
        info["unused_error"] = str(e)
    model = Two()
    ddp = DDP(model, find_unused_parameters=True)
    ddp(x, r == 0).sum().backward()
    for k, p in model.named_parameters():
        out[f"unused/{k}"] = p.grad.numpy()


def _compiled(torch, out, info, r, n):
    """The training of :func:`_train` (plain SGD) as one torch.compile'd step."""
    import warnings

    from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

    model = make_model(torch, seed=100 + r)
    ddp = DDP(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=LR)
    x, y = data()
    lo, hi = r * BATCH // n, (r + 1) * BATCH // n
    xs, ys = torch.from_numpy(x[lo:hi]), torch.from_numpy(y[lo:hi])

    def step(xs, ys):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(ddp(xs), ys)
        loss.backward()
        opt.step()
        return loss

    compiled = torch.compile(step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(STEPS):
            compiled(xs, ys).item()
    info["compile_warnings"] = [str(w.message) for w in caught]
    for k, v in params_of(model).items():
        out[f"compiled/{k}"] = v


def _batchnorm(torch, out, r):
    """Running statistics: each rank's own after a training step; rank 0's on every rank
    after the next forward (buffers are broadcast before it)."""
    from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    ddp = DDP(model)
    x = torch.from_numpy(data()[0][r * 8:(r + 1) * 8])
    ddp(x).sum().backward()
    out["bn/after_step"] = model[1].running_mean.numpy()
    ddp.eval()
    with torch.no_grad():
        ddp(x)
    out["bn/after_next_forward"] = model[1].running_mean.numpy()


def _mismatch(torch, info, r):
    from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

    try:
        DDP(torch.nn.Linear(3, 2 + r))
        info["mismatch_error"] = None
    except ValueError as e:
        info["mismatch_error"] = str(e)


def tree_of(rank: int) -> dict:
    """Arrays of several dtypes (rank-dependent) for broadcast_tree."""
    return {"f32": np.array([-0.0, np.nan, 1.5 + rank, -rank], dtype=np.float32),
            "i64": np.arange(3, dtype=np.int64) * (rank + 1) - 2**40,
            "bool": np.array([rank % 2 == 0, True, False]),
            "f16": np.array(2.5 * (rank + 1), dtype=np.float16),
            "nested": [np.full((2, 2), rank, dtype=np.uint8)]}


def _broadcast_tree(out, r):
    import tmath_array as xp
    import tmath_array.distributed as dist

    t = tree_of(r)
    got = dist.broadcast_tree({k: ([xp.asarray(a) for a in v] if isinstance(v, list)
                                   else xp.asarray(v)) for k, v in t.items()}, 0)
    got = dist.broadcast_tree(got, 0)  # chained, not evaluated in between
    for k, v in got.items():
        out[f"tree/{k}"] = np.asarray(v[0] if isinstance(v, list) else v)


def main(scenario: str, outdir: str) -> None:
    import tmath_array.torch as torch

    torch.distributed.init_process_group("gloo")
    r, n = torch.distributed.get_rank(), torch.distributed.get_world_size()
    out: dict[str, np.ndarray] = {}
    info: dict = {"rank": r, "size": n}
    if scenario == "ddp":
        _train(torch, out, info, r, n)
        _no_sync(torch, out, info, r, n)
        _unused(torch, out, info, r, n)
        _compiled(torch, out, info, r, n)
        _batchnorm(torch, out, r)
        _mismatch(torch, info, r)
        _broadcast_tree(out, r)
        torch.distributed.barrier()
    elif scenario == "die":
        # one training step together; then the last rank dies, the other goes on
        from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

        model = DDP(make_model(torch, seed=1))
        x, y = data()
        xs, ys = torch.from_numpy(x), torch.from_numpy(y)
        torch.nn.functional.mse_loss(model(xs), ys).backward()
        float(model.module.fc1.weight.grad.sum())
        if r == n - 1:
            sys.stderr.write(f"rank {r}: exiting on purpose\n")
            sys.stderr.flush()
            os._exit(3)
        torch.nn.functional.mse_loss(model(xs), ys).backward()
        float(model.module.fc1.weight.grad.sum())  # fails: the peer is gone
        info["survived"] = True
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    np.savez(os.path.join(outdir, f"rank{r}.npz"), **{k.replace("/", "__"): v
                                                      for k, v in out.items()})
    with open(os.path.join(outdir, f"rank{r}.json"), "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
