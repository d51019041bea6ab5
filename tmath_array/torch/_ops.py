"""How the face runs an operation: PyTorch's promotion, then the namespace, then autograd.

:func:`apply` is the one path: it calls a function of Arrays (made of namespace
functions), wraps the result as Tensors, and, when an input requires grad in grad mode,
records a node whose replay is the same function of the inputs' MLX arrays. The hot
operators (``+ - * / @``) have inlined fast paths (:func:`binary`).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._array.array import Array
from .._standard import creation as _cr
from .._standard import data_types as _dt
from . import _engine
from . import _types as _t
from ._tensor import Tensor, commit, from_mx, of

_mode = _engine.mode
_record = _engine.record
_wrap = _core.wrap
node_class = _engine.node_class


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


def backward_class(name: str, n: int = 0) -> type:
    """``backward_class("add")`` -> the node class ``AddBackward0``."""
    return node_class(f"{camel(name)}Backward{n}")


def to_tensor(x, dtype=None) -> Tensor:
    """An operand as a Tensor: Tensors as they are, Arrays re-wrapped, else ``tensor(x)``."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Array):
        return of(x)
    from ._creation import tensor
    return tensor(x, dtype=dtype)


def apply(cls, f, inputs, *, saves: bool = True, opname: str = ""):
    """``f(*inputs)`` (a function of Arrays) as Tensors, recorded for autograd if needed.

    ``inputs`` are Tensors; every other argument is captured by ``f``. ``f`` returns an
    Array or a tuple/list of Arrays, and must use namespace functions only (it is replayed
    on plain Arrays by ``backward``).
    """
    res = f(*inputs)
    if res.__class__ is tuple or res.__class__ is list:
        outs = tuple(of(r) for r in res)
        single = False
    else:
        outs = (of(res),)
        single = True
    if _mode.enabled:
        for t in inputs:
            if t._requires_grad:
                break
        else:
            return outs[0] if single else outs
        devs = tuple(t._device for t in inputs)
        if single:
            def fn(*arrs):
                return f(*[_wrap(a, d) for a, d in zip(arrs, devs)])._array
        else:
            def fn(*arrs):
                return tuple(r._array for r in f(*[_wrap(a, d) for a, d in zip(arrs, devs)]))
        _record(cls, fn, inputs, outs, saves=saves, opname=opname or cls.__name__)
    return outs[0] if single else outs


def apply_mx(cls, mxf, inputs, dtype, *, saves: bool = True) -> Tensor:
    """A one-output operation written with MLX functions directly (the fast paths):
    ``mxf`` takes and returns MLX arrays; the result has ``dtype``."""
    a = mxf(*[t._array for t in inputs])
    out = from_mx(a, dtype, inputs[0]._device)
    if _mode.enabled:
        for t in inputs:
            if t._requires_grad:
                _record(cls, mxf, inputs, (out,), saves=saves)
                break
    return out


# --- PyTorch's type promotion --------------------------------------------------------

_PY_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex)


