"""``torch.nn.functional``: PyTorch's functional layers, activations and losses.

Each function computes with the namespace (``tmath_array.nn`` where it has the function,
MLX operations otherwise) inside :func:`..._ops.apply`, which records the call for
autograd when an input requires grad: the gradient is ``mx.vjp`` of the same computation,
so there is no derivative table here. Layouts and argument orders are PyTorch's
(``N, C, H, W`` images, ``(out, in, kH, kW)`` convolution weights, ``pad`` from the last
dimension backwards).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import mlx.core as mx

from ... import nn as _xnn
from ..._array import core as _core
from ..._array.array import Array
from ..._standard import elementwise_special as _es
from .. import _ops
from .._tensor import Tensor, from_mx

_apply = _ops.apply
_bw = _ops.backward_class


_PT_NAMES = {"bool": "Bool", "int8": "Char", "int16": "Short", "int32": "Int",
             "int64": "Long", "uint8": "Byte", "uint16": "UInt16", "uint32": "UInt32",
             "uint64": "UInt64", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
             "float64": "Double", "complex64": "ComplexFloat"}
_REAL_FLOAT = frozenset(("float16", "bfloat16", "float32", "float64"))
_REAL = _REAL_FLOAT | {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                       "uint64"}


def _t(x, name: str = "input", fn: str = "") -> Tensor:
    """A tensor argument: a Tensor, or a namespace Array seen as one; else TypeError."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Array):
        return _ops.to_tensor(x)
    where = f"{fn}(): " if fn else ""
    raise TypeError(f"{where}argument '{name}' must be Tensor, not {type(x).__name__}")


def _typed(x, fn: str, allowed=_REAL_FLOAT, name: str = "input") -> Tensor:
    """``x`` as a Tensor of a dtype ``fn`` computes on, else PyTorch's RuntimeError."""
    t = _t(x, name, fn)
    if t._dtype.name not in allowed:
        raise RuntimeError(f'"{fn}" not implemented for \'{_PT_NAMES[t._dtype.name]}\'')
    return t


def _num(v, name: str, fn: str) -> float:
    """A number argument (a Python or NumPy real number) as a float, else TypeError."""
    import numpy as np

    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer,
                                                              np.floating)):
        raise TypeError(f"{fn}(): argument '{name}' must be Number, not {type(v).__name__}")
    return float(v)


def _flag(v, name: str, fn: str) -> bool:
    import numpy as np

    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    raise TypeError(f"{fn}(): argument '{name}' must be bool, not {type(v).__name__}")


def _count(v, name: str, fn: str, low: int = 0) -> int:
    import operator

    import numpy as np

    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{fn}(): argument '{name}' must be int, not bool")
    try:
        i = operator.index(v)
    except TypeError:
        raise TypeError(f"{fn}(): argument '{name}' must be int, not {type(v).__name__}") \
            from None
    if i < low:
        raise RuntimeError(f"{fn}(): {name} must be at least {low}, got {i}")
    return i


def _w(a: mx.array, like: Array) -> Array:
    return _core.wrap(a, like._device)


def _unary(name: str, fn, x, allowed=_REAL_FLOAT):
    x = _typed(x, name, allowed)
    return _apply(_bw(name), lambda a: _w(fn(a._array), a), [x])


def _inplace(x, out: Tensor, fn: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(inplace=True) needs a Tensor to write into, got "
                        f"{type(x).__name__}")
    return _ops.inplace(x, out)


def _maybe_inplace(x, out: Tensor, inplace, fn: str) -> Tensor:
    return _inplace(x, out, fn) if _flag(inplace, "inplace", fn) else out


# --- activations -------------------------------------------------------------------------
# relu and hardtanh take integer tensors too (as PyTorch's); the others real floating ones.

def relu(input, inplace: bool = False):  # noqa: A002 - PyTorch's name
    x = _typed(input, "relu", _REAL)
    out = _apply(_bw("relu"), lambda a: _w(mx.maximum(a._array, 0).astype(a._array.dtype), a),
                 [x])
    return _maybe_inplace(input, out, inplace, "relu")


def relu6(input, inplace: bool = False):  # noqa: A002
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False):
    lo, hi = _num(min_val, "min_val", "hardtanh"), _num(max_val, "max_val", "hardtanh")
    if lo > hi:
        raise ValueError("min_val cannot be greater than max_val")
    x = _typed(input, "hardtanh", _REAL)
    if x._dtype.name not in _REAL_FLOAT and (math.isnan(lo) or math.isnan(hi)):
        raise RuntimeError("hardtanh: NaN bounds for an integer tensor")

    def f(a):
        arr = a._array
        if arr.dtype in (mx.float16, mx.bfloat16, mx.float32, mx.float64):
            return _w(mx.clip(arr, lo, hi), a)
        # Integer tensors: the bounds truncated toward zero (as PyTorch's clamp) and kept in
        # the dtype's range.
        from ..._interop import convert as _convert

        info = mx.iinfo(arr.dtype)
        # (scalar_array: MLX takes a Python int past int64 as a C++ bad_cast)
        lo_i, hi_i = (_convert.scalar_array("hardtanh", int(min(max(v, info.min), info.max)),
                                            a._dtype) for v in (lo, hi))
        return _w(mx.clip(arr, lo_i, hi_i).astype(arr.dtype), a)
    out = _apply(_bw("hardtanh"), f, [x])
    return _maybe_inplace(input, out, inplace, "hardtanh")


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):  # noqa: A002
    k = _num(negative_slope, "negative_slope", "leaky_relu")
    out = _unary("leaky_relu", lambda a: mx.where(a > 0, a, a * k), input)
    return _maybe_inplace(input, out, inplace, "leaky_relu")


def elu(input, alpha: float = 1.0, inplace: bool = False):  # noqa: A002
    al = _num(alpha, "alpha", "elu")
    out = _unary("elu", lambda a: mx.where(a > 0, a, al * mx.expm1(mx.minimum(a, 0))), input)
    return _maybe_inplace(input, out, inplace, "elu")


def selu(input, inplace: bool = False):  # noqa: A002
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    out = _unary("selu", lambda a: scale * mx.where(a > 0, a,
                                                    alpha * mx.expm1(mx.minimum(a, 0))), input)
    return _maybe_inplace(input, out, inplace, "selu")


def celu(input, alpha: float = 1.0, inplace: bool = False):  # noqa: A002
    al = _num(alpha, "alpha", "celu")
    if al == 0:
        raise RuntimeError("ZeroDivisionError: celu with alpha=0")
    # (x >= 0 selected, celu(x) = x there for every alpha: an alpha that rounds to 0 in
    # the dtype makes the formula 0 / 0; PyTorch gives 5.3e16 and 0 there too)
    out = _unary("celu", lambda a: mx.where(a >= 0, a, mx.minimum(
        0, al * mx.expm1(mx.minimum(a, 0) / al))), input)
    return _maybe_inplace(input, out, inplace, "celu")


