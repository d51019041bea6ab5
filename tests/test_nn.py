"""tmath_array.nn against torch.nn.functional (PyTorch's CPU build is the oracle)."""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
import tmath_array.nn as F  # noqa: N812 - the torch.nn.functional idiom
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import lazy as _lazy

TF = torch.nn.functional

FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")
# Relative and absolute tolerances: a result rounded once to the dtype, plus the
# difference of two float32 computations of it.
TOL = {"float16": (2e-3, 2e-3), "bfloat16": (1.6e-2, 1.6e-2), "float32": (2e-5, 2e-6),
       "float64": (1e-9, 1e-12)}

dtype_names = st.sampled_from(FLOAT_NAMES)
shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=6)


def pair(a: np.ndarray, name: str):
    """The same values as a tmath Array and a torch tensor of dtype ``name``.

    Values are rounded to the dtype by torch first, so both sides start equal.
    """
    t = torch.from_numpy(np.array(a, dtype=np.float64)).to(getattr(torch, name))
    exact = t.to(torch.float64).numpy()
    return xp.asarray(exact, dtype=getattr(xp, name)), t


def check(got, want, name: str, scale: float = 1.0) -> None:
    """``got`` (Array) matches ``want`` (tensor): dtype, shape and values."""
    assert got.dtype == getattr(xp, name)
    assert tuple(got.shape) == tuple(want.shape)
    rtol, atol = TOL[name]
    g = np.asarray(xp.astype(got, xp.float64))
    np.testing.assert_allclose(g, want.to(torch.float64).numpy(), rtol=rtol,
                               atol=atol * scale)


def data(shape, seed: int = 0, lo: float = -4.0, hi: float = 4.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


# --- activations -------------------------------------------------------------

ACTIVATIONS = {
    "relu": (F.relu, TF.relu),
    "gelu": (F.gelu, TF.gelu),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda t: TF.gelu(t, approximate="tanh")),
    "silu": (F.silu, TF.silu),
    "sigmoid": (F.sigmoid, torch.sigmoid),
}


@pytest.mark.parametrize("name", FLOAT_NAMES)
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
@given(a=hnp.arrays(np.float64, shapes, elements=st.floats(-12, 12)))
def test_activations_match_torch(act, name, a):
    ours, theirs = ACTIVATIONS[act]
    x, t = pair(a, name)
    check(ours(x), theirs(t), name)


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_activations_special_values(act):
    ours, theirs = ACTIVATIONS[act]
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e30, 60.0, -60.0])
    x, t = pair(a, "float32")
    got, want = np.asarray(ours(x)), theirs(t).numpy()
    if act == "gelu":
        # PyTorch's CPU GELU gives NaN at +inf (inf * 0 inside its kernel); the limit is inf.
        assert got[2] == np.inf and np.isnan(want[2])
        got, want = np.delete(got, 2), np.delete(want, 2)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=0)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(xp.ones(3), approximate="erf")


@pytest.mark.parametrize("fn", [F.relu, F.silu])
def test_inplace_activations_rebind_the_input(fn):
    x = xp.asarray([-1.0, 2.0])
    out = fn(x, inplace=True)
    assert out is x
    np.testing.assert_allclose(np.asarray(x), np.asarray(fn(xp.asarray([-1.0, 2.0]))))


@st.composite
def array_and_dim(draw):
    a = draw(hnp.arrays(np.float64, shapes, elements=st.floats(-30, 30)))
    return a, draw(st.integers(-a.ndim, a.ndim - 1))


