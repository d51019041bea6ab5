"""The one factory of the elementwise functions and their Array operators.

``add = binary("add", "numeric", mx.add)`` makes the standard's ``add`` *and* its operators
``add.operators == (__add__, __radd__, __iadd__)`` from the same tables, so the fast path
(an Array with an Array of its dtype, or with a Python int/float that keeps its dtype) is
written once, here. ``tmath_array._numpy.bind`` only assigns the operators to Array
(``__add__, __radd__, __iadd__ = add.operators``); unary functions give ``.operator``.

Arrays are made with :func:`tmath_array._array.array.new` everywhere except in the fast
paths below, which inline its body (measured: the call costs ~80 ns, 8% of ``x + y``;
see benchmarks/bench_overhead.py). The in-place operators write their result back with
:func:`tmath_array._array.array.write_back`.
"""

from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.array import Array, new, write_back
from .._array.core import bad_dtype, prep_binary
from .._interop import convert as _convert
from .._runtime import memory as _memory
from .._runtime.hardware import ONE_DEVICE

if TYPE_CHECKING:
    from collections.abc import Callable

_CAT = _d.CATEGORIES
_object_new = object.__new__

# name -> (number of array operands, the standard's dtype category).
SIGNATURES: dict[str, tuple[int, str]] = {}

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


def _numpy_call_missing(fn, args, out, where, dtype):
    raise TypeError(f"{fn.__name__}: out=, where= and dtype= need tmath_array's NumPy layer")


# The handler of NumPy's ``out=``, ``where=`` and ``dtype=`` arguments (the functions'
# fast paths only test that none is given): set once by tmath_array/_numpy/ufuncs.py.
# Note: NumPy's ``where`` and ``dtype`` are keyword-only; here they may be given by
# position too: CPython 3.11 does not specialise calls of a function with keyword-only
# parameters, which cost every call ~30 ns (measured; ~3% of ``xp.add(x, y)``).
_numpy_call = _numpy_call_missing


def set_numpy_call(handler) -> None:
    """Install the handler of ``out=``/``where=``/``dtype=`` (``handler(fn, args, out,
    where, dtype)``)."""
    global _numpy_call
    _numpy_call = handler


def out_dtypes(allowed, out_dtype) -> dict:
    """Map each allowed input dtype to the result dtype.

    ``out_dtype`` is None (same dtype), one dtype, or a dict of the exceptions.
    """
    if out_dtype is None:
        return {d: d for d in allowed}
    if isinstance(out_dtype, dict):
        return {d: out_dtype.get(d, d) for d in allowed}
    return {d: out_dtype for d in allowed}


_FLOAT_CATEGORIES = ("floating-point", "real-valued floating-point")
_INT_OR_BOOL = _CAT["integer or boolean"]
_WIDE_INT = frozenset((_d.int32, _d.uint32, _d.int64, _d.uint64))
# Note: NumPy's reciprocal of integers is an integer (1 // x); a float here would be a
# silent change of meaning, so integers stay refused (the standard's TypeError).
_NO_FLOAT_PROMOTION = frozenset(("reciprocal",))
_PLAIN_OPERANDS = frozenset((Array, builtins.bool, int, float, complex))


def inexact(name: str, category: str, x: Array) -> Array:
    """``x`` (not of ``category``) made acceptable, or the standard's TypeError.

    Note: NumPy computes integer and bool input of a floating-point function (sqrt,
    log, sin, atan2...) in a float; the standard asks for a TypeError. The NumPy rule
    wins (an extension): 32- and 64-bit integers become float64 on the CPU (as NumPy;
    float32 would change large values: sin(2**40 + 1)), narrower ones and bools the
    default real float (NumPy: float16 for 8-bit integers), float32 on a GPU.
    """
    dt = x._dtype
    if category in _FLOAT_CATEGORIES and dt in _INT_OR_BOOL \
            and name not in _NO_FLOAT_PROMOTION:
        dev = x._device
        f = _d.float64 if dt in _WIDE_INT and dev.type == "cpu" else \
            _convert.default_float(dev)
        return new(x._array.astype(f._mx, stream=dev._s), f, dev)
    bad_dtype(name, category, dt)


def operands(name: str, category: str, x1, x2):
    """Binary operands as the functions take them: Arrays and Python scalars as they are,
    any other array-like (a list, a NumPy array or scalar) converted; two Python scalars
    make the first a 0-d array; integer arrays of a floating function become float."""
    if x1.__class__ not in _PLAIN_OPERANDS:
        x1 = _convert.operand(name, x1)
    if x2.__class__ not in _PLAIN_OPERANDS:
        x2 = _convert.operand(name, x2)
    if not isinstance(x1, Array) and not isinstance(x2, Array):
        x1 = _convert.to_array(x1, name=name)
    if category in _FLOAT_CATEGORIES:
        if isinstance(x1, Array) and x1._dtype in _INT_OR_BOOL:
            x1 = inexact(name, category, x1)
        if isinstance(x2, Array) and x2._dtype in _INT_OR_BOOL:
            x2 = inexact(name, category, x2)
    return x1, x2


