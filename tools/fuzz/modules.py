"""The PyTorch face's ``nn`` layers as fuzz targets: build one, call it, backpropagate.

A module target (``torch.nn.Linear``) is drawn as two calls: the constructor's
arguments (:attr:`targets.Call.ctor`) and the forward call's (``Call.args``/``kwargs``,
so every input rule of :mod:`check` applies to the forward inputs). The oracle builds
real PyTorch's module from the same constructor arguments, loads the face's freshly
initialised ``state_dict`` into it (the key sets must agree), runs the same forward
call and, where the output is floating, ``output.sum().backward()``: outputs and every
parameter's gradient are compared.

Layers whose arguments depend on each other (features, channels, heads, normalised
shapes) have a hand-written draw in :data:`SPECS`; the others (activations) are drawn
from their signature and called on one array.
"""

from __future__ import annotations

from hypothesis import strategies as st

from . import gen, values
from .params import Ctx

_FLOATS = ("float32",) * 6 + ("float16", "bfloat16", "float64", "int32", "bool")


def _coin(ctx: Ctx, n: int = 2) -> bool:
    return ctx.draw(st.integers(0, n - 1)) == 0


def _n(ctx: Ctx, lo: int = 1, hi: int = 4) -> values.Val:
    """A size: small, now and then zero, negative or junk."""
    d = ctx.draw
    k = d(st.integers(0, 19))
    if k == 0:
        return gen.junk(d)
    if k == 1:
        return values.py(d(st.sampled_from([0, -1, 2**31])))
    return values.py(d(st.integers(lo, hi)))


def _v(val: values.Val):
    """The value a drawn Val stands for (an int size), None when it is no int."""
    v = val.oracle()
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 64 else None


def _x(ctx: Ctx, shp, names=_FLOATS) -> values.Val:
    """A forward input: float32 mostly; its shape wrong one time in ten."""
    d = ctx.draw
    if _coin(ctx, 10):
        shp = gen.shape(d, max_dims=4)
    name = d(st.sampled_from(names))
    return ctx.array(name, tuple(shp))


def _batch(ctx: Ctx, lo: int = 0, hi: int = 2) -> tuple[int, ...]:
    return gen.shape(ctx.draw, lo, hi, min_side=1, max_side=3)


def _opt(ctx: Ctx, kw: dict, name: str, val, n: int = 3) -> None:
    if _coin(ctx, n):
        kw[name] = val() if callable(val) else values.py(val)


def _choice(ctx: Ctx, options) -> values.Val:
    return values.py(ctx.draw(st.sampled_from(options)))


def _linear(ctx: Ctx):
    i, o = _n(ctx), _n(ctx)
    kw: dict = {}
    _opt(ctx, kw, "bias", lambda: _choice(ctx, [True, False]))
    x = _x(ctx, _batch(ctx) + ((_v(i) or 2),))
    return [i, o], kw, [x], {}


def _bilinear(ctx: Ctx):
    i1, i2, o = _n(ctx), _n(ctx), _n(ctx)
    kw: dict = {}
    _opt(ctx, kw, "bias", lambda: _choice(ctx, [True, False]))
    b = _batch(ctx, 1, 1)
    x1 = _x(ctx, b + ((_v(i1) or 2),))
    x2 = ctx.array(ctx.dtype or "float32", b + ((_v(i2) or 2),))
    return [i1, i2, o], kw, [x1, x2], {}


def _embedding(ctx: Ctx):
    num, dim = _n(ctx, 1, 6), _n(ctx)
    kw: dict = {}
    n = _v(num) or 3
    _opt(ctx, kw, "padding_idx", lambda: values.py(ctx.draw(st.integers(-n - 1, n))))
    shp = _batch(ctx, 0, 2)
    idx = gen.int_array(ctx.draw, shp, -1 if _coin(ctx, 8) else 0, n - 1 + (_coin(ctx, 8)),
                        name=ctx.draw(st.sampled_from(("int64", "int64", "int32", "uint8"))))
    return [num, dim], kw, [ctx.first(idx, None, shp)], {}


