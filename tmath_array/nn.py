"""Neural-network functions with ``torch.nn.functional``'s signatures, over MLX.

PyTorch-style code ports by changing one import::

    import tmath_array.nn as F          # was: import torch.nn.functional as F

    h = F.gelu(F.linear(x, w1, b1))
    y = F.layer_norm(h, (h.shape[-1],), gamma, beta)
    a = F.scaled_dot_product_attention(q, k, v, is_causal=True)

Inputs are tmath_array Arrays of a real floating dtype (``float16``,
``bfloat16``, ``float32``, ``float64``); any other dtype raises TypeError.
Results keep the input's dtype; half-precision inputs are computed in float32
inside the fused kernels where PyTorch's CPU kernels do so too (activations,
softmax, normalisation, attention). Everything stays lazy: the functions build
MLX graphs, using MLX's fused kernels (``mx.fast.layer_norm``, ``rms_norm``,
``scaled_dot_product_attention``) where they exist, and compiled composites
(``_compile.run``) for the elementwise chains (gelu, silu, sigmoid, dropout).

Composites with a reduction (log_softmax, the float64 paths, unfused attention)
run op by op: MLX's CPU ``compile`` JIT-builds a C++ kernel for each new length
of the reduced axis (2-5 s each on the 2-core Linux machine), which costs far more
than fusing saves; MLX's own softmax/logsumexp are single fused ops anyway. On
MLX's CPU-only Linux build, the compiled kernels (``_runtime/kernels``) serve the
activations, layer/RMS norm and softmax/log_softmax over the last axis, one
threaded pass each (``docs/fast_math.md``).

Randomness (``dropout`` and attention dropout) is explicit: pass
``rng_key=`` an int seed or a key made by :func:`key` / :func:`split` (MLX's
counter-based ``mx.random.key``), and the same key gives the same mask on
every run, device and graph order. Without ``rng_key`` the mask comes from
MLX's global generator (seed it with ``mx.random.seed``), as ``torch.manual_seed``
seeds PyTorch's: reproducible only if the same calls happen in the same order.
See ``docs/nn.md``.
"""

from __future__ import annotations

import builtins
import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import mlx.core as mx

from ._array import args as _args
from ._array import core as _core
from ._array import dtypes as _d
from ._array.prng import as_key as _rng_key
from ._array.prng import key, split
from ._runtime import compile_cache as _compile
from ._standard import fast_math as _fast
from ._standard.linear_algebra import float_matmul

if TYPE_CHECKING:
    from ._array.array import Array

__all__ = [
    "relu", "gelu", "silu", "sigmoid", "softmax", "log_softmax",
    "layer_norm", "rms_norm", "linear", "dropout", "scaled_dot_product_attention",
    "key", "split",
]

_FLOATING = "real-valued floating-point"
_FLOAT_DTYPES = _d.CATEGORIES[_FLOATING]
_HALF = (mx.float16, mx.bfloat16)


# --- validation --------------------------------------------------------------

def _check(name: str, x, argname: str = "input"):
    """``x`` as an Array of a real floating dtype, else TypeError."""
    if not isinstance(x, _core.Array):
        raise TypeError(f"{name}: {argname} must be an array, got {type(x).__name__}")
    if x._dtype not in _FLOAT_DTYPES:
        _core.bad_dtype(name, _FLOATING, x._dtype)
    return x


def _same_device(name: str, first, *others) -> None:
    for o in others:
        # (anything but an Array is refused by the argument's own check, with its name)
        if isinstance(o, _core.Array) and o._device != first._device:
            raise ValueError(f"{name}: arrays are on different devices ({first._device} and "
                             f"{o._device}); move one with to_device()")


def _result(x, arr: mx.array, inplace: bool = False):
    """Wrap ``arr`` with ``x``'s dtype and device; ``inplace`` rebinds ``x`` itself."""
    if inplace:
        # Note: MLX arrays are immutable values; "in place" rebinds the Array to
        # the result, as the namespace's in-place operators do.
        _core.write_back(x, arr)
        return x
    return _core.new(arr, x._dtype, x._device)


def _upcast(a: mx.array) -> mx.array:
    """float16/bfloat16 compute in float32 (PyTorch's CPU "opmath" type); others as is."""
    return a.astype(mx.float32) if a.dtype in _HALF else a


# Note: MLX's float64 exp, erf and sigmoid have float32 accuracy (relative errors
# of 1e-7 to 1e-5); float64 goes through accurate formulations of its own, built
# from MLX functions that are exact in float64 (cosh, sinh, tanh, log).