def operand(x):
    """A binary operand: a Tensor, a Python scalar, or (NumPy data, Arrays) a Tensor."""
    if isinstance(x, Tensor) or x.__class__ in _PY_SCALARS:
        return x
    if isinstance(x, Array):
        return of(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return to_tensor(x)
    if isinstance(x, _PY_SCALARS):  # subclasses (NumPy's float64 is a float)
        return x
    return None


def result_type(*ops):
    """PyTorch's result type of tensors and Python scalars (dimensioned tensors first, then
    0-d tensors, then Python numbers: a lower group counts only with a higher category)."""
    groups = [None, None, None]  # dim>0 tensors, 0-d tensors, Python scalars
    for o in ops:
        if isinstance(o, Tensor):
            g = 0 if o._array.ndim else 1
            dt = o._dtype
        else:
            g = 2
            dt = _t.scalar_dtype(o)
        groups[g] = dt if groups[g] is None else _t.promote(groups[g], dt)
    res = None
    for dt in groups:
        if dt is None:
            continue
        if res is None:
            res = dt
        elif _t.category(dt) > _t.category(res):
            res = _t.promote(res, dt)
    return res


def cast(x, dt):
    """An operand converted to dtype ``dt``: tensors cast, Python scalars as ``dt`` takes them."""
    if isinstance(x, Tensor):
        return x if x._dtype is dt else astype(x, dt)
    c = _t.category(dt)
    if c == 0:
        return builtins.bool(x)
    if c == 1:
        if isinstance(x, builtins.bool):
            return builtins.int(x)
        return x
    if c == 2 and isinstance(x, (builtins.bool, builtins.int)):
        return builtins.float(x)
    return x


def promoted(*ops):
    """The operands converted to their PyTorch result type: ``(dtype, operands)``."""
    dt = result_type(*ops)
    return dt, [cast(o, dt) for o in ops]


_TO_COPY = node_class("ToCopyBackward0")


def astype(x: Tensor, dt) -> Tensor:
    if x._dtype is dt:
        return x
    if _t.category(dt) < 2 or not _engine.differentiable(x._dtype):
        return of(_dt.astype(x, dt))
    return apply(_TO_COPY, lambda a: _dt.astype(a, dt), (x,), saves=False)


# --- binary operations ------------------------------------------------------------------

def binary(fn, cls, a, b, *, saves: bool = True, scalar_saves: bool | None = None):
    """``fn(a, b)`` (a namespace function) with PyTorch's promotion and autograd."""
    a2 = operand(a)
    b2 = operand(b)
    if a2 is None or b2 is None:
        bad = a if a2 is None else b
        raise TypeError(f"{fn.__name__}(): unsupported operand type {type(bad).__name__}")
    ta = isinstance(a2, Tensor)
    tb = isinstance(b2, Tensor)
    if not ta and not tb:
        a2 = to_tensor(a2)
        ta = True
    if ta and tb:
        sa, sb = a2._array.shape, b2._array.shape
        if sa != sb:
            _check_broadcast(sa, sb)
    if ta and tb and a2._dtype is b2._dtype:
        x, y = a2, b2
    else:
        _, (x, y) = promoted(a2, b2)
    if ta and tb:
        return apply(cls, fn, (x, y), saves=saves)
    if scalar_saves is None:
        scalar_saves = saves
    if ta:
        return apply(cls, lambda u: fn(u, y), (x,), saves=scalar_saves)
    return apply(cls, lambda u: fn(x, u), (y,), saves=scalar_saves)


def _check_broadcast(sa, sb) -> None:
    """PyTorch's RuntimeError for shapes that do not broadcast."""
    for i in range(1, builtins.min(len(sa), len(sb)) + 1):
        a, b = sa[-i], sb[-i]
        if a != b and a != 1 and b != 1:
            n = builtins.max(len(sa), len(sb))
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b "
                               f"({b}) at non-singleton dimension {n - i}")


def fast_binary(fn, cls, *, saves: bool = True, scalar_saves: bool | None = None,
                reflected: bool = False, slow=None):
    """A Tensor operator for the namespace's elementwise ``fn``, with MLX's op inlined for
    same-dtype tensors and same-kind Python scalars (the frequent cases)."""
    fast = getattr(fn, "_fast", None)
    mxfn, out = (fast[0], fast[2]) if fast is not None else (None, {})
    float_ok = frozenset(d for d in out if _t.category(d) >= 2)
    ssaves = saves if scalar_saves is None else scalar_saves

    def op(self, other):
        c2 = other.__class__
        dt = self._dtype
        odt = out.get(dt)
        if odt is not None:
            if c2 is Tensor and other._dtype is dt and other._device is self._device:
                try:
                    a = mxfn(self._array, other._array, stream=self._device._s)
                except ValueError as exc:
                    raise _core.broadcast_failure(fn.__name__, exc, self, other) or exc \
                        from None
                res = from_mx(a, odt, self._device)
                if _mode.enabled and (self._requires_grad or other._requires_grad):
                    _record(cls, mxfn, (self, other), (res,), saves=saves)
                return res
            if c2 is builtins.float and dt in float_ok:
                a = mxfn(self._array, other, stream=self._device._s)
                res = from_mx(a, odt, self._device)
                if _mode.enabled and self._requires_grad:
                    s = other
                    _record(cls, lambda u: mxfn(u, s), (self,), (res,), saves=ssaves)
                return res
        if operand(other) is None:
            return NotImplemented
        if slow is not None:
            return slow(self, other)
        return binary(fn, cls, self, other, saves=saves, scalar_saves=scalar_saves)

    def rop(self, other):
        if operand(other) is None:
            return NotImplemented
        return binary(fn, cls, other, self, saves=saves, scalar_saves=scalar_saves)

    return op, rop


