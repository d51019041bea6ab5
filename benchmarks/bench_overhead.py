"""Per-op overhead of tmath_array over raw MLX, beside array-api-strict's over NumPy.

Two groups, the same ops in each:

* ``build, 4 elements``: building one op on a 4-element array (nothing is
  evaluated: MLX and tmath only record a graph node, so this is the pure
  Python cost of the wrapper). NumPy and array-api-strict compute eagerly; on 4
  elements that is their per-call overhead too. Target: tmath <= 2x raw MLX.
* ``1,000,000 elements, evaluated``: the op and its evaluation on 1M float32
  values. Target: tmath <= 1.05x raw MLX.

Each row gets ``overhead``: its median over the reference backend's (tmath over
``mlx``, array-api-strict over ``numpy``), and tmath rows carry their
``target``. Run ``python -m benchmarks.bench_overhead [--quick]`` for a table.
"""

from __future__ import annotations

from collections.abc import Callable

import mlx.core as mx
import numpy as np

from benchmarks import harness

TINY = "build, 4 elements"
LARGE = "1,000,000 elements, evaluated"
TARGETS = {TINY: 2.0, LARGE: 1.05}
REFERENCE = {"tmath": "mlx", "array-api-strict": "numpy"}


def _operands(n: int):
    """(x, y, cond) for each backend, n float32 elements."""
    import array_api_strict as aas

    import tmath_array as xp

    base = np.linspace(-1.0, 1.0, n, dtype=np.float32)
    other = np.linspace(2.0, 0.5, n, dtype=np.float32)
    out = {}
    out["mlx"] = (mx.array(base), mx.array(other), mx.array(base > 0))
    # The very same MLX buffers (asarray wraps an mx.array without a copy): where an
    # array sits in memory moves a 1M-element op by a few percent.
    out["tmath"] = tuple(xp.asarray(a) for a in out["mlx"])
    out["numpy"] = (base.copy(), other.copy(), base > 0)
    out["array-api-strict"] = (aas.asarray(base), aas.asarray(other), aas.asarray(base > 0))
    mx.eval(*out["mlx"], *(a.__mlx_array__() for a in out["tmath"]))
    return out


def _setitem(x, y, c):
    """``y[1] = 0.5`` in place (the same value every time); ``y`` for the sync."""
    y[1] = 0.5
    return y


def _ops(backend: str) -> dict[str, Callable]:
    """The ops, written the way each library spells them."""
    if backend == "mlx":
        return {
            "x + y": lambda x, y, c: x + y,
            "x * 2.0": lambda x, y, c: x * 2.0,
            "-x": lambda x, y, c: -x,
            "x < y": lambda x, y, c: x < y,
            "add(x, y)": lambda x, y, c: mx.add(x, y),
            "where(c, x, y)": lambda x, y, c: mx.where(c, x, y),
            "x[1:]": lambda x, y, c: x[1:],
            "y[1] = 0.5": _setitem,
        }
    if backend == "numpy":
        return {
            "x + y": lambda x, y, c: x + y,
            "x * 2.0": lambda x, y, c: x * np.float32(2.0),
            "-x": lambda x, y, c: -x,
            "x < y": lambda x, y, c: x < y,
            "add(x, y)": lambda x, y, c: np.add(x, y),
            "where(c, x, y)": lambda x, y, c: np.where(c, x, y),
            "x[1:]": lambda x, y, c: x[1:],
            "y[1] = 0.5": _setitem,
        }
    if backend == "tmath":
        import tmath_array as ns
    else:
        import array_api_strict as ns
    return {
        "x + y": lambda x, y, c: x + y,
        "x * 2.0": lambda x, y, c: x * 2.0,
        "-x": lambda x, y, c: -x,
        "x < y": lambda x, y, c: x < y,
        "add(x, y)": lambda x, y, c: ns.add(x, y),
        "where(c, x, y)": lambda x, y, c: ns.where(c, x, y),
        "x[1:]": lambda x, y, c: x[1:],
        "y[1] = 0.5": _setitem,
    }


def _cases(group: str, n: int, backends: tuple[str, ...]) -> list[harness.Case]:
    operands = _operands(n)
    evaluate = group == LARGE
    ops = {b: _ops(b) for b in backends}
    cases = []
    # Op-major order: the backends of one op run back to back in each round.
    for name in ops[backends[0]]:
        for backend in backends:
            x, y, c = operands[backend]
            sync = harness.mlx_sync if evaluate and backend in ("mlx", "tmath") \
                else harness.no_sync
            op = ops[backend][name]
            cases.append(harness.Case(group, name, backend,
                                      (lambda op=op, x=x, y=y, c=c: op(x, y, c)), sync))
    return cases


