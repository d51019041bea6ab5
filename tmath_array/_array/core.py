"""Shared plumbing: constructing Arrays, validating arguments, binary promotion.

Every public function goes through these helpers, so errors carry the spec's
exception type and the function's name, and the hot path stays short.
"""

from __future__ import annotations

import builtins

from . import dtypes as _d

# Re-exported: the constructors and scalar helpers every function module reaches as
# ``_core.new``, ``_core.scalar_value``... (they live in array.py and scalars.py).
from .array import CANON as CANON
from .array import Array as Array
from .array import new as new
from .array import wrap as wrap
from .array import write_back as write_back
from .scalars import as_mx as as_mx
from .scalars import scalar_dtype as scalar_dtype
from .scalars import scalar_rank as scalar_rank
from .scalars import scalar_value as scalar_value

dtype_name = _d.dtype_name


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


def check_bool(name: str, value, argname: str) -> builtins.bool:
    """A flag argument (a Python or NumPy bool), else TypeError.

    Anything else is refused rather than asked for its truth value: an array's is
    ambiguous (NumPy raises ValueError, PyTorch RuntimeError).
    """
    if value.__class__ is builtins.bool:
        return value
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
        return builtins.bool(value)
    raise TypeError(f"{name}: {argname} must be a bool, got {type(value).__name__}")


def check_str(name: str, value, argname: str) -> str:
    """An option given by name (``side='left'``), else TypeError; the caller checks the value."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: {argname} must be a string, got {type(value).__name__}")
    return value


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


def check_axis(name: str, axis, ndim: int) -> int:
    """Normalise one axis; IndexError when out of range, TypeError when not an int."""
    if not isinstance(axis, int) or isinstance(axis, builtins.bool):
        raise TypeError(f"{name}: axis must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < builtins.max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        raise IndexError(f"{name}: axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim if ndim else 0


def check_axes(name: str, axis, ndim: int) -> tuple[int, ...] | None:
    """Normalise ``axis`` (None, int or tuple of ints); duplicates raise ValueError."""
    if axis is None:
        return None
    if isinstance(axis, tuple):
        axes = tuple(check_axis(name, a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{name}: repeated axis in {axis}")
        return axes
    return (check_axis(name, axis, ndim),)


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
    dt = scalar_dtype(name, s, d)
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
