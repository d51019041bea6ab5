"""NumPy's ufunc interface on the standard's elementwise functions.

``add = _ufunc(_ew.add, identity=0, ...)`` gives the standard's ``add`` (the very same
function object: calling it costs what it did, and ``inspect.signature`` shows the
standard's parameters) what a NumPy ufunc has:

* ``out=`` (also positional: ``np.multiply(z, z, z)``), ``where=`` and ``dtype=`` in the
  call, handled by :func:`_call` (the functions' fast paths only test that none is given);
* ``nin``, ``nout``, ``identity``, ``signature``;
* ``reduce``, ``accumulate``, ``outer``, ``at`` and ``reduceat``, with NumPy's values and
  result dtypes (``np.add.reduce`` of int8 gives int64, as NumPy on Linux).

``out=`` and ``at`` write into the given Array: Arrays are mutable handles (see PORTING.md).
Everything stays lazy, except ``at`` with a ufunc MLX cannot scatter (anything but add,
subtract, multiply, maximum, minimum) or a boolean mask, and ``reduceat``, when their
indices are Arrays: reading them is one counted sync point.

This module attaches attributes to the standard's functions, once, at import; like
``bind.py`` for Array, it is the one place that does.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.array import Array, new, write_back
from .._array.indexing import has_mask, translate
from .._interop import convert as _convert
from .._interop.numpy_dlpack import to_numpy
from .._standard import elementwise as _ew
from .._standard import elementwise_factory as _factory
from .._standard.creation import asarray, full, zeros
from .._standard.data_types import astype
from .._standard.manipulation import (
    broadcast_shapes,
    broadcast_to,
    concat,
    moveaxis,
    reshape,
    stack,
)
from .._standard.searching import where as _where
from .._standard.statistical import cumulative_prod, cumulative_sum, max, min, prod, sum
from .._standard.utility import all, any

if TYPE_CHECKING:
    from collections.abc import Callable

_NO_VALUE = object()  # ``initial`` not given (None is a value for NumPy's object arrays)

# NumPy's kinds in same_kind order: a cast to a later (or the same) kind is allowed.
_KIND = {_d.bool: 0}
_KIND.update({d: 1 for d in (_d.uint8, _d.uint16, _d.uint32, _d.uint64)})
_KIND.update({d: 2 for d in (_d.int8, _d.int16, _d.int32, _d.int64)})
_KIND.update({d: 3 for d in _d.CATEGORIES["real-valued floating-point"]})
_KIND.update({d: 4 for d in _d.CATEGORIES["complex floating-point"]})

# NumPy's add/multiply reductions accumulate integers narrower than 64 bits (and bools)
# in 64 bits (on Linux), whatever the default integer.
_UPCAST = {_d.bool: _d.int64, _d.int8: _d.int64, _d.int16: _d.int64, _d.int32: _d.int64,
           _d.uint8: _d.uint64, _d.uint16: _d.uint64, _d.uint32: _d.uint64}


# --- arguments ------------------------------------------------------------------------

def _operand(name: str, a):
    """A call operand: an Array or a Python scalar as is (a weak scalar, as NEP 50)."""
    if isinstance(a, (Array, builtins.bool, int, float, complex)):
        return a
    return _convert.array(name, a)


def _dtype_arg(name: str, dtype):
    """``dtype=`` as a tmath dtype: a tmath or MLX dtype, or anything ``np.dtype`` reads."""
    dt = _d.as_dtype(dtype)
    if dt is None:
        try:
            dt = _d.as_dtype(getattr(_d, np.dtype(dtype).name, None))
        except TypeError:
            dt = None
    if dt is None:
        raise TypeError(f"{name}: {dtype!r} is not a dtype tmath_array has")
    return dt


def _same_kind(src, dst) -> builtins.bool:
    """NumPy's ``casting='same_kind'``: a safe cast, or one within a kind (float64 -> float32)."""
    return _KIND[src] <= _KIND[dst]


