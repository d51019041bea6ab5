"""The operations of the differential soak: elementwise functions and operators.

Each operation takes a :class:`soak_program.Program`, draws its operands and parameters,
computes the oracle (raising ``RejectError`` when the draw does not suit it) and runs tmath_array
through ``p.run``. The structural operations (reductions, manipulation, indexing, sorting)
are in soak_ops_struct.py.
"""

from __future__ import annotations

import operator

import numpy as np
import soak_oracle as o
from soak_oracle import FLOATS, INTS, Value, float_result, rounding
from soak_program import RejectError, dtype_of

import tmath_array as xp

# --- Python scalars ----------------------------------------------------------------------


def scalar_for(p, dt: str, *, floats_with_ints: bool = True, ugly: bool = True):
    """A Python scalar to combine with an array of ``dt`` (it adopts ``dt`` or is a float)."""
    if dt == "bool":
        return p.coin()
    if dt in INTS:
        if floats_with_ints and p.coin(0.1):
            return float(p.rng.integers(-8, 9)) / 4
        info = np.iinfo(dt)
        if p.coin(0.1):
            return int(p.choice([info.min, info.max]))
        return int(np.clip(p.rng.integers(-8, 9), info.min, info.max))
    if p.coin(0.15):
        return int(p.rng.integers(-8, 9))
    if ugly and p.coin(0.1):
        return p.choice([0.1, -1 / 3, 2.7182818])
    return float(p.rng.integers(-12, 13)) / 4


def scalar_dtype(s, dt: str) -> str:
    """The dtype a Python scalar takes next to an array of ``dt`` (docs/dtypes.md)."""
    k = 0 if isinstance(s, bool) else 1 if isinstance(s, int) else 2
    if k <= o.kind(dt):
        return dt
    return {1: "int32", 2: "float32"}[k]


def scalar_value(s, dt: str) -> Value:
    if dt in FLOATS:
        return float_result(dt, np.float64(s), None, True)
    return Value(dt, s)


# --- elementwise unary functions --------------------------------------------------------

def _monotone(f):
    """Propagated error of a monotone ``f``: its largest move over ``[x - e, x + e]``."""
    def prop(x, e):
        fx = f(x)
        return np.maximum(np.abs(f(x + e) - fx), np.abs(f(x - e) - fx))
    return prop


# name -> (NumPy function, domain predicate on (x, e), propagated error, |x f'(x)|, ulps)
UNARY = {
    "exp": (np.exp, lambda x, e: np.abs(x) + e < 8, _monotone(np.exp),
            lambda x: np.abs(x * np.exp(x)), 64),
    "expm1": (np.expm1, lambda x, e: np.abs(x) + e < 8, _monotone(np.expm1),
              lambda x: np.abs(x * np.exp(x)), 64),
    "log": (np.log, lambda x, e: x - 2 * e > 2**-4, _monotone(np.log), lambda x: 1.0 + 0 * x, 64),
    "log1p": (np.log1p, lambda x, e: x - 2 * e > -1 + 2**-4, _monotone(np.log1p),
              lambda x: np.abs(x / (1 + x)), 64),
    "log2": (np.log2, lambda x, e: x - 2 * e > 2**-4, _monotone(np.log2),
             lambda x: 1.0 + 0 * x, 64),
    "log10": (np.log10, lambda x, e: x - 2 * e > 2**-4, _monotone(np.log10),
              lambda x: 1.0 + 0 * x, 64),
    "sqrt": (np.sqrt, lambda x, e: x - 2 * e >= 0, _monotone(lambda x: np.sqrt(np.maximum(x, 0))),
             lambda x: np.sqrt(np.abs(x)), 4),
    "sin": (np.sin, lambda x, e: np.abs(x) < 64, lambda x, e: e, np.abs, 64),
    "cos": (np.cos, lambda x, e: np.abs(x) < 64, lambda x, e: e, np.abs, 64),
    "tan": (np.tan, lambda x, e: np.abs(x) + 2 * e < 1.3, _monotone(np.tan),
            lambda x: np.abs(x) / np.cos(x) ** 2, 64),
    "tanh": (np.tanh, lambda x, e: np.isfinite(x), _monotone(np.tanh), np.abs, 64),
    "sinh": (np.sinh, lambda x, e: np.abs(x) + e < 8, _monotone(np.sinh),
             lambda x: np.abs(x * np.cosh(x)), 64),
    "cosh": (np.cosh, lambda x, e: np.abs(x) + e < 8,
             lambda x, e: np.sinh(np.abs(x) + e) * e, lambda x: np.abs(x * np.sinh(x)), 64),
    "asin": (np.arcsin, lambda x, e: np.abs(x) + 2 * e < 0.9, _monotone(np.arcsin), np.abs, 64),
    "acos": (np.arccos, lambda x, e: np.abs(x) + 2 * e < 0.9, _monotone(np.arccos), np.abs, 64),
    "atan": (np.arctan, lambda x, e: np.isfinite(x), _monotone(np.arctan), np.abs, 64),
    "asinh": (np.arcsinh, lambda x, e: np.isfinite(x), _monotone(np.arcsinh), np.abs, 64),
    "acosh": (np.arccosh, lambda x, e: x - 2 * e > 1.0625, _monotone(np.arccosh),
              lambda x: np.abs(x), 64),
    "atanh": (np.arctanh, lambda x, e: np.abs(x) + 2 * e < 0.9, _monotone(np.arctanh),
              lambda x: np.abs(x) * 10, 64),
}


