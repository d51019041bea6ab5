"""``Generator``: the API of ``numpy.random.Generator`` over MLX's counter-based PRNG.

A Generator holds one MLX key. Each call splits it (``mx.random.split``) into the
key it keeps and the key it draws with, so the n-th call of a generator seeded
with ``s`` always draws with the same key: the values depend on the seed and the
order of the calls, never on when (or whether) earlier results are evaluated.
Nothing here synchronises; arguments are validated from their Python values and
shapes only, and a call that raises draws nothing. See docs/random.md.
"""

from __future__ import annotations

import builtins
import math
import numbers
import operator
import threading
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array import prng as _prng
from .._array.devices import (
    Device,
    check_dtype_on_device,
    default_float,
    default_index,
    default_int,
    to_device,
)
from .._standard.creation import _check_dtype, _check_shape, asarray
from .._standard.elementwise import cos
from .._standard.manipulation import broadcast_shapes

if TYPE_CHECKING:
    from .._array.array import Array

_REAL = _d.CATEGORIES["real-valued"]
_REAL_FLOAT = _d.CATEGORIES["real-valued floating-point"]
_INT_OR_BOOL = _d.CATEGORIES["integer or boolean"]
# float16 and bfloat16 are drawn and computed in float32, then rounded once.
_WORK = {_d.float16: _d.float32, _d.bfloat16: _d.float32}


# --- argument checks ----------------------------------------------------------------

def _shape(name: str, size) -> tuple[int, ...] | None:
    """``size`` (None, an int or a tuple of ints >= 0) as a tuple, or None."""
    return None if size is None else _check_shape(name, size)


def _float_dtype(name: str, dtype):
    dt = default_float() if dtype is None else _check_dtype(name, dtype)
    if dt not in _REAL_FLOAT:
        _core.bad_dtype(name, "real-valued floating-point", dt)
    return dt


def _index_dtype(n: int):
    """The default index dtype for indices below ``n``, int64 when they do not fit."""
    dt = default_index()
    return dt if n - 1 <= _d.INT_RANGE[dt][1] else _d.int64


def _param(name: str, argname: str, v):
    """A distribution parameter: a real Python number (as float) or a real Array."""
    if isinstance(v, _core.Array):
        if v._dtype not in _REAL:
            _core.bad_dtype(name, "real-valued", v._dtype)
        return v
    if isinstance(v, builtins.bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name}: {argname} must be a real number or an array, "
                        f"got {type(v).__name__}")
    return float(v)


def _device(name: str, device, *operands) -> Device:
    """``device=`` if given, else the Array operands' device, else the default device."""
    devs = {o._device for o in operands if isinstance(o, _core.Array)}
    dev = to_device(device, name) if device is not None else (
        next(iter(devs)) if len(devs) == 1 else to_device(None, name))
    if any(d != dev for d in devs):
        raise ValueError(f"{name}: arrays on devices {sorted(map(str, devs))} and device={dev}; "
                         "move them with to_device()")
    return dev


def _out_shape(name: str, size, *params) -> tuple[int, ...]:
    """``size``, checked against the parameters' shapes, or their broadcast shape."""
    shapes = [tuple(p.shape) for p in params if isinstance(p, _core.Array)]
    try:
        shape = broadcast_shapes(*shapes)
        fits = size is None or broadcast_shapes(shape, size) == size
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{name}: parameters of shapes {shapes} do not broadcast"
                         + ("" if size is None else f" to size {size}"))
    return shape if size is None else size


def _operand(p, work, dev: Device):
    """A parameter as what MLX combines with a ``work``-dtype sample."""
    if isinstance(p, _core.Array):
        return p._array if p._dtype is work else p._array.astype(work._mx, stream=dev._s)
    return p


def _int_bound(name: str, argname: str, v) -> int:
    if isinstance(v, builtins.bool) or isinstance(v, _core.Array):
        raise TypeError(f"{name}: {argname} must be a Python int (array bounds are not "
                        f"supported), got {type(v).__name__}")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name}: {argname} must be an int, got {type(v).__name__}") from None


def _initial_key(name: str, seed) -> mx.array:
    if seed is None:
        return _prng.seed_key(name, _prng.fresh_seed())
    return _prng.as_key(name, seed, "seed")


def _nonnegative(name: str, argname: str, v) -> None:
    if isinstance(v, float) and v < 0:
        raise ValueError(f"{name}: {argname} < 0 (got {v})")


# --- the generator ------------------------------------------------------------------

