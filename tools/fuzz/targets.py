"""What the fuzzer calls and how it draws the arguments.

Targets are discovered, not listed: every callable in ``xp.__all__``,
``xp.linalg.__all__``, ``xp.fft.__all__`` and ``xp.nn.__all__``, the public
methods and properties of ``Array`` and its operator and conversion dunders, and the
PyTorch face's the same way: ``torch_face.__all__`` (with ``torch_face.linalg`` and
``torch_face.fft``) and ``Tensor``'s methods, properties and dunders. A
function added to the namespace is fuzzed from its signature by parameter name
(:data:`PARAMS`); where a signature needs related arguments (a square matrix, a
reshape of the input, matching attention shapes) :data:`SPECIAL` draws them.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

import tmath_array as xp
import tmath_array.nn  # noqa: F401  (xp.nn)
import tmath_array.torch as torch_face

from . import gen, values

# Not fuzzed: decorators and printers (no arrays in, nothing to check), and the face's
# switches of process-wide state (grad mode, default dtype, print options).
SKIP = {"xp.compile", "xp.show_config", "torch.compile", "torch.set_grad_enabled",
        "torch.set_default_dtype", "torch.set_printoptions", "torch.get_printoptions",
        "torch.use_deterministic_algorithms", "torch.set_num_threads"}

_MODULES = (("xp", xp), ("xp.linalg", xp.linalg), ("xp.fft", xp.fft), ("xp.nn", xp.nn),
            ("torch", torch_face), ("torch.linalg", torch_face.linalg),
            ("torch.fft", torch_face.fft), ("torch.nn.functional", torch_face.nn.functional),
            ("torch.nn.init", torch_face.nn.init), ("torch.nn.utils", torch_face.nn.utils))
# Tensor methods not fuzzed: they hand a Python callable over (hooks, apply_).
TENSOR_SKIP = {"register_hook", "apply_", "map_"}
# What a method target is called on, by its prefix.
_CLASSES = {"Array": xp.Array, "Tensor": torch_face.Tensor}

# Dunders of Array that take part (the public methods and properties are found by name).
DUNDERS = (
    "__getitem__", "__setitem__", "__add__", "__radd__", "__iadd__", "__sub__", "__rsub__",
    "__isub__", "__mul__", "__rmul__", "__imul__", "__truediv__", "__rtruediv__",
    "__itruediv__", "__floordiv__", "__rfloordiv__", "__ifloordiv__", "__mod__", "__rmod__",
    "__imod__", "__pow__", "__rpow__", "__ipow__", "__and__", "__rand__", "__iand__",
    "__or__", "__ror__", "__ior__", "__xor__", "__rxor__", "__ixor__", "__lshift__",
    "__rlshift__", "__ilshift__", "__rshift__", "__rrshift__", "__irshift__", "__lt__",
    "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__neg__", "__pos__", "__abs__",
    "__invert__", "__matmul__", "__rmatmul__", "__imatmul__", "__bool__", "__int__",
    "__float__", "__complex__", "__index__", "__len__", "__iter__", "__array__",
    "__dlpack__", "__dlpack_device__", "__repr__", "__array_namespace__",
)


@dataclass
class Call:
    """One drawn call: what to call, with what, and how to write it down."""

    target: str                      # "xp.sin", "xp.linalg.inv", "Array.__getitem__"
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    self_val: values.Val | None = None    # the array a method is called on

    @property
    def cls(self):
        """The class a method target belongs to (Array or Tensor), None for functions."""
        return _CLASSES.get(self.target.split(".", 1)[0])

    @property
    def kind(self) -> str:
        cls = self.cls
        if cls is None:
            return "function"
        name = self.name
        if name == "__setitem__":
            return "setitem"
        if isinstance(getattr(cls, name), property):
            return "property"
        return "method"

    @property
    def name(self) -> str:
        return self.target.rsplit(".", 1)[1]

    def src(self) -> str:
        """The call as one line of Python (after :data:`values.HEADER`)."""
        parts = [a.src for a in self.args] + [f"{k}={v.src}" for k, v in self.kwargs.items()]
        if self.kind == "function":
            return f"{self.target}({', '.join(parts)})"
        obj = f"({self.self_val.src})"
        if self.cls is torch_face.Tensor:
            obj = f"torch_face.as_tensor{obj}"
        if self.kind == "property":
            return f"{obj}.{self.name}"
        if self.kind == "setitem":
            return f"x = {obj}; x[{self.args[0].src}] = {self.args[1].src}; x"
        if self.name == "__iter__":
            return f"list({obj})"
        return f"{obj}.{self.name}({', '.join(parts)})"


def discover() -> list[str]:
    """Every target name, in a fixed order."""
    out = []
    for prefix, mod in _MODULES:
        for name in mod.__all__:
            obj = getattr(mod, name)
            target = f"{prefix}.{name}"
            if callable(obj) and not isinstance(obj, type) and target not in SKIP \
                    and not isinstance(obj, type(xp)):
                out.append(target)
    for name in sorted(dir(xp.Array)):
        if name in DUNDERS or (not name.startswith("_") and name not in ("dtype", "device")):
            out.append(f"Array.{name}")
    # Tensor's own methods (those it inherits from Array unchanged are Array targets).
    own = vars(torch_face.Tensor)
    for name in sorted(own):
        if (name in DUNDERS and name in own) or (not name.startswith("_") and
                                                 name not in TENSOR_SKIP):
            out.append(f"Tensor.{name}")
    return out


def resolve(target: str):
    """The function (or unbound method) a target names."""
    prefix, _, rest = target.partition(".")
    if prefix in _CLASSES:
        return getattr(_CLASSES[prefix], rest)
    mod, name = target.rsplit(".", 1)
    obj = torch_face if prefix == "torch" else xp
    for part in mod.split(".")[1:]:
        obj = getattr(obj, part)
    return getattr(obj, name)


# --- drawing ------------------------------------------------------------------

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

    def array(self, name=None, shp=None, names=values.DTYPE_NAMES, **kw) -> values.Val:
        """An array; the first one drawn sets the context."""
        d = self.draw
        name = gen.dtype_name(d, names) if name is None else name
        shp = gen.shape(d, **kw) if shp is None else shp
        return self.first(values.array(gen.np_values(d, name, shp), name), name, shp)

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
        return gen.maybe_junk(d, lambda: values.py(d(st.one_of(
            st.floats(lo, hi), st.sampled_from(extra), st.integers(0, 3)))), 10)
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
    "other": _other,
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


def _default_param(ctx: Ctx, p: inspect.Parameter) -> values.Val:
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


def draw_generic(ctx: Ctx, fn, skip_first: bool = False,
                 positional: bool = False) -> tuple[list, dict]:
    """Arguments for ``fn`` from its signature, parameter by parameter.

    ``positional``: pass every argument by position (as Python calls dunders).
    """
    d = ctx.draw
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    if skip_first:
        params = params[1:]
    args: list = []
    kwargs: dict = {}
    gap = False  # a positional parameter was left out: later ones go by keyword
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            if not gap:
                args += [ctx.array_or_junk() if ctx.dtype is None else ctx.related()
                         for _ in range(d(st.integers(0, 3)))]
            continue
        if p.kind is p.VAR_KEYWORD:
            continue
        required = p.default is inspect.Parameter.empty
        if not required and d(st.integers(0, 2)) == 0:
            gap = True
            continue  # leave the default
        val = _default_param(ctx, p)
        if p.kind is p.POSITIONAL_ONLY:
            if not gap:
                args.append(val)
        elif p.kind is p.KEYWORD_ONLY or gap or kwargs or (not positional and d(st.booleans())):
            kwargs[p.name] = val
        else:
            args.append(val)
    # Now and then one argument too many: a TypeError.
    if d(st.integers(0, 40)) == 0:
        args.append(values.py(1))
    return args, kwargs


def draw_call(draw, targets: list[str]) -> Call:
    """Draw one call of one of ``targets``."""
    target = draw(st.sampled_from(targets))
    ctx = Ctx(draw, target)
    fn = resolve(target)
    prefix, _, name = target.partition(".")
    if prefix in _CLASSES:
        from . import special

        self_val = special.self_array(ctx)
        if name in special.METHODS and prefix == "Array":
            args, kwargs = special.METHODS[name](ctx)
        elif isinstance(fn, property):
            args, kwargs = [], {}
        else:
            args, kwargs = draw_generic(ctx, fn, skip_first=True,
                                        positional=name.startswith("__"))
        return Call(target, args, kwargs, self_val)
    from . import special

    if ctx.name in special.FUNCTIONS and prefix == "xp":
        args, kwargs = special.FUNCTIONS[ctx.name](ctx)
    else:
        args, kwargs = draw_generic(ctx, fn)
    return Call(target, args, kwargs)


def build(call: Call):
    """``(callable, args, kwargs, self)`` with fresh values."""
    args = [a.make() for a in call.args]
    kwargs = {k: v.make() for k, v in call.kwargs.items()}
    if call.kind == "function":
        return resolve(call.target), args, kwargs, None
    obj = call.self_val.make()
    if call.cls is torch_face.Tensor:
        obj = torch_face.as_tensor(obj)
    return getattr(call.cls, call.name), args, kwargs, obj


def np_module(target: str):
    """NumPy's (or torch.nn.functional's) counterpart of a target, None when none."""
    if target.startswith("xp.nn."):
        import torch.nn.functional

        return getattr(torch.nn.functional, target[6:], None)
    if target.startswith("torch."):
        import torch

        obj = torch
        for part in target.split(".")[1:]:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
    mod, name = target.rsplit(".", 1)
    obj = np
    for part in mod.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return getattr(obj, name, None)


__all__ = ["Call", "Ctx", "PARAMS", "build", "discover", "draw_call", "draw_generic",
           "np_module", "resolve"]