def _exp64(x: mx.array) -> mx.array:
    """exp in float64: ``cosh + sinh`` of ``|x|``, inverted for negative ``x``."""
    ax = mx.abs(x)
    e = mx.cosh(ax) + mx.sinh(ax)
    return mx.where(x >= 0, e, 1.0 / e)


def _erf64(z: mx.array) -> mx.array:
    """erf in float64 (relative error ~2e-15) from a series of positive terms.

    ``erf(z) = 2z/sqrt(pi) * exp(-z^2) * sum_n (2z^2)^n / (1*3*...*(2n+1))``; no
    cancellation, and 160 terms converge for ``|z| <= 6`` (erf is +-1 in float64 past
    5.93).
    """
    z = mx.clip(z, -6.0, 6.0)
    z2 = z * z
    z2x2 = 2.0 * z2
    term = mx.ones_like(z)
    total = term
    # Note: 160 terms fused into one compiled kernel took g++ 4 minutes per array rank
    # (on a loaded 2-core machine; the fuzzer's hang detector found it): the series
    # runs as 20 calls of one compiled kernel of 8 terms instead.
    step = _compile.kernel("nn.erf64.terms", _erf64_terms)
    for n0 in range(0, 160, _ERF64_TERMS):
        term, total = step(term, total, z2x2, mx.array(float(n0), dtype=mx.float64))
    return (2.0 / math.sqrt(math.pi)) * z * _exp64(-z2) * total


_ERF64_TERMS = 8


def _erf64_terms(term, total, z2x2, n0):
    """``_ERF64_TERMS`` terms of the erf series, from term ``n0`` (a 0-d array) on."""
    for k in range(_ERF64_TERMS):
        term = term * z2x2 / (2.0 * (n0 + k) + 3.0)
        total = total + term
    return term, total


def _sigmoid64(x: mx.array) -> mx.array:
    return 0.5 + 0.5 * mx.tanh(0.5 * x)


def _softmax64(x: mx.array, axis: int) -> mx.array:
    e = _exp64(x - mx.max(x, axis=axis, keepdims=True))
    return e / mx.sum(e, axis=axis, keepdims=True)


def _dim(name: str, x, dim) -> int:
    if dim is None:
        guess = 0 if x.ndim in (0, 1, 3) else 1
        # Note: torch.nn.functional picks an implicit dim (0 for 0-, 1- and 3-D input,
        # else 1) with a deprecation warning; an implicit axis is a silent bug
        # waiting to happen, so here it is an error that names torch's choice.
        raise TypeError(f"{name}: dim is required (PyTorch's deprecated implicit choice "
                        f"would be dim={guess} for {x.ndim}-D input)")
    return _args.check_axis(name, dim, x.ndim)


def _normalized_shape(name: str, x, normalized_shape) -> tuple[int, ...]:
    """``normalized_shape`` as a tuple that must end ``x``'s shape (ValueError otherwise)."""
    if isinstance(normalized_shape, int) and not isinstance(normalized_shape, builtins.bool):
        ns: tuple[int, ...] = (normalized_shape,)
    elif isinstance(normalized_shape, Sequence) and all(
            isinstance(n, int) and not isinstance(n, builtins.bool) for n in normalized_shape):
        ns = tuple(normalized_shape)
    else:
        raise TypeError(f"{name}: normalized_shape must be an int or a sequence of ints, "
                        f"got {normalized_shape!r}")
    if not ns:
        raise ValueError(f"{name}: normalized_shape must not be empty")
    if len(ns) > x.ndim or tuple(x.shape[x.ndim - len(ns):]) != ns:
        raise ValueError(f"{name}: input of shape {tuple(x.shape)} does not end with "
                         f"normalized_shape {ns}")
    return ns


def _param(name: str, argname: str, p, ns: tuple[int, ...], x) -> mx.array | None:
    """A weight or bias of shape ``ns``, flattened and cast to ``x``'s dtype."""
    if p is None:
        return None
    _check(name, p, argname)
    _same_device(name, x, p)
    if tuple(p.shape) != ns:
        raise ValueError(f"{name}: {argname} has shape {tuple(p.shape)}, expected {ns}")
    a = p._array
    if p._dtype is not x._dtype:
        # Note: the result keeps the input's dtype (PyTorch's mixed-precision
        # normalisation: bfloat16 activations with float32 weights give bfloat16).
        a = a.astype(x._dtype._mx, stream=x._device._s)
    return a.reshape(-1) if len(ns) > 1 else a


# --- activations ---------------------------------------------------------------

def relu(input: Array, inplace: bool = False) -> Array:  # noqa: A002 - torch's name
    """``max(input, 0)`` elementwise (NaN stays NaN)."""
    x = _check("relu", input)
    inplace = _args.check_bool("relu", inplace, "inplace")
    return _result(x, mx.maximum(x._array, 0.0, stream=x._device._s), inplace)


