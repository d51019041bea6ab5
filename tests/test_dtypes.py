"""Dtypes: the promotion table, result_type, can_cast, finfo/iinfo, isdtype, dtype objects."""

from __future__ import annotations

import itertools
import pickle

import mlx.core as mx
import numpy as np
import pytest
from helpers import (
    ALL_DTYPE_NAMES,
    INT_DTYPE_NAMES,
    SIGNED_DTYPE_NAMES,
    assert_array_equal,
    dtype_name,
    xp_dtype,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp

# Groups of the standard's promotion table: dtypes of different groups do not promote
# under the standard (mixed-kind promotion is an extension, tested separately).
TABLE_GROUPS = (("bool",), INT_DTYPE_NAMES, ("float32", "float64", "complex64"))


def _table_pairs():
    for group in TABLE_GROUPS:
        yield from itertools.product(group, repeat=2)


def _expected_promotion(a: str, b: str):
    """NumPy's answer, adjusted for the documented deviations; None means TypeError."""
    if {a, b} & {"uint64"} and {a, b} & set(SIGNED_DTYPE_NAMES):
        return None  # no integer dtype holds both int64 and uint64 values
    if {a, b} == {"float64", "complex64"}:
        return "complex64"  # documented deviation: MLX has no complex128
    return np.result_type(np.dtype(a), np.dtype(b)).name


@pytest.mark.parametrize(("a", "b"), list(_table_pairs()))
def test_promotion_table_matches_numpy(a, b):
    expected = _expected_promotion(a, b)
    if expected is None:
        with pytest.raises(TypeError):
            xp.result_type(xp_dtype(a), xp_dtype(b))
        with pytest.raises(TypeError):
            xp.ones(2, dtype=xp_dtype(a)) + xp.ones(2, dtype=xp_dtype(b))
        return
    assert dtype_name(xp.result_type(xp_dtype(a), xp_dtype(b))) == expected
    # The operators promote with the same table.
    x1 = xp.ones(2, dtype=xp_dtype(a))
    x2 = xp.ones(2, dtype=xp_dtype(b))
    assert dtype_name((x1 == x2).dtype) == "bool"
    if a != "bool" or b != "bool":
        assert dtype_name((x1 * x2).dtype) == expected
    assert dtype_name(xp.result_type(x1, x2)) == expected


def test_uint64_with_signed_raises():
    for s in SIGNED_DTYPE_NAMES:
        with pytest.raises(TypeError):
            xp.result_type(xp.uint64, xp_dtype(s))


def test_float64_complex64_is_complex64():
    # Documented deviation: the standard says complex128, which MLX does not have.
    assert xp.result_type(xp.float64, xp.complex64) == xp.complex64


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("float16", "bfloat16", "float32"),
        ("float16", "float32", "float32"),
        ("bfloat16", "float32", "float32"),
        ("bfloat16", "bfloat16", "bfloat16"),
        ("float16", "float16", "float16"),
        ("float16", "float64", "float64"),
        ("float16", "complex64", "complex64"),
    ],
)
def test_half_types_promotion(a, b, expected):
    assert dtype_name(xp.result_type(xp_dtype(a), xp_dtype(b))) == expected
    assert dtype_name(xp.result_type(xp_dtype(b), xp_dtype(a))) == expected
    assert dtype_name((xp.ones(1, dtype=xp_dtype(a)) + xp.ones(1, dtype=xp_dtype(b))).dtype) \
        == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("int32", "float32", "float32"),
        ("int8", "float16", "float16"),
        ("bool", "int8", "int8"),
        ("uint64", "float32", "float32"),
        ("bool", "float32", "float32"),
        ("int16", "complex64", "complex64"),
    ],
)
def test_mixed_kind_extension(a, b, expected):
    assert dtype_name(xp.result_type(xp_dtype(a), xp_dtype(b))) == expected
    assert dtype_name(xp.result_type(xp_dtype(b), xp_dtype(a))) == expected


