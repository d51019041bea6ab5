"""The Array object's operators against NumPy: arithmetic, comparison, bitwise, shifts,
Python scalar operands, reflected and in-place forms, and ``@``."""

from __future__ import annotations

import operator

import numpy as np
import pytest
from helpers import (
    INT_DTYPE_NAMES,
    SIGNED_DTYPE_NAMES,
    assert_array_equal,
    assert_close,
    elements,
    np_dtype,
    xp_dtype,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp

FLOAT_NAMES = ("float32", "float64")
pairs_of_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4)


@st.composite
def operand_pair(draw, names, lo=None, hi=None, lo2=None, hi2=None):
    """(dtype name, a, b): two broadcastable NumPy arrays of one dtype."""
    name = draw(st.sampled_from(names))
    shapes = draw(pairs_of_shapes).input_shapes
    a = draw(hnp.arrays(np_dtype(name), shapes[0], elements=elements(name, lo, hi)))
    b = draw(hnp.arrays(np_dtype(name), shapes[1], elements=elements(
        name, lo if lo2 is None else lo2, hi if hi2 is None else hi2)))
    return name, a, b


def np_op(op, *args):
    with np.errstate(all="ignore"):
        return op(*args)


def check(x, expected, name):
    if name in INT_DTYPE_NAMES or name == "bool" or expected.dtype == np.bool_:
        assert_array_equal(x, expected)
    else:
        assert_close(x, expected, atol=1e-5 if name != "float16" else 1e-2)


# --- binary operators against NumPy -------------------------------------------------

ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul}
ARITH_DTYPES = INT_DTYPE_NAMES + ("float16", "float32", "float64", "complex64")


@given(case=operand_pair(ARITH_DTYPES), op=st.sampled_from(sorted(ARITH)))
def test_arithmetic(case, op):
    name, a, b = case
    check(ARITH[op](xp.asarray(a), xp.asarray(b)), np_op(ARITH[op], a, b), name)


@given(case=operand_pair(FLOAT_NAMES))
def test_true_divide_float(case):
    """Zero divisors included: +-inf and nan as in NumPy."""
    name, a, b = case
    check(xp.asarray(a) / xp.asarray(b), np_op(operator.truediv, a, b), name)


@given(case=operand_pair(("complex64",), lo=-10, hi=10))
def test_true_divide_complex(case):
    """Away from zero divisors (the standard leaves most complex special cases open)."""
    _, a, b = case
    assume(np.abs(b).min(initial=1.0) > 0.5)
    expected = np_op(operator.truediv, a.astype(np.complex128), b).astype(np.complex64)
    atol = 1e-5 * max(1.0, np.abs(expected).max(initial=0))
    assert_close(xp.asarray(a) / xp.asarray(b), expected, atol=atol)


@given(case=operand_pair(INT_DTYPE_NAMES, lo=-(2**20), hi=2**20))
def test_true_divide_int_gives_float32(case):
    _, a, b = case
    assume((b != 0).all())
    expected = np_op(operator.truediv, a.astype(np.float64), b)
    assert_close(xp.asarray(a) / xp.asarray(b), expected.astype(np.float32), rtol=1e-5)


def _divisors(name):
    special = [0, 1] + ([-1] if name in SIGNED_DTYPE_NAMES else [])
    return st.sampled_from(special) | elements(name)


@st.composite
def int_division_case(draw):
    name = draw(st.sampled_from(INT_DTYPE_NAMES))
    shapes = draw(pairs_of_shapes).input_shapes
    a = draw(hnp.arrays(np.dtype(name), shapes[0], elements=elements(name)))
    b = draw(hnp.arrays(np.dtype(name), shapes[1], elements=_divisors(name)))
    return name, a, b


@given(case=int_division_case(), op=st.sampled_from([operator.floordiv, operator.mod]))
def test_int_floordiv_and_mod(case, op):
    """Division by zero gives 0 and MIN // -1 wraps, as in NumPy."""
    name, a, b = case
    check(op(xp.asarray(a), xp.asarray(b)), np_op(op, a, b), name)


