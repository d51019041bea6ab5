"""``torch.compile``: a module's forward, or a whole training step, as one ``mx.compile``.

PyTorch code keeps its state in objects (a module's parameters and buffers, an
optimizer's moments and step counts, each parameter's ``.grad``); ``mx.compile`` wants a
pure function of arrays. The bridge: gather that state as a flat list of MLX arrays (the
*slots*), and compile ``pure(slots, inputs) -> (outputs, slots')``, which puts the traced
arrays into the objects, runs the user's Python function once (while MLX traces it), and
reads the slots back. Each later call runs the compiled graph and writes the new state into
the objects. Everything stays lazy: a compiled training step is one fused MLX graph,
forward, backward and update, evaluated at the loop's next sync point.

What compiles:
- ``torch.compile(module)``: its forward, over the module's parameters, buffers and the
  call's tensors. In grad mode the result is recorded as one autograd node whose backward
  is ``mx.vjp`` of the compiled forward.
- ``torch.compile(fn)``: ``fn``'s modules and optimizers are found among the names it uses
  (globals and closure cells, as written in a training step); their parameters, grads,
  buffers and optimizer state are the slots; MLX's global random state goes in and out
  of the compiled graph (dropout).

A new trace is made when the call's shapes, dtypes or structure change (a parameter that
gets its first ``.grad``, a scheduler that changes ``lr``, ``train()``/``eval()``), since
those are Python values a trace freezes. What cannot be traced (a sync point such as
``.item()`` or printing inside the function, data-dependent shapes) falls back to eager
execution with a warning that names the reason (PyTorch calls this a graph break).
"""

from __future__ import annotations

import functools
import warnings

import mlx.core as mx

from .._array.array import Array
from .._runtime import compile_cache as _cc
from .._runtime import lazy as _lazy
from . import _engine
from ._tensor import Tensor, from_mx, set_values
from .nn.module import Module
from .optim.optimizer import Optimizer

_MAX_TRACES = 32  # per compiled object; beyond it, the oldest trace is dropped


class _Slots:
    """Where a compiled function's state lives: ``(getter, setter)`` pairs over objects."""

    def __init__(self, modules, optimizers) -> None:
        params, buffers = [], []
        seen = set()
        for m in modules:
            for p in m.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    params.append(p)
            for _, b in m.named_buffers():
                if id(b) not in seen:
                    seen.add(id(b))
                    buffers.append(b)
        for o in optimizers:
            for g in o.param_groups:
                for p in g["params"]:
                    if id(p) not in seen:
                        seen.add(id(p))
                        params.append(p)
        self.params, self.buffers, self.optimizers = params, buffers, list(optimizers)
        self.modules = list(modules)

    def signature(self) -> tuple:
        """What a trace freezes: which grads exist, the optimizer state's keys, the groups'
        hyper-parameters, the modules' training flags, shapes and dtypes."""
        sig = [tuple((p._array.shape, p._array.dtype, p._grad is not None, p._requires_grad)
                     for p in self.params),
               tuple((b._array.shape, b._array.dtype) for b in self.buffers),
               tuple(m.training for mod in self.modules for m in mod.modules())]
        for o in self.optimizers:
            sig.append(tuple(tuple(sorted(o.state.get(p, {}))) for g in o.param_groups
                             for p in g["params"]))
            sig.append(tuple(tuple(sorted((k, _frozen(v)) for k, v in g.items()
                                          if k != "params")) for g in o.param_groups))
        return tuple(sig)

    def hyper(self) -> list[mx.array]:
        """The optimizers' numeric hyper-parameters as float32 scalars (graph inputs)."""
        out = []
        for o in self.optimizers:
            for g in o.param_groups:
                for k in sorted(k for k in g if k != "params"):
                    v = g[k]
                    if _is_number(v):
                        out.append(mx.array(v, dtype=mx.float32))
                    elif _lifted(v):
                        out += [mx.array(x, dtype=mx.float32) for x in v]
        return out

    def lift(self, arrays) -> list:
        """Put traced hyper-parameters into the groups; returns what to restore. The groups'
        Python values stay readable as ``group["__py__"]`` for decisions a trace freezes."""
        it = iter(arrays)
        saved = []
        for o in self.optimizers:
            for g in o.param_groups:
                py = {k: v for k, v in g.items() if k != "params"}
                saved.append((g, py))
                for k in sorted(py):
                    v = py[k]
                    if _is_number(v):
                        g[k] = next(it)
                    elif _lifted(v):
                        g[k] = tuple(next(it) for _ in v)
                g["__py__"] = py
        return saved

    @staticmethod
    def unlift(saved) -> None:
        for g, py in saved:
            g.pop("__py__", None)
            g.update(py)

    def structure(self) -> tuple:
        """Which parameters have a ``.grad`` and which optimizer state entries are arrays:
        a training step changes it on its first call (grads and moments appear)."""
        grads = tuple(p._grad is not None for p in self.params)
        opt = tuple(tuple(tuple(k for k in sorted(o.state.get(p, {}))
                                if isinstance(o.state[p][k], mx.array))
                          for g in o.param_groups for p in g["params"])
                    for o in self.optimizers)
        return grads, opt

    def read(self) -> list[mx.array]:
        out = [p._array for p in self.params]
        out += [p._grad._array for p in self.params if p._grad is not None]
        out += [b._array for b in self.buffers]
        for o in self.optimizers:
            for g in o.param_groups:
                for p in g["params"]:
                    st = o.state.get(p, {})
                    out += [st[k] for k in sorted(st) if isinstance(st[k], mx.array)]
        return out

    def write(self, arrays, structure, *, commit: bool) -> None:
        """Put ``arrays`` (in :meth:`read`'s order for ``structure``) into the objects;
        ``commit`` bumps the parameters' version counters (an in-place update)."""
        grads, opt = structure
        it = iter(arrays)
        for p in self.params:
            a = next(it)
            if commit and a is not p._array:
                p._version += 1
            set_values(p, a)
        for p, has in zip(self.params, grads):
            if has:
                p._grad = from_mx(next(it), p._dtype, p._device)
            elif p._grad is not None:
                p._grad = None
        for b in self.buffers:
            set_values(b, next(it))
        for o, keys in zip(self.optimizers, opt):
            flat = [p for g in o.param_groups for p in g["params"]]
            for p, ks in zip(flat, keys):
                if ks:
                    st = o.state.setdefault(p, {})
                    for k in ks:
                        st[k] = next(it)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _lifted(v) -> bool:
    """A hyper-parameter that goes into the compiled graph as an input (so a scheduler's
    new ``lr`` or momentum needs no new trace): a number, or a tuple of numbers."""
    return _is_number(v) or (isinstance(v, tuple) and bool(v) and all(map(_is_number, v)))


