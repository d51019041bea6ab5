"""The one place where lazy MLX graphs are materialised, and its counter.

Every sync point of tmath_array (conversion to Python or NumPy, data-dependent
shapes, an explicit ``eval``, an export) calls :func:`materialize` with a
reason, so the number of synchronisations and their causes can be inspected
(``xp.sync_stats()``). Nothing else in the package evaluates an MLX array:
``tests/test_lazy.py`` checks the source for other evaluating calls.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
import weakref
from collections.abc import Iterator, Mapping

import mlx.core as mx

# Reasons a sync point can have.
CONVERSION = "conversion"        # __bool__/__int__/__float__/__index__/tolist/__array__/repr
DATA_DEPENDENT = "data-dependent"  # an output shape that depends on values
EXPLICIT = "explicit"            # xp.eval(...)
EXPORT = "export"                # __dlpack__ and buffer exports

REASONS = (CONVERSION, DATA_DEPENDENT, EXPLICIT, EXPORT)

# Sync points are counted per thread, without a lock (a thread-local dict is updated by its
# own thread only); counts() adds them up. Counts of threads that ended go to _retired.
_thread = threading.local()
_live: dict[int, dict[str, int]] = {}  # id of a live thread's counts -> its counts
_retired: dict[str, int] = {}
_registry_lock = threading.Lock()

# While xp.compile traces a function, a sync point cannot run in the tracing thread (MLX
# refuses to evaluate tracers): thread id -> the name of the function it traces.
tracing: dict[int, str] = {}


# --- one CPU stream for every thread -------------------------------------------------------
# Note: MLX gives each thread its own default stream, and a pending computation can only be
# evaluated in the thread whose stream holds it: an array built lazily in one thread (a
# worker of joblib's or concurrent.futures' thread pools) could not be read in another.
# Every thread's default CPU stream is instead one stream MLX lets any thread evaluate
# (``new_thread_unsafe_stream``); evaluations take a lock, so that no two run on it at once
# (MLX's condition for such a stream). The price: evaluations in different threads no longer
# overlap. TMATH_ARRAY_THREAD_STREAMS=1 keeps MLX's per-thread streams (evaluations overlap;
# a pending array must then be evaluated in its thread first). See docs/reliability.md.
SHARED_STREAM = os.environ.get("TMATH_ARRAY_THREAD_STREAMS", "") in ("", "0")
_eval_lock = threading.RLock()


def _share_cpu_stream() -> None:
    """Make one thread-unsafe CPU stream the default of this thread and of every thread
    started from now on (a one-shot ``threading.setprofile`` hook sets it as the thread
    starts, then hands the thread the profiler that was there before)."""
    stream = mx.new_thread_unsafe_stream(mx.cpu)
    mx.set_default_stream(stream)
    previous = threading.getprofile()

    def enter(frame, event, arg):
        sys.setprofile(previous)
        mx.set_default_stream(stream)
        if previous is not None:
            return previous(frame, event, arg)
        return None

    threading.setprofile(enter)


if SHARED_STREAM:
    _share_cpu_stream()


def materialize(reason: str, *arrays: mx.array) -> None:
    """Evaluate ``arrays`` (MLX arrays) and count one sync point for ``reason``."""
    if tracing and threading.get_ident() in tracing:
        raise _sync_in_trace(reason, tracing[threading.get_ident()])
    c = getattr(_thread, "counts", None)
    if c is None:
        c = _first_sync_in_thread()
    c[reason] = c.get(reason, 0) + 1
    try:
        if SHARED_STREAM:
            with _eval_lock:
                mx.eval(*arrays)
        else:
            mx.eval(*arrays)
    except RuntimeError as e:
        if str(e).startswith("There is no Stream"):
            raise _other_thread(e) from e
        raise
    if len(evaluated) > 4096:
        evaluated.clear()  # (a cache: forgetting only makes element reads slower)
    for a in arrays:
        evaluated[id(a)] = weakref.ref(a)


# MLX arrays known to be evaluated (by a sync point above): id -> weak reference. Element
# reads of such arrays come from a host copy without a sync point (see _array/array.py).
# An array updated in place (MLX's __setitem__) is dropped with forget().
evaluated: dict[int, weakref.ref] = {}


def is_evaluated(a: mx.array) -> bool:
    """Whether ``a`` was evaluated at a sync point (and not changed since)."""
    w = evaluated.get(id(a))
    return w is not None and w() is a


def forget(a: mx.array) -> None:
    """``a`` (an MLX array object) is about to change in place: no longer evaluated."""
    evaluated.pop(id(a), None)


class _ThreadEnd:
    """Kept in the thread-local storage of a thread (not the main one) that synchronised
    or ran a compiled function: when the thread ends, Python drops it, and it keeps the
    thread's counts."""

    __slots__ = ("counts",)

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def __del__(self) -> None:
        with _registry_lock:
            _live.pop(id(self.counts), None)
            for k, v in self.counts.items():
                _retired[k] = _retired.get(k, 0) + v


# Threads other than the main one that used MLX through tmath_array: native id -> thread.
_used: dict[int, threading.Thread] = {}
MAIN_THREAD = threading.main_thread().ident


