"""The oracle of the differential soak (tests/test_soak.py): values, dtypes and error bounds.

Every variable of a soak program is followed on the oracle side by its expected dtype (the
standard's rules, written here independently of tmath_array's tables), its shape and its
values computed with NumPy:

* integers and booleans are computed exactly, in their own NumPy dtype (wrapping as C does);
* floating-point values are the *true* values, computed in float64, with an **elementwise
  bound** ``err`` on how far a correct implementation in the target precision may be from
  them (a running error analysis: each operation adds its rounding, ``eps * |result|``, and
  propagates its inputs' bounds). ``err is None`` means *exact*: every intermediate result is
  representable in the target dtype (small dyadic values, sums and products that fit the
  significand), so a correct implementation gives exactly these values.

Operations that are discontinuous (comparisons, ``floor``, ``argsort``, ``astype`` to an
integer...) are only applied where the input's error interval does not reach a
discontinuity, so their results are exact again. That keeps long programs comparable without
a tolerance that grows blindly with their length.
"""

from __future__ import annotations

import numpy as np

INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
SIGNED = ("int8", "int16", "int32", "int64")
FLOATS = ("float16", "bfloat16", "float32", "float64")
ALL = ("bool",) + INTS + FLOATS

# Significand bits (the implicit one included), machine epsilon, smallest normal, and the
# magnitude the soak keeps values under (far from overflow, so bounds stay meaningful).
MANT = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
EPS = {d: 2.0 ** (1 - m) for d, m in MANT.items()}
TINY = {"float16": 2.0 ** -14, "bfloat16": 2.0 ** -126, "float32": 2.0 ** -126,
        "float64": 2.0 ** -1022}
LIMIT = {"float16": 2.0 ** 8, "bfloat16": 2.0 ** 12, "float32": 2.0 ** 16, "float64": 2.0 ** 24}


class RejectError(Exception):
    """The drawn operands or parameters do not suit the operation: the step does nothing."""


def kind(dt: str) -> int:
    """bool < integer < real floating (the mixed-kind order of docs/dtypes.md)."""
    return 0 if dt == "bool" else 1 if dt in INTS else 2


def bits(dt: str) -> int:
    return {"bool": 8, "float16": 16, "bfloat16": 16}.get(dt) or np.dtype(dt).itemsize * 8


def promote(a: str, b: str) -> str | None:
    """The result dtype of two array dtypes (None: no common dtype, a TypeError).

    The standard's table for dtypes of one kind; across kinds the higher kind's dtype
    (tmath_array's documented extension).
    """
    if a == b:
        return a
    if kind(a) != kind(b):
        return a if kind(a) > kind(b) else b
    if a in INTS:
        if "uint64" in (a, b) and (a in SIGNED or b in SIGNED):
            return None
        return np.result_type(a, b).name  # NEP 50: the standard's integer lattice
    if {a, b} <= {"float16", "bfloat16"}:
        return "float32"
    return max(a, b, key=bits)


def accumulate(dt: str) -> str:
    """The dtype of sum/prod/cumulative_* of ``dt`` (the standard: at least the default int)."""
    if dt in SIGNED and bits(dt) < 32:
        return "int32"
    if dt in INTS and bits(dt) < 32:
        return "uint32"
    return dt


def np_dtype(dt: str) -> np.dtype:
    """The NumPy dtype that holds ``dt``'s oracle values (floats: float64 true values)."""
    return np.dtype("float64" if dt in FLOATS else dt)


def representable(val: np.ndarray, dt: str) -> bool:
    """Whether every value of ``val`` (float64) is exactly a value of float dtype ``dt``."""
    if not np.all(np.isfinite(val)) or (val.size and np.max(np.abs(val)) > LIMIT[dt] * 2**8):
        return False
    if dt == "float64":
        return True
    if dt == "bfloat16":
        f = val.astype(np.float32)
        return bool(np.all(f.astype(np.float64) == val)
                    and np.all(f.view(np.uint32) & 0xFFFF == 0))
    if dt == "float16" and val.size and np.any((val != 0) & (np.abs(val) < TINY["float16"])):
        return False  # a float16 subnormal: MLX may flush it
    return bool(np.all(val.astype(dt).astype(np.float64) == val))


def frac_bits(val: np.ndarray) -> int:
    """How many bits after the binary point the values of ``val`` (float64) need."""
    v = val[np.isfinite(val) & (val != 0)]
    if v.size == 0:
        return 0
    m, e = np.frexp(np.abs(v))
    mi = (m * 2.0**53).astype(np.int64)
    tz = np.log2(mi & -mi).astype(np.int64)
    return max(0, int(np.max(53 - e - tz)))


def fits(magnitude, fb: int, dt: str) -> bool:
    """Whether multiples of ``2**-fb`` up to ``magnitude`` are all exact in ``dt``."""
    m = float(np.max(magnitude)) if np.size(magnitude) else 0.0
    return m * 2.0**fb < 2.0 ** MANT[dt] and m <= LIMIT[dt]


def rounding(dt: str, r: np.ndarray, ulps: float = 1.0) -> np.ndarray:
    """The bound on rounding ``r`` to ``dt``: ``ulps`` epsilons, plus a flushed subnormal."""
    return ulps * EPS[dt] * np.abs(r) + TINY[dt]


class Value:
    """The oracle of one array: dtype, exact or true values, and the error bound of floats."""

    __slots__ = ("dt", "val", "err")

    def __init__(self, dt: str, val, err=None) -> None:
        self.dt = dt
        self.val = np.array(val, dtype=np_dtype(dt))  # always a copy: NumPy slices are views
        if err is not None:
            err = np.broadcast_to(np.asarray(err, dtype=np.float64), self.val.shape).copy()
        self.err = err

    @property
    def exact(self) -> bool:
        return self.err is None

    @property
    def shape(self) -> tuple[int, ...]:
        return self.val.shape

    def e(self) -> np.ndarray:
        """The error bound as an array (zeros when exact)."""
        return np.zeros(self.val.shape) if self.err is None else self.err

    def abs_hi(self) -> np.ndarray:
        """An upper bound of the absolute value of a correct result."""
        return np.abs(self.val.astype(np.float64)) + self.e()

    def clear_of(self, points: np.ndarray) -> bool:
        """Whether no element's error interval reaches ``points`` (a discontinuity) or NaN."""
        if self.exact:
            return True
        return bool(np.all(np.abs(self.val - points) > 2 * self.err))


def float_result(dt: str, val, err, exact: bool) -> Value:
    """A float result: exact when the operation kept exactness and the values fit ``dt``."""
    val = np.asarray(val, dtype=np.float64)
    if exact and representable(val, dt):
        return Value(dt, val)
    base = 0.0 if err is None else err
    return Value(dt, val, base + rounding(dt, val))


def convert(v: Value, dt: str) -> Value:
    """``v`` cast to ``dt`` (the oracle of astype and of promotion)."""
    if dt == v.dt:
        return v
    if dt == "bool":
        return Value(dt, v.val != 0)
    if dt in INTS:
        src = np.trunc(v.val) if v.dt in FLOATS else v.val
        with np.errstate(all="ignore"):
            return Value(dt, src.astype(dt))
    val = v.val.astype(np.float64)
    if val.size and np.max(v.abs_hi()) > LIMIT[dt]:
        raise RejectError  # would leave the range the error bounds are made for
    return float_result(dt, val, v.err, v.exact)