def gelu(input, approximate: str = "none"):  # noqa: A002
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got "
                           f"{approximate!r}")
    x = _typed(input, "gelu")
    return _apply(_bw("gelu"), lambda a: _xnn.gelu(a, approximate=approximate), [x])


def silu(input, inplace: bool = False):  # noqa: A002
    out = _apply(_bw("silu"), lambda a: _xnn.silu(a), [_typed(input, "silu")])
    return _maybe_inplace(input, out, inplace, "silu")


def _softplus_xp(a, beta: float = 1.0, threshold: float = 20.0):
    """PyTorch's softplus, ``a`` where ``beta * a > threshold`` else ``log1p(exp(beta * a)) /
    beta``, with the namespace's functions (accurate in float64, where MLX's own exp and
    log1p are float32-accurate)."""
    import tmath_array as xp

    half = a.dtype in (xp.float16, xp.bfloat16)
    if half:  # (computed in float32 and rounded once, as PyTorch: exp(11.4) is past float16)
        a, dt = xp.astype(a, xp.float32), a.dtype
    z = a * beta
    out = xp.where(z > threshold, a, xp.log1p(xp.exp(z)) / beta)
    return xp.astype(out, dt) if half else out


def mish(input, inplace: bool = False):  # noqa: A002
    import tmath_array as xp

    x = _typed(input, "mish")
    out = _apply(_bw("mish"), lambda a: a * xp.tanh(_softplus_xp(a)), [x])
    return _maybe_inplace(input, out, inplace, "mish")


def sigmoid(input):  # noqa: A002
    return _apply(_bw("sigmoid"), lambda a: _xnn.sigmoid(a), [_typed(input, "sigmoid")])


def tanh(input):  # noqa: A002
    return _unary("tanh", mx.tanh, input)


def hardsigmoid(input, inplace: bool = False):  # noqa: A002
    out = _unary("hardsigmoid", lambda a: mx.clip(a / 6 + 0.5, 0, 1), input)
    return _maybe_inplace(input, out, inplace, "hardsigmoid")


def hardswish(input, inplace: bool = False):  # noqa: A002
    out = _unary("hardswish", lambda a: a * mx.clip(a / 6 + 0.5, 0, 1), input)
    return _maybe_inplace(input, out, inplace, "hardswish")


def softplus(input, beta: float = 1.0, threshold: float = 20.0):  # noqa: A002
    b = _num(beta, "beta", "softplus")
    th = _num(threshold, "threshold", "softplus")
    x = _typed(input, "softplus")
    return _apply(_bw("softplus"), lambda a: _softplus_xp(a, b, th), [x])


def softsign(input):  # noqa: A002
    return _unary("softsign", lambda a: a / (1 + mx.abs(a)), input)


def logsigmoid(input):  # noqa: A002
    """``log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))``, with the namespace's functions
    (accurate in float64, where MLX's own exp is float32-accurate)."""
    import tmath_array as xp

    x = _typed(input, "log_sigmoid")
    return _apply(_bw("log_sigmoid"),
                  lambda a: xp.minimum(a, 0) - xp.log1p(xp.exp(-xp.abs(a))), [x])


def _dim_of(dim, ndim: int, fn: str) -> int:
    if dim is None:
        # Note: PyTorch's implicit dim choice (deprecated there, with a warning).
        return 0 if ndim in (0, 1, 3) else 1
    d = _count(dim, "dim", fn, low=-(1 << 62))
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return d % n


def _softmax_like(name, nsname, input, dim, dtype):  # noqa: A002
    x = _t(input, "input", name)
    dt = _ops.as_dtype(dtype) if dtype is not None else None
    if (dt or x._dtype).name not in _REAL_FLOAT:
        raise RuntimeError(f'"{name}" not implemented for '
                           f"'{_PT_NAMES[(dt or x._dtype).name]}'")
    d = _dim_of(dim, x.ndim, name)
    fn = getattr(_xnn, nsname)
    return _apply(_bw(name), lambda a: fn(a if dt is None else _w(a._array.astype(dt._mx), a),
                                          dim=d if a.ndim else None), [x])


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    return _softmax_like("softmax", "softmax", input, dim, dtype)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    return softmax(-_typed(input, "softmin"), dim=dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    return _softmax_like("log_softmax", "log_softmax", input, dim, dtype)


# --- linear, embedding, normalisation, dropout -----------------------------------------

def _same_float(fn: str, *named) -> list[Tensor]:
    """Tensors of one real floating dtype (PyTorch's "expected ... same dtype" otherwise)."""
    ts = [_typed(x, fn, name=n) for n, x in named]
    for (n, _), t in zip(named[1:], ts[1:]):
        if t._dtype.name != ts[0]._dtype.name:
            raise RuntimeError(f"{fn}(): expected {n} to have the dtype of the input "
                               f"({_PT_NAMES[ts[0]._dtype.name]}), got "
                               f"{_PT_NAMES[t._dtype.name]}")
    return ts


def linear(input, weight, bias=None):  # noqa: A002
    named = [("input", input), ("weight", weight)] + ([("bias", bias)] if bias is not None
                                                      else [])
    ins = _same_float("linear", *named)
    x, w = ins[0], ins[1]
    if w.ndim not in (1, 2) or x.ndim == 0 or x.shape[-1] != w.shape[-1]:
        raise RuntimeError(f"linear(): input of shape {list(x.shape)} and weight of shape "
                           f"{list(w.shape)} cannot be multiplied (in_features must match)")
    if bias is not None:
        out_f = w.shape[0] if w.ndim == 2 else ()
        if ins[2].ndim > 1 or (ins[2].ndim == 1 and ins[2].shape[0] not in (out_f, 1)):
            raise RuntimeError(f"linear(): bias of shape {list(ins[2].shape)} does not match "
                               f"out_features {out_f}")
    return _apply(_bw("addmm") if bias is not None else _bw("mm"),
                  lambda xx, ww, *b: _xnn.linear(xx, ww, b[0] if b else None), ins)


def bilinear(input1, input2, weight, bias=None):
    named = [("input1", input1), ("input2", input2), ("weight", weight)] + \
        ([("bias", bias)] if bias is not None else [])
    ins = _same_float("bilinear", *named)
    x1, x2, w = ins[:3]
    if w.ndim != 3 or x1.ndim < 1 or x2.ndim < 1 or x1.shape[-1] != w.shape[1] or \
            x2.shape[-1] != w.shape[2] or x1.shape[:-1] != x2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input1 {list(x1.shape)}, input2 {list(x2.shape)} and "
                           f"weight {list(w.shape)} do not fit (weight is (out, in1, in2), the "
                           "inputs share their leading dimensions)")
    if bias is not None and (ins[3].ndim != 1 or ins[3].shape[0] != w.shape[0]):
        raise RuntimeError(f"bilinear(): bias of shape {list(ins[3].shape)} does not match "
                           f"out_features {w.shape[0]}")

    def f(a1, a2, ww, *b):
        out = mx.einsum("...i,oij,...j->...o", a1._array, ww._array, a2._array)
        if b:
            out = out + b[0]._array
        return _w(out, a1)
    return _apply(_bw("bilinear"), f, ins)


