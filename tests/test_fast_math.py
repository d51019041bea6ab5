"""The fast CPU kernels (``_standard/fast_math.py``): the compiled extension
(``_runtime/kernels``) where it loads, the fused MLX-op kernels and their compiler lever
(``native.py``) otherwise. The accuracy tests run on both paths (the ``path`` fixture).

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
from tmath_array._runtime import kernels, native
from tmath_array._standard import fast_math as fm

pytestmark = pytest.mark.skipif(not native.state.fast,
                                reason=f"fast kernels off here: {native.state.reason}")

EXT = fm.uses_ext()
# The fused MLX-op kernels need MLX's compiler (and g++) at run time.
FUSED = native.state.compiler is not None
needs_ext = pytest.mark.skipif(not EXT, reason=f"extension: {kernels.reason}")


@pytest.fixture(params=[p for p, ok in (("ext", EXT), ("fused", FUSED)) if ok])
def path(request, monkeypatch):
    """Runs a test on the extension's kernels and on the fused MLX-op kernels."""
    if request.param == "fused":
        monkeypatch.setattr(native.state, "ext", False)
    assert fm.uses_ext() == (request.param == "ext")
    return request.param

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
def test_float32_within_4_ulp_on_the_grid(name, path):
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
def test_special_values_bit_for_bit_where_exact(name, path):
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


def test_overflow_and_underflow_thresholds(path):
    big = np.float32(88.72283)  # largest float32 with a finite exp
    above = np.nextafter(big, np.float32(100))
    assert np.isfinite(np.asarray(fm.exp(mx.array(np.array([big]))))[0])
    assert np.isinf(np.asarray(fm.exp(mx.array(np.array([above]))))[0])
    assert np.isinf(np.asarray(fm.expm1(mx.array(np.array([above]))))[0])
    tiny = np.asarray(fm.exp(mx.array([-103.9, -104.0, -87.5], dtype=mx.float32)))
    assert tiny[0] > 0 and tiny[1] == 0 and 0 < tiny[2] < np.finfo(np.float32).tiny


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_half_precision_is_the_float32_result_rounded_once(name, dtype, path):
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
def test_gelu_against_float64(approximate, path):
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


def test_silu_and_sigmoid_against_float64(path):
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
    nocxx = _run(code, PATH=os.path.dirname(sys.executable), TMATH_ARRAY_NATIVE_EXT="0")
    assert nocxx.startswith("False False True") and "no C++ compiler" in nocxx
    assert "extension:   off (TMATH_ARRAY_NATIVE_EXT=0)" in nocxx
    if EXT:  # the extension needs no compiler at run time
        ext_only = _run(code, PATH=os.path.dirname(sys.executable))
        assert ext_only.startswith("True False True") and "the extension only" in ext_only
        assert "extension:   used" in ext_only


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


def test_strided_and_broadcast_inputs(path):
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
def test_gradients_vmap_and_compiled_gradients(name, path):
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


# --- the compiled extension (_runtime/kernels) ---------------------------------------------

EXT_FUNCS = {
    **FUNCS,
    "sin": (fm.sin, np.sin),
    "cos": (fm.cos, np.cos),
}
# sin/cos: huge arguments (the fix-up pass), near multiples of pi/2, subnormals
TRIG_EXTRA = np.array([1e30, -1e30, 3.4e38, 421657428.0, -421657440.0, 1e8, 2.0**24 + 1,
                       1.5707964, 3.1415927, 6.2831855, 13176795.0, 2.0**-149, -2.0**-149,
                       1e-30, 2.4e-4, 2.5e-4], dtype=np.float32)


@needs_ext
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_within_4_ulp_on_the_grid(name):
    kernel, ref = EXT_FUNCS[name]
    g = np.concatenate([GRID, TRIG_EXTRA, np.linspace(-1e5, 1e5, 200001, dtype=np.float32)])
    got = np.asarray(kernel(mx.array(g)))
    want = ref(g.astype(np.float64))
    err = ulp_errors(got, want)
    worst = int(np.argmax(err))
    assert err[worst] <= 2.0, (name, g[worst], got[worst], want[worst], err[worst])


