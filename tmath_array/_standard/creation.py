"""Creation functions of the standard. None of them evaluates anything."""

from __future__ import annotations

import builtins
import math

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import check_dtype_on_device, to_device
from .._interop import convert as _convert
from .._interop import numpy_dlpack as _interop
from .._interop import torch_tensors as _torch_interop
from .._runtime import memory as _memory

_DEFAULT_COMPLEX = _convert.DEFAULT_COMPLEX
_default_float = _convert.default_float
_default_int = _convert.default_int
_scalar_default_dtype = _convert.scalar_default_dtype
_scalar_array = _convert.scalar_array


def _check_dtype(name: str, dtype):
    """Validate a ``dtype=`` argument (None allowed; an ``mx.Dtype`` is accepted)."""
    if dtype is None:
        return None
    dt = _d.as_dtype(dtype)
    if dt is None:
        raise TypeError(f"{name}: {dtype!r} is not a tmath_array dtype")
    return dt


def _device_and_dtype(name: str, device, dtype):
    dev = to_device(device, name)
    if dtype is not None:
        check_dtype_on_device(dtype, dev, name)
    return dev


def _check_shape(name: str, shape) -> tuple[int, ...]:
    out = _args.check_shape(name, shape)
    _memory.check_shape(name, out)  # (a size beyond 2**64 would wrap in MLX)
    return out


def _check_bytes(name: str, shape: tuple[int, ...], dtype) -> None:
    _memory.check_shape(name, shape, dtype._mx.size, _core.dtype_name(dtype))


def asarray(obj, /, *, dtype=None, device=None, copy: bool | None = None):
    """Convert ``obj`` to an array.

    ``obj`` may be an Array, an ``mx.array``, a Python scalar, a (nested)
    sequence, a NumPy array or scalar, a buffer, or any DLPack producer.
    With ``copy=None`` an existing array is reused when its dtype and device
    already fit; ``copy=False`` raises ValueError when a copy cannot be avoided
    (MLX always copies memory it does not own: NumPy data, buffers, lists).
    """
    if obj.__class__ is _core.Array and dtype is None and device is None and copy is None:
        return obj  # (the fast path: an Array as it is)
    dtype = _check_dtype("asarray", dtype)
    if copy is not None and copy.__class__ is not builtins.bool:
        raise ValueError(f"asarray: copy must be True, False or None, got {copy!r}")
    return _convert.to_array(obj, dtype, device, copy)


def from_dlpack(x, /, *, device=None, copy: bool | None = None):
    """An array from any DLPack producer (NumPy, PyTorch, JAX, CuPy, another tmath array).

    Data from another library is copied once (MLX owns its memory), after the producer
    has synchronised it; a producer on another device (CUDA, MPS) copies it to host
    memory first. A tmath or MLX array is reused as ``asarray`` would.

    Args:
        x: an object with ``__dlpack__`` and ``__dlpack_device__``.
        device: where the result lives; default: the producer's device where MLX has
            it (host memory maps to the CPU device), else the CPU.
        copy: True always copies; False raises (BufferError and ValueError at once)
            when a copy is needed, which is always the case for another library's data.

    Raises:
        AttributeError: ``x`` has no ``__dlpack__`` method.
        BufferError: the producer cannot export its data to host memory.
        TypeError: float64 data for a GPU device, or a dtype MLX lacks.
    """
    _interop.check_copy("from_dlpack", copy)
    if isinstance(x, (_core.Array, mx.array)) or hasattr(x, "__mlx_array__"):
        return asarray(x, device=device, copy=copy)
    if not hasattr(x, "__dlpack__"):
        raise AttributeError(f"from_dlpack: {type(x).__name__} has no __dlpack__ method "
                             "(use asarray for Python sequences and buffers)")
    dev = _interop.producer_device(x) if device is None else to_device(device, "from_dlpack")
    if copy is False:
        raise _interop.CopyRequiredError(
            f"from_dlpack: MLX copies memory it does not own, so a {type(x).__name__} "
            "cannot be imported with copy=False")
    if isinstance(x, np.ndarray):
        # NumPy's own view of its data: ml_dtypes.bfloat16 has no DLPack export.
        arr = _interop.from_numpy(x, None, dev, name="from_dlpack",
                                  keep_float64=True)
    elif _torch_interop.is_tensor(x):
        arr = _torch_interop.from_torch(x, None, dev, name="from_dlpack", keep_float64=True)
    else:
        arr = _interop.import_dlpack(x, None, dev, name="from_dlpack", keep_float64=True)
    return _core.wrap(arr, dev)


