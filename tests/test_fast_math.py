"""The fast CPU kernels (``_standard/fast_math.py``) and their compiler lever (``native.py``).

Accuracy is measured in ulps of the correctly rounded float32 result (NumPy's/SciPy's
float64 result, rounded), on a grid of every 4096th float32 bit pattern (all exponents,
both signs: about a million inputs) plus dense runs where the kernels switch formulas;
``benchmarks/fast_math_accuracy.py`` runs the same check over all 2**32 inputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import mlx.core as mx
import numpy as np
import pytest
import scipy.special as sps  # (a test dependency: the erf oracle)

import tmath_array as xp
import tmath_array.nn as F  # noqa: N812 - torch's name
from tmath_array._runtime import native
from tmath_array._standard import fast_math as fm

pytestmark = pytest.mark.skipif(not native.state.fast,
                                reason=f"fast kernels off here: {native.state.reason}")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _grid() -> np.ndarray:
    bits = np.arange(0, 2**32, 4096, dtype=np.uint64).astype(np.uint32)
    g = bits.view(np.float32)
    g = g[np.isfinite(g)]
    # dense where the formulas switch or the scaling changes
    dense = [np.linspace(lo, hi, 20001, dtype=np.float32) for lo, hi in
             [(-1.1, 1.1), (0.3, 0.4), (-0.4, -0.3), (3.8, 4.1), (-4.1, -3.8), (79.0, 89.0),
              (-105.0, -79.0), (8.9, 9.2), (-9.2, -8.9), (1e-8, 1e-6)]]
    return np.concatenate([g, *dense])


GRID = _grid()

# name -> (kernel, float64 reference, max ulp allowed)
FUNCS = {
    "exp": (fm.exp, np.exp),
    "expm1": (fm.expm1, np.expm1),
    "tanh": (fm.tanh, np.tanh),
    "sigmoid": (fm.sigmoid, sps.expit),
    "erf": (fm.erf, sps.erf),
    "log": (fm.log, np.log),
    "log1p": (fm.log1p, np.log1p),
}


def ulp_errors(got: np.ndarray, ref64: np.ndarray) -> np.ndarray:
    """|got - ref| in units of the spacing of float32 at the rounded reference."""
    with np.errstate(over="ignore", invalid="ignore"):
        ref32 = ref64.astype(np.float32)
        spacing = np.spacing(np.abs(ref32)).astype(np.float64)
        err = np.abs(got.astype(np.float64) - ref64) / spacing
    same = (got == ref32) | (np.isnan(got) & np.isnan(ref32))
    return np.where(same, 0.0, np.where(np.isfinite(ref32) & np.isfinite(got), err, np.inf))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_float32_within_4_ulp_on_the_grid(name):
    kernel, ref = FUNCS[name]
    got = np.asarray(kernel(mx.array(GRID)))
    with np.errstate(all="ignore"):
        want = ref(GRID.astype(np.float64))
    err = ulp_errors(got, want)
    worst = int(np.argmax(err))
    assert err[worst] <= 4.0, (name, GRID[worst], got[worst], want[worst], err[worst])


def test_exp_is_more_accurate_than_mlx_near_80():
    # MLX's own float32 exp is ~59 ulp off here; the kernel is within 1.
    x = np.linspace(79.0, 88.7, 10001, dtype=np.float32)
    want = np.exp(x.astype(np.float64))
    assert ulp_errors(np.asarray(fm.exp(mx.array(x))), want).max() <= 1.5
    assert ulp_errors(np.asarray(mx.exp(mx.array(x))), want).max() > 10


SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 88.72283, 88.72284, -87.33654,
                    -103.97207, -103.98, 1e-30, -1e-30, 2.0**-149], dtype=np.float32)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_special_values_bit_for_bit_where_exact(name):
    kernel, ref = FUNCS[name]
    got = np.asarray(kernel(mx.array(SPECIAL)))
    with np.errstate(all="ignore"):
        want64 = ref(SPECIAL.astype(np.float64))
        want = want64.astype(np.float32)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    exact = ~np.isnan(want) & ((want == 0) | np.isinf(want) | (np.abs(want) == 1))
    np.testing.assert_array_equal(got[exact], want[exact])
    # signs of zeros (exp of a zero is 1, no sign to keep)
    np.testing.assert_array_equal(np.signbit(got[want == 0]), np.signbit(want[want == 0]))
    assert ulp_errors(got, want64).max() <= 4.0


def test_overflow_and_underflow_thresholds():
    big = np.float32(88.72283)  # largest float32 with a finite exp
    above = np.nextafter(big, np.float32(100))
    assert np.isfinite(np.asarray(fm.exp(mx.array(np.array([big]))))[0])
    assert np.isinf(np.asarray(fm.exp(mx.array(np.array([above]))))[0])
    assert np.isinf(np.asarray(fm.expm1(mx.array(np.array([above]))))[0])
    tiny = np.asarray(fm.exp(mx.array([-103.9, -104.0, -87.5], dtype=mx.float32)))
    assert tiny[0] > 0 and tiny[1] == 0 and 0 < tiny[2] < np.finfo(np.float32).tiny


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_half_precision_is_the_float32_result_rounded_once(name, dtype):
    kernel, _ = FUNCS[name]
    x = mx.array(np.linspace(-12, 12, 4097, dtype=np.float32)).astype(getattr(mx, dtype))
    got = kernel(x)
    assert got.dtype == x.dtype
    want = kernel(x.astype(mx.float32)).astype(x.dtype)
    np.testing.assert_array_equal(np.asarray(got.astype(mx.float32)),
                                  np.asarray(want.astype(mx.float32)))


def test_namespace_functions_use_the_kernels():
    x = np.linspace(79.0, 88.0, 1001, dtype=np.float32)
    got = np.asarray(xp.exp(xp.asarray(x)))
    np.testing.assert_array_equal(got, np.asarray(fm.exp(mx.array(x))))
    np.testing.assert_array_equal(np.asarray(xp.tanh(xp.asarray(x / 10))),
                                  np.asarray(fm.tanh(mx.array(x / 10))))
    np.testing.assert_array_equal(np.asarray(xp.expm1(xp.asarray(-x))),
                                  np.asarray(fm.expm1(mx.array(-x))))
    np.testing.assert_array_equal(np.asarray(xp.log(xp.asarray(x))),
                                  np.asarray(fm.log(mx.array(x))))
    # float64 keeps its own exact path
    x64 = xp.asarray(np.array([100.0, -700.0]))
    np.testing.assert_allclose(np.asarray(xp.exp(x64)), np.exp([100.0, -700.0]), rtol=1e-15)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_against_float64(approximate):
    x = np.linspace(-12, 12, 200001, dtype=np.float32)
    x64 = x.astype(np.float64)
    if approximate == "none":
        want = x64 * 0.5 * sps.erfc(-x64 / np.sqrt(2))
    else:
        want = x64 * sps.expit(2 * np.sqrt(2 / np.pi) * (x64 + 0.044715 * x64**3))
    got = np.asarray(F.gelu(xp.asarray(x), approximate=approximate)).astype(np.float64)
    # relative error: the exponent's own float32 rounding (x^2/2, or 2u for the tanh form)
    # costs |exponent| * 2^-24 of the result in the tail (PyTorch's float32 GELU too)
    rel = np.abs(got - want) / np.maximum(np.abs(want), 1e-30)
    assert rel[np.abs(x) <= 5].max() < (1e-6 if approximate == "none" else 4e-6)
    assert rel.max() < 3e-5


def test_silu_and_sigmoid_against_float64():
    x = np.linspace(-80, 80, 200001, dtype=np.float32)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(np.asarray(F.sigmoid(xp.asarray(x))), sps.expit(x64), rtol=3e-7)
    np.testing.assert_allclose(np.asarray(F.silu(xp.asarray(x))), x64 * sps.expit(x64),
                               rtol=3e-7)


def test_kernels_carry_the_marker_and_stay_lazy():
    from tmath_array._runtime import lazy

    before = lazy.counts()
    y = fm.gelu_erf(mx.array(np.ones(8, np.float32)))
    assert lazy.counts() == before  # nothing evaluated yet
    mx.eval(y)
    assert native.state.marker >= 1_000_000_000


def _run(code: str, **env) -> str:
    full = {**os.environ, "PYTHONPATH": ROOT, **env}
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, env=full, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_opt_out_switches_and_missing_compiler():
    code = """
        import tmath_array as xp
        from tmath_array._runtime import native
        print(native.state.fast, native.state.native, native.state.wrapper_dir is None)
        xp.show_config()
    """
    off = _run(code, TMATH_ARRAY_FAST_MATH="0")
    assert off.startswith("False False True") and "MLX's own" in off
    baseline = _run(code, TMATH_ARRAY_NATIVE_KERNELS="0")
    assert baseline.startswith("True False True") and "baseline x86-64" in baseline
    nocxx = _run(code, PATH=os.path.dirname(sys.executable))
    assert nocxx.startswith("False False True") and "no C++ compiler" in nocxx


@pytest.mark.skipif(not native.state.native, reason="the -march=native wrapper is off")
def test_wrapper_adds_march_native_only_to_marked_sources(tmp_path):
    wrapper = os.path.join(native.state.wrapper_dir, "g++")
    assert os.environ["PATH"].split(os.pathsep)[0] == native.state.wrapper_dir

    def flags(source: str) -> str:
        src = tmp_path / "k.cpp"
        src.write_text(source)
        out = subprocess.run([wrapper, "-###", "-c", str(src), "-o", str(tmp_path / "k.o")],
                             capture_output=True, text=True, check=False)
        return out.stderr

    assert "march=native" in flags(f"int x = {native.state.marker};\n")
    assert "march=native" not in flags("int x = 1;\n")


def test_the_marker_is_keyed_by_cpu_and_compiler():
    a = native._marker_for("cpu A|g++ 12|-march=native")
    b = native._marker_for("cpu B|g++ 12|-march=native")
    assert a != b and 1_000_000_000 <= a < 2**31 and 1_000_000_000 <= b < 2**31
    assert "flags=" in native.cpu_signature()


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (1,), (2, 3, 4), (2, 1, 3, 1, 2)])
def test_any_shape(shape):
    a = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x = xp.asarray(a)
    for f, g in [(xp.exp, np.exp), (xp.tanh, np.tanh), (xp.expm1, np.expm1)]:
        got = np.asarray(f(x))
        assert got.shape == a.shape
        np.testing.assert_allclose(got, g(a), rtol=3e-7)


def test_strided_and_broadcast_inputs():
    a = np.random.default_rng(1).standard_normal((64, 33)).astype(np.float32)
    x = xp.asarray(a)
    np.testing.assert_allclose(np.asarray(xp.exp(x.T)), np.exp(a.T), rtol=3e-7)
    np.testing.assert_allclose(np.asarray(xp.exp(x[::2, 1::3])), np.exp(a[::2, 1::3]),
                               rtol=3e-7)
    xb = xp.broadcast_to(xp.asarray(a[0]), (5, 33))
    np.testing.assert_allclose(np.asarray(xp.tanh(xb)),
                               np.tanh(np.broadcast_to(a[0], (5, 33))), rtol=3e-7)


_MLX_REFS = {
    "exp": mx.exp, "expm1": mx.expm1, "log": mx.log, "log1p": mx.log1p, "tanh": mx.tanh,
    "sigmoid": mx.sigmoid,
    "erf": mx.erf, "silu": lambda a: a * mx.sigmoid(a),
    "gelu_erf": lambda a: 0.5 * a * (1 + mx.erf(a * 0.7071067811865476)),
    "gelu_tanh": lambda a: 0.5 * a * (1 + mx.tanh(0.7978845608028654 * (a + 0.044715 * a**3))),
}


@pytest.mark.parametrize("name", sorted(_MLX_REFS))
def test_gradients_vmap_and_compiled_gradients(name):
    # (the kernels' bit cast has no VJP in MLX: each is a custom_function with its derivative)
    f, ref = getattr(fm, name), _MLX_REFS[name]
    x = mx.array(np.linspace(-3, 3, 25, dtype=np.float32))
    if name in ("log", "log1p"):
        x = mx.abs(x) + 0.5

    def grad(fn):
        return mx.grad(lambda a: fn(a).sum())

    np.testing.assert_allclose(np.asarray(grad(f)(x)), np.asarray(grad(ref)(x)),
                               rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(mx.compile(grad(f))(x)), np.asarray(grad(ref)(x)),
                               rtol=2e-5, atol=1e-6)
    second = mx.grad(lambda a: grad(f)(a).sum())(x)
    np.testing.assert_allclose(np.asarray(second),
                               np.asarray(mx.grad(lambda a: grad(ref)(a).sum())(x)),
                               rtol=2e-4, atol=1e-5)
    batched = mx.vmap(f)(mx.stack([x, x * 0.5]))
    np.testing.assert_array_equal(np.asarray(batched), np.asarray(mx.stack([f(x), f(x * 0.5)])))


def test_inside_a_compiled_user_function():
    f = xp.compile(lambda x: xp.exp(x) * 2 + F.gelu(x) + xp.tanh(x) + xp.log(xp.abs(x) + 1))
    a = np.linspace(-3, 3, 11, dtype=np.float32)
    want = (np.exp(a) * 2 + a * 0.5 * sps.erfc(-a / np.sqrt(2)) + np.tanh(a)
            + np.log(np.abs(a) + 1))
    for _ in range(2):  # traced, then a cache hit
        np.testing.assert_allclose(np.asarray(f(xp.asarray(a))), want, rtol=1e-6, atol=1e-6)