def _norm(affine_kw: str, with_bias: bool):
    def f(ctx: Ctx):
        d = ctx.draw
        tail = gen.shape(d, 1, 2, min_side=1, max_side=4)
        shp = _batch(ctx) + tail
        ns = values.py(tail if _coin(ctx) else tail[-1] if len(tail) == 1 else tail)
        kw: dict = {}
        _opt(ctx, kw, "eps", lambda: values.py(d(st.sampled_from([1e-5, 1e-3, 0.0, 1.0]))))
        _opt(ctx, kw, affine_kw, lambda: _choice(ctx, [True, False]))
        if with_bias:
            _opt(ctx, kw, "bias", lambda: _choice(ctx, [True, False]))
        return [ns], kw, [_x(ctx, shp)], {}
    return f


def _batchnorm(spatial: int):
    def f(ctx: Ctx):
        d = ctx.draw
        c = _n(ctx)
        n = d(st.integers(1, 3))
        rest = tuple(d(st.integers(1, 3)) for _ in range(spatial if spatial >= 0 else
                                                          d(st.integers(0, 1))))
        kw: dict = {}
        _opt(ctx, kw, "eps", lambda: values.py(d(st.sampled_from([1e-5, 1e-3, 1.0]))))
        _opt(ctx, kw, "momentum", lambda: values.py(d(st.sampled_from([0.1, 0.5, None]))))
        _opt(ctx, kw, "affine", lambda: _choice(ctx, [True, False]))
        _opt(ctx, kw, "track_running_stats", lambda: _choice(ctx, [True, False]))
        return [c], kw, [_x(ctx, (n, _v(c) or 2) + rest)], {}
    return f


def _conv(dims: int):
    def f(ctx: Ctx):
        d = ctx.draw
        groups = d(st.sampled_from([1, 1, 1, 2]))
        cin, cout = d(st.integers(1, 2)) * groups, d(st.integers(1, 2)) * groups
        k = d(st.integers(1, 3))
        kw: dict = {}
        _opt(ctx, kw, "stride", lambda: values.py(d(st.integers(1, 2))))
        _opt(ctx, kw, "padding", lambda: values.py(d(st.sampled_from(
            [0, 1, "same", "valid", (1,) * dims]))))
        _opt(ctx, kw, "dilation", lambda: values.py(d(st.integers(1, 2))))
        _opt(ctx, kw, "bias", lambda: _choice(ctx, [True, False]))
        if groups > 1:
            kw["groups"] = values.py(groups)
        if _coin(ctx, 12):
            kw["padding_mode"] = _choice(ctx, ["reflect", "replicate", "circular", "bad"])
        spatial = tuple(d(st.integers(k, k + 3)) for _ in range(dims))
        return ([values.py(cin), values.py(cout), values.py(k if _coin(ctx, 4) or dims == 1
                                                             else (k,) * dims)],
                kw, [_x(ctx, _batch(ctx, 0, 1) + (cin,) + spatial)], {})
    return f


