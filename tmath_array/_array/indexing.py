"""``__getitem__``/``__setitem__``: key validation and translation to MLX.

MLX does no bounds checking: ``a[10]`` on five elements reads whatever lies in
memory, and a zero slice step kills the process. Every key is validated here
first, from shapes alone, so no check needs a sync point.

Integer *array* indices cannot be checked without reading them. They follow the
standard for negative values (counted from the end) and are clamped into the
axis otherwise: an out-of-range index reads (or writes) the first or last
element, as in JAX. This keeps indexing lazy; the clamp is documented in
docs/indexing.md and shared with ``take`` and ``take_along_axis``.

Boolean masks (which MLX's ``__getitem__`` refuses) have a data-dependent
result shape: the masks of a key are evaluated at one counted sync point,
turned into integer indices over their axes flattened into one, and indexing
goes on lazily. ``x[mask] = value`` with a value that broadcasts over the
selected elements needs no sync at all (``mx.where``).
"""

from __future__ import annotations

import builtins
import math
import operator

import mlx.core as mx
import numpy as np

from .._runtime import compile_cache as _compile
from .._runtime import lazy as _lazy
from . import dtypes as _d
from .base import ArrayBase

_INTEGER = _d.CATEGORIES["integer"]


def _index_int(k) -> int | None:
    """``k`` as a Python int when it is an integer index (not a bool), else None."""
    if isinstance(k, builtins.bool):
        return None
    if isinstance(k, int):
        return k
    if hasattr(k, "__index__") and not isinstance(k, (ArrayBase, mx.array)):
        return operator.index(k)
    return None


def _slice_part(v, what: str):
    if v is None:
        return None
    i = _index_int(v)
    if i is None and isinstance(v, ArrayBase) and v.ndim == 0 and v._dtype in _INTEGER:
        i = operator.index(v)  # a 0-d integer array: its value is read (a conversion)
    if i is None:
        raise IndexError(f"slice {what} must be an int or None, got {type(v).__name__}")
    return i


def _clamp(v: int | None, lo: int, hi: int) -> int | None:
    return None if v is None else builtins.min(builtins.max(v, lo), hi)


def _slice(k: slice, size: int) -> slice:
    """A slice with bounds and step clamped to what selects the same elements.

    MLX takes 32-bit slice parameters only (and silently misreads some), while
    Python and NumPy accept any int and clamp.
    """
    step = _slice_part(k.step, "step")
    if step == 0:
        raise ValueError("slice step cannot be zero")
    start = _clamp(_slice_part(k.start, "start"), -size - 1, size + 1)
    stop = _clamp(_slice_part(k.stop, "stop"), -size - 1, size + 1)
    if step is not None and builtins.abs(step) > size:
        step = size + 1 if step > 0 else -(size + 1)
    return slice(start, stop, step)



def clamp_indices(a: mx.array, size: int) -> mx.array:
    """Integer indices into an axis of ``size`` > 0 elements, as MLX indices in range.

    Negative indices count from the end; anything still outside ``[0, size)`` is
    clamped to the nearest end. A plain function of MLX arrays (compilable).
    """
    dt = a.dtype
    if dt == mx.uint64:
        # Note: clamp before the signed cast, which would wrap values above 2**63.
        a = mx.minimum(a, mx.array(size - 1, dtype=mx.uint64)).astype(mx.int64)
    elif dt == mx.uint32:
        a = a.astype(mx.int64)
    elif dt != mx.int64 and dt != mx.int32:
        a = a.astype(mx.int32)  # int8/int16/uint8/uint16: int32 holds index + size
    if dt in (mx.int8, mx.int16, mx.int32, mx.int64):
        a = mx.where(a < 0, a + size, a)
    return mx.clip(a, 0, size - 1)


def translate(x, key) -> tuple:
    """Validate ``key`` against ``x`` and return the MLX key (always a tuple)."""
    return translate_shape(x._array.shape, x._device, key if isinstance(key, tuple) else (key,))


