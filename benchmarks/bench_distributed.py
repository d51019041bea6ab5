"""tmath_array.distributed on this machine: all_sum between 2 local ranks, and the
data-parallel example's step time at 1 and 2 ranks.

    python benchmarks/bench_distributed.py [--quick] [--json FILE]

* ``all_sum, N MB float32, 2 ranks``: the median time of one ``all_sum`` of N MB between
  two ranks on 127.0.0.1 (MLX's ring over TCP; the ranks start each repetition together,
  after a barrier), through tmath_array and through raw ``mx.distributed``; throughput is
  N MB over that time. Against ``np.copyto`` of the same N MB in one process (a local
  memcpy): ``ratio`` is the all_sum's time over the copy's.
* ``example step``: the median step of ``examples/distributed_logreg.py`` (forward,
  hand-written gradients, one fused all-reduce, update, one sync point) at 1 and 2 ranks,
  on the same whole batch; ``ratio`` is the 2-rank step over the 1-rank step.
* ``DDP step``: the median training step of an MLP (PyTorch face: forward, ``backward()``
  with ``DistributedDataParallel``'s fused all-reduce, ``SGD.step()``, one sync point:
  ``loss.item()``) at 1 and 2 ranks on the same global batch (each rank its share), and
  the same step without the wrapper in one process; ``ratio`` is over that plain step.

Every job runs under ``python -m tmath_array.distributed.launch --timeout``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES_MB = (1, 64)
TIMEOUT = 300


def _times(fn, repeat: int, before=None) -> list[float]:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def worker(out: str, repeat: int) -> None:
    """One rank: time all_sum at each size (tmath and raw MLX); rank 0 writes ``out``."""
    import mlx.core as mx

    import tmath_array as xp
    import tmath_array.distributed as dist

    g = dist.init(strict=True)
    rows = []
    for mb in SIZES_MB:
        n = mb * 2**20 // 4
        x = xp.ones((n,), dtype=xp.float32)
        m = mx.ones((n,), dtype=mx.float32)
        xp.eval(x)
        mx.eval(m)
        reps = repeat if mb < 16 else max(3, repeat // 2)
        for _ in range(2):  # warm-up: connections, buffers
            xp.eval(dist.all_sum(x))
        t_tmath = _times(lambda x=x: xp.eval(dist.all_sum(x)), reps, dist.barrier)
        t_raw = _times(lambda m=m: mx.eval(mx.distributed.all_sum(m)), reps, dist.barrier)
        rows.append({"mb": mb, "tmath_s": statistics.median(t_tmath), "raw_s":
                     statistics.median(t_raw), "tmath_min_s": min(t_tmath),
                     "raw_min_s": min(t_raw), "repeat": reps})
    if g.rank() == 0:
        Path(out).write_text(json.dumps(rows))


DDP_BATCH, DDP_SIZES = 4096, (64, 256, 256, 10)


def ddp_worker(out: str, steps: int, wrap: bool) -> None:
    """One rank: time ``steps`` MLP training steps (with DDP if ``wrap``); rank 0 writes
    ``out``."""
    import numpy as np

    import tmath_array.torch as torch

    torch.distributed.init_process_group("gloo")
    r, n = torch.distributed.get_rank(), torch.distributed.get_world_size()
    torch.manual_seed(0)
    layers = []
    for a, b in zip(DDP_SIZES[:-1], DDP_SIZES[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    if wrap:
        model = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(DDP_BATCH, DDP_SIZES[0])).astype(np.float32)
    y = rng.integers(0, DDP_SIZES[-1], size=DDP_BATCH)
    lo, hi = r * DDP_BATCH // n, (r + 1) * DDP_BATCH // n
    xs, ys = torch.from_numpy(x[lo:hi]), torch.from_numpy(y[lo:hi])
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(xs), ys)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(3):  # warm-up
        step()
    times = _times(step, steps)
    with torch.no_grad():  # the whole batch's loss, read on every rank alike
        loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y)).item()
    if r == 0:
        Path(out).write_text(json.dumps({"median_s": statistics.median(times),
                                         "min_s": min(times), "loss": loss}))


def _launch(n: int, args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "tmath_array.distributed.launch", "-n", str(n),
           "--timeout", str(TIMEOUT), *args]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT + 30)
    if p.returncode:
        raise SystemExit(f"job failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def memcpy_rows(repeat: int) -> dict[int, float]:
    import numpy as np

    out = {}
    for mb in SIZES_MB:
        src = np.ones(mb * 2**20 // 4, dtype=np.float32)
        dst = np.empty_like(src)
        np.copyto(dst, src)
        t = _times(lambda dst=dst, src=src: np.copyto(dst, src), repeat * 3)
        out[mb] = (statistics.median(t), min(t))
    return out


def run(quick: bool = False, progress=None) -> list[dict]:
    repeat = 5 if quick else 11
    rows = []
    memcpy = memcpy_rows(repeat)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "allsum.json")
        _launch(2, [str(Path(__file__).resolve()), "--worker", out, "--repeat", str(repeat)])
        measured = json.loads(Path(out).read_text())
    for r in measured:
        mb, nbytes = r["mb"], r["mb"] * 2**20
        copy, copy_min = memcpy[mb]
        for what, key in (("tmath_array", "tmath"), ("raw mx.distributed", "raw")):
            t = r[f"{key}_s"]
            rows.append({"group": "all_sum", "case": f"{mb} MB float32, 2 ranks",
                         "impl": what, "backend": what, "median_s": t, "min_s": r[f"{key}_min_s"],
                         "GB/s": nbytes / t / 1e9, "ratio": t / copy, "vs": "np.copyto"})
        rows.append({"group": "all_sum", "case": f"{mb} MB float32, 2 ranks",
                     "impl": "np.copyto (local memcpy)", "backend": "np.copyto (local memcpy)",
                     "median_s": copy, "min_s": copy_min,
                     "GB/s": nbytes / copy / 1e9, "ratio": 1.0, "vs": "np.copyto"})
    steps = "30" if quick else "100"
    example = str(ROOT / "examples" / "distributed_logreg.py")
    step = {}
    for n in (1, 2):
        p = _launch(n, [example, "--steps", steps, "--rows", "20000", "--features", "64",
                        "--json"])
        step[n] = json.loads(p.stdout.strip().splitlines()[-1])
    for n in (1, 2):
        t = step[n]["median_step_s"]
        rows.append({"group": "example step", "case": "logistic regression, 20000 x 64, "
                     "whole batch", "impl": f"{n} rank(s)", "backend": f"{n} rank(s)",
                     "median_s": t,
                     "min_s": step[n]["min_step_s"], "GB/s": None,
                     "ratio": t / step[1]["median_step_s"], "vs": "1 rank"})
    assert abs(step[1]["loss"] - step[2]["loss"]) < 1e-4 * abs(step[1]["loss"]) + 1e-6
    rows += ddp_rows(30 if quick else 100)
    return rows


def ddp_rows(steps: int) -> list[dict]:
    here = str(Path(__file__).resolve())
    got = {}
    with tempfile.TemporaryDirectory() as d:
        for label, n, wrap in (("no DDP, 1 process", 1, False), ("DDP, 1 rank", 1, True),
                               ("DDP, 2 ranks", 2, True)):
            out = os.path.join(d, "ddp.json")
            _launch(n, [here, "--ddp-worker", out, "--repeat", str(steps)]
                    + ([] if wrap else ["--no-wrap"]))
            got[label] = json.loads(Path(out).read_text())
    base = got["no DDP, 1 process"]["median_s"]
    rows = []
    sizes = "-".join(map(str, DDP_SIZES))
    for label, r in got.items():
        rows.append({"group": "DDP step", "case": f"MLP {sizes}, batch {DDP_BATCH}",
                     "impl": label, "backend": label, "median_s": r["median_s"],
                     "min_s": r["min_s"], "GB/s": None, "ratio": r["median_s"] / base,
                     "vs": "no DDP, 1 process"})
    losses = [r["loss"] for r in got.values()]
    assert max(losses) - min(losses) < 1e-4 * abs(losses[0]) + 1e-6, losses
    return rows


def fmt(rows: list[dict]) -> str:
    lines = [f"{'group':<13} {'case':<44} {'impl':<26} {'median':>10} {'min':>10} "
             f"{'GB/s':>7} {'ratio':>8}  vs (ratio of medians)"]
    for r in rows:
        gbs = f"{r['GB/s']:.2f}" if r["GB/s"] is not None else "-"
        lines.append(f"{r['group']:<13} {r['case']:<44} {r['impl']:<26} "
                     f"{r['median_s'] * 1e3:>8.3f}ms {r['min_s'] * 1e3:>8.3f}ms {gbs:>7} "
                     f"{r['ratio']:>7.2f}x  {r['vs']}")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=None, help="also write the rows to this file")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=11, help=argparse.SUPPRESS)
    ap.add_argument("--ddp-worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--no-wrap", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--ddp-only", action="store_true",
                    help="only the DDP step rows")
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.repeat)
        return
    if args.ddp_worker:
        ddp_worker(args.ddp_worker, args.repeat, not args.no_wrap)
        return
    if args.ddp_only:
        rows = ddp_rows(30 if args.quick else 100)
        print(fmt(rows))
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
        return
    rows = run(quick=args.quick)
    print(fmt(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
