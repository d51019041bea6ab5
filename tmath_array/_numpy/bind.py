"""Array's operators and methods: the one place the array model meets the functions above it.

:class:`~tmath_array._array.array.Array` is defined in the array model, which imports
nothing above itself. Its operators (``x + y`` is the standard's ``add``), NumPy's and
PyTorch's methods (``x.sum()``, ``x.float()``), printing, the NumPy/DLPack exports,
``__array_namespace__`` and calling a dtype (``xp.float32(1.5)``) are functions of the
layers above; :func:`install` attaches them to the class once, when ``tmath_array`` is
imported, before anything else runs. Nothing else in the package assigns attributes of
Array. See docs/architecture.md.
"""

from __future__ import annotations

import builtins
import operator
import sys

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.array import Array
from .._interop import convert as _convert
from .._interop import numpy_dlpack as _interop
from .._interop import printing as _printing
from .._runtime import memory as _memory
from .._runtime.hardware import ONE_DEVICE
from .._runtime.version import API_VERSIONS
from .._standard import elementwise as _ew
from .._standard.creation import asarray
from .._standard.data_types import astype
from .._standard.linear_algebra import matmul
from .array_methods import ArrayMethods

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
    if isinstance(other, (np.ndarray, np.generic, list, tuple)):
        try:
            return _convert.to_array(other)
        except (TypeError, ValueError):  # (not numbers: the other side may know it)
            return None
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


class _Operators:
    """The operators, as they would read in Array's class body (one line each)."""

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

    __neg__ = _unary_operator(_ew.negative)
    __pos__ = _unary_operator(_ew.positive)
    __abs__ = _unary_operator(_ew.abs)
    __invert__ = _unary_operator(_ew.bitwise_invert)

    def __matmul__(self, other):
        if not isinstance(other := _operand(other), Array):
            return NotImplemented
        return matmul(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other := _operand(other), Array):
            return NotImplemented
        return matmul(other, self)

    def __imatmul__(self, other):
        if not isinstance(other := _operand(other), Array):
            return NotImplemented
        res = matmul(self, other)
        if res.shape != self.shape or res._dtype is not self._dtype:
            raise ValueError("in-place matmul must keep the array's shape and dtype")
        self._array = res._array
        return self

    # --- export (sync points) ---
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

    # --- printing (sync points) ------------------------------------------------------
    def __repr__(self) -> str:
        return _printing.array_repr(self)

    def __str__(self) -> str:
        return _printing.array_str(self)

    def __format__(self, spec: str) -> str:
        return _printing.array_format(self, spec)

    def __array_namespace__(self, /, *, api_version: str | None = None):
        if api_version is not None and api_version not in API_VERSIONS:
            raise ValueError(f"api_version {api_version!r} is not supported; "
                             f"choose one of {', '.join(API_VERSIONS)}")
        return sys.modules["tmath_array"]


def _dtype_call(self, value=0, /):
    """``xp.float32(1.5)``: a 0-d Array (or ``value`` cast) of this dtype, as NumPy's
    scalar types are called (``np.float32(1.5)``, ``np.int32(x)``).

    Note: NumPy returns a NumPy scalar; here it is a 0-d Array of this dtype. A Python
    float given to an integer dtype truncates toward zero, as in NumPy.
    """
    if isinstance(value, (builtins.bool, int, float, complex)):
        try:
            return asarray(value, dtype=self)
        except TypeError:
            pass  # e.g. a float for an integer dtype: convert, then cast below
    return astype(asarray(value), self)


def install() -> None:
    """Attach the operators and methods to Array (idempotent)."""
    own = set(vars(Array))
    for source in (_Operators, ArrayMethods):
        for name, value in vars(source).items():
            if name in ("__module__", "__qualname__", "__doc__", "__dict__", "__weakref__",
                        "__slots__") or name in own:
                continue
            setattr(Array, name, value)
    _d.DType.__call__ = _dtype_call
