"""What the fuzzer calls and how it draws the arguments.

Targets are discovered, not listed: every callable in ``xp.__all__``,
``xp.linalg.__all__``, ``xp.fft.__all__`` and ``xp.nn.__all__``, the public
methods and properties of ``Array`` and its operator and conversion dunders, and the
PyTorch face's the same way: ``torch_face.__all__`` (with ``torch_face.linalg``,
``torch_face.fft`` and ``torch_face.nn.functional``/``init``/``utils``) and ``Tensor``'s
methods, properties and dunders. A
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

from . import gen, modules, special, values
from .params import PARAMS, UFUNC_EXTRAS, Ctx, default_param

# Not fuzzed: decorators and printers (no arrays in, nothing to check); file I/O (it
# would write files named by drawn strings) and NumPy's global print options (drawn values
# would change how every later array prints).
SKIP = {"xp.compile", "xp.show_config", "xp.save", "xp.savez", "xp.savez_compressed",
        "xp.savetxt", "xp.load", "xp.loadtxt", "xp.genfromtxt", "xp.fromfile",
        "xp.set_printoptions", "xp.printoptions",
        # the default dtype rule: process-wide state (a drawn "numpy" would change the
        # dtypes of every later call)
        "xp.set_default_dtypes", "xp.get_default_dtypes",
        # the PyTorch face's switches of process-wide state (grad mode, default dtype,
        # print options)
        "torch.compile", "torch.set_grad_enabled", "torch.set_default_dtype",
        "torch.set_printoptions", "torch.get_printoptions", "torch.use_deterministic_algorithms",
        "torch.set_num_threads", "torch.save", "torch.load", "torch.manual_seed", "torch.seed"}

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
    ctor: tuple | None = None   # a layer's constructor arguments (args, kwargs)

    @property
    def cls(self):
        """The class a method target belongs to (Array or Tensor), None for functions."""
        return _CLASSES.get(self.target.split(".", 1)[0])

    @property
    def kind(self) -> str:
        if self.ctor is not None:
            return "module"
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
        if self.kind == "module":
            cargs, ckw = self.ctor
            ctor = [a.src for a in cargs] + [f"{k}={v.src}" for k, v in ckw.items()]
            inputs = [f"torch_face.as_tensor({a.src})" if "array" in a.tags else a.src
                      for a in self.args] + \
                [f"{k}=torch_face.as_tensor({v.src})" if "array" in v.tags else f"{k}={v.src}"
                 for k, v in self.kwargs.items()]
            return (f"torch_face{self.target[5:]}({', '.join(ctor)})"
                    f"({', '.join(inputs)})")
        if self.kind == "function":
            # (the reproducer's header binds the face as torch_face; torch is PyTorch)
            target = "torch_face" + self.target[5:] if self.target.startswith("torch.") \
                else self.target
            return f"{target}({', '.join(parts)})"
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
    # The PyTorch face's layers (nn.Module classes), built and called.
    for name in sorted(dir(torch_face.nn)):
        obj = getattr(torch_face.nn, name)
        if isinstance(obj, type) and issubclass(obj, torch_face.nn.Module) and \
                name not in modules.SKIP:
            out.append(f"torch.nn.{name}")
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
    if getattr(fn, "nin", None) is not None:  # a ufunc: the standard's parameters only
        params = [p for p in params if p.name not in UFUNC_EXTRAS]
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
        val = default_param(ctx, p)
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
    gen.FACE[0] = "torch" if target.startswith(("torch.", "Tensor.")) else "numpy"
    ctx = Ctx(draw, target)
    fn = resolve(target)
    prefix, _, name = target.partition(".")
    if prefix in _CLASSES:
        self_val = special.self_array(ctx)
        if name in special.METHODS and prefix == "Array":
            args, kwargs = special.METHODS[name](ctx)
        elif isinstance(fn, property):
            args, kwargs = [], {}
        else:
            args, kwargs = draw_generic(ctx, fn, skip_first=True,
                                        positional=name.startswith("__"))
        return Call(target, args, kwargs, self_val)
    if isinstance(fn, type):  # a layer of the PyTorch face
        cargs, ckw, args, kwargs = modules.draw(ctx, name.rsplit(".", 1)[1])
        return Call(target, args, kwargs, ctor=(cargs, ckw))
    if ctx.name in special.FUNCTIONS and prefix == "xp":
        args, kwargs = special.FUNCTIONS[ctx.name](ctx)
    else:
        args, kwargs = draw_generic(ctx, fn)
    return Call(target, args, kwargs)


def build(call: Call):
    """``(callable, args, kwargs, self)`` with fresh values."""
    args = [a.make() for a in call.args]
    kwargs = {k: v.make() for k, v in call.kwargs.items()}
    if call.kind == "module":
        cargs, ckw = call.ctor
        layer = resolve(call.target)(*[a.make() for a in cargs],
                                     **{k: v.make() for k, v in ckw.items()})
        args = [torch_face.as_tensor(a) if isinstance(a, xp.Array) else a for a in args]
        kwargs = {k: torch_face.as_tensor(v) if isinstance(v, xp.Array) else v
                  for k, v in kwargs.items()}
        return layer, args, kwargs, None
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