def test_result_type_with_python_scalars():
    x = xp.asarray([1, 2], dtype=xp.int8)
    assert xp.result_type(x, 1) == xp.int8
    assert xp.result_type(xp.int8, 1) == xp.int8
    # A scalar of a higher kind gives that kind's default dtype.
    assert xp.result_type(x, 1.5) == xp.float32
    assert xp.result_type(xp.float16, 1.5) == xp.float16
    assert xp.result_type(xp.float32, 1j) == xp.complex64
    assert xp.result_type(xp.bool, True) == xp.bool
    with pytest.raises(OverflowError):
        xp.result_type(x, 1000)
    with pytest.raises(OverflowError):
        xp.result_type(xp.uint8, -1)


def test_result_type_many_arguments():
    assert xp.result_type(xp.int8, xp.uint8, 1) == xp.int16
    assert xp.result_type(xp.ones(1, dtype=xp.int8), xp.int16, xp.uint8, 2, True) == xp.int16
    assert xp.result_type(xp.uint8, xp.int8, xp.float32) == xp.float32
    assert xp.result_type(xp.float32, xp.float64, 1.0, 1) == xp.float64


def test_result_type_errors():
    with pytest.raises((TypeError, ValueError)):
        xp.result_type()
    with pytest.raises((TypeError, ValueError)):
        xp.result_type(1, 2.0)
    assert xp.result_type(xp.int8, "int16") is xp.int16  # NumPy's spelling, as np.result_type
    with pytest.raises(TypeError):
        xp.result_type(xp.int8, "int17")


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        ("int8", "int16", True),
        ("int16", "int8", False),
        ("int8", "float32", False),
        ("float32", "complex64", True),
        ("float64", "complex64", False),
        ("bool", "int8", False),
        ("uint8", "int16", True),
        ("int8", "uint8", False),
        ("uint64", "int64", False),
        ("float32", "float64", True),
        ("float64", "float32", False),
        ("complex64", "float32", False),
        ("float16", "float32", True),
        ("int32", "int32", True),
    ],
)
def test_can_cast(src, dst, expected):
    assert xp.can_cast(xp_dtype(src), xp_dtype(dst)) is expected
    assert xp.can_cast(xp.ones(1, dtype=xp_dtype(src)), xp_dtype(dst)) is expected


@pytest.mark.parametrize(("a", "b"), list(_table_pairs()))
def test_can_cast_agrees_with_promotion(a, b):
    """Within the table, casting a to b is allowed exactly when promotion gives b."""
    expected = _expected_promotion(a, b) == b
    if {a, b} == {"float64", "complex64"}:
        expected = a == "complex64" and b == "complex64"  # complex64 cannot hold float64
    assert xp.can_cast(xp_dtype(a), xp_dtype(b)) is expected


@pytest.mark.parametrize(
    "name",
    [
        "float16",
        "float32",
        "float64",
        "complex64",
    ],
)
def test_finfo_matches_numpy(name):
    fi = xp.finfo(xp_dtype(name))
    ref = np.finfo(np.dtype(name))
    assert fi.eps == float(ref.eps)
    assert fi.max == float(ref.max)
    assert fi.min == float(ref.min)
    assert fi.smallest_normal == float(ref.smallest_normal)
    assert dtype_name(fi.dtype) == ref.dtype.name
    assert fi.bits == ref.bits


def test_finfo_bfloat16():
    fi = xp.finfo(xp.bfloat16)
    assert fi.bits == 16
    assert fi.eps == 2.0**-7
    assert fi.smallest_normal == 2.0**-126
    assert fi.max == float.fromhex("0x1.fep127")
    assert fi.min == -fi.max
    assert fi.dtype == xp.bfloat16


def test_finfo_of_an_array_and_errors():
    assert xp.finfo(xp.ones(1, dtype=xp.float64)).bits == 64
    with pytest.raises(TypeError):
        xp.finfo(xp.int32)
    with pytest.raises(TypeError):
        xp.finfo(xp.bool)