def _out_arg(name: str, out) -> Array | None:
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError(f"{name}: out must hold one array, got {len(out)}")
        out = out[0]
    if out is not None and not isinstance(out, Array):
        raise TypeError(f"{name}: out must be a tmath_array Array (the result is written "
                        f"into it), got {type(out).__name__}")
    return out


def _into(name: str, res: Array, out: Array | None) -> Array:
    """``res`` written into ``out`` (cast with same_kind, broadcast to out's shape)."""
    if out is None:
        return res
    if not _same_kind(res._dtype, out._dtype):
        raise TypeError(f"{name}: cannot cast the result from {_core.dtype_name(res._dtype)} "
                        f"to out's {_core.dtype_name(out._dtype)} with casting rule "
                        "'same_kind'")
    if res._device != out._device:
        raise ValueError(f"{name}: out is on {out._device}, the result on {res._device}")
    shape = out.shape
    if res.shape != shape:
        try:
            ok = broadcast_shapes(res.shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{name}: non-broadcastable output operand with shape {shape} "
                             f"does not match the broadcast shape {res.shape}")
    a = res._array
    if res._dtype is not out._dtype:
        a = a.astype(out._dtype._mx, stream=out._device._s)
    if res.shape != shape:
        a = mx.broadcast_to(a, shape, stream=out._device._s)
    write_back(out, a)
    return out


def _mask(name: str, where) -> Array:
    m = _convert.array(name, where)
    if m._dtype is not _d.bool:
        raise TypeError(f"{name}: where must be a boolean array, got "
                        f"{_core.dtype_name(m._dtype)}")
    return m


# --- the call: out=, where=, dtype= ------------------------------------------------------

def _call(fn, args, out, where, dtype):
    """``fn(*args, out=out, where=where, dtype=dtype)`` as NumPy's ufuncs compute it.

    Note: without ``out=``, NumPy leaves the elements ``where`` is False uninitialised;
    here they are 0.
    """
    name = fn.__name__
    out = _out_arg(name, out)
    ops = tuple(_operand(name, a) for a in args)
    if not builtins.any(isinstance(o, Array) for o in ops):
        # (Python scalars only: the first as a 0-d array)
        ops = (_convert.array(name, ops[0]), *ops[1:])
    dt = None
    if dtype is not None:
        dt = _dtype_arg(name, dtype)
        ops = tuple(astype(o, dt) if isinstance(o, Array) else asarray(o, dtype=dt)
                    for o in ops)
    res = fn(*ops)
    if dt is not None and res._dtype is not dt:
        raise TypeError(f"{name}: no loop computes {_core.dtype_name(dt)} from "
                        f"{_core.dtype_name(dt)} inputs (it gives "
                        f"{_core.dtype_name(res._dtype)})")
    if where is not True:
        m = _mask(name, where)
        if out is None:
            res = _where(m, res, zeros((), dtype=res._dtype, device=res._device))
        else:
            if not _same_kind(res._dtype, out._dtype):
                _into(name, res, out)  # raises the cast error
            res = _where(m, astype(res, out._dtype), out)
    return _into(name, res, out)


_factory.set_numpy_call(_call)


# --- reduce -------------------------------------------------------------------------------

def _axis_int(name: str, axis) -> int:
    """An axis given as anything with ``__index__`` (NumPy integers too), else TypeError."""
    if isinstance(axis, builtins.bool):
        raise TypeError(f"{name}: axis must be an int, got bool")
    try:
        return operator.index(axis)
    except TypeError:
        raise TypeError(f"{name}: axis must be an int, got {type(axis).__name__}") from None


def _axes(name: str, x: Array, axis, reorderable: builtins.bool) -> tuple[int, ...]:
    if axis is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axis, (tuple, list)):
        axes = _core.check_axes(name, tuple(_axis_int(name, a) for a in axis), x.ndim) or ()
    else:
        axes = (_core.check_axis(name, _axis_int(name, axis), x.ndim),) if x.ndim else ()
    if len(axes) > 1 and not reorderable:
        raise ValueError(f"{name}: reduction over several axes needs a reorderable operation "
                         "(associative and commutative)")
    return axes