@pytest.mark.parametrize("name", FLOAT_NAMES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@given(case=array_and_dim())
def test_softmax_match_torch(fn, name, case):
    a, dim = case
    x, t = pair(a, name)
    check(getattr(F, fn)(x, dim), getattr(TF, fn)(t, dim), name, scale=10.0)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_dtype_argument_and_zero_d(fn):
    x, t = pair(data((3, 4)), "float16")
    check(getattr(F, fn)(x, 1, dtype=xp.float32), getattr(TF, fn)(t, 1, dtype=torch.float32),
          "float32")
    x0, t0 = pair(np.array(2.5), "float32")
    check(getattr(F, fn)(x0, 0), getattr(TF, fn)(t0, 0), "float32")
    with pytest.raises(TypeError, match="dtype"):
        getattr(F, fn)(x, 1, dtype=xp.int32)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 0.5])
@pytest.mark.parametrize("name", FLOAT_NAMES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_zero_d_special_values(fn, name, value):
    # (found by tools/fuzz: softmax of a 0-d NaN gave 1.0, PyTorch NaN)
    x, t = pair(np.array(value), name)
    check(getattr(F, fn)(x, 0), getattr(TF, fn)(t, 0), name)


@pytest.mark.parametrize("name", FLOAT_NAMES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_of_empty_input(fn, name):
    # (found by tools/fuzz: MLX's "[max] Cannot max reduce over axis 0 with size 0" leaked)
    x, t = pair(np.zeros((0, 2)), name)
    for dim in (0, 1, -2):
        check(getattr(F, fn)(x, dim), getattr(TF, fn)(t, dim), name)


@pytest.mark.parametrize("dtype", [np.array([1.0, 2.0]), [1], "float32", np.float32])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_dtype_must_be_a_floating_dtype(fn, dtype):
    # (found by tools/fuzz: an array as dtype failed the set lookup: "unhashable type")
    with pytest.raises(TypeError, match=f"{fn}: dtype must be a real floating dtype"):
        getattr(F, fn)(xp.ones((2, 3)), 1, dtype=dtype)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_requires_dim(fn):
    # PyTorch guesses dim=0 for 3-D input (deprecated); here that is an error saying so.
    with pytest.raises(TypeError, match="dim=0"):
        getattr(F, fn)(xp.ones((2, 3, 4)))
    with pytest.raises(TypeError, match="dim=1"):
        getattr(F, fn)(xp.ones((2, 3)))
    with pytest.raises(IndexError):
        getattr(F, fn)(xp.ones((2, 3)), 2)


def test_softmax_large_values_are_stable():
    x, t = pair(np.array([[1000.0, 1001.0, -1000.0]]), "float32")
    check(F.softmax(x, -1), TF.softmax(t, -1), "float32")
    check(F.log_softmax(x, -1), TF.log_softmax(t, -1), "float32")


# --- dtype validation -----------------------------------------------------------

def _calls(x):
    w = xp.ones((3,))
    return {
        "relu": lambda: F.relu(x),
        "gelu": lambda: F.gelu(x),
        "silu": lambda: F.silu(x),
        "sigmoid": lambda: F.sigmoid(x),
        "softmax": lambda: F.softmax(x, 0),
        "log_softmax": lambda: F.log_softmax(x, 0),
        "layer_norm": lambda: F.layer_norm(x, (3,)),
        "rms_norm": lambda: F.rms_norm(x, (3,)),
        "linear": lambda: F.linear(x, xp.ones((2, 3))),
        "linear_weight": lambda: F.linear(w, x if isinstance(x, list) else x[None, :]),
        "dropout": lambda: F.dropout(x, 0.5, rng_key=0),
        "sdpa": lambda: F.scaled_dot_product_attention(x[None, :], w[None, :], w[None, :]),
    }


@pytest.mark.parametrize("dtype", ["int32", "int8", "uint8", "bool", "complex64"])
@pytest.mark.parametrize("call", sorted(_calls(xp.ones(3))))
def test_non_floating_input_raises_type_error(call, dtype):
    x = xp.asarray([1, 0, 1], dtype=getattr(xp, dtype))
    with pytest.raises(TypeError, match="floating-point"):
        _calls(x)[call]()


@pytest.mark.parametrize("call", sorted(_calls(xp.ones(3))))
def test_non_array_input_raises_type_error(call):
    with pytest.raises(TypeError):
        _calls([1.0, 2.0, 3.0])[call]()


# --- normalisation ----------------------------------------------------------------

@st.composite
def norm_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=6))
    k = draw(st.integers(1, len(shape)))
    return shape, shape[len(shape) - k:], draw(st.booleans()), draw(st.booleans())


