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
from .. import _ops
from .._tensor import Tensor, from_mx

_apply = _ops.apply
_bw = _ops.backward_class


def _t(x, name: str = "input") -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Array):
        return _ops.to_tensor(x)
    raise TypeError(f"{name} must be a Tensor, not {type(x).__name__}")


def _w(a: mx.array, like: Array) -> Array:
    return _core.wrap(a, like._device)


def _unary(name: str, fn, x, cls_name: str | None = None):
    x = _t(x)
    return _apply(_bw(cls_name or name), lambda a: _w(fn(a._array), a), [x])


def _inplace(x: Tensor, out: Tensor) -> Tensor:
    return _ops.inplace(x, out)


# --- activations -------------------------------------------------------------------------

def relu(input, inplace: bool = False):  # noqa: A002 - PyTorch's name
    out = _apply(_bw("relu"), lambda a: _xnn.relu(a), [_t(input)])
    return _inplace(input, out) if inplace else out


def relu6(input, inplace: bool = False):  # noqa: A002
    out = hardtanh(input, 0.0, 6.0)
    return _inplace(input, out) if inplace else out


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):  # noqa: A002
    out = _unary("leaky_relu", lambda a: mx.where(a >= 0, a, a * negative_slope), input)
    return _inplace(input, out) if inplace else out


def elu(input, alpha: float = 1.0, inplace: bool = False):  # noqa: A002
    out = _unary("elu", lambda a: mx.where(a > 0, a, alpha * mx.expm1(mx.minimum(a, 0))),
                 input)
    return _inplace(input, out) if inplace else out


def selu(input, inplace: bool = False):  # noqa: A002
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    out = _unary("selu", lambda a: scale * mx.where(a > 0, a, alpha * mx.expm1(mx.minimum(a, 0))),
                 input)
    return _inplace(input, out) if inplace else out


def celu(input, alpha: float = 1.0, inplace: bool = False):  # noqa: A002
    out = _unary("celu", lambda a: mx.maximum(a, 0) + mx.minimum(
        0, alpha * mx.expm1(mx.minimum(a, 0) / alpha)), input)
    return _inplace(input, out) if inplace else out


def gelu(input, approximate: str = "none"):  # noqa: A002
    return _apply(_bw("gelu"), lambda a: _xnn.gelu(a, approximate=approximate), [_t(input)])


def silu(input, inplace: bool = False):  # noqa: A002
    out = _apply(_bw("silu"), lambda a: _xnn.silu(a), [_t(input)])
    return _inplace(input, out) if inplace else out


def mish(input, inplace: bool = False):  # noqa: A002
    out = _unary("mish", lambda a: a * mx.tanh(mx.logaddexp(a, mx.zeros_like(a))), input)
    return _inplace(input, out) if inplace else out


def sigmoid(input):  # noqa: A002
    return _apply(_bw("sigmoid"), lambda a: _xnn.sigmoid(a), [_t(input)])


def tanh(input):  # noqa: A002
    return _unary("tanh", mx.tanh, input)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False):
    out = _unary("hardtanh", lambda a: mx.clip(a, min_val, max_val), input)
    return _inplace(input, out) if inplace else out


def hardsigmoid(input, inplace: bool = False):  # noqa: A002
    out = _unary("hardsigmoid", lambda a: mx.clip(a / 6 + 0.5, 0, 1), input)
    return _inplace(input, out) if inplace else out


def hardswish(input, inplace: bool = False):  # noqa: A002
    out = _unary("hardswish", lambda a: a * mx.clip(a / 6 + 0.5, 0, 1), input)
    return _inplace(input, out) if inplace else out


def softplus(input, beta: float = 1.0, threshold: float = 20.0):  # noqa: A002
    def f(a):
        z = a * beta
        soft = mx.logaddexp(z, mx.zeros_like(z)) / beta
        return mx.where(z > threshold, a, soft)
    return _unary("softplus", f, input)