@pytest.mark.parametrize("name", INT_DTYPE_NAMES)
def test_iinfo_matches_numpy(name):
    ii = xp.iinfo(xp_dtype(name))
    ref = np.iinfo(np.dtype(name))
    assert (ii.bits, ii.min, ii.max) == (ref.bits, int(ref.min), int(ref.max))
    assert ii.dtype == xp_dtype(name)
    assert xp.iinfo(xp.zeros(1, dtype=xp_dtype(name))).max == int(ref.max)


def test_iinfo_errors():
    for name in ("bool", "float32", "complex64"):
        with pytest.raises(TypeError):
            xp.iinfo(xp_dtype(name))


KIND_MEMBERS = {
    "bool": {"bool"},
    "signed integer": {"int8", "int16", "int32", "int64"},
    "unsigned integer": {"uint8", "uint16", "uint32", "uint64"},
    "integral": set(INT_DTYPE_NAMES),
    "real floating": {"float16", "bfloat16", "float32", "float64"},
    "complex floating": {"complex64"},
    "numeric": set(ALL_DTYPE_NAMES) - {"bool"},
}


@pytest.mark.parametrize("kind", sorted(KIND_MEMBERS))
def test_isdtype_kinds(kind):
    got = {n for n in ALL_DTYPE_NAMES if xp.isdtype(xp_dtype(n), kind)}
    assert got == KIND_MEMBERS[kind]


def test_isdtype_with_tuples_and_dtypes():
    assert xp.isdtype(xp.int8, ("bool", "signed integer"))
    assert xp.isdtype(xp.bool, ("bool", "signed integer"))
    assert not xp.isdtype(xp.float32, ("bool", "integral"))
    assert xp.isdtype(xp.float32, ("integral", xp.float32))
    assert xp.isdtype(xp.float32, xp.float32)
    assert not xp.isdtype(xp.float32, xp.float64)
    assert not xp.isdtype(xp.float32, ())


def test_isdtype_errors():
    with pytest.raises(ValueError):
        xp.isdtype(xp.float32, "floating")
    with pytest.raises(ValueError):
        xp.isdtype(xp.float32, ("integral", "no such kind"))
    assert xp.isdtype(np.float32, "numeric")  # NumPy's spelling, as np.isdtype takes it
    with pytest.raises(TypeError):
        xp.isdtype("no dtype", "numeric")
    with pytest.raises(TypeError):
        xp.isdtype(xp.float32, 3)


@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
def test_dtype_objects(name):
    dt = xp_dtype(name)
    assert dt == dt
    assert not (dt != dt)
    # Comparing with anything else answers False instead of raising.
    assert (dt == None) is False  # noqa: E711 - the comparison itself is tested
    assert dt != None  # noqa: E711
    assert (dt == name) is True  # NumPy's spelling, as np.dtype("float32") == "float32"
    assert (dt == 1) is False
    assert (dt == "not a dtype") is False
    assert {dt: 1}[dt] == 1
    assert hash(dt) == hash(xp_dtype(name))
    others = [xp_dtype(n) for n in ALL_DTYPE_NAMES if n != name]
    assert all(dt != o for o in others)
    assert len({dt, *others}) == len(ALL_DTYPE_NAMES)
    assert pickle.loads(pickle.dumps(dt)) is dt


@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
def test_mlx_dtypes_are_other_objects(name):
    """An ``mx.Dtype`` is not equal to a tmath dtype (their hashes differ, so equality would
    break dicts and sets); it is still accepted wherever a dtype is."""
    mx_name = "bool_" if name == "bool" else name
    dt = xp_dtype(name)
    assert (dt == getattr(mx, mx_name)) is False
    assert dt._mx == getattr(mx, mx_name)
    assert xp.asarray(mx.zeros(2, dtype=getattr(mx, mx_name))).dtype is dt
    assert xp.zeros(2, dtype=getattr(mx, mx_name)).dtype is dt


