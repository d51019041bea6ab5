"""NumPy-only products: dot, vdot, inner, outer, kron, trace (NumPy's signature), einsum.

NumPy semantics over the standard's ``matmul``/``tensordot``/``vecdot`` and
MLX's ``einsum``; lazy. Dtype rule as in ``numeric``. See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import math
from typing import TYPE_CHECKING

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._interop import convert as _convert
from .._runtime import memory as _memory
from .._standard.elementwise import multiply
from .._standard.linalg import trace as _linalg_trace
from .._standard.linear_algebra import matmul, tensordot, vecdot
from .._standard.manipulation import moveaxis
from .numeric import no_out

if TYPE_CHECKING:
    from .._array.array import Array

_NUMERIC = _d.CATEGORIES["numeric"]
_INTEGER = _d.CATEGORIES["integer"]
_HALF = (_d.float16, _d.bfloat16)


# --- products -------------------------------------------------------------------------

def dot(a: Array, b: Array, out: None = None) -> Array:
    """NumPy's dot: a product for 0-d operands, else a sum over ``a``'s last axis and
    ``b``'s second-to-last (its only axis for 1-d ``b``)."""
    no_out("dot", out)
    a, b = _convert.operand("dot", a), _convert.operand("dot", b)
    if not isinstance(a, _core.Array) or not isinstance(b, _core.Array):
        # A Python scalar operand: NumPy's dot is then a product.
        return multiply(a, b)
    for x in (a, b):
        _core.check_category("dot", x, "numeric")
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim <= 2:
        # matmul broadcasts a's leading axes against one matrix: dot's result.
        return matmul(a, b)
    return tensordot(a, b, axes=((a.ndim - 1,), (b.ndim - 2,)))


def vdot(a: Array, b: Array, /) -> Array:
    """``sum(conj(a) * b)`` of the flattened arrays (same size), as a 0-d array."""
    a, b = _convert.array("vdot", a), _convert.array("vdot", b)
    for x in (a, b):
        _core.check_category("vdot", x, "numeric")
    if a.size != b.size:
        raise ValueError(f"vdot: a and b must have the same size, got {a.size} and {b.size}")
    s = a._device._s
    flat = [_core.new(mx.reshape(x._array, (-1,), stream=s), x._dtype, x._device)
            for x in (a, b)]
    return vecdot(flat[0], flat[1])


def inner(a: Array, b: Array, /) -> Array:
    """A sum over the last axes of ``a`` and ``b`` (a product when one is 0-d).

    The result's shape is ``a.shape[:-1] + b.shape[:-1]``; complex values are
    not conjugated.
    """
    a, b = _convert.array("inner", a), _convert.array("inner", b)
    for x in (a, b):
        _core.check_category("inner", x, "numeric")
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"inner: the last dimensions of a {a.shape} and b {b.shape} differ")
    # (the result before tensordot flattens the operands: past 32 bits MLX's OverflowError)
    _memory.check_shape("inner", a.shape[:-1] + b.shape[:-1],
                        builtins.max(a._dtype._mx.size, b._dtype._mx.size))
    return tensordot(a, b, axes=((a.ndim - 1,), (b.ndim - 1,)))


