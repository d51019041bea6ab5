"""The Array object: one ``mx.array`` behind the standard's array interface.

This module holds the class and the two constructors every function uses (:func:`new`,
:func:`wrap`); it imports nothing above the array model. See docs/architecture.md.
"""

from __future__ import annotations

import builtins
import functools
import operator as _operator
import weakref as _weakref
from typing import Any

import mlx.core as mx
import numpy as np

from .._runtime import lazy as _lazy
from .._runtime import memory as _memory
from . import dtypes as _d
from . import indexing as _indexing
from . import scalars as _scalars
from . import views as _views
from .base import ArrayBase
from .devices import Device, check_dtype_on_device, to_device

# MLX dtype -> tmath dtype (tmath dtypes are singletons: identity checks work).
CANON = _d.FROM_MX

_object_new = object.__new__
_NEW_VIEWS = _views._NEW  # (the queue of new views: the same list object, never rebound)


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
    # The class of ``x[i]`` and ``x[a:b]`` made on the fast path of __getitem__ (a face's
    # subclass sets its own: its views are then made as its objects, with no re-wrapping).
    _part_class = None
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
        """The array's dtype (a tmath_array ``DType``, such as ``tmath_array.float32``)."""
        return self._dtype

    @property
    def device(self) -> Device:
        """The device the array lives on and its operations run on."""
        return self._device

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._array.shape)

    @shape.setter
    def shape(self, value) -> None:
        """``x.shape = (2, 3)`` reshapes ``x`` in place, as NumPy does: a view keeps
        sharing its elements, and a view whose layout cannot take the shape raises
        AttributeError (NumPy's rule)."""
        new_shape = _views.checked_shape(self._array.size, value)
        _views.flush()
        ref = _views._VIEWS.get(id(self))
        if ref is not None:
            stages = _views.stages_of(ref)
            tfs, st = stages[-1]
            strides = _views.reshape_strides(st.shape, st.strides, new_shape)
            if strides is None:
                raise AttributeError("Incompatible shape for in-place modification. Use "
                                     "`.reshape()` to make a copy with the desired shape.")
            st = _views.Strided(st.in_shape, st.offset, new_shape, strides)
            _views.set_recipe(self, stages[:-1] + ((tfs, st),))
        else:
            _views.before_root_reshape(self)
        self._array = mx.reshape(self._array, new_shape, stream=self._device._s)

    @property
    def base(self):
        """The array whose elements this view shares (None when ``x`` owns its elements),
        as NumPy's ``base``: the owner itself, never an intermediate view."""
        return _views.root_of(self)

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
        raise); NumPy reverses the axes of any array, and so does this. It is a view, as
        NumPy's.
        """
        perm = tuple(range(self._array.ndim - 1, -1, -1))
        return _views.derived(new(mx.transpose(self._array, stream=self._device._s),
                                  self._dtype, self._device), self, ("perm", perm))

    @property
    def mT(self) -> Array:  # noqa: N802 - the standard's name
        """Transpose of the last two axes (a stack of matrices)."""
        if self._array.ndim < 2:
            raise ValueError("x.mT requires an array with at least two dimensions")
        n = self._array.ndim
        perm = tuple(range(n - 2)) + (n - 1, n - 2)
        return _views.derived(new(mx.swapaxes(self._array, -1, -2, stream=self._device._s),
                                  self._dtype, self._device), self, ("perm", perm))

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
                if fast:  # new() inlined (a part of x: no memory check; 4% of x[1:])
                    if kc is int and len(shape) == 1 and (
                            e := host_element(self, a, key)) is not None:
                        return e
                    res = _object_new(self._part_class)
                    res._array = a[key]
                    res._dtype = self._dtype
                    res._device = self._device
                    if kc is slice or len(shape) > 1:  # (x[i] of a vector: a copy, a scalar)
                        # A view: _views.derived inlined (the op is the bare key).
                        if len(_NEW_VIEWS) >= _views.BATCH:
                            _views.flush()
                        _NEW_VIEWS.append((res, self, key))
                    return res
        if (kc is tuple or kc is list or kc is np.ndarray) and _indexing.has_host(key):
            key = _indexing.host_keys(a.shape, key, self._wrap_index)
            kc = key.__class__
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
            return new(a[mkey], self._dtype, self._device)
        mkey = _indexing.translate(self, key)
        res = new(a[mkey], self._dtype, self._device)
        if _indexing.is_basic(mkey) and (res._array.ndim or Ellipsis in mkey):
            # Basic indexing gives a view (NumPy's rule); ints on every axis give a copy,
            # NumPy's scalar.
            _views.derived(res, self, ("key", mkey))
        return res

    def _wrap_index(self, a: mx.array) -> Array:
        return new(a, CANON[a.dtype], self._device)

    def __setitem__(self, key, value) -> None:
        kc = key.__class__
        if (kc is tuple or kc is list or kc is np.ndarray) and _indexing.has_host(key):
            key = _indexing.host_keys(self._array.shape, key, self._wrap_index)
        if key.__class__ is tuple and _indexing.ellipsis_separates(self._array.ndim, key):
            # As in __getitem__: write through the advanced axes moved first.
            perm, key = _indexing.advanced_first(self._array.ndim, key)
            s = self._device._s
            moved = new(mx.transpose(self._array, perm, stream=s), self._dtype,
                              self._device)
            moved[key] = value
            inverse = sorted(range(len(perm)), key=perm.__getitem__)
            _views.commit(self, mx.transpose(moved._array, inverse, stream=s))
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
            _views.commit(self, _indexing.set_masked(self, key, v))
        elif _views.write_basic(self, mkey, v):
            return  # a view: only the selected elements of its base were written
        else:
            _views.commit(self, _indexing.assign(self._array, mkey, v, self._device))


Array._part_class = Array


def new(arr: mx.array, dtype, device: Device) -> Array:
    """Wrap an MLX array whose (canonical) dtype is already known: THE constructor of Arrays.

    Two hot paths inline it (the call is ~8% of ``x + y``): the elementwise fast paths
    of ``_standard/elementwise_factory.py`` and ``x[i]``/``x[a:b]`` in ``__getitem__``.

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
    return new(arr, CANON[arr.dtype], device)