def unary_math(p) -> None:
    name = p.choice(UNARY)
    f, domain, prop, cond, ulps = UNARY[name]
    a = p.pick(lambda v: v.dt in FLOATS)
    x, e = a.o.val, a.o.e()
    if not np.all(domain(x, e)):
        raise RejectError
    with np.errstate(all="ignore"):
        r = f(x)
        err = prop(x, e) + rounding(a.dt, r, ulps) + ulps * o.EPS[a.dt] * cond(x)
    if a.dt == "float64":  # MLX has no float64 transcendental functions: tmath's own kernels
        err = err + 4 * ulps * o.EPS["float64"] * (np.abs(r) + cond(x))
    if not np.all(np.isfinite(err)):
        raise RejectError
    exact = a.o.exact and name == "sqrt" and o.representable(r, a.dt)
    fn = getattr(xp, name)
    p.run(f"xp.{name}({a.name})", lambda: fn(a.x), float_result(a.dt, r, err, exact))


def _floor_points(name):
    """Where the rounding functions jump: integers (floor, ceil, trunc) or halves (round)."""
    if name == "round":
        return lambda x: np.floor(x) + 0.5
    return np.round


def unary_exact(p) -> None:
    """negative, abs, square, sign, floor/ceil/trunc/round, reciprocal, and the predicates."""
    name = p.choice(["negative", "positive", "abs", "square", "sign", "floor", "ceil", "trunc",
                     "round", "reciprocal", "isnan", "isinf", "isfinite", "signbit",
                     "bitwise_invert", "logical_not"])
    if name == "bitwise_invert":
        a = p.pick(lambda v: v.dt in INTS or v.dt == "bool")
        val = np.logical_not(a.o.val) if a.dt == "bool" else np.invert(a.o.val)
        return _run1(p, name, a, Value(a.dt, val), op=operator.invert)
    if name == "logical_not":
        a = p.pick(lambda v: v.dt == "bool")
        return _run1(p, name, a, Value("bool", np.logical_not(a.o.val)))
    if name in ("floor", "ceil", "trunc", "round", "reciprocal", "signbit"):
        a = p.pick(lambda v: v.dt in FLOATS or (v.dt in INTS and name not in
                                                ("reciprocal", "signbit")))
    else:
        a = p.pick(lambda v: v.dt in FLOATS or v.dt in INTS)
    x, dt = a.o.val, a.dt
    with np.errstate(all="ignore"):
        if name in ("isnan", "isinf", "isfinite"):
            return _run1(p, name, a, Value("bool", getattr(np, name)(x)))
        if dt in INTS:
            if name in ("floor", "ceil", "trunc", "round", "positive"):
                val = x
            else:
                val = {"negative": np.negative, "abs": np.abs, "square": np.square,
                       "sign": np.sign}[name](x)
            op = {"negative": operator.neg, "positive": operator.pos, "abs": operator.abs}
            return _run1(p, name, a, Value(dt, val), op=op.get(name))
        e = a.o.e()
        if name in ("negative", "positive", "abs"):
            val = {"negative": np.negative, "positive": np.positive, "abs": np.abs}[name](x)
            op = {"negative": operator.neg, "positive": operator.pos, "abs": operator.abs}[name]
            return _run1(p, name, a, Value(dt, val, a.o.err), op=op)
        if name == "square":
            r = x * x
            err = 2 * np.abs(x) * e + e * e
            exact = a.o.exact and o.fits(r, 2 * o.frac_bits(x), dt)
            return _run1(p, name, a, float_result(dt, r, err, exact))
        if name == "reciprocal":
            if not np.all(np.abs(x) - 4 * e > 2**-3):
                raise RejectError
            r = 1 / x
            err = e / (np.abs(x) * (np.abs(x) - e))
            return _run1(p, name, a, float_result(dt, r, err, a.o.exact))
        if name in ("sign", "signbit"):
            if not (a.o.clear_of(0.0) and np.all(x != 0 if name == "signbit" else True)):
                raise RejectError  # signbit of a zero depends on how the zero's sign came about
            val = np.sign(x) if name == "sign" else np.signbit(x)
            return _run1(p, name, a, Value(dt if name == "sign" else "bool", val))
        if not a.o.clear_of(_floor_points(name)(x)):
            raise RejectError
        val = {"floor": np.floor, "ceil": np.ceil, "trunc": np.trunc, "round": np.round}[name](x)
        return _run1(p, name, a, Value(dt, val))