def _full(name: str, shape, fill_value, dtype, device):
    shape = _check_shape(name, shape)
    dtype = _check_dtype(name, dtype)
    dev = _device_and_dtype(name, device, dtype)
    if isinstance(fill_value, _core.Array):
        if fill_value.ndim != 0:
            raise ValueError(f"{name}: fill_value must be a scalar or a 0-d array")
        dt = fill_value._dtype if dtype is None else dtype
        val = fill_value._array.astype(dt._mx, stream=dev._s)
    else:
        dt = _scalar_default_dtype(name, fill_value) if dtype is None else dtype
        check_dtype_on_device(dt, dev, name)
        val = _scalar_array(name, fill_value, dt)
    _check_bytes(name, shape, dt)
    return _core.new(mx.broadcast_to(val, shape, stream=dev._s) if shape else val, dt, dev)


def _check_order(name: str, order) -> None:
    # Note: NumPy's memory order; MLX manages the layout itself, the values are the same.
    if order not in ("C", "F", "A", "K"):
        raise ValueError(f"{name}: order must be 'C', 'F', 'A' or 'K', got {order!r}")


def _fill(name: str, fill_value, device):
    """A fill value: a Python scalar as it is, a NumPy scalar or 0-d array-like an Array."""
    if fill_value.__class__ in (int, float, bool, complex) or isinstance(fill_value, _core.Array):
        return fill_value
    if _core.scalar_rank(fill_value) is not None and not isinstance(fill_value, np.generic):
        return fill_value
    if isinstance(fill_value, (str, bytes, bytearray, memoryview)) or fill_value is None:
        # (asarray would read bytes as a buffer; NumPy parses text: neither is a number here)
        raise TypeError(f"{name}: fill_value must be a number or a 0-d array, got "
                        f"{type(fill_value).__name__}")
    try:
        return _convert.to_array(fill_value, device=device, name=name)
    except TypeError as exc:
        raise TypeError(f"{name}: fill_value must be a number or a 0-d array ({exc})") from None


def full(shape, fill_value, dtype=None, order="C", *, device=None):
    """An array of ``shape`` filled with ``fill_value`` (a scalar or a 0-d array)."""
    _check_order("full", order)
    fill_value = _fill("full", fill_value, device)
    return _full("full", shape, fill_value, dtype, device)


def zeros(shape, dtype=None, order="C", *, device=None):
    """An array of zeros (the default real floating dtype unless ``dtype`` says otherwise)."""
    _check_order("zeros", order)
    dt = _default_float(device) if dtype is None else _check_dtype("zeros", dtype)
    shape = _check_shape("zeros", shape)
    dev = _device_and_dtype("zeros", device, dt)
    _check_bytes("zeros", shape, dt)
    return _core.new(mx.zeros(shape, dtype=dt._mx, stream=dev._s), dt, dev)


def ones(shape, dtype=None, order="C", *, device=None):
    """An array of ones (the default real floating dtype unless ``dtype`` says otherwise)."""
    _check_order("ones", order)
    dt = _default_float(device) if dtype is None else _check_dtype("ones", dtype)
    shape = _check_shape("ones", shape)
    dev = _device_and_dtype("ones", device, dt)
    _check_bytes("ones", shape, dt)
    return _core.new(mx.ones(shape, dtype=dt._mx, stream=dev._s), dt, dev)


