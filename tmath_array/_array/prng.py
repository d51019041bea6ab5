"""PRNG keys and raw random bits, shared by ``tmath_array.nn`` and ``xp.random``.

A key is MLX's counter-based PRNG key (``mx.random.key(seed)``: two uint32
words). Threefry maps (key, counter) to random bits, so a key alone determines
everything drawn with it: the same key gives the same values on every run,
whatever ran before and in whatever order the lazy graph is evaluated. A key is
used once; ``mx.random.split`` derives fresh independent keys from it.

The samplers here turn the 32-bit words of a key into exactly uniform floats on
a grid and into integers in ``[0, n)``; everything is a lazy MLX graph.
"""

from __future__ import annotations

import builtins
import math
import numbers
import operator
import secrets

import mlx.core as mx

from .._runtime import memory as _memory
from . import core as _core
from . import dtypes as _d

_SEEDS = 2**64          # mx.random.key takes a uint64 seed
_MASK32 = 0xFFFFFFFF

# Bits of a uniform [0, 1) float on a grid of multiples of 2**-bits: the
# significand of each type (its uniform values are then exact).
_GRID_BITS = {mx.float16: 11, mx.bfloat16: 8, mx.float32: 24, mx.float64: 53}


# --- keys -------------------------------------------------------------------------

def seed_key(name: str, seed) -> mx.array:
    """The MLX key of an int seed in ``[0, 2**64)``; TypeError or ValueError otherwise."""
    if isinstance(seed, builtins.bool):
        raise TypeError(f"{name}: seed must be an int, got bool")
    try:
        s = operator.index(seed)
    except TypeError:
        raise TypeError(f"{name}: seed must be an int, got {type(seed).__name__}") from None
    if not 0 <= s < _SEEDS:
        raise ValueError(f"{name}: seed must be in [0, 2**64), got {s}")
    return mx.random.key(s)


def fresh_seed() -> int:
    """A seed from the operating system's entropy (what ``seed=None`` means)."""
    return secrets.randbits(64)


def as_key(name: str, rng_key, argname: str = "rng_key") -> mx.array | None:
    """An MLX key from an int seed, a key Array or an ``mx.array`` key; None stays None."""
    if rng_key is None:
        return None
    if isinstance(rng_key, numbers.Integral) and not isinstance(rng_key, builtins.bool):
        return seed_key(name, rng_key)
    a = rng_key._array if isinstance(rng_key, _core.Array) else rng_key
    if not isinstance(a, mx.array) or a.dtype != mx.uint32 or tuple(a.shape) != (2,):
        raise TypeError(f"{name}: {argname} must be an int seed or a key from "
                        f"tmath_array.nn.key() (uint32, shape (2,)), got {rng_key!r}")
    return a


def key(seed: int):
    """A PRNG key (``mx.random.key(seed)``) as a uint32 Array, for ``rng_key=``.

    Raises:
        TypeError: for a seed that is not an int.
        ValueError: for a seed outside ``[0, 2**64)``.
    """
    from .devices import CPU

    return _core.new(seed_key("key", seed), _d.uint32, CPU)


def split(rng_key, num: int = 2) -> tuple:
    """``num`` new independent keys from one (``mx.random.split``): one per use.

    >>> k_attn, k_ffn = split(key(0))
    """
    if rng_key is None:
        raise TypeError("split: rng_key must be an int seed or a key from "
                        "tmath_array.nn.key(), got None")
    k = as_key("split", rng_key)
    if not isinstance(num, int) or isinstance(num, builtins.bool) or num < 1:
        raise ValueError(f"split: num must be a positive int, got {num!r}")
    _memory.check_shape("split", (num, 2), 4, "uint32")  # (MLX takes num as a 32-bit int)
    from .devices import CPU

    keys = mx.random.split(k, num)
    return tuple(_core.new(keys[i], _d.uint32, CPU) for i in range(num))


def advance(k: mx.array) -> tuple[mx.array, mx.array]:
    """``(next key, key to draw with)``: one split, on the CPU (keys are 8 bytes)."""
    keep, draw = mx.unstack(mx.random.split(k, 2, stream=mx.cpu), stream=mx.cpu)
    return keep, draw


# --- bits and the samplers built on them --------------------------------------------

