"""The Array object: one ``mx.array`` behind the standard's array interface."""

from __future__ import annotations

import builtins
import operator
from typing import Any

import mlx.core as mx
import numpy as np

from . import core as _core
from . import indexing as _indexing
from .._interop import numpy_dlpack as _interop
from .._runtime import lazy as _lazy
from .._runtime import memory as _memory
from .._interop import printing as _printing
from . import dtypes as _d
from .._standard import elementwise as _ew
from .._numpy.array_methods import ArrayMethods
from .devices import ONE_DEVICE, Device, check_dtype_on_device, to_device

_API_VERSIONS = ("2023.12", "2024.12", "2025.12")


_object_new = object.__new__

# Note: with a single device (MLX's CPU-only builds) an op has no device to choose,
# so the operators' fast paths call MLX's own operators, without ``stream=``: the
# cheapest call MLX has (``-a`` is ~0.2 us cheaper than ``mx.negative(a, stream=...)``).
# Their results equal the functions' for every dtype the fast paths accept.
_MX_OPERATORS = {
    mx.add: operator.add, mx.subtract: operator.sub, mx.multiply: operator.mul,
    mx.divide: operator.truediv, mx.less: operator.lt, mx.less_equal: operator.le,
    mx.greater: operator.gt, mx.greater_equal: operator.ge, mx.equal: operator.eq,
    mx.not_equal: operator.ne, mx.bitwise_and: operator.and_, mx.bitwise_or: operator.or_,
    mx.bitwise_xor: operator.xor, mx.negative: operator.neg, mx.bitwise_invert: operator.invert,
    mx.abs: operator.abs,
} if ONE_DEVICE else {}


def _operand(other):
    """``other`` as an operator operand: an Array or Python scalar as it is, a NumPy
    array or NumPy scalar as an Array (a copy of host data, no sync), else None.

    Note: ``x + np_array`` gives an Array (as jax.numpy does), not a NumPy array.
    """
    if isinstance(other, (Array, builtins.bool, int, float, complex)):
        return other
    if isinstance(other, (np.ndarray, np.generic)):
        from .._standard.creation import asarray

        return asarray(other)
    return None


def _binary_operator(fn):
    """``(op, rop, iop)`` for a binary elementwise function.

    Unknown operand types give NotImplemented, so Python tries the other side.
    The in-place form updates ``self`` and keeps its dtype, as the standard asks.
    """
    name = fn.__name__
    fast = getattr(fn, "_fast", None)
    if fast is None:  # a composite: no inlined fast path
        def op(self, other):
            if other.__class__ is not Array and (other := _operand(other)) is None:
                return NotImplemented
            return fn(self, other)

        def rop(self, other):
            if (other := _operand(other)) is None:
                return NotImplemented
            return fn(other, self)
    else:
        op, rop = _fast_binary_operators(fn, *fast)

    def iop(self, other):
        if (other := _operand(other)) is None:
            return NotImplemented
        res = fn(self, other)
        if res._dtype is not self._dtype:
            raise TypeError(
                f"in-place {name} would change the dtype of the array from "
                f"{_core.dtype_name(self._dtype)} to {_core.dtype_name(res._dtype)}"
            )
        if res._array.shape != self._array.shape:
            raise ValueError(
                f"in-place {name}: result shape {tuple(res._array.shape)} differs from the "
                f"array's shape {tuple(self._array.shape)}"
            )
        self._array = res._array
        return self

    op.__name__ = f"__{name}__"
    return op, rop, iop


def _fast_binary_operators(fn, mxfn, allowed, out, float_ok, int_range):
    """``(op, rop)`` with :func:`_elementwise_functions._binary`'s fast path inlined.

    An operator is the most frequent call of all: one Python frame and no
    ``_core.new`` call keeps ``x + y`` within 2x of raw MLX (bench_overhead).
    Everything the fast path does not cover goes through ``fn``.
    """
    mxop = _MX_OPERATORS.get(mxfn)

    def op(self, other):
        c2 = other.__class__
        dt = self._dtype
        if c2 is Array:
            odt = out.get(dt)  # None when dt is not allowed
            if dt is other._dtype and self._device is other._device and odt is not None:
                dev = self._device
                try:
                    a = mxop(self._array, other._array) if mxop is not None else \
                        mxfn(self._array, other._array, stream=dev._s)
                except ValueError as exc:
                    raise _core.broadcast_failure(fn.__name__, exc, self, other) or exc \
                        from None
                nbytes = a.nbytes  # broadcasting can grow the result past the limit
                if nbytes > _memory.max_bytes or not nbytes:
                    _memory.check(a)
                res = _object_new(Array)
                res._array = a
                res._dtype = odt
                res._device = dev
                return res
        elif (c2 is float and dt in float_ok) or (
                c2 is int and dt in int_range and int_range[dt][0] <= other <= int_range[dt][1]):
            dev = self._device
            res = _object_new(Array)
            res._array = mxop(self._array, other) if mxop is not None else \
                mxfn(self._array, other, stream=dev._s)
            res._dtype = out[dt]
            res._device = dev
            return res
        elif (other := _operand(other)) is None:
            return NotImplemented
        return fn(self, other)

    def rop(self, other):
        c2 = other.__class__
        dt = self._dtype
        if (c2 is float and dt in float_ok) or (
                c2 is int and dt in int_range and int_range[dt][0] <= other <= int_range[dt][1]):
            dev = self._device
            res = _object_new(Array)
            # (MLX arrays have no reflected bitwise operators: no mxop here.)
            res._array = mxfn(other, self._array, stream=dev._s)
            res._dtype = out[dt]
            res._device = dev
            return res
        if (other := _operand(other)) is None:
            return NotImplemented
        return fn(other, self)

    return op, rop