_INDEX = frozenset(("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"))


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    idx = _t(input, "input", "embedding")
    w = _typed(weight, "embedding", name="weight")
    if idx._dtype.name not in _INDEX:
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got "
                           f"{_PT_NAMES[idx._dtype.name]} instead")
    if w.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise ValueError("embedding: max_norm, scale_grad_by_freq and sparse are not "
                         "supported (docs/torch_training.md)")
    n = w.shape[0]
    if padding_idx is not None:
        padding_idx = _count(padding_idx, "padding_idx", "embedding", low=-n)
        if padding_idx >= n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    ia = idx._array
    # Note: an index outside [0, n) gives a row of NaN (PyTorch raises; checking would be a
    # sync point): never another row's values.
    inside = (ia >= 0) & (ia < n) if n else mx.zeros(ia.shape, dtype=mx.bool_)
    safe = mx.where(inside, ia, 0).astype(mx.int32)

    def f(wa):
        if not n or not w.shape[1]:
            # (nothing to gather: MLX's gather gradient of zero-width rows divides by zero)
            return _w(mx.zeros(ia.shape + (w.shape[1],), dtype=wa._array.dtype), wa)
        a = mx.take(wa._array, safe, axis=0)
        if padding_idx is not None:
            # Note: PyTorch keeps the padding row's gradient at zero: stop it here.
            keep = (ia != padding_idx)[..., None]
            a = mx.where(keep, a, mx.stop_gradient(a))
        a = mx.where(inside[..., None], a, mx.array(float("nan"), dtype=a.dtype))
        return _w(a, wa)
    return _apply(_bw("embedding"), f, [w])


def one_hot(tensor, num_classes: int = -1):
    t = _t(tensor, "tensor", "one_hot")
    if t._dtype.name not in _INDEX:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    num_classes = _count(num_classes, "num_classes", "one_hot", low=-1)
    a = t._array
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        from ..._runtime import lazy as _lazy
        m = mx.max(a)
        _lazy.materialize(_lazy.CONVERSION, m)
        num_classes = int(m.item()) + 1
    from ..._runtime import memory as _memory
    if num_classes * max(a.size, 1) >= 2**31 or num_classes * max(a.size, 1) * 8 > \
            _memory.max_bytes:
        # Note: MLX indexes with 32 bits, and the int64 result must fit the memory limit.
        raise MemoryError(f"one_hot: {num_classes} classes for {a.size} indices is too large "
                          f"a result ({num_classes * max(a.size, 1) * 8} bytes)")
    out = (a[..., None].astype(mx.int64) == mx.arange(num_classes, dtype=mx.int64)) \
        .astype(mx.int64)
    return from_mx(out, _core.CANON[mx.int64], t._device)


def _norm_shape(fn: str, x: Tensor, normalized_shape) -> tuple[int, ...]:
    ns = (normalized_shape,) if not isinstance(normalized_shape, (tuple, list)) else \
        tuple(normalized_shape)
    ns = tuple(_count(n, "normalized_shape", fn) for n in ns)
    if not ns or tuple(x.shape[x.ndim - len(ns):]) != ns or len(ns) > x.ndim:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*, {', '.join(map(str, ns))}], but got input of size "
                           f"{list(x.shape)}")
    return ns


def _affine(fn: str, x: Tensor, ns, *named):
    out = []
    for n, v in named:
        if v is None:
            continue
        t = _typed(v, fn, name=n)
        if tuple(t.shape) != ns:
            raise RuntimeError(f"{fn}(): {n} of shape {list(t.shape)} does not match "
                               f"normalized_shape {list(ns)}")
        out.append(t)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):  # noqa: A002
    x = _typed(input, "layer_norm")
    ns = _norm_shape("layer_norm", x, normalized_shape)
    eps = _num(eps, "eps", "layer_norm")
    has_w, has_b = weight is not None, bias is not None
    ins = [x] + _affine("layer_norm", x, ns, ("weight", weight), ("bias", bias))

    def f(xx, *wb):
        w = wb[0] if has_w else None
        b = wb[-1] if has_b else None
        return _xnn.layer_norm(xx, ns, w, b, eps)
    return _apply(_bw("native_layer_norm"), f, ins)


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    x = _typed(input, "rms_norm")
    ns = _norm_shape("rms_norm", x, normalized_shape)
    eps = None if eps is None else _num(eps, "eps", "rms_norm")
    ins = [x] + _affine("rms_norm", x, ns, ("weight", weight))
    return _apply(_bw("rms_norm"),
                  lambda xx, *w: _xnn.rms_norm(xx, ns, w[0] if w else None, eps=eps), ins)


def _acc(a):
    """Half precision computed in float32, as PyTorch's normalisations accumulate."""
    return a.astype(mx.float32) if a.dtype in (mx.float16, mx.bfloat16) else a


def _batch_stats(a, axes, keepdims: bool):
    """Mean and biased variance in two passes (MLX's var is ``E[x^2] - E[x]^2``, which
    cancels to 0 for large values with a small spread)."""
    mean = mx.mean(a, axis=axes, keepdims=True)
    var = mx.mean(mx.square(a - mean), axis=axes, keepdims=keepdims)
    return (mean if keepdims else mean.reshape(var.shape)), var