def write_back(target: Array, arr: mx.array) -> None:
    """Make ``arr`` (of ``target``'s shape and dtype) the data of ``target``.

    The one place where an operation writes a whole result into an existing Array: the
    in-place operators (``x += y``), ``out=`` of the ufuncs, ``copyto``, ``put``...
    """
    _views.commit(target, arr)


# --- element reads of evaluated arrays ----------------------------------------------
#
# ``for i in range(n): s += x[i] * y[i]`` is how beginners write NumPy. Each ``x[i]`` of an
# evaluated vector is read from a host (NumPy) view of its buffer, with no MLX op and no
# sync point, into an :class:`Element`: a 0-d Array that also knows its value as a Python
# number. Arithmetic between such elements of one dtype, and with Python scalars, is done
# on the host with the dtype's exact semantics (float32 results are rounded to float32,
# integers wrap), so the loop builds no MLX graph at all; the MLX array of an element is
# made only when something reads it. Anything else goes through the ordinary operators.

_SLOT = Array.__dict__["_array"]
_ARRAY_ATTR = Array.__dict__  # (a live view of the class's attributes)
_UNKNOWN = object()
_HOST_DTYPES = frozenset([_d.float32, _d.float64, _d.int8, _d.int16, _d.int32, _d.int64,
                          _d.uint8, _d.uint16, _d.uint32, _d.uint64])
_FLOAT32_MAX = 3.4028234663852886e38
_pack_f32 = __import__("struct").Struct("f")


def _round32(v: float):
    """``v`` (a double) rounded to float32, or None where that overflows near the limit."""
    if -_FLOAT32_MAX <= v <= _FLOAT32_MAX or v != v or v in (_INF, -_INF):
        return _pack_f32.unpack(_pack_f32.pack(v))[0]
    return None


_INF = float("inf")


def _host_op(fn, dt, a, b):
    """``fn(a, b)`` with the semantics of dtype ``dt`` (None: not done on the host)."""
    if dt is _d.float64:
        if fn is _operator.truediv and b == 0:
            return None  # (Python raises; IEEE gives inf or nan: the array path does)
        return float(fn(a, b))
    if dt is _d.float32:
        if fn is _operator.truediv and b == 0:
            return None
        # Note: +, -, * and / of float32 values computed in double and rounded once to
        # float32 are correctly rounded (53 >= 2 * 24 + 2 bits), as float32 arithmetic is.
        return _round32(float(fn(a, b)))
    if fn is _operator.truediv:
        return None
    info = _d.INT_RANGE[dt]
    r = fn(a, b)
    lo, hi = info
    if not lo <= r <= hi:  # wrap around, as the integer dtypes do
        span = hi - lo + 1
        r = (r - lo) % span + lo
    return r