def _run1(p, name: str, a, value: Value, op=None) -> None:
    if op is not None and p.coin(0.4):
        sym = {operator.neg: "-", operator.pos: "+", operator.abs: "abs",
               operator.invert: "~"}[op]
        code = f"abs({a.name})" if sym == "abs" else f"{sym}{a.name}"
        p.run(code, lambda: op(a.x), value)
        return
    fn = getattr(xp, name)
    p.run(f"xp.{name}({a.name})", lambda: fn(a.x), value)


# --- elementwise binary functions ---------------------------------------------------------

REAL = INTS + FLOATS
CATEGORY = {
    "add": REAL, "subtract": REAL, "multiply": REAL, "divide": REAL, "floor_divide": REAL,
    "remainder": REAL, "pow": REAL, "maximum": REAL, "minimum": REAL, "atan2": FLOATS,
    "hypot": FLOATS, "copysign": FLOATS, "logaddexp": FLOATS, "nextafter": FLOATS,
    "less": REAL, "less_equal": REAL, "greater": REAL, "greater_equal": REAL,
    "equal": o.ALL, "not_equal": o.ALL, "logical_and": ("bool",), "logical_or": ("bool",),
    "logical_xor": ("bool",), "bitwise_and": INTS + ("bool",), "bitwise_or": INTS + ("bool",),
    "bitwise_xor": INTS + ("bool",), "bitwise_left_shift": INTS, "bitwise_right_shift": INTS,
}
OPERATORS = {
    "add": "+", "subtract": "-", "multiply": "*", "divide": "/", "floor_divide": "//",
    "remainder": "%", "pow": "**", "less": "<", "less_equal": "<=", "greater": ">",
    "greater_equal": ">=", "equal": "==", "not_equal": "!=", "bitwise_and": "&",
    "bitwise_or": "|", "bitwise_xor": "^", "bitwise_left_shift": "<<",
    "bitwise_right_shift": ">>",
}
_PY_OPS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne, "&": operator.and_, "|": operator.or_, "^": operator.xor,
    "<<": operator.lshift, ">>": operator.rshift,
}
_IN_PLACE = {"+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
             "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow,
             "&": operator.iand, "|": operator.ior, "^": operator.ixor, "<<": operator.ilshift,
             ">>": operator.irshift}
COMPARISONS = {"less": np.less, "less_equal": np.less_equal, "greater": np.greater,
               "greater_equal": np.greater_equal, "equal": np.equal, "not_equal": np.not_equal}