@given(case=operand_pair(FLOAT_NAMES, lo=-100, hi=100, lo2=1, hi2=20),
       flip=st.booleans(), op=st.sampled_from([operator.floordiv, operator.mod]))
def test_float_floordiv_and_mod(case, flip, op):
    name, a, b = case
    a, b = np.round(a), np.round(b) * (-1 if flip else 1)  # exact integer values
    check(op(xp.asarray(a), xp.asarray(b)), np_op(op, a, b), name)


def test_int_division_edge_cases():
    m = xp.asarray([-(2**31)], dtype=xp.int32)
    assert (m // -1).tolist() == [-(2**31)]
    assert (m % -1).tolist() == [0]
    x = xp.asarray([7, -7, 0], dtype=xp.int32)
    assert (x // 0).tolist() == [0, 0, 0]
    assert (x % 0).tolist() == [0, 0, 0]
    assert (x // xp.zeros(3, dtype=xp.int32)).tolist() == [0, 0, 0]
    assert (xp.asarray([5], dtype=xp.uint8) // 0).tolist() == [0]


@given(case=operand_pair(("int16", "int32", "int64"), lo=-6, hi=6, lo2=0, hi2=5))
def test_int_pow(case):
    name, a, b = case
    check(xp.asarray(a) ** xp.asarray(b), np_op(operator.pow, a, b), name)


@given(case=operand_pair(FLOAT_NAMES, lo=0.5, hi=4, lo2=-3, hi2=3))
def test_float_pow(case):
    name, a, b = case
    assert_close(xp.asarray(a) ** xp.asarray(b), np_op(operator.pow, a, b), rtol=1e-5)


@pytest.mark.parametrize("name", SIGNED_DTYPE_NAMES)
def test_int_pow_negative_exponent(name):
    dt = xp_dtype(name)
    base = xp.asarray([1, -1, -1, 2, -2, 3], dtype=dt)
    exp = xp.asarray([-1, -1, -2, -1, -3, -2], dtype=dt)
    assert (base ** exp).tolist() == [1, -1, 1, 0, 0, 0]
    assert (xp.asarray(1, dtype=dt) ** -1).tolist() == 1
    assert (xp.asarray(-1, dtype=dt) ** -1).tolist() == -1
    assert (xp.asarray(-1, dtype=dt) ** -2).tolist() == 1
    assert (xp.asarray(2, dtype=dt) ** -1).tolist() == 0


COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
           "==": operator.eq, "!=": operator.ne}


@given(case=operand_pair(INT_DTYPE_NAMES + FLOAT_NAMES + ("float16",), lo=-50, hi=50),
       op=st.sampled_from(sorted(COMPARE)))
def test_comparisons(case, op):
    name, a, b = case
    assert_array_equal(COMPARE[op](xp.asarray(a), xp.asarray(b)), COMPARE[op](a, b))


@given(case=operand_pair(("bool", "complex64"), lo=-2, hi=2),
       op=st.sampled_from(["==", "!="]))
def test_equality_bool_and_complex(case, op):
    _, a, b = case
    assert_array_equal(COMPARE[op](xp.asarray(a), xp.asarray(b)), COMPARE[op](a, b))


BITWISE = {"&": operator.and_, "|": operator.or_, "^": operator.xor}


@given(case=operand_pair(INT_DTYPE_NAMES + ("bool",)), op=st.sampled_from(sorted(BITWISE)))
def test_bitwise(case, op):
    name, a, b = case
    check(BITWISE[op](xp.asarray(a), xp.asarray(b)), BITWISE[op](a, b), name)


@st.composite
def shift_case(draw):
    name = draw(st.sampled_from(INT_DTYPE_NAMES))
    bits = np.iinfo(name).bits
    shapes = draw(pairs_of_shapes).input_shapes
    a = draw(hnp.arrays(np.dtype(name), shapes[0], elements=elements(name)))
    b = draw(hnp.arrays(np.dtype(name), shapes[1], elements=st.integers(0, bits - 1)))
    return name, a, b


@given(case=shift_case(), op=st.sampled_from([operator.lshift, operator.rshift]))
def test_shifts(case, op):
    name, a, b = case
    check(op(xp.asarray(a), xp.asarray(b)), np_op(op, a, b), name)


@pytest.mark.parametrize("name", INT_DTYPE_NAMES)
def test_shift_by_bit_width_or_more(name):
    bits = np.iinfo(name).bits
    dt = xp_dtype(name)
    x = xp.asarray([1, 5, np.iinfo(name).max], dtype=dt)
    for count in (bits, bits + 1, min(2 * bits + 3, np.iinfo(name).max)):
        assert (x << count).tolist() == [0, 0, 0]
        assert (x >> count).tolist() == [0, 0, 0]
    if name in SIGNED_DTYPE_NAMES:
        neg = xp.asarray([-1, -8, np.iinfo(name).min], dtype=dt)
        assert (neg >> bits).tolist() == [-1, -1, -1]
        assert (neg << bits).tolist() == [0, 0, 0]


UNARY = {"-": operator.neg, "+": operator.pos, "abs": abs}


@given(case=operand_pair(INT_DTYPE_NAMES + FLOAT_NAMES), op=st.sampled_from(sorted(UNARY)))
def test_unary(case, op):
    name, a, _ = case
    check(UNARY[op](xp.asarray(a)), np_op(UNARY[op], a), name)


@given(case=operand_pair(INT_DTYPE_NAMES + ("bool",)))
def test_invert(case):
    name, a, _ = case
    check(~xp.asarray(a), ~a, name)


@given(case=operand_pair(("int8", "uint8", "int32", "uint16", "int64", "float32", "float64"),
                         lo=-100, hi=100),
       op=st.sampled_from(["+", "-", "*"]))
def test_mixed_dtype_operands(case, op):
    """Operands of two dtypes promote (the other operand is cast to a second dtype)."""
    name, a, b = case
    other = {"int8": "int16", "uint8": "int8", "int32": "uint8", "uint16": "uint32",
             "int64": "int32", "float32": "float64", "float64": "float32"}[name]
    b = b.astype(other)
    check(ARITH[op](xp.asarray(a), xp.asarray(b)), np_op(ARITH[op], a, b), name)


@given(case=operand_pair(("float32",), lo=-100, hi=100),
       op=st.sampled_from(["+", "-", "*", "/"]))
def test_bfloat16_arithmetic(case, op):
    """bfloat16 (an extension) keeps its dtype; values agree with float32 to its precision."""
    _, a, b = case
    x = xp.astype(xp.asarray(a), xp.bfloat16)
    y = xp.astype(xp.asarray(b), xp.bfloat16)
    f = {**ARITH, "/": operator.truediv}[op]
    xa = np.asarray(xp.astype(x, xp.float32))
    ya = np.asarray(xp.astype(y, xp.float32))
    if op == "/":
        assume(np.all(np.abs(ya) > 1e-3))
    expected = np_op(f, xa, ya)
    # One bfloat16 rounding of the result (of the operands' size for + and -).
    scale = np.abs(expected) if op in "*/" else np.maximum(np.abs(xa), np.abs(ya))
    got = f(x, y)
    assert got.dtype == xp.bfloat16
    got_np = np.asarray(xp.astype(got, xp.float32))
    assert got_np.shape == expected.shape
    assert np.all(np.abs(got_np - expected) <= 2.0**-7 * scale + 1e-30)


# --- Python scalar operands -----------------------------------------------------

OPS_WITH_SCALARS = {**ARITH, "//": operator.floordiv, "%": operator.mod, "&": operator.and_,
                    "|": operator.or_, "^": operator.xor, "<": operator.lt, "==": operator.eq}


@given(data=st.data(), name=st.sampled_from(INT_DTYPE_NAMES),
       op=st.sampled_from(sorted(OPS_WITH_SCALARS)))
def test_int_array_with_python_int(data, name, op):
    a = data.draw(hnp.arrays(np.dtype(name), hnp.array_shapes(max_dims=2, max_side=4),
                             elements=elements(name)))
    s = data.draw(elements(name))
    # ``x // s`` and ``x % s`` for the other integer dtypes: test_floordiv_mod_python_int.
    assume(op not in ("//", "%") or name in ("int32", "int64"))
    f = OPS_WITH_SCALARS[op]
    x = xp.asarray(a)
    assert_array_equal(f(x, s), np_op(f, a, s))
    assert_array_equal(f(s, x), np_op(f, s, a))


@pytest.mark.parametrize("op", [operator.floordiv, operator.mod], ids=["//", "%"])
@pytest.mark.parametrize("name", [
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"])
def test_floordiv_mod_python_int(name, op):
    a = np.array([7, 100, 0, np.iinfo(name).max], dtype=name)
    x = xp.asarray(a)
    for s in (2, 3, 1, 0):
        assert_array_equal(op(x, s), np_op(op, a, s))


@given(data=st.data(), name=st.sampled_from(FLOAT_NAMES),
       op=st.sampled_from(["+", "-", "*", "/", "<", "=="]))
def test_float_array_with_python_scalars(data, name, op):
    a = data.draw(hnp.arrays(np.dtype(name), hnp.array_shapes(max_dims=2, max_side=4),
                             elements=elements(name, -100, 100)))
    s = data.draw(st.floats(-100, 100) | st.integers(-100, 100))
    f = {**OPS_WITH_SCALARS, "/": operator.truediv}[op]
    x = xp.asarray(a)
    check(f(x, s), np_op(f, a, s), name)
    check(f(s, x), np_op(f, s, a), name)


def test_int_array_with_python_float_gives_float32():
    x = xp.asarray([1, 2, 3], dtype=xp.int16)
    for y in (x * 1.5, 1.5 * x, x + 0.5, 0.5 - x, x / 2):
        assert y.dtype == xp.float32
    assert_close(x * 1.5, np.array([1.5, 3.0, 4.5], np.float32))
    assert_close(10.0 - x, np.array([9, 8, 7], np.float32))


def test_scalar_out_of_dtype_range_raises():
    with pytest.raises(OverflowError):
        xp.asarray([1], dtype=xp.int8) + 1000
    with pytest.raises(OverflowError):
        xp.asarray([1], dtype=xp.uint8) - (-1)


def test_unknown_operand_types_are_not_implemented():
    x = xp.asarray([1, 2])
    for dunder in ("__add__", "__radd__", "__sub__", "__mul__", "__truediv__", "__and__",
                   "__lshift__", "__lt__", "__eq__", "__matmul__", "__rmatmul__", "__iadd__"):
        assert getattr(x, dunder)(object()) is NotImplemented, dunder
    with pytest.raises(TypeError):
        x + object()
    with pytest.raises(TypeError):
        object() - x
    with pytest.raises(TypeError):
        x < object()  # noqa: B015 - the comparison itself is tested
    assert int(x @ [1, 2]) == np.asarray([1, 2]) @ [1, 2]  # a list is an array-like, as NumPy
    assert (x == object()) is False
    with pytest.raises(TypeError):
        x + "ab"


# --- reflected and in-place forms --------------------------------------------------

INPLACE = {"+": operator.iadd, "-": operator.isub, "*": operator.imul,
           "//": operator.ifloordiv, "%": operator.imod, "&": operator.iand,
           "|": operator.ior, "^": operator.ixor, "<<": operator.ilshift,
           ">>": operator.irshift}
PLAIN = {"+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv,
         "%": operator.mod, "&": operator.and_, "|": operator.or_, "^": operator.xor,
         "<<": operator.lshift, ">>": operator.rshift}
REFLECTED = {"+": "__radd__", "-": "__rsub__", "*": "__rmul__", "//": "__rfloordiv__",
             "%": "__rmod__", "&": "__rand__", "|": "__ror__", "^": "__rxor__",
             "<<": "__rlshift__", ">>": "__rrshift__"}


@given(data=st.data(), name=st.sampled_from(("int8", "int32", "uint16", "int64")),
       op=st.sampled_from(sorted(INPLACE)))
def test_inplace_and_reflected_int(data, name, op):
    shape = data.draw(hnp.array_shapes(max_dims=2, max_side=4))
    a = data.draw(hnp.arrays(np.dtype(name), shape, elements=elements(name)))
    hi = np.iinfo(name).bits - 1 if op in ("<<", ">>") else None
    b = data.draw(hnp.arrays(np.dtype(name), shape[1:],
                             elements=elements(name, 0 if hi else None, hi)))
    expected = np_op(PLAIN[op], a, b)
    x, y = xp.asarray(a), xp.asarray(b)
    assert_array_equal(getattr(y, REFLECTED[op])(x), expected)
    original = x
    x = INPLACE[op](x, y)
    assert x is original
    assert_array_equal(x, expected)


@given(case=operand_pair(FLOAT_NAMES, lo=-100, hi=100),
       op=st.sampled_from(["+", "-", "*", "/", "**"]))
def test_inplace_and_reflected_float(case, op):
    name, a, b = case
    assume(np.broadcast_shapes(a.shape, b.shape) == a.shape)
    f = {**PLAIN, "/": operator.truediv, "**": operator.pow}[op]
    fi = {**INPLACE, "/": operator.itruediv, "**": operator.ipow}[op]
    r = {**REFLECTED, "/": "__rtruediv__", "**": "__rpow__"}[op]
    if op == "**":
        a = np.abs(a) + 1
        b = b / 50
    expected = np_op(f, a, b)
    x, y = xp.asarray(a), xp.asarray(b)
    check(getattr(y, r)(x), expected, name)
    original = x
    x = fi(x, y)
    assert x is original
    check(x, expected, name)
    z = xp.asarray(a)
    z += 2
    check(z, a + 2, name)


def test_inplace_dtype_change_raises():
    x = xp.asarray([1, 2], dtype=xp.int32)
    with pytest.raises(TypeError):
        x += 1.5
    with pytest.raises(TypeError):
        x /= 2
    with pytest.raises(TypeError):
        x += xp.asarray([1, 2], dtype=xp.int64)
    assert x.tolist() == [1, 2]
    y = xp.asarray([1.0, 2.0], dtype=xp.float32)
    with pytest.raises(TypeError):
        y *= xp.asarray([1.0, 2.0], dtype=xp.float64)


def test_inplace_shape_change_raises():
    x = xp.ones(3)
    with pytest.raises(ValueError):
        x += xp.ones((2, 3))


# --- matmul -------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((2, 3), (3, 4)), ((1, 1), (1, 1)), ((3,), (3, 2)), ((2, 3), (3,)), ((4,), (4,)),
    ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)), ((2, 1, 2, 3), (3, 3, 1)),
    ((0, 3), (3, 2)), ((2, 0), (0, 3)),
]


@pytest.mark.parametrize(("s1", "s2"), MATMUL_SHAPES)
@pytest.mark.parametrize("name", ["float32", "float64", "int32", "int8", "uint8"])
def test_matmul(s1, s2, name):
    rng = np.random.default_rng(0)
    a = rng.integers(-20, 20, s1).astype(name)
    b = rng.integers(-20, 20, s2).astype(name)
    check(xp.asarray(a) @ xp.asarray(b), a @ b, name)


@given(case=operand_pair(("float32",), lo=-10, hi=10), data=st.data())
def test_matmul_hypothesis(case, data):
    _, _, _ = case
    n, k, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    s1, s2 = batch.input_shapes
    a = data.draw(hnp.arrays(np.float32, s1 + (n, k), elements=elements("float32", -10, 10)))
    b = data.draw(hnp.arrays(np.float32, s2 + (k, m), elements=elements("float32", -10, 10)))
    assert_close(xp.asarray(a) @ xp.asarray(b), a @ b, atol=1e-3)


def test_inplace_matmul():
    a = np.arange(4, dtype=np.float32).reshape(2, 2)
    x = xp.asarray(a)
    original = x
    x @= xp.asarray(a)
    assert x is original
    assert_close(x, a @ a)
    with pytest.raises(ValueError):
        x @= xp.ones((2, 3))


def test_matmul_errors():
    with pytest.raises(ValueError):
        xp.ones((2, 3)) @ xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.ones((2, 3), dtype=xp.int32) @ xp.ones((4,), dtype=xp.int32)
    with pytest.raises(ValueError):
        xp.asarray(1.0) @ xp.ones(1)
    with pytest.raises(TypeError):
        xp.asarray([True]) @ xp.asarray([True])


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.lt, operator.eq, operator.matmul, operator.pow])
def test_numpy_operands_give_arrays_without_a_sync(op):
    """``x + np_array`` and ``np_array + x`` give Arrays (as jax.numpy does), lazily."""
    a = np.array([1.5, 2.0, 4.0], np.float32)
    xn = np.array([3.0, -1.0, 0.5], np.float32)
    x = xp.asarray(xn)
    pairs = [(x, a, xn, a), (a, x, a, xn)]
    if op is not operator.matmul:
        pairs.append((x, np.float32(2), xn, np.float32(2)))
    for left, right, nleft, nright in pairs:
        before = xp.sync_stats()
        got = op(left, right)
        assert (xp.sync_stats() - before).total == 0
        want = np.asarray(op(nleft, nright))
        assert isinstance(got, xp.Array)
        assert np.dtype(str(got.dtype).split(".")[-1]) == want.dtype
        assert_close(got, want)


