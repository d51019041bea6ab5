"""``torch.Tensor``: tmath_array's Array with PyTorch's attributes and autograd state.

A Tensor *is* an Array (a subclass): every namespace function accepts it, and gives back
an Array, which the face re-wraps as a Tensor around the same ``mx.array`` (one object).
Autograd state lives in instance attributes with class defaults (``_requires_grad =
False``...), so a tensor that never meets autograd costs nothing extra. PyTorch's methods
are attached by :mod:`._methods` (one place, as ``_numpy/bind.py`` does for Array).
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

from .._array import array as _array_mod
from .._array import views as _views
from .._array.array import Array
from .._runtime import lazy as _lazy
from . import _engine
from . import _types as _t

_new = object.__new__
_NEW_VIEWS = _views._NEW  # (the queue of new views: the same list object, never rebound)
_VIEWS = _views._VIEWS
_ROOTS = _views._ROOTS
_host_cache = _views.host_cache
_forget = _lazy.forget


class _SizeAttr(int):
    """``t.size``: the number of elements (an int, as the namespace reads ``x.size``) that,
    called, is PyTorch's ``t.size()`` (a ``torch.Size``) or ``t.size(dim)`` (an int)."""

    def __call__(self, dim=None):
        shape = self._shape
        if dim is None:
            return _t.Size(shape)
        if isinstance(dim, np.integer):
            dim = int(dim)  # (as PyTorch, NumPy integers are ints)
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"size(): argument 'dim' must be int, not {type(dim).__name__}")
        n = len(shape)
        if not -max(n, 1) <= dim < max(n, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(n, 1)}, {max(n, 1) - 1}], but got {dim})")
        return shape[dim] if n else 1