def binary(p) -> None:
    name = p.choice(CATEGORY)
    allowed = CATEGORY[name]
    a = p.pick(lambda v: v.dt in allowed)
    form = p.choice(["var", "var", "var", "scalar", "scalar_left"])
    if form == "var":
        b = p.operand(a, lambda v: v.dt in allowed)
        dt = o.promote(a.dt, b.dt)
        if dt is None or dt not in allowed:
            raise RejectError
        if name == "divide" and dt in INTS:
            dt_out = "float32"
        else:
            dt_out = dt
        va, vb = o.convert(a.o, dt), o.convert(b.o, dt)
        if name == "divide" and dt in INTS:
            va, vb = o.convert(a.o, "float32"), o.convert(b.o, "float32")
            dt = "float32"
        value = _binary_value(name, va, vb, dt)
        if dt_out != value.dt and value.dt != "bool":
            raise AssertionError("oracle dtype mix-up")
        _run2(p, name, a, b, value)
        return
    s = scalar_for(p, a.dt, floats_with_ints=name in ("add", "subtract", "multiply", "divide",
                                                          "maximum", "minimum", "less",
                                                          "greater", "equal", "pow"))
    dt = scalar_dtype(s, a.dt)
    if dt not in allowed:
        raise RejectError
    if name == "divide" and dt in INTS:
        dt = "float32"
    va, vs = o.convert(a.o, dt), scalar_value(s, dt)
    if form == "scalar":
        value = _binary_value(name, va, vs, dt)
    else:
        value = _binary_value(name, vs, va, dt)
    _run2(p, name, a, s, value, scalar_left=form == "scalar_left")


def _run2(p, name: str, a, b, value: Value, scalar_left: bool = False) -> None:
    from soak_program import Var

    bx = b.x if isinstance(b, Var) else b
    bcode = b.name if isinstance(b, Var) else repr(b)
    sym = OPERATORS.get(name)
    fn = getattr(xp, name)
    if scalar_left:
        if sym is not None and p.coin(0.5):
            op = _PY_OPS[sym]
            p.run(f"{bcode} {sym} {a.name}", lambda: op(bx, a.x), value)
        else:
            p.run(f"xp.{name}({bcode}, {a.name})", lambda: fn(bx, a.x), value)
        return
    if sym is not None and sym in _IN_PLACE and value.dt == a.dt and value.shape == a.shape \
            and p.coin(0.25) and p.independent(a):
        iop = _IN_PLACE[sym]
        p.lines.append(f"{a.name} {sym}= {bcode}")
        result = iop(a.x, bx)
        if result is not a.x:
            p.fail(f"{a.name} {sym}= {bcode}", "the in-place operator returned another object")
        p.check_meta(f"{a.name} {sym}= {bcode}", a.x, value)
        a.o = value
        p.normalise(a)
        return
    if sym is not None and p.coin(0.5):
        op = _PY_OPS[sym]
        p.run(f"{a.name} {sym} {bcode}", lambda: op(a.x, bx), value)
        return
    p.run(f"xp.{name}({a.name}, {bcode})", lambda: fn(a.x, bx), value)


def _binary_value(name: str, va: Value, vb: Value, dt: str) -> Value:
    """The oracle of ``name(va, vb)``, both already of the common dtype ``dt``."""
    x, y = np.broadcast_arrays(va.val, vb.val)
    if name in COMPARISONS:
        if dt in FLOATS and not (va.exact and vb.exact):
            ex, ey = np.broadcast_arrays(va.e(), vb.e())
            if not np.all(np.abs(x - y) > 2 * (ex + ey)):
                raise RejectError
        return Value("bool", COMPARISONS[name](x, y))
    if dt not in FLOATS:
        return Value(dt, _integer_op(name, x, y, dt))
    return _float_op(name, va, vb, dt)


def _integer_op(name: str, x, y, dt: str):
    with np.errstate(all="ignore"):
        if name == "pow":
            if dt == "bool":
                raise RejectError
            if np.any(y < 0):
                # Integer pow with a negative exponent truncates toward zero (docs/dtypes.md).
                r = np.power(x, np.where(y < 0, 0, y)).astype(dt)
                neg = np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 0, 1, -1), 0))
                return np.where(y < 0, neg.astype(dt), r)
            return np.power(x, y).astype(dt)
        fn = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
              "floor_divide": np.floor_divide, "remainder": np.remainder, "maximum": np.maximum,
              "minimum": np.minimum, "logical_and": np.logical_and, "logical_or": np.logical_or,
              "logical_xor": np.logical_xor, "bitwise_and": np.bitwise_and,
              "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor,
              "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift}[name]
        if name in ("add", "subtract", "multiply") and dt == "bool":
            raise RejectError
        return fn(x, y).astype(dt)