def batch_norm(input, running_mean, running_var, weight=None, bias=None,  # noqa: A002
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    x = _typed(input, "batch_norm")
    training = _flag(training, "training", "batch_norm")
    momentum = _num(momentum, "momentum", "batch_norm")
    eps = _num(eps, "eps", "batch_norm")
    if x.ndim < 2:
        raise ValueError(f"Expected 2D or more input (got {x.ndim}D input)")
    c = x.shape[1]
    for n, v in (("running_mean", running_mean), ("running_var", running_var),
                 ("weight", weight), ("bias", bias)):
        if v is not None:
            t = _typed(v, "batch_norm", name=n)
            if tuple(t.shape) != (c,):
                raise RuntimeError(f"batch_norm(): {n} should contain {c} elements not "
                                   f"{t.size}")
    if (running_mean is None) != (running_var is None):
        raise RuntimeError("batch_norm(): running_mean and running_var go together")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, c) + (1,) * (x.ndim - 2)
    n = x.size // c if c else 0
    if (training or running_mean is None) and n <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {list(x.shape)}")
    ins = [x]
    has_w, has_b = weight is not None, bias is not None
    if has_w:
        ins.append(_t(weight))
    if has_b:
        ins.append(_t(bias))
    use_batch = training or running_mean is None
    rm = _t(running_mean)._array if running_mean is not None else None
    rv = _t(running_var)._array if running_var is not None else None

    def f(xa, *wb):
        a = _acc(xa._array)
        if use_batch:
            mean, var = _batch_stats(a, axes, keepdims=True)
        else:
            mean = rm.reshape(shape)
            var = rv.reshape(shape)
        out = (a - mean) * mx.rsqrt(var + eps)
        if has_w:
            out = out * wb[0]._array.reshape(shape)
        if has_b:
            out = out + wb[-1]._array.reshape(shape)
        return _w(out.astype(xa._array.dtype), xa)
    out = _apply(_bw("native_batch_norm"), f, ins)
    if training and running_mean is not None:
        a = _acc(mx.stop_gradient(x._array))
        mean, var = _batch_stats(a, axes, keepdims=False)
        var = var * (n / (n - 1))  # (the running variance is unbiased, as PyTorch's)
        for target, new in ((running_mean, mean), (running_var, var)):
            cur = _t(target)._array
            upd = ((1 - momentum) * cur + momentum * new).astype(cur.dtype)
            if isinstance(target, Tensor):
                _ops.commit(target, upd)
            else:
                target._array = upd
    return out


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):  # noqa: A002
    x = _typed(input, "normalize")
    p = _num(p, "p", "normalize")
    eps = _num(eps, "eps", "normalize")
    d = _dim_of(dim, x.ndim, "normalize")
    if out is not None:
        raise ValueError("normalize: out= is not supported")

    if math.isnan(p):
        raise RuntimeError("normalize: p must be a number, got nan")

    def f(a):
        v = a._array
        if v.size == 0:
            return _w(mx.array(v), a)  # (nothing to normalise; the norms could be huge)
        ax = d if v.ndim else None
        n = _pnorm(v, p, ax, True)
        return _w(v / mx.maximum(n, eps), a)
    return _apply(_bw("div"), f, [x])


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):  # noqa: A002
    x = _typed(input, "dropout")
    p = _num(p, "p", "dropout")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not _flag(training, "training", "dropout") or p == 0.0:
        return x
    # The mask is drawn once, outside the recorded function, so backward replays the same.
    keep = mx.random.bernoulli(1.0 - p, tuple(x.shape))
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    out = _apply(_bw("native_dropout"),
                 lambda a: _w(mx.where(keep, a._array * scale, mx.zeros_like(a._array)), a), [x])
    return _maybe_inplace(input, out, inplace, "dropout")


# --- padding, convolution, pooling -------------------------------------------------------

def _pad_widths(pad: Sequence[int], ndim: int):
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' must be tuple of ints, not {type(pad).__name__}")
    pad = [_count(v, "pad", "pad", low=-(1 << 62)) for v in pad]
    if len(pad) % 2:
        raise ValueError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise ValueError("Padding length should be less than or equal to two times the "
                         "input dimension")
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return widths


def pad(input, pad, mode: str = "constant", value=None):  # noqa: A002
    """PyTorch's ``F.pad``: ``pad`` lists (before, after) pairs from the last dimension
    backwards; modes ``constant``, ``reflect``, ``replicate``, ``circular``."""
    x = _t(input, "input", "pad")
    widths = _pad_widths(pad, x.ndim)
    if any(lo < 0 or hi < 0 for lo, hi in widths):
        raise ValueError("pad: negative padding is not supported")
    if any(hi > 2**31 - 1 or lo > 2**31 - 1 for lo, hi in widths):
        raise RuntimeError("pad: padding too large")
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' must be str, not {type(mode).__name__}")
    if mode == "constant":
        v = 0.0 if value is None else _num(value, "value", "pad")
        if x._dtype.name not in _REAL_FLOAT:
            v = int(v) if x._dtype.name != "bool" else bool(v)
        return _apply(_bw("constant_pad_nd"),
                      lambda a: _w(mx.pad(a._array, widths, constant_values=v), a), [x])
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(f"pad: mode {mode!r} is not one of constant, reflect, replicate, "
                         "circular")

    if x.ndim < 2:
        raise RuntimeError(f"pad: {mode} padding needs a batched or unbatched input of at "
                           f"least 2 dimensions, got {x.ndim}")
    for ax, (lo, hi) in enumerate(widths):
        n = x.shape[ax]
        if (lo or hi) and (n == 0 or (mode == "circular" and (lo > n or hi > n))):
            raise RuntimeError(f"pad: padding of {lo, hi} is invalid for a dimension of size "
                               f"{n} in {mode} mode")

    def f(a):
        arr = a._array
        for ax, (lo, hi) in enumerate(widths):
            if not lo and not hi:
                continue
            n = arr.shape[ax]
            if mode == "reflect":
                if lo >= n or hi >= n:
                    raise RuntimeError("Padding size should be less than the corresponding "
                                       "input dimension")
                idx = list(range(lo, 0, -1)) + list(range(n)) + \
                    list(range(n - 2, n - 2 - hi, -1))
            elif mode == "replicate":
                idx = [0] * lo + list(range(n)) + [n - 1] * hi
            else:
                idx = [(i - lo) % n for i in range(n + lo + hi)]
            arr = mx.take(arr, mx.array(idx, dtype=mx.int32), axis=ax)
        return _w(arr, a)
    return _apply(_bw(f"{mode}_pad"), f, [x])