def _front(x: Array, axes: tuple[int, ...]) -> Array:
    """``x`` with ``axes`` moved first and merged into one."""
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = x if list(axes) + rest == list(range(x.ndim)) else \
        moveaxis(x, axes, tuple(range(len(axes))))
    n = math.prod(x.shape[a] for a in axes)
    return reshape(moved, (n, *(x.shape[i] for i in rest)))


def _tree_reduce(fn, a: Array) -> Array:
    """The reduction of ``a`` over axis 0 in pairs (log2 n steps): ``fn`` reorderable."""
    while a.shape[0] > 1:
        n = a.shape[0]
        h = n // 2
        b = fn(a[:h], a[h:2 * h])
        a = concat([b, a[2 * h:]]) if n % 2 else b
    return a[0]


def _fold(fn, a: Array, initial, mask: Array | None = None) -> Array:
    """The left fold of ``a`` over axis 0: ``fn(fn(initial, a[0]), a[1])...``, skipping
    the elements where ``mask`` is False (then ``initial`` is given)."""
    if mask is not None:
        acc = _filled(a.shape[1:], initial, a)
        for i in range(a.shape[0]):
            acc = _where(mask[i], fn(acc, a[i]), acc)
        return acc
    acc = a[0] if initial is _NO_VALUE else fn(initial, a[0])
    for i in range(1, a.shape[0]):
        acc = fn(acc, a[i])
    return acc


class _Spec:
    """What a ufunc's methods need to know beyond the function itself."""

    __slots__ = ("identity", "reorderable", "reduction", "accumulation", "scatter", "upcast")

    def __init__(self, identity, reorderable, reduction, accumulation, scatter, upcast):
        self.identity = identity
        self.reorderable = reorderable
        self.reduction = reduction
        self.accumulation = accumulation
        self.scatter = scatter
        self.upcast = upcast


def _binary_only(fn, method: str) -> None:
    if fn.nin != 2:
        raise ValueError(f"{method} only supported for binary functions ({fn.__name__} "
                         f"takes {fn.nin} input)")


def _prepare(fn, spec: _Spec, name: str, array, dtype) -> Array:
    """The input of reduce/accumulate/reduceat, cast to ``dtype`` or NumPy's upcast."""
    _binary_only(fn, name.rsplit(".", 1)[1])
    x = _convert.array(name, array)
    if dtype is not None:
        return astype(x, _dtype_arg(name, dtype))
    if spec.upcast and x._dtype in _UPCAST:
        return astype(x, _UPCAST[x._dtype])
    return x


def _filled(shape, value, x: Array, dtype=None) -> Array:
    """``full(shape, value)`` of ``dtype`` (x's by default); an identity -1 (bitwise_and's)
    is all bits set, as NumPy casts it."""
    dt = x._dtype if dtype is None else dtype
    if dt is _d.bool:
        value = builtins.bool(value)
    elif dt in _d.INT_RANGE and isinstance(value, int) and value < 0 <= _d.INT_RANGE[dt][0]:
        value %= _d.INT_RANGE[dt][1] + 1
    return full(shape, value, dtype=dt, device=x._device)


def _result_dtype(fn, x: Array):
    """The dtype ``fn`` gives for two operands of x's dtype (lazily, on empty arrays)."""
    e = x[(0,) * x.ndim] if x.size else zeros((), dtype=x._dtype, device=x._device)
    return fn(e, e)._dtype