def softsign(input):  # noqa: A002
    return _unary("softsign", lambda a: a / (1 + mx.abs(a)), input)


def logsigmoid(input):  # noqa: A002
    return _unary("log_sigmoid", lambda a: -mx.logaddexp(-a, mx.zeros_like(a)), input)


def _dim_of(dim, ndim: int, name: str):
    if dim is None:
        # Note: PyTorch's implicit dim choice (deprecated there, with a warning).
        return 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    x = _t(input)
    d = _dim_of(dim, x.ndim, "softmax")
    dt = _ops.as_dtype(dtype) if dtype is not None else None
    return _apply(_bw("softmax"), lambda a: _xnn.softmax(a, dim=d, dtype=dt), [x])


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    return softmax(-_t(input), dim=dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    x = _t(input)
    d = _dim_of(dim, x.ndim, "log_softmax")
    dt = _ops.as_dtype(dtype) if dtype is not None else None
    return _apply(_bw("log_softmax"), lambda a: _xnn.log_softmax(a, dim=d, dtype=dt), [x])


# --- linear, embedding, normalisation, dropout -----------------------------------------

def linear(input, weight, bias=None):  # noqa: A002
    ins = [_t(input), _t(weight, "weight")] + ([_t(bias, "bias")] if bias is not None else [])
    return _apply(_bw("addmm") if bias is not None else _bw("mm"),
                  lambda x, w, *b: _xnn.linear(x, w, b[0] if b else None), ins)


def bilinear(input1, input2, weight, bias=None):
    ins = [_t(input1), _t(input2), _t(weight, "weight")] + \
        ([_t(bias, "bias")] if bias is not None else [])

    def f(x1, x2, w, *b):
        out = mx.einsum("...i,oij,...j->...o", x1._array, w._array, x2._array)
        if b:
            out = out + b[0]._array
        return _w(out, x1)
    return _apply(_bw("bilinear"), f, ins)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    idx = _t(input)
    w = _t(weight, "weight")
    if idx._dtype.name not in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                               "uint64"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {idx._dtype.name} "
                           "instead")
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise ValueError("embedding: max_norm, scale_grad_by_freq and sparse are not "
                         "supported (docs/torch.md)")
    n = w.shape[0]
    ia = idx._array
    if padding_idx is not None:
        padding_idx = padding_idx + n if padding_idx < 0 else padding_idx

    def f(wa):
        a = mx.take(wa._array, mx.clip(ia, 0, n - 1).astype(mx.int32), axis=0)
        if padding_idx is not None:
            # Note: PyTorch keeps the padding row's gradient at zero: stop it here.
            keep = (ia != padding_idx)[..., None]
            a = mx.where(keep, a, mx.stop_gradient(a))
        return _w(a, wa)
    return _apply(_bw("embedding"), f, [w])


def one_hot(tensor, num_classes: int = -1):
    t = _t(tensor)
    a = t._array
    if num_classes == -1:
        from ..._runtime import lazy as _lazy
        m = mx.max(a)
        _lazy.materialize(_lazy.CONVERSION, m)
        num_classes = int(m.item()) + 1
    out = (a[..., None] == mx.arange(num_classes, dtype=a.dtype)).astype(mx.int64)
    return from_mx(out, _core.CANON[mx.int64], t._device)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):  # noqa: A002
    ins = [_t(input)]
    has_w, has_b = weight is not None, bias is not None
    if has_w:
        ins.append(_t(weight, "weight"))
    if has_b:
        ins.append(_t(bias, "bias"))

    def f(x, *wb):
        w = wb[0] if has_w else None
        b = wb[-1] if has_b else None
        return _xnn.layer_norm(x, normalized_shape, w, b, eps)
    return _apply(_bw("native_layer_norm"), f, ins)


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    ins = [_t(input)] + ([_t(weight, "weight")] if weight is not None else [])
    return _apply(_bw("rms_norm"),
                  lambda x, *w: _xnn.rms_norm(x, normalized_shape, w[0] if w else None,
                                              eps=eps), ins)