# --- in-place -----------------------------------------------------------------------------

_LEAF_INPLACE = ("a leaf Variable that requires grad is being used in an in-place "
                 "operation.")
_VIEW_LEAF_INPLACE = ("a view of a leaf Variable that requires grad is being used in an "
                      "in-place operation.")
_VIEWS = _views._VIEWS
_COPY_SLICES = node_class("CopySlices")
_AS_STRIDED = node_class("AsStridedBackward0")
_COPY = node_class("CopyBackwards")


_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location. Please clone() the tensor before performing the "
            "operation.")


def check_inplace(t: Tensor, whole: bool = True) -> None:
    """PyTorch's refusal of an in-place change of a leaf that requires grad, or of a view
    of one (in grad mode), or (``whole``: every element is written) of an expanded view."""
    enabled = _mode.enabled
    if enabled and t._requires_grad:
        if t._grad_fn is None:
            raise RuntimeError(_LEAF_INPLACE)
        if t._multi is not None:
            raise _multi_error(t)
    if _views._NEW or id(t) in _VIEWS:
        link = _views.view_of(t)
        if link is not None:
            root = link[0]
            if enabled and not t._detached and root._requires_grad and \
                    root._grad_fn is None:
                raise RuntimeError(_VIEW_LEAF_INPLACE)
            if whole and _views.overlaps(link[1]):
                raise RuntimeError(_OVERLAP)


def multi_views(outs: tuple, name: str) -> tuple:
    """Mark the outputs of a function returning several views (split, chunk, unbind): in
    grad mode PyTorch refuses to change them in place."""
    if _mode.enabled:
        for i, o in enumerate(outs):
            if o._requires_grad:
                o._multi = (i, name)
    return outs


def _multi_error(t: Tensor) -> RuntimeError:
    i, name = t._multi
    return RuntimeError(
        f"Output {i} of {name} is a view and is being modified inplace. This view is the "
        "output of a function that returns multiple views. Such functions do not allow the "
        "output views to be modified inplace. You should replace the inplace operation by "
        "an out-of-place one.")


def view_link(t: Tensor):
    """``(root, stages)`` when an in-place change of ``t`` must be recorded in its base's
    autograd history (``t`` is a view, made in grad mode or not detached), else None."""
    if t._detached or not (_views._NEW or id(t) in _VIEWS):
        return None
    return _views.view_of(t)


def grad_inplace(t: Tensor, value_requires_grad: bool) -> bool:
    """Whether an in-place change of ``t`` is recorded for autograd (grad mode, and the
    value, ``t`` or the base ``t`` is a view of requires grad)."""
    if not _mode.enabled:
        return False
    if value_requires_grad or t._requires_grad:
        return True
    link = view_link(t)
    return link is not None and link[0]._requires_grad


def check_overlap_key(t: Tensor, key) -> None:
    """PyTorch's refusal of ``t[key] = v`` where the selected elements of an expanded view
    overlap."""
    if not (_views._NEW or id(t) in _VIEWS):
        return
    link = _views.view_of(t)
    if link is None or not _views.overlaps(link[1]):
        return
    from .._array import indexing as _ix
    try:
        mkey = _ix.translate(t, key)
    except Exception:  # (the write itself reports a bad key)
        return
    stages = link[1]
    if len(stages) == 1 and _ix.is_basic(mkey):
        sub = _views._apply_key(stages[0][1], mkey)
        if not _views.overlaps((((), sub),)):
            return
    raise RuntimeError(_OVERLAP)


