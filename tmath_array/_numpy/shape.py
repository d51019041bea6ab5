"""NumPy's shape and creation functions that the standard does not have.

Each is built from the standard's functions (``concat``, ``permute_dims``, ``flip``,
``stack``, ``reshape``, ``take``...) or one MLX op, with NumPy's semantics and
error types. None is a sync point: every output shape follows from the input
shapes and the arguments (index tables, as for ``pad`` and ``triu_indices``, are
computed on the host from shapes alone). Axes follow the package's convention: an
axis out of range raises IndexError (NumPy's AxisError is both an IndexError and a
ValueError), a repeated axis ValueError, a non-int axis TypeError.
"""

from __future__ import annotations

import builtins
import math
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._array.devices import default_float, default_index, default_int, to_device
from .._runtime import memory as _memory
from .._standard.creation import _check_dtype, _check_shape, _full, asarray, linspace
from .._standard.data_types import astype
from .._standard.elementwise import pow
from .._standard.linalg import diagonal as _matrix_diagonal
from .._standard.manipulation import _axis, _check_size, concat, flip, permute_dims, reshape
from .aliases import as_array, concatenate

if TYPE_CHECKING:
    from .._array.array import Array


_int = _args.check_int


# --- splitting ------------------------------------------------------------------------

def _split(name: str, ary, indices_or_sections, axis, equal: bool) -> list[Array]:
    x = as_array(name, ary)
    ax = _axis(name, axis, x.ndim)
    n = x.shape[ax]
    if isinstance(indices_or_sections, (_core.Array, mx.array)) or (
            hasattr(indices_or_sections, "__dlpack__") and
            not isinstance(indices_or_sections, np.ndarray)):
        # (A PyTorch tensor is iterated by unbinding it whole: 2**30 views, bad_alloc.)
        raise TypeError(f"{name}: indices_or_sections must be an int or a list of ints, not "
                        "an array (reading it would be a sync point); pass a list")
    if _args.is_int(indices_or_sections):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{name}: the number of sections must be larger than 0, "
                             f"got {sections}")
        if equal and n % sections:
            raise ValueError(f"{name}: an axis of length {n} does not split into {sections} "
                             "equal parts (array_split allows unequal ones)")
        # (an empty axis splits into any number of empty parts: one Array object each)
        _memory.check_objects(name, sections * _memory.ARRAY_OBJECT_BYTES,
                              f"{sections} arrays")
        q, r = divmod(n, sections)
        sizes = [q + 1] * r + [q] * (sections - r)
        bounds = [0]
        for k in sizes:
            bounds.append(bounds[-1] + k)
        pairs = list(zip(bounds[:-1], bounds[1:]))
    else:
        try:
            points = [_int(name, i, "an index") for i in indices_or_sections]
        except TypeError as exc:
            raise TypeError(f"{name}: indices_or_sections must be an int or a sequence of "
                            f"ints ({exc})") from None
        edges = [None, *points, None]
        # Python's slice rules, as NumPy: negative indices count from the end, indices
        # past the end clamp, a decreasing pair gives an empty part.
        pairs = [slice(lo, hi).indices(n)[:2] for lo, hi in zip(edges[:-1], edges[1:])]
    lead = (slice(None),) * ax
    return [x[lead + (slice(lo, builtins.max(lo, hi)),)] for lo, hi in pairs]


def split(ary, indices_or_sections, axis: int = 0) -> list[Array]:
    """``ary`` split along ``axis`` into equal parts, or at the given indices (a list).

    Raises:
        ValueError: when an int number of sections does not divide the axis.
        IndexError: for ``axis`` out of range.
    """
    return _split("split", ary, indices_or_sections, axis, True)


def array_split(ary, indices_or_sections, axis: int = 0) -> list[Array]:
    """As :func:`split`, but ``N`` sections of an axis of length ``L`` may differ:
    the first ``L % N`` parts get one element more."""
    return _split("array_split", ary, indices_or_sections, axis, False)


# --- stacking ---------------------------------------------------------------------------

def _at_least(arys, nd: int, name: str):
    out = []
    for a in arys:
        x = as_array(name, a)
        if x.ndim < nd:
            # NumPy's placement: 0-d -> (1, 1, 1); (N,) -> (1, N[, 1]); (M, N) -> (M, N, 1).
            shape = {0: (1,) * nd, 1: (1, *x.shape, 1)[:nd], 2: (*x.shape, 1)}[x.ndim]
            x = reshape(x, shape)
        out.append(x)
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys) -> Array | tuple[Array, ...]:
    """Each input as an array of at least one dimension (one array for one input)."""
    return _at_least(arys, 1, "atleast_1d")


