"""The namespace used from several Python threads at once.

What is and is not thread-safe is in docs/reliability.md. Checks that could crash or hang
run in a fresh interpreter (with a timeout), so a failure fails one test.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from test_reliability import run_python

import tmath_array as xp
from tmath_array._runtime import compile_cache as _compile

WORKER = """
    import threading
    import numpy as np
    import tmath_array as xp

    shared = xp.asarray(np.linspace(-2, 2, 24, dtype=np.float32).reshape(4, 6))
    xp.eval(shared)  # shared read-only: evaluated before the threads start
    step = xp.compile(lambda a, b: xp.tanh(a @ b) * 0.5 + 0.25)
    failures = []

    def work(k):
        try:
            rng = np.random.default_rng(k)
            a_np = rng.integers(-4, 5, size=(6, 5)).astype(np.float32) / 4
            a = xp.asarray(a_np)
            s_np = np.linspace(-2, 2, 24, dtype=np.float32).reshape(4, 6)
            for i in range(40):
                x = step(shared, a)                        # compiled function, shared input
                y = xp.clip(x, 0.0, 0.5)                   # composite
                z = xp.sort(y, axis=1, descending=True)    # composite
                w = xp.cumulative_sum(z, axis=1)[:, ::2]   # composite and indexing
                m = xp.mean(w)
                want = np.clip(np.tanh(s_np @ a_np) * 0.5 + 0.25, 0, 0.5)
                want = np.cumsum(-np.sort(-want, axis=1), axis=1)[:, ::2]
                got = np.asarray(w)                         # sync point in this thread
                assert np.allclose(got, want, rtol=1e-5, atol=1e-6), (k, i)
                assert abs(float(m) - want.mean()) < 1e-5
                a = a * 0.5 + 0.1
                a_np = a_np * np.float32(0.5) + np.float32(0.1)
        except Exception as e:
            failures.append(repr(e))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(len(failures), failures[:2])
"""


def test_threads_compute_correctly_and_the_process_exits_cleanly():
    """Eight threads run compiled functions, composites, sorting and indexing on their own
    arrays and one shared (evaluated) array; each checks its results against NumPy. Then
    the process exits: with MLX 0.32.4 a thread that ran a compiled function could make the
    exit abort, one exit in two (docs/reliability.md); three runs must exit cleanly."""
    for _ in range(3):
        out = run_python(WORKER.replace("THREADS", "8"), timeout=300)
        assert out.strip() == "0 []"


def test_compile_cache_is_safe_under_threads():
    """Threads making, calling and dropping compiled functions while others fill the
    shared cache past its bound: no 'OrderedDict mutated during iteration', no KeyError,
    no deadlock (a timeout), the bound holds."""
    out = run_python("""
        import sys, threading
        import tmath_array as xp
        from tmath_array._runtime import compile_cache as _compile
        sys.setswitchinterval(1e-5)
        _compile.maxsize = 8
        x = xp.ones((3, 4, 5))
        xp.eval(x)
        errors, done = [], threading.Event()

        def churn():
            try:
                for i in range(1500):
                    f = xp.compile(lambda a: a + 1)
                    f(x)
                    f.cache_info()
                    del f
            except Exception as e:
                errors.append(repr(e))
            done.set()

        def fill(k):
            try:
                i = 0
                while not done.is_set():
                    xp.var(x, axis=(i + k) % 3)  # a composite; each axis is its own entry
                    xp.std(x, axis=(i + k) % 3, correction=1)
                    i += 1
            except Exception as e:
                errors.append(repr(e))

        ts = [threading.Thread(target=churn)] + [
            threading.Thread(target=fill, args=(k,)) for k in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        info = xp.compile_cache_info()
        print(len(errors), errors[:2], info.entries <= info.maxsize)
    """, timeout=300)
    assert out.split() == ["0", "[]", "True"]


def test_sync_counter_is_exact_under_threads():
    """Each thread counts its own sync points; xp.sync_stats() adds them up, including the
    threads that have ended."""
    x = xp.ones((2,))
    xp.eval(x)
    xp.reset_sync_stats()

    def work():
        for _ in range(300):
            xp.eval(x)
            float(xp.sum(x))  # (x[0] of evaluated x is a host read: no sync point)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = xp.sync_stats()
    assert (s["explicit"], s["conversion"], s.total) == (1800, 1800, 3600)
    xp.reset_sync_stats()
    assert xp.sync_stats().total == 0


def test_tracing_in_one_thread_does_not_refuse_syncs_in_another():
    """While one thread traces a compiled function, a sync point in another thread runs
    (the 'no sync while tracing' rule is per thread; it was global)."""
    x = xp.asarray([1.0, 2.0])
    started, release = threading.Event(), threading.Event()

    def slow(a):
        started.set()
        release.wait(10)
        return a + 1

    f = xp.compile(slow)
    out = []

    def call():
        out.append(f(x))
        xp.eval(out[0])  # in this thread: see the test below

    t = threading.Thread(target=call)
    t.start()
    try:
        assert started.wait(10)
        assert float(x[1]) == 2.0  # raised "compile: slow converts an array ..." before
    finally:
        release.set()
        t.join()
    assert out[0].tolist() == [2.0, 3.0]
    if _compile.enabled:  # in the tracing thread itself, a sync point is still refused
        with pytest.raises(RuntimeError, match="while being compiled"):
            xp.compile(lambda a: a + float(a[0]))(x)


def test_lazy_array_from_another_thread_says_what_to_do():
    """MLX gives each thread its own streams: an array whose computation is pending can
    only be evaluated in the thread that built it. Evaluating it elsewhere raises a
    RuntimeError that says so; evaluated in its thread first, it can be shared."""
    results = {}

    def work():
        base = xp.asarray([1.0, 2.0, 3.0])
        results["lazy"] = base * 2 + 1          # pending: built on this thread's stream
        evaluated = base * 3
        xp.eval(evaluated)
        results["evaluated"] = evaluated

    t = threading.Thread(target=work)
    t.start()
    t.join()
    with pytest.raises(RuntimeError, match="computed lazily in another thread"):
        results["lazy"].tolist()
    assert (results["evaluated"] + 1).tolist() == [4.0, 7.0, 10.0]


def test_setitem_on_a_shared_array_stays_in_the_writing_thread():
    """``x[i] = v`` replaces x's data by a computation pending in the writing thread: other
    threads can read x only once the writer has evaluated it (docs/reliability.md)."""
    for evaluate in (False, True):
        x = xp.asarray(np.zeros(4, dtype=np.float32))
        xp.eval(x)

        def write(x=x, evaluate=evaluate):
            x[1] = 5.0
            if evaluate:
                xp.eval(x)

        t = threading.Thread(target=write)
        t.start()
        t.join()
        if evaluate:
            assert x.tolist() == [0.0, 5.0, 0.0, 0.0]
        else:
            with pytest.raises(RuntimeError, match="computed lazily in another thread"):
                x.tolist()
