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

import argparse
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
    out["tmath"] = (xp.asarray(base), xp.asarray(other), xp.asarray(base > 0))
    out["numpy"] = (base.copy(), other.copy(), base > 0)
    out["array-api-strict"] = (aas.asarray(base), aas.asarray(other), aas.asarray(base > 0))
    mx.eval(*out["mlx"], *(a.__mlx_array__() for a in out["tmath"]))
    return out


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
    }


def _cases(group: str, n: int) -> list[harness.Case]:
    operands = _operands(n)
    evaluate = group == LARGE
    cases = []
    for backend in ("mlx", "tmath", "numpy", "array-api-strict"):
        x, y, c = operands[backend]
        sync = harness.mlx_sync if evaluate and backend in ("mlx", "tmath") else harness.no_sync
        for name, op in _ops(backend).items():
            cases.append(harness.Case(group, name, backend,
                                      (lambda op=op, x=x, y=y, c=c: op(x, y, c)), sync))
    return cases


def add_overheads(rows: list[dict]) -> list[dict]:
    """Add ``overhead`` (over the reference backend) and ``target`` to the rows."""
    by_key = {(r["group"], r["case"], r["backend"]): r for r in rows}
    for r in rows:
        ref = REFERENCE.get(r["backend"])
        if ref is None:
            continue
        base = by_key.get((r["group"], r["case"], ref))
        if base is not None and base["median_s"] > 0:
            r["overhead"] = r["median_s"] / base["median_s"]
            r["reference"] = ref
        if r["backend"] == "tmath":
            r["target"] = TARGETS[r["group"]]
    return rows


def run(quick: bool = False, progress=None) -> list[dict]:
    """Measure both groups; one row per (group, op, backend)."""
    rows = []
    # Tiny ops: many calls per sample (a single call is ~1 us, below the clock's use).
    rows += harness.measure(_cases(TINY, 4), warmup=2, repeat=7 if quick else 21,
                            number=2000 if quick else 5000, progress=progress)
    rows += harness.measure(_cases(LARGE, 1_000_000), warmup=3, repeat=9 if quick else 41,
                            number=1, progress=progress)
    return add_overheads(harness.add_ratios(rows))


def format_table(rows: list[dict]) -> str:
    """One line per (group, op): the four backends' medians and the two overheads."""
    lines = []
    groups = dict.fromkeys(r["group"] for r in rows)
    for group in groups:
        unit, scale = ("us", 1e6)
        lines.append(f"\n{group} (median {unit}; overhead = tmath/mlx and strict/numpy)")
        lines.append(f"{'op':16s}{'mlx':>9s}{'tmath':>9s}{'ratio':>8s}{'target':>8s}"
                     f"{'numpy':>10s}{'strict':>10s}{'ratio':>8s}")
        cases = dict.fromkeys(r["case"] for r in rows if r["group"] == group)
        for case in cases:
            get = {r["backend"]: r for r in rows if r["group"] == group and r["case"] == case}
            t = get["tmath"]
            s = get["array-api-strict"]
            ok = "ok" if t["overhead"] <= t["target"] else "MISS"
            lines.append(
                f"{case:16s}{get['mlx']['median_s'] * scale:9.2f}{t['median_s'] * scale:9.2f}"
                f"{t['overhead']:7.2f}x{ok:>8s}{get['numpy']['median_s'] * scale:10.2f}"
                f"{s['median_s'] * scale:10.2f}{s['overhead']:7.2f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    print(format_table(run(quick=args.quick)))


if __name__ == "__main__":
    main()
