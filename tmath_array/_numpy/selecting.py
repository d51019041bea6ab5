"""NumPy's selection, ordering and index-arithmetic functions.

``select``, ``choose``, ``digitize``, ``partition``, ``argpartition``, ``lexsort``,
``unravel_index`` and ``ravel_multi_index``, with NumPy's signatures and values.
All are lazy: their output shapes follow from the input shapes. Indices are of the
default index dtype (int32, or int64 under the "numpy" default dtypes; NumPy: intp).
See docs/numpy.md and docs/dtypes.md.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._standard.creation import asarray
from .._standard.data_types import astype, result_type
from .._standard.manipulation import broadcast_arrays, broadcast_shapes, broadcast_to, reshape
from .._standard.searching import searchsorted, where
from .._standard.sorting import argsort, sort

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES


def _int(name: str, v, what: str) -> int:
    if isinstance(v, builtins.bool):
        raise TypeError(f"{name}: {what} must be an int, got bool")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name}: {what} must be an int, got {type(v).__name__}") from None


def _host_data(v) -> np.ndarray:
    """Host data (a Python number or sequence, a NumPy array; never an Array) as NumPy."""
    return np.asarray(v)


def _is_host(v) -> bool:
    """Whether ``v`` is host data (an int, a sequence or a NumPy array), not an Array."""
    return not isinstance(v, (_core.Array, mx.array))


# --- select, choose ---------------------------------------------------------------------

_MAX_CASES = 2**16

def select(condlist: Sequence, choicelist: Sequence, default=0) -> Array:
    """The element of the first choice whose condition holds, else ``default``.

    Raises:
        ValueError: for lists of different lengths, or empty ones.
        TypeError: for a condition that is not boolean.
    """
    for v, what in ((condlist, "condlist"), (choicelist, "choicelist")):
        if not isinstance(v, (list, tuple, _core.Array, np.ndarray)):
            raise TypeError(f"select: {what} must be a list of arrays, got {type(v).__name__}")
    for v, what in ((condlist, "condlist"), (choicelist, "choicelist")):
        if len(v) > _MAX_CASES:
            # Note: each case is one operation of the graph, made in Python.
            raise ValueError(f"select: {len(v)} entries in {what}; at most {_MAX_CASES} cases "
                             "are supported (use xp.choose or xp.where with an index array)")
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise ValueError("select: list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conds = [_convert.array("select", c) for c in condlist]
    for i, c in enumerate(conds):
        if c._dtype is not _d.bool:
            raise TypeError(f"select: invalid entry {i} in condlist: should be boolean, got "
                            f"{_core.dtype_name(c._dtype)}")
    choices = [_convert.array("select", c) for c in choicelist]
    d = default if isinstance(default, (builtins.bool, int, float, complex)) \
        else _convert.array("select", default)
    dt = result_type(*choices, d)
    arrays = [*conds, *choices, *([d] if isinstance(d, _core.Array) else [])]
    try:
        shape = broadcast_shapes(*(v.shape for v in arrays))
    except ValueError as exc:
        raise ValueError(f"select: {exc}") from None
    out = astype(d, dt) if isinstance(d, _core.Array) else asarray(d, dtype=dt,
                                                                    device=choices[0].device)
    # The first true condition wins: apply them from the last to the first.
    for c, v in zip(reversed(conds), reversed(choices)):
        out = where(c, astype(v, dt), out)
    return broadcast_to(out, shape)


def piecewise(x, condlist, funclist, *args, **kw) -> Array:
    """``funclist[i]`` where ``condlist[i]`` holds (the later condition wins where several
    do), 0 elsewhere or the extra last function's value, as NumPy's piecewise. A
    function may be a number (a constant piece).

    Note: NumPy calls each function on the selected elements only; here each is called
    once on all of ``x`` and the pieces are combined with ``where`` (lazy, no sync). The
    values are NumPy's for elementwise functions, which pieces are.
    """
    xa = _convert.array("piecewise", x)
    # NumPy's rule: a condition of x's shape (not a list of them) is the one condition.
    if not isinstance(condlist, (list, tuple, _core.Array, np.ndarray)) or len(condlist) == 0 \
            or (not isinstance(condlist[0], (list, tuple, _core.Array, np.ndarray))
                and xa.ndim != 0) \
            or (isinstance(condlist, (_core.Array, np.ndarray)) and condlist.ndim == xa.ndim
                and xa.ndim != 0):
        condlist = [condlist]
    # (the counts first: an array of 10**9 conditions is refused before it is iterated)
    if not isinstance(funclist, (list, tuple)):
        raise TypeError(f"piecewise: funclist must be a list of functions or values, got "
                        f"{type(funclist).__name__}")
    funcs = list(funclist)
    n = len(condlist)
    if len(funcs) not in (n, n + 1):
        raise ValueError(f"piecewise: with {n} condition(s), either {n} or {n + 1} functions "
                         f"are needed")
    conds = [_convert.array("piecewise", c) for c in condlist]
    for i, c in enumerate(conds):
        if c._dtype is not _d.bool:
            raise TypeError(f"piecewise: condition {i} must be boolean, got "
                            f"{_core.dtype_name(c._dtype)}")
    if len(funcs) == n + 1:
        otherwise = funcs.pop()
        anyc = conds[0]
        for c in conds[1:]:
            anyc = anyc | c
        conds.append(~anyc)
        funcs.append(otherwise)
    out = astype(asarray(0, device=xa.device), xa._dtype)
    out = broadcast_to(out, xa.shape)
    for c, f in zip(conds, funcs):
        v = f(xa, *args, **kw) if callable(f) else f
        v = astype(v, xa._dtype) if isinstance(v, _core.Array) else \
            astype(asarray(v, device=xa.device), xa._dtype)
        out = where(c, v, out)
    return out


def choose(a, choices, out=None, mode: str = "raise") -> Array:
    """``choices[a[i]][i]`` for each position ``i`` (all broadcast together).

    ``mode`` 'wrap' takes indices modulo the number of choices, 'clip' clamps them.

    Note: 'raise' (NumPy's default) would have to read the indices; they are
    clamped instead, as the package's ``take`` does (an index out of range picks
    the first or last choice). Python (host) indices are checked and raise.
    """
    if out is not None:
        raise ValueError("choose: out= is not supported (results are new arrays: assign it)")
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    host = _is_host(a)
    idx = _convert.array("choose", a)
    if idx._dtype not in _CAT["integer"] and not (host and idx.size == 0):
        raise TypeError(f"choose: the index array must be of an integer dtype, got "
                        f"{_core.dtype_name(idx._dtype)}")
    if isinstance(choices, np.ndarray):
        choices = _convert.array("choose", choices)
    if isinstance(choices, _core.Array):
        choices = list(choices) if choices.ndim else [choices]
    if not isinstance(choices, (list, tuple, np.ndarray)):
        raise TypeError(f"choose: choices must be a sequence of arrays, got "
                        f"{type(choices).__name__}")
    cs = [_convert.array("choose", c) for c in choices]
    n = len(cs)
    if n == 0:
        raise ValueError("choose: choices must not be empty")
    dt = result_type(*cs)
    try:
        parts = broadcast_arrays(idx, *[astype(c, dt) for c in cs])
    except ValueError as exc:
        raise ValueError(f"choose: {exc}") from None
    if host and mode == "raise" and parts[0].size:  # (an empty result reads no index: NumPy)
        h = _host_data(a)
        if h.size and (h.min() < 0 or h.max() >= n):
            raise ValueError("choose: invalid entry in choice array")
    dev = parts[0]._device
    s = dev._s
    i = parts[0]._array.astype(mx.int64, stream=s)
    if mode == "wrap":
        i = mx.remainder(i, n, stream=s)
    else:
        i = mx.clip(i, 0, n - 1, stream=s)
    stacked = mx.stack([p._array for p in parts[1:]], axis=0, stream=s)
    res = mx.take_along_axis(stacked, mx.expand_dims(i.astype(mx.int32, stream=s), 0,
                                                     stream=s), axis=0, stream=s)[0]
    return _core.new(res, dt, dev)


# --- digitize ---------------------------------------------------------------------------

def digitize(x, bins, right: bool = False) -> Array:
    """The index of the bin of each value of ``x``, as NumPy's digitize (int32).

    ``bins`` must be monotonic, increasing or decreasing. Bins given as a list or a
    NumPy array are checked (ValueError otherwise); bins given as an Array are not
    (reading them would be a sync point): their direction comes from their ends.
    """
    right = _core.check_bool("digitize", right, "right")
    host = _is_host(bins)
    xa = _convert.array("digitize", x)
    b = _convert.array("digitize", bins)
    for v, what in ((xa, "x"), (b, "bins")):
        if v._dtype in _CAT["complex floating-point"]:
            raise TypeError(f"digitize: {what} may not be complex")
    if b.ndim != 1:
        raise ValueError("digitize: bins must be 1-dimensional")
    if host:
        h = _host_data(bins)
        with np.errstate(invalid="ignore"):
            d = np.diff(h)
        if not (np.all(d >= 0) or np.all(d <= 0)):
            raise ValueError("digitize: bins must be monotonically increasing or decreasing")
    if b.shape[0] == 0:
        return _core.new_index(mx.zeros(xa.shape, dtype=mx.int32), xa._device)
    if xa._dtype is _d.bool:
        xa = astype(xa, _d.int32)
    if b._dtype is _d.bool:
        b = astype(b, _d.int32)
    dt = result_type(xa, b)
    xa, b = astype(xa, dt), astype(b, dt)
    side = "left" if right else "right"
    flat = reshape(xa, (-1,))
    inc = searchsorted(b, flat, side=side)
    n = b.shape[0]
    rb = b[::-1]
    dec = n - searchsorted(rb, flat, side=side)
    # NumPy: decreasing when the last bin is below the first.
    decreasing = b[-1] < b[0]
    return reshape(where(decreasing, dec, inc), xa.shape)


# --- partition, argpartition, lexsort ---------------------------------------------------

def _kth(name: str, kth, n: int) -> list[int]:
    if isinstance(kth, (_core.Array, mx.array)):
        raise TypeError(f"{name}: kth must be an int or a sequence of ints, not an array")
    ks = [_int(name, k, "kth") for k in ([kth] if isinstance(kth, int) else
                                          list(_host_data(kth).reshape(-1)))]
    for k in ks:
        if not -n <= k < n:
            raise ValueError(f"{name}: kth(={k}) out of bounds ({n})")
    return ks


def partition(a, kth, axis: int | None = -1, kind: str = "introselect", order=None) -> Array:
    """A copy of ``a`` with the ``kth`` element(s) in sorted position, smaller ones before
    and larger ones after, as NumPy's partition.

    Note: the result is fully sorted along ``axis``; that is a valid partition, and its
    ``kth`` elements equal NumPy's (the order of the others is unspecified in NumPy).
    """
    x = _convert.array("partition", a)
    if order is not None:
        raise ValueError("partition: order= needs a structured dtype, which MLX does not have")
    if kind != "introselect":
        raise ValueError(f"partition: kind must be 'introselect', got {kind!r}")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    ax = _core.check_axis("partition", axis, x.ndim)
    if x.ndim == 0:
        raise ValueError("partition: a 0-d array cannot be partitioned")
    _kth("partition", kth, x.shape[ax])
    return sort(x, axis=ax)


def argpartition(a, kth, axis: int | None = -1, kind: str = "introselect",
                 order=None) -> Array:
    """Indices that partition ``a`` around ``kth`` (int32), as NumPy's argpartition.

    Note: the indices sort ``a`` along ``axis`` (stably): a valid partition whose
    ``kth`` positions index the same values as NumPy's.
    """
    x = _convert.array("argpartition", a)
    if order is not None:
        raise ValueError("argpartition: order= needs a structured dtype, which MLX does "
                         "not have")
    if kind != "introselect":
        raise ValueError(f"argpartition: kind must be 'introselect', got {kind!r}")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise ValueError("argpartition: a 0-d array cannot be partitioned")
    ax = _core.check_axis("argpartition", axis, x.ndim)
    _kth("argpartition", kth, x.shape[ax])
    return argsort(x, axis=ax, stable=True)


def lexsort(keys, axis: int = -1) -> Array:
    """Indices that sort by the last key, ties broken by the one before, and so on
    (stable), as NumPy's lexsort. ``keys`` is a sequence of arrays or a 2-d array
    whose rows are the keys. Returns int32 indices."""
    if isinstance(keys, np.ndarray):
        # (a NumPy array: its rows are the keys, as an Array's)
        keys = _convert.array("lexsort", keys)
    if isinstance(keys, _core.Array):
        if keys.ndim == 0:
            raise TypeError("lexsort: need sequence of keys with len > 0")
        if keys.shape[0] > _MAX_CASES:
            # Note: each key is one stable sort of the graph, made in Python.
            raise ValueError(f"lexsort: {keys.shape[0]} keys; at most {_MAX_CASES} are "
                             "supported")
        if keys.shape[0] and keys.size == 0:
            if keys.ndim > 1:
                _core.check_axis("lexsort", axis, keys.ndim - 1)
            return _core.new_index(mx.zeros(keys.shape[1:], dtype=mx.int32), keys._device)
        ks = [keys[i] for i in range(keys.shape[0])]
    elif isinstance(keys, (list, tuple)) or isinstance(keys, np.ndarray):
        ks = [_convert.array("lexsort", k) for k in keys]
    else:
        raise TypeError(f"lexsort: keys must be a sequence of arrays, got {type(keys).__name__}")
    if not ks:
        raise TypeError("lexsort: need sequence of keys with len > 0")
    shape = ks[0].shape
    for k in ks:
        if k.shape != shape:
            raise ValueError("lexsort: all keys need to be the same shape")
        if k._dtype in _CAT["complex floating-point"]:
            raise TypeError("lexsort: complex keys are not supported")
    if len(shape) == 0:
        ks = [reshape(k, (1,)) for k in ks]
        axis = 0
    ax = _core.check_axis("lexsort", axis, len(ks[0].shape))
    dev = ks[0]._device
    s = dev._s
    idx = None
    for k in ks:
        a = k._array
        if k._dtype is _d.bool:
            a = a.astype(mx.uint8, stream=s)
        if idx is None:
            idx = _stable_argsort(a, ax, s)
        else:
            part = mx.take_along_axis(a, idx, axis=ax, stream=s)
            idx = mx.take_along_axis(idx, _stable_argsort(part, ax, s), axis=ax, stream=s)
    out = _core.new_index(idx, dev)
    return reshape(out, ()) if len(shape) == 0 else out


def _stable_argsort(a: mx.array, ax: int, s) -> mx.array:
    # MLX's argsort is stable; NaN sorts last, as NumPy's.
    return mx.argsort(a, axis=ax, stream=s).astype(mx.int32, stream=s)


# --- flat and multi-dimensional indices ---------------------------------------------------

def _dims(name: str, shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, builtins.bool):
        shape = (shape,)
    try:
        dims = tuple(_int(name, d, "a dimension") for d in shape)
    except TypeError:
        raise TypeError(f"{name}: shape must be an int or a sequence of ints") from None
    if builtins.any(d < 0 for d in dims):
        raise ValueError(f"{name}: dimensions must be non-negative, got {dims}")
    if math.prod(dims) > 2**63 - 1:  # (as NumPy; MLX's int64 arithmetic: std::bad_cast)
        raise ValueError(f"{name}: dimensions are too large: shapes of more than 2**63 - 1 "
                         f"elements are not supported, got {dims}")
    return dims


def _order(name: str, order) -> str:
    if order not in ("C", "F"):
        raise ValueError(f"{name}: order must be 'C' or 'F', got {order!r}")
    return order


def unravel_index(indices, shape, order: str = "C") -> tuple[Array, ...]:
    """The coordinates in an array of ``shape`` of each flat index (a tuple of int32 arrays).

    Raises:
        ValueError: for an index outside ``[0, prod(shape))`` given as Python or NumPy
            data. Note: an Array of indices is not read (that would be a sync point):
            its out-of-range values give coordinates taken modulo the shape.
    """
    dims = _dims("unravel_index", shape)
    _order("unravel_index", order)
    host = _is_host(indices)
    idx = _convert.array("unravel_index", indices)
    if idx._dtype not in _CAT["integer"]:
        raise TypeError(f"unravel_index: only int indices permitted, got "
                        f"{_core.dtype_name(idx._dtype)}")
    size = 1
    for d in dims:
        size *= d
    if host:
        h = _host_data(indices)
        if h.size and (h.min() < 0 or h.max() >= size):
            bad = h.min() if h.min() < 0 else h.max()
            raise ValueError(f"unravel_index: index {bad} is out of bounds for array with "
                             f"size {size}")
    dev, s = idx._device, idx._device._s
    rem = idx._array.astype(mx.int64, stream=s)
    out: list[mx.array] = [None] * len(dims)  # type: ignore[list-item]
    seq = range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))
    # Note: a side past 2**31 - 1 has coordinates past int32: those results are int64
    # (NumPy's intp), whatever the default index dtype (an int32 coordinate wrapped).
    wide = builtins.max(dims, default=0) > 2**31 - 1
    for i in seq:
        d = builtins.max(dims[i], 1)
        out[i] = mx.remainder(rem, d, stream=s)
        rem = mx.floor_divide(rem, d, stream=s)
    if wide:
        return tuple(_core.new(o, _d.int64, dev) for o in out)
    return tuple(_core.new_index(o.astype(mx.int32, stream=s), dev) for o in out)


def ravel_multi_index(multi_index, dims, mode="raise", order: str = "C") -> Array:
    """The flat index of each coordinate tuple in an array of shape ``dims`` (int32).

    ``mode`` is 'raise', 'wrap' or 'clip', or a tuple of them (one per dimension).

    Note: with 'raise', coordinates given as Python or NumPy data are checked; an Array
    is not read (that would be a sync point): it is clipped.
    """
    if isinstance(dims, (_core.Array, mx.array)):
        raise TypeError("ravel_multi_index: dims must be a tuple of ints, not an array")
    dshape = _dims("ravel_multi_index", dims)
    _order("ravel_multi_index", order)
    if not isinstance(mode, (str, tuple, list)):
        raise TypeError(f"ravel_multi_index: clipmode not understood: mode must be 'raise', "
                        f"'wrap', 'clip' or a sequence of them, got {type(mode).__name__}")
    modes = [mode] * len(dshape) if isinstance(mode, str) else list(mode)
    for m in modes:
        if not isinstance(m, str) or m not in ("raise", "wrap", "clip"):
            raise ValueError(f"ravel_multi_index: clipmode must be 'raise', 'wrap' or 'clip', "
                             f"got {m!r}")
    if not dshape:
        raise ValueError("ravel_multi_index: dims must have at least one dimension")
    if isinstance(multi_index, (_core.Array, np.ndarray)):
        if multi_index.ndim == 0:
            raise TypeError("ravel_multi_index: multi_index must be a sequence of index "
                            "arrays, got a 0-d array")
        coords = [multi_index[i] for i in range(multi_index.shape[0])]
    elif isinstance(multi_index, (list, tuple)):
        coords = list(multi_index)
    else:
        raise TypeError(f"ravel_multi_index: multi_index must be a sequence of index arrays, "
                        f"got {type(multi_index).__name__}")
    if len(coords) != len(dshape):
        raise ValueError(f"ravel_multi_index: parameter multi_index must be a sequence of "
                         f"length {len(dshape)}")
    if len(modes) != len(dshape):
        raise ValueError("ravel_multi_index: mode must have one entry per dimension")
    arrs = []
    for c, d, m in zip(coords, dshape, modes):
        a = _convert.array("ravel_multi_index", c)
        if a._dtype not in _CAT["integer"]:
            raise TypeError("ravel_multi_index: only int indices permitted")
        if m == "raise" and _is_host(c):
            h = _host_data(c)
            if h.size and (h.min() < 0 or h.max() >= d):
                raise ValueError("ravel_multi_index: invalid entry in coordinates array")
        arrs.append(a)
    arrs = broadcast_arrays(*arrs)
    dev, s = arrs[0]._device, arrs[0]._device._s
    total = 1
    for d in dshape:
        total *= d
    if total >= 2**31:
        raise ValueError("ravel_multi_index: dims are too large for int32 flat indices")
    out = mx.zeros(arrs[0].shape, dtype=mx.int64)
    seq = range(len(dshape)) if order == "C" else range(len(dshape) - 1, -1, -1)
    for i in seq:
        d = dshape[i]
        c = arrs[i]._array.astype(mx.int64, stream=s)
        if modes[i] == "wrap":
            c = mx.remainder(c, builtins.max(d, 1), stream=s)
        else:
            c = mx.clip(c, 0, builtins.max(d - 1, 0), stream=s)
        out = out * d + c
    return _core.new_index(out, dev)


__all__ = ["argpartition", "choose", "digitize", "lexsort", "partition", "piecewise",
           "ravel_multi_index", "select", "unravel_index"]
