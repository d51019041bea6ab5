"""Hypothesis draws for fuzz arguments: arrays, shapes, axes, dtypes and junk.

Every function takes ``draw`` (``data.draw`` of a Hypothesis ``st.data()``) and
returns :class:`values.Val` objects. Arrays are small (at most 4 dimensions of
at most 4 elements, mostly) and hold the values that break things: NaN, +-inf,
-0.0, subnormals, the extremes of each integer dtype.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from . import values

INT_NAMES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
REAL_NAMES = INT_NAMES + values.FLOAT_NAMES
NUMERIC_NAMES = REAL_NAMES + ("complex64",)

_WIDTH = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64, "complex64": 32}


def _int_elements(name: str):
    info = np.iinfo(name)
    lo, hi = int(info.min), int(info.max)
    special = [v for v in (0, 1, -1, 2, -2, 7, lo, hi, lo + 1, hi - 1, 127, 128, 255, 256,
                           2**31 - 1, 2**31, 2**63 - 1) if lo <= v <= hi]
    return st.one_of(st.integers(max(lo, -8), min(hi, 8)), st.sampled_from(special),
                     st.integers(lo, hi))


def _float_elements(name: str):
    w = _WIDTH[name]
    big = float(np.finfo(np.float16 if w == 16 else np.float32 if w == 32 else np.float64).max)
    special = [0.0, -0.0, 1.0, -1.0, 0.5, float("nan"), float("inf"), -float("inf"), big,
               -big, 1e-40 if w >= 32 else 6e-8, 3.0, np.pi / 2]
    return st.one_of(st.floats(-8, 8, width=w), st.sampled_from(special), st.floats(width=w))


_ELEMENTS: dict = {}


def elements(name: str):
    """Element strategy for a dtype name (cached)."""
    if name not in _ELEMENTS:
        if name == "bool":
            s = st.booleans()
        elif name in INT_NAMES:
            s = _int_elements(name)
        elif name == "complex64":
            f = _float_elements("float32")
            s = st.builds(complex, f, f)
        else:
            s = _float_elements(name)
        _ELEMENTS[name] = s
    return _ELEMENTS[name]


def _round_bfloat16(a: np.ndarray) -> np.ndarray:
    try:
        import ml_dtypes
    except ImportError:  # values then carry float32 precision; asarray rounds them
        return a
    return a.astype(ml_dtypes.bfloat16).astype(np.float32)


def np_values(draw, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A NumPy array of ``shape`` for tmath dtype ``name`` (bfloat16 as rounded float32)."""
    npdt = values.np_dtype(name)
    if math.prod(shape) > 4096:  # (a huge side no longer next to a 0: keep it small)
        shape = tuple(min(n, 4) for n in shape)
    a = draw(hnp.arrays(npdt, shape, elements=elements(name)))
    if name == "bfloat16":
        a = _round_bfloat16(a)
    return a


def shape(draw, min_dims: int = 0, max_dims: int = 4, min_side: int = 0,
          max_side: int = 4) -> tuple[int, ...]:
    """A small shape; sides of 1 (broadcasting) and 0 (empty arrays) come often."""
    nd = draw(st.integers(min_dims, max_dims))
    if nd >= 2 and min_side == 0 and draw(st.integers(0, 39)) == 0:
        # Empty, with a huge side: nothing to allocate, unless something computes per row.
        out = [draw(st.integers(1, 3)) for _ in range(nd)]
        i, j = draw(st.permutations(range(nd)))[:2]
        out[i], out[j] = 0, draw(st.sampled_from([2**31 - 1, 2**30, 10**9]))
        return tuple(out)
    side = st.one_of(st.integers(max(min_side, 1), max(min_side, max_side)),
                     st.sampled_from([max(min_side, 1), min_side, min(max_side, 3)]))
    return tuple(draw(side) for _ in range(nd))


# Which face the call being drawn belongs to ("numpy" or "torch"), set per call by
# targets.draw_call: the NumPy face takes array-likes where it takes arrays, both faces
# take NumPy integers as axes, shapes and sizes (real PyTorch does too).
FACE = ["numpy"]


def maybe_alike(draw, val: values.Val, one_in: int = 4) -> values.Val:
    """``val`` (a tmath array) or, one time in ``one_in`` on the NumPy face, the same data
    as an array-like: nested lists, a NumPy array, a NumPy or Python scalar for 0-d."""
    if FACE[0] != "numpy" or val.data is None or draw(st.integers(0, one_in - 1)):
        return val
    a, name = val.data
    forms = ["numpy"]
    if a.ndim == 0:
        forms.append("npscalar")
        if name in values.PY_SCALAR_DTYPES:
            forms.append("pyscalar")
    elif a.size or a.ndim == 1:  # (nested lists keep no shape with a 0 side past the first)
        forms.append("list")
    return values.alike(val, draw(st.sampled_from(forms)))