@pytest.mark.parametrize("name", FLOAT_NAMES)
@given(case=norm_case(), seed=st.integers(0, 2**16))
def test_layer_norm_matches_torch(name, case, seed):
    shape, ns, with_w, with_b = case
    x, t = pair(data(shape, seed), name)
    w, tw = pair(data(ns, seed + 1), name) if with_w else (None, None)
    b, tb = pair(data(ns, seed + 2), name) if with_b else (None, None)
    ns_arg = ns[0] if len(ns) == 1 and seed % 2 else list(ns)
    check(F.layer_norm(x, ns_arg, w, b, eps=1e-5), TF.layer_norm(t, ns, tw, tb, eps=1e-5),
          name, scale=10.0)


@pytest.mark.parametrize("name", FLOAT_NAMES)
@given(case=norm_case(), seed=st.integers(0, 2**16), eps=st.sampled_from([None, 1e-6, 0.1]))
def test_rms_norm_matches_torch(name, case, seed, eps):
    shape, ns, with_w, _ = case
    x, t = pair(data(shape, seed), name)
    w, tw = pair(data(ns, seed + 1), name) if with_w else (None, None)
    check(F.rms_norm(x, ns, w, eps=eps), TF.rms_norm(t, list(ns), tw, eps=eps), name,
          scale=10.0)


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    # A constant row: x / sqrt(x**2 + eps) shows eps when x is tiny.
    for name in FLOAT_NAMES:
        x, t = pair(np.full((2, 4), 1e-3), name)
        check(F.rms_norm(x, (4,)), TF.rms_norm(t, [4]), name)


def test_norms_keep_the_input_dtype_with_float32_weights():
    x, t = pair(data((4, 8)), "bfloat16")
    w, tw = pair(data((8,), 1), "float32")
    check(F.layer_norm(x, (8,), w), TF.layer_norm(t, (8,), tw.to(torch.bfloat16)), "bfloat16",
          scale=10.0)
    check(F.rms_norm(x, (8,), w), TF.rms_norm(t, [8], tw.to(torch.bfloat16)), "bfloat16",
          scale=10.0)


def test_norm_shape_errors():
    x = xp.ones((2, 3, 4))
    with pytest.raises(ValueError, match="normalized_shape"):
        F.layer_norm(x, (3,))
    with pytest.raises(ValueError, match="normalized_shape"):
        F.rms_norm(x, (2, 2, 3, 4))
    with pytest.raises(ValueError):
        F.layer_norm(x, ())
    with pytest.raises(ValueError, match="weight"):
        F.layer_norm(x, (3, 4), weight=xp.ones((12,)))
    with pytest.raises(ValueError, match="bias"):
        F.layer_norm(x, (4,), bias=xp.ones((3,)))
    with pytest.raises(TypeError, match="floating-point"):
        F.rms_norm(x, (4,), weight=xp.ones((4,), dtype=xp.int32))
    with pytest.raises(TypeError, match="normalized_shape"):
        F.layer_norm(x, 4.0)


def test_norms_of_empty_input():
    x, t = pair(np.zeros((0, 4)), "float32")
    check(F.layer_norm(x, (4,)), TF.layer_norm(t, (4,)), "float32")
    check(F.rms_norm(x, (4,)), TF.rms_norm(t, [4]), "float32")


# --- linear ---------------------------------------------------------------------