def _frozen(v):
    """What a trace freezes of a group entry: a lifted number only by being zero or not."""
    if _is_number(v):
        return ("number", v != 0)
    if _lifted(v):
        return ("numbers", tuple(x != 0 for x in v))
    return _hashable(v)


def _hashable(v):
    try:
        hash(v)
        return v
    except TypeError:
        return repr(v)


def _tensor_args(args, kwargs):
    """The call's tensors (by position in a flat list) and a rebuilder of the call."""
    return _flatten((list(args), kwargs))


def _flatten(obj):
    """The tensors inside ``obj`` (nested lists, tuples, dicts) and its structure."""
    flat = []

    def walk(x):
        if isinstance(x, Array):
            flat.append(x)
            return ("T", len(flat) - 1, type(x) is Tensor or isinstance(x, Tensor),
                    x._dtype, x._device)
        if isinstance(x, (list, tuple)):
            return (type(x), [walk(v) for v in x])
        if isinstance(x, dict):
            return (dict, {k: walk(v) for k, v in x.items()})
        return ("V", x)
    spec = walk(obj)
    return flat, spec


def _rebuild(spec, arrays):
    kind = spec[0]
    if kind == "T":
        _, i, _, dt, dev = spec
        return from_mx(arrays[i], dt, dev)
    if kind == "V":
        return spec[1]
    if kind is dict:
        return {k: _rebuild(v, arrays) for k, v in spec[1].items()}
    return kind(_rebuild(v, arrays) for v in spec[1])


def _spec_key(spec):
    kind = spec[0]
    if kind == "T":
        return ("T", spec[1], spec[3], spec[4])
    if kind == "V":
        return ("V", _hashable(spec[1]))
    if kind is dict:
        return (dict, tuple((k, _spec_key(v)) for k, v in spec[1].items()))
    return (kind, tuple(_spec_key(v) for v in spec[1]))


def _outputs(res):
    """The result's tensors as arrays, and how to rebuild the result from new arrays."""
    flat, spec = _flatten(res)
    return [t._array for t in flat], spec


class _TraceBreakError(Exception):
    pass


class _Compiled:
    """Shared machinery: traces keyed by what they freeze, eager fallback with a warning."""

    def __init__(self, fn, name: str) -> None:
        self._fn = fn
        self._name = name
        self._traces: dict = {}
        self._eager_reason: str | None = None
        functools.update_wrapper(self, fn, updated=())

    def _fallback(self, reason: str) -> None:
        self._eager_reason = reason
        warnings.warn(f"torch.compile: {self._name} runs eagerly: {reason}", UserWarning,
                      stacklevel=4)

    def _trace(self, key, builder):
        fn = self._traces.get(key)
        if fn is None:
            if len(self._traces) >= _MAX_TRACES:
                self._traces.pop(next(iter(self._traces)))
            fn = self._traces[key] = builder()
        return fn


