"""Micro-benchmarks of indexing: boolean masks (one sync point), clamped gathers, repeat,
writes through a view, and a Python loop over elements (``s += x[i] * y[i]``).

``python -m benchmarks.bench_indexing [--quick]`` prints a table; ``run()`` gives the rows.
Raw MLX appears where it can do the operation at all (it refuses ``x[mask]`` and an
array ``repeats``); its ``take`` is unchecked (out-of-range indices read garbage).
"""

from __future__ import annotations

import sys

import mlx.core as mx
import numpy as np

import tmath_array as xp
from benchmarks.harness import Case, add_ratios, measure, mlx_sync, no_sync


def _cases(n: int) -> list[Case]:
    rng = np.random.default_rng(0)
    a = rng.standard_normal(n).astype(np.float32)
    idx = rng.integers(0, n, n).astype(np.int32)
    reps = rng.integers(0, 3, n).astype(np.int32)
    x, xi, xr = xp.asarray(a), xp.asarray(idx), xp.asarray(reps)
    m, mi = mx.array(a), mx.array(idx)
    mx.eval(m, mi)
    xp.eval(x, xi, xr)
    tag = f"n={n:.0e}"
    cases = [
        Case("x[x > 0]", tag, "tmath_array", lambda: x[x > 0], mlx_sync),
        Case("x[x > 0]", tag, "numpy", lambda: a[a > 0], no_sync),
        Case("take", tag, "tmath_array", lambda: xp.take(x, xi), mlx_sync),
        Case("take", tag, "mlx (unchecked)", lambda: mx.take(m, mi), mlx_sync),
        Case("take", tag, "numpy", lambda: np.take(a, idx), no_sync),
        Case("x[idx]", tag, "tmath_array", lambda: x[xi], mlx_sync),
        Case("x[idx]", tag, "mlx (unchecked)", lambda: m[mi], mlx_sync),
        Case("x[idx]", tag, "numpy", lambda: a[idx], no_sync),
        Case("repeat(x, array)", tag, "tmath_array", lambda: xp.repeat(x, xr), mlx_sync),
        Case("repeat(x, array)", tag, "numpy", lambda: np.repeat(a, reps), no_sync),
    ]

    def set_tm():
        y = xp.asarray(x, copy=True)
        y[y > 0] = 0.0
        return y

    def set_mx():
        y = mx.array(m)
        y[y > 0] = 0.0
        return y

    def set_np():
        y = a.copy()
        y[y > 0] = 0.0
        return y

    cases += [Case("x[x > 0] = 0", tag, "tmath_array", set_tm, mlx_sync),
              Case("x[x > 0] = 0", tag, "mlx", set_mx, mlx_sync),
              Case("x[x > 0] = 0", tag, "numpy", set_np, no_sync)]

    def view_tm():  # a write through a view reaches the base (docs/views.md)
        y = xp.asarray(x, copy=True)
        v = y[1:-1]
        v += 1.0
        return y

    def view_np():
        y = a.copy()
        v = y[1:-1]
        v += 1.0
        return y

    cases += [Case("v = x[1:-1]; v += 1", tag, "tmath_array", view_tm, mlx_sync),
              Case("v = x[1:-1]; v += 1", tag, "numpy", view_np, no_sync)]
    if n <= 1_000:
        b = a[::-1].copy()
        y = xp.asarray(b)
        xp.eval(y)

        def loop(x, y):  # evaluated arrays: element reads are host reads
            s = 0.0
            for i in range(n):
                s += x[i] * y[i]
            return float(s)

        cases += [Case("loop s += x[i]*y[i]", tag, "tmath_array", lambda: loop(x, y), no_sync),
                  Case("loop s += x[i]*y[i]", tag, "numpy", lambda: loop(a, b), no_sync)]
    return cases


def run(quick: bool = False, progress=None) -> list[dict]:
    rows = []
    for n in ((1_000, 100_000) if quick else (1_000, 100_000, 1_000_000)):
        small = n <= 1_000
        rows += measure(_cases(n), repeat=5 if quick else 9, number=50 if small else 1,
                        progress=progress)
    return add_ratios(rows)


def main() -> None:
    rows = run(quick="--quick" in sys.argv)
    print(f"{'group':<18} {'case':<20} {'backend':<16} {'median':>10} {'iqr':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['group']:<18} {r['case']:<20} {r['backend']:<16} "
              f"{r['median_s'] * 1e6:>8.1f}us {r['iqr_s'] * 1e6:>7.1f}us {r['ratio']:>6.2f}")


if __name__ == "__main__":
    main()
