"""Array methods in NumPy's and PyTorch's spellings, over the namespace's functions.

``x.sum(axis=0)``, ``x.reshape(2, 3)``, ``x.transpose()``, ``x.std(ddof=1)``,
``x.sort()`` (in place), ``x.item()``... take the signatures and semantics of
NumPy's ``ndarray`` methods; ``x.numel()``, ``x.dim()``, ``x.float()``... are
PyTorch's ``Tensor`` methods. Each method translates its arguments and calls the
namespace function that does the work, so validation, result dtypes and
laziness are that function's. Where NumPy's method differs from the standard's
function (an axis of None that flattens, ``ddof``, booleans that count as
integers), a ``# Note:`` says so.

:class:`Array` inherits them from :class:`ArrayMethods`: a class body keeps the
names ``sum``, ``max``, ``round``, ``float``, ``int``... out of this module's
globals, where they would shadow the builtins.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._array.devices import CPU
from .._interop import numpy_dlpack as _interop
from .._standard import creation as _cr
from .._standard import data_types as _dt
from .._standard import elementwise as _ew
from .._standard import manipulation as _mf
from .._standard import searching as _se
from .._standard import sorting as _so
from .._standard import statistical as _st
from .._standard import utility as _ut

if TYPE_CHECKING:
    from .._array.array import Array
    from .._array.dtypes import DType

_SORT_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _dtype(name: str, dtype) -> DType | None:
    """A dtype argument as NumPy's methods take it: a tmath dtype, or what ``np.dtype``
    reads (``float``, ``int``, ``"float32"``, ``np.int64``...)."""
    dt = _d.as_dtype(dtype)
    if dt is not None or dtype is None:
        return dt
    try:
        nd = np.dtype(dtype)
    except TypeError:
        nd = None
    if nd is not None:
        dt = _interop.FROM_NUMPY.get(nd)
        if nd.name == "bfloat16":  # ml_dtypes'
            dt = _d.bfloat16
        elif dt is None and nd.kind == "c":
            # Note: MLX has no complex128: ``complex`` means complex64, as in asarray.
            dt = _d.complex64
    elif isinstance(dtype, str) and dtype == "bfloat16":
        dt = _d.bfloat16
    if dt is None:
        raise TypeError(f"{name}: {dtype!r} is not a dtype tmath_array has")
    return dt


def _ordered(fn, x: Array, *args, keep_bool: bool = True, **kwargs) -> Array:
    """``fn(x, ...)`` for an order-based function, booleans ordered False < True (NumPy).

    The standard's max/min/argmax/sort take no booleans; they go through uint8.
    """
    if x._dtype is not _d.bool:
        return fn(x, *args, **kwargs)
    out = fn(_dt.astype(x, _d.uint8), *args, **kwargs)
    return _dt.astype(out, _d.bool) if keep_bool else out


def _order(name: str, order, allowed: str) -> str:
    """NumPy's memory-order argument; every tmath array is C-ordered, so 'A' and 'K' are 'C'."""
    if not isinstance(order, str):
        raise TypeError(f"{name}: order must be a str, not {type(order).__name__}")
    if len(order) != 1 or order.upper() not in allowed:
        raise ValueError(f"{name}: order must be one of {', '.join(map(repr, allowed))}, "
                         f"got {order!r}")
    return "F" if order.upper() == "F" else "C"


def _sort_kind(name: str, kind, stable) -> None:
    # Every sort here is stable, which is a valid result for each of NumPy's kinds.
    # (Types first: ``in`` would compare an array or tensor argument elementwise and ask
    # for its ambiguous truth.)
    if kind is not None and not isinstance(kind, str):
        raise TypeError(f"{name}: kind must be a string or None, got {type(kind).__name__}")
    if kind not in _SORT_KINDS:
        raise ValueError(f"{name}: kind must be one of {', '.join(map(repr, _SORT_KINDS[1:]))}, "
                         f"got {kind!r}")
    if stable is not None:
        _core.check_bool(name, stable, "stable")


