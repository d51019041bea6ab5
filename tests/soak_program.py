"""The program engine of the differential soak (tests/test_soak.py).

A :class:`Program` holds variables: each is a tmath_array Array and its oracle
(:class:`soak_oracle.Value`). A step picks an operation; the operation draws its operands
(biased towards the most recent variables, so steps chain), its parameters, computes the
oracle first (it may :class:`RejectError` the draw: a value outside a function's domain, an error
interval that reaches a discontinuity...), then runs tmath_array and records the result and
one line of Python that reproduces it. Dtypes and shapes are checked at once (no sync);
values are compared when the program ends, after one ``xp.eval`` of every variable.
"""

from __future__ import annotations

import numpy as np
import soak_oracle as o
from soak_oracle import FLOATS, INTS, RejectError, Value

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy


class MismatchError(AssertionError):
    """tmath_array and the oracle disagree."""


class Var:
    __slots__ = ("name", "x", "o")

    def __init__(self, name: str, x, value: Value) -> None:
        self.name, self.x, self.o = name, x, value

    @property
    def dt(self) -> str:
        return self.o.dt

    @property
    def shape(self) -> tuple[int, ...]:
        return self.o.shape

    @property
    def ndim(self) -> int:
        return len(self.o.shape)


# Leaf dtypes, weighted: the defaults most often.
LEAF_DTYPES = ("float32",) * 6 + ("int32",) * 4 + ("bool",) * 2 + (
    "float64", "float64", "float16", "bfloat16", "int8", "int16", "int64", "int64",
    "uint8", "uint16", "uint32", "uint64")


def dtype_of(name: str):
    return getattr(xp, name)


