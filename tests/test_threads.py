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


def test_lazy_array_from_another_thread_can_be_read():
    """Every thread's default MLX stream is one shared stream (docs/reliability.md): an
    array whose computation is pending in one thread is evaluated in another, both ways."""
    results = {}
    main_pending = xp.asarray([1.0, 2.0, 3.0]) * 10  # pending, built in this thread

    def work():
        base = xp.asarray([1.0, 2.0, 3.0])
        results["lazy"] = base * 2 + 1          # pending, built in the worker
        results["from_main"] = (main_pending + 1).tolist()  # the main thread's pending array

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert results["lazy"].tolist() == [3.0, 5.0, 7.0]
    assert results["from_main"] == [11.0, 21.0, 31.0]


def test_setitem_on_a_shared_array_is_seen_by_other_threads():
    """``x[i] = v`` in one thread is read in another without an explicit evaluation."""
    x = xp.asarray(np.zeros(4, dtype=np.float32))
    xp.eval(x)

    def write():
        x[1] = 5.0

    t = threading.Thread(target=write)
    t.start()
    t.join()
    assert x.tolist() == [0.0, 5.0, 0.0, 0.0]


def test_thread_pool_pattern_of_scikit_learn():
    """The pattern of scikit-learn's parallel pairwise distances (joblib's threading
    backend): workers compute on the main thread's pending arrays and write their columns
    into one shared, pending result; the main thread reads the result and the parts."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((96, 6)).astype(np.float32)
    x = xp.asarray(x_np)
    y = x * 2               # pending in the main thread
    ret = xp.zeros((96, 96))  # pending too

    def work(s):
        d = xp.sum((x[:, None, :] - y[None, s, :]) ** 2, axis=-1)
        ret[:, s] = d
        if s.start % 24 == 0:
            xp.eval(d)  # some workers evaluate while others build
        return d

    for _ in range(3):
        with ThreadPoolExecutor(4) as pool:
            parts = list(pool.map(work, [slice(i, i + 12) for i in range(0, 96, 12)]))
        want = ((x_np[:, None, :] - 2 * x_np[None, :, :]) ** 2).sum(-1)
        np.testing.assert_allclose(np.asarray(xp.concat(parts, axis=1)), want, rtol=1e-5)
        np.testing.assert_allclose(np.asarray(ret), want, rtol=1e-5)


def test_joblib_threading_backend_with_scikit_learn():
    """Real third-party code: scikit-learn's pairwise_distances with n_jobs=2 on joblib's
    threading backend (its array-API mode), against its NumPy result."""
    out = run_python("""
        import os
        os.environ["SCIPY_ARRAY_API"] = "1"
        import numpy as np
        import sklearn
        from joblib import parallel_backend
        from sklearn.metrics import pairwise_distances
        import tmath_array as xp
        x_np = np.random.default_rng(0).standard_normal((60, 5)).astype(np.float32)
        ok = []
        with sklearn.config_context(array_api_dispatch=True):
            for metric in ("euclidean", "manhattan", "cosine"):
                with parallel_backend("threading", n_jobs=2):
                    d = pairwise_distances(xp.asarray(x_np), metric=metric, n_jobs=2)
                ref = pairwise_distances(x_np, metric=metric)
                ok.append(isinstance(d, xp.Array)
                          and np.allclose(np.asarray(d), ref, rtol=1e-4, atol=1e-4))
        print(ok)
    """, timeout=300)
    assert out.strip() == "[True, True, True]"


def test_per_thread_streams_on_request_say_what_to_do():
    """With TMATH_ARRAY_THREAD_STREAMS=1 (MLX's per-thread streams: evaluations in different
    threads overlap), a pending array of another thread raises a RuntimeError saying what
    to do; evaluated in its thread first, it can be shared."""
    out = run_python("""
        import os
        os.environ["TMATH_ARRAY_THREAD_STREAMS"] = "1"
        import threading
        import tmath_array as xp
        results = {}

        def work():
            base = xp.asarray([1.0, 2.0, 3.0])
            results["lazy"] = base * 2 + 1
            evaluated = base * 3
            xp.eval(evaluated)
            results["evaluated"] = evaluated

        t = threading.Thread(target=work)
        t.start()
        t.join()
        try:
            results["lazy"].tolist()
            print("no error")
        except RuntimeError as e:
            print("computed lazily in another thread" in str(e))
        print((results["evaluated"] + 1).tolist())
    """, timeout=300)
    assert out.split() == ["True", "[4.0,", "7.0,", "10.0]"]