def _tuple(v, n: int, name: str, low: int = 0, fn: str = "") -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints, each at least ``low`` (else PyTorch's errors)."""
    fn = fn or name
    if isinstance(v, (tuple, list)):
        if len(v) != n:
            raise RuntimeError(f"{fn}: {name} must be an int or a tuple of {n} ints, got "
                               f"{len(v)} values")
        return tuple(_count(i, name, fn, low) for i in v)
    return (_count(v, name, fn, low),) * n


def _conv(nd: int, input, weight, bias, stride, padding, dilation, groups, name):  # noqa: A002
    named = [("input", input), ("weight", weight)] + ([("bias", bias)] if bias is not None
                                                      else [])
    ins = _same_float(name, *named)
    x, w = ins[0], ins[1]
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(x.shape)}")
    if w.ndim != nd + 2:
        raise RuntimeError(f"{name}: weight should be {nd + 2}-D (out, in / groups, "
                           f"*kernel), got {list(w.shape)}")
    if bias is not None and tuple(ins[2].shape) != (w.shape[0],):
        raise RuntimeError(f"{name}: bias of shape {list(ins[2].shape)} does not match "
                           f"{w.shape[0]} output channels")
    groups = _count(groups, "groups", name, low=1)
    if w.shape[0] % groups:
        raise RuntimeError(f"{name}: out_channels {w.shape[0]} is not divisible by groups "
                           f"{groups}")
    stride = _tuple(stride, nd, "stride", 1, name)
    dilation = _tuple(dilation, nd, "dilation", 1, name)
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, w.shape[2:])]
            padding = tuple(t // 2 for t in total)
            extra = [t % 2 for t in total]
            if any(extra):
                x = pad(x, [v for e in reversed(extra) for v in (0, e)])
        else:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                             "'valid' or 'same'")
    padding = _tuple(padding, nd, "padding", 0, name)
    batched = x.ndim == nd + 2
    cin = x.shape[1 if batched else 0]
    spatial = x.shape[-nd:]
    for sz, p_, d_, k_ in zip(spatial, padding, dilation, w.shape[2:]):
        if sz + 2 * p_ < d_ * (k_ - 1) + 1:
            raise RuntimeError(f"{name}: input size {list(x.shape)} (padded by {p_}) is "
                               f"smaller than the kernel {list(w.shape[2:])}")
    if cin != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {w.shape[1] * groups} channels, but "
                           f"got {cin} channels instead")
    ins = [x, w] + ins[2:]
    perm_in = (0,) + tuple(range(2, nd + 2)) + (1,)
    perm_out = (0, nd + 1) + tuple(range(1, nd + 1))
    mxconv = mx.conv1d if nd == 1 else mx.conv2d if nd == 2 else mx.conv3d

    def f(xa, wa, *b):
        a = xa._array if batched else xa._array[None]
        a = mx.transpose(a, perm_in)                                 # N, *spatial, C
        k = mx.transpose(wa._array, (0,) + tuple(range(2, nd + 2)) + (1,))  # O, *k, C/g
        s = stride[0] if nd == 1 else stride
        p = padding[0] if nd == 1 else padding
        d = dilation[0] if nd == 1 else dilation
        out = mxconv(a, k, stride=s, padding=p, dilation=d, groups=groups)
        if b:
            out = out + b[0]._array
        out = mx.transpose(out, perm_out)
        return _w(out if batched else out[0], xa)
    return _apply(_bw("convolution"), f, ins)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return _conv(1, input, weight, bias, stride, padding, dilation, groups, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return _conv(2, input, weight, bias, stride, padding, dilation, groups, "conv2d")


def _pool(nd: int, input, kernel_size, stride, padding, reduce: str, name: str,  # noqa: A002
          ceil_mode=False, count_include_pad=True, divisor_override=None):
    x = _typed(input, name, _REAL if reduce == "max" else _REAL_FLOAT)
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input")
    k = _tuple(kernel_size, nd, "kernel_size", 1, name)
    s = k if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) \
        else _tuple(stride, nd, "stride", 1, name)
    p = _tuple(padding, nd, "padding", 0, name)
    if any(pp * 2 > kk for pp, kk in zip(p, k)):
        raise RuntimeError(f"{name}: pad should be at most half of effective kernel size")
    if ceil_mode:
        raise ValueError(f"{name}: ceil_mode=True is not supported (docs/torch.md)")
    batched = x.ndim == nd + 2

    def f(xa):
        a = xa._array if batched else xa._array[None]
        if any(p):
            fill = 0.0 if reduce != "max" else (
                -math.inf if a.dtype in (mx.float16, mx.bfloat16, mx.float32, mx.float64)
                else int(mx.iinfo(a.dtype).min))
            a = mx.pad(a, [(0, 0), (0, 0)] + [(pp, pp) for pp in p], constant_values=fill)
        n, c = a.shape[:2]
        spatial = a.shape[2:]
        outs = [(sz - kk) // ss + 1 for sz, kk, ss in zip(spatial, k, s)]
        if any(o <= 0 for o in outs):
            raise RuntimeError(f"{name}: output size is too small")
        if k == s and not any(p):
            # Non-overlapping windows (the common pool): a reshape, whose gradient is a
            # reshape too (the strided view's gradient is a scatter).
            crop = a[(slice(None), slice(None)) + tuple(slice(0, o * kk)
                                                        for o, kk in zip(outs, k))]
            shape = [n, c]
            for o, kk in zip(outs, k):
                shape += [o, kk]
            win = crop.reshape(shape)
            axes = tuple(3 + 2 * i for i in range(nd))
            out = mx.max(win, axis=axes) if reduce == "max" else \
                (mx.sum(win, axis=axes) / (divisor_override or math.prod(k))).astype(a.dtype)
            return _w(out if batched else out[0], xa)
        # Windows as a strided view (lazy; MLX's as_strided over the contiguous input).
        a = mx.contiguous(a) if hasattr(mx, "contiguous") else a
        strides = [1]
        for dim in reversed(a.shape[1:]):
            strides.insert(0, strides[0] * dim)
        st = strides  # element strides of (n, c, *spatial)
        shape = [n, c] + outs + list(k)
        view_strides = st[:2] + [st[2 + i] * s[i] for i in range(nd)] + st[2:]
        win = mx.as_strided(a, shape, view_strides)
        axes = tuple(range(2 + nd, 2 + 2 * nd))
        if reduce == "max":
            out = mx.max(win, axis=axes)
        else:
            total = mx.sum(win, axis=axes)
            if divisor_override:
                out = total / divisor_override
            elif count_include_pad or not any(p):
                out = total / math.prod(k)
            else:
                ones = mx.pad(mx.ones(spatial if not any(p) else
                                      [sz - 2 * pp for sz, pp in zip(spatial, p)]),
                              [(pp, pp) for pp in p])
                ones = mx.broadcast_to(ones, (1, 1, *spatial))
                ow = mx.as_strided(mx.contiguous(ones) if hasattr(mx, "contiguous") else ones,
                                   [1, 1] + outs + list(k),
                                   _strides_of(ones.shape, s, nd))
                out = total / mx.sum(ow, axis=axes)
            out = out.astype(a.dtype)
        return _w(out if batched else out[0], xa)
    return _apply(_bw(f"{reduce}_pool{nd}d"), f, [x])


def _strides_of(shape, s, nd):
    st = [1]
    for dim in reversed(shape[1:]):
        st.insert(0, st[0] * dim)
    return st[:2] + [st[2 + i] * s[i] for i in range(nd)] + st[2:]


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode=False, return_indices=False):
    _no_dilation_indices(dilation, return_indices, "max_pool1d")
    return _pool(1, input, kernel_size, stride, padding, "max", "max_pool1d", ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode=False, return_indices=False):
    _no_dilation_indices(dilation, return_indices, "max_pool2d")
    return _pool(2, input, kernel_size, stride, padding, "max", "max_pool2d", ceil_mode)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    return _pool(1, input, kernel_size, stride, padding, "avg", "avg_pool1d", ceil_mode,
                 count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    return _pool(2, input, kernel_size, stride, padding, "avg", "avg_pool2d", ceil_mode,
                 count_include_pad, divisor_override)


def _no_dilation_indices(dilation, return_indices, name):
    if dilation not in (1, (1,), (1, 1)) or return_indices:
        raise ValueError(f"{name}: dilation and return_indices are not supported "
                         "(docs/torch.md)")


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    x = _typed(input, "adaptive_avg_pool2d")
    if x.ndim not in (3, 4):
        raise RuntimeError("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(x.shape)}")
    h, w = x.shape[-2:]
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
        oh, ow = (None if o is None else _count(o, "output_size", "adaptive_avg_pool2d", 1)
                  for o in output_size)
    else:
        oh = ow = _count(output_size, "output_size", "adaptive_avg_pool2d", 1)
    oh = h if oh is None else oh
    ow = w if ow is None else ow
    if h % oh or w % ow:
        raise ValueError("adaptive_avg_pool2d: the input size must be a multiple of the "
                         "output size (docs/torch.md)")
    return avg_pool2d(x, (h // oh, w // ow))


def flatten(input, start_dim: int = 0, end_dim: int = -1):  # noqa: A002
    return _t(input).flatten(start_dim, end_dim)


# --- attention ---------------------------------------------------------------------------

def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    fn = "scaled_dot_product_attention"
    dropout_p = _num(dropout_p, "dropout_p", fn)
    is_causal = _flag(is_causal, "is_causal", fn)
    enable_gqa = _flag(enable_gqa, "enable_gqa", fn)
    scale = None if scale is None else _num(scale, "scale", fn)
    ins = [_t(query, "query"), _t(key, "key"), _t(value, "value")]
    mask_t = attn_mask is not None and isinstance(attn_mask, Array) and \
        attn_mask._dtype.name != "bool"
    if mask_t:
        ins.append(_t(attn_mask, "attn_mask"))
    keep = None
    if dropout_p > 0.0:
        keep = None  # drawn by the namespace function from the (seeded) global generator

    def f(q, k, v, *m):
        mask = m[0] if m else attn_mask
        return _xnn.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p,
                                                 is_causal=is_causal, scale=scale,
                                                 enable_gqa=enable_gqa)
    del keep
    return _apply(_bw("scaled_dot_product_flash_attention"), f, ins)


# --- losses ------------------------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(reduction, size_average=None, reduce=None) -> str:
    for name, v in (("size_average", size_average), ("reduce", reduce)):
        if v is not None and not isinstance(v, bool):
            raise TypeError(f"{name} must be None or a bool (deprecated; use reduction=), "
                            f"got {type(v).__name__}")
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        return "none" if not rd else ("mean" if sa else "sum")
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(a: mx.array, reduction: str) -> mx.array:
    if reduction == "mean":
        return mx.mean(a)
    if reduction == "sum":
        return mx.sum(a)
    return a


def _pair(name, input, target, fn, reduction, weight=None,  # noqa: A002
          weighted_mean: bool = False):
    """An elementwise loss of ``input`` and ``target`` (broadcast as PyTorch does, with its
    warning when the sizes differ; the binary cross-entropies require equal sizes)."""
    x, y = _typed(input, name), _typed(target, name, name="target")
    if tuple(x.shape) != tuple(y.shape):
        if name.startswith("binary"):
            raise ValueError(f"Using a target size ({_size(y.shape)}) that is different to the "
                             f"input size ({_size(x.shape)}) is deprecated. Please ensure they "
                             "have the same size.")
        if not _broadcastable(x.shape, y.shape):
            raise RuntimeError(f"The size of tensor a ({list(x.shape)}) must match the size of "
                               f"tensor b ({list(y.shape)})")
        warnings.warn(f"Using a target size ({_size(y.shape)}) that is different to the input "
                      f"size ({_size(x.shape)}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)
    wa = None
    if weight is not None:
        wt = _typed(weight, name, name="weight")
        if tuple(wt.shape) != tuple(x.shape):  # (PyTorch's test, and its error)
            raise ValueError("Weights and input must have the same size.")
        wa = wt._array

    def f(a, b):
        arr, tgt = a._array, b._array
        if tgt.dtype != arr.dtype:
            tgt = tgt.astype(arr.dtype)
        loss = fn(arr, tgt)
        if wa is not None:
            w = wa.astype(loss.dtype)
            loss = loss * w
            if weighted_mean and reduction == "mean":
                # PyTorch's weighted MSE: sum(w l) / sum(w) (Huber's: the plain mean)
                return _w(mx.sum(loss) / mx.sum(mx.broadcast_to(w, loss.shape)), a)
        return _w(_reduce(loss, reduction), a)
    return _apply(_bw(name), f, [x, y])


def _size(shape) -> str:
    return f"torch.Size([{', '.join(str(d) for d in shape)}])"


def _broadcastable(s1, s2) -> bool:
    for a, b in zip(reversed(s1), reversed(s2)):
        if a != b and a != 1 and b != 1:
            return False
    return True


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
             weight=None):
    r = _reduction(reduction, size_average, reduce)
    return _pair("mse_loss", input, target, lambda a, b: (a - b) ** 2, r, weight,
                 weighted_mean=True)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    r = _reduction(reduction, size_average, reduce)
    return _pair("l1_loss", input, target, lambda a, b: mx.abs(a - b), r)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
                   beta: float = 1.0):
    r = _reduction(reduction, size_average, reduce)
    beta = _num(beta, "beta", "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")

    def f(a, b):
        d = mx.abs(a - b)
        if beta == 0:
            return d
        return mx.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return _pair("smooth_l1_loss", input, target, f, r)


def huber_loss(input, target, reduction="mean", delta: float = 1.0, weight=None):  # noqa: A002
    r = _reduction(reduction)
    delta = _num(delta, "delta", "huber_loss")
    if not delta > 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")

    def f(a, b):
        d = mx.abs(a - b)
        return mx.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _pair("huber_loss", input, target, f, r, weight)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    r = _reduction(reduction, size_average, reduce)
    w = _typed(weight, "binary_cross_entropy", name="weight")._array if weight is not None \
        else None

    def f(p, y):
        # Note: PyTorch clamps each log at -100, so p = 0 or 1 gives a finite loss.
        loss = -(y * mx.maximum(mx.log(p), -100.0) + (1 - y) * mx.maximum(mx.log1p(-p), -100.0))
        return loss * w if w is not None else loss
    return _pair("binary_cross_entropy", input, target, f, r)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,  # noqa: A002
                                     reduce=None, reduction="mean", pos_weight=None):
    r = _reduction(reduction, size_average, reduce)
    fn = "binary_cross_entropy_with_logits"
    w = _typed(weight, fn, name="weight")._array if weight is not None else None
    pw = _typed(pos_weight, fn, name="pos_weight")._array if pos_weight is not None else None

    def f(x, y):
        # PyTorch's form: (1 - y) x - ((pw - 1) y + 1) log sigmoid(x), which is
        # -(pw y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) without a 0 * inf
        log_sig = -_es.logaddexp(-x, mx.zeros_like(x))  # (MLX's: float32-accurate exp)
        scale = (pw - 1) * y + 1 if pw is not None else 1
        loss = (1 - y) * x - scale * log_sig
        return loss * w if w is not None else loss
    return _pair("binary_cross_entropy_with_logits", input, target, f, r)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
           log_target=False):
    r = _reduction(reduction, size_average, reduce) if reduction != "batchmean" else "sum"

    log_target = _flag(log_target, "log_target", "kl_div")

    def f(lp, t):
        if log_target:
            e = _es.exp_f64(t) if t.dtype == mx.float64 else mx.exp(t)  # (MLX's exp)
            return e * (t - lp)
        # PyTorch's xlogy(t, t) - t * input: 0 where t == 0, NaN where t < 0.
        return mx.where(t == 0, mx.zeros_like(t), t * mx.log(t)) - t * lp
    out = _pair("kl_div", input, target, f, r)
    if reduction == "batchmean":
        x = _t(input)
        out = out / (x.shape[0] if x.ndim and x.shape[0] else 1)
    return out