class Program:
    """The variables, the reproducer lines and the random source of the current step."""

    def __init__(self, max_vars: int = 400) -> None:
        self.vars: list[Var] = []
        self.lines: list[str] = ["import numpy as np", "import tmath_array as xp"]
        self.rng = np.random.default_rng(0)
        self.max_vars = max_vars

    # --- drawing -------------------------------------------------------------------
    def coin(self, p: float = 0.5) -> bool:
        return bool(self.rng.random() < p)

    def choice(self, seq):
        seq = list(seq)
        if not seq:
            raise RejectError
        return seq[int(self.rng.integers(len(seq)))]

    def independent(self, a: Var) -> bool:
        """Whether no other variable shares elements with ``a`` (a view, or its base).

        The oracle keeps one value per variable, so in-place writes go to such variables
        only; writes through views are tested against NumPy in tests/test_views.py.
        """
        return not any(v is not a and xp.may_share_memory(v.x, a.x) for v in self.vars)

    def pick(self, pred=lambda v: True) -> Var:
        """A variable satisfying ``pred``, most likely one of the latest (steps chain)."""
        cands = [v for v in reversed(self.vars) if pred(v)]
        if not cands:
            raise RejectError
        i = int(self.rng.geometric(0.3)) - 1
        return cands[i] if i < len(cands) else cands[int(self.rng.integers(len(cands)))]

    def shape(self, ndim: int | None = None) -> tuple[int, ...]:
        if ndim is None:
            ndim = int(self.rng.choice([0, 1, 1, 2, 2, 2, 3, 3]))
        sizes = [0, 1, 2, 2, 3, 3, 4, 5]
        return tuple(int(self.rng.choice(sizes[1:] if not self.coin(0.05) else sizes))
                     for _ in range(ndim))

    def broadcastable_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """A shape that broadcasts with ``shape`` (to ``shape`` or beyond)."""
        r = self.rng.random()
        if r < 0.5:
            return shape
        if r < 0.8:  # some axes of size 1, maybe fewer leading axes
            s = [1 if self.coin(0.4) else d for d in shape]
            return tuple(s[int(self.rng.integers(len(s) + 1)):]) if self.coin(0.3) else tuple(s)
        extra = self.shape(int(self.rng.integers(1, 3)))[: max(0, 3 - len(shape))]
        return extra + shape

    # --- leaves ----------------------------------------------------------------------
    def leaf_values(self, dt: str, shape: tuple[int, ...]) -> np.ndarray:
        rng = self.rng
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt in INTS:
            info = np.iinfo(dt)
            lo, hi = (0, 40) if info.min == 0 else (-20, 21)
            v = rng.integers(lo, hi, size=shape).astype(np.int64)
            if self.coin(0.15):  # a few extremes of the dtype
                ext = np.array([info.min, info.max, info.max - 1, info.min + 1], dtype=object)
                m = rng.random(shape) < 0.3
                picks = rng.integers(0, 4, size=shape)
                out = v.astype(object)
                out[m] = ext[picks[m]]
                return np.array(out.tolist(), dtype=dt).reshape(shape)
            return v.astype(dt)
        den = 64.0 if self.coin(0.2) else 4.0
        lim = 200 if den == 64.0 else 40
        v = rng.integers(-lim, lim + 1, size=shape) / den
        return v.astype(np.float64)

    def leaf(self, dt: str | None = None, shape: tuple[int, ...] | None = None) -> Var:
        """A new input array (or a lazy creation function) of ``dt`` and ``shape``."""
        dt = dt or self.choice(LEAF_DTYPES)
        shape = self.shape() if shape is None else tuple(shape)
        r = self.rng.random()
        if r < 0.1 and dt != "bool":
            fill = self.leaf_values(dt, ())
            fill = fill.item() if dt not in FLOATS else float(fill)
            return self.run(f"xp.full({shape}, {fill!r}, dtype=xp.{dt})",
                            lambda: xp.full(shape, fill, dtype=dtype_of(dt)),
                            Value(dt, np.full(shape, fill)))
        if r < 0.15:
            maker = self.choice(["zeros", "ones"])
            return self.run(f"xp.{maker}({shape}, dtype=xp.{dt})",
                            lambda: getattr(xp, maker)(shape, dtype=dtype_of(dt)),
                            Value(dt, getattr(np, maker)(shape)))
        if r < 0.2 and len(shape) == 1 and dt != "bool":
            n = shape[0]
            start = int(self.rng.integers(0 if dt.startswith("u") else -3, 4))
            return self.run(f"xp.arange({start}, {start + n}, dtype=xp.{dt})",
                            lambda: xp.arange(start, start + n, dtype=dtype_of(dt)),
                            Value(dt, np.arange(start, start + n)), wrap=dt in INTS)
        vals = self.leaf_values(dt, shape)
        src = vals.astype(np.float32) if dt == "bfloat16" else vals.astype(
            "float64" if dt == "float64" else dt if dt != "bfloat16" else "float32")
        npdt = "float32" if dt == "bfloat16" else dt
        code = f"np.array({src.tolist()!r}, dtype='{npdt}')"
        if not src.size:
            code += f".reshape({shape})"
        code = f"xp.asarray({code}, dtype=xp.{dt})"
        return self.run(code, lambda: xp.asarray(src.astype(npdt), dtype=dtype_of(dt)),
                        Value(dt, vals))

    def int_array(self, vals: np.ndarray) -> Var:
        """A new int32 input array holding ``vals`` (indices, counts)."""
        vals = np.asarray(vals, dtype=np.int32)
        code = f"np.array({vals.tolist()!r}, dtype='int32')"
        if not vals.size:
            code += f".reshape({vals.shape})"
        return self.run(f"xp.asarray({code})", lambda: xp.asarray(vals), Value("int32", vals))

    def operand(self, like: Var, pred, shape=None) -> Var:
        """A second operand for ``like``: a variable of a broadcastable shape, or a new leaf."""
        target = shape if shape is not None else self.broadcastable_shape(like.shape)
        if self.coin(0.6):
            try:
                return self.pick(lambda v: pred(v) and _broadcasts(v.shape, like.shape)
                                 and (shape is None or v.shape == shape))
            except RejectError:
                pass
        dts = [d for d in o.ALL if pred(_Probe(d))]
        if like.dt in dts and self.coin(0.6):
            return self.leaf(like.dt, target)
        return self.leaf(self.choice(dts), target)

    # --- running ---------------------------------------------------------------------
    def run(self, code: str, thunk, value: Value, *, syncs: bool = False,
            wrap: bool = False) -> Var:
        """Run ``thunk`` (tmath_array), check dtype and shape, record the result as a variable."""
        name = f"v{len(self.vars)}"
        before = _lazy.counts()
        x = thunk()
        if not syncs and _lazy.counts() != before:
            self.fail(f"{name} = {code}", f"ran a sync point: {_lazy.counts()} vs {before}")
        if wrap and value.dt in INTS:
            with np.errstate(all="ignore"):
                value = Value(value.dt, value.val.astype(value.dt))
        self.check_meta(f"{name} = {code}", x, value)
        self.lines.append(f"{name} = {code}")
        var = Var(name, x, value)
        self.vars.append(var)
        self.normalise(var)
        return var

    def check_meta(self, code: str, x, value: Value) -> None:
        if not isinstance(x, xp.Array):
            self.fail(code, f"returned {type(x).__name__}, not an Array")
        want = dtype_of(value.dt)
        if x.dtype != want:
            self.fail(code, f"dtype {x.dtype} != {value.dt}")
        if want._mx != x.__mlx_array__().dtype:
            self.fail(code, f"MLX data has dtype {x.__mlx_array__().dtype}, not {value.dt}")
        if tuple(x.shape) != value.shape:
            self.fail(code, f"shape {tuple(x.shape)} != {value.shape}")

    def normalise(self, var: Var) -> None:
        """Keep floating values bounded: clip a variable that grew beyond its dtype's limit."""
        if var.dt in FLOATS and var.o.val.size and np.max(var.o.abs_hi()) > o.LIMIT[var.dt] / 4:
            lim = o.LIMIT[var.dt] / 16
            v = var.o
            val = np.maximum(np.minimum(v.val, lim), -lim)
            # Both results lie in [-lim, lim]: they differ by 2 * lim at most.
            err = None if v.exact else np.minimum(v.err, 2 * lim)
            self.run(f"xp.clip({var.name}, {-lim!r}, {lim!r})",
                     lambda: xp.clip(var.x, -lim, lim), Value(var.dt, val, err))

    def fail(self, code: str, why: str):
        raise MismatchError("\n".join([*self.lines, code, f"# -> {why}"]))

    # --- the end ---------------------------------------------------------------------
    def check_values(self) -> None:
        """Evaluate every variable at once and compare it with its oracle."""
        xp.eval(*[v.x for v in self.vars])
        for v in self.vars:
            got = np.asarray(xp.astype(v.x, xp.float32) if v.dt == "bfloat16" else v.x)
            want = v.o.val
            if v.dt not in FLOATS:
                if not np.array_equal(got, want):
                    self.fail(f"# {v.name}", f"values differ:\n got {got!r}\nwant {want!r}")
                continue
            got = got.astype(np.float64)
            if v.o.exact:
                if not np.array_equal(got, want):
                    self.fail(f"# {v.name}", f"exact values differ:\n got {got!r}\nwant {want!r}")
                continue
            bad = ~(np.abs(got - want) <= 2 * v.o.err)
            if np.any(bad):
                self.fail(f"# {v.name}", "values beyond the error bound:\n"
                          f" got {got[bad]!r}\nwant {want[bad]!r}\nbound {2 * v.o.err[bad]!r}")


class _Probe:
    """A stand-in for a new leaf of dtype ``dt``, to ask a predicate which dtypes suit."""

    def __init__(self, dt: str) -> None:
        self.dt = dt
        self.o = Value(dt, np.zeros(()))  # leaves are exact


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(x == y or x == 1 or y == 1 for x, y in zip(a[::-1], b[::-1]))
