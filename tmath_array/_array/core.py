"""Shared plumbing: constructing Arrays, validating arguments, binary promotion.

Every public function goes through these helpers, so errors carry the spec's
exception type and the function's name, and the hot path stays short.
"""

from __future__ import annotations

import mlx.core as mx

from . import dtypes as _d

# Re-exported: the argument checks live in args.py (one rule per kind).
from .args import check_axes as check_axes
from .args import check_axis as check_axis
from .args import check_bool as check_bool
from .args import check_int as check_int
from .args import check_str as check_str

# Re-exported: the constructors and scalar helpers every function module reaches as
# ``_core.new``, ``_core.scalar_value``... (they live in array.py and scalars.py).
from .array import CANON as CANON
from .array import Array as Array
from .array import new as new
from .array import wrap as wrap
from .array import write_back as write_back
from .devices import default_index
from .scalars import as_mx as as_mx
from .scalars import scalar_dtype as scalar_dtype
from .scalars import scalar_rank as scalar_rank
from .scalars import scalar_value as scalar_value

dtype_name = _d.dtype_name


def fresh_empty(a: mx.array, stream) -> mx.array:
    """Empty ``a`` in a fresh row-major layout, for MLX's reductions.

    Note: MLX's CPU reductions (sum, prod, all, any, mean...) of an empty array whose layout
    is not a fresh one (a ``take`` of an empty array, a transpose or a slice of one) leave
    their result uninitialised (it reads what the allocator last kept in that buffer, so
    it changes with what ran before), and loop forever when the reduced axis has stride 0
    (measured with MLX 0.32.4: ``any`` over axis 0 of ``take(zeros((0, 3, 2)), idx,
    axis=1)``). After ``mx.contiguous`` they give the identity. (Not ``mx.zeros`` of the
    shape: in a shapeless ``xp.compile`` trace that shape would stay for every later call.)
    Callers test ``a.size`` inline (``if not a.size: a = fresh_empty(a, s)``): ~30 ns.
    """
    return mx.contiguous(a, stream=stream)


def new_index(a, device) -> Array:
    """An index result (argmax, nonzero, searchsorted...) of ``device``'s index dtype.

    Note: MLX computes indices as uint32 or int32; the standard wants the default
    index dtype, int32 or (the "numpy" default dtypes on the CPU) int64.
    """
    dt = default_index(device)
    if a.dtype != dt._mx:
        a = a.astype(dt._mx, stream=device._s)
    return new(a, dt, device)


def bad_dtype(name: str, category: str, dtype):
    raise TypeError(f"Only {category} dtypes are allowed in {name}; got {dtype_name(dtype)}.")


def broadcast_failure(name: str, exc: ValueError, *operands) -> ValueError | None:
    """The standard's ValueError for MLX's ``[broadcast_shapes]`` error; None for others.

    Binary functions let MLX find out whether shapes broadcast; they translate its
    error here.
    """
    if not str(exc).startswith("[broadcast_shapes]"):
        return None
    shapes = [str(tuple(getattr(o, "shape", ()))) for o in operands]
    shapes = ", ".join(shapes[:-1]) + " and " + shapes[-1]
    return ValueError(f"{name}: shapes {shapes} cannot be broadcast together")


def check_array(name: str, x, argname: str = "x"):
    """Raise TypeError unless ``x`` is an Array."""
    if not isinstance(x, Array):
        raise TypeError(f"{name}: {argname} must be an array, got {type(x).__name__}")
    return x


def check_category(name: str, x, category: str):
    """Raise TypeError unless ``x`` is an Array of a dtype of ``category``."""
    if not isinstance(x, Array):
        raise TypeError(f"{name}: expected an array, got {type(x).__name__}")
    if x._dtype not in _d.CATEGORIES[category]:
        bad_dtype(name, category, x._dtype)
    return x


# --- binary operands --------------------------------------------------------

