"""What one call's arguments are drawn from: the call's context and a draw per parameter.

:mod:`targets` (signature-driven draws) and :mod:`special` (hand-written draws for
functions whose arguments depend on each other) both build on this module.
"""

from __future__ import annotations

import inspect

from hypothesis import strategies as st

from . import gen, values

# Functions that write into their first argument: it must be the namespace's own array
# (NumPy writes into a NumPy array there; the namespace refuses one, documented).
IN_PLACE = {"copyto", "place", "putmask", "put"}


class Ctx:
    """What later arguments of one call depend on: the first array's dtype and shape."""

    def __init__(self, draw, target: str):
        self.draw = draw
        self.target = target
        self.name = target.rsplit(".", 1)[1]
        self.dtype: str | None = None
        self.shape: tuple[int, ...] = ()

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def first(self, val: values.Val, dtype: str | None, shape: tuple[int, ...]) -> values.Val:
        if self.dtype is None:
            self.dtype, self.shape = dtype, shape
        return val

    def array(self, name=None, shp=None, names=values.DTYPE_NAMES, alike: bool = True,
              **kw) -> values.Val:
        """An array (on the NumPy face now and then as an array-like of it, unless
        ``alike`` is false); the first one drawn sets the context."""
        d = self.draw
        name = gen.dtype_name(d, names) if name is None else name
        shp = gen.shape(d, **kw) if shp is None else shp
        val = values.array(gen.np_values(d, name, shp), name)
        if self.dtype is None and self.name in IN_PLACE:
            alike = False
        return self.first(gen.maybe_alike(d, val) if alike else val, name, shp)

    def related(self) -> values.Val:
        """A second array: broadcasting with the first, its dtype most of the time."""
        d = self.draw
        name = self.dtype if self.dtype and d(st.integers(0, 2)) else gen.dtype_name(d)
        return self.array(name, gen.broadcastable_shape(d, self.shape))

    def array_or_junk(self, **kw) -> values.Val:
        return gen.maybe_junk(self.draw, lambda: self.array(**kw))


def _bool(ctx: Ctx) -> values.Val:
    return gen.maybe_junk(ctx.draw, lambda: values.py(ctx.draw(st.booleans())), 10)


def _choice(options):
    def f(ctx: Ctx) -> values.Val:
        return gen.maybe_junk(ctx.draw, lambda: values.py(ctx.draw(st.sampled_from(options))), 10)
    return f


def _int(lo=-3, hi=6):
    def f(ctx: Ctx) -> values.Val:
        return gen.maybe_junk(ctx.draw, lambda: values.py(gen.small_int(ctx.draw, lo, hi)), 10)
    return f


def _float(lo=0.0, hi=2.0, extra=(0.0, -1.0, float("nan"), float("inf"))):
    def f(ctx: Ctx) -> values.Val:
        d = ctx.draw
        return gen.maybe_junk(d, lambda: values.py(gen.npint(d, d(st.one_of(
            st.floats(lo, hi), st.sampled_from(extra), st.integers(0, 3))))), 10)
    return f


def _axis(ctx: Ctx) -> values.Val:
    return gen.axis_val(ctx.draw, ctx.ndim)


def _int_axis(ctx: Ctx) -> values.Val:
    return gen.axis_val(ctx.draw, ctx.ndim, allow_none=False, allow_tuple=False)


def _dtype(ctx: Ctx) -> values.Val:
    return values.py(None) if ctx.draw(st.integers(0, 2)) == 0 else gen.dtype_val(ctx.draw)


def _device(ctx: Ctx) -> values.Val:
    k = ctx.draw(st.integers(0, 9))
    if k < 4:
        return values.py(None)
    if k < 7:
        return values.device("cpu")
    if k == 7:
        return values.device("gpu")
    if k == 8:
        return values.py("cpu", tags=("junk",))
    return gen.junk(ctx.draw)


def _scalar(ctx: Ctx) -> values.Val:
    d = ctx.draw
    k = d(st.integers(0, 5))
    if k == 0:
        return ctx.array(ctx.dtype, ())
    if k == 1:
        return gen.junk(d)
    return gen.scalar_for(d, ctx.dtype)


def _min_max(ctx: Ctx) -> values.Val:
    k = ctx.draw(st.integers(0, 4))
    return values.py(None) if k == 0 else ctx.related() if k == 1 else _scalar(ctx)


def _shape(ctx: Ctx) -> values.Val:
    return gen.shape_val(ctx.draw, ctx.shape if ctx.dtype is not None else None)


def _maybe_array(ctx: Ctx) -> values.Val:
    return values.py(None) if ctx.draw(st.integers(0, 2)) == 0 else ctx.related()


def _output(ctx: Ctx) -> values.Val:
    """out= and like=: arrays of the namespace's own, never array-likes (NumPy's out= is
    an output, not an input; like= is refused)."""
    if ctx.draw(st.integers(0, 2)) == 0:
        return values.py(None)
    d = ctx.draw
    name = ctx.dtype if ctx.dtype and d(st.integers(0, 2)) else gen.dtype_name(d)
    return ctx.array(name, gen.broadcastable_shape(d, ctx.shape), alike=False)


