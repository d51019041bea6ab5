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
import sys

import numpy as np

from .._array import dtypes as _d
from .._array.array import Array, write_back
from .._interop import numpy_dlpack as _interop
from .._interop import printing as _printing
from .._runtime.version import API_VERSIONS
from .._standard import elementwise as _ew
from .._standard.creation import asarray
from .._standard.data_types import astype
from .._standard.elementwise_factory import operand
from .._standard.linear_algebra import matmul
from .array_methods import ArrayMethods


class _Operators:
    """The operators, as they would read in Array's class body (one line each)."""

    # --- operators ----------------------------------------------------------
    __add__, __radd__, __iadd__ = _ew.add.operators
    __sub__, __rsub__, __isub__ = _ew.subtract.operators
    __mul__, __rmul__, __imul__ = _ew.multiply.operators
    __truediv__, __rtruediv__, __itruediv__ = _ew.divide.operators
    __floordiv__, __rfloordiv__, __ifloordiv__ = _ew.floor_divide.operators
    __mod__, __rmod__, __imod__ = _ew.remainder.operators
    __pow__, __rpow__, __ipow__ = _ew.pow.operators
    __and__, __rand__, __iand__ = _ew.bitwise_and.operators
    __or__, __ror__, __ior__ = _ew.bitwise_or.operators
    __xor__, __rxor__, __ixor__ = _ew.bitwise_xor.operators
    __lshift__, __rlshift__, __ilshift__ = _ew.bitwise_left_shift.operators
    __rshift__, __rrshift__, __irshift__ = _ew.bitwise_right_shift.operators
    __lt__, _, _ = _ew.less.operators
    __le__, _, _ = _ew.less_equal.operators
    __gt__, _, _ = _ew.greater.operators
    __ge__, _, _ = _ew.greater_equal.operators
    __eq__, _, _ = _ew.equal.operators  # type: ignore[assignment]
    __ne__, _, _ = _ew.not_equal.operators  # type: ignore[assignment]
    del _

    __neg__ = _ew.negative.operator
    __pos__ = _ew.positive.operator
    __abs__ = _ew.abs.operator
    __invert__ = _ew.bitwise_invert.operator

    def __matmul__(self, other):
        if not isinstance(other := operand(other), Array):
            return NotImplemented
        return matmul(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other := operand(other), Array):
            return NotImplemented
        return matmul(other, self)

    def __imatmul__(self, other):
        if not isinstance(other := operand(other), Array):
            return NotImplemented
        res = matmul(self, other)
        if res.shape != self.shape or res._dtype is not self._dtype:
            raise ValueError("in-place matmul must keep the array's shape and dtype")
        write_back(self, res._array)
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
    if isinstance(value, (str, bytes)):
        # Note: as NumPy's scalar types, text is parsed (xp.float32("1.5")) and a bool is
        # the text's truth (xp.bool(b"ab") is True), not an array of its bytes.
        if self is _d.bool:
            return asarray(builtins.bool(value), dtype=self)
        kind = (int if self in _d.CATEGORIES["integer"] else
                complex if self in _d.CATEGORIES["complex floating-point"] else float)
        try:
            value = kind(value.decode() if isinstance(value, bytes) else value)
        except ValueError:  # (UnicodeDecodeError included)
            raise ValueError(f"{_d.dtype_name(self)}: could not convert {value!r} to "
                             f"{_d.dtype_name(self)}") from None
    if isinstance(value, (builtins.bool, int, float, complex)):
        try:
            return asarray(value, dtype=self)
        except TypeError:
            pass  # e.g. a float for an integer dtype: convert, then cast below
    return astype(asarray(value), self)


def _setitem_of(array_setitem):
    """Array's ``__setitem__`` taking array-likes as values: a list, a NumPy array or a
    NumPy scalar is converted by the one way in first (docs/dtypes.md: a list of floats
    is float32, a NumPy float64 array stays float64), then assigned as an Array. A NumPy
    float64 or complex128 scalar is a Python float or complex (its subclass) and is assigned
    as one: ``x[mask] = np.float64(0.0)`` into float32 works, as in NumPy (scikit-learn's
    metrics write their ``zero_division`` value that way)."""
    def setitem(self, key, value):
        if isinstance(value, (list, tuple, np.ndarray, np.generic)):
            # (one test for a plain Python value, the common case)
            value = value.item() if isinstance(value, (float, complex)) else asarray(value)
        array_setitem(self, key, value)

    setitem.__name__ = setitem.__qualname__ = "__setitem__"
    setitem.__doc__ = array_setitem.__doc__
    setitem.__wrapped__ = array_setitem
    return setitem


def install() -> None:
    """Attach the operators and methods to Array (idempotent)."""
    if not hasattr(Array.__setitem__, "__wrapped__"):
        Array.__setitem__ = _setitem_of(Array.__setitem__)
    own = set(vars(Array))
    for source in (_Operators, ArrayMethods):
        for name, value in vars(source).items():
            if name in ("__module__", "__qualname__", "__doc__", "__dict__", "__weakref__",
                        "__slots__") or name in own:
                continue
            setattr(Array, name, value)
    _d.DType.__call__ = _dtype_call
