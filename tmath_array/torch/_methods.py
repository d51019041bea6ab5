"""PyTorch's Tensor methods and operators, attached to :class:`Tensor` once (:func:`install`).

Most methods are the functions of :mod:`._math` (``x.exp()`` is ``torch.exp(x)``); the
rest (conversions, in-place ``_`` methods, indexing, printing, ``backward``) are here.
Nothing else assigns attributes of Tensor.
"""

from __future__ import annotations

import builtins
import functools

import mlx.core as mx

from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._array.array import Array
from .._interop import numpy_dlpack as _interop
from .._runtime import lazy as _lazy
from .._standard import creation as _cr
from .._standard import elementwise as _ew
from . import _creation as C  # noqa: N812
from . import _math as M  # noqa: N812
from . import _printing
from . import _types as _t
from ._ops import (
    _mode,
    apply,
    as_dtype,
    astype,
    backward_class,
    check_inplace,
    check_overlap_key,
    dim_index,
    fast_binary,
    grad_inplace,
    inplace,
    int_view,
    node_class,
    operand,
    reraise_binding,
    tensor_arg,
    to_tensor,
)
from ._tensor import Tensor, bump, commit, of

_ARRAY_GETITEM = Array.__getitem__
_ARRAY_SETITEM = Array.__setitem__
_COPY_SLICES = node_class("CopySlices")


def _iop(fn):
    """``x += y``: in place, PyTorch's rules (a leaf that requires grad refuses in grad mode)."""
    def iop(self, other):
        if operand(other) is None:
            return NotImplemented
        check_inplace(self)
        return inplace(self, fn(self, other), checked=True)
    return iop


_RESHAPING = ("t_", "transpose_", "swapaxes_", "unsqueeze_", "squeeze_")


def _inplace_method(fn, name):
    reshape = name in _RESHAPING

    def method(self, *args, **kwargs):
        check_inplace(self)
        try:
            res = fn(self, *args, **kwargs)
        except TypeError as exc:
            reraise_binding(exc)
            raise
        return inplace(self, res, reshape=reshape, checked=True)
    functools.update_wrapper(method, fn)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: ``x`` updated and returned."
    return method