def _reduce(fn, spec: _Spec, array, axis=0, dtype=None, out=None, keepdims=False,
            initial=_NO_VALUE, where=True):
    name = f"{fn.__name__}.reduce"
    x = _prepare(fn, spec, name, array, dtype)
    out = _out_arg(name, out)
    axes = _axes(name, x, axis, spec.reorderable)
    keepdims = _core.check_bool(name, keepdims, "keepdims")
    rdt = _result_dtype(fn, x)
    fill = spec.identity if initial is _NO_VALUE else initial
    mask = None
    if where is not True:
        if fill is None or fill is _NO_VALUE:
            raise ValueError(f"{name}: {fn.__name__} has no identity, so a where= mask "
                             "needs initial=")
        mask = broadcast_to(_mask(name, where), x.shape)
        if spec.reorderable:
            # The skipped elements become the identity (maximum/minimum, which have
            # none, take ``initial``: applying it twice changes nothing).
            pad = spec.identity if spec.identity is not None else initial
            x = _where(mask, x, _filled((), pad, x))
            mask = None
    kept = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    n = math.prod(x.shape[a] for a in axes)
    if n == 0:
        if fill is None or fill is _NO_VALUE:
            raise ValueError(f"zero-size array to reduction operation {fn.__name__} which "
                             "has no identity")
        res = _filled(kept, fill, x, rdt)
    elif not axes:
        res = x if x._dtype is rdt else astype(x, rdt)
    elif spec.reduction is not None:
        res = spec.reduction(x, axes)
        if initial is not _NO_VALUE:
            res = fn(res, initial)
    else:
        a = _front(x, axes)
        if rdt is not a._dtype:
            a = astype(a, rdt)
        if spec.reorderable:
            res = _tree_reduce(fn, a)
            if initial is not _NO_VALUE:
                res = fn(res, initial)
        else:
            res = _fold(fn, a, initial, None if mask is None else _front(mask, axes))
    if res._dtype is not rdt:
        res = astype(res, rdt)
    if keepdims:
        res = reshape(res, tuple(1 if i in axes else s for i, s in enumerate(x.shape)))
    return _into(name, res, out)


# --- accumulate ---------------------------------------------------------------------------

def _scan(fn, a: Array) -> Array:
    """Inclusive scan over axis 0 in log2 n steps (Hillis-Steele): ``fn`` associative."""
    n = a.shape[0]
    shift = 1
    while shift < n:
        a = concat([a[:shift], fn(a[:n - shift], a[shift:])])
        shift *= 2
    return a


def _accumulate(fn, spec: _Spec, array, axis=0, dtype=None, out=None):
    name = f"{fn.__name__}.accumulate"
    x = _prepare(fn, spec, name, array, dtype)
    out = _out_arg(name, out)
    if x.ndim == 0:
        raise TypeError(f"{name}: cannot accumulate on a scalar")
    if axis is None:
        raise TypeError(f"{name}: axis must be an int, got None")
    ax = _core.check_axis(name, _axis_int(name, axis), x.ndim)
    rdt = _result_dtype(fn, x)
    if x._dtype is not rdt:
        x = astype(x, rdt)
    if x.shape[ax] == 0:
        res = x
    elif spec.accumulation is not None:
        res = spec.accumulation(x, ax)
    else:
        a = moveaxis(x, ax, 0) if ax else x
        if spec.reorderable:
            res = _scan(fn, a)
        else:
            parts = [a[0]]
            for i in range(1, a.shape[0]):
                parts.append(fn(parts[-1], a[i]))
            res = stack(parts)
        if ax:
            res = moveaxis(res, 0, ax)
    return _into(name, res, out)


def _cum_extremum(mxfn):
    """maximum/minimum.accumulate: MLX's cummax/cummin, with NaN propagating as NumPy's."""
    def acc(x: Array, ax: int) -> Array:
        s = x._device._s
        a = x._array
        r = mxfn(a, axis=ax, stream=s)
        if x._dtype in _d.CATEGORIES["real-valued floating-point"]:
            # Note: MLX's cummax/cummin skip NaN; NumPy's maximum/minimum propagate it.
            seen = mx.cummax(mx.isnan(a, stream=s), axis=ax, stream=s)
            r = mx.where(seen, mx.array(np.nan, dtype=a.dtype), r, stream=s)
        return new(r, x._dtype, x._device)

    return acc


# --- outer, at, reduceat -----------------------------------------------------------------

def _outer(fn, a, b, /, **kwargs):
    _binary_only(fn, "outer")
    name = f"{fn.__name__}.outer"
    a = _convert.array(name, a)
    b = _convert.array(name, b)
    return fn(reshape(a, a.shape + (1,) * b.ndim), b, **kwargs)