def empty(shape, dtype=None, order="C", *, device=None):
    """An array of ``shape``. MLX has no uninitialised memory: it holds zeros."""
    return zeros(shape, dtype=dtype, order=order, device=device)


def _like(name: str, x, dtype, device):
    _core.check_array(name, x)
    dt = x._dtype if dtype is None else _check_dtype(name, dtype)
    dev = x._device if device is None else to_device(device, name)
    check_dtype_on_device(dt, dev, name)
    return dt, dev


def zeros_like(x, /, dtype=None, *, device=None):
    """Zeros with the shape (and by default dtype and device) of ``x``."""
    x = _convert.array("zeros_like", x)
    dt, dev = _like("zeros_like", x, dtype, device)
    return _core.new(mx.zeros(x._array.shape, dtype=dt._mx, stream=dev._s), dt, dev)


def ones_like(x, /, dtype=None, *, device=None):
    """Ones with the shape (and by default dtype and device) of ``x``."""
    x = _convert.array("ones_like", x)
    dt, dev = _like("ones_like", x, dtype, device)
    return _core.new(mx.ones(x._array.shape, dtype=dt._mx, stream=dev._s), dt, dev)


def empty_like(x, /, dtype=None, *, device=None):
    """An array with the shape of ``x`` (zeros: MLX has no uninitialised memory)."""
    return zeros_like(x, dtype=dtype, device=device)


def full_like(x, /, fill_value, dtype=None, *, device=None):
    """``fill_value`` in the shape (and by default dtype and device) of ``x``.

    ``fill_value`` may be a Python or NumPy scalar or a 0-d array; as NumPy, it is cast
    to the result's dtype (``full_like(int_array, 2.5)`` holds 2).
    """
    x = _convert.array("full_like", x)
    dt, dev = _like("full_like", x, dtype, device)
    fill_value = _fill("full_like", fill_value, dev)
    if isinstance(fill_value, _core.Array):
        return _full("full_like", x._array.shape, fill_value, dt, dev)
    if _core.scalar_rank(fill_value) is None:
        raise TypeError(f"full_like: fill_value must be a scalar, "
                        f"got {type(fill_value).__name__}")
    if isinstance(fill_value, complex) and dt not in _d.CATEGORIES["complex floating-point"]:
        raise TypeError(f"full_like: a complex fill_value does not fit an array of "
                        f"{_core.dtype_name(dt)}; pass dtype=")
    return _full("full_like", x._array.shape, fill_value, dt, dev)