class Generator:
    """Random numbers from one stream of MLX's counter-based PRNG.

    Construct with :func:`default_rng`. Methods follow ``numpy.random.Generator``;
    each takes ``device=`` (and the floating ones ``dtype=``: float32 by default,
    float64 on the CPU only). ``size=None`` gives a 0-d Array where NumPy gives a
    Python scalar (a scalar would be a sync point).

    A Generator may be shared between threads (drawing a key holds a lock), but
    then the values each thread gets depend on the threads' timing: give each
    thread its own stream with :meth:`spawn` for reproducible results.
    """

    __slots__ = ("_key", "_lock")

    def __init__(self, seed=None) -> None:
        self._key = _initial_key("Generator", seed)
        self._lock = threading.Lock()

    @classmethod
    def _from_key(cls, k: mx.array) -> Generator:
        g = object.__new__(cls)
        g._key = k
        g._lock = threading.Lock()
        return g

    def _draw_key(self) -> mx.array:
        with self._lock:
            self._key, k = _prng.advance(self._key)
        return k

    def _reseed(self, seed) -> None:
        k = _initial_key("seed", seed)
        with self._lock:
            self._key = k

    def __repr__(self) -> str:
        return "Generator(MLX threefry)"

    # --- streams ---

    def spawn(self, n_children: int) -> list[Generator]:
        """``n_children`` new generators with independent streams (one key each)."""
        n = _int_bound("spawn", "n_children", n_children)
        if n < 0:
            raise ValueError(f"spawn: n_children must be >= 0, got {n}")
        if n == 0:
            return []
        keys = mx.random.split(self._draw_key(), n, stream=mx.cpu)
        return [Generator._from_key(keys[i]) for i in range(n)]

    def next_key(self) -> Array:
        """A fresh key (uint32 Array, shape ``(2,)``) for ``tmath_array.nn``'s ``rng_key=``."""
        from .._array.devices import CPU

        return _core.new(self._draw_key(), _d.uint32, CPU)

    # --- floats ---

    def random(self, size=None, dtype=None, *, device=None) -> Array:
        """Uniform floats in ``[0, 1)``: multiples of ``2**-24`` for float32 (``2**-53``
        for float64, ``2**-11`` for float16, ``2**-8`` for bfloat16), all equally likely."""
        shape = _shape("random", size) or ()
        dt = _float_dtype("random", dtype)
        dev = _device("random", device)
        check_dtype_on_device(dt, dev, "random")
        return _core.new(_prng.unit_float(self._draw_key(), shape, dt._mx, dev._s), dt, dev)

    def uniform(self, low=0.0, high=1.0, size=None, *, dtype=None, device=None) -> Array:
        """``low + (high - low) * random()``; like NumPy's, rounding can give ``high``.

        Raises:
            ValueError: when Python-number bounds have ``high < low`` (Array bounds
                are not checked: that would be a sync point).
        """
        lo, hi = _param("uniform", "low", low), _param("uniform", "high", high)
        if isinstance(lo, float) and isinstance(hi, float) and hi < lo:
            raise ValueError(f"uniform: high - low < 0 (low={lo}, high={hi})")
        shape = _out_shape("uniform", _shape("uniform", size), lo, hi)
        dt = _float_dtype("uniform", dtype)
        dev = _device("uniform", device, lo, hi)
        check_dtype_on_device(dt, dev, "uniform")
        work = _WORK.get(dt, dt)
        u = _prng.unit_float(self._draw_key(), shape, dt._mx, dev._s)
        a, b = _operand(lo, work, dev), _operand(hi, work, dev)
        with mx.stream(dev._mx):
            out = a + (b - a) * (u if work is dt else u.astype(work._mx))
            return _core.new(out if work is dt else out.astype(dt._mx), dt, dev)

    def normal(self, loc=0.0, scale=1.0, size=None, *, dtype=None, device=None) -> Array:
        """Normal (Gaussian) samples with mean ``loc`` and standard deviation ``scale``.

        float32 (and float16/bfloat16, rounded from it) comes from MLX's sampler,
        ``sqrt(2) * erfinv(u)`` of a float32 uniform: values beyond 5.42 standard
        deviations never occur. float64 is Box-Muller on 53-bit uniforms.

        Raises:
            ValueError: for a Python-number ``scale < 0`` (Array scales are not checked).
        """
        mu, sigma = _param("normal", "loc", loc), _param("normal", "scale", scale)
        _nonnegative("normal", "scale", sigma)
        shape = _out_shape("normal", _shape("normal", size), mu, sigma)
        dt = _float_dtype("normal", dtype)
        dev = _device("normal", device, mu, sigma)
        check_dtype_on_device(dt, dev, "normal")
        work = _WORK.get(dt, dt)
        z = self._standard_normal(shape, work, dev)
        return self._affine(z, mu, sigma, dt, work, dev)

    def standard_normal(self, size=None, dtype=None, *, device=None) -> Array:
        """``normal(0.0, 1.0, size)``."""
        return self.normal(0.0, 1.0, size, dtype=dtype, device=device)

    def exponential(self, scale=1.0, size=None, *, dtype=None, device=None) -> Array:
        """Exponential samples with mean ``scale``: ``-scale * log(1 - random())``.

        The largest value is ``24 log 2 ~ 16.6`` times ``scale`` in float32 (36.7 in
        float64): the uniform grid bounds the tail.
        """
        sigma = _param("exponential", "scale", scale)
        _nonnegative("exponential", "scale", sigma)
        shape = _out_shape("exponential", _shape("exponential", size), sigma)
        dt = _float_dtype("exponential", dtype)
        dev = _device("exponential", device, sigma)
        check_dtype_on_device(dt, dev, "exponential")
        work = _WORK.get(dt, dt)
        u = _prng.unit_float(self._draw_key(), shape, work._mx, dev._s)
        with mx.stream(dev._mx):
            e = -mx.log(1.0 - u)
        return self._affine(e, 0.0, sigma, dt, work, dev)

    def standard_exponential(self, size=None, dtype=None, *, device=None) -> Array:
        """``exponential(1.0, size)``."""
        return self.exponential(1.0, size, dtype=dtype, device=device)

    def _standard_normal(self, shape, work, dev: Device) -> mx.array:
        k = self._draw_key()
        if work is not _d.float64:
            return mx.random.normal(shape, dtype=mx.float32, key=k, stream=dev._s)
        # Note: MLX's float64 normal is its float32 sample cast (24-bit values,
        # tails cut at 5.42 sd); Box-Muller on 53-bit uniforms, with MLX's exact
        # float64 log and sqrt and the namespace's accurate float64 cos.
        u = _prng.unit_float(k, (2, *shape), mx.float64, dev._s)
        with mx.stream(dev._mx):
            r = mx.sqrt(-2.0 * mx.log(1.0 - u[0]))
            theta = (2.0 * math.pi) * u[1]
        return r * cos(_core.new(theta, _d.float64, dev))._array

    @staticmethod
    def _affine(z: mx.array, loc, scale, dt, work, dev: Device):
        """``loc + scale * z`` in ``work``, returned as an Array of ``dt``."""
        a, b = _operand(loc, work, dev), _operand(scale, work, dev)
        with mx.stream(dev._mx):
            if not (isinstance(b, float) and b == 1.0):
                z = b * z
            if not (isinstance(a, float) and a == 0.0):
                z = a + z
            return _core.new(z if z.dtype == dt._mx else z.astype(dt._mx), dt, dev)

    def bernoulli(self, p=0.5, size=None, *, device=None) -> Array:
        """True with probability ``p`` (a bool Array; ``mx.random.bernoulli``).

        An extension (NumPy has ``binomial(1, p)``). ``p`` outside ``[0, 1]`` raises
        ValueError when it is a Python number; an Array ``p`` is not checked.
        """
        q = _param("bernoulli", "p", p)
        if isinstance(q, float) and not 0.0 <= q <= 1.0:
            raise ValueError(f"bernoulli: p must be in [0, 1], got {q}")
        if isinstance(q, _core.Array) and q._dtype not in _REAL_FLOAT:
            _core.bad_dtype("bernoulli", "real-valued floating-point", q._dtype)
        shape = _out_shape("bernoulli", _shape("bernoulli", size), q)
        dev = _device("bernoulli", device, q)
        pa = q._array if isinstance(q, _core.Array) else q
        out = mx.random.bernoulli(pa, shape, key=self._draw_key(), stream=dev._s)
        return _core.new(out, _d.bool, dev)

    # --- integers ---

    def integers(self, low, high=None, size=None, dtype=None, endpoint: bool = False, *,
                 device=None) -> Array:
        """Uniform integers in ``[low, high)`` (``[low, high]`` with ``endpoint=True``).

        With ``high=None`` the range is ``[0, low)``. ``dtype`` is an integer dtype or
        bool, int32 by default (NumPy: int64). Every value is equally likely within
        a relative ``2**-32`` (see docs/random.md), for any range.

        Raises:
            TypeError: for a floating or complex ``dtype``, or bounds that are not ints.
            ValueError: for an empty range or bounds outside ``dtype``'s range.
        """
        lo = _int_bound("integers", "low", low)
        if high is None:
            lo, hi = 0, lo
        else:
            hi = _int_bound("integers", "high", high)
        top = hi if endpoint else hi - 1
        if top < lo:
            raise ValueError(f"integers: low > high (low={lo}, high={hi})" if endpoint else
                             f"integers: low >= high (low={lo}, high={hi})")
        dt = default_int() if dtype is None else _check_dtype("integers", dtype)
        if dt not in _INT_OR_BOOL:
            _core.bad_dtype("integers", "integer or boolean", dt)
        dmin, dmax = _d.INT_RANGE.get(dt, (0, 1))
        if lo < dmin:
            raise ValueError(f"integers: low is out of bounds for {_core.dtype_name(dt)}")
        if top > dmax:
            raise ValueError(f"integers: high is out of bounds for {_core.dtype_name(dt)}")
        shape = _shape("integers", size) or ()
        dev = _device("integers", device)
        s = dev._s
        v = _prng.below(self._draw_key(), shape, top - lo + 1, s)
        if lo:
            # Note: added in uint64, wrapping: the bit pattern of low + v in any dtype.
            off = _core.scalar_value("integers", lo % 2**64, _d.uint64)
            v = mx.add(v, _core.as_mx(off, _d.uint64), stream=s)
        if dt in _d.KINDS["signed integer"]:
            v = mx.view(v, mx.int64, stream=s)
        return _core.new(v.astype(dt._mx, stream=s), dt, dev)

    # --- permutations and choice ---

    def permutation(self, x, axis: int = 0, *, device=None) -> Array:
        """A permuted ``arange(x)`` for an int ``x`` (int32; NumPy: int64), else a
        copy of array ``x`` permuted along ``axis``."""
        if isinstance(x, builtins.bool) or not isinstance(x, (numbers.Integral, _core.Array)):
            x = asarray(x, device=device)
        if isinstance(x, _core.Array):
            if x.ndim == 0:
                raise ValueError("permutation: x must be an int or an array of at least "
                                 "one dimension")
            ax = _args.check_axis("permutation", axis, x.ndim)
            dev = _device("permutation", device, x)
            out = mx.random.permutation(x._array, axis=ax, key=self._draw_key(), stream=dev._s)
            return _core.new(out, x._dtype, dev)
        n = operator.index(x)
        if n < 0:
            raise ValueError(f"permutation: x must be >= 0, got {n}")
        dt = _index_dtype(n)
        dev = _device("permutation", device)
        perm = mx.random.permutation(n, key=self._draw_key(), stream=dev._s)
        return _core.new(perm.astype(dt._mx, stream=dev._s), dt, dev)

    def shuffle(self, x, axis: int = 0) -> None:
        """Permute Array ``x`` along ``axis`` in place (rebinding its data), as NumPy does.

        Raises:
            TypeError: when ``x`` is not an Array (a Python list cannot be reordered
                without reading the permutation: use :meth:`permutation`).
        """
        _core.check_array("shuffle", x)
        if x.ndim == 0:
            raise ValueError("shuffle: x must have at least one dimension")
        ax = _args.check_axis("shuffle", axis, x.ndim)
        # Note: MLX arrays are immutable values; "in place" rebinds the Array to the
        # permuted copy, as the namespace's in-place operators do.
        _core.write_back(x, mx.random.permutation(x._array, axis=ax, key=self._draw_key(),
                                                  stream=x._device._s))

    def choice(self, a, size=None, replace: bool = True, p=None, axis: int = 0,
               shuffle: bool = True, *, device=None) -> Array:
        """Random picks from ``a`` (an Array, along ``axis``) or from ``arange(a)`` (an int).

        Args:
            replace: with replacement (default), or distinct picks.
            p: the probability of each entry. A Python sequence or NumPy array is
                checked as NumPy does (1-D, length, >= 0, sum 1 within ~1.5e-8). An
                Array ``p`` is not checked, its values would need a sync point: it is
                used as weights divided by their sum, and a negative or NaN entry
                gives unspecified picks.
            shuffle: accepted for NumPy's signature; distinct picks always come in
                random order.

        Raises:
            ValueError: for ``size`` larger than the population without replacement,
                an empty population, or a host ``p`` that fails the checks.
        """
        if isinstance(a, builtins.bool) or not isinstance(a, (numbers.Integral, _core.Array)):
            a = asarray(a, device=device)
        shape = _shape("choice", size)
        if isinstance(a, _core.Array):
            if a.ndim == 0:
                raise ValueError("choice: a must be an int or an array of at least one "
                                 "dimension")
            ax = _args.check_axis("choice", axis, a.ndim)
            n = a.shape[ax]
            dev = _device("choice", device, a)
        else:
            n = operator.index(a)
            if n < 0:
                raise ValueError(f"choice: a must be a non-negative int, got {n}")
            dev = _device("choice", device)
        shape = shape or ()
        m = math.prod(shape)
        if n == 0 and m:
            raise ValueError("choice: a cannot be empty unless no samples are taken")
        if not replace and m > n:
            raise ValueError("choice: cannot take a larger sample than the population "
                             f"({m} > {n}) when replace is False")
        probs = None if p is None else _probabilities(p, n, m, replace, dev)
        idx = self._indices(shape, n, m, replace, probs, dev)
        if not isinstance(a, _core.Array):
            return idx
        return _core.new(mx.take(a._array, idx._array, axis=ax, stream=dev._s), a._dtype, dev)

    def _indices(self, shape, n: int, m: int, replace: bool, probs, dev: Device) -> Array:
        dt = _index_dtype(n)
        s = dev._s
        if m == 0:
            return _core.new(mx.zeros(shape, dtype=dt._mx, stream=s), dt, dev)
        k = self._draw_key()
        if probs is None:
            if replace:
                idx = _prng.below(k, shape, n, s)
            else:
                idx = mx.random.permutation(n, key=k, stream=s)[:m].reshape(shape)
        else:
            with mx.stream(dev._mx):
                if replace:
                    # Inverse CDF; scaling u by the total normalises Array weights.
                    cdf = mx.cumsum(probs)
                    u = _prng.unit_float(k, (m,), probs.dtype, s) * cdf[-1]
                    idx = mx.minimum(mx.searchsorted(cdf, u, side="right"), n - 1)
                else:
                    # Exponential clocks: the order of E_i / p_i (E_i ~ Exp(1)) is
                    # successive sampling proportional to p; p_i = 0 comes last.
                    e = -mx.log(1.0 - _prng.unit_float(k, (n,), probs.dtype, s))
                    clock = mx.where(probs > 0, e / probs, mx.inf)
                    idx = mx.argsort(clock)[:m]
                idx = idx.reshape(shape)
        return _core.new(idx.astype(dt._mx, stream=s), dt, dev)