def _run_traced(compiled, name, *arrays):
    """Call a compiled function, turning a sync point met while tracing into _TraceBreakError."""
    import threading

    ident = threading.get_ident()
    outer = _lazy.tracing.get(ident)
    _lazy.tracing[ident] = f"torch.compile({name})"
    try:
        return compiled(*arrays)
    except (RuntimeError, ValueError) as exc:
        msg = str(exc)
        if "sync point" in msg or "compile" in msg or "eval" in msg or "trac" in msg:
            raise _TraceBreakError(msg.splitlines()[0]) from None
        raise
    finally:
        if outer is None:
            _lazy.tracing.pop(ident, None)
        else:
            _lazy.tracing[ident] = outer


class CompiledFunction(_Compiled):
    """``torch.compile(fn)`` for a function of tensors (a training step, a loss...)."""

    def __init__(self, fn) -> None:
        super().__init__(fn, getattr(fn, "__qualname__", repr(fn)))
        self._slots: _Slots | None = None

    def _discover(self) -> _Slots:
        fn = self._fn
        code = getattr(fn, "__code__", None)
        found = []
        if code is not None:
            g = getattr(fn, "__globals__", {})
            found += [g[n] for n in code.co_names if n in g]
            for cell in getattr(fn, "__closure__", None) or ():
                try:
                    found.append(cell.cell_contents)
                except ValueError:
                    pass
            self_obj = getattr(fn, "__self__", None)
            if self_obj is not None:
                found.append(self_obj)
                found += list(vars(self_obj).values()) if hasattr(self_obj, "__dict__") else []
        modules = [o for o in found if isinstance(o, Module)]
        optimizers = [o for o in found if isinstance(o, Optimizer)]
        for o in found:  # a loss module or a model held by a small object, one level down
            if hasattr(o, "__dict__") and not isinstance(o, (Module, Optimizer, type)):
                for v in vars(o).values():
                    if isinstance(v, Module):
                        modules.append(v)
                    elif isinstance(v, Optimizer):
                        optimizers.append(v)
        return _Slots(modules, optimizers)

    def __call__(self, *args, **kwargs):
        if self._eager_reason is not None:
            return self._fn(*args, **kwargs)
        if self._slots is None:
            self._slots = self._discover()
        slots = self._slots
        tensors, spec = _tensor_args(args, kwargs)
        key = (_spec_key(spec), tuple((t._array.shape, t._array.dtype) for t in tensors),
               slots.signature(), _engine.mode.enabled)
        if any(t._requires_grad for t in tensors if isinstance(t, Tensor)):
            self._fallback("an input tensor requires grad (the compiled graph would hide it "
                           "from autograd)")
            return self._fn(*args, **kwargs)
        pre = slots.structure()
        n_state = len(slots.read())
        hyper = slots.hyper()
        n_hyper = len(hyper)
        holder: list = []

        def build():
            def pure(*arrays):
                state = arrays[:n_state]
                lifted = arrays[n_state:n_state + n_hyper]
                inputs = arrays[n_state + n_hyper:]
                slots.write(state, pre, commit=False)
                saved = slots.lift(lifted)
                try:
                    a, kw = _rebuild(spec, list(inputs))
                    res = self._fn(*a, **kw)
                finally:
                    slots.unlift(saved)
                outs, ospec = _outputs(res)
                holder[:] = [ospec, slots.structure(), len(outs)]
                return tuple(outs) + tuple(slots.read())
            return _mx_compile(pure), holder
        compiled, info = self._trace(key, build)
        before = slots.read()
        saved_state = [(o, {p: dict(s) for p, s in o.state.items()}) for o in slots.optimizers]
        try:
            outs = _run_traced(compiled, self._name, *before, *hyper,
                               *[t._array for t in tensors])
        except _TraceBreakError as exc:
            # Put the objects back as they were before the trace, then run eagerly.
            for o, st in saved_state:
                o.state.clear()
                o.state.update(st)
            slots.write(before, pre, commit=False)
            self._traces.pop(key, None)
            self._fallback(str(exc))
            return self._fn(*args, **kwargs)
        ospec, post, n_out = info
        slots.write(outs[n_out:], post, commit=True)
        return _rebuild(ospec, list(outs[:n_out]))