NUMPY_SPELLINGS = [
    (bool, "bool"), (int, "int64"), (float, "float64"), (complex, "complex64"),
    ("f4", "float32"), ("f8", "float64"), ("i8", "int64"), ("i4", "int32"), ("u1", "uint8"),
    ("int16", "int16"), ("float", "float64"), ("bfloat16", "bfloat16"), ("?", "bool"),
    (np.float32, "float32"), (np.int8, "int8"), (np.uint64, "uint64"), (np.bool_, "bool"),
    (np.dtype("float16"), "float16"), (np.dtype(">i2"), "int16"), (np.complex128, "complex64"),
]


@pytest.mark.parametrize("spelling,name", NUMPY_SPELLINGS, ids=repr)
def test_numpy_spellings_of_dtypes(spelling, name):
    """Every NumPy spelling names the dtype np.dtype gives (complex128 is complex64 here)."""
    dt = xp_dtype(name)
    if name not in ("bfloat16", "complex64"):
        assert np.dtype(spelling).name == name  # the oracle
    assert xp.dtype(spelling) is dt
    assert dt == spelling and not (dt != spelling)
    assert xp.zeros(2, dtype=spelling).dtype is dt
    assert xp.astype(xp.ones(2), spelling).dtype is dt
    assert xp.asarray([1, 0], dtype=spelling).dtype is dt


def test_non_dtypes_are_refused():
    for bad in ("f3", "complex256", "object", "U8", 1.5, None, [1]):
        with pytest.raises(TypeError):
            xp.dtype(bad)
    with pytest.raises(TypeError):
        xp.zeros(2, dtype="float128")
    assert xp.dtype(xp.ones(2, dtype=xp.int8)) is xp.int8


# --- astype ---------------------------------------------------------------------

_CAST_NAMES = ("bool", "int8", "int32", "int64", "uint8", "uint32", "float32", "float64")


@given(data=st.data(), src=st.sampled_from(_CAST_NAMES), dst=st.sampled_from(_CAST_NAMES))
def test_astype_matches_numpy(data, src, dst):
    """Casts of values every dtype holds (0..100, or booleans) agree with NumPy."""
    elements = st.booleans() if "bool" in (src, dst) else st.integers(0, 100)
    a = data.draw(hnp.arrays(np.dtype(src), hnp.array_shapes(min_dims=0, max_dims=2),
                             elements=elements))
    assert_array_equal(xp.astype(xp.asarray(a), xp_dtype(dst)), a.astype(dst))


def test_astype_float_to_int_truncates():
    x = xp.asarray([1.7, -1.7, 0.2], dtype=xp.float64)
    assert_array_equal(xp.astype(x, xp.int32), np.array([1, -1, 0], np.int32))
    assert_array_equal(xp.astype(x, xp.bool), np.array([True, True, True]))


def test_astype_copy_and_errors():
    x = xp.asarray([1, 2], dtype=xp.int16)
    assert xp.astype(x, xp.int16, copy=False) is x
    y = xp.astype(x, xp.int16)
    assert y is not x
    y[0] = 7
    assert x.tolist() == [1, 2]
    with pytest.raises(TypeError):
        xp.astype(xp.asarray([1j]), xp.float32)
    with pytest.raises(TypeError):
        xp.astype(x, "float33")
    assert_array_equal(xp.astype(xp.asarray([1j]), xp.complex64), np.array([1j], np.complex64))


# --- dtypes called like NumPy's scalar types (np.float32(1.5)) ---------------------------
@pytest.mark.parametrize("name,value", [
    ("float32", 1.5), ("float64", 0.1), ("int32", 2.7), ("int32", -2.7), ("uint8", 255),
    ("bool", 1), ("complex64", 1 - 2j), ("int64", True), ("float16", 65504.0),
])
def test_dtype_called_on_a_python_scalar_matches_numpy(name, value):
    got = getattr(xp, name)(value)
    want = getattr(np, name if name != "bool" else "bool_")(value)
    assert got.shape == () and got.dtype == getattr(xp, name)
    assert np.asarray(got).item() == want.item()


