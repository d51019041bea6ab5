"""``torch.autograd.Function``: operations with a forward and a backward of your own."""

from __future__ import annotations

from .. import _engine
from .._ops import node_class
from .._tensor import Tensor, from_mx, of
from .grad_mode import no_grad


class FunctionCtx:
    """The ``ctx`` of a custom Function: ``save_for_backward``, ``saved_tensors``,
    ``needs_input_grad``, and any attributes you set."""

    def __init__(self) -> None:
        self._saved = ()
        self._versions = ()
        self._freed = False
        self.needs_input_grad = ()
        self._non_diff = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors) -> None:
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument 0 "
                                f"is of type {type(t).__name__}")
        self._saved = tensors
        self._versions = tuple(None if t is None else t._version for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_engine._FREED)
        for t, v in zip(self._saved, self._versions):
            if t is not None and t._version != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [torch.Tensor {list(t._array.shape)}] is at "
                    f"version {t._version}; expected version {v} instead.")
        return tuple(self._saved)

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_diff.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        cls._node_cls = type(f"{name}Backward", (node_class("CustomFunctionBackward"),),
                             {"__slots__": (), "custom": True})


class Function(metaclass=_FunctionMeta):
    """Subclass with ``@staticmethod forward(ctx, *args)`` and ``backward(ctx, *grads)``;
    call ``YourFunction.apply(*args)``. ``backward`` returns one gradient (or None) per
    argument of ``forward``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        return None

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        tensors = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad
                                     for a in args)
        uses_setup = cls.setup_context is not Function.setup_context
        with no_grad():
            if uses_setup:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        single = isinstance(out, Tensor)
        outs = (out,) if single else tuple(out)
        ids = {id(t) for t in tensors}
        # An output that is an input gets its own tensor object (its history is new).
        outs = tuple(of(o) if isinstance(o, Tensor) and id(o) not in ids else
                     (from_mx(o._array, o._dtype, o._device) if isinstance(o, Tensor) else o)
                     for o in outs)
        if _engine.mode.enabled and any(t._requires_grad for t in tensors):
            tens_out = [o for o in outs if isinstance(o, Tensor)]
            positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

            def backward_fn(cotangents, graph=False, _ctx=ctx, _positions=positions,
                            _outs=tens_out):
                if graph:  # (create_graph: the backward's own operations are recorded)
                    res = cls.backward(_ctx, *cotangents)
                else:
                    grads_in = [from_mx(c, o._dtype, o._device)
                                for c, o in zip(cotangents, _outs)]
                    with no_grad():
                        res = cls.backward(_ctx, *grads_in)
                if not isinstance(res, tuple):
                    res = (res,)
                if len(res) < len(args):
                    raise RuntimeError(f"function {cls.__name__}Backward returned an "
                                       f"incorrect number of gradients (expected "
                                       f"{len(args)}, got {len(res)})")
                return [res[p] for p in _positions]

            _engine.record(cls._node_cls, backward_fn, tensors, tens_out, saves=True,
                           opname=cls.__name__)
            node = None
            for o in tens_out:
                node = node or o._grad_fn
                if id(o) in ctx._non_diff:
                    o._grad_fn = None
                    o._requires_grad = False
            if node is not None:
                node._saved = tuple((t, v) for t, v in zip(ctx._saved, ctx._versions)
                                    if t is not None)
        return outs[0] if single else outs


def once_differentiable(fn):
    return fn