class Tensor(Array):
    """A PyTorch-style tensor over one lazily evaluated ``mx.array`` (see the module doc)."""

    # Autograd state: class defaults, set per instance only when they change.
    _requires_grad = False
    _grad = None
    _grad_fn = None
    _out_idx = 0
    _version = 0
    _hooks = None
    _post_hooks = None   # called with the tensor after its .grad was accumulated
    _detached = False    # made by t.detach() or t.data: a view outside autograd
    _data_alias = False  # made by t.data: its writes are not counted as t's (PyTorch)
    _multi = None        # (i, "Split"): output i of a function returning several views
    _retains = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = "torch.strided"

    def __new__(cls, *args, **kwargs):
        # Note: PyTorch's legacy constructor (torch.Tensor(2, 3) uninitialised, torch.Tensor(
        # [1, 2]) float data). Data makes a float tensor of the default dtype; sizes zeros.
        from . import _creation
        dt = cls.__dict__.get("_legacy_dtype") or _t.default_float()
        if len(args) == 1 and not isinstance(args[0], int):
            return _creation.tensor(args[0], dtype=dt, **kwargs)
        return _creation.zeros(*args, dtype=dt, **kwargs)

    # --- attributes ------------------------------------------------------------------
    @property
    def shape(self):
        return _t.Size(self._array.shape)

    @property
    def size(self):
        s = _SizeAttr(self._array.size)
        s._shape = tuple(self._array.shape)
        return s

    @property
    def dtype(self):
        return _t.TORCH[self._dtype]

    @property
    def device(self):
        return _t.from_mlx_device(self._device)

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_mps(self) -> bool:
        return self._device.type != "cpu"

    @property
    def is_cpu(self) -> bool:
        return self._device.type == "cpu"

    # --- autograd attributes -------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag) -> None:
        flag = bool(flag)
        if self._grad_fn is not None:
            if not flag:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want "
                    "to use a computed variable in a subgraph that doesn't require "
                    "differentiation use var_no_grad = var.detach().")
            return
        if flag and not _engine.differentiable(self._dtype):
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains:
            _engine.warn_nonleaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                                f"grad of type {type(value).__name__}")
            if tuple(value._array.shape) != tuple(self._array.shape):
                raise RuntimeError(f"assigned grad has data of a different size: "
                                   f"{_t.Size(value._array.shape)} vs "
                                   f"{_t.Size(self._array.shape)}")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def retains_grad(self) -> bool:
        return self._retains

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` at the next backward."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if not self._retains:
            self._retains = True
            _engine.retain(self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this leaf's gradient is computed; its result replaces it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self._grad_fn is not None:
            raise RuntimeError("register_hook on a non-leaf tensor is not supported by "
                               "tmath_array.torch (leaves only)")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after a backward has accumulated this leaf's ``.grad``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _HookHandle(self._post_hooks, hook)

    @property
    def _version_counter(self) -> int:
        return self._version

    def _wrap_grad(self, g: mx.array) -> Tensor:
        return from_mx(g, self._dtype, self._device)

    # --- storage sharing (t.data, t.detach()) -----------------------------------------
    @property
    def data(self):
        """This tensor's values, detached from autograd, sharing its storage: an in-place
        change of one (``w.data -= lr * g``, ``w.data.zero_()``) reaches the other."""
        return alias(self, data=True)

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Array):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        # Note: new storage for this tensor: its views keep the old one (as in PyTorch).
        _views.release(self)
        self._array = value._array
        self._dtype = value._dtype
        self._device = value._device


Tensor._part_class = Tensor  # (t[i], t[a:b] are made as Tensors: see Array.__getitem__)


class _HookHandle:
    """What ``register_*hook`` returns: ``remove()`` takes the hook off."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def from_mx(a: mx.array, dtype, device) -> Tensor:
    """A Tensor around ``a`` (an MLX array of ``dtype``'s MLX dtype)."""
    t = _new(Tensor)
    t._array = a
    t._dtype = dtype
    t._device = device
    return t


def of(x: Array) -> Tensor:
    """The namespace's result ``x`` as a Tensor (the same MLX array; ``x`` itself if a Tensor).

    A view ``x`` (``t[1:]``, ``t.transpose(0, 1)``...) gives a Tensor that is the same view
    (it shares its base's elements, as in PyTorch)."""
    if x.__class__ is Tensor:
        return x
    t = _new(Tensor)
    t._array = x._array
    t._dtype = x._dtype
    t._device = x._device
    q = _NEW_VIEWS
    if q:
        e = q[-1]
        if e[0] is x:  # (the usual case: x was the last view made)
            q[-1] = (t, e[1], e[2])
            p = e[1]
            if p.__class__ is Tensor and (p._detached or p._multi is not None):
                _inherit(t, p)
            return t
        for i in range(len(q) - 2, -1, -1):
            e = q[i]
            if e[0] is x:
                q[i] = (t, e[1], e[2])
                _inherit(t, e[1])
                return t
    if id(x) in _VIEWS:
        _views.adopt(t, x)
    return t


def _inherit(t: Tensor, parent) -> None:
    """A view ``t`` of ``parent`` keeps what autograd knows of ``parent``'s elements: made
    from a detached tensor, it is outside autograd too; from an output of ``split``..., it
    is refused in-place changes as well (PyTorch's rules)."""
    if parent.__class__ is Tensor:
        if parent._detached:
            t._detached = True
        m = parent._multi
        if m is not None:
            t._multi = (0, m[1])


def wrap_mx(a: mx.array, device) -> Tensor:
    """A Tensor around an MLX array whose dtype is read from it (size checked)."""
    return of(_array_mod.wrap(a, device))


def alias(t: Tensor, *, data: bool = False) -> Tensor:
    """A detached tensor sharing ``t``'s storage (PyTorch's ``t.detach()``; ``t.data`` when
    ``data``: its writes do not count as changes of ``t`` for autograd's saved-tensor check,
    as in PyTorch).

    A view of ``t`` (all of it), so an in-place change of either reaches the other.
    """
    a = from_mx(t._array, t._dtype, t._device)
    a._detached = True
    if data:
        a._data_alias = True
    _views.derived(a, t, ("reshape", tuple(t._array.shape)))
    return a


def commit(t: Tensor, arr: mx.array) -> None:
    """Set ``t``'s values in place (and so those of the tensors sharing its storage: its
    base, its views); the version counters go up, so a graph that saved one of them knows
    (PyTorch's check)."""
    xid = id(t)
    if not _NEW_VIEWS and xid not in _VIEWS and xid not in _ROOTS:
        # (no view involved: views.commit's own first case, inlined for in-place ops)
        _forget(arr)
        _host_cache.pop(xid, None)
        t._array = arr
        t._version += 1
        return
    _views.commit(t, arr)
    bump(t)


def bump(t: Tensor) -> None:
    """Count one in-place change of ``t``'s storage: ``t``, its base and the base's views
    share PyTorch's version counter (a write through ``t.data`` counts for ``t.data``)."""
    t._version += 1
    if t._data_alias:
        return
    xid = id(t)
    if xid not in _ROOTS:
        ref = _VIEWS.get(xid)
        if ref is None:
            return
        root = ref.root
        if root is not None and not root._data_alias:
            root._version += 1
    else:
        root = t
    for r in list(_ROOTS.get(id(root), {}).values()):
        v = r()
        if v is not None and v is not t and not v._data_alias:
            v._version += 1


def set_values(t: Tensor, arr: mx.array) -> None:
    """Give ``t`` new values of its shape and dtype (a compiled step's results) without
    counting an in-place change: the tensors sharing its storage follow."""
    xid = id(t)
    if _NEW_VIEWS or xid in _VIEWS or xid in _ROOTS:
        _views.commit(t, arr)
    else:
        t._array = arr