def test_dtype_called_on_an_array_casts_it():
    x = xp.asarray([1.5, -2.5, 3.0])
    got = xp.int32(x)
    assert got.dtype == xp.int32
    assert got.tolist() == np.int32(np.asarray([1.5, -2.5, 3.0])).tolist()
    assert xp.float32().tolist() == 0.0


def test_dtype_called_out_of_range_raises_overflow_like_numpy():
    with pytest.raises(OverflowError):
        xp.int8(300)
    with pytest.raises(OverflowError):
        np.int8(300)


@pytest.mark.parametrize("name", ["bool", "int8", "uint8", "float16", "float32", "float64",
                                  "complex64"])
@pytest.mark.parametrize("text", [b"ab", "ab", b"", "", "1.5", " 12 ", "nan", "1+2j", b"7",
                                  "300", b"\xff"])
def test_dtype_called_on_text_parses_it_like_numpy(name, text):
    """NumPy's scalar types parse text; a bool is the text's truth (np.bool(b"ab") is True)."""
    np_type = getattr(np, name)
    try:
        want = np_type(text)
    except (ValueError, OverflowError) as exc:
        with pytest.raises(ValueError if isinstance(exc, ValueError) else OverflowError):
            getattr(xp, name)(text)
        return
    got = getattr(xp, name)(text)
    assert got.shape == () and got.dtype == getattr(xp, name)
    np.testing.assert_array_equal(np.asarray(got), want)


# --- a bool operand beside a numeric one (mask * x): the porting extension ---------------
@pytest.mark.parametrize("op", ["add", "multiply", "subtract", "atan2", "maximum"])
@pytest.mark.parametrize("other", ["float32", "int16", "scalar-float", "scalar-int"])
def test_bool_beside_numeric_promotes_like_numpy(op, other):
    m = np.array([True, False, True])
    o = {"float32": np.array([1.5, -2.0, 3.0], np.float32), "int16": np.array([4, 5, -6], np.int16),
         "scalar-float": 2.5, "scalar-int": 3}[other]
    if op == "atan2" and other in ("int16", "scalar-int"):
        # integers in a floating function are computed in the default float (NumPy: float64)
        got = xp.atan2(xp.asarray(m), xp.asarray(o) if isinstance(o, np.ndarray) else o)
        assert got.dtype == xp.float32
        np.testing.assert_allclose(np.asarray(got), np.arctan2(m, o), rtol=1e-6)
        return
    xo = xp.asarray(o) if isinstance(o, np.ndarray) else o
    fn, npfn = getattr(xp, op), getattr(np, "arctan2" if op == "atan2" else op)
    for got, want in ((fn(xp.asarray(m), xo), npfn(m, o)), (fn(xo, xp.asarray(m)), npfn(o, m))):
        # NumPy gives float64/int64 for Python numbers; ours are the default float32/int32.
        want_dt = {"scalar-float": np.float32, "scalar-int": np.int32}.get(other, want.dtype)
        assert np.dtype(dtype_name(got.dtype)) == want_dt
        np.testing.assert_allclose(np.asarray(got), want.astype(want_dt), rtol=1e-6)


def test_bool_with_bool_keeps_the_standard_categories():
    m = xp.asarray([True, False])
    for bad in (lambda: m + m, lambda: m * True, lambda: -m, lambda: xp.subtract(m, m)):
        with pytest.raises(TypeError):
            bad()
    # (the logical functions take any dtype by its truth, as NumPy's: docs/elementwise.md)
    got = xp.logical_and(m, xp.asarray([1.0, 2.0]))
    assert got.dtype == xp.bool
    np.testing.assert_array_equal(np.asarray(got), [True, False])