def host_index(k) -> np.ndarray:
    """Index data on the host: an Array is read (``to_numpy``: one counted sync point),
    Python sequences and NumPy arrays are converted there (an empty list gives int64)."""
    if isinstance(k, Array):
        return to_numpy(k)
    h = np.asarray(k)
    return h.astype(np.int64) if h.size == 0 and h.dtype.kind == "f" else h


def _index_part(name: str, k):
    """A list or NumPy array in an index as an Array (an empty list indexes nothing)."""
    if isinstance(k, (list, np.ndarray)):
        return _convert.array(name, host_index(k))
    return k


def _host_index(name: str, k):
    """An index part as NumPy sees it (an Array index is read: one counted sync)."""
    if isinstance(k, Array):
        return host_index(k)
    return k


def _at(fn, spec: _Spec, a, indices, b=None, /):
    name = f"{fn.__name__}.at"
    if not isinstance(a, Array):
        raise TypeError(f"{name}: the first argument must be a tmath_array Array (it is "
                        f"updated in place), got {type(a).__name__}")
    if fn.nin == 2 and b is None:
        raise ValueError(f"{name}: second operand needed for a binary ufunc")
    if fn.nin == 1 and b is not None:
        raise ValueError(f"{name}: second operand given for a unary ufunc")
    key = tuple(_index_part(name, k) for k in indices) if isinstance(indices, tuple) \
        else _index_part(name, indices)
    if b is not None:
        b = _operand(name, b)
    if spec.scatter is not None and not has_mask(key):
        # One lazy scatter: MLX's ``x.at[key].add(v)`` accumulates repeated indices.
        mkey = translate(a, key)
        probe = fn(a[key], b)
        if not _same_kind(probe._dtype, a._dtype):
            raise TypeError(f"{name}: cannot cast the result from "
                            f"{_core.dtype_name(probe._dtype)} to "
                            f"{_core.dtype_name(a._dtype)} with casting rule 'same_kind'")
        v = b._array if isinstance(b, Array) else _core.as_mx(b, a._dtype)
        if v.dtype != a._dtype._mx:
            v = v.astype(a._dtype._mx, stream=a._device._s)
        write_back(a, getattr(a._array.at[mkey], spec.scatter)(v))
        return None
    # Any other ufunc (or a mask): the selected positions, read on the host, are updated
    # in rounds; the positions of one round are distinct, so a repeated index sees the
    # updates of its earlier occurrences, as NumPy's unbuffered ``at``.
    hkey = tuple(_host_index(name, k) for k in key) if isinstance(key, tuple) \
        else _host_index(name, key)
    try:
        pos = np.arange(a.size, dtype=np.int64).reshape(a.shape)[hkey]
    except IndexError as exc:
        raise IndexError(f"{name}: {exc}") from None
    m = pos.size
    flat = reshape(a, (-1,))
    if b is not None:
        bb = reshape(broadcast_to(_convert.array(name, b), pos.shape), (-1,))
    pos = pos.reshape(-1)
    order = np.argsort(pos, kind="stable")
    ranks = np.empty(m, dtype=np.int64)
    if m:
        sp = pos[order]
        starts = np.r_[0, np.flatnonzero(sp[1:] != sp[:-1]) + 1]
        group = np.repeat(starts, np.diff(np.r_[starts, m]))
        ranks[order] = np.arange(m) - group
    for r in range(int(ranks.max()) + 1 if m else 0):
        sel = np.flatnonzero(ranks == r)
        idx = asarray(pos[sel])
        vals = flat[idx]
        res = fn(vals) if b is None else fn(vals, bb[asarray(sel)])
        if not _same_kind(res._dtype, a._dtype):
            raise TypeError(f"{name}: cannot cast the result from "
                            f"{_core.dtype_name(res._dtype)} to "
                            f"{_core.dtype_name(a._dtype)} with casting rule 'same_kind'")
        flat[idx] = astype(res, a._dtype)
    write_back(a, reshape(flat, a.shape)._array)
    return None