def _pool(dims: int, kind: str):
    def f(ctx: Ctx):
        d = ctx.draw
        k = d(st.integers(1, 3))
        kw: dict = {}
        _opt(ctx, kw, "stride", lambda: values.py(d(st.sampled_from([None, 1, 2]))))
        _opt(ctx, kw, "padding", lambda: values.py(d(st.integers(0, k // 2))))
        if kind == "avg":
            _opt(ctx, kw, "count_include_pad", lambda: _choice(ctx, [True, False]))
        if _coin(ctx, 12):
            kw["ceil_mode"] = values.py(True)
        spatial = tuple(d(st.integers(k, k + 3)) for _ in range(dims))
        return [values.py(k)], kw, [_x(ctx, _batch(ctx, 0, 2) + spatial)], {}
    return f


def _adaptive(ctx: Ctx):
    d = ctx.draw
    out = values.py(d(st.sampled_from([1, 2, (1, 2), (2, 1), 3])))
    return [out], {}, [_x(ctx, _batch(ctx, 1, 2) + (d(st.integers(1, 6)),
                                                     d(st.integers(1, 6))))], {}


def _flatten(ctx: Ctx):
    d = ctx.draw
    kw: dict = {}
    _opt(ctx, kw, "start_dim", lambda: values.py(d(st.integers(-3, 2))), 2)
    _opt(ctx, kw, "end_dim", lambda: values.py(d(st.integers(-3, 2))), 2)
    return [], kw, [_x(ctx, gen.shape(d, 1, 4, max_side=3))], {}


def _unflatten(ctx: Ctx):
    d = ctx.draw
    a, b = d(st.integers(1, 3)), d(st.integers(1, 3))
    dim = d(st.integers(-1, 1))
    shp = [2, a * b] if dim != 0 else [a * b, 2]
    sizes = (a, b) if not _coin(ctx, 6) else (a, -1) if _coin(ctx) else (a + 1, b)
    return [values.py(dim), values.py(sizes)], {}, [_x(ctx, tuple(shp))], {}


def _pair(ctx: Ctx, kind: str):
    """A loss's (input, target)."""
    d = ctx.draw
    shp = gen.shape(d, 0, 3, max_side=3)
    if kind == "prob":  # BCELoss: input in (0, 1)
        a = ctx.first(values.array(d(gen.hnp.arrays("float32", shp, elements=st.floats(
            0, 1, width=32))), "float32"), "float32", shp)
        t = values.array(d(gen.hnp.arrays("float32", shp, elements=st.floats(
            0, 1, width=32))), "float32")
        return [a, t]
    a = _x(ctx, shp, ("float32",) * 8 + ("float64", "float16"))
    return [a, ctx.array(ctx.dtype, shp)]


def _reduction(ctx: Ctx, kw: dict) -> None:
    _opt(ctx, kw, "reduction", lambda: _choice(ctx, ["mean", "sum", "none", "none", "bad"]),
         2)


def _loss(kind: str, extra=()):
    def f(ctx: Ctx):
        kw: dict = {}
        _reduction(ctx, kw)
        for name, opts in extra:
            _opt(ctx, kw, name, lambda opts=opts: _choice(ctx, opts))
        return [], kw, _pair(ctx, kind), {}
    return f


def _class_loss(log_probs: bool):
    def f(ctx: Ctx):
        d = ctx.draw
        n, c = d(st.integers(1, 4)), d(st.integers(1, 4))
        extra = tuple(d(st.integers(1, 2)) for _ in range(d(st.integers(0, 1))))
        kw: dict = {}
        _reduction(ctx, kw)
        _opt(ctx, kw, "ignore_index", lambda: values.py(d(st.sampled_from([-100, 0, 1]))))
        if not log_probs:
            _opt(ctx, kw, "label_smoothing", lambda: values.py(d(st.sampled_from(
                [0.0, 0.1, 0.5, 1.0]))))
        if _coin(ctx, 4):
            kw["weight"] = values.array(d(gen.hnp.arrays("float32", (c,), elements=st.floats(
                0, 2, width=32))), "float32")
        x = _x(ctx, (n, c) + extra, ("float32",) * 8 + ("float64",))
        if not log_probs and _coin(ctx, 4):  # class probabilities as the target
            t = values.array(d(gen.hnp.arrays("float32", (n, c) + extra, elements=st.floats(
                0, 1, width=32))), "float32")
        else:
            t = gen.int_array(d, (n,) + extra, 0, c - 1 + _coin(ctx, 10), name="int64")
        return [], kw, [x, t], {}
    return f


def _attention(ctx: Ctx):
    d = ctx.draw
    heads = d(st.integers(1, 2))
    e = heads * d(st.integers(1, 3))
    batch_first = _coin(ctx)
    kw: dict = {"batch_first": values.py(batch_first)} if batch_first or _coin(ctx) else {}
    _opt(ctx, kw, "bias", lambda: _choice(ctx, [True, False]))
    n, lq, lk = d(st.integers(1, 2)), d(st.integers(1, 3)), d(st.integers(1, 3))
    q_shape = (n, lq, e) if batch_first else (lq, n, e)
    k_shape = (n, lk, e) if batch_first else (lk, n, e)
    q = _x(ctx, q_shape, ("float32",))
    k = ctx.array("float32", k_shape)
    v = ctx.array("float32", k_shape)
    fkw: dict = {}
    _opt(ctx, fkw, "need_weights", lambda: _choice(ctx, [True, False]))
    _opt(ctx, fkw, "average_attn_weights", lambda: _choice(ctx, [True, False]))
    if _coin(ctx, 4):
        fkw["attn_mask"] = ctx.array("bool", (lq, lk))
    return [values.py(e), values.py(heads)], kw, [q, k, v], fkw


def _dim_act(ctx: Ctx):
    x = _x(ctx, gen.shape(ctx.draw, 0, 3, max_side=3))
    return [], {"dim": values.py(gen.axis_int(ctx.draw, ctx.ndim))}, [x], {}


def _param_act(name: str, opts):
    def f(ctx: Ctx):
        kw: dict = {}
        _opt(ctx, kw, name, lambda: _choice(ctx, opts), 2)
        return [], kw, [_x(ctx, gen.shape(ctx.draw, 0, 3, max_side=3))], {}
    return f


def _hardtanh(ctx: Ctx):
    d = ctx.draw
    lo, hi = d(st.sampled_from([-1.0, -2.0, 0.0, 0.5])), d(st.sampled_from([1.0, 2.0, 0.0]))
    return [values.py(lo), values.py(hi)], {}, [_x(ctx, gen.shape(d, 0, 3, max_side=3))], {}


def _softplus(ctx: Ctx):
    d = ctx.draw
    kw: dict = {}
    _opt(ctx, kw, "beta", lambda: _choice(ctx, [1.0, 2.0, 0.5]))
    _opt(ctx, kw, "threshold", lambda: _choice(ctx, [20.0, 1.0, 5.0]))
    return [], kw, [_x(ctx, gen.shape(d, 0, 3, max_side=3))], {}


SPECS = {
    "Linear": _linear, "Bilinear": _bilinear, "Embedding": _embedding,
    "LayerNorm": _norm("elementwise_affine", True), "RMSNorm": _norm("elementwise_affine",
                                                                     False),
    "BatchNorm1d": _batchnorm(-1), "BatchNorm2d": _batchnorm(2),
    "Conv1d": _conv(1), "Conv2d": _conv(2),
    "MaxPool1d": _pool(1, "max"), "MaxPool2d": _pool(2, "max"), "AvgPool2d": _pool(2, "avg"),
    "AdaptiveAvgPool2d": _adaptive, "Flatten": _flatten, "Unflatten": _unflatten,
    "MSELoss": _loss("real"), "L1Loss": _loss("real"),
    "SmoothL1Loss": _loss("real", (("beta", [1.0, 0.5, 2.0]),)),
    "HuberLoss": _loss("real", (("delta", [1.0, 0.5, 2.0]),)),
    "BCELoss": _loss("prob"), "BCEWithLogitsLoss": _loss("real"),
    "KLDivLoss": _loss("real", (("log_target", [True, False]),)),
    "CrossEntropyLoss": _class_loss(False), "NLLLoss": _class_loss(True),
    "MultiheadAttention": _attention,
    "Softmax": _dim_act, "LogSoftmax": _dim_act, "Softmin": _dim_act,
    "LeakyReLU": _param_act("negative_slope", [0.01, 0.2, -0.5, 0.0]),
    "ELU": _param_act("alpha", [1.0, 0.5, 2.0]), "CELU": _param_act("alpha", [1.0, 0.5, 2.0]),
    "GELU": _param_act("approximate", ["none", "tanh", "bad"]),
    "Hardtanh": _hardtanh, "Softplus": _softplus,
}
# Containers and the base class: no layer of their own to call.
SKIP = {"Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"}
# Random in training mode: shapes only.
RANDOM = {"Dropout", "Dropout1d", "Dropout2d", "AlphaDropout", "RReLU"}


def draw(ctx: Ctx, name: str):
    """``(ctor_args, ctor_kwargs, args, kwargs)`` for layer ``name``."""
    if name in SPECS:
        return SPECS[name](ctx)
    # An activation (or a layer with defaults only): built bare, called on one array.
    return [], {}, [_x(ctx, gen.shape(ctx.draw, 0, 3, max_side=3))], {}
