"""Smaller NumPy functions scripts use: ``hsplit``/``vsplit``/``dsplit``, ``vander``,
``tri``, ``angle``, ``unwrap``, ``isposinf``/``isneginf``, ``iscomplex``/``isreal``,
``iscomplexobj``/``isrealobj``, ``isscalar``, the windows ``bartlett``, ``blackman``,
``hamming``, ``hanning``, and ``histogram2d``/``histogram_bin_edges``.

All lazy (``histogram_bin_edges`` with a rule name syncs, as ``histogram`` does).
Floating results of integer input, and the windows, are float32 (NumPy: float64), as
elsewhere in the package. See docs/numpy.md ("Functions of NumPy scripts").
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import default_float, to_device
from .._interop import convert as _convert
from .._standard.creation import arange, asarray, ones, tril, zeros
from .._standard.data_types import astype
from .._standard.elementwise import (
    atan2,
    cos,
    imag,
    isinf,
    logical_and,
    logical_not,
    not_equal,
    real,
    remainder,
    signbit,
)
from .._standard.manipulation import concat, reshape
from .._standard.searching import searchsorted, where
from .._standard.statistical import sum as _sum
from .aliases import cumsum
from .array_methods import _dtype as _numpy_dtype_arg
from .counting import histogram
from .shape import array_split

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_COMPLEX = _CAT["complex floating-point"]
_FLOATING = _CAT["floating-point"]


def _float(x: Array, wide: bool = False) -> Array:
    if x._dtype in _FLOATING:
        return x
    return astype(x, _d.float64 if wide and x._device.type == "cpu" else
                  default_float(x.device))


# --- splitting ------------------------------------------------------------------------

def _split_at(name: str, ary, indices_or_sections, axis: int, min_ndim: int):
    x = _convert.array(name, ary)
    if x.ndim < min_ndim:
        raise ValueError(f"{name} only works on arrays of {min_ndim} or more dimensions")
    # NumPy's: the pieces must be equal when a number of sections is given.
    if isinstance(indices_or_sections, (int, np.integer)) and \
            not isinstance(indices_or_sections, builtins.bool):
        n = int(indices_or_sections)
        if n <= 0:
            raise ValueError(f"{name}: the number of sections must be larger than 0")
        if x.shape[axis] % n:
            raise ValueError(f"{name}: array split does not result in an equal division")
    return array_split(x, indices_or_sections, axis=axis)


def hsplit(ary, indices_or_sections) -> list[Array]:
    """``ary`` split along its second axis (the first for 1-d arrays)."""
    x = _convert.array("hsplit", ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return _split_at("hsplit", x, indices_or_sections, 1 if x.ndim > 1 else 0, 1)


def vsplit(ary, indices_or_sections) -> list[Array]:
    """``ary`` split along its first axis (at least 2-d)."""
    return _split_at("vsplit", ary, indices_or_sections, 0, 2)


def dsplit(ary, indices_or_sections) -> list[Array]:
    """``ary`` split along its third axis (at least 3-d)."""
    return _split_at("dsplit", ary, indices_or_sections, 2, 3)


# --- matrices -----------------------------------------------------------------------------

def vander(x, N: int | None = None, increasing: bool = False) -> Array:  # noqa: N803
    """The Vandermonde matrix of the 1-d ``x``: columns ``x**(N-1), ..., x, 1`` (or the
    reverse with ``increasing``), by repeated products (exact for integers)."""
    xa = _convert.array("vander", x)
    if xa.ndim != 1:
        raise ValueError("vander: x must be a one-dimensional array or sequence.")
    _core.check_bool("vander", increasing, "increasing")
    n = xa.shape[0] if N is None else _nonneg("vander", N, "N")
    if xa._dtype is _d.bool:
        xa = astype(xa, _d.int32)
    m = xa.shape[0]
    if n >= 2**31 or m * n >= 2**31:
        raise ValueError(f"vander: a {m} x {n} matrix is past the 32-bit sizes MLX indexes")
    dev = xa.device
    a = xa._array
    if n == 0:
        return _core.new(mx.zeros((m, 0), dtype=a.dtype), xa._dtype, dev)
    # Repeated products, as NumPy's (multiply.accumulate): one cumulative product, not a
    # Python loop of n steps.
    ones = mx.ones((m, 1), dtype=a.dtype)
    if n == 1:
        full = ones
    else:
        powers = mx.cumprod(mx.broadcast_to(a[:, None], (m, n - 1)), axis=1)
        full = mx.concatenate([ones, powers], axis=1)
    out = _core.new(full, xa._dtype, dev)
    return out if increasing else out[:, ::-1]


def _nonneg(name: str, v, what: str) -> int:
    if isinstance(v, builtins.bool):
        raise TypeError(f"{name}: {what} must be an int, got bool")
    try:
        n = operator.index(v)
    except TypeError:
        raise TypeError(f"{name}: {what} must be an int, got {type(v).__name__}") from None
    if n < 0:
        raise ValueError(f"{name}: {what} must be non-negative, got {n}")
    return n


def tri(N: int, M: int | None = None, k: int = 0, dtype=None, *,  # noqa: N803
        like=None) -> Array:
    """Ones at and below diagonal ``k`` of an ``N`` x ``M`` array, zeros elsewhere.

    Note: the default real floating dtype (float32; NumPy: float64; ``dtype=float`` gives
    float64; docs/dtypes.md).
    """
    if like is not None:
        raise TypeError("tri: like= is not supported (results are tmath_array arrays)")
    n = _nonneg("tri", N, "N")
    m = n if M is None else _nonneg("tri", M, "M")
    dt = _numpy_dtype_arg("tri", dtype) or default_float()
    # (the shape checked as ones checks it: a side past 2**31 is a ValueError)
    return tril(astype(ones((n, m), dtype=_d.int8), dt), k=operator.index(k))


# --- complex numbers and infinities ---------------------------------------------------------

def angle(z, deg: bool = False) -> Array:
    """The argument of each complex number (radians, or degrees with ``deg``); 0 or pi
    for real numbers."""
    x = _convert.array("angle", z)
    _core.check_bool("angle", deg, "deg")
    if x._dtype in _COMPLEX:
        r = atan2(imag(x), real(x))
    else:
        x = _float(x)
        r = atan2(astype(zeros(x.shape, device=x.device), x._dtype), x)
    return r * (180.0 / math.pi) if deg else r


def unwrap(p, discont=None, axis: int = -1, *, period: float = 2 * math.pi) -> Array:
    """``p`` with jumps larger than ``discont`` (default ``period / 2``) between
    neighbours along ``axis`` replaced by their complement modulo ``period``, as NumPy's
    unwrap (float input; integers give float32)."""
    if isinstance(period, bool) or not isinstance(period, (int, float, np.integer,
                                                           np.floating)):
        raise TypeError(f"unwrap: period must be a real number, got {type(period).__name__}")
    x = _float(_convert.array("unwrap", p))
    if x._dtype in _COMPLEX:
        raise TypeError("unwrap: complex input is not supported")
    if x.ndim == 0:
        raise IndexError("unwrap: axis -1 is out of bounds for array of dimension 0")
    ax = _core.check_axis("unwrap", axis, x.ndim)
    n = x.shape[ax]
    if n < 2:
        return x
    lead = (slice(None),) * ax
    dd = x[(*lead, slice(1, None))] - x[(*lead, slice(None, -1))]
    if discont is None:
        discont = period / 2
    hi = period / 2
    lo = -hi
    ddmod = remainder(dd - lo, period) + lo
    ddmod = where(logical_and(ddmod == lo, dd > 0), hi, ddmod)
    correct = ddmod - dd
    correct = where(abs(dd) < discont, 0.0, correct)
    first = x[(*lead, slice(0, 1))]
    rest = x[(*lead, slice(1, None))] + cumsum(correct, axis=ax)
    return concat([first, rest], axis=ax)


def isposinf(x, out=None) -> Array:
    """Whether each element is positive infinity (bool)."""
    return _inf_sign("isposinf", x, out, False)


def isneginf(x, out=None) -> Array:
    """Whether each element is negative infinity (bool)."""
    return _inf_sign("isneginf", x, out, True)


def _inf_sign(name: str, x, out, negative: bool) -> Array:
    if out is not None:
        raise ValueError(f"{name}: out= is not supported (results are new arrays: assign it)")
    a = _convert.array(name, x)
    if a._dtype in _COMPLEX:
        raise TypeError(f"{name}: this operation is not supported for complex values because "
                        "it would be ambiguous")
    if a._dtype not in _FLOATING:
        return astype(zeros(a.shape, device=a.device), _d.bool)
    sb = signbit(a)
    return logical_and(isinf(a), sb if negative else logical_not(sb))


def iscomplex(x) -> Array:
    """Whether each element has a non-zero imaginary part (bool)."""
    a = _convert.array("iscomplex", x)
    if a._dtype not in _COMPLEX:
        return astype(zeros(a.shape, device=a.device), _d.bool)
    return not_equal(imag(a), 0.0)


def isreal(x) -> Array:
    """Whether each element has a zero imaginary part (bool)."""
    return logical_not(iscomplex(x))


def iscomplexobj(x) -> bool:
    """Whether ``x`` has a complex dtype (or is a complex Python number)."""
    if isinstance(x, _core.Array):
        return x._dtype in _COMPLEX
    dt = getattr(x, "dtype", None)
    if dt is not None and _d.as_dtype(dt) is not None:
        return _d.as_dtype(dt) in _COMPLEX
    return bool(np.iscomplexobj(x))


def isrealobj(x) -> bool:
    """Whether ``x`` does not have a complex dtype."""
    return not iscomplexobj(x)


def isscalar(element) -> bool:
    """NumPy's isscalar: True for Python and NumPy scalars (numbers, str, bytes); False
    for arrays of any dimension, as for NumPy's 0-d arrays."""
    if isinstance(element, _core.Array):
        return False
    return bool(np.isscalar(element))


