"""Elementwise functions: tmath_array against raw MLX and NumPy.

Two groups: ``large`` (1M elements, one evaluated call per sample: the fused kernels
and the float64 fixes against the MLX op they replace) and ``call`` (3 elements,
building and evaluating one call: the per-op overhead of the namespace).

    python -m benchmarks.elementwise [--quick]
"""

from __future__ import annotations

import sys

import mlx.core as mx
import numpy as np

import tmath_array as xp
from benchmarks.harness import Case, add_ratios, measure, mlx_sync


def _cases(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    a32 = rng.uniform(-100, 100, n).astype(np.float32)
    b32 = rng.uniform(-100, 100, n).astype(np.float32)
    a64 = a32.astype(np.float64)
    x, y, x64 = xp.asarray(a32), xp.asarray(b32), xp.asarray(a64)
    m, k, m64 = x._array, y._array, x64._array
    mx.eval(m, k, m64)
    # case -> (tmath_array, raw MLX or None, NumPy)
    return {
        "add f32": (lambda: x + y, lambda: m + k, lambda: a32 + b32),
        "sin f32": (lambda: xp.sin(x), lambda: mx.sin(m), lambda: np.sin(a32)),
        "exp f32": (lambda: xp.exp(x), lambda: mx.exp(m), lambda: np.exp(a32)),
        "sign f32": (lambda: xp.sign(x), lambda: mx.sign(m), lambda: np.sign(a32)),
        "exp f64": (lambda: xp.exp(x64), lambda: mx.exp(m64), lambda: np.exp(a64)),
        "sin f64": (lambda: xp.sin(x64), lambda: mx.sin(m64), lambda: np.sin(a64)),
        "cos f64": (lambda: xp.cos(x64), lambda: mx.cos(m64), lambda: np.cos(a64)),
        "hypot f32": (lambda: xp.hypot(x, y), lambda: mx.sqrt(m * m + k * k),
                      lambda: np.hypot(a32, b32)),
        "logaddexp f32": (lambda: xp.logaddexp(x, y), lambda: mx.logaddexp(m, k),
                          lambda: np.logaddexp(a32, b32)),
        "copysign f32": (lambda: xp.copysign(x, y), None, lambda: np.copysign(a32, b32)),
        "nextafter f32": (lambda: xp.nextafter(x, y), None, lambda: np.nextafter(a32, b32)),
        "clip f32": (lambda: xp.clip(x, -1.0, 1.0), lambda: mx.clip(m, -1.0, 1.0),
                     lambda: np.clip(a32, -1.0, 1.0)),
        "remainder f32": (lambda: x % y, lambda: mx.remainder(m, k), lambda: a32 % b32),
    }


def run(quick: bool = False, progress=None) -> list[dict]:
    rows = []
    for group, n, number in (("large", 100_000 if quick else 1_000_000, 1),
                             ("call", 3, 200 if quick else 2000)):
        cases = []
        for name, (t, m, p) in _cases(n).items():
            cases.append(Case(group, name, "tmath_array", t, mlx_sync, {"n": n}))
            if m is not None:
                cases.append(Case(group, name, "mlx", m, mlx_sync, {"n": n}))
            cases.append(Case(group, name, "numpy", p, extra={"n": n}))
        rows += measure(cases, warmup=2, repeat=3 if quick else 7, number=number,
                        progress=progress)
    return add_ratios(rows)


def main(argv: list[str]) -> None:
    rows = run(quick="--quick" in argv)
    print(f"{'group':6s} {'case':15s} {'backend':12s} {'median':>12s} {'ratio':>7s}")
    for r in rows:
        t = r["median_s"]
        shown = f"{t * 1e3:9.3f} ms" if t >= 1e-3 else f"{t * 1e6:9.2f} us"
        print(f"{r['group']:6s} {r['case']:15s} {r['backend']:12s} {shown:>12s} "
              f"{r['ratio']:7.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
