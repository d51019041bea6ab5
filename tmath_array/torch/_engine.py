"""The autograd engine of the PyTorch face: grad mode, graph nodes, backward.

An operation on tensors that require grad (in grad mode) records one :class:`Node`: the
MLX arrays of its tensor inputs *as they were* (MLX arrays are immutable values, so an
in-place update later cannot change them), which of them need a gradient, and a pure
function of those arrays that recomputes the operation's outputs. ``backward`` walks the
nodes in reverse topological order and asks ``mx.vjp`` for each node's input cotangents:
every function of the namespace is differentiable this way without a table of
derivatives. Cotangents are lazy MLX graphs; nothing is evaluated (docs/torch.md).
"""

from __future__ import annotations

import threading
import warnings
import weakref

import mlx.core as mx

from .._array import core as _core
from .._array import devices as _devices

# --- grad mode ------------------------------------------------------------------------


class _Mode(threading.local):
    # Note: grad mode is per thread, as in PyTorch.
    enabled = True
    inference = False


mode = _Mode()


def is_grad_enabled() -> bool:
    """Whether operations are recorded for autograd in this thread."""
    return mode.enabled


def set_grad_enabled_flag(flag: bool) -> None:
    mode.enabled = bool(flag)


# --- nodes ------------------------------------------------------------------------------

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved intermediate "
    "values after calling backward."
)


class Node:
    """A recorded operation (PyTorch's ``grad_fn``): ``<AddBackward0 object at 0x...>``.

    Attributes (private): ``_fn`` recomputes the outputs from ``_arrays`` (the MLX arrays of
    every tensor input at record time); ``_grad_idx`` are the positions that need a
    gradient and ``_edges`` where each of their cotangents goes: a leaf Tensor, or
    ``(node, output index)``; ``_outs`` the outputs' ``(shape, mx dtype)``; ``_saved``
    ``(tensor, version)`` pairs checked at backward; ``_retained`` output index -> weak
    reference to a tensor that called ``retain_grad()``.
    """

    __slots__ = ("_fn", "_arrays", "_grad_idx", "_edges", "_outs", "_saved", "_retained",
                 "_opname", "__weakref__")
    custom = False  # a custom autograd.Function: _fn is its backward, not a replay

    @property
    def _name(self) -> str:
        return getattr(self, "_opname", None) or type(self).__name__

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def next_functions(self) -> tuple:
        """``((node or AccumulateGrad or None, index), ...)`` for each tensor input."""
        out = []
        edges = dict(zip(self._grad_idx, self._edges)) if self._edges is not None else {}
        n = len(self._arrays) if self._arrays is not None else len(edges)
        for i in range(n):
            e = edges.get(i)
            if e is None:
                out.append((None, 0))
            elif isinstance(e, tuple):
                out.append(e)
            else:
                out.append((AccumulateGrad(e), 0))
        return tuple(out)

    def register_hook(self, fn):
        raise RuntimeError("grad_fn hooks are not supported by tmath_array.torch; use "
                           "Tensor.register_hook")


class AccumulateGrad:
    """The node PyTorch shows for a leaf in ``next_functions``."""

    __slots__ = ("variable",)

    def __init__(self, variable) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


_NODE_CLASSES: dict[str, type] = {}


def node_class(name: str) -> type:
    """The Node subclass named ``name`` (``"AddBackward0"``), made once."""
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def record(cls: type, fn, inputs, outputs, *, saves: bool = True, opname: str = "") -> None:
    """Record one operation whose inputs include a tensor that requires grad.

    ``inputs``: the tensor inputs (in the order ``fn`` takes their arrays); ``outputs``:
    the result tensors (``fn`` returns one array, or a tuple when there are several).
    ``saves``: whether PyTorch's node for this operation saves tensors (then an in-place
    change of an input raises at backward, and backward frees the node); operations
    that save none (add, reshape, sum...) can be run backward twice, as in PyTorch.
    """
    node = _object_new(cls)
    node._fn = fn
    if len(inputs) == 1:
        t = inputs[0]
        node._arrays = (t._array,)
        node._grad_idx = (0,)
        g = t._grad_fn
        node._edges = (t if g is None else (g, t._out_idx),)
        node._saved = ((t, t._version),) if saves else ()
    else:
        node._arrays = tuple([t._array for t in inputs])
        gi = []
        edges = []
        i = 0
        for t in inputs:
            if t._requires_grad:
                gi.append(i)
                g = t._grad_fn
                edges.append(t if g is None else (g, t._out_idx))
            i += 1
        node._grad_idx = tuple(gi)
        node._edges = tuple(edges)
        node._saved = tuple([(t, t._version) for t in inputs]) if saves else ()
    if opname:
        node._opname = opname
    if len(outputs) == 1:
        node._outs = None
        o = outputs[0]
        if o._dtype._mx in _DIFFERENTIABLE:
            o._grad_fn = node
            o._requires_grad = True
        return
    node._outs = tuple((o._array.shape, o._array.dtype) for o in outputs)
    for i, o in enumerate(outputs):
        if o._dtype._mx in _DIFFERENTIABLE:
            o._grad_fn = node
            o._out_idx = i
            o._requires_grad = True