def batch_norm(input, running_mean, running_var, weight=None, bias=None,  # noqa: A002
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    x = _t(input)
    if x.ndim < 2:
        raise ValueError(f"Expected 2D or more input (got {x.ndim}D input)")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    n = x.size // x.shape[1]
    if training and n <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {tuple(x.shape)}")
    ins = [x]
    has_w, has_b = weight is not None, bias is not None
    if has_w:
        ins.append(_t(weight, "weight"))
    if has_b:
        ins.append(_t(bias, "bias"))
    use_batch = training or running_mean is None
    rm = running_mean._array if running_mean is not None else None
    rv = running_var._array if running_var is not None else None

    def f(xa, *wb):
        a = xa._array
        if use_batch:
            mean = mx.mean(a, axis=axes, keepdims=True)
            var = mx.var(a, axis=axes, keepdims=True)
        else:
            mean = rm.reshape(shape)
            var = rv.reshape(shape)
        out = (a - mean) * mx.rsqrt(var + eps)
        if has_w:
            out = out * wb[0]._array.reshape(shape)
        if has_b:
            out = out + wb[-1]._array.reshape(shape)
        return _w(out.astype(a.dtype), xa)
    out = _apply(_bw("native_batch_norm"), f, ins)
    if training and running_mean is not None:
        a = mx.stop_gradient(x._array)
        mean = mx.mean(a, axis=axes)
        var = mx.var(a, axis=axes, ddof=1)
        _ops.commit(running_mean, ((1 - momentum) * rm + momentum * mean).astype(rm.dtype))
        _ops.commit(running_var, ((1 - momentum) * rv + momentum * var).astype(rv.dtype))
    return out


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):  # noqa: A002
    def f(a):
        x = a._array
        if p == 2.0:
            n = mx.sqrt(mx.sum(x * x, axis=dim, keepdims=True))
        elif p == math.inf:
            n = mx.max(mx.abs(x), axis=dim, keepdims=True)
        else:
            n = mx.sum(mx.abs(x) ** p, axis=dim, keepdims=True) ** (1.0 / p)
        return _w(x / mx.maximum(n, eps), a)
    return _apply(_bw("div"), f, [_t(input)])


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):  # noqa: A002
    x = _t(input)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    # The mask is drawn once, outside the recorded function, so backward replays the same.
    keep = mx.random.bernoulli(1.0 - p, tuple(x.shape))
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    out = _apply(_bw("native_dropout"),
                 lambda a: _w(mx.where(keep, a._array * scale, mx.zeros_like(a._array)), a), [x])
    return _inplace(input, out) if inplace else out


# --- padding, convolution, pooling -------------------------------------------------------

def _pad_widths(pad: Sequence[int], ndim: int):
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
    x = _t(input)
    widths = _pad_widths(pad, x.ndim)
    if any(lo < 0 or hi < 0 for lo, hi in widths):
        raise ValueError("pad: negative padding is not supported")
    if mode == "constant":
        v = 0.0 if value is None else value
        return _apply(_bw("constant_pad_nd"),
                      lambda a: _w(mx.pad(a._array, widths, constant_values=v), a), [x])
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(f"pad: mode {mode!r} is not one of constant, reflect, replicate, "
                         "circular")

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


def _tuple(v, n: int, name: str) -> tuple[int, ...]:
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(i) for i in v)
    if len(v) != n:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints")
    return v


