"""``torch.fft`` over ``tmath_array.fft`` (``dim=`` for the standard's ``axis=``), with
autograd (MLX differentiates its FFTs)."""

from __future__ import annotations

import numpy as np

import tmath_array.fft as _xf

from . import _types as _t
from ._ops import apply, backward_class, to_tensor
from ._tensor import of

__all__ = ["fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft",
           "ihfft", "fft2", "ifft2", "rfft2", "irfft2", "fftfreq", "rfftfreq", "fftshift",
           "ifftshift"]


def _norm(norm):
    return "backward" if norm is None else norm


def _input(x, complex_in=False):
    from ._ops import astype
    t = to_tensor(x)
    if _t.category(t._dtype) < 2:
        t = astype(t, _t.default_float())
    if complex_in and _t.category(t._dtype) < 3:
        # Note: PyTorch's fft takes real input (as complex with zero imaginary part).
        t = astype(t, _t.complex64._canon)
    return t


_COMPLEX_IN = ("fft", "ifft", "fftn", "ifftn", "fft2", "ifft2", "hfft")


def _one_dim(name, fn):
    cls = backward_class(f"fft_{name}")

    def f(input, n=None, dim=-1, norm=None):
        x = _input(input, name in _COMPLEX_IN)
        return apply(cls, lambda u: fn(u, n=n, axis=dim, norm=_norm(norm)), (x,))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"PyTorch's ``torch.fft.{name}(input, n=None, dim=-1, norm=None)``."
    return f


def _n_dim(name, fn, default_dims=None):
    cls = backward_class(f"fft_{name}")

    def f(input, s=None, dim=default_dims, norm=None):
        x = _input(input, name in _COMPLEX_IN)
        # (PyTorch takes NumPy integers as ints)
        axes = None if dim is None else (dim,) if isinstance(dim, (int, np.integer)) else dim
        if axes is not None and not isinstance(axes, (tuple, list)):
            raise TypeError(f"{name}(): dim must be an int or a sequence of ints")
        if s is not None and not isinstance(s, (tuple, list)):
            raise TypeError(f"{name}(): s must be a sequence of ints")
        if axes is not None:
            from ._ops import dim_index
            if x.ndim == 0:
                raise IndexError("Dimension specified as 0 but tensor has no dimensions")
            axes = tuple(dim_index(d, x.ndim) for d in axes)
        ss = None if s is None else tuple(s)
        return apply(cls, lambda u: fn(u, s=ss, axes=axes, norm=_norm(norm)), (x,))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"PyTorch's ``torch.fft.{name}(input, s=None, dim=..., norm=None)``."
    return f


fft = _one_dim("fft", _xf.fft)
ifft = _one_dim("ifft", _xf.ifft)
rfft = _one_dim("rfft", _xf.rfft)
irfft = _one_dim("irfft", _xf.irfft)
hfft = _one_dim("hfft", _xf.hfft)
ihfft = _one_dim("ihfft", _xf.ihfft)
fftn = _n_dim("fftn", _xf.fftn)
ifftn = _n_dim("ifftn", _xf.ifftn)
rfftn = _n_dim("rfftn", _xf.rfftn)
irfftn = _n_dim("irfftn", _xf.irfftn)
fft2 = _n_dim("fft2", _xf.fftn, (-2, -1))
ifft2 = _n_dim("ifft2", _xf.ifftn, (-2, -1))
rfft2 = _n_dim("rfft2", _xf.rfftn, (-2, -1))
irfft2 = _n_dim("irfft2", _xf.irfftn, (-2, -1))


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    return of(_xf.fftfreq(n, d=d, dtype=dtype or _t.default_float(),
                          device=_t.to_mlx_device(device)))


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    return of(_xf.rfftfreq(n, d=d, dtype=dtype or _t.default_float(),
                           device=_t.to_mlx_device(device)))


def fftshift(input, dim=None):
    x = to_tensor(input)
    return apply(backward_class("fft_fftshift"), lambda u: _xf.fftshift(u, axes=dim), (x,),
                 saves=False)


def ifftshift(input, dim=None):
    x = to_tensor(input)
    return apply(backward_class("fft_ifftshift"), lambda u: _xf.ifftshift(u, axes=dim), (x,),
                 saves=False)