def _probabilities(p, n: int, m: int, replace: bool, dev: Device) -> mx.array:
    """``choice``'s ``p`` as an MLX float array, checked where it is host data."""
    if isinstance(p, mx.array):
        p = _core.wrap(p, dev)
    if isinstance(p, _core.Array):
        if p._dtype not in _REAL_FLOAT:
            _core.bad_dtype("choice", "real-valued floating-point", p._dtype)
        if tuple(p.shape) != (n,):
            raise ValueError(f"choice: a and p must have the same size (p has shape "
                             f"{tuple(p.shape)}, a has {n} entries)")
        if p._device != dev:
            raise ValueError(f"choice: p is on {p._device}, a on {dev}")
        work = _WORK.get(p._dtype, p._dtype)
        return p._array.astype(work._mx, stream=dev._s)
    try:
        vals = [float(v) for v in p]
    except TypeError:
        raise ValueError("choice: p must be a 1-dimensional sequence of numbers") from None
    if len(vals) != n:
        raise ValueError(f"choice: a and p must have the same size ({n} and {len(vals)})")
    if not all(v >= 0 for v in vals) or not all(math.isfinite(v) for v in vals):
        raise ValueError("choice: probabilities are not non-negative and finite")
    # NumPy's tolerance: sqrt(eps) of float64, or of p's dtype when it is coarser.
    atol = math.sqrt(np.finfo(np.float64).eps)
    if getattr(getattr(p, "dtype", None), "kind", "") == "f":
        atol = max(atol, math.sqrt(np.finfo(p.dtype).eps))
    if abs(math.fsum(vals) - 1.0) > atol:
        raise ValueError(f"choice: probabilities do not sum to 1 (sum {math.fsum(vals)!r})")
    if not replace and sum(v > 0 for v in vals) < m:
        raise ValueError("choice: fewer non-zero entries in p than size")
    return mx.array(vals, dtype=mx.float32)


def default_rng(seed=None) -> Generator:
    """A :class:`Generator` seeded with ``seed``, as ``numpy.random.default_rng``.

    Args:
        seed: an int in ``[0, 2**64)``, None (fresh entropy from the operating
            system), a key from ``tmath_array.nn.key``/``split``, or a Generator
            (returned as it is).

    The same seed gives the same values on every run and platform, but not the
    values NumPy gives for that seed: the bit streams differ.
    """
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)