def _float_op(name: str, va: Value, vb: Value, dt: str) -> Value:
    x, y = np.broadcast_arrays(va.val, vb.val)
    ex, ey = np.broadcast_arrays(va.e(), vb.e())
    exact_in = va.exact and vb.exact
    ax, ay = np.abs(x), np.abs(y)
    with np.errstate(all="ignore"):
        if name in ("add", "subtract"):
            r = x + y if name == "add" else x - y
            fb = max(o.frac_bits(x), o.frac_bits(y))
            return float_result(dt, r, ex + ey, exact_in and o.fits(ax + ay, fb, dt))
        if name == "multiply":
            r = x * y
            fb = o.frac_bits(x) + o.frac_bits(y)
            return float_result(dt, r, ay * ex + ax * ey + ex * ey,
                                exact_in and o.fits(ax * ay, fb, dt))
        if name == "divide":
            if not np.all(ay - 4 * ey > 2**-3):
                raise RejectError
            r = x / y
            err = (ex + np.abs(r) * ey) / (ay - ey)
            return float_result(dt, r, err, exact_in and np.all(r * y == x))
        if name in ("maximum", "minimum"):
            r = np.maximum(x, y) if name == "maximum" else np.minimum(x, y)
            return Value(dt, r, None if exact_in else np.maximum(ex, ey))
        if name in ("floor_divide", "remainder"):
            if not exact_in or not np.all(ay > 2**-3):
                raise RejectError
            q = x / y
            if not np.all((q == np.round(q)) | (np.abs(q - np.round(q)) > 1e-6 * (1 + np.abs(q)))):
                raise RejectError
            fq = np.floor(q)
            if name == "floor_divide":
                return float_result(dt, fq, None, True)
            r = x - fq * y
            if np.any(r == 0):
                raise RejectError  # the zero's sign differs between fmod-based algorithms
            fb = max(o.frac_bits(x), o.frac_bits(y))
            exact = o.fits(ax + np.abs(fq * y), fb, dt)
            return float_result(dt, r, None if exact else 4 * o.EPS[dt] * (ax + ay), exact)
        if name == "pow":
            return _float_pow(vb, dt, x, y, ex, ey)
        if name == "atan2":
            # Away from the origin and from the branch cut (x < 0, y = 0).
            if not np.all((ay > 2 * ey) & ((ax > 2 * ex) | (ay > 2 * ey)) & (y != 0)):
                raise RejectError
            r = np.arctan2(x, y)
            d = np.maximum(ax - ex, 0) ** 2 + np.maximum(ay - ey, 0) ** 2
            err = (ay * ex + ax * ey) / d + rounding(dt, r, 64) + 64 * o.EPS[dt]
            return float_result(dt, r, err, False)
        if name == "hypot":
            r = np.hypot(x, y)
            return float_result(dt, r, ex + ey + rounding(dt, r, 4), False)
        if name == "copysign":
            if not np.all((ay > 2 * ey) & (y != 0)):
                raise RejectError
            return Value(dt, np.copysign(x, y), None if va.exact else ex)
        if name == "logaddexp":
            r = np.logaddexp(x, y)
            err = np.maximum(ex, ey) + 64 * o.EPS[dt] * (np.abs(r) + np.maximum(ax, ay)) \
                + o.TINY[dt]
            return float_result(dt, r, err, False)
        if name == "nextafter":
            if not exact_in or dt == "bfloat16" or np.any(x == 0) or np.any(x == y):
                raise RejectError
            r = np.nextafter(x.astype(dt), y.astype(dt)).astype(np.float64)
            if np.any(np.abs(r) < o.TINY[dt]):
                raise RejectError
            return Value(dt, r)
    raise RejectError