def _conv(nd: int, input, weight, bias, stride, padding, dilation, groups, name):  # noqa: A002
    x = _t(input)
    w = _t(weight, "weight")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(x.shape)}")
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
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
    padding = _tuple(padding, nd, "padding")
    batched = x.ndim == nd + 2
    cin = x.shape[1 if batched else 0]
    if cin != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {w.shape[1] * groups} channels, but "
                           f"got {cin} channels instead")
    ins = [x, w] + ([_t(bias, "bias")] if bias is not None else [])
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
    x = _t(input)
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input")
    k = _tuple(kernel_size, nd, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, nd, "stride")
    p = _tuple(padding, nd, "padding")
    if any(pp * 2 > kk for pp, kk in zip(p, k)):
        raise RuntimeError(f"{name}: pad should be at most half of effective kernel size")
    if ceil_mode:
        raise ValueError(f"{name}: ceil_mode=True is not supported (docs/torch.md)")
    batched = x.ndim == nd + 2

    def f(xa):
        a = xa._array if batched else xa._array[None]
        if any(p):
            fill = -math.inf if reduce == "max" else 0.0
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
    x = _t(input)
    h, w = x.shape[-2:]
    oh, ow = _tuple(output_size, 2, "output_size")
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
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        return "none" if not rd else ("mean" if sa else "sum")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(a: mx.array, reduction: str) -> mx.array:
    if reduction == "mean":
        return mx.mean(a)
    if reduction == "sum":
        return mx.sum(a)
    return a


def _pair(name, input, target, fn, reduction):  # noqa: A002
    """An elementwise loss of ``input`` and ``target`` (broadcast as PyTorch does, with its
    warning when the sizes differ; the binary cross-entropies require equal sizes)."""
    x, y = _t(input), _t(target, "target")
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
    return _apply(_bw(name), lambda a, b: _w(_reduce(fn(a._array, b._array), reduction), a),
                  [x, y])


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
    return _pair("mse_loss", input, target, lambda a, b: (a - b) ** 2, r)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    r = _reduction(reduction, size_average, reduce)
    return _pair("l1_loss", input, target, lambda a, b: mx.abs(a - b), r)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
                   beta: float = 1.0):
    r = _reduction(reduction, size_average, reduce)
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
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")

    def f(a, b):
        d = mx.abs(a - b)
        return mx.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _pair("huber_loss", input, target, f, r)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    r = _reduction(reduction, size_average, reduce)
    w = weight._array if weight is not None else None

    def f(p, y):
        # Note: PyTorch clamps each log at -100, so p = 0 or 1 gives a finite loss.
        loss = -(y * mx.maximum(mx.log(p), -100.0) + (1 - y) * mx.maximum(mx.log1p(-p), -100.0))
        return loss * w if w is not None else loss
    return _pair("binary_cross_entropy", input, target, f, r)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,  # noqa: A002
                                     reduce=None, reduction="mean", pos_weight=None):
    r = _reduction(reduction, size_average, reduce)
    w = weight._array if weight is not None else None
    pw = pos_weight._array if pos_weight is not None else None

    def f(x, y):
        log_sig = -mx.logaddexp(-x, mx.zeros_like(x))        # log sigmoid(x)
        log_one_minus = -mx.logaddexp(x, mx.zeros_like(x))   # log (1 - sigmoid(x))
        if pw is not None:
            loss = -(pw * y * log_sig + (1 - y) * log_one_minus)
        else:
            loss = -(y * log_sig + (1 - y) * log_one_minus)
        return loss * w if w is not None else loss
    return _pair("binary_cross_entropy_with_logits", input, target, f, r)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
           log_target=False):
    r = _reduction(reduction, size_average, reduce) if reduction != "batchmean" else "sum"

    def f(lp, t):
        if log_target:
            return mx.exp(t) * (t - lp)
        return mx.where(t > 0, t * (mx.log(mx.where(t > 0, t, 1)) - lp), mx.zeros_like(t))
    out = _pair("kl_div", input, target, f, r)
    if reduction == "batchmean":
        x = _t(input)
        out = out / (x.shape[0] if x.ndim else 1)
    return out