@pytest.mark.parametrize("name", FLOAT_NAMES)
@given(lead=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5),
       n_in=st.integers(1, 16), n_out=st.integers(1, 8), bias=st.booleans(),
       vector_weight=st.booleans(), seed=st.integers(0, 2**16))
def test_linear_matches_torch(name, lead, n_in, n_out, bias, vector_weight, seed):
    x, t = pair(data((*lead, n_in), seed, -1, 1), name)
    w_shape = (n_in,) if vector_weight else (n_out, n_in)
    w, tw = pair(data(w_shape, seed + 1, -1, 1), name)
    # (PyTorch takes no bias with a 1-D weight and batched input.)
    b, tb = pair(data((n_out,), seed + 2, -1, 1), name) if bias and not vector_weight \
        else (None, None)
    check(F.linear(x, w, b), TF.linear(t, tw, tb), name, scale=math.sqrt(n_in) * 4)


def test_linear_promotes_mixed_dtypes():
    x, t = pair(data((3, 4)), "float16")
    w, tw = pair(data((5, 4), 1), "float32")
    check(F.linear(x, w), TF.linear(t.float(), tw), "float32")


def test_linear_shape_errors():
    with pytest.raises(ValueError, match="in_features"):
        F.linear(xp.ones((2, 3)), xp.ones((4, 5)))
    with pytest.raises(ValueError, match="bias"):
        F.linear(xp.ones((2, 3)), xp.ones((4, 3)), xp.ones((3,)))
    with pytest.raises(ValueError, match="weight"):
        F.linear(xp.ones((2, 3)), xp.ones((1, 4, 3)))


@pytest.mark.parametrize("xs, ws, bias", [((1, 2, 0), (1, 0), True), ((2, 0), (3, 0), True),
                                           ((3, 2, 0), (4, 0), False), ((0, 2, 4), (3, 4), True)])
def test_linear_of_empty_input(xs, ws, bias):
    # (found by tools/fuzz: MLX's addmm failed on a batch of rows with no features:
    # "[reshape] Cannot infer the shape of an empty array")
    b = np.arange(1.0, ws[0] + 1) if bias else None
    x, t = pair(np.zeros(xs), "float32")
    w, tw = pair(np.zeros(ws), "float32")
    args = (x, w) + ((pair(b, "float32")[0],) if bias else ())
    targs = (t, tw) + ((pair(b, "float32")[1],) if bias else ())
    check(F.linear(*args), TF.linear(*targs), "float32")


# --- dropout and keys ---------------------------------------------------------------

def test_dropout_is_reproducible_with_a_key():
    x = xp.ones((64, 64))
    a = np.asarray(F.dropout(x, 0.3, rng_key=F.key(7)))
    b = np.asarray(F.dropout(x, 0.3, rng_key=F.key(7)))
    c = np.asarray(F.dropout(x, 0.3, rng_key=7))          # an int seed is key(seed)
    d = np.asarray(F.dropout(x, 0.3, rng_key=F.key(8)))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert (a != d).any()


def test_dropout_values_and_rate():
    p = 0.3
    x, _ = pair(data((200, 200)), "float32")
    out = np.asarray(F.dropout(x, p, rng_key=1))
    xn = np.asarray(x)
    kept = out != 0
    assert abs(1 - kept.mean() - p) < 0.01   # 40,000 draws: sd ~0.0023
    np.testing.assert_allclose(out[kept], xn[kept] / (1 - p), rtol=1e-6)


@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_dropout_keeps_dtype(name):
    x, _ = pair(data((8, 8)), name)
    out = F.dropout(x, 0.5, rng_key=0)
    assert out.dtype == getattr(xp, name)
    o = np.asarray(xp.astype(out, xp.float64))
    xn = np.asarray(xp.astype(x, xp.float64))
    kept = o != 0
    np.testing.assert_allclose(o[kept], xn[kept] * 2, rtol=TOL[name][0])