def _class_dim_last(a: mx.array) -> mx.array:
    """(N, C, d1, ...) -> (N, d1, ..., C); (C,) and (N, C) unchanged."""
    if a.ndim <= 2:
        return a
    return mx.moveaxis(a, 1, -1)


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
             reduce=None, reduction="mean"):
    r = _reduction(reduction, size_average, reduce)
    x, y = _typed(input, "nll_loss"), _t(target, "target", "nll_loss")
    return _nll(x, y, weight, ignore_index, r, "nll_loss")


def _class_weight(weight, c: int, fn: str):
    if weight is None:
        return None
    w = _typed(weight, fn, name="weight")
    if tuple(w.shape) != (c,):
        raise RuntimeError(f"{fn}: weight tensor should be defined either for all {c} classes "
                           f"or no classes but got weight tensor of shape: {list(w.shape)}")
    return w._array


def _nll(x: Tensor, y: Tensor, weight, ignore_index, r, name):
    if y._dtype.name not in _INDEX:
        raise RuntimeError(f"expected scalar type Long but found {_PT_NAMES[y._dtype.name]}")
    ignore_index = _count(ignore_index, "ignore_index", name, low=-(1 << 62))
    if x.ndim < 1 or x.ndim > 1 and (y.ndim != x.ndim - 1 or y.shape[0] != x.shape[0]) or \
            x.ndim == 1 and y.ndim != 0:
        raise ValueError(f"Expected input batch_size ({x.shape[0] if x.ndim else 0}) to match "
                         f"target batch_size ({y.shape[0] if y.ndim else 0}).")
    if x.ndim > 2 and tuple(y.shape[1:]) != tuple(x.shape[2:]):
        raise RuntimeError(f"{name}: expected target size {[x.shape[0], *x.shape[2:]]}, got "
                           f"{list(y.shape)}")
    c = x.shape[1] if x.ndim >= 2 else x.shape[0]
    ya = y._array
    w = _class_weight(weight, c, name)
    valid = ya != ignore_index
    # Note: a target outside [0, C) gives a NaN loss (PyTorch raises "Target out of bounds";
    # checking would be a sync point), never another class's value.
    inside = (ya >= 0) & (ya < c) if c else mx.zeros(ya.shape, dtype=mx.bool_)
    safe = mx.where(valid & inside, ya, 0).astype(mx.int32)

    def f(xa):
        lp = _class_dim_last(xa._array)
        if not c:
            picked = mx.zeros(ya.shape, dtype=lp.dtype)
        else:
            picked = mx.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
        wt = mx.take(w, safe) if w is not None and c else mx.ones(picked.shape, dtype=lp.dtype)
        wt = mx.where(valid, wt, 0).astype(lp.dtype)
        loss = -picked * wt
        loss = mx.where(valid & ~inside, mx.array(float("nan"), dtype=lp.dtype), loss)
        if r == "none":
            return _w(loss, xa)
        if r == "sum":
            return _w(mx.sum(loss), xa)
        return _w(mx.sum(loss) / mx.sum(wt), xa)
    return _apply(_bw(name), f, [x])


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
                  reduce=None, reduction="mean", label_smoothing: float = 0.0):
    r = _reduction(reduction, size_average, reduce)
    x, y = _typed(input, "cross_entropy"), _t(target, "target", "cross_entropy")
    label_smoothing = _num(label_smoothing, "label_smoothing", "cross_entropy")
    if x.ndim == 0 or x.shape[1 if x.ndim >= 2 else 0] == 0:
        raise RuntimeError(f"cross_entropy: input of shape {list(x.shape)} has no classes")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if y._dtype.name.startswith("float") or y._dtype.name.startswith("bfloat"):
        # Class probabilities as the target (same shape as the input).
        if tuple(y.shape) != tuple(x.shape):
            raise RuntimeError("cross_entropy: a probability target must have the input's "
                               "shape")
        cdim = 1 if x.ndim >= 2 else 0
        c = x.shape[cdim]
        w = _class_weight(weight, c, "cross_entropy")
        if w is not None and x.ndim > 1:
            w = w.reshape((c,) + (1,) * (x.ndim - 2))

        def f(xa, ya):
            lp = mx.moveaxis(_log_softmax_mx(xa._array, cdim), cdim, -1)
            t = mx.moveaxis(ya._array.astype(lp.dtype), cdim, -1)
            if label_smoothing:
                t = t * (1 - label_smoothing) + label_smoothing / c
            ww = mx.moveaxis(w, 0, -1) if w is not None and w.ndim > 1 else \
                (w if w is not None else 1.0)
            loss = -mx.sum(lp * t * ww, axis=-1)
            if r == "mean":
                return _w(mx.sum(loss) / (loss.size if loss.ndim else 1), xa)
            return _w(_reduce(loss, r), xa)
        return _apply(_bw("cross_entropy"), f, [x, y])
    logp = log_softmax(x, dim=1 if x.ndim >= 2 else 0)
    if not label_smoothing:
        return _nll(logp, y, weight, ignore_index, r, "nll_loss")
    nll = _nll(logp, y, weight, ignore_index, "none", "nll_loss")
    cdim = 1 if x.ndim >= 2 else 0
    c = x.shape[cdim]
    ya = y._array
    valid = ya != ignore_index
    w = _class_weight(weight, c, "cross_entropy")

    def smooth(lp, nl):
        a = _class_dim_last(lp._array) if lp.ndim >= 2 else lp._array
        s = -mx.sum(a * (w if w is not None else 1.0), axis=-1)
        s = mx.where(valid, s, 0)
        loss = (1 - label_smoothing) * nl._array + (label_smoothing / c) * s
        if r == "none":
            return _w(loss, lp)
        if r == "sum":
            return _w(mx.sum(loss), lp)
        if w is not None:
            idx = mx.clip(mx.where(valid, ya, 0), 0, max(c - 1, 0)).astype(mx.int32)
            wt = mx.where(valid, mx.take(w, idx), 0)
            return _w(mx.sum(loss) / mx.sum(wt), lp)
        return _w(mx.sum(loss) / mx.sum(valid), lp)
    return _apply(_bw("cross_entropy"), smooth, [logp, nll])