def _float_pow(vb, dt, x, y, ex, ey) -> Value:
    small_int = vb.exact and np.all((y == np.round(y)) & (np.abs(y) <= 3))
    if small_int:
        if not np.all((np.abs(x) - 2 * ex > 2**-2) | (y >= 0)):
            raise RejectError
    elif not (np.all(x - 2 * ex > 2**-2) and np.all(np.abs(y) + ey <= 4)):
        raise RejectError
    r = np.power(x, y)
    corners = [np.abs(np.power(x + sx * ex, y + sy * ey) - r)
               for sx in (-1, 1) for sy in ((-1, 1) if not small_int else (0,))]
    prop = np.maximum.reduce(corners)
    cond = np.abs(r * y) * (1 + np.abs(np.log(np.maximum(np.abs(x), 2**-2))))
    err = prop + rounding(dt, r, 64) + 64 * o.EPS[dt] * cond
    if not np.all(np.isfinite(err)) or np.max(np.abs(r) + err, initial=0) > o.LIMIT[dt]:
        raise RejectError
    return float_result(dt, r, err, False)


def where_(p) -> None:
    c = p.pick(lambda v: v.dt == "bool")
    a = p.pick(lambda v: v.dt != "bool" and _bc(v.shape, c.shape))
    if p.coin(0.3):
        s = scalar_for(p, a.dt, floats_with_ints=False, ugly=False)
        dt = scalar_dtype(s, a.dt)
        va, vb, bcode, bx = o.convert(a.o, dt), scalar_value(s, dt), repr(s), s
    else:
        b = p.operand(a, lambda v: v.dt != "bool")
        dt = o.promote(a.dt, b.dt)
        if dt is None or not _bc(b.shape, c.shape) or not _bc(b.shape, a.shape):
            raise RejectError
        va, vb, bcode, bx = o.convert(a.o, dt), o.convert(b.o, dt), b.name, b.x
    cv, x, y = np.broadcast_arrays(c.o.val, va.val, vb.val)
    if dt in FLOATS and not (va.exact and vb.exact):
        ex, ey = np.broadcast_arrays(va.e(), vb.e())
        value = Value(dt, np.where(cv, x, y), np.where(cv, ex, ey))
    else:
        value = Value(dt, np.where(cv, x, y))
    swap = p.coin(0.5)
    if swap:  # the array second, the scalar (or other array) first
        value = Value(value.dt, np.where(cv, y, x),
                      None if value.exact else np.where(cv, *np.broadcast_arrays(vb.e(),
                                                                                 va.e())))
        p.run(f"xp.where({c.name}, {bcode}, {a.name})", lambda: xp.where(c.x, bx, a.x), value)
    else:
        p.run(f"xp.where({c.name}, {a.name}, {bcode})", lambda: xp.where(c.x, a.x, bx), value)


def _bc(a, b) -> bool:
    return all(x == y or x == 1 or y == 1 for x, y in zip(a[::-1], b[::-1]))


def clip(p) -> None:
    a = p.pick(lambda v: v.dt in INTS or v.dt in FLOATS)
    dt = a.dt
    bounds = []
    for _ in range(2):
        if p.coin(0.2):
            bounds.append(None)
        elif dt in INTS:
            info = np.iinfo(dt)
            bounds.append(int(np.clip(p.rng.integers(-10, 11), info.min, info.max)))
        else:
            bounds.append(float(p.rng.integers(-12, 13)) / 4)
    lo, hi = bounds
    val, err = a.o.val, a.o.err
    # NumPy's rule, also when lo > hi: minimum(maximum(x, lo), hi).
    if lo is not None:
        val = np.maximum(val, lo)
    if hi is not None:
        val = np.minimum(val, hi)
    p.run(f"xp.clip({a.name}, {lo!r}, {hi!r})", lambda: xp.clip(a.x, lo, hi),
          Value(dt, val, err))


def astype(p) -> None:
    a = p.pick()
    dt = p.choice(o.ALL)
    v = a.o
    if dt in INTS and v.dt in FLOATS:
        t = np.trunc(v.val)
        info = np.iinfo(dt)
        if not v.clear_of(np.round(v.val)) or np.any(t < info.min) or np.any(t > info.max):
            raise RejectError  # float -> int is undefined out of range
    if dt == "bool" and v.dt in FLOATS and not v.clear_of(0.0):
        raise RejectError
    if dt in FLOATS and v.val.size and np.max(v.abs_hi()) > o.LIMIT[dt]:
        raise RejectError
    value = o.convert(v, dt)
    p.run(f"xp.astype({a.name}, xp.{dt})", lambda: xp.astype(a.x, dtype_of(dt)), value)


OPS = [(unary_math, 8), (unary_exact, 8), (binary, 20), (where_, 3), (clip, 2), (astype, 4)]
