"""MLX's matmul and SVD with the optimised BLAS vs the reference BLAS vs NumPy.

    python -m benchmarks.bench_blas [--quick]

One run measures, on float32 inputs:

* ``tmath_array`` - ``xp.matmul`` (and ``xp.linalg.svd`` where it exists, else
  ``mx.linalg.svd`` on the CPU stream) with the BLAS/LAPACK tmath_array set up,
  at its default thread count and at one BLAS thread (same process, interleaved);
* ``tmath_array (reference BLAS)`` - the same in a subprocess started with
  ``TMATH_ARRAY_BLAS=reference``: what MLX's wheel does on its own;
* ``numpy`` - ``a @ b`` and ``np.linalg.svd`` (NumPy's own OpenBLAS, its defaults).

``--spin-study`` adds two processes running tmath_array alone with a BLAS thread
per core: with tmath_array's short OpenBLAS spin-wait and with OpenBLAS's default.
Every row carries the 1-minute load average when its case started: on a shared
2-core machine it explains most of the variation.

Ratios are to the fastest backend of each case. The reference rows come from
another process, so they are not interleaved with the others; they are slower
by an order of magnitude, far beyond the noise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

from benchmarks.harness import Case, add_ratios, measure, mlx_sync

MATMUL_SIZES = (128, 256, 512, 1024, 2048)
SVD_SIZES = (512,)
REFERENCE_BACKEND = "tmath_array (reference BLAS)"
SHORT_SPIN_BACKEND = "tmath_array alone ({} BLAS threads, short spin)"
SPIN_BACKEND = "tmath_array alone ({} BLAS threads, OpenBLAS default spin)"


def _plan(quick: bool, reference: bool) -> list[tuple[str, int, int]]:
    """(op, size, repeat) to measure; the reference BLAS gets fewer repeats at large sizes."""
    plan = []
    for n in MATMUL_SIZES:
        if reference and quick and n > 1024:
            continue
        repeat = 3 if (reference and n >= 1024) else (5 if quick else 9)
        plan.append(("matmul", n, repeat))
    for n in SVD_SIZES:
        plan.append(("svd", n, 3 if reference else (5 if quick else 9)))
    return plan


def _inputs(op: str, n: int):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return a, b


def _tmath_fn(op: str, a_np, b_np):
    import mlx.core as mx

    import tmath_array as xp

    a, b = xp.asarray(a_np), xp.asarray(b_np)
    if op == "matmul":
        return lambda: xp.matmul(a, b)
    linalg = getattr(xp, "linalg", None)
    if linalg is not None and hasattr(linalg, "svd"):
        return lambda: linalg.svd(a)
    a_mx = a.__mlx_array__()
    return lambda: mx.linalg.svd(a_mx, stream=mx.cpu)


def _numpy_fn(op: str, a, b):
    if op == "matmul":
        return lambda: a @ b
    return lambda: np.linalg.svd(a)


def _case_name(op: str, n: int) -> tuple[str, str]:
    return f"{op} float32", f"{n}x{n}"


def _thread_label(n: int, default: int | None) -> str:
    label = f"tmath_array ({n} BLAS thread{'s' if n > 1 else ''})"
    return label + (" [default]" if n == default else "")


def _local_rows(quick: bool, progress) -> list[dict]:
    """tmath_array at its default BLAS thread count and at 1 and all cores, and NumPy.

    The thread count is switched before each call, so the variants are
    interleaved in one process like every other backend.
    """
    from tmath_array._runtime import blas as _blas

    provider = _blas.status.provider
    default = provider.threads() if provider is not None else None
    counts = sorted({default, 1, len(os.sched_getaffinity(0))}) if default else []
    rows = []

    def load():
        return {"load_avg": round(os.getloadavg()[0], 2)}

    def at(threads, fn):
        def call():
            provider.set_threads(threads)
            return fn()
        return call

    for op, n, repeat in _plan(quick, reference=False):
        group, case = _case_name(op, n)
        a, b = _inputs(op, n)
        tm = _tmath_fn(op, a, b)
        cases = [Case(group, case, _thread_label(t, default), at(t, tm), mlx_sync, extra=load())
                 for t in counts]
        if not counts:
            cases.append(Case(group, case, "tmath_array", tm, mlx_sync, extra=load()))
        cases.append(Case(group, case, "numpy", _numpy_fn(op, a, b), extra=load()))
        rows += measure(cases, warmup=1 if n >= 1024 else 2, repeat=repeat, progress=progress)
        if default:
            provider.set_threads(default)
    return rows


def _subprocess_rows(quick: bool, label: str, env: dict) -> list[dict]:
    """Rows measured in a fresh interpreter whose environment adds ``env``."""
    args = [sys.executable, "-m", "benchmarks.bench_blas", "--worker", label]
    if quick:
        args.append("--quick")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(args, env={**os.environ, **env}, cwd=root, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _worker(quick: bool, label: str) -> list[dict]:
    from tmath_array._runtime import blas as _blas

    reference = label == REFERENCE_BACKEND
    if reference:
        assert _blas.status.mode != "optimised", "the reference worker needs the opt-out"
    rows = []
    for op, n, repeat in _plan(quick, reference=reference):
        group, case = _case_name(op, n)
        a, b = _inputs(op, n)
        rows += measure([Case(group, case, label, _tmath_fn(op, a, b), mlx_sync,
                              extra={"load_avg": round(os.getloadavg()[0], 2)})],
                        warmup=1, repeat=repeat)
    return rows


def run(quick: bool = False, progress=None, spin_study: bool = False) -> list[dict]:
    """Measure every case; rows as ``benchmarks.harness`` makes them, with ratios.

    ``spin_study`` adds rows from two processes running tmath_array alone (no
    NumPy calls in between) with a BLAS thread per core: one with tmath_array's
    short spin-wait, one with OpenBLAS's default (``OPENBLAS_THREAD_TIMEOUT=28``).
    """
    rows = _local_rows(quick, progress)
    rows += _subprocess_rows(quick, REFERENCE_BACKEND, {"TMATH_ARRAY_BLAS": "reference"})
    if spin_study:
        cores = str(len(os.sched_getaffinity(0)))
        default_spin = {"OPENBLAS_THREAD_TIMEOUT": "28"}
        for label, spin in ((SHORT_SPIN_BACKEND, {}), (SPIN_BACKEND, default_spin)):
            rows += _subprocess_rows(quick, label.format(cores),
                                     {"TMATH_ARRAY_BLAS_THREADS": cores, **spin})
    return add_ratios(rows)


def vs_numpy(rows: list[dict]) -> dict[tuple[str, str, str], float]:
    """(group, case, backend) -> median over NumPy's median for the same case."""
    numpy = {(r["group"], r["case"]): r["median_s"] for r in rows if r["backend"] == "numpy"}
    return {(r["group"], r["case"], r["backend"]): r["median_s"] / numpy[(r["group"], r["case"])]
            for r in rows if (r["group"], r["case"]) in numpy}


def table(rows: list[dict]) -> str:
    """A Markdown table: median (IQR) in ms and the ratio to NumPy, per case and backend."""
    ratio = vs_numpy(rows)
    lines = ["| op | size | backend | median ms | IQR ms | x NumPy | load |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        key = (r["group"], r["case"], r["backend"])
        lines.append(f"| {r['group']} | {r['case']} | {r['backend']} | "
                     f"{r['median_s'] * 1e3:.2f} | {r['iqr_s'] * 1e3:.2f} | "
                     f"{ratio.get(key, float('nan')):.2f} | "
                     f"{r.get('load_avg', float('nan')):.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller reference")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    parser.add_argument("--spin-study", action="store_true",
                        help="also measure OpenBLAS with its default spin-wait (subprocess)")
    parser.add_argument("--worker", metavar="LABEL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.quick, args.worker)))
        return
    import tmath_array as xp

    xp.show_config()
    print()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    rows = run(args.quick, progress=lambda: print(".", end="", flush=True),
               spin_study=args.spin_study)
    print()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