def _reduceat(fn, spec: _Spec, array, indices, axis=0, dtype=None, out=None):
    name = f"{fn.__name__}.reduceat"
    x = _prepare(fn, spec, name, array, dtype)
    out = _out_arg(name, out)
    if x.ndim == 0:
        raise TypeError(f"{name}: cannot reduceat a scalar")
    ax = _core.check_axis(name, _axis_int(name, axis), x.ndim)
    idx = host_index(indices)
    if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
        raise TypeError(f"{name}: indices must be a 1-d sequence of integers")
    n = x.shape[ax]
    a = moveaxis(x, ax, 0) if ax else x
    rdt = _result_dtype(fn, x)
    parts = []
    for i, j in enumerate(int(v) for v in idx):
        if not 0 <= j < n:
            raise IndexError(f"{name}: index {j} out of bounds for axis {ax} with size {n}")
        k = idx[i + 1] if i + 1 < len(idx) else n
        part = _reduce(fn, spec, a[j:k], axis=0) if j < k else a[j]
        parts.append(part if part._dtype is rdt else astype(part, rdt))
    if parts:
        res = stack(parts)
    else:
        res = reshape(astype(a, rdt)[:0], (0, *a.shape[1:]))
    if ax:
        res = moveaxis(res, 0, ax)
    return _into(name, res, out)


# --- the ufunc factory ----------------------------------------------------------------------

def _method(fn, impl, spec, method: str):
    def m(*args, **kwargs):
        return impl(fn, spec, *args, **kwargs)

    m.__name__ = m.__qualname__ = method
    m.__doc__ = f"NumPy's ``ufunc.{method}`` for ``{fn.__name__}``."
    return m


def _ufunc(fn: Callable, *, identity=None, reorderable=False, reduction=None,
           accumulation=None, scatter=None, upcast=False):
    """Give the elementwise function ``fn`` NumPy's ufunc attributes and methods.

    Args:
        identity: the value of the empty reduction (None: it raises).
        reorderable: ``fn`` is associative and commutative (several axes in ``reduce``,
            reductions and scans in log2 n steps).
        reduction: ``reduction(x, axes)``, a faster reduce (``sum`` for ``add``).
        accumulation: ``accumulation(x, axis)``, a faster accumulate.
        scatter: the name of MLX's ``x.at[...]`` method doing ``at`` lazily.
        upcast: reductions accumulate narrow integers and bools in 64 bits, as NumPy's
            ``add`` and ``multiply``.
    """
    nin = _factory.SIGNATURES[fn.__name__][0]
    spec = _Spec(identity, reorderable, reduction, accumulation, scatter, upcast)
    fn.nin = nin
    fn.nout = 1
    fn.nargs = nin + 1
    fn.identity = identity
    fn.signature = None
    fn.reduce = _method(fn, _reduce, spec, "reduce")
    fn.accumulate = _method(fn, _accumulate, spec, "accumulate")
    fn.reduceat = _method(fn, _reduceat, spec, "reduceat")
    fn.at = _method(fn, _at, spec, "at")

    def outer(a, b, /, **kwargs):
        return _outer(fn, a, b, **kwargs)

    outer.__doc__ = f"NumPy's ``ufunc.outer`` for ``{fn.__name__}``."
    fn.outer = outer
    return fn


def _by(reduction):
    return lambda x, axes: reduction(x, axis=axes, dtype=x._dtype)


def _by_bool(reduction):
    return lambda x, axes: reduction(x, axis=axes)


def _extremum(reduction):
    return lambda x, axes: reduction(x, axis=axes)


def _cum(accumulation):
    return lambda x, ax: accumulation(x, axis=ax, dtype=x._dtype)


# --- the ufuncs: one line each -------------------------------------------------------------
# Arithmetic
add = _ufunc(_ew.add, identity=0, reorderable=True, reduction=_by(sum),
             accumulation=_cum(cumulative_sum), scatter="add", upcast=True)