def test_numpy_operand_dtype_promotes_and_in_place_keeps_dtype():
    x = xp.asarray([1, 2], dtype=xp.int16)
    assert (x + np.array([1, 2], np.int32)).dtype == xp.int32
    assert (np.array([0.5, 1.5], np.float32) * x).dtype == xp.float32
    y = xp.asarray([1.0, 2.0])
    y += np.array([10.0, 20.0], np.float32)
    assert y.tolist() == [11.0, 22.0]
    with pytest.raises(TypeError):
        x += np.array([0.5, 1.5], np.float32)  # would change int16 to float32
    # A NumPy ufunc still converts the array (an explicit NumPy call): a NumPy result.
    assert isinstance(np.sin(y), np.ndarray)


@pytest.mark.parametrize("name", ["float32", "complex64", "int8"])
def test_matmul_batches_that_do_not_broadcast(name):
    # (found by tools/fuzz: the floating path leaked MLX's "[broadcast_shapes] ..." error)
    x1 = xp.ones((0, 1, 2), dtype=xp_dtype(name))
    x2 = xp.ones((2, 2, 2), dtype=xp_dtype(name))
    with pytest.raises(ValueError, match=r"^matmul: .*\(0.*\(2.* broadcast"):
        x1 @ x2
    with pytest.raises(ValueError, match=r"^matmul: "):
        xp.matmul(xp.ones((3, 2, 2), dtype=xp_dtype(name)), x2)


@pytest.mark.parametrize("op", [operator.add, operator.mul, operator.truediv, operator.and_,
                                operator.lt, operator.eq, operator.iadd, operator.rshift],
                         ids=lambda op: op.__name__)
def test_operands_that_do_not_broadcast(op):
    # (found by tools/fuzz: MLX's own "[broadcast_shapes] ..." ValueError leaked out)
    x, y = xp.ones((3, 3), dtype=xp.int32), xp.ones((4,), dtype=xp.int32)
    with pytest.raises(ValueError, match=r"shapes \(3, 3\) and \(4,\) cannot be broadcast"):
        op(x, y)
    with pytest.raises(ValueError, match=r"shapes \(4,\) and \(3, 3\) cannot be broadcast"):
        op(y, x)
