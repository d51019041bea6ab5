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
    """One argument: its source text, a builder, and its stand-in for the oracle.

    ``data`` is ``(values, dtype name)`` for a tmath array (what an array-like of it is
    made from); ``twin`` is, for an array-like or a NumPy integer, the value the same data
    takes as a tmath array of the dtype the array-like converts to (or as a Python int):
    the call with twins in place must give the same result.
    """

    __slots__ = ("src", "_make", "_oracle", "tags", "data", "twin", "_raw")

    def __init__(self, src: str, make, oracle=None, tags: tuple[str, ...] = (),
                 data=None, twin: Val | None = None):
        self.src = src
        self._make = make
        self._oracle = oracle
        self.tags = tags
        self.data = data
        self.twin = twin
        self._raw = None

    def make(self):
        return self._make()

    def oracle(self):
        return self._make() if self._oracle is None else self._oracle()

    def raw(self):
        """What NumPy gets to see whether it takes the value as it is (an array-like's
        list or scalar itself, not the converted array ``oracle`` gives)."""
        if self._raw is not None:
            return self._raw()
        return self._make() if "alike" in self.tags or "npint" in self.tags else \
            self.oracle()

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


def _plain(v):
    """``v`` with every NumPy integer a Python int (tuples and lists looked into)."""
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (tuple, list)):
        return type(v)(_plain(e) for e in v)
    return v


def _has_npint(v) -> bool:
    if isinstance(v, np.integer):
        return True
    return isinstance(v, (tuple, list)) and any(_has_npint(e) for e in v)


def py(v, tags: tuple[str, ...] = ()) -> Val:
    """A plain Python value (its ``repr`` is its source; NumPy 2 writes ``np.int64(3)``).

    NumPy integers in it (axes, shapes, sizes) give the value a twin with Python ints.
    """
    if isinstance(v, float) or isinstance(v, complex):
        src = _scalar_src(v)
    else:
        src = repr(v)
    twin = py(_plain(v), tags) if _has_npint(v) else None
    # (NumPy's oracle gets Python ints: NumPy computes with a NumPy integer in its own
    # dtype, fftfreq(np.uint8(8)) wraps; the namespace takes it as the int it stands for)
    oracle = None if twin is None else twin.make
    if twin is not None:
        tags = tags + ("npint",)
    if isinstance(v, (list, dict)):
        return Val(src, lambda: copy.deepcopy(v), oracle, tags=tags, twin=twin)
    return Val(src, lambda: v, oracle, tags=tags, twin=twin)


def array(a: np.ndarray, dtype_name: str, tags: tuple[str, ...] = ()) -> Val:
    """A tmath array of ``dtype_name`` holding ``a`` (values already representable)."""
    src = f"xp.asarray({np_src(a)}, dtype=xp.{dtype_name})"
    dt = getattr(xp, dtype_name)
    return Val(src, lambda: xp.asarray(a, dtype=dt), lambda: a.copy(),
               tags=("array", f"dtype={dtype_name}") + tags, data=(a, dtype_name))


# The dtypes Python scalars take by default (docs/dtypes.md): a 0-d array of one of these
# may be drawn as a Python scalar.
PY_SCALAR_DTYPES = ("bool", "int32", "float32", "complex64")


def list_dtype(lst) -> str:
    """The dtype a nested list of Python scalars converts to (docs/dtypes.md): bool, int32
    where every value fits (else NumPy's int64 or uint64), float32, complex64."""
    nd = np.asarray(lst)
    kind = nd.dtype.kind
    if kind == "b":
        return "bool"
    if kind in "iu":
        fits = nd.size == 0 or (int(nd.min()) >= -2**31 and int(nd.max()) < 2**31)
        return "int32" if fits else nd.dtype.name
    return "complex64" if kind == "c" else "float32"


def alike(val: Val, form: str) -> Val:
    """The tmath array ``val`` as an array-like of ``form``: "list" (nested Python
    lists), "numpy" (a NumPy array), "npscalar" (a NumPy scalar, 0-d only) or "pyscalar"
    (a Python scalar, 0-d only: weak, as NEP 50 and the standard have it).

    The oracle sees the NumPy array of the dtype the array-like converts to (a Python
    scalar as it is); the twin is the tmath array of that dtype.
    """
    a, name = val.data
    if name == "bfloat16":  # (no NumPy dtype: its values as float32)
        a, name = a.astype(np.float32), "float32"
    if form == "pyscalar":
        v = a.item()
        return Val(_scalar_src(v), lambda: v, tags=("alike", "pyscalar"))
    if form == "list":
        lst = a.tolist()
        conv = list_dtype(lst)

        def converted():
            with np.errstate(all="ignore"):
                return np.asarray(lst, dtype=np_dtype(conv))

        conv_a = converted()
        return Val(_list_src(lst), lambda: copy.deepcopy(lst), converted,
                   tags=("array", f"dtype={conv}", "alike", "list"),
                   twin=array(conv_a, conv))
    if form == "npscalar":
        v = a[()]
        src = f"np.{a.dtype.name}({_scalar_src(v)})"
        return Val(src, lambda: a[()], lambda: a[()],
                   tags=("array", f"dtype={name}", "alike", "npscalar"), twin=array(a, name))
    return Val(np_src(a), lambda: a.copy(), lambda: a.copy(),
               tags=("array", f"dtype={name}", "alike", "numpy"), twin=array(a, name))


def numpy_obj(a: np.ndarray) -> Val:
    """A NumPy array where a tmath array belongs (a wrong type)."""
    return Val(np_src(a), lambda: a.copy(), tags=("foreign",))


def torch_obj(a: np.ndarray) -> Val:
    """A PyTorch tensor where a tmath array belongs (a wrong type)."""
    import torch

    def make():
        return torch.from_numpy(a.copy())

    return Val(f"torch.from_numpy({np_src(a)})", make, lambda: a.copy(), tags=("foreign",))


def int_vector(a: np.ndarray) -> Val:
    """A 1-D NumPy integer array as a shape or tuple of axes (its twin: the tuple)."""
    twin = py(tuple(int(v) for v in a))
    return Val(np_src(a), lambda: a.copy(), twin.make, tags=("npint",), twin=twin)


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
    twin = seq([v.twin or v for v in items], kind) if any(v.twin for v in items) else None
    out = Val(src, lambda: kind(v.make() for v in items),
              lambda: kind(v.oracle() for v in items), tags=tags, twin=twin)
    out._raw = lambda: kind(v.raw() for v in items)
    return out


def expr(src: str, make, oracle=None, tags: tuple[str, ...] = ()) -> Val:
    """Any other value, given its source text."""
    return Val(src, make, oracle, tags)
