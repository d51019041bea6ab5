"""Fuzz arguments: each value carries the Python source that rebuilds it.

A call's arguments are :class:`Val` objects: ``make()`` builds a fresh value for
the call (a new array every time, so ``__setitem__`` cannot leak into the next
call), ``oracle()`` builds what NumPy or PyTorch gets in its place, and ``src``
is the text of a reproducer (under :data:`HEADER`).
"""

from __future__ import annotations

import copy
import math

import numpy as np

import tmath_array as xp

# Every reproducer line runs after this header.
HEADER = ("import numpy as np, torch, tmath_array as xp, tmath_array.torch as torch_face; "
          "from numpy import nan, inf")

DTYPE_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
               "uint64", "float16", "bfloat16", "float32", "float64", "complex64")
FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")


def np_dtype(name: str) -> np.dtype:
    """The NumPy dtype holding a tmath dtype's values (bfloat16 values as float32)."""
    return np.dtype("float32" if name == "bfloat16" else name)


def xp_dtype_name(dtype) -> str | None:
    """The name of a tmath dtype, None for anything else."""
    for name in DTYPE_NAMES:
        if dtype == getattr(xp, name):
            return name
    return None


class Val:
    """One argument: its source text, a builder, and its stand-in for the oracle."""

    __slots__ = ("src", "_make", "_oracle", "tags")

    def __init__(self, src: str, make, oracle=None, tags: tuple[str, ...] = ()):
        self.src = src
        self._make = make
        self._oracle = oracle
        self.tags = tags

    def make(self):
        return self._make()

    def oracle(self):
        return self._make() if self._oracle is None else self._oracle()

    def __repr__(self) -> str:
        return self.src


def _scalar_src(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return repr(bool(v))
    if isinstance(v, (int, np.integer)):
        return repr(int(v))
    if isinstance(v, (complex, np.complexfloating)):
        return f"complex({_scalar_src(v.real)}, {_scalar_src(v.imag)})"
    f = float(v)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def _list_src(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_list_src(e) for e in v) + "]"
    return _scalar_src(v)


def np_src(a: np.ndarray) -> str:
    """Source text of a NumPy array: ``np.array([...], dtype='...')`` (reshaped if needed)."""
    dt = a.dtype.name
    if a.size == 0:
        return f"np.zeros({a.shape!r}, dtype={dt!r})"
    if a.ndim == 0:
        return f"np.array({_scalar_src(a[()])}, dtype={dt!r})"
    body = f"np.array({_list_src(a.ravel().tolist())}, dtype={dt!r})"
    return body if a.ndim == 1 else f"{body}.reshape({a.shape!r})"


def py(v, tags: tuple[str, ...] = ()) -> Val:
    """A plain Python value (its ``repr`` is its source)."""
    if isinstance(v, float) or isinstance(v, complex):
        src = _scalar_src(v)
    elif isinstance(v, (list, tuple)) and not isinstance(v, Val):
        src = repr(v)
    else:
        src = repr(v)
    if isinstance(v, (list, dict)):
        return Val(src, lambda: copy.deepcopy(v), tags=tags)
    return Val(src, lambda: v, tags=tags)


def array(a: np.ndarray, dtype_name: str, tags: tuple[str, ...] = ()) -> Val:
    """A tmath array of ``dtype_name`` holding ``a`` (values already representable)."""
    src = f"xp.asarray({np_src(a)}, dtype=xp.{dtype_name})"
    dt = getattr(xp, dtype_name)
    return Val(src, lambda: xp.asarray(a, dtype=dt), lambda: a.copy(),
               tags=("array", f"dtype={dtype_name}") + tags)


def numpy_obj(a: np.ndarray) -> Val:
    """A NumPy array where a tmath array belongs (a wrong type)."""
    return Val(np_src(a), lambda: a.copy(), tags=("foreign",))


def torch_obj(a: np.ndarray) -> Val:
    """A PyTorch tensor where a tmath array belongs (a wrong type)."""
    import torch

    def make():
        return torch.from_numpy(a.copy())

    return Val(f"torch.from_numpy({np_src(a)})", make, lambda: a.copy(), tags=("foreign",))


def dtype(name: str) -> Val:
    """A tmath dtype (NumPy's oracle sees the matching NumPy dtype)."""
    return Val(f"xp.{name}", lambda: getattr(xp, name), lambda: np_dtype(name), tags=("dtype",))


def device(name: str) -> Val:
    """A tmath Device (the oracle sees the string "cpu")."""
    return Val(f"xp.Device({name!r})", lambda: xp.Device(name), lambda: "cpu",
               tags=("device",))


def seq(items: list[Val], kind: type = tuple) -> Val:
    """A tuple or list of values."""
    if kind is tuple:
        src = "(" + ", ".join(v.src for v in items) + ("," if len(items) == 1 else "") + ")"
    else:
        src = "[" + ", ".join(v.src for v in items) + "]"
    # (a sequence of arrays is no array itself: the oracle sees a tuple or a list)
    tags = ("seq",) + tuple(t for v in items for t in v.tags if t in ("junk", "foreign"))
    return Val(src, lambda: kind(v.make() for v in items),
               lambda: kind(v.oracle() for v in items), tags=tags)


def expr(src: str, make, oracle=None, tags: tuple[str, ...] = ()) -> Val:
    """Any other value, given its source text."""
    return Val(src, make, oracle, tags)