def enter_thread() -> None:
    """Register a thread other than the main one (once): see :func:`_await_thread_ends`.

    Called where a thread may first run a compiled function (a composite, ``xp.compile``),
    which matters even if the thread never synchronises.
    """
    if getattr(_thread, "counts", None) is None:
        _first_sync_in_thread()


def _first_sync_in_thread() -> dict[str, int]:
    c: dict[str, int] = {}
    _thread.counts = c
    t = threading.current_thread()
    with _registry_lock:
        _live[id(c)] = c
        if t is not threading.main_thread():
            if len(_used) > 64:  # forget threads that have ended for good
                for tid in [i for i, u in _used.items() if not u.is_alive()
                            and not os.path.exists(f"/proc/self/task/{i}")]:
                    del _used[tid]
            _used[threading.get_native_id()] = t
    if t is not threading.main_thread():
        _thread.end = _ThreadEnd(c)
    return c


@atexit.register
def _await_thread_ends() -> None:
    """At exit, give threads that used MLX and have ended the time to finish ending.

    Note: MLX (0.31.2 and later) gives each thread its own compile cache, which holds
    Python objects and is destroyed by C++ when the thread ends, after Python has
    joined it. If the interpreter is shutting down meanwhile, that destructor cannot take
    the GIL and the process aborts ("terminate called without an active exception"): one
    exit in two after a thread ran any compiled function (every composite of tmath_array
    is one), measured with MLX 0.32.4. Waiting here (without the GIL) until such threads
    are gone, a few milliseconds at most, avoids it. (Calling ``mx.clear_streams()`` as
    the thread ends instead can deadlock with another thread dropping a compiled function.)
    """
    with _registry_lock:
        ended = [tid for tid, t in _used.items() if not t.is_alive()]
    if not ended:
        return
    deadline = time.monotonic() + 2.0
    if not os.path.isdir("/proc/self/task"):  # not Linux: no way to see a thread go
        time.sleep(0.05)
        return
    for tid in ended:
        while os.path.exists(f"/proc/self/task/{tid}") and time.monotonic() < deadline:
            time.sleep(0.001)


def _other_thread(e: RuntimeError) -> RuntimeError:
    return RuntimeError(
        f"{e} The array was computed lazily in another thread whose MLX stream is its own "
        "(TMATH_ARRAY_THREAD_STREAMS=1, a thread started before tmath_array was imported, "
        "or one not started by the threading module): its pending computation can only run "
        "in the thread that built it. Evaluate it there (xp.eval(x)) before handing it to "
        "another thread; evaluated arrays can be shared. See docs/reliability.md."
    )


def _sync_in_trace(reason: str, name: str) -> RuntimeError:
    what = {
        CONVERSION: "converts an array to a Python or NumPy value",
        DATA_DEPENDENT: "calls a function whose output shape depends on the data",
        EXPLICIT: "calls xp.eval",
        EXPORT: "exports an array (DLPack/buffer)",
    }.get(reason, f"reaches a sync point ({reason})")
    return RuntimeError(
        f"compile: {name} {what} while being compiled. A compiled function is "
        "traced once and replayed, so it cannot read array values (no bool(x), float(x), "
        "x.tolist(), printing, data-dependent shapes). Compute such values outside the "
        "compiled function, or set TMATH_ARRAY_NO_COMPILE=1 to run it op by op while "
        "debugging."
    )


def counts() -> dict[str, int]:
    """The sync-point counters of all threads, keyed by reason (reasons never hit are absent)."""
    with _registry_lock:
        total = dict(_retired)
        for c in list(_live.values()):
            for k, v in list(c.items()):
                total[k] = total.get(k, 0) + v
    return total


def reset() -> None:
    """Set every sync-point counter back to zero (a sync point running meanwhile in another
    thread may be counted before or after)."""
    with _registry_lock:
        _retired.clear()
        for c in _live.values():
            c.clear()


class SyncStats(Mapping):
    """A read-only snapshot of the sync-point counters.

    A mapping from reason (``"conversion"``, ``"data-dependent"``, ``"explicit"``,
    ``"export"``) to the number of sync points with that reason; every reason is
    a key, with 0 when it never happened. ``total`` is the sum. Snapshots
    subtract: ``after - before`` counts what happened in between.
    """

    __slots__ = ("_c",)

    def __init__(self, counts: Mapping[str, int]) -> None:
        c = dict.fromkeys(REASONS, 0)
        c.update(counts)
        self._c = c

    @property
    def total(self) -> int:
        """The number of sync points, whatever their reason."""
        return sum(self._c.values())

    def __getitem__(self, reason: str) -> int:
        return self._c[reason]

    def __iter__(self) -> Iterator[str]:
        return iter(self._c)

    def __len__(self) -> int:
        return len(self._c)

    def __sub__(self, other: SyncStats) -> SyncStats:
        if not isinstance(other, SyncStats):
            return NotImplemented
        return SyncStats({k: v - other._c.get(k, 0) for k, v in self._c.items()})

    def __repr__(self) -> str:
        parts = ", ".join(f"{k!r}: {v}" for k, v in self._c.items())
        return f"SyncStats(total={self.total}, {{{parts}}})"