def _host_operand(self, other):
    """``other``'s host value when the host can do ``self op other``, else _UNKNOWN."""
    oc = other.__class__
    dt = self._dtype
    if oc is Element:
        return other._host if other._dtype is dt else _UNKNOWN
    # (a Python scalar takes the array's dtype first, as the standard says)
    if oc is float:
        if dt is _d.float64:
            return other
        if dt is _d.float32:
            r = _round32(other)
            return _UNKNOWN if r is None else r
        return _UNKNOWN
    if oc is int:
        if dt is _d.float32 or dt is _d.float64:
            if not -2**53 <= other <= 2**53:
                return _UNKNOWN
            return float(other) if dt is _d.float64 else _round32(float(other))
        lo, hi = _d.INT_RANGE[dt]
        return other if lo <= other <= hi else _UNKNOWN
    return _UNKNOWN


def _element(value, dtype, device) -> Element:
    e = _object_new(Element)
    e._host = value
    e._made = False
    e._dtype = dtype
    e._device = device
    return e


def _host_operators(fn, name: str):
    op_name, rop_name, iop_name = f"__{name}__", f"__r{name}__", f"__i{name}__"

    def op(self, other):
        h = self._host
        if h is not _UNKNOWN:
            o = _host_operand(self, other)
            if o is not _UNKNOWN and (r := _host_op(fn, self._dtype, h, o)) is not None:
                return _element(r, self._dtype, self._device)
        return getattr(Array, op_name)(self, other)

    def rop(self, other):
        h = self._host
        if h is not _UNKNOWN and other.__class__ is not Element:
            o = _host_operand(self, other)
            if o is not _UNKNOWN and (r := _host_op(fn, self._dtype, o, h)) is not None:
                return _element(r, self._dtype, self._device)
        return getattr(Array, rop_name)(self, other)

    def iop(self, other):
        h = self._host
        if h is not _UNKNOWN and not _views._NEW and id(self) not in _views._ROOTS:
            o = _host_operand(self, other)
            if o is not _UNKNOWN and (r := _host_op(fn, self._dtype, h, o)) is not None:
                if self._made:  # (its MLX array holds the old value)
                    _SLOT.__delete__(self)
                    self._made = False
                self._host = r
                return self
        return getattr(Array, iop_name)(self, other)

    return op, rop, iop


class Element(Array):
    """A 0-d Array read from an evaluated array, that knows its value on the host.

    It is an Array in every respect (``isinstance(e, Array)``); its MLX array is made
    on first use. A write (``e[...] = v``, an in-place operator that the host cannot do)
    makes it an ordinary array.
    """

    __slots__ = ("_host", "_made")

    @property
    def _array(self):
        if not self._made:
            a = _scalars.as_mx(_scalars.scalar_value("x[i]", self._host, self._dtype),
                               self._dtype)
            _SLOT.__set__(self, a)
            self._made = True
        # Read through Array's own attribute: while xp.compile traces, that is the watch
        # that finds arrays captured from outside the function (an element is one too).
        return _ARRAY_ATTR["_array"].__get__(self)

    @_array.setter
    def _array(self, value) -> None:
        _ARRAY_ATTR["_array"].__set__(self, value)
        self._made = True
        self._host = _UNKNOWN

    @property
    def shape(self) -> tuple[int, ...]:
        return ()

    @property
    def ndim(self) -> int:
        return 0

    @property
    def size(self) -> int:
        return 1

    def _scalar(self, what: str):
        h = self._host
        return Array._scalar(self, what) if h is _UNKNOWN else h

    def __bool__(self) -> bool:
        h = self._host
        return Array.__bool__(self) if h is _UNKNOWN else builtins.bool(h)

    __add__, __radd__, __iadd__ = _host_operators(_operator.add, "add")
    __sub__, __rsub__, __isub__ = _host_operators(_operator.sub, "sub")
    __mul__, __rmul__, __imul__ = _host_operators(_operator.mul, "mul")
    __truediv__, __rtruediv__, __itruediv__ = _host_operators(_operator.truediv, "truediv")


def _drop_host(key: int, ref) -> None:
    entry = _views.host_cache.get(key)
    if entry is not None and entry[0] is ref:
        del _views.host_cache[key]


def host_element(x, a: mx.array, i: int):
    """``x[i]`` of an evaluated vector as an :class:`Element`, or None when ``a`` (x's data)
    is not known to be evaluated or its dtype has no host arithmetic here."""
    e = _views.host_cache.get(id(x))
    if e is None or e[1] is not a or e[0]() is not x:
        if x._dtype not in _HOST_DTYPES or not _lazy.is_evaluated(a):
            return None
        # (``a`` is evaluated: the buffer protocol reads it with no computation). The
        # entry goes when x does: it holds a's buffer.
        e = (_weakref.ref(x, functools.partial(_drop_host, id(x))), a, np.asarray(a))
        _views.host_cache[id(x)] = e
    return _element(e[2].item(i), x._dtype, x._device)
