"""``xp.random``: random numbers with NumPy's API, over MLX's counter-based PRNG.

Two ways in, as in NumPy::

    rng = xp.random.default_rng(0)          # a Generator: its own stream
    x = rng.normal(size=(3, 4))
    i = rng.integers(0, 10, size=5)

    xp.random.seed(0)                       # NumPy's legacy module-level functions
    y = xp.random.randn(3, 4)

The module-level functions draw from one module Generator, like NumPy's legacy
global state: reproducible after :func:`seed` only if the same calls run in the
same order. Sharing it between threads is safe (each draw takes a lock) but
not reproducible; give each thread its own ``default_rng(seed)`` or ``spawn()``.

Results are lazy Arrays (float32 and int32 by default; NumPy gives float64 and
int64), and the same seed gives other numbers than NumPy: the bit streams differ.
See docs/random.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mlx.core as mx

from ._array import prng as _prng
from ._numpy.random_generator import Generator, default_rng

if TYPE_CHECKING:
    from ._array.array import Array

__all__ = [
    "Generator", "default_rng",
    "seed", "rand", "randn", "randint", "random", "random_sample", "sample", "ranf",
    "standard_normal", "normal", "uniform", "exponential", "standard_exponential",
    "choice", "permutation", "shuffle",
]

# The module generator behind NumPy's legacy functions (seeded from OS entropy).
_GLOBAL = Generator()


def seed(seed: int | None = None) -> None:
    """Re-seed the module generator (None: fresh OS entropy), like ``numpy.random.seed``.

    It also seeds MLX's global generator (``mx.random.seed``), which
    ``tmath_array.nn``'s dropout uses when it is given no ``rng_key`` (as
    ``torch.manual_seed`` seeds dropout in PyTorch). MLX keeps that generator per
    thread, so this reaches the calling thread's only.

    Raises:
        TypeError: for a seed that is not an int.
        ValueError: for a seed outside ``[0, 2**64)``.
    """
    s = _prng.fresh_seed() if seed is None else seed
    _GLOBAL._reseed(s)
    mx.random.seed(s)


def rand(*dims: int, dtype=None, device=None) -> Array:
    """Uniform floats in ``[0, 1)`` of shape ``dims`` (``numpy.random.rand``)."""
    return _GLOBAL.random(dims, dtype=dtype, device=device)


def randn(*dims: int, dtype=None, device=None) -> Array:
    """Standard normal floats of shape ``dims`` (``numpy.random.randn``)."""
    return _GLOBAL.standard_normal(dims, dtype=dtype, device=device)


# NumPy's legacy names, each a method of the module generator.
randint = _GLOBAL.integers
random = _GLOBAL.random
random_sample = _GLOBAL.random
sample = _GLOBAL.random
ranf = _GLOBAL.random
standard_normal = _GLOBAL.standard_normal
normal = _GLOBAL.normal
uniform = _GLOBAL.uniform
exponential = _GLOBAL.exponential
standard_exponential = _GLOBAL.standard_exponential
choice = _GLOBAL.choice
permutation = _GLOBAL.permutation
shuffle = _GLOBAL.shuffle

_INSTEAD = {
    "RandomState": "xp.random.default_rng(seed), a Generator",
    "get_state": "a Generator of your own (default_rng(seed)); spawn() gives independent ones",
    "set_state": "xp.random.seed(seed), or a Generator of your own (default_rng(seed))",
}


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _INSTEAD:
        raise AttributeError(f"tmath_array.random has no {name}; use {_INSTEAD[name]}")
    import numpy.random

    if hasattr(numpy.random, name):
        raise AttributeError(
            f"tmath_array.random has no {name} (NumPy's is not implemented here); draw it "
            f"with NumPy and convert: xp.asarray(np.random.default_rng(seed).{name}(...))")
    raise AttributeError(f"module 'tmath_array.random' has no attribute {name!r}")