_NP_INTS = ("int64", "intp", "int32", "int16", "int8", "uint8", "uint16", "uint32",
            "uint64", "longlong")


def npint(draw, v: int, one_in: int = 4):
    """``v`` or, one time in ``one_in``, a NumPy integer of a type that holds it."""
    if isinstance(v, bool) or not isinstance(v, int) or draw(st.integers(0, one_in - 1)):
        return v
    fits = [n for n in _NP_INTS
            if np.iinfo(getattr(np, n)).min <= v <= np.iinfo(getattr(np, n)).max]
    return getattr(np, draw(st.sampled_from(fits)))(v) if fits else v


def npints(draw, t):
    """A shape or tuple of axes with NumPy integers now and then."""
    if isinstance(t, tuple):
        return tuple(npint(draw, v) for v in t)
    return npint(draw, t)


def dtype_name(draw, names=values.DTYPE_NAMES) -> str:
    return draw(st.sampled_from(names))


def array(draw, name: str | None = None, shp: tuple[int, ...] | None = None,
          names=values.DTYPE_NAMES, **shape_kw) -> values.Val:
    """A tmath array (dtype and shape drawn when not given)."""
    name = dtype_name(draw, names) if name is None else name
    shp = shape(draw, **shape_kw) if shp is None else shp
    return maybe_alike(draw, values.array(np_values(draw, name, shp), name))


def int_array(draw, shp: tuple[int, ...], lo: int, hi: int, name: str | None = None) -> values.Val:
    """An integer array (indices), values mostly in ``[lo, hi]``."""
    name = draw(st.sampled_from(INT_NAMES + ("int32", "int64"))) if name is None else name
    if math.prod(shp) > 4096:  # (see np_values)
        shp = tuple(min(n, 4) for n in shp)
    info = np.iinfo(name)
    lo, hi = max(lo, int(info.min)), min(hi, int(info.max))
    el = st.one_of(st.integers(lo, hi) if lo <= hi else st.just(0),
                   st.sampled_from([int(info.min), int(info.max), 0]))
    a = draw(hnp.arrays(np.dtype(name), shp, elements=el))
    return maybe_alike(draw, values.array(a, name))


def broadcastable_shape(draw, shp: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts with ``shp`` (mostly), sometimes one that does not."""
    mode = draw(st.integers(0, 9))
    if mode == 0:
        return shape(draw)
    if mode == 1:
        return ()
    out = list(shp[draw(st.integers(0, len(shp))):]) if shp else []
    for i in range(len(out)):
        if draw(st.integers(0, 3)) == 0:
            out[i] = 1
    if draw(st.integers(0, 4)) == 0:
        out = [draw(st.integers(1, 3))] + out
    return tuple(out)


_JUNK = [None, "abc", "", "float32", [1, 2], [[1.0], [2.0, 3.0]], {"a": 1}, (), (1, "x"),
         1.5, -1, 0, True, 2**70, -(2**70), float("nan"), float("inf"), 1j, b"ab", Ellipsis,
         slice(None)]


def junk(draw) -> values.Val:
    """A value of the wrong kind: Python objects, NumPy arrays, torch tensors."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        a = np_values(draw, draw(st.sampled_from(("float32", "int64", "bool"))),
                      shape(draw, max_dims=2))
        return values.numpy_obj(a)
    if kind == 1:
        a = np_values(draw, draw(st.sampled_from(("float32", "int32"))), shape(draw, max_dims=2))
        return values.torch_obj(a)
    if kind == 2:
        return values.expr("object()", object, tags=("junk",))
    return values.py(draw(st.sampled_from(_JUNK)), tags=("junk",))


def maybe_junk(draw, val_fn, p_junk: int = 12) -> values.Val:
    """``val_fn()`` or, one time in ``p_junk``, junk."""
    if draw(st.integers(0, p_junk - 1)) == 0:
        return junk(draw)
    return val_fn()


def dtype_val(draw) -> values.Val:
    """A dtype= argument: a tmath dtype, sometimes NumPy's, a string or junk."""
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return values.py(draw(st.sampled_from(["float32", "int", "f8"])), tags=("junk",))
    if kind == 1:
        nm = draw(st.sampled_from(["float32", "int64", "complex128", "float64"]))
        return values.expr(f"np.{nm}", lambda: getattr(np, nm), tags=("junk",))
    if kind == 2:
        return junk(draw)
    return values.dtype(dtype_name(draw))


