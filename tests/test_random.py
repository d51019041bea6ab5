"""xp.random: determinism, laziness, distributions, dtypes/devices and errors.

Statistical checks use fixed seeds (so they are deterministic) and bounds derived
from the sample size that a correct sampler fails with probability ~1e-6 or less:
6 standard errors for means, variances and frequencies, and the Kolmogorov-Smirnov
critical value ``sqrt(ln(2 / alpha) / (2 n))`` at ``alpha = 1e-6``.
"""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np
import pytest
from helpers import to_numpy
from hypothesis import given
from hypothesis import strategies as st

import tmath_array as xp
import tmath_array.nn as F  # noqa: N812 - torch.nn.functional's usual name
from tmath_array._array import prng as _prng

N = 200_000
DEVICES = xp.__array_namespace_info__().devices()
HALF_NAMES = ("float16", "bfloat16")
FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")


def np_of(x) -> np.ndarray:
    return to_numpy(x)


def ks_bound(n: int, alpha: float = 1e-6) -> float:
    return math.sqrt(math.log(2 / alpha) / (2 * n))


def ks_stat(samples: np.ndarray, cdf) -> float:
    x = np.sort(samples.astype(np.float64))
    n = len(x)
    c = cdf(x)
    return max(np.max(np.arange(1, n + 1) / n - c), np.max(c - np.arange(n) / n))


_erf = np.vectorize(math.erf)


def normal_cdf(x):
    return 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))


def assert_mean(samples, mean, sd):
    """Sample mean within 6 standard errors of ``mean`` (``sd``: one sample's)."""
    got = float(np.mean(samples.astype(np.float64)))
    assert abs(got - mean) < 6 * sd / math.sqrt(samples.size), (got, mean)


def assert_var(samples, var, kurtosis_excess=0.0):
    """Sample variance within 6 standard errors: ``var * sqrt((2 + excess) / n)``."""
    got = float(np.var(samples.astype(np.float64)))
    se = var * math.sqrt((2 + kurtosis_excess) / samples.size)
    assert abs(got - var) < 6 * se, (got, var)


def assert_frequencies(values, probs):
    """Each value's count within 6 binomial standard deviations of ``n * p``."""
    n = values.size
    counts = np.bincount(values.ravel(), minlength=len(probs))
    assert len(counts) == len(probs)
    for c, p in zip(counts, probs):
        assert abs(c - n * p) <= 6 * math.sqrt(n * p * (1 - p)) + 1e-9, (counts, probs)


# Every drawing method, called the same way on a generator (a name and a call).
CALLS = [
    ("random", lambda g: g.random((4, 5))),
    ("random float64", lambda g: g.random(7, dtype=xp.float64, device="cpu")),
    ("uniform", lambda g: g.uniform(-2.0, 3.0, 9)),
    ("normal", lambda g: g.normal(1.0, 2.0, (3, 3))),
    ("normal float64", lambda g: g.normal(size=5, dtype=xp.float64, device="cpu")),
    ("standard_normal", lambda g: g.standard_normal(6, dtype=xp.bfloat16)),
    ("exponential", lambda g: g.exponential(2.0, 8)),
    ("standard_exponential", lambda g: g.standard_exponential(8, dtype=xp.float16)),
    ("integers", lambda g: g.integers(-5, 1000, 12)),
    ("integers int64", lambda g: g.integers(-(2**62), 2**62, 6, dtype=xp.int64)),
    ("bernoulli", lambda g: g.bernoulli(0.3, 16)),
    ("choice", lambda g: g.choice(10, 6)),
    ("choice without replacement", lambda g: g.choice(xp.arange(20) * 2, 5, replace=False)),
    ("choice with p", lambda g: g.choice(4, 9, p=[0.1, 0.2, 0.3, 0.4])),
    ("choice with Array p, no replacement",
     lambda g: g.choice(5, 3, replace=False, p=xp.asarray([1.0, 2.0, 3.0, 4.0, 5.0]))),
    ("permutation", lambda g: g.permutation(10)),
    ("permutation of an array", lambda g: g.permutation(xp.reshape(xp.arange(12), (3, 4)), 1)),
]
CALL_IDS = [c[0] for c in CALLS]


# --- determinism and laziness -----------------------------------------------------------

