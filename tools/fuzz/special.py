"""Argument draws for signatures whose arguments depend on each other.

``FUNCTIONS`` maps a function name (any module) and ``METHODS`` an Array method
name to a draw returning ``(args, kwargs)``; everything else is drawn from its
signature by ``targets.draw_generic``. Each draw makes valid calls most of the
time and breaks one thing now and then (a shape, an axis, a type).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from . import gen, values
from .params import PARAMS, Ctx


def _coin(ctx: Ctx, n: int = 2) -> bool:
    """True one time in ``n``."""
    return ctx.draw(st.integers(0, n - 1)) == 0


def self_array(ctx: Ctx) -> values.Val:
    if ctx.name == "__iter__":
        # (iterating 2**31 - 1 rows, empty or not, takes hours here as in NumPy)
        return ctx.array(None, gen.shape(ctx.draw, min_side=1), alike=False)
    return ctx.array(alike=False)


def _opt(ctx: Ctx, kwargs: dict, name: str, n: int = 2) -> None:
    """Add keyword ``name`` (drawn by its PARAMS entry) one time in ``n``."""
    if _coin(ctx, n):
        kwargs[name] = PARAMS[name](ctx)


# --- matrices -----------------------------------------------------------------

def _batch(ctx: Ctx) -> tuple[int, ...]:
    return gen.shape(ctx.draw, 0, 2, max_side=3)


def _matrix(ctx: Ctx, square: bool = True, names=values.DTYPE_NAMES) -> values.Val:
    d = ctx.draw
    n = d(st.integers(0, 4))
    m = n if square and not _coin(ctx, 8) else d(st.integers(0, 4))
    shp = _batch(ctx) + (n, m) if not _coin(ctx, 12) else gen.shape(d, 0, 1)
    # Float dtypes mostly: factorizations want them, the others must raise TypeError.
    name = gen.dtype_name(d, ("float32", "float64", "complex64", "float16") if
                          d(st.integers(0, 3)) else names)
    return ctx.array(name, shp)


def _square(ctx: Ctx):
    return [_matrix(ctx)], {}


def _matrix_kw(*names):
    def draw(ctx: Ctx):
        x = _matrix(ctx, square=False)
        kwargs: dict = {}
        for n in names:
            _opt(ctx, kwargs, n)
        return [x], kwargs
    return draw


def _matmul(ctx: Ctx):
    d = ctx.draw
    n, k, m = (d(st.integers(0, 4)) for _ in range(3))
    b = _batch(ctx)
    s1 = b + (n, k) if not _coin(ctx, 6) else (k,)
    s2 = gen.broadcastable_shape(d, b) + (k if not _coin(ctx, 10) else k + 1, m) \
        if not _coin(ctx, 6) else (k,)
    x1 = ctx.array(None, s1)
    return [x1, ctx.array(ctx.dtype if _coin(ctx, 3) is False else None, s2)], {}


def _solve(ctx: Ctx):
    x1 = _matrix(ctx)
    n = ctx.shape[-1] if ctx.shape else 0
    s2 = ctx.shape[:-1] if _coin(ctx, 3) else ctx.shape[:-1] + (ctx.draw(st.integers(0, 3)),)
    if _coin(ctx, 10):
        s2 = (n + 1,)
    return [x1, ctx.array(ctx.dtype, s2)], {}


def _tensordot(ctx: Ctx):
    d = ctx.draw
    x1 = ctx.array(None, gen.shape(d, 0, 3))
    k = d(st.integers(0, min(2, ctx.ndim)))
    s2 = ctx.shape[ctx.ndim - k:] + gen.shape(d, 0, 2)
    x2 = ctx.array(ctx.dtype, s2)
    kw: dict = {}
    kind = d(st.integers(0, 4))
    if kind == 0:
        kw["axes"] = values.py(k)
    elif kind == 1:
        kw["axes"] = values.py((list(range(ctx.ndim - k, ctx.ndim)), list(range(k))))
    elif kind == 2:
        kw["axes"] = values.py(d(st.sampled_from([-1, 5, (0,), ([0], [0, 1]), "x", ([9], [0])])))
    return [x1, x2], kw


def _vecdot(ctx: Ctx):
    x1 = ctx.array(None, gen.shape(ctx.draw, 1, 3))
    x2 = ctx.array(ctx.dtype if _coin(ctx, 4) is False else None,
                   gen.broadcastable_shape(ctx.draw, ctx.shape))
    kw: dict = {}
    _opt(ctx, kw, "axis")
    return [x1, x2], kw


def _cross(ctx: Ctx):
    b = _batch(ctx)
    last = 3 if not _coin(ctx, 8) else 2
    x1 = ctx.array(None, b + (last,))
    x2 = ctx.array(ctx.dtype if not _coin(ctx, 4) else None,
                   gen.broadcastable_shape(ctx.draw, b) + (last,))
    kw: dict = {}
    _opt(ctx, kw, "axis", 4)
    return [x1, x2], kw


def _outer(ctx: Ctx):
    d = ctx.draw
    second = gen.shape(d, 1, 1 if not _coin(ctx, 8) else 2)
    return [ctx.array(None, gen.shape(d, 1, 1)), ctx.array(None, second)], {}


def _matrix_power(ctx: Ctx):
    return [_matrix(ctx), values.py(gen.small_int(ctx.draw, -3, 5))], {}


def _diagonal_trace(ctx: Ctx):
    x = _matrix(ctx, square=False)
    kw: dict = {}
    _opt(ctx, kw, "offset")
    if ctx.name == "trace":
        _opt(ctx, kw, "dtype", 3)
    return [x], kw


# --- indexing -----------------------------------------------------------------

def _index_component(ctx: Ctx, n: int | None) -> values.Val:
    """One component of an index key, for an axis of ``n`` elements (None: no axis left)."""
    d = ctx.draw
    n0 = 0 if n is None else n
    kind = d(st.integers(0, 13))
    if kind <= 2:
        return values.py(d(st.integers(-n0 - 2, n0 + 1)) if d(st.integers(0, 5)) else
                    d(st.sampled_from([2**31, -(2**31) - 1, 2**63, 10**20])))
    if kind <= 5:
        bound = st.one_of(st.none(), st.integers(-n0 - 3, n0 + 3),
                          st.sampled_from([2**40, -(2**40)]))
        return values.py(slice(d(bound), d(bound), d(st.one_of(st.none(), st.integers(-3, 3)))))
    if kind == 6:
        return values.py(Ellipsis)
    if kind == 7:
        return values.py(None)
    if kind <= 9:
        shp = gen.shape(d, 0, 2, max_side=3)
        return gen.int_array(d, shp, -n0 - 2, n0 + 2)
    if kind == 10:
        shp = (n0,) if not _coin(ctx, 6) else (n0 + 1,)
        return values.array(gen.np_values(d, "bool", shp), "bool")
    if kind == 11:
        return values.py(d(st.booleans()))
    if kind == 12:
        return gen.junk(d)
    return values.array(gen.np_values(d, "float32", (2,)), "float32")


def _key(ctx: Ctx, shape: tuple[int, ...]) -> values.Val:
    d = ctx.draw
    count = d(st.integers(0, len(shape) + 1))
    comps = [_index_component(ctx, shape[i] if i < len(shape) else None) for i in range(count)]
    if count == 1 and d(st.booleans()):
        return comps[0]
    if d(st.integers(0, 6)) == 0 and shape:
        # The whole key as a mask of the array's shape.
        return values.array(gen.np_values(d, "bool", shape), "bool")
    return values.seq(comps, tuple)


def _getitem(ctx: Ctx):
    return [_key(ctx, ctx.shape)], {}


def _selection_shape(self_val: values.Val, key: values.Val):
    try:
        return np.zeros(self_val.oracle().shape)[key.oracle()].shape
    except Exception:
        return None


def _setitem(ctx: Ctx):
    key = _key(ctx, ctx.shape)
    d = ctx.draw
    kind = d(st.integers(0, 4))
    if kind <= 1:
        value = gen.scalar_for(d, ctx.dtype)
    elif kind == 2:
        value = gen.junk(d)
    else:
        name = ctx.dtype if d(st.integers(0, 2)) else gen.dtype_name(d)
        shp = None
        if d(st.integers(0, 3)):
            # Shapes come from the key on the array's shape, as NumPy sees them.
            shp = _selection_shape(values.array(np.zeros(ctx.shape), "float32"), key)
        shp = gen.broadcastable_shape(d, shp) if shp is not None else gen.shape(d, 0, 2)
        value = gen.maybe_alike(d, values.array(gen.np_values(d, name, shp), name))
    return [key, value], {}


def _take(ctx: Ctx):
    d = ctx.draw
    x = ctx.array(None, gen.shape(d, 0, 3))
    kw: dict = {}
    axis = None
    if ctx.ndim != 1 or _coin(ctx, 3):
        kw["axis"] = gen.axis_val(d, ctx.ndim, allow_tuple=False)
        axis = kw["axis"].oracle()
    n = ctx.shape[axis] if isinstance(axis, int) and -ctx.ndim <= axis < ctx.ndim else \
        int(np.prod(ctx.shape)) if ctx.shape else 1
    shp = (d(st.integers(0, 4)),) if not _coin(ctx, 6) else gen.shape(d, 0, 2)
    idx = gen.int_array(d, shp, -n - 2, n + 1) if not _coin(ctx, 12) else gen.junk(d)
    return [x, idx], kw


def _take_along_axis(ctx: Ctx):
    d = ctx.draw
    x = ctx.array(None, gen.shape(d, 1, 3))
    axis = gen.axis_int(d, ctx.ndim)
    shp = list(ctx.shape)
    if -ctx.ndim <= axis < ctx.ndim:
        shp[axis] = d(st.integers(0, 4))
    if _coin(ctx, 8):
        shp = list(gen.shape(d, 0, 3))
    n = ctx.shape[axis] if -ctx.ndim <= axis < ctx.ndim else 1
    kw = {"axis": values.py(axis)} if not _coin(ctx, 4) else {}
    return [x, gen.int_array(d, tuple(shp), -n - 2, n + 1)], kw


def _searchsorted(ctx: Ctx):
    d = ctx.draw
    name = gen.dtype_name(d, gen.REAL_NAMES + ("bool",))
    a = np.sort(gen.np_values(d, name, (d(st.integers(0, 5)),)))
    x1 = ctx.first(values.array(a, name), name, a.shape) if not _coin(ctx, 10) else \
        ctx.array(name, gen.shape(d, 0, 2))
    kw: dict = {}
    _opt(ctx, kw, "side")
    if _coin(ctx, 5):
        kw["sorter"] = gen.int_array(d, ctx.shape, 0, max(ctx.shape[0] - 1, 0) if ctx.shape
                                     else 0)
    x2 = ctx.array(name if not _coin(ctx, 5) else None, gen.shape(d, 0, 2)) \
        if not _coin(ctx, 5) else gen.scalar_for(d, name)
    return [x1, x2], kw


# --- manipulation ---------------------------------------------------------------

def _arrays_list(ctx: Ctx, same_ndim: bool = True):
    d = ctx.draw
    first = ctx.array(None, gen.shape(d, 0, 3))
    out = [first]
    for _ in range(d(st.integers(0, 3))):
        shp = list(ctx.shape)
        if shp and d(st.booleans()):
            shp[d(st.integers(0, len(shp) - 1))] = d(st.integers(0, 3))
        if _coin(ctx, 8):
            shp = list(gen.shape(d, 0, 3))
        out.append(ctx.array(ctx.dtype if d(st.integers(0, 3)) else None, tuple(shp)))
    if _coin(ctx, 15):
        out.append(gen.junk(d))
    return out


def _concat_stack(ctx: Ctx):
    arrays = _arrays_list(ctx)
    seqv = values.seq(arrays, list if ctx.draw(st.booleans()) else tuple)
    if _coin(ctx, 20):
        seqv = values.seq([], tuple)
    kw: dict = {}
    if _coin(ctx, 3) is False:
        kw["axis"] = gen.axis_val(ctx.draw, ctx.ndim + (ctx.name == "stack"),
                                  allow_tuple=False)
    return [seqv], kw


def _varargs_arrays(ctx: Ctx):
    d = ctx.draw
    n = d(st.integers(0, 3))
    args = []
    for i in range(n):
        if ctx.name == "meshgrid":
            args.append(ctx.array(ctx.dtype if ctx.dtype and d(st.booleans()) else None,
                                  gen.shape(d, 1, 1) if not _coin(ctx, 8) else gen.shape(d)))
        else:
            args.append(ctx.array() if i == 0 else ctx.related())
    kw: dict = {}
    if ctx.name == "meshgrid":
        _opt(ctx, kw, "indexing")
    return args, kw


def _broadcast_shapes(ctx: Ctx):
    d = ctx.draw
    first = gen.shape(d)
    shapes = [first] + [gen.broadcastable_shape(d, first) for _ in range(d(st.integers(0, 2)))]
    args = [values.py(s) for s in shapes]
    if _coin(ctx, 8):
        args.append(gen.shape_val(d))
    return args, {}


def _reshape(ctx: Ctx):
    x = ctx.array()
    kw: dict = {}
    _opt(ctx, kw, "copy", 3)
    return [x, gen.shape_val(ctx.draw, ctx.shape)], kw


def _broadcast_to(ctx: Ctx):
    d = ctx.draw
    x = ctx.array(None, gen.shape(d, 0, 3))
    shp = list(ctx.shape)
    for i, s in enumerate(shp):
        if s == 1 and d(st.booleans()):
            shp[i] = d(st.integers(0, 4))
    shp = [d(st.integers(1, 3)) for _ in range(d(st.integers(0, 2)))] + shp
    target = values.py(tuple(shp)) if not _coin(ctx, 5) else gen.shape_val(d)
    return [x, target], {}


def _permute_dims(ctx: Ctx):
    d = ctx.draw
    x = ctx.array()
    axes = list(d(st.permutations(list(range(ctx.ndim)))))
    if _coin(ctx, 6) and axes:
        axes[0] = gen.axis_int(d, ctx.ndim)
    elif _coin(ctx, 10):
        axes = axes + [0]
    return [x, values.py(tuple(axes)) if not _coin(ctx, 12) else gen.junk(d)], {}


def _moveaxis(ctx: Ctx):
    x = ctx.array(None, gen.shape(ctx.draw, 0, 4))
    return [x, PARAMS["source"](ctx), PARAMS["destination"](ctx)], {}


def _tile(ctx: Ctx):
    d = ctx.draw
    x = ctx.array()
    reps = tuple(d(st.integers(0, 3)) for _ in range(d(st.integers(0, 4))))
    if _coin(ctx, 6):
        return [x, gen.shape_val(d)], {}
    if _coin(ctx, 10):
        reps = (2**31, 2)
    return [x, values.py(reps)], {}


def _repeat(ctx: Ctx):
    d = ctx.draw
    x = ctx.array(None, gen.shape(d, 0, 3))
    kw: dict = {}
    axis = None
    if _coin(ctx, 3) is False:
        kw["axis"] = gen.axis_val(d, ctx.ndim, allow_tuple=False)
        axis = kw["axis"].oracle()
    if d(st.booleans()):
        reps = values.py(gen.small_int(d, 0, 3))
    else:
        n = ctx.shape[axis] if isinstance(axis, int) and -ctx.ndim <= axis < ctx.ndim else \
            int(np.prod(ctx.shape)) if ctx.shape else 1
        m = n if not _coin(ctx, 6) else n + 1
        reps = gen.int_array(d, (m,), -1 if _coin(ctx, 8) else 0, 3)
    return [x, reps], kw


def _where(ctx: Ctx):
    d = ctx.draw
    cond = ctx.array("bool" if not _coin(ctx, 8) else None)
    x1 = ctx.related() if d(st.integers(0, 3)) else gen.scalar_for(d, None)
    x2 = ctx.related() if d(st.integers(0, 3)) else gen.scalar_for(d, None)
    return [cond, x1, x2], {}


def _clip(ctx: Ctx):
    x = ctx.array(None, None, gen.REAL_NAMES + ("bool", "complex64") if _coin(ctx, 8)
                  else gen.REAL_NAMES)
    kw: dict = {}
    _opt(ctx, kw, "min", 1)
    _opt(ctx, kw, "max", 2)
    return [x], kw


# --- creation, dtypes, interop ------------------------------------------------------

def _nested(draw, depth: int = 0):
    if depth < 2 and draw(st.integers(0, 2)) == 0:
        n = draw(st.integers(0, 3))
        kind = draw(st.integers(0, 3))
        if kind == 0:  # ragged
            return [_nested(draw, depth + 1) for _ in range(n)]
        item = _nested(draw, depth + 1)
        return [item] * n
    return draw(st.sampled_from([0, 1, -1, 2**31, 2**63, 2**64, 1.5, float("nan"), True,
                                 1 + 1j, -0.0, float("inf")]))


def _asarray(ctx: Ctx):
    d = ctx.draw
    kind = d(st.integers(0, 6))
    if kind == 0:
        obj = values.py(_nested(d))
    elif kind == 1:
        obj = ctx.array()
    elif kind == 2:
        name = gen.dtype_name(d, gen.NUMERIC_NAMES + ("bool",))
        obj = values.numpy_obj(gen.np_values(d, name if name != "bfloat16" else "float32",
                                        gen.shape(d)))
    elif kind == 3:
        obj = values.torch_obj(gen.np_values(d, d(st.sampled_from(("float32", "int64", "bool",
                                                               "float64", "uint8"))),
                                        gen.shape(d)))
    elif kind == 4:
        obj = gen.scalar_for(d, None)
    else:
        obj = gen.junk(d)
    kw: dict = {}
    _opt(ctx, kw, "dtype")
    _opt(ctx, kw, "device", 3)
    _opt(ctx, kw, "copy", 3)
    return [obj], kw


def _from_dlpack(ctx: Ctx):
    args, kw = _asarray(ctx)
    kw.pop("dtype", None)
    return args, kw


def _dtype_or_array(ctx: Ctx) -> values.Val:
    k = ctx.draw(st.integers(0, 5))
    return ctx.array() if k == 0 else gen.junk(ctx.draw) if k == 1 else gen.dtype_val(ctx.draw)


def _astype(ctx: Ctx):
    x = ctx.array()
    kw: dict = {}
    _opt(ctx, kw, "copy", 3)
    _opt(ctx, kw, "device", 4)
    return [x, gen.dtype_val(ctx.draw)], kw


def _result_type(ctx: Ctx):
    d = ctx.draw
    args = []
    for _ in range(d(st.integers(0, 3))):
        k = d(st.integers(0, 3))
        args.append(_dtype_or_array(ctx) if k else gen.scalar_for(d, None))
    return args, {}


def _can_cast(ctx: Ctx):
    return [_dtype_or_array(ctx), gen.dtype_val(ctx.draw)], {}


def _isdtype(ctx: Ctx):
    d = ctx.draw
    kinds = ["bool", "signed integer", "unsigned integer", "integral", "real floating",
             "complex floating", "numeric", "bad"]
    k = d(st.integers(0, 5))
    if k <= 2:
        kind = values.py(d(st.sampled_from(kinds)))
    elif k == 3:
        kind = gen.dtype_val(d)
    elif k == 4:
        kind = values.seq([values.py(d(st.sampled_from(kinds))), gen.dtype_val(d)], tuple)
    else:
        kind = gen.junk(d)
    return [gen.dtype_val(d), kind], {}


def _info(ctx: Ctx):
    return [_dtype_or_array(ctx)], {}


def _creation(ctx: Ctx):
    d = ctx.draw
    shape = gen.shape_val(d) if d(st.integers(0, 3)) else values.py(gen.shape(d))
    kw: dict = {}
    _opt(ctx, kw, "dtype")
    _opt(ctx, kw, "device", 3)
    args = [shape]
    if ctx.name == "full":
        args.append(gen.scalar_for(d, None) if d(st.integers(0, 4)) else ctx.array(None, ()))
    return args, kw


def _eye(ctx: Ctx):
    d = ctx.draw
    args = [PARAMS["n_rows"](ctx)]
    if d(st.booleans()):
        args.append(PARAMS["n_cols"](ctx))
    kw: dict = {}
    _opt(ctx, kw, "k")
    _opt(ctx, kw, "dtype")
    return args, kw


def _arange(ctx: Ctx):
    d = ctx.draw
    args = [PARAMS["start"](ctx)]
    for name in ("stop", "step"):
        if d(st.booleans()):
            args.append(PARAMS[name](ctx))
        else:
            break
    kw: dict = {}
    _opt(ctx, kw, "dtype")
    return args, kw


def _linspace(ctx: Ctx):
    d = ctx.draw
    num = values.py(d(st.integers(0, 6))) if d(st.integers(0, 5)) else PARAMS["num"](ctx)
    kw: dict = {}
    _opt(ctx, kw, "dtype")
    _opt(ctx, kw, "endpoint")
    return [PARAMS["start"](ctx), PARAMS["stop"](ctx), num], kw


# --- fft ---------------------------------------------------------------------

def _fft1(ctx: Ctx):
    d = ctx.draw
    x = ctx.array(None, gen.shape(d, 1, 3, min_side=1) if d(st.integers(0, 7)) else None,
                  ("float32", "complex64", "float64", "float16") if d(st.integers(0, 3))
                  else values.DTYPE_NAMES)
    kw: dict = {}
    _opt(ctx, kw, "n", 3)
    _opt(ctx, kw, "axis", 3)
    _opt(ctx, kw, "norm", 3)
    return [x], kw


def _fftn(ctx: Ctx):
    d = ctx.draw
    x = ctx.array(None, gen.shape(d, 1, 3, min_side=1) if d(st.integers(0, 7)) else None,
                  ("float32", "complex64", "float64") if d(st.integers(0, 3))
                  else values.DTYPE_NAMES)
    kw: dict = {}
    k = d(st.integers(0, ctx.ndim))
    if _coin(ctx, 3):
        kw["axes"] = values.py(tuple(gen.axis_int(d, ctx.ndim) for _ in range(k)))
    if _coin(ctx, 3):
        kw["s"] = values.py(tuple(d(st.integers(-1, 5)) for _ in range(k)))
    _opt(ctx, kw, "norm", 3)
    return [x], kw


def _fftfreq(ctx: Ctx):
    kw: dict = {}
    _opt(ctx, kw, "d")
    _opt(ctx, kw, "dtype", 3)
    _opt(ctx, kw, "device", 4)
    return [PARAMS["n"](ctx)], kw


def _fftshift(ctx: Ctx):
    x = ctx.array()
    kw: dict = {}
    if _coin(ctx, 2):
        kw["axes"] = gen.axis_val(ctx.draw, ctx.ndim, allow_none=True)
    return [x], kw


# --- nn ------------------------------------------------------------------------------

_NN_FLOATS = ("float32", "float16", "bfloat16", "float64")


def _nn_input(ctx: Ctx, **shape_kw) -> values.Val:
    names = _NN_FLOATS if ctx.draw(st.integers(0, 5)) else values.DTYPE_NAMES
    return ctx.array(None, None, names, **shape_kw)


def _norm(ctx: Ctx):
    d = ctx.draw
    x = _nn_input(ctx, min_dims=1)
    k = d(st.integers(1, ctx.ndim)) if ctx.ndim else 0
    ns = ctx.shape[ctx.ndim - k:]
    normalized = values.py(ns) if not _coin(ctx, 6) else gen.shape_val(d)
    args = [x, normalized]
    if d(st.booleans()):
        args.append(ctx.array(ctx.dtype, ns) if not _coin(ctx, 5) else values.py(None))
        if ctx.name == "layer_norm" and d(st.booleans()):
            args.append(ctx.array(ctx.dtype, ns) if not _coin(ctx, 5) else values.py(None))
    kw: dict = {}
    _opt(ctx, kw, "eps", 3)
    return args, kw


def _linear(ctx: Ctx):
    d = ctx.draw
    x = _nn_input(ctx, min_dims=1, max_dims=3)
    inner = ctx.shape[-1] if ctx.shape else 1
    out = d(st.integers(0, 4))
    w = ctx.array(ctx.dtype, (out, inner) if not _coin(ctx, 8) else gen.shape(d, 1, 2))
    args = [x, w]
    if d(st.booleans()):
        args.append(ctx.array(ctx.dtype, (out,)) if not _coin(ctx, 6) else values.py(None))
    return args, {}


def _sdpa(ctx: Ctx):
    d = ctx.draw
    name = d(st.sampled_from(_NN_FLOATS))
    b, h, ll, s, e = (d(st.integers(1, 3)) for _ in range(5))
    hk = h if not _coin(ctx, 4) else 1
    q = ctx.array(name, (b, h, ll, e))
    k = ctx.array(name, (b, hk, s, e if not _coin(ctx, 10) else e + 1))
    v = ctx.array(name, (b, hk, s, d(st.integers(1, 3))))
    kw: dict = {}
    if _coin(ctx, 4):
        kw["attn_mask"] = ctx.array(d(st.sampled_from(("bool", name))), (ll, s))
    _opt(ctx, kw, "is_causal", 4)
    _opt(ctx, kw, "scale", 4)
    _opt(ctx, kw, "enable_gqa", 3)
    _opt(ctx, kw, "dropout_p", 6)
    return [q, k, v], kw


def _nn_softmax(ctx: Ctx):
    x = _nn_input(ctx)
    kw: dict = {}
    if not _coin(ctx, 8):
        kw["dim"] = PARAMS["dim"](ctx)
    _opt(ctx, kw, "dtype", 4)
    return [x], kw


def _dropout(ctx: Ctx):
    x = _nn_input(ctx)
    kw: dict = {}
    for name in ("p", "training", "inplace", "rng_key"):
        _opt(ctx, kw, name)
    return [x], kw


FUNCTIONS = {
    # linalg (and the namespace's linear algebra)
    "cholesky": _square, "det": _square, "eig": _square, "eigh": _square,
    "eigvals": _square, "eigvalsh": _square, "inv": _square, "slogdet": _square,
    "matrix_norm": _matrix_kw("keepdims", "ord"), "matrix_rank": _matrix_kw("rtol"),
    "pinv": _matrix_kw("rtol"), "qr": _matrix_kw("mode"), "svd": _matrix_kw("full_matrices"),
    "svdvals": _matrix_kw(), "matrix_transpose": _matrix_kw(),
    "matrix_power": _matrix_power, "diagonal": _diagonal_trace, "trace": _diagonal_trace,
    "matmul": _matmul, "solve": _solve, "tensordot": _tensordot, "vecdot": _vecdot,
    "cross": _cross, "outer": _outer,
    # indexing, searching
    "take": _take, "take_along_axis": _take_along_axis, "searchsorted": _searchsorted,
    "where": _where, "clip": _clip,
    # manipulation
    "concat": _concat_stack, "stack": _concat_stack, "meshgrid": _varargs_arrays,
    "broadcast_arrays": _varargs_arrays, "broadcast_shapes": _broadcast_shapes,
    "reshape": _reshape, "broadcast_to": _broadcast_to, "permute_dims": _permute_dims,
    "moveaxis": _moveaxis, "tile": _tile, "repeat": _repeat,
    # creation, data types, interop
    "asarray": _asarray, "from_dlpack": _from_dlpack, "astype": _astype,
    "result_type": _result_type, "can_cast": _can_cast, "isdtype": _isdtype,
    "finfo": _info, "iinfo": _info, "zeros": _creation, "ones": _creation,
    "empty": _creation, "full": _creation, "eye": _eye, "arange": _arange,
    "linspace": _linspace,
    # fft
    "fft": _fft1, "ifft": _fft1, "rfft": _fft1, "irfft": _fft1, "hfft": _fft1,
    "ihfft": _fft1, "fftn": _fftn, "ifftn": _fftn, "rfftn": _fftn, "irfftn": _fftn,
    "fftfreq": _fftfreq, "rfftfreq": _fftfreq, "fftshift": _fftshift,
    "ifftshift": _fftshift,
    # nn
    "layer_norm": _norm, "rms_norm": _norm, "linear": _linear,
    "scaled_dot_product_attention": _sdpa, "softmax": _nn_softmax,
    "log_softmax": _nn_softmax, "dropout": _dropout,
}


def _matmul_method(ctx: Ctx):
    d = ctx.draw
    k = ctx.shape[-1] if ctx.shape else 0
    s2 = gen.broadcastable_shape(d, ctx.shape[:-2]) + (k, d(st.integers(0, 3))) \
        if not _coin(ctx, 6) else gen.shape(d, 0, 3)
    return [ctx.array(ctx.dtype if not _coin(ctx, 4) else None, s2)], {}


METHODS = {
    "__getitem__": _getitem, "__setitem__": _setitem,
    "__matmul__": _matmul_method, "__rmatmul__": _matmul_method,
    "__imatmul__": _matmul_method,
}