def outer(a: Array, b: Array, out: None = None) -> Array:
    """``out[i, j] = a.flat[i] * b.flat[j]`` (both operands are flattened, as NumPy)."""
    no_out("outer", out)
    a, b = _convert.array("outer", a), _convert.array("outer", b)
    for x in (a, b):
        _core.check_category("outer", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("outer", a, b, _NUMERIC, "numeric")
    s = dev._s
    n1, n2 = (math.prod(getattr(v, "shape", ())) for v in (a1, a2))
    _memory.check_shape("outer", (n1, n2), dt._mx.size, _d.dtype_name(dt))
    # (explicit sizes: MLX cannot infer -1 for an empty operand)
    out_arr = mx.multiply(mx.reshape(_core.as_mx(a1, dt), (n1, 1), stream=s),
                          mx.reshape(_core.as_mx(a2, dt), (1, n2), stream=s), stream=s)
    return _core.new(out_arr, dt, dev)


def kron(a: Array, b: Array, /) -> Array:
    """The Kronecker product; the operand with fewer dimensions gets leading 1s."""
    a, b = _convert.array("kron", a), _convert.array("kron", b)
    for x in (a, b):
        _core.check_category("kron", x, "numeric")
    a1, a2, dt, dev = _core.prep_binary("kron", a, b, _NUMERIC, "numeric")
    s = dev._s
    n = builtins.max(a1.ndim, a2.ndim)
    a1 = mx.reshape(a1, (1,) * (n - a1.ndim) + tuple(a1.shape), stream=s)
    a2 = mx.reshape(a2, (1,) * (n - a2.ndim) + tuple(a2.shape), stream=s)
    # Interleave the axes: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then merge the pairs.
    sa = [d for m in a1.shape for d in (m, 1)]
    sb = [d for m in a2.shape for d in (1, m)]
    prod = mx.multiply(mx.reshape(a1, sa, stream=s), mx.reshape(a2, sb, stream=s), stream=s)
    shape = [p * q for p, q in zip(a1.shape, a2.shape)]
    # The merged sides can pass MLX's 32-bit dimensions: ValueError/MemoryError first.
    _memory.check_shape("kron", tuple(shape), dt._mx.size, _d.dtype_name(dt))
    return _core.new(mx.reshape(prod, shape, stream=s), dt, dev)


def trace(a: Array, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype=None,
          out: None = None) -> Array:
    """The sum along the ``offset`` diagonal of the ``axis1``/``axis2`` planes of ``a``.

    NumPy's signature (``xp.linalg.trace`` is the standard's, over the last two
    axes). Bool, int8 and int16 sum in int32, uint8 and uint16 in uint32
    (NumPy: int64/uint64), other dtypes in their own, unless ``dtype`` is given.
    """
    no_out("trace", out)
    a = _convert.array("trace", a)
    if a.ndim < 2:
        raise ValueError(f"trace: a must have at least two dimensions, got shape {a.shape}")
    ax1 = _args.check_axis("trace", axis1, a.ndim)
    ax2 = _args.check_axis("trace", axis2, a.ndim)
    if ax1 == ax2:
        raise ValueError("trace: axis1 and axis2 must differ")
    if a._dtype is _d.bool:
        di = _convert.default_int(a._device)
        a = _core.new(a._array.astype(di._mx, stream=a._device._s), di, a._device)
    return _linalg_trace(moveaxis(a, (ax1, ax2), (-2, -1)), offset=offset, dtype=dtype)


def einsum(subscripts: str, /, *operands: Array, out: None = None, dtype=None,
           order: str = "K", casting: str = "safe", optimize=False) -> Array:
    """Einstein summation, as NumPy's (explicit ``->`` or implicit output, ``...``).

    The operands promote to one dtype (``dtype`` casts them further, within
    ``casting``). ``order`` and ``optimize`` only concern memory layout and speed
    in NumPy; MLX chooses both itself. Integer operands are computed in float64 on
    the CPU (exact while every partial sum stays below 2**53) and float32 on the
    GPU, then cast back.
    """
    no_out("einsum", out)
    if not isinstance(subscripts, str):
        raise TypeError("einsum: the subscripts must be a string (NumPy's interleaved "
                        "operand/sublist form is not supported)")
    if order not in ("K", "A", "C", "F"):
        raise ValueError(f"einsum: order must be 'K', 'A', 'C' or 'F', got {order!r}")
    if casting not in ("no", "equiv", "safe", "same_kind", "unsafe"):
        raise ValueError(f"einsum: unknown casting {casting!r}")
    if not operands:
        raise ValueError("einsum: at least one operand is required")
    operands = tuple(_convert.array("einsum", x) for x in operands)
    dt = None
    for x in operands:
        _core.check_category("einsum", x, "numeric")
        if x._device != operands[0]._device:
            raise ValueError("einsum: operands are on different devices")
        dt = x._dtype if dt is None else _d.promote_types(dt, x._dtype, "einsum")
    dev = operands[0]._device
    if dtype is not None:
        want = _d.as_dtype(dtype)
        if want is None:
            raise TypeError(f"einsum: {dtype!r} is not a tmath_array dtype")
        if want not in _NUMERIC:
            _core.bad_dtype("einsum (dtype=)", "numeric", want)
        if casting in ("no", "equiv", "safe") and want is not dt and \
                _d.promote_types(dt, want, "einsum") is not want:
            raise TypeError(f"einsum: cannot cast {_core.dtype_name(dt)} operands to "
                            f"{_core.dtype_name(want)} under casting={casting!r}")
        dt = want
    work = dt
    if dt in _INTEGER:
        work = _d.float64 if dev.type == "cpu" else _d.float32
    elif dt in _HALF:
        work = _d.float32
    s = dev._s
    arrays = [x._array if x._dtype is work else x._array.astype(work._mx, stream=s)
              for x in operands]
    try:
        res = mx.einsum(subscripts, *arrays, stream=s)
    except (ValueError, RuntimeError) as e:
        raise ValueError(f"einsum: {e}") from None
    if work is not dt:
        res = (mx.round(res, stream=s) if dt in _INTEGER else res).astype(dt._mx, stream=s)
    return _core.new(res, dt, dev)