@pytest.mark.parametrize("what,call", CALLS, ids=CALL_IDS)
def test_same_seed_same_values_other_seed_other_values(what, call):
    a = call(xp.random.default_rng(42))
    b = call(xp.random.default_rng(42))
    c = call(xp.random.default_rng(43))
    assert xp.sync_stats().total == 0, what  # drawing is lazy
    np.testing.assert_array_equal(np_of(a), np_of(b))
    assert a.dtype == b.dtype and a.shape == b.shape
    assert not np.array_equal(np_of(a), np_of(c)), what


def test_values_do_not_depend_on_evaluation_order():
    g1, g2 = xp.random.default_rng(7), xp.random.default_rng(7)
    first = [call(g1) for _, call in CALLS]
    second = [call(g2) for _, call in CALLS]
    # Evaluate g2's draws last to first, and with unrelated work in between.
    got = {}
    for i in reversed(range(len(second))):
        xp.eval(xp.ones((3,)) * 2)
        got[i] = np_of(second[i])
    for i, a in enumerate(first):
        np.testing.assert_array_equal(np_of(a), got[i], err_msg=CALL_IDS[i])


def test_successive_draws_differ_and_a_failed_call_draws_nothing():
    g1, g2 = xp.random.default_rng(3), xp.random.default_rng(3)
    a1 = g1.random(100)
    with pytest.raises(ValueError):
        g1.integers(5, 5)
    b1 = g1.random(100)
    a2, b2 = g2.random(100), g2.random(100)
    np.testing.assert_array_equal(np_of(a1), np_of(a2))
    np.testing.assert_array_equal(np_of(b1), np_of(b2))
    assert not np.array_equal(np_of(a1), np_of(b1))


def test_spawn_gives_independent_reproducible_streams():
    kids = xp.random.default_rng(0).spawn(3)
    again = xp.random.default_rng(0).spawn(3)
    draws = [np_of(k.random(50)) for k in kids]
    for d, k in zip(draws, again):
        np.testing.assert_array_equal(d, np_of(k.random(50)))
    assert len({d.tobytes() for d in draws}) == 3
    assert xp.random.default_rng(0).spawn(0) == []
    with pytest.raises(ValueError):
        xp.random.default_rng(0).spawn(-1)


def test_seeds_keys_and_generators():
    g = xp.random.default_rng(5)
    assert xp.random.default_rng(g) is g
    assert "Generator" in repr(g) and xp.sync_stats().total == 0
    # A key from tmath_array.nn seeds the same stream as its int seed.
    np.testing.assert_array_equal(np_of(xp.random.default_rng(F.key(5)).random(8)),
                                  np_of(xp.random.default_rng(5).random(8)))
    np.testing.assert_array_equal(np_of(xp.random.default_rng(2**64 - 1).random(3)),
                                  np_of(xp.random.default_rng(np.uint64(2**64 - 1)).random(3)))
    # No seed: fresh entropy, so two generators differ.
    assert not np.array_equal(np_of(xp.random.default_rng().random(8)),
                              np_of(xp.random.default_rng().random(8)))
    # next_key() feeds nn's rng_key=.
    x = xp.ones((16, 16))
    m1 = F.dropout(x, 0.5, rng_key=xp.random.default_rng(1).next_key())
    m2 = F.dropout(x, 0.5, rng_key=xp.random.default_rng(1).next_key())
    np.testing.assert_array_equal(np_of(m1), np_of(m2))


def test_legacy_module_functions_follow_seed():
    def draw():
        return [xp.random.rand(3, 2), xp.random.randn(4), xp.random.randint(0, 9, 5),
                xp.random.random(3), xp.random.random_sample((2,)), xp.random.sample(2),
                xp.random.ranf(2), xp.random.normal(1.0, 2.0, 3), xp.random.uniform(0, 1, 2),
                xp.random.standard_normal(2), xp.random.exponential(1.0, 2),
                xp.random.standard_exponential(2), xp.random.choice(5, 3),
                xp.random.permutation(6)]

    xp.random.seed(11)
    a = draw()
    xp.random.seed(11)
    b = draw()
    for u, v in zip(a, b):
        np.testing.assert_array_equal(np_of(u), np_of(v))
    assert a[0].shape == (3, 2) and a[0].dtype == xp.float32
    assert a[2].dtype == xp.int32
    assert xp.random.randn().shape == ()
    y = xp.arange(5)
    assert xp.random.shuffle(y) is None
    np.testing.assert_array_equal(np.sort(np_of(y)), np.arange(5))