def atleast_2d(*arys) -> Array | tuple[Array, ...]:
    """Each input with at least two dimensions; a 1-D ``(N,)`` becomes ``(1, N)``."""
    return _at_least(arys, 2, "atleast_2d")


def atleast_3d(*arys) -> Array | tuple[Array, ...]:
    """Each input with at least three dimensions: ``(N,)`` -> ``(1, N, 1)``,
    ``(M, N)`` -> ``(M, N, 1)``."""
    return _at_least(arys, 3, "atleast_3d")


def _arrays(name: str, tup, nd: int) -> list[Array]:
    if not isinstance(tup, (tuple, list)):
        raise TypeError(f"{name}: expected a sequence of arrays, got {type(tup).__name__}")
    if not tup:
        raise ValueError(f"{name}: need at least one array to stack")
    return [_at_least((a,), nd, name) for a in tup]


def hstack(tup, *, dtype=None) -> Array:
    """Join arrays column-wise: along axis 1, or axis 0 for 1-D arrays."""
    arrs = _arrays("hstack", tup, 1)
    return concatenate(arrs, axis=0 if arrs[0].ndim == 1 else 1, dtype=dtype)


def vstack(tup, *, dtype=None) -> Array:
    """Join arrays row-wise (along axis 0); 1-D ``(N,)`` inputs become rows ``(1, N)``."""
    return concatenate(_arrays("vstack", tup, 2), axis=0, dtype=dtype)


def dstack(tup) -> Array:
    """Join arrays along the third axis, after :func:`atleast_3d`."""
    return concat(_arrays("dstack", tup, 3), axis=2)


def column_stack(tup) -> Array:
    """Join arrays as columns: 1-D inputs become columns ``(N, 1)``, 2-D ones are kept."""
    cols = _arrays("column_stack", tup, 0)
    return concat([reshape(x, (-1, 1)) if x.ndim < 2 else x for x in cols], axis=1)


def append(arr, values, axis: int | None = None) -> Array:
    """``values`` appended to ``arr`` along ``axis`` (both flattened when ``axis`` is None)."""
    return concatenate([as_array("append", arr), as_array("append", values)], axis=axis)


# --- axes and flips -------------------------------------------------------------------