def named(fn, name: str, doc: str):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def operand(other):
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


def not_broadcastable(name: str, exc: ValueError, x1, x2) -> ValueError:
    # Note: MLX reports shapes that do not broadcast as "[broadcast_shapes] ..."; finding
    # out first would cost every call, so its error is translated after the fact.
    return _core.broadcast_failure(name, exc, x1, x2) or exc


# --- unary ------------------------------------------------------------------------

def unary(name: str, category: str, mxfn, out_dtype=None):
    """A unary function on arrays of ``category``: one MLX op, ``mxfn(a, stream=...)``.

    The result carries its operator as ``.operator`` (``__neg__ = negative.operator``).
    """
    SIGNATURES[name] = (1, category)
    allowed = _CAT[category]
    out_of = out_dtypes(allowed, out_dtype)
    mxop = _MX_OPERATORS.get(mxfn)

    def fn(x: Array, /, out=None, where=True, dtype=None) -> Array:
        if out is not None or where is not True or dtype is not None:
            return _numpy_call(fn, (x,), out, where, dtype)
        if x.__class__ is not Array:
            x = _convert.array(name, x)
        dt = x._dtype
        if dt not in allowed:
            x = inexact(name, category, x)
            dt = x._dtype
        dev = x._device
        # new() inlined (the result is no larger than x: no memory check).
        res = _object_new(Array)
        res._array = mxfn(x._array, stream=dev._s)
        res._dtype = out_of[dt]
        res._device = dev
        return res

    def op(self):
        odt = out_of.get(self._dtype)  # None when the dtype is not allowed: fn raises
        if odt is not None:
            dev = self._device
            res = _object_new(Array)
            res._array = mxop(self._array) if mxop is not None else \
                mxfn(self._array, stream=dev._s)
            res._dtype = odt
            res._device = dev
            return res
        return fn(self)

    fn.operator = named(op, f"__{name}__", fn.__doc__)
    return named(fn, name, f"Elementwise ``{name}`` of an array of {category} dtype.")


def unary_composite(name: str, category: str, impl, out_dtype=None):
    """A unary function on arrays of ``category`` computed by ``impl(a, dtype, device)``."""
    SIGNATURES[name] = (1, category)
    allowed = _CAT[category]
    out_of = out_dtypes(allowed, out_dtype)

    def fn(x: Array, /, out=None, where=True, dtype=None) -> Array:
        if out is not None or where is not True or dtype is not None:
            return _numpy_call(fn, (x,), out, where, dtype)
        if x.__class__ is not Array:
            x = _convert.array(name, x)
        dt = x._dtype
        if dt not in allowed:
            x = inexact(name, category, x)
            dt = x._dtype
        dev = x._device
        return new(impl(x._array, dt, dev), out_of[dt], dev)

    def op(self):
        return fn(self)

    fn.operator = named(op, f"__{name}__", fn.__doc__)
    return named(fn, name, f"Elementwise ``{name}`` of an array of {category} dtype.")


# --- binary ------------------------------------------------------------------------

def _in_place(name: str, fn: Callable):
    """The in-place operator: ``fn``'s result written back into ``self`` (same dtype and
    shape, as the standard asks)."""
    def iop(self, other):
        if (other := operand(other)) is None:
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
        write_back(self, res._array)
        return self

    return iop


