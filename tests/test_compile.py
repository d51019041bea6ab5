"""xp.compile and the compiled-op cache it shares with the internal composites."""

from __future__ import annotations

import gc
import math
import os
import subprocess
import sys

import mlx.core as mx
import numpy as np
import pytest
from helpers import ALL_DTYPE_NAMES, assert_close, to_numpy, xp_dtype
from hypothesis import given, settings
from hypothesis import strategies as st

import tmath_array as xp
from tmath_array._runtime import compile_cache as _compile


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty compiled-op cache and compilation on."""
    _compile.clear()
    yield
    _compile.clear()


def _traced(counter: list):
    """A function that counts how often Python runs it (once per trace)."""
    def f(x, y):
        counter.append(1)
        return x * y + 1.0

    return f


# --- results --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float32", "float16", "bfloat16", "float64", "complex64"])
def test_compiled_equals_eager(name):
    dt = xp_dtype(name)

    def f(x):
        return (x * 3.0 - x / 2.0) * x + 1.0

    x = xp.astype(xp.linspace(-2, 2, 11), dt)
    got = xp.compile(f)(x)
    want = f(x)
    assert got.dtype == dt and got.device == x.device and got.shape == (11,)
    np.testing.assert_allclose(to_numpy(got).astype(np.complex128), to_numpy(want),
                               rtol=1e-2 if name in ("float16", "bfloat16") else 1e-6)


@settings(max_examples=10)  # each new chain is a new fused kernel (a C++ compile on CPU)
@given(st.lists(st.sampled_from(["add", "mul", "sub", "neg", "abs", "sq"]), min_size=1,
                max_size=8),
       st.lists(st.floats(-3, 3, width=32), min_size=1, max_size=6))
def test_random_elementwise_chains_match_eager(ops, values):
    def f(x, y):
        for op in ops:
            if op == "add":
                x = x + y
            elif op == "mul":
                x = x * 0.5
            elif op == "sub":
                x = y - x
            elif op == "neg":
                x = -x
            elif op == "abs":
                x = xp.abs(x)
            else:
                x = x * x / 4.0
        return x

    x = xp.asarray(values, dtype=xp.float32)
    y = xp.asarray(1.5)
    np.testing.assert_allclose(np.asarray(xp.compile(f)(x, y)), np.asarray(f(x, y)),
                               rtol=1e-5, atol=1e-6)


def test_decorator_forms():
    @xp.compile
    def f(x):
        return x + 1

    @xp.compile(shapeless=True)
    def g(x):
        return x + 1

    x = xp.arange(3)
    assert_close(f(x), [1, 2, 3], dtype="int32")
    assert_close(g(x), [1, 2, 3], dtype="int32")
    assert f.__name__ == "f" and f.__wrapped__ is not None
    assert g.shapeless is True and f.shapeless is False
    with pytest.raises(TypeError):
        xp.compile(3)
    with pytest.raises(TypeError):
        xp.compile(lambda x: x, shapeless=1)


def test_nested_structures_in_and_out():
    @xp.compile
    def f(pair, d, *, scale, axis_names=("a", "b")):
        a, b = pair
        return {"sum": (a + b) * scale, "parts": [a - d["w"], axis_names], "n": len(pair)}

    a = xp.asarray([1.0, 2.0])
    b = xp.asarray([3.0, 5.0])
    w = xp.asarray([0.5, 0.5])
    out = f((a, b), {"w": w}, scale=2.0)
    assert set(out) == {"sum", "parts", "n"}
    assert_close(out["sum"], [8.0, 14.0], dtype="float32")
    assert isinstance(out["parts"], list)
    assert_close(out["parts"][0], [0.5, 1.5], dtype="float32")
    assert out["parts"][1] == ("a", "b") and out["n"] == 2
    out2 = f([a, b], {"w": w}, scale=2.0)  # a list, not a tuple: another structure
    assert_close(out2["sum"], [8.0, 14.0], dtype="float32")
    assert f.cache_info().misses == 2


def test_tuple_output_and_identity_output():
    f = xp.compile(lambda x: (x, x * 2))
    x = xp.asarray([1, 2], dtype=xp.int16)
    a, b = f(x)
    assert a.dtype == xp.int16 and b.dtype == xp.int16
    assert a.tolist() == [1, 2] and b.tolist() == [2, 4]


def test_function_without_array_arguments():
    f = xp.compile(lambda n, v: xp.full((n,), v))
    assert_close(f(3, 2.5), [2.5, 2.5, 2.5], dtype="float32")
    assert f(3, 2.5).device == xp.__array_namespace_info__().default_device()


def test_result_dtype_follows_the_function_not_mlx():
    # int8 + int8 stays int8; a comparison is bool; divide of ints is float32 (tmath rules).
    f = xp.compile(lambda x: (x + x, x < 3, x / 2))
    x = xp.asarray([1, 2, 3], dtype=xp.int8)
    s, c, d = f(x)
    assert (s.dtype, c.dtype, d.dtype) == (xp.int8, xp.bool, xp.float32)
    assert c.tolist() == [True, True, False]


# --- the cache ------------------------------------------------------------------------------


def test_second_call_hits_and_does_not_trace():
    calls = []
    f = xp.compile(_traced(calls))
    x = xp.ones((4,))
    y = xp.full((4,), 2.0)
    for _ in range(5):
        out = f(x, y)
    assert len(calls) == 1
    assert f.cache_info()[:4] == (4, 1, 0, 1)
    assert_close(out, [3.0] * 4, dtype="float32")


def test_new_shape_dtype_or_static_value_traces_again():
    calls = []
    f = xp.compile(_traced(calls))
    x = xp.ones((4,))
    f(x, 2.0)
    f(x, 2.0)
    f(xp.ones((5,)), 2.0)           # a new shape
    f(xp.ones((4,), dtype=xp.float16), 2.0)  # a new dtype
    f(x, 3.0)                       # a new static value
    assert len(calls) == 4
    info = f.cache_info()
    assert (info.hits, info.misses, info.entries) == (1, 4, 4)


def test_shapeless_traces_once_per_ndim():
    calls = []
    f = xp.compile(_traced(calls), shapeless=True)
    for n in (3, 5, 8):
        out = f(xp.ones((n,)), xp.ones((n,)))
        assert out.shape == (n,)
        assert_close(out, [2.0] * n, dtype="float32")
    f(xp.ones((2, 2)), xp.ones((2, 2)))
    assert len(calls) == 2


@pytest.mark.parametrize("a,b", [(1, 1.0), (0.0, -0.0), (2, 2.0 + 0j)])
def test_static_values_equal_in_python_are_distinct_keys(a, b):
    f = xp.compile(lambda x, s: x * s)
    x = xp.asarray([-1, 0, 2], dtype=xp.int32) if not isinstance(b, complex) else \
        xp.asarray([-1.0, 0.0, 2.0])
    ra, rb = f(x, a), f(x, b)
    ea, eb = x * a, x * b
    assert ra.dtype == ea.dtype and rb.dtype == eb.dtype
    np.testing.assert_array_equal(np.asarray(ra), np.asarray(ea))
    np.testing.assert_array_equal(np.asarray(rb), np.asarray(eb))
    assert f.cache_info().misses == 2


def test_mlx_compile_drops_the_sign_of_negative_zero_constants():
    """Documents an MLX 0.32 behaviour (docs/compile.md): a -0.0 constant becomes +0.0.

    Our cache keys tell 0.0 and -0.0 apart (previous test); the traced graph
    does not. When this starts failing, MLX fixed it: update docs/compile.md.
    """
    x = xp.asarray([0.0, 1.0])
    eager = np.asarray(x * -0.0)
    compiled = np.asarray(xp.compile(lambda x: x * -0.0)(x))
    assert np.signbit(eager).all()
    assert not np.signbit(compiled).any()


def test_nan_static_value_hits_the_cache():
    f = xp.compile(lambda x, s: x + s)
    x = xp.ones((2,))
    f(x, float("nan"))
    out = f(x, float("nan"))  # another nan object: still the same key
    assert f.cache_info()[:2] == (1, 1)
    assert all(math.isnan(v) for v in out.tolist())


def test_cache_is_shared_with_internal_composites_and_inspectable():
    def hypot(a, b):
        return mx.sqrt(a * a + b * b)

    x = xp.asarray([3.0, 5.0])
    dev = x.device
    for _ in range(3):
        out = _compile.run("test_hypot", hypot, dev, x._array, x._array)
    f = xp.compile(lambda x: x * 2)
    f(x)
    f(x)
    info = xp.compile_cache_info()
    assert (info.hits, info.misses, info.entries) == (3, 2, 2)
    assert info.enabled is True and info.maxsize == _compile.maxsize
    np.testing.assert_allclose(np.array(out), [3 * 2**0.5, 5 * 2**0.5], rtol=1e-6)
    xp.compile_cache_clear()
    assert xp.compile_cache_info()[:4] == (0, 0, 0, 0)
    assert_close(f(x), [6.0, 10.0], dtype="float32")  # traces again after a clear
    assert f.cache_info().misses == 2


def test_function_cache_clear_drops_only_its_entries():
    f = xp.compile(lambda x: x + 1)
    g = xp.compile(lambda x: x + 2)
    x = xp.ones((3,))
    f(x)
    g(x)
    f.cache_clear()
    assert f.cache_info()[:4] == (0, 0, 0, 0)
    assert g.cache_info().entries == 1
    assert xp.compile_cache_info().entries == 1


def test_cache_is_bounded_lru(monkeypatch):
    monkeypatch.setattr(_compile, "maxsize", 3)
    f = xp.compile(lambda x: x * 2)
    arrays = [xp.ones((n,)) for n in range(1, 6)]
    for a in arrays[:3]:
        f(a)
    f(arrays[0])               # refresh shape (1,): shape (2,) is now the oldest
    f(arrays[3])               # evicts (2,)
    info = f.cache_info()
    assert (info.entries, info.evictions) == (3, 1)
    f(arrays[0])
    assert f.cache_info().hits == 2  # (1,) survived
    f(arrays[1])
    assert f.cache_info().misses == 5  # (2,) had been evicted
    assert xp.compile_cache_info().evictions == 2


def test_entries_die_with_the_function():
    f = xp.compile(lambda x: x - 1)
    f(xp.ones((2,)))
    assert xp.compile_cache_info().entries == 1
    del f
    gc.collect()
    assert xp.compile_cache_info().entries == 0


def test_method_decorated_with_compile():
    class Scaler:
        factor = 3.0

        @xp.compile
        def apply(self, x):
            return x * self.factor

        __hash__ = object.__hash__

    s = Scaler()
    assert_close(s.apply(xp.ones((2,))), [3.0, 3.0], dtype="float32")
    assert_close(s.apply(xp.ones((2,))), [3.0, 3.0], dtype="float32")
    assert Scaler.apply.cache_info().hits == 1


def test_nested_compiled_functions_and_composites():
    inner = xp.compile(lambda x: x * x)

    def hyp(a, b):
        return mx.sqrt(a * a + b * b)

    @xp.compile
    def outer(x):
        y = inner(x) + 1.0
        r = _compile.run("test_hyp", hyp, y.device, y._array, y._array)
        return y + xp.asarray(r)

    x = xp.asarray([1.0, 2.0])
    y = np.array([2.0, 5.0])
    np.testing.assert_allclose(np.asarray(outer(x)), y + y * 2**0.5, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(outer(x)), y + y * 2**0.5, rtol=1e-6)
    assert outer.cache_info()[:2] == (1, 1)


def test_calling_a_compiled_function_is_lazy():
    f = xp.compile(lambda x: x * 2 + 1)
    x = xp.arange(4, dtype=xp.float32)
    f(x)
    out = f(x)
    assert xp.sync_stats().total == 0
    assert out.tolist() == [1, 3, 5, 7]
    assert xp.sync_stats().total == 1


# --- what a compiled function cannot do ---------------------------------------------------

W = xp.asarray([10.0, 20.0])


def test_captured_global_array_raises():
    f = xp.compile(lambda x: x + W)
    with pytest.raises(ValueError, match="captured"):
        f(xp.ones((2,)))
    assert f.cache_info().entries == 0
    assert xp.Array.__dict__["_array"].__class__.__name__ == "member_descriptor"  # restored


def test_captured_closure_and_attribute_arrays_raise():
    b = xp.ones((2,))

    class Model:
        def __init__(self):
            self.w = xp.full((2,), 3.0)

    m = Model()
    with pytest.raises(ValueError, match="not among its arguments"):
        xp.compile(lambda x: x * b)(xp.ones((2,)))
    with pytest.raises(ValueError, match="shape \\(2,\\) float32"):
        xp.compile(lambda x: x * m.w)(xp.ones((2,)))
    # The fix the message suggests: pass them as arguments; new values are seen.
    f = xp.compile(lambda x, w: x * w)
    assert f(xp.ones((2,)), m.w).tolist() == [3.0, 3.0]
    m.w[0] = 5.0
    assert f(xp.ones((2,)), m.w).tolist() == [5.0, 3.0]


def test_captured_array_written_in_place_raises():
    acc = xp.zeros((2,))

    def f(x):
        acc[0] = 1.0
        return x

    with pytest.raises(ValueError, match="captured"):
        xp.compile(f)(xp.ones((2,)))


def test_reading_only_the_shape_of_a_captured_array_is_allowed():
    template = xp.zeros((2, 3))
    f = xp.compile(lambda x: xp.reshape(x, template.shape) + template.ndim + len(template))
    assert f(xp.arange(6)).tolist() == [[4, 5, 6], [7, 8, 9]]


def test_arrays_made_inside_are_not_captured():
    f = xp.compile(lambda x: x + xp.ones_like(x) + xp.asarray([1.0, 2.0]))
    assert f(xp.zeros((2,))).tolist() == [2.0, 3.0]


def test_sync_point_inside_raises_runtime_error_and_is_not_counted():
    f = xp.compile(lambda x: x * float(x[0]))
    with pytest.raises(RuntimeError, match="while being compiled"):
        f(xp.ones((2,)))
    g = xp.compile(lambda x: x if bool(x[0] > 0) else -x)
    with pytest.raises(RuntimeError, match="converts an array"):
        g(xp.ones((2,)))
    assert xp.sync_stats().total == 0
    assert float(xp.asarray(2.0)) == 2.0  # the trace state was reset


@pytest.mark.parametrize("bad", [np.ones(2), [np.ones(2)], {"k": {1, 2}}])
def test_unhashable_static_arguments_are_refused(bad):
    f = xp.compile(lambda x, s: x)
    with pytest.raises(TypeError, match="hashable"):
        f(xp.ones((1,)), bad)


def test_mlx_arrays_are_refused():
    f = xp.compile(lambda x: x)
    with pytest.raises(TypeError, match="tmath arrays"):
        f(mx.ones((2,)))
    g = xp.compile(lambda x: x._array)
    with pytest.raises(TypeError, match="return tmath arrays"):
        g(xp.ones((2,)))


# --- turning compilation off ---------------------------------------------------------------


def test_disabled_compile_runs_python_each_call(monkeypatch):
    monkeypatch.setattr(_compile, "enabled", False)
    calls = []
    f = xp.compile(_traced(calls))
    x = xp.ones((2,))
    f(x, x)
    f(x, x)
    assert len(calls) == 2  # op by op: the body runs every call
    assert xp.compile_cache_info().enabled is False
    # Printing inside works when debugging (and is a counted sync point) ...
    h = xp.compile(lambda x: x * float(x[0]))
    assert h(xp.full((2,), 3.0)).tolist() == [9.0, 9.0]
    assert xp.sync_stats()["conversion"] == 2
    # ... but captured arrays are refused the same way.
    with pytest.raises(ValueError, match="captured"):
        xp.compile(lambda x: x + W)(xp.ones((2,)))


def test_environment_variable_turns_compilation_off():
    code = ("import tmath_array as xp; f = xp.compile(lambda x: x + 1); "
            "print(f(xp.ones((2,))).tolist(), xp.compile_cache_info().enabled)")
    env = {**os.environ, "TMATH_ARRAY_NO_COMPILE": "1"}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[2.0, 2.0] False"


@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
def test_every_dtype_round_trips(name):
    dt = xp_dtype(name)
    f = xp.compile(lambda x: (x, xp.astype(x, dt)))
    x = xp.astype(xp.asarray([0, 1]), dt)
    a, b = f(x)
    assert a.dtype == dt and b.dtype == dt
    np.testing.assert_array_equal(to_numpy(a), to_numpy(x))


# --- graphs too deep for MLX's compiler ----------------------------------------------------

def test_graph_too_deep_raises_recursion_error(monkeypatch):
    """MLX's compiler recurses once per level of the traced graph (about 44,000 levels
    overflow an 8 MiB stack and kill the process): a deeper trace raises RecursionError
    first. The limit is the stack size over twice MLX's measured cost per level; the crash
    itself is tested in a subprocess in test_reliability.py."""
    from tmath_array._array import compile_api as _compile_api

    monkeypatch.setattr(_compile_api, "stack_bytes", lambda: 400_000)  # 1000 levels

    def chain(n):
        def f(x):
            for _ in range(n):
                x = x + 1
            return x
        return xp.compile(f)

    with pytest.raises(RecursionError, match="about 1500 operations deep.*1000 levels"):
        chain(1_499)(xp.zeros((2,)))
    assert chain(900)(xp.zeros((2,))).tolist() == [900.0, 900.0]