def _log_softmax_mx(a: mx.array, axis: int) -> mx.array:
    return a - mx.logsumexp(a, axis=axis, keepdims=True)


def _pnorm(v: mx.array, p: float, axis, keepdims: bool) -> mx.array:
    """PyTorch's vector p-norm along ``axis``: half precision computed in float32 (PyTorch's
    CPU opmath), general ``p`` scaled by the largest magnitude so the powers cannot
    overflow where the norm itself is finite."""
    dt = v.dtype
    if v.size == 0:
        # (an empty input can reduce to a huge result: (2**31 - 1, 3, 0) along its last
        # axis is 6e9 zeros; checked before MLX allocates it, which crashed)
        from ..._runtime import memory as _memory

        axes = range(v.ndim) if axis is None else \
            [axis] if isinstance(axis, int) else list(axis)
        axes = {ax % v.ndim for ax in axes} if v.ndim else set()
        shape = tuple(1 if i in axes else n for i, n in enumerate(v.shape))
        _memory.check_shape("norm", shape, 4, "float32")
    if dt in (mx.float16, mx.bfloat16):
        v = v.astype(mx.float32)
    a = mx.abs(v)
    empty = a.size == 0
    if p == 2.0 and empty:
        n = mx.sum(a * a, axis=axis, keepdims=True)  # (an empty norm is 0)
    elif p == 2.0:
        big = mx.max(a, axis=axis, keepdims=True)
        safe = mx.where((big > 0) & (big < math.inf), big, 1)
        n = mx.sqrt(mx.sum((a / safe) ** 2, axis=axis, keepdims=True)) * safe
    elif p == math.inf:
        n = mx.max(a, axis=axis, keepdims=True) if not empty else \
            mx.sum(a, axis=axis, keepdims=True)
    elif p == -math.inf:
        n = mx.min(a, axis=axis, keepdims=True) if not empty else \
            mx.sum(a, axis=axis, keepdims=True) + math.inf
    elif p == 0:
        n = mx.sum((a != 0).astype(a.dtype), axis=axis, keepdims=True)
    elif empty:
        n = mx.sum(a, axis=axis, keepdims=True)  # (an empty norm is 0)
    else:
        big = mx.max(a, axis=axis, keepdims=True)
        safe = mx.where((big > 0) & (big < math.inf), big, 1)
        n = mx.sum((a / safe) ** p, axis=axis, keepdims=True) ** (1.0 / p) * safe
    if not keepdims:
        n = mx.squeeze(n, axis=axis) if axis is not None else n.reshape(())
    return n.astype(dt)