def test_dropout_edge_cases_follow_torch():
    x = xp.asarray([[1.0, -2.0], [3.0, 4.0]])
    assert F.dropout(x, 0.5, training=False) is x
    np.testing.assert_array_equal(np.asarray(F.dropout(x, 0.0)), np.asarray(x))
    np.testing.assert_array_equal(np.asarray(F.dropout(x, 1.0)), np.zeros((2, 2)))
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, p)
    with pytest.raises(TypeError, match="rng_key"):
        F.dropout(x, 0.5, rng_key="seed")
    with pytest.raises(TypeError, match="rng_key"):
        F.dropout(x, 0.5, rng_key=xp.ones((2,)))
    y = xp.ones((4, 4))
    assert F.dropout(y, 0.5, inplace=True, rng_key=0) is y


def test_dropout_without_key_uses_mlx_global_generator():
    x = xp.ones((32, 32))
    mx.random.seed(123)
    a = np.asarray(F.dropout(x, 0.5))
    mx.random.seed(123)
    b = np.asarray(F.dropout(x, 0.5))
    np.testing.assert_array_equal(a, b)


def test_split_gives_distinct_reproducible_keys():
    k1, k2 = F.split(F.key(0))
    assert k1.dtype == xp.uint32 and tuple(k1.shape) == (2,)
    x = xp.ones((32, 32))
    a = np.asarray(F.dropout(x, 0.5, rng_key=k1))
    b = np.asarray(F.dropout(x, 0.5, rng_key=k2))
    assert (a != b).any()
    k1b, _ = F.split(0)
    np.testing.assert_array_equal(a, np.asarray(F.dropout(x, 0.5, rng_key=k1b)))
    assert len(F.split(F.key(1), 3)) == 3
    with pytest.raises(ValueError):
        F.split(F.key(1), 0)
    with pytest.raises(TypeError):
        F.key(1.5)


def test_seeds_outside_uint64_raise_value_error():
    # (found by tools/fuzz: key(-1) leaked MLX's nanobind "incompatible function arguments")
    np.testing.assert_array_equal(np.asarray(F.key(2**64 - 1)), np.asarray(F.key(2**64 - 1)))
    x = xp.ones((8,))
    for bad in (2**64, -1, -(2**63)):
        with pytest.raises(ValueError, match=r"key: seed must be in \[0, 2\*\*64\)"):
            F.key(bad)
        with pytest.raises(ValueError, match="split: seed must be in"):
            F.split(bad)
        with pytest.raises(ValueError, match="dropout: seed must be in"):
            F.dropout(x, 0.5, rng_key=bad)


def test_split_counts_past_32_bits():
    # (found by tools/fuzz: num=2**40 reached MLX, whose nanobind TypeError leaked)
    with pytest.raises(ValueError, match="split: dimension"):
        F.split(0, 2**40)


def test_split_needs_a_key():
    # (found by tools/fuzz: split(None) passed None on to MLX, whose nanobind TypeError leaked)
    with pytest.raises(TypeError, match="split: rng_key must be"):
        F.split(None)
    with pytest.raises(TypeError, match="split: rng_key must be"):
        F.split("0")


def test_sdpa_scale_must_be_a_number():
    # (found by tools/fuzz: float(scale) failed with Python's own TypeError message)
    q = xp.ones((1, 1, 2, 4))
    for bad in (object(), "0.5", xp.asarray(0.5)):
        with pytest.raises(TypeError, match="scale must be a float or None"):
            F.scaled_dot_product_attention(q, q, q, scale=bad)
    x, t = pair(data((1, 1, 2, 4)), "float32")
    check(F.scaled_dot_product_attention(x, x, x, scale=np.float32(0.25)),
          TF.scaled_dot_product_attention(t, t, t, scale=0.25), "float32")


