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
    if kind not in _SORT_KINDS:
        raise ValueError(f"{name}: kind must be one of {', '.join(map(repr, _SORT_KINDS[1:]))}, "
                         f"got {kind!r}")
    if stable not in (None, True, False):
        raise ValueError(f"{name}: stable must be True, False or None, got {stable!r}")


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
        self._array = _mf.broadcast_to(v, self.shape)._array

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
        """``x`` as a one-dimensional array (``order="F"``: column by column)."""
        if isinstance(order, builtins.int):
            raise TypeError("flatten: order must be a str: NumPy's flatten has no start axis "
                            "(PyTorch's x.flatten(d) is x.reshape(*x.shape[:d], -1))")
        return self.ravel(order)

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
        self._array = _ordered(_so.sort, self, axis=axis)._array

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
