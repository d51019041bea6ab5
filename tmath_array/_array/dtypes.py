"""Dtypes, their categories and the type-promotion table.

Categories are keyed by the phrases the standard uses; promotion is a table of
dtype pairs (data, not code).
"""

from __future__ import annotations

import builtins

import mlx.core as mx


class DType:
    """A dtype of tmath_array: one object per dtype, each tied to an MLX dtype.

    Note: MLX's own ``mx.Dtype`` raises TypeError when compared with ``None`` or
    other objects, which the standard's ``==`` must not do; this class compares
    by identity, and equal to the matching ``mx.Dtype``.
    """

    __slots__ = ("name", "_mx")

    def __init__(self, name: str, mx_dtype: mx.Dtype) -> None:
        self.name = name
        self._mx = mx_dtype

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, DType):
            return self is other
        if isinstance(other, mx.Dtype):
            return self._mx == other
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"tmath_array.{self.name}"

    # Calling a dtype (``xp.float32(1.5)``) is NumPy's convention: bound by _numpy/bind.py.

    def __reduce__(self):
        return (_by_name, (self.name,))


bool = DType("bool", mx.bool_)  # noqa: A001 - the standard's name
int8 = DType("int8", mx.int8)
int16 = DType("int16", mx.int16)
int32 = DType("int32", mx.int32)
int64 = DType("int64", mx.int64)
uint8 = DType("uint8", mx.uint8)
uint16 = DType("uint16", mx.uint16)
uint32 = DType("uint32", mx.uint32)
uint64 = DType("uint64", mx.uint64)
float16 = DType("float16", mx.float16)
bfloat16 = DType("bfloat16", mx.bfloat16)
float32 = DType("float32", mx.float32)
float64 = DType("float64", mx.float64)
complex64 = DType("complex64", mx.complex64)


def dtype_name(dtype) -> str:
    """``"float32"`` for a dtype, its repr for anything else (in error messages)."""
    return NAMES.get(dtype, repr(dtype))


def _by_name(name: str) -> DType:
    return globals()[name]

_signed = (int8, int16, int32, int64)
_unsigned = (uint8, uint16, uint32, uint64)
_integer = _signed + _unsigned
# float16 and bfloat16 are extensions of the standard: real floating dtypes that
# compute like float32 and keep their own dtype.
_half = (float16, bfloat16)
_real_floating = (float16, bfloat16, float32, float64)
_complex_floating = (complex64,)
_floating = _real_floating + _complex_floating
_numeric = _integer + _floating
_all = (bool,) + _numeric

# The standard's dtypes this namespace provides (complex128 does not exist in MLX).
STANDARD_DTYPES = (
    bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
    float32, float64, complex64,
)

# Categories keyed by the phrases of the standard's function signatures.
CATEGORIES: dict[str, frozenset] = {
    "all": frozenset(_all),
    "boolean": frozenset((bool,)),
    "integer": frozenset(_integer),
    "integer or boolean": frozenset(_integer + (bool,)),
    "numeric": frozenset(_numeric),
    "real-valued": frozenset(_integer + _real_floating),
    "real-valued floating-point": frozenset(_real_floating),
    "floating-point": frozenset(_floating),
    "complex floating-point": frozenset(_complex_floating),
}

# isdtype() kinds.
KINDS: dict[str, frozenset] = {
    "bool": frozenset((bool,)),
    "signed integer": frozenset(_signed),
    "unsigned integer": frozenset(_unsigned),
    "integral": frozenset(_integer),
    "real floating": frozenset(_real_floating),
    "complex floating": frozenset(_complex_floating),
    "numeric": frozenset(_numeric),
}

NAMES = {
    bool: "bool", int8: "int8", int16: "int16", int32: "int32", int64: "int64",
    uint8: "uint8", uint16: "uint16", uint32: "uint32", uint64: "uint64",
    float16: "float16", bfloat16: "bfloat16", float32: "float32",
    float64: "float64", complex64: "complex64",
}

# Bit widths of the integer dtypes and their value ranges.
INT_BITS = {int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32, uint64: 64}
INT_RANGE = {
    d: ((0, 2**b - 1) if d in _unsigned else (-(2 ** (b - 1)), 2 ** (b - 1) - 1))
    for d, b in INT_BITS.items()
}

# Kind rank, for mixed-kind promotion (an extension, see _promote_mixed).
_KIND_RANK = {bool: 0}
_KIND_RANK.update({d: 1 for d in _integer})
_KIND_RANK.update({d: 2 for d in _real_floating})
_KIND_RANK.update({d: 3 for d in _complex_floating})

