"""The fuzz runner: runs workers in child processes, survives their crashes and hangs.

``python -m tools.fuzz --calls N --seed S`` starts a worker (:mod:`.worker`) and
reads one JSON line per event from a pipe. A worker that dies on a signal or
exits early is a ``bug:crash`` at the call it had started; one silent for
``--timeout`` seconds is killed, a ``bug:hang``. Either way a new worker resumes
after that call. At the end: outcomes by kind, every distinct bug with a
reproducer line, and (``--json``) the same as a file.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

from .values import HEADER

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Run:
    """Aggregated outcomes of one fuzz run."""

    def __init__(self, seed: int, calls: int):
        self.seed = seed
        self.calls = calls
        self.done = 0
        self.kinds: collections.Counter = collections.Counter()
        self.by_target: dict[str, collections.Counter] = collections.defaultdict(
            collections.Counter)
        self.bugs: dict[tuple[str, str, str], dict] = {}
        self.restarts = 0
        self.targets: list[str] = []

    def record(self, target: str, kind: str, src: str, detail: str) -> None:
        self.done += 1
        self.kinds[kind] += 1
        self.by_target[target][kind] += 1
        if kind.startswith(("bug:", "fuzzer-error:")):
            key = (target, kind, _signature(detail))
            entry = self.bugs.setdefault(key, {"target": target, "kind": kind, "count": 0,
                                               "detail": detail, "src": src})
            entry["count"] += 1
            if len(src) < len(entry["src"]):  # keep the shortest reproducer
                entry.update(src=src, detail=detail)

    @property
    def bug_count(self) -> int:
        return sum(n for k, n in self.kinds.items() if k.startswith("bug:"))

    def summary(self) -> dict:
        return {"seed": self.seed, "calls_requested": self.calls, "calls": self.done,
                "targets": len(self.targets), "worker_restarts": self.restarts,
                "outcomes": dict(sorted(self.kinds.items())),
                "bugs": sorted(self.bugs.values(), key=lambda b: (b["target"], b["kind"]))}


def _signature(detail: str) -> str:
    """The message of a bug without its numbers: one entry per kind of failure."""
    import re

    first = detail.splitlines()[0] if detail else ""
    return re.sub(r"-?\d[\d.e+-]*", "#", first)[:120]


def run(calls: int, seed: int, batch_size: int = 8, timeout: float = 120.0,
        max_memory_gib: float = 4.0, only: str = "", selftest: str = "",
        max_bytes: str = "256M", progress: bool = False, log: str | None = None,
        compile: bool = True) -> Run:
    """Fuzz ``calls`` calls from ``seed``; returns the aggregated :class:`Run`.

    ``compile=False`` runs the worker with ``TMATH_ARRAY_NO_COMPILE=1``: composites op
    by op, no g++ (the CI profile: cold kernel caches make compiling cost minutes).
    """
    result = Run(seed, calls)
    batches = -(-calls // batch_size)
    batch, skip = 0, 0
    t0 = time.monotonic()
    logf = open(log, "w", buffering=1) if log else None  # noqa: SIM115
    while batch < batches and result.done < calls:
        last_size = calls - (batches - 1) * batch_size
        r, w = os.pipe()
        env = dict(os.environ, TMATH_ARRAY_MAX_BYTES=max_bytes, PYTHONFAULTHANDLER="1")
        if not compile:
            env["TMATH_ARRAY_NO_COMPILE"] = "1"
        env.setdefault("PYTHONPATH", _ROOT)
        cmd = [sys.executable, "-m", "tools.fuzz.worker", "--seed", str(seed),
               "--batch", str(batch), "--skip", str(skip), "--batches", str(batches),
               "--batch-size", str(batch_size), "--fd", str(w),
               "--max-memory-gib", str(max_memory_gib)]
        if only:
            cmd += ["--only", only]
        if selftest and result.restarts == 0:
            cmd += ["--selftest", selftest]
        with tempfile.TemporaryFile() as errf:
            proc = subprocess.Popen(cmd, cwd=_ROOT, env=env, pass_fds=(w,),
                                    stdout=subprocess.DEVNULL, stderr=errf)
            os.close(w)
            started = None  # the call in progress: (batch, i, target, src)
            position = None  # (batch, index) of the next call to draw, once one ended
            reader = os.fdopen(r, "r")
            ended = False
            killed = ""
            buf = ""
            alive = False  # (importing takes seconds: the timeout starts with the first event)
            while True:
                ready, _, _ = select.select([reader], [], [], timeout if alive else
                                            max(timeout, 300.0))
                if not ready:
                    killed = "hang"
                    proc.send_signal(signal.SIGKILL)
                    break
                chunk = os.read(r, 1 << 16).decode()
                if not chunk:
                    break
                buf += chunk
                *lines, buf = buf.split("\n")
                for line in lines:
                    ev = json.loads(line)
                    if logf:
                        logf.write(line + "\n")
                    t = ev["t"]
                    alive = True
                    if t == "targets":
                        result.targets = ev["names"]
                    elif t == "S":
                        started = ev
                    elif t == "E":
                        result.record(started["target"], ev["kind"], started["src"],
                                      ev["detail"])
                        started = None
                        position = (ev["b"], ev["i"] + 1)
                        if progress and result.done % 1000 == 0:
                            el = time.monotonic() - t0
                            print(f"  {result.done} calls, {result.bug_count} bugs, "
                                  f"{el:.0f} s", file=sys.stderr, flush=True)
                        if result.done >= calls:
                            ended = True
                    elif t == "B":
                        batch, skip = ev["b"] + 1, 0
                        position = (batch, 0)
                if ended:
                    proc.kill()
                    break
            reader.close()
            rc = proc.wait()
            errf.seek(0)
            stderr = errf.read().decode(errors="replace")
        if ended or (rc == 0 and started is None and batch >= batches):
            break
        # The worker died (or hung) during `started`, while drawing a call, or at start.
        if started is None:
            if position is None:
                if killed or rc != 0:
                    raise RuntimeError(f"fuzz worker failed before any call (rc={rc}):\n"
                                       f"{stderr[-3000:]}")
                break
            # Drawing the next call failed: the fuzzer's fault; skip that draw.
            b, i = position
            result.record("(drawing)", "fuzzer-error:draw", f"batch {b}, call {i}",
                          _tail(stderr))
            result.restarts += 1
            batch, skip = b, i + 1
            if skip >= (batch_size if batch < batches - 1 else last_size):
                batch, skip = batch + 1, 0
            continue
        how = killed or (f"signal {signal.Signals(-rc).name}" if rc < 0 else f"exit {rc}")
        kind = "bug:hang" if killed else "bug:crash"
        detail = f"{how}; stderr: {_tail(stderr)}"
        result.record(started["target"], kind, started["src"], detail)
        if logf:
            logf.write(json.dumps({"t": "E", "b": started["b"], "i": started["i"],
                                   "kind": kind, "detail": detail}) + "\n")
        result.restarts += 1
        batch, skip = started["b"], started["i"] + 1
        if skip >= (batch_size if batch < batches - 1 else last_size):
            batch, skip = batch + 1, 0
    if logf:
        logf.close()
    result.elapsed = time.monotonic() - t0
    return result


def _tail(text: str, n: int = 6) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])[-1500:]


def _commit() -> str | None:
    """The checked-out commit (with ``+dirty`` for uncommitted changes), if git knows it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=_ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=_ROOT, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def report(res: Run, file=sys.stdout) -> None:
    p = lambda *a: print(*a, file=file)  # noqa: E731
    p(f"fuzz: seed {res.seed}, {res.done} calls of {len(res.targets)} targets in "
      f"{getattr(res, 'elapsed', 0):.0f} s ({res.restarts} worker restarts)")
    for kind, n in sorted(res.kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        p(f"  {kind:<40} {n}")
    if res.bugs:
        p(f"\n{len(res.bugs)} distinct bugs; reproduce each after:\n  {HEADER}")
        for b in sorted(res.bugs.values(), key=lambda b: (b["target"], b["kind"])):
            p(f"\n[{b['kind']}] {b['target']} ({b['count']}x): {b['detail'][:300]}")
            p(f"  {b['src']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.fuzz", description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=8, help="calls per target in a row")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds without progress before a call counts as a hang")
    ap.add_argument("--max-memory-gib", type=float, default=4.0,
                    help="address-space limit of the worker (RLIMIT_AS)")
    ap.add_argument("--max-bytes", default="256M",
                    help="TMATH_ARRAY_MAX_BYTES for the worker (largest array)")
    ap.add_argument("--only", default="", help="comma-separated targets")
    ap.add_argument("--json", help="write the summary here")
    ap.add_argument("--log", help="write every event (JSON lines) here")
    ap.add_argument("--selftest", default="", choices=["", "crash", "abort", "hang"])
    ap.add_argument("--no-compile", action="store_true",
                    help="run composites op by op (TMATH_ARRAY_NO_COMPILE=1), as CI does")
    ap.add_argument("--progress", action="store_true")
    a = ap.parse_args(argv)
    res = run(a.calls, a.seed, a.batch_size, a.timeout, a.max_memory_gib, a.only,
              a.selftest, a.max_bytes, a.progress, a.log, not a.no_compile)
    report(res)
    if a.json:
        summary = res.summary()
        summary["commit"] = _commit()
        summary["seconds"] = round(res.elapsed, 1)
        summary["compile"] = not a.no_compile
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1)
    return 1 if res.bugs else 0


if __name__ == "__main__":
    sys.exit(main())