def translate_shape(shape, device, key: tuple) -> tuple:
    """Like :func:`translate` for an MLX array of ``shape`` on ``device``."""
    ndim = len(shape)
    n_ellipsis = 0
    n_indexed = 0
    for k in key:
        if k is Ellipsis:
            n_ellipsis += 1
        elif k is not None:
            n_indexed += 1
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_indexed > ndim:
        raise IndexError(
            f"too many indices: array is {ndim}-dimensional, but {n_indexed} were indexed"
        )

    out = []
    axis = 0
    for k in key:
        if k is None:
            out.append(None)
            continue
        if k is Ellipsis:
            out.append(Ellipsis)
            axis += ndim - n_indexed
            continue
        size = shape[axis]
        i = _index_int(k)
        if i is not None:
            if not -size <= i < size:
                raise IndexError(
                    f"index {i} is out of bounds for axis {axis} with size {size}"
                )
            out.append(i)
        elif isinstance(k, slice):
            out.append(_slice(k, size))
        elif isinstance(k, ArrayBase):
            out.append(_array_index(k, device, axis, size))
        elif isinstance(k, mx.array):  # indices made from a mask: already in range
            out.append(k)
        else:
            raise IndexError(
                f"only integers, slices, ellipsis, None, integer arrays and boolean arrays "
                f"are valid indices; got {type(k).__name__}"
            )
        axis += 1
    arrays = [k.shape for k in out if isinstance(k, mx.array)]
    if len(arrays) > 1:
        try:
            mx.broadcast_shapes(*arrays)
        except ValueError:
            # (MLX's own "[broadcast_shapes] ..." error would surface at getitem/setitem)
            raise IndexError("shape mismatch: indexing arrays could not be broadcast "
                             f"together with shapes {' '.join(map(str, map(tuple, arrays)))}"
                             ) from None
    return tuple(out)


def _array_index(k, device, axis: int, size: int) -> mx.array:
    if k._device != device:
        raise ValueError(f"index array is on {k._device}, the indexed array on {device}")
    if k._dtype not in _INTEGER:
        raise IndexError(f"arrays used as indices must be of integer or boolean dtype, got "
                         f"{_d.dtype_name(k._dtype)}")
    a = k._array
    if size == 0:
        if a.size:
            raise IndexError(f"index out of bounds for axis {axis} with size 0")
        return a.astype(mx.int32)
    # Note: MLX reads out of bounds for such indices; negative ones count from the
    # end and the rest are clamped (see the module docstring).
    return _compile.run("clamp_indices", clamp_indices, device, a, static=(size,))


# --- boolean masks --------------------------------------------------------------

def _is_mask(k) -> bool:
    return isinstance(k, builtins.bool) or _is_mask_array(k)


def has_mask(key) -> bool:
    """Whether ``key`` holds a boolean index (a bool array or a Python bool)."""
    if isinstance(key, tuple):
        return builtins.any(_is_mask(k) for k in key)
    return _is_mask(key)


def _is_mask_array(k) -> bool:
    return isinstance(k, ArrayBase) and k._dtype is _d.bool


def _widths(ndim: int, key: tuple) -> list[int]:
    """How many axes of an ``ndim``-dimensional array each element of ``key`` indexes."""
    widths = []
    for k in key:
        if k is None or k is Ellipsis or isinstance(k, builtins.bool):
            widths.append(0)
        elif _is_mask_array(k):
            widths.append(k.ndim)
        else:
            widths.append(1)
    n_ellipsis = sum(k is Ellipsis for k in key)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(widths)
    if used > ndim:
        raise IndexError(f"too many indices: array is {ndim}-dimensional, but {used} were "
                         "indexed")
    if n_ellipsis:
        widths[next(i for i, k in enumerate(key) if k is Ellipsis)] = ndim - used
    return widths


def _is_advanced(k) -> bool:
    return isinstance(k, (ArrayBase, builtins.bool))


