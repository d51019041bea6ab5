"""The Fourier transform extension (``xp.fft``) of the standard, over ``mx.fft``.

MLX computes FFTs in complex64 (and float32 for the real sides); it has no
complex128. What differs from ``mx.fft`` (each marked ``# Note:``):

* inputs are validated first: ``fft`` of a real array, or ``rfft`` of a complex
  one (whose imaginary part MLX silently drops), is a TypeError;
* float16, bfloat16 and float64 inputs of the real-input transforms are
  computed in float32 and give complex64 (the standard asks for complex128
  from float64; MLX has none);
* ``hfft`` and ``ihfft``, which MLX lacks, are built from ``irfft``/``rfft``;
* ``s`` may hold -1 ("the whole axis"), and the frequency functions take
  ``dtype=`` and ``device=``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import mlx.core as mx

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import check_dtype_on_device, default_float, to_device
from .._interop import convert as _convert
from .._runtime import compile_cache as _compile
from .._runtime import memory as _memory

if TYPE_CHECKING:
    from .._array.array import Array
    from .._array.devices import Device
    from .._array.dtypes import DType

Norm = Literal["backward", "ortho", "forward"]
_NORMS = ("backward", "ortho", "forward")
# hfft/ihfft are irfft/rfft of the conjugate with the normalisation direction swapped.
_SWAPPED = {"backward": "forward", "forward": "backward", "ortho": "ortho"}
_C64 = _d.complex64
_F32 = _d.float32


# --- argument checks ------------------------------------------------------------

def _check_norm(name: str, norm) -> str:
    if _args.check_str(name, norm, "norm") not in _NORMS:
        raise ValueError(f"{name}: norm must be 'backward', 'ortho' or 'forward', got {norm!r}")
    return norm


def _check_size(name: str, value, what: str) -> int:
    value = _args.check_int(name, value, what)
    if value < 1:
        raise ValueError(f"{name}: {what} must be at least 1 (a transform needs at least one "
                         f"point), got {value}")
    _memory.check_shape(name, (value,))
    return value


def _complex_input(name: str, x) -> mx.array:
    _core.check_category(name, x, "complex floating-point")
    return x._array


def _real_input(name: str, x) -> mx.array:
    _core.check_category(name, x, "real-valued floating-point")
    a = x._array
    if x._dtype is not _F32:
        # Note: MLX's FFTs compute in float32/complex64 only; half types and
        # float64 are transformed in float32 (float64 precision is not kept).
        a = a.astype(mx.float32, stream=x._device._s)
    return a


def _one_axis(name: str, a: mx.array, n, axis, norm, default_n=None):
    """``(n, axis, norm)`` checked; ``default_n(m)`` gives ``n`` from the axis size."""
    axis = _args.check_axis(name, axis, a.ndim)
    if a.ndim == 0:
        raise ValueError(f"{name}: x must have at least one dimension")
    if n is None:
        m = a.shape[axis]
        n = default_n(m) if default_n else m
        if n < 1:
            raise ValueError(f"{name}: axis {axis} of size {m} gives an empty transform; "
                             "pass n")
    return _check_size(name, n, "n"), axis, _check_norm(name, norm)


def _axes_and_sizes(name: str, a: mx.array, s, axes, last_default=None):
    """Normalise ``(s, axes)`` of the n-dimensional transforms to two tuples.

    ``last_default(m)`` gives the last transformed axis' size when it is not
    given (``irfftn``'s ``2 * (m - 1)``); -1 in ``s`` means the same default.
    """
    ndim = a.ndim
    if axes is None:
        if s is not None:
            raise ValueError(f"{name}: s requires axes (the standard leaves s without axes "
                             "undefined)")
        axes = tuple(range(ndim))
    else:
        if isinstance(axes, int) or not isinstance(axes, Sequence):
            raise TypeError(f"{name}: axes must be a sequence of ints, got {axes!r}")
        axes = tuple(_args.check_axis(name, ax, ndim) for ax in axes)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{name}: repeated axis in {axes}")
    if s is None:
        s = (-1,) * len(axes)
    elif isinstance(s, int) or not isinstance(s, Sequence):
        raise TypeError(f"{name}: s must be a sequence of ints, got {s!r}")
    elif len(s) != len(axes):
        raise ValueError(f"{name}: s {tuple(s)} and axes {axes} differ in length")
    sizes = []
    for i, (size, ax) in enumerate(zip(s, axes)):
        if _args.is_int(size) and size == -1:
            m = a.shape[ax]
            size = last_default(m) if last_default and i == len(axes) - 1 else m
            if size < 1:
                raise ValueError(f"{name}: axis {ax} of size {m} gives an empty transform; "
                                 "pass s")
        sizes.append(_check_size(name, size, "each entry of s"))
    return tuple(sizes), axes


def _new(arr: mx.array, dt: DType, dev: Device) -> Array:
    return _core.new(arr, dt, dev)


# --- one-dimensional transforms --------------------------------------------------------

def fft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """One-dimensional discrete Fourier transform of complex input."""
    x = _convert.array("fft", x)
    a = _complex_input("fft", x)
    n, axis, norm = _one_axis("fft", a, n, axis, norm)
    dev = x._device
    return _new(mx.fft.fft(a, n=n, axis=axis, norm=norm, stream=dev._s), _C64, dev)


def ifft(x: Array, /, *, n: int | None = None, axis: int = -1,
         norm: Norm = "backward") -> Array:
    """One-dimensional inverse discrete Fourier transform of complex input."""
    x = _convert.array("ifft", x)
    a = _complex_input("ifft", x)
    n, axis, norm = _one_axis("ifft", a, n, axis, norm)
    dev = x._device
    return _new(mx.fft.ifft(a, n=n, axis=axis, norm=norm, stream=dev._s), _C64, dev)


def rfft(x: Array, /, *, n: int | None = None, axis: int = -1,
         norm: Norm = "backward") -> Array:
    """Transform of real input: the ``n // 2 + 1`` non-negative frequencies, complex64."""
    x = _convert.array("rfft", x)
    a = _real_input("rfft", x)
    n, axis, norm = _one_axis("rfft", a, n, axis, norm)
    dev = x._device
    return _new(mx.fft.rfft(a, n=n, axis=axis, norm=norm, stream=dev._s), _C64, dev)


def _irfft_default(m: int) -> int:
    return 2 * (m - 1)


def irfft(x: Array, /, *, n: int | None = None, axis: int = -1,
          norm: Norm = "backward") -> Array:
    """Inverse of :func:`rfft`: ``n`` real points (default ``2 * (m - 1)``), float32."""
    x = _convert.array("irfft", x)
    a = _complex_input("irfft", x)
    n, axis, norm = _one_axis("irfft", a, n, axis, norm, _irfft_default)
    dev = x._device
    return _new(mx.fft.irfft(a, n=n, axis=axis, norm=norm, stream=dev._s), _F32, dev)


def _hfft(a, n: int, axis: int, norm: str):
    return mx.fft.irfft(mx.conj(a), n=n, axis=axis, norm=norm)


def _ihfft(a, n: int, axis: int, norm: str):
    return mx.conj(mx.fft.rfft(a, n=n, axis=axis, norm=norm))


def hfft(x: Array, /, *, n: int | None = None, axis: int = -1,
         norm: Norm = "backward") -> Array:
    """Transform of a Hermitian-symmetric signal given by its first half: real output.

    Note: MLX has no hfft; it is ``irfft(conj(x))`` with the normalisation
    direction swapped (as NumPy defines it).
    """
    x = _convert.array("hfft", x)
    a = _complex_input("hfft", x)
    n, axis, norm = _one_axis("hfft", a, n, axis, norm, _irfft_default)
    dev = x._device
    out = _compile.run("hfft", _hfft, dev, a, static=(n, axis, _SWAPPED[norm]))
    return _new(out, _F32, dev)


def ihfft(x: Array, /, *, n: int | None = None, axis: int = -1,
          norm: Norm = "backward") -> Array:
    """Inverse of :func:`hfft`: ``n // 2 + 1`` complex points from real input.

    Note: MLX has no ihfft; it is ``conj(rfft(x))`` with the normalisation
    direction swapped.
    """
    x = _convert.array("ihfft", x)
    a = _real_input("ihfft", x)
    n, axis, norm = _one_axis("ihfft", a, n, axis, norm)
    dev = x._device
    out = _compile.run("ihfft", _ihfft, dev, a, static=(n, axis, _SWAPPED[norm]))
    return _new(out, _C64, dev)


# --- n-dimensional transforms ------------------------------------------------------------

def fftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: Norm = "backward") -> Array:
    """n-dimensional discrete Fourier transform of complex input (all axes by default)."""
    x = _convert.array("fftn", x)
    a = _complex_input("fftn", x)
    sizes, axes = _axes_and_sizes("fftn", a, s, axes)
    norm = _check_norm("fftn", norm)
    dev = x._device
    if not axes:  # no axis to transform: a copy (MLX's setitem would alias the input)
        return _new(mx.array(a), _C64, dev)
    return _new(mx.fft.fftn(a, s=sizes, axes=axes, norm=norm, stream=dev._s), _C64, dev)


def ifftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: Norm = "backward") -> Array:
    """n-dimensional inverse discrete Fourier transform of complex input."""
    x = _convert.array("ifftn", x)
    a = _complex_input("ifftn", x)
    sizes, axes = _axes_and_sizes("ifftn", a, s, axes)
    norm = _check_norm("ifftn", norm)
    dev = x._device
    if not axes:
        return _new(mx.array(a), _C64, dev)
    return _new(mx.fft.ifftn(a, s=sizes, axes=axes, norm=norm, stream=dev._s), _C64, dev)


def rfftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: Norm = "backward") -> Array:
    """n-dimensional transform of real input; the last axis keeps ``s[-1] // 2 + 1`` points."""
    x = _convert.array("rfftn", x)
    a = _real_input("rfftn", x)
    sizes, axes = _axes_and_sizes("rfftn", a, s, axes)
    norm = _check_norm("rfftn", norm)
    if not axes:
        raise ValueError("rfftn: at least one axis must be transformed")
    dev = x._device
    return _new(mx.fft.rfftn(a, s=sizes, axes=axes, norm=norm, stream=dev._s), _C64, dev)


def irfftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
           norm: Norm = "backward") -> Array:
    """Inverse of :func:`rfftn`; the last axis has ``s[-1]`` (default ``2 * (m - 1)``) points."""
    x = _convert.array("irfftn", x)
    a = _complex_input("irfftn", x)
    sizes, axes = _axes_and_sizes("irfftn", a, s, axes, _irfft_default)
    norm = _check_norm("irfftn", norm)
    if not axes:
        raise ValueError("irfftn: at least one axis must be transformed")
    dev = x._device
    return _new(mx.fft.irfftn(a, s=sizes, axes=axes, norm=norm, stream=dev._s), _F32, dev)


