"""The Array object: one ``mx.array`` behind the standard's array interface.

This module holds the class and the two constructors every function uses (:func:`new`,
:func:`wrap`); it imports nothing above the array model. See docs/architecture.md.
"""

from __future__ import annotations

import builtins
from typing import Any

import mlx.core as mx

from .._runtime import lazy as _lazy
from .._runtime import memory as _memory
from . import dtypes as _d
from . import indexing as _indexing
from . import scalars as _scalars
from .base import ArrayBase
from .devices import Device, check_dtype_on_device, to_device

# MLX dtype -> tmath dtype (tmath dtypes are singletons: identity checks work).
CANON = _d.FROM_MX

_object_new = object.__new__


class Array(ArrayBase):
    """An array of the Array API standard over one lazily evaluated ``mx.array``.

    Create arrays with the namespace's creation functions (``xp.asarray`` and
    friends), not with this constructor. Operations build an MLX graph;
    nothing is computed until a sync point (see ``docs/laziness.md``).
    This class body holds what the array model itself knows: the data, its attributes,
    conversion to Python scalars and indexing. The operators, NumPy's and PyTorch's
    methods (``x.sum()``, ``x.reshape(2, 3)``...), printing and the NumPy/DLPack exports
    are the namespace's functions, attached once by ``tmath_array._numpy.bind``
    (docs/architecture.md says why there).
    """

    __slots__ = ("_array", "_dtype", "_device", "__weakref__")
    _array: mx.array
    # NumPy defers ``np_array + x`` to ``x.__radd__`` (which makes an Array) instead of
    # converting ``x`` (a hidden sync); ufuncs such as np.sin(x) still convert via __array__.
    __array_priority__ = 100
    # Arrays are mutable and compare elementwise (``==`` is bound with the operators).
    __hash__ = None  # type: ignore[assignment]

    def __new__(cls, *args: Any, **kwargs: Any):
        raise TypeError("Arrays are made with tmath_array.asarray() and the other "
                        "creation functions, not Array(...)")

    # --- attributes -------------------------------------------------------
    @property
    def dtype(self):
        """The array's dtype (a tmath_array dtype object, e.g. ``xp.float32``)."""
        return self._dtype

    @property
    def device(self) -> Device:
        """The device the array lives on and its operations run on."""
        return self._device

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._array.shape)

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def size(self) -> int:
        return self._array.size

    @property
    def T(self) -> Array:  # noqa: N802 - the standard's name
        """The array with its axes reversed (the transpose of a matrix).

        Note: the standard defines ``T`` for two dimensions only (other ranks "should"
        raise); NumPy reverses the axes of any array, and so does this (a 0-d or 1-d
        array is returned as a new array of the same values).
        """
        return new(mx.transpose(self._array, stream=self._device._s), self._dtype,
                   self._device)

    @property
    def mT(self) -> Array:  # noqa: N802 - the standard's name
        """Transpose of the last two axes (a stack of matrices)."""
        if self._array.ndim < 2:
            raise ValueError("x.mT requires an array with at least two dimensions")
        return new(mx.swapaxes(self._array, -1, -2, stream=self._device._s),
                         self._dtype, self._device)

    def to_device(self, device, /, *, stream=None) -> Array:
        """The array on ``device`` (the same data; MLX memory is shared by its devices)."""
        if stream is not None:
            raise ValueError("to_device: the stream argument is not supported")
        dev = to_device(device, "to_device")
        if dev == self._device:
            return self
        check_dtype_on_device(self._dtype, dev, "to_device")
        return new(self._array, self._dtype, dev)

    def __mlx_array__(self) -> mx.array:
        """The underlying MLX array, so ``mx.array(x)`` and mx functions accept it."""
        return self._array

    # --- conversion to Python (sync points) -----------------------------------
    def _scalar(self, what: str):
        if self._array.ndim != 0:
            raise TypeError(f"only 0-dimensional arrays can be converted to Python "
                            f"{what}; this one has shape {self.shape}")
        _lazy.materialize(_lazy.CONVERSION, self._array)
        return self._array.item()

    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise ValueError(f"the truth value of an array with {self._array.size} elements "
                             "is ambiguous; use xp.any() or xp.all()")
        _lazy.materialize(_lazy.CONVERSION, self._array)
        return builtins.bool(self._array.item())

    def __int__(self) -> int:
        if self._dtype is _d.complex64:
            raise TypeError("int() of a complex array is not defined; take real() first")
        v = self._scalar("int")
        return int(v)

    def __float__(self) -> float:
        if self._dtype is _d.complex64:
            raise TypeError("float() of a complex array is not defined; take real() first")
        return float(self._scalar("float"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __index__(self) -> int:
        if self._dtype not in _d.CATEGORIES["integer"]:
            raise TypeError(f"only integer arrays can be used as an index, not "
                            f"{_d.dtype_name(self._dtype)}")
        return int(self._scalar("int"))

    def tolist(self):
        """The array as nested Python lists (a sync point)."""
        _memory.check_python_objects("tolist", self._array.shape)
        _lazy.materialize(_lazy.CONVERSION, self._array)
        return self._array.tolist()

    # --- containers -------------------------------------------------------------
    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-dimensional array")
        return self._array.shape[0]

    def __iter__(self):
        # (not a generator itself: a 0-d array fails at iter(), as NumPy's does)
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-dimensional array")
        return (self[i] for i in range(self._array.shape[0]))

    def __getitem__(self, key) -> Array:
        a = self._array
        # Fast path: x[i] and x[start:stop] within bounds on the first axis need no
        # translation (MLX takes them as they are); everything else is validated.
        kc = key.__class__
        if kc is int or (kc is slice and key.step is None):
            shape = a.shape
            if shape:
                n = shape[0]
                if kc is int:
                    fast = -n <= key < n
                else:
                    s, e = key.start, key.stop
                    fast = (s is None or (s.__class__ is int and -n <= s <= n)) and \
                        (e is None or (e.__class__ is int and -n <= e <= n))
                if fast:
                    res = _object_new(Array)
                    res._array = a[key]
                    res._dtype = self._dtype
                    res._device = self._device
                    return res
        if kc is tuple and _indexing.ellipsis_separates(a.ndim, key):
            # Note: MLX drops an ``...`` that stands for no axis and keeps the advanced
            # axes in place; NumPy moves them first. Moving those axes first does that.
            perm, key = _indexing.advanced_first(a.ndim, key)
            return new(mx.transpose(a, perm, stream=self._device._s), self._dtype,
                             self._device)[key]
        if _indexing.has_mask(key):
            # A boolean index: one counted sync point reads the mask (docs/indexing.md).
            a, mkey = _indexing.expand_masks(self, key if isinstance(key, tuple) else (key,))
            mkey = _indexing.translate_shape(a.shape, self._device, mkey)
        else:
            mkey = _indexing.translate(self, key)
        return new(a[mkey], self._dtype, self._device)

    def __setitem__(self, key, value) -> None:
        if key.__class__ is tuple and _indexing.ellipsis_separates(self._array.ndim, key):
            # As in __getitem__: write through the advanced axes moved first.
            perm, key = _indexing.advanced_first(self._array.ndim, key)
            s = self._device._s
            moved = new(mx.transpose(self._array, perm, stream=s), self._dtype,
                              self._device)
            moved[key] = value
            inverse = sorted(range(len(perm)), key=perm.__getitem__)
            self._array = mx.transpose(moved._array, inverse, stream=s)
            return
        masked = _indexing.has_mask(key)
        if not masked:
            mkey = _indexing.translate(self, key)
        dt = self._dtype
        if isinstance(value, Array):
            if value._device != self._device:
                raise ValueError(f"value is on {value._device}, the array on {self._device}")
            vdt = value._dtype
            if vdt is not dt and _d.promote_types(dt, vdt, "__setitem__") is not dt:
                raise TypeError(f"cannot assign {_d.dtype_name(vdt)} values to an array of "
                                f"{_d.dtype_name(dt)} without losing information; "
                                "use astype() first")
            v = value._array if vdt is dt else value._array.astype(dt._mx, stream=self._device._s)
        else:
            if _scalars.scalar_rank(value) is None:
                raise TypeError(f"cannot assign {type(value).__name__} to an array element")
            if _scalars.scalar_dtype("__setitem__", value, dt) is not dt:
                raise TypeError(f"cannot assign Python {type(value).__name__} to an array of "
                                f"{_d.dtype_name(dt)}")
            v = _scalars.as_mx(_scalars.scalar_value("__setitem__", value, dt), dt)
        if masked:
            self._array = _indexing.set_masked(self, key, v)
        else:
            self._array = _indexing.assign(self._array, mkey, v, self._device)


def new(arr: mx.array, dtype, device: Device) -> Array:
    """Wrap an MLX array whose (canonical) dtype is already known.

    Raises:
        MemoryError: the array is larger than ``_memory.max_bytes`` (it is lazy:
            nothing was allocated yet).
    """
    nbytes = arr.nbytes
    if nbytes > _memory.max_bytes or not nbytes:  # (0: empty, or a size past 2**64)
        _memory.check(arr)
    obj = _object_new(Array)
    obj._array = arr
    obj._dtype = dtype
    obj._device = device
    return obj


def wrap(arr: mx.array, device: Device) -> Array:
    """Wrap an MLX array, reading its dtype (and checking its size, as :func:`new` does)."""
    nbytes = arr.nbytes
    if nbytes > _memory.max_bytes or not nbytes:
        _memory.check(arr)
    obj = _object_new(Array)
    obj._array = arr
    obj._dtype = CANON[arr.dtype]
    obj._device = device
    return obj
