"""Throughput of NumPy/PyTorch <-> tmath_array conversions against a plain memcpy.

    python -m benchmarks.bench_interop [--quick] [--json PATH]

For float32 arrays of 1, 16 and 256 MB (``--quick`` drops 256 MB), one run measures:

* the baselines: ``memcpy`` (``np.copyto`` into an existing buffer: the bandwidth of
  copying alone) and ``alloc+copy`` (``ndarray.copy()``: a fresh buffer, so the page
  faults of new memory too, which is the work any copying conversion must do);
* the copying paths: NumPy -> tmath and torch -> tmath (``xp.asarray``: MLX copies what
  it imports), tmath -> NumPy (``np.array(x)``) and tmath -> torch with ``copy=True``;
* the zero-copy paths: tmath -> NumPy (``np.asarray(x)``), tmath -> torch
  (``xp.to_torch(x)``) and ``torch.from_dlpack(x)``, whose cost must not grow with size.

Every tmath result is evaluated inside the timed region (``mlx_sync``), and every
export includes its own sync point. Copying paths and baselines are interleaved
round-robin in one ``measure`` call per size, so they see the same machine.
``GB/s`` counts the array's bytes once; ``x memcpy`` and ``x alloc+copy`` divide it by
the baselines' GB/s at the same size, measured in the same process.

Fresh memory costs page faults. On Linux with transparent huge pages in ``madvise``
mode, NumPy asks for huge pages for its large buffers and MLX (plain ``malloc``) does
not, so MLX's buffers fault 512 times as often. The rows marked ``[hugetlb]`` come from
a subprocess started with ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1``, which makes
glibc's ``malloc`` ask too (glibc >= 2.35), with its own baselines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

from benchmarks.harness import Case, add_ratios, measure, mlx_sync

SIZES_MB = (1, 16, 256)
MEMCPY = "memcpy (np.copyto)"
ALLOC_COPY = "alloc+copy (ndarray.copy)"


HUGETLB = " [hugetlb]"


def _cases(size_mb: int):
    """(copying cases, zero-copy cases) for one size."""
    import torch

    import tmath_array as xp

    n = size_mb * (1 << 20) // 4
    src = np.random.default_rng(size_mb).standard_normal(n, dtype=np.float32)
    dst = np.empty_like(src)
    tensor = torch.from_numpy(src.copy())
    x = xp.asarray(src)
    mlx_sync(x)
    case = f"{size_mb} MB"
    copying = [
        Case("copy", case, MEMCPY, lambda: np.copyto(dst, src)),
        Case("copy", case, ALLOC_COPY, lambda: src.copy()),
        Case("copy", case, "numpy -> tmath (xp.asarray)", lambda: xp.asarray(src), mlx_sync),
        Case("copy", case, "torch -> tmath (xp.asarray)", lambda: xp.asarray(tensor), mlx_sync),
        Case("copy", case, "tmath -> numpy (np.array, copy)", lambda: np.array(x)),
        Case("copy", case, "tmath -> torch (xp.to_torch, copy=True)",
             lambda: xp.to_torch(x, copy=True)),
    ]
    zero_copy = [
        Case("zero-copy", case, "tmath -> numpy (np.asarray)", lambda: np.asarray(x)),
        Case("zero-copy", case, "tmath -> torch (xp.to_torch)", lambda: xp.to_torch(x)),
        Case("zero-copy", case, "tmath -> torch (torch.from_dlpack)",
             lambda: torch.from_dlpack(x)),
    ]
    for c in copying + zero_copy:
        c.extra["bytes"] = src.nbytes
    return copying, zero_copy


def _measure(quick: bool, progress, copying_only: bool = False) -> list[dict]:
    rows = []
    for size_mb in SIZES_MB[:2] if quick else SIZES_MB:
        copying, zero_copy = _cases(size_mb)
        if copying_only:
            copying = [c for c in copying if not c.backend.startswith("tmath ->")]
        big = size_mb >= 256
        rows += measure(copying, warmup=1 if big else 2,
                        repeat=(3 if quick else 5) if big else (5 if quick else 9),
                        progress=progress)
        if not copying_only:
            # Microseconds each: many synchronised calls per sample.
            rows += measure(zero_copy, warmup=20, repeat=5 if quick else 9, number=200,
                            progress=progress)
        del copying, zero_copy
    return rows


def _hugetlb_rows(quick: bool) -> list[dict]:
    """Baselines and imports measured in a process whose malloc asks for huge pages."""
    env = {**os.environ, "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
    args = [sys.executable, "-m", "benchmarks.bench_interop", "--worker"]
    if quick:
        args.append("--quick")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(args, env=env, cwd=root, capture_output=True, text=True, check=True)
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    for r in rows:
        r["backend"] += HUGETLB
    return rows


def run(quick: bool = False, progress=None) -> list[dict]:
    """Measure every size; rows as ``benchmarks.harness`` makes them, with GB/s and ratios."""
    rows = _measure(quick, progress) + _hugetlb_rows(quick)
    for r in rows:
        r["gb_s"] = r["bytes"] / r["median_s"] / 1e9
    base = {(r["case"], r["backend"]): r["gb_s"] for r in rows}
    for r in rows:
        tag = HUGETLB if r["backend"].endswith(HUGETLB) else ""
        r["x_memcpy"] = r["gb_s"] / base[(r["case"], MEMCPY + tag)]
        r["x_alloc_copy"] = r["gb_s"] / base[(r["case"], ALLOC_COPY + tag)]
    rows.sort(key=lambda r: (r["bytes"], r["group"] != "copy", r["backend"].endswith(HUGETLB)))
    return add_ratios(rows)


def table(rows: list[dict]) -> str:
    """A Markdown table: median (IQR), GB/s and the ratios to both baselines."""
    lines = ["| size | kind | path | median | IQR | GB/s | x memcpy | x alloc+copy |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['case']} | {r['group']} | {r['backend']} | "
                     f"{_time(r['median_s'])} | {_time(r['iqr_s'])} | {r['gb_s']:.2f} | "
                     f"{r['x_memcpy']:.2f} | {r['x_alloc_copy']:.2f} |")
    return "\n".join(lines)


def _time(s: float) -> str:
    return f"{s * 1e6:.1f} us" if s < 1e-3 else f"{s * 1e3:.2f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 and 16 MB, fewer repeats")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_measure(args.quick, None, copying_only=True)))
        return
    rows = run(args.quick, progress=lambda: print(".", end="", flush=True))
    print()
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
