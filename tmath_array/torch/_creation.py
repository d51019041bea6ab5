"""Tensor creation with PyTorch's signatures: ``tensor``, ``zeros(*size)``, ``rand``...

Python ints make int64 tensors and Python floats the default dtype (float32), as in
PyTorch; sizes come as ``*size`` or one tuple; every creation function takes ``dtype=``,
``device=`` and ``requires_grad=``.
"""

from __future__ import annotations

import builtins
import math
import warnings

import mlx.core as mx
import numpy as np

from .._array import dtypes as _d
from .._array import prng as _prng
from .._array.array import Array
from .._interop.printing import bfloat16_bits
from .._numpy.random_generator import Generator as _NpGenerator
from .._standard import creation as _cr
from .._standard import data_types as _dt
from . import _types as _t
from ._ops import as_dtype, sizes
from ._tensor import Tensor, of

_PY = (builtins.bool, builtins.int, builtins.float, builtins.complex)


def _finish(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad:
        t.requires_grad_(True)
    return t


def _python_data(data) -> bool:
    return not isinstance(data, (Array, np.ndarray, np.generic, mx.array))


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, scalars, NumPy, tensors)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    t = _convert(data, dtype, device, copy=True)
    return _finish(t, requires_grad)


def _convert(data, dtype, device, copy):
    dt = as_dtype(dtype)
    dev = _t.to_mlx_device(device) if device is not None else None
    if isinstance(data, Array):
        a = _cr.asarray(data, dtype=dt, device=dev, copy=copy)
        return of(a)
    if isinstance(data, (np.ndarray, np.generic)) and data.dtype == np.float64 and \
            dev is not None and dev.type != "cpu" and dt is None:
        dt = _d.float64
    if dt is None and _python_data(data):
        a = _cr.asarray(data, device=dev)
        if a._dtype in _d.CATEGORIES["integer"] and a._dtype is not _d.int64:
            a = _dt.astype(a, _d.int64)
        elif a._dtype in _t.FLOATING and a._dtype is not _t.default_float():
            a = _cr.asarray(data, dtype=_t.default_float(), device=dev)
        return of(a)
    return of(_cr.asarray(data, dtype=dt, device=dev))


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``data`` as a tensor; a tensor of the right dtype and device is returned as it is."""
    return _convert(data, dtype, device, copy=None)


def from_numpy(ndarray) -> Tensor:
    """A tensor with a NumPy array's values and dtype.

    Note: MLX copies NumPy's memory in, so later writes to ``ndarray`` do not reach the
    tensor (PyTorch shares the memory).
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return of(_cr.asarray(ndarray))


def _float_dtype(dtype):
    dt = as_dtype(dtype)
    return _t.default_float() if dt is None else dt


def _fill(fn, size, dtype, device, requires_grad, name):
    shape = sizes(size, name)
    dt = _float_dtype(dtype)
    return _finish(of(fn(shape, dtype=dt, device=_t.to_mlx_device(device))), requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, layout=None,
          pin_memory=False) -> Tensor:
    return _fill(_cr.zeros, size, dtype, device, requires_grad, "zeros")


def ones(*size, dtype=None, device=None, requires_grad: bool = False, layout=None,
         pin_memory=False) -> Tensor:
    return _fill(_cr.ones, size, dtype, device, requires_grad, "ones")


def empty(*size, dtype=None, device=None, requires_grad: bool = False, layout=None,
          pin_memory=False, memory_format=None) -> Tensor:
    # Note: MLX has no uninitialised memory: empty() gives zeros.
    return _fill(_cr.zeros, size, dtype, device, requires_grad, "empty")


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False,
         layout=None, pin_memory=False) -> Tensor:
    shape = sizes((size,), "full")
    from ._ops import number
    fill_value = number(fill_value, "fill_value")
    dt = as_dtype(dtype)
    if dt is None:
        dt = _t.scalar_dtype(fill_value) if isinstance(fill_value, _PY) else None
    a = _cr.full(shape, fill_value, dtype=dt, device=_t.to_mlx_device(device))
    return _finish(of(a), requires_grad)


