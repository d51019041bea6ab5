"""The fuzz worker: draws calls with Hypothesis and runs them, reporting each one.

Run by :mod:`tools.fuzz.runner` in a child process (a crash or a hang must not
take the runner with it). Calls come in batches of a fixed size, each batch the
calls of one target (every target once per cycle, shuffled by the seed); batch
``b`` of seed ``s`` is one Hypothesis run with seed ``s * 1_000_003 + b``, so a batch
replays exactly and a restarted worker resumes after the call that killed its
predecessor (``--skip``). Before each call the worker writes ``S`` and the
reproducer to the report pipe, after it ``E`` and the outcome, one JSON line each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys


def _limit_memory(max_gib: float) -> None:
    if max_gib > 0:
        n = int(max_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (n, n))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--batch", type=int, default=0, help="first batch")
    p.add_argument("--skip", type=int, default=0, help="calls of the first batch to skip")
    p.add_argument("--batches", type=int, required=True, help="last batch (exclusive)")
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--fd", type=int, required=True, help="report pipe")
    p.add_argument("--max-memory-gib", type=float, default=0)
    p.add_argument("--only", default="", help="comma-separated targets (default: all)")
    p.add_argument("--selftest", default="", help="crash|hang|abort at the first call")
    a = p.parse_args(argv)
    _limit_memory(a.max_memory_gib)

    # Imports that calls would otherwise make on first use (seconds on a loaded machine,
    # counted against the hang timeout): before the first event.
    import tmath_array as xp

    from . import check, targets  # noqa: F401
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    xp.eval(xp.ones(2) + 1)

    out = os.fdopen(a.fd, "w", buffering=1)
    names = targets.discover()
    if a.only:
        wanted = a.only.split(",")
        names = [n for n in names if n in wanted or n.rsplit(".", 1)[1] in wanted]
    out.write(json.dumps({"t": "targets", "names": names}) + "\n")

    for batch in range(a.batch, a.batches):
        n = _run_batch(a, out, names, batch, a.skip if batch == a.batch else 0)
        out.write(json.dumps({"t": "B", "b": batch, "n": n}) + "\n")
    out.close()
    return 0


def target_of(names: list[str], seed: int, batch: int) -> str:
    """The target of a batch: every target once per cycle, in an order the seed shuffles.

    (Hypothesis choosing among ~270 names itself favours some and skips others.)
    """
    cycle, pos = divmod(batch, len(names))
    order = list(names)
    random.Random(seed * 1_000_003 + cycle).shuffle(order)
    return order[pos]


def _run_batch(a, out, names: list[str], batch: int, skip: int) -> int:
    """One Hypothesis run of ``a.batch_size`` calls of one target; the first ``skip`` are
    drawn, not run."""
    import warnings

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    from . import check, targets

    counter = [0]
    target = target_of(names, a.seed, batch)

    @settings(max_examples=a.batch_size, phases=[Phase.generate], database=None,
              deadline=None, suppress_health_check=list(HealthCheck), derandomize=False,
              report_multiple_bugs=False)
    @hseed(a.seed * 1_000_003 + batch)
    @given(st.data())
    def fuzz(data):
        try:
            call = targets.draw_call(data.draw, [target])
        except Exception as exc:  # noqa: BLE001 - the fuzzer's own fault, reported as such
            if type(exc).__module__.startswith("hypothesis"):
                raise  # (its control flow: a rejected draw is drawn again)
            call = exc
        i = counter[0]
        counter[0] += 1
        if i < skip or i >= a.batch_size:
            return
        if isinstance(call, Exception):
            out.write(json.dumps({"t": "S", "b": batch, "i": i, "target": target,
                                  "src": f"(drawing {target})"}) + "\n")
            out.write(json.dumps({"t": "E", "b": batch, "i": i, "kind": "fuzzer-error:draw",
                                  "detail": f"{type(call).__name__}: {call}"[:2000]}) + "\n")
            return
        out.write(json.dumps({"t": "S", "b": batch, "i": i, "target": call.target,
                              "src": call.src()}) + "\n")
        if a.selftest and batch == a.batch and i == skip:
            _selftest(a.selftest)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = check.execute(call)
        out.write(json.dumps({"t": "E", "b": batch, "i": i, "kind": outcome.kind,
                              "detail": outcome.detail[:2000]}) + "\n")

    fuzz()
    return counter[0]


def _selftest(what: str) -> None:
    """Misbehave on purpose, so the runner's detection can be tested."""
    import ctypes
    import signal
    import time

    if what == "crash":
        ctypes.string_at(0)  # SIGSEGV
    elif what == "abort":
        os.kill(os.getpid(), signal.SIGABRT)
    elif what == "hang":
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