def ellipsis_separates(ndim: int, key: tuple) -> bool:
    """Whether an ``...`` that stands for no axis separates advanced indices in ``key``.

    NumPy counts it as a separator, so the advanced axes go first in the result; MLX
    drops it, sees the advanced indices side by side and keeps their axes in place.
    """
    if not builtins.any(k is Ellipsis for k in key) or not builtins.any(
            isinstance(k, ArrayBase) for k in key):
        return False
    widths = _widths(ndim, key)
    e = next(i for i, k in enumerate(key) if k is Ellipsis)
    if widths[e]:
        return False
    # Ints are advanced indices too when an array is in the key.
    adv = [i for i, k in enumerate(key) if _is_advanced(k) or _index_int(k) is not None]
    return adv[0] < e < adv[-1]


def advanced_first(ndim: int, key: tuple) -> tuple[list[int], tuple]:
    """``(perm, key)``: the axes permutation and the key that put ``key``'s advanced
    indices first, side by side: NumPy's layout when they are separated."""
    widths = _widths(ndim, key)
    axes, start = [], 0
    for w in widths:
        axes.append(list(range(start, start + w)))
        start += w
    adv = [i for i, k in enumerate(key) if _is_advanced(k) or _index_int(k) is not None]
    rest = [i for i, k in enumerate(key) if i not in adv and k is not Ellipsis]
    perm = [a for i in adv + rest for a in axes[i]] + list(range(start, ndim))
    return perm, tuple(key[i] for i in adv + rest)


def expand_masks(x, key: tuple):
    """``(a, key)``: ``x``'s data with each mask's axes merged into one, and a key in
    which each mask is replaced by the indices of its True elements (in range).

    A 0-d mask (or a Python bool) indexes a new axis of size one. Boolean arrays
    are evaluated at one counted sync point; NumPy finds their True elements
    there, which is much faster than MLX's cumsum and searchsorted on the CPU.
    """
    shape = x._array.shape
    widths = _widths(len(shape), key)
    to_read = []
    start = 0
    for k, w in zip(key, widths):
        if _is_mask_array(k):
            if k._device != x._device:
                raise ValueError(f"index array is on {k._device}, the indexed array on "
                                 f"{x._device}")
            for i, (ms, xs) in enumerate(zip(k.shape, shape[start:start + w])):
                if ms != xs and ms != 0:
                    raise IndexError(f"boolean index of shape {k.shape} does not match axis "
                                     f"{start + i} of size {xs}")
            if k.size:
                to_read.append(k._array)
        start += w
    if to_read:
        # Note: MLX has no boolean-mask indexing; this is the one sync point of a
        # data-dependent shape.
        _lazy.materialize(_lazy.DATA_DEPENDENT, *to_read)
    new_shape: list[int] = []
    new_key: list = []
    start = 0
    for k, w in zip(key, widths):
        if isinstance(k, builtins.bool) or (_is_mask_array(k) and k.ndim == 0):
            true = k if isinstance(k, builtins.bool) else builtins.bool(np.asarray(k._array))
            new_shape.append(1)
            new_key.append(mx.zeros((1 if true else 0,), dtype=mx.int32))
        elif _is_mask_array(k):
            new_shape.append(math.prod(shape[start:start + w]))
            flat = np.flatnonzero(np.asarray(k._array)) if k.size else ()
            # Note: never an MLX array made from an empty NumPy buffer (see _interop).
            new_key.append(mx.array(flat.astype(np.int32)) if len(flat)
                           else mx.zeros((0,), dtype=mx.int32))
        elif k is Ellipsis:
            new_shape.extend(shape[start:start + w])
            new_key.extend([slice(None)] * w)
        else:
            new_shape.extend(shape[start:start + w])
            new_key.append(k)
        start += w
    new_shape.extend(shape[start:])
    return mx.reshape(x._array, new_shape, stream=x._device._s), tuple(new_key)