@pytest.mark.parametrize("eps", [object(), "1e-5", None, True])
def test_norms_check_eps(eps):
    # (found by tools/fuzz: float(eps) failed with Python's own TypeError message)
    x = xp.ones((2, 4))
    if eps is not None:
        with pytest.raises(TypeError, match="rms_norm: eps must be a float"):
            F.rms_norm(x, (4,), eps=eps)
    with pytest.raises(TypeError, match="layer_norm: eps must be a float"):
        F.layer_norm(x, (4,), eps=eps)
    # NumPy scalars are numbers too.
    assert F.layer_norm(x, (4,), eps=np.float32(1e-5)).shape == (2, 4)
    assert F.rms_norm(x, (4,), eps=np.float16(1e-3)).shape == (2, 4)


# --- attention -------------------------------------------------------------------

@st.composite
def attention_case(draw):
    b = draw(st.integers(1, 2))
    hkv = draw(st.integers(1, 3))
    gqa = draw(st.booleans())
    hq = hkv * draw(st.integers(1, 3)) if gqa else hkv
    L, S = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    E, Ev = draw(st.sampled_from([4, 8, 16, 64])), draw(st.sampled_from([3, 8, 64]))
    mask = draw(st.sampled_from(["none", "causal", "bool", "float"]))
    ndim = draw(st.sampled_from([3, 4, 5])) if not gqa else 4
    scale = draw(st.sampled_from([None, 0.5]))
    return b, hq, hkv, L, S, E, Ev, mask, gqa, ndim, scale


def _attention_inputs(case, name, seed):
    b, hq, hkv, L, S, E, Ev, mask, gqa, ndim, scale = case
    lead_q = {3: (b * hq,), 4: (b, hq), 5: (b, 1, hq)}[ndim]
    lead_k = {3: (b * hkv,), 4: (b, hkv), 5: (1, hkv)}[ndim]
    q, tq = pair(data((*lead_q, L, E), seed, -1, 1), name)
    k, tk = pair(data((*lead_k, S, E), seed + 1, -1, 1), name)
    v, tv = pair(data((*lead_k, S, Ev), seed + 2, -1, 1), name)
    m = tm = None
    if mask == "bool":
        mb = np.random.default_rng(seed).random((L, S)) < 0.7
        mb[:, 0] = True  # no fully masked row (PyTorch and MLX differ there)
        m, tm = xp.asarray(mb), torch.from_numpy(mb)
    elif mask == "float":
        m, tm = pair(data((1, L, S), seed + 3, -2, 2), name)
    return (q, k, v, m), (tq, tk, tv, tm)


@pytest.mark.parametrize("name", FLOAT_NAMES)
@given(case=attention_case(), seed=st.integers(0, 2**16))
def test_sdpa_matches_torch(name, case, seed):
    (q, k, v, m), (tq, tk, tv, tm) = _attention_inputs(case, name, seed)
    causal = case[7] == "causal"
    gqa, scale = case[8], case[10]
    got = F.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=causal, scale=scale,
                                         enable_gqa=gqa)
    want = TF.scaled_dot_product_attention(tq, tk, tv, attn_mask=tm, is_causal=causal,
                                           scale=scale, enable_gqa=gqa)
    check(got, want, name, scale=10.0)


def test_sdpa_causal_is_top_left_aligned():
    # L != S: PyTorch's mask is tril(ones(L, S)); MLX's own "causal" aligns bottom-right.
    (q, k, v, _), (tq, tk, tv, _) = _attention_inputs(
        (1, 2, 2, 3, 7, 8, 8, "none", False, 4, None), "float32", 0)
    check(F.scaled_dot_product_attention(q, k, v, is_causal=True),
          TF.scaled_dot_product_attention(tq, tk, tv, is_causal=True), "float32")