def words(k: mx.array, shape: tuple[int, ...], stream) -> mx.array:
    """Independent uniform uint32 words of ``shape``, drawn with key ``k``."""
    # Note: MLX's Python API has no ``random.bits``; ``split(k, num)`` is exactly
    # ``bits((num, 2), k)`` (mlx/random.cpp), so it serves as the source of words.
    n = math.prod(shape)
    flat = mx.random.split(k, (n + 1) // 2, stream=stream).reshape(-1)
    if n % 2:
        flat = flat[:n]
    return flat.reshape(shape)


def unit_float(k: mx.array, shape: tuple[int, ...], dtype: mx.Dtype, stream) -> mx.array:
    """Uniform floats in ``[0, 1)`` of MLX ``dtype``: multiples of ``2**-b``, every one as likely.

    ``b`` is the significand width (11 for float16, 8 for bfloat16, 24 for
    float32, 53 for float64 from two words, as NumPy does), so the values are
    exact and 1.0 never occurs.
    """
    # Note: MLX's uniform divides a 32-bit word by 2**32 - 1 in float32 and clamps
    # below 1 (a slightly uneven grid), and has no float64 at all.
    b = _GRID_BITS[dtype]
    if dtype == mx.float64:
        w = words(k, (2, *shape), stream)
        hi = mx.right_shift(w[0], 5, stream=stream).astype(mx.float64, stream=stream)
        lo = mx.right_shift(w[1], 6, stream=stream).astype(mx.float64, stream=stream)
        with mx.stream(stream):
            return (hi * 2.0**26 + lo) * 2.0**-53      # 27 + 26 bits, all exact
    w = mx.right_shift(words(k, shape, stream), 32 - b, stream=stream)
    u = mx.multiply(w.astype(mx.float32, stream=stream), 2.0**-b, stream=stream)
    return u if dtype == mx.float32 else u.astype(dtype, stream=stream)


def below(k: mx.array, shape: tuple[int, ...], n: int, stream) -> mx.array:
    """Uniform integers in ``[0, n)`` as uint64, for ``1 <= n <= 2**64``.

    ``floor(w * n / 2**(32 m))`` of a random ``32 m``-bit number ``w`` (``m = 2``
    words for ``n <= 2**32``, else 3), computed exactly with 32-bit limbs. Each
    result has ``floor`` or ``ceil`` of ``2**(32 m) / n`` preimages, so the
    probabilities are uniform within a relative ``n / 2**(32 m) <= 2**-32``.
    """
    # Note: MLX's randint (0.32) maps a float32 uniform to the range, which skips
    # integers past 2**24 and collapses wide ranges to one value.
    if n == _SEEDS:
        w = words(k, (2, *shape), stream).astype(mx.uint64, stream=stream)
        return mx.bitwise_or(mx.left_shift(w[1], 32, stream=stream), w[0], stream=stream)
    m = 2 if n <= 2**32 else 3
    w = words(k, (m, *shape), stream).astype(mx.uint64, stream=stream)
    if m == 2:
        # (w1 2**32 + w0) n / 2**64 = (w1 n + (w0 n >> 32)) >> 32; no term overflows.
        with mx.stream(stream):
            return (w[1] * n + ((w[0] * n) >> 32)) >> 32
    n_limbs = (n & _MASK32, n >> 32)
    # Schoolbook product: column c collects the 32-bit halves of w[i] * n_j, i + j = c.
    columns: list[list[mx.array]] = [[] for _ in range(m + 3)]
    for i in range(m):
        for j, nj in enumerate(n_limbs):
            if nj:
                p = mx.multiply(w[i], nj, stream=stream)
                columns[i + j].append(mx.bitwise_and(p, _MASK32, stream=stream))
                columns[i + j + 1].append(mx.right_shift(p, 32, stream=stream))
    carry = None
    high = []   # the 32-bit limbs from column m up: the result
    for c, terms in enumerate(columns):
        total = carry
        for t in terms:
            total = t if total is None else mx.add(total, t, stream=stream)
        if total is None:
            total = mx.zeros(shape, dtype=mx.uint64, stream=stream)
        if c >= m:
            high.append(mx.bitwise_and(total, _MASK32, stream=stream))
        carry = mx.right_shift(total, 32, stream=stream)
    # n < 2**64, so the result fits two limbs.
    return mx.bitwise_or(mx.left_shift(high[1], 32, stream=stream), high[0], stream=stream)
