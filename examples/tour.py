"""A short tour of tmath_array: the namespace at work, laziness, and a timing table.

Run with ``bash scripts/main.sh`` (or ``python examples/tour.py [--quick]``).
Every timing evaluates its result inside the timed region and reports the
median of repeated runs, side by side with raw MLX and NumPy.
"""

from __future__ import annotations

import argparse
import statistics
import time

import mlx.core as mx
import numpy as np

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else 25

    print(f"tmath_array {xp.__version__} - Array API {xp.__array_api_version__} over MLX "
          f"{mx.__version__}")
    info = xp.__array_namespace_info__()
    print(f"devices: {', '.join(map(str, info.devices()))}; default {info.default_device()}")
    print(f"default dtypes: { {k: v.name for k, v in info.default_dtypes().items()} }")

    x = xp.reshape(xp.arange(12, dtype=xp.float32), (3, 4))
    y = (x @ x.mT) / 10 + xp.eye(3)
    print("\nx @ x.mT / 10 + eye(3) =")
    print(y)
    print("x[::-1, 1:3] =", x[::-1, 1:3].tolist())

    _lazy.reset()
    z = xp.ones((1000,))
    for _ in range(1000):
        z = z * 1.0001 + 0.0001
    built = dict(_lazy.counts())
    total = float(xp.sum(z)) if hasattr(xp, "sum") else float(z[0])
    print(f"\n1,000 chained ops built with {sum(built.values())} sync points; "
          f"reading a value made {sum(_lazy.counts().values())} (value {total:.4f})")

    n = 1_000_000
    a_np = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    a_mx = mx.array(a_np)
    a_xp = xp.asarray(a_np)

    def chain_np():
        return (a_np * 2.0 + 1.0) * a_np - a_np / 3.0

    def chain_mx():
        r = (a_mx * 2.0 + 1.0) * a_mx - a_mx / 3.0
        mx.eval(r)

    def chain_xp():
        r = (a_xp * 2.0 + 1.0) * a_xp - a_xp / 3.0
        xp.eval(r)

    rows = [("tmath_array", median_ms(chain_xp, repeats)),
            ("raw MLX", median_ms(chain_mx, repeats)),
            ("NumPy", median_ms(chain_np, repeats))]
    best = min(t for _, t in rows)
    print(f"\n5-op elementwise chain on {n:,} float32 values (median of {repeats}, "
          "evaluated inside the timed region):")
    print(f"{'backend':<12} {'ms':>8} {'x fastest':>10}")
    for name, t in rows:
        print(f"{name:<12} {t:8.3f} {t / best:10.2f}")


if __name__ == "__main__":
    main()