_object_new = object.__new__
_DIFFERENTIABLE = frozenset((mx.float16, mx.bfloat16, mx.float32, mx.float64, mx.complex64))


def differentiable(dtype) -> bool:
    return dtype._mx in _DIFFERENTIABLE


# --- backward -------------------------------------------------------------------------


def _toposort(roots):
    """Nodes reachable from ``roots``, each after every node that feeds it a cotangent."""
    order = []
    seen = set()
    for root in roots:
        if root is None or id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(_next_nodes(root)))]
        while stack:
            node, it = stack[-1]
            for nxt in it:
                if id(nxt) not in seen:
                    seen.add(id(nxt))
                    stack.append((nxt, iter(_next_nodes(nxt))))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()  # roots first
    return order


def _next_nodes(node):
    if node._edges is None:
        raise RuntimeError(_FREED)
    return [e[0] for e in node._edges if isinstance(e, tuple)]


def _version_error(node, t, version) -> RuntimeError:
    shape = list(t._array.shape)
    kind = "torch.Tensor"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{kind} {shape}] is at version {t._version}; expected version "
        f"{version} instead (it was saved by {node.name()}). Hint: the operation that "
        "modified it came later; clone() the tensor before modifying it, or modify a copy."
    )


def _distinct(outs):
    """``outs``, each its own array: ``mx.vjp`` gives an array that is two of a function's
    outputs one cotangent, not their sum (MLX's vector-Jacobian product of ``add``, for
    one, returns the same cotangent array for both inputs)."""
    if not isinstance(outs, tuple) or len(outs) < 2:
        return outs
    return tuple(mx.array(o) for o in outs)


def _node_vjp(node, cotangents):
    """The input cotangents of ``node`` (MLX arrays, in ``_grad_idx`` order)."""
    fn = node._fn
    arrays = node._arrays
    gi = node._grad_idx
    if type(node).custom:
        res = fn(cotangents)
        out = []
        for i in gi:
            g = res[i]
            a = arrays[i]
            if g is None:
                out.append(mx.zeros(a.shape, a.dtype))
            else:
                g = g._array if hasattr(g, "_array") else mx.array(g)
                if g.shape != a.shape:
                    raise RuntimeError(f"Function {node._name}Backward returned an invalid "
                                       f"gradient at index {i} - got {list(g.shape)} but "
                                       f"expected shape compatible with {list(a.shape)}")
                out.append(g)
        return out
    def f(*ps):
        full = list(arrays)
        for i, p in zip(gi, ps):
            full[i] = p
        return _distinct(fn(*full))
    primals = [arrays[i] for i in gi]
    try:
        _, grads = mx.vjp(f, primals, cotangents)
    except (ValueError, RuntimeError, TypeError) as exc:
        msg = str(exc)
        raise RuntimeError(f"the derivative of '{node._name}' is not available: MLX cannot "
                           f"differentiate it ({msg})") from None
    return grads


def _zeros_tensor(shape, dt):
    from ._tensor import from_mx

    a = mx.zeros(shape, dt)
    return from_mx(a, _core.CANON[dt], _devices.default_device())