def _like(input, dtype, device):
    from ._ops import tensor_arg
    input = tensor_arg(input, "input")
    dt = input._dtype if dtype is None else as_dtype(dtype)
    dev = input._device if device is None else _t.to_mlx_device(device)
    return input.shape, dt, dev


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return _finish(of(_cr.zeros(shape, dtype=dt, device=dev)), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return _finish(of(_cr.ones(shape, dtype=dt, device=dev)), requires_grad)


empty_like = zeros_like


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False,
              layout=None, memory_format=None) -> Tensor:
    from ._ops import number
    fill_value = number(fill_value, "fill_value")
    shape, dt, dev = _like(input, dtype, device)
    return _finish(of(_cr.full(shape, fill_value, dtype=dt, device=dev)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None,
           requires_grad: bool = False, layout=None) -> Tensor:
    """``[start, end)`` by ``step``; int64 when every bound is an int, else the default
    floating dtype, as PyTorch."""
    if end is None:
        start, end = 0, start
    from ._ops import number
    for v in (start, end, step):
        if isinstance(number(v, "start/end/step"), builtins.complex):
            raise TypeError("arange(): complex bounds are not supported")
    # (NumPy scalars are numbers, as in PyTorch: np.int32(-1) is an int step)
    vals = [v.item() if isinstance(v, np.generic) else v for v in (start, end, step)]
    vals = [builtins.float(v) if isinstance(v, Array) and v._dtype in _t.FLOATING else
            (builtins.int(v) if isinstance(v, Array) else v) for v in vals]
    start, end, step = vals
    if not all(math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0 or not math.isfinite(step):
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    dt = as_dtype(dtype)
    if dt is None:
        ints = all(isinstance(v, builtins.int) for v in vals)
        dt = _d.int64 if ints else _t.default_float()
    dev = _t.to_mlx_device(device)
    if _t.category(dt) == 1 and dt is not _d.int64:
        # Note: PyTorch computes an integer range in int64 and casts it to the dtype, which
        # wraps (arange(120, 130, dtype=int8) ends with -128, -127); the namespace's arange
        # refuses values the dtype cannot hold.
        n = builtins.max(0, math.ceil((end - start) / step))
        a = _cr.arange(0, n, dtype=_d.int64, device=dev)
        a = _dt.astype(a * builtins.int(step) + builtins.int(start), dt)
    else:
        a = _cr.arange(start, end, step, dtype=dt, device=dev)
    return _finish(of(a), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False,
             layout=None) -> Tensor:
    from ._ops import number
    for v in (start, end):
        if isinstance(number(v, "start/end"), builtins.complex):
            raise TypeError("linspace(): complex bounds are not supported")
    if isinstance(steps, np.integer):
        steps = builtins.int(steps)  # (as PyTorch, NumPy integers are ints)
    if not isinstance(steps, builtins.int) or isinstance(steps, builtins.bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    a = _cr.linspace(builtins.float(start), builtins.float(end), steps,
                     dtype=_float_dtype(dtype), device=_t.to_mlx_device(device))
    return _finish(of(a), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None,
             requires_grad=False) -> Tensor:
    from ._ops import number
    for v in (start, end, base):
        if isinstance(number(v, "start/end/base"), builtins.complex):
            raise TypeError("logspace(): complex arguments are not supported")
    from .._standard import elementwise as _ew
    out = _float_dtype(dtype)
    # PyTorch's CPU kernel converts start and end to the result's dtype first (truncated
    # to an integer dtype: 0.03 is 0; rounded to float32: 3e-47 is 0), then steps and
    # powers in double
    start, end = (_as_dtype_value(v, out, "logspace") for v in (start, end))
    wide = _d.float32 if _t.gpu_available() else _d.float64
    lin = linspace(start, end, steps, dtype=wide, device=device)
    a = _dt.astype(_ew.pow(builtins.float(base), lin), out)
    return _finish(of(a), requires_grad)


def _as_dtype_value(v, dt, name):
    """A real Python number as the dtype ``dt`` holds it (PyTorch's ``Scalar.to<T>()``)."""
    from ._ops import number
    v = number(v, "start/end")
    cat = _t.category(dt)
    if cat == 1:
        info = np.iinfo(dt.name)
        if isinstance(v, builtins.float) and not math.isfinite(v) or not (
                info.min <= math.trunc(v) <= info.max):
            raise RuntimeError(f"{name}: value cannot be converted to type {dt.name} "
                               f"without overflow")
        return math.trunc(v)
    if cat == 2 and dt is not _d.float64:
        with np.errstate(over="ignore"):
            if dt is _d.bfloat16:  # (float32's bits rounded to the upper 16, ties to even)
                b = bfloat16_bits(np.asarray([v], dtype=np.float64))
                r = builtins.float(b.astype(np.uint32).view(np.float32)[0])
            else:
                r = builtins.float(np.asarray(v, dtype=dt.name))
        if math.isinf(r) and math.isfinite(v):
            raise RuntimeError(f"{name}: value cannot be converted to type {dt.name} "
                               f"without overflow")
        return r
    return v


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, layout=None) -> Tensor:
    a = _cr.eye(n, m, dtype=_float_dtype(dtype), device=_t.to_mlx_device(device))
    return _finish(of(a), requires_grad)


# --- random numbers ------------------------------------------------------------------


class Generator:
    """``torch.Generator``: a seeded stream of random numbers (MLX's counter-based PRNG).

    Note: the same seed gives other numbers than PyTorch's Mersenne Twister.
    """

    def __init__(self, device="cpu") -> None:
        self._seed = _prng.fresh_seed()
        self._gen = _NpGenerator(self._seed)
        self.device = _t.device(device)

    def manual_seed(self, seed) -> Generator:
        seed = builtins.int(seed)
        self._seed = seed
        self._gen._reseed(seed % 2**64)
        return self

    def seed(self) -> int:
        s = _prng.fresh_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seed the default generator (and MLX's, which dropout without a key uses)."""
    default_generator.manual_seed(seed)
    mx.random.seed(builtins.int(seed) % 2**64)
    return default_generator


def seed() -> int:
    s = default_generator.seed()
    mx.random.seed(s % 2**64)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()


def _gen(generator):
    if generator is None:
        return default_generator._gen
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a torch.Generator, not {type(generator).__name__}")
    return generator._gen


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False,
         layout=None, pin_memory=False) -> Tensor:
    """Uniform floats in ``[0, 1)``."""
    shape = sizes(size, "rand")
    a = _gen(generator).random(shape, dtype=_float_dtype(dtype),
                               device=_t.to_mlx_device(device))
    return _finish(of(a), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False,
          layout=None, pin_memory=False) -> Tensor:
    """Standard normal floats."""
    shape = sizes(size, "randn")
    a = _gen(generator).standard_normal(shape, dtype=_float_dtype(dtype),
                                        device=_t.to_mlx_device(device))
    return _finish(of(a), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, layout=None) -> Tensor:
    """Uniform integers in ``[low, high)`` (int64): ``randint(high, size)`` or
    ``randint(low, high, size)``."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    from ._ops import number
    low, high = number(low, "low"), number(high, "high")
    if not isinstance(low, builtins.int) or not isinstance(high, builtins.int):
        raise TypeError("randint(): low and high must be ints")
    shape = sizes((size,), "randint")
    dt = as_dtype(dtype) or _d.int64
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    a = _gen(generator).integers(low, high, shape, dtype=_d.int64,
                                 device=_t.to_mlx_device(device))
    return _finish(of(_dt.astype(a, dt)), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False,
             layout=None) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64)."""
    if isinstance(n, np.integer):
        n = builtins.int(n)  # (as PyTorch, NumPy integers are ints)
    if not isinstance(n, builtins.int) or isinstance(n, builtins.bool):
        raise TypeError(f"randperm(): argument 'n' must be int, not {type(n).__name__}")
    if not 0 <= n < 2**31:
        raise RuntimeError(f"randperm: n must be in [0, 2**31), got {n}")
    a = _gen(generator).permutation(n, device=_t.to_mlx_device(device))
    return _finish(of(_dt.astype(a, as_dtype(dtype) or _d.int64)), requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return rand(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return randn(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None,
                 requires_grad=False, layout=None, memory_format=None) -> Tensor:
    if high is None:
        low, high = 0, low
    shape, dt, dev = _like(input, dtype, device)
    return randint(low, high, shape, dtype=dt, device=dev)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False) -> Tensor:
    """Normal samples: ``normal(mean, std, size)`` with floats, or tensor ``mean``/``std``
    (broadcast together)."""
    from . import _math as F  # noqa: N812
    _gen(generator)
    if isinstance(mean, Array) or isinstance(std, Array):
        m = mean if isinstance(mean, Array) else None
        s = std if isinstance(std, Array) else None
        ref = m if m is not None else s
        shape = tuple(np.broadcast_shapes(tuple(getattr(mean, "shape", ())),
                                          tuple(getattr(std, "shape", ()))))
        z = randn(shape, generator=generator, dtype=ref._dtype, device=ref.device)
        return F.add(F.mul(z, std), mean)
    if size is None:
        raise TypeError("normal() with float mean and std needs a size")
    from ._ops import number
    mean, std = number(mean, "mean"), number(std, "std")
    if isinstance(mean, builtins.complex) or isinstance(std, builtins.complex):
        raise TypeError("normal(): complex mean and std are not supported")
    z = randn(sizes((size,)), generator=generator, dtype=dtype, device=device)
    return _finish(of(z * builtins.float(std) + builtins.float(mean)), requires_grad)


def bernoulli(input, p=None, *, generator=None) -> Tensor:
    """Draws of 0/1 with probabilities ``input`` (or ``p``), in ``input``'s dtype."""
    from ._ops import number, tensor_arg
    input = tensor_arg(input, "input")
    if input._dtype not in _t.FLOATING:
        raise RuntimeError("bernoulli expects a floating-point input")
    _gen(generator)
    probs = input if p is None else full_like(input, number(p, "p"))
    u = rand(input.shape, generator=generator, dtype=input._dtype, device=input.device)
    return of(_dt.astype(u < probs, input._dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None) -> Tensor:
    """Indices drawn from the rows of ``input`` (non-negative weights), int64."""
    import tmath_array as xp

    from ._ops import number, tensor_arg
    input = tensor_arg(input, "input")
    num_samples = number(num_samples, "num_samples")
    if input.ndim not in (1, 2) or input._dtype not in _t.FLOATING:
        raise RuntimeError("multinomial: prob_dist must be a 1 or 2 dim floating tensor")
    if not isinstance(num_samples, builtins.int) or num_samples <= 0:
        raise RuntimeError("multinomial: cannot sample n_sample <= 0 samples")
    w = input if input.ndim == 2 else input[None]
    rows = w.shape[0]
    if not replacement and num_samples > w.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    logits = xp.log(of(w) / xp.sum(of(w), axis=-1, keepdims=True))
    g = _gen(generator)
    if replacement:
        u = g.random((rows, num_samples, w.shape[1]))
        gumbel = -xp.log(-xp.log(xp.clip(u, 1e-20, 1.0)))
        out = xp.argmax(logits[:, None, :] + gumbel, axis=-1)
    else:
        u = g.random((rows, w.shape[1]))
        gumbel = -xp.log(-xp.log(xp.clip(u, 1e-20, 1.0)))
        out = xp.argsort(-(logits + gumbel), axis=-1)[:, :num_samples]
    out = _dt.astype(out, _d.int64)
    return of(out if input.ndim == 2 else out[0])