def _float_work(name: str, x: Array, dtype) -> Array:
    """The input of mean/var/std: cast to ``dtype`` when given (NumPy computes in it).

    Note: NumPy accepts an integer ``dtype`` and then averages in integers (truncated
    means, wrapped variances); here ``dtype`` must be floating: TypeError otherwise.
    """
    if dtype is None:
        return x
    dt = _dtype(name, dtype)
    if dt not in _d.CATEGORIES["floating-point"]:
        _core.bad_dtype(f"{name} (dtype=)", "floating-point", dt)
    return _dt.astype(x, dt)


def _cast(name: str, dtype: DType):
    """A PyTorch cast method (``x.float()``...): ``x`` itself when it has ``dtype`` already."""
    def method(self) -> Array:
        return _dt.astype(self, dtype, copy=False)

    method.__name__ = name
    method.__qualname__ = f"ArrayMethods.{name}"
    method.__doc__ = (f"``x`` as {dtype.name} (PyTorch's ``Tensor.{name}()``); ``x`` itself "
                      f"when it is {dtype.name} already.")
    return method


def _resize(v: Array, n: builtins.int) -> Array:
    """The 1-D ``v`` repeated cyclically to ``n`` elements (NumPy's resize)."""
    reps = -(-n // v.size)
    return _mf.tile(v, (reps,))[:n] if reps > 1 else v[:n]


def _view_dtype(x: Array, dt: DType) -> Array:
    """``x.view(dtype)``: NumPy's rules for the shape and the layout."""
    old, new = x.itemsize, _dt.astype(_cr.zeros((), dtype=dt), dt).itemsize
    if old == new:
        shape = x.shape
    else:
        if x.ndim == 0:
            raise ValueError("Changing the dtype of a 0d array is only supported if the "
                             "itemsize is unchanged")
        if not _views.last_axis_contiguous(x):
            raise ValueError("To change to a dtype of a different size, the last axis "
                             "must be contiguous")
        if (x.shape[-1] * old) % new:
            raise ValueError("When changing to a larger dtype, its size must be a divisor "
                             "of the total size in bytes of the last axis of the array.")
        shape = x.shape[:-1] + (x.shape[-1] * old // new,)
    res = _core.new(x._array.view(dt._mx), dt, x._device)
    return _views.derived(res, x, ("dtype", x._dtype._mx, dt._mx, old == new, shape))


class FlatIter:
    """NumPy's ``flatiter``: ``x.flat``. Reads are copies; writes reach ``x``."""

    __slots__ = ("base",)

    def __init__(self, base: Array) -> None:
        self.base = base

    def _flat(self) -> Array:
        return _mf.reshape(self.base, (-1,), copy=True)

    def __len__(self) -> builtins.int:
        return self.base.size

    def __iter__(self):
        return iter(self._flat())

    def __getitem__(self, key) -> Array:
        return self._flat()[key]

    def __setitem__(self, key, value) -> None:
        flat = self._flat()
        if not isinstance(value, _core.Array):
            value = _cr.asarray(value, device=flat._device)
        target = flat[key]
        if value.size and target.size and value.ndim <= 1 and value.size != target.size:
            # NumPy's flatiter repeats a shorter (or cuts a longer) sequence of values.
            value = _resize(_mf.reshape(value, (-1,)), target.size)
        flat[key] = _dt.astype(value, flat._dtype)
        _views.commit(self.base, _mf.reshape(flat, self.base.shape)._array)

    def __array__(self, dtype=None, copy=None):
        return _interop.to_numpy(self._flat(), dtype=dtype, copy=copy)

    def copy(self) -> Array:
        """The elements as a new 1-D array."""
        return self._flat()


class ArrayMethods:
    """NumPy's ``ndarray`` methods and PyTorch's ``Tensor`` methods (see the module docstring)."""

    __slots__ = ()

    # --- attributes ---------------------------------------------------------------
    @property
    def nbytes(self) -> builtins.int:
        """The number of bytes of the elements (``size * itemsize``)."""
        return self._array.nbytes

    @property
    def itemsize(self) -> builtins.int:
        """The number of bytes of one element."""
        return self._array.itemsize

    # --- dtype, copies, values ----------------------------------------------------
    def astype(self, dtype, /, *, copy: builtins.bool = True, device=None) -> Array:
        """``x`` converted to ``dtype`` (``xp.astype``); NumPy's spellings (``float``,
        ``"int64"``, ``np.float32``) are accepted too, and ``complex`` is complex64."""
        return _dt.astype(self, _dtype("astype", dtype), copy=copy, device=device)

    def copy(self) -> Array:
        """A copy of ``x``: a new lazy array (nothing is computed)."""
        return _cr.asarray(self, copy=True)

    def fill(self, value, /) -> None:
        """Set every element of ``x`` to ``value``, in place (lazily).

        As NumPy does, a value of a higher kind is cast: ``1.7`` fills an integer
        array with 1. An integer out of the dtype's range raises OverflowError.
        """
        if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biufc":
            # (a NumPy scalar or array, as NumPy takes it: a 0-d one is its Python value)
            value = value.item() if value.ndim == 0 else _cr.asarray(value)
        if isinstance(value, _core.Array):
            if value.ndim != 0:
                raise ValueError(f"fill: value must be a scalar or a 0-d array, got shape "
                                 f"{value.shape}")
            v = _dt.astype(value, self._dtype, device=self._device)
        elif _core.scalar_rank(value) is None:
            raise TypeError(f"fill: value must be a Python scalar or a 0-d array, got "
                            f"{type(value).__name__}")
        elif _core.scalar_dtype("fill", value, self._dtype) is self._dtype:
            v = _cr.full((), value, dtype=self._dtype, device=self._device)
        else:
            v = _dt.astype(_cr.asarray(value, device=self._device), self._dtype)
        _core.write_back(self, _mf.broadcast_to(v, self.shape)._array)

    def item(self, *args):
        """One element as a Python scalar: a sync point, counted as a conversion.

        ``x.item()`` needs an array of one element (of any shape); ``x.item(i)`` is the
        ``i``-th element of the flattened array; ``x.item(i, j)`` or ``x.item((i, j))``
        the element at that index.
        """
        if len(args) == 1 and isinstance(args[0], tuple):
            args = args[0]
        if not args:
            if self.size != 1:
                raise ValueError(f"item: only an array of one element converts to a Python "
                                 f"scalar; this one has {self.size} (give an index)")
            x = _mf.reshape(self, ())
        elif len(args) == 1:
            x = _mf.reshape(self, (-1,))[args[0]]
        elif len(args) == self.ndim:
            x = self[args]
        else:
            raise ValueError(f"item: {len(args)} indices for an array of dimension {self.ndim}")
        return x._scalar("scalar")

    def tobytes(self, order: str = "C") -> bytes:
        """The raw bytes of the elements, as NumPy's ``tobytes`` (``order`` 'C', 'F', 'A'
        or 'K'; MLX arrays are row-major, so 'A' and 'K' read as 'C'). A sync point.

        Note: bfloat16 elements give their two bytes each (NumPy has no bfloat16).
        """
        if order not in ("C", "F", "A", "K"):
            raise ValueError(f"tobytes: order must be one of 'C', 'F', 'A' or 'K', got "
                             f"{order!r}")
        x = self
        if self._dtype is _d.bfloat16:
            x = _core.new(self._array.view(_d.uint16._mx), _d.uint16, self._device)
        return _interop.to_numpy(x).tobytes("F" if order == "F" else "C")

    def numpy(self) -> np.ndarray:
        """``x`` as a NumPy array (PyTorch's ``Tensor.numpy()``), as ``np.asarray(x)`` gives it:
        a sync point (a conversion), then a view of MLX's memory."""
        return _interop.to_numpy(self)

    # --- views --------------------------------------------------------------------
    @property
    def real(self) -> Array:
        """The real part, a view: writing to it writes ``x`` (``x`` itself viewed, for a
        real ``x``), as NumPy's ``x.real``."""
        if self._dtype is not _d.complex64:
            return _views.derived(_mf.reshape(self, self.shape, copy=True), self,
                                  ("reshape", self.shape))
        return _views.derived(_ew.real(self), self, ("real",))

    @real.setter
    def real(self, value) -> None:
        self.real[...] = value

    @property
    def imag(self) -> Array:
        """The imaginary part, a view of a complex ``x`` (writing to it writes ``x``).

        Note: for a real ``x``, NumPy returns read-only zeros; here they are zeros of
        ``x``'s dtype, a new array (writing to it does not reach ``x``, as in NumPy where
        it cannot).
        """
        if self._dtype is not _d.complex64:
            return _cr.zeros(self.shape, dtype=self._dtype, device=self._device)
        return _views.derived(_ew.imag(self), self, ("imag",))

    @imag.setter
    def imag(self, value) -> None:
        if self._dtype is not _d.complex64:
            raise TypeError("array does not have imaginary part to set")
        self.imag[...] = value

    def view(self, *args, dtype=None, type=None) -> Array:  # noqa: A002 - NumPy's names
        """A view of ``x``'s elements: ``x.view(dtype)`` (or ``dtype=``) reinterprets their
        bytes as NumPy's ``view``; ``x.view(2, 3)`` / ``x.view((2, 3))`` / ``x.view(-1)``
        is PyTorch's ``Tensor.view`` (a reshape that must not copy). Writes through it
        reach ``x``. ``type=`` (an ndarray subclass) is not supported: TypeError."""
        if type is not None:
            raise TypeError("view: type= (an ndarray subclass) is not supported; "
                            "tmath_array has one array type")
        if dtype is not None:
            if args:
                raise TypeError("view: dtype given twice")
            args = (dtype,)
        if not args or (len(args) == 1 and args[0] is None):
            return _views.derived(_mf.reshape(self, self.shape, copy=True), self,
                                  ("reshape", self.shape))
        if len(args) == 1 and not isinstance(args[0], (builtins.int, tuple, list)):
            return _view_dtype(self, _dtype("view", args[0]))
        shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        shape = _views.checked_shape(self.size, shape)
        return _mf.reshape(self, shape, copy=False)

    @property
    def flat(self) -> FlatIter:
        """A 1-D iterator over ``x`` (NumPy's ``flatiter``): ``x.flat[i]``, ``x.flat[2:5] = v``
        (writes reach ``x``), ``for v in x.flat``."""
        return FlatIter(self)

    @flat.setter
    def flat(self, value) -> None:
        FlatIter(self)[...] = value

    def repeat(self, repeats, axis=None) -> Array:
        """Each element repeated ``repeats`` times along ``axis`` (flattened if None), as
        ``xp.repeat``; ``repeats`` may be an int, a list of ints or an integer array."""
        return _mf.repeat(self, repeats, axis=axis)

    def put(self, indices, values, mode: str = "raise") -> None:
        """``x.flat[indices] = values`` in place, ``values`` repeated as needed (NumPy's
        ``put``). ``mode="raise"`` checks Python and NumPy indices; integer arrays are
        clamped into range lazily, as ``mode="clip"`` does (docs/indexing.md);
        ``mode="wrap"`` wraps them."""
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(f"put: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        n = self.size
        if isinstance(indices, _core.Array):
            idx = indices
            if mode == "wrap":
                idx = _ew.remainder(_dt.astype(idx, _d.int64), n)
        else:
            host = np.asarray(indices)
            if host.dtype.kind not in "iu" and host.size:
                raise TypeError(f"put: indices must be integers, got {host.dtype}")
            host = host.astype(np.int64).reshape(-1)
            if mode == "wrap" and n:
                host = host % n
            elif mode == "clip":
                host = np.clip(host, 0, builtins.max(n - 1, 0))
            elif host.size and (host.min() < -n or host.max() >= n):
                bad = host[(host < -n) | (host >= n)][0]
                raise IndexError(f"index {bad} is out of bounds for axis 0 with size {n}")
            idx = _cr.asarray(host, device=self._device)
        idx = _mf.reshape(idx, (-1,))
        if idx.size == 0:
            return
        vals = values if isinstance(values, _core.Array) else _cr.asarray(
            values, device=self._device)
        vals = _mf.reshape(vals, (-1,))
        if vals.size == 0:
            raise ValueError("put: cannot put an empty sequence of values")
        if vals.size != idx.size:
            vals = _resize(vals, idx.size)
        vals = _dt.astype(vals, self._dtype)  # NumPy casts the values (unsafe casting)
        flat = _mf.reshape(self, (-1,), copy=True)
        flat[idx] = vals
        _views.commit(self, _mf.reshape(flat, self.shape)._array)

    # --- shape --------------------------------------------------------------------
    def reshape(self, *shape, order: str = "C", copy: builtins.bool | None = None) -> Array:
        """``x`` with a new shape: ``x.reshape(2, 3)`` or ``x.reshape((2, 3))``; one size may
        be -1. ``order="F"`` reads and writes the elements in column-major order."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        shape = tuple(shape)
        if _order("reshape", order, "CFA") == "F":
            return _mf.reshape(self.transpose(), shape[::-1], copy=copy).transpose()
        return _mf.reshape(self, shape, copy=copy)

    def transpose(self, *axes) -> Array:
        """``x`` with its axes permuted: reversed by default (NumPy), or in the order
        ``x.transpose(1, 0, 2)`` / ``x.transpose((1, 0, 2))`` gives."""
        if not axes or axes == (None,):
            return _mf.permute_dims(self, tuple(range(self.ndim))[::-1])
        perm = tuple(axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes)
        if len(perm) == 2 and self.ndim != 2:
            raise ValueError(f"transpose: axes {perm} do not match an array of dimension "
                             f"{self.ndim}: NumPy's transpose takes every axis (PyTorch's "
                             "transpose(dim0, dim1) is x.swapaxes(dim0, dim1))")
        return _mf.permute_dims(self, perm)

    def swapaxes(self, axis1: builtins.int, axis2: builtins.int, /) -> Array:
        """``x`` with the axes ``axis1`` and ``axis2`` exchanged (``xp.swapaxes``)."""
        from . import shape as _npshape  # here: it needs Array, defined after this module

        return _npshape.swapaxes(self, axis1, axis2)

    def flatten(self, order: str = "C") -> Array:
        """A one-dimensional copy of ``x`` (``order="F"``: column by column); never a view,
        as in NumPy (``ravel`` is one where it can be)."""
        if isinstance(order, builtins.int):
            raise TypeError("flatten: order must be a str: NumPy's flatten has no start axis "
                            "(PyTorch's x.flatten(d) is x.reshape(*x.shape[:d], -1))")
        flat = self.ravel(order)
        return flat if flat.base is None and flat is not self else _cr.asarray(flat, copy=True)

    def ravel(self, order: str = "C") -> Array:
        """``x`` as a one-dimensional array (``order="F"``: column by column; ``xp.ravel``)."""
        from . import shape as _npshape  # here: it needs Array, defined after this module

        return _npshape.ravel(self, order)

    def squeeze(self, axis=None) -> Array:
        """``x`` without length-one axes: all of them by default, else those of ``axis``
        (ValueError if one of those is longer)."""
        if axis is None:
            axis = tuple(i for i, n in enumerate(self.shape) if n == 1)
        return _mf.squeeze(self, axis)

    def diagonal(self, offset: builtins.int = 0, axis1: builtins.int = 0,
                 axis2: builtins.int = 1) -> Array:
        """The ``offset``-th diagonal over ``axis1`` and ``axis2`` (NumPy's argument order):
        the other axes come first, the diagonal last (``xp.diagonal``)."""
        from . import aliases as _npalias  # here: it needs Array, defined after this module

        return _npalias.diagonal(self, offset, axis1, axis2)

    # --- reductions ---------------------------------------------------------------
    def sum(self, axis=None, dtype=None, *, keepdims: builtins.bool = False) -> Array:
        """The sum over ``axis`` (every axis by default); booleans count as int32."""
        return _st.sum(self, axis=axis, dtype=_dtype("sum", dtype), keepdims=keepdims)

    def prod(self, axis=None, dtype=None, *, keepdims: builtins.bool = False) -> Array:
        """The product over ``axis`` (every axis by default); booleans count as int32."""
        return _st.prod(self, axis=axis, dtype=_dtype("prod", dtype),
                        keepdims=keepdims)

    def mean(self, axis=None, dtype=None, *, keepdims: builtins.bool = False) -> Array:
        """The mean over ``axis``; integers and booleans give float32 (NumPy: float64)."""
        return _st.mean(_float_work("mean", self, dtype), axis=axis, keepdims=keepdims)

    def var(self, axis=None, dtype=None, *, ddof=0, keepdims: builtins.bool = False) -> Array:
        """The variance over ``axis``, dividing by ``N - ddof`` (NumPy's default ``ddof=0``;
        PyTorch's ``var()`` is ``ddof=1``)."""
        return _st.var(_float_work("var", self, dtype), axis=axis, correction=ddof,
                       keepdims=keepdims)

    def std(self, axis=None, dtype=None, *, ddof=0, keepdims: builtins.bool = False) -> Array:
        """The standard deviation over ``axis``, dividing by ``N - ddof`` (NumPy's default
        ``ddof=0``; PyTorch's ``std()`` is ``ddof=1``)."""
        return _st.std(_float_work("std", self, dtype), axis=axis, correction=ddof,
                       keepdims=keepdims)

    def max(self, axis=None, *, keepdims: builtins.bool = False) -> Array:
        """The maximum over ``axis``; NaN propagates; ValueError over zero elements."""
        return _ordered(_st.max, self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, *, keepdims: builtins.bool = False) -> Array:
        """The minimum over ``axis``; NaN propagates; ValueError over zero elements."""
        return _ordered(_st.min, self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, *, keepdims: builtins.bool = False) -> Array:
        """Whether any element over ``axis`` is non-zero (a bool array: lazy)."""
        return _ut.any(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, *, keepdims: builtins.bool = False) -> Array:
        """Whether every element over ``axis`` is non-zero (a bool array: lazy)."""
        return _ut.all(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, *, keepdims: builtins.bool = False) -> Array:
        """The index (int32) of the first maximum along ``axis`` (of the flattened ``x`` by
        default)."""
        return _ordered(_se.argmax, self, axis=axis, keepdims=keepdims, keep_bool=False)

    def argmin(self, axis=None, *, keepdims: builtins.bool = False) -> Array:
        """The index (int32) of the first minimum along ``axis`` (of the flattened ``x`` by
        default)."""
        return _ordered(_se.argmin, self, axis=axis, keepdims=keepdims, keep_bool=False)

    def cumsum(self, axis=None, dtype=None) -> Array:
        """The cumulative sum along ``axis`` (None: of the flattened array; ``xp.cumsum``)."""
        from . import aliases as _npalias  # here: it needs Array, defined after this module

        return _npalias.cumsum(self, axis, _dtype("cumsum", dtype))

    def cumprod(self, axis=None, dtype=None) -> Array:
        """The cumulative product along ``axis`` (None: of the flattened array;
        ``xp.cumprod``)."""
        from . import aliases as _npalias  # here: it needs Array, defined after this module

        return _npalias.cumprod(self, axis, _dtype("cumprod", dtype))

    def trace(self, offset: builtins.int = 0, axis1: builtins.int = 0, axis2: builtins.int = 1,
              dtype=None) -> Array:
        """The sum of the ``offset``-th diagonal over ``axis1`` and ``axis2`` (``xp.trace``)."""
        from . import products as _npprod  # here: it needs Array, defined after this module

        return _npprod.trace(self, offset, axis1, axis2, _dtype("trace", dtype))

    # --- sorting and searching ----------------------------------------------------
    def argsort(self, axis=-1, kind=None, *, stable=None) -> Array:
        """The indices (int32) that sort ``x`` along ``axis`` (``None``: the flattened ``x``).

        Every sort here is stable (ties keep their order), whatever ``kind`` says.
        """
        _sort_kind("argsort", kind, stable)
        x = self
        if axis is None or x.ndim == 0:
            x, axis = _mf.reshape(x, (-1,)), -1
        return _ordered(_so.argsort, x, axis=axis, keep_bool=False)

    def sort(self, axis=-1, kind=None, *, stable=None) -> None:
        """Sort ``x`` along ``axis`` in place and return None, as NumPy does (``xp.sort``
        returns a sorted copy). Stable; NaN sorts last."""
        _sort_kind("sort", kind, stable)
        _core.write_back(self, _ordered(_so.sort, self, axis=axis)._array)

    def nonzero(self) -> tuple[Array, ...]:
        """The indices of the non-zero elements, one array per axis (``xp.nonzero``: a sync
        point, counted as data-dependent)."""
        return _se.nonzero(self)

    # --- elementwise and products -------------------------------------------------
    def clip(self, min=None, max=None) -> Array:  # noqa: A002
        """``x`` clamped to ``[min, max]`` (``xp.clip``: the bounds take ``x``'s dtype)."""
        return _ew.clip(self, min, max)

    def round(self, decimals: builtins.int = 0) -> Array:
        """``x`` rounded to ``decimals`` decimal places (negative: tens, hundreds...), halves
        to even, as NumPy's ``round`` (``xp.around``)."""
        from . import aliases as _npalias  # here: it needs Array, defined after this module

        return _npalias.around(self, decimals)

    def conj(self) -> Array:
        """The complex conjugate (``xp.conj``; a copy for real ``x``)."""
        return _ew.conj(self)

    def dot(self, b, /) -> Array:
        """NumPy's ``dot`` (``xp.dot``): ``matmul`` for 1-d and 2-d operands, a product with a
        scalar, otherwise a sum over the last axis of ``x`` and the second-to-last of ``b``."""
        from . import products as _npprod  # here: it needs Array, defined after this module

        return _npprod.dot(self, b)

    # --- PyTorch ------------------------------------------------------------------
    def numel(self) -> builtins.int:
        """The number of elements (PyTorch; NumPy's ``x.size``)."""
        return self._array.size

    def dim(self) -> builtins.int:
        """The number of dimensions (PyTorch; NumPy's ``x.ndim``)."""
        return self._array.ndim

    def detach(self) -> Array:
        """``x`` itself: there is no autograd graph to detach from (PyTorch's ``detach``)."""
        return self

    def cpu(self) -> Array:
        """``x`` on the CPU device (``x`` itself when it is there already)."""
        return self.to_device(CPU)

    float = _cast("float", _d.float32)
    double = _cast("double", _d.float64)
    half = _cast("half", _d.float16)
    int = _cast("int", _d.int32)
    long = _cast("long", _d.int64)
    bool = _cast("bool", _d.bool)