def set_masked(x, key, v: mx.array) -> mx.array:
    """The data of ``x`` after ``x[key] = v`` for a key holding a boolean index.

    ``v`` is an MLX array of ``x``'s dtype. A key made of one mask (and an
    ellipsis) with a value that is the same for every selected element is an
    ``mx.where``: lazy, no sync. Other keys (a value per selected element, masks
    mixed with other indices) read the masks at one counted sync point.
    """
    key = key if isinstance(key, tuple) else (key,)
    shape = x._array.shape
    widths = _widths(len(shape), key)
    masks = [i for i, k in enumerate(key) if _is_mask(k)]
    if len(masks) == 1 and builtins.all(k is Ellipsis or _is_mask(k) for k in key):
        i = masks[0]
        m = key[i]
        start = sum(widths[:i])
        if _is_mask_array(m):
            for j, (ms, xs) in enumerate(zip(m.shape, shape[start:start + m.ndim])):
                if ms != xs and ms != 0:
                    raise IndexError(f"boolean index of shape {m.shape} does not match axis "
                                     f"{start + j} of size {xs}")
        rest = shape[start + widths[i]:]
        value = _broadcast_value(v, rest if start == 0 else ())
        if value is not None:
            s = x._device._s
            if isinstance(m, builtins.bool):
                cond = mx.array(m)
            elif m.size == 0:
                return x._array  # the mask selects nothing
            else:
                cond = mx.reshape(m._array, (1,) * start + m.shape + (1,) * len(rest), stream=s)
            return mx.where(cond, value, x._array, stream=s)
    a, mkey = expand_masks(x, key)
    a = assign(a, translate_shape(a.shape, x._device, mkey), v, x._device)
    return mx.reshape(a, shape, stream=x._device._s)


def _scatter_safe(mkey: tuple) -> bool:
    """Whether MLX's scatter places ``mkey``'s axes as NumPy does: no None, and the
    integer indices (ints and arrays) side by side."""
    if builtins.any(k is None for k in mkey):
        return False
    advanced = [i for i, k in enumerate(mkey) if isinstance(k, (int, mx.array))]
    return advanced[-1] - advanced[0] + 1 == len(advanced)


def _unfit(v: mx.array, target) -> ValueError:
    return ValueError(f"cannot assign a value of shape {tuple(v.shape)} to a selection of "
                      f"shape {tuple(target)}")


def fit_value(v: mx.array, target) -> mx.array:
    """``v`` without the leading ones NumPy drops, checked to broadcast to ``target``."""
    vshape = tuple(v.shape)
    lead = len(vshape) - len(target)
    if lead > 0 and builtins.all(n == 1 for n in vshape[:lead]):
        vshape = vshape[lead:]
        v = mx.reshape(v, vshape)
    try:
        fits = tuple(mx.broadcast_shapes(vshape, tuple(target))) == tuple(target)
    except ValueError:
        fits = False
    if not fits:
        # Note: MLX raises its own "[broadcast_shapes] ..." or "Cannot broadcast ..."
        # for these, and refuses leading ones that NumPy drops.
        raise _unfit(v, target)
    return v


def assign(a: mx.array, mkey: tuple, v: mx.array, device) -> mx.array:
    """``a`` after ``a[mkey] = v`` for a translated key (``a`` may be updated in place)."""
    target = None
    if v.ndim:  # (a 0-d value fits every selection)
        target = a[mkey].shape  # MLX's getitem shapes follow NumPy (no evaluation here)
        v = fit_value(v, target)
    if builtins.any(isinstance(k, mx.array) for k in mkey):
        if target is None:
            target = a[mkey].shape
        if math.prod(target) == 0:
            # Note: MLX's scatter rejects empty updates into empty arrays.
            return a
        if not _scatter_safe(mkey):
            # Note: MLX's scatter misplaces axes when None or a slice sits between
            # the integer indices (x[0, :, idx] = v fails to broadcast); write
            # through the flat positions of the selection instead (getitem is right).
            s = device._s
            pos = mx.arange(a.size, dtype=mx.int32, stream=s).reshape(a.shape)[mkey]
            flat = mx.reshape(a, (-1,), stream=s)
            flat[mx.reshape(pos, (-1,), stream=s)] = mx.reshape(
                mx.broadcast_to(v, target, stream=s), (-1,), stream=s)
            return mx.reshape(flat, a.shape, stream=s)
    a[mkey] = v
    return a


