"""tmath_array.nn against raw MLX and PyTorch (and NumPy where it is a one-liner).

    python -m benchmarks.bench_nn [--quick]

What the thin layer costs over MLX"s fused kernels, and where MLX"s CPU build
stands against PyTorch"s for the usual transformer-block functions (float32).
"""

from __future__ import annotations

import argparse
import math

import mlx.core as mx
import numpy as np

import tmath_array as xp
import tmath_array.nn as tnn
from benchmarks.harness import Case, add_ratios, measure, mlx_sync, no_sync

GROUP = "nn functions (float32)"


def _np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _cases() -> list[list[Case]]:
    rng = np.random.default_rng(0)
    n = {"x": rng.standard_normal((1024, 1024), dtype=np.float32),
         "w": rng.standard_normal((1024, 1024), dtype=np.float32) / 32,
         "b": rng.standard_normal(1024, dtype=np.float32),
         "h": rng.standard_normal((256, 1024), dtype=np.float32)}
    for name in "qkv":
        n[name] = rng.standard_normal((1, 8, 256, 64), dtype=np.float32)
    a = {name: xp.asarray(v) for name, v in n.items()}    # tmath_array
    m = {name: mx.array(v) for name, v in n.items()}      # raw MLX
    key = mx.random.key(0)
    tkey = tnn.key(0)
    groups = [
        ("softmax 1024x1024", [
            ("tmath_array", lambda: tnn.softmax(a["x"], -1), mlx_sync),
            ("mlx", lambda: mx.softmax(m["x"], axis=-1, precise=True), mlx_sync),
            ("numpy", lambda: _np_softmax(n["x"]), no_sync)]),
        ("rms_norm 1024x1024", [
            ("tmath_array", lambda: tnn.rms_norm(a["x"], (1024,), a["b"]), mlx_sync),
            ("mlx", lambda: mx.fast.rms_norm(m["x"], m["b"], 1.1920929e-07), mlx_sync)]),
        ("linear 256x1024 @ 1024x1024 + b", [
            ("tmath_array", lambda: tnn.linear(a["h"], a["w"], a["b"]), mlx_sync),
            ("mlx", lambda: mx.addmm(m["b"], m["h"], m["w"].T), mlx_sync),
            ("numpy", lambda: n["h"] @ n["w"].T + n["b"], no_sync)]),
        ("attention 8 heads 256x64 causal", [
            ("tmath_array", lambda: tnn.scaled_dot_product_attention(
                a["q"], a["k"], a["v"], is_causal=True), mlx_sync),
            ("mlx", lambda: mx.fast.scaled_dot_product_attention(
                m["q"], m["k"], m["v"], scale=1 / math.sqrt(64), mask="causal"), mlx_sync)]),
        ("dropout 1024x1024 p=0.1", [
            ("tmath_array", lambda: tnn.dropout(a["x"], 0.1, rng_key=tkey), mlx_sync),
            ("mlx", lambda: mx.where(mx.random.bernoulli(0.9, m["x"].shape, key=key),
                                     m["x"] / 0.9, 0.0), mlx_sync)]),
    ]
    try:
        import torch
        import torch.nn.functional as tf
    except ImportError:
        torch = None
    if torch is not None:
        t = {name: torch.from_numpy(v) for name, v in n.items()}
        extra = {
            "softmax 1024x1024": lambda: tf.softmax(t["x"], -1),
            "rms_norm 1024x1024": lambda: tf.rms_norm(t["x"], [1024], t["b"]),
            "linear 256x1024 @ 1024x1024 + b": lambda: tf.linear(t["h"], t["w"], t["b"]),
            "attention 8 heads 256x64 causal": lambda: tf.scaled_dot_product_attention(
                t["q"], t["k"], t["v"], is_causal=True),
            "dropout 1024x1024 p=0.1": lambda: tf.dropout(t["x"], 0.1),
        }
        for case, impls in groups:
            impls.append(("torch-cpu", extra[case], no_sync))
    return [[Case(GROUP, case, name, fn, sync) for name, fn, sync in impls]
            for case, impls in groups]


def run(quick: bool = False, progress=None) -> list[dict]:
    rows: list[dict] = []
    for cases in _cases():
        rows += measure(cases, warmup=2, repeat=5 if quick else 15, progress=progress)
    return add_ratios(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for r in run(args.quick):
        print(f"{r['case']:34s} {r['backend']:12s} {r['median_s'] * 1e3:9.3f} ms "
              f"x{r['ratio']:.2f}")


if __name__ == "__main__":
    main()