def _node_vjp_graph(node, cotangents):
    """:func:`_node_vjp` for ``create_graph``: ``cotangents`` are Tensors, and the input
    cotangents are Tensors computed by a recorded node (``<op>Backward``) whose inputs are
    ``node``'s differentiable inputs and the cotangents: differentiable again, to any
    order, by ``mx.vjp`` of ``mx.vjp``."""
    from ._tensor import from_mx

    fn = node._fn
    arrays = node._arrays
    gi = node._grad_idx
    like = cotangents[0]
    if type(node).custom:
        res = fn(cotangents, graph=True)
        out = []
        for i in gi:
            g = res[i]
            a = arrays[i]
            if g is None:
                out.append(from_mx(mx.zeros(a.shape, a.dtype), _core.CANON[a.dtype],
                                   like._device))
            else:
                if not hasattr(g, "_array"):
                    g = from_mx(mx.array(g, dtype=a.dtype), _core.CANON[a.dtype],
                                like._device)
                if g.shape != a.shape:
                    raise RuntimeError(f"Function {node._name}Backward returned an invalid "
                                       f"gradient at index {i} - got {list(g.shape)} but "
                                       f"expected shape compatible with {list(a.shape)}")
                out.append(g)
        return out
    k = len(gi)

    def vjp_fn(*arrs):
        def f(*ps):
            full = list(arrays)
            for i, p in zip(gi, ps):
                full[i] = p
            return _distinct(fn(*full))
        _, grads = mx.vjp(f, list(arrs[:k]), list(arrs[k:]))
        return grads[0] if k == 1 else _distinct(tuple(grads))

    primals = [arrays[i] for i in gi]
    cot_arrays = [c._array for c in cotangents]
    try:
        grads = vjp_fn(*primals, *cot_arrays)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise RuntimeError(f"the derivative of '{node._name}' is not available: MLX cannot "
                           f"differentiate it ({exc})") from None
    grads = [grads] if k == 1 else list(grads)
    outs = [from_mx(g, _core.CANON[g.dtype], like._device) for g in grads]
    back = _object_new(node_class(node._name + "Backward"))
    back._fn = vjp_fn
    back._arrays = tuple(primals + cot_arrays)
    gidx = list(range(k))
    edges = list(node._edges)
    for j, c in enumerate(cotangents):
        if c._requires_grad:
            gidx.append(k + j)
            edges.append(c if c._grad_fn is None else (c._grad_fn, c._out_idx))
    back._grad_idx = tuple(gidx)
    back._edges = tuple(edges)
    back._saved = ()
    back._outs = None if k == 1 else tuple((g.shape, g.dtype) for g in grads)
    for i, o in enumerate(outs):
        if o._dtype._mx in _DIFFERENTIABLE:
            o._grad_fn = back
            o._out_idx = i
            o._requires_grad = True
    return outs


def run_backward(roots, root_grads, *, retain_graph: bool, inputs=None,
                 accumulate: bool = True, graph: bool = False):
    """Propagate ``root_grads`` (MLX arrays) from ``roots`` (tensors) back to the leaves.

    With ``accumulate``, leaves' ``.grad`` receive their gradients (as PyTorch's
    ``backward``); with ``inputs`` (tensors), the gradients of those are returned instead
    (``autograd.grad``), in order, None for an input the roots do not depend on.
    Builds lazy MLX graphs only: nothing is evaluated.

    ``graph`` (PyTorch's ``create_graph``): ``root_grads`` and every cotangent are Tensors
    and each node's vector-Jacobian product is recorded as an operation of its own
    (:func:`_node_vjp_graph`), so the gradients can be differentiated again.
    """
    if graph:
        prev = mode.enabled
        mode.enabled = True
        try:
            return _run_backward(roots, root_grads, retain_graph, inputs, accumulate,
                                 _node_vjp_graph, _zeros_tensor)
        finally:
            mode.enabled = prev
    return _run_backward(roots, root_grads, retain_graph, inputs, accumulate, _node_vjp,
                         mx.zeros)