def measure_with_min(cases: list[harness.Case], *, repeat: int, **kwargs) -> list[dict]:
    """``harness.measure`` in both orders, adding ``min_s`` (the fastest sample) to each row.

    Half the rounds run the cases in the given order, half in reverse: a case
    that runs right after another of the same library can find its caches warm
    (an evaluated slice came out 4x faster when it ran second). On a busy machine
    the median carries other processes' noise; the minimum estimates the
    uncontended cost, so both are reported.
    """
    half = max(1, (repeat + 1) // 2)
    harness.measure(cases, repeat=half, **kwargs)
    harness.measure(cases[::-1], repeat=half, **kwargs)
    rows = [harness.row(c) for c in cases]
    for c, r in zip(cases, rows):
        r["min_s"] = min(c.times)
    return rows


def add_overheads(rows: list[dict]) -> list[dict]:
    """Add ``overhead`` (medians) and ``overhead_min`` (minima) over the reference backend,
    and ``target`` to the tmath rows."""
    by_key = {(r["group"], r["case"], r["backend"]): r for r in rows}
    for r in rows:
        ref = REFERENCE.get(r["backend"])
        if ref is None:
            continue
        base = by_key.get((r["group"], r["case"], ref))
        if base is not None and base["median_s"] > 0:
            r["overhead"] = r["median_s"] / base["median_s"]
            r["overhead_min"] = r["min_s"] / base["min_s"]
            r["reference"] = ref
        if r["backend"] == "tmath":
            r["target"] = TARGETS[r["group"]]
    return rows


def run(quick: bool = False, progress=None) -> list[dict]:
    """Measure both groups; one row per (group, op, backend)."""
    rows = []
    # Each pair is measured on its own: an MLX evaluation right after NumPy work pays
    # for waking MLX's worker thread (milliseconds on a busy machine), which would
    # bias whichever MLX case came first in a round.
    for pair in (("mlx", "tmath"), ("numpy", "array-api-strict")):
        # Tiny ops: many short samples of 100 calls (a call is ~1 us): on a busy
        # machine most short samples run uninterrupted, so the median is stable.
        rows += measure_with_min(_cases(TINY, 4, pair), warmup=2, repeat=21 if quick else 201,
                                 number=100, progress=progress)
        rows += measure_with_min(_cases(LARGE, 1_000_000, pair), warmup=3,
                                 repeat=9 if quick else 101, number=1, progress=progress)
    return add_overheads(harness.add_ratios(rows))


def format_table(rows: list[dict]) -> str:
    """One line per (group, op): the four backends' medians and the two overheads."""
    lines = []
    groups = dict.fromkeys(r["group"] for r in rows)
    for group in groups:
        lines.append(f"\n{group}: medians in us; ratio = tmath/mlx and strict/numpy "
                     f"(of medians, and of minima); target {TARGETS[group]}x")
        lines.append(f"{'op':16s}{'mlx':>9s}{'tmath':>9s}{'ratio':>7s}{'(min)':>7s}{'':>6s}"
                     f"{'numpy':>10s}{'strict':>10s}{'ratio':>8s}{'(min)':>7s}")
        cases = dict.fromkeys(r["case"] for r in rows if r["group"] == group)
        for case in cases:
            get = {r["backend"]: r for r in rows if r["group"] == group and r["case"] == case}
            t = get["tmath"]
            s = get["array-api-strict"]
            ok = "ok" if t["overhead"] <= t["target"] else "MISS"
            lines.append(
                f"{case:16s}{get['mlx']['median_s'] * 1e6:9.2f}{t['median_s'] * 1e6:9.2f}"
                f"{t['overhead']:6.2f}x{t['overhead_min']:6.2f}x{ok:>6s}"
                f"{get['numpy']['median_s'] * 1e6:10.2f}{s['median_s'] * 1e6:10.2f}"
                f"{s['overhead']:7.2f}x{s['overhead_min']:6.2f}x")
    return "\n".join(lines)


if __name__ == "__main__":
    harness.cli(__doc__, run, format_table)