def test_sdpa_dropout_applies_the_keyed_mask():
    (q, k, v, _), (tq, tk, tv, _) = _attention_inputs(
        (2, 4, 2, 5, 6, 8, 8, "none", True, 4, None), "float32", 3)
    p = 0.25
    got = F.scaled_dot_product_attention(q, k, v, dropout_p=p, enable_gqa=True, rng_key=11)
    again = F.scaled_dot_product_attention(q, k, v, dropout_p=p, enable_gqa=True,
                                           rng_key=F.key(11))
    np.testing.assert_array_equal(np.asarray(got), np.asarray(again))
    # The same weights PyTorch computes, times the documented keep mask / (1 - p).
    keep = np.array(mx.random.bernoulli(1 - p, (2, 4, 5, 6), key=mx.random.key(11)))
    tkr, tvr = tk.repeat_interleave(2, dim=1), tv.repeat_interleave(2, dim=1)
    w = torch.softmax(tq @ tkr.mT / math.sqrt(8), dim=-1) * torch.from_numpy(keep) / (1 - p)
    check(got, w @ tvr, "float32")
    zeros = F.scaled_dot_product_attention(q, k, v, dropout_p=1.0, enable_gqa=True)
    np.testing.assert_array_equal(np.asarray(zeros), np.zeros((2, 4, 5, 8)))


def test_sdpa_empty_axes_match_torch():
    for shapes in [((2, 3, 0, 4), (2, 3, 5, 4), (2, 3, 5, 2)),
                   ((2, 3, 4, 4), (2, 3, 0, 4), (2, 3, 0, 2)),
                   ((2, 3, 4, 0), (2, 3, 5, 0), (2, 3, 5, 2))]:
        (q, tq), (k, tk), (v, tv) = (pair(data(s, i), "float32") for i, s in enumerate(shapes))
        check(F.scaled_dot_product_attention(q, k, v),
              TF.scaled_dot_product_attention(tq, tk, tv), "float32")


@pytest.mark.parametrize("additive", [False, True], ids=["bool mask", "-inf mask"])
@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_sdpa_fully_masked_queries_give_zeros(name, additive):
    # (found by tools/fuzz: MLX's kernel averaged the masked values for a query with
    # no key to attend to (a bool mask) or gave NaN (-inf); PyTorch gives zeros)
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 6, 5)), \
        rng.normal(size=(2, 3, 6, 2))
    m = rng.random((4, 6)) < 0.5
    m[1] = m[3] = False
    m[0, 0] = m[2, 0] = True
    mask = np.where(m, 0.0, -np.inf) if additive else m
    args = [pair(a, name) for a in (q, k, v)]
    mx_mask = xp.asarray(mask, dtype=getattr(xp, name)) if additive else xp.asarray(mask)
    t_mask = torch.from_numpy(mask).to(getattr(torch, name)) if additive else \
        torch.from_numpy(mask)
    got = F.scaled_dot_product_attention(*(a for a, _ in args), attn_mask=mx_mask)
    want = TF.scaled_dot_product_attention(*(t for _, t in args), attn_mask=t_mask)
    check(got, want, name)
    assert not np.asarray(xp.astype(got, xp.float32))[:, :, [1, 3]].any()


def test_sdpa_with_no_query_heads():
    # (found by tools/fuzz: 0 query heads against 1 key/value head were "broadcast" to 1,
    # and MLX's "Cannot broadcast array of shape (2,0,3,4)" leaked)
    q, k, v = xp.zeros((2, 0, 3, 4)), xp.ones((2, 1, 5, 4)), xp.ones((2, 1, 5, 6))
    assert F.scaled_dot_product_attention(q, k, v).shape == (2, 0, 3, 6)