def axis_int(draw, ndim: int) -> int:
    """An axis, in range mostly, sometimes one past either end; now and then a NumPy
    integer."""
    return npint(draw, draw(st.integers(-ndim - 1, ndim)) if draw(st.integers(0, 5)) else
                 draw(st.sampled_from([ndim + 3, -ndim - 3, 2**31, -(2**63)])))


def axis_val(draw, ndim: int, allow_none: bool = True, allow_tuple: bool = True) -> values.Val:
    """An axis= argument: an int, None, a tuple of ints, sometimes junk."""
    kind = draw(st.integers(0, 9))
    if kind == 0 and allow_none:
        return values.py(None)
    if kind in (1, 2) and allow_tuple:
        n = draw(st.integers(0, max(ndim, 1) + 1))
        return values.py(tuple(axis_int(draw, ndim) for _ in range(n)))
    if kind == 3:
        return junk(draw)
    return values.py(axis_int(draw, ndim))


def small_int(draw, lo: int = -3, hi: int = 6) -> int:
    """An int, mostly small, sometimes huge or negative; now and then a NumPy integer."""
    return npint(draw, draw(st.integers(lo, hi)) if draw(st.integers(0, 7)) else
                 draw(st.sampled_from([-1, 0, 2**31 - 1, 2**31, 2**40, 2**63, -(2**40)])))


def huge_shape(draw) -> tuple[int, ...]:
    """A shape whose array cannot be allocated, or whose sides exceed int32."""
    return draw(st.sampled_from([(10**6, 10**6), (2**40,), (2**31,), (2**31 - 1,),
                                 (2**16, 2**16, 2**16), (10**5, 10**5), (2**62, 4),
                                 (3 * 2**30,), (0, 2**40), (2**63,)]))


def shape_val(draw, like: tuple[int, ...] | None = None) -> values.Val:
    """A shape= argument: small, negative, huge, or junk; ``like`` makes a reshape of it."""
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return values.py(npints(draw, huge_shape(draw)))
    if kind == 1:
        return junk(draw)
    if kind == 2:
        s = list(shape(draw, max_dims=3))
        if s:
            s[draw(st.integers(0, len(s) - 1))] = draw(st.sampled_from([-1, -2]))
        return values.py(npints(draw, tuple(s)))
    if kind == 3:
        return values.py(npint(draw, draw(st.integers(0, 5))))
    if like is not None and kind < 9:
        return shape_vector(draw, npints(draw, _reshape_of(draw, like)))
    return shape_vector(draw, npints(draw, shape(draw)))


def shape_vector(draw, shp: tuple) -> values.Val:
    """A shape; one time in eight on the NumPy face a 1-D NumPy integer array of it."""
    if FACE[0] != "numpy" or not shp or draw(st.integers(0, 7)):
        return values.py(shp)
    return values.int_vector(np.array([int(s) for s in shp],
                                      dtype=draw(st.sampled_from(("int64", "int32")))))


def _reshape_of(draw, shp: tuple[int, ...]) -> tuple[int, ...]:
    size = int(np.prod(shp)) if shp else 1
    if size == 0:
        return tuple(draw(st.sampled_from([(0,), (0, 3), (2, 0, -1), (-1, 0)])))
    factors = []
    n = size
    p = 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    out: list[int] = []
    for f in factors:
        if out and draw(st.booleans()):
            out[-1] *= f
        else:
            out.append(f)
    if out and draw(st.integers(0, 3)) == 0:
        out[draw(st.integers(0, len(out) - 1))] = -1
    if draw(st.integers(0, 3)) == 0:
        out.insert(draw(st.integers(0, len(out))), 1)
    return tuple(out)


def scalar_for(draw, name: str | None) -> values.Val:
    """A Python scalar, usually of a kind that goes with dtype ``name``."""
    kind = draw(st.integers(0, 9))
    if kind == 0 or name is None:
        return values.py(draw(st.sampled_from([True, 0, -1, 2**40, 2**64, 1.5, float("nan"),
                                          float("inf"), 1 + 2j, -0.0])))
    if name == "bool":
        return values.py(draw(st.booleans()))
    if name in INT_NAMES:
        info = np.iinfo(name)
        return values.py(draw(st.one_of(st.integers(-3, 3), st.integers(int(info.min),
                                                                   int(info.max)))))
    if name == "complex64":
        return values.py(complex(draw(elements("float32")), draw(elements("float32"))))
    return values.py(float(draw(elements("float64"))))
