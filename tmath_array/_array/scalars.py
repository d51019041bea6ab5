"""Python scalars beside arrays: their kind, the dtype they take, the value MLX gets."""

from __future__ import annotations

import builtins

import mlx.core as mx

from . import dtypes as _d
from .devices import default_of_rank
from .dtypes import dtype_name

# Kind rank of Python scalar types: bool < int < float < complex.
_SCALAR_RANK = {builtins.bool: 0, int: 1, float: 2, complex: 3}


def scalar_rank(s) -> int | None:
    """Kind rank of a Python scalar, or None for anything else."""
    r = _SCALAR_RANK.get(type(s))
    if r is None:
        if isinstance(s, builtins.bool):
            return 0
        if isinstance(s, int):
            return 1
        if isinstance(s, float):
            return 2
        if isinstance(s, complex):
            return 3
    return r


def scalar_value(name: str, s, dtype):
    """Convert a Python scalar to a value MLX combines with an array of ``dtype``.

    Integers must fit an integer dtype (else OverflowError). A value MLX cannot
    take as a weak Python scalar becomes a 0-d array of ``dtype``.
    """
    if dtype in _d.INT_RANGE:
        lo, hi = _d.INT_RANGE[dtype]
        v = int(s)
        if not lo <= v <= hi:
            raise OverflowError(f"{name}: Python int {s} is out of range for {dtype_name(dtype)}")
        if v > 2**63 - 1:
            import numpy as np

            return mx.array(np.array(v, dtype=np.uint64))
        return v
    if dtype == _d.bool:
        return builtins.bool(s)
    if type(s) is int or (isinstance(s, int) and not isinstance(s, builtins.bool)):
        return float(s)  # OverflowError for ints beyond the float range
    return s


def scalar_dtype(name: str, s, like, category: str | None = None, device=None):
    """Dtype a Python scalar takes next to an array of dtype ``like``.

    The scalar adopts the array's dtype when its kind is not higher; a scalar of
    a higher kind (a float with an integer array, say) gives that kind's default
    dtype on ``device``, as in NumPy and PyTorch (a documented extension of the standard).
    """
    r = scalar_rank(s)
    if r is None:
        raise TypeError(f"{name}: expected an array or a Python scalar, got {type(s).__name__}")
    ar = _d.kind_rank(like)
    if r <= ar:
        return like
    return default_of_rank(r, device)


def as_mx(v, dtype):
    """A Python scalar or MLX array as an MLX array of ``dtype``."""
    if isinstance(v, mx.array):
        return v
    if v.__class__ is int and not -2**63 <= v <= 2**63 - 1 and \
            dtype._mx in (mx.float16, mx.bfloat16, mx.float32, mx.float64, mx.complex64):
        v = float(v)  # (MLX takes no Python int past int64: std::bad_cast)
    return mx.array(v, dtype=dtype._mx)