def arange(start, /, stop=None, step=1, dtype=None, *, device=None):
    """Evenly spaced values in ``[start, stop)``: ``ceil((stop - start) / step)`` of them."""
    if stop is None:
        start, stop = 0, start
    start = _args.check_number("arange", start, "start")
    stop = _args.check_number("arange", stop, "stop")
    step = _args.check_number("arange", step, "step")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    all_int = all(isinstance(v, int) for v in (start, stop, step))
    if not all_int and not (math.isfinite(start) and math.isfinite(stop) and
                            math.isfinite(step) and math.isfinite((stop - start) / step)):
        raise ValueError(f"arange: start, stop, step and the number of values must be "
                         f"finite, got start={start}, stop={stop}, step={step}")
    dtype = _check_dtype("arange", dtype)
    if dtype is None:
        if all_int:
            dint = _default_int(device)
            lo, hi = _d.INT_RANGE[dint]
            dtype = dint if lo <= start <= hi and lo <= stop <= hi else _d.int64
        else:
            dtype = _default_float(device)
    dev = _device_and_dtype("arange", device, dtype)
    if dtype not in _d.CATEGORIES["real-valued"]:
        raise TypeError(f"arange: dtype must be a real-valued dtype, got {_core.dtype_name(dtype)}")
    if all_int:
        n = len(range(start, stop, step))
    else:
        n = builtins.max(math.ceil((stop - start) / step), 0)
    _memory.check_shape("arange", (n,), 8)  # (computed in 64 bits)
    s = dev._s
    if n == 0:  # (start and step may not fit any MLX integer: leave them out)
        return _core.new(mx.zeros((0,), dtype=dtype._mx, stream=s), dtype, dev)
    if dtype in _d.INT_RANGE and not all_int:
        # Note: NumPy's rule for float arguments with an integer dtype: the first two
        # values are truncated, their difference is the step (arange(-0.99999, 1.56,
        # dtype=int64) is [0, 0, 0]; arange(3, 5, 0.5, dtype=uint32) is [3, 3, 3, 3]).
        first = math.trunc(start)
        start, step, all_int = first, math.trunc(start + step) - first, True
    if dtype in _d.INT_RANGE:
        lo, hi = _d.INT_RANGE[dtype]
        last = start + (n - 1) * step
        if not (lo <= start <= hi and lo <= last <= hi):
            raise OverflowError(f"arange: values from {start} to {last} do not fit "
                                f"{_core.dtype_name(dtype)}")
    if n == 1:  # (the step may not fit any MLX number: only start is needed)
        return _core.new(mx.reshape(_scalar_array("arange", start, dtype), (1,), stream=s),
                         dtype, dev)
    if dtype in _d.INT_RANGE and all_int:
        # Computed in int64 with wrap-around; every value fits the target dtype.
        idx = mx.arange(n, dtype=mx.int64, stream=s)
        out = mx.add(mx.multiply(idx, int(step), stream=s), int(start), stream=s)
        return _core.new(out.astype(dtype._mx, stream=s), dtype, dev)
    work = mx.float64 if dev.type == "cpu" else mx.float32
    idx = mx.arange(n, dtype=work, stream=s)
    out = mx.add(mx.multiply(idx, float(step), stream=s), float(start), stream=s)
    return _core.new(out.astype(dtype._mx, stream=s), dtype, dev)