# The standard's promotion table, written once per unordered pair and symmetrised
# below. Pairs not listed (int64 with uint64, for example) do not promote.
_PROMOTION_PAIRS = {
    (bool, bool): bool,
    # signed integers
    (int8, int8): int8, (int8, int16): int16, (int8, int32): int32, (int8, int64): int64,
    (int16, int16): int16, (int16, int32): int32, (int16, int64): int64,
    (int32, int32): int32, (int32, int64): int64,
    (int64, int64): int64,
    # unsigned integers
    (uint8, uint8): uint8, (uint8, uint16): uint16, (uint8, uint32): uint32,
    (uint8, uint64): uint64,
    (uint16, uint16): uint16, (uint16, uint32): uint32, (uint16, uint64): uint64,
    (uint32, uint32): uint32, (uint32, uint64): uint64,
    (uint64, uint64): uint64,
    # mixed signed and unsigned integers
    (int8, uint8): int16, (int8, uint16): int32, (int8, uint32): int64,
    (int16, uint8): int16, (int16, uint16): int32, (int16, uint32): int64,
    (int32, uint8): int32, (int32, uint16): int32, (int32, uint32): int64,
    (int64, uint8): int64, (int64, uint16): int64, (int64, uint32): int64,
    # real floating point, the half types included (float16 + bfloat16 -> float32)
    (float16, float16): float16, (float16, bfloat16): float32, (float16, float32): float32,
    (float16, float64): float64,
    (bfloat16, bfloat16): bfloat16, (bfloat16, float32): float32, (bfloat16, float64): float64,
    (float32, float32): float32, (float32, float64): float64,
    (float64, float64): float64,
    # complex
    (complex64, complex64): complex64,
    (float16, complex64): complex64, (bfloat16, complex64): complex64,
    (float32, complex64): complex64,
    # Note: the standard gives complex128 for float64 + complex64; MLX has no
    # complex128, so the result is complex64 (documented in docs/dtypes.md).
    (float64, complex64): complex64,
}

PROMOTION_TABLE: dict[tuple, object] = {}
for (_a, _b), _r in _PROMOTION_PAIRS.items():
    PROMOTION_TABLE[(_a, _b)] = _r
    PROMOTION_TABLE[(_b, _a)] = _r
del _a, _b, _r


def _promote_mixed(d1, d2):
    """Mixed-kind promotion (an extension, as NumPy and PyTorch do it).

    bool < integer < real floating < complex: the dtype of the higher kind wins,
    except that a real floating dtype meeting complex gives complex64.
    """
    r1, r2 = _KIND_RANK[d1], _KIND_RANK[d2]
    if r1 == r2:
        return None
    hi = d1 if r1 > r2 else d2
    return hi


def promote_types(d1, d2, name: str = "result_type"):
    """Return the dtype that ``d1`` and ``d2`` promote to, or raise TypeError."""
    try:
        return PROMOTION_TABLE[(d1, d2)]
    except KeyError:
        pass
    except TypeError:  # unhashable
        raise TypeError(f"{name}: {d1!r} is not a dtype") from None
    if d1 not in _KIND_RANK or d2 not in _KIND_RANK:
        bad = d1 if d1 not in _KIND_RANK else d2
        raise TypeError(f"{name}: {bad!r} is not a tmath_array dtype")
    out = _promote_mixed(d1, d2)
    if out is None:
        raise TypeError(
            f"{name}: {NAMES[d1]} and {NAMES[d2]} have no common dtype "
            "(no integer dtype holds both int64 and uint64 values)"
        )
    return out


# MLX dtype -> tmath dtype.
FROM_MX = {d._mx: d for d in NAMES}


def is_dtype(obj) -> builtins.bool:
    return isinstance(obj, DType)


def as_dtype(obj) -> DType | None:
    """``obj`` as a tmath dtype (an ``mx.Dtype`` is accepted too), else None.

    A face's own dtype objects (``tmath_array.torch.float32``, which print as PyTorch's)
    subclass DType and name the tmath dtype they stand for in ``_canon``.
    """
    if isinstance(obj, DType):
        return obj if obj.__class__ is DType else obj._canon
    if isinstance(obj, mx.Dtype):
        return FROM_MX.get(obj)
    return None


def kind_rank(d) -> int:
    return _KIND_RANK[d]