def swapaxes(a, axis1: int, axis2: int) -> Array:
    """``a`` with axes ``axis1`` and ``axis2`` interchanged."""
    x = as_array("swapaxes", a)
    i = _axis("swapaxes", axis1, x.ndim)
    j = _axis("swapaxes", axis2, x.ndim)
    perm = list(range(x.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return permute_dims(x, tuple(perm))


def ravel(a, order: str = "C") -> Array:
    """``a`` flattened to one dimension, in row-major order (``order="F"``: column-major)."""
    x = as_array("ravel", a)
    if not isinstance(order, str):
        raise TypeError(f"ravel: order must be a str, got {type(order).__name__}")
    if order == "F":
        x = permute_dims(x, tuple(range(x.ndim - 1, -1, -1)))
    elif order not in ("C", "A", "K"):
        raise ValueError(f"ravel: order must be 'C', 'F', 'A' or 'K', got {order!r}")
    # Note: MLX arrays are always laid out row-major, so 'A' and 'K' read as 'C'.
    # NumPy's rule: a view of a C-contiguous array, else a copy.
    return reshape(x, (-1,), copy=None if _views.is_contiguous(x) else True)


def fliplr(m) -> Array:
    """``m`` with its columns (axis 1) reversed; ``m`` must have at least two dimensions."""
    x = as_array("fliplr", m)
    if x.ndim < 2:
        raise ValueError(f"fliplr: the input must have at least two dimensions, got {x.ndim}")
    return flip(x, axis=1)


def flipud(m) -> Array:
    """``m`` with its rows (axis 0) reversed; ``m`` must have at least one dimension."""
    x = as_array("flipud", m)
    if x.ndim < 1:
        raise ValueError("flipud: the input must have at least one dimension")
    return flip(x, axis=0)


def rot90(m, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Array:
    """``m`` rotated by 90 degrees ``k`` times, from the first axis of ``axes`` to the second.

    Raises:
        ValueError: when ``axes`` is not two different axes.
        IndexError: for an axis out of range.
    """
    x = as_array("rot90", m)
    k = _int("rot90", k, "k")
    if not isinstance(axes, (tuple, list)):
        raise TypeError(f"rot90: axes must be a tuple of two ints, got {type(axes).__name__}")
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must hold two axes, got {axes}")
    a0 = _axis("rot90", axes[0], x.ndim)
    a1 = _axis("rot90", axes[1], x.ndim)
    if a0 == a1:
        raise ValueError(f"rot90: the axes must be different, got {axes}")
    k %= 4
    if k == 0:
        return flip(flip(x, axis=a0), axis=a0)  # a new array, as NumPy's m[:]
    if k == 2:
        return flip(x, axis=(a0, a1))
    perm = list(range(x.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return permute_dims(flip(x, axis=a1), tuple(perm))
    return flip(permute_dims(x, tuple(perm)), axis=a1)


# --- diagonals and triangles -----------------------------------------------------------

def diag(v, k: int = 0) -> Array:
    """A 2-D array with the 1-D ``v`` on its ``k``-th diagonal, or the ``k``-th diagonal
    of a 2-D ``v``.

    Raises:
        ValueError: when ``v`` is neither 1-D nor 2-D.
    """
    x = as_array("diag", v)
    k = _int("diag", k, "k")
    if x.ndim == 2:
        return _matrix_diagonal(x, offset=k)
    if x.ndim != 1:
        raise ValueError(f"diag: the input must be 1-D or 2-D, got {x.ndim} dimensions")
    n = x.shape[0] + builtins.abs(k)
    _check_size("diag", n * n)
    return _core.new(mx.diag(x._array, k, stream=x._device._s), x._dtype, x._device)


def _tri_indices(name: str, n, k, m, upper: bool) -> tuple[Array, Array]:
    n = _int(name, n, "n")
    k = _int(name, k, "k")
    m = n if m is None else _int(name, m, "m")
    if n < 0 or m < 0:
        raise ValueError(f"{name}: n and m must be non-negative, got n={n}, m={m}")
    _check_size(name, n * m)
    # Host index arithmetic on shapes only (no MLX data is read): rows and columns of
    # the triangle, in row-major order. Note: the default index dtype (NumPy: intp).
    rows, cols = np.triu_indices(n, k, m) if upper else np.tril_indices(n, k, m)
    it = default_index()
    return asarray(rows, dtype=it), asarray(cols, dtype=it)


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the upper triangle (from diagonal ``k``) of an n x m array."""
    return _tri_indices("triu_indices", n, k, m, True)


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the lower triangle (to diagonal ``k``) of an n x m array."""
    return _tri_indices("tril_indices", n, k, m, False)


def _from(name: str, arr, k, upper: bool):
    x = as_array(name, arr)
    if x.ndim != 2:
        raise ValueError(f"{name}: the input must be 2-D, got {x.ndim} dimensions")
    return _tri_indices(name, x.shape[0], k, x.shape[1], upper)


def triu_indices_from(arr, k: int = 0) -> tuple[Array, Array]:
    """:func:`triu_indices` for the shape of the 2-D ``arr``."""
    return _from("triu_indices_from", arr, k, True)


def tril_indices_from(arr, k: int = 0) -> tuple[Array, Array]:
    """:func:`tril_indices` for the shape of the 2-D ``arr``."""
    return _from("tril_indices_from", arr, k, False)


# --- index grids ------------------------------------------------------------------------

def indices(dimensions, dtype=None, sparse: bool = False) -> Array | tuple[Array, ...]:
    """The index grid of ``dimensions``: shape ``(N, *dimensions)``, ``[i]`` holding the
    index along axis ``i`` (the default integer dtype unless ``dtype`` says otherwise).

    ``sparse=True`` gives a tuple of ``N`` arrays that broadcast against each other.
    """
    if isinstance(dimensions, (str, bytes)) or not hasattr(dimensions, "__iter__"):
        raise TypeError(f"indices: dimensions must be a tuple of ints, got "
                        f"{type(dimensions).__name__}")
    if isinstance(dimensions, (_core.Array, np.ndarray)) and (
            dimensions.ndim != 1 or dimensions.shape[0] > 64):
        # (checked before iterating it: rows of a huge array would be made one by one)
        raise TypeError(f"indices: dimensions must be a tuple of at most 64 ints, got an "
                        f"array of shape {tuple(dimensions.shape)}")
    dimensions = tuple(dimensions)  # (NumPy takes any iterable: a generator too)
    dims = _check_shape("indices", dimensions)
    dev = to_device(None, "indices")
    dt = default_int(dev) if dtype is None else _check_dtype("indices", dtype)
    nd = len(dims)
    grids = []
    for i, n in enumerate(dims):
        shape = (1,) * i + (n,) + (1,) * (nd - i - 1)
        g = mx.reshape(mx.arange(n, dtype=mx.int64, stream=dev._s), shape, stream=dev._s)
        grids.append(g.astype(dt._mx, stream=dev._s))
    if sparse:
        return tuple(_core.new(g, dt, dev) for g in grids)
    if not grids:
        return _core.new(mx.zeros((0,), dtype=dt._mx, stream=dev._s), dt, dev)
    full = [mx.broadcast_to(g, dims, stream=dev._s) for g in grids]
    return _core.new(mx.stack(full, axis=0, stream=dev._s), dt, dev)


def ix_(*args) -> tuple[Array, ...]:
    """Open-mesh index arrays from 1-D integer sequences: ``x[xp.ix_(rows, cols)]``
    selects the cross product.

    Raises:
        TypeError: for a boolean sequence (NumPy takes its non-zero positions, a
            data-dependent shape: use ``xp.nonzero(mask)[0]``).
        ValueError: for an input that is not 1-D.
    """
    out = []
    nd = len(args)
    for i, a in enumerate(args):
        x = as_array("ix_", a)
        if x.ndim != 1:
            raise ValueError(f"ix_: every input must be 1-D, got {x.ndim} dimensions")
        if x._dtype is _d.bool:
            raise TypeError("ix_: boolean inputs are not supported (their non-zero positions "
                            "are data-dependent); pass xp.nonzero(mask)[0]")
        if x.size == 0:
            x = astype(x, _d.int32)
        out.append(reshape(x, (1,) * i + (x.shape[0],) + (1,) * (nd - i - 1)))
    return tuple(out)


# --- log-spaced ranges ------------------------------------------------------------------

def _log_ramp(name: str, start, stop, num, endpoint, base, dtype):
    """``base ** linspace(start, stop)``, computed in float64 on the CPU (float32 on a GPU),
    and the result dtype."""
    start = _args.check_real(name, start, "start")
    stop = _args.check_real(name, stop, "stop")
    base = _args.check_real(name, base, "base")
    dev = to_device(None, name)
    dt = default_float(dev) if dtype is None else _check_dtype(name, dtype)
    work = _d.float64 if dev.type == "cpu" else _d.float32
    ramp = linspace(float(start), float(stop), num, dtype=work, endpoint=endpoint)
    return pow(float(base), ramp), dt


def logspace(start, stop, num: int = 50, endpoint: bool = True, base: float = 10.0,
             dtype=None) -> Array:
    """``num`` values ``base ** t`` for ``t`` evenly spaced from ``start`` to ``stop``.

    float32 by default (NumPy: float64); an integer ``dtype`` truncates, as NumPy.
    """
    out, dt = _log_ramp("logspace", start, stop, num, endpoint, base, dtype)
    return astype(out, dt, copy=False)


def geomspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None) -> Array:
    """``num`` values from ``start`` to ``stop`` in a geometric progression.

    The first value is ``start`` and the last ``stop`` (with ``endpoint``) exactly.

    Raises:
        ValueError: when ``start`` or ``stop`` is zero, or they differ in sign (NumPy
            returns NaN there; complex progressions are not supported).
    """
    start = _args.check_real("geomspace", start, "start")
    stop = _args.check_real("geomspace", stop, "stop")
    if start == 0 or stop == 0:
        raise ValueError("geomspace: a geometric sequence cannot include zero")
    if (start < 0) != (stop < 0) and not math.isnan(stop):
        raise ValueError(f"geomspace: start ({start}) and stop ({stop}) must have the same "
                         "sign")
    sign = -1.0 if start < 0 else 1.0
    if math.isnan(start):
        # Note: NumPy scales by sign(start): a NaN start makes every value NaN, the exact
        # end points included (a NaN stop leaves the first value start).
        start = stop = sign = math.nan
    lo, hi = builtins.abs(start), builtins.abs(stop)
    out, dt = _log_ramp("geomspace", math.log10(lo), math.log10(hi), num, endpoint, 10.0,
                        dtype)
    a = out._array
    # As NumPy: the end points are exact, not 10 ** log10(start).
    if num > 0:
        a[0] = lo
    if num > 1 and endpoint:
        a[-1] = hi
    a = mx.multiply(a, sign, stream=out._device._s)
    return astype(_core.new(a, out._dtype, out._device), dt, copy=False)


# --- padding -----------------------------------------------------------------------------

def _pairs(name: str, value, ndim: int, what: str, as_int: bool) -> list[tuple]:
    """NumPy's broadcasting of ``pad_width``/``constant_values`` to ``ndim`` (before, after)
    pairs: a scalar, ``(v,)``, ``(before, after)``, ``((before, after),)``, or one pair
    (or ``(v,)``) per axis."""
    def scalar(v):
        if as_int:
            if isinstance(v, (float, np.floating)):
                raise TypeError(f"{name}: {what} must be of integral type, got {v!r}")
            v = _int(name, v, what)
            if v < 0:
                raise ValueError(f"{name}: {what} cannot contain negative values, got {v}")
        elif isinstance(v, (_core.Array, mx.array)):
            raise TypeError(f"{name}: {what} must be Python numbers, not arrays")
        return v

    def is_seq(v):
        return isinstance(v, (tuple, list, np.ndarray)) and not (
            isinstance(v, np.ndarray) and v.ndim == 0)

    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # (a 0-d NumPy array is its scalar, as NumPy reads it)
    if not is_seq(value):
        v = scalar(value)
        return [(v, v)] * ndim
    rows = list(value)
    if rows and builtins.all(is_seq(r) for r in rows):
        rows = [[scalar(v) for v in r] for r in rows]
        if builtins.any(len(r) not in (1, 2) for r in rows) or len(rows) not in (1, ndim):
            raise ValueError(f"{name}: {what} {value!r} does not broadcast to ({ndim}, 2)")
        rows = [(r[0], r[-1]) for r in rows]
        return rows * ndim if len(rows) == 1 else rows
    flat = [scalar(v) for v in rows]
    if len(flat) == 1:
        return [(flat[0], flat[0])] * ndim
    if len(flat) == 2:
        return [tuple(flat)] * ndim
    raise ValueError(f"{name}: {what} {value!r} does not broadcast to ({ndim}, 2)")


def _source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of a padded axis, the position of ``x`` it copies (host ints)."""
    i = np.arange(-before, n + after, dtype=np.int64)
    if mode == "edge":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "reflect":
        if n == 1:
            return np.zeros_like(i)
        p = 2 * (n - 1)
        j = i % p
        return np.where(j >= n, p - j, j)
    j = i % (2 * n)  # symmetric: the edge value repeats
    return np.where(j >= n, 2 * n - 1 - j, j)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(array, pad_width, mode: str = "constant", *, constant_values=0,
        reflect_type: str = "even") -> Array:
    """``array`` padded by ``pad_width`` (NumPy's forms: ``n``, ``(before, after)`` or one
    pair per axis) with the given ``mode``: ``constant`` (``constant_values``, a scalar
    or pairs), ``edge``, ``reflect``, ``symmetric`` or ``wrap``.

    Pads larger than the axis repeat the pattern, as NumPy.

    Raises:
        ValueError: for another mode, a negative width, or a non-constant pad of an
            empty axis.
        TypeError: for a non-integral width.
    """
    x = as_array("pad", array)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use one of {_PAD_MODES}")
    if reflect_type != "even":
        raise ValueError(f"pad: reflect_type {reflect_type!r} is not supported (only 'even')")
    widths = _pairs("pad", pad_width, x.ndim, "pad_width", True)
    out_shape = tuple(n + b + a for n, (b, a) in zip(x.shape, widths))
    _check_size("pad", math.prod(out_shape))
    s = x._device._s
    a = x._array
    if not builtins.any(b or e for b, e in widths):
        return _core.new(mx.array(a), x._dtype, x._device)
    if mode == "constant":
        values = _pairs("pad", constant_values, x.ndim, "constant_values", False)
        if len({v for pair in values for v in pair}) <= 1:
            v = values[0][0]
            fill = _full("pad", (), v, x._dtype, x._device)._array
            return _core.new(mx.pad(a, widths, "constant", fill, stream=s), x._dtype, x._device)
        # Note: one constant per axis side; axis by axis, as NumPy (later axes fill the corners).
        for ax, ((b, e), (vb, ve)) in enumerate(zip(widths, values)):
            parts = []
            for w, v in ((b, vb), (0, None), (e, ve)):
                if v is None:
                    parts.append(a)
                elif w:
                    shape = (*a.shape[:ax], w, *a.shape[ax + 1:])
                    parts.append(_full("pad", shape, v, x._dtype, x._device)._array)
            a = mx.concatenate(parts, axis=ax, stream=s)
        return _core.new(a, x._dtype, x._device)
    for ax, (n, (b, e)) in enumerate(zip(x.shape, widths)):
        if b == 0 and e == 0:
            continue
        if n == 0:
            raise ValueError(f"pad: cannot extend the empty axis {ax} with mode {mode!r} "
                             "(only 'constant' can)")
        idx = mx.array(_source_index(n, b, e, mode).astype(np.int32))
        a = mx.take(a, idx, axis=ax, stream=s)
    return _core.new(a, x._dtype, x._device)