def _unary_operator(fn):
    fast = getattr(fn, "_fast", None)
    if fast is None:
        def op(self):
            return fn(self)

        return op
    mxfn, allowed, out = fast
    mxop = _MX_OPERATORS.get(mxfn)

    def fast_op(self):
        odt = out.get(self._dtype)  # _elementwise_functions._unary inlined (see above)
        if odt is not None:
            dev = self._device
            res = _object_new(Array)
            res._array = mxop(self._array) if mxop is not None else \
                mxfn(self._array, stream=dev._s)
            res._dtype = odt
            res._device = dev
            return res
        return fn(self)

    return fast_op


class Array(ArrayMethods):
    """An array of the Array API standard over one lazily evaluated ``mx.array``.

    Create arrays with the namespace's creation functions (``xp.asarray`` and
    friends), not with this constructor. Operations build an MLX graph;
    nothing is computed until a sync point (see ``docs/laziness.md``).
    NumPy's and PyTorch's array methods (``x.sum()``, ``x.reshape(2, 3)``,
    ``x.item()``, ``x.float()``...) come from :class:`ArrayMethods`.
    """

    __slots__ = ("_array", "_dtype", "_device", "__weakref__")
    _array: mx.array
    # NumPy defers ``np_array + x`` to ``x.__radd__`` (which makes an Array) instead of
    # converting ``x`` (a hidden sync); ufuncs such as np.sin(x) still convert via __array__.
    __array_priority__ = 100

    def __new__(cls, *args: Any, **kwargs: Any):
        raise TypeError("Arrays are made with tmath_array.asarray() and the other "
                        "creation functions, not Array(...)")

    # --- attributes -------------------------------------------------------
    @property
    def dtype(self):
        """The array's dtype (an ``mlx.core.Dtype``)."""
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
        """Transpose of a two-dimensional array."""
        if self._array.ndim != 2:
            raise ValueError(f"x.T requires a two-dimensional array; this one has ndim="
                             f"{self._array.ndim} (use x.mT or permute_dims)")
        return _core.new(mx.transpose(self._array, stream=self._device._s), self._dtype,
                         self._device)

    @property
    def mT(self) -> Array:  # noqa: N802 - the standard's name
        """Transpose of the last two axes (a stack of matrices)."""
        if self._array.ndim < 2:
            raise ValueError("x.mT requires an array with at least two dimensions")
        return _core.new(mx.swapaxes(self._array, -1, -2, stream=self._device._s),
                         self._dtype, self._device)

    def to_device(self, device, /, *, stream=None) -> Array:
        """The array on ``device`` (the same data; MLX memory is shared by its devices)."""
        if stream is not None:
            raise ValueError("to_device: the stream argument is not supported")
        dev = to_device(device, "to_device")
        if dev == self._device:
            return self
        check_dtype_on_device(self._dtype, dev, "to_device")
        return _core.new(self._array, self._dtype, dev)

    def __array_namespace__(self, /, *, api_version: str | None = None):
        if api_version is not None and api_version not in _API_VERSIONS:
            raise ValueError(f"api_version {api_version!r} is not supported; "
                             f"choose one of {', '.join(_API_VERSIONS)}")
        import tmath_array

        return tmath_array

    def __mlx_array__(self) -> mx.array:
        """The underlying MLX array, so ``mx.array(x)`` and mx functions accept it."""
        return self._array

    # --- operators ----------------------------------------------------------
    __add__, __radd__, __iadd__ = _binary_operator(_ew.add)
    __sub__, __rsub__, __isub__ = _binary_operator(_ew.subtract)
    __mul__, __rmul__, __imul__ = _binary_operator(_ew.multiply)
    __truediv__, __rtruediv__, __itruediv__ = _binary_operator(_ew.divide)
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binary_operator(_ew.floor_divide)
    __mod__, __rmod__, __imod__ = _binary_operator(_ew.remainder)
    __pow__, __rpow__, __ipow__ = _binary_operator(_ew.pow)
    __and__, __rand__, __iand__ = _binary_operator(_ew.bitwise_and)
    __or__, __ror__, __ior__ = _binary_operator(_ew.bitwise_or)
    __xor__, __rxor__, __ixor__ = _binary_operator(_ew.bitwise_xor)
    __lshift__, __rlshift__, __ilshift__ = _binary_operator(_ew.bitwise_left_shift)
    __rshift__, __rrshift__, __irshift__ = _binary_operator(_ew.bitwise_right_shift)
    __lt__, _, _ = _binary_operator(_ew.less)
    __le__, _, _ = _binary_operator(_ew.less_equal)
    __gt__, _, _ = _binary_operator(_ew.greater)
    __ge__, _, _ = _binary_operator(_ew.greater_equal)
    __eq__, _, _ = _binary_operator(_ew.equal)  # type: ignore[assignment]
    __ne__, _, _ = _binary_operator(_ew.not_equal)  # type: ignore[assignment]
    del _
    __hash__ = None  # type: ignore[assignment]

    __neg__ = _unary_operator(_ew.negative)
    __pos__ = _unary_operator(_ew.positive)
    __abs__ = _unary_operator(_ew.abs)
    __invert__ = _unary_operator(_ew.bitwise_invert)

    def __matmul__(self, other):
        if not isinstance(other := _operand(other), Array):
            return NotImplemented
        from .._standard.linear_algebra import matmul

        return matmul(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other := _operand(other), Array):
            return NotImplemented
        from .._standard.linear_algebra import matmul

        return matmul(other, self)

    def __imatmul__(self, other):
        if not isinstance(other := _operand(other), Array):
            return NotImplemented
        from .._standard.linear_algebra import matmul

        res = matmul(self, other)
        if res.shape != self.shape or res._dtype is not self._dtype:
            raise ValueError("in-place matmul must keep the array's shape and dtype")
        self._array = res._array
        return self

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
                            f"{_core.dtype_name(self._dtype)}")
        return int(self._scalar("int"))

    def tolist(self):
        """The array as nested Python lists (a sync point)."""
        _memory.check_python_objects("tolist", self._array.shape)
        _lazy.materialize(_lazy.CONVERSION, self._array)
        return self._array.tolist()

    def __array__(self, dtype=None, copy=None):
        """NumPy's conversion protocol (NumPy 2 semantics); a sync point.

        A zero-copy view of the array's memory unless ``copy=True`` or a ``dtype``
        conversion asks for a copy; ``copy=False`` then raises ValueError. bfloat16
        needs ``ml_dtypes`` (TypeError without it).
        """
        return _interop.to_numpy(self, dtype=dtype, copy=copy)

    def __dlpack__(self, /, *, stream=None, max_version=None, dl_device=None, copy=None):
        """Export as a DLPack capsule (a sync point; zero-copy unless ``copy=True``).

        ``dl_device=(1, 0)`` exports to the CPU from any device; another device raises
        BufferError, as does ``copy=False`` when a copy is needed.
        """
        return _interop.dlpack_export(self, stream=stream, max_version=max_version,
                                      dl_device=dl_device, copy=copy)

    def __dlpack_device__(self) -> tuple[int, int]:
        """``(device_type, device_id)`` in DLPack's enumeration: ``(1, 0)`` on the CPU."""
        return _interop.dlpack_device(self)

    # --- containers -------------------------------------------------------------
    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-dimensional array")
        return self._array.shape[0]

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-dimensional array")
        for i in range(self._array.shape[0]):
            yield self[i]

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
            return _core.new(mx.transpose(a, perm, stream=self._device._s), self._dtype,
                             self._device)[key]
        if _indexing.has_mask(key):
            # A boolean index: one counted sync point reads the mask (docs/indexing.md).
            a, mkey = _indexing.expand_masks(self, key if isinstance(key, tuple) else (key,))
            mkey = _indexing.translate_shape(a.shape, self._device, mkey)
        else:
            mkey = _indexing.translate(self, key)
        return _core.new(a[mkey], self._dtype, self._device)

    def __setitem__(self, key, value) -> None:
        if key.__class__ is tuple and _indexing.ellipsis_separates(self._array.ndim, key):
            # As in __getitem__: write through the advanced axes moved first.
            perm, key = _indexing.advanced_first(self._array.ndim, key)
            s = self._device._s
            moved = _core.new(mx.transpose(self._array, perm, stream=s), self._dtype,
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
                raise TypeError(f"cannot assign {_core.dtype_name(vdt)} values to an array of "
                                f"{_core.dtype_name(dt)} without losing information; "
                                "use astype() first")
            v = value._array if vdt is dt else value._array.astype(dt._mx, stream=self._device._s)
        else:
            if _core.scalar_rank(value) is None:
                raise TypeError(f"cannot assign {type(value).__name__} to an array element")
            if _core.scalar_dtype("__setitem__", value, dt) is not dt:
                raise TypeError(f"cannot assign Python {type(value).__name__} to an array of "
                                f"{_core.dtype_name(dt)}")
            v = _core.as_mx(_core.scalar_value("__setitem__", value, dt), dt)
        if masked:
            self._array = _indexing.set_masked(self, key, v)
        else:
            self._array = _indexing.assign(self._array, mkey, v, self._device)

    # --- printing (sync points) ------------------------------------------------------
    def __repr__(self) -> str:
        return _printing.array_repr(self)

    def __str__(self) -> str:
        return _printing.array_str(self)

    def __format__(self, spec: str) -> str:
        return _printing.array_format(self, spec)


_core.Array = Array