# --- windows --------------------------------------------------------------------------------

def _window(name: str, size, terms) -> Array:
    m = size
    if isinstance(m, builtins.bool):
        raise TypeError(f"{name}: M must be an int, got bool")
    try:
        m = operator.index(m)
    except TypeError:
        raise TypeError(f"{name}: M must be an int, got {type(size).__name__}") from None
    dev = to_device(None, name)
    if m < 1:
        return zeros((0,), dtype=default_float(dev), device=dev)
    if m == 1:
        return astype(asarray([1.0], device=dev), default_float(dev))
    n = arange(1 - m, m, 2, dtype=default_float(dev), device=dev)
    return terms(n, m)


def bartlett(M: int) -> Array:  # noqa: N803
    """The triangular (Bartlett) window of ``M`` points (float32)."""
    return _window("bartlett", M,
                   lambda n, m: where(n <= 0, 1 + n / (m - 1), 1 - n / (m - 1)))


def blackman(M: int) -> Array:  # noqa: N803
    """The Blackman window of ``M`` points (float32)."""
    return _window("blackman", M, lambda n, m: 0.42 + 0.5 * cos(math.pi * n / (m - 1))
                   + 0.08 * cos(2.0 * math.pi * n / (m - 1)))


def hamming(M: int) -> Array:  # noqa: N803
    """The Hamming window of ``M`` points (float32)."""
    return _window("hamming", M, lambda n, m: 0.54 + 0.46 * cos(math.pi * n / (m - 1)))


