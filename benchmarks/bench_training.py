"""Training: one epoch of a small MLP and of a small CNN, eager and compiled.

The same model, data, batch size and optimizer (SGD with momentum) through
``tmath_array.torch`` (eager, and the whole step under ``torch.compile``), PyTorch on the
CPU, and raw MLX (``mlx.nn`` + ``mx.value_and_grad`` + ``mlx.optimizers``, eager and
``mx.compile``d). Each timed call runs one epoch and synchronises on its last loss.
PyTorch runs with one thread (MLX's CPU stream runs on one).
Run it alone with ``python -m benchmarks.bench_training [--quick]``.
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

from benchmarks.harness import Case, add_ratios, cli, measure, mlx_sync, no_sync

GROUP = "training (one epoch)"


def _data(kind: str, n: int):
    rng = np.random.default_rng(0)
    if kind == "mlp":
        x = rng.standard_normal((n, 64)).astype(np.float32)
    else:
        x = rng.standard_normal((n, 1, 16, 16)).astype(np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    return x, y


def _face_model(torch, kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 4 * 4, 10))


def _torch_like_epoch(torch, kind, x, y, batch, compiled):
    """An epoch function for a PyTorch-API library (the face or PyTorch itself)."""
    torch.manual_seed(0)
    model = _face_model(torch, kind)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    xs = [torch.from_numpy(x[i:i + batch].copy()) for i in range(0, len(x), batch)]
    ys = [torch.from_numpy(y[i:i + batch].copy()) for i in range(0, len(y), batch)]

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss
    f = torch.compile(step) if compiled else step

    def epoch():
        loss = None
        for xb, yb in zip(xs, ys):
            loss = f(xb, yb)
        return loss
    return epoch


def _mlx_epoch(kind, x, y, batch, compiled):
    import mlx.nn as mnn
    import mlx.optimizers as mopt

    mx.random.seed(0)
    if kind == "mlp":
        model = mnn.Sequential(mnn.Linear(64, 128), mnn.ReLU(), mnn.Linear(128, 128),
                               mnn.ReLU(), mnn.Linear(128, 10))
        xs = [mx.array(x[i:i + batch]) for i in range(0, len(x), batch)]
    else:
        model = mnn.Sequential(mnn.Conv2d(1, 8, 3, padding=1), mnn.ReLU(), mnn.MaxPool2d(2),
                               mnn.Conv2d(8, 16, 3, padding=1), mnn.ReLU(), mnn.MaxPool2d(2),
                               lambda t: t.reshape(t.shape[0], -1), mnn.Linear(16 * 4 * 4, 10))
        # mlx.nn convolutions take channels last.
        xs = [mx.array(x[i:i + batch].transpose(0, 2, 3, 1)) for i in range(0, len(x), batch)]
    ys = [mx.array(y[i:i + batch].astype(np.int32)) for i in range(0, len(y), batch)]
    mx.eval(model.parameters())
    opt = mopt.SGD(learning_rate=0.01, momentum=0.9)

    def loss_fn(m, xb, yb):
        return mnn.losses.cross_entropy(m(xb), yb, reduction="mean")
    grad_fn = mnn.value_and_grad(model, loss_fn)

    def step(xb, yb):
        loss, grads = grad_fn(model, xb, yb)
        opt.update(model, grads)
        return loss
    if compiled:
        state = [model.state, opt.state]
        step = mx.compile(step, inputs=state, outputs=state)

    def epoch():
        loss = None
        for xb, yb in zip(xs, ys):
            loss = step(xb, yb)
        mx.eval(model.parameters(), opt.state)
        return loss
    return epoch


def _cases(quick: bool) -> list[list[Case]]:
    import tmath_array.torch as face

    groups = []
    for kind, n, batch in (("mlp", 1024 if quick else 4096, 64),
                           ("cnn", 256 if quick else 1024, 64)):
        x, y = _data(kind, n)
        label = (f"MLP 64-128-128-10, {n} samples, batch {batch}" if kind == "mlp"
                 else f"CNN 2 conv + 2 pool + linear, {n} 1x16x16 images, batch {batch}")
        cases = [
            Case(GROUP, label, "tmath.torch", _torch_like_epoch(face, kind, x, y, batch, False),
                 mlx_sync),
            Case(GROUP, label, "tmath.torch compiled",
                 _torch_like_epoch(face, kind, x, y, batch, True), mlx_sync),
            Case(GROUP, label, "mlx", _mlx_epoch(kind, x, y, batch, False), mlx_sync),
            Case(GROUP, label, "mlx compiled", _mlx_epoch(kind, x, y, batch, True), mlx_sync),
        ]
        try:
            import torch
        except ImportError:
            torch = None
        if torch is not None:
            # Note: one thread, as MLX's CPU stream runs on one; PyTorch's OpenMP pool of 2
            # spins on a shared 2-core machine and measured 10-50x slower under load.
            torch.set_num_threads(1)
            cases.append(Case(GROUP, label, "torch-cpu",
                              _torch_like_epoch(torch, kind, x, y, batch, False), no_sync))
        groups.append(cases)
    return groups


def run(quick: bool = False, progress=None) -> list[dict]:
    rows: list[dict] = []
    for cases in _cases(quick):
        # Not interleaved: PyTorch's thread pool would steal the next backend's cores.
        rows += measure(cases, warmup=2, repeat=3 if quick else 7, progress=progress,
                        interleave=False)
    return add_ratios(rows)


def fmt(rows: list[dict]) -> str:
    out = []
    for r in rows:
        out.append(f"{r['case'][:40]:40s} {r['backend']:22s} {r['median_s'] * 1e3:9.1f} ms "
                   f"x{r['ratio']:.2f}")
    return "\n".join(out)


if __name__ == "__main__":
    cli(__doc__, run, fmt)