@needs_ext
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_special_values(name):
    kernel, ref = EXT_FUNCS[name]
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 2.0**-149, -2.0**-149], np.float32)
    got = np.asarray(kernel(mx.array(x)))
    with np.errstate(invalid="ignore"):
        want = ref(x.astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


@needs_ext
def test_namespace_sin_cos_and_activations_use_the_extension():
    a = np.linspace(-20, 20, 4001, dtype=np.float32)
    for f, name in [(xp.sin, "sin"), (xp.cos, "cos"), (xp.exp, "exp"), (xp.tanh, "tanh")]:
        np.testing.assert_array_equal(np.asarray(f(xp.asarray(a))),
                                      np.asarray(kernels.unary(name, mx.array(a))))
    np.testing.assert_array_equal(np.asarray(F.gelu(xp.asarray(a))),
                                  np.asarray(kernels.unary("gelu_erf", mx.array(a))))
    np.testing.assert_array_equal(np.asarray(F.silu(xp.asarray(a))),
                                  np.asarray(kernels.unary("silu", mx.array(a))))


@pytest.fixture
def threads():
    n = kernels.ext.num_threads()
    yield kernels.ext
    kernels.ext.set_num_threads(n)


@needs_ext
def test_threaded_results_equal_single_threaded(threads):
    rng = np.random.default_rng(3)
    v = (rng.standard_normal(3 * 2**18 + 17) * 30).astype(np.float32)
    v[::1001] *= 1e4  # (sin/cos: both reductions)
    v[::5003] = 1e30  # (and the fix-up pass)
    a = mx.array(v)
    rows = mx.array(rng.standard_normal((1029, 515)).astype(np.float32))
    w = mx.array(rng.standard_normal(515).astype(np.float32))
    ops = sorted(kernels.OPS)

    def run():
        outs = [kernels.unary(n, mx.abs(a) if n.startswith("log") else a) for n in ops]
        outs += [kernels.ext.layer_norm(rows, w, w, 1e-5), kernels.ext.rms_norm(rows, w, 1e-6),
                 kernels.ext.softmax(rows), kernels.ext.softmax(rows, True)]
        mx.eval(outs)
        return [np.asarray(o) for o in outs]

    threads.set_num_threads(4)
    many = run()
    threads.set_num_threads(1)
    one = run()
    for name, m, o in zip(ops + ["layer_norm", "rms_norm", "softmax", "log_softmax"], many,
                          one):
        np.testing.assert_array_equal(m, o, err_msg=name)


@needs_ext
def test_every_instruction_set_of_this_cpu_is_accurate():
    best = kernels.ext.isa()
    g = np.concatenate([GRID[::7], SPECIAL, TRIG_EXTRA])
    try:
        for isa in ("avx512", "avx2", "baseline"):
            if not kernels.ext.set_isa(isa):
                continue
            for name, (kernel, ref) in EXT_FUNCS.items():
                got = np.asarray(kernel(mx.array(g)))
                with np.errstate(all="ignore"):
                    want = ref(g.astype(np.float64))
                assert ulp_errors(got, want).max() <= 4.0, (isa, name)
    finally:
        assert kernels.ext.set_isa(best)
    assert kernels.info()["isa"] == best


@needs_ext
@pytest.mark.parametrize("name", ["exp", "sin", "gelu_erf", "log1p"])
def test_extension_inputs_of_any_layout(name):
    a = np.abs(np.random.default_rng(2).standard_normal((64, 33)).astype(np.float32)) + 0.1
    x = mx.array(a)

    def k(v):
        return np.asarray(kernels.unary(name, v))

    full = k(x)
    np.testing.assert_array_equal(k(x.T), full.T)
    np.testing.assert_array_equal(k(x[::2, 1::3]), full[::2, 1::3])
    np.testing.assert_array_equal(k(mx.broadcast_to(x[0], (5, 33))),
                                  np.broadcast_to(full[0], (5, 33)))
    assert k(x[3, 4]).shape == () and k(x[3, 4]) == full[3, 4]
    assert k(mx.zeros((0, 3))).shape == (0, 3)
    half = k(x.astype(mx.float16))  # widened to float32 inside
    np.testing.assert_array_equal(half, k(x.astype(mx.float16).astype(mx.float32)))


def _layer_norm64(a, w, b, eps):
    a = a.astype(np.float64)
    c = a - a.mean(-1, keepdims=True)
    out = c / np.sqrt((c * c).mean(-1, keepdims=True) + eps)
    return out * (1 if w is None else w) + (0 if b is None else b)


def _rms_norm64(a, w, eps):
    a = a.astype(np.float64)
    out = a / np.sqrt((a * a).mean(-1, keepdims=True) + eps)
    return out * (1 if w is None else w)


@needs_ext
@pytest.mark.parametrize("shape", [(3, 1), (5, 17), (64, 1024), (2, 3, 100)])
@pytest.mark.parametrize("affine", ["none", "weight", "both"])
def test_layer_norm_and_rms_norm_against_float64(shape, affine):
    rng = np.random.default_rng(5)
    a = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    d = shape[-1]
    w = rng.standard_normal(d).astype(np.float32) if affine != "none" else None
    b = rng.standard_normal(d).astype(np.float32) if affine == "both" else None
    got = np.asarray(F.layer_norm(xp.asarray(a), (d,), None if w is None else xp.asarray(w),
                                  None if b is None else xp.asarray(b), eps=1e-5))
    np.testing.assert_allclose(got, _layer_norm64(a, w, b, 1e-5), rtol=2e-5, atol=2e-5)
    got = np.asarray(F.rms_norm(xp.asarray(a), (d,), None if w is None else xp.asarray(w),
                                eps=1e-6))
    np.testing.assert_allclose(got, _rms_norm64(a, w, 1e-6), rtol=2e-5, atol=2e-5)


@needs_ext
def test_norms_route_to_the_extension_and_keep_dtypes():
    rng = np.random.default_rng(6)
    a = rng.standard_normal((8, 40)).astype(np.float32)
    w, b = (rng.standard_normal(40).astype(np.float32) for _ in range(2))
    got = np.asarray(F.layer_norm(xp.asarray(a), 40, xp.asarray(w), xp.asarray(b)))
    np.testing.assert_array_equal(
        got, np.asarray(kernels.ext.layer_norm(mx.array(a), mx.array(w), mx.array(b), 1e-5)))
    half = F.layer_norm(xp.asarray(a).astype(xp.bfloat16), 40)
    assert half.dtype == xp.bfloat16
    two = F.layer_norm(xp.asarray(a.reshape(8, 4, 10)), (4, 10))  # trailing axes merged
    np.testing.assert_allclose(np.asarray(two), _layer_norm64(a, None, None, 1e-5).reshape(
        8, 4, 10), rtol=2e-5, atol=2e-5)
    import tmath_array.torch as torch

    ln = torch.nn.LayerNorm(40)
    out = ln(torch.tensor(a))
    np.testing.assert_allclose(out.detach().numpy(), _layer_norm64(a, None, None, 1e-5),
                               rtol=2e-5, atol=2e-5)


@needs_ext
@pytest.mark.parametrize("kind", ["layer", "rms"])
def test_norm_gradients_vmap_and_compile(kind):
    rng = np.random.default_rng(7)
    x = mx.array(rng.standard_normal((6, 24)).astype(np.float32))
    w = mx.array(rng.standard_normal(24).astype(np.float32))
    b = mx.array(rng.standard_normal(24).astype(np.float32))
    if kind == "layer":
        ours, ref = (lambda x, w, b: fm.layer_norm(x, w, b, 1e-5),
                     lambda x, w, b: mx.fast.layer_norm(x, w, b, 1e-5))
    else:
        ours, ref = (lambda x, w, b: fm.rms_norm(x, w, 1e-5) + b,
                     lambda x, w, b: mx.fast.rms_norm(x, w, 1e-5) + b)
    ct = mx.array(rng.standard_normal((6, 24)).astype(np.float32))

    def loss(f):
        return lambda x, w, b: (f(x, w, b) * ct).sum()

    g1 = mx.grad(loss(ours), argnums=(0, 1, 2))(x, w, b)
    g2 = mx.grad(loss(ref), argnums=(0, 1, 2))(x, w, b)
    for p, q in zip(g1, g2):
        np.testing.assert_allclose(np.asarray(p), np.asarray(q), rtol=1e-4, atol=1e-5)
    gc = mx.compile(mx.grad(loss(ours), argnums=(0, 1, 2)))(x, w, b)
    for p, q in zip(gc, g2):
        np.testing.assert_allclose(np.asarray(p), np.asarray(q), rtol=1e-4, atol=1e-5)
    _, jv = mx.jvp(lambda x: ours(x, w, b), [x], [ct])
    _, jr = mx.jvp(lambda x: ref(x, w, b), [x], [ct])
    np.testing.assert_allclose(np.asarray(jv[0]), np.asarray(jr[0]), rtol=1e-4, atol=1e-5)
    xs = mx.stack([x, x * 2])
    np.testing.assert_allclose(np.asarray(mx.vmap(lambda v: ours(v, w, b))(xs)),
                               np.asarray(mx.vmap(lambda v: ref(v, w, b))(xs)),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(mx.vmap(lambda v: ours(v, w, b), in_axes=1,
                                                  out_axes=1)(xs.transpose(1, 0, 2))),
                               np.asarray(mx.vmap(lambda v: ref(v, w, b))(xs)).transpose(
                                   1, 0, 2), rtol=1e-5, atol=1e-5)


def _softmax64(a, log=False):
    a = a.astype(np.float64)
    with np.errstate(invalid="ignore"):
        s = a - a.max(-1, keepdims=True)
        return s - np.log(np.exp(s).sum(-1, keepdims=True)) if log else \
            np.exp(s) / np.exp(s).sum(-1, keepdims=True)


@needs_ext
@pytest.mark.parametrize("shape", [(3, 1), (5, 17), (64, 1024), (2, 3, 100), (1, 40000)])
def test_softmax_and_log_softmax_against_float64(shape):
    rng = np.random.default_rng(8)
    a = (rng.standard_normal(shape) * 8).astype(np.float32)
    got = np.asarray(F.softmax(xp.asarray(a), -1))
    want = _softmax64(a)
    # relative to each value (the sum's rounding, then exp's <= 4 ulp)
    np.testing.assert_allclose(got, want, rtol=2e-5 * max(1, np.log2(shape[-1])), atol=0)
    got = np.asarray(F.log_softmax(xp.asarray(a), -1))
    np.testing.assert_allclose(got, _softmax64(a, log=True), rtol=1e-6, atol=2e-6)


@needs_ext
def test_softmax_special_rows_match_the_fused_path():
    inf, nan = np.inf, np.nan
    a = np.array([[inf, 1, 2], [nan, 1, 2], [-inf, -inf, -inf], [1, 2, -inf], [0, 0, 0],
                  [88, -88, 0], [3e38, -3e38, 1], [1e-45, 0, -0.0]], np.float32)
    import torch as real

    for log, ours in ((False, F.softmax), (True, F.log_softmax)):
        got = np.asarray(ours(xp.asarray(a), 1))
        # PyTorch as the oracle: float32 arithmetic (3e38 - -3e38 is -inf there too)
        want = (real.log_softmax if log else real.softmax)(real.tensor(a), 1).numpy()
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
        # the rows' kernel is what served (and the fused MLX path agrees, NaN for NaN)
        np.testing.assert_array_equal(got, np.asarray(kernels.ext.softmax(mx.array(a), log)))


@needs_ext
def test_softmax_routes_dtypes_axes_and_torch():
    rng = np.random.default_rng(9)
    a = rng.standard_normal((6, 4, 33)).astype(np.float32)
    x = xp.asarray(a)
    for dt in (xp.float16, xp.bfloat16):
        y = F.softmax(x.astype(dt), -1)
        assert y.dtype == dt
        np.testing.assert_allclose(np.asarray(y.astype(xp.float32)),
                                   _softmax64(np.asarray(x.astype(dt).astype(xp.float32))),
                                   rtol=1e-2)
    # other axes keep the fused path, and agree
    np.testing.assert_allclose(np.asarray(F.softmax(x, 1)),
                               np.moveaxis(_softmax64(np.moveaxis(a, 1, -1)), -1, 1), rtol=2e-6)
    import torch as real

    import tmath_array.torch as torch

    t = torch.tensor(a, requires_grad=True)
    r = real.tensor(a, requires_grad=True)
    ct = rng.standard_normal(a.shape).astype(np.float32)
    for f, g in ((torch.nn.functional.softmax, real.nn.functional.softmax),
                 (torch.nn.functional.log_softmax, real.nn.functional.log_softmax)):
        (f(t, dim=-1) * torch.tensor(ct)).sum().backward()
        (g(r, dim=-1) * real.tensor(ct)).sum().backward()
        np.testing.assert_allclose(t.grad.numpy(), r.grad.numpy(), rtol=1e-4, atol=1e-5)
        t.grad = None
        r.grad = None


@needs_ext
@pytest.mark.parametrize("log", [False, True])
def test_softmax_gradients_vmap_and_compile(log):
    rng = np.random.default_rng(10)
    x = mx.array(rng.standard_normal((6, 24)).astype(np.float32))
    ct = mx.array(rng.standard_normal((6, 24)).astype(np.float32))
    ours = fm.log_softmax_last if log else fm.softmax_last
    if log:
        def ref(v):
            return v - mx.logsumexp(v, axis=-1, keepdims=True)
    else:
        def ref(v):
            return mx.softmax(v, axis=-1, precise=True)
    g1 = mx.grad(lambda v: (ours(v) * ct).sum())(x)
    g2 = mx.grad(lambda v: (ref(v) * ct).sum())(x)
    np.testing.assert_allclose(np.asarray(g1), np.asarray(g2), rtol=1e-4, atol=1e-6)
    gc = mx.compile(mx.grad(lambda v: (ours(v) * ct).sum()))(x)
    np.testing.assert_allclose(np.asarray(gc), np.asarray(g2), rtol=1e-4, atol=1e-6)
    _, (jv,) = mx.jvp(ours, [x], [ct])
    _, (jr,) = mx.jvp(ref, [x], [ct])
    np.testing.assert_allclose(np.asarray(jv), np.asarray(jr), rtol=1e-4, atol=1e-6)
    # the primitive's own jvp (MLX visits it inside the custom function's graph)
    _, (jp,) = mx.jvp(lambda v: kernels.ext.softmax(v, log), [x], [ct])
    np.testing.assert_allclose(np.asarray(jp), np.asarray(jr), rtol=1e-4, atol=1e-6)
    xs = mx.stack([x, x * 2])
    want = np.asarray(mx.vmap(ref)(xs))
    np.testing.assert_allclose(np.asarray(mx.vmap(ours)(xs)), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(mx.vmap(ours, in_axes=2, out_axes=2)(
        xs.transpose(1, 2, 0))), want.transpose(1, 2, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        np.asarray(mx.vmap(lambda v: kernels.ext.softmax(v, log), in_axes=2, out_axes=0)(
            xs.transpose(1, 2, 0))), want, rtol=1e-5, atol=1e-6)


@needs_ext
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_gradients_vmap_and_compile(name):
    f, ref = getattr(fm, name), getattr(mx, name)
    x = mx.array(np.linspace(-3, 3, 25, dtype=np.float32))
    g = mx.grad(lambda a: f(a).sum())
    np.testing.assert_allclose(np.asarray(g(x)), np.asarray(mx.grad(lambda a: ref(a).sum())(x)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(mx.compile(g)(x)), np.asarray(g(x)), rtol=1e-6)
    batched = mx.vmap(f)(mx.stack([x, x * 0.5]))
    np.testing.assert_array_equal(np.asarray(batched), np.asarray(mx.stack([f(x), f(x * 0.5)])))
    np.testing.assert_array_equal(np.asarray(mx.compile(f)(x)), np.asarray(f(x)))


def test_extension_switch_and_fallback_in_a_fresh_process():
    code = """
        import mlx.core as mx
        import numpy as np
        import tmath_array as xp
        from tmath_array._runtime import kernels, native
        a = np.linspace(-5, 5, 101, dtype=np.float32)
        got = np.asarray(xp.sin(xp.asarray(a))), np.asarray(xp.exp(xp.asarray(a)))
        ok = (np.abs(got[0] - np.sin(a)).max() < 1e-6
              and np.allclose(got[1], np.exp(a), rtol=1e-6))
        print(kernels.ext is None, native.state.ext, ok)
        xp.show_config()
    """
    off = _run(code, TMATH_ARRAY_NATIVE_EXT="0")
    assert off.startswith("True False True") and "extension:   off" in off
    fast_off = _run(code, TMATH_ARRAY_FAST_MATH="0")
    assert fast_off.startswith("True False True")
    # built for another MLX: compared before any call, and not used
    mismatch = _run("import mlx.core as mx\nmx.__version__ = '0.0.1'\n" + textwrap.dedent(code))
    assert mismatch.startswith("True False True")
    if EXT:
        assert "not used: built for MLX" in mismatch
        assert _run(code).startswith("False True True")


@needs_ext
def test_primitives_vmap_on_their_own():
    # (the custom functions bring their own vmap; the primitives' serve MLX's transforms
    # that visit them directly)
    rng = np.random.default_rng(8)
    x = mx.array(rng.standard_normal((7, 5, 24)).astype(np.float32))
    w, b = (mx.array(rng.standard_normal(24).astype(np.float32)) for _ in range(2))
    exp = kernels.OPS["exp"]
    got = mx.vmap(lambda v: kernels.ext.unary(v, exp), in_axes=1, out_axes=1)(x)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(kernels.ext.unary(x, exp)))
    for ax in (0, 1):
        got = mx.vmap(lambda v: kernels.ext.layer_norm(v, w, b, 1e-5), in_axes=ax)(x)
        want = np.moveaxis(np.asarray(kernels.ext.layer_norm(x, w, b, 1e-5)), ax, 0)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-6)
        got = mx.vmap(lambda v: kernels.ext.rms_norm(v, w, 1e-5), in_axes=ax)(x)
        want = np.moveaxis(np.asarray(kernels.ext.rms_norm(x, w, 1e-5)), ax, 0)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-6)
    ws = mx.stack([w, w * 2])  # a batched weight: MLX's own norm
    got = mx.vmap(lambda v, u: kernels.ext.rms_norm(v, u, 1e-5))(x[:2], ws)
    want = mx.stack([mx.fast.rms_norm(x[i], ws[i], 1e-5) for i in range(2)])
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)


@needs_ext
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_of_an_element_does_not_depend_on_its_neighbours(name):
    x = np.linspace(-100, 100, 300001, dtype=np.float32)
    mixed = x.copy()
    mixed[::7] = 1e5  # beyond the float32 reduction's range
    mixed[::11] = 1e30  # beyond the double one's
    alone = np.asarray(kernels.unary(name, mx.array(x)))
    together = np.asarray(kernels.unary(name, mx.array(mixed)))
    keep = mixed == x
    np.testing.assert_array_equal(together[keep], alone[keep])