def inplace(t: Tensor, result: Tensor, *, reshape: bool = False,
            overlap_ok: bool = False, checked: bool = False) -> Tensor:
    """Write ``result`` (computed from ``t``) into ``t``: PyTorch's in-place semantics.

    The dtype stays ``t``'s (a result PyTorch cannot cast back raises, as it does); the
    autograd history of ``result`` becomes ``t``'s. When ``t`` is a view, the write reaches
    its base (and the base's other views), and so does the history: the base's gradient
    flows through the write (PyTorch's ``CopySlices``).
    """
    if not checked:  # (else the caller did, before computing result)
        check_inplace(t, not overlap_ok)
    if result._dtype is not t._dtype:
        if _t.category(result._dtype) > _t.category(t._dtype):
            raise RuntimeError(f"result type {_d.NAMES[result._dtype].capitalize()} can't "
                               f"be cast to the desired output type "
                               f"{_d.NAMES[t._dtype].capitalize()}")
        result = astype(result, t._dtype)
    if result._array.shape != t._array.shape:
        if not reshape:
            raise RuntimeError(f"output with shape {list(t._array.shape)} doesn't match the "
                               f"broadcast shape {list(result._array.shape)}")
        # Note: t_(), unsqueeze_()...: new metadata over the same storage in PyTorch; here
        # the tensor takes the new value and its links to views are cut (docs/torch.md).
        _views.release(t)
        t._array = result._array
        t._version += 1
        _take_history(t, result)
        return t
    node = result._grad_fn
    enabled = _mode.enabled
    if enabled and (node is not None or t._requires_grad or _views._NEW or id(t) in _VIEWS):
        link = view_link(t)
        if link is not None and (node is not None or link[0]._requires_grad):
            return _inplace_view(t, result, *link)
    if node is None and enabled and t._requires_grad:
        # Values that need no gradient overwrite all of t (zero_, fill_, copy_ of a
        # constant): t's gradient stops here (zero), as in PyTorch.
        arr = result._array
        _record(_COPY, lambda u: u * 0 + arr, (t,), (result,), saves=False)
        node = result._grad_fn
    commit(t, result._array)
    if node is not None:
        _take_history(t, result)
        if id(t) in _views._ROOTS:
            regrad_views(t)
    return t


def _take_history(t: Tensor, result: Tensor) -> None:
    node = result._grad_fn
    if node is None:
        return
    # The operation writing t read t's previous value, which its record holds (an MLX
    # array no tensor has any more: no later write can change it): t is not checked.
    node._saved = tuple(e for e in node._saved if e[0] is not t)
    t._grad_fn = node
    t._out_idx = result._out_idx
    t._requires_grad = True
    if t._retains:
        _engine.retain(t)


def _inplace_view(t: Tensor, result: Tensor, root: Tensor, stages) -> Tensor:
    """``t`` (a view of ``root``) takes ``result``'s values, recorded in ``root``'s history."""
    if root._requires_grad and root._grad_fn is None:
        raise RuntimeError(_VIEW_LEAF_INPLACE)
    record = _engine.differentiable(root._dtype)
    if record:
        _record(_COPY_SLICES, lambda ra, va: _views.put(ra, stages, va, False), (root, result),
                (root,), saves=False)
    node = result._grad_fn
    commit(t, result._array)
    if node is not None:
        node._saved = tuple(e for e in node._saved if e[0] is not t)
    if record:
        regrad_views(root)
    return t


def regrad_views(root: Tensor) -> None:
    """After an in-place change of ``root`` recorded for autograd, each of its views (not
    the detached ones) reads its values from the new history."""
    for v, stages in _views.live_views(root):
        if v._detached:
            continue
        _record(_AS_STRIDED, lambda ra, s=stages: _views.derive(ra, s), (root,), (v,),
                saves=False)
        if v._retains:
            _engine.retain(v)


def int_view(res: Tensor, x: Tensor, key) -> None:
    """``res = x[i, j, ...]`` (an int for every axis) is a 0-d view of ``x`` in PyTorch (a
    copy in NumPy, whose rule the namespace follows): link it."""
    if key.__class__ is not tuple:
        key = (key,)
    n = x._array.ndim
    if len(key) != n or not builtins.all(k.__class__ is builtins.int for k in key):
        return
    _views.derived(res, x, ("key", key))


