"""The PyTorch face: autograd bookkeeping per op, and an MLP's forward + backward.

    python -m benchmarks.bench_torch [--quick]

Two groups:

* ``torch face: build one op, 4 elements``: building ``x * y + x`` and ``(x @ w).relu()``
  (nothing evaluated): raw MLX, a tmath Array, a face Tensor without grad, and a Tensor
  that requires grad (the op plus its autograd record). The difference of the last two
  is the bookkeeping per op.
* ``MLP forward + backward``: a 2-layer MLP (batch 64, 256 -> 512 -> 10, ReLU, mean
  squared error): one training step's loss and gradients, evaluated. The face
  (``loss.backward()``), real PyTorch on the CPU, and raw MLX (``mx.value_and_grad``).
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

import tmath_array as xp
import tmath_array.torch as tt
from benchmarks.harness import Case, add_ratios, cli, measure, mlx_sync, no_sync

OPS = "torch face: build one op, 4 elements"
MLP = "MLP forward + backward (64x256 -> 512 -> 10, float32)"


def _op_cases() -> list[list[Case]]:
    base = np.linspace(-1.0, 1.0, 4, dtype=np.float32)
    w = np.linspace(0.5, -0.5, 16, dtype=np.float32).reshape(4, 4)
    m = (mx.array(base), mx.array(base[::-1].copy()), mx.array(w))
    a = tuple(xp.asarray(v) for v in m)
    t = tuple(tt.tensor(np.asarray(v)) for v in (base, base[::-1].copy(), w))
    g = tuple(tt.tensor(np.asarray(v), requires_grad=True)
              for v in (base, base[::-1].copy(), w))
    mx.eval(*m)
    xp.eval(*a, *t, *g)
    groups = [
        ("x * y + x", [
            ("mlx", lambda: m[0] * m[1] + m[0]),
            ("tmath", lambda: a[0] * a[1] + a[0]),
            ("torch face", lambda: t[0] * t[1] + t[0]),
            ("torch face, requires_grad", lambda: g[0] * g[1] + g[0])]),
        ("(x @ w).relu()", [
            ("mlx", lambda: mx.maximum(m[0][None] @ m[2], 0)),
            ("tmath", lambda: xp.maximum(a[0][None] @ a[2], 0.0)),
            ("torch face", lambda: (t[0][None] @ t[2]).relu()),
            ("torch face, requires_grad", lambda: (g[0][None] @ g[2]).relu())]),
        ("x.sum(dim=0)", [
            ("mlx", lambda: mx.sum(m[2], axis=0)),
            ("tmath", lambda: xp.sum(a[2], axis=0)),
            ("torch face", lambda: t[2].sum(dim=0)),
            ("torch face, requires_grad", lambda: g[2].sum(dim=0))]),
    ]
    return [[Case(OPS, case, name, fn, no_sync) for name, fn in impls]
            for case, impls in groups]


def _mlp_cases() -> list[Case]:
    rng = np.random.default_rng(0)
    n = {"x": rng.standard_normal((64, 256), dtype=np.float32),
         "y": rng.standard_normal((64, 10), dtype=np.float32),
         "w1": rng.standard_normal((256, 512), dtype=np.float32) / 16,
         "b1": np.zeros(512, np.float32),
         "w2": rng.standard_normal((512, 10), dtype=np.float32) / 22,
         "b2": np.zeros(10, np.float32)}
    # The face.
    f = {k: tt.tensor(v, requires_grad=k not in ("x", "y")) for k, v in n.items()}
    fp = [f[k] for k in ("w1", "b1", "w2", "b2")]

    def face_step():
        for p in fp:
            p.grad = None
        h = (f["x"] @ f["w1"] + f["b1"]).relu()
        loss = ((h @ f["w2"] + f["b2"] - f["y"]) ** 2).mean()
        loss.backward()
        return [loss] + [p.grad for p in fp]

    # Raw MLX.
    m = {k: mx.array(v) for k, v in n.items()}

    def loss_fn(params, x, y):
        w1, b1, w2, b2 = params
        h = mx.maximum(x @ w1 + b1, 0)
        return mx.mean(mx.square(h @ w2 + b2 - y))

    vg = mx.value_and_grad(loss_fn)
    mp = [m[k] for k in ("w1", "b1", "w2", "b2")]

    def mlx_step():
        loss, grads = vg(mp, m["x"], m["y"])
        return [loss] + list(grads)

    cvg = mx.compile(vg)

    def mlx_compiled_step():
        loss, grads = cvg(mp, m["x"], m["y"])
        return [loss] + list(grads)

    cases = [Case(MLP, "one step", "torch face", face_step, mlx_sync),
             Case(MLP, "one step", "mlx value_and_grad", mlx_step, mlx_sync),
             Case(MLP, "one step", "mlx compile(value_and_grad)", mlx_compiled_step,
                  mlx_sync)]
    try:
        import torch
    except ImportError:
        return cases
    r = {k: torch.tensor(v, requires_grad=k not in ("x", "y")) for k, v in n.items()}
    rp = [r[k] for k in ("w1", "b1", "w2", "b2")]

    def torch_step():
        for p in rp:
            p.grad = None
        h = (r["x"] @ r["w1"] + r["b1"]).relu()
        loss = ((h @ r["w2"] + r["b2"] - r["y"]) ** 2).mean()
        loss.backward()
        return [loss] + [p.grad for p in rp]

    cases.append(Case(MLP, "one step", "torch-cpu", torch_step, no_sync))
    return cases


def run(quick: bool = False, progress=None) -> list[dict]:
    rows: list[dict] = []
    for cases in _op_cases():
        rows += measure(cases, warmup=50, repeat=5 if quick else 15, number=200,
                        progress=progress)
    rows += measure(_mlp_cases(), warmup=3, repeat=7 if quick else 25, progress=progress,
                    interleave=False)
    return add_ratios(rows)


def _fmt(rows: list[dict]) -> str:
    out = []
    for r in rows:
        t = r["median_s"]
        unit = f"{t * 1e6:9.2f} us" if t < 1e-3 else f"{t * 1e3:9.3f} ms"
        out.append(f"{r['group'][:36]:36s} {r['case']:16s} {r['backend']:28s} {unit} "
                   f"x{r['ratio']:.2f}")
    return "\n".join(out)


if __name__ == "__main__":
    cli(__doc__, run, _fmt)