def _gelu_erf(a):
    if a.dtype == mx.float64:
        return 0.5 * a * (1.0 + _erf64(a * math.sqrt(0.5)))
    b = _upcast(a)
    return (0.5 * b * (1.0 + mx.erf(b * math.sqrt(0.5)))).astype(a.dtype)


def _gelu_tanh(a):
    b = _upcast(a)
    inner = math.sqrt(2.0 / math.pi) * (b + 0.044715 * b * b * b)
    return (0.5 * b * (1.0 + mx.tanh(inner))).astype(a.dtype)


def gelu(input: Array, approximate: str = "none") -> Array:  # noqa: A002
    """Gaussian error linear unit: ``x * Phi(x)``, or its tanh approximation.

    Args:
        approximate: ``"none"`` (exact, with erf) or ``"tanh"``.

    Raises:
        ValueError: for another ``approximate``.
    """
    x = _check("gelu", input)
    if _args.check_str("gelu", approximate, "approximate") == "none":
        impl = _gelu_erf
        if x._dtype is _d.float64:
            # Not one kernel: _erf64 compiles its series in pieces (see there).
            with mx.stream(x._device._mx):
                return _result(x, _gelu_erf(x._array))
    elif approximate == "tanh":
        impl = _gelu_tanh
    else:
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    if _fast.serves(x._array):  # MLX's CPU build: the fast kernels (_standard/fast_math.py)
        fast = _fast.gelu_erf if impl is _gelu_erf else _fast.gelu_tanh
        return _result(x, fast(x._array))
    return _result(x, _compile.run(f"nn.gelu.{approximate}", impl, x._device, x._array))


def _silu(a):
    if a.dtype == mx.float64:
        return a * _sigmoid64(a)
    b = _upcast(a)
    return (b * mx.sigmoid(b)).astype(a.dtype)


def silu(input: Array, inplace: bool = False) -> Array:  # noqa: A002
    """``x * sigmoid(x)`` elementwise (also called swish)."""
    x = _check("silu", input)
    inplace = _args.check_bool("silu", inplace, "inplace")
    if _fast.serves(x._array):  # MLX's CPU build: the fast kernels (_standard/fast_math.py)
        return _result(x, _fast.silu(x._array), inplace)
    return _result(x, _compile.run("nn.silu", _silu, x._device, x._array), inplace)


def _sigmoid(a):
    if a.dtype == mx.float64:
        return _sigmoid64(a)
    return mx.sigmoid(_upcast(a)).astype(a.dtype)


def sigmoid(input: Array) -> Array:  # noqa: A002
    """``1 / (1 + exp(-x))`` elementwise."""
    x = _check("sigmoid", input)
    if _fast.serves(x._array):  # MLX's CPU build: the fast kernels (_standard/fast_math.py)
        return _result(x, _fast.sigmoid(x._array))
    return _result(x, _compile.run("nn.sigmoid", _sigmoid, x._device, x._array))


def _cast_for(name: str, x, dtype):
    """``torch``'s ``dtype=`` argument of softmax: cast the input first."""
    if dtype is None:
        return x
    if not any(dtype is d for d in _FLOAT_DTYPES):  # (by identity: arrays are not hashable)
        raise TypeError(f"{name}: dtype must be a real floating dtype, got {dtype!r}")
    from ._standard.data_types import astype

    return astype(x, dtype)


def _log_softmax(a, axis):
    b = _upcast(a)
    # Subtract the max first: ``x - logsumexp(x)`` would round to the ulp of the
    # logsumexp (6e-5 at 1000 in float32).
    shifted = b - mx.max(b, axis=axis, keepdims=True)
    exp = _exp64 if a.dtype == mx.float64 else _fast.exp if _fast.serves(a) else mx.exp
    return (shifted - mx.log(mx.sum(exp(shifted), axis=axis, keepdims=True))).astype(a.dtype)


