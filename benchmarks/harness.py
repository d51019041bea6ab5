"""The timing discipline every benchmark here follows.

- Each measurement calls ``fn()`` and then ``sync(result)`` *inside* the timed
  region: lazy or asynchronous backends (MLX, PyTorch on CUDA/MPS) are timed
  for the work they did, not for queueing it.
- Warm-up calls first (compilation, caches, allocator), then ``repeat`` timed
  calls; the median is reported, with the interquartile range as the noise.
- Ratios compare cases measured in the same run, interleaved round-robin (each
  round starting one case later), so a noisy neighbour slows every backend alike.

A benchmark module exposes ``run(quick: bool, progress) -> list[dict]``; each
row is ``{"group", "case", "backend", "median_s", "iqr_s", "n", ...}`` and the
report adds ``"ratio"`` (to the fastest backend of the same group and case).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


def no_sync(result) -> None:
    """For eager backends (NumPy): the result already exists."""


def mlx_sync(result) -> None:
    """Evaluate an MLX or tmath result (arrays, or tuples/lists of them)."""
    import mlx.core as mx

    mx.eval(_as_mx(result))


def _as_mx(result):
    if isinstance(result, (tuple, list)):
        return [_as_mx(r) for r in result]
    if hasattr(result, "__mlx_array__"):
        return result.__mlx_array__()
    return result


def torch_sync_for(device: str) -> Callable[[object], None]:
    """The sync hook for a PyTorch device ("cpu", "cuda", "mps")."""
    import torch

    if device.startswith("cuda"):
        return lambda result: torch.cuda.synchronize()
    if device.startswith("mps"):
        return lambda result: torch.mps.synchronize()
    return no_sync


@dataclass
class Case:
    """One backend's way of doing one thing: ``fn`` produces a result, ``sync`` waits for it."""

    group: str
    case: str
    backend: str
    fn: Callable[[], object]
    sync: Callable[[object], None] = no_sync
    extra: dict = field(default_factory=dict)
    times: list = field(default_factory=list)


def time_once(fn: Callable[[], object], sync: Callable[[object], None]) -> float:
    """Seconds for one call of ``fn`` including its synchronisation."""
    t0 = time.perf_counter()
    sync(fn())
    return time.perf_counter() - t0


def time_inner(fn: Callable[[], object], sync: Callable[[object], None], number: int) -> float:
    """Seconds per call over ``number`` calls, synchronising each (for micro-second ops)."""
    t0 = time.perf_counter()
    for _ in range(number):
        sync(fn())
    return (time.perf_counter() - t0) / number


def measure(cases: Iterable[Case], *, warmup: int = 2, repeat: int = 9,
            number: int = 1, progress: Callable[[], None] | None = None,
            interleave: bool = True, settle: float = 0.0) -> list[dict]:
    """Time ``cases`` side by side (round-robin) and return one row per case.

    ``number`` > 1 times that many synchronised calls per sample (for ops
    far below a millisecond, where the clock's resolution and loop overhead
    would dominate a single call).

    ``interleave=False`` times each case's repeats back to back, each after its
    own warm-up. Use it when backends run their own thread pools (NumPy's and
    MLX's BLAS, PyTorch's OpenMP): a pool that still spins after its call takes
    the cores the next backend's threads wait for, and on 2 cores that costs the
    next call a scheduler time slice (~10 ms), whatever its real speed. ``settle``
    seconds of sleep before each case then let the previous pool stop spinning (NumPy's
    OpenBLAS spins ~0.1 s after a call).
    """
    cases = list(cases)
    if not interleave:
        rows = []
        for i, c in enumerate(cases):
            if settle:
                time.sleep(settle)
            rows += measure([c], warmup=warmup, repeat=repeat, number=number)
            # The same number of progress steps as the round-robin: one per round.
            steps = repeat * (i + 1) // len(cases) - repeat * i // len(cases)
            for _ in range(steps if progress is not None else 0):
                progress()
        return rows
    for c in cases:
        for _ in range(warmup):
            time_once(c.fn, c.sync)
    for i in range(repeat):
        # Each round starts one case later, so no case always runs right after the
        # same neighbour (whose BLAS threads may still spin, or whose data fills the cache).
        k = i % len(cases) if cases else 0
        for c in cases[k:] + cases[:k]:
            if number == 1:
                c.times.append(time_once(c.fn, c.sync))
            else:
                c.times.append(time_inner(c.fn, c.sync, number))
        if progress is not None:
            progress()
    return [row(c) for c in cases]


def row(c: Case) -> dict:
    ts = sorted(c.times)
    q = statistics.quantiles(ts, n=4) if len(ts) >= 2 else [ts[0]] * 3
    return {"group": c.group, "case": c.case, "backend": c.backend,
            "median_s": statistics.median(ts), "iqr_s": q[2] - q[0], "n": len(ts), **c.extra}


def add_ratios(rows: list[dict]) -> list[dict]:
    """Add ``ratio``: each row's median over the fastest median of its (group, case)."""
    best: dict[tuple, float] = {}
    for r in rows:
        k = (r["group"], r["case"])
        best[k] = min(best.get(k, float("inf")), r["median_s"])
    for r in rows:
        b = best[(r["group"], r["case"])]
        r["ratio"] = r["median_s"] / b if b > 0 else float("nan")
    return rows


def cli(doc: str, run: Callable[..., list[dict]], fmt: Callable[[list[dict]], str]) -> None:
    """``python -m benchmarks.bench_x [--quick]``: run one module and print its table."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    print(fmt(run(quick=parser.parse_args().quick)))