class _Operators:
    __add__, __radd__ = fast_binary(_ew.add, backward_class("add"), saves=False)
    __sub__, _ = fast_binary(_ew.subtract, backward_class("sub"), saves=False)
    __mul__, __rmul__ = fast_binary(_ew.multiply, backward_class("mul"), scalar_saves=False)
    # (the other cases go through torch.div: integer operands of two dtypes are each
    # converted to the float result, as PyTorch does, not to their common integer type)
    __truediv__, _ = fast_binary(M.true_divide_fn, backward_class("div"), scalar_saves=False,
                                 slow=M.div)
    del _

    def __rsub__(self, other):
        if operand(other) is None:
            return NotImplemented
        return M.sub(other, self)

    def __rtruediv__(self, other):
        if operand(other) is None:
            return NotImplemented
        # PyTorch's: self.reciprocal() * other (-0.0 / 1e-40 is NaN: 1 / 1e-40 is inf)
        return M.mul(M.reciprocal(self), other)

    def __floordiv__(self, other):
        return M.floor_divide(self, other) if operand(other) is not None else NotImplemented

    def __rfloordiv__(self, other):
        return M.floor_divide(other, self) if operand(other) is not None else NotImplemented

    def __mod__(self, other):
        return M.remainder(self, other) if operand(other) is not None else NotImplemented

    def __rmod__(self, other):
        return M.remainder(other, self) if operand(other) is not None else NotImplemented

    def __pow__(self, other):
        return M.pow(self, other) if operand(other) is not None else NotImplemented

    def __rpow__(self, other):
        return M.pow(other, self) if operand(other) is not None else NotImplemented

    def __matmul__(self, other):
        return M.matmul(self, other) if operand(other) is not None else NotImplemented

    def __rmatmul__(self, other):
        return M.matmul(other, self) if operand(other) is not None else NotImplemented

    def __and__(self, other):
        return M.bitwise_and(self, other) if operand(other) is not None else NotImplemented

    def __rand__(self, other):
        return M.bitwise_and(other, self) if operand(other) is not None else NotImplemented

    def __or__(self, other):
        return M.bitwise_or(self, other) if operand(other) is not None else NotImplemented

    def __ror__(self, other):
        return M.bitwise_or(other, self) if operand(other) is not None else NotImplemented

    def __xor__(self, other):
        return M.bitwise_xor(self, other) if operand(other) is not None else NotImplemented

    def __rxor__(self, other):
        return M.bitwise_xor(other, self) if operand(other) is not None else NotImplemented

    def __lshift__(self, other):
        return M.bitwise_left_shift(self, other) if operand(other) is not None \
            else NotImplemented

    def __rshift__(self, other):
        return M.bitwise_right_shift(self, other) if operand(other) is not None \
            else NotImplemented

    __iadd__ = _iop(M.add)
    __isub__ = _iop(M.sub)
    __imul__ = _iop(M.mul)
    __itruediv__ = _iop(M.div)
    __ifloordiv__ = _iop(M.floor_divide)
    __imod__ = _iop(M.remainder)
    __ipow__ = _iop(M.pow)
    __iand__ = _iop(M.bitwise_and)
    __ior__ = _iop(M.bitwise_or)
    __ixor__ = _iop(M.bitwise_xor)
    __imatmul__ = _iop(M.matmul)

    def __eq__(self, other):  # type: ignore[override]
        return M.eq(self, other) if operand(other) is not None else NotImplemented

    def __ne__(self, other):  # type: ignore[override]
        return M.ne(self, other) if operand(other) is not None else NotImplemented

    def __lt__(self, other):
        return M.lt(self, other) if operand(other) is not None else NotImplemented

    def __le__(self, other):
        return M.le(self, other) if operand(other) is not None else NotImplemented

    def __gt__(self, other):
        return M.gt(self, other) if operand(other) is not None else NotImplemented

    def __ge__(self, other):
        return M.ge(self, other) if operand(other) is not None else NotImplemented

    def __neg__(self):
        return M.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return M.abs(self)

    def __invert__(self):
        if self._dtype is _d.bool:
            return M.logical_not(self)
        return M.bitwise_not(self)

    # Note: tensors hash by identity, as PyTorch's do (sets and dicts of parameters).
    __hash__ = object.__hash__

    def __contains__(self, element) -> bool:
        return builtins.bool(M.any(M.eq(self, element)))

    # --- indexing ------------------------------------------------------------------------
    def __getitem__(self, key):
        key = _key(key)
        if not (_mode.enabled and self._requires_grad):
            res = of(_ARRAY_GETITEM(self, key))
        else:
            cls = _index_node(key)
            res = apply(cls, lambda u: _ARRAY_GETITEM(u, key), (self,), saves=False)
        kc = key.__class__
        if (kc is builtins.int or kc is tuple) and not res._array.ndim and self._array.ndim:
            int_view(res, self, key)
        return res

    def __setitem__(self, key, value):
        check_inplace(self, False)
        key = _key(key)
        check_overlap_key(self, key)
        if isinstance(value, Array):
            v = astype(to_tensor(value), self._dtype)
            if not grad_inplace(self, v._requires_grad):
                # (a view writes the selected elements of its base: views.write_basic)
                _ARRAY_SETITEM(self, key, v)
                bump(self)
                return
            res = apply(_COPY_SLICES, lambda u, w: _set(u, key, w), (self, v), saves=False)
            inplace(self, res, overlap_ok=True)
            return
        else:
            value = _scalar_for(self, value)
            if not grad_inplace(self, False):
                _ARRAY_SETITEM(self, key, value)
                bump(self)
                return
            res = apply(_COPY_SLICES, lambda u: _set(u, key, value), (self,), saves=False)
        inplace(self, res, overlap_ok=True)

    # --- conversion ----------------------------------------------------------------------
    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is "
                               "ambiguous")
        return Array.__bool__(_zero_d(self))

    def __float__(self) -> float:
        return Array.__float__(_zero_d(self))

    def __int__(self) -> int:
        return Array.__int__(_zero_d(self))

    def __complex__(self) -> complex:
        return Array.__complex__(_zero_d(self))

    def __index__(self) -> int:
        if self._dtype not in _d.CATEGORIES["integer"] or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return Array.__index__(_zero_d(self))

    def __array__(self, dtype=None, copy=None):
        _no_grad_numpy(self)
        return _interop.to_numpy(self, dtype=dtype, copy=copy)

    def __repr__(self) -> str:
        return _printing.tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._array.ndim == 0 and spec:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __reduce_ex__(self, protocol):
        _lazy.materialize(_lazy.CONVERSION, self._array)
        return (_rebuild, (_interop.to_numpy(self).copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        out = of(_cr.asarray(self, copy=True))
        if self._requires_grad and self._grad_fn is None:
            out._requires_grad = True
        if self._grad is not None:
            out._grad = of(_cr.asarray(self._grad, copy=True))
        memo[id(self)] = out
        return out


def _rebuild(values, requires_grad):
    t = C.tensor(values)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _zero_d(t: Tensor) -> Array:
    if t._array.size != 1:
        raise RuntimeError(f"a Tensor with {t._array.size} elements cannot be converted to "
                           f"Scalar")
    return _core.new(mx.reshape(t._array, ()), t._dtype, t._device)


def _no_grad_numpy(t: Tensor) -> None:
    if t._requires_grad:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                           "tensor.detach().numpy() instead.")


def _key_part(k):
    if isinstance(k, list):
        return of(_cr.asarray(k))
    if isinstance(k, Array) and k._dtype is _d.uint8:
        # Note: PyTorch reads a uint8 index as a mask (deprecated there): so does this.
        return of(_ew.not_equal(k, 0))
    return k


def _key(key):
    """An index with Python lists of ints as int64 tensors (PyTorch's advanced indexing)."""
    if isinstance(key, tuple):
        return tuple(_key_part(k) for k in key)
    return _key_part(key)


def _index_node(key):
    if isinstance(key, builtins.int):
        return node_class("SelectBackward0")
    if isinstance(key, slice):
        return node_class("SliceBackward0")
    if isinstance(key, tuple) and builtins.all(isinstance(k, (builtins.int, slice))
                                               for k in key):
        return node_class("SliceBackward0") if builtins.any(isinstance(k, slice)
                                                            for k in key) \
            else node_class("SelectBackward0")
    return node_class("IndexBackward0")


def _set(u, key, w):
    c = _core.new(u._array, u._dtype, u._device)
    _ARRAY_SETITEM(c, key, w)
    return c


def _scalar_for(t: Tensor, value):
    """A Python number cast as PyTorch casts a value written into ``t``."""
    cat = _t.category(t._dtype)
    if isinstance(value, (builtins.int, builtins.float, builtins.bool)):
        if cat == 0:
            return builtins.bool(value)
        if cat == 1:
            if value != value or value in (float("inf"), float("-inf")):
                raise RuntimeError("value cannot be converted to type int without overflow")
            return builtins.int(value)
        return builtins.float(value)
    return value


# --- methods ----------------------------------------------------------------------------


def _to(self, *args, **kwargs):
    """``x.to(dtype)``, ``x.to(device)``, ``x.to(device, dtype)``, ``x.to(other)``."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument {next(iter(kwargs))!r}")
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a._dtype, a._device
        elif isinstance(a, (str, _t.device)) or isinstance(a, builtins.int) and \
                not isinstance(a, builtins.bool):
            device = a
        elif a is not None and not isinstance(a, builtins.bool):
            dtype = a
    out = self
    if device is not None:
        dev = _t.to_mlx_device(device) if not hasattr(device, "_s") else device
        if dev != self._device:
            out = _move(out, dev)
    if dtype is not None:
        out = astype(out, as_dtype(dtype))
    if copy and out is self:
        out = M.clone(self)
    return out


def _move(t: Tensor, dev) -> Tensor:
    return apply(node_class("ToCopyBackward0"), lambda u: u.to_device(dev), (t,), saves=False)


def _type(self, dtype=None, non_blocking=False, **kwargs):
    if dtype is None:
        return _t.TENSOR_TYPE[self._dtype]
    if isinstance(dtype, str):
        for dt, name in _t.TENSOR_TYPE.items():
            if name == dtype:
                return astype(self, dt)
        raise RuntimeError(f"invalid type: '{dtype}'")
    return astype(self, as_dtype(dtype))


def _caster(dt, name):
    def method(self, memory_format=None):
        return astype(self, dt)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x`` as {_d.NAMES[dt]} (``x`` itself when it is already)."
    return method


def _item(self):
    """The value of a one-element tensor as a Python number (a sync point)."""
    return Array.item(_zero_d(self))


def _tolist(self):
    return Array.tolist(self)


def _numpy(self, *, force: bool = False):
    if not force:
        _no_grad_numpy(self)
    return _interop.to_numpy(self)


def _dim(self) -> int:
    return self._array.ndim


def _numel(self) -> int:
    return self._array.size


def _element_size(self) -> int:
    return self._array.itemsize


def _stride(self, dim=None):
    if dim is not None:
        if self._array.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        dim = dim_index(dim, self._array.ndim)
    link = _views.view_of(self)
    if link is not None and len(link[1]) == 1 and not link[1][0][0]:
        st = link[1][0][1].strides  # a view: its steps over its base's elements
    else:
        st = _views.c_strides(self._array.shape)
    return st if dim is None else st[dim]


def _T(self):  # noqa: N802
    n = self._array.ndim
    if n < 2:
        return self
    if n == 2:
        return M.t(self)
    return M.permute(self, tuple(range(n - 1, -1, -1)))


def _mT(self):  # noqa: N802
    if self._array.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self._array.ndim}-D tensor.")
    return M.transpose(self, -2, -1)


def _mH(self):  # noqa: N802
    return M.conj(_mT(self))


def _H(self):  # noqa: N802
    return M.conj(_T(self))


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    return C.tensor(data, dtype=dtype or self._dtype, device=device or self.device,
                    requires_grad=requires_grad)


def _new_factory(fn):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        return fn(*size, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)
    return method


def _new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False, **kw):
    from ._ops import number
    fill_value = number(fill_value, "fill_value")
    return C.full(size, fill_value, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)


def _zero_(self):
    check_inplace(self, False)
    return inplace(self, of(_cr.zeros_like(self)), overlap_ok=True)


def _fill_(self, value):
    check_inplace(self, False)
    if not isinstance(value, Array):
        from ._ops import number
        value = number(value, "value")
    if isinstance(value, Array):
        if value._array.ndim:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value._array.ndim} dimensions.")
        v = astype(to_tensor(value), self._dtype)
        return inplace(self, M.expand(v, tuple(self.shape)), overlap_ok=True)
    return inplace(self, of(_cr.full(tuple(self.shape), _scalar_for(self, value),
                                     dtype=self._dtype, device=self._device)), overlap_ok=True)


def _copy_(self, src, non_blocking=False):
    check_inplace(self)
    s = astype(to_tensor(src), self._dtype)
    if s._device != self._device:
        s = _move(s, self._device)
    return inplace(self, M.expand(s, tuple(self.shape)) if tuple(s.shape) != tuple(self.shape)
                   else M.clone(s))


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    check_inplace(self)
    from ._ops import number
    a, b = number(a, "from"), number(b, "to")
    u = C.rand(tuple(self.shape), generator=generator, dtype=self._dtype, device=self.device)
    commit(self, (u * (b - a) + a)._array)
    return self


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    check_inplace(self)
    from ._ops import number
    mean, std = number(mean, "mean"), number(std, "std")
    if isinstance(mean, complex) or isinstance(std, complex):
        raise TypeError("normal_(): argument 'mean' and 'std' must be float, not complex")
    z = C.randn(tuple(self.shape), generator=generator, dtype=self._dtype, device=self.device)
    commit(self, (z * std + mean)._array)
    return self


def _random_(self, from_=0, to=None, *, generator=None):
    check_inplace(self)
    if to is None:
        from_, to = 0, from_ if from_ else 2**24
    r = C.randint(from_, to, tuple(self.shape), generator=generator)
    commit(self, astype(r, self._dtype)._array)
    return self


def _bernoulli_(self, p=0.5, *, generator=None):
    check_inplace(self)
    u = C.rand(tuple(self.shape), generator=generator, device=self.device)
    commit(self, astype(of(_ew.less(u, p)), self._dtype)._array)
    return self


def _exponential_(self, lambd=1.0, *, generator=None):
    check_inplace(self)
    from ._ops import number
    lambd = number(lambd, "lambd")
    if isinstance(lambd, complex):
        raise TypeError("exponential_(): argument 'lambd' must be float, not complex")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    u = C.rand(tuple(self.shape), generator=generator, dtype=self._dtype, device=self.device)
    commit(self, (M.neg(M.log1p(M.neg(u))) / lambd)._array)
    return self


def _fill_diagonal_(self, fill_value, wrap=False):
    check_inplace(self)
    from ._ops import number
    fill_value = number(fill_value, "fill_value")
    shape = tuple(self.shape)
    if len(shape) < 2 or (len(shape) > 2 and len(set(shape)) != 1):
        raise RuntimeError("all dimensions of input must be of equal length")
    if len(shape) == 2 and wrap and shape[0] > shape[1] + 1:
        # PyTorch's wrap: the diagonal starts again every cols + 1 rows (flat positions
        # multiples of cols + 1).
        rows, cols = shape
        flat = M.reshape(self, (-1,))
        pos = C.arange(0, rows * cols, cols + 1)
        flat[pos] = fill_value
        commit(self, M.reshape(flat, shape)._array)
        return self
    n = builtins.min(shape)
    idx = C.arange(n)
    self[tuple(idx for _ in shape)] = fill_value
    return self


def _detach_(self):
    self._grad_fn = None
    self._requires_grad = False
    return self


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradient of this tensor into the leaves' ``.grad`` (lazily: no sync)."""
    from .autograd import backward
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def _where(self, condition, other):
    return M.where(condition, self, other)


def _type_as(self, other):
    return astype(self, tensor_arg(other)._dtype)


def _is_signed(self):
    return self._dtype in _d.CATEGORIES["integer"] and not self._dtype.name.startswith("u") \
        or self._dtype in _t.FLOATING or self._dtype is _d.complex64


def _get_device(self):
    return -1 if self._device.type == "cpu" else 0


def _cpu(self, memory_format=None):
    return _to(self, "cpu")


def _cuda(self, device=None, non_blocking=False, memory_format=None):
    return _to(self, "cuda" if device is None else device)


def _self(self, *args, **kwargs):
    return self


def _is_contiguous(self, memory_format=None) -> bool:
    return _views.is_contiguous(self)


def _contiguous(self, memory_format=None):
    """``t`` itself when contiguous, else a contiguous copy (as in PyTorch)."""
    return self if _views.is_contiguous(self) else M.clone(self)


def _true(self, *args, **kwargs):
    return True


def _apply_(self, fn):
    raise RuntimeError("apply_ calls a Python function per element; write it with tensor "
                       "operations")


# PyTorch methods that are the functions of _math with the tensor first.
_FROM_MATH = (
    "abs absolute neg negative positive exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin "
    "cos tan asin acos atan arcsin arccos arctan sinh cosh tanh asinh acosh atanh arcsinh "
    "arccosh arctanh floor ceil trunc fix frac sign sgn square reciprocal conj isnan isinf "
    "isfinite signbit logical_not bitwise_not deg2rad rad2deg sigmoid relu erf erfinv sinc "
    "round logit nan_to_num angle add sub subtract mul multiply div divide true_divide "
    "floor_divide remainder fmod pow float_power atan2 arctan2 hypot maximum minimum fmax "
    "fmin copysign logaddexp eq ne lt le gt ge not_equal less less_equal greater "
    "greater_equal logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor "
    "bitwise_left_shift bitwise_right_shift clamp clip clamp_min clamp_max lerp addcmul "
    "addcdiv sum nansum prod mean nanmean var std max min amax amin aminmax argmax argmin "
    "all any logsumexp cumsum cumprod median norm dist count_nonzero sort argsort msort topk "
    "kthvalue reshape view view_as reshape_as flatten unflatten ravel permute transpose "
    "swapaxes swapdims t adjoint movedim moveaxis unsqueeze squeeze expand expand_as "
    "repeat tile repeat_interleave flip fliplr flipud roll rot90 narrow select unbind split "
    "tensor_split chunk tril triu diagonal diag diag_embed trace diff gather take_along_dim "
    "index_select take scatter scatter_add scatter_reduce index_add index_fill masked_fill "
    "masked_select nonzero argwhere matmul mm bmm mv dot vdot inner outer ger kron addmm "
    "addmv baddbmm cross softmax log_softmax histc bincount unique isclose allclose equal "
    "is_floating_point is_complex is_nonzero clone detach rsub cov corrcoef"
).split()

# In-place forms: x.name_(...) is x = name(x, ...) written in place.
_INPLACE = (
    "abs neg exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan sinh "
    "cosh tanh asinh acosh atanh floor ceil trunc fix frac sign sgn square reciprocal "
    "logical_not bitwise_not deg2rad rad2deg sigmoid relu erf erfinv sinc round logit "
    "nan_to_num add sub subtract mul multiply div divide true_divide floor_divide remainder "
    "fmod pow float_power atan2 arctan2 hypot copysign eq ne lt le gt ge logical_and "
    "logical_or logical_xor bitwise_and bitwise_or bitwise_xor clamp clip clamp_min "
    "clamp_max lerp addcmul addcdiv cumsum cumprod t transpose swapaxes unsqueeze squeeze "
    "tril triu scatter scatter_add scatter_reduce index_add index_fill masked_fill addmm "
    "addmv baddbmm"
).split()


def install() -> None:
    """Attach the operators and methods to Tensor (once, at import)."""
    for name, value in vars(_Operators).items():
        if name.startswith("__") and name not in ("__module__", "__qualname__", "__doc__",
                                                  "__dict__", "__weakref__"):
            setattr(Tensor, name, value)
    for name in _FROM_MATH:
        setattr(Tensor, name, getattr(M, name))
    for name in _INPLACE:
        setattr(Tensor, name + "_", _inplace_method(getattr(M, name), name + "_"))
    casts = {"float": _d.float32, "double": _d.float64, "half": _d.float16,
             "bfloat16": _d.bfloat16, "long": _d.int64, "int": _d.int32, "short": _d.int16,
             "char": _d.int8, "byte": _d.uint8, "bool": _d.bool, "cfloat": _d.complex64}
    for name, dt in casts.items():
        setattr(Tensor, name, _caster(dt, name))
    methods = {
        "to": _to, "type": _type, "item": _item, "tolist": _tolist, "numpy": _numpy,
        "dim": _dim, "ndimension": _dim, "numel": _numel, "nelement": _numel,
        "element_size": _element_size, "stride": _stride, "contiguous": _contiguous,
        "is_contiguous": _is_contiguous, "pin_memory": _self, "share_memory_": _self,
        "cpu": _cpu, "cuda": _cuda, "new_tensor": _new_tensor,
        "new_zeros": _new_factory(C.zeros), "new_ones": _new_factory(C.ones),
        "new_empty": _new_factory(C.empty), "new_full": _new_full, "zero_": _zero_,
        "fill_": _fill_, "copy_": _copy_, "uniform_": _uniform_, "normal_": _normal_,
        "random_": _random_, "bernoulli_": _bernoulli_, "exponential_": _exponential_,
        "fill_diagonal_": _fill_diagonal_, "detach_": _detach_, "backward": _backward,
        "where": _where, "type_as": _type_as, "is_signed": _is_signed,
        "get_device": _get_device, "apply_": _apply_, "map_": _apply_,
        "bernoulli": lambda self, p=None, *, generator=None: C.bernoulli(self, p,
                                                                         generator=generator),
        "multinomial": lambda self, n, replacement=False, *, generator=None: C.multinomial(
            self, n, replacement, generator=generator),
        "size": Tensor.size, "data": Tensor.data,
    }
    for name, fn in methods.items():
        setattr(Tensor, name, fn)
    Tensor.T = property(_T)
    Tensor.mT = property(_mT)
    Tensor.H = property(_H)
    Tensor.mH = property(_mH)
    Tensor.ndim = property(_dim)
    Tensor.nbytes = property(lambda self: self._array.nbytes)
    Tensor.itemsize = property(lambda self: self._array.itemsize)
    Tensor.real = property(M.real)
    Tensor.imag = property(M.imag)