def test_sdpa_errors():
    q = xp.ones((1, 4, 3, 8))
    kv = xp.ones((1, 2, 3, 8))
    with pytest.raises(ValueError, match="enable_gqa"):
        F.scaled_dot_product_attention(q, kv, kv)
    with pytest.raises(ValueError, match="multiple"):
        F.scaled_dot_product_attention(xp.ones((1, 3, 3, 8)), kv, kv, enable_gqa=True)
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=xp.ones((3, 3)), is_causal=True)
    with pytest.raises(ValueError, match="shapes do not fit"):
        F.scaled_dot_product_attention(q, xp.ones((1, 4, 3, 5)), q)
    with pytest.raises(ValueError, match="attn_mask"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=xp.ones((2, 3)))
    with pytest.raises(TypeError, match="attn_mask"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=xp.ones((3, 3), dtype=xp.int32))
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.scaled_dot_product_attention(q, q, q, dropout_p=2.0)
    with pytest.raises(ValueError, match="2 dimensions"):
        F.scaled_dot_product_attention(xp.ones(3), xp.ones(3), xp.ones(3))


# --- laziness and compilation --------------------------------------------------------

def test_functions_stay_lazy_and_reuse_compiled_kernels():
    x = xp.ones((4, 8))
    w = xp.ones((8,))

    def calls():
        return [F.relu(x), F.gelu(x), F.silu(x), F.sigmoid(x), F.softmax(x, -1),
                F.log_softmax(x, -1), F.layer_norm(x, (8,), w, w), F.rms_norm(x, (8,), w),
                F.linear(x, xp.ones((3, 8)), xp.ones((3,))), F.dropout(x, 0.5, rng_key=0),
                F.scaled_dot_product_attention(x[None, :], x[None, :], x[None, :]),
                F.scaled_dot_product_attention(x[None, :], x[None, :], x[None, :],
                                               dropout_p=0.1, rng_key=0)]

    calls()  # (compiles what is compiled: with the CPU extension, GELU itself is not)
    before = _compile.info()["hits"]
    outs = calls()
    assert _lazy.counts() == {}
    if _compile.enabled:
        assert _compile.info()["hits"] > before
    xp.eval(*outs)
    assert _lazy.counts() == {"explicit": 1}


@pytest.mark.skipif(not _compile.enabled, reason="checks what gets compiled")
def test_float64_gelu_compiles_its_erf_series_in_pieces():
    # (found by tools/fuzz's hang detector: the 160-term float64 erf series fused into one
    # kernel took g++ about 4 minutes per array rank on a loaded 2-core machine)
    _compile.clear()
    x, t = pair(data((3, 5)), "float64")
    check(F.gelu(x), TF.gelu(t), "float64")
    assert "nn.erf64.terms" in _compile._entries
    assert not any(k == "nn.gelu.none" or (isinstance(k, tuple) and k[0] == "nn.gelu.none")
                   for k in _compile._entries)
    F.gelu(xp.ones((2,), dtype=xp.float64))
    assert _compile.info()["misses"] == 1  # one kernel for every rank and every call


@pytest.mark.parametrize("bad", [torch.ones(3), np.ones(2), "yes", None, 1])
def test_flags_must_be_bools(bad):
    # (found by tools/fuzz: training=<tensor> was asked for its truth value: PyTorch's
    # "Boolean value of Tensor with more than one value is ambiguous" RuntimeError)
    x = xp.ones((2, 3))
    q = xp.ones((1, 1, 2, 4))
    calls = {
        "relu: inplace": lambda: F.relu(x, inplace=bad),
        "silu: inplace": lambda: F.silu(x, inplace=bad),
        "dropout: training": lambda: F.dropout(x, 0.5, training=bad),
        "dropout: inplace": lambda: F.dropout(x, 0.5, inplace=bad),
        "scaled_dot_product_attention: is_causal":
            lambda: F.scaled_dot_product_attention(q, q, q, is_causal=bad),
        "scaled_dot_product_attention: enable_gqa":
            lambda: F.scaled_dot_product_attention(q, q, q, enable_gqa=bad),
    }
    for what, call in calls.items():
        with pytest.raises(TypeError, match=f"{what} must be a bool"):
            call()
    # NumPy's bools and floats are fine.
    assert F.dropout(x, np.float32(0.5), training=np.bool_(False)) is x
