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


def _variants():
    """``([(label, setter)], restore)``: each way tmath_array can run a product (the default
    marked), and the setter of the default (None when there is nothing to switch).

    With the compiled kernels, the default splits a large product into bands over the
    cores, each band one single-threaded call of the library (``blas.split_products``);
    the others are one call on one thread and one call on the library's own threads.
    """
    from tmath_array._runtime import blas as _blas
    from tmath_array._runtime import kernels as _kernels

    provider = _blas.status.provider
    if provider is None or provider.set_threads is None:
        return [("tmath_array", None)], None
    cores = len(os.sched_getaffinity(0))
    default = provider.threads()
    split = _blas.status.split_threads
    ext = _kernels.ext if split else None

    def setter(lib_threads, bands):
        def apply():
            provider.set_threads(lib_threads)
            if ext is not None:
                ext.set_gemm_threads(bands)
        return apply

    out = []
    if split:
        out.append((f"tmath_array (bands over {split} threads) [default]", setter(default, split)))
    for t in sorted({1, default, cores}):
        label = f"tmath_array ({t} BLAS thread{'s' if t > 1 else ''})"
        out.append((label + (" [default]" if t == default and not split else ""),
                    setter(t, 1)))
    return out, setter(default, split or 1)


def _local_rows(quick: bool, progress, plan=None, suffix: str = "") -> list[dict]:
    """tmath_array in each of its ways (``_variants``) and NumPy, in one process.

    Each backend's calls run back to back after their own warm-up, and a pause of
    ``SETTLE_S`` comes before each backend: NumPy's OpenBLAS threads spin for ~0.1 s after
    each call, and interleaved (or right after NumPy), they hold the second core through the
    next backend's calls (see ``harness.measure``). The busy-core rows (``_loaded_rows``)
    measure what a core taken by someone else costs, on purpose.
    """
    variants, restore = _variants()
    rows = []

    def load():
        return {"load_avg": round(os.getloadavg()[0], 2)}

    def at(apply, fn):
        def call():
            apply()
            return fn()
        return call

    for op, n, repeat in plan or _plan(quick, reference=False):
        group, case = _case_name(op, n)
        a, b = _inputs(op, n)
        tm = _tmath_fn(op, a, b)
        cases = [Case(group, case, label + suffix, at(apply, tm) if apply else tm, mlx_sync,
                      extra=load())
                 for label, apply in variants]
        cases.append(Case(group, case, "numpy" + suffix, _numpy_fn(op, a, b), extra=load()))
        rows += measure(cases, warmup=1 if n >= 1024 else 2, repeat=repeat, progress=progress,
                        interleave=False, settle=SETTLE_S)
        if restore:
            restore()
    return rows


LOADED = " [1 core busy]"
# Long enough for NumPy's OpenBLAS threads to stop spinning (2**28 cycles: ~0.1 s).
SETTLE_S = 0.3


def _loaded_rows(quick: bool, progress) -> list[dict]:
    """The matmuls again while another process keeps one core busy (a shared machine)."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        plan = [("matmul", n, 5 if quick else 7) for n in (1024, 2048)]
        return _local_rows(quick, progress, plan=plan, suffix=LOADED)
    finally:
        busy.kill()
        busy.wait()


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


def run(quick: bool = False, progress=None, spin_study: bool = False,
        load_study: bool | None = None) -> list[dict]:
    """Measure every case; rows as ``benchmarks.harness`` makes them, with ratios.

    ``load_study`` (default: unless ``quick``) adds the 1024 and 2048 matmuls measured again
    while a busy-looping process holds one core (backends suffixed ``[1 core busy]``).

    ``spin_study`` adds rows from two processes running tmath_array alone (no
    NumPy calls in between) with a BLAS thread per core: one with tmath_array's
    short spin-wait, one with OpenBLAS's default (``OPENBLAS_THREAD_TIMEOUT=28``).
    """
    rows = _local_rows(quick, progress)
    if load_study if load_study is not None else not quick:
        rows += _loaded_rows(quick, progress)
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
    def key(r):
        return r["group"], r["case"], LOADED if r["backend"].endswith(LOADED) else ""

    numpy = {key(r): r["median_s"] for r in rows if r["backend"].startswith("numpy")}
    return {(r["group"], r["case"], r["backend"]): r["median_s"] / numpy[key(r)]
            for r in rows if key(r) in numpy}


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
    parser.add_argument("--no-load-study", action="store_true",
                        help="skip the matmuls measured with one core kept busy")
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
               spin_study=args.spin_study, load_study=not args.no_load_study)
    print()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