# --- frequencies and shifts ---------------------------------------------------------------

def _freq_args(name: str, n, d, dtype, device):
    n = _check_size(name, n, "n")
    d = _args.check_real(name, d, "d")
    if d == 0:
        raise ValueError(f"{name}: the sample spacing d must not be zero")
    dev = to_device(device, name)
    if dtype is None:
        dt = default_float(dev)
    else:
        dt = _d.as_dtype(dtype)
        if dt is None:
            raise TypeError(f"{name}: {dtype!r} is not a tmath_array dtype")
        if dt not in _d.CATEGORIES["real-valued floating-point"]:
            _core.bad_dtype(name, "real-valued floating-point", dt)
    check_dtype_on_device(dt, dev, name)
    # float64 is computed in float64 (on the CPU); every other dtype in float32.
    cdt = mx.float64 if dt is _d.float64 else mx.float32
    return dt, dev, cdt


def fftfreq(n: int, /, *, d: float = 1.0, dtype: DType | None = None,
            device: Device | None = None) -> Array:
    """Sample frequencies of an ``n``-point transform: ``[0, 1, ..., -1] / (d * n)``."""
    n = _check_size("fftfreq", n, "n")
    dt, dev, cdt = _freq_args("fftfreq", n, d, dtype, device)
    s = dev._s
    k = mx.arange(n, dtype=mx.int64, stream=s)
    k = mx.where(k < (n + 1) // 2, k, k - n, stream=s)
    out = _over(k.astype(cdt, stream=s), float(d) * n, cdt, s)
    return _new(out.astype(dt._mx, stream=s), dt, dev)


def _over(k: mx.array, dn: float, cdt, s) -> mx.array:
    """``k / dn``, with frequency 0 a (signed) zero where ``dn`` underflows in ``cdt``."""
    out = mx.divide(k, mx.array(dn, dtype=cdt), stream=s)
    if cdt == mx.float32 and 0 < abs(dn) <= 2.0**-150:  # (rounds to 0 in float32)
        # Note: d * n below float32's range (fftfreq(8, d=1e-247)) is 0 there, and 0 / 0
        # made the zero frequency NaN; the others overflow to +-inf as they must.
        zero = mx.array(math.copysign(0.0, dn), dtype=cdt)
        out = mx.where(k == 0, zero, out, stream=s)
    return out


def rfftfreq(n: int, /, *, d: float = 1.0, dtype: DType | None = None,
             device: Device | None = None) -> Array:
    """Non-negative sample frequencies (for :func:`rfft`): ``[0, ..., n // 2] / (d * n)``."""
    n = _check_size("rfftfreq", n, "n")
    dt, dev, cdt = _freq_args("rfftfreq", n, d, dtype, device)
    s = dev._s
    k = mx.arange(n // 2 + 1, dtype=cdt, stream=s)
    out = _over(k, float(d) * n, cdt, s)
    return _new(out.astype(dt._mx, stream=s), dt, dev)


def _shift(name: str, x, axes, sign: int) -> Array:
    x = _convert.array(name, x)
    a = x._array
    if isinstance(axes, list):
        axes = tuple(axes)
    axes = _args.check_axes(name, axes, a.ndim)
    if axes and a.ndim == 0:
        # (check_axes lets reductions name axis 0 of a 0-d array; a shift cannot.)
        raise IndexError(f"{name}: a 0-dimensional array has no axis to shift")
    if axes is None:
        axes = tuple(range(a.ndim))
    dev = x._device
    if not axes:
        return _new(mx.array(a), x._dtype, dev)
    shifts = tuple(sign * (a.shape[ax] // 2) for ax in axes)
    return _new(mx.roll(a, shifts, axes, stream=dev._s), x._dtype, dev)


def fftshift(x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
    """Move the zero-frequency term to the centre of ``axes`` (all axes by default)."""
    return _shift("fftshift", x, axes, 1)


def ifftshift(x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
    """Inverse of :func:`fftshift` (they differ by one sample on odd-length axes)."""
    return _shift("ifftshift", x, axes, -1)