subtract = _ufunc(_ew.subtract, scatter="subtract")
multiply = _ufunc(_ew.multiply, identity=1, reorderable=True, reduction=_by(prod),
                  accumulation=_cum(cumulative_prod), scatter="multiply", upcast=True)
divide = _ufunc(_ew.divide)
floor_divide = _ufunc(_ew.floor_divide)
remainder = _ufunc(_ew.remainder)
pow = _ufunc(_ew.pow)  # noqa: A001
maximum = _ufunc(_ew.maximum, reorderable=True, reduction=_extremum(max),
                 accumulation=_cum_extremum(mx.cummax), scatter="maximum")
minimum = _ufunc(_ew.minimum, reorderable=True, reduction=_extremum(min),
                 accumulation=_cum_extremum(mx.cummin), scatter="minimum")
atan2 = _ufunc(_ew.atan2)
copysign = _ufunc(_ew.copysign)
hypot = _ufunc(_ew.hypot, identity=0)
logaddexp = _ufunc(_ew.logaddexp, identity=-math.inf)
nextafter = _ufunc(_ew.nextafter)
# Comparison
equal = _ufunc(_ew.equal)
not_equal = _ufunc(_ew.not_equal)
less = _ufunc(_ew.less)
less_equal = _ufunc(_ew.less_equal)
greater = _ufunc(_ew.greater)
greater_equal = _ufunc(_ew.greater_equal)
# Bitwise and logical
bitwise_and = _ufunc(_ew.bitwise_and, identity=-1, reorderable=True)
bitwise_or = _ufunc(_ew.bitwise_or, identity=0, reorderable=True)
bitwise_xor = _ufunc(_ew.bitwise_xor, identity=0, reorderable=True)
bitwise_left_shift = _ufunc(_ew.bitwise_left_shift)
bitwise_right_shift = _ufunc(_ew.bitwise_right_shift)
logical_and = _ufunc(_ew.logical_and, identity=True, reorderable=True,
                     reduction=_by_bool(all))
logical_or = _ufunc(_ew.logical_or, identity=False, reorderable=True,
                    reduction=_by_bool(any))
logical_xor = _ufunc(_ew.logical_xor, identity=False, reorderable=True)
# Unary
abs = _ufunc(_ew.abs)  # noqa: A001
acos = _ufunc(_ew.acos)
acosh = _ufunc(_ew.acosh)
asin = _ufunc(_ew.asin)
asinh = _ufunc(_ew.asinh)
atan = _ufunc(_ew.atan)
atanh = _ufunc(_ew.atanh)
bitwise_invert = _ufunc(_ew.bitwise_invert)
ceil = _ufunc(_ew.ceil)
conj = _ufunc(_ew.conj)
cos = _ufunc(_ew.cos)
cosh = _ufunc(_ew.cosh)
exp = _ufunc(_ew.exp)
expm1 = _ufunc(_ew.expm1)
floor = _ufunc(_ew.floor)
imag = _ufunc(_ew.imag)
isfinite = _ufunc(_ew.isfinite)
isinf = _ufunc(_ew.isinf)
isnan = _ufunc(_ew.isnan)
log = _ufunc(_ew.log)
log1p = _ufunc(_ew.log1p)
log2 = _ufunc(_ew.log2)
log10 = _ufunc(_ew.log10)
logical_not = _ufunc(_ew.logical_not)
negative = _ufunc(_ew.negative)
positive = _ufunc(_ew.positive)
real = _ufunc(_ew.real)
reciprocal = _ufunc(_ew.reciprocal)
round = _ufunc(_ew.round)  # noqa: A001
sign = _ufunc(_ew.sign)
signbit = _ufunc(_ew.signbit)
sin = _ufunc(_ew.sin)
sinh = _ufunc(_ew.sinh)
sqrt = _ufunc(_ew.sqrt)
square = _ufunc(_ew.square)
tan = _ufunc(_ew.tan)
tanh = _ufunc(_ew.tanh)
trunc = _ufunc(_ew.trunc)
