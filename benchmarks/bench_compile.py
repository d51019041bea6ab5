"""What xp.compile buys, and what a cache hit costs.

* ``chain of 8 ops, 1,000,000 float32``: eight elementwise ops (multiply, add,
  subtract, abs, divide, negative: ops MLX's CPU compiler fuses into one kernel)
  run eagerly with tmath (eight kernels, eight passes over memory), through
  ``xp.compile`` (one fused kernel), as raw ``mx.compile`` and with NumPy.
  Target: compiled at least 4x faster than eager.
* ``cache hit, 4 elements``: calling an already compiled function on a tiny
  array, so the call's overhead shows: ``xp.compile`` against the same function
  compiled with raw ``mx.compile``, built only (one function called repeatedly,
  and two functions in turn) and built + evaluated; and an internal composite
  through ``_compile.run`` against its raw ``mx.compile``.
  Target: xp.compile's hit at most 1.5x raw.

Rows carry ``speedup`` (eager time over this row's, in the chain group) or
``overhead`` (over the raw mx.compile row, in the hit group) and ``target``.
Run ``python -m benchmarks.bench_compile [--quick]`` for a table.
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

from benchmarks import harness
from benchmarks.bench_overhead import measure_with_min

CHAIN = "chain of 8 ops, 1,000,000 float32"
HIT = "cache hit, 4 elements"
SPEEDUP_TARGET = 4.0
HIT_TARGET = 1.5


def chain(x, y):
    """Eight elementwise ops; the same code runs on tmath, MLX and NumPy arrays."""
    t = x * 1.5          # 1
    t = t + y            # 2
    t = t * t            # 3
    t = t - x            # 4
    t = abs(t)           # 5
    t = t / 3.0          # 6
    t = -t               # 7
    return t + 1.0       # 8


def _chain_cases(n: int) -> list[harness.Case]:
    import tmath_array as xp

    base = np.linspace(-1.0, 1.0, n, dtype=np.float32)
    other = np.linspace(0.5, 2.0, n, dtype=np.float32)
    a, b = mx.array(base), mx.array(other)
    mx.eval(a, b)
    x, y = xp.asarray(a), xp.asarray(b)  # the same MLX buffers, no copy
    compiled = xp.compile(chain)
    raw = mx.compile(chain)
    return [
        harness.Case(CHAIN, "chain8", "tmath eager", lambda: chain(x, y), harness.mlx_sync),
        harness.Case(CHAIN, "chain8", "tmath xp.compile", lambda: compiled(x, y),
                     harness.mlx_sync),
        harness.Case(CHAIN, "chain8", "mlx eager", lambda: chain(a, b), harness.mlx_sync),
        harness.Case(CHAIN, "chain8", "mlx mx.compile", lambda: raw(a, b), harness.mlx_sync),
        harness.Case(CHAIN, "chain8", "numpy", lambda: chain(base, other)),
    ]


def _hit_cases() -> list[harness.Case]:
    import tmath_array as xp
    from tmath_array._runtime import compile_cache as _compile

    def small(x):
        return x * 2.0 + 1.0

    def other(x):
        return x * 3.0 - 1.0

    def hypot(a, b):  # an internal composite as _compile.run gets it: MLX arrays
        return mx.sqrt(a * a + b * b)

    x = xp.asarray([1.0, 2.0, 3.0, 4.0])
    a = x.__mlx_array__()
    mx.eval(a)
    compiled = xp.compile(small)
    raw = mx.compile(small)
    raw_hypot = mx.compile(hypot)
    compiled2 = xp.compile(other)
    raw2 = mx.compile(other)
    dev = x.device
    run = _compile.run
    return [
        harness.Case(HIT, "call (build only)", "mx.compile", lambda: raw(a)),
        harness.Case(HIT, "call (build only)", "xp.compile", lambda: compiled(x)),
        # Two functions in turn: each hit is a dictionary lookup (the one-function
        # loop above hits the most recently used entry, which skips it).
        harness.Case(HIT, "2 functions in turn", "mx.compile", lambda: (raw(a), raw2(a))),
        harness.Case(HIT, "2 functions in turn", "xp.compile",
                     lambda: (compiled(x), compiled2(x))),
        harness.Case(HIT, "call + eval", "mx.compile", lambda: raw(a), harness.mlx_sync),
        harness.Case(HIT, "call + eval", "xp.compile", lambda: compiled(x), harness.mlx_sync),
        harness.Case(HIT, "composite (build only)", "mx.compile", lambda: raw_hypot(a, a)),
        harness.Case(HIT, "composite (build only)", "_compile.run",
                     lambda: run("bench_hypot", hypot, dev, a, a)),
    ]


def add_targets(rows: list[dict]) -> list[dict]:
    """Add ``speedup`` over eager (chain) or ``overhead`` over raw mx.compile (hits)."""
    by_key = {(r["group"], r["case"], r["backend"]): r for r in rows}
    for r in rows:
        if r["group"] == CHAIN:
            eager = by_key[(CHAIN, r["case"], "tmath eager")]
            r["speedup"] = eager["median_s"] / r["median_s"]
            r["speedup_min"] = eager["min_s"] / r["min_s"]
            if r["backend"] == "tmath xp.compile":
                r["target"] = SPEEDUP_TARGET
        else:
            raw = by_key[(HIT, r["case"], "mx.compile")]
            r["overhead"] = r["median_s"] / raw["median_s"]
            r["overhead_min"] = r["min_s"] / raw["min_s"]
            if r["backend"] != "mx.compile":
                r["target"] = HIT_TARGET
    return rows


# Calls per sample for each hit case: samples of ~0.3 ms. On a busy machine a sample
# that spans a time slice given to another process carries milliseconds of waiting;
# short samples keep most of them clean, so the median stays meaningful.
_HIT_NUMBER = {"call (build only)": 100, "2 functions in turn": 50, "call + eval": 10,
               "composite (build only)": 100}


def run(quick: bool = False, progress=None) -> list[dict]:
    """Measure the chain and the hit groups; one row per (group, case, backend)."""
    rows = measure_with_min(_chain_cases(1_000_000), warmup=3, repeat=9 if quick else 61,
                            progress=progress)
    hits = _hit_cases()
    for case, number in _HIT_NUMBER.items():
        # The two backends of a case are interleaved with each other.
        rows += measure_with_min([c for c in hits if c.case == case], warmup=2,
                                 repeat=21 if quick else 201, number=number,
                                 progress=progress)
    return add_targets(harness.add_ratios(rows))


def format_table(rows: list[dict]) -> str:
    lines = []
    for group, col in ((CHAIN, "speedup"), (HIT, "overhead")):
        unit, scale = ("ms", 1e3) if group == CHAIN else ("us", 1e6)
        lines.append(f"\n{group}: median {unit}, IQR, min; {col} "
                     f"{'vs tmath eager' if group == CHAIN else 'vs raw mx.compile'}"
                     " (of medians, of minima)")
        for r in (r for r in rows if r["group"] == group):
            target = ""
            if "target" in r:
                ok = (r[col] >= r["target"]) if col == "speedup" else (r[col] <= r["target"])
                target = f"  target {r['target']}x: {'ok' if ok else 'MISS'}"
            lines.append(f"{r['case']:24s}{r['backend']:18s}{r['median_s'] * scale:9.3f}"
                         f" ±{r['iqr_s'] * scale:7.3f}{r['min_s'] * scale:9.3f}"
                         f"{r[col]:7.2f}x{r[col + '_min']:6.2f}x{target}")
    return "\n".join(lines)


if __name__ == "__main__":
    harness.cli(__doc__, run, format_table)