def _broadcast_value(v: mx.array, rest: tuple):
    """``v`` without leading ones when it broadcasts to ``rest`` (every selected
    element gets the same value), else None."""
    vshape = tuple(v.shape)
    lead = len(vshape) - len(rest)
    if lead > 0:
        if builtins.any(n != 1 for n in vshape[:lead]):
            return None
        vshape = vshape[lead:]
        v = mx.reshape(v, vshape)
    for n, r in zip(reversed(vshape), reversed(rest)):
        if n != 1 and n != r:
            return None
    return v


def is_basic(mkey: tuple) -> bool:
    """Whether a translated key is basic indexing (ints, slices, None, ``...``): NumPy
    then returns a view."""
    for k in mkey:
        c = k.__class__
        if c is not int and c is not slice and k is not None and k is not Ellipsis:
            return False
    return True


# --- host index data: lists and NumPy arrays --------------------------------------

_HOST = (list, np.ndarray)


def has_host(key) -> bool:
    """Whether ``key`` holds a list or a NumPy array (NumPy's index arrays)."""
    c = key.__class__
    if c is list or c is np.ndarray:
        return True
    return c is tuple and builtins.any(k.__class__ in _HOST for k in key)


def host_keys(shape, key, make):
    """``key`` with each list or NumPy array made an index Array by ``make(mx_array)``.

    A list is an index array as in NumPy (``x[[1, 2]]``, ``x[[0, 1], [1, 2]]``, nested
    lists, lists of bools are masks). Its integers are checked against the axis they
    index here, from host data (no sync point): IndexError as in NumPy.
    """
    single = key.__class__ is not tuple
    items = [key] if single else list(key)
    hosts = [np.asarray(k) if k.__class__ in _HOST else None for k in items]
    for h in hosts:
        if h is not None and h.dtype.kind not in "biu" and h.size:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
                             "(`None`) and integer or boolean arrays are valid indices")
    widths = []
    for k, h in zip(items, hosts):
        if k is None or k is Ellipsis:
            widths.append(0)
        elif h is not None and h.dtype.kind == "b":
            widths.append(h.ndim)
        elif isinstance(k, ArrayBase) and k._dtype is _d.bool:
            widths.append(k.ndim)
        else:
            widths.append(1)
    ndim = len(shape)
    axis = 0
    out = []
    for k, h, w in zip(items, hosts, widths):
        if k is Ellipsis:
            axis += builtins.max(ndim - sum(widths), 0)
        if h is None:
            out.append(k)
            axis += w
            continue
        if h.dtype.kind == "b":
            if h.ndim == 0:
                out.append(builtins.bool(h))
            else:
                if tuple(h.shape) != tuple(shape[axis:axis + h.ndim]):
                    raise IndexError(f"boolean index of shape {h.shape} does not match "
                                     f"the indexed axes of shape {tuple(shape[axis:axis + w])}")
                # A mask known on the host: its True positions, with no sync point.
                out.extend(make(mx.array(i.astype(np.int64)) if i.size
                                else mx.zeros((0,), dtype=mx.int32)) for i in np.nonzero(h))
        else:
            if h.size and axis < ndim:
                n = shape[axis]
                lo, hi = int(h.min()), int(h.max())
                if lo < -n or hi >= n:
                    bad = lo if lo < -n else hi
                    raise IndexError(f"index {bad} is out of bounds for axis {axis} with "
                                     f"size {n}")
            h = h.astype(np.int64) if h.dtype.kind == "u" or h.size == 0 else h
            out.append(make(mx.array(h) if h.size else mx.zeros(h.shape, dtype=mx.int32)))
        axis += w
    return out[0] if single and len(out) == 1 else tuple(out)