# --- argument helpers -----------------------------------------------------------------

def _as_int(d, what: str = "dim"):
    if isinstance(d, Array) and d._array.ndim == 0 and d._dtype in _d.CATEGORIES["integer"]:
        return builtins.int(d)
    # (PyTorch takes NumPy integers wherever it takes an int)
    if isinstance(d, np.integer):
        return builtins.int(d)
    if not isinstance(d, builtins.int) or isinstance(d, builtins.bool):
        raise TypeError(f"argument '{what}' must be int, not {type(d).__name__}")
    return d


def dims(dim, ndim: int | None = None):
    """A ``dim`` argument (int, tuple/list of ints, or None) as the namespace's ``axis``."""
    if dim is None or dim.__class__ is builtins.int:
        return dim
    if isinstance(dim, (tuple, list)):
        return tuple(_as_int(d) for d in dim) if dim else None
    return _as_int(dim)


def dim_index(d, ndim: int, what: str = "dim") -> int:
    """One dimension as a non-negative int, with PyTorch's errors (a 0-d tensor takes
    0 and -1, as PyTorch's do)."""
    d = _as_int(d, what)
    n = builtins.max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, "
                         f"{n - 1}], but got {d})")
    return d % n


def tensor_arg(x, what: str = "other") -> Tensor:
    """A tensor argument (an Array is re-wrapped), else TypeError."""
    if isinstance(x, Array):
        return of(x)
    raise TypeError(f"argument '{what}' must be Tensor, not {type(x).__name__}")


def tensor_list(xs, what: str = "tensors") -> list:
    """A sequence of tensors, else TypeError."""
    if not isinstance(xs, (list, tuple)):
        raise TypeError(f"argument '{what}' must be tuple of Tensors, not "
                        f"{type(xs).__name__}")
    return [tensor_arg(x, what) for x in xs]


def number(v, what: str):
    """A Python number argument (alpha=, value=...), else TypeError."""
    if isinstance(v, Array) and v._array.ndim == 0:
        return v.item()
    if isinstance(v, np.generic) and v.dtype.kind in "biufc":
        return v.item()  # (PyTorch takes NumPy scalars as numbers)
    if not isinstance(v, _PY_SCALARS):
        raise TypeError(f"argument '{what}' must be Number, not {type(v).__name__}")
    return v


def reraise_binding(exc: TypeError) -> None:
    """A TypeError from calling a function with the wrong arguments, raised again here
    (the caller's mistake, not the face's)."""
    if exc.__traceback__ is not None and exc.__traceback__.tb_next is None:
        raise TypeError(str(exc)) from None


def sizes(args, name: str = "size") -> tuple:
    """PyTorch's ``*size`` or ``(size,)`` argument as a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Sequence)) and \
            not isinstance(args[0], (str, Array)):
        args = tuple(args[0])
    out = []
    for s in args:
        if isinstance(s, (Array, np.integer)):
            s = _as_int(s, "size")
        if not isinstance(s, builtins.int) or isinstance(s, builtins.bool):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found "
                            f"element of type {type(s).__name__}")
        out.append(s)
    return tuple(out)


def as_dtype(dtype):
    """A ``dtype=`` argument: a tmath/torch dtype, NumPy's spellings, or None."""
    if dtype is None:
        return None
    dt = _d.as_dtype(dtype)  # (a torch dtype gives its tmath dtype)
    if dt is not None:
        return dt
    if dtype is builtins.float:
        return _d.float64
    if dtype is builtins.int:
        return _d.int64
    if dtype is builtins.bool:
        return _d.bool
    if dtype is builtins.complex:
        return _d.complex64
    try:
        nd = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a torch.dtype, not {type(dtype).__name__}") from None
    from .._interop import numpy_dlpack as _np
    dt = _np.FROM_NUMPY.get(nd)
    if dt is None:
        raise TypeError(f"dtype {dtype!r} is not a dtype tmath_array.torch has")
    return dt


def new_like(x: Tensor, a: mx.array) -> Tensor:
    return from_mx(a, x._dtype, x._device)


def zeros_for(x: Tensor) -> Tensor:
    return of(_cr.zeros_like(x))