def softmax(input: Array, dim: int | None = None, *, dtype=None) -> Array:  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably.

    Args:
        dim: the axis to normalise; required (see Raises).
        dtype: cast the input to this floating dtype first (as in PyTorch).

    Raises:
        TypeError: when ``dim`` is omitted. PyTorch would guess an axis
            (deprecated there); the message names the axis it would pick.
        IndexError: when ``dim`` is out of range.
    """
    x = _cast_for("softmax", _check("softmax", input), dtype)
    axis = _dim("softmax", x, dim)
    a = x._array
    if a.ndim == 0:
        # exp(x - x): 1, or NaN for NaN and +-inf, as PyTorch gives.
        return _result(x, mx.exp(mx.subtract(a, a, stream=x._device._s),
                                 stream=x._device._s))
    if a.size == 0:
        return _result(x, mx.array(a))  # (the float64 path's max refuses an empty axis)
    if a.dtype == mx.float64:
        with mx.stream(x._device._mx):
            return _result(x, _softmax64(a, axis))
    if axis == a.ndim - 1 and _fast.serves(a, ext_only=True):  # one pass per row (kernels/)
        return _result(x, _fast.softmax_last(a))
    if _fast.serves(a):  # MLX's CPU build: exp from the fast kernels (_standard/fast_math.py)
        b = _upcast(a)
        e = _fast.exp(b - mx.max(b, axis=axis, keepdims=True))
        return _result(x, (e / mx.sum(e, axis=axis, keepdims=True)).astype(a.dtype))
    # precise=True: half-precision input is exponentiated and summed in float32.
    return _result(x, mx.softmax(a, axis=axis, precise=True, stream=x._device._s))


def log_softmax(input: Array, dim: int | None = None, *, dtype=None) -> Array:  # noqa: A002
    """``log(softmax(x))`` along ``dim``, computed as ``x - logsumexp(x)``.

    Raises:
        TypeError: when ``dim`` is omitted (see :func:`softmax`).
        IndexError: when ``dim`` is out of range.
    """
    x = _cast_for("log_softmax", _check("log_softmax", input), dtype)
    axis = _dim("log_softmax", x, dim)
    a = x._array
    if a.ndim == 0:
        # x - x: 0, or NaN for NaN and +-inf, as PyTorch gives.
        return _result(x, mx.subtract(a, a, stream=x._device._s))
    if a.size == 0:
        return _result(x, mx.array(a))  # (MLX's max refuses an empty axis)
    if axis == a.ndim - 1 and _fast.serves(a, ext_only=True):  # one pass per row (kernels/)
        return _result(x, _fast.log_softmax_last(a))
    with mx.stream(x._device._mx):
        return _result(x, _log_softmax(a, axis))


# --- normalisation ---------------------------------------------------------------

def _eps(name: str, eps) -> float:
    if isinstance(eps, builtins.bool) or not isinstance(eps, numbers.Real):
        raise TypeError(f"{name}: eps must be a float, got {type(eps).__name__}")
    return float(eps)


def _flat_last(a: mx.array, ns: tuple[int, ...]) -> mx.array:
    """Merge the trailing ``ns`` axes into one (MLX's fused norms take the last axis)."""
    if len(ns) == 1:
        return a
    return a.reshape(*a.shape[: a.ndim - len(ns)], math.prod(ns))


# Note: MLX's fused norms compute float64 input in float32 (relative error ~1e-8);
# float64 takes these composites instead.

def _layer_norm64(a, w, b, eps):
    centred = a - mx.mean(a, axis=-1, keepdims=True)
    out = centred / mx.sqrt(mx.mean(centred * centred, axis=-1, keepdims=True) + eps)
    if w is not None:
        out = out * w
    return out if b is None else out + b


def _rms_norm64(a, w, eps):
    out = a / mx.sqrt(mx.mean(a * a, axis=-1, keepdims=True) + eps)
    return out if w is None else out * w


def layer_norm(input: Array, normalized_shape: int | Sequence[int],  # noqa: A002
               weight: Array | None = None, bias: Array | None = None,
               eps: float = 1e-5) -> Array:
    """Normalise over the trailing ``normalized_shape`` axes to mean 0, variance 1.

    ``(x - mean) / sqrt(var + eps) * weight + bias`` with the biased variance,
    through MLX's fused ``mx.fast.layer_norm`` (on MLX's CPU-only build, the compiled
    extension's threaded row kernel, with ``mx.fast.layer_norm``'s derivatives).

    Args:
        normalized_shape: the trailing shape of ``input`` to normalise over.
        weight, bias: optional arrays of shape ``normalized_shape`` (cast to the
            input's dtype).
        eps: added to the variance.

    Raises:
        TypeError: for non-floating arrays.
        ValueError: when the shapes do not fit or the arrays are on different devices.
    """
    x = _check("layer_norm", input)
    eps = _eps("layer_norm", eps)
    ns = _normalized_shape("layer_norm", x, normalized_shape)
    w = _param("layer_norm", "weight", weight, ns, x)
    b = _param("layer_norm", "bias", bias, ns, x)
    a = x._array
    if a.size == 0:
        return _result(x, mx.array(a))
    flat = _flat_last(a, ns)
    if a.dtype == mx.float64:
        with mx.stream(x._device._mx):
            out = _layer_norm64(flat, w, b, float(eps))
    elif _fast.serves(flat, ext_only=True):  # the compiled kernels (_runtime/kernels)
        out = _fast.layer_norm(flat, w, b, float(eps))
    else:
        out = mx.fast.layer_norm(flat, w, b, float(eps), stream=x._device._s)
    return _result(x, out.reshape(a.shape) if len(ns) > 1 else out)


def rms_norm(input: Array, normalized_shape: int | Sequence[int],  # noqa: A002
             weight: Array | None = None, eps: float | None = None) -> Array:
    """Root-mean-square normalisation over the trailing ``normalized_shape`` axes.

    ``x / sqrt(mean(x**2) + eps) * weight`` through MLX's fused ``mx.fast.rms_norm`` (on
    MLX's CPU-only build, the compiled extension's row kernel).

    Args:
        eps: added to the mean square; ``None`` means the machine epsilon of the
            type it is computed in, as in PyTorch: ``finfo(float32).eps`` for
            float16/bfloat16/float32 input, ``finfo(float64).eps`` for float64.
    """
    x = _check("rms_norm", input)
    ns = _normalized_shape("rms_norm", x, normalized_shape)
    w = _param("rms_norm", "weight", weight, ns, x)
    if eps is None:
        # PyTorch takes the epsilon of the type it computes in: float32 for half input.
        eps = float(mx.finfo(_upcast(mx.array(0, x._dtype._mx)).dtype).eps)
    eps = _eps("rms_norm", eps)
    a = x._array
    if a.size == 0:
        return _result(x, mx.array(a))
    flat = _flat_last(a, ns)
    if a.dtype == mx.float64:
        with mx.stream(x._device._mx):
            out = _rms_norm64(flat, w, float(eps))
    elif _fast.serves(flat, ext_only=True):  # the compiled kernels (_runtime/kernels)
        out = _fast.rms_norm(flat, w, float(eps))
    else:
        out = mx.fast.rms_norm(flat, w, float(eps), stream=x._device._s)
    return _result(x, out.reshape(a.shape) if len(ns) > 1 else out)


# --- linear ---------------------------------------------------------------------

def linear(input: Array, weight: Array, bias: Array | None = None) -> Array:  # noqa: A002
    """``input @ weight.T + bias``.

    Args:
        input: ``(..., in_features)``.
        weight: ``(out_features, in_features)``, or ``(in_features,)``.
        bias: broadcastable to the result, typically ``(out_features,)``.

    The result dtype is the standard's promotion of the operands' dtypes.

    Raises:
        ValueError: when ``in_features`` differ or the bias does not broadcast.
    """
    x = _check("linear", input)
    w = _check("linear", weight, "weight")
    ops = [x, w] if bias is None else [x, w, _check("linear", bias, "bias")]
    _same_device("linear", *ops)
    dt = ops[0]._dtype
    for o in ops[1:]:
        dt = _d.promote_types(dt, o._dtype, "linear")
    s = x._device._s
    arrs = [o._array if o._dtype is dt else o._array.astype(dt._mx, stream=s) for o in ops]
    a, wa = arrs[0], arrs[1]
    if wa.ndim not in (1, 2):
        raise ValueError(f"linear: weight must be 1-D or 2-D, got shape {tuple(wa.shape)}")
    if a.ndim == 0 or a.shape[-1] != wa.shape[-1]:
        raise ValueError(f"linear: input of shape {tuple(a.shape)} does not match weight of "
                         f"shape {tuple(wa.shape)} (in_features {wa.shape[-1]})")
    wt = wa.T if wa.ndim == 2 else wa
    out_shape = tuple(a.shape[:-1]) + tuple(wa.shape[:-1])
    if bias is None:
        out = float_matmul("linear", a, wt, s, x, w)
    else:
        ba = arrs[2]
        try:
            full = mx.broadcast_shapes(out_shape, tuple(ba.shape))
        except ValueError:
            full = None
        if full != out_shape:
            raise ValueError(f"linear: bias of shape {tuple(ba.shape)} does not broadcast to "
                             f"the result shape {out_shape}")
        if a.ndim >= 2 and wa.ndim == 2 and a.size:
            # One fused GEMM with the bias as its C operand. (Not for empty input: MLX's
            # addmm cannot reshape a batch of empty rows.)
            out = mx.addmm(ba, a, wt, stream=s)
        else:
            out = mx.add(float_matmul("linear", a, wt, s, x, w), ba, stream=s)
    return _core.new(out, dt, x._device)


# --- randomness and dropout -----------------------------------------------------

def _check_p(name: str, p) -> float:
    if isinstance(p, builtins.bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{name}: p must be a float, got {type(p).__name__}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: dropout probability has to be between 0 and 1, got {p}")
    return float(p)


def _keep_mask(shape, p: float, k, stream) -> mx.array:
    return mx.random.bernoulli(1.0 - p, tuple(shape), key=k, stream=stream)


def _dropout(a, keep, scale):
    return mx.where(keep, a * scale, mx.zeros_like(a))


def dropout(input: Array, p: float = 0.5, training: bool = True,  # noqa: A002
            inplace: bool = False, *, rng_key: Array | int | None = None) -> Array:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Args:
        p: the probability of an element being zeroed, in ``[0, 1]``.
        training: when False, ``input`` is returned unchanged.
        inplace: rebind ``input`` to the result and return it.
        rng_key: an int seed or a key from :func:`key`/:func:`split`; the same
            key gives the same mask. None draws from MLX's global generator.

    Raises:
        ValueError: for ``p`` outside ``[0, 1]``.
    """
    x = _check("dropout", input)
    training = _args.check_bool("dropout", training, "training")
    inplace = _args.check_bool("dropout", inplace, "inplace")
    p = _check_p("dropout", p)
    k = _rng_key("dropout", rng_key)
    if not training or p == 0.0:
        return x
    a = x._array
    s = x._device._s
    if p == 1.0:
        return _result(x, mx.zeros_like(a, stream=s), inplace)
    keep = _keep_mask(a.shape, p, k, s)
    out = _compile.run("nn.dropout", _dropout, x._device, a, keep, static=(1.0 / (1.0 - p),))
    return _result(x, out, inplace)


# --- attention --------------------------------------------------------------------

def _attention(q, k, v, mask, keep, scale, dropout_scale, mask_is_bool):
    """The unfused attention, for what MLX's fused kernel does not do (dropout)."""
    qf, kf, vf = _upcast(q), _upcast(k), _upcast(v)
    scores = (qf * scale) @ kf.swapaxes(-1, -2)
    if mask is not None:
        if mask_is_bool:
            scores = mx.where(mask, scores, mx.array(-mx.inf, dtype=scores.dtype))
        else:
            scores = scores + mask.astype(scores.dtype)
    if scores.dtype == mx.float64:
        weights = _softmax64(scores, -1)
    else:
        weights = mx.softmax(scores, axis=-1)
    weights = mx.where(keep, weights * dropout_scale, mx.zeros_like(weights))
    return (weights @ vf).astype(q.dtype)


def _lead(shape, ndim: int) -> tuple[int, ...]:
    """The leading (batch and head) axes of ``shape`` as if it had ``ndim`` axes."""
    lead = tuple(shape[:-2])
    return (1,) * (ndim - 2 - len(lead)) + lead


class _Geometry(NamedTuple):
    """The sizes of one attention call, after broadcasting (formula notation)."""

    batch: tuple[int, ...]  # the broadcast batch axes
    lq: tuple[int, ...]  # query's, key's and value's leading axes, padded to n - 2
    lk: tuple[int, ...]
    lv: tuple[int, ...]
    n: int  # the largest ndim of query, key and value
    h: int  # query heads of the result
    kv_h: int  # key/value heads handed to the kernel (h, or fewer for GQA/MQA)
    L: int  # query length
    S: int  # key length
    E: int  # query/key feature size
    Ev: int  # value feature size

    @property
    def nb(self) -> int:
        return math.prod(self.batch)


def _attention_geometry(name: str, qa, ka, va, enable_gqa: bool) -> _Geometry:
    """Check that query, key and value fit together and work out the sizes."""
    for t, nm in ((qa, "query"), (ka, "key"), (va, "value")):
        if t.ndim < 2:
            raise ValueError(f"{name}: {nm} must have at least 2 dimensions, got {t.ndim}")
    L, E = qa.shape[-2:]  # noqa: N806 - the notation of the attention formula
    S = ka.shape[-2]  # noqa: N806
    if ka.shape[-1] != E or va.shape[-2] != S:
        raise ValueError(f"{name}: shapes do not fit: query {tuple(qa.shape)}, key "
                         f"{tuple(ka.shape)}, value {tuple(va.shape)} (need key (..., S, "
                         f"{E}) and value (..., S, Ev))")
    n = max(qa.ndim, ka.ndim, va.ndim)
    lq, lk, lv = _lead(qa.shape, n), _lead(ka.shape, n), _lead(va.shape, n)
    try:
        batch = tuple(mx.broadcast_shapes(lq[:-1], lk[:-1], lv[:-1])) if n > 2 else ()
        hkv = mx.broadcast_shapes(lk[-1:], lv[-1:])[0] if n > 2 else 1
    except ValueError:
        raise ValueError(f"{name}: the leading axes of query {tuple(qa.shape)}, key "
                         f"{tuple(ka.shape)} and value {tuple(va.shape)} do not "
                         "broadcast") from None
    hq = lq[-1] if n > 2 else 1
    if enable_gqa:
        if hq % hkv:
            raise ValueError(f"{name}: with enable_gqa the query heads ({hq}) must be a "
                             f"multiple of the key/value heads ({hkv})")
        h = hq
    else:
        if hq != hkv and 1 not in (hq, hkv):
            raise ValueError(f"{name}: query has {hq} heads and key/value {hkv}; pass "
                             "enable_gqa=True for grouped-query attention")
        h = hq if hkv == 1 else hkv  # (broadcasting: 1 gives way, to 0 heads too)
    # A single key/value head is shared by all query heads (multi-query attention),
    # which is also what broadcasting means.
    kv_h = hkv if (enable_gqa or hkv == 1) else h
    return _Geometry(batch, lq, lk, lv, n, h, kv_h, L, S, E, va.shape[-1])


def _to_kernel_layout(qa, ka, va, g: _Geometry):
    """Query, key and value as MLX's kernel takes them: ``(B, heads, T, D)``."""
    nb = g.nb
    qa = mx.broadcast_to(qa.reshape(*g.lq, g.L, g.E),
                         (*g.batch, g.h, g.L, g.E)).reshape(nb, g.h, g.L, g.E)
    ka = mx.broadcast_to(ka.reshape(*g.lk, g.S, g.E),
                         (*g.batch, g.kv_h, g.S, g.E)).reshape(nb, g.kv_h, g.S, g.E)
    va = mx.broadcast_to(va.reshape(*g.lv, g.S, g.Ev),
                         (*g.batch, g.kv_h, g.S, g.Ev)).reshape(nb, g.kv_h, g.S, g.Ev)
    return qa, ka, va


def _attention_mask(name: str, attn_mask, is_causal: bool, g: _Geometry, dt, s,
                    fused: bool):
    """The mask for the kernel: ``(mask, mask_is_bool)``.

    ``mask`` is None, an ``mx.array`` (bool, or additive in ``dt``) broadcastable to
    ``(nb, h, L, S)``, or ``"causal"`` for MLX's fused causal mask.
    """
    if attn_mask is not None:
        if not isinstance(attn_mask, _core.Array):
            raise TypeError(f"{name}: attn_mask must be an array, got "
                            f"{type(attn_mask).__name__}")
        mask_is_bool = attn_mask._dtype is _d.bool
        if not mask_is_bool and attn_mask._dtype not in _FLOAT_DTYPES:
            raise TypeError(f"{name}: attn_mask must be bool or real floating, got "
                            f"{_core.dtype_name(attn_mask._dtype)}")
        ma = attn_mask._array
        full = (*g.batch, g.h, g.L, g.S)
        try:
            ok = tuple(mx.broadcast_shapes(tuple(ma.shape), full)) == full
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{name}: attn_mask of shape {tuple(ma.shape)} does not "
                             f"broadcast to {full}")
        if ma.ndim > 2 or g.n > 4:
            ma = mx.broadcast_to(ma, full).reshape(g.nb, g.h, g.L, g.S)
        return (ma if mask_is_bool else ma.astype(dt._mx, stream=s)), mask_is_bool
    if is_causal:
        if g.L == g.S and fused:
            return "causal", False
        # Note: MLX's "causal" aligns the last query with the last key; PyTorch's
        # is_causal aligns the first with the first (tril of an (L, S) block).
        return mx.arange(g.S)[None, :] <= mx.arange(g.L)[:, None], True
    return None, False


def _attention_scale(name: str, scale, E: int) -> float:  # noqa: N803
    if scale is not None:
        if isinstance(scale, builtins.bool) or not isinstance(scale, numbers.Real):
            raise TypeError(f"{name}: scale must be a float or None, got "
                            f"{type(scale).__name__}")
        return float(scale)
    return 1.0 / math.sqrt(E) if E else 1.0  # with E == 0 every score is 0 anyway


def _unfused_attention(qa, ka, va, mask, mask_is_bool, g: _Geometry, p: float, rk, sc,
                       dev):
    """Attention with dropout or what the fused kernel cannot take (see _attention)."""
    s = dev._s
    # The unfused path wants one key/value head per query head.
    if g.kv_h != g.h:
        ka = mx.repeat(ka, g.h // g.kv_h, axis=1, stream=s)
        va = mx.repeat(va, g.h // g.kv_h, axis=1, stream=s)
    keep = (_keep_mask((g.nb, g.h, g.L, g.S), p, rk, s) if p > 0.0
            else mx.ones((), dtype=mx.bool_))
    with mx.stream(dev._mx):
        return _attention(qa, ka, va, mask if isinstance(mask, mx.array) else None, keep,
                          sc, 1.0 / (1.0 - p), mask_is_bool)


def _zero_dead_queries(out, mask, mask_is_bool: bool, s):
    """Zeros for each query whose every key is masked out.

    Note: PyTorch gives zeros there (its "safe softmax"); MLX's kernel averages the
    masked values (a bool mask) or gives NaN (-inf scores).
    """
    dead = mx.logical_not(mx.any(mask, axis=-1, stream=s), stream=s) if mask_is_bool \
        else mx.all(mx.equal(mask, -math.inf, stream=s), axis=-1, stream=s)
    return mx.where(mx.expand_dims(dead, -1, stream=s), mx.zeros((), dtype=out.dtype),
                    out, stream=s)


def scaled_dot_product_attention(
        query: Array, key: Array, value: Array, attn_mask: Array | None = None,
        dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
        enable_gqa: bool = False, *, rng_key: Array | int | None = None) -> Array:
    """``softmax(query @ key.mT * scale + mask) @ value``, fused by MLX where it can.

    Shapes follow PyTorch: ``query (..., Hq, L, E)``, ``key (..., H, S, E)``,
    ``value (..., H, S, Ev)`` -> ``(..., Hq, L, Ev)``; the leading axes broadcast
    (3-D input without a head axis works too).

    Args:
        attn_mask: a bool array (True = may attend) or a floating array added to
            the scores, broadcastable to ``(..., L, S)``.
        dropout_p: dropout on the attention weights (applied whenever > 0, as in
            PyTorch: pass 0.0 outside training). Dropout uses the unfused path.
        is_causal: query ``i`` attends to keys ``j <= i`` (top-left aligned as in
            PyTorch, also when ``L != S``); excludes ``attn_mask``.
        scale: the factor on the scores; None means ``1 / sqrt(E)``.
        enable_gqa: grouped-query attention: ``Hq`` a multiple of ``H``, query
            heads ``[g*i, g*(i+1))`` sharing key/value head ``i``.
        rng_key: the dropout key (see :func:`dropout`).

    Raises:
        TypeError: for non-floating query/key/value or a mask of another dtype.
        ValueError: for shapes that do not fit, ``is_causal`` with ``attn_mask``,
            or ``dropout_p`` outside ``[0, 1]``.
    """
    name = "scaled_dot_product_attention"
    q = _check(name, query, "query")
    kx = _check(name, key, "key")
    vx = _check(name, value, "value")
    _same_device(name, q, kx, vx, attn_mask)
    p = _check_p(name, dropout_p)
    rk = _rng_key(name, rng_key)
    is_causal = _args.check_bool(name, is_causal, "is_causal")
    enable_gqa = _args.check_bool(name, enable_gqa, "enable_gqa")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{name}: pass either attn_mask or is_causal=True, not both")
    dt = _d.promote_types(_d.promote_types(q._dtype, kx._dtype, name), vx._dtype, name)
    dev = q._device
    s = dev._s
    qa, ka, va = (t._array if t._dtype is dt else t._array.astype(dt._mx, stream=s)
                  for t in (q, kx, vx))
    g = _attention_geometry(name, qa, ka, va, enable_gqa)
    qa, ka, va = _to_kernel_layout(qa, ka, va, g)
    # MLX's fused kernel, unless dropout, empty axes or float64 (see _exp64) need the
    # unfused path.
    fused = p == 0.0 and 0 not in (g.L, g.S, g.E, g.Ev, g.nb, g.h) and dt is not _d.float64
    mask, mask_is_bool = _attention_mask(name, attn_mask, is_causal, g, dt, s, fused)
    sc = _attention_scale(name, scale, g.E)
    if fused:
        out = mx.fast.scaled_dot_product_attention(qa, ka, va, scale=sc, mask=mask, stream=s)
    elif p == 1.0:
        out = mx.zeros((g.nb, g.h, g.L, g.Ev), dtype=dt._mx)
    else:
        out = _unfused_attention(qa, ka, va, mask, mask_is_bool, g, p, rk, sc, dev)
    if isinstance(mask, mx.array) and g.L and g.S:
        out = _zero_dead_queries(out, mask, mask_is_bool, s)
    out_lead = (*g.batch, g.h) if g.n > 2 else ()
    return _core.new(out.reshape(*out_lead, g.L, g.Ev), dt, dev)