def _class_dim_last(a: mx.array) -> mx.array:
    """(N, C, d1, ...) -> (N, d1, ..., C); (C,) and (N, C) unchanged."""
    if a.ndim <= 2:
        return a
    return mx.moveaxis(a, 1, -1)


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
             reduce=None, reduction="mean"):
    r = _reduction(reduction, size_average, reduce)
    x, y = _t(input), _t(target, "target")
    return _nll(x, y, weight, ignore_index, r, "nll_loss")


def _nll(x: Tensor, y: Tensor, weight, ignore_index, r, name):
    if y._dtype.name not in ("int64", "int32", "int16", "int8", "uint8"):
        raise RuntimeError(f"expected scalar type Long but found {y._dtype.name}")
    if x.ndim < 1 or (x.ndim >= 2 and (y.ndim != x.ndim - 1 or y.shape[0] != x.shape[0])):
        raise ValueError(f"Expected input batch_size ({x.shape[0] if x.ndim else 0}) to match "
                         f"target batch_size ({y.shape[0] if y.ndim else 0}).")
    c = x.shape[1] if x.ndim >= 2 else x.shape[0]
    ya = y._array
    w = weight._array if weight is not None else None
    valid = ya != ignore_index
    safe = mx.where(valid, ya, 0).astype(mx.int32)

    def f(xa):
        lp = _class_dim_last(xa._array)
        picked = mx.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
        wt = mx.take(w, safe) if w is not None else mx.ones(picked.shape, dtype=lp.dtype)
        wt = mx.where(valid, wt, 0).astype(lp.dtype)
        loss = -picked * wt
        if r == "none":
            return _w(loss, xa)
        if r == "sum":
            return _w(mx.sum(loss), xa)
        return _w(mx.sum(loss) / mx.sum(wt), xa)
    del c
    return _apply(_bw(name), f, [x])


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
                  reduce=None, reduction="mean", label_smoothing: float = 0.0):
    r = _reduction(reduction, size_average, reduce)
    x, y = _t(input), _t(target, "target")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if y._dtype.name.startswith("float") or y._dtype.name.startswith("bfloat"):
        # Class probabilities as the target (same shape as the input).
        if tuple(y.shape) != tuple(x.shape):
            raise RuntimeError("cross_entropy: a probability target must have the input's "
                               "shape")
        w = weight._array if weight is not None else None
        cdim = 1 if x.ndim >= 2 else 0
        c = x.shape[cdim]

        def f(xa, ya):
            lp = mx.moveaxis(_log_softmax_mx(xa._array, cdim), cdim, -1)
            t = mx.moveaxis(ya._array, cdim, -1)
            if label_smoothing:
                t = t * (1 - label_smoothing) + label_smoothing / c
            ww = w if w is not None else 1.0
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
    w = weight._array if weight is not None else None

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
            wt = mx.where(valid, mx.take(w, mx.where(valid, ya, 0).astype(mx.int32)), 0)
            return _w(mx.sum(loss) / mx.sum(wt), lp)
        return _w(mx.sum(loss) / mx.sum(valid), lp)
    return _apply(_bw("cross_entropy"), smooth, [logp, nll])


def _log_softmax_mx(a: mx.array, axis: int) -> mx.array:
    return a - mx.logsumexp(a, axis=axis, keepdims=True)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    def f(a, b):
        aa, bb = a._array, b._array
        num = mx.sum(aa * bb, axis=dim)
        den = mx.maximum(mx.sqrt(mx.sum(aa * aa, axis=dim)) * mx.sqrt(mx.sum(bb * bb, axis=dim)),
                         eps)
        return _w(num / den, a)
    return _apply(_bw("cosine_similarity"), f, [_t(x1), _t(x2)])


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    def f(a, b):
        d = mx.abs(a._array - b._array + eps)
        out = mx.sum(d ** p, axis=-1, keepdims=keepdim) ** (1.0 / p)
        return _w(out, a)
    return _apply(_bw("norm"), f, [_t(x1), _t(x2)])

