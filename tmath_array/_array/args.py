"""Argument validation: one rule per kind of argument, shared by every function.

* a **flag** is a Python bool or a NumPy bool (``np.True_``);
* an **int** (an axis, a size, ``k=``, ``n=``, a shape entry...) is anything with
  ``__index__`` except a bool: Python ints, NumPy integers, 0-d integer arrays (whose
  value is read: a counted conversion), as NumPy and the standard's consumers pass them;
* an **axis** is such an int in ``[-ndim, ndim)`` (IndexError outside), an **axes**
  argument None, one axis or a tuple (or list) of distinct axes;
* a **shape** is an int or a sequence of non-negative ints;
* an **option** given by name is a str.

Each check returns the normalised value (a plain Python ``int``/``bool``/tuple) so the
caller's own code and MLX see only Python types. Errors name the function and the
argument, with the exception type NumPy and the standard use.
"""

from __future__ import annotations

import builtins
import numbers
import operator

import numpy as np

_bool = builtins.bool


def _is_numpy_bool(value) -> _bool:
    cls = type(value)
    return cls.__module__ == "numpy" and cls.__name__ in ("bool", "bool_")


def check_bool(name: str, value, argname: str) -> _bool:
    """A flag argument (a Python or NumPy bool), else TypeError.

    Anything else is refused rather than asked for its truth value: an array's is
    ambiguous (NumPy raises ValueError, PyTorch RuntimeError), and ``keepdims=1`` is
    more likely a slip than a choice.
    """
    if value.__class__ is _bool:
        return value
    if _is_numpy_bool(value):
        return _bool(value)
    raise TypeError(f"{name}: {argname} must be a bool, got {type(value).__name__}")


def check_optional_bool(name: str, value, argname: str) -> _bool | None:
    """None, or a flag as :func:`check_bool` takes it."""
    return None if value is None else check_bool(name, value, argname)


def check_str(name: str, value, argname: str) -> str:
    """An option given by name (``side='left'``), else TypeError; the caller checks the value."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: {argname} must be a string, got {type(value).__name__}")
    return value


def is_int(value) -> _bool:
    """Whether ``value`` counts as an int: has ``__index__`` and is not a bool."""
    if value.__class__ is int:
        return True
    if isinstance(value, _bool) or _is_numpy_bool(value):
        return False
    # (arrays define __index__ too, for their 0-d case: they are not ints here, so a
    # dispatch between an int and a sequence of them sends an array to the sequence)
    return isinstance(value, numbers.Integral)


def check_int(name: str, value, argname: str) -> int:
    """An int argument: anything with ``__index__`` except a bool, as a Python int.

    NumPy integers (``np.int64(3)``) and 0-d integer arrays count, as in NumPy; bools
    do not (``True`` as a size is a slip). TypeError otherwise.
    """
    if value.__class__ is int:
        return value
    if isinstance(value, _bool) or _is_numpy_bool(value):
        raise TypeError(f"{name}: {argname} must be an int, got bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name}: {argname} must be an int, got {type(value).__name__}") from None


def check_optional_int(name: str, value, argname: str) -> int | None:
    """None, or an int as :func:`check_int` takes it."""
    return None if value is None else check_int(name, value, argname)


def check_axis(name: str, axis, ndim: int) -> int:
    """Normalise one axis to ``[0, ndim)``: IndexError when out of range, TypeError when
    not an int. A 0-d array takes axis 0 or -1 (as the standard's reductions do)."""
    if axis.__class__ is not int:
        axis = check_int(name, axis, "axis")
    if not -ndim <= axis < builtins.max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        raise IndexError(f"{name}: axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim if ndim else 0


def check_axis_strict(name: str, axis, ndim: int) -> int:
    """One axis in ``[-ndim, ndim)`` exactly (no 0-d exception), normalised."""
    if axis.__class__ is not int:
        axis = check_int(name, axis, "axis")
    if not -ndim <= axis < ndim:
        raise IndexError(f"{name}: axis {axis} is out of bounds for an array of dimension "
                         f"{ndim}")
    return axis % ndim


def check_axes(name: str, axis, ndim: int, what: str = "axis") -> tuple[int, ...] | None:
    """Normalise ``axis``: None, one axis, or a tuple (or list) of distinct axes.

    Returns None for None, else a tuple of axes in ``[0, ndim)``; a repeated axis is a
    ValueError, an axis out of range an IndexError.
    """
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        axes = tuple(check_axis(name, a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{name}: repeated {what} in {tuple(axis)}")
        return axes
    return (check_axis(name, axis, ndim),)


def _int_vector(v):
    """A 1-D NumPy integer array as a list of Python ints (NumPy takes one as a shape or
    tuple of axes); anything else as it is."""
    if isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype.kind in "iu":
        return v.tolist()
    return v


def check_ints(name: str, values, argname: str) -> tuple[int, ...]:
    """A tuple (or list, or 1-D NumPy integer array) of ints, as Python ints; TypeError
    otherwise."""
    values = _int_vector(values)
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{name}: {argname} must be a tuple of ints, got {type(values).__name__}")
    return tuple(v if v.__class__ is int else check_int(name, v, argname) for v in values)


def shape_tuple(name: str, shape, argname: str = "shape") -> tuple[int, ...]:
    """A shape as a tuple of Python ints (an int is a 1-D shape); entries may be negative
    (the caller decides what -1 means). TypeError for anything else."""
    if shape.__class__ is tuple and all(s.__class__ is int for s in shape):
        return shape
    if is_int(shape):
        return (check_int(name, shape, argname),)
    shape = _int_vector(shape)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{name}: {argname} must be an int or a tuple of ints, "
                        f"got {type(shape).__name__}")
    out = []
    for s in shape:
        if s.__class__ is not int:
            if not is_int(s):
                raise TypeError(f"{name}: {argname} entries must be ints, got {s!r}")
            s = operator.index(s)
        out.append(s)
    return tuple(out)


def check_shape(name: str, shape, argname: str = "shape") -> tuple[int, ...]:
    """A shape of non-negative ints (an int is a 1-D shape); ValueError for a negative
    entry, TypeError for a non-int."""
    out = shape_tuple(name, shape, argname)
    for s in out:
        if s < 0:
            raise ValueError(f"{name}: negative dimensions are not allowed, got {out}")
    return out


def check_real(name: str, value, argname: str) -> float:
    """A real number (Python or NumPy int or float, not a bool) as a Python float."""
    if value.__class__ is float or value.__class__ is int:
        return float(value)
    if isinstance(value, _bool) or _is_numpy_bool(value):
        raise TypeError(f"{name}: {argname} must be a real number, got bool")
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{name}: {argname} must be a real number, got {type(value).__name__}")


def check_number(name: str, value, argname: str, complex_ok: bool = False) -> int | float | complex:
    """A Python or NumPy number (not a bool) as a Python int, float (or complex, when
    ``complex_ok``): integers stay ints, as ``arange``'s bounds need. TypeError otherwise."""
    cls = value.__class__
    if cls is int or cls is float:
        return value
    if isinstance(value, _bool) or _is_numpy_bool(value):
        raise TypeError(f"{name}: {argname} must be a number, got bool")
    if isinstance(value, numbers.Integral):
        return operator.index(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if complex_ok and isinstance(value, numbers.Complex):
        return complex(value)
    kind = "a number" if complex_ok else "an int or a float"
    raise TypeError(f"{name}: {argname} must be {kind}, got {type(value).__name__}")