def binary(name: str, category: str, mxfn, out_dtype=None, special=None):
    """A binary function (arrays or Python scalars) on operands of ``category``.

    ``special``, when given, is ``(dtypes, impl)``: operands promoted to one of ``dtypes``
    are computed by ``impl(a1, a2, dtype, device)`` (a composite) instead of ``mxfn``;
    the fast paths leave those dtypes out, so the others cost nothing more. The
    result's dtype is the MLX array's where it differs from ``out_dtype``'s.

    The result carries its operators as ``.operators == (op, rop, iop)``. Unknown operand
    types give NotImplemented there, so Python tries the other side.
    """
    SIGNATURES[name] = (2, category)
    allowed = _CAT[category]
    out_of = out_dtypes(allowed, out_dtype)
    special_dtypes, special_impl = special if special is not None else ((), None)
    # The fast paths' tables: the allowed dtypes but the special ones.
    fast = allowed - frozenset(special_dtypes)
    fast_out = {d: out_of[d] for d in fast}
    mxop = _MX_OPERATORS.get(mxfn)

    # Dtypes that take a Python float or int unchanged (MLX's weak scalars give the
    # array's dtype): the fast paths skip the general promotion for them.
    float_ok = fast & _CAT["floating-point"]
    # Note: MLX cannot take a Python int above 2**63 - 1 as a weak scalar (bad_cast);
    # such uint64 values go through prep_binary, which makes them a uint64 array.
    int_range = {d: (lo, min(hi, 2**63 - 1)) for d, (lo, hi) in _d.INT_RANGE.items()
                 if d in fast}

    def fn(x1: Array | complex, x2: Array | complex, /, out=None, where=True,
           dtype=None) -> Array:
        if out is not None or where is not True or dtype is not None:
            return _numpy_call(fn, (x1, x2), out, where, dtype)
        # Fast path: an array with an array of the same dtype and device, or with a
        # Python float/int that keeps the array's dtype. Everything else (and every
        # error) goes through prep_binary.
        if x1.__class__ is Array:
            dt = x1._dtype
            c2 = x2.__class__
            if c2 is Array:
                if dt is x2._dtype and x1._device is x2._device and dt in fast:
                    dev = x1._device
                    try:
                        a = mxop(x1._array, x2._array) if mxop is not None else \
                            mxfn(x1._array, x2._array, stream=dev._s)
                    except ValueError as exc:
                        raise not_broadcastable(name, exc, x1, x2) from None
                    # new() inlined; broadcasting can grow the result past the limit.
                    nbytes = a.nbytes
                    if nbytes > _memory.max_bytes or not nbytes:
                        _memory.check(a)
                    res = _object_new(Array)
                    res._array = a
                    res._dtype = out_of[dt]
                    res._device = dev
                    return res
            elif (c2 is float and dt in float_ok) or (
                    c2 is int and dt in int_range
                    and int_range[dt][0] <= x2 <= int_range[dt][1]):
                dev = x1._device
                res = _object_new(Array)
                res._array = mxop(x1._array, x2) if mxop is not None else \
                    mxfn(x1._array, x2, stream=dev._s)
                res._dtype = out_of[dt]
                res._device = dev
                return res
        x1, x2 = operands(name, category, x1, x2)
        a1, a2, dt, dev = prep_binary(name, x1, x2, allowed, category)
        try:
            if dt in special_dtypes:
                # (a special impl may pick its result dtype at run time: its array's
                # dtype is the label then, as for divide's integers)
                r = special_impl(a1, a2, dt, dev)
                odt = out_of[dt]
                return new(r, odt if r.dtype == odt._mx else _core.CANON[r.dtype], dev)
            return new(mxfn(a1, a2, stream=dev._s), out_of[dt], dev)
        except ValueError as exc:
            raise not_broadcastable(name, exc, x1, x2) from None

    # The operators: fn's fast path again with MLX's own operators (one Python frame
    # and no stream= keep ``x + y`` within 2x of raw MLX; bench_overhead).
    def op(self, other):
        c2 = other.__class__
        dt = self._dtype
        if c2 is Array:
            odt = fast_out.get(dt)  # None when dt is not allowed (or special)
            if dt is other._dtype and self._device is other._device and odt is not None:
                dev = self._device
                try:
                    a = mxop(self._array, other._array) if mxop is not None else \
                        mxfn(self._array, other._array, stream=dev._s)
                except ValueError as exc:
                    raise not_broadcastable(name, exc, self, other) from None
                nbytes = a.nbytes
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
            res._dtype = out_of[dt]
            res._device = dev
            return res
        elif (other := operand(other)) is None:
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
            res._dtype = out_of[dt]
            res._device = dev
            return res
        if (other := operand(other)) is None:
            return NotImplemented
        return fn(other, self)

    fn.operators = _binary_operators(name, fn, op, rop)
    return named(fn, name, f"Elementwise ``{name}`` of two operands of {category} dtype, "
                           "broadcast together.")


def _binary_operators(name: str, fn, op=None, rop=None):
    """``(op, rop, iop)`` of ``fn``: the given fast ones, else plain calls of ``fn``."""
    if op is None:
        def op(self, other):
            if other.__class__ is not Array and (other := operand(other)) is None:
                return NotImplemented
            return fn(self, other)

        def rop(self, other):
            if (other := operand(other)) is None:
                return NotImplemented
            return fn(other, self)

    op.__name__ = f"__{name}__"
    return op, rop, _in_place(name, fn)


def binary_composite(name: str, category: str, impl, out_dtype=None):
    """Like :func:`binary`, for ``impl(a1, a2, dtype, device)`` (operands may be scalars)."""
    SIGNATURES[name] = (2, category)
    allowed = _CAT[category]
    out_of = out_dtypes(allowed, out_dtype)

    def fn(x1: Array | complex, x2: Array | complex, /, out=None, where=True,
           dtype=None) -> Array:
        if out is not None or where is not True or dtype is not None:
            return _numpy_call(fn, (x1, x2), out, where, dtype)
        x1, x2 = operands(name, category, x1, x2)
        a1, a2, dt, dev = prep_binary(name, x1, x2, allowed, category)
        try:
            return new(impl(a1, a2, dt, dev), out_of[dt], dev)
        except ValueError as exc:
            raise not_broadcastable(name, exc, x1, x2) from None

    fn.operators = _binary_operators(name, fn)
    return named(fn, name, f"Elementwise ``{name}`` of two operands of {category} dtype, "
                           "broadcast together.")