def _other(ctx: Ctx) -> values.Val:
    k = ctx.draw(st.integers(0, 5))
    return _scalar(ctx) if k < 2 else gen.junk(ctx.draw) if k == 2 else ctx.related()


# Parameter name -> draw. Array parameters not listed here draw a related array.
PARAMS = {
    "axis": _axis, "dim": _int_axis, "source": _axis, "destination": _axis,
    "keepdims": _bool, "endpoint": _bool, "descending": _bool, "stable": _bool,
    "include_initial": _bool, "invert": _bool, "upper": _bool, "full_matrices": _bool,
    "inplace": _bool, "training": _bool, "is_causal": _bool, "enable_gqa": _bool,
    "reset": _bool, "copy": _choice([None, True, False]),
    "dtype": _dtype, "device": _device,
    "shape": _shape, "normalized_shape": _shape, "repetitions": _shape,
    "n": _int(-1, 8), "num": _int(-1, 8), "n_rows": _int(-1, 5), "n_cols": _int(-1, 5),
    "k": _int(-4, 4), "offset": _int(-4, 4), "shift": _int(-6, 6), "repeats": _int(-1, 4),
    "seed": _int(-2, 10**6), "correction": _float(0, 2, (0, 1, -1, float("nan"))),
    "p": _float(0, 1, (0.0, 1.0, -0.5, 1.5, float("nan"))),
    "dropout_p": _float(0, 1, (0.0, 0.0, 1.0, -0.5)),
    "eps": _float(0, 0.1), "scale": _float(-2, 2, (None, 0.0, float("inf"))),
    "d": _float(-2, 2), "rtol": _float(0, 1, (None, 0.0, -1.0, float("nan"))),
    "start": _float(-5, 5, (0, 3, -2**31, 2**40, float("inf"))),
    "stop": _float(-5, 5, (None, 5, 2**31, 2**40, float("nan"))),
    "step": _float(-2, 2, (1, -1, 0, 0.5, 1e-9)),
    "fill_value": _scalar, "min": _min_max, "max": _min_max, "value": _scalar,
    "other": _other, "out": _output, "like": _output,
    "ord": _choice([None, 1, 2, -1, -2, 0, 3, 0.5, float("inf"), -float("inf"), "fro", "nuc",
                    "bad"]),
    "norm": _choice(["backward", "ortho", "forward", "bad", None]),
    "side": _choice(["left", "right", "middle"]),
    "mode": _choice(["reduced", "complete", "r", "raw"]),
    "approximate": _choice(["none", "tanh", "exact"]),
    "indexing": _choice(["xy", "ij", "ji"]),
    "api_version": _choice([None, "2025.12", "2023.12", "2021.12", "bad"]),
    "stream": _choice([None, None, 0, 1]),
    "max_version": _choice([None, (1, 0), (0, 8), (2, 0), 1]),
    "dl_device": _choice([None, (1, 0), (2, 0), (1, 1), "cpu"]),
    "rng_key": _choice([None, 0, 1, -1, 2**40]),
    # The PyTorch face's names.
    "keepdim": _bool, "unbiased": _bool, "largest": _bool, "sorted": _bool,
    "requires_grad": _bool, "as_tuple": _bool, "right": _bool, "out_int32": _bool,
    "size": _shape, "sizes": _shape, "steps": _int(-1, 8), "end": _float(-5, 5),
    "diagonal": _int(-3, 3), "decimals": _int(-1, 3), "dim0": _int_axis, "dim1": _int_axis,
    "dim2": _int_axis, "start_dim": _int_axis, "end_dim": _int_axis,
    "chunks": _int(-1, 4), "exponent": _scalar, "alpha": _float(-2, 2, (1, 0, -1)),
    "weight": _maybe_array, "bias": _maybe_array, "attn_mask": _maybe_array,
    "prepend": _maybe_array, "append": _maybe_array, "sorter": _maybe_array,
}
# A ufunc's out=, where= and dtype= are left at their defaults (tests/test_ufuncs.py covers
# them against NumPy): NumPy leaves what where= skips uninitialised, and dtype=bfloat16 has
# no NumPy oracle (its float32 stand-in rounds the inputs differently).
UFUNC_EXTRAS = ("out", "where", "dtype")


def default_param(ctx: Ctx, p: inspect.Parameter) -> values.Val:
    """An argument for a parameter nobody described: by its default's type."""
    dflt = p.default
    if p.name in PARAMS:
        return PARAMS[p.name](ctx)
    if dflt is inspect.Parameter.empty or dflt is None:
        return ctx.array_or_junk() if ctx.dtype is None else \
            gen.maybe_junk(ctx.draw, ctx.related)
    if isinstance(dflt, bool):
        return _bool(ctx)
    if isinstance(dflt, int):
        return _int()(ctx)
    if isinstance(dflt, float):
        return _float()(ctx)
    if isinstance(dflt, str):
        return _choice([dflt, dflt, "bad"])(ctx)
    return gen.junk(ctx.draw)