def _run_backward(roots, root_grads, retain_graph, inputs, accumulate, node_vjp, zeros):
    pending: dict[int, list] = {}   # id(node) -> list of output cotangents (or None)
    leaf_grads: dict[int, list] = {}  # id(leaf) -> [leaf, cotangent]
    want_nodes: dict[tuple, None] = {}
    if inputs is not None:
        for t in inputs:
            if t._grad_fn is not None:
                want_nodes[(id(t._grad_fn), t._out_idx)] = None
    root_nodes = []
    for t, g in zip(roots, root_grads):
        node = t._grad_fn
        if node is None:
            if t._requires_grad:
                _add_leaf(leaf_grads, t, g)
            continue
        root_nodes.append(node)
        slots = pending.setdefault(id(node), [None] * _n_outs(node))
        i = t._out_idx
        slots[i] = g if slots[i] is None else slots[i] + g
    order = _toposort(root_nodes)
    captured: dict[tuple, mx.array] = {}
    for node in order:
        cots = pending.pop(id(node), None)
        if cots is None:
            continue
        if node._edges is None or node._fn is None:
            raise RuntimeError(_FREED)
        for t, version in node._saved:
            if t._version != version:
                raise _version_error(node, t, version)
        retained = getattr(node, "_retained", None)
        if retained:
            for i, ref in retained.items():
                t = ref()
                if t is not None and cots[i] is not None and accumulate:
                    _accumulate(t, cots[i])
        if want_nodes:
            for i, c in enumerate(cots):
                key = (id(node), i)
                if key in want_nodes and c is not None:
                    captured[key] = c
        full = []
        if node._outs is None:
            full.append(cots[0])
        else:
            for (shape, dt), c in zip(node._outs, cots):
                full.append(c if c is not None else zeros(shape, dt))
        grads = node_vjp(node, full)
        for edge, g in zip(node._edges, grads):
            if isinstance(edge, tuple):
                nxt, i = edge
                slots = pending.get(id(nxt))
                if slots is None:
                    slots = pending[id(nxt)] = [None] * _n_outs(nxt)
                slots[i] = g if slots[i] is None else slots[i] + g
            else:
                _add_leaf(leaf_grads, edge, g)
        if not retain_graph and node._saved:
            node._fn = None
            node._arrays = None
            node._edges = None
    if inputs is not None:
        out = []
        for t in inputs:
            if t._grad_fn is not None:
                out.append(captured.get((id(t._grad_fn), t._out_idx)))
            else:
                lg = leaf_grads.get(id(t))
                out.append(None if lg is None else lg[1])
        return out
    if accumulate:
        accumulate_leaves(leaf_grads.values())
    return None


def _n_outs(node) -> int:
    return 1 if node._outs is None else len(node._outs)


def _add_leaf(leaf_grads, leaf, g):
    entry = leaf_grads.get(id(leaf))
    if entry is None:
        leaf_grads[id(leaf)] = [leaf, g]
    else:
        entry[1] = entry[1] + g


class _Callbacks(threading.local):
    queue = None  # a list while a backward accumulates into the leaves of this thread


_callbacks = _Callbacks()


def queue_callback(fn) -> None:
    """Call ``fn()`` once the running backward has accumulated every leaf's gradient
    (PyTorch's ``Variable._execution_engine.queue_callback``); for the hooks of leaves."""
    queue = _callbacks.queue
    if queue is None:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    queue.append(fn)


def accumulate_leaves(pairs) -> None:
    """``leaf.grad += g`` for each ``(leaf, g)``, then each leaf's post-accumulate hooks,
    then the callbacks they queued (in order; a callback may queue another)."""
    outer = _callbacks.queue
    queue = _callbacks.queue = []
    try:
        for leaf, g in pairs:
            _accumulate(leaf, g)
            for hook in tuple(leaf._post_hooks or ()):
                hook(leaf)
        i = 0
        while i < len(queue):
            queue[i]()
            i += 1
    finally:
        _callbacks.queue = outer


def _accumulate(t, g) -> None:
    """``t.grad += g`` (lazily); the first gradient makes a new tensor, as PyTorch does."""
    if not isinstance(g, mx.array):
        _accumulate_graph(t, g)
        return
    dt = t._dtype._mx
    if g.dtype != dt:
        g = g.astype(dt)
    if g.shape != t._array.shape:
        g = mx.broadcast_to(g, t._array.shape)
    for hook in t._hooks or ():
        res = hook(t._wrap_grad(g))
        if res is not None:
            g = res._array
    cur = t._grad
    if cur is None:
        t._grad = t._wrap_grad(g)
    else:
        cur._array = cur._array + g


def _accumulate_graph(t, g) -> None:
    """``t.grad = t.grad + g`` with ``g`` a Tensor of a ``create_graph`` backward: the
    gradient keeps its history (out of place, as PyTorch's)."""
    if g._dtype is not t._dtype:
        g = g.to(t._dtype)
    if tuple(g.shape) != tuple(t._array.shape):
        g = g.expand(*t._array.shape)
    for hook in t._hooks or ():
        res = hook(g)
        if res is not None:
            g = res
    t._grad = g if t._grad is None else t._grad + g


def warn_nonleaf_grad() -> None:
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
        ".grad attribute won't be populated during autograd.backward(). If you indeed want "
        "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
        "non-leaf Tensor.", UserWarning, stacklevel=3)


def retain(t) -> None:
    node = t._grad_fn
    if getattr(node, "_retained", None) is None:
        node._retained = {}
    node._retained[t._out_idx] = weakref.ref(t)