def test_seed_also_seeds_mlx_global_generator_for_dropout():
    x = xp.ones((32, 32))
    xp.random.seed(123)
    a = np_of(F.dropout(x, 0.5))
    xp.random.seed(123)
    b = np_of(F.dropout(x, 0.5))
    np.testing.assert_array_equal(a, b)


def test_words_are_mlx_random_bits():
    # The samplers take 32-bit words from split(key, n), which MLX implements as
    # bits((n, 2), key); MLX's uniform is the same bits divided by 2**32 - 1.
    k = mx.random.key(9)
    w = np.asarray(_prng.words(k, (10, 2), mx.cpu))
    u = np.asarray(mx.random.uniform(shape=(10, 2), key=k))
    np.testing.assert_array_equal(np.float32(w) / np.float32(2**32 - 1), u)


def _first_key(seed: int):
    """The key the first call of ``default_rng(seed)`` draws with."""
    return _prng.advance(mx.random.key(seed))[1]


def test_samplers_match_their_formulas_in_numpy():
    n = 1000
    w = np.asarray(_prng.words(_first_key(21), (n,), mx.cpu))
    np.testing.assert_array_equal(np_of(xp.random.default_rng(21).random(n)),
                                  (w >> 8).astype(np.float32) * np.float32(2.0**-24))
    w2 = np.asarray(_prng.words(_first_key(22), (2, n), mx.cpu)).astype(np.float64)
    u = ((w2[0] // 32) * 2.0**26 + w2[1] // 64) * 2.0**-53
    np.testing.assert_array_equal(
        np_of(xp.random.default_rng(22).random(n, dtype=xp.float64, device="cpu")), u)
    # float64 normal: Box-Muller on two 53-bit uniforms, to float64 accuracy.
    u = np.asarray(_prng.unit_float(_first_key(23), (2, n), mx.float64, mx.cpu))
    z = np.sqrt(-2.0 * np.log(1.0 - u[0])) * np.cos(2.0 * np.pi * u[1])
    got = np_of(xp.random.default_rng(23).normal(size=n, dtype=xp.float64, device="cpu"))
    np.testing.assert_allclose(got, z, rtol=1e-13, atol=1e-14)


# --- floats -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_random_is_uniform_on_its_grid(name):
    bits = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}[name]
    x = xp.random.default_rng(1).random(N, dtype=getattr(xp, name), device="cpu")
    assert x.dtype == getattr(xp, name) and x.shape == (N,)
    v = np_of(x).astype(np.float64)
    assert v.min() >= 0.0 and v.max() < 1.0
    scaled = v * 2.0**bits
    np.testing.assert_array_equal(scaled, np.floor(scaled))  # exact grid values
    assert_mean(v, 0.5 - 2.0 ** -(bits + 1), math.sqrt(1 / 12))  # the grid's mean
    assert ks_stat(v, lambda t: t) < ks_bound(N) + 2.0**-bits


def test_float64_uses_53_bits():
    v = np_of(xp.random.default_rng(2).random(1000, dtype=xp.float64, device="cpu"))
    assert np.mean(v.astype(np.float32).astype(np.float64) != v) > 0.9
    z = np_of(xp.random.default_rng(2).normal(size=1000, dtype=xp.float64, device="cpu"))
    assert np.mean(z.astype(np.float32).astype(np.float64) != z) > 0.9


def test_uniform_bounds_and_array_parameters():
    g = xp.random.default_rng(4)
    v = np_of(g.uniform(-3.0, 5.0, N))
    assert v.min() >= -3.0 and v.max() <= 5.0
    assert_mean(v, 1.0, 8 / math.sqrt(12))
    lo = xp.asarray([[0.0], [10.0]])
    hi = xp.asarray([1.0, 2.0, 3.0]) + 10.0
    m = g.uniform(lo, hi)
    assert m.shape == (2, 3)
    mv = np_of(m)
    assert np.all(mv >= np_of(lo)) and np.all(mv <= np_of(hi))
    assert g.uniform(lo, hi, size=(4, 2, 3)).shape == (4, 2, 3)
    assert g.uniform(2.0, 2.0, 3).shape == (3,)


@pytest.mark.parametrize("name", ("float32", "float64", "bfloat16"))
def test_normal_mean_variance_and_ks(name):
    x = xp.random.default_rng(5).normal(3.0, 2.0, N, dtype=getattr(xp, name), device="cpu")
    assert x.dtype == getattr(xp, name)
    v = np_of(x).astype(np.float64)
    assert_mean(v, 3.0, 2.0)
    assert_var(v, 4.0)
    # bfloat16 rounds v by up to |v| 2**-9, which moves the CDF by at most
    # max pdf((v - 3) / 2) |v| 2**-10 ~ 0.0012.
    rounding = 0.002 if name == "bfloat16" else 0.0
    assert ks_stat((v - 3.0) / 2.0, normal_cdf) < ks_bound(N) + rounding


def test_normal_with_array_parameters_broadcasts():
    g = xp.random.default_rng(6)
    loc = xp.asarray([0.0, 100.0, -100.0])
    scale = xp.asarray([[1.0], [0.001]])
    z = np_of(g.normal(loc, scale, size=(2000, 2, 3)))
    assert z.shape == (2000, 2, 3)
    np.testing.assert_allclose(z[:, 1, :].mean(axis=0), [0.0, 100.0, -100.0], atol=1e-3)
    assert_mean(z[:, 0, 1], 100.0, 1.0)


def test_exponential_mean_and_ks():
    v = np_of(xp.random.default_rng(7).exponential(2.5, N)).astype(np.float64)
    assert v.min() >= 0.0
    assert_mean(v, 2.5, 2.5)
    assert_var(v, 6.25, kurtosis_excess=6.0)
    assert ks_stat(v / 2.5, lambda t: 1.0 - np.exp(-t)) < ks_bound(N)


def test_bernoulli_rate():
    g = xp.random.default_rng(8)
    b = g.bernoulli(0.3, N)
    assert b.dtype == xp.bool
    assert_mean(np_of(b).astype(np.float64), 0.3, math.sqrt(0.3 * 0.7))
    assert not np_of(g.bernoulli(0.0, 100)).any() and np_of(g.bernoulli(1.0, 100)).all()
    p = xp.asarray([0.0, 1.0, 0.5])
    np.testing.assert_array_equal(np_of(g.bernoulli(p, (10, 3)))[:, :2], [[False, True]] * 10)


# --- integers ---------------------------------------------------------------------------

@pytest.mark.parametrize("low,high,endpoint,dtype", [
    (0, 10, False, "int32"),
    (-3, 4, True, "int8"),
    (-128, 127, True, "int8"),
    (0, 255, True, "uint8"),
    (2**40, 2**40 + 10, False, "int64"),   # MLX's randint collapses this to one value
    (0, 2, False, "bool"),
])
def test_integers_are_uniform_within_bounds(low, high, endpoint, dtype):
    dt = getattr(xp, dtype)
    x = xp.random.default_rng(9).integers(low, high, 50_000, dtype=dt, endpoint=endpoint)
    assert x.dtype == dt
    v = np_of(x).astype(np.int64)
    top = high if endpoint else high - 1
    assert v.min() >= low and v.max() <= top
    k = top - low + 1
    assert_frequencies(v - low, [1 / k] * k)


@pytest.mark.parametrize("low,high,dtype", [
    (-(2**63), 2**63, "int64"), (0, 2**64, "uint64"), (0, 3 * 2**62, "uint64"),
    (-(2**31), 2**31, "int32"), (0, 2**32, "uint32")])
def test_integers_over_wide_ranges(low, high, dtype):
    v = np_of(xp.random.default_rng(10).integers(low, high, 20_000, dtype=getattr(xp, dtype)))
    vals = [int(t) for t in v]
    assert min(vals) >= low and max(vals) < high
    # Uniform over the range: the fraction in the lower half of it is 1/2.
    half = np.array([t < low + (high - low) // 2 for t in vals], dtype=np.float64)
    assert_mean(half, 0.5, 0.5)


@given(n=st.integers(1, 2**64), seed=st.integers(0, 2**32))
def test_below_is_the_exact_multiply_shift(n, seed):
    k = mx.random.key(seed)
    got = [int(t) for t in np.asarray(_prng.below(k, (4,), n, mx.cpu))]
    m = 2 if n <= 2**32 else 3
    m = 2 if n == 2**64 else m
    w = np.asarray(_prng.words(k, (m, 4), mx.cpu))
    wide = [sum(int(w[j, i]) << (32 * j) for j in range(m)) for i in range(4)]
    expected = wide if n == 2**64 else [(x * n) >> (32 * m) for x in wide]
    assert got == expected


def test_integers_default_range_and_scalar():
    g = xp.random.default_rng(11)
    v = np_of(g.integers(5, size=1000))
    assert v.min() >= 0 and v.max() <= 4
    s = g.integers(3, 4)
    assert s.shape == () and int(s) == 3
    assert int(g.integers(7, 7, endpoint=True)) == 7


# --- choice, permutation, shuffle ---------------------------------------------------------

def test_choice_with_p_follows_p():
    p = [0.1, 0.0, 0.6, 0.3]
    g = xp.random.default_rng(12)
    assert_frequencies(np_of(g.choice(4, N, p=p)), p)
    w = xp.asarray([1.0, 0.0, 6.0, 3.0])  # an Array p is used as weights over their sum
    assert_frequencies(np_of(g.choice(4, N, p=w)), p)


def test_choice_without_replacement_is_distinct_and_weighted():
    g = xp.random.default_rng(13)
    v = np_of(g.choice(1000, 1000, replace=False))
    np.testing.assert_array_equal(np.sort(v), np.arange(1000))
    a = xp.asarray([5.0, 6.0, 7.0, 8.0, 9.0])
    picks = np_of(g.choice(a, 4, replace=False))
    assert len(set(picks.tolist())) == 4 and set(picks.tolist()) <= {5.0, 6.0, 7.0, 8.0, 9.0}
    np.testing.assert_array_equal(np.sort(np_of(g.choice(4, 2, replace=False, p=[0.5, 0, 0.5, 0]))),
                                  [0, 2])
    # The first pick of a weighted draw without replacement has probability p.
    p = [0.2, 0.3, 0.5]
    firsts = xp.stack([g.choice(3, 2, replace=False, p=p)[0] for _ in range(3000)])
    assert_frequencies(np_of(firsts), p)


def test_choice_of_array_along_axis_and_shapes():
    g = xp.random.default_rng(14)
    a = xp.reshape(xp.arange(15), (3, 5))
    c = g.choice(a, (2, 4), axis=1)
    assert c.shape == (3, 2, 4) and c.dtype == a.dtype
    cv = np_of(c)
    np.testing.assert_array_equal(cv[1] - cv[0], np.full((2, 4), 5))
    assert g.choice(5).shape == () and g.choice(a).shape == (5,)
    assert g.choice(0, 0).shape == (0,)
    np.testing.assert_array_equal(np_of(g.choice([7, 7, 7], 3)), [7, 7, 7])


def test_permutation_is_a_permutation():
    g = xp.random.default_rng(15)
    p = g.permutation(100)
    assert p.dtype == xp.int32
    np.testing.assert_array_equal(np.sort(np_of(p)), np.arange(100))
    m = xp.reshape(xp.arange(12.0), (3, 4))
    q = np_of(g.permutation(m, axis=1))
    np.testing.assert_array_equal(np.sort(q, axis=1), np_of(m))
    np.testing.assert_array_equal(q[1] - q[0], np.full(4, 4.0))  # whole columns move
    assert g.permutation(0).shape == (0,)
    np.testing.assert_array_equal(np.sort(np_of(g.permutation([3, 1, 2]))), [1, 2, 3])


def test_shuffle_is_in_place():
    g = xp.random.default_rng(16)
    x = xp.arange(50)
    before = x
    assert g.shuffle(x) is None
    assert x is before and x.dtype == xp.int32
    v = np_of(x)
    np.testing.assert_array_equal(np.sort(v), np.arange(50))
    assert not np.array_equal(v, np.arange(50))
    m = xp.reshape(xp.arange(6), (2, 3))
    g.shuffle(m, axis=1)
    np.testing.assert_array_equal(np.sort(np_of(m), axis=1), [[0, 1, 2], [3, 4, 5]])


# --- dtypes and devices -------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES, ids=str)
@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_float_dtypes_and_devices(device, name):
    g = xp.random.default_rng(17)
    dt = getattr(xp, name)
    if name == "float64" and device.type != "cpu":
        with pytest.raises(TypeError, match="float64"):
            g.normal(size=3, dtype=dt, device=device)
        return
    for x in (g.random(3, dtype=dt, device=device), g.normal(size=3, dtype=dt, device=device),
              g.uniform(0, 1, 3, dtype=dt, device=device),
              g.exponential(1.0, 3, dtype=dt, device=device)):
        assert x.dtype == dt and x.device == device and x.shape == (3,)
        assert np.isfinite(np_of(x)).all()


@pytest.mark.parametrize("device", DEVICES, ids=str)
def test_integer_and_index_results_live_on_the_device(device):
    g = xp.random.default_rng(18)
    for x in (g.integers(0, 5, 3, device=device), g.choice(5, 2, device=device),
              g.permutation(4, device=device), g.bernoulli(0.5, 3, device=device)):
        assert x.device == device
    a = xp.arange(4, device=device)
    assert g.choice(a, 2).device == device and g.permutation(a).device == device


# --- errors -------------------------------------------------------------------------------

ERRORS = [
    (ValueError, lambda g: g.random(-1)),
    (ValueError, lambda g: g.normal(size=(2, -3))),
    (TypeError, lambda g: g.random(2.0)),
    (TypeError, lambda g: g.random(3, dtype=xp.int32)),
    (TypeError, lambda g: g.normal(size=3, dtype=xp.complex64)),
    (TypeError, lambda g: g.integers(0, 5, dtype=xp.float32)),
    (TypeError, lambda g: g.integers(0.5, 5)),
    (TypeError, lambda g: g.integers(xp.asarray(0), 5)),
    (ValueError, lambda g: g.integers(5, 5)),
    (ValueError, lambda g: g.integers(0)),
    (ValueError, lambda g: g.integers(6, 5, endpoint=True)),
    (ValueError, lambda g: g.integers(0, 300, dtype=xp.int8)),
    (ValueError, lambda g: g.integers(-1, 3, dtype=xp.uint8)),
    (ValueError, lambda g: g.integers(0, 3, dtype=xp.bool)),
    (ValueError, lambda g: g.normal(0.0, -1.0)),
    (ValueError, lambda g: g.exponential(-2.0)),
    (ValueError, lambda g: g.uniform(1.0, 0.0)),
    (ValueError, lambda g: g.bernoulli(1.5)),
    (ValueError, lambda g: g.normal(xp.zeros((3,)), 1.0, size=(2,))),
    (TypeError, lambda g: g.normal("0")),
    (ValueError, lambda g: g.choice(3, 5, replace=False)),
    (ValueError, lambda g: g.choice(0)),
    (ValueError, lambda g: g.choice(-2, 1)),
    (ValueError, lambda g: g.choice(xp.asarray(3.0))),
    (ValueError, lambda g: g.choice(3, p=[0.5, 0.6, 0.1])),
    (ValueError, lambda g: g.choice(3, p=[0.5, 0.5])),
    (ValueError, lambda g: g.choice(3, p=[1.5, -0.5, 0.0])),
    (ValueError, lambda g: g.choice(3, p=[[0.5, 0.5, 0.0]])),
    (ValueError, lambda g: g.choice(3, 2, replace=False, p=[1.0, 0.0, 0.0])),
    (ValueError, lambda g: g.choice(3, p=xp.ones((4,)))),
    (TypeError, lambda g: g.choice(3, p=xp.ones((3,), dtype=xp.int32))),
    (IndexError, lambda g: g.choice(xp.ones((3,)), axis=1)),
    (ValueError, lambda g: g.permutation(-1)),
    (ValueError, lambda g: g.permutation(xp.asarray(2.0))),
    (TypeError, lambda g: g.shuffle([1, 2, 3])),
    (ValueError, lambda g: g.shuffle(xp.asarray(1.0))),
    (ValueError, lambda g: g.random(3, device="tpu")),
]


@pytest.mark.parametrize("exc,call", ERRORS, ids=range(len(ERRORS)))
def test_errors(exc, call):
    g = xp.random.default_rng(0)
    with pytest.raises(exc):
        call(g)
    assert xp.sync_stats().total == 0


@pytest.mark.parametrize("seed,exc", [(-1, ValueError), (2**64, ValueError), (1.5, TypeError),
                                      (True, TypeError), ("0", TypeError)])
def test_bad_seeds(seed, exc):
    with pytest.raises(exc):
        xp.random.default_rng(seed)
    with pytest.raises(exc):
        xp.random.seed(seed)


def test_unsupported_numpy_names_say_what_to_do():
    with pytest.raises(AttributeError, match="default_rng"):
        xp.random.RandomState  # noqa: B018
    with pytest.raises(AttributeError, match="np.random.default_rng"):
        xp.random.poisson  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute"):
        xp.random.not_a_numpy_name  # noqa: B018
    assert set(xp.random.__all__) <= set(dir(xp.random))