def hanning(M: int) -> Array:  # noqa: N803
    """The Hann window of ``M`` points (float32)."""
    return _window("hanning", M, lambda n, m: 0.5 + 0.5 * cos(math.pi * n / (m - 1)))


# --- histograms -----------------------------------------------------------------------------

def histogram_bin_edges(a, bins=10, range=None, weights=None) -> Array:  # noqa: A002
    """The bin edges ``histogram`` would use (a sync point for a rule name, as there)."""
    return histogram(_convert.array("histogram_bin_edges", a), bins, range, None, None)[1]


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """The 2-d histogram of the points ``(x, y)``, as NumPy's: ``(H, xedges, yedges)``.

    ``bins`` is a number (for both), a pair of numbers or of edge arrays; ``range`` a
    pair of ``(min, max)``. Each bin holds ``[edge, next edge)``, the last one its right
    edge too, as NumPy's (``searchsorted`` on the edges). ``H`` is float32 (NumPy:
    float64); with ``density`` it integrates to 1.
    """
    # Note: integer coordinates are binned in float64 where the device has it (NumPy's
    # precision: 3330844418 rounded to float32 fell outside its own bins).
    xa, ya = (_float(_convert.array("histogram2d", v), wide=True) for v in (x, y))
    if xa.ndim != 1 or ya.ndim != 1 or xa.shape != ya.shape:
        raise ValueError("histogram2d: x and y must be 1-d arrays of the same length")
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, builtins.bool) or \
            isinstance(bins, _core.Array) and bins.ndim == 1:
        bins = [bins, bins]
    if not isinstance(bins, (list, tuple)) or len(bins) != 2:
        raise ValueError("histogram2d: bins must be an int, a pair of ints or a pair of "
                         "arrays of edges")
    if range is not None and not isinstance(range, (list, tuple)):
        raise TypeError(f"histogram2d: range must be None or a pair of (min, max) pairs, got "
                        f"{type(range).__name__}")
    rng = [None, None] if range is None else list(range)
    if len(rng) != 2:
        raise ValueError("histogram2d: range must be a pair of (min, max) pairs")
    edges = [histogram(v, b, r)[1] for v, b, r in zip((xa, ya), bins, rng)]
    w = None if weights is None else _float(_convert.array("histogram2d", weights))
    if w is not None and w.shape != xa.shape:
        raise ValueError("histogram2d: weights must have the shape of x")
    idx = []
    for v, e in zip((xa, ya), edges):
        v = astype(v, e._dtype)
        i = searchsorted(e, v, side="right")
        # NumPy's: a value on the last edge counts in the last bin.
        i = where(v == e[-1], i - 1, i)
        idx.append(i)
    nx, ny = edges[0].shape[0] + 1, edges[1].shape[0] + 1
    flat = idx[0] * ny + idx[1]
    dev = xa.device
    s = dev._s
    hdt = default_float(dev)  # (NumPy: float64)
    vals = mx.ones(flat.shape, dtype=hdt._mx) if w is None else w._array.astype(hdt._mx)
    counts = mx.zeros((nx * ny,), dtype=hdt._mx, stream=s).at[flat._array].add(vals)
    h = _core.new(mx.reshape(counts, (nx, ny), stream=s)[1:-1, 1:-1], hdt, dev)
    if density:
        dx = astype(edges[0][1:] - edges[0][:-1], hdt)
        dy = astype(edges[1][1:] - edges[1][:-1], hdt)
        area = reshape(dx, (-1, 1)) * reshape(dy, (1, -1))
        h = h / _sum(h) / area
    return h, edges[0], edges[1]