def prep_binary(name: str, x1, x2, allowed, category: str):
    """Validate and promote two operands (arrays or Python scalars).

    Returns ``(a1, a2, dtype, device)``: MLX operands of the promoted ``dtype``
    (a Python scalar may stay a Python scalar) and the device to run on.
    """
    if isinstance(x1, Array):
        dev = x1._device
        if isinstance(x2, Array):
            if x2._device is not dev and x2._device != dev:
                raise ValueError(
                    f"{name}: arrays are on different devices ({dev} and {x2._device}); "
                    "move one with to_device()"
                )
            d1 = x1._dtype
            d2 = x2._dtype
            # Note: a bool array beside a numeric one takes its dtype (mask * x, as in
            # NumPy and PyTorch), an extension of the standard; bool with bool keeps
            # the function's dtype category.
            if d1 not in allowed and (d1 is d2 or d1 is not _d.bool):
                bad_dtype(name, category, d1)
            if d2 not in allowed and (d1 is d2 or d2 is not _d.bool):
                bad_dtype(name, category, d2)
            a1 = x1._array
            a2 = x2._array
            if d1 is d2:
                return a1, a2, d1, dev
            dt = _d.promote_types(d1, d2, name)
            if dt not in allowed:
                bad_dtype(name, category, dt)
            if dt is not d1:
                a1 = a1.astype(dt._mx, stream=dev._s)
            if dt is not d2:
                a2 = a2.astype(dt._mx, stream=dev._s)
            return a1, a2, dt, dev
        a1, v2, dt = _with_scalar(name, x1, x2, allowed, category)
        return a1, v2, dt, dev
    if isinstance(x2, Array):
        a2, v1, dt = _with_scalar(name, x2, x1, allowed, category)
        return v1, a2, dt, x2._device
    raise TypeError(
        f"{name}: at least one argument must be an array, got "
        f"{type(x1).__name__} and {type(x2).__name__}"
    )


def _with_scalar(name: str, x, s, allowed, category: str):
    """An array operand and a Python scalar: ``(mx array, scalar value, dtype)``."""
    d = x._dtype
    dt = scalar_dtype(name, s, d, device=x._device)
    # Note: a bool array with a number of a higher kind (mask * 2.0) takes the
    # number's default dtype, as NumPy and PyTorch do: an extension (see above).
    if d not in allowed and (d is not _d.bool or dt is d):
        bad_dtype(name, category, d)
    a = x._array
    if dt is not d:
        if dt not in allowed:
            bad_dtype(name, category, dt)
        a = a.astype(dt._mx, stream=x._device._s)
    return a, scalar_value(name, s, dt), dt


# --- out= -------------------------------------------------------------------------

def write_out(name: str, out, result):
    """NumPy's ``out=``: ``result`` written into the Array ``out``, which is returned.

    Arrays are mutable handles: ``out`` takes the result's (lazy) data, and every name
    bound to it sees the new values. As NumPy's ``same_kind`` casting, the result may
    be cast to a dtype of the same or a higher kind (int -> float), not lower
    (float -> int is a TypeError); the shape must be the result's (ValueError).
    """
    if out is None:
        return result
    if isinstance(out, tuple) and len(out) == 1:  # (NumPy's ufuncs take out=(a,))
        out = out[0]
    if not isinstance(out, Array):
        raise TypeError(f"{name}: out must be an array, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ValueError(f"{name}: out has shape {out.shape}, the result {result.shape}")
    if out._device != result._device:
        raise ValueError(f"{name}: out is on {out._device}, the result on {result._device}")
    a = result._array
    if out._dtype is not result._dtype:
        if _d.kind_rank(out._dtype) < _d.kind_rank(result._dtype):
            raise TypeError(f"{name}: cannot write {dtype_name(result._dtype)} results into "
                            f"an out array of {dtype_name(out._dtype)} (casting rule "
                            "'same_kind')")
        a = a.astype(out._dtype._mx, stream=out._device._s)
    out._array = a
    return out