class CompiledModule(Module):
    """``torch.compile(module)``: the module, with its forward compiled.

    Attribute access, ``parameters()``, ``state_dict()``, ``train()``... reach the
    original module (PyTorch's ``OptimizedModule`` does the same through ``_orig_mod``).
    """

    def __init__(self, module: Module) -> None:
        super().__init__()
        self._orig_mod = module
        object.__setattr__(self, "_compiled", _Compiled(module.forward,
                                                        type(module).__name__ + ".forward"))

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        return getattr(self._modules["_orig_mod"], name)

    def __repr__(self) -> str:
        return "OptimizedModule(\n  (_orig_mod): " + repr(self._orig_mod).replace("\n", "\n  ") \
            + "\n)"

    def state_dict(self, *args, **kwargs):
        return self._orig_mod.state_dict(*args, **kwargs)

    def load_state_dict(self, *args, **kwargs):
        return self._orig_mod.load_state_dict(*args, **kwargs)

    def forward(self, *args, **kwargs):
        c = self._compiled
        mod = self._orig_mod
        if c._eager_reason is not None:
            return mod(*args, **kwargs)
        params = list(mod.parameters())
        buffers = [b for _, b in mod.named_buffers()]
        tensors, spec = _tensor_args(args, kwargs)
        grad_on = _engine.mode.enabled
        key = (_spec_key(spec), tuple((t._array.shape, t._array.dtype) for t in tensors),
               tuple((p._array.shape, p._array.dtype) for p in params),
               tuple((b._array.shape, b._array.dtype) for b in buffers),
               tuple(m.training for m in mod.modules()))
        n_p, n_b = len(params), len(buffers)
        out_spec = []

        def build():
            def pure(*arrays):
                p_arr, b_arr = arrays[:n_p], arrays[n_p:n_p + n_b]
                x_arr = arrays[n_p + n_b:]
                old = [(t, t._array) for t in params + buffers]
                for t, a in zip(params + buffers, list(p_arr) + list(b_arr)):
                    t._array = a
                try:
                    with _no_grad():
                        a, kw = _rebuild(spec, list(x_arr))
                        res = mod.forward(*a, **kw)
                    outs, ospec = _outputs(res)
                    out_spec[:] = [ospec]
                    new_b = [b._array for b in buffers]
                finally:
                    for t, a in old:
                        t._array = a
                return tuple(outs) + tuple(new_b)
            return _mx_compile(pure), out_spec
        compiled, ospec_holder = c._trace(key, build)
        inputs = [p._array for p in params] + [b._array for b in buffers] + \
            [t._array for t in tensors]
        try:
            outs = _run_traced(compiled, c._name, *inputs)
        except _TraceBreakError as exc:
            c._traces.pop(key, None)
            c._fallback(str(exc))
            return mod(*args, **kwargs)
        n_out = len(outs) - n_b
        for b, a in zip(buffers, outs[n_out:]):
            set_values(b, a)
        out_tensors = _rebuild(ospec_holder[0], list(outs[:n_out]))
        grad_inputs = params + [t for t in tensors if isinstance(t, Tensor)]
        if grad_on and any(t._requires_grad for t in grad_inputs):
            flat_outs, _ = _flatten(out_tensors)
            n_in = len(params)
            b_now = [b._array for b in buffers]

            def node_fn(*arrays):
                res = compiled(*arrays[:n_in], *b_now, *arrays[n_in:])[:n_out]
                return res[0] if n_out == 1 else tuple(res)
            non_tensor = [t for t in tensors if not isinstance(t, Tensor)]
            if non_tensor:
                c._fallback("an input is a plain Array, not a Tensor")
                return mod(*args, **kwargs)
            _engine.record(_engine.node_class("CompiledFunctionBackward"), node_fn,
                           grad_inputs, flat_outs, saves=True)
        return out_tensors


def _mx_compile(pure):
    # MLX's global random state goes in and out of the compiled function (dropout, rand).
    return mx.compile(pure, inputs=mx.random.state, outputs=mx.random.state)


def _no_grad():
    from .autograd import no_grad

    return no_grad()


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend=None,  # noqa: A001
            mode=None, options=None, disable: bool = False):
    """``torch.compile``: a module's forward or a function (a training step) compiled with
    ``mx.compile``; see the module docstring for what is traced and when it falls back.

    ``fullgraph=True`` turns a fallback into an error; ``backend``, ``mode``, ``dynamic``
    and ``options`` are accepted and ignored (MLX has one compiler).
    """
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable)
    if disable or not _cc.enabled:
        return model
    if isinstance(model, Module):
        out = CompiledModule(model)
    elif callable(model):
        out = CompiledFunction(model)
    else:
        raise TypeError(f"torch.compile expects a callable or an nn.Module, got "
                        f"{type(model).__name__}")
    if fullgraph:
        target = out._compiled if isinstance(out, CompiledModule) else out

        def strict(reason, _t=target):
            raise RuntimeError(f"torch.compile(fullgraph=True): {_t._name} cannot be traced: "
                               f"{reason}")
        target._fallback = strict
    return out