def _pair_broadcast(fn: str, a: Tensor, b: Tensor):
    if not _broadcastable(a.shape, b.shape):
        raise RuntimeError(f"{fn}: The size of tensor a ({list(a.shape)}) must match the size "
                           f"of tensor b ({list(b.shape)})")


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    a, b = _same_float("cosine_similarity", ("x1", x1), ("x2", x2))
    _pair_broadcast("cosine_similarity", a, b)
    eps = _num(eps, "eps", "cosine_similarity")
    nd = max(a.ndim, b.ndim)
    d = _dim_of(dim, nd, "cosine_similarity")

    shape = tuple(mx.broadcast_shapes(tuple(a.shape), tuple(b.shape)))

    def f(u, v):
        # PyTorch's: each operand over its norm clamped at eps (the clamp is not
        # differentiated), then the dot product.
        aa = mx.broadcast_to(u._array, shape)
        bb = mx.broadcast_to(v._array, shape)
        half = aa.dtype in (mx.float16, mx.bfloat16)
        e = eps
        if half:  # (PyTorch's CPU kernel sums half precision in float32: 65504 ** 2 is no inf)
            aa, bb = aa.astype(mx.float32), bb.astype(mx.float32)
            e = mx.array(eps, dtype=u._array.dtype).astype(mx.float32)  # (its eps: 1e-8 is 0)
        ax = d if nd else None
        # (scaled by the largest magnitude: PyTorch's CPU norm sums float32 in double)
        r1, r2 = _pnorm(aa, 2.0, ax, True), _pnorm(bb, 2.0, ax, True)
        n1 = mx.where(mx.stop_gradient(r1) > e, r1, e)
        n2 = mx.where(mx.stop_gradient(r2) > e, r2, e)
        out = mx.sum((aa / n1) * (bb / n2), axis=ax)
        return _w(out.astype(u._array.dtype) if half else out, u)
    return _apply(_bw("cosine_similarity"), f, [a, b])


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    a, b = _same_float("pairwise_distance", ("x1", x1), ("x2", x2))
    _pair_broadcast("pairwise_distance", a, b)
    p = _num(p, "p", "pairwise_distance")
    eps = _num(eps, "eps", "pairwise_distance")
    keepdim = _flag(keepdim, "keepdim", "pairwise_distance")
    nd = max(a.ndim, b.ndim)

    if math.isnan(p) or p < 0:
        raise RuntimeError(f"pairwise_distance: p must be a non-negative number, got {p}")

    def f(u, v):
        diff = u._array - v._array + eps
        ax = -1 if nd else None
        return _w(_pnorm(diff, p, ax, keepdim), u)
    return _apply(_bw("norm"), f, [a, b])


__all__ = [
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "mish",
    "sigmoid",
    "tanh",
    "hardtanh",
    "hardsigmoid",
    "hardswish",
    "softplus",
    "softsign",
    "logsigmoid",
    "softmax",
    "softmin",
    "log_softmax",
    "linear",
    "bilinear",
    "embedding",
    "one_hot",
    "layer_norm",
    "rms_norm",
    "batch_norm",
    "normalize",
    "dropout",
    "pad",
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "flatten",
    "scaled_dot_product_attention",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "nll_loss",
    "cross_entropy",
    "cosine_similarity",
    "pairwise_distance",
]


from tmath_array.torch import _names  # noqa: E402

__getattr__ = _names.missing_in(__name__, "docs/torch_training.md")