def linspace(start, stop, /, num=50, endpoint: bool = True, retstep: bool = False, dtype=None,
             axis=0, *, device=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` (real or complex).

    NumPy's signature: ``num`` defaults to 50, ``retstep=True`` also returns the step;
    ``start`` and ``stop`` may be arrays (the values run along ``axis``, lazily).
    """
    if _args.check_bool("linspace", retstep, "retstep"):
        out = linspace(start, stop, num, endpoint, False, dtype, axis, device=device)
        n = _args.check_int("linspace", num, "num")
        div = (n - 1) if endpoint else n
        step = (stop - start) / div if div > 0 else float("nan")
        return out, step
    if not (isinstance(start, (int, float, complex)) and isinstance(stop, (int, float, complex))) \
            and (_is_array_like(start) or _is_array_like(stop)):
        return _linspace_arrays(start, stop, num, endpoint, dtype, axis, device)
    axis = _args.check_int("linspace", axis, "axis")
    if axis not in (0, -1):
        raise IndexError(f"linspace: axis {axis} is out of bounds for a 1-d result")
    start = _args.check_number("linspace", start, "start", complex_ok=True)
    stop = _args.check_number("linspace", stop, "stop", complex_ok=True)
    endpoint = _args.check_bool("linspace", endpoint, "endpoint")
    num = _args.check_int("linspace", num, "num")
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    _memory.check_shape("linspace", (num,), 8)  # (computed in 64 bits)
    is_complex = isinstance(start, complex) or isinstance(stop, complex)
    dtype = _check_dtype("linspace", dtype)
    if dtype is None:
        dtype = _DEFAULT_COMPLEX if is_complex else _default_float(device)
    dev = _device_and_dtype("linspace", device, dtype)
    if dtype not in _d.CATEGORIES["floating-point"]:
        raise TypeError(f"linspace: dtype must be floating-point, got {_core.dtype_name(dtype)}")
    if is_complex and dtype not in _d.CATEGORIES["complex floating-point"]:
        raise TypeError("linspace: complex start or stop needs a complex dtype")
    s = dev._s
    work = mx.float64 if dev.type == "cpu" else mx.float32

    def ramp(a: float, b: float) -> mx.array:
        if num == 0:
            return mx.zeros((0,), dtype=work, stream=s)
        div = (num - 1) if endpoint else num
        idx = mx.arange(num, dtype=work, stream=s)
        if div == 0:
            # Note: NumPy's one value is start + 0 * (stop - start): NaN where stop is not
            # finite (linspace(0, nan, 1) is [nan], logspace's 10 ** nan).
            return mx.full((num,), a + 0.0 * (b - a), dtype=work, stream=s)
        step = (b - a) / div
        out = mx.add(mx.multiply(idx, step, stream=s), a, stream=s)
        if endpoint:
            out = mx.concatenate([out[:-1], mx.array([b], dtype=work)], stream=s)
        return out

    if dtype is _d.complex64:
        start, stop = complex(start), complex(stop)
        re = ramp(start.real, stop.real).astype(mx.float32, stream=s)
        im = ramp(start.imag, stop.imag).astype(mx.float32, stream=s)
        out = mx.add(re.astype(mx.complex64, stream=s),
                     mx.multiply(im.astype(mx.complex64, stream=s), 1j, stream=s), stream=s)
        return _core.new(out, dtype, dev)
    return _core.new(ramp(float(start), float(stop)).astype(dtype._mx, stream=s), dtype, dev)


def _is_array_like(v) -> bool:
    return isinstance(v, (_core.Array, np.ndarray, list, tuple))


def _linspace_arrays(start, stop, num, endpoint, dtype, axis, device):
    """linspace of array bounds: ``start + (stop - start) * i / div`` along a new ``axis``."""
    num = _args.check_int("linspace", num, "num")
    endpoint = _args.check_bool("linspace", endpoint, "endpoint")
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    s0 = _convert.to_array(start, device=device, name="linspace") \
        if not isinstance(start, (int, float, complex)) else start
    dev = s0._device if isinstance(s0, _core.Array) else to_device(device, "linspace")
    e0 = _convert.to_array(stop, device=dev, name="linspace") \
        if not isinstance(stop, (int, float, complex)) else stop
    kinds = [v._dtype for v in (s0, e0) if isinstance(v, _core.Array)]
    complex_in = any(d is _d.complex64 for d in kinds) or any(
        isinstance(v, complex) for v in (s0, e0))
    dt = _check_dtype("linspace", dtype)
    if dt is None:
        fl = [d for d in kinds if d in _d.CATEGORIES["real-valued floating-point"]]
        dt = _d.complex64 if complex_in else (fl[0] if fl else _convert.default_float(dev))
    check_dtype_on_device(dt, dev, "linspace")
    work = _d.complex64 if complex_in else (
        _d.float64 if dev.type == "cpu" else _d.float32)
    s = dev._s
    a = _core.as_mx(s0._array if isinstance(s0, _core.Array) else s0, work).astype(work._mx)
    b = _core.as_mx(e0._array if isinstance(e0, _core.Array) else e0, work).astype(work._mx)
    try:
        a, b = mx.broadcast_arrays(a, b, stream=s)
    except ValueError as exc:
        raise ValueError(f"linspace: start and stop do not broadcast ({exc})") from None
    nd = a.ndim + 1
    ax = _args.check_axis("linspace", axis, nd)
    div = (num - 1) if endpoint else num
    idx = mx.arange(num, dtype=mx.float64 if work is _d.float64 else mx.float32, stream=s)
    idx = mx.reshape(idx, (num,) + (1,) * a.ndim, stream=s).astype(work._mx)
    step = (b - a) / div if div > 0 else mx.zeros_like(a)
    out = a[None] + idx * step[None]
    if endpoint and num > 1:
        out = mx.concatenate([out[:-1], b[None]], axis=0, stream=s)
    if ax != 0:
        out = mx.moveaxis(out, 0, ax, stream=s)
    return _core.new(out.astype(dt._mx, stream=s), dt, dev)


def eye(n_rows, n_cols=None, /, k: int = 0, dtype=None, order="C", *, device=None):
    """A 2-D array with ones on the ``k``-th diagonal."""
    _check_order("eye", order)
    n_rows = _args.check_int("eye", n_rows, "n_rows")
    n_cols = n_rows if n_cols is None else _args.check_int("eye", n_cols, "n_cols")
    k = _args.check_int("eye", k, "k")
    if n_rows < 0 or n_cols < 0:
        raise ValueError("eye: n_rows and n_cols must be non-negative")
    _memory.check_shape("eye", (n_rows, n_cols))
    k = builtins.min(builtins.max(k, -n_rows - 1), n_cols + 1)  # any k beyond the matrix
    dt = _default_float(device) if dtype is None else _check_dtype("eye", dtype)
    dev = _device_and_dtype("eye", device, dt)
    s = dev._s
    if n_rows == 0 or n_cols == 0:
        # (the row and column ranges below would still be computed: eye(2**31 - 1, 0)
        # segfaulted allocating 16 GiB of row numbers for an empty matrix)
        return _core.new(mx.zeros((n_rows, n_cols), dtype=dt._mx, stream=s), dt, dev)
    _memory.check_shape("eye", (n_rows + n_cols,), 8, "int64")  # the ranges themselves
    rows = mx.arange(n_rows, dtype=mx.int64, stream=s)[:, None]
    cols = mx.arange(n_cols, dtype=mx.int64, stream=s)[None, :]
    mask = mx.equal(mx.subtract(cols, rows, stream=s), k, stream=s)
    return _core.new(mask.astype(dt._mx, stream=s), dt, dev)


def meshgrid(*arrays, indexing: str = "xy"):
    """Coordinate matrices from 1-D arrays (a tuple of arrays)."""
    if _args.check_str("meshgrid", indexing, "indexing") not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    for a in arrays:
        _core.check_array("meshgrid", a, "arrays")
        if a.ndim != 1:
            raise ValueError("meshgrid: every input must be one-dimensional")
    if not arrays:
        return ()
    dev = arrays[0]._device
    dt = arrays[0]._dtype
    for a in arrays[1:]:
        if a._device != dev:
            raise ValueError("meshgrid: arrays are on different devices")
        if a._dtype is not dt:
            raise TypeError("meshgrid: every input must have the same dtype")
    outs = mx.meshgrid(*(a._array for a in arrays), indexing=indexing, stream=dev._s)
    return tuple(_core.new(o, dt, dev) for o in outs)


def _tri_mask(x, k: int, lower: bool):
    k = _args.check_int("tril/triu", k, "k")
    if x.ndim < 2:
        raise ValueError("x must have at least two dimensions")
    n, m = x._array.shape[-2:]
    k = builtins.min(builtins.max(k, -n - 1), m + 1)  # any k beyond the matrix acts alike
    s = x._device._s
    if x._array.size == 0:  # (no row and column ranges for nothing: see eye)
        return mx.array(x._array)
    _memory.check_shape("tril/triu", (n + m,), 8, "int64")
    rows = mx.arange(n, dtype=mx.int64, stream=s)[:, None]
    cols = mx.arange(m, dtype=mx.int64, stream=s)[None, :]
    diff = mx.subtract(cols, rows, stream=s)
    mask = mx.less_equal(diff, k, stream=s) if lower else mx.greater_equal(diff, k, stream=s)
    return mx.where(mask, x._array, mx.zeros((), dtype=x._dtype._mx), stream=s)


def tril(x, /, k: int = 0):
    """The lower triangle of the last two axes (elements above diagonal ``k`` zeroed)."""
    x = _convert.array("tril", x)
    return _core.new(_tri_mask(x, k, True), x._dtype, x._device)


def triu(x, /, k: int = 0):
    """The upper triangle of the last two axes (elements below diagonal ``k`` zeroed)."""
    x = _convert.array("triu", x)
    return _core.new(_tri_mask(x, k, False), x._dtype, x._device)
